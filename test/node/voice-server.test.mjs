// @ts-check
// Phone callbacks through the running server (docs/protocol.md, "Voice"): `config.voice` in the
// session answer, POST /api/chat/voice/callback and /cancel on the simulated provider, the `call`
// and `mode` frames on the visitor's and the agent's WebSocket (and after a reconnect), the long
// poll's `call`/`mode` fields and its wake-up, and the transcript's `event: "call"` notices.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API_KEY, freshIp, startServer, until } from './chat-server.mjs';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;

before(async () => {
  server = await startServer({
    voice: { callback: { enabled: true, allowedCountries: ['US', 'CA'], rateLimits: { perVisitor: { limit: 5, windowSeconds: 3600 } } } },
  });
});
after(() => server.close());

/**
 * @param {{ token: string, conversationId: string }} s
 * @param {string} path
 * @param {Record<string, unknown>} body
 */
const voicePost = (s, path, body) =>
  server.request(`/api/chat/voice/${path}`, {
    auth: API_KEY,
    session: s.token,
    ip: freshIp(),
    body: { conversationId: s.conversationId, ...body },
  });

const CONSENT = { consent: true, consentText: 'I agree to be called about this conversation.' };

/** @param {{ token: string, conversationId: string }} s */
async function transcript(s) {
  const res = await server.request(`/api/chat/messages?conversationId=${s.conversationId}&limit=200`, {
    auth: API_KEY,
    session: s.token,
    ip: freshIp(),
  });
  return /** @type {any[]} */ (res.body.messages);
}

describe('phone callback through the server (simulated provider)', () => {
  test('the session answer carries config.voice', async () => {
    const s = await server.session();
    assert.deepEqual(s.config.voice, { callback: true, webrtc: false, iceServers: [], maxNoteSeconds: 120 });
  });

  test('refusals: no consent, a bad number, a country outside the rules, a bad body', async () => {
    const s = await server.session();
    let res = await voicePost(s, 'callback', { phoneNumber: '+12025550123' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'consent_required');
    res = await voicePost(s, 'callback', { phoneNumber: '12345', ...CONSENT });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'invalid_number');
    res = await voicePost(s, 'callback', { phoneNumber: '+442079460958', ...CONSENT });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'country_not_allowed');
    res = await voicePost(s, 'cancel', {});
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'not_found');
  });

  test('a call walks through its states: frames to visitor and agent, the long poll wakes, notices in the transcript, cancel ends it', async () => {
    const s = await server.session();
    const visitor = server.socket(`/ws/chat?token=${encodeURIComponent(s.token)}`);
    const agent = server.socket(`/ws/agent?token=${encodeURIComponent(await server.agentToken())}`);
    try {
      assert.equal(await visitor.ready(), 'ready');
      assert.equal(await agent.ready(), 'ready');
      // A long poll waiting before the call starts is answered by the call's first change.
      const poll = server.request(`/api/chat/messages?conversationId=${s.conversationId}&after=${s.lastSeq}&wait=20`, {
        auth: API_KEY,
        session: s.token,
        ip: freshIp(),
      });
      const res = await voicePost(s, 'callback', { phoneNumber: '+12025550123', ...CONSENT });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const call = res.body.call;
      assert.equal(call.kind, 'callback');
      assert.equal(call.simulated, true);
      assert.equal(call.to, '+1••••••0123');
      assert.ok(['connecting', 'ringing'].includes(call.state), call.state);
      const polled = (await poll).body;
      assert.ok(polled.call || polled.messages.length, 'the long poll woke for the call');

      await visitor.next((f) => f.type === 'mode' && f.mode === 'voice' && f.callId === call.id);
      await visitor.next((f) => f.type === 'call' && f.call.id === call.id && f.call.state === 'ringing');
      await agent.next((f) => f.type === 'call' && f.call.id === call.id && f.call.conversationId === s.conversationId);
      await visitor.next((f) => f.type === 'call' && f.call.state === 'in_progress', 8000);
      assert.equal(JSON.stringify(visitor.frames).includes('+12025550123'), false, 'the full number never reaches the socket');

      // A second request while the call is active: 409 with the call.
      const again = await voicePost(s, 'callback', { phoneNumber: '+12025550124', ...CONSENT });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'call_active');
      assert.equal(again.body.call.id, call.id);

      // The long poll reports the call and the mode.
      const page = await server.request(`/api/chat/messages?conversationId=${s.conversationId}&after=0`, {
        auth: API_KEY,
        session: s.token,
        ip: freshIp(),
      });
      assert.equal(page.body.call.id, call.id);
      assert.equal(page.body.call.state, 'in_progress');
      assert.equal(page.body.mode, 'voice');

      // A reconnecting socket gets the call and the mode right after ready.
      const second = server.socket(`/ws/chat?token=${encodeURIComponent(s.token)}`);
      try {
        await second.next((f) => f.type === 'call' && f.call.id === call.id && f.call.state === 'in_progress');
        await second.next((f) => f.type === 'mode' && f.mode === 'voice');
      } finally {
        second.close();
      }

      await until(
        async () => (await transcript(s)).some((m) => m.event === 'call' && m.call?.state === 'in_progress'),
        'the answered notice',
      );
      const cancel = await voicePost(s, 'cancel', { callId: call.id });
      assert.equal(cancel.status, 200);
      assert.equal(cancel.body.call.state, 'ended');
      assert.equal(cancel.body.call.reason, 'cancelled_by_visitor');
      assert.equal(typeof cancel.body.call.durationSeconds, 'number');
      await visitor.next((f) => f.type === 'mode' && f.mode === 'chat' && f.callId === call.id);

      await until(async () => (await transcript(s)).some((m) => m.event === 'call' && m.call?.state === 'ended'), 'the final notice');
      const notices = (await transcript(s)).filter((m) => m.event === 'call');
      assert.deepEqual(
        notices.map((m) => m.call.state),
        ['requested', 'in_progress', 'ended'],
      );
      assert.equal(notices[0].sender.type, 'system');
      assert.equal(notices[0].text, 'Simulated call: Calling +1••••••0123…');
      assert.equal(notices[0].call.to, '+1••••••0123');
      assert.match(notices[2].text, /^Simulated call: Call ended, 0:0\d\.$/);
      assert.equal(notices[2].call.reason, 'cancelled_by_visitor');
      // The agent sees the notices as messages.
      await agent.next((f) => f.type === 'message' && f.message.event === 'call' && f.message.call.state === 'ended');
    } finally {
      visitor.close();
      agent.close();
    }
  });

  test('a busy line fails with reason busy and the conversation returns to chat', async () => {
    const s = await server.session();
    const visitor = server.socket(`/ws/chat?token=${encodeURIComponent(s.token)}`);
    try {
      assert.equal(await visitor.ready(), 'ready');
      const res = await voicePost(s, 'callback', { phoneNumber: '+12025550001', ...CONSENT });
      assert.equal(res.status, 201);
      const failed = await visitor.next((f) => f.type === 'call' && f.call.state === 'failed', 8000);
      assert.equal(failed.call.reason, 'busy');
      assert.equal(failed.call.durationSeconds, 0);
      await visitor.next((f) => f.type === 'mode' && f.mode === 'chat');
      await until(
        async () => (await transcript(s)).some((m) => m.event === 'call' && m.text === 'Simulated call: Call failed: the line was busy.'),
        'the busy notice',
      );
    } finally {
      visitor.close();
    }
  });

  test('a provider refusal (invalid number at the provider) answers 400 and records the failed call', async () => {
    const s = await server.session();
    const res = await voicePost(s, 'callback', { phoneNumber: '+12025550003', ...CONSENT });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'invalid_number');
    const page = await server.request(`/api/chat/messages?conversationId=${s.conversationId}&after=0`, {
      auth: API_KEY,
      session: s.token,
      ip: freshIp(),
    });
    assert.equal(page.body.call.state, 'failed');
    assert.equal(page.body.call.reason, 'invalid_number');
    assert.equal(page.body.mode, 'chat');
  });

  test('a site without voice: no config.voice, and 403 voice_disabled', async () => {
    const plain = await startServer();
    try {
      const s = await plain.session();
      assert.equal(s.config.voice, undefined);
      const res = await plain.request('/api/chat/voice/callback', {
        auth: API_KEY,
        session: s.token,
        ip: freshIp(),
        body: { conversationId: s.conversationId, phoneNumber: '+12025550123', ...CONSENT },
      });
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'voice_disabled');
    } finally {
      await plain.close();
    }
  });
});
