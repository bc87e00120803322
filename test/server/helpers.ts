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

/** Backend info (cached: the URL stays the same across restarts), or runs a control command. */
export function backend(command: 'backend-info' | 'backend-restart' | 'backend-kill' | 'backend-start' = 'backend-info') {
  if (command !== 'backend-info') return executeServerCommand<BackendInfo, undefined>(command) as Promise<BackendInfo>;
  info ??= executeServerCommand<BackendInfo, undefined>(command) as Promise<BackendInfo>;
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
  config: { headerText: string; welcomeMessage: string | null; themeColor: string };
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

/** Logs an agent in (demo by default) and returns the token. */
export async function agentToken(tenant?: TenantInfo): Promise<string> {
  const info = tenant ?? (await backend());
  const res = await api('/api/agent/login', { body: info.agent });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return res.body.token;
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
