// @ts-check
/**
 * The agent endpoints (`/api/agent/*`, agent token): login and logout, the inbox, a
 * conversation's messages, replies, close and reopen, read marks, uploads and typing.
 */
import { DUMMY_PASSWORD_HASH } from '../auth.js';
import { ApiError, badRequest } from '../errors.js';
import { readJson, sendJson } from '../http-util.js';
import { clientIp } from '../rate-limit.js';
import {
  formatCursor,
  intParam,
  pageParams,
  parseBoolean,
  parseCursor,
  parseInboxFilter,
  parseMessageFields,
  parseQuickReplies,
  parseSeq,
  waitParam,
} from '../validation.js';
import { publicAgent, requireAgent } from './access.js';
import { decorate } from './assistant.js';
import { answerPage } from './pages.js';
import { upload } from './upload.js';

/** @typedef {import('./index.js').Handler} Handler */

/** Longest accepted e-mail address and password at login (scrypt would take any length). */
const MAX_LOGIN_FIELD = 1024;

/**
 * `POST /api/agent/login`. Throttled per account and per client address (rate-limit.js,
 * LoginGuard: `429 rate_limited` with `Retry-After`); the password is checked by the hasher, a
 * few at a time. A hash made at a lower cost than today's is replaced after a success.
 * @type {Handler}
 */
export async function agentLogin(ctx) {
  const { deps } = ctx;
  const body = await readJson(ctx.req);
  if (typeof body.email !== 'string' || typeof body.password !== 'string') throw badRequest('`email` and `password` must be strings.');
  if (body.email.length > MAX_LOGIN_FIELD || body.password.length > MAX_LOGIN_FIELD)
    throw badRequest(`\`email\` and \`password\` are at most ${MAX_LOGIN_FIELD} characters.`);
  const email = body.email.trim();
  const attempt = deps.loginGuard.begin(clientIp(ctx.req, deps.trustProxy), email);
  let agent;
  let result;
  try {
    const found = email.includes('\0') ? null : await deps.store.agents.byEmail(email);
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
  if (result.rehash)
    await deps.store.agents.rehashPassword(agent.id, await deps.hasher.hash(body.password).catch(() => agent.passwordHash));
  const { token, expiresAt } = await deps.tokens.signAgent({ tenantId: agent.tenantId, agentId: agent.id, version: agent.tokenVersion });
  sendJson(ctx.res, 200, { token, expiresAt, agent: publicAgent(agent, await deps.store.agents.roleOf(agent.id)) });
}

/**
 * `POST /api/agent/logout`: ends every session of the calling agent (all its tokens, on every
 * device; its open agent sockets close with 4001).
 * @type {Handler}
 */
export async function agentLogout(ctx) {
  const { agent } = await requireAgent(ctx);
  await ctx.deps.store.agents.revokeTokens(agent.id);
  ctx.deps.chat.hub.publish(agent.tenantId, null, { type: 'agent-revoked', agentId: agent.id });
  sendJson(ctx.res, 204);
}

/**
 * `GET /api/agent/conversations?filter=…&limit=…&cursor=…`: one page of the tenant's started
 * conversations, newest activity first; `nextCursor` asks for the next page (null: no more).
 * @type {Handler}
 */
export async function listConversations(ctx) {
  const { claims } = await requireAgent(ctx);
  const query = ctx.url.searchParams;
  const filter = parseInboxFilter(query.get('filter'));
  const limit = /** @type {number} */ (intParam(query, 'limit', { min: 1, max: 200, fallback: 50 }));
  const cursor = parseCursor(query.get('cursor'));
  const page = await ctx.deps.store.conversations.inbox(claims.tenantId, { filter, agentId: claims.agentId, cursor, limit });
  sendJson(ctx.res, 200, {
    conversations: await decorate(
      ctx,
      page.conversations.map((c) => ctx.deps.chat.agentView(c)),
    ),
    nextCursor: page.next ? formatCursor(page.next) : null,
  });
}

/** `GET /api/agent/conversations/:id/messages`. @type {Handler} */
export async function listAgentMessages(ctx) {
  const { claims } = await requireAgent(ctx);
  const page = pageParams(ctx.url.searchParams);
  const wait = waitParam(ctx.url.searchParams);
  const conversation = await ctx.deps.chat.agentConversation(claims, ctx.params.id);
  await answerPage(ctx, conversation, page, wait, { subject: `${claims.tenantId}:agent:${claims.agentId}`, agent: true });
}

/** `POST /api/agent/conversations/:id/messages`. @type {Handler} */
export async function postAgentMessage(ctx) {
  const { claims, agent } = await requireAgent(ctx);
  const conversation = await ctx.deps.chat.replyTarget(claims, ctx.params.id);
  const body = await readJson(ctx.req);
  const { clientId, text, attachmentIds } = parseMessageFields(body);
  const quickReplies = parseQuickReplies(body.quickReplies);
  const sender = /** @type {const} */ ({ type: 'agent', id: agent.id, name: agent.name });
  const { message, created } = await ctx.deps.chat.postMessage({ conversation, clientId, sender, text, quickReplies, attachmentIds });
  sendJson(ctx.res, created ? 201 : 200, { message });
}

/** `POST /api/agent/conversations/:id/close`. @type {Handler} */
export async function postAgentClose(ctx) {
  const { claims, agent } = await requireAgent(ctx);
  const conversation = await ctx.deps.chat.agentConversation(claims, ctx.params.id);
  sendJson(ctx.res, 200, { conversation: ctx.deps.chat.agentView(await ctx.deps.chat.setStatus(conversation, 'closed', agent)) });
}

/** `POST /api/agent/conversations/:id/reopen`. @type {Handler} */
export async function postAgentReopen(ctx) {
  const { claims, agent } = await requireAgent(ctx);
  const conversation = await ctx.deps.chat.agentConversation(claims, ctx.params.id);
  sendJson(ctx.res, 200, { conversation: ctx.deps.chat.agentView(await ctx.deps.chat.setStatus(conversation, 'open', agent)) });
}

/** `POST /api/agent/conversations/:id/read` `{ seq }`. @type {Handler} */
export async function postAgentRead(ctx) {
  const { claims } = await requireAgent(ctx);
  const conversation = await ctx.deps.chat.agentConversation(claims, ctx.params.id);
  const body = await readJson(ctx.req);
  await ctx.deps.chat.markRead(conversation, 'agent', parseSeq(body.seq));
  sendJson(ctx.res, 204);
}

/** `POST /api/agent/conversations/:id/uploads?name=…`: an agent's file, raw body. @type {Handler} */
export async function postAgentUpload(ctx) {
  const { claims, agent } = await requireAgent(ctx);
  const conversation = await ctx.deps.chat.agentConversation(claims, ctx.params.id);
  await upload(ctx, conversation, { type: 'agent', id: agent.id, name: agent.name }, `${claims.tenantId}:agent:${agent.id}`);
}

/** `POST /api/agent/conversations/:id/typing`. @type {Handler} */
export async function postAgentTyping(ctx) {
  const { claims, agent } = await requireAgent(ctx);
  const target = await ctx.deps.chat.typingTarget(claims, ctx.params.id);
  const body = await readJson(ctx.req);
  ctx.deps.chat.typing(target, { type: 'agent', id: agent.id, name: agent.name }, parseBoolean(body.typing, 'typing'));
  sendJson(ctx.res, 204);
}
