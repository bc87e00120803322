/** WCAG contrast measured from computed colours (test helpers). */

/** [r, g, b, a] of a computed `rgb()`/`rgba()`/`color(srgb …)` colour. */
export function rgba(color: string): [number, number, number, number] {
  const srgb = /color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.]+))?\)/.exec(color);
  if (srgb) return [+srgb[1] * 255, +srgb[2] * 255, +srgb[3] * 255, srgb[4] === undefined ? 1 : +srgb[4]];
  const m = /rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:,? \/? ?([\d.]+))?\)/.exec(color);
  if (!m) throw new Error(`cannot read colour ${color}`);
  return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
}

function luminance([r, g, b]: readonly number[]): number {
  const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** The WCAG contrast ratio of two opaque colours. */
export function contrast(a: string, b: string): number {
  const [la, lb] = [luminance(rgba(a)), luminance(rgba(b))].sort((x, y) => y - x);
  return (la + 0.05) / (lb + 0.05);
}

/** The parent in the composed (rendered) tree: slot, shadow host, or parent element. */
export function composedParent(el: Element): Element | null {
  return el.assignedSlot ?? el.parentElement ?? ((el.getRootNode() as ShadowRoot).host || null);
}

/** The first opaque background at `el` or above it in the composed tree (the page's white at the end). */
export function backgroundBehind(el: Element | null): string {
  for (let node = el; node; node = composedParent(node)) {
    const bg = getComputedStyle(node).backgroundColor;
    if (rgba(bg)[3] > 0.5) return bg;
  }
  return 'rgb(255, 255, 255)';
}

/**
 * The contrast of an element's focus ring with what it is drawn on: the element's own background
 * when the ring is inset (a negative offset larger than its width), else what lies around it.
 */
export function ringContrast(el: HTMLElement): { ratio: number; ring: string; background: string } {
  const style = getComputedStyle(el);
  const inside = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth) <= 0;
  const background = backgroundBehind(inside ? el : composedParent(el));
  return { ratio: contrast(style.outlineColor, background), ring: style.outlineColor, background };
}
