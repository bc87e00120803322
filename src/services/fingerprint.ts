/**
 * The coarse browser fingerprint of the opt-in relink (`fingerprint` on `<amoiq-chat>`,
 * docs/protocol.md "Coarse fingerprint", docs/security.md "Fingerprint relink").
 *
 * Only traits every page can read without probing are used: user agent, languages, time zone,
 * screen size and colour depth, device pixel ratio, number of logical processors and platform.
 * Nothing is drawn, rendered or measured (no canvas, WebGL, audio or font probing): many people
 * share these values, which is why the server relinks only on an exact, unique match from the same
 * IP address within days, and never for logged-in users.
 */

/** Where the traits are read from; the browser's globals by default, fakes in tests. */
export interface FingerprintSource {
  navigator: Pick<Navigator, 'userAgent' | 'languages' | 'language' | 'hardwareConcurrency' | 'platform'>;
  screen: Pick<Screen, 'width' | 'height' | 'colorDepth'>;
  devicePixelRatio: number;
  timeZone: string;
}

/** The traits of this browser, read from its globals. */
export function browserSource(): FingerprintSource {
  return {
    navigator,
    screen,
    devicePixelRatio: globalThis.devicePixelRatio,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
}

/**
 * The coarse traits, in a fixed order: `[userAgent, languages, timeZone, screen width, screen
 * height, colorDepth, devicePixelRatio, hardwareConcurrency, platform]`. Missing values are `''`
 * or 0, so the list always has the same shape.
 */
export function coarseTraits(source: FingerprintSource = browserSource()): ReadonlyArray<string | number> {
  const { navigator: nav, screen: scr } = source;
  const languages = nav.languages?.length ? nav.languages : [nav.language ?? ''];
  return [
    nav.userAgent ?? '',
    languages.join(','),
    source.timeZone ?? '',
    scr.width || 0,
    scr.height || 0,
    scr.colorDepth || 0,
    source.devicePixelRatio || 0,
    nav.hardwareConcurrency || 0,
    nav.platform ?? '',
  ];
}

/**
 * SHA-256 of the coarse traits, as 64 lowercase hex characters, or undefined where the page has
 * no Web Crypto (`crypto.subtle` exists only in secure contexts: https and localhost).
 *
 * @example
 * const fp = await coarseFingerprint(); // 'e3b0c442…' (64 hex characters)
 */
export async function coarseFingerprint(source: FingerprintSource = browserSource()): Promise<string | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return undefined;
  const bytes = new TextEncoder().encode(JSON.stringify(coarseTraits(source)));
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
