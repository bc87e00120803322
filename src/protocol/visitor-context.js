// @ts-check
/* global URL, location, navigator */
/**
 * The visitor context of protocol v1 (docs/protocol.md, "Visitor context"): what the widget tells
 * the server about where the visitor is when it opens a session (the page, the browser's time zone
 * and language), so agents can answer in context. Written once for the widget (which builds it),
 * the reference server (which checks it) and the agent console (which shows it): plain JavaScript
 * with JSDoc types, like limits.js.
 *
 * Only what any page can read without asking is sent, and the page address without its query and
 * fragment: those often carry tokens (password resets, magic links, tracking ids).
 */

/** Longest accepted `pageUrl`, in characters. */
export const MAX_PAGE_URL_LENGTH = 2048;
/** Longest accepted `timezone` (IANA names are far shorter). */
export const MAX_TIMEZONE_LENGTH = 64;
/** Longest accepted `locale` (a BCP 47 tag). */
export const MAX_LOCALE_LENGTH = 35;

/**
 * @typedef {{ pageUrl?: string, timezone?: string, locale?: string }} VisitorContext
 *   `pageUrl`: http(s) address of the page, without query and fragment; `timezone`: an IANA time
 *   zone (`Europe/Paris`); `locale`: the browser's language, a BCP 47 tag (`fr-FR`)
 */

const FIELDS = ['pageUrl', 'timezone', 'locale'];

/**
 * The address of a page as the context carries it: origin and path only. Undefined for anything
 * but http(s) (a `file:` page, `about:blank`).
 * @param {string} href
 * @returns {string | undefined}
 */
export function pageUrlOf(href) {
  try {
    const url = new URL(href);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    const clean = `${url.origin}${url.pathname}`;
    return clean.length <= MAX_PAGE_URL_LENGTH ? clean : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks an untrusted context (a session request's `context`): an object with only the known
 * fields, each a string of the right form. The page address is reduced to origin and path.
 * @param {unknown} value
 * @returns {{ ok: true, context: VisitorContext } | { ok: false, error: string }}
 */
export function checkVisitorContext(value) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: '`context` must be an object.' };
  const record = /** @type {Record<string, unknown>} */ (value);
  const unknown = Object.keys(record).filter((key) => !FIELDS.includes(key));
  if (unknown.length)
    return { ok: false, error: `\`context\` has unknown field \`${unknown[0].slice(0, 40)}\` (known: ${FIELDS.join(', ')}).` };
  /** @type {VisitorContext} */
  const context = {};
  const { pageUrl, timezone, locale } = record;
  if (pageUrl !== undefined && pageUrl !== null) {
    if (typeof pageUrl !== 'string' || pageUrl.length > MAX_PAGE_URL_LENGTH)
      return { ok: false, error: `\`context.pageUrl\` must be a string of at most ${MAX_PAGE_URL_LENGTH} characters.` };
    const clean = pageUrlOf(pageUrl);
    if (!clean) return { ok: false, error: '`context.pageUrl` must be an absolute http(s) URL.' };
    context.pageUrl = clean;
  }
  if (timezone !== undefined && timezone !== null) {
    if (typeof timezone !== 'string' || timezone.length > MAX_TIMEZONE_LENGTH || !isTimeZone(timezone))
      return { ok: false, error: '`context.timezone` must be an IANA time zone such as `Europe/Paris`.' };
    context.timezone = timezone;
  }
  if (locale !== undefined && locale !== null) {
    const canonical = typeof locale === 'string' && locale.length <= MAX_LOCALE_LENGTH ? canonicalLocale(locale) : undefined;
    if (!canonical) return { ok: false, error: '`context.locale` must be a BCP 47 language tag such as `fr-FR`.' };
    context.locale = canonical;
  }
  return { ok: true, context };
}

/** @param {string} name */
function isTimeZone(name) {
  if (!isZoneName(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** @param {string} tag */
function canonicalLocale(tag) {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/**
 * The context of the page this script runs in (the widget's side): its address, the browser's
 * time zone and language. Fields a browser does not give are left out.
 * @param {{ href?: string, language?: string }} [from] defaults to `location.href` and `navigator.language`
 * @returns {VisitorContext}
 */
export function currentVisitorContext(from = {}) {
  /** @type {VisitorContext} */
  const context = {};
  const href = from.href ?? (typeof location === 'undefined' ? undefined : location.href);
  const pageUrl = href ? pageUrlOf(href) : undefined;
  if (pageUrl) context.pageUrl = pageUrl;
  const timezone = systemTimeZone();
  if (timezone) context.timezone = timezone;
  const language = from.language ?? (typeof navigator === 'undefined' ? undefined : navigator.language);
  const locale = language && language.length <= MAX_LOCALE_LENGTH ? canonicalLocale(language) : undefined;
  if (locale) context.locale = locale;
  return context;
}

/**
 * The browser's IANA time zone, or undefined. `Temporal.Now.timeZoneId()` where there is one: it
 * reads the zone without building a date formatter, which as the page's first use of ICU costs
 * ~100 ms of one task (Chromium, measured) right before the session request leaves. Elsewhere
 * `Intl.DateTimeFormat`, checked by building a second one with the zone. The name must pass the
 * server's check (docs/protocol.md, Visitor context), or the session request would be refused.
 * @returns {string | undefined}
 */
function systemTimeZone() {
  try {
    const temporal = /** @type {{ Temporal?: { Now?: { timeZoneId?: () => unknown } } }} */ (globalThis).Temporal;
    const engine = temporal?.Now?.timeZoneId?.();
    // The engine names one of its own zones; the server's check is the same name test and zone data.
    if (typeof engine === 'string') return isZoneName(engine) ? engine : undefined;
    const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return timezone && isTimeZone(timezone) ? timezone : undefined;
  } catch {
    return undefined; // no time zone: left out
  }
}

/**
 * A zone name of the accepted form and length (without asking ICU whether it exists).
 * @param {string} name
 */
function isZoneName(name) {
  return name.length <= MAX_TIMEZONE_LENGTH && /^[A-Za-z0-9_+\-/]+$/.test(name);
}
