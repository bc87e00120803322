/**
 * Wire types and decoders of the voice part of protocol v1 (docs/protocol.md, "Voice"): the
 * session's `config.voice`, the `call`, `mode` and `rtc` frames, and the error codes of a phone
 * callback request. The states and reasons are the reference server's (`demo/server/voice/
 * provider.js`, `calls.js`) plus those of in-browser calls. Decoders look at untrusted values and
 * never throw: a malformed frame is refused with a reason, like `decodeServerFrame`.
 *
 * Until the integration moves these next to `src/protocol/v1.ts`, they live here so that voice
 * code stays out of the main chunk.
 */
import { isRecord, isString } from '../../protocol/guards.js';

/** Every call state, in the order a call normally walks through them (the server's `CALL_STATES`). */
export const CALL_STATES = ['requested', 'connecting', 'ringing', 'in_progress', 'ended', 'failed', 'cancelled'] as const;
/** A call's state on the wire. */
export type CallState = (typeof CALL_STATES)[number];
/** States a call cannot leave. */
export const TERMINAL_CALL_STATES: readonly CallState[] = ['ended', 'failed', 'cancelled'];
/** True for `ended`, `failed` and `cancelled`. */
export const isTerminalState = (state: CallState): boolean => TERMINAL_CALL_STATES.includes(state);

/**
 * Why a call ended. The first eight are the phone callback's (the server's `CALL_REASONS`); the
 * rest come from in-browser calls.
 */
export const CALL_REASONS = [
  'busy',
  'no_answer',
  'invalid_number',
  'provider_error',
  'rate_limited',
  'timeout',
  'cancelled_by_visitor',
  'completed',
  'declined',
  'cancelled_by_agent',
  'connection_failed',
  'microphone_unavailable',
] as const;
/** A reason of {@link CALL_REASONS}. */
export type CallReason = (typeof CALL_REASONS)[number];

/** How a call is made: the provider phones the visitor, or visitor and agent talk in their browsers. */
export type CallKind = 'callback' | 'webrtc';

/** A call as the server reports it in a `call` frame. Times are ISO-8601 UTC. */
export interface WireCall {
  id: string;
  kind: CallKind;
  state: CallState;
  /** Present once the call is final. */
  reason?: CallReason;
  /** When the call was asked for (the server's `requestedAt`). */
  startedAt?: string;
  /** When the visitor answered (callback) or the other side accepted (webrtc). */
  answeredAt?: string;
  endedAt?: string;
  /** Talk time, from answer to end; present once the call is final (0 when never answered). */
  durationSeconds?: number;
  /** The call is the server's simulation: no phone rings. */
  simulated?: true;
  /** The number called, masked for display (`+1••••••2671`); callbacks only. */
  to?: string;
  /** Who placed an in-browser call. */
  from?: 'visitor' | 'agent';
  /** Who hung up an in-browser call that ended. */
  endedBy?: 'visitor' | 'agent';
  /** The agent on an in-browser call, once one answered or while one calls. */
  agent?: { id: string; name?: string };
  /** Agent WebSocket only: the conversation the call belongs to. */
  conversationId?: string;
}

/** Text or voice: the conversation's mode (seed 003's `mode:changed`). */
export type VoiceMode = 'chat' | 'voice';

/** What one `rtc` frame says (both directions). */
export const RTC_KINDS = ['invite', 'accept', 'decline', 'offer', 'answer', 'candidate', 'hangup', 'mute'] as const;
/** A kind of {@link RTC_KINDS}. */
export type RtcKind = (typeof RTC_KINDS)[number];

/** One WebRTC signaling message, relayed by the server between the visitor and one agent. */
export interface RtcFrame {
  type: 'rtc';
  callId: string;
  kind: RtcKind;
  /** `offer` and `answer`: the session description. */
  sdp?: string;
  /** `candidate`: one trickled ICE candidate; `null` when the sender gathered all of them. */
  candidate?: RTCIceCandidateInit | null;
  /** `decline` and `hangup`: why; a {@link CallReason}. */
  reason?: CallReason;
  /** `mute`: whether the sender's microphone is now off. */
  muted?: boolean;
  /** Agent WebSocket only: the conversation of the call. */
  conversationId?: string;
}

/** The frames of the voice part of the protocol, server → client. */
export type VoiceServerFrame =
  { type: 'call'; call: WireCall } | { type: 'mode'; mode: VoiceMode; callId?: string; conversationId?: string } | RtcFrame;

/** The session's `config.voice`: what the site offers, and how browsers reach each other. */
export interface VoiceConfig {
  /** The site offers phone callbacks. */
  callback: boolean;
  /** The site offers in-browser calls with the team. */
  webrtc: boolean;
  /** STUN and TURN servers for `RTCPeerConnection` (TURN credentials are short-lived). */
  iceServers: RTCIceServer[];
  /** Longest voice message, in seconds. */
  maxNoteSeconds: number;
}

/** A site that says nothing about voice offers none of it. */
export const VOICE_DISABLED: VoiceConfig = Object.freeze({ callback: false, webrtc: false, iceServers: [], maxNoteSeconds: 120 });

/**
 * Error codes of `POST /api/chat/voice/callback` and `/cancel` beyond the protocol's own table,
 * and what each means to the visitor.
 */
export const VOICE_ERROR_CODES = [
  'consent_required',
  'invalid_number',
  'voice_disabled',
  'country_not_allowed',
  'outside_calling_hours',
  'call_active',
  'rate_limited',
  'provider_error',
  'provider_timeout',
] as const;
/** A code of {@link VOICE_ERROR_CODES}. */
export type VoiceErrorCode = (typeof VOICE_ERROR_CODES)[number];

/** The MIME types a voice message is recorded in, best first (what `MediaRecorder` is asked for). */
export const VOICE_NOTE_TYPES = ['audio/webm;codecs=opus', 'audio/mp4', 'audio/ogg'] as const;

/** Result of decoding something from the wire. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

const STATES: ReadonlySet<string> = new Set(CALL_STATES);
const REASONS: ReadonlySet<string> = new Set(CALL_REASONS);
const KINDS: ReadonlySet<string> = new Set(RTC_KINDS);
/** SDP of an audio-only call is a few KB; anything near the JSON body limit is not one. */
const MAX_SDP = 60_000;
const MAX_CANDIDATE = 1_000;
const isTime = (v: unknown): v is string => isString(v) && !Number.isNaN(Date.parse(v));
const isId = (v: unknown): v is string => isString(v) && v.length > 0 && v.length <= 64;

/** Checks and copies a `call` object field by field; unknown reasons are dropped (shown as a generic end). */
export function decodeCall(v: unknown): Decoded<WireCall> {
  if (!isRecord(v)) return { ok: false, reason: 'call is not an object' };
  if (!isId(v.id)) return { ok: false, reason: 'call.id is not a string' };
  if (v.kind !== 'callback' && v.kind !== 'webrtc') return { ok: false, reason: 'call.kind is not callback or webrtc' };
  if (!isString(v.state) || !STATES.has(v.state)) return { ok: false, reason: 'call.state is unknown' };
  const call: WireCall = { id: v.id, kind: v.kind, state: v.state as CallState };
  if (isString(v.reason) && REASONS.has(v.reason)) call.reason = v.reason as CallReason;
  for (const key of ['startedAt', 'answeredAt', 'endedAt'] as const) if (isTime(v[key])) call[key] = v[key] as string;
  if (Number.isInteger(v.durationSeconds) && (v.durationSeconds as number) >= 0) call.durationSeconds = v.durationSeconds as number;
  if (v.simulated === true) call.simulated = true;
  if (isString(v.to) && v.to.length <= 32) call.to = v.to;
  if (v.from === 'visitor' || v.from === 'agent') call.from = v.from;
  if (v.endedBy === 'visitor' || v.endedBy === 'agent') call.endedBy = v.endedBy;
  if (isRecord(v.agent) && isId(v.agent.id))
    call.agent = { id: v.agent.id, ...(isString(v.agent.name) ? { name: v.agent.name.slice(0, 100) } : {}) };
  if (isId(v.conversationId)) call.conversationId = v.conversationId;
  return { ok: true, value: call };
}

function decodeCandidate(v: unknown): RTCIceCandidateInit | null | undefined {
  if (v === null) return null;
  if (!isRecord(v) || !isString(v.candidate) || v.candidate.length > MAX_CANDIDATE) return undefined;
  const init: RTCIceCandidateInit = { candidate: v.candidate };
  if (isString(v.sdpMid) || v.sdpMid === null) init.sdpMid = v.sdpMid as string | null;
  if ((Number.isInteger(v.sdpMLineIndex) && (v.sdpMLineIndex as number) >= 0) || v.sdpMLineIndex === null)
    init.sdpMLineIndex = v.sdpMLineIndex as number | null;
  if (isString(v.usernameFragment) || v.usernameFragment === null) init.usernameFragment = v.usernameFragment as string | null;
  return init;
}

/** Checks an `rtc` frame (either direction) and copies the fields its kind uses. */
export function decodeRtcFrame(v: unknown): Decoded<RtcFrame> {
  if (!isRecord(v) || v.type !== 'rtc') return { ok: false, reason: 'not an rtc frame' };
  if (!isId(v.callId)) return { ok: false, reason: 'rtc frame: callId is not a string' };
  if (!isString(v.kind) || !KINDS.has(v.kind)) return { ok: false, reason: 'rtc frame: unknown kind' };
  const frame: RtcFrame = { type: 'rtc', callId: v.callId, kind: v.kind as RtcKind };
  if (isId(v.conversationId)) frame.conversationId = v.conversationId;
  switch (frame.kind) {
    case 'offer':
    case 'answer':
      if (!isString(v.sdp) || v.sdp.length === 0 || v.sdp.length > MAX_SDP)
        return { ok: false, reason: `rtc ${frame.kind}: sdp missing or too long` };
      frame.sdp = v.sdp;
      break;
    case 'candidate': {
      const candidate = decodeCandidate(v.candidate);
      if (candidate === undefined) return { ok: false, reason: 'rtc candidate: candidate malformed' };
      frame.candidate = candidate;
      break;
    }
    case 'mute':
      if (typeof v.muted !== 'boolean') return { ok: false, reason: 'rtc mute: muted is not a boolean' };
      frame.muted = v.muted;
      break;
    case 'decline':
    case 'hangup':
      if (isString(v.reason) && REASONS.has(v.reason)) frame.reason = v.reason as CallReason;
      break;
    default:
      break;
  }
  return { ok: true, value: frame };
}

/**
 * Decodes a parsed frame of type `call`, `mode` or `rtc`; anything else is refused (the chat's
 * own decoder handles it).
 */
export function decodeVoiceFrame(v: unknown): Decoded<VoiceServerFrame> {
  if (!isRecord(v)) return { ok: false, reason: 'frame is not an object' };
  if (v.type === 'call') {
    const call = decodeCall(v.call);
    return call.ok ? { ok: true, value: { type: 'call', call: call.value } } : { ok: false, reason: `call frame: ${call.reason}` };
  }
  if (v.type === 'mode') {
    if (v.mode !== 'chat' && v.mode !== 'voice') return { ok: false, reason: 'mode frame: mode is not chat or voice' };
    return {
      ok: true,
      value: {
        type: 'mode',
        mode: v.mode,
        ...(isId(v.callId) ? { callId: v.callId } : {}),
        ...(isId(v.conversationId) ? { conversationId: v.conversationId } : {}),
      },
    };
  }
  if (v.type === 'rtc') return decodeRtcFrame(v);
  return { ok: false, reason: 'not a voice frame' };
}

/** Reads `config.voice` of the session answer; anything missing or malformed means "not offered". */
export function decodeVoiceConfig(v: unknown): VoiceConfig {
  if (!isRecord(v)) return VOICE_DISABLED;
  const iceServers = Array.isArray(v.iceServers)
    ? v.iceServers.filter(
        (s): s is RTCIceServer =>
          isRecord(s) &&
          (isString(s.urls) || (Array.isArray(s.urls) && s.urls.every(isString))) &&
          (s.username === undefined || isString(s.username)) &&
          (s.credential === undefined || isString(s.credential)),
      )
    : [];
  const max = v.maxNoteSeconds;
  return {
    callback: v.callback === true,
    webrtc: v.webrtc === true,
    iceServers,
    maxNoteSeconds:
      Number.isInteger(max) && (max as number) >= 5 && (max as number) <= 600 ? (max as number) : VOICE_DISABLED.maxNoteSeconds,
  };
}

/** The `error.code` of a failed voice request, or `undefined` when the body has none. */
export function voiceErrorCode(body: unknown): string | undefined {
  return isRecord(body) && isRecord(body.error) && isString(body.error.code) ? body.error.code : undefined;
}

/** True for a code of {@link VOICE_ERROR_CODES}. */
export const isVoiceErrorCode = (v: unknown): v is VoiceErrorCode => isString(v) && (VOICE_ERROR_CODES as readonly string[]).includes(v);
