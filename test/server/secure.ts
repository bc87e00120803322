/**
 * Helpers for the security tests that run against the plugin's security instance (`backend-sec-*`
 * in test/plugins/backend.mjs): default CORS (no agent console origin), low limits, a tenants file
 * the tests rewrite. Its agent API is not readable from the test page (that is the point), so
 * agent calls go through Node.
 */
import { fromNode, newId, serverJob, type NodeRequest, type RawTarget } from './helpers.js';

export interface SecAgent {
  id: string;
  email: string;
  name: string;
  passwordHash?: string;
}
export interface SecTenant {
  id: string;
  name: string;
  apiKey: string;
  allowedOrigins: string[];
  agents?: SecAgent[];
  [key: string]: unknown;
}
export interface SecInfo {
  url: string;
  apiKey: string;
  tenantId: string;
  /** The tenants file it starts with. */
  tenants: SecTenant[];
  /** Agent e-mail → password. */
  passwords: Record<string, string>;
  /** The demo tenant's identity secret as printed at start (generated into the data directory). */
  identitySecret: string | null;
  output: string;
}

/** Starts the security instance if needed (a cold start takes a while) and describes it. */
export const secInfo = () => serverJob<SecInfo>('backend-sec-info', {}, 240_000);

/**
 * A mocha `before` hook that starts the security instance: its first start (PGlite, and the plugin
 * hashing the test passwords) can take most of a minute on a busy machine, more than a test's time.
 */
export function startSec(this: Mocha.Context) {
  this.timeout(250_000);
  return secInfo();
}

/** A copy of the starting tenants, for a test to change. */
export async function baseTenants(): Promise<SecTenant[]> {
  return structuredClone((await secInfo()).tenants);
}

/** Writes the tenants file and restarts the instance or sends it SIGHUP; answers the logins it printed. */
export function applyTenants(tenants: SecTenant[], apply: 'restart' | 'reload') {
  return serverJob<{ logins: Array<{ email: string; password: string }>; output?: string }>('backend-sec-tenants', { tenants, apply });
}

/** Stops the instance, reads an agent's stored hash and counts the files holding each needle, starts it again. */
export function inspect(args: { email?: string; needles?: string[] }) {
  return serverJob<{ hash: string | null; found: Record<string, { tenantsFile: number; dataDir: number }> }>('backend-sec-inspect', args);
}

export const hashFor = async (password: string, legacy = false) =>
  (await serverJob<{ hash: string }>('backend-hash-password', { password, legacy })).hash;

/** A documentation address (198.51.100.0/24) of its own for each call, so per-address limits do not meet. */
let next = 1;
export const freshIp = () => `198.51.${100 + (next >> 8)}.${next++ & 255}`;

/**
 * Requests from Node to the security instance (or the proxy in front of it), one after the other;
 * each may take a while (a password check waits its turn behind others on a busy machine).
 */
export const sec = (requests: NodeRequest[], target: RawTarget = 'sec') =>
  fromNode(requests, target, { sequential: true, timeoutMs: 20_000 });

/** `POST /api/agent/login` from a fresh address. */
export async function login(email: string, password: string, ip = freshIp()) {
  const [answer] = await sec([{ path: '/api/agent/login', body: { email, password }, ip }]);
  return answer;
}

/** An agent API GET with a token. */
export async function agentGet(path: string, token: string) {
  const [answer] = await sec([{ path, auth: token, ip: freshIp() }]);
  return answer;
}

/** Opens a WebSocket to the security instance and resolves with its first frame or its close code. */
export function socket(url: string) {
  const ws = new WebSocket(url);
  const frames: any[] = [];
  const closed = new Promise<number>((resolve) => ws.addEventListener('close', (e) => resolve(e.code)));
  const ready = new Promise<any>((resolve, reject) => {
    ws.addEventListener('message', (e) => {
      frames.push(JSON.parse(String(e.data)));
      if (frames.length === 1) resolve(frames[0]);
    });
    closed.then((code) => reject(new Error(`closed with ${code} before the first frame`)));
  });
  ready.catch(() => undefined);
  return { ws, frames, ready, closed };
}

/** A visitor session on the security instance. */
export async function secSession(apiKey: string, ip = freshIp()) {
  const [answer] = await sec([{ path: '/api/chat/session', auth: apiKey, body: { visitorId: newId() }, ip }]);
  return answer;
}
