/**
 * Windowing for the message list: which rows to put in the DOM for a scroll position, given the
 * heights measured so far (an estimate for rows never rendered). Rows stay in normal flow between
 * two spacers, so a row always has its real size; the list only needs the heights to size the
 * spacers and to choose the window.
 *
 * Purpose-built instead of a general virtualizer: a chat list needs only a vertical flow, but it
 * needs to keep a row in place while older rows are prepended and to stick to the bottom, which
 * the element does with {@link RowWindow.topOf}. It is a few hundred bytes, and it measures rows
 * after rendering instead of with a ResizeObserver (no "loop completed with undelivered
 * notifications" errors on the host page).
 */
export class RowWindow {
  /** Extra pixels rendered above and below the visible area, so a fast scroll does not show gaps. */
  overscan = 600;
  private heights = new Map<string, number>();
  private keys: readonly string[] = [];
  private tops: number[] = [0];
  private dirty = true;
  private measuredSum = 0;
  private measuredCount = 0;

  /** Sets the rows, by key, in order. Heights measured before are kept. */
  setKeys(keys: readonly string[]): void {
    this.keys = keys;
    this.dirty = true;
  }

  /** Index of the row with this key, or -1. */
  indexOf(key: string): number {
    return this.keys.indexOf(key);
  }

  /** Records the rendered height of a row; returns true when it differs from what was assumed. */
  measure(key: string, height: number): boolean {
    const before = this.heights.get(key);
    if (before !== undefined && Math.abs(before - height) < 0.5) return false;
    if (before === undefined) {
      this.measuredSum += height;
      this.measuredCount++;
    } else {
      this.measuredSum += height - before;
    }
    this.heights.set(key, height);
    this.dirty = true;
    return true;
  }

  /** Forgets every height (the width changed, so text wraps differently). */
  reset(): void {
    this.heights.clear();
    this.measuredSum = this.measuredCount = 0;
    this.dirty = true;
  }

  /** Height assumed for a row never rendered: the average of those measured. */
  get estimate(): number {
    return this.measuredCount ? this.measuredSum / this.measuredCount : 56;
  }

  /** Offset of row `index` from the top of the first row (`index` = length gives the total). */
  topOf(index: number): number {
    if (this.dirty) this.layout();
    return this.tops[Math.max(0, Math.min(index, this.keys.length))];
  }

  /** Height of all rows. */
  get total(): number {
    return this.topOf(this.keys.length);
  }

  /** The rows to render, first and last index (inclusive), for a viewport at `top` of `height`. */
  range(top: number, height: number): { first: number; last: number } {
    const count = this.keys.length;
    if (!count) return { first: 0, last: -1 };
    const first = Math.max(0, this.indexAt(top - this.overscan));
    const last = Math.min(count - 1, this.indexAt(top + height + this.overscan));
    return { first, last };
  }

  /** The row at a vertical offset (the last row below the end, the first above the start). */
  indexAt(offset: number): number {
    if (this.dirty) this.layout();
    let lo = 0;
    let hi = this.keys.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.tops[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private layout(): void {
    const estimate = this.estimate;
    const tops = new Array<number>(this.keys.length + 1);
    tops[0] = 0;
    for (let i = 0; i < this.keys.length; i++) tops[i + 1] = tops[i] + (this.heights.get(this.keys[i]) ?? estimate);
    this.tops = tops;
    this.dirty = false;
  }
}
