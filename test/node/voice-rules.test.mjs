// @ts-check
// Per-tenant callback rules: configuration checks, numbers (libphonenumber-js), allowed countries
// and prefixes, calling hours in the tenant's time zone (across offsets, DST, midnight), and the
// per-visitor / per-number sliding windows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compileCallbackRules,
  createCallbackRules,
  isWithinHours,
  localTime,
  nextOpening,
  parseCallbackNumber,
} from '../../demo/server/voice/rules.js';
import { ApiError } from '../../demo/server/http-util.js';

/** @param {() => unknown} fn @param {number} status @param {string} code */
function throwsApi(fn, status, code) {
  assert.throws(fn, (/** @type {any} */ e) => {
    assert.ok(e instanceof ApiError, String(e));
    assert.deepEqual([e.status, e.code], [status, code]);
    return true;
  });
}

test('configuration mistakes stop the server with the tenant and field named', () => {
  /** @type {Array<[unknown, RegExp]>} */
  const bad = [
    [{ allowedCountries: ['USA'] }, /Tenant acme: voice\.callback\.allowedCountries: "USA"/],
    [{ allowedCountries: ['XX'] }, /"XX" is neither an ISO country code/],
    [{ allowedCountries: [] }, /allowedCountries must be/],
    [{ hours: { timeZone: 'Mars/Olympus', weekly: [] } }, /hours\.timeZone: "Mars\/Olympus"/],
    [{ hours: { timeZone: 'Europe/Berlin', weekly: [{ days: ['mon'], from: '9:00', to: '17:00' }] } }, /from\/to must be "HH:MM"/],
    [{ hours: { timeZone: 'Europe/Berlin', weekly: [{ days: ['monday'], from: '09:00', to: '17:00' }] } }, /"monday" is not one of/],
    [{ hours: { timeZone: 'Europe/Berlin', weekly: [{ days: ['mon'], from: '09:00', to: '09:00' }] } }, /is empty/],
    [{ rateLimits: { perVisitor: { limit: 0, windowSeconds: 60 } } }, /rateLimits\.perVisitor/],
    [{ fromNumber: '555-0100' }, /fromNumber must be a valid E\.164 number/],
    [{ enabled: 'yes' }, /enabled must be true or false/],
  ];
  for (const [config, message] of bad) assert.throws(() => compileCallbackRules(config, 'acme'), message);
  assert.equal(compileCallbackRules(undefined, 'acme').enabled, false, 'no configuration: no callbacks');
  assert.equal(compileCallbackRules({}, 'acme').enabled, true);
});

test('numbers must be E.164 and valid for their country', () => {
  assert.deepEqual(parseCallbackNumber('+12025550123'), { e164: '+12025550123', country: 'US' });
  assert.deepEqual(parseCallbackNumber('+442071838750'), { e164: '+442071838750', country: 'GB' });
  for (const bad of ['12025550123', '+1 202 555 0123', '+1202555', '+15555550100', '+0123456789', '', 12025550123, null]) {
    throwsApi(() => parseCallbackNumber(bad), 400, 'invalid_number');
  }
});

test('allowed countries by ISO code or E.164 prefix; "*" or nothing allows every country', () => {
  const rules = createCallbackRules();
  const check = (/** @type {unknown} */ callback, /** @type {string} */ phoneNumber) =>
    rules.check({ tenant: { id: `t${JSON.stringify(callback)}`, voice: { callback } }, phoneNumber, visitorId: `v${phoneNumber}` });
  const config = { allowedCountries: ['US', 'CA', '+44'] };
  assert.equal(check(config, '+12025550123').country, 'US');
  assert.equal(check(config, '+14165550123').country, 'CA');
  assert.equal(check(config, '+442071838750').country, 'GB', 'by prefix');
  throwsApi(() => check(config, '+4915123456789'), 403, 'country_not_allowed');
  throwsApi(() => check(config, '+33612345678'), 403, 'country_not_allowed');
  assert.equal(check({ allowedCountries: '*' }, '+33612345678').country, 'FR');
  assert.equal(check({}, '+4915123456789').country, 'DE');
  throwsApi(() => check({ enabled: false }, '+12025550123'), 403, 'voice_disabled');
});

test('local time in a zone, across offsets and daylight saving', () => {
  const instant = new Date('2026-01-05T14:30:00Z'); // a Monday
  assert.deepEqual(localTime(instant, 'America/New_York'), { day: 1, minutes: 9 * 60 + 30 });
  assert.deepEqual(localTime(instant, 'Asia/Tokyo'), { day: 1, minutes: 23 * 60 + 30 });
  assert.deepEqual(localTime(instant, 'Asia/Kolkata'), { day: 1, minutes: 20 * 60 });
  assert.deepEqual(localTime(instant, 'Pacific/Kiritimati'), { day: 2, minutes: 4 * 60 + 30 }, 'UTC+14: already Tuesday');
  // In July New York is UTC-4: the same UTC hour is an hour later locally.
  assert.deepEqual(localTime(new Date('2026-07-06T14:30:00Z'), 'America/New_York'), { day: 1, minutes: 10 * 60 + 30 });
});

test('calling hours: weekdays 09:00–17:00 New York, checked at instants in and out, summer and winter', () => {
  const hours = /** @type {NonNullable<import('../../demo/server/voice/rules.js').CallbackRules['hours']>} */ (
    compileCallbackRules({
      hours: { timeZone: 'America/New_York', weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }] },
    }).hours
  );
  assert.equal(isWithinHours(hours, new Date('2026-01-05T14:00:00Z')), true, 'Mon 09:00 EST: opens');
  assert.equal(isWithinHours(hours, new Date('2026-01-05T13:59:00Z')), false, 'Mon 08:59 EST');
  assert.equal(isWithinHours(hours, new Date('2026-01-05T21:59:00Z')), true, 'Mon 16:59 EST');
  assert.equal(isWithinHours(hours, new Date('2026-01-05T22:00:00Z')), false, 'Mon 17:00 EST: closed');
  assert.equal(isWithinHours(hours, new Date('2026-07-06T13:30:00Z')), true, 'Mon 09:30 EDT (13:30 UTC is outside in winter)');
  assert.equal(isWithinHours(hours, new Date('2026-01-05T13:30:00Z')), false, 'Mon 08:30 EST');
  assert.equal(isWithinHours(hours, new Date('2026-01-10T15:00:00Z')), false, 'Saturday');
  // Friday 17:30 New York is Saturday 07:30 in Tokyo: the tenant's zone decides, not the visitor's.
  assert.equal(isWithinHours(hours, new Date('2026-01-09T22:30:00Z')), false);
  assert.deepEqual(nextOpening(hours, new Date('2026-01-09T22:30:00Z')), { day: 'mon', time: '09:00', timeZone: 'America/New_York' });
  assert.deepEqual(nextOpening(hours, new Date('2026-01-06T12:00:00Z')), { day: 'tue', time: '09:00', timeZone: 'America/New_York' });
});

test('calling hours past midnight and to 24:00', () => {
  const hours = /** @type {NonNullable<import('../../demo/server/voice/rules.js').CallbackRules['hours']>} */ (
    compileCallbackRules({
      hours: {
        timeZone: 'Europe/Berlin',
        weekly: [
          { days: ['fri'], from: '22:00', to: '02:00' },
          { days: ['sun'], from: '18:00', to: '24:00' },
        ],
      },
    }).hours
  );
  assert.equal(isWithinHours(hours, new Date('2026-01-09T21:00:00Z')), true, 'Fri 22:00 CET');
  assert.equal(isWithinHours(hours, new Date('2026-01-10T00:59:00Z')), true, 'Sat 01:59 CET, still Friday night');
  assert.equal(isWithinHours(hours, new Date('2026-01-10T01:00:00Z')), false, 'Sat 02:00 CET');
  assert.equal(isWithinHours(hours, new Date('2026-01-08T23:00:00Z')), false, 'Fri 00:00: Thursday night is not open');
  assert.equal(isWithinHours(hours, new Date('2026-01-11T22:59:00Z')), true, 'Sun 23:59 CET');
  assert.equal(isWithinHours(hours, new Date('2026-01-11T23:00:00Z')), false, 'Mon 00:00 CET');
});

test('outside hours a request is refused 403 outside_calling_hours with when calls resume', () => {
  let now = Date.parse('2026-01-10T15:00:00Z'); // Saturday
  const rules = createCallbackRules({ now: () => now });
  const tenant = {
    id: 'ny',
    voice: {
      callback: {
        hours: { timeZone: 'America/New_York', weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }] },
      },
    },
  };
  assert.throws(
    () => rules.check({ tenant, phoneNumber: '+12025550123', visitorId: 'v1' }),
    (/** @type {any} */ e) => {
      assert.deepEqual([e.status, e.code], [403, 'outside_calling_hours']);
      assert.deepEqual(e.opensAt, { day: 'mon', time: '09:00', timeZone: 'America/New_York' });
      assert.match(e.message, /Monday at 09:00 \(America\/New_York\)/);
      return true;
    },
  );
  now = Date.parse('2026-01-12T15:00:00Z'); // Monday 10:00 EST
  assert.equal(rules.check({ tenant, phoneNumber: '+12025550123', visitorId: 'v1' }).e164, '+12025550123');
});

test('rate limits per visitor and per number, sliding windows; refused requests do not count', () => {
  let now = Date.parse('2026-01-05T12:00:00Z');
  const rules = createCallbackRules({ now: () => now });
  const tenant = {
    id: 'rl',
    voice: {
      callback: {
        allowedCountries: ['US'],
        rateLimits: { perVisitor: { limit: 2, windowSeconds: 3600 }, perNumber: { limit: 3, windowSeconds: 86_400 } },
      },
    },
  };
  const check = (/** @type {string} */ visitorId, /** @type {string} */ phoneNumber) => rules.check({ tenant, phoneNumber, visitorId });

  // Refused for the country: does not use up the visitor's allowance.
  throwsApi(() => check('v1', '+442071838750'), 403, 'country_not_allowed');
  check('v1', '+12025550123');
  now += 10 * 60_000;
  check('v1', '+12025550124');
  assert.throws(
    () => check('v1', '+12025550125'),
    (/** @type {any} */ e) => {
      assert.deepEqual([e.status, e.code, e.retryAfter], [429, 'rate_limited', 50 * 60]);
      return true;
    },
  );
  now += 50 * 60_000; // the first request leaves the window
  check('v1', '+12025550126');

  // Per number: three visitors may have it called, the fourth may not, whoever asks.
  check('v2', '+12025550199');
  check('v3', '+12025550199');
  check('v4', '+12025550199');
  throwsApi(() => check('v5', '+12025550199'), 429, 'rate_limited');
  // Limits are per tenant.
  assert.equal(
    rules.check({ tenant: { id: 'other', voice: { callback: {} } }, phoneNumber: '+12025550199', visitorId: 'v5' }).e164,
    '+12025550199',
  );
});

test("the tenant's own caller id is passed on", () => {
  const rules = createCallbackRules();
  assert.equal(
    rules.check({ tenant: { id: 'f', voice: { callback: { fromNumber: '+12025550188' } } }, phoneNumber: '+12025550123', visitorId: 'v' })
      .fromNumber,
    '+12025550188',
  );
});
