// @ts-check
/**
 * Test-only endpoints (`/api/debug/*`): they exist only when the server runs with
 * `AMOIQ_DEBUG_HOOKS=1`, never in production; otherwise their paths are unknown routes.
 */
import { badRequest, notFound } from '../errors.js';
import { readJson, sendJson } from '../http-util.js';

/**
 * @typedef {import('./index.js').Handler} Handler
 * @typedef {import('./index.js').Context} Context
 */

/**
 * The conversation a debug request names, refusing the request without debug hooks.
 * @param {Context} ctx
 * @param {Record<string, unknown>} body
 */
async function debugConversation(ctx, body) {
  const conversation = typeof body.conversationId === 'string' ? await ctx.deps.store.conversations.byId(body.conversationId) : null;
  if (!conversation) throw notFound('Unknown conversation.');
  return conversation;
}

/** @param {Context} ctx */
function requireHooks(ctx) {
  if (!ctx.deps.debugHooks) throw notFound(`No route for POST ${ctx.url.pathname}.`);
}

/**
 * `POST /api/debug/frames` `{ conversationId, frames }`: writes each frame as is to the
 * conversation's visitor sockets, so tests can feed the widget malformed frames. A frame is a
 * string, or `{ prefix, fill, times, suffix }` for a huge one (`prefix + fill × times + suffix`,
 * at most 8 MiB).
 * @type {Handler}
 */
export async function debugFrames(ctx) {
  requireHooks(ctx);
  const body = await readJson(ctx.req);
  const conversation = await debugConversation(ctx, body);
  if (!Array.isArray(body.frames)) throw badRequest('`frames` must be an array.');
  const frames = body.frames.map((/** @type {unknown} */ f) => {
    if (typeof f === 'string') return f;
    const { prefix = '', fill = '', times = 0, suffix = '' } = /** @type {Record<string, unknown>} */ (f ?? {});
    if (
      typeof prefix !== 'string' ||
      typeof fill !== 'string' ||
      typeof suffix !== 'string' ||
      !Number.isInteger(times) ||
      fill.length * Number(times) > 8 * 2 ** 20
    ) {
      throw badRequest('A frame is a string or { prefix, fill, times, suffix } of at most 8 MiB.');
    }
    return prefix + fill.repeat(Number(times)) + suffix;
  });
  for (const data of frames) ctx.deps.chat.hub.publish(conversation.tenantId, conversation.id, { type: 'raw', data });
  sendJson(ctx.res, 204);
}

/**
 * `POST /api/debug/backdate` `{ conversationId, seconds }`: moves a conversation and its messages
 * into the past, so the relink tests need not wait out the relink's minimum age.
 * @type {Handler}
 */
export async function debugBackdate(ctx) {
  requireHooks(ctx);
  const body = await readJson(ctx.req);
  const conversation = await debugConversation(ctx, body);
  if (!Number.isSafeInteger(body.seconds) || /** @type {number} */ (body.seconds) < 0)
    throw badRequest('`seconds` must be a non-negative integer.');
  await ctx.deps.store.conversations.backdate(conversation.id, /** @type {number} */ (body.seconds));
  sendJson(ctx.res, 204);
}

/**
 * `POST /api/debug/sweep-uploads` `{ now? }`: runs the sweep of unattached uploads as if the clock
 * said `now` (an ISO time; default now) and answers `{ deleted: [ids] }`.
 * @type {Handler}
 */
export async function debugSweepUploads(ctx) {
  requireHooks(ctx);
  const body = await readJson(ctx.req, { allowEmpty: true });
  const now = body.now === undefined ? Date.now() : typeof body.now === 'string' ? Date.parse(body.now) : NaN;
  if (!Number.isFinite(now)) throw badRequest('`now` must be an ISO date-time.');
  sendJson(ctx.res, 200, { deleted: await ctx.deps.guards.uploads.sweep(now) });
}
