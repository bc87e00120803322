// @ts-check
/**
 * Sliding-window rate limits, kept in memory (one process holds every connection). Each limiter
 * counts events per key (a visitor, an IP address, a sender) over the last window.
 */
import { ApiError } from './http-util.js';

export class RateLimiter {
  /**
   * @param {{ limit: number, windowMs?: number, what: string, now?: () => number }} options
   *   `what` names the limited thing in the error message ("sessions per IP address").
   */
  constructor({ limit, windowMs = 60_000, what, now = Date.now }) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.what = what;
    /** @private */
    this.now = now;
    /** @private @type {Map<string, number[]>} key → event times inside the window */
    this.log = new Map();
  }

  /**
   * Counts one event for `key`, or throws when the key has used up its window.
   * @param {string} key
   * @throws {ApiError} 429 `rate_limited` with `retryAfter` (seconds until a slot frees up)
   */
  hit(key) {
    const now = this.now();
    const recent = (this.log.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.limit) {
      this.log.set(key, recent);
      const retryAfter = Math.max(1, Math.ceil((recent[0] + this.windowMs - now) / 1000));
      throw Object.assign(new ApiError(429, 'rate_limited', `Too many ${this.what}; retry in ${retryAfter} s.`), { retryAfter });
    }
    recent.push(now);
    this.log.set(key, recent);
    // Forget idle keys so the map cannot grow without bound.
    if (this.log.size > 10_000) {
      for (const [k, times] of this.log) if (now - (times.at(-1) ?? 0) >= this.windowMs) this.log.delete(k);
    }
  }
}

/**
 * The client's IP address: the socket's peer, or with `trustProxy` the first `X-Forwarded-For`
 * entry (only behind a proxy that sets it; otherwise anyone could pick their own key).
 * @param {import('node:http').IncomingMessage} req
 * @param {boolean} trustProxy
 */
export function clientIp(req, trustProxy) {
  if (trustProxy) {
    const forwarded = String(req.headers['x-forwarded-for'] ?? '').split(',')[0].trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  return req.socket.remoteAddress ?? 'unknown';
}
