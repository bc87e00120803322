// @ts-check
// Load benchmark of the reference backend (issue 16): visitors each holding a WebSocket and
// sending messages over it, agents holding the console's socket and answering over HTTP, against
// real server processes (demo/server/main.js) on loopback. For each setup — PGlite on one node,
// PostgreSQL on one node, PostgreSQL on two nodes behind HAProxy — it measures:
//   light        100 visitor messages/s (open loop), every one answered by an agent;
//   saturation   every visitor sends its next message as soon as the last is acknowledged
//                (closed loop), an agent answers one in ten;
// and reports messages/s, visitor→agent and agent→visitor latency p50/p95/p99, the server's RSS
// and CPU, and errors. Then, on PostgreSQL with one node, 10,000 idle visitor WebSockets (RSS);
// and with two nodes, one node killed (SIGKILL) under load: lost and duplicated messages and how
// long the visitors took to come back. Prints Markdown tables with each figure beside its target;
// it is a benchmark, not a test (bench/README.md, docs/scaling.md).
//
//   npm run bench:load                     (20 s per phase, 10,000 idle sockets)
//   QUICK=1 npm run bench:load             (5 s per phase, 2,000 idle sockets)
//   SETUPS=pg1,pg2 npm run bench:load      (pglite, pg1, pg2)
//   PG_DURABLE=0 npm run bench:load        (PostgreSQL without fsync/synchronous commit: for
//                                           comparison only; by default it runs as production does)
//   PROFILE_DIR=/tmp/prof npm run bench:load   (the servers write V8 CPU profiles there: open them
//                                           in Chrome DevTools → Performance; where the time goes)
//   TAIL=1 npm run bench:load              (when the slowest 1% of each phase were sent: a tail
//                                           spread over the phase, or one moment that held it)
//
// The load generator runs in this process on the same two cores as the servers, HAProxy and
// PostgreSQL: the figures are what this machine does with everything on it. So each phase also
// reports the CPU time per message of the server nodes, of PostgreSQL (all its processes) and of
// this generator: the figure that decides throughput on a shared machine, and one that moves far
// less than wall-clock latency when other work runs beside the benchmark. The generator is kept
// lean for the same reason (clientIds from a counter, frames routed without parsing the ones it
// does not read).
// With PROFILE_DIR, each phase's start and end are printed in the monotonic clock the profiles use
// (µs), so `WINDOW=start-end node bench/profile-summary.mjs <profile>` summarizes one phase.
import { randomBytes } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { hashPassword } from '../demo/server/auth.js';
import { startPostgres } from '../test/plugins/postgres.mjs';
import { HAPROXY, processStats, startBalancer, startNode } from '../test/node/helpers/processes.mjs';

const QUICK = process.env.QUICK === '1';
const PHASE_SECONDS = Number(process.env.PHASE_SECONDS ?? (QUICK ? 5 : 20));
const VISITORS = Number(process.env.VISITORS ?? 200);
const AGENTS = 2;
const LIGHT_RATE = 100;
const IDLE_SOCKETS = Number(process.env.IDLE_SOCKETS ?? (QUICK ? 2000 : 10_000));
const SETUPS = (process.env.SETUPS ?? 'pglite,pg1,pg2').split(',').map((s) => s.trim());
const API_KEY = 'pk_load_bench';
const PROFILE_DIR = process.env.PROFILE_DIR;
/** TAIL=1: print when the slowest 1% of each phase's messages were sent. */
const TAIL = process.env.TAIL === '1';
const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
/** clientIds: a random prefix per run and a counter (randomBytes per message showed in the generator's profile). */
const ID_PREFIX = randomBytes(6).toString('base64url');
let idCounter = 0;
const nextClientId = () => `${ID_PREFIX}${(++idCounter).toString(36)}`;
/**
 * The generator's HTTP (logins, sessions, agents' replies): node:http over kept-alive connections.
 * With fetch (undici) each reply allocated enough that the generator's own garbage collections
 * (scavenges of 12–50 ms, about one a second) were measured as the server's latency.
 */
const keepAlive = new HttpAgent({ keepAlive: true, maxSockets: 64 });
/** Monotonic µs, the clock of V8's CPU profiles. */
const monoMicros = () => Number(process.hrtime.bigint() / 1000n);

/** Limits opened wide: the benchmark measures throughput, not the abuse limits. */
const WIDE_OPEN = {
  TRUST_PROXY: '1',
  RATE_SESSIONS_PER_IP: '1000000',
  RATE_SESSIONS_PER_VISITOR: '1000000',
  RATE_SENDS_PER_IP: '10000000',
  RATE_SENDS_PER_SENDER: '1000000',
  MAX_CONNECTIONS_PER_IP: '1000000',
  MAX_CONNECTIONS_PER_TOKEN: '1000',
  LOGIN_FAILURES_PER_IP: '1000000',
};

/** @param {number[]} values @param {number} p */
function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const ms = (/** @type {number} */ v) => (Number.isNaN(v) ? '–' : v < 10 ? v.toFixed(1) : Math.round(v).toString());
const sleep = (/** @type {number} */ t) => new Promise((r) => setTimeout(r, t));

/** @param {string} dir */
async function writeTenants(dir) {
  const passwordHash = await hashPassword(PASSWORD, { ln: 10, r: 8, p: 1 });
  const file = join(dir, 'tenants.json');
  writeFileSync(
    file,
    JSON.stringify({
      tenants: [
        {
          id: 'bench',
          name: 'Bench',
          apiKey: API_KEY,
          allowedOrigins: ['*'],
          agents: Array.from({ length: AGENTS }, (_, i) => ({
            id: `agent_${i}`,
            email: `agent${i}@bench.test`,
            name: `Agent ${i}`,
            passwordHash,
          })),
        },
      ],
    }),
  );
  return file;
}

/**
 * @param {string} base
 * @param {string} path
 * @param {{ body?: unknown, auth?: string, session?: string }} o
 */
async function post(base, path, { body, auth, session }) {
  const payload = JSON.stringify(body);
  /** @type {Record<string, string | number>} */
  const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) };
  if (auth) headers.Authorization = `Bearer ${auth}`;
  if (session) headers['X-Amoiq-Session'] = session;
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method: 'POST', headers, agent: keepAlive }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {
          // not JSON (a proxy's error page)
        }
        resolve({ status: res.statusCode ?? 0, body: json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Runs `fn` over `items` with at most `limit` at once. @template T @param {T[]} items @param {number} limit @param {(item: T, i: number) => Promise<void>} fn */
async function pool(items, limit, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

/**
 * What every client reports into: send times by clientId, latencies, errors. Each phase starts a
 * new one ({@link stats}).
 */
function newStats() {
  return {
    /** @type {Map<string, number>} visitor message clientId → sent at */
    sentAt: new Map(),
    /** @type {Map<string, number>} reply clientId → sent at */
    replySentAt: new Map(),
    /** @type {number[]} */ visitorToAgent: [],
    /** @type {number[]} */ agentToVisitor: [],
    /** When each of those was sent (performance.now()), in the same order: where the slow ones fall. */
    /** @type {number[]} */ visitorToAgentSent: [],
    /** @type {number[]} */ agentToVisitorSent: [],
    acked: 0,
    replies: 0,
    errors: 0,
    /** @type {Map<string, number>} error kind → count */
    errorKinds: new Map(),
    /** @param {string} kind */
    error(kind) {
      this.errors++;
      this.errorKinds.set(kind, (this.errorKinds.get(kind) ?? 0) + 1);
    },
  };
}

/** The current phase's figures; the clients report into whatever it is when something happens. */
let stats = newStats();

/**
 * A visitor: a session and a socket that resumes from its cursor after a drop, resending what was
 * not acknowledged with the same clientId (as the widget's outbox does).
 * @param {string} base
 */
async function createVisitor(base) {
  const visitorId = randomBytes(15).toString('base64url');
  let answer = { status: 0, body: /** @type {any} */ (null) };
  // A few tries: on a machine this busy HAProxy's health checks can miss and answer 503 for a moment.
  for (let attempt = 0; attempt < 12 && !answer.body?.token; attempt++) {
    if (attempt) await sleep(Math.min(2000, 250 * attempt));
    answer = await post(base, '/api/chat/session', { auth: API_KEY, body: { visitorId } }).catch(() => ({ status: 0, body: null }));
  }
  const s = answer.body;
  if (!s?.token) throw new Error(`session failed: HTTP ${answer.status} ${JSON.stringify(s)}`);
  const v = {
    token: /** @type {string} */ (s.token),
    conversationId: /** @type {string} */ (s.conversationId),
    lastSeq: 0,
    /** @type {Set<number>} */ seqs: new Set(),
    duplicates: 0,
    /** @type {Map<string, string>} clientId → text, sent and not acknowledged yet */
    unacked: new Map(),
    /** @type {WebSocket | null} */ ws: null,
    ready: false,
    closed: false,
    droppedAt: 0,
    /** @type {number[]} */ downtimes: [],
    /** @type {(() => void) | null} */ onAck: null,
  };
  const connect = () =>
    new Promise((resolveReady) => {
      if (v.closed) return resolveReady(undefined);
      const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws/chat?token=${encodeURIComponent(v.token)}&after=${v.lastSeq}`);
      v.ws = ws;
      ws.on('message', (data) => {
        const text = String(data);
        // Frames the generator does not read (presence, status, read, typing) are not parsed.
        if (!(
          text.startsWith('{"type":"ack"') ||
          text.startsWith('{"type":"message') ||
          text.startsWith('{"type":"ready') ||
          text.startsWith('{"type":"error')
        ))
          return;
        const frame = JSON.parse(text);
        if (frame.type === 'ready') {
          v.ready = true;
          if (v.droppedAt) v.downtimes.push(Date.now() - v.droppedAt);
          v.droppedAt = 0;
          for (const [clientId, text] of v.unacked) ws.send(JSON.stringify({ type: 'message', clientId, text }));
          resolveReady(undefined);
        } else if (frame.type === 'ack') {
          if (v.unacked.delete(frame.clientId)) stats.acked++;
          v.onAck?.();
        } else if (frame.type === 'message' || frame.type === 'messages') {
          for (const m of frame.type === 'message' ? [frame.message] : frame.messages) {
            if (v.seqs.has(m.seq)) v.duplicates++;
            v.seqs.add(m.seq);
            v.lastSeq = Math.max(v.lastSeq, m.seq);
            const sent = m.sender?.type === 'agent' ? stats.replySentAt.get(m.clientId) : undefined;
            if (sent !== undefined) {
              stats.agentToVisitor.push(performance.now() - sent);
              stats.agentToVisitorSent.push(sent);
              stats.replySentAt.delete(m.clientId);
            }
          }
        } else if (frame.type === 'error') stats.error(`visitor frame ${frame.code}`);
      });
      ws.on('error', () => undefined);
      ws.on('close', () => {
        v.ready = false;
        if (v.closed) return;
        if (!v.droppedAt) v.droppedAt = Date.now();
        setTimeout(() => void connect(), 100 + Math.random() * 200);
      });
    });
  await connect();
  return {
    v,
    /** @param {string} text */
    send(text) {
      const clientId = nextClientId();
      stats.sentAt.set(clientId, performance.now());
      v.unacked.set(clientId, text);
      if (v.ready) v.ws?.send(JSON.stringify({ type: 'message', clientId, text }));
      return clientId;
    },
    close() {
      v.closed = true;
      v.ws?.close();
    },
  };
}

/**
 * An agent: the console's socket, measuring visitor→agent latency, answering over HTTP.
 * @param {string} base where its socket connects
 * @param {string} apiBase where its replies go
 * @param {number} i
 */
async function createAgent(base, apiBase, i) {
  const token = (await post(apiBase, '/api/agent/login', { body: { email: `agent${i}@bench.test`, password: PASSWORD } })).body?.token;
  if (!token) throw new Error('agent login failed');
  const agent = {
    /** @type {(message: any) => void} */
    onVisitorMessage: () => undefined,
    /** @type {WebSocket} */
    ws: new WebSocket(`${base.replace(/^http/, 'ws')}/ws/agent?token=${encodeURIComponent(token)}`),
    /**
     * @param {string} conversationId
     * @param {string} text
     */
    async reply(conversationId, text) {
      const clientId = nextClientId();
      stats.replySentAt.set(clientId, performance.now());
      const send = () =>
        post(apiBase, `/api/agent/conversations/${conversationId}/messages`, { auth: token, body: { clientId, text } }).catch(() => ({
          status: 0,
        }));
      let { status } = await send();
      // No answer (a kept-alive connection the server closed as it was reused, on a very busy
      // machine): sent again with the same clientId, as the console's outbox does; stored once.
      if (status === 0) ({ status } = await send());
      if (status === 200 || status === 201) stats.replies++;
      else stats.error(`reply HTTP ${status}`);
    },
  };
  await new Promise((resolveReady, fail) => {
    agent.ws.on('message', (data) => {
      const text = String(data);
      // Only visitors' messages and `ready` are read: the conversation updates that follow every
      // message (and the others) are skipped without parsing.
      if (!(text.startsWith('{"type":"message"') ? text.includes('"sender":{"type":"visitor"') : text.startsWith('{"type":"ready'))) return;
      const frame = JSON.parse(text);
      if (frame.type === 'ready') resolveReady(undefined);
      else if (frame.type === 'message' && frame.message.sender?.type === 'visitor') agent.onVisitorMessage(frame.message);
    });
    agent.ws.on('error', fail);
  });
  return agent;
}

/** The PostgreSQL server's main process (set once it runs), whose children are its backends. @type {number | null} */
let postmasterPid = null;
/** The PostgreSQL server's admin URL (set once it runs). @type {string | null} */
let postgresUrl = null;

/** WAL flushes (fsync or equivalent) PostgreSQL has made so far (pg_stat_wal, PostgreSQL 14+), or NaN. */
async function walSyncs(/** @type {boolean} */ used) {
  if (!postgresUrl || !used) return NaN;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: postgresUrl });
  try {
    await client.connect();
    return Number((await client.query('SELECT wal_sync FROM pg_stat_wal')).rows[0].wal_sync);
  } catch {
    return NaN;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** CPU seconds of PostgreSQL: the main process and every child (backends, WAL writer, checkpointer). */
function postgresCpuSeconds() {
  if (!postmasterPid) return 0;
  let total = safeStats(postmasterPid).cpuSeconds;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === postmasterPid) total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/**
 * Samples the servers' CPU and RSS over a phase, and the CPU of PostgreSQL and of this generator.
 * @param {number[]} pids
 */
function sampler(pids) {
  const start = pids.map((pid) => processStats(pid));
  const pgStart = postgresCpuSeconds();
  const genStart = process.cpuUsage();
  const t0 = performance.now();
  let peakRss = 0;
  const timer = setInterval(() => {
    const rss = pids.reduce((n, pid) => n + safeStats(pid).rssBytes, 0);
    peakRss = Math.max(peakRss, rss);
  }, 250);
  return () => {
    clearInterval(timer);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = pids.reduce((n, pid, i) => n + safeStats(pid).cpuSeconds - start[i].cpuSeconds, 0);
    const gen = process.cpuUsage(genStart);
    return {
      cpuPercent: (cpu / seconds) * 100,
      peakRssMiB: peakRss / 2 ** 20,
      cpuSeconds: { server: cpu, postgres: postgresCpuSeconds() - pgStart, generator: (gen.user + gen.system) / 1e6 },
    };
  };
}
/** @param {number} pid */
function safeStats(pid) {
  try {
    return processStats(pid);
  } catch {
    return { cpuSeconds: 0, rssBytes: 0 };
  }
}

/**
 * The servers' statement counters from /metrics (loopback, so no token), summed over the nodes.
 * @param {string[]} urls
 */
async function dbCounters(urls) {
  const total = { statements: 0, storeStatements: 0, storeMessages: 0 };
  for (const url of urls) {
    const text = await fetch(`${url}/metrics`)
      .then((r) => r.text())
      .catch(() => '');
    const read = (/** @type {string} */ name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
    total.statements += read('amoiq_db_statements_total');
    total.storeStatements += read('amoiq_message_store_statements_total');
    total.storeMessages += read('amoiq_message_store_messages_total');
  }
  return total;
}

/**
 * One phase of traffic over the given visitors and agents.
 * @param {'light' | 'saturation'} kind
 * @param {Awaited<ReturnType<typeof createVisitor>>[]} visitors
 * @param {Awaited<ReturnType<typeof createAgent>>[]} agents
 * @param {number[]} pids
 * @param {string[]} urls the nodes (their /metrics)
 * @param {boolean} usesPostgres
 */
async function phase(kind, visitors, agents, pids, urls, usesPostgres) {
  stats = newStats();
  const db0 = await dbCounters(urls);
  const wal0 = await walSyncs(usesPostgres);
  let answered = 0;
  // The first agent answers (all in the light phase, one in ten at saturation); the other only listens.
  agents[0].onVisitorMessage = (message) => {
    const sent = stats.sentAt.get(message.clientId);
    if (sent === undefined) return;
    stats.sentAt.delete(message.clientId);
    stats.visitorToAgent.push(performance.now() - sent);
    stats.visitorToAgentSent.push(sent);
    if (kind === 'light' || answered++ % 10 === 0) void agents[0].reply(message.conversationId, `re: ${message.text}`);
  };
  for (const visitor of visitors) visitor.v.onAck = null;
  const stop = sampler(pids);
  const t0 = performance.now();
  const mono0 = monoMicros();
  const end = t0 + PHASE_SECONDS * 1000;
  if (kind === 'light') {
    let sent = 0;
    while (performance.now() < end) {
      const due = Math.floor(((performance.now() - t0) / 1000) * LIGHT_RATE);
      for (; sent < due; sent++) visitors[sent % visitors.length].send(`light ${sent}`);
      await sleep(5);
    }
  } else {
    let running = true;
    for (const visitor of visitors) {
      visitor.v.onAck = () => {
        if (running && visitor.v.unacked.size === 0) visitor.send('saturation');
      };
      visitor.send('saturation');
    }
    await sleep(PHASE_SECONDS * 1000);
    running = false;
  }
  const seconds = (performance.now() - t0) / 1000;
  const acked = stats.acked;
  const replies = stats.replies;
  if (PROFILE_DIR) console.error(`::: ${kind}: profile window WINDOW=${mono0}-${monoMicros()}`);
  // Let what is in flight arrive (bounded), so latencies include the slow tail.
  const drainEnd = performance.now() + 5000;
  while ((stats.sentAt.size || stats.replySentAt.size) && performance.now() < drainEnd) await sleep(50);
  const server = stop();
  if (TAIL) {
    // The slowest 1% of each direction, in the order sent: spread over the phase (queueing behind
    // other work) or together within a moment (something that held the machine then).
    for (const [name, lat, sentAt] of /** @type {const} */ ([
      ['visitor→agent', stats.visitorToAgent, stats.visitorToAgentSent],
      ['agent→visitor', stats.agentToVisitor, stats.agentToVisitorSent],
    ])) {
      const slow = lat
        .map((l, i) => [sentAt[i] - t0, l])
        .sort((a, b) => b[1] - a[1])
        .slice(0, Math.ceil(lat.length / 100));
      slow.sort((a, b) => a[0] - b[0]);
      console.error(
        `::: ${kind} ${name}, slowest 1% (ms into the phase: latency ms): ${slow.map(([t, l]) => `${(t / 1000).toFixed(2)}s:${Math.round(l)}`).join(' ')}`,
      );
    }
  }
  const db1 = await dbCounters(urls);
  const wal1 = await walSyncs(usesPostgres);
  const lostInFlight = stats.sentAt.size;
  // CPU per stored message (visitors' and agents'), drain included on both sides of the ratio.
  const stored = stats.acked + stats.replies;
  const perMessage = (/** @type {number} */ cpuSeconds) => (stored ? (cpuSeconds * 1000) / stored : NaN);
  return {
    kind,
    // Round trips to the database per stored message (/metrics; the scrapes themselves count
    // none), and messages per group-commit statement.
    statementsPerMessage: stored ? (db1.statements - db0.statements) / stored : NaN,
    groupCommit: (db1.storeMessages - db0.storeMessages) / Math.max(1, db1.storeStatements - db0.storeStatements),
    walSyncsPerMessage: stored ? (wal1 - wal0) / stored : NaN,
    cpuMsPerMessage: {
      server: perMessage(server.cpuSeconds.server),
      postgres: perMessage(server.cpuSeconds.postgres),
      generator: perMessage(server.cpuSeconds.generator),
    },
    msgsPerSecond: acked / seconds,
    repliesPerSecond: replies / seconds,
    v2a: [50, 95, 99].map((p) => percentile(stats.visitorToAgent, p)),
    a2v: [50, 95, 99].map((p) => percentile(stats.agentToVisitor, p)),
    errors: stats.errors + lostInFlight,
    errorKinds: [...stats.errorKinds].map(([k, n]) => `${k}: ${n}`).concat(lostInFlight ? [`not delivered in 5 s: ${lostInFlight}`] : []),
    ...server,
  };
}

/**
 * Starts a setup: its servers and where clients connect.
 * @param {string} setup
 * @param {string} tenantsFile
 * @param {() => Promise<string>} database a fresh PostgreSQL database URL
 */
async function startSetup(setup, tenantsFile, database) {
  const base = {
    ...WIDE_OPEN,
    TENANTS_FILE: tenantsFile,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    ...(PROFILE_DIR ? { SHUTDOWN_DELAY_SECONDS: '0' } : {}),
  };
  const nodeArgs = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  if (setup === 'pglite') {
    const node = await startNode({ name: 'pglite', env: base, nodeArgs });
    return { label: 'PGlite, one node', nodes: [node], url: node.url, agentUrl: node.url, stop: node.stop };
  }
  const env = { ...base, DATABASE_URL: await database(), DATABASE_POOL_SIZE: '10' };
  const one = await startNode({ name: 'one', env, nodeArgs });
  if (setup === 'pg1') return { label: 'PostgreSQL, one node', nodes: [one], url: one.url, agentUrl: one.url, stop: one.stop };
  const two = await startNode({ name: 'two', env, nodeArgs });
  const lb = await startBalancer([one, two], { maxconn: 8000 });
  return {
    label: 'PostgreSQL, two nodes + HAProxy',
    nodes: [one, two],
    url: lb.url,
    // Agents on node two directly, so the kill of node one leaves the answering side standing.
    agentUrl: two.url,
    stop: async () => {
      await lb.stop();
      await one.stop();
      await two.stop();
    },
  };
}

async function main() {
  if (SETUPS.includes('pg2') && !HAPROXY) throw new Error('SETUPS has pg2: install haproxy (apt-get install haproxy)');
  const dir = mkdtempSync(join(tmpdir(), 'amoiq-load-'));
  const tenantsFile = await writeTenants(dir);
  const needsPostgres = SETUPS.some((s) => s !== 'pglite');
  const postgres = needsPostgres ? await startPostgres({ durable: process.env.PG_DURABLE !== '0' }) : null;
  postgresUrl = postgres?.url ?? null;
  if (postgres) postmasterPid = Number(readFileSync(join(postgres.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  let databases = 0;
  const database = async () => {
    if (!postgres) throw new Error('no PostgreSQL');
    const { default: pg } = await import('pg');
    const name = `load_${++databases}_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(postgres.url);
    url.pathname = `/${name}`;
    return url.toString();
  };
  /** @type {string[]} */
  const rows = [];
  /** @type {string[]} */
  const notes = [];
  try {
    for (const setup of SETUPS) {
      console.error(`\n::: ${setup}: starting`);
      const s = await startSetup(setup, tenantsFile, database);
      try {
        const pids = s.nodes.map((n) => /** @type {number} */ (n.proc.pid));
        /** @type {Awaited<ReturnType<typeof createVisitor>>[]} */
        const visitors = [];
        await pool(
          Array.from({ length: VISITORS }, (_, i) => i),
          20,
          async () => void visitors.push(await createVisitor(s.url)),
        );
        const agents = [];
        for (let i = 0; i < AGENTS; i++) agents.push(await createAgent(s.agentUrl, s.agentUrl, i));
        // Warm-up: JIT, plan caches, the first pages of the tables, both ways: every visitor's
        // message is answered, so the replies' path (HTTP, its statements, the other node) is warm
        // before the first measured one (it was not, and the light phase's first second carried
        // a cold-start tail).
        let warmReplies = 0;
        agents[0].onVisitorMessage = (message) => void agents[0].reply(message.conversationId, 'warm-up').finally(() => warmReplies++);
        for (const visitor of visitors) visitor.send('warm-up');
        const warmUntil = Date.now() + 60_000;
        while (
          (visitors.some((v) => v.v.unacked.size) || warmReplies < visitors.length || stats.replySentAt.size) &&
          Date.now() < warmUntil
        )
          await sleep(50);
        for (const kind of /** @type {const} */ (['light', 'saturation'])) {
          console.error(`::: ${setup}: ${kind} for ${PHASE_SECONDS} s`);
          const r = await phase(
            kind,
            visitors,
            agents,
            pids,
            s.nodes.map((n) => n.url),
            setup !== 'pglite',
          );
          rows.push(
            `| ${s.label} | ${kind === 'light' ? 'light (100 msgs/s)' : `saturation (${VISITORS} visitors, closed loop)`} | ${Math.round(r.msgsPerSecond)} + ${Math.round(r.repliesPerSecond)} replies | ${r.v2a.map(ms).join(' / ')} | ${r.a2v.map(ms).join(' / ')} | ${Math.round(r.peakRssMiB)} | ${Math.round(r.cpuPercent)} % | ${[r.cpuMsPerMessage.server, r.cpuMsPerMessage.postgres, r.cpuMsPerMessage.generator].map((v) => v.toFixed(2)).join(' / ')} | ${r.statementsPerMessage.toFixed(2)} (${r.groupCommit.toFixed(1)}) / ${Number.isNaN(r.walSyncsPerMessage) ? '–' : r.walSyncsPerMessage.toFixed(2)} | ${r.errors}${r.errorKinds.length ? ` (${r.errorKinds.join('; ')})` : ''} |`,
          );
          console.error(rows.at(-1));
        }
        if (setup === 'pg2') {
          console.error('::: pg2: killing node one under load');
          notes.push(await killUnderLoad(s, visitors, agents));
        }
        for (const visitor of visitors) visitor.close();
        for (const agent of agents) agent.ws.close();
        if (setup === 'pg1' || (setup === 'pglite' && !SETUPS.includes('pg1'))) {
          console.error(`::: ${setup}: ${IDLE_SOCKETS} idle visitor sockets`);
          notes.push(await idleSockets(s));
        }
      } finally {
        // A profiled node writes its profile when it exits on its own: SIGTERM, not SIGKILL.
        if (PROFILE_DIR) await Promise.all(s.nodes.map((n) => terminate(n.proc)));
        await s.stop();
      }
    }
  } finally {
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `\n## Load (${PHASE_SECONDS} s per phase, ${VISITORS} visitors, ${AGENTS} agents; ${new Date().toISOString().slice(0, 10)})\n`,
  );
  console.log(
    '| setup | load | msgs/s (visitor + agent) | visitor→agent p50 / p95 / p99 ms | agent→visitor p50 / p95 / p99 ms | server RSS MiB (peak) | server CPU | CPU ms per message: server / PostgreSQL / generator | statements per message (messages per group commit) / WAL flushes per message | errors |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
  console.log('\nTargets: light load p99 ≤ 20 ms both ways on every setup; PostgreSQL one node ≥ 3,000 msgs/s with 0 errors.\n');
  for (const note of notes) console.log(note);
}

/** @param {import('node:child_process').ChildProcess} proc */
async function terminate(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
}

/**
 * Kills node one (SIGKILL) in the middle of light load and counts what was lost or repeated.
 * @param {Awaited<ReturnType<typeof startSetup>>} s
 * @param {Awaited<ReturnType<typeof createVisitor>>[]} visitors
 * @param {Awaited<ReturnType<typeof createAgent>>[]} agents
 */
async function killUnderLoad(s, visitors, agents) {
  for (const visitor of visitors) {
    visitor.v.downtimes = [];
    visitor.v.duplicates = 0;
  }
  agents[0].onVisitorMessage = () => undefined;
  /** @type {string[]} */
  const sent = [];
  const t0 = performance.now();
  let n = 0;
  let killed = false;
  while (performance.now() - t0 < 10_000) {
    const due = Math.floor(((performance.now() - t0) / 1000) * LIGHT_RATE);
    for (; n < due; n++) sent.push(visitors[n % visitors.length].send(`kill ${n}`));
    if (!killed && performance.now() - t0 > 3000) {
      s.nodes[0].proc.kill('SIGKILL');
      killed = true;
    }
    await sleep(5);
  }
  // Everything sent must be acknowledged in the end (resent with its clientId after reconnecting).
  const end = performance.now() + 20_000;
  while (visitors.some((v) => v.v.unacked.size) && performance.now() < end) await sleep(100);
  const lost = visitors.reduce((k, v) => k + v.v.unacked.size, 0);
  const duplicates = visitors.reduce((k, v) => k + v.v.duplicates, 0);
  const downtimes = visitors.flatMap((v) => v.v.downtimes);
  return [
    `**Two nodes, node one killed under load** (${LIGHT_RATE} msgs/s for 10 s, SIGKILL at 3 s): ${sent.length} messages sent, ` +
      `${lost} lost (never acknowledged), ${duplicates} delivered twice to a visitor; ${downtimes.length} visitors reconnected through HAProxy, ` +
      `back after p50 ${ms(percentile(downtimes, 50))} / p95 ${ms(percentile(downtimes, 95))} / max ${ms(Math.max(0, ...downtimes))} ms (target: 0 lost, 0 duplicated, p95 ≤ 5,000 ms).`,
  ].join('\n');
}

/**
 * Opens IDLE_SOCKETS visitor sockets on one node and reports its resident memory.
 * @param {Awaited<ReturnType<typeof startSetup>>} s
 */
async function idleSockets(s) {
  const pid = /** @type {number} */ (s.nodes[0].proc.pid);
  const before = processStats(pid).rssBytes;
  /** @type {WebSocket[]} */
  const sockets = [];
  const started = performance.now();
  await pool(
    Array.from({ length: IDLE_SOCKETS }, (_, i) => i),
    50,
    async () => {
      const session = (
        await post(s.url, '/api/chat/session', { auth: API_KEY, body: { visitorId: randomBytes(15).toString('base64url') } })
      ).body;
      const ws = new WebSocket(`${s.url.replace(/^http/, 'ws')}/ws/chat?token=${encodeURIComponent(session.token)}`);
      await new Promise((resolveReady, fail) => {
        ws.on('message', (data) => JSON.parse(String(data)).type === 'ready' && resolveReady(undefined));
        ws.on('error', fail);
      });
      sockets.push(ws);
    },
  );
  const seconds = (performance.now() - started) / 1000;
  await sleep(2000); // idle: let the heap settle after the burst of sessions
  const after = processStats(pid).rssBytes;
  for (const ws of sockets) ws.terminate();
  return `**${sockets.length} idle visitor WebSockets on ${s.label}**: server RSS ${Math.round(after / 2 ** 20)} MiB (before: ${Math.round(before / 2 ** 20)} MiB; target ≤ 1,024 MiB); opened in ${seconds.toFixed(1)} s (a session each, then the socket).`;
}

await main();
