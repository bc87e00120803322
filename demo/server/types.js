// @ts-check
/**
 * The reference backend's data types, as JSDoc typedefs (no code). What goes over the wire is the
 * protocol module's own types (src/protocol/wire.ts), imported here so the server and the widget
 * share one definition; the rest is what only the server knows (tenants, agents, the visitor id of
 * a conversation).
 */

/**
 * @typedef {import('../../src/protocol/wire.js').Sender} Sender
 * @typedef {import('../../src/protocol/wire.js').Attachment} Attachment
 * @typedef {import('../../src/protocol/wire.js').ConversationEvent} SystemEvent
 * @typedef {import('../../src/protocol/wire.js').ConversationStatus} ConversationStatus
 * @typedef {import('../../src/protocol/wire.js').WireMessage} Message
 * @typedef {import('../../src/protocol/wire.js').VerifiedUser} VerifiedUser a user vouched for by the tenant's signed userToken
 * @typedef {import('../../src/protocol/wire.js').Contact} Contact what the visitor typed (not verified)
 * @typedef {import('../../src/protocol/wire.js').AttachmentLimits} AttachmentConfig
 * @typedef {'all' | 'open' | 'waiting' | 'mine' | 'closed'} InboxFilter
 */

/**
 * A conversation as the server keeps it (a `chat_sessions` row).
 * @typedef {{
 *   id: string, tenantId: string, visitorId: string, status: ConversationStatus, lastSeq: number, createdAt: string, updatedAt: string,
 *   visitorReadSeq: number, agentReadSeq: number, userId?: string, user?: VerifiedUser, contact?: Contact,
 *   startedAt: string | null, awaitingReply: boolean, agentIds: string[], relinkedAt?: string, relinkCount?: number,
 *   context?: import('../../src/protocol/visitor-context.js').VisitorContext & { at?: string },
 * }} Conversation
 *   `startedAt`: first message, contact details or upload (null: an empty session, not shown to
 *   agents); `awaitingReply`: the newest visitor/agent/AI message is the visitor's; `agentIds`: the
 *   agents who wrote in it; `relinkedAt`/`relinkCount`: moved to a new visitor id by fingerprint;
 *   `context`: where the visitor was at the newest session request (page, time zone, language).
 * @typedef {Conversation & { lastMessage: Message | null }} ConversationSummary a conversation with its last message, as agents list it
 */

/**
 * @typedef {{ id: string, name: string, apiKey: string, allowedOrigins: string[], keylessEmbed?: boolean, identitySecret?: string | null, disabled?: boolean }} Tenant
 *   `disabled`: the tenant is no longer in the tenants file (its API key and tokens do not work)
 * @typedef {{ headerText: string, welcomeMessage: string | null, themeColor: string, awayMessage: string | null, attachments: AttachmentConfig }} WidgetConfig
 * @typedef {{ headerText?: string, welcomeMessage?: string, themeColor?: string, awayMessage?: string, attachments?: Partial<AttachmentConfig> }} WidgetSettings
 * @typedef {{ id: string, tenantId: string, email: string, name: string, passwordHash: string, tokenVersion: number, disabled: boolean, seedHash: string | null }} Agent
 *   `disabled`: the agent or its tenant is no longer in the tenants file; `tokenVersion`: tokens
 *   signed with another version are revoked
 */

export {};
