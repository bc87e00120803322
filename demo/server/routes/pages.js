// @ts-check
/**
 * The message pages of the visitor and agent APIs (`GET …/messages`), with the long poll of the
 * HTTP fallback: `wait=N` holds a request that has nothing new until something changes.
 */
import { sendJson } from '../http-util.js';
import { clientIp } from '../rate-limit.js';

/**
 * @typedef {import('./index.js').Context} Context
 * @typedef {import('../types.js').Conversation} Conversation
 */

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
 * @param {{ subject: string, authorize?: () => Promise<unknown>, teamTyping?: boolean }} caller
 *   `subject`: the token's visitor or agent; `authorize` runs again after a wait (access may end
 *   meanwhile); `teamTyping`: report the team's typing and wake the wait when it changes (the
 *   HTTP fallback has no typing frames)
 */
export async function answerPage(ctx, conversation, page, wait, { subject, authorize, teamTyping = false }) {
  const { store, chat, shutdown } = ctx.deps;
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
  const seenAssistant = ctx.url.searchParams.get('stream') ?? '';
  const seen = { status: conversation.status, agentReadSeq: conversation.agentReadSeq, agentsOnline: online(), typing: typing() };
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
          assistantKey() !== seenAssistant
        );
      },
      teamTyping,
    );
    release();
    if (gone.signal.aborted) return;
    // Deltas coalesce: a poll woken while the assistant writes waits a little for more of them.
    if (assistantKey() !== '') await new Promise((resolve) => setTimeout(resolve, 250));
    await authorize?.();
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
          streams: ctx.deps.assistant.snapshots(conversationId),
          handoff: await ctx.deps.assistant.view(conversation.tenantId, conversationId),
        }
      : {}),
    ...(voiceNow ? { call: voiceNow.call, mode: voiceNow.mode } : {}),
    ...(teamTyping ? { typing: typing() } : {}),
  });
}
