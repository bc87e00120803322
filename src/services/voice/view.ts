import type { VoiceProblem } from './errors.js';
import type { RtcCallSnapshot } from './webrtc-call.js';
import type { CallReason, WireCall } from './wire.js';

/**
 * Where a call stands, as the voice panel shows it. The phone callback's states are the wire's;
 * in-browser calls add `incoming` (someone calls the visitor) and `interrupted` (the media path
 * dropped and the call is recovering).
 */
export type VoicePhase =
  'requested' | 'connecting' | 'ringing' | 'incoming' | 'in_progress' | 'interrupted' | 'ended' | 'failed' | 'cancelled';

/** The call `<amoiq-voice-panel>` shows: plain data, built from a service's state by {@link callbackView} or {@link rtcView}. */
export interface VoiceCallView {
  id: string;
  kind: 'callback' | 'webrtc';
  phase: VoicePhase;
  reason?: CallReason;
  /** `failed`: the problem to explain (`strings.voice.errors[problem]`). */
  problem?: VoiceProblem;
  /** When talking started (ms since the epoch): the duration timer counts from here. */
  answeredAt?: number;
  /** Once over: the talk time. */
  durationSeconds?: number;
  /** The server's simulation: no real phone call is made. */
  simulated?: boolean;
  /** The number called (masked), for a callback. */
  to?: string;
  /** In-browser calls: this side's microphone is off. */
  muted?: boolean;
  /** In-browser calls: the other side's microphone is off. */
  remoteMuted?: boolean;
  /** The other person's name (an agent calling the visitor). */
  peerName?: string;
}

/** True once the call is over. */
export const isFinalPhase = (phase: VoicePhase): boolean => phase === 'ended' || phase === 'failed' || phase === 'cancelled';

const time = (iso?: string): number | undefined => (iso ? Date.parse(iso) : undefined);

/** The view of a phone callback, from its `call` frame. */
export function callbackView(call: WireCall): VoiceCallView {
  return {
    id: call.id,
    kind: 'callback',
    phase: call.state,
    ...(call.reason ? { reason: call.reason } : {}),
    ...(call.answeredAt ? { answeredAt: time(call.answeredAt) } : {}),
    ...(call.durationSeconds !== undefined ? { durationSeconds: call.durationSeconds } : {}),
    ...(call.simulated ? { simulated: true } : {}),
    ...(call.to ? { to: call.to } : {}),
  };
}

/** The view of an in-browser call, from its snapshot (and the other person's name, if known). */
export function rtcView(call: RtcCallSnapshot, durationSeconds: number, peerName?: string): VoiceCallView {
  const cancelled =
    call.state === 'ended' &&
    call.connectedAt === undefined &&
    (call.reason === 'cancelled_by_visitor' || call.reason === 'cancelled_by_agent');
  const phase: VoicePhase =
    call.state === 'idle'
      ? 'requested'
      : call.state === 'ringing'
        ? call.role === 'callee'
          ? 'incoming'
          : 'ringing'
        : call.state === 'connected'
          ? call.interrupted
            ? 'interrupted'
            : 'in_progress'
          : cancelled
            ? 'cancelled'
            : call.state;
  return {
    id: call.callId,
    kind: 'webrtc',
    phase,
    muted: call.muted,
    remoteMuted: call.remoteMuted,
    ...(call.reason ? { reason: call.reason } : {}),
    ...(call.problem ? { problem: call.problem } : {}),
    ...(call.connectedAt !== undefined ? { answeredAt: call.connectedAt } : {}),
    ...(call.endedAt !== undefined ? { durationSeconds } : {}),
    ...(peerName ? { peerName } : {}),
  };
}

/** `m:ss` (or `h:mm:ss`) in the locale's digits: "3:12". */
export function formatDuration(totalSeconds: number, locale = 'en'): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const one = new Intl.NumberFormat(locale, { useGrouping: false });
  const two = new Intl.NumberFormat(locale, { minimumIntegerDigits: 2, useGrouping: false });
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  return hours ? `${one.format(hours)}:${two.format(minutes)}:${two.format(seconds)}` : `${one.format(minutes)}:${two.format(seconds)}`;
}
