// @ts-check
// Issue 13: the rules of widget configurations in the reference backend, over HTTP and WebSocket.
// - Only a tenant admin (the tenants file's `role: "admin"`) creates, changes or deletes them: a
//   plain agent gets `403 admin_required` and may still list them.
// - A conversation started through a widget id is held to that widget's allowed domains (and its
//   active flag) on every request and WebSocket upgrade, whatever key later asks, even when the
//   tenant allows every origin.
// - Its features: `voice: false` leaves `voice` out of the session's config and refuses calls,
//   `assistant: false` leaves the assistant out (no config, handoff state `none`, no answer).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { hashPassword } from '../../demo/server/auth.js';
import { createServer } from '../../demo/server/server.js';
import { loadTenants } from '../../demo/server/tenant-config.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshIp, newId, until } from './chat-server.mjs';
import { freshStore } from './test-store.mjs';

const API_KEY = 'pk_widget_rules';
const ADMIN = { email: 'admin@widgets.test', password: 'widget-rules-admin' };
const PLAIN = { email: 'plain@widgets.test', password: 'widget-rules-plain' };
const SHOP = 'https://shop.example';
const EVIL = 'https://evil.example';

/** @type {Awaited<ReturnType<typeof freshStore>>} */
let store;
/** @type {Awaited<ReturnType<typeof createServer>>} */
let server;
let adminToken = '';
let plainToken = '';

/**
 * A JSON request from a browser page of `origin` (none: a server-side client).
 * @param {string} path
 * @param {{ method?: string, body?: unknown, auth?: string, session?: string, origin?: string }} [o]
 */
async function request(path, o = {}) {
  /** @type {Record<string, string>} */
  const headers = { 'X-Forwarded-For': freshIp() };
  if (o.auth) headers.Authorization = `Bearer ${o.auth}`;
  if (o.session) headers['X-Amoiq-Session'] = o.session;
  if (o.origin) headers.Origin = o.origin;
  const body = o.body === undefined ? undefined : JSON.stringify(o.body);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(server.url + path, { method: o.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** @param {Record<string, unknown>} body */
async function createWidget(body) {
  const res = await request('/api/agent/widgets', { auth: adminToken, body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return /** @type {{ id: string }} */ (res.body);
}

/**
 * A visitor session through `key` from `origin`.
 * @param {string} key
 * @param {string | undefined} origin
 * @param {string} [visitorId]
 */
const session = (key, origin, visitorId = newId()) => request('/api/chat/session', { auth: key, origin, body: { visitorId } });

/**
 * The answer to a WebSocket upgrade of `/ws/chat` from `origin`: `open`, or the refusal's status and code.
 * @param {string} token
 * @param {string} origin
 * @returns {Promise<{ open: true } | { open: false, status: number, code?: string }>}
 */
function upgrade(token, origin) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws/chat?token=${token}&after=0`, { origin });
    ws.on('open', () => {
      ws.close();
      resolve({ open: true });
    });
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ open: false, status: res.statusCode ?? 0, code: JSON.parse(text || '{}').error?.code }));
    });
    ws.on('error', reject);
  });
}

before(async () => {
  store = await freshStore();
  const cost = { ln: 10, r: 8, p: 1 };
  server = await createServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: store.dataDir,
    databaseUrl: store.databaseUrl,
    jwtSecret: `widget-rules-${newId()}`,
    trustProxy: 1,
    voiceEnv: {},
    assistantEnv: {},
    assistantKbDelayMs: 1,
    rateLimits: { sessionsPerIp: 10_000, sessionsPerVisitor: 1000, sendsPerIp: 10_000, sendsPerSender: 10_000, uploads: 10_000 },
    tenants: [
      {
        id: 'demo',
        name: 'Demo Store',
        apiKey: API_KEY,
        // The tenant allows every origin: only the widget's own list can refuse one.
        allowedOrigins: ['*'],
        voice: { callback: { enabled: true }, webrtc: { enabled: true, iceServers: [] } },
        assistant: { enabled: true, name: 'Robin' },
        queue: { autoAssign: false },
        agents: [
          { id: 'agent_admin', email: ADMIN.email, name: 'Ada', passwordHash: await hashPassword(ADMIN.password, cost), role: 'admin' },
          { id: 'agent_plain', email: PLAIN.email, name: 'Bob', passwordHash: await hashPassword(PLAIN.password, cost) },
        ],
      },
    ],
  });
  const login = async (/** @type {{ email: string, password: string }} */ who, /** @type {string} */ role) => {
    const res = await request('/api/agent/login', { body: who });
    assert.equal(res.status, 200);
    assert.equal(res.body.agent.role, role, 'the login answer names the role');
    return /** @type {string} */ (res.body.token);
  };
  adminToken = await login(ADMIN, 'admin');
  plainToken = await login(PLAIN, 'agent');
});

after(async () => {
  await server?.close();
  await store?.dispose();
});

test('only a tenant admin creates, changes and deletes widget configurations; a plain agent may list them', async () => {
  const refused = await request('/api/agent/widgets', { auth: plainToken, body: { name: 'by a plain agent' } });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'admin_required');
  assert.match(refused.body.error.message, /role.*admin/);

  const { id } = await createWidget({ name: 'Shop' });
  const put = await request(`/api/agent/widgets/${id}`, { method: 'PUT', auth: plainToken, body: { name: 'renamed' } });
  assert.deepEqual([put.status, put.body.error.code], [403, 'admin_required']);
  const del = await request(`/api/agent/widgets/${id}`, { method: 'DELETE', auth: plainToken });
  assert.deepEqual([del.status, del.body.error.code], [403, 'admin_required']);
  const list = await request('/api/agent/widgets', { auth: plainToken });
  assert.equal(list.status, 200);
  assert.deepEqual(
    list.body.widgets.filter((/** @type {any} */ w) => w.id === id).map((/** @type {any} */ w) => w.name),
    ['Shop'],
    'unchanged by the refused requests',
  );

  const renamed = await request(`/api/agent/widgets/${id}`, { method: 'PUT', auth: adminToken, body: { name: 'renamed' } });
  assert.deepEqual([renamed.status, renamed.body.name], [200, 'renamed']);
  const deleted = await request(`/api/agent/widgets/${id}`, { method: 'DELETE', auth: adminToken });
  assert.equal(deleted.status, 204);
  const gone = await request(`/embed/config/${id}`);
  assert.deepEqual([gone.status, gone.body.error.code], [404, 'unknown_widget']);
  // Not a token holder at all.
  assert.equal((await request('/api/agent/widgets', { body: { name: 'x' } })).status, 401);
});

test('the tenants file: role is "admin" or "agent", anything else is refused at start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amoiq-roles-'));
  try {
    const file = join(dir, 'tenants.json');
    const agent = { id: 'a', email: 'a@x.test', name: 'A' };
    writeFileSync(
      file,
      JSON.stringify({ tenants: [{ id: 't', name: 'T', apiKey: 'pk_t', allowedOrigins: [], agents: [{ ...agent, role: 'admin' }] }] }),
    );
    assert.equal(loadTenants(file)[0].agents?.[0].role, 'admin');
    writeFileSync(
      file,
      JSON.stringify({ tenants: [{ id: 't', name: 'T', apiKey: 'pk_t', allowedOrigins: [], agents: [{ ...agent, role: 'owner' }] }] }),
    );
    assert.throws(() => loadTenants(file), /role must be "admin" or "agent"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("HTTP: a widget's conversation is held to the widget's allowed domains, whatever key asks", async () => {
  const { id } = await createWidget({ name: 'Shop only', allowedDomains: [SHOP] });
  const visitorId = newId();
  // The widget's page: allowed.
  const s = await session(`widget:${id}`, SHOP, visitorId);
  assert.equal(s.status, 200, JSON.stringify(s.body));
  const { token, conversationId } = s.body;
  const say = (/** @type {string} */ key, /** @type {string} */ origin) =>
    request('/api/chat/messages', { auth: key, session: token, origin, body: { conversationId, clientId: newId(), text: 'hello' } });
  assert.equal((await say(`widget:${id}`, SHOP)).status, 201);
  // Another page, with the tenant's API key (the tenant allows every origin): still refused.
  const evil = await say(API_KEY, EVIL);
  assert.equal(evil.status, 403);
  assert.equal(evil.body.error.code, 'origin_not_allowed');
  assert.match(evil.body.error.message, /Fix: add it to the widget's allowed domains/);
  assert.equal((await say(API_KEY, SHOP)).status, 201, "the API key on the widget's own domain");
  const history = await request(`/api/chat/messages?conversationId=${conversationId}`, { auth: API_KEY, session: token, origin: EVIL });
  assert.deepEqual([history.status, history.body.error.code], [403, 'origin_not_allowed']);
  // A new session for the same visitor (the same open conversation) from the other page: refused.
  const again = await session(API_KEY, EVIL, visitorId);
  assert.deepEqual([again.status, again.body.error.code], [403, 'origin_not_allowed']);
  // The widget key from the other page: refused before anything (GET /embed/config's check).
  const direct = await session(`widget:${id}`, EVIL);
  assert.deepEqual([direct.status, direct.body.error.code], [403, 'origin_not_allowed']);
  // A conversation of the API key alone keeps the tenant's rules (every origin).
  const plain = await session(API_KEY, EVIL);
  assert.equal(plain.status, 200);
});

test("WebSocket: the upgrade of a widget's conversation is refused on a page the widget does not allow, or once the widget is off", async () => {
  const body = { name: 'Shop only (ws)', allowedDomains: [SHOP] };
  const { id } = await createWidget(body);
  const s = await session(`widget:${id}`, SHOP);
  assert.equal(s.status, 200);
  assert.deepEqual(await upgrade(s.body.token, SHOP), { open: true });
  assert.deepEqual(await upgrade(s.body.token, EVIL), { open: false, status: 403, code: 'origin_not_allowed' });
  // The tenant's own conversations still connect from anywhere.
  const plain = await session(API_KEY, EVIL);
  assert.deepEqual(await upgrade(plain.body.token, EVIL), { open: true });
  // Switched off: its conversations stop, on every page.
  const off = await request(`/api/agent/widgets/${id}`, { method: 'PUT', auth: adminToken, body: { ...body, active: false } });
  assert.equal(off.status, 200);
  assert.deepEqual(await upgrade(s.body.token, SHOP), { open: false, status: 403, code: 'widget_inactive' });
  const say = await request('/api/chat/messages', {
    auth: API_KEY,
    session: s.body.token,
    origin: SHOP,
    body: { conversationId: s.body.conversationId, clientId: newId(), text: 'hi' },
  });
  assert.deepEqual([say.status, say.body.error.code], [403, 'widget_inactive']);
});

test('features.voice: false leaves voice out of the session and refuses calls; on (or unset) keeps it', async () => {
  const on = await createWidget({ name: 'voice on' });
  const off = await createWidget({ name: 'voice off', features: { voice: false } });
  const withVoice = await session(`widget:${on.id}`, SHOP);
  const without = await session(`widget:${off.id}`, SHOP);
  assert.ok(withVoice.body.config.voice, 'the tenant offers voice: the session says so');
  assert.equal(without.body.config.voice, undefined, 'the widget turned it off');
  const call = (/** @type {any} */ s, /** @type {string} */ id) =>
    request('/api/chat/voice/callback', {
      auth: `widget:${id}`,
      session: s.token,
      origin: SHOP,
      body: { conversationId: s.conversationId, phoneNumber: '+14155550123', consent: true, consentText: 'Call me' },
    });
  const refused = await call(without.body, off.id);
  assert.deepEqual([refused.status, refused.body.error.code], [403, 'voice_disabled']);
  const accepted = await call(withVoice.body, on.id);
  assert.notEqual(accepted.body?.error?.code, 'voice_disabled', JSON.stringify(accepted.body));
});

test("features.attachments: false refuses the conversation's uploads (415); on accepts them", async () => {
  const on = await createWidget({ name: 'files on' });
  const off = await createWidget({ name: 'files off', features: { attachments: false } });
  const put = async (/** @type {string} */ id) => {
    const s = (await session(`widget:${id}`, SHOP)).body;
    const res = await fetch(`${server.url}/api/chat/uploads?conversationId=${s.conversationId}&name=note.txt`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer widget:${id}`,
        'X-Amoiq-Session': s.token,
        Origin: SHOP,
        'Content-Type': 'text/plain',
        'X-Forwarded-For': freshIp(),
      },
      body: 'hello',
    });
    return { status: res.status, body: await res.json() };
  };
  const refused = await put(off.id);
  assert.deepEqual([refused.status, refused.body.error.code], [415, 'unsupported_type']);
  const accepted = await put(on.id);
  assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
});

test('features.assistant: false leaves the assistant out: no config, handoff "none", no answer; on keeps it', async () => {
  const on = await createWidget({ name: 'assistant on' });
  const off = await createWidget({ name: 'assistant off', features: { assistant: false } });
  const a = (await session(`widget:${on.id}`, SHOP)).body;
  const b = (await session(`widget:${off.id}`, SHOP)).body;
  assert.equal(a.config.assistant?.name, 'Robin');
  assert.equal(a.handoff.state, 'assistant');
  assert.equal(b.config.assistant, undefined);
  assert.equal(b.handoff.state, 'none');
  const say = (/** @type {any} */ s, /** @type {string} */ id) =>
    request('/api/chat/messages', {
      auth: `widget:${id}`,
      session: s.token,
      origin: SHOP,
      body: { conversationId: s.conversationId, clientId: newId(), text: 'How long does delivery take?' },
    });
  const history = async (/** @type {any} */ s, /** @type {string} */ id) =>
    /** @type {any[]} */ (
      (await request(`/api/chat/messages?conversationId=${s.conversationId}`, { auth: `widget:${id}`, session: s.token, origin: SHOP }))
        .body.messages
    );
  // The assistant-off conversation's message first; once the other conversation has two answers
  // (one to a message sent after it, one to a message sent after that answer), an answer to the
  // first would long have been stored.
  assert.equal((await say(b, off.id)).status, 201);
  for (const n of [1, 2]) {
    assert.equal((await say(a, on.id)).status, 201);
    await until(
      async () => (await history(a, on.id)).filter((m) => m.sender.type === 'ai').length >= n,
      `answer ${n} of the assistant in the other widget's conversation`,
      20_000,
    );
  }
  assert.deepEqual(
    (await history(b, off.id)).map((m) => m.sender.type),
    ['visitor'],
  );
  // The agents' Handoff says so (the console offers "Return to assistant" only with one), and
  // the conversation cannot be "returned" to an assistant that would not answer it.
  const agentHandoff = async (/** @type {any} */ s) =>
    (await request(`/api/agent/conversations/${s.conversationId}/feedback`, { auth: adminToken })).body.handoff;
  assert.deepEqual([(await agentHandoff(a)).assistant, (await agentHandoff(b)).assistant], [true, false]);
  assert.equal((await request(`/api/agent/conversations/${b.conversationId}/accept`, { auth: adminToken, method: 'POST' })).status, 200);
  const back = await request(`/api/agent/conversations/${b.conversationId}/return`, { auth: adminToken, method: 'POST' });
  assert.deepEqual([back.status, back.body.error.code], [409, 'assistant_disabled']);
  assert.equal((await agentHandoff(b)).state, 'assigned');
});
