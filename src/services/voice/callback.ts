import type { VoiceProblem } from './errors.js';
import { Observable } from './observable.js';
import {
  decodeCall,
  isTerminalState,
  isVoiceErrorCode,
  voiceErrorCode,
  CALL_STATES,
  type VoiceMode,
  type VoiceServerFrame,
  type WireCall,
} from './wire.js';

/**
 * The HTTP half of phone callbacks, provided by the chat: POSTs `body` as JSON to `path` with
 * the session's headers (and renews an expired token, as every other request does). Resolves with
 * the answer's status and parsed body (`undefined` when it was not JSON) and the seconds of a
 * `Retry-After` header; rejects only when there was no answer at all.
 */
export interface CallbackTransport {
  post(path: string, body: Record<string, unknown>): Promise<{ status: number; body: unknown; retryAfter?: number }>;
}

/** Paths of the two requests (docs/protocol.md, Voice). */
export const CALLBACK_PATHS = { request: '/api/chat/voice/callback', cancel: '/api/chat/voice/cancel' } as const;

/**
 * A phone callback request that failed. `code` is a {@link VoiceProblem}: one of the server's
 * voice codes (`invalid_number`, `outside_calling_hours`, …), `network` when there was no answer,
 * or `unknown`; it names the text to show (`strings.voice.errors[code]`).
 */
export class CallbackError extends Error {
  readonly code: VoiceProblem;
  /** HTTP status; 0 without an answer. */
  readonly status: number;
  /** Seconds to wait before asking again (`rate_limited`). */
  readonly retryAfter?: number;

  constructor(code: VoiceProblem, message: string, status = 0, retryAfter?: number) {
    super(message);
    this.name = 'CallbackError';
    this.code = code;
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

/** What the callback client knows. */
export interface CallbackState {
  /** The conversation's newest phone callback (active or final), or null. */
  call: WireCall | null;
  /** `voice` from the request until the call is final (the server's `mode` frames win). */
  mode: VoiceMode;
  /** A request or a cancel is on its way. */
  pending: boolean;
  /** Why the last request failed, until the next one. */
  error: CallbackError | null;
}

/** An E.164 number: `+`, a country code that does not start with 0, at most 15 digits. */
const E164 = /^\+[1-9]\d{6,14}$/;
const order = (call: WireCall) => CALL_STATES.indexOf(call.state);

/**
 * The phone-callback side of the widget, without a screen: asks the server to call the visitor,
 * cancels, and follows the call through the `call` and `mode` frames (which may overtake the
 * request's own answer). States only move forward, like on the server, so a late frame cannot
 * move a call back.
 *
 * @example
 * const callback = new CallbackClient({ transport, conversationId: () => session.conversationId });
 * callback.subscribe(({ call }) => (panel.call = call && callbackView(call)));
 * await callback.request({ phoneNumber: '+14155552671', consentText });
 * socket.onFrame((frame) => callback.apply(frame));
 */
export class CallbackClient {
  private readonly store = new Observable<CallbackState>({ call: null, mode: 'chat', pending: false, error: null });

  constructor(private readonly options: { transport: CallbackTransport; conversationId: () => string }) {}

  get state(): CallbackState {
    return this.store.value;
  }

  /** Calls `fn` with every new state; returns the unsubscribe function. */
  subscribe(fn: (state: CallbackState) => void): () => void {
    return this.store.subscribe(fn);
  }

  /**
   * Asks the server to call `phoneNumber` (E.164). `consentText` is the wording the visitor agreed
   * to, sent with `consent: true`. Resolves with the call (`connecting` or further); rejects with
   * a {@link CallbackError}, also kept in `state.error`.
   */
  async request({ phoneNumber, consentText }: { phoneNumber: string; consentText: string }): Promise<WireCall> {
    if (!E164.test(phoneNumber))
      return this.refuse(new CallbackError('invalid_number', `${JSON.stringify(phoneNumber)} is not an E.164 number.`, 400));
    if (!consentText.trim()) return this.refuse(new CallbackError('consent_required', 'The consent text is empty.', 400));
    if (this.state.pending) return this.refuse(new CallbackError('call_active', 'A request is already on its way.', 409));
    this.store.set({ pending: true, error: null });
    const body = { conversationId: this.options.conversationId(), phoneNumber, consent: true, consentText };
    const answer = await this.post(CALLBACK_PATHS.request, body);
    const call =
      answer.status === 201 || answer.status === 200 ? decodeCall((answer.body as { call?: unknown } | undefined)?.call) : undefined;
    if (call?.ok) {
      this.applyCall(call.value, { pending: false });
      return this.state.call ?? call.value;
    }
    return this.refuse(this.errorOf(answer, call && !call.ok ? call.reason : undefined));
  }

  /** Cancels the active call (or hangs up an answered one). Does nothing when there is none. */
  async cancel(): Promise<void> {
    const call = this.state.call;
    if (!call || isTerminalState(call.state)) return;
    this.store.set({ pending: true });
    const answer = await this.post(CALLBACK_PATHS.cancel, { conversationId: this.options.conversationId(), callId: call.id });
    const decoded = decodeCall((answer.body as { call?: unknown } | undefined)?.call);
    // 404: the call ended meanwhile; its final frame says how.
    if (answer.status < 300 && decoded.ok) this.applyCall(decoded.value, { pending: false });
    else this.store.set({ pending: false });
    if (answer.status >= 300 && answer.status !== 404) throw this.errorOf(answer);
  }

  /**
   * Applies a `call` frame (of a phone callback) or a `mode` frame; returns whether it was one.
   * Other frames (in-browser calls, `rtc`) are left alone.
   */
  apply(frame: VoiceServerFrame): boolean {
    if (frame.type === 'mode') {
      this.store.set({ mode: frame.mode });
      return true;
    }
    if (frame.type === 'call' && frame.call.kind === 'callback') {
      this.applyCall(frame.call);
      return true;
    }
    return false;
  }

  /** Forgets a final call (the visitor went back to chat). */
  dismiss(): void {
    const call = this.state.call;
    if (call && isTerminalState(call.state)) this.store.set({ call: null, error: null });
  }

  /** Forgets every subscriber. */
  stop(): void {
    this.store.clear();
  }

  /** Applies a call (and `extra` state) in one change, so subscribers never see half of it. */
  private applyCall(call: WireCall, extra: Partial<CallbackState> = {}): void {
    const current = this.state.call;
    // Same call: only forward (a final state also brings its duration). Another id: a newer call.
    if (current && current.id === call.id && order(call) < order(current)) {
      if (Object.keys(extra).length) this.store.set(extra);
    } else if (current && current.id === call.id && order(call) === order(current) && !isTerminalState(call.state)) {
      this.store.set({ ...extra, call: { ...current, ...call } });
    } else {
      this.store.set({ ...extra, call, mode: isTerminalState(call.state) ? 'chat' : 'voice' });
    }
  }

  private refuse(error: CallbackError): never {
    this.store.set({ pending: false, error });
    throw error;
  }

  private async post(path: string, body: Record<string, unknown>) {
    try {
      return await this.options.transport.post(path, body);
    } catch (error) {
      const failure = new CallbackError('network', `No answer from the server: ${(error as Error)?.message ?? error}`);
      this.store.set({ pending: false, error: failure });
      throw failure;
    }
  }

  private errorOf(answer: { status: number; body: unknown; retryAfter?: number }, malformed?: string): CallbackError {
    if (malformed) return new CallbackError('unknown', `The server's answer is malformed: ${malformed}`, answer.status);
    const code = voiceErrorCode(answer.body);
    const message =
      ((answer.body as { error?: { message?: unknown } } | undefined)?.error?.message as string | undefined) ?? `HTTP ${answer.status}`;
    return new CallbackError(isVoiceErrorCode(code) ? code : 'unknown', message, answer.status, answer.retryAfter);
  }
}
