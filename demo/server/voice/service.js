// @ts-check
/**
 * The server's voice, wired into the chat: phone callbacks (the call manager of calls.js with the
 * provider chosen by index.js) turned into what clients see — `call` and `mode` hub events (which
 * the visitor and agent sockets and the long poll deliver as frames and page fields), `system`
 * notices in the transcript (`event: "call"`), and each tenant's `config.voice` for the session
 * answer. docs/protocol.md ("Voice") is the contract; docs/voice.md the operator's side.
 */
import { createVoice } from './index.js';
import { callNoticeText } from './calls.js';
import { isTerminal } from './provider.js';
import { createRtcRelay } from './rtc.js';

/** @typedef {import('./calls.js').Call} Call */
/** @typedef {import('../../../src/protocol/wire.js').CallNotice} CallNotice */

/** A final call is still shown to a client that (re)connects this long after it ended. */
export const RECENT_CALL_MS = 60_000;

/**
 * A call as clients see it (docs/protocol.md, "The call"): the number masked, no consent record.
 * @typedef {{
 *   id: string, kind: 'callback', state: Call['state'], reason?: Call['reason'],
 *   startedAt: string, answeredAt?: string, endedAt?: string, durationSeconds?: number,
 *   simulated?: true, to: string,
 * }} WireCall
 */

/**
 * `+14155552671` → `+1••••••2671`: the country code and the last four digits.
 * @param {string} e164
 * @param {string} [countryCode] the number's calling code, when known
 */
export function maskNumber(e164, countryCode) {
  const digits = e164.replace(/^\+/, '');
  const cc = countryCode ?? (digits.startsWith('1') || digits.startsWith('7') ? digits.slice(0, 1) : digits.slice(0, 2));
  const rest = digits.slice(cc.length);
  return `+${cc}${'•'.repeat(Math.max(0, rest.length - 4))}${rest.slice(-4)}`;
}

/**
 * @param {Call} call
 * @returns {WireCall}
 */
export function wireCall(call) {
  return {
    id: call.id,
    kind: 'callback',
    state: call.state,
    ...(call.reason ? { reason: call.reason } : {}),
    startedAt: call.requestedAt,
    ...(call.answeredAt ? { answeredAt: call.answeredAt } : {}),
    ...(call.endedAt ? { endedAt: call.endedAt } : {}),
    ...(call.durationSeconds !== undefined ? { durationSeconds: call.durationSeconds } : {}),
    ...(call.simulated ? { simulated: /** @type {const} */ (true) } : {}),
    to: maskNumber(call.phoneNumber),
  };
}

/**
 * A tenant's voice settings from the tenants file (`voice`), as far as clients are concerned.
 * @typedef {{
 *   callback?: { enabled?: boolean } & Record<string, unknown>,
 *   webrtc?: { enabled?: boolean, iceServers?: Array<{ urls: string | string[], username?: string, credential?: string }> },
 *   maxNoteSeconds?: number,
 * }} TenantVoice
 *   `webrtc`: in-browser calls with the agents, and the STUN/TURN servers browsers use for them
 */

/**
 * Creates the voice service.
 * @param {{
 *   chat: import('../chat.js').ChatService,
 *   store: import('../store/index.js').Store,
 *   tenants: Array<{ id: string, voice?: TenantVoice }>,
 *   env?: Record<string, string | undefined>,
 *   publicUrl?: string,
 *   log?: (line: string) => void,
 *   scheduler?: import('./simulated.js').Scheduler,
 *   fetch?: typeof globalThis.fetch,
 *   now?: () => number,
 * }} options
 */
export function createVoiceService({
  chat,
  store,
  tenants,
  env = process.env,
  publicUrl,
  log = console.log,
  scheduler,
  fetch,
  now = Date.now,
}) {
  const voice = createVoice({ env, tenants, publicUrl, log, scheduler, fetch });
  /** @type {Map<string, TenantVoice>} */
  let byTenant = new Map();
  /** @param {Array<{ id: string, voice?: TenantVoice }>} list */
  const setTenants = (list) => {
    byTenant = new Map(list.filter((t) => t.voice).map((t) => [t.id, /** @type {TenantVoice} */ (t.voice)]));
  };
  setTenants(tenants);

  /** Transcript notices are stored one after another per conversation, in the order of the events. */
  /** @type {Map<string, Promise<void>>} */
  const noticeChains = new Map();

  /**
   * @param {string} tenantId
   * @param {Call} call
   */
  function notice(tenantId, call) {
    const masked = maskNumber(call.phoneNumber);
    const text = callNoticeText({ ...call, phoneNumber: masked });
    if (!text) return;
    /** @type {CallNotice} */
    const details = {
      id: call.id,
      kind: 'callback',
      state: call.state,
      ...(call.reason ? { reason: call.reason } : {}),
      ...(call.durationSeconds !== undefined && isTerminal(call.state) ? { durationSeconds: call.durationSeconds } : {}),
      ...(call.simulated ? { simulated: /** @type {const} */ (true) } : {}),
      ...(call.state === 'requested' ? { to: masked } : {}),
    };
    const previous = noticeChains.get(call.conversationId) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        const result = await store.messages.appendCallNotice(call.conversationId, { text, call: details });
        if (!result) return;
        chat.hub.publish(tenantId, call.conversationId, { type: 'message', message: result.message });
        await chat.announceConversation(call.conversationId);
      })
      .catch((error) => console.error(`voice: storing the notice of call ${call.id} failed:`, error))
      .finally(() => {
        if (noticeChains.get(call.conversationId) === next) noticeChains.delete(call.conversationId);
      });
    noticeChains.set(call.conversationId, next);
  }

  const webrtcOn = (/** @type {string} */ tenantId) => {
    const w = byTenant.get(tenantId)?.webrtc;
    return Boolean(w) && w?.enabled !== false;
  };
  const rtc = createRtcRelay({ chat, store, offers: webrtcOn, activeCallback: (id) => voice.calls.mode(id) === 'voice', now });

  const unsubscribe = voice.calls.subscribe((event) => {
    if (event.type === 'call') {
      chat.hub.publish(event.tenantId, event.call.conversationId, {
        type: 'call',
        conversationId: event.call.conversationId,
        call: wireCall(event.call),
      });
      notice(event.tenantId, event.call);
    } else {
      chat.hub.publish(event.tenantId, event.conversationId, {
        type: 'mode',
        conversationId: event.conversationId,
        mode: event.mode,
        callId: event.call.id,
      });
    }
  });

  return {
    calls: voice.calls,
    rtc,
    provider: voice.provider,
    webhookPath: voice.webhookPath,
    setTenants,
    wire: wireCall,

    /**
     * The tenant as the callback rules read it (`{ id, voice: { callback } }`).
     * @param {string} tenantId
     */
    rulesTenant: (tenantId) => ({ id: tenantId, voice: byTenant.get(tenantId) }),

    /**
     * `config.voice` of the session answer, or undefined when the site offers no voice.
     * @param {string} tenantId
     */
    configFor(tenantId) {
      const settings = byTenant.get(tenantId);
      if (!settings || (!settings.callback && !settings.webrtc)) return undefined;
      const callback = Boolean(settings.callback) && settings.callback?.enabled !== false;
      const max = settings.maxNoteSeconds;
      return {
        callback,
        webrtc: webrtcOn(tenantId),
        iceServers: webrtcOn(tenantId) ? (settings.webrtc?.iceServers ?? []) : [],
        maxNoteSeconds: Number.isInteger(max) && /** @type {number} */ (max) >= 5 && /** @type {number} */ (max) <= 600 ? max : 120,
      };
    },

    /**
     * The conversation's newest call as clients see it, if it is active or ended less than
     * {@link RECENT_CALL_MS} ago, with the conversation's mode: what a (re)connecting client gets.
     * @param {string} conversationId
     * @returns {{ call: WireCall | ReturnType<typeof rtc.wire>, mode: 'chat' | 'voice' } | null}
     */
    current(conversationId) {
      const browser = rtc.current(conversationId);
      const call = voice.calls.current(conversationId);
      const phone = call && !(isTerminal(call.state) && call.endedAt && now() - Date.parse(call.endedAt) > RECENT_CALL_MS) ? call : null;
      if (browser && (!phone || browser.mode === 'voice' || browser.call.startedAt > phone.requestedAt)) return browser;
      return phone ? { call: wireCall(phone), mode: voice.calls.mode(conversationId) } : null;
    },

    /** Waits for the transcript notices being stored (tests, shutdown). */
    async settled() {
      await Promise.all([...noticeChains.values()]);
    },

    close() {
      unsubscribe();
      voice.calls.close();
      rtc.close();
    },
  };
}

/** @typedef {ReturnType<typeof createVoiceService>} VoiceService */
