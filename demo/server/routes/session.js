// @ts-check
/**
 * `POST /api/chat/session`: the visitor's way in. Finds or creates the visitor's conversation
 * (relinking a visitor whose storage was cleared, when the opt-in fingerprint matches exactly one)
 * and issues a session token.
 */
import { nanoid } from 'nanoid';
import { MAX_PAGE_SIZE, PROTOCOL_VERSION } from '../../../src/protocol/limits.js';
import { ApiError, badRequest } from '../errors.js';
import { readJson, sendJson } from '../http-util.js';
import { invalidIdentity, verifyUserToken } from '../identity.js';
import { clientIp } from '../rate-limit.js';
import { parseClientId, parseFingerprint, parseVisitorContext } from '../validation.js';
import { ipHash, requireEmbed, wsScheme } from './access.js';
import { withAssistant } from './assistant.js';
import { checkConversationWidget } from './widget-access.js';

/**
 * @typedef {import('./index.js').Handler} Handler
 * @typedef {import('../types.js').Tenant} Tenant
 * @typedef {import('../types.js').VerifiedUser} VerifiedUser
 */

/**
 * The tenant's widget configuration, with `voice` when the site offers voice and the widget the
 * conversation was started through does not turn it off (`features.voice: false`).
 * @param {import('./index.js').Deps} deps
 * @param {string} tenantId
 * @param {string | null} widgetId
 */
async function sessionConfig(deps, tenantId, widgetId) {
  const config = {
    ...(await deps.store.tenants.widgetConfig(tenantId)),
    ...deps.team?.configFor(tenantId, deps.chat.hub.onlineAgentNames(tenantId)),
  };
  const voice = deps.voice?.configFor(tenantId);
  return voice && !(await deps.store.widgets.turnsOff(widgetId, 'voice')) ? { ...config, voice } : config;
}

/**
 * The verified user of a session request, or undefined for an anonymous visitor. A `userId`
 * without a `userToken` is an unsigned identity and is refused, never trusted. Only what the
 * token signs is the user: the page's unsigned `userName`/`userEmail` are ignored here (agents
 * would see them as "Verified user"); the widget uses them to prefill its contact form, whose
 * answers agents see as typed by the visitor.
 * @param {Tenant} tenant
 * @param {Record<string, unknown>} body
 * @returns {Promise<VerifiedUser | undefined>}
 */
async function sessionUser(tenant, body) {
  if (body.userToken === undefined || body.userToken === null) {
    if (body.userId !== undefined && body.userId !== null)
      throw invalidIdentity('`userId` needs a `userToken` signed by the site (see docs/security.md).');
    return undefined;
  }
  const user = await verifyUserToken(tenant, body.userToken);
  if (body.userId !== undefined && body.userId !== null && body.userId !== user.id) {
    throw invalidIdentity('`userId` does not match the `sub` of `userToken`.');
  }
  return user;
}

/**
 * The request's opt-in `history` (docs/protocol.md, "The newest page with the session"): how many
 * of the newest messages to answer with, or undefined when not asked.
 * @param {unknown} value
 * @returns {number | undefined}
 */
function historyLimit(value) {
  if (value === undefined || value === null) return undefined;
  if (!Number.isSafeInteger(value) || /** @type {number} */ (value) < 1 || /** @type {number} */ (value) > MAX_PAGE_SIZE)
    throw badRequest(`\`history\` must be an integer from 1 to ${MAX_PAGE_SIZE}.`);
  return /** @type {number} */ (value);
}

/**
 * The newest page of the conversation, as `GET /api/chat/messages?before=<lastSeq + 1>&limit=…`
 * answers it (the same store query), bounded by the session's `lastSeq` so the page and the
 * session agree: what is stored later is replayed by the connection that resumes from the page.
 * @param {import('./index.js').Deps} deps
 * @param {{ id: string, lastSeq: number }} conversation
 * @param {number} limit
 */
async function newestPage(deps, conversation, limit) {
  if (conversation.lastSeq === 0) return { messages: [], hasMore: false, lastSeq: 0 };
  const { messages, hasMore } = await deps.store.messages.page(conversation.id, { after: 0, before: conversation.lastSeq + 1, limit });
  return { messages, hasMore, lastSeq: conversation.lastSeq };
}

/** `POST /api/chat/session`: find or create the visitor's conversation and issue a token. @type {Handler} */
export async function createSession(ctx) {
  const { req, deps } = ctx;
  const { tenant, widget } = await requireEmbed(ctx);
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
  const context = parseVisitorContext(body.context);
  const history = historyLimit(body.history);
  deps.limits.sessionsPerVisitor.hit(`${tenant.id}:${visitorId}`);
  const user = await sessionUser(tenant, body);

  // Opt-in relink (docs/protocol.md, Coarse fingerprint): only anonymous sessions, only for a
  // visitor id the server has never seen, only when exactly one visitor matches. The matched
  // visitor's conversations move to this visitor id: another visitor's id is never handed out.
  let relinked = false;
  const hash = fingerprint && !user ? ipHash(ctx) : undefined;
  if (fingerprint && hash && !(await deps.store.fingerprints.isKnownVisitor(tenant.id, visitorId))) {
    relinked = await deps.guards.relinker.relink({ tenantId: tenant.id, visitorId, fingerprint, ipHash: hash });
  }

  const { conversation, attached } = await deps.store.conversations.open(tenant.id, visitorId, user, body.newConversation === true);
  if (fingerprint && hash && !conversation.userId) await deps.store.fingerprints.remember(tenant.id, visitorId, fingerprint, hash);
  // The widget the conversation was started through (its first session through a widget id): its
  // allowed domains and features hold for the conversation from now on, whatever key later asks.
  const widgetId = await deps.store.widgets.bindConversation(conversation.id, widget?.id);
  if (widgetId !== (widget?.id ?? null)) await checkConversationWidget(deps, widgetId ?? undefined, tenant, req.headers.origin);
  // Where the visitor is now (docs/protocol.md, Visitor context): shown to agents beside the conversation.
  if (context) await deps.store.lookup.setContext(conversation.id, context);
  // A new conversation is not announced: agents see it from its first message (or contact, upload).
  if (attached) await deps.chat.announceConversation(conversation.id);
  // Read beside the token and config (not after them): a client with nothing cached shows it at once.
  const page = history === undefined ? undefined : newestPage(deps, conversation, history);
  page?.catch(() => undefined); // awaited below; a failure before that must not go unhandled
  const { token, expiresAt } = await deps.tokens.signVisitor({
    tenantId: tenant.id,
    visitorId,
    conversationId: conversation.id,
    userId: user?.id,
    widgetId: widgetId ?? undefined,
  });
  const answer = {
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
    config: await sessionConfig(deps, tenant.id, widgetId),
    ...(user ? { user } : {}),
    ...(relinked ? { relinked: true } : {}),
    ...(page ? { history: await page } : {}),
  };
  // The assistant's part (docs/protocol.md, "The assistant"): config.assistant and handoff.
  sendJson(ctx.res, 200, await withAssistant(deps, conversation, answer));
}
