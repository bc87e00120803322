// @ts-check
/**
 * Per-tenant rules for phone callbacks: whether the tenant offers them, which numbers may be
 * called (ISO country codes or E.164 prefixes, checked with libphonenumber-js, the same library
 * the widget's phone form uses), calling hours in the tenant's time zone (Intl, no time-zone
 * library), and rate limits per visitor and per called number (sliding windows, the backend's
 * {@link RateLimiter}).
 *
 * The configuration lives in the tenant's entry in tenants.json:
 *
 * ```json
 * "voice": { "callback": {
 *   "enabled": true,
 *   "allowedCountries": ["US", "CA", "+44"],
 *   "hours": { "timeZone": "America/New_York",
 *              "weekly": [{ "days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "17:30" }] },
 *   "rateLimits": { "perVisitor": { "limit": 3, "windowSeconds": 3600 },
 *                   "perNumber": { "limit": 3, "windowSeconds": 86400 } },
 *   "fromNumber": "+15550100000"
 * } }
 * ```
 *
 * Without `voice.callback` (or with `enabled: false`) the tenant offers no callbacks. Without
 * `allowedCountries` (or with `"*"`) every valid number may be called; without `hours`, at any
 * time; without `rateLimits`, {@link DEFAULT_CALLBACK_RATE_LIMITS} apply.
 */
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { ApiError } from '../http-util.js';
import { RateLimiter } from '../rate-limit.js';

/** @typedef {'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat'} Weekday */
/**
 * @typedef {{
 *   enabled?: boolean,
 *   allowedCountries?: string[] | '*',
 *   hours?: { timeZone: string, weekly: Array<{ days: Weekday[], from: string, to: string }> },
 *   rateLimits?: { perVisitor?: { limit: number, windowSeconds: number }, perNumber?: { limit: number, windowSeconds: number } },
 *   fromNumber?: string,
 * }} CallbackConfig
 *   `allowedCountries`: ISO 3166-1 alpha-2 codes (`"US"`) and/or E.164 prefixes (`"+44"`,
 *   `"+4420"`). `hours.weekly`: `from`/`to` are local `HH:MM` (`to` may be `24:00`); a range whose
 *   `to` is not after `from` runs past midnight into the next day. `fromNumber`: the tenant's own
 *   caller id, else the provider's.
 */
/**
 * @typedef {{
 *   enabled: boolean,
 *   countries: Set<string> | null,
 *   prefixes: string[],
 *   hours: { timeZone: string, ranges: Array<{ day: number, from: number, to: number }> } | null,
 *   rateLimits: { perVisitor: { limit: number, windowSeconds: number }, perNumber: { limit: number, windowSeconds: number } },
 *   fromNumber?: string,
 * }} CallbackRules
 *   `countries`/`prefixes`: `null` and `[]` together mean every country. `hours.ranges`: `day` 0 =
 *   Sunday, `from`/`to` in minutes after local midnight.
 */

/** Rate limits when a tenant sets none: 3 requests per visitor per hour, 3 calls to one number per day. */
export const DEFAULT_CALLBACK_RATE_LIMITS = Object.freeze({
  perVisitor: Object.freeze({ limit: 3, windowSeconds: 3600 }),
  perNumber: Object.freeze({ limit: 3, windowSeconds: 86_400 }),
});

export const WEEKDAYS = /** @type {const} */ (['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']);
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** @param {string} value `HH:MM` @returns {number | null} minutes after midnight */
function parseClock(value) {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(value);
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= 24 * 60 ? minutes : null;
}

/** @param {number} minutes */
const formatClock = (minutes) => `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * Validates a tenant's `voice.callback` configuration and compiles it. Call it when tenants are
 * loaded so a mistake stops the server at start instead of refusing visitors later.
 * @param {unknown} config the tenant's `voice.callback` (may be undefined)
 * @param {string} [tenantId] for error messages
 * @returns {CallbackRules}
 * @throws {Error} naming the tenant and the field
 */
export function compileCallbackRules(config, tenantId = '?') {
  /** @param {string} message */
  const fail = (message) => new Error(`Tenant ${tenantId}: voice.callback.${message}`);
  if (config === undefined || config === null) {
    return { enabled: false, countries: null, prefixes: [], hours: null, rateLimits: DEFAULT_CALLBACK_RATE_LIMITS };
  }
  if (typeof config !== 'object' || Array.isArray(config)) throw fail('must be an object');
  const c = /** @type {Record<string, unknown>} */ (config);
  if (c.enabled !== undefined && typeof c.enabled !== 'boolean') throw fail('enabled must be true or false');

  /** @type {Set<string> | null} */
  let countries = null;
  /** @type {string[]} */
  const prefixes = [];
  const allowed = c.allowedCountries;
  if (allowed !== undefined && allowed !== '*' && !(Array.isArray(allowed) && allowed.length === 1 && allowed[0] === '*')) {
    if (!Array.isArray(allowed) || allowed.length === 0) throw fail('allowedCountries must be "*" or a non-empty array');
    countries = new Set();
    for (const entry of allowed) {
      if (typeof entry === 'string' && /^[A-Z]{2}$/.test(entry) && isSupportedCountry(/** @type {any} */ (entry))) countries.add(entry);
      else if (typeof entry === 'string' && /^\+[1-9]\d{0,6}$/.test(entry)) prefixes.push(entry);
      else
        throw fail(
          `allowedCountries: ${JSON.stringify(entry)} is neither an ISO country code (such as "US") nor an E.164 prefix (such as "+44")`,
        );
    }
  }

  let hours = null;
  if (c.hours !== undefined) {
    const h = /** @type {{ timeZone?: unknown, weekly?: unknown }} */ (c.hours);
    if (!h || typeof h !== 'object' || typeof h.timeZone !== 'string')
      throw fail('hours.timeZone must be an IANA time zone such as "Europe/Berlin"');
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: h.timeZone });
    } catch {
      throw fail(`hours.timeZone: ${JSON.stringify(h.timeZone)} is not a time zone this runtime knows`);
    }
    if (!Array.isArray(h.weekly)) throw fail('hours.weekly must be an array of { days, from, to }');
    /** @type {Array<{ day: number, from: number, to: number }>} */
    const ranges = [];
    for (const range of h.weekly) {
      const r = /** @type {{ days?: unknown, from?: unknown, to?: unknown }} */ (range ?? {});
      const from = typeof r.from === 'string' ? parseClock(r.from) : null;
      const to = typeof r.to === 'string' ? parseClock(r.to) : null;
      if (from === null || to === null || from === 24 * 60)
        throw fail(`hours.weekly: from/to must be "HH:MM" (got ${JSON.stringify(r.from)}–${JSON.stringify(r.to)})`);
      if (from === to) throw fail(`hours.weekly: ${r.from}–${r.to} is empty`);
      if (!Array.isArray(r.days) || r.days.length === 0) throw fail('hours.weekly: days must list weekdays such as ["mon", "tue"]');
      for (const day of r.days) {
        const index = WEEKDAYS.indexOf(/** @type {Weekday} */ (day));
        if (index < 0) throw fail(`hours.weekly: ${JSON.stringify(day)} is not one of ${WEEKDAYS.join(', ')}`);
        ranges.push({ day: index, from, to });
      }
    }
    hours = { timeZone: h.timeZone, ranges };
  }

  /** @type {CallbackRules['rateLimits']} */
  const rateLimits = { ...DEFAULT_CALLBACK_RATE_LIMITS };
  if (c.rateLimits !== undefined) {
    const r = /** @type {Record<string, unknown>} */ (c.rateLimits ?? {});
    for (const key of /** @type {const} */ (['perVisitor', 'perNumber'])) {
      if (r[key] === undefined) continue;
      const { limit, windowSeconds } = /** @type {{ limit?: unknown, windowSeconds?: unknown }} */ (r[key] ?? {});
      if (
        !Number.isInteger(limit) ||
        /** @type {number} */ (limit) < 1 ||
        !Number.isInteger(windowSeconds) ||
        /** @type {number} */ (windowSeconds) < 1
      ) {
        throw fail(`rateLimits.${key} must be { "limit": positive integer, "windowSeconds": positive integer }`);
      }
      rateLimits[key] = { limit: /** @type {number} */ (limit), windowSeconds: /** @type {number} */ (windowSeconds) };
    }
  }

  let fromNumber;
  if (c.fromNumber !== undefined) {
    if (
      typeof c.fromNumber !== 'string' ||
      !parsePhoneNumberFromString(c.fromNumber)?.isValid() ||
      parsePhoneNumberFromString(c.fromNumber)?.number !== c.fromNumber
    ) {
      throw fail('fromNumber must be a valid E.164 number such as "+15550100000"');
    }
    fromNumber = c.fromNumber;
  }

  return { enabled: c.enabled !== false, countries, prefixes, hours, rateLimits, ...(fromNumber ? { fromNumber } : {}) };
}

/**
 * Parses the number a visitor asked to be called at. It must be E.164 (`+` and the country
 * code; the widget formats it so) and valid for its country.
 * @param {unknown} input
 * @returns {{ e164: string, country: string | undefined }}
 * @throws {ApiError} 400 `invalid_number`
 */
export function parseCallbackNumber(input) {
  if (typeof input !== 'string' || !/^\+[1-9]\d{6,15}$/.test(input)) {
    throw new ApiError(
      400,
      'invalid_number',
      '`phoneNumber` must be an E.164 number: "+", the country code and the number, digits only (e.g. "+15551234567").',
    );
  }
  const phone = parsePhoneNumberFromString(input);
  if (!phone || !phone.isValid()) throw new ApiError(400, 'invalid_number', `${input} is not a valid phone number.`);
  return { e164: phone.number, country: phone.country };
}

/**
 * Whether the tenant calls this number (by country, or by E.164 prefix).
 * @param {CallbackRules} rules
 * @param {{ e164: string, country: string | undefined }} number
 */
export function isNumberAllowed(rules, { e164, country }) {
  if (!rules.countries && rules.prefixes.length === 0) return true;
  if (country && rules.countries?.has(country)) return true;
  return rules.prefixes.some((prefix) => e164.startsWith(prefix));
}

/** @type {Map<string, Intl.DateTimeFormat>} */
const formats = new Map();

/**
 * The weekday and time of day of `date` in a time zone.
 * @param {Date} date
 * @param {string} timeZone
 * @returns {{ day: number, minutes: number }} `day` 0 = Sunday; `minutes` after local midnight
 */
export function localTime(date, timeZone) {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, format);
  }
  /** @type {Record<string, string>} */
  const parts = {};
  for (const part of format.formatToParts(date)) parts[part.type] = part.value;
  return {
    day: WEEKDAYS.indexOf(/** @type {Weekday} */ (parts.weekday.toLowerCase())),
    minutes: (Number(parts.hour) % 24) * 60 + Number(parts.minute),
  };
}

/**
 * Whether `date` falls inside the calling hours.
 * @param {NonNullable<CallbackRules['hours']>} hours
 * @param {Date} date
 */
export function isWithinHours(hours, date) {
  const { day, minutes } = localTime(date, hours.timeZone);
  return hours.ranges.some(({ day: d, from, to }) => {
    if (from < to) return d === day && minutes >= from && minutes < to;
    // Past midnight: the evening of day d and the early hours of the day after.
    return (d === day && minutes >= from) || ((d + 1) % 7 === day && minutes < to);
  });
}

/**
 * When calling hours next begin after `date` (within a week), in the tenant's local terms.
 * @param {NonNullable<CallbackRules['hours']>} hours
 * @param {Date} date
 * @returns {{ day: Weekday, time: string, timeZone: string } | null}
 */
export function nextOpening(hours, date) {
  const { day, minutes } = localTime(date, hours.timeZone);
  for (let offset = 0; offset <= 7; offset++) {
    const candidates = hours.ranges
      .filter((r) => r.day === (day + offset) % 7 && (offset > 0 || r.from > minutes))
      .sort((a, b) => a.from - b.from);
    if (candidates[0]) return { day: WEEKDAYS[candidates[0].day], time: formatClock(candidates[0].from), timeZone: hours.timeZone };
  }
  return null;
}

/**
 * The rules of every tenant, with their rate-limit windows.
 * @param {{ now?: () => number }} [options] `now`: the clock (tests inject one)
 */
export function createCallbackRules({ now = Date.now } = {}) {
  /** @type {Map<string, { config: unknown, rules: CallbackRules, perVisitor: RateLimiter, perNumber: RateLimiter }>} */
  const tenants = new Map();

  /** @param {{ id: string, voice?: { callback?: unknown } }} tenant */
  function entry(tenant) {
    const config = tenant.voice?.callback;
    let found = tenants.get(tenant.id);
    if (!found || found.config !== config) {
      const rules = compileCallbackRules(config, tenant.id);
      found = {
        config,
        rules,
        perVisitor: new RateLimiter({
          limit: rules.rateLimits.perVisitor.limit,
          windowMs: rules.rateLimits.perVisitor.windowSeconds * 1000,
          what: 'callback requests from this visitor',
          now,
        }),
        perNumber: new RateLimiter({
          limit: rules.rateLimits.perNumber.limit,
          windowMs: rules.rateLimits.perNumber.windowSeconds * 1000,
          what: 'callback requests to this number',
          now,
        }),
      };
      tenants.set(tenant.id, found);
    }
    return found;
  }

  return {
    /** @param {{ id: string, voice?: { callback?: unknown } }} tenant */
    rulesFor: (tenant) => entry(tenant).rules,

    /**
     * Checks one callback request against the tenant's rules, in this order: offered at all, a
     * valid number, an allowed country, inside calling hours, then the rate limits (last, so a
     * refused request does not use up the visitor's allowance).
     * @param {{ tenant: { id: string, voice?: { callback?: unknown } }, phoneNumber: unknown, visitorId: string }} request
     * @returns {{ e164: string, country: string | undefined, fromNumber?: string }}
     * @throws {ApiError} 403 `voice_disabled`, 400 `invalid_number`, 403 `country_not_allowed`,
     *   403 `outside_calling_hours` (with `opensAt`), 429 `rate_limited` (with `retryAfter`)
     */
    check({ tenant, phoneNumber, visitorId }) {
      const { rules, perVisitor, perNumber } = entry(tenant);
      if (!rules.enabled) throw new ApiError(403, 'voice_disabled', 'This site does not offer phone callbacks.');
      const number = parseCallbackNumber(phoneNumber);
      if (!isNumberAllowed(rules, number)) {
        throw new ApiError(403, 'country_not_allowed', `This site does not call numbers in ${number.country ?? 'that region'}.`);
      }
      if (rules.hours && !isWithinHours(rules.hours, new Date(now()))) {
        const opensAt = nextOpening(rules.hours, new Date(now()));
        const when = opensAt
          ? ` Calls resume ${WEEKDAY_NAMES[WEEKDAYS.indexOf(opensAt.day)]} at ${opensAt.time} (${opensAt.timeZone}).`
          : '';
        throw Object.assign(new ApiError(403, 'outside_calling_hours', `Callbacks are outside calling hours now.${when}`), { opensAt });
      }
      perVisitor.hit(`${tenant.id}:${visitorId}`);
      perNumber.hit(`${tenant.id}:${number.e164}`);
      return { ...number, ...(rules.fromNumber ? { fromNumber: rules.fromNumber } : {}) };
    },
  };
}
