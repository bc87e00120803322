// @ts-check
/**
 * The rows of the chat tables as the database returns them, and their conversion into the
 * server's types (types.js). A timestamp is a `Date` when selected as a column and an ISO string
 * inside `to_jsonb(…)`; a `bigint` is a number in PGlite and a string in node-postgres.
 */

/**
 * @typedef {import('../types.js').Message} Message
 * @typedef {import('../types.js').Sender} Sender
 * @typedef {import('../types.js').Attachment} Attachment
 * @typedef {import('../types.js').Conversation} Conversation
 * @typedef {import('../types.js').Tenant} Tenant
 * @typedef {import('../types.js').Agent} Agent
 * @typedef {import('../types.js').Contact} Contact
 * @typedef {Date | string} Timestamp
 */

/**
 * @typedef {{
 *   id: string, chat_session_id: string, seq: number, client_id: string | null, sender_type: Sender['type'],
 *   sender_id: string | null, sender_name: string | null, content: string, created_at: Timestamp,
 *   event: string | null, quick_replies: string[] | null, attachments: Attachment[] | null,
 *   extra?: Record<string, unknown> | null,
 * }} MessageRow
 * @typedef {{
 *   id: string, organization_id: string, visitor_id: string, status: string, last_seq: number,
 *   metadata: { user?: { name?: string | null, email?: string | null }, context?: Record<string, string> } | null,
 *   created_at: Timestamp, updated_at: Timestamp, ended_at: Timestamp | null, user_id: string | null,
 *   visitor_read_seq: number, agent_read_seq: number, contact: Contact | null, started_at: Timestamp | null,
 *   awaiting_reply: boolean, agent_ids: string[], relinked_at: Timestamp | null, relink_count: number,
 * }} ConversationRow
 * @typedef {ConversationRow & { last_message: MessageRow | null }} SummaryRow a conversation with `to_jsonb` of its last message
 * @typedef {{
 *   id: string, name: string, api_key: string, allowed_origins: string[], keyless_embed: boolean,
 *   identity_secret: string | null, disabled_at: Timestamp | null,
 * }} TenantRow
 * @typedef {{
 *   id: string, organization_id: string, email: string, name: string, password_hash: string,
 *   token_version: number, disabled_at: Timestamp | null, seed_hash: string | null, tenant_disabled_at?: Timestamp | null,
 * }} AgentRow
 * @typedef {{
 *   id: string, chat_session_id: string, organization_id: string | null, name: string, type: string, size: number, url: string,
 *   uploader_type: string, uploader_id: string | null, created_at: Timestamp, attached_at: Timestamp | null,
 * }} FileRow
 */

/** @param {Timestamp} value */
export const iso = (value) => new Date(value).toISOString();

/** @param {MessageRow} row @returns {Message} */
export function toMessage(row) {
  /** @type {Sender} */
  const sender = { type: row.sender_type };
  if (row.sender_id) sender.id = row.sender_id;
  if (row.sender_name) sender.name = row.sender_name;
  /** @type {Message} */
  const message = {
    id: row.id,
    conversationId: row.chat_session_id,
    seq: row.seq,
    sender,
    text: row.content,
    createdAt: iso(row.created_at),
  };
  if (row.client_id) message.clientId = row.client_id;
  if (row.event?.startsWith('call:')) {
    // A call notice keeps the call's details with its event (voice/service.js): `call:<JSON>`.
    message.event = 'call';
    try {
      message.call = JSON.parse(row.event.slice(5));
    } catch {
      // a damaged notice still shows its text
    }
  } else if (row.event) message.event = /** @type {Message['event']} */ (row.event);
  if (Array.isArray(row.quick_replies) && row.quick_replies.length) message.quickReplies = row.quick_replies;
  if (Array.isArray(row.attachments) && row.attachments.length) message.attachments = row.attachments;
  // The assistant's fields (migration 003): streamId, sources, stopped, handoffOffer, handoff.
  if (row.extra && typeof row.extra === 'object') Object.assign(message, row.extra);
  return message;
}

/** @param {ConversationRow} row @returns {Conversation} */
export function toConversation(row) {
  /** @type {Conversation} */
  const conversation = {
    id: row.id,
    tenantId: row.organization_id,
    visitorId: row.visitor_id,
    status: row.status === 'closed' ? 'closed' : 'open',
    lastSeq: row.last_seq,
    visitorReadSeq: row.visitor_read_seq ?? 0,
    agentReadSeq: row.agent_read_seq ?? 0,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    startedAt: row.started_at ? iso(row.started_at) : null,
    awaitingReply: row.awaiting_reply === true,
    agentIds: Array.isArray(row.agent_ids) ? row.agent_ids : [],
  };
  if (row.relinked_at) {
    conversation.relinkedAt = iso(row.relinked_at);
    conversation.relinkCount = row.relink_count ?? 1;
  }
  if (row.contact && typeof row.contact === 'object') conversation.contact = row.contact;
  // Where the visitor was at the newest session request (store/lookup.js, setContext).
  const context = row.metadata?.context;
  if (context && typeof context === 'object') conversation.context = context;
  if (row.user_id) {
    conversation.userId = row.user_id;
    const user = row.metadata?.user;
    conversation.user = {
      id: row.user_id,
      ...(user?.name ? { name: String(user.name) } : {}),
      ...(user?.email ? { email: String(user.email) } : {}),
    };
  }
  return conversation;
}

/** @param {SummaryRow} row @returns {import('../types.js').ConversationSummary} */
export function toSummary(row) {
  return { ...toConversation(row), lastMessage: row.last_message ? toMessage(row.last_message) : null };
}

/** @param {TenantRow} row @returns {Tenant} */
export function toTenant(row) {
  return {
    id: row.id,
    name: row.name,
    apiKey: row.api_key,
    allowedOrigins: row.allowed_origins,
    keylessEmbed: row.keyless_embed === true,
    identitySecret: row.identity_secret ?? null,
    disabled: row.disabled_at != null,
  };
}

/** @param {AgentRow} row @returns {Agent} */
export function toAgent(row) {
  return {
    id: row.id,
    tenantId: row.organization_id,
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    tokenVersion: row.token_version ?? 0,
    disabled: row.disabled_at != null || row.tenant_disabled_at != null,
    seedHash: row.seed_hash ?? null,
  };
}

/** @param {FileRow} row @returns {Attachment} */
export function toAttachment(row) {
  return { id: row.id, name: row.name, type: row.type, size: row.size, url: row.url };
}
