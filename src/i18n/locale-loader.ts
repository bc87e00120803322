import type { Strings } from './en.js';

/**
 * Loads one locale's strings. Each locale is its own module next to this one, imported only
 * when an instance needs it (literal specifiers, so bundlers and dev servers see every file).
 * In the drop-in build each becomes a chunk of its own (see vite.config.ts).
 */
const loaders: Record<string, () => Promise<{ default: Strings }>> = {
  es: () => import('./es.js'),
  fr: () => import('./fr.js'),
  de: () => import('./de.js'),
  ar: () => import('./ar.js'),
  ja: () => import('./ja.js'),
};

export const loadLocale = (code: string): Promise<Strings> => loaders[code]().then((m) => m.default);
