/**
 * Phone numbers for the callback form, with libphonenumber-js (its `min` metadata, about 80 KB
 * before gzip). The library is imported only by {@link loadPhoneLib}, which the form calls when it
 * opens, so it is a chunk of its own and never part of the start-up bundle; everything else here
 * takes the loaded module as a parameter.
 */
import type { CountryCode } from 'libphonenumber-js/min';

/** The loaded libphonenumber-js module. */
export type PhoneLib = typeof import('libphonenumber-js/min');
export type { CountryCode };

let loading: Promise<PhoneLib> | undefined;

/** Imports libphonenumber-js once per page; a failed import can be retried. */
export function loadPhoneLib(): Promise<PhoneLib> {
  loading ??= import('libphonenumber-js/min').catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** A number the visitor typed, checked. */
export type PhoneCheck =
  { ok: true; e164: string; international: string; country?: CountryCode } | { ok: false; code: 'phone_required' | 'phone_invalid' };

/**
 * Checks a typed number: with a leading `+` (or `00`) the country comes from the number;
 * otherwise `country` is assumed. Valid numbers come back as E.164 (`+14155552671`, what the
 * server takes) and in international format (`+1 415 555 2671`, what the visitor sees).
 */
export function checkPhone(lib: PhoneLib, text: string, country: CountryCode | undefined): PhoneCheck {
  const trimmed = text.trim().replace(/^00\s*(?=[1-9])/, '+');
  if (!/\d/.test(trimmed)) return { ok: false, code: 'phone_required' };
  const phone = lib.parsePhoneNumberFromString(trimmed, country);
  if (!phone || !phone.isValid()) return { ok: false, code: 'phone_invalid' };
  return { ok: true, e164: phone.number, international: phone.formatInternational(), country: phone.country };
}

/**
 * The country to start with: `preferred` if the library knows it, else the region of the
 * widget's language (`fr-CA` → CA), else of the browser's languages, else the region a language
 * most often means (`ja` → JP, `de` → DE, via `Intl.Locale#maximize`), else US.
 */
export function defaultCountry(
  lib: PhoneLib,
  lang: string,
  languages: readonly string[] = globalThis.navigator?.languages ?? [],
  preferred?: string,
): CountryCode {
  const known = (code: string | undefined): code is CountryCode => Boolean(code) && lib.isSupportedCountry(code!.toUpperCase());
  if (known(preferred)) return preferred.toUpperCase() as CountryCode;
  const regionOf = (tag: string, maximize: boolean): string | undefined => {
    try {
      const locale = new Intl.Locale(tag);
      return (maximize ? locale.maximize() : locale).region;
    } catch {
      return undefined;
    }
  };
  for (const tag of [lang, ...languages]) {
    const region = regionOf(tag, false);
    if (known(region)) return region as CountryCode;
  }
  const likely = regionOf(lang, true);
  return known(likely) ? (likely as CountryCode) : 'US';
}

/** One choice of the country select. */
export interface CountryOption {
  code: CountryCode;
  /** The country's name in the widget's language and its calling code: "France (+33)". */
  label: string;
}

/** Every country the library knows, named in `locale` and sorted by name. */
export function countryOptions(lib: PhoneLib, locale: string): CountryOption[] {
  let names: Intl.DisplayNames | undefined;
  try {
    names = new Intl.DisplayNames([locale, 'en'], { type: 'region' });
  } catch {
    names = undefined;
  }
  const collator = new Intl.Collator(locale);
  return lib
    .getCountries()
    .map((code) => ({ code, name: names?.of(code) ?? code, calling: lib.getCountryCallingCode(code) }))
    .sort((a, b) => collator.compare(a.name, b.name))
    .map(({ code, name, calling }) => ({ code, label: `${name} (+${calling})` }));
}
