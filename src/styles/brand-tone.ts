/**
 * The accessible tones of a brand colour (docs/theming.md, "Brand colour"): white text and icons
 * always sit on the accent, and where the brand colour is too light for them it is darkened in
 * OKLCH — same hue, chroma kept as far as sRGB allows, lightness lowered only as much as needed —
 * until white reaches the ratio the surface needs: 4.5:1 where text sits (header, the visitor's
 * bubbles, labelled buttons; WCAG 1.4.3), 3:1 where only icons do (launcher, send button; WCAG
 * 1.4.11). A colour that already passes is returned unchanged, so dark brands keep their exact
 * colour. Plain arithmetic, no DOM: tested over many colours (test/components/brand-tone.test.ts).
 */

/** An sRGB colour, channels 0–255. */
export type Rgb = readonly [number, number, number];

/** Ratio white text needs on a surface with text (WCAG AA). */
export const TEXT_CONTRAST = 4.5;
/** Ratio white icons need on their surface (WCAG 1.4.11, also large text). */
export const ICON_CONTRAST = 3;

const linear = (c: number): number => {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
};
const gamma = (l: number): number => 255 * (l <= 0.0031308 ? 12.92 * l : 1.055 * l ** (1 / 2.4) - 0.055);

/** WCAG relative luminance. */
export function luminance([r, g, b]: Rgb): number {
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** WCAG contrast ratio of two colours (1–21). */
export function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const WHITE: Rgb = [255, 255, 255];

/** sRGB → OKLCH (L 0–1, C, h radians). */
function toOklch(rgb: Rgb): [number, number, number] {
  const [r, g, b] = rgb.map(linear);
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  const L = 0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s;
  const A = 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s;
  const B = 0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s;
  return [L, Math.hypot(A, B), Math.atan2(B, A)];
}

/** OKLCH → linear sRGB (may be out of gamut). */
function fromOklch(L: number, C: number, h: number): [number, number, number] {
  const A = C * Math.cos(h);
  const B = C * Math.sin(h);
  const l = (L + 0.3963377774 * A + 0.2158037573 * B) ** 3;
  const m = (L - 0.1055613458 * A - 0.0638541728 * B) ** 3;
  const s = (L - 0.0894841775 * A - 1.291485548 * B) ** 3;
  return [
    4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
    -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
    -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s,
  ];
}

const inGamut = (c: number[]): boolean => c.every((v) => v >= -1e-4 && v <= 1 + 1e-4);

/** The colour at lightness L with the most of chroma C that sRGB holds, rounded to 8-bit channels. */
function clipped(L: number, C: number, h: number): Rgb {
  let lo = 0;
  let hi = C;
  if (!inGamut(fromOklch(L, C, h))) {
    for (let i = 0; i < 24; i++) {
      const mid = (lo + hi) / 2;
      if (inGamut(fromOklch(L, mid, h))) lo = mid;
      else hi = mid;
    }
  } else lo = C;
  const [r, g, b] = fromOklch(L, lo, h).map((v) => Math.round(gamma(Math.min(1, Math.max(0, v)))));
  return [r, g, b];
}

/**
 * The lightest tone of `color` (same OKLCH hue, chroma as far as sRGB allows) on which white
 * reaches `ratio`; `color` itself when white already does.
 *
 * @example
 * toneForWhite([0, 136, 255], TEXT_CONTRAST) // a deeper blue, white text at ≥ 4.5:1
 */
export function toneForWhite(color: Rgb, ratio: number): Rgb {
  if (contrast(color, WHITE) >= ratio) return color;
  const [L0, chroma, h] = toOklch(color);
  const C = chroma < 0.002 ? 0 : chroma; // a grey stays grey (its hue is rounding noise)
  // Lower L until white passes: the largest L that passes is found by bisection, then checked on
  // the rounded colour (rounding can cost a hair of contrast).
  let lo = 0;
  let hi = L0;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (contrast(clipped(mid, C, h), WHITE) >= ratio) lo = mid;
    else hi = mid;
  }
  let tone = clipped(lo, C, h);
  for (let L = lo; contrast(tone, WHITE) < ratio && L > 0; L -= 0.002) tone = clipped(L, C, h);
  return contrast(tone, WHITE) >= ratio ? tone : [0, 0, 0];
}

/** `#rrggbb` of a colour. */
export function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

export { BRAND_PROPERTIES } from './brand-properties.js';

/**
 * The custom properties a brand colour sets (docs/theming.md): the exact colour as
 * `--amoiq-chat-brand-color`, its text tone as `--amoiq-chat-accent-color`, its icon tone as
 * `--amoiq-chat-launcher-background`, and white on them.
 */
export function brandProperties(color: Rgb): Record<string, string> {
  return {
    '--amoiq-chat-brand-color': toHex(color),
    '--amoiq-chat-accent-color': toHex(toneForWhite(color, TEXT_CONTRAST)),
    '--amoiq-chat-launcher-background': toHex(toneForWhite(color, ICON_CONTRAST)),
    '--amoiq-chat-on-accent-color': '#fff',
  };
}
