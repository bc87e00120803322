/** Settings of {@link Backoff}. */
export interface BackoffOptions {
  /** First delay in ms before jitter. Default 500. */
  base?: number;
  /** Largest delay in ms. Default 10000. */
  cap?: number;
  /** Returns a number in [0, 1); injected for tests. Default Math.random. */
  random?: () => number;
}

/**
 * Capped exponential backoff with full jitter: attempt n waits a random time in
 * [0, min(cap, base * 2^n)]. Full jitter spreads the reconnects of many visitors after a server
 * restart instead of having them arrive in waves.
 */
export class Backoff {
  readonly base: number;
  readonly cap: number;
  private readonly random: () => number;
  private attempt = 0;

  constructor({ base = 500, cap = 10_000, random = Math.random }: BackoffOptions = {}) {
    this.base = base;
    this.cap = cap;
    this.random = random;
  }

  /** How many delays were handed out since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The ceiling of the next delay, before jitter. */
  get ceiling(): number {
    return Math.min(this.cap, this.base * 2 ** Math.min(this.attempt, 30));
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
