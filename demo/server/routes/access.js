// @ts-check
/**
 * Who is calling: the tenant of an API key (and whether the page's origin may use it), the
 * visitor of a session token, the agent of an agent token; and what the request says about where
 * it came from (scheme, the origin to build file URLs on, the client address as stored).
 */
import { createHmac } from 'node:crypto';
import { bearer } from '../auth.js';
import { ApiError, forbidden } from '../errors.js';
import { isOriginAllowed } from '../origins.js';
import { clientIp, forwardedEntry } from '../rate-limit.js';
import { checkConversationWidget, requireWidget } from './widget-access.js';

/**
 * @typedef {import('./index.js').Context} Context
 * @typedef {import('./index.js').Deps} Deps
 * @typedef {import('../types.js').Tenant} Tenant
 * @typedef {import('../types.js').Agent} Agent
 */

/**
 * The tenant named by the `Authorization: Bearer <api key>` header, if the request's `Origin` may
 * use it.
 * @param {Context} ctx
 * @returns {Promise<Tenant>}
 * @throws {ApiError} 401 `unauthorized` (no key), `unknown_api_key` or `unknown_tenant`; 403 `origin_not_allowed`;
 *   for `widget:<id>`, 404 `unknown_widget` and 403 `widget_inactive` too
 */
export async function requireTenant(ctx) {
  return (await requireEmbed(ctx)).tenant;
}

/**
 * {@link requireTenant}, with the widget configuration when the key is its keyless form `widget:<id>`.
 * @param {Context} ctx
 * @returns {Promise<{ tenant: Tenant, widget?: import('../store/widgets.js').Widget }>}
 */
export async function requireEmbed({ req, deps }) {
  const key = bearer(req.headers.authorization);
  if (!key) throw new ApiError(401, 'unauthorized', 'Missing `Authorization: Bearer <api key>` header.');
  // The keyless form of a widget configuration (routes/embed.js): its tenant, if the widget is on
  // and may run on this page's origin.
  if (key.startsWith('widget:')) return requireWidget(deps, key.slice('widget:'.length), req.headers.origin);
  const tenant = key.includes('\0') ? null : await deps.store.tenants.byApiKey(key);
  if (!tenant) throw unknownKey(key);
  if (!isOriginAllowed(tenant.allowedOrigins, req.headers.origin)) throw originNotAllowed(req.headers.origin);
  return { tenant };
}

/**
 * The refusal of a key that names no tenant: `unknown_tenant` for the keyless form
 * `tenant:<id>` (no such tenant, or it does not allow keyless embedding), else `unknown_api_key`.
 * Both are permanent (docs/protocol.md): the message tells the site owner what to fix.
 * @param {string} key
 */
export function unknownKey(key) {
  if (key.startsWith('tenant:')) {
    const id = JSON.stringify(key.slice('tenant:'.length).slice(0, 64));
    return new ApiError(
      401,
      'unknown_tenant',
      `No tenant ${id} allows embedding without an API key. Fix: check tenant-id (ChatWidgetConfig.tenantId), or set api-key to the tenant's public key (pk_…).`,
    );
  }
  return new ApiError(
    401,
    'unknown_api_key',
    "Unknown API key. Fix: set api-key (ChatWidgetConfig.apiKey) to the tenant's public key (pk_…).",
  );
}

/** @param {string | undefined} origin */
export function originNotAllowed(origin) {
  return new ApiError(
    403,
    'origin_not_allowed',
    `Origin ${JSON.stringify(origin ?? '')} may not embed this tenant's widget. Fix: add it to the tenant's allowed origins (allowedOrigins).`,
  );
}

/**
 * The visitor named by the `X-Amoiq-Session` token, who must belong to the API key's tenant. A
 * conversation started through a widget id (the token's `widgetId`) is held to that widget's
 * rules whatever the key: on, and the page's origin in its allowed domains.
 * @param {Context} ctx
 * @param {Tenant} tenant
 * @throws {ApiError} 401 `invalid_token`/`token_expired`, 403 `forbidden`, `widget_inactive`, `origin_not_allowed`
 */
export async function requireVisitor({ req, deps }, tenant) {
  const header = req.headers['x-amoiq-session'];
  const visitor = await deps.tokens.verifyVisitor(Array.isArray(header) ? header[0] : header);
  if (visitor.tenantId !== tenant.id) throw forbidden('Session token belongs to another tenant.');
  await checkConversationWidget(deps, visitor.widgetId, tenant, req.headers.origin);
  return visitor;
}

/**
 * The agent an agent token belongs to, if the token is still good: signed, not expired, and not
 * revoked (the agent and its tenant are still in the tenants file, and the token carries the
 * agent's current token version: logout, a password change and removal bump it).
 * @param {Deps} deps
 * @param {string | null | undefined} token
 * @returns {Promise<{ claims: import('../auth.js').AgentClaims, agent: Agent }>}
 * @throws {ApiError} 401 `invalid_token` or `token_expired`
 */
export async function authenticateAgent(deps, token) {
  const claims = await deps.tokens.verifyAgent(token);
  const agent = await deps.store.agents.byId(claims.agentId);
  // A token outliving its agent (removed, moved tenant, logged out) is as good as a forged one.
  if (!agent || agent.disabled || agent.tenantId !== claims.tenantId || agent.tokenVersion !== claims.version) {
    throw new ApiError(401, 'invalid_token', 'Token has been revoked; log in again.');
  }
  return { claims, agent };
}

/**
 * The agent named by `Authorization: Bearer <agent token>`.
 * @param {Context} ctx
 */
export async function requireAgent({ req, deps }) {
  const token = bearer(req.headers.authorization);
  if (!token) throw new ApiError(401, 'invalid_token', 'Missing `Authorization: Bearer <agent token>` header.');
  return authenticateAgent(deps, token);
}

/**
 * The agent named by `Authorization: Bearer <agent token>`, if it is a tenant admin (the tenants
 * file's `role: "admin"`): what managing the tenant's widget configurations needs.
 * @param {Context} ctx
 * @throws {ApiError} 401 `invalid_token`; 403 `admin_required` for a plain agent
 */
export async function requireAdmin(ctx) {
  const auth = await requireAgent(ctx);
  if ((await ctx.deps.store.agents.roleOf(auth.agent.id)) !== 'admin') {
    throw new ApiError(
      403,
      'admin_required',
      'Only a tenant admin may change widget configurations. Fix: ask an admin, or give this agent `"role": "admin"` in the tenants file.',
    );
  }
  return auth;
}

/**
 * What the agent API shows of an agent; `role` (`admin` or `agent`) when it is known.
 * @param {Agent} agent
 * @param {import('../store/agents.js').AgentRole} [role]
 */
export function publicAgent(agent, role) {
  return { id: agent.id, name: agent.name, email: agent.email, tenantId: agent.tenantId, ...(role ? { role } : {}) };
}

/**
 * The client IP as stored next to a fingerprint: an HMAC-SHA-256 keyed with a server secret, so
 * the database never holds the address itself.
 * @param {Context} ctx
 */
export function ipHash({ req, deps }) {
  return createHmac('sha256', deps.ipHashKey).update(clientIp(req, deps.trustProxy)).digest('base64url');
}

/**
 * The scheme the client used: https when the socket is TLS, or when a trusted proxy says so.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} trustProxy
 */
export function httpScheme(req, trustProxy) {
  const proto = forwardedEntry(req, 'x-forwarded-proto', trustProxy);
  return proto === 'https' || /** @type {import('node:tls').TLSSocket} */ (req.socket).encrypted ? 'https' : 'http';
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {number} trustProxy
 */
export function wsScheme(req, trustProxy) {
  return httpScheme(req, trustProxy) === 'https' ? 'wss' : 'ws';
}

/**
 * The origin stored file URLs are built on. A `Host` header is the client's to choose, and a
 * stored URL is shown to agents (as an image or a link), so it is trusted only when it names this
 * server on a loopback address; anything else needs `PUBLIC_URL`.
 * @param {Context} ctx
 */
export function publicOrigin({ req, deps }) {
  if (deps.publicUrl) return deps.publicUrl;
  const port = req.socket.localPort;
  const host = String(req.headers.host ?? '').toLowerCase();
  const local = ['localhost', '127.0.0.1', '[::1]'].map((name) => `${name}:${port}`);
  return `${httpScheme(req, deps.trustProxy)}://${local.includes(host) ? host : `localhost:${port}`}`;
}
