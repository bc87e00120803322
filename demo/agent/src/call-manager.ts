import { WebRtcCall, type RtcCallSnapshot, type RtcSignaling } from '../../../src/services/voice/webrtc-call.js';
import { decodeRtcFrame, type RtcFrame } from '../../../src/services/voice/wire.js';

/** What the console shows of a conversation's in-browser call. */
export interface AgentCallView {
  conversationId: string;
  snapshot: RtcCallSnapshot;
  /** Seconds connected so far (or in total once over). */
  durationSeconds: number;
}

/**
 * The agent's in-browser calls with visitors (docs/protocol.md, "In-browser calls"): one
 * {@link WebRtcCall} at a time, signaled with `rtc` frames over the console's WebSocket (each
 * naming its conversation), the same class the widget uses. A visitor's invitation rings here
 * until this agent accepts or declines it, or another agent takes it (the `call` frame names the
 * agent). Frames sent while the socket is down are held and sent after the next `ready`.
 */
export class AgentCalls {
  private call: WebRtcCall | null = null;
  private conversationId = '';
  private readonly frameListeners = new Set<(frame: RtcFrame) => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private readonly listeners = new Set<() => void>();
  private held: Array<Record<string, unknown>> = [];
  private readonly audio = typeof Audio === 'function' ? new Audio() : null;

  constructor(
    /** Sends a frame on the agent WebSocket; false when it is not open. */
    private readonly sendFrame: (frame: Record<string, unknown>) => boolean,
    private readonly options: { agentId?: () => string | undefined; iceServers?: RTCIceServer[] } = {},
  ) {}

  /** The current (or last) call, if it belongs to `conversationId`. */
  viewFor(conversationId: string): AgentCallView | null {
    if (!this.call || this.conversationId !== conversationId) return null;
    return { conversationId, snapshot: this.call.snapshot, durationSeconds: this.call.durationSeconds() };
  }

  /** The call in progress, for its controls. */
  get active(): WebRtcCall | null {
    return this.call;
  }

  /** Calls `fn` at every change; returns the unsubscribe function. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** A frame of the agent socket: `rtc`, `call` (another agent took a ringing call), `mode`. */
  handle(frame: Record<string, unknown>): void {
    if (frame.type === 'call') {
      const call = frame.call as { id?: string; agent?: { id?: string }; state?: string } | undefined;
      // Another agent accepted the visitor's call: stop ringing here.
      if (
        call?.id &&
        this.call?.snapshot.callId === call.id &&
        this.call.state === 'ringing' &&
        call.agent?.id &&
        call.agent.id !== this.options.agentId?.()
      ) {
        this.call.decline();
        this.call = null;
        this.changed();
      }
      return;
    }
    if (frame.type !== 'rtc') return;
    const decoded = decodeRtcFrame(frame);
    if (!decoded.ok) return;
    const rtc = decoded.value;
    if (rtc.kind === 'invite' && rtc.conversationId && (!this.call || this.isOver())) this.begin(rtc.callId, rtc.conversationId, 'callee');
    for (const fn of this.frameListeners) fn(rtc);
  }

  /** The socket is back (`ready`): send what was held; the call restarts ICE. */
  reconnected(): void {
    const held = this.held;
    this.held = [];
    for (const frame of held) if (!this.sendFrame(frame)) this.held.push(frame);
    for (const fn of this.reconnectListeners) fn();
  }

  /** Calls the visitor of `conversationId`. */
  async callVisitor(conversationId: string): Promise<void> {
    const id = `call_${Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => (b % 36).toString(36)).join('')}`;
    await this.begin(id, conversationId, 'caller').start();
  }

  private isOver(): boolean {
    return this.call?.state === 'ended' || this.call?.state === 'failed';
  }

  private begin(callId: string, conversationId: string, role: 'caller' | 'callee'): WebRtcCall {
    this.call?.hangUp();
    const signaling: RtcSignaling = {
      send: (frame) => {
        const out = { ...frame, conversationId };
        if (!this.sendFrame(out)) this.held.push(out);
      },
      onFrame: (fn) => {
        this.frameListeners.add(fn);
        return () => this.frameListeners.delete(fn);
      },
      onReconnect: (fn) => {
        this.reconnectListeners.add(fn);
        return () => this.reconnectListeners.delete(fn);
      },
    };
    const call = new WebRtcCall({ callId, role, party: 'agent', signaling, iceServers: this.options.iceServers });
    this.call = call;
    this.conversationId = conversationId;
    call.subscribe(() => {
      if (this.audio && call.remoteStream && this.audio.srcObject !== call.remoteStream) {
        this.audio.srcObject = call.remoteStream;
        void this.audio.play().catch(() => undefined);
      }
      this.changed();
    });
    this.changed();
    return call;
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }
}
