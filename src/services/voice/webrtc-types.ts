import type { Clock } from '../clock.js';
import type { GetUserMedia, VoiceProblem } from './errors.js';
import type { AudioContextConstructor } from './level.js';
import type { CallReason, RtcFrame } from './wire.js';

/**
 * Where a call's signaling travels: the chat's authenticated WebSocket, scoped to the conversation
 * (or, in tests, an in-memory pair). Frames of other calls may pass by; the call ignores them.
 */
export interface RtcSignaling {
  /** Sends one frame to the other side. While the socket is down the channel queues it (the server buffers too). */
  send(frame: RtcFrame): void;
  /** Calls `listener` with every `rtc` frame received; returns the unsubscribe function. */
  onFrame(listener: (frame: RtcFrame) => void): () => void;
  /** Calls `listener` each time the channel is back after a drop (WebSocket `ready` again). */
  onReconnect?(listener: () => void): () => void;
}

/**
 * `idle` (caller, before {@link WebRtcCall.start}) → `ringing` (waiting for the other side to
 * accept, or, for the callee, being called) → `connecting` (accepted; negotiating) → `connected`
 * → `ended`; `failed` when a technical problem stopped it (`problem` says which).
 */
export type RtcCallState = 'idle' | 'ringing' | 'connecting' | 'connected' | 'ended' | 'failed';

/** What a {@link WebRtcCall} shows: a new object after each change. */
export interface RtcCallSnapshot {
  callId: string;
  role: 'caller' | 'callee';
  state: RtcCallState;
  /** Once over: why (`completed`, `declined`, `no_answer`, `cancelled_by_visitor`, `connection_failed`, …). */
  reason?: CallReason;
  /** `failed` only: the problem to explain (`permission_denied`, `no_microphone`, `microphone_busy`, `connection_failed`, `unsupported`). */
  problem?: VoiceProblem;
  /** Who ended it: this side or the other. */
  endedBy?: 'local' | 'remote';
  muted: boolean;
  remoteMuted: boolean;
  /** Connected before, the media path is down, and the call is trying to recover (ICE restart). */
  interrupted: boolean;
  /** When the call first connected and when it ended (ms since the epoch, from the clock). */
  connectedAt?: number;
  endedAt?: number;
}

/** Counters of the call's audio, from `getStats()`. */
export interface RtcCallStats {
  bytesSent: number;
  bytesReceived: number;
  packetsSent: number;
  packetsReceived: number;
  /** The other side's audio as heard here: `inbound-rtp` `audioLevel` (0..1) and `totalAudioEnergy`. */
  remoteAudioLevel: number;
  remoteAudioEnergy: number;
}

/** Options of a {@link WebRtcCall}. Everything from the browser is injectable for tests. */
export interface WebRtcCallOptions {
  callId: string;
  /** `caller` places the call ({@link WebRtcCall.start}); `callee` was invited ({@link WebRtcCall.accept}). */
  role: 'caller' | 'callee';
  /** Which party this side is: names the reasons `cancelled_by_visitor` / `cancelled_by_agent`. */
  party: 'visitor' | 'agent';
  signaling: RtcSignaling;
  /** From the session's `config.voice.iceServers`. */
  iceServers?: RTCIceServer[];
  /** `relay` forces TURN (tests of a TURN server; privacy). */
  iceTransportPolicy?: RTCIceTransportPolicy;
  getUserMedia?: GetUserMedia;
  RTCPeerConnection?: typeof RTCPeerConnection;
  AudioContext?: AudioContextConstructor;
  clock?: Clock;
  /** An outgoing call not accepted this long ends with `no_answer` (default 45 s). */
  ringTimeoutMs?: number;
  /** Accepted but not connected this long, or interrupted this long, fails with `connection_failed` (default 20 s). */
  connectTimeoutMs?: number;
}

/** Sums the audio `outbound-rtp` and `inbound-rtp` reports of a connection (zeros without one). */
export async function audioStats(pc: RTCPeerConnection | null): Promise<RtcCallStats> {
  const totals: RtcCallStats = {
    bytesSent: 0,
    bytesReceived: 0,
    packetsSent: 0,
    packetsReceived: 0,
    remoteAudioLevel: 0,
    remoteAudioEnergy: 0,
  };
  if (!pc || pc.connectionState === 'closed') return totals;
  (await pc.getStats()).forEach((report: Record<string, unknown>) => {
    if (report.kind !== 'audio') return;
    if (report.type === 'outbound-rtp') {
      totals.bytesSent += Number(report.bytesSent ?? 0);
      totals.packetsSent += Number(report.packetsSent ?? 0);
    } else if (report.type === 'inbound-rtp') {
      totals.bytesReceived += Number(report.bytesReceived ?? 0);
      totals.packetsReceived += Number(report.packetsReceived ?? 0);
      totals.remoteAudioLevel = Number(report.audioLevel ?? 0);
      totals.remoteAudioEnergy += Number(report.totalAudioEnergy ?? 0);
    }
  });
  return totals;
}
