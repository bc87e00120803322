// @ts-check
// The reference backend with the assistant on (demo/server/assistant/service.js), for the
// server-assistant*.test.mjs files: one tenant `demo` with two agents, the assistant's and the
// queue's settings a test gives, the providers' environment a test gives (a local scripted
// server for OpenAI-compatible answers, or nothing: the knowledge base), and a restart on the same
// store (the recovery of an answer cut by a restart).
import { hashPassword } from '../../demo/server/auth.js';
import { createServer } from '../../demo/server/server.js';
import { AGENT, AGENT_2, API_KEY, RecordingSocket, freshIp, newId } from './chat-server.mjs';
import { freshStore } from './test-store.mjs';

export { AGENT, AGENT_2, API_KEY, RecordingSocket, freshIp, newId, until } from './chat-server.mjs';

/**
 * @typedef {{ assistant?: unknown, queue?: unknown, env?: Record<string, string | undefined>,
 *   mailEnv?: Record<string, string | undefined>, kbDelayMs?: number,
 *   limits?: Partial<import('../../demo/server/limits.js').Limits> }} AssistantServerOptions
 *   `limits`: limits.js's limits (the assistant's and transcript e-mails' rate limits among them)
 */

/** @param {AssistantServerOptions} [options] */
export async function startAssistantServer(options = {}) {
  const store = await freshStore();
  const cost = { ln: 10, r: 8, p: 1 };
  const agents = [
    { id: 'agent_ada', email: AGENT.email, name: 'Ada', passwordHash: await hashPassword(AGENT.password, cost) },
    { id: 'agent_bob', email: AGENT_2.email, name: 'Bob', passwordHash: await hashPassword(AGENT_2.password, cost) },
  ];
  const jwtSecret = `node-test-${newId()}`;
  /** @param {AssistantServerOptions} o */
  const start = (o) =>
    createServer({
      port: 0,
      host: '127.0.0.1',
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      jwtSecret,
      trustProxy: 1,
      debugHooks: true,
      assistantEnv: o.env ?? {},
      mailEnv: o.mailEnv ?? {},
      assistantKbDelayMs: o.kbDelayMs ?? 1,
      rateLimits: { sessionsPerIp: 10_000, sessionsPerVisitor: 1000, sendsPerIp: 10_000, sendsPerSender: 10_000, uploads: 10_000 },
      limits: o.limits,
      tenants: [
        {
          id: 'demo',
          name: 'Demo Store',
          apiKey: API_KEY,
          allowedOrigins: ['*'],
          ...(o.assistant === undefined ? {} : { assistant: o.assistant }),
          ...(o.queue === undefined ? {} : { queue: o.queue }),
          agents,
        },
      ],
    });
  let server = await start(options);

  /**
   * @param {string} path
   * @param {{ method?: string, body?: unknown, auth?: string, session?: string, ip?: string }} [o]
   */
  async function request(path, o = {}) {
    /** @type {Record<string, string>} */
    const headers = { 'X-Forwarded-For': o.ip ?? freshIp() };
    if (o.auth) headers.Authorization = `Bearer ${o.auth}`;
    if (o.session) headers['X-Amoiq-Session'] = o.session;
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(server.url + path, { method: o.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
    const text = await res.text();
    /** @type {any} */
    let json = text;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // text answers (transcripts)
    }
    return { status: res.status, body: json, text, headers: res.headers };
  }

  return {
    get url() {
      return server.url;
    },
    request,
    /** A new visitor's session. */
    async session() {
      const res = await request('/api/chat/session', { auth: API_KEY, body: { visitorId: newId() } });
      if (res.status !== 200) throw new Error(`session: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    /** @param {{ email: string, password: string }} [who] */
    async agentToken(who = AGENT) {
      const res = await request('/api/agent/login', { body: who });
      if (res.status !== 200) throw new Error(`login: ${res.status} ${JSON.stringify(res.body)}`);
      return /** @type {string} */ (res.body.token);
    },
    /**
     * A visitor request with the session's headers.
     * @param {{ token: string, conversationId: string }} s
     * @param {string} path
     * @param {Record<string, unknown>} [body]
     */
    visitor(s, path, body) {
      return request(path, { auth: API_KEY, session: s.token, body: body && { conversationId: s.conversationId, ...body } });
    },
    /**
     * @param {{ token: string, conversationId: string }} s
     * @param {string} text
     */
    say(s, text) {
      return request('/api/chat/messages', {
        auth: API_KEY,
        session: s.token,
        body: { conversationId: s.conversationId, clientId: newId(), text },
      });
    },
    /** @param {string} path e.g. `/ws/chat?token=…` */
    socket(path) {
      return new RecordingSocket(`${server.url.replace(/^http/, 'ws')}${path}`, freshIp());
    },
    /**
     * Stops the server (as a crash would leave the store: answers unfinished) and starts it
     * again on the same store, with other options if given.
     * @param {AssistantServerOptions} [o]
     */
    async restart(o = options) {
      await server.close();
      server = await start(o);
    },
    async close() {
      await server.close();
      await store.dispose();
    },
  };
}

/**
 * Writes an OpenAI-compatible Chat Completions stream (SSE) on a scripted server's answer.
 * @param {import('node:http').ServerResponse} res
 */
export function sse(res) {
  res.writeHead(200, { 'Content-Type': 'text/event-stream' });
  return {
    /** @param {string} content */
    delta: (content) => res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`),
    finish: () => {
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
      res.end('data: [DONE]\n\n');
    },
  };
}
