/**
 * The values a site owner gives `<amoiq-chat>`: their checks and defaults, which the launcher
 * needs at start. The warnings about them and the service options they make are
 * config-checks.ts, loaded with the rest of the chat. Bad values log one warning naming the
 * attribute (the element keeps a set of those already given) and fall back to the default;
 * nothing here throws.
 */
import type { StorageMode } from './services/storage-mode.js';
import { TOKENS } from './styles/tokens.js';

/** Where the launcher and panel sit. */
export type ChatPosition = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';

export const POSITIONS: readonly ChatPosition[] = ['bottom-right', 'bottom-left', 'top-right', 'top-left'];

export const isPosition = (v: unknown): v is ChatPosition => POSITIONS.includes(v as ChatPosition);

/**
 * The browser's CSS parser, or undefined where there is none: Lit SSR and plain Node, and jsdom
 * (Vitest, Jest), which has no `CSS` namespace. Checked at each call, never at import.
 */
const cssSupports = (): ((property: string, value: string) => boolean) | undefined =>
  typeof CSS !== 'undefined' && typeof CSS.supports === 'function' ? CSS.supports.bind(CSS) : undefined;

/**
 * Without a CSS parser a value is taken as given unless it could leave its declaration; the
 * browser checks it again once the element runs there.
 */
const plausibleCss = (v: string): boolean => v.trim() !== '' && !/[;{}<>]/.test(v);

/** True for any CSS colour the browser understands (`#08f`, `rebeccapurple`, `oklch(…)`). */
export const isColor = (v: string): boolean => cssSupports()?.('color', v) ?? plausibleCss(v);

/** True for a CSS length or percentage (`350px`, `90vw`, `min(400px, 100%)`), not a bare number. */
export const isLength = (v: string): boolean => (cssSupports()?.('width', v) ?? plausibleCss(v)) && !/^[\d.]+$/.test(v.trim());

/** True for an http(s) URL. */
export function isHttpUrl(v: string): boolean {
  try {
    const url = new URL(v);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

let probe: CanvasRenderingContext2D | null | undefined;

/**
 * The sRGB channels of any CSS colour, or undefined when it cannot be read. In a real browser a
 * canvas normalises the colour; elsewhere (jsdom logs "not implemented", SSR has no document)
 * only `#rgb` and `#rrggbb` are read.
 */
export function parseRgb(color: string): [number, number, number] | undefined {
  if (probe === undefined && cssSupports()) probe = document.createElement('canvas').getContext('2d');
  let normalized = color.trim().replace(/^#([\da-f])([\da-f])([\da-f])$/i, '#$1$1$2$2$3$3');
  if (probe) {
    probe.fillStyle = '#000';
    probe.fillStyle = color; // the canvas normalises any CSS colour to #rrggbb or rgba()
    normalized = String(probe.fillStyle);
  }
  const hex = /^#([\da-f]{2})([\da-f]{2})([\da-f]{2})$/i.exec(normalized);
  const rgb = hex
    ? hex.slice(1).map((h) => parseInt(h, 16))
    : /^rgba?\(/.test(normalized)
      ? normalized
          .match(/[\d.]+/g)
          ?.slice(0, 3)
          .map(Number)
      : undefined;
  return rgb && rgb.length === 3 ? [rgb[0], rgb[1], rgb[2]] : undefined;
}

/**
 * Black or white, whichever reads better on `color` (WCAG relative luminance; the threshold
 * 0.179 is where both give the same contrast ratio); black when the colour cannot be read.
 */
export function readableOn(color: string): '#000' | '#fff' {
  const rgb = parseRgb(color);
  if (!rgb) return '#000';
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.179 ? '#000' : '#fff';
}

/** Colour schemes of `theme`. */
export type ChatTheme = 'light' | 'dark' | 'auto';

export const THEMES: readonly ChatTheme[] = ['light', 'dark', 'auto'];

export const isTheme = (v: unknown): v is ChatTheme => THEMES.includes(v as ChatTheme);

/** What a wrong or missing value falls back to; the sizes and colour are the CSS defaults (tokens.ts). */
export const DEFAULTS = {
  position: 'bottom-right' as ChatPosition,
  theme: 'light' as ChatTheme,
  themeColor: TOKENS['--amoiq-chat-brand-color'] as string,
  width: TOKENS['--amoiq-chat-width'] as string,
  height: TOKENS['--amoiq-chat-height'] as string,
  storage: 'persistent' as StorageMode,
};

/** The attributes of `<amoiq-chat>` checked here (its properties of the same names). */
export interface ChatConfig {
  position: string;
  theme: string;
  themeColor: string;
  width: string;
  height: string;
  gatewayUrl: string;
  apiKey: string;
  tenantId: string;
  dbName: string;
  fingerprint: boolean;
  attachmentTypes: string;
  attachmentMaxSize: string;
  storage: string;
  userId: string;
  userToken: string;
  userName: string;
  userEmail: string;
}
