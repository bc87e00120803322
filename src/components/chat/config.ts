/**
 * Checks of the values a site owner gives `<amoiq-chat>`. Each returns the usable value or
 * undefined; the element then warns once and falls back to the default.
 */

/** Where the launcher and panel sit. */
export type ChatPosition = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';

export const POSITIONS: readonly ChatPosition[] = ['bottom-right', 'bottom-left', 'top-right', 'top-left'];

export const isPosition = (v: unknown): v is ChatPosition => POSITIONS.includes(v as ChatPosition);

/** True for any CSS colour the browser understands (`#08f`, `rebeccapurple`, `oklch(…)`). */
export const isColor = (v: string): boolean => CSS.supports('color', v);

/** True for a CSS length or percentage (`350px`, `90vw`, `min(400px, 100%)`), not a bare number. */
export const isLength = (v: string): boolean => CSS.supports('width', v) && !/^[\d.]+$/.test(v.trim());

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
 * Black or white, whichever reads better on `color` (WCAG relative luminance; the threshold
 * 0.179 is where both give the same contrast ratio).
 */
export function readableOn(color: string): '#000' | '#fff' {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return '#000';
  probe.fillStyle = '#000';
  probe.fillStyle = color; // the canvas normalises any CSS colour to #rrggbb or rgba()
  const normalized = String(probe.fillStyle);
  const hex = /^#([\da-f]{2})([\da-f]{2})([\da-f]{2})$/i.exec(normalized);
  const rgb = hex ? hex.slice(1).map((h) => parseInt(h, 16)) : normalized.match(/[\d.]+/g)?.slice(0, 3).map(Number);
  if (!rgb || rgb.length < 3) return '#000';
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.179 ? '#000' : '#fff';
}
