import { expect } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import { WebRtcCall, type RtcCallStats, type RtcSignaling } from '../../src/services/voice/webrtc-call.js';
import { decodeRtcFrame, type RtcFrame } from '../../src/services/voice/wire.js';
import { until } from '../helpers/until.js';
import { backendInfo, type BackendInfo } from './backend.js';

// A real in-browser call between a visitor and an agent, signaled through the reference backend
// (docs/protocol.md, "In-browser calls: `rtc` frames"): the visitor's WebSocket (/ws/chat) and the
// agent's (/ws/agent) carry the frames, the server relays and records them, and two
// RTCPeerConnections on loopback exchange Chromium's fake microphone audio
// (--use-fake-device-for-media-stream, web-test-runner.config.mjs). Checked: audio both ways
// (getStats bytes and the received audio level), mute stops the muted side's audio, hang-up from
// either side, a visitor WebSocket dropped mid-call and reopened keeps the call, and the
// transcript records it.

/** A WebSocket that can be dropped and reopened, as the chat's transport does. */
class Channel implements RtcSignaling {
  private ws?: WebSocket;
  private readonly frameListeners = new Set<(frame: RtcFrame) => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private readonly held: RtcFrame[] = [];
  private opened = 0;
  readonly received: Array<Record<string, unknown>> = [];

  constructor(
    private readonly url: string,
    private readonly conversationId?: string,
  ) {}

  async open(): Promise<void> {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    await new Promise<void>((resolve, reject) => {
      ws.onmessage = (e) => {
        const frame = JSON.parse(String(e.data)) as Record<string, unknown>;
        this.received.push(frame);
        if (frame.type === 'ready') {
          resolve();
          for (const held of this.held.splice(0)) this.send(held);
          if (this.opened++ > 0) for (const fn of this.reconnectListeners) fn();
        }
        const decoded = decodeRtcFrame(frame);
        if (decoded.ok) for (const fn of this.frameListeners) fn(decoded.value);
      };
      ws.onerror = () => reject(new Error(`WebSocket ${this.url} failed`));
    });
  }

  /** Drops the socket as a network would. */
  drop(): void {
    this.ws!.onmessage = null;
    this.ws!.close();
    this.ws = undefined;
  }

  send(frame: RtcFrame): void {
    const out = this.conversationId ? { ...frame, conversationId: this.conversationId } : frame;
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(out));
    else this.held.push(frame);
  }

  onFrame(listener: (frame: RtcFrame) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  close(): void {
    this.ws?.close();
  }
}

async function json(url: string, init: RequestInit): Promise<Record<string, unknown>> {
  const res = await fetch(url, init);
  expect(res.status, `${init.method} ${url}`).to.be.lessThan(300);
  return res.status === 204 ? {} : res.json();
}

interface Parties {
  visitor: Channel;
  agent: Channel;
  session: { token: string; conversationId: string };
  info: BackendInfo;
}

async function connect(info: BackendInfo): Promise<Parties> {
  const headers = { Authorization: `Bearer ${info.apiKey}`, 'Content-Type': 'application/json' };
  const session = (await json(`${info.url}/api/chat/session`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ tenantId: info.tenantId, visitorId: nanoid() }),
  })) as { token: string; conversationId: string; wsUrl: string; config: { voice?: { webrtc?: boolean } } };
  expect(session.config.voice?.webrtc).to.equal(true);
  await json(`${info.url}/api/chat/messages`, {
    method: 'POST',
    headers: { ...headers, 'X-Amoiq-Session': session.token },
    body: JSON.stringify({ conversationId: session.conversationId, clientId: nanoid(), text: 'Can we talk?' }),
  });
  const { token } = (await json(`${info.url}/api/agent/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(info.agent),
  })) as { token: string };
  const agent = new Channel(`${info.url.replace(/^http/, 'ws')}/ws/agent?token=${encodeURIComponent(token)}`, session.conversationId);
  const visitor = new Channel(`${session.wsUrl}?token=${encodeURIComponent(session.token)}`);
  await agent.open();
  await visitor.open();
  return { visitor, agent, session, info };
}

/** The visitor calls, the agent accepts: both connected. */
async function placeCall(p: Parties) {
  const callId = `call_${nanoid(12)}`;
  const visitorCall = new WebRtcCall({ callId, role: 'caller', party: 'visitor', signaling: p.visitor });
  let agentCall: WebRtcCall | undefined;
  const stop = p.agent.onFrame((frame) => {
    if (frame.kind === 'invite' && frame.callId === callId && !agentCall) {
      agentCall = new WebRtcCall({ callId, role: 'callee', party: 'agent', signaling: p.agent });
      void agentCall.accept();
    }
  });
  await visitorCall.start();
  await until(() => visitorCall.state === 'connected' && agentCall?.state === 'connected', 'both sides connected', 15_000);
  stop();
  await play(visitorCall);
  await play(agentCall!);
  return { callId, visitorCall, agentCall: agentCall! };
}

const players: HTMLAudioElement[] = [];

/** Plays the other side's audio, as the call UI does: Chromium measures received audio (level, energy) as it plays it out. */
async function play(call: WebRtcCall): Promise<void> {
  await until(() => call.remoteStream !== null, 'the remote stream arrived');
  const audio = new Audio();
  audio.srcObject = call.remoteStream;
  players.push(audio);
  await audio.play();
}

/** Waits until `call` received more audio than at `base` (bytes, and audio energy: sound, not silence). */
async function hears(call: WebRtcCall, what: string, base?: RtcCallStats): Promise<RtcCallStats> {
  let now = base;
  await until(
    async () => {
      now = await call.stats();
      return now.bytesReceived > (base?.bytesReceived ?? 0) + 2000 && now.remoteAudioEnergy > (base?.remoteAudioEnergy ?? 0);
    },
    what,
    10_000,
  );
  return now!;
}

async function transcriptNotices(p: Parties): Promise<Array<{ text: string; call: { state: string; kind: string } }>> {
  const page = (await json(`${p.info.url}/api/chat/messages?conversationId=${p.session.conversationId}&limit=200`, {
    headers: { Authorization: `Bearer ${p.info.apiKey}`, 'X-Amoiq-Session': p.session.token },
  })) as { messages: Array<{ event?: string; text: string; call: { state: string; kind: string } }> };
  return page.messages.filter((m) => m.event === 'call');
}

describe('e2e: an in-browser call between visitor and agent (WebRTC, fake microphones)', function () {
  this.timeout(60_000);
  let info: BackendInfo;
  before(async () => {
    info = await backendInfo();
  });
  afterEach(() => {
    for (const audio of players.splice(0)) audio.srcObject = null;
  });

  it('audio flows both ways; mute stops it; a visitor socket drop keeps the call; the agent hangs up; the transcript records it', async () => {
    const p = await connect(info);
    try {
      const { visitorCall, agentCall } = await placeCall(p);
      let atAgent = await hears(agentCall, 'the agent hears the visitor');
      const atVisitor = await hears(visitorCall, 'the visitor hears the agent');
      expect(atAgent.remoteAudioEnergy).to.be.greaterThan(0);
      expect(atVisitor.remoteAudioEnergy).to.be.greaterThan(0);
      expect((await visitorCall.stats()).bytesSent).to.be.greaterThan(0);
      expect((await agentCall.stats()).bytesSent).to.be.greaterThan(0);

      // Mute: the visitor's microphone is off, no more bytes leave, the agent is told.
      await visitorCall.setMuted(true);
      await until(() => agentCall.snapshot.remoteMuted, 'the agent sees the visitor muted');
      const sentAtMute = (await visitorCall.stats()).bytesSent;
      const heardAtMute = (await agentCall.stats()).bytesReceived;
      // Nothing flows for a while (checked against the agent still sending to the visitor).
      await hears(visitorCall, 'time passes with audio the other way', await visitorCall.stats());
      expect((await visitorCall.stats()).bytesSent - sentAtMute).to.be.lessThan(500);
      expect((await agentCall.stats()).bytesReceived - heardAtMute).to.be.lessThan(500);
      await visitorCall.setMuted(false);
      atAgent = await hears(agentCall, 'audio again after unmute', await agentCall.stats());

      // The visitor's WebSocket drops mid-call: media goes on; on reconnect the call restarts ICE.
      p.visitor.drop();
      atAgent = await hears(agentCall, 'audio flows while the visitor socket is down', atAgent);
      await p.visitor.open();
      await hears(agentCall, 'audio flows after the reconnect', atAgent);
      expect(visitorCall.state).to.equal('connected');
      expect(agentCall.state).to.equal('connected');

      agentCall.hangUp();
      await until(() => visitorCall.state === 'ended', 'the visitor sees the hang-up');
      expect(visitorCall.snapshot.endedBy).to.equal('remote');
      await until(async () => (await transcriptNotices(p)).some((n) => n.call.state === 'ended'), 'the ended notice');
      const notices = await transcriptNotices(p);
      expect(notices.map((n) => n.call.state)).to.deep.equal(['requested', 'in_progress', 'ended']);
      expect(notices.every((n) => n.call.kind === 'webrtc')).to.equal(true);
      expect(notices[2].text).to.match(/^Call ended, \d+:\d\d\.$/);
    } finally {
      p.visitor.close();
      p.agent.close();
    }
  });

  it('the visitor hangs up', async () => {
    const p = await connect(info);
    try {
      const { visitorCall, agentCall } = await placeCall(p);
      await hears(agentCall, 'the agent hears the visitor');
      visitorCall.hangUp();
      await until(() => agentCall.state === 'ended', 'the agent sees the hang-up');
      expect(agentCall.snapshot.endedBy).to.equal('remote');
      expect(agentCall.snapshot.reason).to.equal('completed');
    } finally {
      p.visitor.close();
      p.agent.close();
    }
  });
});
