/**
 * The queue's estimated wait as the banner shows it: the server's estimate counted down from when
 * it was given, in whole minutes (no DOM, so tests reach it with any clock).
 */

/** How often the banner recomputes the wait: it shows minutes, so a few times a minute is plenty. */
export const WAIT_REFRESH_MS = 15_000;

/** The least estimate the banner counts down from (s). */
export const MIN_ESTIMATE_SECONDS = 60;

/**
 * The minutes left of an estimate of `estimateSeconds` given at `givenAt` (epoch ms), at `now`:
 * rounded up (at least 1 while any is left); 0 once it has run out (the visitor is still waiting:
 * say so honestly instead of "about 1 minute" forever); undefined without an estimate (no agent
 * online). Without `givenAt` the estimate is taken as just given.
 */
export function remainingWaitMinutes(
  estimateSeconds: number | null | undefined,
  givenAt: number | undefined,
  now: number,
): number | undefined {
  if (typeof estimateSeconds !== 'number') return undefined;
  // An estimate under a minute (0 when the past waits were all but nothing) counts as one: a
  // visitor who just joined the queue is never told it is "taking longer than expected".
  const left = Math.max(MIN_ESTIMATE_SECONDS, estimateSeconds) - Math.max(0, now - (givenAt ?? now)) / 1000;
  return left > 0 ? Math.max(1, Math.ceil(left / 60)) : 0;
}
