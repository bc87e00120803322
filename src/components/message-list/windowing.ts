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
 *
 * Incremental: the offsets are kept as two prefix sums (measured pixels, unmeasured rows) that are
 * valid up to the first row that changed, so a new message at the end or a measurement near it
 * costs the rows after it, not the whole history; a new average height changes no sum.
 */
export class RowWindow {
  /** Extra pixels rendered above and below the visible area, so a fast scroll does not show gaps. */
  overscan = 600;
  private heights = new Map<string, number>();
  private rows: readonly { readonly key: string }[] = [];
  /** For row i: the measured pixels above it, and how many rows above it are not measured. */
  private measuredAbove: number[] = [0];
  private unmeasuredAbove: number[] = [0];
  /** The prefix sums are right for rows 0..valid (inclusive). */
  private valid = 0;
  private measuredSum = 0;
  private measuredCount = 0;

  /**
   * Sets the rows (anything with a `key`), in order. Heights measured before are kept, and the
   * offsets of the rows up to the first whose key changed. The array is read, never changed.
   */
  setRows(rows: readonly { readonly key: string }[]): void {
    const before = this.rows;
    const n = Math.min(before.length, rows.length, this.valid);
    let same = 0;
    while (same < n && before[same].key === rows[same].key) same++;
    this.rows = rows;
    this.invalidateFrom(same);
  }

  /** {@link setRows} with bare keys. */
  setKeys(keys: readonly string[]): void {
    this.setRows(keys.map((key) => ({ key })));
  }

  /** Index of the row with this key, or -1; `near` (a row index) is searched around first. */
  indexOf(key: string, near = -1): number {
    const rows = this.rows;
    if (rows[near]?.key === key) return near;
    if (near >= 0) for (let i = Math.max(0, near - 64); i < Math.min(rows.length, near + 64); i++) if (rows[i].key === key) return i;
    return rows.findIndex((r) => r.key === key);
  }

  /**
   * Records the rendered height of a row; returns true when it differs from what was assumed.
   * `index` (where the row is, or near it) saves looking the key up through every row.
   */
  measure(key: string, height: number, index?: number): boolean {
    const before = this.heights.get(key);
    if (before !== undefined && Math.abs(before - height) < 0.5) return false;
    if (before === undefined) {
      this.measuredSum += height;
      this.measuredCount++;
    } else {
      this.measuredSum += height - before;
    }
    this.heights.set(key, height);
    const at = this.indexOf(key, index);
    if (at >= 0) this.invalidateFrom(at);
    return true;
  }

  /** Forgets every height (the width changed, so text wraps differently). */
  reset(): void {
    this.heights.clear();
    this.measuredSum = this.measuredCount = 0;
    this.invalidateFrom(0);
  }

  /** Height assumed for a row never rendered: the average of those measured. */
  get estimate(): number {
    return this.measuredCount ? this.measuredSum / this.measuredCount : 56;
  }

  /** Offset of row `index` from the top of the first row (`index` = length gives the total). */
  topOf(index: number): number {
    const i = Math.max(0, Math.min(index, this.rows.length));
    if (i > this.valid) this.extendTo(i);
    return this.measuredAbove[i] + this.estimate * this.unmeasuredAbove[i];
  }

  /** How many rows there are. */
  get count(): number {
    return this.rows.length;
  }

  /** Height of all rows. */
  get total(): number {
    return this.topOf(this.rows.length);
  }

  /** The rows to render, first and last index (inclusive), for a viewport at `top` of `height`. */
  range(top: number, height: number): { first: number; last: number } {
    const count = this.rows.length;
    if (!count) return { first: 0, last: -1 };
    const first = Math.max(0, this.indexAt(top - this.overscan));
    const last = Math.min(count - 1, this.indexAt(top + height + this.overscan));
    return { first, last };
  }

  /** The row at a vertical offset (the last row below the end, the first above the start). */
  indexAt(offset: number): number {
    this.extendTo(this.rows.length);
    let lo = 0;
    let hi = this.rows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.topOf(mid) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private invalidateFrom(index: number): void {
    this.valid = Math.min(this.valid, index);
    this.measuredAbove.length = this.unmeasuredAbove.length = this.valid + 1;
  }

  /** Makes the prefix sums right up to row `index`, from the last row they were right for. */
  private extendTo(index: number): void {
    const measured = this.measuredAbove;
    const unmeasured = this.unmeasuredAbove;
    for (let i = this.valid; i < index; i++) {
      const height = this.heights.get(this.rows[i].key);
      measured[i + 1] = measured[i] + (height ?? 0);
      unmeasured[i + 1] = unmeasured[i] + (height === undefined ? 1 : 0);
    }
    this.valid = Math.max(this.valid, index);
  }
}
