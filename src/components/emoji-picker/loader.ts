/**
 * Loads and registers `<amoiq-emoji-picker>` (a separate module, fetched on the first press of
 * the emoji button; in the drop-in build a chunk of its own, see vite.config.ts).
 */
export const loadEmojiPicker = (): Promise<void> => import('./lazy.js').then((m) => m.defineEmojiPicker());
