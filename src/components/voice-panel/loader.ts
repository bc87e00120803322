/**
 * Loads and registers the voice elements (`lazy.ts`, a chunk of its own in the drop-in build)
 * the first time the chat needs one: the voice panel opens, a message with audio shows, or the
 * message box shows the record button.
 */
export const loadVoice = (): Promise<void> => import('./lazy.js').then((m) => m.defineVoice());
