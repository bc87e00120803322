import { expect } from '@open-wc/testing';
import { VoiceMediaError } from '../../src/services/voice/errors.js';
import { WebRtcCall, type RtcCallStats } from '../../src/services/voice/webrtc-call.js';
import { FakeClock } from '../helpers/fakes.js';
import { until } from '../helpers/until.js';
import { SignalingEnd, recordingGetUserMedia, refusingGetUserMedia } from '../helpers/voice-fakes.js';

// Two real RTCPeerConnections in one page (Chromium's fake microphone, loopback ICE) signaled
// through an in-memory pair of channels: the visitor calls, the agent answers.

interface Pair {
  visitor: WebRtcCall;
  agent: WebRtcCall;
  visitorEnd: SignalingEnd;
  agentEnd: SignalingEnd;
}

const calls: WebRtcCall[] = [];

/** The visitor calls; the agent side is created from the invite (as the console does) and accepts. */
async function connectedPair(callId = `call_${Math.random().toString(36).slice(2, 10)}`): Promise<Pair> {
  const [visitorEnd, agentEnd] = SignalingEnd.pair();
  const visitor = new WebRtcCall({ callId, role: 'caller', party: 'visitor', signaling: visitorEnd });
  calls.push(visitor);
  let agent: WebRtcCall | undefined;
  const off = agentEnd.onFrame((frame) => {
    if (frame.kind !== 'invite' || agent) return;
    agent = new WebRtcCall({ callId: frame.callId, role: 'callee', party: 'agent', signaling: agentEnd });
    calls.push(agent);
  });
  await visitor.start();
  expect(visitor.state).to.equal('ringing');
  await until(() => agent !== undefined, 'the agent got the invite');
  off();
  expect(agent!.state).to.equal('ringing');
  await agent!.accept();
  await until(() => visitor.state === 'connected' && agent!.state === 'connected', 'both sides connected');
  await Promise.all([hear(visitor), hear(agent!)]);
  return { visitor, agent: agent!, visitorEnd, agentEnd };
}

const players: HTMLAudioElement[] = [];

/** Plays the other side's audio, as the call UI does: Chromium measures received audio (level, energy) as it plays it out. */
async function hear(call: WebRtcCall): Promise<void> {
  await until(() => call.remoteStream !== null, 'the remote stream arrived');
  const audio = new Audio();
  audio.srcObject = call.remoteStream;
  players.push(audio);
  await audio.play();
}

/** Waits until `side`'s counters pass `base` by at least `bytes` each way (media flowing). */
async function flowing(side: WebRtcCall, base: RtcCallStats, what: string, bytes = 1500): Promise<RtcCallStats> {
  let now = base;
  await until(
    async () => {
      now = await side.stats();
      return (
        now.bytesSent > base.bytesSent + bytes &&
        now.bytesReceived > base.bytesReceived + bytes &&
        now.remoteAudioEnergy > base.remoteAudioEnergy
      );
    },
    what,
    15_000,
    100,
  );
  return now;
}

/**
 * Bytes `side` sent while `other` sent `bytes` more (its audio keeps flowing, so this measures a
 * stretch of time by what the other direction carried instead of by a sleep).
 */
async function sentWhile(side: WebRtcCall, other: WebRtcCall, bytes: number): Promise<number> {
  const from = (await side.stats()).bytesSent;
  const otherFrom = (await other.stats()).bytesSent;
  await until(async () => (await other.stats()).bytesSent > otherFrom + bytes, 'the other side keeps sending', 15_000, 100);
  return (await side.stats()).bytesSent - from;
}

afterEach(() => {
  for (const call of calls.splice(0)) call.hangUp();
  for (const audio of players.splice(0)) {
    audio.pause();
    audio.srcObject = null;
  }
});

describe('WebRtcCall: a real call between two peer connections', () => {
  it('connects caller and callee, and audio flows both ways (bytes and audio energy rise on each side)', async () => {
    const { visitor, agent } = await connectedPair();
    const zero = { bytesSent: 0, bytesReceived: 0, packetsSent: 0, packetsReceived: 0, remoteAudioLevel: 0, remoteAudioEnergy: 0 };
    const v1 = await flowing(visitor, zero, 'visitor sends and receives audio');
    const a1 = await flowing(agent, zero, 'agent sends and receives audio');
    await flowing(visitor, v1, 'the visitor keeps sending and receiving');
    await flowing(agent, a1, 'the agent keeps sending and receiving');
    expect(visitor.remoteStream?.getAudioTracks()).to.have.length(1);
    expect(agent.remoteStream?.getAudioTracks()).to.have.length(1);
    // Chromium's fake microphone beeps: the input level meter sees it.
    await until(() => visitor.inputLevel() > 0.1, 'the visitor microphone level rises', 10_000, 20);
    expect(visitor.snapshot.connectedAt).to.be.a('number');
  });

  it('mute stops the outgoing audio (no bytes, level 0) and tells the other side; unmute resumes it', async () => {
    const { visitor, agent } = await connectedPair();
    const zero = { bytesSent: 0, bytesReceived: 0, packetsSent: 0, packetsReceived: 0, remoteAudioLevel: 0, remoteAudioEnergy: 0 };
    await flowing(visitor, zero, 'audio flows before mute');

    await visitor.setMuted(true);
    expect(visitor.snapshot.muted).to.equal(true);
    await until(() => agent.snapshot.remoteMuted, 'the agent learns the visitor muted');
    // The encoder may flush a last packet: wait for one quiet stretch, then measure another.
    await until(async () => (await sentWhile(visitor, agent, 1500)) === 0, 'the visitor stops sending', 15_000, 0);
    const agentFrom = await agent.stats();
    expect(await sentWhile(visitor, agent, 3000), 'bytes sent while muted').to.equal(0);
    expect((await agent.stats()).bytesReceived - agentFrom.bytesReceived, 'bytes received from a muted peer').to.equal(0);
    expect(visitor.inputLevel()).to.equal(0);

    await visitor.setMuted(false);
    await until(() => !agent.snapshot.remoteMuted, 'the agent learns the visitor unmuted');
    await until(
      async () => (await agent.stats()).bytesReceived > agentFrom.bytesReceived + 1500,
      'audio flows again after unmute',
      15_000,
      100,
    );
  });

  it('either side can hang up, and both end (the caller here)', async () => {
    const { visitor, agent, visitorEnd, agentEnd } = await connectedPair();
    await until(() => visitor.durationSeconds() >= 1, 'a second of talk');
    visitor.hangUp();
    expect(visitor.snapshot).to.include({ state: 'ended', reason: 'completed', endedBy: 'local' });
    await until(() => agent.state === 'ended', 'the agent side ends');
    expect(agent.snapshot).to.include({ reason: 'completed', endedBy: 'remote' });
    expect(visitor.durationSeconds()).to.be.at.least(1);
    expect(visitorEnd.listenerCount + agentEnd.listenerCount, 'both calls stopped listening').to.equal(0);
  });

  it('either side can hang up, and both end (the callee here)', async () => {
    const { visitor, agent } = await connectedPair();
    agent.hangUp();
    await until(() => visitor.state === 'ended', 'the visitor side ends');
    expect(visitor.snapshot).to.include({ reason: 'completed', endedBy: 'remote' });
    expect(agent.snapshot).to.include({ state: 'ended', endedBy: 'local' });
    expect(await visitor.stats()).to.include({ bytesSent: 0 }); // closed: nothing left to count
  });

  it('keeps the call through a WebSocket drop: queued frames are delivered, ICE restarts, audio still flows', async () => {
    const { visitor, agent, visitorEnd, agentEnd } = await connectedPair();
    visitorEnd.drop();
    await visitor.setMuted(true); // a frame sent while the socket is down
    await until(() => visitor.snapshot.muted, 'muted locally');
    expect(agent.snapshot.remoteMuted, 'nothing arrives while the socket is down').to.equal(false);
    const offersBefore = visitorEnd.sent.filter((f) => f.kind === 'offer').length;
    visitorEnd.reconnect();
    await until(() => agent.snapshot.remoteMuted, 'the queued mute frame arrives after the reconnect');
    await until(() => visitorEnd.sent.filter((f) => f.kind === 'offer').length > offersBefore, 'an ICE-restart offer is sent');
    await until(() => agentEnd.sent.filter((f) => f.kind === 'answer').length >= 2, 'the agent answers it');
    const restart = visitorEnd.sent.filter((f) => f.kind === 'offer').at(-1)!.sdp!;
    const first = visitorEnd.sent.find((f) => f.kind === 'offer')!.sdp!;
    const ufrag = (sdp: string) => /a=ice-ufrag:(\S+)/.exec(sdp)?.[1];
    expect(ufrag(restart), 'new ICE credentials').to.not.equal(ufrag(first));
    expect(visitor.state).to.equal('connected');
    expect(agent.state).to.equal('connected');
    await visitor.setMuted(false);
    const from = await agent.stats();
    await until(
      async () => (await agent.stats()).bytesReceived > from.bytesReceived + 1500,
      'audio flows after the reconnect',
      15_000,
      100,
    );
    expect(visitor.snapshot.interrupted).to.equal(false);
  });

  it('resolves an offer collision when both sides restart ICE at once (perfect negotiation)', async () => {
    const { visitor, agent } = await connectedPair();
    visitor.restartIce();
    agent.restartIce();
    const from = await visitor.stats();
    await until(async () => (await visitor.stats()).bytesReceived > from.bytesReceived + 3000, 'audio still flows', 15_000, 100);
    expect([visitor.state, agent.state]).to.deep.equal(['connected', 'connected']);
  });

  it('the callee declines: the caller ends with "declined"', async () => {
    const [visitorEnd, agentEnd] = SignalingEnd.pair();
    const visitor = new WebRtcCall({ callId: 'call_decline1', role: 'caller', party: 'visitor', signaling: visitorEnd });
    const agent = new WebRtcCall({ callId: 'call_decline1', role: 'callee', party: 'agent', signaling: agentEnd });
    calls.push(visitor, agent);
    await visitor.start();
    agent.decline();
    await until(() => visitor.state === 'ended', 'the caller hears the decline');
    expect(visitor.snapshot).to.include({ reason: 'declined', endedBy: 'remote' });
  });

  it('the caller hangs up while it rings: the callee ends with cancelled_by_visitor', async () => {
    const [visitorEnd, agentEnd] = SignalingEnd.pair();
    const visitor = new WebRtcCall({ callId: 'call_cancel1', role: 'caller', party: 'visitor', signaling: visitorEnd });
    const agent = new WebRtcCall({ callId: 'call_cancel1', role: 'callee', party: 'agent', signaling: agentEnd });
    calls.push(visitor, agent);
    await visitor.start();
    visitor.hangUp();
    expect(visitor.snapshot).to.include({ state: 'ended', reason: 'cancelled_by_visitor' });
    await until(() => agent.state === 'ended', 'the callee stops ringing');
    expect(agent.snapshot.reason).to.equal('cancelled_by_visitor');
  });
});

describe('WebRtcCall: microphone problems and timeouts', () => {
  it('a refused permission (NotAllowedError) fails the call with permission_denied and sends no invite', async () => {
    const [end] = SignalingEnd.pair();
    const call = new WebRtcCall({
      callId: 'call_denied',
      role: 'caller',
      party: 'visitor',
      signaling: end,
      getUserMedia: refusingGetUserMedia('NotAllowedError'),
    });
    let error: unknown;
    await call.start().catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(VoiceMediaError);
    expect((error as VoiceMediaError).code).to.equal('permission_denied');
    expect(call.snapshot).to.include({ state: 'failed', problem: 'permission_denied' });
    expect(end.sent).to.deep.equal([]);
  });

  it('no microphone (NotFoundError) on accept declines with microphone_unavailable; the caller learns why', async () => {
    const [visitorEnd, agentEnd] = SignalingEnd.pair();
    const visitor = new WebRtcCall({ callId: 'call_nomic', role: 'caller', party: 'visitor', signaling: visitorEnd });
    const agent = new WebRtcCall({
      callId: 'call_nomic',
      role: 'callee',
      party: 'agent',
      signaling: agentEnd,
      getUserMedia: refusingGetUserMedia('NotFoundError'),
    });
    calls.push(visitor);
    await visitor.start();
    const error = await agent.accept().catch((e: unknown) => e);
    expect((error as VoiceMediaError).code).to.equal('no_microphone');
    expect(agent.snapshot).to.include({ state: 'failed', problem: 'no_microphone' });
    await until(() => visitor.state === 'ended', 'the caller hears the decline');
    expect(visitor.snapshot.reason).to.equal('microphone_unavailable');
  });

  it('maps every getUserMedia failure to a documented code', () => {
    const code = (name: string) => VoiceMediaError.from(new DOMException('x', name)).code;
    expect(
      ['NotAllowedError', 'SecurityError', 'NotFoundError', 'OverconstrainedError', 'NotReadableError', 'AbortError', 'TypeError'].map(
        code,
      ),
    ).to.deep.equal([
      'permission_denied',
      'permission_denied',
      'no_microphone',
      'no_microphone',
      'microphone_busy',
      'microphone_busy',
      'unsupported',
    ]);
  });

  it('an unanswered call ends with no_answer after the ring timeout, releases the microphone and says so', async () => {
    const clock = new FakeClock();
    const [end] = SignalingEnd.pair();
    const media = recordingGetUserMedia();
    const call = new WebRtcCall({
      callId: 'call_ring',
      role: 'caller',
      party: 'visitor',
      signaling: end,
      clock,
      ringTimeoutMs: 30_000,
      getUserMedia: media.getUserMedia,
    });
    await call.start();
    await clock.advance(29_999);
    expect(call.state).to.equal('ringing');
    await clock.advance(1);
    expect(call.snapshot).to.include({ state: 'ended', reason: 'no_answer' });
    expect(end.sent.map((f) => f.kind)).to.deep.equal(['invite', 'hangup']);
    expect(end.sent[1].reason).to.equal('no_answer');
    expect(media.streams[0].getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
  });

  it('a connection that never comes up fails with connection_failed and tells the other side', async () => {
    const clock = new FakeClock();
    const [visitorEnd, agentEnd] = SignalingEnd.pair();
    // The agent never answers the offer: no media path can form.
    agentEnd.onFrame(() => undefined);
    const visitor = new WebRtcCall({
      callId: 'call_stuck',
      role: 'caller',
      party: 'visitor',
      signaling: visitorEnd,
      clock,
      connectTimeoutMs: 10_000,
    });
    calls.push(visitor);
    await visitor.start();
    agentEnd.send({ type: 'rtc', callId: 'call_stuck', kind: 'accept' });
    await until(() => visitor.state === 'connecting', 'accepted');
    await clock.advance(10_000);
    expect(visitor.snapshot).to.include({ state: 'failed', reason: 'connection_failed', problem: 'connection_failed' });
    expect(visitorEnd.sent.at(-1)).to.include({ kind: 'hangup', reason: 'connection_failed' });
  });
});
