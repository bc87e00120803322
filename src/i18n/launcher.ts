/**
 * The language of `<amoiq-chat>`'s launcher before the rest of the chat has loaded. The launcher
 * is all a page shows until the visitor shows interest, and it needs only its name: the whole
 * string table (en.ts, a few KB) and the `LocalizeController` come with the lazily loaded part
 * (chat-runtime.ts), which then takes over. The names here are the locale files' `openChat` and
 * `closeChat` (test/node/launcher-names.test.mjs checks they stay equal), and the language is
 * resolved as localize.ts does: own `lang`, closest ancestor's, document's, browser's.
 */

/** `[openChat, closeChat]` of each locale with strings. */
const NAMES: Readonly<Record<string, readonly [string, string]>> = {
  en: ['Open chat', 'Close chat'],
  es: ['Abrir el chat', 'Cerrar el chat'],
  fr: ['Ouvrir le chat', 'Fermer le chat'],
  de: ['Chat öffnen', 'Chat schließen'],
  ar: ['فتح المحادثة', 'إغلاق المحادثة'],
  ja: ['チャットを開く', 'チャットを閉じる'],
};

/** What the launcher shows in a language. */
export interface LauncherLang {
  /** The BCP 47 tag (`fr-CA`), or `en` when the language has no strings. */
  locale: string;
  dir: 'ltr' | 'rtl';
  openChat: string;
  closeChat: string;
}

/** The launcher's language for an element, from its `lang` or the closest one above it. */
export function launcherLang(el: Element): LauncherLang {
  let lang = '';
  // Lit SSR's elements have no parent nor root, and the server no document nor navigator: there
  // the element's own `lang` or English, until the browser takes over after hydration.
  for (
    let node: Element | null = el;
    node && !lang;
    node = node.parentElement ?? ((node.getRootNode?.() as ShadowRoot | undefined)?.host || null)
  ) {
    lang = node.getAttribute('lang') ?? '';
  }
  lang ||= globalThis.document?.documentElement.lang || globalThis.navigator?.language || 'en';
  const names = NAMES[lang.split('-')[0].toLowerCase()];
  const [openChat, closeChat] = names ?? NAMES.en;
  return { locale: names ? lang : 'en', dir: names === NAMES.ar ? 'rtl' : 'ltr', openChat, closeChat };
}

/** The table, for the test that compares it with the locale files. */
export const LAUNCHER_NAMES = NAMES;
