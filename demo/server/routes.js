// @ts-check
/**
 * The protocol's HTTP API: visitor endpoints (`/api/chat/*`, API key + session token) and agent
 * endpoints (`/api/agent/*`, agent token). Each handler validates, calls ChatService and answers
 * JSON; every thrown ApiError becomes the documented error body in server.js.
 */
import { createHmac } from 'node:crypto';
import { nanoid } from 'nanoid';
import { DUMMY_PASSWORD_HASH, bearer } from './auth.js';
import { cleanStoredImage, isTypeAllowed, mediaType, receiveFile, sanitizeFileName, sendFile } from './files.js';
import { INBOX_FILTERS } from './db.js';
import { invalidIdentity, verifyUserToken } from './identity.js';
import { isOriginAllowed } from './origins.js';
import { clientIp, forwardedEntry } from './rate-limit.js';
import {
  ApiError,
  badRequest,
  intParam,
  pageParams,
  parseAttachmentIds,
  parseClientId,
  parseContact,
  parseQuickReplies,
  parseText,
  readJson,
  sendJson,
} from './http-util.js';

/** Protocol version served by this backend. */
export const PROTOCOL_VERSION = 1;

/**
 * @typedef {import('./db.js').Database} Database
 * @typedef {import('./db.js').Tenant} Tenant
 * @typedef {import('./auth.js').TokenService} TokenService
 * @typedef {import('./chat.js').ChatService} ChatService
 * @typedef {import('./rate-limit.js').RateLimiter} RateLimiter
 * @typedef {{ sessionsPerIp: RateLimiter, sessionsPerVisitor: RateLimiter, sendsPerIp: RateLimiter, uploads: RateLimiter }} Limits
 * @typedef {{
 *   db: Database, tokens: TokenService, chat: ChatService, shutdown: AbortSignal, limits: Limits,
 *   trustProxy: number, publicUrl?: string, debugHooks: boolean, filesDir: string, ipHashKey: string,
 *   hasher: import('./auth.js').PasswordHasher, loginGuard: import('./rate-limit.js').LoginGuard,
 *   guards: import('./limits.js').Guards,
 * }} Deps
 *   `guards`: connection limits, the fingerprint relinker and upload storage (limits.js).
 *   `debugHooks` enables `POST /api/debug/frames` (tests only; never in production).
 *   `filesDir` holds uploaded files; `ipHashKey` keys the HMAC that stores client IPs as hashes.
 *   `trustProxy`: how many proxies in front of the server set `X-Forwarded-*` (0: none).
 *   `hasher` runs password hashes a few at a time; `loginGuard` throttles failed agent logins.
 * @typedef {{
 *   req: import('node:http').IncomingMessage,
 *   res: import('node:http').ServerResponse,
 *   url: URL,
 *   params: Record<string, string>,
 *   deps: Deps,
 * }} Context
 * @typedef {(ctx: Context) => Promise<void>} Handler
 * @typedef {{ pattern: RegExp, methods: Record<string, Handler>, debug?: boolean }} Route
 *   `debug` routes exist only when the server runs with debug hooks (tests).
 */

// ---------------------------------------------------------------------------------------------
// Visitor side

/**
 * The tenant named by the `Authorization: Bearer <api key>` header, if the request's `Origin` may
 * use it.
 * @param {Context} ctx
 * @returns {Promise<Tenant>}
 * @throws {ApiError} 401 `unauthorized`, 403 `origin_not_allowed`
 */
async function requireTenant({ req, deps }) {
  const key = bearer(req.headers.authorization);
  if (!key) throw new ApiError(401, 'unauthorized', 'Missing `Authorization: Bearer <api key>` header.');
  const tenant = await deps.db.tenantByApiKey(key);
  if (!tenant) throw new ApiError(401, 'unauthorized', 'Unknown API key.');
  if (!isOriginAllowed(tenant.allowedOrigins, req.headers.origin)) throw originNotAllowed(req.headers.origin);
  return tenant;
}

/** @param {string | undefined} origin */
export function originNotAllowed(origin) {
  return new ApiError(403, 'origin_not_allowed', `Origin ${JSON.stringify(origin ?? '')} may not embed this tenant's widget.`);
}

/**
 * The visitor named by the `X-Amoiq-Session` token, who must belong to the API key's tenant.
 * @param {Context} ctx
 * @param {Tenant} tenant
 */
async function requireVisitor({ req, deps }, tenant) {
  const header = req.headers['x-amoiq-session'];
  const visitor = await deps.tokens.verifyVisitor(Array.isArray(header) ? header[0] : header);
  if (visitor.tenantId !== tenant.id) throw new ApiError(403, 'forbidden', 'Session token belongs to another tenant.');
  return visitor;
}

/**
 * The verified user of a session request, or undefined for an anonymous visitor. A `userId`
 * without a `userToken` is an unsigned identity and is refused, never trusted. Only what the
 * token signs is the user: the page's unsigned `userName`/`userEmail` are ignored here (agents
 * would see them as "Verified user"); the widget uses them to prefill its contact form, whose
 * answers agents see as typed by the visitor.
 * @param {Tenant} tenant
 * @param {Record<string, unknown>} body
 * @returns {Promise<import('./db.js').VerifiedUser | undefined>}
 */
async function sessionUser(tenant, body) {
  if (body.userToken === undefined || body.userToken === null) {
    if (body.userId !== undefined && body.userId !== null) throw invalidIdentity('`userId` needs a `userToken` signed by the site (see docs/security.md).');
    return undefined;
  }
  const user = await verifyUserToken(tenant, body.userToken);
  if (body.userId !== undefined && body.userId !== null && body.userId !== user.id) {
    throw invalidIdentity('`userId` does not match the `sub` of `userToken`.');
  }
  return user;
}

/**
 * The fingerprint of a session request: 64 lowercase hex characters, or undefined.
 * @param {unknown} value
 */
function parseFingerprint(value) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !/^[0-9a-f]{64}$/.test(value)) throw badRequest('`fingerprint` must be 64 lowercase hex characters.');
  return value;
}

/**
 * The client IP as stored next to a fingerprint: an HMAC-SHA-256 keyed with a server secret, so
 * the database never holds the address itself.
 * @param {Context} ctx
 */
function ipHash({ req, deps }) {
  return createHmac('sha256', deps.ipHashKey).update(clientIp(req, deps.trustProxy)).digest('base64url');
}

/** `POST /api/chat/session`: find or create the visitor's conversation and issue a token. @type {Handler} */
async function createSession(ctx) {
  const { req, deps } = ctx;
  const tenant = await requireTenant(ctx);
  deps.limits.sessionsPerIp.hit(`${tenant.id}:${clientIp(req, deps.trustProxy)}`);
  const body = await readJson(req, { allowEmpty: true });
  if (body.tenantId !== undefined && body.tenantId !== null) {
    if (typeof body.tenantId !== 'string') throw badRequest('`tenantId` must be a string.');
    if (body.tenantId !== tenant.id) throw new ApiError(403, 'forbidden', '`tenantId` does not match the API key.');
  }
  const visitorId = body.visitorId === undefined || body.visitorId === null ? nanoid() : parseClientId(body.visitorId, 'visitorId');
  if (body.newConversation !== undefined && body.newConversation !== null && typeof body.newConversation !== 'boolean') {
    throw badRequest('`newConversation` must be a boolean.');
  }
  const fingerprint = parseFingerprint(body.fingerprint);
  deps.limits.sessionsPerVisitor.hit(`${tenant.id}:${visitorId}`);
  const user = await sessionUser(tenant, body);

  // Opt-in relink (docs/protocol.md, Coarse fingerprint): only anonymous sessions, only for a
  // visitor id the server has never seen, only when exactly one visitor matches. The matched
  // visitor's conversations move to this visitor id: another visitor's id is never handed out.
  let relinked = false;
  const hash = fingerprint && !user ? ipHash(ctx) : undefined;
  if (fingerprint && hash && !(await deps.db.isKnownVisitor(tenant.id, visitorId))) {
    relinked = await deps.guards.relinker.relink({ tenantId: tenant.id, visitorId, fingerprint, ipHash: hash });
  }

  const { conversation, attached } = await deps.db.openConversation(tenant.id, visitorId, user, body.newConversation === true);
  if (fingerprint && hash && !conversation.userId) await deps.db.rememberFingerprint(tenant.id, visitorId, fingerprint, hash);
  // A new conversation is not announced: agents see it from its first message (or contact, upload).
  if (attached) await deps.chat.announceConversation(conversation.id);
  const { token, expiresAt } = await deps.tokens.signVisitor({ tenantId: tenant.id, visitorId, conversationId: conversation.id, userId: user?.id });
  sendJson(ctx.res, 200, {
    protocol: PROTOCOL_VERSION,
    tenantId: tenant.id,
    visitorId,
    conversationId: conversation.id,
    token,
    expiresAt,
    wsUrl: `${wsScheme(req, deps.trustProxy)}://${req.headers.host}/ws/chat`,
    lastSeq: conversation.lastSeq,
    status: conversation.status,
    agentsOnline: deps.chat.hub.agentsOnline(tenant.id),
    agentReadSeq: conversation.agentReadSeq,
    visitorReadSeq: conversation.visitorReadSeq,
    config: await deps.db.widgetConfig(tenant.id),
    ...(user ? { user } : {}),
    ...(relinked ? { relinked: true } : {}),
  });
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {number} trustProxy
 */
function wsScheme(req, trustProxy) {
  return httpScheme(req, trustProxy) === 'https' ? 'wss' : 'ws';
}

/**
 * The scheme the client used: https when the socket is TLS, or when a trusted proxy says so.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} trustProxy
 */
function httpScheme(req, trustProxy) {
  const proto = forwardedEntry(req, 'x-forwarded-proto', trustProxy);
  return proto === 'https' || /** @type {import('node:tls').TLSSocket} */ (req.socket).encrypted ? 'https' : 'http';
}

/**
 * The origin stored file URLs are built on. A `Host` header is the client's to choose, and a
 * stored URL is shown to agents (as an image or a link), so it is trusted only when it names this
 * server on a loopback address; anything else needs `PUBLIC_URL`.
 * @param {Context} ctx
 */
function publicOrigin({ req, deps }) {
  if (deps.publicUrl) return deps.publicUrl;
  const port = req.socket.localPort;
  const host = String(req.headers.host ?? '').toLowerCase();
  const local = ['localhost', '127.0.0.1', '[::1]'].map((name) => `${name}:${port}`);
  return `${httpScheme(req, deps.trustProxy)}://${local.includes(host) ? host : `localhost:${port}`}`;
}

/** `GET /api/chat/messages`: page through the conversation, optionally long-polling. @type {Handler} */
async function listVisitorMessages(ctx) {
  const tenant = await requireTenant(ctx);
  const visitor = await requireVisitor(ctx, tenant);
  const page = pageParams(ctx.url.searchParams);
  const wait = /** @type {number} */ (intParam(ctx.url.searchParams, 'wait', { min: 0, max: 30, fallback: 0 }));
  const conversationId = ctx.url.searchParams.get('conversationId');
  const conversation = await ctx.deps.chat.visitorConversation(visitor, conversationId);
  await answerPage(ctx, conversation, page, wait, {
    subject: `${tenant.id}:visitor:${visitor.visitorId}`,
    // A relink may have moved the conversation to another visitor id while the poll waited.
    authorize: () => ctx.deps.chat.visitorConversation(visitor, conversationId),
  });
}

/**
 * Answers `{ messages, hasMore, lastSeq, status, agentsOnline, agentReadSeq, visitorReadSeq }`.
 * With `wait` and nothing new after `after`, holds the request until a message arrives, the
 * status, the agent read mark or the tenant's presence changes, the wait ends, the client leaves
 * or the server shuts down.
 *
 * A waiting request counts as a connection of the client's address and of `subject` (limits.js):
 * past the limit it is answered `429 rate_limited` with `Retry-After` at once.
 * @param {Context} ctx
 * @param {import('./db.js').Conversation} conversation
 * @param {{ after: number, before?: number, limit: number }} page
 * @param {number} wait seconds
 * @param {{ subject: string, authorize?: () => Promise<unknown> }} caller
 *   `subject`: the token's visitor or agent; `authorize` runs again after a wait (access may end meanwhile)
 */
async function answerPage(ctx, conversation, page, wait, { subject, authorize }) {
  const { db, chat, shutdown } = ctx.deps;
  const conversationId = conversation.id;
  const online = () => chat.hub.agentsOnline(conversation.tenantId);
  const seen = { status: conversation.status, agentReadSeq: conversation.agentReadSeq, agentsOnline: online() };
  let result = await db.messages(conversationId, page);
  if (wait > 0 && page.before === undefined && result.messages.length === 0) {
    const release = ctx.deps.guards.connections.acquire(clientIp(ctx.req, ctx.deps.trustProxy), subject);
    ctx.res.once('close', release);
    const gone = new AbortController();
    ctx.res.once('close', () => gone.abort());
    await chat.waitForChange(conversation, page.after, wait * 1000, AbortSignal.any([gone.signal, shutdown]), async () => {
      const current = await db.conversation(conversationId);
      return (
        (current?.lastSeq ?? 0) > page.after ||
        current?.status !== seen.status ||
        current?.agentReadSeq !== seen.agentReadSeq ||
        online() !== seen.agentsOnline
      );
    });
    release();
    if (gone.signal.aborted) return;
    await authorize?.();
    result = await db.messages(conversationId, page);
  }
  const current = await db.conversation(conversationId);
  sendJson(ctx.res, 200, {
    messages: result.messages,
    hasMore: result.hasMore,
    lastSeq: current?.lastSeq ?? 0,
    status: current?.status ?? conversation.status,
    agentsOnline: online(),
    agentReadSeq: current?.agentReadSeq ?? 0,
    visitorReadSeq: current?.visitorReadSeq ?? 0,
  });
}

/**
 * The message fields shared by visitors and agents: `clientId`, `text` (may be empty when
 * `attachments` are given) and the attachment ids.
 * @param {Record<string, unknown>} body
 */
function messageFields(body) {
  const clientId = parseClientId(body.clientId);
  const attachmentIds = parseAttachmentIds(body.attachments);
  const text = parseText(body.text, { allowEmpty: attachmentIds.length > 0 });
  return { clientId, text, attachmentIds };
}

/** `POST /api/chat/messages`: store a visitor message (idempotent by clientId). @type {Handler} */
async function postVisitorMessage(ctx) {
  const tenant = await requireTenant(ctx);
  const visitor = await requireVisitor(ctx, tenant);
  ctx.deps.limits.sendsPerIp.hit(`${tenant.id}:${clientIp(ctx.req, ctx.deps.trustProxy)}`);
  const body = await readJson(ctx.req);
  const conversation = await ctx.deps.chat.visitorConversation(visitor, body.conversationId);
  const { clientId, text, attachmentIds } = messageFields(body);
  const { message, created } = await ctx.deps.chat.postMessage({ conversation, clientId, sender: { type: 'visitor' }, text, attachmentIds });
  sendJson(ctx.res, created ? 201 : 200, { message });
}

/** `POST /api/chat/read` `{ conversationId, seq }`: the visitor has seen everything up to seq. @type {Handler} */
async function postVisitorRead(ctx) {
  const tenant = await requireTenant(ctx);
  const visitor = await requireVisitor(ctx, tenant);
  const body = await readJson(ctx.req);
  const conversation = await ctx.deps.chat.visitorConversation(visitor, body.conversationId);
  await ctx.deps.chat.markRead(conversation, 'visitor', body.seq);
  sendJson(ctx.res, 204);
}

/** `POST /api/chat/contact` `{ conversationId, name?, email?, fields? }`. @type {Handler} */
async function postVisitorContact(ctx) {
  const tenant = await requireTenant(ctx);
  const visitor = await requireVisitor(ctx, tenant);
  const body = await readJson(ctx.req);
  const conversation = await ctx.deps.chat.visitorConversation(visitor, body.conversationId);
  const contact = parseContact(body);
  await ctx.deps.chat.updateContact(conversation, contact);
  sendJson(ctx.res, 204);
}

/** `POST /api/chat/forget`: delete the stored fingerprint of the session's visitor. @type {Handler} */
async function postVisitorForget(ctx) {
  const tenant = await requireTenant(ctx);
  const visitor = await requireVisitor(ctx, tenant);
  await ctx.deps.db.forgetFingerprint(tenant.id, visitor.visitorId);
  sendJson(ctx.res, 204);
}

/**
 * Stores the request body as a file of the conversation and answers `201 { attachment }`.
 * Checks, in order: open conversation, rate, name, type, then size while streaming.
 * @param {Context} ctx
 * @param {import('./db.js').Conversation} conversation
 * @param {import('./db.js').Sender} uploader
 * @param {string} rateKey
 */
async function upload(ctx, conversation, uploader, rateKey) {
  const { deps, req, url } = ctx;
  if (conversation.status === 'closed') throw new ApiError(409, 'conversation_closed', 'The conversation is closed; start a new one.');
  deps.limits.uploads.hit(rateKey);
  const name = sanitizeFileName(url.searchParams.get('name'));
  if (!name) throw badRequest('`name` (the file name) is required.');
  const { attachments } = await deps.db.widgetConfig(conversation.tenantId);
  const type = mediaType(req.headers['content-type']);
  if (!type || !isTypeAllowed(attachments.types, type)) {
    throw new ApiError(415, 'unsupported_type', `Files of type ${JSON.stringify(type ?? req.headers['content-type'] ?? '')} are not accepted here.`);
  }
  const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
  // Quotas (visitor and tenant) may leave less room than maxSize; what is in flight counts too.
  const room = await deps.guards.uploads.reserve(conversation, uploader.type === 'visitor' ? 'visitor' : 'agent', attachments.maxSize, declared).catch((error) => {
    // Refused before reading: the body is not read either; the connection closes after the answer.
    ctx.res.setHeader('Connection', 'close');
    req.pause();
    throw error;
  });
  /** @type {{ id: string, size: number }} */
  let stored;
  try {
    const received = await receiveFile(req, ctx.res, deps.filesDir, room.cap, room.tooLarge);
    // EXIF (GPS), XMP and comments never reach the other side (image-metadata.js).
    stored = { id: received.id, size: await cleanStoredImage(deps.filesDir, received.id, type) };
  } finally {
    room.release();
  }
  const fileUrl = `${publicOrigin(ctx)}/files/${stored.id}/${encodeURIComponent(name)}`;
  const { attachment, started } = await deps.db.insertFile({ ...stored, conversationId: conversation.id, name, type, url: fileUrl, uploader });
  if (started) await deps.chat.announceConversation(conversation.id);
  sendJson(ctx.res, 201, { attachment });
}

/** `POST /api/chat/uploads?conversationId=…&name=…`: a visitor's file, raw body. @type {Handler} */
async function postVisitorUpload(ctx) {
  const tenant = await requireTenant(ctx);
  const visitor = await requireVisitor(ctx, tenant);
  const conversation = await ctx.deps.chat.visitorConversation(visitor, ctx.url.searchParams.get('conversationId'));
  await upload(ctx, conversation, { type: 'visitor' }, `${tenant.id}:ip:${clientIp(ctx.req, ctx.deps.trustProxy)}`);
}

/** `GET /files/:id/:name`: a stored file (capability URL: the id is unguessable). @type {Handler} */
async function getFile(ctx) {
  const file = await ctx.deps.db.file(ctx.params.id);
  sendFile(ctx.res, file, ctx.deps.filesDir, ctx.req.method === 'HEAD');
}

/** `POST /api/chat/typing`: the HTTP fallback's typing signal. @type {Handler} */
async function postVisitorTyping(ctx) {
  const tenant = await requireTenant(ctx);
  const visitor = await requireVisitor(ctx, tenant);
  const body = await readJson(ctx.req);
  if (typeof body.typing !== 'boolean') throw badRequest('`typing` must be a boolean.');
  const conversation = await ctx.deps.chat.visitorConversation(visitor, body.conversationId);
  ctx.deps.chat.typing(conversation, { type: 'visitor' }, body.typing);
  sendJson(ctx.res, 204);
}

// ---------------------------------------------------------------------------------------------
// Agent side

/**
 * The agent an agent token belongs to, if the token is still good: signed, not expired, and not
 * revoked (the agent and its tenant are still in the tenants file, and the token carries the
 * agent's current token version: logout, a password change and removal bump it).
 * @param {Deps} deps
 * @param {string | null | undefined} token
 * @returns {Promise<{ claims: import('./auth.js').AgentClaims, agent: import('./db.js').AgentRow }>}
 * @throws {ApiError} 401 `invalid_token` or `token_expired`
 */
export async function authenticateAgent(deps, token) {
  const claims = await deps.tokens.verifyAgent(token);
  const agent = await deps.db.agentById(claims.agentId);
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
async function requireAgent({ req, deps }) {
  const token = bearer(req.headers.authorization);
  if (!token) throw new ApiError(401, 'invalid_token', 'Missing `Authorization: Bearer <agent token>` header.');
  return authenticateAgent(deps, token);
}

/** @param {import('./db.js').AgentRow} agent */
export function publicAgent(agent) {
  return { id: agent.id, name: agent.name, email: agent.email, tenantId: agent.tenantId };
}

/** Longest accepted e-mail address and password at login (scrypt would take any length). */
const MAX_LOGIN_FIELD = 1024;

/**
 * `POST /api/agent/login`. Throttled per account and per client address (rate-limit.js,
 * LoginGuard: `429 rate_limited` with `Retry-After`); the password is checked by the hasher, a
 * few at a time. A hash made at a lower cost than today's is replaced after a success.
 * @type {Handler}
 */
async function agentLogin(ctx) {
  const { deps } = ctx;
  const body = await readJson(ctx.req);
  if (typeof body.email !== 'string' || typeof body.password !== 'string') throw badRequest('`email` and `password` must be strings.');
  if (body.email.length > MAX_LOGIN_FIELD || body.password.length > MAX_LOGIN_FIELD) throw badRequest(`\`email\` and \`password\` are at most ${MAX_LOGIN_FIELD} characters.`);
  const email = body.email.trim();
  const attempt = deps.loginGuard.begin(clientIp(ctx.req, deps.trustProxy), email);
  let agent;
  let result;
  try {
    const found = email.includes('\0') ? null : await deps.db.agentByEmail(email);
    agent = found && !found.disabled ? found : null;
    // Hash even for unknown e-mail addresses so timing does not reveal which accounts exist.
    result = await deps.hasher.verify(body.password, agent?.passwordHash ?? DUMMY_PASSWORD_HASH);
  } catch (error) {
    attempt.cancel(); // not decided (server busy): neither a failure nor a success
    throw error;
  }
  const ok = Boolean(agent && result.ok);
  attempt.end(ok);
  if (!agent || !ok) throw new ApiError(401, 'unauthorized', 'Wrong email or password.');
  if (result.rehash) await deps.db.rehashAgentPassword(agent.id, await deps.hasher.hash(body.password).catch(() => agent.passwordHash));
  const { token, expiresAt } = await deps.tokens.signAgent({ tenantId: agent.tenantId, agentId: agent.id, version: agent.tokenVersion });
  sendJson(ctx.res, 200, { token, expiresAt, agent: publicAgent(agent) });
}

/**
 * `POST /api/agent/logout`: ends every session of the calling agent (all its tokens, on every
 * device; its open agent sockets close with 4001).
 * @type {Handler}
 */
async function agentLogout(ctx) {
  const { agent } = await requireAgent(ctx);
  await ctx.deps.db.revokeAgentTokens(agent.id);
  ctx.deps.chat.hub.publish(agent.tenantId, null, { type: 'agent-revoked', agentId: agent.id });
  sendJson(ctx.res, 204);
}

/**
 * `GET /api/agent/conversations?filter=…&limit=…&cursor=…`: one page of the tenant's started
 * conversations, newest activity first; `nextCursor` asks for the next page (null: no more).
 * @type {Handler}
 */
async function listConversations(ctx) {
  const { claims } = await requireAgent(ctx);
  const query = ctx.url.searchParams;
  const filter = query.get('filter') ?? 'all';
  if (!(/** @type {readonly string[]} */ (INBOX_FILTERS).includes(filter))) throw badRequest(`\`filter\` must be one of ${INBOX_FILTERS.join(', ')}.`);
  const limit = /** @type {number} */ (intParam(query, 'limit', { min: 1, max: 200, fallback: 50 }));
  const cursor = parseCursor(query.get('cursor'));
  const page = await ctx.deps.db.conversations(claims.tenantId, {
    filter: /** @type {typeof INBOX_FILTERS[number]} */ (filter),
    agentId: claims.agentId,
    cursor,
    limit,
  });
  sendJson(ctx.res, 200, {
    conversations: page.conversations.map((c) => ctx.deps.chat.agentView(c)),
    nextCursor: page.next ? Buffer.from(JSON.stringify([page.next.at, page.next.id])).toString('base64url') : null,
  });
}

/** A Postgres timestamptz as `::text` prints it: the inbox cursor's position. */
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;

/**
 * The inbox cursor (`nextCursor` of the previous page): base64url of `[activity, id]`.
 * @param {string | null} raw
 * @returns {{ at: string, id: string } | undefined}
 * @throws {ApiError} 400 for anything else
 */
function parseCursor(raw) {
  if (raw === null || raw === '') return undefined;
  /** @type {unknown} */
  let value;
  try {
    value = raw.length <= 200 && /^[A-Za-z0-9_-]+$/.test(raw) ? JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) : undefined;
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'string' || !CURSOR_TIME.test(value[0]) || !/^[A-Za-z0-9_-]{1,64}$/.test(value[1])) {
    throw badRequest('`cursor` must be the `nextCursor` of a previous page.');
  }
  return { at: value[0], id: value[1] };
}

/** `GET /api/agent/conversations/:id/messages`. @type {Handler} */
async function listAgentMessages(ctx) {
  const { claims } = await requireAgent(ctx);
  const page = pageParams(ctx.url.searchParams);
  const wait = /** @type {number} */ (intParam(ctx.url.searchParams, 'wait', { min: 0, max: 30, fallback: 0 }));
  const conversation = await ctx.deps.chat.agentConversation(claims, ctx.params.id);
  await answerPage(ctx, conversation, page, wait, { subject: `${claims.tenantId}:agent:${claims.agentId}` });
}

/** `POST /api/agent/conversations/:id/messages`. @type {Handler} */
async function postAgentMessage(ctx) {
  const { claims, agent } = await requireAgent(ctx);
  const conversation = await ctx.deps.chat.agentConversation(claims, ctx.params.id);
  const body = await readJson(ctx.req);
  const { clientId, text, attachmentIds } = messageFields(body);
  const quickReplies = parseQuickReplies(body.quickReplies);
  const sender = /** @type {const} */ ({ type: 'agent', id: agent.id, name: agent.name });
  const { message, created } = await ctx.deps.chat.postMessage({ conversation, clientId, sender, text, quickReplies, attachmentIds });
  sendJson(ctx.res, created ? 201 : 200, { message });
}

/** `POST /api/agent/conversations/:id/close`. @type {Handler} */
async function postAgentClose(ctx) {
  const { claims, agent } = await requireAgent(ctx);
  const conversation = await ctx.deps.chat.agentConversation(claims, ctx.params.id);
  sendJson(ctx.res, 200, { conversation: ctx.deps.chat.agentView(await ctx.deps.chat.setStatus(conversation, 'closed', agent)) });
}

/** `POST /api/agent/conversations/:id/reopen`. @type {Handler} */
async function postAgentReopen(ctx) {
  const { claims, agent } = await requireAgent(ctx);
  const conversation = await ctx.deps.chat.agentConversation(claims, ctx.params.id);
  sendJson(ctx.res, 200, { conversation: ctx.deps.chat.agentView(await ctx.deps.chat.setStatus(conversation, 'open', agent)) });
}

/** `POST /api/agent/conversations/:id/read` `{ seq }`. @type {Handler} */
async function postAgentRead(ctx) {
  const { claims } = await requireAgent(ctx);
  const conversation = await ctx.deps.chat.agentConversation(claims, ctx.params.id);
  const body = await readJson(ctx.req);
  await ctx.deps.chat.markRead(conversation, 'agent', body.seq);
  sendJson(ctx.res, 204);
}

/** `POST /api/agent/conversations/:id/uploads?name=…`: an agent's file, raw body. @type {Handler} */
async function postAgentUpload(ctx) {
  const { claims, agent } = await requireAgent(ctx);
  const conversation = await ctx.deps.chat.agentConversation(claims, ctx.params.id);
  await upload(ctx, conversation, { type: 'agent', id: agent.id, name: agent.name }, `${claims.tenantId}:agent:${agent.id}`);
}

/** `POST /api/agent/conversations/:id/typing`. @type {Handler} */
async function postAgentTyping(ctx) {
  const { claims, agent } = await requireAgent(ctx);
  const conversation = await ctx.deps.chat.agentConversation(claims, ctx.params.id);
  const body = await readJson(ctx.req);
  if (typeof body.typing !== 'boolean') throw badRequest('`typing` must be a boolean.');
  ctx.deps.chat.typing(conversation, { type: 'agent', id: agent.id, name: agent.name }, body.typing);
  sendJson(ctx.res, 204);
}

// ---------------------------------------------------------------------------------------------
// Test-only

/**
 * `POST /api/debug/frames` `{ conversationId, frames }`: writes each frame as is to the
 * conversation's visitor sockets, so tests can feed the widget malformed frames. A frame is a
 * string, or `{ prefix, fill, times, suffix }` for a huge one (`prefix + fill × times + suffix`,
 * at most 8 MiB). Exists only when the server runs with `AMOIQ_DEBUG_HOOKS=1`; otherwise it is an
 * unknown route.
 * @type {Handler}
 */
async function debugFrames(ctx) {
  if (!ctx.deps.debugHooks) throw new ApiError(404, 'not_found', `No route for POST ${ctx.url.pathname}.`);
  const body = await readJson(ctx.req);
  const conversation = typeof body.conversationId === 'string' ? await ctx.deps.db.conversation(body.conversationId) : null;
  if (!conversation) throw new ApiError(404, 'not_found', 'Unknown conversation.');
  if (!Array.isArray(body.frames)) throw badRequest('`frames` must be an array.');
  const frames = body.frames.map((/** @type {any} */ f) => {
    if (typeof f === 'string') return f;
    const { prefix = '', fill = '', times = 0, suffix = '' } = f ?? {};
    if (![prefix, fill, suffix].every((p) => typeof p === 'string') || !Number.isInteger(times) || fill.length * times > 8 * 2 ** 20) {
      throw badRequest('A frame is a string or { prefix, fill, times, suffix } of at most 8 MiB.');
    }
    return prefix + fill.repeat(times) + suffix;
  });
  for (const data of frames) ctx.deps.chat.hub.publish(conversation.tenantId, conversation.id, { type: 'raw', data });
  sendJson(ctx.res, 204);
}

/**
 * `POST /api/debug/backdate` `{ conversationId, seconds }`: moves a conversation and its messages
 * into the past, so the relink tests need not wait out the relink's minimum age. Debug hooks only.
 * @type {Handler}
 */
async function debugBackdate(ctx) {
  if (!ctx.deps.debugHooks) throw new ApiError(404, 'not_found', `No route for POST ${ctx.url.pathname}.`);
  const body = await readJson(ctx.req);
  const conversation = typeof body.conversationId === 'string' ? await ctx.deps.db.conversation(body.conversationId) : null;
  if (!conversation) throw new ApiError(404, 'not_found', 'Unknown conversation.');
  if (!Number.isSafeInteger(body.seconds) || /** @type {number} */ (body.seconds) < 0) throw badRequest('`seconds` must be a non-negative integer.');
  await ctx.deps.db.backdateConversation(conversation.id, /** @type {number} */ (body.seconds));
  sendJson(ctx.res, 204);
}

/**
 * `POST /api/debug/sweep-uploads` `{ now? }`: runs the sweep of unattached uploads as if the clock
 * said `now` (an ISO time; default now) and answers `{ deleted: [ids] }`. Debug hooks only.
 * @type {Handler}
 */
async function debugSweepUploads(ctx) {
  if (!ctx.deps.debugHooks) throw new ApiError(404, 'not_found', `No route for POST ${ctx.url.pathname}.`);
  const body = await readJson(ctx.req, { allowEmpty: true });
  const now = body.now === undefined ? Date.now() : typeof body.now === 'string' ? Date.parse(body.now) : NaN;
  if (!Number.isFinite(now)) throw badRequest('`now` must be an ISO date-time.');
  sendJson(ctx.res, 200, { deleted: await ctx.deps.guards.uploads.sweep(now) });
}

/** The API routing table; `(?<id>…)` groups become `ctx.params`. @type {Route[]} */
export const apiRoutes = [
  { pattern: /^\/api\/chat\/session$/, methods: { POST: createSession } },
  { pattern: /^\/api\/chat\/messages$/, methods: { GET: listVisitorMessages, POST: postVisitorMessage } },
  { pattern: /^\/api\/chat\/typing$/, methods: { POST: postVisitorTyping } },
  { pattern: /^\/api\/chat\/read$/, methods: { POST: postVisitorRead } },
  { pattern: /^\/api\/chat\/contact$/, methods: { POST: postVisitorContact } },
  { pattern: /^\/api\/chat\/uploads$/, methods: { POST: postVisitorUpload } },
  { pattern: /^\/api\/chat\/forget$/, methods: { POST: postVisitorForget } },
  { pattern: /^\/api\/agent\/login$/, methods: { POST: agentLogin } },
  { pattern: /^\/api\/agent\/logout$/, methods: { POST: agentLogout } },
  { pattern: /^\/api\/agent\/conversations$/, methods: { GET: listConversations } },
  {
    pattern: /^\/api\/agent\/conversations\/(?<id>[^/]+)\/messages$/,
    methods: { GET: listAgentMessages, POST: postAgentMessage },
  },
  { pattern: /^\/api\/agent\/conversations\/(?<id>[^/]+)\/typing$/, methods: { POST: postAgentTyping } },
  { pattern: /^\/api\/agent\/conversations\/(?<id>[^/]+)\/close$/, methods: { POST: postAgentClose } },
  { pattern: /^\/api\/agent\/conversations\/(?<id>[^/]+)\/reopen$/, methods: { POST: postAgentReopen } },
  { pattern: /^\/api\/agent\/conversations\/(?<id>[^/]+)\/read$/, methods: { POST: postAgentRead } },
  { pattern: /^\/api\/agent\/conversations\/(?<id>[^/]+)\/uploads$/, methods: { POST: postAgentUpload } },
  { pattern: /^\/files\/(?<id>f_[A-Za-z0-9_-]+)\/[^/]+$/, methods: { GET: getFile, HEAD: getFile } },
  { pattern: /^\/api\/debug\/frames$/, methods: { POST: debugFrames }, debug: true },
  { pattern: /^\/api\/debug\/backdate$/, methods: { POST: debugBackdate }, debug: true },
  { pattern: /^\/api\/debug\/sweep-uploads$/, methods: { POST: debugSweepUploads }, debug: true },
];
