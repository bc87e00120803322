// @ts-check
// Two server processes (demo/server/main.js) on one PostgreSQL database behind a real HAProxy
// (issue 16, item 3): a visitor connected through the load balancer loses its node (SIGKILL) in
// the middle of a conversation, reconnects through the balancer to the other node, resumes from
// its cursor, and gets every message the agent sent — none lost, none twice — while the agent
// keeps sending through the balancer, retrying a request the dying node never answered with the
// same clientId, as the widget's outbox does. The balancer's configuration is the one
// docs/scaling.md shows. PostgreSQL pass only; needs haproxy (CI installs it).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import WebSocket from 'ws';
import { hashPassword } from '../../demo/server/auth.js';
import { testDatabase } from '../plugins/postgres.mjs';
import { HAPROXY, startBalancer, startNode } from './helpers/processes.mjs';
import { newId, until } from './chat-server.mjs';
import { TEST_STORE } from './test-store.mjs';

const skip =
  TEST_STORE !== 'postgres'
    ? 'a cluster needs PostgreSQL; runs in the PostgreSQL pass'
    : !HAPROXY && !process.env.CI
      ? 'haproxy is not installed (apt-get install haproxy)'
      : false;
const API_KEY = 'pk_cluster_test';
const AGENT = { email: 'ada@cluster.test', password: `pw-${randomBytes(6).toString('hex')}` };
const MESSAGES = 60;
const KILL_AFTER = 20;

/** @type {(() => Promise<void> | void)[]} */
const cleanups = [];
after(async () => {
  for (const clean of cleanups.reverse()) await clean();
});

/**
 * A visitor connection through the balancer that reconnects on every drop, resuming after the
 * last sequence number it has (`after=`), and records what it gets.
 * @param {string} base
 * @param {string} token
 */
function resumingVisitor(base, token) {
  const state = {
    /** @type {Map<number, string>} seq → text */
    seen: new Map(),
    duplicates: 0,
    lastSeq: 0,
    drops: 0,
    /** @type {number[]} milliseconds from each drop to the next `ready` */
    downtimes: [],
    closed: false,
  };
  /** @type {WebSocket | null} */
  let ws = null;
  let droppedAt = 0;
  const connect = () => {
    if (state.closed) return;
    const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/ws/chat?token=${encodeURIComponent(token)}&after=${state.lastSeq}`);
    ws = socket;
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === 'ready' && droppedAt) {
        state.downtimes.push(Date.now() - droppedAt);
        droppedAt = 0;
      }
      const messages = frame.type === 'message' ? [frame.message] : frame.type === 'messages' ? frame.messages : [];
      for (const m of messages) {
        if (state.seen.has(m.seq)) state.duplicates++;
        state.seen.set(m.seq, m.text);
        state.lastSeq = Math.max(state.lastSeq, m.seq);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (state.closed) return;
      if (!droppedAt) {
        droppedAt = Date.now();
        state.drops++;
      }
      setTimeout(connect, 100); // the widget's first backoff step is of this order
    });
  };
  connect();
  return {
    state,
    close() {
      state.closed = true;
      ws?.close();
    },
  };
}

test(
  'a node killed mid-conversation: its visitor comes back through HAProxy to the other node, nothing lost or repeated',
  { skip },
  async () => {
    assert.ok(HAPROXY, 'haproxy must be installed in CI');
    const database = await testDatabase('cluster');
    cleanups.push(() => database.drop());
    const dir = mkdtempSync(join(tmpdir(), 'amoiq-cluster-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const tenantsFile = join(dir, 'tenants.json');
    const passwordHash = await hashPassword(AGENT.password, { ln: 10, r: 8, p: 1 });
    writeFileSync(
      tenantsFile,
      JSON.stringify({
        tenants: [
          {
            id: 'demo',
            name: 'Demo',
            apiKey: API_KEY,
            allowedOrigins: ['*'],
            agents: [{ id: 'agent_ada', email: AGENT.email, name: 'Ada', passwordHash }],
          },
        ],
      }),
    );
    const env = {
      DATABASE_URL: database.url,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      TENANTS_FILE: tenantsFile,
      TRUST_PROXY: '1',
      RATE_SENDS_PER_SENDER: '10000',
      RATE_SENDS_PER_IP: '10000',
    };
    // One after the other: the second finds the schema and the tenants in place.
    const one = await startNode({ name: 'one', env });
    cleanups.push(one.stop);
    const two = await startNode({ name: 'two', env });
    cleanups.push(two.stop);
    // `balance first`: every client on node one, so the test knows which node to kill.
    const balancer = await startBalancer([one, two], { balance: 'first' });
    cleanups.push(balancer.stop);
    const lb = balancer.url;

    /** @param {string} path @param {{ body?: unknown, auth?: string, session?: string }} o */
    const call = async (path, { body, auth, session }) => {
      /** @type {Record<string, string>} */
      const headers = { 'Content-Type': 'application/json' };
      if (auth) headers.Authorization = `Bearer ${auth}`;
      if (session) headers['X-Amoiq-Session'] = session;
      const res = await fetch(`${lb}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json().catch(() => null) };
    };
    const session = (await call('/api/chat/session', { auth: API_KEY, body: { visitorId: newId() } })).body;
    assert.ok(session?.token, 'a visitor session through the balancer');
    const hello = await call('/api/chat/messages', {
      auth: API_KEY,
      session: session.token,
      body: { conversationId: session.conversationId, clientId: newId(), text: 'hello' },
    });
    assert.equal(hello.status, 201);
    const agentToken = (await call('/api/agent/login', { body: AGENT })).body?.token;
    assert.ok(agentToken, 'the agent logs in through the balancer');

    const visitor = resumingVisitor(lb, session.token);
    cleanups.push(() => visitor.close());
    await until(() => visitor.state.lastSeq >= 1, 'the visitor to be connected and have the first message', 10_000);

    /**
     * The agent's reply, sent until the cluster answers: a request the killed node never answered
     * is sent again with the same clientId (stored once).
     * @param {number} i
     */
    const reply = async (i) => {
      const clientId = newId();
      for (let attempt = 0; ; attempt++) {
        const res = await call(`/api/agent/conversations/${session.conversationId}/messages`, {
          auth: agentToken,
          body: { clientId, text: `agent ${i}` },
        }).catch(() => ({ status: 0, body: null }));
        if (res.status === 200 || res.status === 201) return;
        assert.ok(attempt < 200 && (res.status === 0 || res.status >= 500), `reply ${i}: ${res.status} ${JSON.stringify(res.body)}`);
        await new Promise((r) => setTimeout(r, 50)); // the outbox's retry pause
      }
    };
    for (let i = 1; i <= MESSAGES; i++) {
      if (i === KILL_AFTER + 1) one.proc.kill('SIGKILL');
      await reply(i);
    }

    await until(
      () => [...visitor.state.seen.values()].filter((t) => /^agent \d+$/.test(t)).length >= MESSAGES,
      'every agent message to reach the visitor',
      30_000,
    );
    const texts = [...visitor.state.seen.entries()].sort((x, y) => x[0] - y[0]).map(([, t]) => t);
    assert.deepEqual(
      texts.filter((t) => t.startsWith('agent ')),
      Array.from({ length: MESSAGES }, (_, i) => `agent ${i + 1}`),
      'each reply once, in order',
    );
    assert.equal(visitor.state.duplicates, 0, 'no message delivered twice');
    assert.ok(visitor.state.drops >= 1, 'the visitor was on the killed node and lost its connection');
    assert.ok(
      visitor.state.downtimes.every((ms) => ms < 5000),
      `back within 5 s: ${visitor.state.downtimes.join(', ')} ms`,
    );
    assert.equal(two.proc.exitCode, null, 'the other node still serves');
    console.log(
      `failover: ${visitor.state.drops} drop(s), back after ${visitor.state.downtimes.join(', ')} ms; ${MESSAGES} replies, 0 lost, 0 twice`,
    );
  },
);
