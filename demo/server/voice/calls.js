// @ts-check
/**
 * The phone-callback state machine: at most one active call per conversation, legal transitions
 * only, duration, idempotent handling of provider events (by their sequence), and the
 * conversation's `mode` (`chat` ↔ `voice`, seed 003's `mode:changed`).
 *
 * Transitions (anything else is ignored, so a late or repeated webhook cannot move a call back):
 *
 * ```
 * requested ─▶ connecting ─▶ ringing ─▶ in_progress ─▶ ended
 *     │            │            │             └──────▶ failed
 *     └────────────┴────────────┴─▶ failed | cancelled | ended
 * ```
 *
 * A call skips states a provider does not report (Retell has no `ringing`), and may reach `ended`
 * before `in_progress` when the "answered" webhook was lost. `ended`, `failed` and `cancelled`
 * are final. The conversation is in `voice` mode from the request until the call is final.
 *
 * The manager keeps calls in memory (the reference backend runs in one process). Its output is
 * a stream of {@link CallManagerEvent}s the routes turn into WebSocket frames and system notices.
 */
import { randomBytes } from 'node:crypto';
import { ApiError } from '../http-util.js';
import { ProviderError, SignatureError, WebhookPayloadError, isTerminal } from './provider.js';
import { realScheduler } from './simulated.js';

/** @typedef {import('./provider.js').TelephonyProvider} TelephonyProvider */
/** @typedef {import('./provider.js').ProviderEvent} ProviderEvent */
/** @typedef {import('./provider.js').CallState} CallState */
/** @typedef {import('./provider.js').CallReason} CallReason */
/** @typedef {import('./provider.js').WebhookHeaders} WebhookHeaders */
/** @typedef {import('./simulated.js').Scheduler} Scheduler */
/** @typedef {ReturnType<typeof import('./rules.js').createCallbackRules>} CallbackRulesChecker */

/**
 * A call as clients see it (visitor and agent). Times are ISO-8601 UTC.
 * @typedef {{
 *   id: string,
 *   conversationId: string,
 *   state: CallState,
 *   reason?: CallReason,
 *   phoneNumber: string,
 *   provider: import('./provider.js').ProviderName,
 *   simulated: boolean,
 *   requestedAt: string,
 *   answeredAt?: string,
 *   endedAt?: string,
 *   durationSeconds?: number,
 *   consentAt: string,
 * }} Call
 *   `durationSeconds`: talk time, from answer to end (0 for a call never answered), present once
 *   the call is final. `consentAt`: when the visitor consented to be called.
 */

/**
 * What the manager reports. `call`: a call changed state. `mode`: a conversation switched between
 * chat and voice (with the call that caused it).
 * @typedef {{ type: 'call', tenantId: string, call: Call }
 *   | { type: 'mode', tenantId: string, conversationId: string, mode: 'chat' | 'voice', call: Call }} CallManagerEvent
 */

/**
 * @typedef {{
 *   call: Call,
 *   tenantId: string,
 *   visitorId: string,
 *   providerCallId?: string,
 *   lastSequence: number,
 *   consentText?: string,
 *   watchdog?: unknown,
 *   cancelWhenCreated?: boolean,
 * }} CallRecord
 */

/** Legal next states. */
const NEXT = /** @type {Record<CallState, CallState[]>} */ ({
  requested: ['connecting', 'ringing', 'in_progress', 'ended', 'failed', 'cancelled'],
  connecting: ['ringing', 'in_progress', 'ended', 'failed', 'cancelled'],
  ringing: ['in_progress', 'ended', 'failed', 'cancelled'],
  in_progress: ['ended', 'failed'],
  ended: [],
  failed: [],
  cancelled: [],
});

/**
 * Whether a call may move from one state to another.
 * @param {CallState} from
 * @param {CallState} to
 */
export const canTransition = (from, to) => NEXT[from].includes(to);

/** Longest consent wording we store with a call, in characters. */
export const MAX_CONSENT_TEXT = 1000;

/**
 * The error a visitor's callback request gets when the provider refused it: 400
 * `invalid_number`, 429 `rate_limited` (with `retryAfter`), 504 `provider_timeout`, or 502
 * `provider_error` (credentials, payment, outage: nothing the visitor can fix).
 * @param {ProviderError} error
 */
export function providerApiError(error) {
  if (error.code === 'invalid_number') return new ApiError(400, 'invalid_number', 'The phone provider refused this number.');
  if (error.code === 'rate_limited') {
    return Object.assign(new ApiError(429, 'rate_limited', `The phone provider is busy; retry in ${error.retryAfter ?? 1} s.`), {
      retryAfter: error.retryAfter ?? 1,
    });
  }
  if (error.code === 'timeout') return new ApiError(504, 'provider_timeout', 'The phone provider did not answer in time.');
  return new ApiError(502, 'provider_error', 'The phone provider could not place the call.');
}

/**
 * English text for the transcript's system notice about a call (clients show their own localized
 * text; this is the fallback stored in `text`), e.g. "Calling +1 555 123 4567…", "Call ended, 3:12".
 * @param {Call} call
 * @returns {string | null} null for states that get no notice
 */
export function callNoticeText(call) {
  const prefix = call.simulated ? 'Simulated call: ' : '';
  const duration = (/** @type {number} */ s) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  if (call.state === 'requested') return `${prefix}Calling ${call.phoneNumber}…`;
  if (call.state === 'in_progress') return `${prefix}Call connected.`;
  if (call.state === 'ended') return `${prefix}Call ended, ${duration(call.durationSeconds ?? 0)}.`;
  if (call.state === 'cancelled') return `${prefix}Call cancelled.`;
  if (call.state === 'failed') {
    const why =
      {
        busy: 'the line was busy',
        no_answer: 'there was no answer',
        invalid_number: 'the number cannot be called',
        rate_limited: 'the phone service is busy',
        timeout: 'the phone service did not answer',
      }[/** @type {string} */ (call.reason)] ?? 'the phone service failed';
    return `${prefix}Call failed: ${why}.`;
  }
  return null;
}

/**
 * @typedef {{
 *   provider: TelephonyProvider,
 *   rules?: CallbackRulesChecker,
 *   webhookUrl?: (callId: string) => string | undefined,
 *   scheduler?: Scheduler,
 *   setupTimeoutMs?: number,
 *   maxCallMs?: number,
 *   onError?: (error: unknown, context: string) => void,
 *   idFactory?: () => string,
 * }} CallManagerOptions
 *   `rules`: the tenants' callback rules (without it, any E.164 number the provider accepts is
 *   called: tests only). `webhookUrl`: the status-callback URL for a call (Twilio posts there; the
 *   `call` query parameter carries our id). `setupTimeoutMs`: a call not answered nor final this
 *   long after the request fails with `timeout` (default 120 s; covers webhooks that never come).
 *   `maxCallMs`: an answered call with no end event this long ends with `timeout` (default 4 h).
 *   `onError`: provider failures that do not reach a caller (a cancel that failed), for logs.
 */

/**
 * Creates the call manager.
 * @param {CallManagerOptions} options
 */
export function createCallManager(options) {
  const {
    provider,
    rules,
    webhookUrl = () => undefined,
    scheduler = realScheduler,
    setupTimeoutMs = 120_000,
    maxCallMs = 4 * 3600_000,
    onError = (error, context) => console.error(`voice: ${context}:`, error instanceof Error ? error.message : error),
    idFactory = () => `call_${randomBytes(12).toString('base64url')}`,
  } = options;
  /** @type {Set<(event: CallManagerEvent) => void>} */
  const listeners = new Set();
  /** @type {Map<string, CallRecord>} call id → record */
  const byId = new Map();
  /** @type {Map<string, string>} provider call id → call id */
  const byProviderId = new Map();
  /** @type {Map<string, string>} conversation id → its newest call's id */
  const latest = new Map();
  const iso = () => new Date(scheduler.now()).toISOString();

  /** @param {CallManagerEvent} event */
  function emit(event) {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        onError(error, 'a call listener threw');
      }
    }
  }

  /** @param {CallRecord} record */
  const snapshot = (record) => ({ ...record.call });

  /** @param {CallRecord} record */
  function armWatchdog(record) {
    if (record.watchdog !== undefined) scheduler.clearTimeout(record.watchdog);
    record.watchdog = undefined;
    if (isTerminal(record.call.state)) return;
    const answered = record.call.state === 'in_progress';
    record.watchdog = scheduler.setTimeout(
      () => {
        record.watchdog = undefined;
        if (isTerminal(record.call.state)) return;
        const state = record.call.state;
        transition(record, record.call.state === 'in_progress' ? 'ended' : 'failed', { reason: 'timeout' });
        if (record.providerCallId)
          provider
            .cancelCall(record.providerCallId, { state })
            .catch((error) => onError(error, `cancelling timed-out call ${record.call.id}`));
      },
      answered ? maxCallMs : setupTimeoutMs,
    );
  }

  /**
   * Moves a call to `state` if that is legal; emits the change (and the mode change when the call
   * becomes final). Returns whether anything changed.
   * @param {CallRecord} record
   * @param {CallState} state
   * @param {{ reason?: CallReason, durationSeconds?: number, at?: string }} [details]
   */
  function transition(record, state, details = {}) {
    const { call } = record;
    if (!canTransition(call.state, state)) return false;
    const at = details.at ?? iso();
    call.state = state;
    if (state === 'in_progress') call.answeredAt = at;
    if (isTerminal(state)) {
      call.reason = details.reason ?? (state === 'ended' ? 'completed' : state === 'cancelled' ? 'cancelled_by_visitor' : 'provider_error');
      call.endedAt = at;
      const measured = call.answeredAt ? Math.max(0, Math.round((Date.parse(at) - Date.parse(call.answeredAt)) / 1000)) : 0;
      call.durationSeconds = details.durationSeconds ?? measured;
    }
    armWatchdog(record);
    emit({ type: 'call', tenantId: record.tenantId, call: snapshot(record) });
    if (isTerminal(state))
      emit({ type: 'mode', tenantId: record.tenantId, conversationId: call.conversationId, mode: 'chat', call: snapshot(record) });
    return true;
  }

  /**
   * Applies one provider event. Events are matched by our call id when the provider echoed it,
   * else by the provider's call id. A repeated or late event is ignored twice over: its sequence
   * is not above the last applied one, and the move it asks for would go backwards (the states
   * only move forward, so the transition table alone already refuses it; the sequence check is
   * the provider's own ordering, kept as a second guard).
   * @param {ProviderEvent} event
   * @returns {{ applied: boolean, call: Call | null }}
   */
  function applyEvent(event) {
    const callId = (event.callId && byId.has(event.callId) ? event.callId : undefined) ?? byProviderId.get(event.providerCallId);
    const record = callId ? byId.get(callId) : undefined;
    if (!record) return { applied: false, call: null };
    if (record.call.provider !== event.provider) return { applied: false, call: snapshot(record) };
    if (record.providerCallId && record.providerCallId !== event.providerCallId) return { applied: false, call: snapshot(record) };
    if (!record.providerCallId) {
      // The webhook overtook the provider's answer to createCall.
      record.providerCallId = event.providerCallId;
      byProviderId.set(event.providerCallId, record.call.id);
    }
    if (event.sequence <= record.lastSequence) return { applied: false, call: snapshot(record) };
    record.lastSequence = event.sequence;
    const applied =
      event.state !== record.call.state &&
      transition(record, event.state, { reason: event.reason, durationSeconds: event.durationSeconds, at: event.at });
    return { applied, call: snapshot(record) };
  }

  /** @param {string} conversationId */
  function active(conversationId) {
    const id = latest.get(conversationId);
    const record = id ? byId.get(id) : undefined;
    return record && !isTerminal(record.call.state) ? record : undefined;
  }

  /** Forget final calls that a newer call replaced, so memory stays bounded by conversations. */
  function forget(/** @type {string} */ conversationId) {
    const id = latest.get(conversationId);
    const record = id ? byId.get(id) : undefined;
    if (!record) return;
    byId.delete(record.call.id);
    if (record.providerCallId) byProviderId.delete(record.providerCallId);
  }

  const unsubscribe = provider.subscribe?.((event) => {
    applyEvent(event);
  });

  return {
    provider,

    /** @param {(event: CallManagerEvent) => void} listener @returns {() => void} unsubscribe */
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /**
     * A visitor asks to be called back. Checks consent and the tenant's rules, records the call
     * (`requested`, conversation switches to `voice`), and asks the provider to place it.
     * @param {{
     *   tenant: { id: string, voice?: { callback?: unknown } },
     *   conversationId: string,
     *   visitorId: string,
     *   phoneNumber: unknown,
     *   consent: unknown,
     *   consentText?: unknown,
     * }} request `consent` must be `true`: the visitor ticked the consent box; `consentText`
     *   is the wording they agreed to, kept with the call.
     * @returns {Promise<Call>} the call, `connecting` or further (or final, when events raced ahead)
     * @throws {ApiError} 400 `consent_required` / `invalid_number` / `bad_request`, 403
     *   `voice_disabled` / `country_not_allowed` / `outside_calling_hours`, 409 `call_active`,
     *   429 `rate_limited`; after the call was recorded, provider refusals as
     *   {@link providerApiError} (the call is then `failed` with the matching reason)
     */
    async start({ tenant, conversationId, visitorId, phoneNumber, consent, consentText }) {
      if (consent !== true) throw new ApiError(400, 'consent_required', 'The visitor must consent to be called (`consent: true`).');
      if (consentText !== undefined && (typeof consentText !== 'string' || consentText.length > MAX_CONSENT_TEXT)) {
        throw new ApiError(400, 'bad_request', `\`consentText\` must be a string of at most ${MAX_CONSENT_TEXT} characters.`);
      }
      const existing = active(conversationId);
      if (existing)
        throw Object.assign(new ApiError(409, 'call_active', 'This conversation already has a call in progress.'), {
          call: snapshot(existing),
        });
      let e164;
      let fromNumber;
      if (rules) {
        ({ e164, fromNumber } = rules.check({ tenant, phoneNumber, visitorId }));
      } else {
        if (typeof phoneNumber !== 'string' || !/^\+[1-9]\d{6,15}$/.test(phoneNumber))
          throw new ApiError(400, 'invalid_number', '`phoneNumber` must be an E.164 number.');
        e164 = phoneNumber;
      }

      const now = iso();
      /** @type {CallRecord} */
      const record = {
        tenantId: tenant.id,
        visitorId,
        lastSequence: -1,
        ...(typeof consentText === 'string' ? { consentText } : {}),
        call: {
          id: idFactory(),
          conversationId,
          state: 'requested',
          phoneNumber: e164,
          provider: provider.name,
          simulated: provider.simulated,
          requestedAt: now,
          consentAt: now,
        },
      };
      forget(conversationId);
      byId.set(record.call.id, record);
      latest.set(conversationId, record.call.id);
      armWatchdog(record);
      emit({ type: 'call', tenantId: tenant.id, call: snapshot(record) });
      emit({ type: 'mode', tenantId: tenant.id, conversationId, mode: 'voice', call: snapshot(record) });

      let created;
      try {
        created = await provider.createCall({
          to: e164,
          ...(fromNumber ? { from: fromNumber } : {}),
          callbackUrl: webhookUrl(record.call.id),
          metadata: { amoiq_call_id: record.call.id, conversation_id: conversationId, tenant_id: tenant.id },
        });
      } catch (error) {
        const providerError = error instanceof ProviderError ? error : new ProviderError('provider_error', String(error), { cause: error });
        transition(record, 'failed', { reason: providerError.reason });
        if (!(error instanceof ProviderError)) onError(error, `placing call ${record.call.id}`);
        throw providerApiError(providerError);
      }
      if (!record.providerCallId) {
        record.providerCallId = created.providerCallId;
        byProviderId.set(created.providerCallId, record.call.id);
      }
      if (record.cancelWhenCreated) {
        // The visitor cancelled while the provider was still accepting the call.
        provider
          .cancelCall(created.providerCallId, { state: 'connecting' })
          .catch((error) => onError(error, `cancelling call ${record.call.id}`));
      } else if (record.call.state === 'requested') {
        transition(record, 'connecting');
      }
      return snapshot(record);
    },

    /**
     * The visitor cancels the call (or hangs up an answered one). The call becomes `cancelled`
     * (or `ended` when it was answered) with reason `cancelled_by_visitor` at once; the provider
     * is told, and its confirming event is then ignored as the call is final.
     * @param {string} conversationId
     * @returns {Promise<Call>}
     * @throws {ApiError} 404 `not_found` when the conversation has no active call
     */
    async cancel(conversationId) {
      const record = active(conversationId);
      if (!record) throw new ApiError(404, 'not_found', 'This conversation has no active call.');
      const state = record.call.state;
      transition(record, state === 'in_progress' ? 'ended' : 'cancelled', { reason: 'cancelled_by_visitor' });
      if (!record.providerCallId) record.cancelWhenCreated = true;
      else {
        try {
          await provider.cancelCall(record.providerCallId, { state });
        } catch (error) {
          // The call is over for the visitor either way; the operator needs to know the phone may still ring.
          onError(error, `cancelling call ${record.call.id} at ${provider.name}`);
        }
      }
      return snapshot(record);
    },

    /**
     * Handles a provider webhook: verifies and parses it, applies the event.
     * @param {WebhookHeaders} headers
     * @param {string} rawBody
     * @param {string} url the full URL the provider requested (public scheme and host, path, query)
     * @returns {{ applied: boolean, call: Call | null }} `call` null for an unknown call (answer 204 anyway)
     * @throws {ApiError} 403 `invalid_signature`, 400 `bad_request`
     */
    handleWebhook(headers, rawBody, url) {
      let event;
      try {
        event = provider.parseWebhook(headers, rawBody, url);
      } catch (error) {
        if (error instanceof SignatureError) throw new ApiError(403, 'invalid_signature', error.message);
        if (error instanceof WebhookPayloadError) throw new ApiError(400, 'bad_request', error.message);
        throw error;
      }
      return event ? applyEvent(event) : { applied: false, call: null };
    },

    /** Applies an already-parsed provider event (the simulation's, or a test's). */
    applyEvent,

    /**
     * The conversation's newest call (active or final), or null.
     * @param {string} conversationId
     * @returns {Call | null}
     */
    current(conversationId) {
      const id = latest.get(conversationId);
      const record = id ? byId.get(id) : undefined;
      return record ? snapshot(record) : null;
    },

    /**
     * `voice` while the conversation has an active call, else `chat`.
     * @param {string} conversationId
     * @returns {'chat' | 'voice'}
     */
    mode: (conversationId) => (active(conversationId) ? 'voice' : 'chat'),

    /**
     * The consent kept with a call (for the operator's records).
     * @param {string} callId
     * @returns {{ at: string, text?: string, visitorId: string, tenantId: string } | null}
     */
    consent(callId) {
      const record = byId.get(callId);
      if (!record) return null;
      return {
        at: record.call.consentAt,
        visitorId: record.visitorId,
        tenantId: record.tenantId,
        ...(record.consentText ? { text: record.consentText } : {}),
      };
    },

    /** Stops the watchdogs and the provider subscription (server shutdown, tests). */
    close() {
      unsubscribe?.();
      for (const record of byId.values()) if (record.watchdog !== undefined) scheduler.clearTimeout(record.watchdog);
    },
  };
}
