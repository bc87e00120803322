// @ts-check
/**
 * The visitor endpoints after the session (`/api/chat/*`, API key + `X-Amoiq-Session` token):
 * messages (page, long poll, send), read marks, contact details, typing, uploads, forgetting the
 * fingerprint. The WebSocket (sockets/visitor.js) does the same through frames.
 */
import { ApiError } from '../errors.js';
import { readJson, sendJson } from '../http-util.js';
import { clientIp } from '../rate-limit.js';
import { pageParams, parseBoolean, parseContact, parseMessageFields, parseSeq, waitParam } from '../validation.js';
import { requireTenant, requireVisitor } from './access.js';
import { answerPage } from './pages.js';
import { upload } from './upload.js';

export { getFile } from './upload.js';

/** @typedef {import('./index.js').Handler} Handler */

/** `GET /api/chat/messages`: page through the conversation, optionally long-polling. @type {Handler} */
export async function listVisitorMessages(ctx) {
  const tenant = await requireTenant(ctx);
  const visitor = await requireVisitor(ctx, tenant);
  const page = pageParams(ctx.url.searchParams);
  const wait = waitParam(ctx.url.searchParams);
  const conversationId = ctx.url.searchParams.get('conversationId');
  const conversation = await ctx.deps.chat.visitorConversation(visitor, conversationId);
  await answerPage(ctx, conversation, page, wait, {
    subject: `${tenant.id}:visitor:${visitor.visitorId}`,
    // A relink may have moved the conversation to another visitor id while the poll waited.
    authorize: () => ctx.deps.chat.visitorConversation(visitor, conversationId),
    teamTyping: true,
  });
}

/** `POST /api/chat/messages`: store a visitor message (idempotent by clientId). @type {Handler} */
export async function postVisitorMessage(ctx) {
  const tenant = await requireTenant(ctx);
  const visitor = await requireVisitor(ctx, tenant);
  ctx.deps.limits.sendsPerIp.hit(`${tenant.id}:${clientIp(ctx.req, ctx.deps.trustProxy)}`);
  const body = await readJson(ctx.req);
  const conversation = await ctx.deps.chat.visitorConversation(visitor, body.conversationId);
  const { clientId, text, attachmentIds } = parseMessageFields(body);
  const { message, created } = await ctx.deps.chat.postMessage({
    conversation,
    clientId,
    sender: { type: 'visitor' },
    text,
    attachmentIds,
  });
  sendJson(ctx.res, created ? 201 : 200, { message });
}

/** `POST /api/chat/read` `{ conversationId, seq }`: the visitor has seen everything up to seq. @type {Handler} */
export async function postVisitorRead(ctx) {
  const tenant = await requireTenant(ctx);
  const visitor = await requireVisitor(ctx, tenant);
  const body = await readJson(ctx.req);
  const conversation = await ctx.deps.chat.visitorConversation(visitor, body.conversationId);
  await ctx.deps.chat.markRead(conversation, 'visitor', parseSeq(body.seq));
  sendJson(ctx.res, 204);
}

/** `POST /api/chat/contact` `{ conversationId, name?, email?, fields? }`. @type {Handler} */
export async function postVisitorContact(ctx) {
  const tenant = await requireTenant(ctx);
  const visitor = await requireVisitor(ctx, tenant);
  const body = await readJson(ctx.req);
  const conversation = await ctx.deps.chat.visitorConversation(visitor, body.conversationId);
  const contact = parseContact(body);
  await ctx.deps.chat.updateContact(conversation, contact);
  sendJson(ctx.res, 204);
}

/** `POST /api/chat/forget`: delete the stored fingerprint of the session's visitor. @type {Handler} */
export async function postVisitorForget(ctx) {
  const tenant = await requireTenant(ctx);
  const visitor = await requireVisitor(ctx, tenant);
  await ctx.deps.store.fingerprints.forget(tenant.id, visitor.visitorId);
  sendJson(ctx.res, 204);
}

/** `POST /api/chat/uploads?conversationId=…&name=…`: a visitor's file, raw body. @type {Handler} */
export async function postVisitorUpload(ctx) {
  const tenant = await requireTenant(ctx);
  const visitor = await requireVisitor(ctx, tenant);
  // A conversation started through a widget with attachments off (issue 13) takes no files.
  if (await ctx.deps.store.widgets.turnsOff(visitor.widgetId, 'attachments'))
    throw new ApiError(415, 'unsupported_type', "This widget accepts no attachments (its configuration's features.attachments is off).");
  const conversation = await ctx.deps.chat.visitorConversation(visitor, ctx.url.searchParams.get('conversationId'));
  await upload(ctx, conversation, { type: 'visitor' }, `${tenant.id}:ip:${clientIp(ctx.req, ctx.deps.trustProxy)}`);
}

/** `POST /api/chat/typing`: the HTTP fallback's typing signal. @type {Handler} */
export async function postVisitorTyping(ctx) {
  const tenant = await requireTenant(ctx);
  const visitor = await requireVisitor(ctx, tenant);
  const body = await readJson(ctx.req);
  const typing = parseBoolean(body.typing, 'typing');
  const conversation = await ctx.deps.chat.visitorConversation(visitor, body.conversationId);
  ctx.deps.chat.typing(conversation, { type: 'visitor' }, typing);
  sendJson(ctx.res, 204);
}
