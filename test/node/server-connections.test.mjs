// @ts-check
// docs/security.md, "WebSocket floods and connection limits": `sync` frames replay one at a time
// per socket and at most `replayMaxMessages` each; typing is coalesced to one signal per interval
// per sender (both directions, WebSocket and HTTP); sockets and long polls are limited per token
// and per client address, refused with close 4429 / 429 + Retry-After.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API_KEY, freshIp, newId, startServer, until } from './chat-server.mjs';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
const TYPING_MS = 200;

before(async () => {
  server = await startServer({
    limits: { connectionsPerIp: 4, connectionsPerSubject: 3, replayMaxMessages: 50, typingIntervalMs: TYPING_MS },
  });
});
after(() => server.close());

/** @type {Array<{ close(): void }>} */
const open = [];
const closeAll = () => open.splice(0).forEach((s) => s.close());

/**
 * @param {{ token: string }} s
 * @param {string} [query]
 * @param {string} [ip]
 */
function visitorSocket(s, query = '', ip = freshIp()) {
  const socket = server.socket(`/ws/chat?token=${encodeURIComponent(s.token)}${query}`, ip);
  open.push(socket);
  return socket;
}

/** @param {string} token @param {string} [ip] */
function agentSocket(token, ip = freshIp()) {
  const socket = server.socket(`/ws/agent?token=${encodeURIComponent(token)}`, ip);
  open.push(socket);
  return socket;
}

/** @param {any} s @param {number} count */
async function fill(s, count) {
  for (let i = 1; i <= count; i++) assert.equal((await server.say(s, `m${i}`)).status, 201);
}

describe('sync replays', () => {
  after(closeAll);

  test('150 sync frames make one replay, not 150', async () => {
    const s = await server.session();
    await fill(s, 20);
    const socket = visitorSocket(s);
    assert.equal(await socket.ready(), 'ready');
    for (let i = 0; i < 150; i++) socket.send({ type: 'sync', after: 0 });
    // Frames are handled in order: the pong comes after all 150 syncs were taken in.
    socket.send({ type: 'ping', ts: 1 });
    await socket.next((f) => f.type === 'pong');
    // A message posted now arrives after the replay (it is held while one runs).
    const token = await server.agentToken();
    const marker = await server.request(`/api/agent/conversations/${s.conversationId}/messages`, {
      auth: token,
      body: { clientId: newId(), text: 'marker' },
    });
    assert.equal(marker.status, 201);
    await socket.next((f) => f.type === 'message' && f.message.text === 'marker');
    const replayed = socket.frames.filter((f) => f.type === 'message' && f.message.seq <= 20);
    assert.equal(replayed.length, 20, `expected one replay of 20 messages, got ${replayed.length} message frames`);

    // Asking again for what this socket was already sent replays nothing.
    socket.send({ type: 'sync', after: 0 });
    socket.send({ type: 'ping', ts: 2 });
    await socket.next((f) => f.type === 'pong' && f.ts === 2);
    assert.equal(socket.frames.filter((f) => f.type === 'message' && f.message.seq <= 20).length, 20);

    // A socket that was not sent the older messages gets them on request.
    const other = visitorSocket(s);
    assert.equal(await other.ready(), 'ready');
    other.send({ type: 'sync', after: 15 });
    // 21 is the agent's `joined` notice, 22 the marker.
    await other.next((f) => f.type === 'message' && f.message.seq === 22);
    assert.deepEqual(
      other.frames.filter((f) => f.type === 'message').map((f) => f.message.seq),
      [16, 17, 18, 19, 20, 21, 22],
    );
  });

  test('one replay sends at most replayMaxMessages (50); the client asks again for the rest', async () => {
    const s = await server.session();
    await fill(s, 120);
    const socket = visitorSocket(s, '&after=0');
    assert.equal(await socket.ready(), 'ready');
    await socket.next((f) => f.type === 'message' && f.message.seq === 50);
    socket.send({ type: 'ping', ts: 2 });
    await socket.next((f) => f.type === 'pong');
    assert.deepEqual(
      socket.frames.filter((f) => f.type === 'message').map((f) => f.message.seq),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    socket.send({ type: 'sync', after: 50 });
    await socket.next((f) => f.type === 'message' && f.message.seq === 100);
    socket.send({ type: 'ping', ts: 3 });
    await socket.next((f) => f.type === 'pong' && f.ts === 3);
    assert.equal(socket.frames.filter((f) => f.type === 'message').length, 100);
  });
});

describe('typing is coalesced', () => {
  after(closeAll);

  /**
   * Waits until the last typing frame says `false` and two intervals passed since `since`, so a
   * held signal would have gone out; returns the typing frames of the conversation.
   * @param {import('./chat-server.mjs').RecordingSocket} socket
   * @param {string} conversationId
   * @param {number} since
   */
  async function settled(socket, conversationId, since) {
    const frames = () => socket.frames.filter((f) => f.type === 'typing' && f.conversationId === conversationId);
    await until(() => frames().at(-1)?.typing === false && Date.now() - since > 2 * TYPING_MS, 'typing to settle on false');
    return frames();
  }

  /**
   * The throttle's promise: at most one typing frame per interval (and the final `false`) over the
   * time the burst took, whatever the machine's load made that time.
   * @param {unknown[]} frames
   * @param {number} started
   */
  function throttled(frames, started) {
    const seconds = (Date.now() - started) / 1000;
    assert.ok(frames.length <= Math.ceil(seconds / (TYPING_MS / 1000)) + 2, `${frames.length} typing frames in ${seconds.toFixed(1)} s`);
  }

  test('5,000 typing frames from a visitor reach an agent as a few', async () => {
    const agent = agentSocket(await server.agentToken());
    assert.equal(await agent.ready(), 'ready');
    const s = await server.session();
    await server.say(s, 'hello');
    const visitor = visitorSocket(s);
    assert.equal(await visitor.ready(), 'ready');
    const started = Date.now();
    for (let i = 0; i < 5000; i++) visitor.send({ type: 'typing', typing: i % 2 === 0 });
    visitor.send({ type: 'typing', typing: false });
    visitor.send({ type: 'ping', ts: 1 });
    await visitor.next((f) => f.type === 'pong', 30_000);
    const frames = await settled(agent, s.conversationId, Date.now());
    const seconds = (Date.now() - started) / 1000;
    assert.ok(frames.length <= Math.ceil(seconds / (TYPING_MS / 1000)) + 2, `${frames.length} typing frames in ${seconds.toFixed(1)} s`);
    assert.ok(frames.length <= 20, `${frames.length} typing frames reached the agent`);
    assert.equal(frames[0].typing, true);
  });

  test('an agent’s typing flood reaches the visitor as a few, and the HTTP typing endpoints too', async () => {
    const token = await server.agentToken();
    const agent = agentSocket(token);
    assert.equal(await agent.ready(), 'ready');
    const s = await server.session();
    await server.say(s, 'hi');
    const visitor = visitorSocket(s);
    assert.equal(await visitor.ready(), 'ready');
    // Each agent frame looks the conversation up (tenant check), so fewer than the visitor's.
    for (let i = 0; i < 1000; i++) agent.send({ type: 'typing', conversationId: s.conversationId, typing: i % 2 === 0 });
    agent.send({ type: 'typing', conversationId: s.conversationId, typing: false });
    agent.send({ type: 'ping', ts: 1 });
    await agent.next((f) => f.type === 'pong', 30_000);
    const toVisitor = await settled(visitor, s.conversationId, Date.now());
    assert.ok(toVisitor.length <= 20, `${toVisitor.length} typing frames reached the visitor`);

    // HTTP: 100 typing requests from the visitor and 100 from the agent.
    const before = agent.frames.length;
    const httpStarted = Date.now();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        server.request('/api/chat/typing', {
          auth: API_KEY,
          session: s.token,
          body: { conversationId: s.conversationId, typing: i % 2 === 0 },
        }),
      ),
    );
    assert.ok(results.every((r) => r.status === 204));
    await server.request('/api/chat/typing', {
      auth: API_KEY,
      session: s.token,
      body: { conversationId: s.conversationId, typing: false },
    });
    const fromHttp = (await settled(agent, s.conversationId, Date.now())).filter((f) => agent.frames.indexOf(f) >= before);
    throttled(fromHttp, httpStarted);
    const visitorBefore = visitor.frames.length;
    const agentStarted = Date.now();
    for (let i = 0; i < 50; i++) {
      const res = await server.request(`/api/agent/conversations/${s.conversationId}/typing`, {
        auth: token,
        body: { typing: i % 2 === 0 },
      });
      assert.equal(res.status, 204);
    }
    await server.request(`/api/agent/conversations/${s.conversationId}/typing`, { auth: token, body: { typing: false } });
    const agentHttp = (await settled(visitor, s.conversationId, Date.now())).filter((f) => visitor.frames.indexOf(f) >= visitorBefore);
    throttled(agentHttp, agentStarted);
  });
});

describe('connection limits', () => {
  after(closeAll);

  test('the 4th socket of one token is closed with 4429; closing one makes room', async () => {
    const s = await server.session();
    const sockets = [visitorSocket(s), visitorSocket(s), visitorSocket(s)];
    for (const socket of sockets) assert.equal(await socket.ready(), 'ready');
    const extra = visitorSocket(s);
    assert.equal(await extra.closed, 4429);
    // A renewed token of the same visitor counts as the same subject.
    const renewed = await server.session({ visitorId: s.visitorId });
    assert.equal(await visitorSocket(renewed).closed, 4429);
    sockets[0].close();
    await sockets[0].closed;
    await until(async () => (await visitorSocket(s).ready()) === 'ready', 'a socket to fit again');
  });

  test('a long poll past the token’s limit is 429 with Retry-After, and counts while it waits', async () => {
    const s = await server.session();
    for (const socket of [visitorSocket(s), visitorSocket(s), visitorSocket(s)]) assert.equal(await socket.ready(), 'ready');
    const poll = await server.request(`/api/chat/messages?conversationId=${s.conversationId}&wait=5`, { auth: API_KEY, session: s.token });
    assert.equal(poll.status, 429);
    assert.equal(poll.body.error.code, 'rate_limited');
    assert.equal(poll.headers.get('retry-after'), '5');
    // Without `wait` it is a plain read, not a held connection.
    assert.equal(
      (await server.request(`/api/chat/messages?conversationId=${s.conversationId}`, { auth: API_KEY, session: s.token })).status,
      200,
    );

    // Three waiting long polls of another visitor hold its three places: a socket is refused.
    const t = await server.session();
    const polls = Array.from({ length: 3 }, () =>
      server.request(`/api/chat/messages?conversationId=${t.conversationId}&wait=3`, { auth: API_KEY, session: t.token }),
    );
    // Before a socket is tried: on PostgreSQL requests run side by side, and a socket admitted
    // before the third poll waits would take its place.
    await until(() => server.openConnections(`sub:demo:visitor:${t.visitorId}`) === 3, 'the polls to wait', 3000);
    await until(async () => (await visitorSocket(t).closed) === 4429, 'the polls to hold the places', 3000);
    for (const res of await Promise.all(polls)) assert.equal(res.status, 200);
  });

  test('per client address: the 5th connection from one address is refused, socket or long poll', async () => {
    const ip = freshIp();
    const visitors = await Promise.all(Array.from({ length: 6 }, () => server.session()));
    for (const v of visitors.slice(0, 4)) assert.equal(await visitorSocket(v, '', ip).ready(), 'ready');
    assert.equal(await visitorSocket(visitors[4], '', ip).closed, 4429);
    const poll = await server.request(`/api/chat/messages?conversationId=${visitors[5].conversationId}&wait=5`, {
      auth: API_KEY,
      session: visitors[5].token,
      ip,
    });
    assert.equal(poll.status, 429);
    assert.ok(Number(poll.headers.get('retry-after')) > 0);
    // Another address is not affected; nor are agents from elsewhere.
    assert.equal(await visitorSocket(visitors[4], '', freshIp()).ready(), 'ready');
    const agents = [agentSocket(await server.agentToken(), ip)];
    assert.equal(await agents[0].closed, 4429);
  });

  test('agent sockets count per agent', async () => {
    const token = await server.agentToken();
    for (let i = 0; i < 3; i++) assert.equal(await agentSocket(token).ready(), 'ready');
    assert.equal(await agentSocket(token).closed, 4429);
    assert.equal(await agentSocket(await server.agentToken({ email: 'bob@node.test', password: 'node-test-password-2' })).ready(), 'ready');
  });
});
