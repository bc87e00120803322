// @ts-check
/**
 * The telephony provider interface of the phone callback (issue 11, part 1): what every adapter
 * (Twilio, Retell, the built-in simulation) offers, the normalized call states and reasons, and
 * the typed errors adapters throw. Nothing here talks to a network; `http.js` does that for the
 * real adapters.
 *
 * A call walks `requested → connecting → ringing → in_progress → ended`, or stops early in
 * `failed` or `cancelled`. `requested` is ours (the visitor asked, the provider has not accepted
 * yet); every later state comes from the provider, as its answer to `createCall` or as a webhook.
 */

/**
 * @typedef {'requested' | 'connecting' | 'ringing' | 'in_progress' | 'ended' | 'failed' | 'cancelled'} CallState
 */
/**
 * Why a call is in a terminal state (`ended`, `failed`, `cancelled`).
 * @typedef {'busy' | 'no_answer' | 'invalid_number' | 'provider_error' | 'rate_limited' | 'timeout'
 *   | 'cancelled_by_visitor' | 'completed'} CallReason
 */
/** @typedef {'twilio' | 'retell' | 'simulated'} ProviderName */

/**
 * What `createCall` needs. `to` is E.164 (`+15551234567`), already checked by the rules.
 * @typedef {{
 *   to: string,
 *   from?: string,
 *   callbackUrl?: string,
 *   metadata: Record<string, string>,
 * }} CreateCallInput
 *   `from`: the caller id, else the provider's configured number. `callbackUrl`: where the
 *   provider posts status events (Twilio's `StatusCallback`; Retell takes its webhook URL from the
 *   agent or account settings, the simulation calls back in-process). `metadata` carries
 *   `amoiq_call_id` (and the conversation and tenant ids) for providers that echo it.
 */

/**
 * One provider status event, normalized. `sequence` orders the events of one call (Twilio's
 * `SequenceNumber`, Retell's event order, the simulation's counter): an event whose sequence is not
 * above the last applied one is a duplicate or arrived late, and is ignored.
 * @typedef {{
 *   provider: ProviderName,
 *   providerCallId: string,
 *   callId?: string,
 *   state: CallState,
 *   reason?: CallReason,
 *   durationSeconds?: number,
 *   sequence: number,
 *   at?: string,
 *   simulated?: boolean,
 *   detail?: string,
 * }} ProviderEvent
 *   `callId`: our call id when the provider echoed it (Twilio: the `call` query parameter of the
 *   callback URL; Retell: `metadata.amoiq_call_id`). `at`: the provider's event time, ISO-8601.
 *   `detail`: the provider's own status words, for logs (e.g. `dial_busy`, `no-answer`).
 */

/**
 * Request headers as Node gives them (lower-case names).
 * @typedef {Record<string, string | string[] | undefined>} WebhookHeaders
 */

/**
 * The interface every adapter implements.
 * @typedef {{
 *   name: ProviderName,
 *   simulated: boolean,
 *   describe: string,
 *   createCall(input: CreateCallInput): Promise<{ providerCallId: string }>,
 *   cancelCall(providerCallId: string, options: { state: CallState }): Promise<void>,
 *   parseWebhook(headers: WebhookHeaders, rawBody: string, url: string): ProviderEvent | null,
 *   subscribe?(listener: (event: ProviderEvent) => void): () => void,
 * }} TelephonyProvider
 *   `describe`: one line for the start-up log. `cancelCall`: `state` is our current state of the
 *   call (Twilio cancels a call that rings, and hangs up one that is answered). `parseWebhook`:
 *   `url` is the full URL the provider requested (scheme, host, path, query), needed for Twilio's
 *   signature; returns `null` for a genuine event that changes nothing (e.g. Retell's
 *   `call_analyzed`); throws {@link SignatureError} or {@link WebhookPayloadError}.
 *   `subscribe`: providers without webhooks (the simulation) push their events here instead.
 */

/** Every call state, in the order a call normally walks through them. */
export const CALL_STATES = /** @type {const} */ (['requested', 'connecting', 'ringing', 'in_progress', 'ended', 'failed', 'cancelled']);
/** The states a call cannot leave. */
export const TERMINAL_STATES = /** @type {const} */ (['ended', 'failed', 'cancelled']);
/** Every reason a call ends for. */
export const CALL_REASONS = /** @type {const} */ ([
  'busy',
  'no_answer',
  'invalid_number',
  'provider_error',
  'rate_limited',
  'timeout',
  'cancelled_by_visitor',
  'completed',
]);

/** @param {CallState} state */
export const isTerminal = (state) => /** @type {readonly string[]} */ (TERMINAL_STATES).includes(state);

/**
 * A provider refused or did not answer a request (create or cancel a call).
 *
 * - `invalid_number`: the provider says the destination is not a callable number.
 * - `provider_auth`: our credentials were refused (HTTP 401/403): an operator problem.
 * - `rate_limited`: the provider throttles us (HTTP 429); `retryAfter` is the seconds to wait.
 * - `provider_unavailable`: HTTP 5xx or no connection.
 * - `timeout`: no answer within the adapter's request timeout.
 * - `provider_error`: any other refusal (HTTP 4xx), e.g. an unpaid account.
 */
export class ProviderError extends Error {
  /**
   * @param {'invalid_number' | 'provider_auth' | 'rate_limited' | 'provider_unavailable' | 'timeout' | 'provider_error'} code
   * @param {string} message
   * @param {{ status?: number, providerCode?: string | number, retryAfter?: number, cause?: unknown }} [details]
   *   `status`: the provider's HTTP status; `providerCode`: its own error code (Twilio `21211`).
   */
  constructor(code, message, { status, providerCode, retryAfter, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ProviderError';
    this.code = code;
    this.status = status;
    this.providerCode = providerCode;
    this.retryAfter = retryAfter;
  }

  /** The reason a call that failed with this error ends with. @returns {CallReason} */
  get reason() {
    if (this.code === 'invalid_number' || this.code === 'rate_limited' || this.code === 'timeout') return this.code;
    return 'provider_error';
  }
}

/** A webhook whose signature is missing, malformed, stale or wrong: answer it `403`. */
export class SignatureError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'SignatureError';
    this.code = /** @type {const} */ ('invalid_signature');
  }
}

/** A correctly signed webhook whose body is not what the provider documents: answer it `400`. */
export class WebhookPayloadError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'WebhookPayloadError';
    this.code = /** @type {const} */ ('bad_request');
  }
}

/**
 * Reads one header (first value when repeated).
 * @param {WebhookHeaders} headers
 * @param {string} name lower case
 */
export function header(headers, name) {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Parses a `Retry-After` header: delay-seconds or an HTTP date (RFC 9110). Returns whole seconds,
 * at least 1, or `undefined` when absent or unreadable.
 * @param {string | null | undefined} value
 * @param {number} [now] ms since the epoch
 */
export function parseRetryAfter(value, now = Date.now()) {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.max(1, Number(trimmed));
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(1, Math.ceil((date - now) / 1000));
}
