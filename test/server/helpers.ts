/**
 * Helpers for the reference-backend tests: backend info from the test-runner plugin, a small
 * fetch wrapper, visitor sessions, agent logins and a WebSocket that records its frames.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { SignJWT } from 'jose';

export interface TenantInfo {
  apiKey: string;
  tenantId: string;
  agent: { email: string; password: string };
}
export interface BackendInfo extends TenantInfo {
  url: string;
  jwtSecret: string;
  other: TenantInfo;
}

let info: Promise<BackendInfo> | undefined;

export type BackendCommand =
  | 'backend-info'
  | 'backend-restart'
  | 'backend-kill'
  | 'backend-start'
  | 'backend-short-info'
  | 'backend-short-kill'
  | 'backend-short-start'
  | 'backend-build-widget';

/**
 * Runs a plugin command. The dev server gives a command 20 s to answer, and a backend start on a
 * loaded machine can take longer; the start is shared by every caller, so asking again just waits
 * on it a little more.
 */
export async function command(name: BackendCommand): Promise<BackendInfo> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await executeServerCommand<BackendInfo, undefined>(name)) as BackendInfo;
    } catch (error) {
      if (attempt >= 4 || !/Did not receive a server response/.test(String(error))) throw error;
    }
  }
}

// The first test of a file pays for the backend's start, which takes a while on a loaded machine
// (PGlite): do it once here, with room to spare, rather than inside a 20 s test timeout.
before(async function () {
  this.timeout(120_000);
  await backend();
});

/** Backend info (cached: the URL stays the same across restarts), or runs a control command. */
export function backend(name: 'backend-info' | 'backend-restart' | 'backend-kill' | 'backend-start' = 'backend-info') {
  if (name !== 'backend-info') return command(name);
  info ??= command(name);
  info.catch(() => (info = undefined));
  return info;
}

/** A random id valid as visitorId / clientId (21 characters of the nanoid alphabet). */
export function newId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  return Array.from(crypto.getRandomValues(new Uint8Array(21)), (b) => alphabet[b & 63]).join('');
}

export interface ApiResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiOptions {
  method?: string;
  /** JSON-encoded unless `raw` is set. */
  body?: unknown;
  raw?: string;
  /** Sent as `Authorization: Bearer …` (API key for visitors, token for agents). */
  auth?: string;
  session?: string;
}

export async function api<T = any>(path: string, options: ApiOptions = {}): Promise<ApiResult<T>> {
  const { url } = await backend();
  const headers: Record<string, string> = {};
  if (options.auth) headers.Authorization = `Bearer ${options.auth}`;
  if (options.session) headers['X-Amoiq-Session'] = options.session;
  let body: string | undefined = options.raw;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url + path, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

export interface Session {
  protocol: number;
  tenantId: string;
  visitorId: string;
  conversationId: string;
  token: string;
  expiresAt: string;
  wsUrl: string;
  lastSeq: number;
  status: 'open' | 'closed';
  agentsOnline: boolean;
  agentReadSeq: number;
  visitorReadSeq: number;
  relinked?: boolean;
  config: {
    headerText: string;
    welcomeMessage: string | null;
    themeColor: string;
    awayMessage: string | null;
    attachments: { maxSize: number; types: string[] };
  };
}

/** Starts (or resumes) a visitor session on the demo tenant, or on `tenant` if given. */
export async function newSession(visitorId = newId(), tenant?: TenantInfo): Promise<Session> {
  const info = tenant ?? (await backend());
  const res = await api<Session>('/api/chat/session', { auth: info.apiKey, body: { tenantId: info.tenantId, visitorId } });
  if (res.status !== 200) throw new Error(`session failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Posts a visitor message over HTTP. */
export async function postVisitor(session: Session, text: string, clientId = newId()) {
  const { apiKey } = await backend();
  return api('/api/chat/messages', {
    auth: apiKey,
    session: session.token,
    body: { conversationId: session.conversationId, clientId, text },
  });
}

const agentTokens = new Map<string, Promise<string>>();

/**
 * Logs an agent in (demo by default) and returns the token. One login per agent and test file:
 * a password check costs about half a second of scrypt at OWASP's cost, and tokens survive
 * restarts. `fresh` logs in again (a token the test may revoke).
 */
export async function agentToken(tenant?: TenantInfo, { fresh = false }: { fresh?: boolean } = {}): Promise<string> {
  const info = tenant ?? (await backend());
  const key = `${info.agent.email}\n${info.agent.password}`;
  const cached = agentTokens.get(key);
  if (cached && !fresh) return cached;
  const login = (async () => {
    const res = await api('/api/agent/login', { body: info.agent });
    if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
    return res.body.token as string;
  })();
  agentTokens.set(key, login);
  login.catch(() => agentTokens.delete(key));
  return login;
}

/** A correctly signed visitor token that expired a minute ago. */
export async function expiredVisitorToken(session: Session): Promise<string> {
  const { jwtSecret } = await backend();
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ typ: 'visitor', tid: session.tenantId, cid: session.conversationId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(session.visitorId)
    .setIssuedAt(now - 120)
    .setExpirationTime(now - 60)
    .sign(new TextEncoder().encode(jwtSecret));
}

export type Frame = { type: string; [key: string]: any };

/** A WebSocket that keeps every frame it receives, so tests can wait for one. */
export class RecordingSocket {
  readonly frames: Frame[] = [];
  readonly ws: WebSocket;
  readonly closed: Promise<CloseEvent>;
  private waiters = new Set<() => void>();

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.addEventListener('message', (event) => {
      this.frames.push(JSON.parse(event.data as string));
      for (const wake of [...this.waiters]) wake();
    });
    this.closed = new Promise((resolve) => this.ws.addEventListener('close', resolve, { once: true }));
  }

  /** Waits for the first recorded frame (past or future) that matches. */
  next(match: (frame: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
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
        reject(new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`));
      }, timeoutMs);
      if (!check()) this.waiters.add(check);
    });
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  close() {
    this.ws.close();
  }
}

/** Opens the visitor socket for a session and waits for `ready`. */
export async function visitorSocket(session: Session, query = ''): Promise<RecordingSocket> {
  const { url } = await backend();
  const socket = new RecordingSocket(`${url.replace(/^http/, 'ws')}/ws/chat?token=${encodeURIComponent(session.token)}${query}`);
  await socket.next((f) => f.type === 'ready');
  return socket;
}

/** Opens an agent socket and waits for `ready`. */
export async function agentSocket(token: string): Promise<RecordingSocket> {
  const { url } = await backend();
  const socket = new RecordingSocket(`${url.replace(/^http/, 'ws')}/ws/agent?token=${encodeURIComponent(token)}`);
  await socket.next((f) => f.type === 'ready');
  return socket;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An answer to a raw request sent from Node (see `backend-raw-http` in test/plugins/backend.mjs). */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const toBase64 = (bytes: Uint8Array) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));

/**
 * Which server a raw request goes to: the main test instance, the security instance (default CORS,
 * low limits: test/server/secure-*.test.ts) or the HAProxy in front of the latter.
 */
export type RawTarget = 'main' | 'sec' | 'proxy';

/**
 * How raw requests are sent: one after the other, and how long each may take (3 s by default). A
 * test that counts answers (a rate limit's exact number) gives `timeoutMs` (20 s), so a request
 * slowed by a loaded machine is not counted as unanswered.
 */
export interface RawOptions {
  sequential?: boolean;
  /** Given, the requests run as a plugin job (see serverJob), so together they may take longer than 20 s. */
  timeoutMs?: number;
}

/**
 * Sends raw HTTP/1.1 requests from Node, one TCP connection each: the way to send what a browser
 * may not (any `Origin`, `X-Forwarded-For`, broken headers).
 */
export function rawHttp(
  requests: Array<string | Uint8Array>,
  target: RawTarget = 'main',
  { sequential = false, timeoutMs }: RawOptions = {},
): Promise<RawAnswer[]> {
  const encoded = requests.map((r) => ({ data: toBase64(typeof r === 'string' ? new TextEncoder().encode(r) : r) }));
  const payload = { requests: encoded, target, sequential };
  if (timeoutMs !== undefined)
    return serverJob<RawAnswer[]>('backend-raw-http', { ...payload, timeoutMs }, 30_000 + requests.length * timeoutMs);
  return executeServerCommand<RawAnswer[], typeof payload>('backend-raw-http', payload) as Promise<RawAnswer[]>;
}

export interface NodeRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** JSON-encoded unless a string. */
  body?: unknown;
  /** Sent as `Origin`. */
  origin?: string;
  /** Sent as `X-Forwarded-For` (the test backends trust it). */
  ip?: string;
  auth?: string;
}

/** Builds the text of an HTTP/1.1 request. */
export function requestText({ method, path, headers = {}, body, origin, ip, auth }: NodeRequest): string {
  const payload = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const all: Record<string, string> = { Host: '127.0.0.1', Connection: 'close', ...headers };
  if (origin !== undefined) all.Origin = origin;
  if (ip !== undefined) all['X-Forwarded-For'] = ip;
  if (auth !== undefined) all.Authorization = `Bearer ${auth}`;
  if (body !== undefined) {
    all['Content-Type'] ??= 'application/json';
    all['Content-Length'] = String(new TextEncoder().encode(payload).length);
  }
  const head = Object.entries(all)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return `${method ?? (body === undefined ? 'GET' : 'POST')} ${path} HTTP/1.1\r\n${head}\r\n${payload}`;
}

/** Sends requests from Node and parses JSON answers. */
export async function fromNode(
  requests: NodeRequest[],
  target: RawTarget = 'main',
  options: RawOptions = {},
): Promise<Array<{ status: number; headers: Record<string, string>; body: any }>> {
  const answers = await rawHttp(requests.map(requestText), target, options);
  return answers.map((a) => {
    let body: any = a.body;
    try {
      body = a.body ? JSON.parse(a.body) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: a.status, headers: a.headers, body };
  });
}

/** Opens a WebSocket from Node with the given `Origin` header. */
export function wsFromNode(path: string, origin?: string) {
  return executeServerCommand<{ status: number; body?: string; frame?: any; close?: number }, { path: string; origin?: string }>(
    'backend-ws-upgrade',
    { path, origin },
  ) as Promise<{ status: number; body?: string; frame?: any; close?: number }>;
}

/** A session on the acme tenant (restrictive origins), created from an allowed origin through Node. */
export async function acmeSession(visitorId = newId()): Promise<Session> {
  const { other } = await backend();
  const [res] = await fromNode([
    { path: '/api/chat/session', auth: other.apiKey, origin: 'https://acme.example', body: { tenantId: other.tenantId, visitorId } },
  ]);
  if (res.status !== 200) throw new Error(`acme session failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Signs a userToken the way a site's backend does (docs/security.md). */
export async function userToken(
  claims: { sub?: string; name?: string; email?: string },
  { secret = DEMO_IDENTITY_SECRET, expiresIn = '10m', alg = 'HS256' }: { secret?: string; expiresIn?: string; alg?: string } = {},
): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

/**
 * The identity secrets the test instances get from the environment (`IDENTITY_SECRET_DEMO`,
 * `IDENTITY_SECRET_ACME`, set by test/plugins/backend.mjs, which holds the same two values). Test
 * values: no identity secret is kept in the repository's tenants file.
 */
export const DEMO_IDENTITY_SECRET = 'test-identity-secret-demo-2f9c41';
export const ACME_IDENTITY_SECRET = 'test-identity-secret-acme-8d03b7';

/** Uploads a file as a visitor (raw body, `Content-Type` = the file's type). */
export async function uploadVisitor(session: Session, name: string, body: BodyInit, type: string) {
  const { url, apiKey } = await backend();
  const query = `conversationId=${encodeURIComponent(session.conversationId)}&name=${encodeURIComponent(name)}`;
  const res = await fetch(`${url}/api/chat/uploads?${query}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${apiKey}`, 'X-Amoiq-Session': session.token, 'Content-Type': type },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** Uploads a file as an agent into a conversation. */
export async function uploadAgent(token: string, conversationId: string, name: string, body: BodyInit, type: string) {
  const { url } = await backend();
  const res = await fetch(`${url}/api/agent/conversations/${conversationId}/uploads?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': type },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

export interface UploadProbeAnswer {
  status: number;
  body: string;
  /** Body bytes written before the answer arrived. */
  sent: number;
  complete: boolean;
}

/** Streams a large upload from Node (see `backend-upload-probe` in test/plugins/backend.mjs). */
export function uploadProbe(args: {
  path: string;
  headers: Record<string, string>;
  sendBytes: number;
  declaredLength?: number;
  chunked?: boolean;
}) {
  return executeServerCommand<UploadProbeAnswer, typeof args>('backend-upload-probe', args) as Promise<UploadProbeAnswer>;
}

/**
 * Types an agent's e-mail and password into the agent console's login form (`root`: the
 * `<amoiq-agent-app>` shadow root). Tests get the credentials from the plugin; only the demo
 * build of the console pre-fills anything. "Stay logged in" is unticked unless `stay`: the session
 * then lives in this tab's sessionStorage, so it does not outlive the test file (localStorage is
 * shared by every test page of the origin).
 */
export function fillAgentLogin(root: ShadowRoot, agent: { email: string; password: string }, { stay = false } = {}) {
  root.querySelector<HTMLInputElement>('input[name=email]')!.value = agent.email;
  root.querySelector<HTMLInputElement>('input[name=password]')!.value = agent.password;
  const remember = root.querySelector<HTMLInputElement>('input[name=remember]');
  if (remember) remember.checked = stay;
}

/**
 * Runs a plugin command that may take longer than the 20 s a command may wait (a cold start, a
 * restart, a flood, a build): the plugin answers `{ job }` at once and this polls until it is done.
 */
export async function serverJob<T>(command: string, payload: Record<string, unknown> = {}, timeoutMs = 120_000): Promise<T> {
  const { job } = (await executeServerCommand(command, { ...payload, job: true })) as { job: number };
  const end = Date.now() + timeoutMs;
  for (;;) {
    const state = (await executeServerCommand('backend-job', { id: job })) as { done: boolean; result?: T; error?: string };
    if (state.done) {
      if (state.error) throw new Error(`${command}: ${state.error}`);
      return state.result as T;
    }
    if (Date.now() > end) throw new Error(`${command} did not finish in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
