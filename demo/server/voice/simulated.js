// @ts-check
/**
 * The built-in simulated provider: the offline default when no Twilio or Retell credentials are
 * set. No phone rings. Each call walks connecting → ringing → in progress → ended on timers, and
 * every event says `simulated: true` so the widget can state plainly that it is a simulation.
 *
 * Scripted outcomes by the number's last four digits, for demos and tests:
 *
 * | ends in | outcome |
 * | --- | --- |
 * | `0001` | rings, then `failed` / `busy` |
 * | `0002` | rings until the ring timeout, then `failed` / `no_answer` |
 * | `0003` | refused at once: `ProviderError` `invalid_number` |
 * | `0004` | `failed` / `provider_error` while connecting |
 * | `0005` | refused at once: `ProviderError` `rate_limited`, `retryAfter` 30 |
 * | `0006` | refused at once: `ProviderError` `timeout` |
 * | anything else | answered, then `ended` / `completed` after the talk time |
 *
 * The clock and timers are injectable ({@link Scheduler}) so tests run without sleeping.
 */
import { ProviderError, WebhookPayloadError } from './provider.js';

/** @typedef {import('./provider.js').TelephonyProvider} TelephonyProvider */
/** @typedef {import('./provider.js').ProviderEvent} ProviderEvent */
/** @typedef {import('./provider.js').CallState} CallState */
/** @typedef {import('./provider.js').CallReason} CallReason */

/**
 * Time and timers, injectable.
 * @typedef {{ now(): number, setTimeout(fn: () => void, ms: number): unknown, clearTimeout(handle: unknown): void }} Scheduler
 */

/** The real clock; its timers do not keep the process alive. @type {Scheduler} */
export const realScheduler = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(/** @type {NodeJS.Timeout} */ (handle)),
};

/** Scripted outcomes, by the last four digits of the number. */
export const SIMULATED_OUTCOMES = /** @type {const} */ ({
  '0001': 'busy',
  '0002': 'no_answer',
  '0003': 'invalid_number',
  '0004': 'provider_error',
  '0005': 'rate_limited',
  '0006': 'timeout',
});

/**
 * Delays between steps, in milliseconds.
 * @typedef {{ connectMs: number, ringMs: number, answerMs: number, talkMs: number, ringTimeoutMs: number }} SimulatedTimings
 *   `connectMs`: accepted → connecting; `ringMs`: connecting → ringing (and ringing → busy);
 *   `answerMs`: ringing → answered; `talkMs`: answered → ended; `ringTimeoutMs`: ringing → no answer.
 */
/** @type {SimulatedTimings} */
export const DEFAULT_SIMULATED_TIMINGS = { connectMs: 300, ringMs: 1200, answerMs: 3000, talkMs: 20_000, ringTimeoutMs: 10_000 };

/**
 * Creates the simulated provider.
 * @param {{ scheduler?: Scheduler, timings?: Partial<SimulatedTimings> }} [options]
 * @returns {TelephonyProvider}
 */
export function createSimulatedProvider({ scheduler = realScheduler, timings = {} } = {}) {
  const t = { ...DEFAULT_SIMULATED_TIMINGS, ...timings };
  /** @type {Set<(event: ProviderEvent) => void>} */
  const listeners = new Set();
  /** @type {Map<string, { callId?: string, timers: unknown[], sequence: number, state: CallState, answeredAt?: number }>} */
  const calls = new Map();
  let counter = 0;

  /**
   * @param {string} id
   * @param {CallState} state
   * @param {CallReason} [reason]
   */
  function emit(id, state, reason) {
    const call = calls.get(id);
    if (!call) return;
    call.state = state;
    if (state === 'in_progress') call.answeredAt = scheduler.now();
    /** @type {ProviderEvent} */
    const event = {
      provider: 'simulated',
      providerCallId: id,
      state,
      sequence: call.sequence++,
      at: new Date(scheduler.now()).toISOString(),
      simulated: true,
    };
    if (call.callId) event.callId = call.callId;
    if (reason) event.reason = reason;
    if (state === 'ended' && call.answeredAt !== undefined) event.durationSeconds = Math.round((scheduler.now() - call.answeredAt) / 1000);
    if (state === 'ended' || state === 'failed' || state === 'cancelled') calls.delete(id);
    for (const listener of listeners) listener(event);
  }

  /**
   * Schedules the steps one after another.
   * @param {string} id
   * @param {Array<[number, CallState, CallReason?]>} steps delay after the previous step, state, reason
   */
  function script(id, steps) {
    const call = /** @type {NonNullable<ReturnType<typeof calls.get>>} */ (calls.get(id));
    let at = 0;
    for (const [delay, state, reason] of steps) {
      at += delay;
      call.timers.push(scheduler.setTimeout(() => emit(id, state, reason), at));
    }
  }

  return {
    name: 'simulated',
    simulated: true,
    describe:
      'simulated (no TWILIO_* or RETELL_* credentials): no phone rings; numbers ending 0001 busy, 0002 no answer, 0003 invalid, 0004 provider error, 0005 rate-limited, 0006 timeout',

    async createCall({ to, metadata }) {
      const outcome = SIMULATED_OUTCOMES[/** @type {keyof typeof SIMULATED_OUTCOMES} */ (to.slice(-4))];
      if (outcome === 'invalid_number')
        throw new ProviderError('invalid_number', `Simulated: ${to} is not a callable number.`, { status: 400 });
      if (outcome === 'rate_limited')
        throw new ProviderError('rate_limited', 'Simulated: the provider rate-limits us; retry in 30 s.', { status: 429, retryAfter: 30 });
      if (outcome === 'timeout') throw new ProviderError('timeout', 'Simulated: the provider did not answer in time.');
      const id = `sim_${(++counter).toString(36)}_${scheduler.now().toString(36)}`;
      calls.set(id, { callId: metadata.amoiq_call_id, timers: [], sequence: 0, state: 'requested' });
      if (outcome === 'busy')
        script(id, [
          [t.connectMs, 'connecting'],
          [t.ringMs, 'ringing'],
          [t.ringMs, 'failed', 'busy'],
        ]);
      else if (outcome === 'no_answer')
        script(id, [
          [t.connectMs, 'connecting'],
          [t.ringMs, 'ringing'],
          [t.ringTimeoutMs, 'failed', 'no_answer'],
        ]);
      else if (outcome === 'provider_error')
        script(id, [
          [t.connectMs, 'connecting'],
          [t.ringMs, 'failed', 'provider_error'],
        ]);
      else
        script(id, [
          [t.connectMs, 'connecting'],
          [t.ringMs, 'ringing'],
          [t.answerMs, 'in_progress'],
          [t.talkMs, 'ended', 'completed'],
        ]);
      return { providerCallId: id };
    },

    async cancelCall(id) {
      const call = calls.get(id);
      if (!call) return; // already over
      for (const timer of call.timers) scheduler.clearTimeout(timer);
      call.timers = [];
      // Like a real provider, the cancellation is confirmed by a status event shortly after.
      const answered = call.state === 'in_progress';
      call.timers.push(scheduler.setTimeout(() => emit(id, answered ? 'ended' : 'cancelled', 'cancelled_by_visitor'), 0));
    },

    parseWebhook() {
      throw new WebhookPayloadError('The simulated provider has no webhooks; its events arrive through subscribe().');
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
