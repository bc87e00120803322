/**
 * The voice panel inside `<amoiq-chat>` (a lazy chunk, with the voice elements): it keeps one
 * `<amoiq-voice-panel>` in step with the conversation's phone callback. The chat routes the
 * server's `call` and `mode` frames (WebSocket or long poll) to the service's `voice` events; this
 * checks them (services/voice/wire.ts), feeds them to a {@link CallbackClient}, shows its state,
 * and turns the panel's events into requests: call me back, cancel or hang up, back to chat.
 * In-browser calls with the team (`config.voice.webrtc`) run a {@link WebRtcCall} signaled with
 * `rtc` frames over the chat's WebSocket: call the team, accept or decline the team's call, mute,
 * hang up; the other side's audio plays in an `<audio>` element, the microphone's level shows.
 */
import type { ChatService } from '../../services/chat-service.js';
import { CallbackClient, type CallbackError, type CallbackState } from '../../services/voice/callback.js';
import { callbackView, rtcView } from '../../services/voice/view.js';
import { WebRtcCall, type RtcSignaling } from '../../services/voice/webrtc-call.js';
import { decodeRtcFrame, decodeVoiceConfig, decodeVoiceFrame, type RtcFrame, type VoiceConfig } from '../../services/voice/wire.js';
import { defineVoice } from './lazy.js';
import type { AmoiqVoicePanel } from './voice-panel.js';

export class ChatVoice {
  /** The panel the chat renders while voice is open. */
  readonly element: AmoiqVoicePanel;
  readonly callback: CallbackClient;
  private readonly stops: Array<() => void> = [];
  /** The in-browser call, while there is one (and its last state, once over). */
  rtc: WebRtcCall | null = null;
  private rtcPeer?: string;
  private readonly audio = new Audio();
  private levelTimer?: ReturnType<typeof setInterval>;
  private readonly rtcListeners = new Set<(frame: RtcFrame) => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private held: RtcFrame[] = [];
  private wasOnline = true;
  /** `rtc` frames over the chat's WebSocket; held while it is down, sent when it is back. */
  private readonly signaling: RtcSignaling = {
    send: (frame) => {
      if (!this.service.sendVoiceFrame(frame as unknown as RtcFrame & Record<string, unknown>)) this.held.push(frame);
    },
    onFrame: (fn) => {
      this.rtcListeners.add(fn);
      return () => this.rtcListeners.delete(fn);
    },
    onReconnect: (fn) => {
      this.reconnectListeners.add(fn);
      return () => this.reconnectListeners.delete(fn);
    },
  };

  constructor(
    readonly service: ChatService,
    /** The visitor wants the chat back. */
    private readonly back: () => void,
    /** A voice request failed in a way the page's developer should know (console). */
    warn: (text: string) => void,
  ) {
    defineVoice();
    this.callback = new CallbackClient({
      transport: { post: (path, body) => service.voicePost(path, body) },
      conversationId: () => service.state.conversationId ?? '',
    });
    const panel = (this.element = document.createElement('amoiq-voice-panel'));
    panel.setAttribute('part', 'voice-panel');
    panel.addEventListener('amoiq-voice-callback', (e) => {
      if (this.rtc && this.isOver(this.rtc)) this.rtc = null;
      // A refusal the visitor can act on is shown in the panel; only the unexpected ones are logged.
      this.callback
        .request(e.detail)
        .catch((err: CallbackError) => err.code === 'unknown' && warn(`voice callback failed: ${err.message}`));
    });
    panel.addEventListener('amoiq-voice-hang-up', (e) => {
      if (e.detail.kind === 'webrtc') this.rtc?.hangUp();
      else this.callback.cancel().catch((err: unknown) => warn(`voice cancel failed: ${(err as Error).message}`));
    });
    panel.addEventListener('amoiq-voice-call-team', () => this.callTeam());
    panel.addEventListener('amoiq-voice-mute', (e) => void this.rtc?.setMuted(e.detail.muted));
    panel.addEventListener('amoiq-voice-answer', (e) => {
      if (e.detail.accept) this.rtc?.accept().catch(() => undefined);
      else this.rtc?.decline();
    });
    panel.addEventListener('amoiq-voice-back', () => {
      if (this.rtc && this.isOver(this.rtc)) this.rtc = null;
      this.callback.dismiss();
      this.back();
    });
    // What the server said before this chunk loaded, then everything new.
    const seen = service.voice;
    if (seen.call) this.apply({ type: 'call', call: seen.call });
    this.apply({ type: 'mode', mode: seen.mode });
    this.stops.push(
      service.onEvent((e) => {
        if (e.type === 'voice') this.apply(e.frame);
        else if (e.type === 'connection') this.connectionChanged(e.state === 'online' && e.transport === 'websocket');
      }),
    );
    this.stops.push(this.callback.subscribe((state) => this.show(state)));
    this.show(this.callback.state);
  }

  /** What the site offers, from the session's `config.voice`. */
  get config(): VoiceConfig {
    return decodeVoiceConfig(this.service.state.remoteConfig.voice);
  }

  /** Forgets the service (it stopped, or the chat moved to another one). */
  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.callback.stop();
    this.rtc?.hangUp();
    this.stopLevel();
    this.audio.srcObject = null;
  }

  private apply(frame: unknown): void {
    const decoded = decodeVoiceFrame(frame);
    if (!decoded.ok) return;
    const value = decoded.value;
    if (value.type === 'rtc') {
      const rtc = decodeRtcFrame(value);
      if (!rtc.ok) return;
      // The team calls the visitor: a callee call the panel shows as incoming.
      if (rtc.value.kind === 'invite' && (!this.rtc || this.isOver(this.rtc))) this.startRtc(rtc.value.callId, 'callee');
      for (const fn of this.rtcListeners) fn(rtc.value);
      return;
    }
    if (value.type === 'call' && value.call.kind === 'webrtc') {
      if (value.call.agent?.name) this.rtcPeer = value.call.agent.name;
      return;
    }
    this.callback.apply(value);
  }

  private connectionChanged(online: boolean): void {
    if (online && !this.wasOnline) {
      for (const frame of this.held.splice(0)) this.signaling.send(frame);
      for (const fn of this.reconnectListeners) fn();
    }
    this.wasOnline = online;
  }

  private isOver(call: WebRtcCall): boolean {
    return call.state === 'ended' || call.state === 'failed';
  }

  /** Calls the team from the browser. */
  private callTeam(): void {
    const id = `call_${Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => (b % 36).toString(36)).join('')}`;
    const call = this.startRtc(id, 'caller');
    call.start().catch(() => undefined); // a refused microphone shows as the call's problem
  }

  private startRtc(callId: string, role: 'caller' | 'callee'): WebRtcCall {
    this.rtc?.hangUp();
    const call = new WebRtcCall({ callId, role, party: 'visitor', signaling: this.signaling, iceServers: this.config.iceServers });
    this.rtc = call;
    this.callback.dismiss();
    call.subscribe((snapshot) => {
      if (this.rtc !== call) return;
      if (call.remoteStream && this.audio.srcObject !== call.remoteStream) {
        this.audio.srcObject = call.remoteStream;
        void this.audio.play().catch(() => undefined);
      }
      if (snapshot.state === 'connected' && !this.levelTimer)
        this.levelTimer = setInterval(() => (this.element.level = call.inputLevel()), 100);
      if (this.isOver(call)) this.stopLevel();
      this.show(this.callback.state);
    });
    this.show(this.callback.state);
    return call;
  }

  private stopLevel(): void {
    if (this.levelTimer) clearInterval(this.levelTimer);
    this.levelTimer = undefined;
    this.element.level = 0;
  }

  private show(state: CallbackState): void {
    const panel = this.element;
    const config = this.config;
    panel.callback = config.callback;
    // In-browser calls are signaled over the WebSocket: not offered on the HTTP fallback.
    panel.webrtc = config.webrtc && this.service.state.transport === 'websocket';
    const rtc = this.rtc;
    panel.call = rtc ? rtcView(rtc.snapshot, rtc.durationSeconds(), this.rtcPeer) : state.call ? callbackView(state.call) : null;
    panel.pending = state.pending;
    panel.callbackError = state.error?.code ?? '';
  }
}
