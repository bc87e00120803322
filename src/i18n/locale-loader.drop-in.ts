import type { Strings } from './en.js';

/**
 * The drop-in script's locale loader (vite.config.ts swaps it in for `locale-loader.ts`): the
 * locales are emitted as `locales/<code>.js` next to `amoiq-chat.js`, and a dynamic `import()`
 * (which works from a classic script too) fetches them relative to the script's own URL.
 */
// Only set while the script runs for the first time, which is when this line runs.
const base = (document.currentScript as HTMLScriptElement | null)?.src || document.baseURI;

export const loadLocale = (code: string): Promise<Strings> =>
  import(/* @vite-ignore */ new URL(`locales/${code}.js`, base).href).then((m: { default: Strings }) => m.default);
