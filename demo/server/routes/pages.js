// @ts-check
/**
 * The message pages of the visitor and agent APIs (`GET …/messages`), with the long poll of the
 * HTTP fallback: `wait=N` holds a request that has nothing new until something changes.
 */
import { badRequest } from '../errors.js';
import { sendJson } from '../http-util.js';
import { clientIp } from '../rate-limit.js';

/**
 * @typedef {import('./index.js').Context} Context
 * @typedef {import('../types.js').Conversation} Conversation
 */

/** Most streams a `stream=` cursor may name (a conversation has one answer in flight at a time). */
export const MAX_STREAM_CURSORS = 8;
/** One entry of `stream=`: a stream id as the server makes them (`s_` + nanoid) and an index (-1: none yet). */
const STREAM_CURSOR = /^s_[A-Za-z0-9_-]{1,64}:(?:-1|0|[1-9]\d{0,8})$/;

/**
 * The long poll's `stream=` (docs/protocol.md, Long poll): `<streamId>:<index>` entries,
 * comma-separated, at most {@link MAX_STREAM_CURSORS}; absent or empty: the client shows none.
 * Anything else is refused: the poll compares the cursor with the server's streams, so a cursor
 * that can never match would answer every wait at once (a client polling in a busy loop).
 * @param {URLSearchParams} query
 * @returns {string} the cursor as given ('' for none)
 * @throws {import('../errors.js').ApiError} 400 `bad_request`
 */
export function streamParam(query) {
  const raw = query.get('stream');
  if (raw === null || raw === '') return '';
  const entries = raw.split(',');
  if (entries.length > MAX_STREAM_CURSORS || !entries.every((entry) => STREAM_CURSOR.test(entry)))
    throw badRequest(`\`stream\` must be up to ${MAX_STREAM_CURSORS} comma-separated \`<streamId>:<index>\` entries (e.g. \`s_abc:3\`).`);
  return raw;
}

/**
 * Answers `{ messages, hasMore, lastSeq, status, agentsOnline, agentReadSeq, visitorReadSeq }`,
 * and for the visitor (`teamTyping`) `typing`: the agent typing now, or null.
 * With `wait` and nothing new after `after`, holds the request until a message arrives, the
 * status, the agent read mark or the tenant's presence changes, the wait ends, the client leaves
 * or the server shuts down.
 *
 * A waiting request counts as a connection of the client's address and of `subject` (limits.js):
 * past the limit it is answered `429 rate_limited` with `Retry-After` at once.
 * @param {Context} ctx
 * @param {Conversation} conversation
 * @param {{ after: number, before?: number, limit: number }} page
 * @param {number} wait seconds
 * @param {{ subject: string, authorize?: () => Promise<unknown>, teamTyping?: boolean, agent?: boolean }} caller
 *   `subject`: the token's visitor or agent; `authorize` runs again after a wait (access may end
 *   meanwhile); `teamTyping`: report the team's typing and wake the wait when it changes (the
 *   HTTP fallback has no typing frames); `agent`: an agent asks, the page's `handoff` is the
 *   agents' (metadata, `assistant`), as every other agent answer
 */
export async function answerPage(ctx, conversation, page, wait, { subject, authorize, teamTyping = false, agent = false }) {
  const { store, chat, shutdown } = ctx.deps;
  const seenAssistant = streamParam(ctx.url.searchParams);
  const conversationId = conversation.id;
  const online = () => chat.hub.agentsOnline(conversation.tenantId);
  const typing = () => (teamTyping ? chat.teamTyping(conversationId) : null);
  // The newest call's id and state (voice/service.js): a change ends the wait.
  const callKey = () => {
    const now = ctx.deps.voice?.current(conversationId);
    return now ? `${now.call.id}:${now.call.state}` : '';
  };
  const seenCall = callKey();
  // The assistant's streams (docs/protocol.md, Long poll): `stream=<id>:<index>` is what the client has.
  const assistantKey = () => ctx.deps.assistant?.streamKey(conversationId) ?? '';
  // A queue position or handoff state that changes while the request starts (its frames wake a
  // waiting request once it is subscribed).
  const handoffKey = () => ctx.deps.assistant?.handoffKey(conversationId) ?? '';
  const seenHandoff = handoffKey();
  const seen = { status: conversation.status, agentReadSeq: conversation.agentReadSeq, agentsOnline: online(), typing: typing() };
  // The streams are read before the messages: an answer that ends in between is then in both (the
  // client replaces a stream by the message carrying its streamId), never in neither.
  let streams = ctx.deps.assistant?.snapshots(conversationId);
  let result = await store.messages.page(conversationId, page);
  if (wait > 0 && page.before === undefined && result.messages.length === 0) {
    const release = ctx.deps.guards.connections.acquire(clientIp(ctx.req, ctx.deps.trustProxy), subject);
    ctx.res.once('close', release);
    const gone = new AbortController();
    ctx.res.once('close', () => gone.abort());
    await chat.waitForChange(
      conversation,
      page.after,
      wait * 1000,
      AbortSignal.any([gone.signal, shutdown]),
      async () => {
        const current = await store.conversations.byId(conversationId);
        return (
          (current?.lastSeq ?? 0) > page.after ||
          current?.status !== seen.status ||
          current?.agentReadSeq !== seen.agentReadSeq ||
          online() !== seen.agentsOnline ||
          callKey() !== seenCall ||
          typing() !== seen.typing ||
          assistantKey() !== seenAssistant ||
          handoffKey() !== seenHandoff
        );
      },
      teamTyping,
    );
    release();
    if (gone.signal.aborted) return;
    // Deltas coalesce: a poll woken while the assistant writes waits a little for more of them.
    if (assistantKey() !== '') await new Promise((resolve) => setTimeout(resolve, 250));
    await authorize?.();
    streams = ctx.deps.assistant?.snapshots(conversationId);
    result = await store.messages.page(conversationId, page);
  }
  const current = await store.conversations.byId(conversationId);
  const voiceNow = ctx.deps.voice?.current(conversationId);
  sendJson(ctx.res, 200, {
    messages: result.messages,
    hasMore: result.hasMore,
    lastSeq: current?.lastSeq ?? 0,
    status: current?.status ?? conversation.status,
    agentsOnline: online(),
    agentReadSeq: current?.agentReadSeq ?? 0,
    visitorReadSeq: current?.visitorReadSeq ?? 0,
    ...(ctx.deps.assistant
      ? {
          streams: streams ?? [],
          handoff: agent
            ? await ctx.deps.assistant.agentView(conversation.tenantId, conversationId)
            : await ctx.deps.assistant.view(conversation.tenantId, conversationId),
        }
      : {}),
    ...(voiceNow ? { call: voiceNow.call, mode: voiceNow.mode } : {}),
    ...(teamTyping ? { typing: typing() } : {}),
  });
}
