// @ts-check
// Two server nodes on one PostgreSQL database (cluster.js, issue 16 item 3): what one node
// publishes reaches the sockets of the other through LISTEN/NOTIFY — messages both ways, each
// once, a message too long for a NOTIFY payload, agent presence, and the rate limits, which count
// a client's requests on every node. PostgreSQL only (PGlite is one process).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { API_KEY, freshIp, newId, startServer, until } from './chat-server.mjs';
import { TEST_STORE } from './test-store.mjs';

const skip = TEST_STORE === 'postgres' ? false : 'a cluster needs PostgreSQL (LISTEN/NOTIFY); runs in the PostgreSQL pass';
const SENDS_PER_MINUTE = 12;

/** @type {Awaited<ReturnType<typeof startServer>>} */
let a;
/** @type {Awaited<ReturnType<typeof startServer>>} */
let b;
before(async () => {
  if (skip) return;
  a = await startServer({ rateLimits: { sendsPerSender: SENDS_PER_MINUTE } });
  assert.ok(a.cluster);
  b = await startServer({ rateLimits: { sendsPerSender: SENDS_PER_MINUTE }, cluster: a.cluster });
});
after(async () => {
  await b?.close(); // first: `a` owns the database
  await a?.close();
});

/**
 * Sends an agent reply through a node over HTTP.
 * @param {typeof a} node
 * @param {string} token
 * @param {string} conversationId
 * @param {string} text
 */
function reply(node, token, conversationId, text) {
  return node.request(`/api/agent/conversations/${conversationId}/messages`, {
    auth: token,
    ip: freshIp(),
    body: { clientId: newId(), text },
  });
}

test('a visitor on node A and an agent on node B talk: every message reaches the other node once, in order', { skip }, async () => {
  const s = await a.session();
  const token = await b.agentToken();
  const visitor = a.socket(`/ws/chat?token=${encodeURIComponent(s.token)}`);
  const agent = b.socket(`/ws/agent?token=${encodeURIComponent(token)}`);
  assert.equal(await visitor.ready(), 'ready');
  await agent.next((f) => f.type === 'ready');

  for (let i = 1; i <= 5; i++) assert.equal((await a.say(s, `visitor ${i}`)).status, 201);
  for (let i = 1; i <= 5; i++) assert.equal((await reply(b, token, s.conversationId, `agent ${i}`)).status, 201);

  await agent.next((f) => f.type === 'message' && f.message.text === 'visitor 5');
  await visitor.next((f) => f.type === 'message' && f.message.text === 'agent 5');
  const seen = (/** @type {any[]} */ frames) =>
    frames.filter((f) => f.type === 'message' && f.message.conversationId === s.conversationId).map((f) => f.message.text);
  const atAgent = seen(agent.frames).filter((t) => /^(visitor|agent) \d$/.test(t));
  assert.deepEqual(
    atAgent.filter((t) => t.startsWith('visitor')),
    ['visitor 1', 'visitor 2', 'visitor 3', 'visitor 4', 'visitor 5'],
    'the agent on B got each visitor message from A once, in order',
  );
  const atVisitor = seen(visitor.frames).filter((t) => t.startsWith('agent '));
  assert.deepEqual(
    atVisitor,
    ['agent 1', 'agent 2', 'agent 3', 'agent 4', 'agent 5'],
    'the visitor on A got each reply from B once, in order',
  );
  const seqs = visitor.frames.filter((f) => f.type === 'message').map((f) => f.message.seq);
  assert.equal(new Set(seqs).size, seqs.length, 'no message twice');
  visitor.close();
  agent.close();
});

test('a message too long for a NOTIFY payload crosses through the overflow table', { skip }, async () => {
  const s = await a.session();
  const token = await b.agentToken();
  const agent = b.socket(`/ws/agent?token=${encodeURIComponent(token)}`);
  await agent.next((f) => f.type === 'ready');
  // 3,000 code points of 4 bytes: 12 KB of UTF-8, beyond PostgreSQL's 8,000-byte NOTIFY limit.
  const long = '😀'.repeat(3000);
  assert.equal((await a.say(s, long)).status, 201);
  const frame = await agent.next(
    (f) => f.type === 'message' && f.message.conversationId === s.conversationId && f.message.text.length > 100,
  );
  assert.equal(frame.message.text, long);
  agent.close();
});

test('agents online on node B count as presence for a visitor on node A, and leaving does too', { skip }, async () => {
  const s = await a.session();
  const visitor = a.socket(`/ws/chat?token=${encodeURIComponent(s.token)}`);
  assert.equal(await visitor.ready(), 'ready');
  const presence = () => visitor.frames.filter((f) => f.type === 'presence').at(-1)?.agentsOnline;
  await until(() => presence() === false, 'no agent online at first');
  const agent = b.socket(`/ws/agent?token=${encodeURIComponent(await b.agentToken())}`);
  await agent.next((f) => f.type === 'ready');
  await until(() => presence() === true, 'the agent on node B to count as online on node A');
  agent.close();
  await until(() => presence() === false, 'the agent leaving node B to count on node A');
  visitor.close();
});

test('a visitor spread over both nodes meets one rate limit, not one per node', { skip }, async () => {
  const s = await a.session();
  const key = `demo:visitor:${s.visitorId}`;
  const send = (/** @type {typeof a} */ node, /** @type {string} */ text) =>
    node.request('/api/chat/messages', {
      auth: API_KEY,
      session: s.token,
      ip: freshIp(),
      body: { conversationId: s.conversationId, clientId: newId(), text },
    });
  const half = SENDS_PER_MINUTE / 2;
  for (let i = 0; i < half; i++) assert.equal((await send(a, `via A ${i}`)).status, 201);
  // Node B learns A's count (shared every 250 ms); wait for that state, not for a time.
  await until(() => b.rateCount('sendsPerSender', key) >= half, "node B to count node A's messages", 10_000);
  for (let i = 0; i < half; i++) assert.equal((await send(b, `via B ${i}`)).status, 201);
  await until(() => a.rateCount('sendsPerSender', key) >= SENDS_PER_MINUTE, "node A to count node B's messages", 10_000);
  const refusedAtA = await send(a, 'one too many, via A');
  assert.equal(refusedAtA.status, 429, 'the limit counts both nodes');
  assert.equal(refusedAtA.body.error.code, 'rate_limited');
  assert.equal((await send(b, 'one too many, via B')).status, 429);
});

test(
  'the assistant answers a visitor once in a cluster: the node where the message was sent answers, the other does not',
  { skip },
  async () => {
    // Two nodes of their own, with the demo tenant's assistant (the built-in knowledge base, the demo
    // help articles): every node hears every message (LISTEN/NOTIFY), and each used to answer it.
    const assistant = { enabled: true, name: 'Robin' };
    const one = await startServer({ assistant });
    const two = await startServer({ assistant, cluster: one.cluster });
    try {
      const s = await one.session();
      /** The assistant's messages and the streams still running, as the store has them. */
      const page = async () => {
        const res = await two.request(`/api/chat/messages?conversationId=${s.conversationId}&after=0`, { auth: API_KEY, session: s.token });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return {
          answers: /** @type {any[]} */ (res.body.messages).filter((m) => m.sender.type === 'ai'),
          running: /** @type {any[]} */ (res.body.streams ?? []).length,
        };
      };
      assert.equal((await one.say(s, 'How do I return an item?')).status, 201);
      await until(async () => (await page()).answers.length >= 1 && (await page()).running === 0, 'the first answer', 20_000);
      // A second question, asked once the first answer was stored: by its answer, a second node's
      // answer to the first question (it heard it as early as the first node) would be stored too.
      assert.equal((await two.say(s, 'How long does shipping take?')).status, 201);
      await until(async () => (await page()).answers.length >= 2 && (await page()).running === 0, 'the second answer', 20_000);
      const { answers } = await page();
      assert.equal(answers.length, 2, answers.map((m) => m.text.slice(0, 40)).join(' | '));
      assert.equal(new Set(answers.map((m) => m.streamId)).size, 2);
    } finally {
      await two.close();
      await one.close();
    }
  },
);
