// @ts-check
/**
 * Retell AI adapter, written to Retell's published API (https://docs.retellai.com):
 *
 * - create: `POST {base}/v2/create-phone-call` with `Authorization: Bearer <API key>` and JSON
 *   `{ from_number, to_number, override_agent_id?, metadata, retell_llm_dynamic_variables? }`;
 *   answers `201` with the call object (`call_id`, `call_status`: `registered`, `not_connected`,
 *   `ongoing`, `ended`, `error`). Errors are JSON `{ "error_message" }` with 400 (bad request, here:
 *   the number), 401, 402 (payment), 422, 429, 500.
 * - cancel: `POST {base}/v2/stop-call/{call_id}` → `204`.
 * - webhooks: JSON `{ "event": "call_started" | "call_ended" | "call_analyzed" | …, "call": {…} }`
 *   posted to the URL set on the agent or account, signed in `x-retell-signature` as
 *   `v=<unix ms>,d=<hex>` where `d` is HMAC-SHA256, keyed with the API key (the one with the webhook
 *   badge), over the raw body followed by the timestamp; the SDK refuses signatures more than five
 *   minutes from its clock, and so do we. `call.disconnection_reason` says how a call ended
 *   (`dial_busy`, `dial_no_answer`, `invalid_destination`, `user_hangup`, `agent_hangup`, …).
 *
 * Retell reports no "ringing": its calls go connecting → in progress → ended.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DEFAULT_REQUEST_TIMEOUT_MS, providerRequest, statusError } from './http.js';
import { ProviderError, SignatureError, WebhookPayloadError, header } from './provider.js';

/** @typedef {import('./provider.js').TelephonyProvider} TelephonyProvider */
/** @typedef {import('./provider.js').ProviderEvent} ProviderEvent */
/** @typedef {import('./provider.js').CallState} CallState */
/** @typedef {import('./provider.js').CallReason} CallReason */

export const RETELL_DEFAULT_API_BASE = 'https://api.retellai.com';
/** How far a webhook's signed timestamp may be from our clock (Retell's SDK: five minutes). */
export const RETELL_SIGNATURE_TOLERANCE_MS = 5 * 60 * 1000;

/**
 * Retell's `disconnection_reason` → our terminal state and reason. Reasons not listed end a call
 * that was connected as `ended`/`completed`, and one that never connected as `failed`.
 * @type {Record<string, { state: CallState, reason: CallReason }>}
 */
export const RETELL_DISCONNECTION_REASONS = {
  dial_busy: { state: 'failed', reason: 'busy' },
  user_declined: { state: 'failed', reason: 'busy' },
  dial_no_answer: { state: 'failed', reason: 'no_answer' },
  voicemail_reached: { state: 'failed', reason: 'no_answer' },
  invalid_destination: { state: 'failed', reason: 'invalid_number' },
  concurrency_limit_reached: { state: 'failed', reason: 'rate_limited' },
  registered_call_timeout: { state: 'failed', reason: 'timeout' },
  dial_failed: { state: 'failed', reason: 'provider_error' },
  no_valid_payment: { state: 'failed', reason: 'provider_error' },
  telephony_provider_permission_denied: { state: 'failed', reason: 'provider_error' },
  telephony_provider_unavailable: { state: 'failed', reason: 'provider_error' },
  sip_routing_error: { state: 'failed', reason: 'provider_error' },
  marked_as_spam: { state: 'failed', reason: 'provider_error' },
  scam_detected: { state: 'failed', reason: 'provider_error' },
  user_hangup: { state: 'ended', reason: 'completed' },
  agent_hangup: { state: 'ended', reason: 'completed' },
  call_transfer: { state: 'ended', reason: 'completed' },
  inactivity: { state: 'ended', reason: 'completed' },
  max_duration_reached: { state: 'ended', reason: 'completed' },
};

/** Order of Retell's events for one call: later events win, repeats are ignored. */
const EVENT_ORDER = { call_started: 1, call_ended: 2 };

/**
 * Computes `x-retell-signature` for a body, as Retell's SDK does.
 * @param {string} rawBody
 * @param {string} apiKey
 * @param {number} timestamp unix ms
 */
export function retellSignature(rawBody, apiKey, timestamp) {
  return `v=${timestamp},d=${createHmac('sha256', apiKey)
    .update(rawBody + timestamp)
    .digest('hex')}`;
}

/**
 * Checks `x-retell-signature`: well formed, within the tolerance of `now`, and the HMAC matches
 * (compared in constant time).
 * @param {string} rawBody
 * @param {string} apiKey
 * @param {string | undefined} signature
 * @param {number} now unix ms
 * @returns {string | null} null when valid, else why not
 */
export function retellSignatureProblem(rawBody, apiKey, signature, now) {
  const match = /^v=(\d+),d=([0-9a-f]+)$/.exec(signature ?? '');
  if (!match) return 'x-retell-signature is missing or not "v=<ms>,d=<hex>".';
  const timestamp = Number(match[1]);
  if (Math.abs(now - timestamp) > RETELL_SIGNATURE_TOLERANCE_MS) return 'x-retell-signature is older (or newer) than five minutes.';
  const expected = Buffer.from(
    createHmac('sha256', apiKey)
      .update(rawBody + match[1])
      .digest('hex'),
    'utf8',
  );
  const given = Buffer.from(match[2], 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'x-retell-signature does not match the body.';
  return null;
}

/**
 * @typedef {{
 *   apiKey: string,
 *   fromNumber: string,
 *   agentId?: string,
 *   apiBase?: string,
 *   timeoutMs?: number,
 *   fetch?: typeof globalThis.fetch,
 *   now?: () => number,
 * }} RetellOptions
 *   `agentId`: sent as `override_agent_id`; without it Retell uses the outbound agent bound to
 *   `fromNumber`.
 */

/**
 * Creates the Retell adapter.
 * @param {RetellOptions} options
 * @returns {TelephonyProvider}
 */
export function createRetellProvider(options) {
  const {
    apiKey,
    fromNumber,
    agentId,
    apiBase = RETELL_DEFAULT_API_BASE,
    timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
    fetch = globalThis.fetch,
    now = Date.now,
  } = options;
  const base = apiBase.replace(/\/+$/, '');

  /**
   * @param {string} path
   * @param {unknown} [body]
   */
  async function post(path, body) {
    const response = await providerRequest(`${base}${path}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${apiKey}`,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs,
      provider: 'Retell',
      fetch,
    });
    if (response.status >= 200 && response.status < 300) return response;
    const errorMessage = /** @type {{ error_message?: unknown }} */ (response.json ?? {}).error_message;
    const message = typeof errorMessage === 'string' ? errorMessage : response.text.slice(0, 200) || `HTTP ${response.status}`;
    // The request's only visitor-supplied field is to_number; everything else is our configuration.
    if (response.status === 400 && path === '/v2/create-phone-call') {
      throw new ProviderError('invalid_number', `Retell refused the call request (400): ${message}`, { status: 400 });
    }
    throw statusError(response, { provider: 'Retell', message, now: now() });
  }

  return {
    name: 'retell',
    simulated: false,
    describe: `Retell AI (calling from ${fromNumber}${agentId ? `, agent ${agentId}` : ", the number's outbound agent"})`,

    async createCall({ to, from, metadata }) {
      /** @type {Record<string, unknown>} */
      const body = { from_number: from ?? fromNumber, to_number: to, metadata };
      if (agentId) body.override_agent_id = agentId;
      const response = await post('/v2/create-phone-call', body);
      const callId = /** @type {{ call_id?: unknown }} */ (response.json ?? {}).call_id;
      if (typeof callId !== 'string' || !callId)
        throw new ProviderError('provider_error', 'Retell answered the call request without a call_id.', { status: response.status });
      return { providerCallId: callId };
    },

    async cancelCall(callId) {
      await post(`/v2/stop-call/${encodeURIComponent(callId)}`);
    },

    parseWebhook(headers, rawBody) {
      const problem = retellSignatureProblem(rawBody, apiKey, header(headers, 'x-retell-signature'), now());
      if (problem) throw new SignatureError(problem);
      let payload;
      try {
        payload = JSON.parse(rawBody);
      } catch {
        throw new WebhookPayloadError('A Retell webhook body is JSON.');
      }
      const { event, call } = /** @type {{ event?: unknown, call?: Record<string, unknown> }} */ (payload ?? {});
      if (typeof event !== 'string' || !call || typeof call !== 'object' || typeof call.call_id !== 'string') {
        throw new WebhookPayloadError('A Retell webhook has `event` and a `call` with `call_id`.');
      }
      if (!(event in EVENT_ORDER)) return null; // call_analyzed, transcript_updated, transfers: no state change
      const metadata = /** @type {Record<string, unknown> | undefined} */ (
        call.metadata && typeof call.metadata === 'object' ? call.metadata : undefined
      );
      const callId = typeof metadata?.amoiq_call_id === 'string' ? metadata.amoiq_call_id : undefined;
      const sequence = EVENT_ORDER[/** @type {keyof typeof EVENT_ORDER} */ (event)];
      const startedAt = typeof call.start_timestamp === 'number' ? call.start_timestamp : undefined;
      const endedAt = typeof call.end_timestamp === 'number' ? call.end_timestamp : undefined;
      /** @type {ProviderEvent} */
      const normalized = { provider: 'retell', providerCallId: call.call_id, state: 'in_progress', sequence, detail: event };
      if (callId) normalized.callId = callId;
      if (event === 'call_started') {
        if (startedAt !== undefined) normalized.at = new Date(startedAt).toISOString();
        return normalized;
      }
      const disconnection = typeof call.disconnection_reason === 'string' ? call.disconnection_reason : '';
      const connected =
        call.call_status === 'ended' || (startedAt !== undefined && call.call_status !== 'not_connected' && call.call_status !== 'error');
      let mapped =
        RETELL_DISCONNECTION_REASONS[disconnection] ??
        (connected ? { state: 'ended', reason: 'completed' } : { state: 'failed', reason: 'provider_error' });
      // A hang-up before the call was ever connected: nobody answered.
      if (mapped.state === 'ended' && !connected) mapped = { state: 'failed', reason: 'no_answer' };
      normalized.state = mapped.state;
      normalized.reason = mapped.reason;
      normalized.detail = `${event}: ${disconnection || String(call.call_status)}`;
      if (typeof call.duration_ms === 'number') normalized.durationSeconds = Math.round(call.duration_ms / 1000);
      else if (startedAt !== undefined && endedAt !== undefined)
        normalized.durationSeconds = Math.max(0, Math.round((endedAt - startedAt) / 1000));
      if (endedAt !== undefined) normalized.at = new Date(endedAt).toISOString();
      return normalized;
    },
  };
}
