// @ts-check
/**
 * The agent console's look-ups (agent token): the visitor beside a conversation (where they are,
 * their previous conversations) and the search across the tenant's conversations.
 */
import { sendJson } from '../http-util.js';
import { formatCursor, intParam, parseCursor, parseSearchText } from '../validation.js';
import { requireAgent } from './access.js';
import { decorate } from './assistant.js';

/** @typedef {import('./index.js').Handler} Handler */

/**
 * `GET /api/agent/conversations/:id/visitor?limit=…`: the visitor context of the newest session
 * request (`context`, or null when the widget sent none) and the visitor's (or verified user's)
 * other started conversations, newest first (`previous`, at most `limit`, default 10, max 50;
 * `hasMore` when there are more), each with `preview`, its newest visitor, agent or AI text.
 * @type {Handler}
 */
export async function getConversationVisitor(ctx) {
  const { claims } = await requireAgent(ctx);
  const limit = /** @type {number} */ (intParam(ctx.url.searchParams, 'limit', { min: 1, max: 50, fallback: 10 }));
  const conversation = await ctx.deps.chat.agentConversation(claims, ctx.params.id);
  const { conversations, hasMore } = await ctx.deps.store.lookup.previous(conversation, limit);
  sendJson(ctx.res, 200, {
    context: conversation.context ?? null,
    previous: conversations.map((c) => ({ ...ctx.deps.chat.agentView(c), preview: c.preview })),
    hasMore,
  });
}

/**
 * `GET /api/agent/search?q=…&limit=…&cursor=…`: one page of the tenant's started conversations
 * whose visitor name or e-mail address or message text contains `q` (2–200 characters,
 * case-insensitive), newest activity first; each with `match`, the newest matching message text
 * (null when only the name or address matched); `nextCursor` for the next page.
 * @type {Handler}
 */
export async function searchConversations(ctx) {
  const { claims } = await requireAgent(ctx);
  const query = ctx.url.searchParams;
  const text = parseSearchText(query.get('q'));
  const limit = /** @type {number} */ (intParam(query, 'limit', { min: 1, max: 100, fallback: 20 }));
  const cursor = parseCursor(query.get('cursor'));
  const page = await ctx.deps.store.lookup.search(claims.tenantId, { text, cursor, limit });
  const views = await decorate(
    ctx,
    page.conversations.map((c) => ctx.deps.chat.agentView(c)),
  );
  sendJson(ctx.res, 200, {
    conversations: views.map((view, i) => ({ ...view, match: page.conversations[i].match })),
    nextCursor: page.next ? formatCursor(page.next) : null,
  });
}
