import type { Clock } from './clock.js';

/**
 * The timers of one owner (the transport and its channels), on the injected clock, so the owner
 * can clear them all at once and prove that nothing is left ({@link size}).
 */
export class Timers {
  private readonly handles = new Set<unknown>();

  constructor(private readonly clock: Clock) {}

  /** Runs `fn` after `ms`; returns the handle for {@link clear}. */
  later(ms: number, fn: () => void): unknown {
    const handle = this.clock.setTimeout(() => {
      this.handles.delete(handle);
      fn();
    }, ms);
    this.handles.add(handle);
    return handle;
  }

  clear(handle: unknown): void {
    if (handle === undefined) return;
    this.clock.clearTimeout(handle);
    this.handles.delete(handle);
  }

  clearAll(): void {
    for (const handle of this.handles) this.clock.clearTimeout(handle);
    this.handles.clear();
  }

  /** How many are scheduled. */
  get size(): number {
    return this.handles.size;
  }
}
