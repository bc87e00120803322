import { systemClock, type Clock } from '../clock.js';
import { Timers } from '../timers.js';
import { VoiceMediaError, defaultGetUserMedia, openMicrophone, type VoiceProblem } from './errors.js';
import { LevelMeter } from './level.js';
import { Observable } from './observable.js';
import { audioStats, type RtcCallSnapshot, type RtcCallState, type RtcCallStats, type WebRtcCallOptions } from './webrtc-types.js';
import type { CallReason, RtcFrame } from './wire.js';

export type { RtcCallSnapshot, RtcCallState, RtcCallStats, RtcSignaling, WebRtcCallOptions } from './webrtc-types.js';

/** A connection that reports `disconnected` this long gets an ICE restart (Chromium recovers short blips alone). */
const RESTART_AFTER_DISCONNECT_MS = 2_000;

/**
 * One audio call between two browsers (visitor and agent) with `RTCPeerConnection`, signaled
 * through {@link RtcSignaling} with `rtc` frames (docs/protocol.md, Voice):
 *
 * - the caller opens the microphone, sends `invite`, and on `accept` adds its track, which makes the
 *   offer; the callee answers with its own track. Candidates trickle both ways.
 * - Negotiation follows the W3C "perfect negotiation" pattern: the caller is impolite, the callee
 *   polite, so either side may send a new `offer` at any time (an ICE restart) and a collision
 *   resolves itself (the callee rolls back).
 * - When the signaling channel comes back after a drop, the call restarts ICE: the network may
 *   have changed under it (a new Wi-Fi, a VPN), and a restart on a working path costs a few
 *   STUN checks while media keeps flowing.
 * - Mute disables the track (silence, level 0), stops the RTP encoding (no bytes leave), and tells
 *   the other side with a `mute` frame.
 * - Getting the microphone fails with a {@link VoiceMediaError}; the call is then `failed` with
 *   `problem` naming the text to show.
 *
 * @example
 * const call = new WebRtcCall({ callId, role: 'caller', party: 'visitor', signaling, iceServers });
 * call.subscribe((s) => render(s));
 * await call.start();
 */
export class WebRtcCall {
  private readonly store: Observable<RtcCallSnapshot>;
  private readonly timers: Timers;
  private readonly clock: Clock;
  private readonly unsubscribe: Array<() => void> = [];
  private pc: RTCPeerConnection | null = null;
  private local: MediaStream | null = null;
  private meter: LevelMeter | null = null;
  private sender: RTCRtpSender | null = null;
  private makingOffer = false;
  private ignoreOffer = false;
  private queue: Promise<void> = Promise.resolve();
  private readonly early: RTCIceCandidateInit[] = [];
  private connectTimer: unknown;
  private restartTimer: unknown;
  /** The other side's audio; attach it to an `<audio autoplay>` element to hear it. */
  remoteStream: MediaStream | null = null;

  constructor(private readonly options: WebRtcCallOptions) {
    this.clock = options.clock ?? systemClock;
    this.timers = new Timers(this.clock);
    const state: RtcCallState = options.role === 'callee' ? 'ringing' : 'idle';
    this.store = new Observable<RtcCallSnapshot>({
      callId: options.callId,
      role: options.role,
      state,
      muted: false,
      remoteMuted: false,
      interrupted: false,
    });
    this.unsubscribe.push(options.signaling.onFrame((frame) => frame.callId === options.callId && this.receive(frame)));
    const onReconnect = options.signaling.onReconnect?.(() => this.handleReconnect());
    if (onReconnect) this.unsubscribe.push(onReconnect);
  }

  get snapshot(): RtcCallSnapshot {
    return this.store.value;
  }

  get state(): RtcCallState {
    return this.store.value.state;
  }

  /** Calls `fn` with every new snapshot; returns the unsubscribe function. */
  subscribe(fn: (snapshot: RtcCallSnapshot) => void): () => void {
    return this.store.subscribe(fn);
  }

  /** Caller: opens the microphone and invites the other side. Rejects with a {@link VoiceMediaError} (the call is then `failed`). */
  async start(): Promise<void> {
    if (this.options.role !== 'caller' || this.state !== 'idle')
      throw new Error(`start() is for a caller that has not started (${this.options.role}, ${this.state}).`);
    await this.openMicrophone();
    if (this.isOver()) return;
    this.send({ kind: 'invite' });
    this.store.set({ state: 'ringing' });
    this.timers.later(
      this.options.ringTimeoutMs ?? 45_000,
      () => this.state === 'ringing' && this.finish('ended', 'no_answer', 'local', true),
    );
  }

  /** Callee: opens the microphone and accepts. Rejects with a {@link VoiceMediaError} (the call is then declined and `failed`). */
  async accept(): Promise<void> {
    if (this.options.role !== 'callee' || this.state !== 'ringing')
      throw new Error(`accept() is for a ringing callee (${this.options.role}, ${this.state}).`);
    try {
      await this.openMicrophone();
    } catch (error) {
      this.send({ kind: 'decline', reason: 'microphone_unavailable' });
      throw error;
    }
    if (this.isOver()) return;
    this.createPeer();
    this.store.set({ state: 'connecting' });
    this.send({ kind: 'accept' });
    this.armConnectTimeout();
  }

  /** Callee: refuses the call. */
  decline(): void {
    if (this.state !== 'ringing' || this.options.role !== 'callee') return;
    this.send({ kind: 'decline', reason: 'declined' });
    this.finish('ended', 'declined', 'local');
  }

  /** Either side: ends the call (cancels it while it rings). */
  hangUp(): void {
    if (this.isOver()) return;
    const reason: CallReason = this.snapshot.connectedAt !== undefined ? 'completed' : `cancelled_by_${this.options.party}`;
    if (this.state !== 'idle') this.send({ kind: 'hangup', reason });
    this.finish('ended', reason, 'local');
  }

  /** Turns the microphone off (or on): silence, no outgoing packets, and a `mute` frame to the other side. */
  async setMuted(muted: boolean): Promise<void> {
    if (this.isOver() || muted === this.snapshot.muted) return;
    this.local?.getAudioTracks().forEach((track) => (track.enabled = !muted));
    this.store.set({ muted });
    this.send({ kind: 'mute', muted });
    await this.setSending(!muted);
  }

  /** Starts an ICE restart: a new offer with new ICE credentials (perfect negotiation handles a collision). */
  restartIce(): void {
    if (this.pc && !this.isOver()) this.pc.restartIce();
  }

  /** The microphone's level, 0..1 (0 while muted). */
  inputLevel(): number {
    return this.meter && !this.snapshot.muted ? this.meter.level() : 0;
  }

  /** Whole seconds connected: so far, or in total once over; 0 if it never connected. */
  durationSeconds(): number {
    const { connectedAt, endedAt } = this.snapshot;
    return connectedAt === undefined ? 0 : Math.max(0, Math.floor(((endedAt ?? this.clock.now()) - connectedAt) / 1000));
  }

  /** The audio counters of the call (all 0 before it connects or once it is over). */
  stats(): Promise<RtcCallStats> {
    return audioStats(this.pc);
  }

  private isOver(): boolean {
    return this.state === 'ended' || this.state === 'failed';
  }

  private send(frame: Omit<RtcFrame, 'type' | 'callId'>): void {
    this.options.signaling.send({ type: 'rtc', callId: this.options.callId, ...frame });
  }

  private async openMicrophone(): Promise<void> {
    try {
      if (!(this.options.RTCPeerConnection ?? globalThis.RTCPeerConnection))
        throw new VoiceMediaError('unsupported', 'RTCPeerConnection is not available.');
      this.local = await openMicrophone(this.options.getUserMedia ?? defaultGetUserMedia());
    } catch (error) {
      const failure = VoiceMediaError.from(error);
      this.finish('failed', 'microphone_unavailable', 'local', false, failure.code);
      throw failure;
    }
    if (this.isOver()) {
      this.local.getTracks().forEach((t) => t.stop()); // hung up while the permission prompt was open
      return;
    }
    this.meter = new LevelMeter(this.local, this.options.AudioContext ?? globalThis.AudioContext);
  }

  private createPeer(): RTCPeerConnection {
    if (this.pc) return this.pc;
    const Peer = this.options.RTCPeerConnection ?? globalThis.RTCPeerConnection;
    const pc = new Peer({ iceServers: this.options.iceServers ?? [], iceTransportPolicy: this.options.iceTransportPolicy ?? 'all' });
    pc.onicecandidate = ({ candidate }) => candidate && this.send({ kind: 'candidate', candidate: candidate.toJSON() });
    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        if (pc.localDescription && !this.isOver()) this.send({ kind: 'offer', sdp: pc.localDescription.sdp });
      } catch (error) {
        console.warn('[amoiq-chat] voice: could not make an offer:', error);
      } finally {
        this.makingOffer = false;
      }
    };
    pc.ontrack = ({ track, streams }) => {
      this.remoteStream = streams[0] ?? new MediaStream([track]);
      this.store.set({}); // tell the view a stream is there to play
    };
    pc.onconnectionstatechange = () => this.handleConnectionState(pc.connectionState);
    this.pc = pc;
    return pc;
  }

  private addLocalTrack(): void {
    const track = this.local?.getAudioTracks()[0];
    if (!track || !this.pc || this.sender) return;
    this.sender = this.pc.addTrack(track, this.local!);
  }

  private async setSending(active: boolean): Promise<void> {
    if (!this.sender) return;
    const parameters = this.sender.getParameters();
    if (!parameters.encodings?.length) return;
    parameters.encodings.forEach((encoding) => (encoding.active = active));
    await this.sender
      .setParameters(parameters)
      .catch((error: unknown) => console.warn('[amoiq-chat] voice: could not change sending:', error));
  }

  /** Frames are handled one at a time, in order: descriptions are asynchronous and candidates must wait for them. */
  private receive(frame: RtcFrame): void {
    this.queue = this.queue
      .then(() => this.handle(frame))
      .catch((error) => console.warn(`[amoiq-chat] voice: ${frame.kind} frame failed:`, error));
  }

  private async handle(frame: RtcFrame): Promise<void> {
    if (this.isOver()) return;
    switch (frame.kind) {
      case 'accept':
        if (this.options.role !== 'caller' || this.state !== 'ringing') return;
        this.store.set({ state: 'connecting' });
        this.createPeer();
        this.addLocalTrack(); // fires negotiationneeded: the offer
        if (this.snapshot.muted) await this.setSending(false);
        this.armConnectTimeout();
        return;
      case 'decline':
        if (this.options.role === 'caller' && this.state === 'ringing') this.finish('ended', frame.reason ?? 'declined', 'remote');
        return;
      case 'hangup': {
        const other = this.options.party === 'visitor' ? 'agent' : 'visitor';
        const reason = frame.reason ?? (this.snapshot.connectedAt !== undefined ? 'completed' : (`cancelled_by_${other}` as const));
        if (reason === 'connection_failed') this.finish('failed', reason, 'remote', false, 'connection_failed');
        else this.finish('ended', reason, 'remote');
        return;
      }
      case 'mute':
        this.store.set({ remoteMuted: frame.muted === true });
        return;
      case 'offer':
      case 'answer':
        return this.handleDescription({ type: frame.kind, sdp: frame.sdp });
      case 'candidate':
        if (!frame.candidate || !this.pc) return;
        // Trickled ahead of the description it belongs to (the channel keeps order, a relay may not).
        if (!this.pc.remoteDescription) {
          this.early.push(frame.candidate);
          return;
        }
        try {
          await this.pc.addIceCandidate(frame.candidate);
        } catch (error) {
          if (!this.ignoreOffer) throw error;
        }
        return;
      default:
        return;
    }
  }

  private async handleDescription(description: RTCSessionDescriptionInit): Promise<void> {
    if (this.state === 'ringing' || this.state === 'idle') return; // not accepted yet: nothing to negotiate
    const pc = this.createPeer();
    const polite = this.options.role === 'callee';
    const collision = description.type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
    this.ignoreOffer = !polite && collision;
    if (this.ignoreOffer) return;
    await pc.setRemoteDescription(description); // rolls back our own offer on a collision (polite side)
    for (const candidate of this.early.splice(0)) await pc.addIceCandidate(candidate).catch(() => undefined);
    if (description.type !== 'offer') return;
    this.addLocalTrack(); // the callee's track joins the transceiver the offer created
    if (this.snapshot.muted) await this.setSending(false);
    await pc.setLocalDescription();
    if (pc.localDescription) this.send({ kind: 'answer', sdp: pc.localDescription.sdp });
  }

  private handleConnectionState(state: RTCPeerConnectionState): void {
    if (this.isOver()) return;
    if (state === 'connected') {
      this.timers.clear(this.connectTimer);
      this.timers.clear(this.restartTimer);
      this.connectTimer = this.restartTimer = undefined;
      this.store.set({ state: 'connected', interrupted: false, connectedAt: this.snapshot.connectedAt ?? this.clock.now() });
      return;
    }
    const wasConnected = this.snapshot.connectedAt !== undefined;
    if (state === 'failed' && !wasConnected) {
      this.failConnection();
    } else if ((state === 'disconnected' || state === 'failed') && wasConnected) {
      if (!this.snapshot.interrupted) this.store.set({ interrupted: true });
      this.armConnectTimeout();
      if (state === 'failed') this.restartIce();
      else if (this.restartTimer === undefined) {
        this.restartTimer = this.timers.later(RESTART_AFTER_DISCONNECT_MS, () => {
          this.restartTimer = undefined;
          if (this.pc?.connectionState !== 'connected') this.restartIce();
        });
      }
    }
  }

  private handleReconnect(): void {
    if (this.state === 'connected' || this.state === 'connecting') this.restartIce();
  }

  private armConnectTimeout(): void {
    if (this.connectTimer !== undefined) return;
    this.connectTimer = this.timers.later(this.options.connectTimeoutMs ?? 20_000, () => {
      this.connectTimer = undefined;
      if (this.pc?.connectionState !== 'connected') this.failConnection();
    });
  }

  private failConnection(): void {
    this.send({ kind: 'hangup', reason: 'connection_failed' });
    this.finish('failed', 'connection_failed', 'local', false, 'connection_failed');
  }

  /** Ends the call for good: final state, microphone released, connection closed, timers cleared. */
  private finish(state: 'ended' | 'failed', reason: CallReason, endedBy: 'local' | 'remote', notify = false, problem?: VoiceProblem): void {
    if (this.isOver()) return;
    if (notify) this.send({ kind: 'hangup', reason });
    this.timers.clearAll();
    this.unsubscribe.splice(0).forEach((off) => off());
    this.local?.getTracks().forEach((track) => track.stop());
    this.meter?.close();
    this.pc?.close();
    this.store.set({ state, reason, endedBy, endedAt: this.clock.now(), interrupted: false, ...(problem ? { problem } : {}) });
  }
}
