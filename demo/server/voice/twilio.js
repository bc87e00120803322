// @ts-check
/**
 * Twilio adapter, written to Twilio's published Voice REST API (API version 2010-04-01):
 *
 * - create: `POST {base}/2010-04-01/Accounts/{AccountSid}/Calls.json`, form-encoded `To`, `From`,
 *   `Url` or `Twiml`, `StatusCallback`, `StatusCallbackEvent` (one parameter per event:
 *   `initiated`, `ringing`, `answered`, `completed`), `StatusCallbackMethod=POST`, `Timeout`;
 *   HTTP Basic auth with the Account SID and Auth Token, or an API key SID and secret. Answer
 *   `201` with the Call resource (`sid`, `status`).
 * - cancel: `POST …/Calls/{CallSid}.json` with `Status=canceled` (a queued or ringing call) or
 *   `Status=completed` (hang up an answered call).
 * - status callbacks: form-encoded POSTs to `StatusCallback` with `CallSid`, `CallStatus`
 *   (`queued`, `initiated`, `ringing`, `in-progress`, `completed`, `busy`, `no-answer`, `failed`,
 *   `canceled`), `CallDuration` (seconds, on `completed`), `SequenceNumber`, `Timestamp`,
 *   `SipResponseCode`, signed in `X-Twilio-Signature`: base64 HMAC-SHA1, keyed with the Auth
 *   Token, over the full callback URL followed by every POST parameter sorted by name, each
 *   appended as name + value with no separators.
 * - errors: JSON `{ "code", "message", "more_info", "status" }`, e.g. `21211` (invalid 'To'
 *   number, 400), `20003` (authentication, 401), `20429` (too many requests, 429 + `Retry-After`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DEFAULT_REQUEST_TIMEOUT_MS, providerRequest, statusError } from './http.js';
import { ProviderError, SignatureError, WebhookPayloadError, header } from './provider.js';

/** @typedef {import('./provider.js').TelephonyProvider} TelephonyProvider */
/** @typedef {import('./provider.js').ProviderEvent} ProviderEvent */
/** @typedef {import('./provider.js').CallState} CallState */
/** @typedef {import('./provider.js').CallReason} CallReason */

export const TWILIO_DEFAULT_API_BASE = 'https://api.twilio.com';
/** The status callback events we subscribe to (Twilio's names). */
export const TWILIO_STATUS_CALLBACK_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];
/**
 * Twilio error codes that mean "this destination is not a callable number": 21211 invalid 'To'
 * number, 21214 'To' cannot be reached, 21217 number does not appear valid, 13223/13224 invalid
 * number format or unsupported destination.
 */
export const TWILIO_INVALID_NUMBER_CODES = new Set([21211, 21214, 21217, 13223, 13224]);
/** Twilio error 21220: the call is not in a state that allows the update. */
const INVALID_CALL_STATE = 21220;

/**
 * Twilio's `CallStatus` → our state and, for terminal ones, the reason.
 * @type {Record<string, { state: CallState, reason?: CallReason, rank: number }>}
 */
const STATUS_MAP = {
  queued: { state: 'connecting', rank: 0 },
  initiated: { state: 'connecting', rank: 0 },
  ringing: { state: 'ringing', rank: 1 },
  'in-progress': { state: 'in_progress', rank: 2 },
  completed: { state: 'ended', reason: 'completed', rank: 3 },
  busy: { state: 'failed', reason: 'busy', rank: 3 },
  'no-answer': { state: 'failed', reason: 'no_answer', rank: 3 },
  failed: { state: 'failed', reason: 'provider_error', rank: 3 },
  canceled: { state: 'cancelled', reason: 'cancelled_by_visitor', rank: 3 },
};

/**
 * Computes `X-Twilio-Signature` for a request: base64 HMAC-SHA1 (key: the Auth Token) over the URL
 * followed by each parameter, sorted by name, as name + value (a repeated parameter contributes
 * each of its values, sorted).
 * @param {string} authToken
 * @param {string} url the full URL Twilio requested, query string included
 * @param {URLSearchParams | Record<string, string | string[]>} params the POST parameters
 */
export function twilioSignature(authToken, url, params) {
  /** @type {Map<string, string[]>} */
  const grouped = new Map();
  const entries =
    params instanceof URLSearchParams
      ? [...params]
      : Object.entries(params).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]));
  for (const [key, value] of entries) grouped.set(key, [...(grouped.get(key) ?? []), value]);
  let data = url;
  for (const key of [...grouped.keys()].sort()) {
    for (const value of [...new Set(grouped.get(key))].sort()) data += key + value;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/**
 * The URL spellings Twilio may have signed: as requested, and with the default port removed or
 * added (Twilio's own validators accept both, because its signing side is not consistent).
 * @param {string} url
 */
function urlVariants(url) {
  const variants = new Set([url]);
  try {
    const parsed = new URL(url);
    const defaultPort = parsed.protocol === 'https:' ? '443' : '80';
    const withoutPort = new URL(parsed);
    withoutPort.port = '';
    variants.add(withoutPort.toString());
    if (!parsed.port || parsed.port === defaultPort) {
      variants.add(
        `${parsed.protocol}//${parsed.username ? `${parsed.username}${parsed.password ? `:${parsed.password}` : ''}@` : ''}${parsed.hostname}:${defaultPort}${parsed.pathname}${parsed.search}`,
      );
    }
  } catch {
    // Not a URL: only the literal spelling can match.
  }
  return [...variants];
}

/**
 * Checks `X-Twilio-Signature` in constant time.
 * @param {string} authToken
 * @param {string | undefined} signature the header value
 * @param {string} url
 * @param {URLSearchParams | Record<string, string | string[]>} params
 */
export function isValidTwilioSignature(authToken, signature, url, params) {
  if (!signature) return false;
  const given = Buffer.from(signature, 'utf8');
  let valid = false;
  for (const variant of urlVariants(url)) {
    const expected = Buffer.from(twilioSignature(authToken, variant, params), 'utf8');
    // Every variant is compared, so the time taken does not say which one matched.
    if (expected.length === given.length && timingSafeEqual(expected, given)) valid = true;
  }
  return valid;
}

/** @param {string} text */
const xml = (text) => text.replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`);

/**
 * @typedef {{
 *   accountSid: string,
 *   authToken: string,
 *   apiKeySid?: string,
 *   apiKeySecret?: string,
 *   fromNumber: string,
 *   apiBase?: string,
 *   timeoutMs?: number,
 *   ringTimeoutSeconds?: number,
 *   twimlUrl?: string,
 *   connectNumber?: string,
 *   greeting?: string,
 *   fetch?: typeof globalThis.fetch,
 *   now?: () => number,
 * }} TwilioOptions
 *   `authToken` signs the status callbacks and, without an API key, authenticates the REST calls.
 *   `twimlUrl`: Twilio fetches the call's instructions there when the visitor answers; otherwise
 *   inline TwiML says `greeting` and, with `connectNumber` (the team's phone), dials it so the
 *   visitor is connected to a person. `ringTimeoutSeconds`: Twilio's `Timeout` (how long the
 *   visitor's phone rings; default 30).
 */

/**
 * Creates the Twilio adapter.
 * @param {TwilioOptions} options
 * @returns {TelephonyProvider}
 */
export function createTwilioProvider(options) {
  const {
    accountSid,
    authToken,
    apiKeySid,
    apiKeySecret,
    fromNumber,
    twimlUrl,
    connectNumber,
    apiBase = TWILIO_DEFAULT_API_BASE,
    timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
    ringTimeoutSeconds = 30,
    greeting = 'Hello, this is the call back you asked for. Please hold while we connect you.',
    fetch = globalThis.fetch,
    now = Date.now,
  } = options;
  const user = apiKeySid && apiKeySecret ? apiKeySid : accountSid;
  const password = apiKeySid && apiKeySecret ? apiKeySecret : authToken;
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const callsUrl = `${apiBase.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Calls`;

  /**
   * @param {string} url
   * @param {URLSearchParams} form
   */
  async function post(url, form) {
    const response = await providerRequest(url, {
      method: 'POST',
      headers: { Authorization: authorization, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: form.toString(),
      timeoutMs,
      provider: 'Twilio',
      fetch,
    });
    if (response.status >= 200 && response.status < 300) return response;
    const body = /** @type {{ code?: unknown, message?: unknown }} */ (response.json ?? {});
    const code = typeof body.code === 'number' ? body.code : undefined;
    const message = typeof body.message === 'string' ? body.message : response.text.slice(0, 200) || `HTTP ${response.status}`;
    if (code !== undefined && TWILIO_INVALID_NUMBER_CODES.has(code)) {
      throw new ProviderError('invalid_number', `Twilio refused the number (${code}): ${message}`, {
        status: response.status,
        providerCode: code,
      });
    }
    throw statusError(response, { provider: 'Twilio', message: code ? `${code} ${message}` : message, providerCode: code, now: now() });
  }

  /** @param {'canceled' | 'completed'} status @param {string} sid */
  const update = (sid, status) => post(`${callsUrl}/${encodeURIComponent(sid)}.json`, new URLSearchParams({ Status: status }));

  return {
    name: 'twilio',
    simulated: false,
    describe: `Twilio (account …${accountSid.slice(-4)}, calling from ${fromNumber}${apiKeySid ? ', API key auth' : ''})`,

    async createCall({ to, from, callbackUrl }) {
      const form = new URLSearchParams();
      form.append('To', to);
      form.append('From', from ?? fromNumber);
      if (twimlUrl) form.append('Url', twimlUrl);
      else
        form.append(
          'Twiml',
          `<Response><Say>${xml(greeting)}</Say>${connectNumber ? `<Dial>${xml(connectNumber)}</Dial>` : ''}</Response>`,
        );
      if (callbackUrl) {
        form.append('StatusCallback', callbackUrl);
        for (const event of TWILIO_STATUS_CALLBACK_EVENTS) form.append('StatusCallbackEvent', event);
        form.append('StatusCallbackMethod', 'POST');
      }
      form.append('Timeout', String(ringTimeoutSeconds));
      const response = await post(`${callsUrl}.json`, form);
      const sid = /** @type {{ sid?: unknown }} */ (response.json ?? {}).sid;
      if (typeof sid !== 'string' || !sid)
        throw new ProviderError('provider_error', 'Twilio answered the call request without a call sid.', { status: response.status });
      return { providerCallId: sid };
    },

    async cancelCall(sid, { state }) {
      if (state === 'in_progress') {
        try {
          await update(sid, 'completed');
        } catch (error) {
          // Already over at Twilio: nothing left to hang up.
          if (!(error instanceof ProviderError && error.providerCode === INVALID_CALL_STATE)) throw error;
        }
        return;
      }
      try {
        await update(sid, 'canceled');
      } catch (error) {
        // Answered between our last status and the cancel: hang it up instead.
        if (error instanceof ProviderError && error.providerCode === INVALID_CALL_STATE) await update(sid, 'completed');
        else throw error;
      }
    },

    parseWebhook(headers, rawBody, url) {
      const contentType = header(headers, 'content-type') ?? '';
      if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
        throw new WebhookPayloadError('A Twilio status callback is form-encoded (application/x-www-form-urlencoded).');
      }
      const params = new URLSearchParams(rawBody);
      if (!isValidTwilioSignature(authToken, header(headers, 'x-twilio-signature'), url, params)) {
        throw new SignatureError('X-Twilio-Signature is missing or does not match this URL and body.');
      }
      const sid = params.get('CallSid');
      const status = params.get('CallStatus') ?? '';
      const mapped = STATUS_MAP[status];
      if (!sid || !mapped)
        throw new WebhookPayloadError(
          `Not a Twilio call status callback (CallSid ${sid ? 'present' : 'missing'}, CallStatus ${JSON.stringify(status)}).`,
        );
      let reason = mapped.reason;
      // A failed call that the network refused as unknown or incomplete (SIP 404, 484, 604) was a bad number.
      if (status === 'failed' && ['404', '484', '604'].includes(params.get('SipResponseCode') ?? '')) reason = 'invalid_number';
      const sequenceRaw = params.get('SequenceNumber');
      const sequence = sequenceRaw !== null && /^\d+$/.test(sequenceRaw) ? Number(sequenceRaw) : mapped.rank;
      const durationRaw = params.get('CallDuration');
      const timestamp = Date.parse(params.get('Timestamp') ?? '');
      let callId;
      try {
        callId = new URL(url).searchParams.get('call') ?? undefined;
      } catch {
        callId = undefined;
      }
      /** @type {ProviderEvent} */
      const event = { provider: 'twilio', providerCallId: sid, state: mapped.state, sequence, detail: status };
      if (callId) event.callId = callId;
      if (reason) event.reason = reason;
      if (durationRaw !== null && /^\d+$/.test(durationRaw)) event.durationSeconds = Number(durationRaw);
      if (!Number.isNaN(timestamp)) event.at = new Date(timestamp).toISOString();
      return event;
    },
  };
}
