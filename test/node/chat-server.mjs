// @ts-check
// Shared by the server-*.test.mjs files: the reference backend started in this process with the
// limits a test needs (demo/server/server.js createServer), on the store AMOIQ_TEST_STORE names
// (test-store.mjs), and small HTTP and WebSocket clients that can claim any client address (the
// server trusts one proxy, so `X-Forwarded-For` is it).
import WebSocket from 'ws';
import { hashPassword } from '../../demo/server/auth.js';
import { createServer } from '../../demo/server/server.js';
import { freshStore } from './test-store.mjs';

export const API_KEY = 'pk_node_test';
/** Lets a test read /metrics as a remote client would (`Authorization: Bearer …`). */
export const METRICS_TOKEN = 'node-test-metrics-token';
export const AGENT = { email: 'ada@node.test', password: 'node-test-password' };
export const AGENT_2 = { email: 'bob@node.test', password: 'node-test-password-2' };

let ipCounter = 0;
/** A client address no other test uses. */
export const freshIp = () => `198.51.${Math.floor(++ipCounter / 250)}.${(ipCounter % 250) + 1}`;

/** A random visitor or client id (21 characters). */
export const newId = () =>
  Array.from(
    crypto.getRandomValues(new Uint8Array(21)),
    (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'[b & 63],
  ).join('');

/**
 * Starts a backend on a free port with a fresh data directory and one tenant (`demo`, two agents).
 * @param {{
 *   limits?: Partial<import('../../demo/server/limits.js').Limits>, rateLimits?: Record<string, number>,
 *   widget?: import('../../demo/server/types.js').WidgetSettings,
 *   voice?: import('../../demo/server/voice/service.js').TenantVoice, voiceEnv?: Record<string, string | undefined>,
 *   cluster?: { databaseUrl: string, jwtSecret: string },
 *   assistant?: Record<string, unknown>, assistantEnv?: Record<string, string | undefined>,
 * }} [options] `voice`: the tenant's voice settings; `voiceEnv`: the telephony environment (default: the simulation);
 *   `cluster`: join another server's PostgreSQL database and JWT secret (a second node, cluster.test.mjs);
 *   `assistant`: the tenant's assistant setting, answering with the built-in knowledge base unless
 *   `assistantEnv` names a provider (without `assistant`, no assistant)
 */
export async function startServer({ limits, rateLimits, widget, voice, voiceEnv = {}, cluster, assistant, assistantEnv = {} } = {}) {
  // PGlite in the data directory, or a database of its own on PostgreSQL (test-store.mjs).
  const fresh = await freshStore();
  const { dataDir, dispose } = fresh;
  const databaseUrl = cluster?.databaseUrl ?? fresh.databaseUrl;
  const jwtSecret = cluster?.jwtSecret ?? `node-test-${newId()}`;
  // A cheap scrypt cost: these tests are about other things than password hashing.
  const cost = { ln: 10, r: 8, p: 1 };
  const server = await createServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    databaseUrl,
    jwtSecret,
    trustProxy: 1,
    debugHooks: true,
    metricsToken: METRICS_TOKEN,
    voiceEnv,
    assistantEnv,
    assistantKbDelayMs: 1,
    limits,
    rateLimits: {
      sessionsPerIp: 10_000,
      sessionsPerVisitor: 1000,
      sendsPerIp: 10_000,
      sendsPerSender: 10_000,
      uploads: 10_000,
      ...rateLimits,
    },
    tenants: [
      {
        id: 'demo',
        name: 'Demo',
        apiKey: API_KEY,
        allowedOrigins: ['*'],
        widget,
        ...(voice ? { voice } : {}),
        ...(assistant ? { assistant } : {}),
        agents: [
          { id: 'agent_ada', email: AGENT.email, name: 'Ada', passwordHash: await hashPassword(AGENT.password, cost) },
          { id: 'agent_bob', email: AGENT_2.email, name: 'Bob', passwordHash: await hashPassword(AGENT_2.password, cost) },
        ],
      },
    ],
  });
  const base = server.url;

  /**
   * A JSON request. `ip` is sent as `X-Forwarded-For`.
   * @param {string} path
   * @param {{ method?: string, body?: unknown, raw?: string, auth?: string, session?: string, ip?: string, type?: string, signal?: AbortSignal }} [o]
   */
  async function request(path, o = {}) {
    /** @type {Record<string, string>} */
    const headers = {};
    if (o.auth) headers.Authorization = `Bearer ${o.auth}`;
    if (o.session) headers['X-Amoiq-Session'] = o.session;
    if (o.ip) headers['X-Forwarded-For'] = o.ip;
    const body = o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
    if (body !== undefined) headers['Content-Type'] = o.type ?? 'application/json';
    const res = await fetch(base + path, { method: o.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, signal: o.signal });
    const text = await res.text();
    /** @type {any} */
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, body: json, headers: res.headers };
  }

  /**
   * A visitor session (new visitor id unless given).
   * @param {{ visitorId?: string, ip?: string, [key: string]: unknown }} [body]
   */
  async function session(body = {}) {
    const { ip = freshIp(), ...rest } = body;
    const res = await request('/api/chat/session', { auth: API_KEY, ip, body: { visitorId: newId(), ...rest } });
    if (res.status !== 200) throw new Error(`session: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** @param {{ email: string, password: string }} [who] */
  async function agentToken(who = AGENT) {
    const res = await request('/api/agent/login', { body: who, ip: freshIp() });
    if (res.status !== 200) throw new Error(`login: ${res.status} ${JSON.stringify(res.body)}`);
    return /** @type {string} */ (res.body.token);
  }

  /**
   * Posts a visitor message over HTTP.
   * @param {{ token: string, conversationId: string }} s
   * @param {string} text
   */
  function say(s, text) {
    return request('/api/chat/messages', {
      auth: API_KEY,
      session: s.token,
      ip: freshIp(),
      body: { conversationId: s.conversationId, clientId: newId(), text },
    });
  }

  /**
   * Opens a WebSocket (`/ws/chat?token=…` or `/ws/agent?token=…`) from `ip`.
   * @param {string} path
   * @param {string} [ip]
   */
  function socket(path, ip = freshIp()) {
    return new RecordingSocket(`${base.replace(/^http/, 'ws')}${path}`, ip);
  }

  return {
    url: base,
    /** What a second node needs to join this one (PostgreSQL only). */
    cluster: databaseUrl ? { databaseUrl, jwtSecret } : undefined,
    request,
    session,
    agentToken,
    say,
    socket,
    dataDir,
    /** Open WebSockets and waiting long polls counted for a key (`sub:demo:visitor:<id>`, `ip:<address>`). @param {string} key */
    openConnections: (key) => server.openConnections(key),
    /** Events a server rate limiter (`sendsPerSender`, `sessionsPerIp`, …) counted for a key. @param {string} limiter @param {string} key */
    rateCount: (limiter, key) => server.rateCount(limiter, key),
    /** The server's graceful stop (SIGTERM in main.js). @param {{ delayMs?: number }} [o] */
    async drain(o) {
      await server.drain(o);
      await dispose();
    },
    async close() {
      await server.close();
      await dispose();
    },
  };
}

/** A WebSocket that records every frame and its close code. */
export class RecordingSocket {
  /**
   * @param {string} url
   * @param {string} ip sent as X-Forwarded-For
   */
  constructor(url, ip) {
    /** @type {any[]} */
    this.frames = [];
    this.ws = new WebSocket(url, { headers: { 'X-Forwarded-For': ip } });
    /** @type {Set<() => void>} */
    this.waiters = new Set();
    this.ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)));
      for (const wake of [...this.waiters]) wake();
    });
    /** @type {Promise<number>} close code */
    this.closed = new Promise((resolve) => this.ws.on('close', (code) => resolve(code)));
    this.ws.on('error', () => undefined);
  }

  /**
   * The first frame (past or future) that matches.
   * @param {(frame: any) => boolean} match
   * @param {number} [timeoutMs]
   */
  next(match, timeoutMs = 5000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.frames.find(match);
        if (!found) return false;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(this.frames).slice(0, 500)}`));
      }, timeoutMs);
      if (!check()) this.waiters.add(check);
    });
  }

  /** Resolves at `ready`, or with the close code if the socket closes first. */
  async ready() {
    return Promise.race([this.next((f) => f.type === 'ready', 10_000).then(() => 'ready'), this.closed]);
  }

  /** @param {unknown} frame */
  send(frame) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  close() {
    this.ws.close();
  }
}

/**
 * Waits until `predicate` holds (polled every 20 ms), or fails after `timeoutMs`.
 * @param {() => unknown} predicate
 * @param {string} what
 * @param {number} [timeoutMs]
 */
export async function until(predicate, what, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
