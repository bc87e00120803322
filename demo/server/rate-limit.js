// @ts-check
/**
 * Sliding-window rate limits, kept in memory. Each limiter counts events per key (a visitor, an IP
 * address, a sender) over the last window. With several server nodes (cluster.js) every node
 * tells the others what it counted (`onHit` → `addRemote`), so a client spread over the nodes by
 * the load balancer meets the same limit as on one node (give or take what arrives in the last
 * quarter second).
 */
import { rateLimited } from './errors.js';

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
    /**
     * @private @type {Map<string, { times: number[], head: number }>} key → event times, oldest
     * first; those before `head` have left the window (a queue: each hit drops the expired ones
     * from the front instead of filtering the whole window, which cost a full copy of up to a
     * minute of one address's messages on every message)
     */
    this.log = new Map();
    /** Called with the key of every counted event (cluster.js shares them with the other nodes). @type {((key: string) => void) | null} */
    this.onHit = null;
  }

  /**
   * The key's events inside the window, expired ones dropped (a new, empty entry when none).
   * @private
   * @param {string} key
   * @param {number} now
   */
  recent(key, now) {
    let entry = this.log.get(key);
    if (!entry) {
      entry = { times: [], head: 0 };
      this.log.set(key, entry);
      return entry;
    }
    const { times } = entry;
    while (entry.head < times.length && now - times[entry.head] >= this.windowMs) entry.head++;
    // Compact once the expired part is at least half: amortized O(1) per event.
    if (entry.head > 32 && entry.head * 2 >= times.length) {
      times.splice(0, entry.head);
      entry.head = 0;
    }
    return entry;
  }

  /**
   * Events counted for `key` in the current window (local and other nodes'); for tests.
   * @param {string} key
   */
  count(key) {
    const now = this.now();
    return (this.log.get(key)?.times ?? []).filter((t) => now - t < this.windowMs).length;
  }

  /**
   * Counts events another node counted for `key` (cluster.js), as if they happened now.
   * @param {string} key
   * @param {number} count
   */
  addRemote(key, count) {
    const now = this.now();
    const { times } = this.recent(key, now);
    for (let i = 0; i < count; i++) times.push(now);
  }

  /**
   * Throws when `key` has used up its window, without counting anything ({@link hitAll} checks
   * every limit of a request before it counts any).
   * @param {string} key
   * @param {number} [now]
   * @throws {import('./errors.js').ApiError} 429 `rate_limited` with `retryAfter`
   */
  check(key, now = this.now()) {
    const entry = this.recent(key, now);
    if (entry.times.length - entry.head >= this.limit) {
      // With a limit of 0 (switched off) nothing is in the window to wait for: a whole window.
      const oldest = entry.head < entry.times.length ? entry.times[entry.head] : now;
      const retryAfter = Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
      throw rateLimited(`Too many ${this.what}; retry in ${retryAfter} s.`, retryAfter);
    }
    return entry;
  }

  /**
   * Counts one event for `key`, or throws when the key has used up its window.
   * @param {string} key
   * @throws {import('./errors.js').ApiError} 429 `rate_limited` with `retryAfter` (seconds until a slot frees up)
   */
  hit(key) {
    const now = this.now();
    const entry = this.check(key, now);
    entry.times.push(now);
    this.onHit?.(key);
    // Forget idle keys so the map cannot grow without bound.
    if (this.log.size > 10_000) {
      for (const [k, { times }] of this.log) if (now - (times.at(-1) ?? 0) >= this.windowMs) this.log.delete(k);
    }
  }
}

/**
 * Counts one event under each limiter's key, or none: every limit is checked first, so a request
 * refused by one limit (`429`) uses up nothing of the others. Synchronous, so no other request
 * of this process comes between the checks and the counts.
 * @param {ReadonlyArray<readonly [RateLimiter, string]>} limits limiter and key
 * @throws {import('./errors.js').ApiError} 429 `rate_limited` of the first limit that is used up
 */
export function hitAll(limits) {
  for (const [limiter, key] of limits) limiter.check(key);
  for (const [limiter, key] of limits) limiter.hit(key);
}

/**
 * How many proxies in front of the server to trust (`TRUST_PROXY`): 0 (or false) none, N the
 * nearest N. `true` means 1.
 * @typedef {number | boolean} TrustProxy
 */

/** @param {TrustProxy} trust */
const hops = (trust) => (trust === true ? 1 : typeof trust === 'number' && Number.isInteger(trust) && trust > 0 ? trust : 0);

/**
 * The value a trusted proxy put in a list header such as `X-Forwarded-For`: each proxy appends
 * what it saw, so only the right end is written by proxies we trust and everything left of it is
 * the client's to choose. With N trusted proxies the entry N from the right is the address the
 * outermost one saw (the list's first entry if it is shorter). Undefined without the header.
 * @param {import('node:http').IncomingMessage} req
 * @param {'x-forwarded-for' | 'x-forwarded-proto'} name
 * @param {TrustProxy} trust
 */
export function forwardedEntry(req, name, trust) {
  const count = hops(trust);
  const header = req.headers[name];
  if (!count || header === undefined) return undefined;
  // Repeated header lines count as one list, in order (Node joins x-forwarded-for with ", ").
  const entries = (Array.isArray(header) ? header.join(',') : String(header)).split(',').map((e) => e.trim());
  return entries[Math.max(0, entries.length - count)] || undefined;
}

/** Loose shape check of an IPv4 or IPv6 address (what a proxy appends), so junk is not a key. */
const IP_PATTERN = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?::\d{1,3}(?:\.\d{1,3}){3})?)$/i;

/**
 * The client's IP address: the socket's peer, or behind `trust` proxies the `X-Forwarded-For`
 * entry the outermost trusted proxy appended ({@link forwardedEntry}). Never the left-most entry:
 * that one is whatever the client sent.
 * @param {import('node:http').IncomingMessage} req
 * @param {TrustProxy} trust
 */
export function clientIp(req, trust) {
  const forwarded = forwardedEntry(req, 'x-forwarded-for', trust);
  if (forwarded && IP_PATTERN.test(forwarded)) return forwarded.toLowerCase();
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * @typedef {{ failures: number, pending: number, lockedUntil: number, last: number }} LoginState
 * @typedef {{ perAccount: number, perIp: number, lockSeconds: number }} LoginLimits
 *   failed logins per account (e-mail address) and per client IP address that lock it for
 *   `lockSeconds`; from half of each, every failure makes the next attempt wait twice as long
 */

/** Default login limits (docs/security.md, "Agent login"). */
export const DEFAULT_LOGIN_LIMITS = Object.freeze({ perAccount: 10, perIp: 50, lockSeconds: 15 * 60 });

/**
 * Throttles agent logins per account (the e-mail address as typed, known or not, so the answer
 * does not tell which accounts exist) and per client IP address.
 *
 * Each key counts failed attempts. Below half its limit an attempt is free; from half of it each
 * failure makes the key wait 1 s, 2 s, 4 s, … (at most `lockSeconds`) before the next attempt; at
 * the limit it is locked for `lockSeconds`. Attempts still being checked count as failures, and
 * once waits apply only one attempt at a time is checked, so parallel requests cannot slip past.
 * Refusals are `429 rate_limited` with `retryAfter`. A successful login clears its account (not
 * its IP address, or one valid account would reset an attacker's address). Failures are forgotten
 * an hour after the last one.
 */
export class LoginGuard {
  /**
   * @param {Partial<LoginLimits> & { now?: () => number, maxKeys?: number }} [options]
   */
  constructor({
    perAccount = DEFAULT_LOGIN_LIMITS.perAccount,
    perIp = DEFAULT_LOGIN_LIMITS.perIp,
    lockSeconds = DEFAULT_LOGIN_LIMITS.lockSeconds,
    now = Date.now,
    maxKeys = 50_000,
  } = {}) {
    this.limits = { account: Math.max(1, perAccount), ip: Math.max(1, perIp) };
    this.lockMs = lockSeconds * 1000;
    this.forgetMs = 60 * 60 * 1000;
    /** @private */
    this.now = now;
    /** @private */
    this.maxKeys = maxKeys;
    /** @private @type {Map<string, LoginState>} */
    this.state = new Map();
    /**
     * Called with each decided attempt's keys (cluster.js tells the other nodes, which apply them
     * with {@link addRemote}). @type {((key: string, kind: 'account' | 'ip', ok: boolean) => void) | null}
     */
    this.onOutcome = null;
  }

  /**
   * Applies an attempt another node decided (cluster.js): a failure counts here too, and a
   * successful login clears its account here too.
   * @param {string} key
   * @param {'account' | 'ip'} kind
   * @param {boolean} ok
   */
  addRemote(key, kind, ok) {
    const at = this.now();
    const s = this.take(key, at);
    if (ok) {
      if (kind === 'account') Object.assign(s, { failures: 0, lockedUntil: 0 });
      return;
    }
    s.failures++;
    s.last = at;
    s.lockedUntil = Math.max(s.lockedUntil, at + this.delayMs(s.failures, this.limits[kind]));
  }

  /**
   * Admits one attempt or throws. Call `end(ok)` with the outcome, or `cancel()` when the attempt
   * was not decided (the server was too busy to check it).
   * @param {string} ip
   * @param {string} account e-mail address
   * @returns {{ end: (ok: boolean) => void, cancel: () => void }}
   * @throws {import('./errors.js').ApiError} 429 `rate_limited`
   */
  begin(ip, account) {
    const keys = /** @type {const} */ ([
      ['account', `a:${account.toLowerCase()}`],
      ['ip', `i:${ip}`],
    ]);
    const now = this.now();
    for (const [kind, key] of keys) {
      const wait = this.waitMs(this.peek(key, now), this.limits[kind], now);
      if (wait > 0) {
        const retryAfter = Math.max(1, Math.ceil(wait / 1000));
        const what = kind === 'account' ? 'this account' : 'this address';
        throw rateLimited(`Too many failed logins for ${what}; retry in ${retryAfter} s.`, retryAfter);
      }
    }
    const states = keys.map(([kind, key]) => /** @type {const} */ ([kind, this.take(key, now), key]));
    for (const [, s] of states) s.pending++;
    let done = false;
    return {
      end: (ok) => {
        if (done) return;
        done = true;
        const at = this.now();
        for (const [kind, s, key] of states) {
          s.pending--;
          this.onOutcome?.(key, kind, ok);
          if (ok) {
            if (kind === 'account') Object.assign(s, { failures: 0, lockedUntil: 0 });
            continue;
          }
          s.failures++;
          s.last = at;
          s.lockedUntil = at + this.delayMs(s.failures, this.limits[kind]);
        }
      },
      cancel: () => {
        if (done) return;
        done = true;
        for (const [, s] of states) s.pending--;
      },
    };
  }

  /**
   * How long an attempt must wait after `failures` failures (0: none).
   * @param {number} failures
   * @param {number} limit
   */
  delayMs(failures, limit) {
    const free = Math.ceil(limit / 2);
    if (failures < free) return 0;
    if (failures >= limit) return this.lockMs;
    return Math.min(this.lockMs, 1000 * 2 ** (failures - free));
  }

  /**
   * @private
   * @param {LoginState | undefined} s
   * @param {number} limit
   * @param {number} now
   */
  waitMs(s, limit, now) {
    if (!s) return 0;
    if (now < s.lockedUntil) return s.lockedUntil - now;
    // Attempts in flight count as failures; once waits apply, one attempt at a time.
    if (s.pending > 0 && s.failures + s.pending >= Math.ceil(limit / 2)) return 1000;
    return 0;
  }

  /**
   * The live state of a key, forgetting it when its last failure is old.
   * @private
   * @param {string} key
   * @param {number} now
   */
  peek(key, now) {
    const s = this.state.get(key);
    if (s && s.pending === 0 && now - s.last >= this.forgetMs && now >= s.lockedUntil) {
      this.state.delete(key);
      return undefined;
    }
    return s;
  }

  /**
   * @private
   * @param {string} key
   * @param {number} now
   */
  take(key, now) {
    let s = this.peek(key, now);
    if (!s) {
      if (this.state.size >= this.maxKeys) this.sweep(now);
      s = { failures: 0, pending: 0, lockedUntil: 0, last: now };
      this.state.set(key, s);
    }
    return s;
  }

  /**
   * Keeps the map bounded: forgets idle keys, then (under a flood of fresh keys) the oldest
   * ones that hold no lock and no attempt in flight.
   * @private
   * @param {number} now
   */
  sweep(now) {
    for (const key of [...this.state.keys()]) this.peek(key, now);
    for (const [key, s] of this.state) {
      if (this.state.size < this.maxKeys) break;
      if (s.pending === 0 && now >= s.lockedUntil) this.state.delete(key);
    }
  }
}
