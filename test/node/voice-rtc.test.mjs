// @ts-check
// In-browser call signaling through the server (docs/protocol.md, "In-browser calls: `rtc`
// frames"): the relay between the visitor's socket and the agent on the call, the call's record
// (call/mode frames, transcript notices), and the refusals.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API_KEY, freshIp, startServer, until } from './chat-server.mjs';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
before(async () => {
  server = await startServer({ voice: { webrtc: { enabled: true, iceServers: [{ urls: 'stun:stun.example.test:3478' }] } } });
});
after(() => server.close());

const id = () => `call_${Math.random().toString(36).slice(2, 14)}`;

/** @param {{ token: string, conversationId: string }} s */
async function transcript(s) {
  const res = await server.request(`/api/chat/messages?conversationId=${s.conversationId}&limit=200`, {
    auth: API_KEY,
    session: s.token,
    ip: freshIp(),
  });
  return /** @type {any[]} */ (res.body.messages);
}

describe('in-browser call signaling', () => {
  test('config.voice offers webrtc with the tenant ICE servers', async () => {
    const s = await server.session();
    assert.deepEqual(s.config.voice, {
      callback: false,
      webrtc: true,
      iceServers: [{ urls: 'stun:stun.example.test:3478' }],
      maxNoteSeconds: 120,
    });
  });

  test('a visitor calls: agents ring, one accepts, offer/answer/candidates relay both ways, hang-up ends it; notices recorded', async () => {
    const s = await server.session();
    await server.say(s, 'hello'); // the conversation started, so agents may open it
    const agentToken = await server.agentToken();
    const agent = server.socket(`/ws/agent?token=${encodeURIComponent(agentToken)}`);
    const visitor = server.socket(`/ws/chat?token=${encodeURIComponent(s.token)}`);
    try {
      assert.equal(await agent.ready(), 'ready');
      assert.equal(await visitor.ready(), 'ready');
      const callId = id();
      visitor.send({ type: 'rtc', callId, kind: 'invite' });
      const invite = await agent.next((f) => f.type === 'rtc' && f.kind === 'invite');
      assert.equal(invite.callId, callId);
      assert.equal(invite.conversationId, s.conversationId);
      await visitor.next((f) => f.type === 'call' && f.call.id === callId && f.call.state === 'ringing' && f.call.from === 'visitor');
      await visitor.next((f) => f.type === 'mode' && f.mode === 'voice');

      agent.send({ type: 'rtc', callId, kind: 'accept', conversationId: s.conversationId });
      await visitor.next((f) => f.type === 'rtc' && f.kind === 'accept' && f.callId === callId);
      const accepted = await visitor.next((f) => f.type === 'call' && f.call.state === 'in_progress');
      assert.equal(accepted.call.agent.name, 'Ada');

      visitor.send({ type: 'rtc', callId, kind: 'offer', sdp: 'v=0 offer' });
      assert.equal((await agent.next((f) => f.type === 'rtc' && f.kind === 'offer')).sdp, 'v=0 offer');
      agent.send({ type: 'rtc', callId, kind: 'answer', sdp: 'v=0 answer', conversationId: s.conversationId });
      assert.equal((await visitor.next((f) => f.type === 'rtc' && f.kind === 'answer')).sdp, 'v=0 answer');
      agent.send({
        type: 'rtc',
        callId,
        kind: 'candidate',
        candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 },
        conversationId: s.conversationId,
      });
      await visitor.next((f) => f.type === 'rtc' && f.kind === 'candidate' && f.candidate.sdpMid === '0');
      visitor.send({ type: 'rtc', callId, kind: 'mute', muted: true });
      await agent.next((f) => f.type === 'rtc' && f.kind === 'mute' && f.muted === true);

      // Frames of an unknown call, or a second invitation, are refused and name the call.
      visitor.send({ type: 'rtc', callId: 'call_unknown_1', kind: 'offer', sdp: 'v=0' });
      const refused = await visitor.next((f) => f.type === 'error' && f.callId === 'call_unknown_1');
      assert.equal(refused.code, 'not_found');
      visitor.send({ type: 'rtc', callId: id(), kind: 'invite' });
      await visitor.next((f) => f.type === 'error' && f.code === 'call_active');

      agent.send({ type: 'rtc', callId, kind: 'hangup', conversationId: s.conversationId });
      await visitor.next((f) => f.type === 'rtc' && f.kind === 'hangup');
      const ended = await visitor.next((f) => f.type === 'call' && f.call.state === 'ended');
      assert.equal(ended.call.reason, 'completed');
      assert.equal(ended.call.endedBy, 'agent');
      await visitor.next((f) => f.type === 'mode' && f.mode === 'chat');
      await until(async () => (await transcript(s)).filter((m) => m.event === 'call').length === 3, 'three notices');
      const notices = (await transcript(s)).filter((m) => m.event === 'call');
      assert.deepEqual(
        notices.map((m) => m.call.state),
        ['requested', 'in_progress', 'ended'],
      );
      assert.equal(notices[0].call.kind, 'webrtc');
      assert.equal(notices[0].call.from, 'visitor');
      assert.match(notices[2].text, /^Call ended, 0:0\d\.$/);
    } finally {
      agent.close();
      visitor.close();
    }
  });

  test('an agent calls the visitor, who declines', async () => {
    const s = await server.session();
    await server.say(s, 'hi');
    const agent = server.socket(`/ws/agent?token=${encodeURIComponent(await server.agentToken())}`);
    const visitor = server.socket(`/ws/chat?token=${encodeURIComponent(s.token)}`);
    try {
      await agent.ready();
      await visitor.ready();
      const callId = id();
      agent.send({ type: 'rtc', callId, kind: 'invite', conversationId: s.conversationId });
      await visitor.next((f) => f.type === 'rtc' && f.kind === 'invite' && f.callId === callId && f.conversationId === undefined);
      visitor.send({ type: 'rtc', callId, kind: 'decline' });
      await agent.next((f) => f.type === 'rtc' && f.kind === 'decline');
      const failed = await agent.next((f) => f.type === 'call' && f.call.state === 'failed');
      assert.equal(failed.call.reason, 'declined');
      assert.equal(failed.call.conversationId, s.conversationId);
    } finally {
      agent.close();
      visitor.close();
    }
  });

  test('no agent online: the invitation is declined at once with no_answer', async () => {
    const s = await server.session();
    const visitor = server.socket(`/ws/chat?token=${encodeURIComponent(s.token)}`);
    try {
      await visitor.ready();
      const callId = id();
      visitor.send({ type: 'rtc', callId, kind: 'invite' });
      const decline = await visitor.next((f) => f.type === 'rtc' && f.kind === 'decline' && f.callId === callId);
      assert.equal(decline.reason, 'no_answer');
    } finally {
      visitor.close();
    }
  });
});
