// @ts-check
// Store benchmark (issue 16, item 2): how many messages per second the reference backend's store
// takes on one connection, and how many statements (round trips to the database) each costs, on
// PGlite and on PostgreSQL. One connection on purpose: it shows the cost of one message, which
// is what the database's throughput is made of. Calls the store directly (no HTTP), one message
// after another, round-robin over 20 conversations. Then counts the statements a whole request
// costs through the server (HTTP and WebSocket, PGlite). Prints Markdown tables; it is a
// benchmark, not a test.
//
//   npm run bench:store                       (2,000 messages per case, 3 rounds; MESSAGES=500 ROUNDS=1 for a quick look)
//   DATABASE_URL=postgres://… npm run bench:store   (that server instead of a throwaway one)
//
// The throwaway PostgreSQL (Debian's binaries, test/plugins/postgres.mjs) keeps PostgreSQL's
// durable defaults (fsync, synchronous commit), as production does; PGlite never fsyncs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createServer } from '../demo/server/server.js';
import { openStore } from '../demo/server/store/index.js';
import { startPostgres } from '../test/plugins/postgres.mjs';

const MESSAGES = Number(process.env.MESSAGES ?? 2000);
/** Each case runs this many times, interleaved; the table shows the median and the best (a shared machine is noisy). */
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CONVERSATIONS = 20;

/**
 * @param {import('../demo/server/store/index.js').Store} store
 * @param {string} label
 * @param {(i: number, conversationId: string) => Promise<unknown>} op
 * @param {string[]} conversations
 */
async function measure(store, label, op, conversations) {
  // Warm up (JIT, plan caches, the first pages of the tables).
  for (let i = 0; i < 100; i++) await op(-i - 1, conversations[i % conversations.length]);
  const statements = store.db.stats().statements;
  const started = performance.now();
  for (let i = 0; i < MESSAGES; i++) await op(i, conversations[i % conversations.length]);
  const seconds = (performance.now() - started) / 1000;
  return { label, perSecond: MESSAGES / seconds, statements: (store.db.stats().statements - statements) / MESSAGES };
}

/**
 * @param {string} engine
 * @param {{ dataDir?: string, databaseUrl?: string }} where
 */
async function run(engine, where) {
  const store = await openStore({ ...where, poolSize: 1 });
  await store.tenants.upsert({ id: 'bench', name: 'Bench', apiKey: `pk_bench_${Date.now()}`, allowedOrigins: ['*'] }, {});
  await store.agents.upsert({
    id: 'agent_bench',
    tenantId: 'bench',
    email: `bench-${Date.now()}@bench.test`,
    name: 'Bench',
    passwordHash: 'scrypt$bench',
  });
  /** @type {string[]} */
  const conversations = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    conversations.push((await store.conversations.open('bench', `visitor_bench_${Date.now()}_${i}`)).conversation.id);
  }
  const agent = /** @type {const} */ ({ type: 'agent', id: 'agent_bench', name: 'Bench' });
  /** @type {Map<string, { perSecond: number[], statements: number }>} */
  const cases = new Map();
  for (let round = 0; round < ROUNDS; round++) {
    const run = `${round}_${Date.now().toString(36)}`;
    const rows = [
      await measure(
        store,
        'visitor message',
        (i, c) =>
          store.messages.insert({ conversationId: c, clientId: `v_${run}_${i}`, sender: { type: 'visitor' }, text: `message ${i}` }),
        conversations,
      ),
      await measure(
        store,
        'agent reply',
        (i, c) =>
          store.messages.insert({
            conversationId: c,
            clientId: `a_${run}_${i}`,
            sender: agent,
            text: `reply ${i}`,
            joinedText: 'Bench joined the conversation.',
          }),
        conversations,
      ),
      // The same (i, conversation) pairs as the visitor messages: every clientId is stored already.
      await measure(
        store,
        'resend (stored clientId)',
        (i, c) => store.messages.insert({ conversationId: c, clientId: `v_${run}_${i}`, sender: { type: 'visitor' }, text: 'again' }),
        conversations,
      ),
    ];
    for (const row of rows) {
      const entry = cases.get(row.label) ?? { perSecond: [], statements: row.statements };
      entry.perSecond.push(row.perSecond);
      cases.set(row.label, entry);
    }
  }
  await store.close();
  return [...cases].map(([label, { perSecond, statements }]) => {
    const sorted = [...perSecond].sort((a, b) => a - b);
    return { engine, label, median: Math.round(sorted[Math.floor(sorted.length / 2)]), best: Math.round(sorted.at(-1) ?? 0), statements };
  });
}

const results = [];
const pgliteDir = mkdtempSync(join(tmpdir(), 'amoiq-bench-store-'));
try {
  results.push(...(await run('PGlite', { dataDir: pgliteDir })));
} finally {
  rmSync(pgliteDir, { recursive: true, force: true });
}
const server = process.env.DATABASE_URL ? null : await startPostgres({ durable: true });
try {
  results.push(...(await run('PostgreSQL', { databaseUrl: process.env.DATABASE_URL ?? server?.url })));
} finally {
  await server?.stop();
}

console.log(`\n${MESSAGES} messages per case and round, ${ROUNDS} round(s), one connection, ${CONVERSATIONS} conversations round-robin\n`);
console.log('| store | operation | messages/s (median) | messages/s (best) | statements per message |');
console.log('| --- | --- | ---: | ---: | ---: |');
for (const r of results)
  console.log(
    `| ${r.engine} | ${r.label} | ${r.median.toLocaleString('en')} | ${r.best.toLocaleString('en')} | ${r.statements.toFixed(1)} |`,
  );

/**
 * Statements each request costs through the server: a running backend on PGlite, one request of
 * each kind after a warm-up, counted by the database's statement counter.
 */
async function requests() {
  const dataDir = mkdtempSync(join(tmpdir(), 'amoiq-bench-requests-'));
  const server = await createServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    jwtSecret: 'bench',
    rateLimits: { sessionsPerIp: 1e6, sessionsPerVisitor: 1e6, sendsPerIp: 1e6, sendsPerSender: 1e6, uploads: 1e6 },
    tenants: [
      {
        id: 'bench',
        name: 'Bench',
        apiKey: 'pk_bench',
        allowedOrigins: ['*'],
        agents: [
          {
            id: 'agent_b',
            email: 'b@bench.test',
            name: 'B',
            passwordHash: 'scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
          },
        ],
      },
    ],
  });
  const { TokenService } = await import('../demo/server/auth.js');
  const agentToken = (
    await new TokenService({ secret: 'bench', sessionTtlSeconds: 900, agentTtlSeconds: 3600 }).signAgent({
      tenantId: 'bench',
      agentId: 'agent_b',
      version: 0,
    })
  ).token;
  /** @param {string} path @param {{ body?: unknown, token?: string, session?: string }} [o] */
  const call = async (path, o = {}) => {
    const res = await fetch(server.url + path, {
      method: o.body === undefined ? 'GET' : 'POST',
      headers: {
        Authorization: `Bearer ${o.token ?? 'pk_bench'}`,
        'Content-Type': 'application/json',
        ...(o.session ? { 'X-Amoiq-Session': o.session } : {}),
      },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
    return res.status === 204 ? null : res.json();
  };
  const session = await call('/api/chat/session', { body: { visitorId: 'visitor_bench_requests' } });
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/chat?token=${session.token}`);
  /** @type {Array<(frame: any) => void>} */
  const waiting = [];
  ws.on('message', (data) => waiting.splice(0).forEach((wake) => wake(JSON.parse(String(data)))));
  await new Promise((resolve) => ws.once('open', resolve));
  const agentWs = new WebSocket(`${server.url.replace('http', 'ws')}/ws/agent?token=${agentToken}`);
  await new Promise((resolve) => agentWs.once('message', resolve));
  let n = 0;
  const cases = {
    'visitor message, HTTP': () =>
      call('/api/chat/messages', {
        session: session.token,
        body: { conversationId: session.conversationId, clientId: `bench_http_${++n}`, text: 'hi' },
      }),
    'visitor message, WebSocket': () =>
      new Promise((resolve) => {
        const clientId = `bench_ws_${++n}`;
        const wait = (/** @type {any} */ frame) =>
          frame.type === 'ack' && frame.clientId === clientId ? resolve(frame) : waiting.push(wait);
        waiting.push(wait);
        ws.send(JSON.stringify({ type: 'message', clientId, text: 'hi' }));
      }),
    'agent reply, HTTP': () =>
      call(`/api/agent/conversations/${session.conversationId}/messages`, {
        token: agentToken,
        body: { clientId: `bench_agent_${++n}`, text: 'hello' },
      }),
    'agent typing, WebSocket': async () => {
      agentWs.send(JSON.stringify({ type: 'typing', conversationId: session.conversationId, typing: n++ % 2 === 0 }));
      agentWs.send(JSON.stringify({ type: 'ping', ts: n }));
      await new Promise((resolve) => agentWs.once('message', resolve));
    },
    'long poll answered, HTTP': () =>
      call(`/api/chat/messages?conversationId=${session.conversationId}&after=0&limit=1`, { session: session.token }),
  };
  /** @type {Array<{ label: string, statements: number }>} */
  const rows = [];
  for (const [label, op] of Object.entries(cases)) {
    for (let i = 0; i < 3; i++) await op();
    const before = server.databaseStats().statements;
    for (let i = 0; i < 20; i++) await op();
    rows.push({ label, statements: (server.databaseStats().statements - before) / 20 });
  }
  ws.close();
  agentWs.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  return rows;
}

console.log('\nStatements per request through the server (PGlite; the same statements on PostgreSQL)\n');
console.log('| request | statements |');
console.log('| --- | ---: |');
for (const r of await requests()) console.log(`| ${r.label} | ${r.statements.toFixed(1)} |`);
