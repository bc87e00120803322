/** Settings of {@link Backoff}. */
export interface BackoffOptions {
  /** First delay in ms before jitter. Default 250. */
  base?: number;
  /** Largest delay in ms during a short outage. Default 1000. */
  cap?: number;
  /** Attempts that count as a short outage. Default 30 (roughly 15 s). */
  shortAttempts?: number;
  /** Largest delay in ms once the outage is long. Default 30000. */
  longCap?: number;
  /** Returns a number in [0, 1); injected for tests. Default Math.random. */
  random?: () => number;
}

/**
 * Capped exponential backoff with full jitter, in two phases: attempt n waits a random time in
 * [0, min(cap, base · 2ⁿ)]; after `shortAttempts` attempts the ceiling keeps doubling from `cap`
 * up to `longCap`.
 *
 * Why two phases: most outages are restarts and deploys that last a second or two, and a visitor
 * should be back within about a second of the server (docs/reliability.md measures it). An outage
 * that lasts longer is a real incident, and then clients must back off hard so they do not keep a
 * recovering server down. Full jitter spreads the reconnects of many visitors evenly instead of
 * in waves.
 */
export class Backoff {
  readonly base: number;
  readonly cap: number;
  readonly shortAttempts: number;
  readonly longCap: number;
  private readonly random: () => number;
  private attempt = 0;

  constructor({ base = 250, cap = 1000, shortAttempts = 30, longCap = 30_000, random = Math.random }: BackoffOptions = {}) {
    this.base = base;
    this.cap = cap;
    this.shortAttempts = shortAttempts;
    this.longCap = Math.max(longCap, cap);
    this.random = random;
  }

  /** How many delays were handed out since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The ceiling of the next delay, before jitter. */
  get ceiling(): number {
    if (this.attempt < this.shortAttempts) return Math.min(this.cap, this.base * 2 ** Math.min(this.attempt, 30));
    return Math.min(this.longCap, this.cap * 2 ** Math.min(this.attempt - this.shortAttempts + 1, 30));
  }

  /** Returns the next delay in ms and moves to the next attempt. */
  next(): number {
    const delay = Math.round(this.random() * this.ceiling);
    this.attempt++;
    return delay;
  }

  /** Starts again from the first delay, after a connection succeeded. */
  reset(): void {
    this.attempt = 0;
  }
}
