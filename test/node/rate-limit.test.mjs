// @ts-check
// The agent login limits and the client address behind proxies (demo/server/rate-limit.js), with
// a controlled clock: the numbers documented in docs/security.md ("Agent login"); the sliding
// window's all-or-nothing counting over several limits and a limit of 0.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LOGIN_LIMITS, LoginGuard, RateLimiter, clientIp, hitAll } from '../../demo/server/rate-limit.js';

/** A clock the test moves. */
function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (/** @type {number} */ ms) => (now += ms) };
}

/**
 * One attempt: 'ok', 'fail', or the 429's retryAfter (seconds) when refused.
 * @param {LoginGuard} guard
 * @param {string} ip
 * @param {string} account
 * @param {boolean} ok
 */
function attempt(guard, ip, account, ok) {
  try {
    guard.begin(ip, account).end(ok);
    return ok ? 'ok' : 'fail';
  } catch (error) {
    const e = /** @type {any} */ (error);
    assert.equal(e.status, 429);
    assert.equal(e.code, 'rate_limited');
    return e.retryAfter;
  }
}

describe('LoginGuard with the default limits', () => {
  test('defaults: 10 failures per account, 50 per address, a 15-minute lock', () => {
    assert.deepEqual({ ...DEFAULT_LOGIN_LIMITS }, { perAccount: 10, perIp: 50, lockSeconds: 900 });
  });

  test('an account: 5 failures without a wait, then waits of 1, 2, 4, 8, 16 s, then a 15-minute lock', () => {
    const c = clock();
    const guard = new LoginGuard({ now: c.now });
    // Each attempt from its own address, so only the account counts.
    let address = 0;
    const from = () => `10.0.${address >> 8}.${address++ & 255}`;
    for (let i = 1; i <= 4; i++) assert.equal(attempt(guard, from(), 'ada@example.test', false), 'fail');
    const waits = [];
    for (let failure = 5; failure <= 10; failure++) {
      assert.equal(attempt(guard, from(), 'ada@example.test', false), 'fail');
      // Right after a failure the next attempt is refused (and not counted) until the wait is over.
      const refused = attempt(guard, from(), 'ada@example.test', false);
      waits.push(refused);
      c.advance(refused * 1000);
    }
    assert.deepEqual(waits, [1, 2, 4, 8, 16, 900]);
  });

  test('the lock holds for the right password too, and ends after 15 minutes', () => {
    const c = clock();
    const guard = new LoginGuard({ now: c.now, perAccount: 4, lockSeconds: 900 });
    for (let i = 0; i < 4; i++) {
      const result = attempt(guard, `10.0.0.${i}`, 'ada@example.test', false);
      if (result !== 'fail') {
        c.advance(result * 1000);
        i--;
      }
    }
    assert.equal(attempt(guard, '10.9.9.9', 'ada@example.test', true), 900);
    c.advance(899_000);
    assert.equal(attempt(guard, '10.9.9.9', 'ada@example.test', true), 1);
    c.advance(1000);
    assert.equal(attempt(guard, '10.9.9.9', 'ada@example.test', true), 'ok');
    // A success clears the account: the next failure is free again.
    assert.equal(attempt(guard, '10.9.9.8', 'ada@example.test', false), 'fail');
    assert.equal(attempt(guard, '10.9.9.7', 'ADA@example.test', true), 'ok');
  });

  test('an address: 25 failures over any accounts without a wait, then waits; a success does not reset it', () => {
    const c = clock();
    const guard = new LoginGuard({ now: c.now });
    for (let i = 0; i < 24; i++) assert.equal(attempt(guard, '203.0.113.7', `user${i}@example.test`, false), 'fail');
    assert.equal(attempt(guard, '203.0.113.7', 'valid@example.test', true), 'ok');
    assert.equal(attempt(guard, '203.0.113.7', 'user25@example.test', false), 'fail');
    assert.equal(attempt(guard, '203.0.113.7', 'user26@example.test', false), 1);
    // Another address is not affected.
    assert.equal(attempt(guard, '203.0.113.8', 'user27@example.test', false), 'fail');
  });

  test('attempts in flight count: parallel requests cannot slip past the free ones', () => {
    const c = clock();
    const guard = new LoginGuard({ now: c.now });
    const pending = [];
    let refused = 0;
    for (let i = 0; i < 20; i++) {
      try {
        pending.push(guard.begin(`10.0.0.${i}`, 'ada@example.test'));
      } catch {
        refused++;
      }
    }
    // Half the account limit may be checked at once; the rest are refused before any hash runs.
    assert.equal(pending.length, 5);
    assert.equal(refused, 15);
    for (const p of pending) p.end(false);
    assert.equal(attempt(guard, '10.2.0.1', 'ada@example.test', false), 1);
  });

  test('a cancelled attempt (server busy) is neither a failure nor a success', () => {
    const guard = new LoginGuard({ now: clock().now, perAccount: 2 });
    guard.begin('10.0.0.1', 'ada@example.test').cancel();
    guard.begin('10.0.0.1', 'ada@example.test').cancel();
    assert.equal(attempt(guard, '10.0.0.1', 'ada@example.test', false), 'fail');
  });

  test('failures are forgotten an hour after the last one', () => {
    const c = clock();
    const guard = new LoginGuard({ now: c.now, perAccount: 4, lockSeconds: 60 });
    assert.equal(attempt(guard, '10.0.0.1', 'ada@example.test', false), 'fail');
    assert.equal(attempt(guard, '10.0.0.2', 'ada@example.test', false), 'fail');
    assert.equal(attempt(guard, '10.0.0.3', 'ada@example.test', false), 1);
    c.advance(3600_000);
    assert.equal(attempt(guard, '10.0.0.4', 'ada@example.test', false), 'fail');
    assert.equal(attempt(guard, '10.0.0.5', 'ada@example.test', false), 'fail');
  });

  test('keeps its memory bounded under a flood of fresh keys', () => {
    const c = clock();
    const guard = new LoginGuard({ now: c.now, maxKeys: 100 });
    for (let i = 0; i < 1000; i++) attempt(guard, `10.${i >> 8}.${i & 255}.1`, `u${i}@example.test`, false);
    assert.ok(/** @type {any} */ (guard).state.size <= 102);
  });
});

/**
 * A request as clientIp reads it.
 * @param {string | string[] | undefined} xff
 * @returns {any}
 */
const req = (xff, peer = '10.9.8.7') => ({ headers: xff === undefined ? {} : { 'x-forwarded-for': xff }, socket: { remoteAddress: peer } });

describe('clientIp', () => {
  test('without a trusted proxy: the socket peer, whatever X-Forwarded-For says', () => {
    assert.equal(clientIp(req('1.2.3.4'), 0), '10.9.8.7');
    assert.equal(clientIp(req('1.2.3.4'), false), '10.9.8.7');
  });

  test('one trusted proxy: the right-most entry, never the client-chosen left ones', () => {
    assert.equal(clientIp(req('6.6.6.6, 198.51.100.20'), 1), '198.51.100.20');
    assert.equal(clientIp(req('6.6.6.6,5.5.5.5,198.51.100.20'), true), '198.51.100.20');
    assert.equal(clientIp(req('198.51.100.20'), 1), '198.51.100.20');
    // Several header lines are one list, in order.
    assert.equal(clientIp(req(['6.6.6.6', '198.51.100.20']), 1), '198.51.100.20');
  });

  test('N trusted proxies: the entry N from the right', () => {
    assert.equal(clientIp(req('6.6.6.6, 198.51.100.20, 10.0.0.2'), 2), '198.51.100.20');
    assert.equal(clientIp(req('6.6.6.6, 198.51.100.20, 10.0.0.3, 10.0.0.2'), 3), '198.51.100.20');
    // Shorter than N (the request skipped the outer proxy): the left-most, which a trusted proxy wrote.
    assert.equal(clientIp(req('198.51.100.20'), 3), '198.51.100.20');
  });

  test('IPv6 entries are keys too; junk falls back to the socket peer', () => {
    assert.equal(clientIp(req('6.6.6.6, 2001:DB8::1'), 1), '2001:db8::1');
    assert.equal(clientIp(req('6.6.6.6, not-an-ip'), 1), '10.9.8.7');
    assert.equal(clientIp(req(''), 1), '10.9.8.7');
    assert.equal(clientIp(req(undefined), 1), '10.9.8.7');
  });
});

describe('RateLimiter', () => {
  /** @param {() => void} fn the 429's retryAfter, or 'ok' */
  const outcome = (fn) => {
    try {
      fn();
      return 'ok';
    } catch (error) {
      assert.equal(/** @type {any} */ (error).status, 429);
      return /** @type {any} */ (error).retryAfter;
    }
  };

  test('hitAll counts under every limit or none: a refusal by one uses up nothing of the others', () => {
    const c = clock();
    const wide = new RateLimiter({ limit: 5, windowMs: 60_000, what: 'wide', now: c.now });
    const narrow = new RateLimiter({ limit: 1, windowMs: 3_600_000, what: 'narrow', now: c.now });
    assert.equal(
      outcome(() =>
        hitAll([
          [wide, 'ip'],
          [narrow, 'to'],
        ]),
      ),
      'ok',
    );
    for (let i = 0; i < 10; i++)
      assert.equal(
        outcome(() =>
          hitAll([
            [wide, 'ip'],
            [narrow, 'to'],
          ]),
        ),
        3600,
      );
    assert.equal(wide.count('ip'), 1, 'the refused requests were not counted by the wider limit');
    assert.equal(
      outcome(() =>
        hitAll([
          [wide, 'ip'],
          [narrow, 'other'],
        ]),
      ),
      'ok',
    );
    assert.equal(wide.count('ip'), 2);
  });

  test('a limit of 0 refuses everything with a whole window as Retry-After (not NaN)', () => {
    const c = clock();
    const off = new RateLimiter({ limit: 0, windowMs: 86_400_000, what: 'off', now: c.now });
    assert.equal(
      outcome(() => off.hit('a')),
      86_400,
    );
  });
});
