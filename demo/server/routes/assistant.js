// @ts-check
/**
 * The assistant's endpoints (docs/protocol.md, "The assistant"): for visitors escalate, stop,
 * feedback, rating, transcript download and e-mail; for agents the queue, accept (take over),
 * transfer, return to the assistant, escalate, and a conversation's feedback and rating. The
 * rules are in assistant/service.js.
 *
 * Every visitor request here is rate-limited per visitor and kind and per client address
 * (limits.js, `assistantPerVisitor`, `assistantPerIp`), and transcript e-mails besides per
 * conversation, recipient, address and tenant (docs/security.md, "Limits"). Limits are counted
 * only once the request is valid, and all or none of them (rate-limit.js `hitAll`).
 */
import { ApiError, badRequest, conversationClosed } from '../errors.js';
import { readJson, sendJson } from '../http-util.js';
import { MailError, recipientKey, renderTranscriptHtml, renderTranscriptText, transcriptRecipient } from '../mail.js';
import { clientIp, hitAll } from '../rate-limit.js';
import { parseStringMap } from '../validation.js';
import { requireAgent, requireTenant, requireVisitor } from './access.js';

/**
 * @typedef {import('./index.js').Handler} Handler
 * @typedef {import('./index.js').Context} Context
 * @typedef {import('../assistant/service.js').AssistantService} AssistantService
 */

const MAX_REASON = 500;
const MAX_COMMENT = 1000;

/**
 * The assistant service, or the answer that the site has none.
 * @param {Context} ctx
 * @returns {AssistantService}
 */
function service(ctx) {
  const assistant = ctx.deps.assistant;
  if (!assistant) throw new ApiError(409, 'assistant_disabled', 'This server runs no assistant.');
  return assistant;
}

/**
 * An optional comment: a string of at most `max` characters, no NUL.
 * @param {unknown} value
 * @param {string} field
 * @param {number} max
 */
function optionalText(value, field, max) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || [...value].length > max || value.includes('\0'))
    throw badRequest(`\`${field}\` must be a string of at most ${max} characters.`);
  return value.trim() || undefined;
}

/**
 * `metadata` of an escalation (docs/protocol.md, Handoff): the rules of contact `fields`
 * (validation.js `parseStringMap`), every error naming `metadata`; absent or null: none.
 * @param {unknown} value
 * @returns {Record<string, string> | undefined}
 * @throws {ApiError} 400 `bad_request`
 */
function parseMetadata(value) {
  if (value === undefined || value === null) return undefined;
  return parseStringMap(value, 'metadata');
}

/**
 * The visitor's conversation named by the body, and `count()`, which counts the request against
 * the limits of its `kind` once the handler has validated it.
 * @param {Context} ctx
 * @param {string} kind e.g. `feedback`: each kind has its own per-visitor budget
 */
async function visitorBody(ctx, kind) {
  const tenant = await requireTenant(ctx);
  const visitor = await requireVisitor(ctx, tenant);
  const body = await readJson(ctx.req);
  const conversation = await ctx.deps.chat.visitorConversation(visitor, body.conversationId);
  return { tenant, body, conversation, count: visitorLimits(ctx, tenant.id, visitor, kind) };
}

/**
 * The per-visitor and per-address limits of one kind of the assistant's visitor requests, as
 * `[limiter, key]` pairs for `hitAll` (more may be added, as the transcript e-mail does).
 * @param {Context} ctx
 * @param {string} tenantId
 * @param {import('../auth.js').VisitorClaims} visitor
 * @param {string} kind
 */
function visitorLimits(ctx, tenantId, visitor, kind) {
  const rates = ctx.deps.guards.assistant;
  // A user is one person on every browser; an anonymous visitor is its visitor id.
  const who = visitor.userId === undefined ? `visitor:${visitor.visitorId}` : `user:${visitor.userId}`;
  const ip = clientIp(ctx.req, ctx.deps.trustProxy);
  /** @type {Array<readonly [import('../rate-limit.js').RateLimiter, string]>} */
  const limits = [
    [rates.assistantPerVisitor, `${tenantId}:${who}:${kind}`],
    [rates.assistantPerIp, `${tenantId}:${ip}`],
  ];
  /** @param {Array<readonly [import('../rate-limit.js').RateLimiter, string]>} [more] */
  return (more = []) => hitAll([...limits, ...more]);
}

/**
 * Transcripts are for closed conversations (docs/assistant.md): the widget offers them after an
 * agent closed it, as it does the rating.
 * @param {import('../types.js').Conversation} conversation
 * @throws {ApiError} 409 `not_closed`
 */
function requireClosed(conversation) {
  if (conversation.status !== 'closed') throw new ApiError(409, 'not_closed', 'Transcripts are for closed conversations.');
}

/** `POST /api/chat/escalate` `{ conversationId, reason?, metadata? }`. @type {Handler} */
export async function postEscalate(ctx) {
  const { body, conversation, count } = await visitorBody(ctx, 'escalate');
  const reason = optionalText(body.reason, 'reason', MAX_REASON);
  const metadata = parseMetadata(body.metadata);
  // The service refuses a closed conversation too; checked here first so the refusal is not counted.
  if (conversation.status !== 'open') throw conversationClosed();
  count();
  const handoff = await service(ctx).escalate(conversation, { reason, metadata, requestedBy: 'visitor' });
  sendJson(ctx.res, 200, { handoff });
}

/** `POST /api/chat/assistant/stop` `{ conversationId, streamId }`. @type {Handler} */
export async function postStop(ctx) {
  const { body, conversation, count } = await visitorBody(ctx, 'stop');
  if (typeof body.streamId !== 'string' || !body.streamId) throw badRequest('`streamId` is required.');
  count();
  if (!service(ctx).stopStream(conversation.id, body.streamId))
    throw new ApiError(404, 'not_found', 'No such stream in this conversation.');
  sendJson(ctx.res, 204);
}

/** `POST /api/chat/feedback` `{ conversationId, messageId, helpful, comment? }`. @type {Handler} */
export async function postFeedback(ctx) {
  const { body, conversation, count } = await visitorBody(ctx, 'feedback');
  if (typeof body.messageId !== 'string' || !body.messageId) throw badRequest('`messageId` is required.');
  if (typeof body.helpful !== 'boolean') throw badRequest('`helpful` must be true or false.');
  const comment = optionalText(body.comment, 'comment', MAX_COMMENT);
  count();
  await service(ctx).feedback(conversation, { messageId: body.messageId, helpful: body.helpful, comment });
  sendJson(ctx.res, 204);
}

/** `POST /api/chat/rating` `{ conversationId, score, comment? }`. @type {Handler} */
export async function postRating(ctx) {
  const { body, conversation, count } = await visitorBody(ctx, 'rating');
  const score = body.score;
  if (typeof score !== 'number' || !Number.isInteger(score) || score < 1 || score > 5)
    throw badRequest('`score` must be a whole number from 1 to 5.');
  const comment = optionalText(body.comment, 'comment', MAX_COMMENT);
  // The service answers 409 `not_closed` for an open conversation; checked here first so such a
  // request is not counted.
  if (conversation.status !== 'closed') throw new ApiError(409, 'not_closed', 'Only a closed conversation can be rated.');
  count();
  await service(ctx).rate(conversation, score, comment);
  sendJson(ctx.res, 204);
}

/**
 * The transcript of a conversation (mail.js renders it).
 * @param {Context} ctx
 * @param {import('../types.js').Conversation} conversation
 * @param {string} tenantName
 */
async function transcriptOf(ctx, conversation, tenantName) {
  const messages = ctx.deps.assistant ? await ctx.deps.assistant.db.allMessages(conversation.id) : await allMessages(ctx, conversation.id);
  return {
    tenantName,
    conversationId: conversation.id,
    messages,
    assistantName: ctx.deps.assistant?.assistantOf(conversation.tenantId)?.settings.name,
  };
}

/**
 * @param {Context} ctx
 * @param {string} conversationId
 */
async function allMessages(ctx, conversationId) {
  const page = await ctx.deps.store.messages.page(conversationId, { after: 0, limit: 5000 });
  return page.messages;
}

/** `GET /api/chat/transcript?conversationId=…&format=text|html`. @type {Handler} */
export async function getTranscript(ctx) {
  const tenant = await requireTenant(ctx);
  const visitor = await requireVisitor(ctx, tenant);
  const query = ctx.url.searchParams;
  const format = query.get('format') ?? 'text';
  if (format !== 'text' && format !== 'html') throw badRequest('`format` must be `text` or `html`.');
  const conversation = await ctx.deps.chat.visitorConversation(visitor, query.get('conversationId'));
  requireClosed(conversation);
  visitorLimits(ctx, tenant.id, visitor, 'transcript')();
  const transcript = await transcriptOf(ctx, conversation, tenant.name);
  const body = format === 'html' ? renderTranscriptHtml(transcript) : renderTranscriptText(transcript);
  ctx.res.writeHead(200, {
    'Content-Type': format === 'html' ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8',
    'Content-Disposition': `attachment; filename="transcript-${conversation.id}.${format === 'html' ? 'html' : 'txt'}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
  });
  ctx.res.end(body);
}

/**
 * `POST /api/chat/transcript/email` `{ conversationId, email }`. The address is checked once, by
 * the mailer's own rule (mail.js `transcriptRecipient`), and the conversation must be closed,
 * before any limit counts the request: a refused request uses up nothing. Then the limits per
 * visitor and address (as every assistant request), per conversation, per recipient (over every
 * tenant), per client address and per tenant, all or none.
 * @type {Handler}
 */
export async function postTranscriptEmail(ctx) {
  const { tenant, body, conversation, count } = await visitorBody(ctx, 'transcript-email');
  if (body.email === undefined || body.email === null || body.email === '') throw badRequest('`email` is required.');
  const email = transcriptRecipient(body.email);
  if (!email) throw badRequest('`email` must be an address like local@domain.tld (at most 254 characters, no quotes, brackets or spaces).');
  requireClosed(conversation);
  const mailer = ctx.deps.mailer;
  if (!mailer) throw new ApiError(502, 'mail_failed', 'This server sends no e-mail.');
  const rates = ctx.deps.guards.assistant;
  count([
    [rates.emailsPerConversation, conversation.id],
    [rates.emailsPerAddress, recipientKey(email)],
    [rates.emailsPerIp, `${tenant.id}:${clientIp(ctx.req, ctx.deps.trustProxy)}`],
    [rates.emailsPerTenant, tenant.id],
  ]);
  try {
    const result = await mailer.sendTranscript(email, await transcriptOf(ctx, conversation, tenant.name));
    sendJson(ctx.res, 202, { delivered: result.delivered });
  } catch (error) {
    if (error instanceof MailError && error.code === 'bad_request') throw badRequest(error.message);
    console.error('transcript e-mail failed', error);
    throw new ApiError(502, 'mail_failed', 'The transcript could not be sent.');
  }
}

// --- agents ---

/**
 * The agent and the conversation of the path.
 * @param {Context} ctx
 */
async function agentTarget(ctx) {
  const { claims, agent } = await requireAgent(ctx);
  const conversation = await ctx.deps.chat.agentConversation(claims, ctx.params.id);
  return { agent, conversation };
}

/**
 * Answers the conversation as agents see it, with its handoff.
 * @param {Context} ctx
 * @param {string} conversationId
 */
async function answerConversation(ctx, conversationId) {
  const summary = await ctx.deps.store.conversations.summary(conversationId);
  if (!summary) throw new ApiError(404, 'not_found', 'Unknown conversation.');
  const [decorated] = await decorate(ctx, [ctx.deps.chat.agentView(summary)]);
  sendJson(ctx.res, 200, { conversation: decorated });
}

/**
 * Adds `handoff`, `rating` and `feedback` to agent-side conversations.
 * @template {{ id: string }} C
 * @param {Context} ctx
 * @param {C[]} conversations
 * @returns {Promise<(C & { handoff?: unknown, rating?: unknown, feedback?: unknown })[]>}
 */
export async function decorate(ctx, conversations) {
  const assistant = ctx.deps.assistant;
  if (!assistant || conversations.length === 0) return conversations;
  const ids = conversations.map((c) => c.id);
  const rows = await assistant.db.handoffs(ids);
  const extras = await assistant.db.summaries(ids);
  const tenantId = (await ctx.deps.store.conversations.byId(ids[0]))?.tenantId ?? '';
  const out = [];
  for (const c of conversations) {
    const handoff = await assistant.agentView(tenantId, c.id, rows.get(c.id) ?? null);
    out.push({ ...c, handoff, ...(extras.get(c.id) ?? {}) });
  }
  return out;
}

/** `GET /api/agent/queue`. @type {Handler} */
export async function getQueue(ctx) {
  const { claims } = await requireAgent(ctx);
  sendJson(ctx.res, 200, await service(ctx).queueView(claims.tenantId));
}

/** `POST /api/agent/conversations/:id/accept`. @type {Handler} */
export async function postAccept(ctx) {
  const { agent, conversation } = await agentTarget(ctx);
  await service(ctx).accept(conversation, agent);
  await answerConversation(ctx, conversation.id);
}

/** `POST /api/agent/conversations/:id/transfer` `{ agentId }`. @type {Handler} */
export async function postTransfer(ctx) {
  const { agent, conversation } = await agentTarget(ctx);
  const body = await readJson(ctx.req);
  if (typeof body.agentId !== 'string' || !body.agentId) throw badRequest('`agentId` is required.');
  if (conversation.status !== 'open') throw new ApiError(409, 'conversation_closed', 'The conversation is closed.');
  await service(ctx).transfer(conversation, agent, body.agentId);
  await answerConversation(ctx, conversation.id);
}

/** `POST /api/agent/conversations/:id/return`. @type {Handler} */
export async function postReturn(ctx) {
  const { agent, conversation } = await agentTarget(ctx);
  if (conversation.status !== 'open') throw new ApiError(409, 'conversation_closed', 'The conversation is closed.');
  await service(ctx).returnToAssistant(conversation, agent);
  await answerConversation(ctx, conversation.id);
}

/** `POST /api/agent/conversations/:id/escalate` `{ reason?, metadata? }`. @type {Handler} */
export async function postAgentEscalate(ctx) {
  const { conversation } = await agentTarget(ctx);
  const body = await readJson(ctx.req, { allowEmpty: true });
  const reason = optionalText(body.reason, 'reason', MAX_REASON);
  const metadata = parseMetadata(body.metadata);
  await service(ctx).agentEscalate(conversation, { reason: reason ?? 'put back in the queue by an agent', metadata });
  await answerConversation(ctx, conversation.id);
}

/** `GET /api/agent/conversations/:id/feedback`. @type {Handler} */
export async function getFeedback(ctx) {
  const { conversation } = await agentTarget(ctx);
  const assistant = ctx.deps.assistant;
  sendJson(ctx.res, 200, {
    feedback: assistant ? await assistant.db.feedback(conversation.id) : [],
    rating: assistant ? await assistant.db.rating(conversation.id) : null,
    handoff: assistant ? await assistant.agentView(conversation.tenantId, conversation.id) : null,
  });
}

/**
 * The session answer with the assistant's part: `handoff` and `config.assistant`.
 * @template {{ config?: unknown }} T
 * @param {import('./index.js').Deps} deps
 * @param {{ id: string, tenantId: string }} conversation
 * @param {T} answer
 * @returns {Promise<T>}
 */
export async function withAssistant(deps, conversation, answer) {
  const assistant = deps.assistant;
  if (!assistant) return answer;
  // A conversation started through a widget with the assistant off (issue 13) has none.
  const off = await deps.store.widgets.featureOff(conversation.id, 'assistant');
  const config = off ? undefined : assistant.configFor(conversation.tenantId);
  const handoff = await assistant.view(conversation.tenantId, conversation.id);
  return {
    ...answer,
    handoff,
    ...(config ? { config: { .../** @type {object} */ (answer.config ?? {}), assistant: config } } : {}),
  };
}
