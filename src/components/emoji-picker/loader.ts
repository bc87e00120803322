/**
 * Loads and registers `<amoiq-emoji-picker>` (a separate module, fetched on first use). The
 * drop-in build replaces this module with `loader.drop-in.ts` (see vite.config.ts).
 */
export const loadEmojiPicker = (): Promise<void> => import('./lazy.js').then(() => undefined);
