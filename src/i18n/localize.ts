import { ContextConsumer, ContextProvider, createContext } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { en, type Plural, type Strings } from './en.js';
import { loadLocale } from './locale-loader.js';

/** Locales with strings; anything else shows English. `en` is bundled, the others load on demand. */
export const LOCALES = ['en', 'es', 'fr', 'de', 'ar', 'ja'] as const;
const RTL = new Set(['ar', 'he', 'fa', 'ur']);

/** One instance's language: its strings and formatters. */
export interface Localized {
  /** The BCP 47 tag used for `Intl` (`fr-CA`), or `en` when the language has no strings. */
  readonly locale: string;
  readonly dir: 'ltr' | 'rtl';
  readonly strings: Strings;
  /** The plural form for `n` with `#` replaced by the formatted number. */
  plural(forms: Plural, n: number): string;
  /** A time of day in the instance's locale ("14:05", "2:05 PM"). */
  time(date: Date | string | number): string;
}

/**
 * Builds the {@link Localized} value for a locale tag and its strings. The `Intl` formatters are
 * made on first use, not here: the first ICU use of a page costs tens of ms (hundreds on a slow
 * CPU), and the English fallback is built while the widget's module is evaluated.
 */
export function localized(locale: string, strings: Strings): Localized {
  let rules: Intl.PluralRules | undefined;
  let number: Intl.NumberFormat | undefined;
  let time: Intl.DateTimeFormat | undefined;
  return {
    locale,
    dir: RTL.has(locale.split('-')[0]) ? 'rtl' : 'ltr',
    strings,
    plural: (forms, n) =>
      (forms[(rules ??= new Intl.PluralRules(locale)).select(n)] ?? forms.other).replace(
        '#',
        (number ??= new Intl.NumberFormat(locale)).format(n),
      ),
    time: (date) => (time ??= new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' })).format(new Date(date)),
  };
}

/** The English value, used until a locale has loaded and by components outside `<amoiq-chat>`. */
export const fallbackLocale = localized('en', en);

/** The language of the nearest `<amoiq-chat>`, provided to its subcomponents. */
export const localeContext = createContext<Localized>(Symbol('amoiq-locale'));

/**
 * The language asked for: the element's own `lang`, else the closest ancestor's (across shadow
 * roots), else the document's, else the browser's.
 */
export function requestedLang(el: Element): string {
  for (let node: Element | null = el; node; node = node.parentElement ?? ((node.getRootNode() as ShadowRoot).host || null)) {
    if (node.getAttribute('lang')) return node.getAttribute('lang')!;
  }
  if (typeof document === 'undefined') return 'en'; // Lit SSR: the browser decides after hydration
  return document.documentElement.lang || navigator.language || 'en';
}

/** The supported locale tag for a requested language: `fr-CA` stays `fr-CA`; `pt-BR` becomes `en`. */
export function supportedLocale(lang: string): string {
  return (LOCALES as readonly string[]).includes(lang.split('-')[0].toLowerCase()) ? lang : 'en';
}

const cache = new Map<string, Promise<Strings>>([['en', Promise.resolve(en)]]);

/** Strings of a supported locale, loaded once per page; English (and one warning) if loading fails. */
export function loadStrings(locale: string): Promise<Strings> {
  const code = locale.split('-')[0].toLowerCase();
  if (!cache.has(code)) {
    cache.set(
      code,
      loadLocale(code).catch((err: Error) => {
        console.warn(`[amoiq-chat] lang: could not load the "${code}" strings (${err.message}); using English.`);
        return en;
      }),
    );
  }
  return cache.get(code)!;
}

/**
 * Gives one `<amoiq-chat>` its language: resolves it before every update (own `lang`, ancestors,
 * document, browser), loads its strings, provides them to the subcomponents by context and
 * re-renders. Nothing is page-global, so two widgets on one page can speak different languages.
 */
export class LocalizeController implements ReactiveController {
  /** The current language. */
  value = fallbackLocale;
  private requested = 'en';
  private readonly provider: ContextProvider<typeof localeContext>;
  /** Made on connection, never in the constructor: Lit SSR constructs the element without a DOM. */
  private observer?: MutationObserver;
  private readonly refresh = (): void => this.host.requestUpdate();

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
    this.provider = new ContextProvider(host, { context: localeContext, initialValue: this.value });
  }

  hostConnected(): void {
    // An ancestor's or the document's `lang` may change at runtime (a site's language switch).
    this.observer ??= new MutationObserver(this.refresh);
    this.observer.observe(document.documentElement, { attributeFilter: ['lang'], subtree: true });
    window.addEventListener('languagechange', this.refresh);
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
    window.removeEventListener('languagechange', this.refresh);
  }

  hostUpdate(): void {
    const locale = supportedLocale(requestedLang(this.host));
    if (locale === this.requested) return;
    this.requested = locale;
    void loadStrings(locale).then((strings) => {
      if (this.requested !== locale) return; // a newer request won
      // A locale that failed to load shows English throughout, dates included.
      this.value = localized(strings === en && !locale.toLowerCase().startsWith('en') ? 'en' : locale, strings);
      this.provider.setValue(this.value);
      this.host.requestUpdate();
    });
  }
}

/**
 * Gives a subcomponent the language of the `<amoiq-chat>` it sits in, re-rendering it when that
 * changes; English when used on its own.
 *
 * @example
 * private readonly l10n = new LocaleConsumer(this);
 * render() { return html`${this.l10n.value.strings.send}`; }
 */
export class LocaleConsumer {
  private readonly consumer: ContextConsumer<typeof localeContext, ReactiveControllerHost & HTMLElement>;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.consumer = new ContextConsumer(host, { context: localeContext, subscribe: true });
  }

  /** The current language. */
  get value(): Localized {
    return this.consumer.value ?? fallbackLocale;
  }
}
