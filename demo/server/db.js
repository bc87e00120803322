// @ts-check
/**
 * Persistence for the reference backend: PGlite (Postgres compiled to WASM) stored in a data
 * directory. The schema follows seed 003 (organizations own chat_sessions, chat_messages and
 * widget_configurations); a chat session is what the protocol calls a conversation.
 *
 * Durability: PGlite writes through Emscripten's NODEFS, i.e. plain synchronous `write()` calls
 * on the real files, and a query resolves only after Postgres has written its WAL record at
 * commit. A SIGKILL therefore loses nothing that was acknowledged (the kernel keeps the pages).
 * PGlite does not fsync, so an OS crash or power loss may lose recent writes: fine for a demo.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { nanoid } from 'nanoid';
import { ApiError } from './http-util.js';

const SCHEMA = /* sql */ `
CREATE TABLE IF NOT EXISTS organizations (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  api_key         TEXT NOT NULL UNIQUE,
  allowed_origins TEXT[] NOT NULL DEFAULT '{}',
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Seed 000's snippet carries only the tenant id: such tenants accept \`Bearer tenant:<id>\`.
ALTER TABLE organizations ADD COLUMN IF NOT EXISTS keyless_embed BOOLEAN NOT NULL DEFAULT false;
-- HS256 secret the tenant's own backend signs visitor identities (userToken) with; NULL = none.
ALTER TABLE organizations ADD COLUMN IF NOT EXISTS identity_secret TEXT;

CREATE TABLE IF NOT EXISTS agents (
  id              TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  email           TEXT NOT NULL UNIQUE,
  name            TEXT NOT NULL,
  password_hash   TEXT NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Revocation (docs/security.md, "Removed agents and tenants"): rows missing from the tenants file
-- are disabled, not deleted (their conversations stay); an agent token carries token_version, and
-- logout, a password change and removal bump it. seed_hash: the passwordHash the tenants file gave
-- last, so a rehash on login is not mistaken for a change in the file.
ALTER TABLE organizations ADD COLUMN IF NOT EXISTS disabled_at TIMESTAMPTZ;
ALTER TABLE agents ADD COLUMN IF NOT EXISTS disabled_at TIMESTAMPTZ;
ALTER TABLE agents ADD COLUMN IF NOT EXISTS token_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN IF NOT EXISTS seed_hash TEXT;

CREATE TABLE IF NOT EXISTS widget_configurations (
  id              SERIAL PRIMARY KEY,
  organization_id TEXT NOT NULL UNIQUE REFERENCES organizations(id) ON DELETE CASCADE,
  name            TEXT NOT NULL DEFAULT 'default',
  theme_color     TEXT NOT NULL DEFAULT '#0088FF',
  header_text     TEXT NOT NULL DEFAULT 'Chat with us',
  welcome_message TEXT,
  is_active       BOOLEAN NOT NULL DEFAULT TRUE,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- last_seq is the per-conversation message counter; bumping it inside the insert transaction is
-- what makes seq gapless and strictly increasing.
CREATE TABLE IF NOT EXISTS chat_sessions (
  id              TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  visitor_id      TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'open',
  last_seq        INTEGER NOT NULL DEFAULT 0,
  metadata        JSONB,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  ended_at        TIMESTAMPTZ
);
-- A verified user (docs/protocol.md, Identity) owns conversations across browsers; an anonymous
-- visitor's conversation is attached to the user on first identify.
ALTER TABLE chat_sessions ADD COLUMN IF NOT EXISTS user_id TEXT;
-- One open conversation per anonymous visitor, and one per user, in a tenant.
DROP INDEX IF EXISTS chat_sessions_open_visitor;
CREATE UNIQUE INDEX IF NOT EXISTS chat_sessions_open_anonymous
  ON chat_sessions (organization_id, visitor_id) WHERE status = 'open' AND user_id IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS chat_sessions_open_user
  ON chat_sessions (organization_id, user_id) WHERE status = 'open' AND user_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS chat_sessions_activity ON chat_sessions (organization_id, updated_at DESC);

CREATE TABLE IF NOT EXISTS chat_messages (
  id              TEXT PRIMARY KEY,
  chat_session_id TEXT NOT NULL REFERENCES chat_sessions(id) ON DELETE CASCADE,
  seq             INTEGER NOT NULL,
  client_id       TEXT,
  sender_type     TEXT NOT NULL,
  sender_id       TEXT,
  sender_name     TEXT,
  content         TEXT NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (chat_session_id, seq),
  UNIQUE (chat_session_id, client_id)
);

-- Conversation lifecycle, presence, read receipts, contact details, attachments (docs/protocol.md).
ALTER TABLE widget_configurations ADD COLUMN IF NOT EXISTS away_message TEXT;
-- NULL = the defaults (image/*, application/pdf, text/plain; 10 MiB); an empty array turns uploads off.
ALTER TABLE widget_configurations ADD COLUMN IF NOT EXISTS attachment_types TEXT[];
ALTER TABLE widget_configurations ADD COLUMN IF NOT EXISTS attachment_max_size INTEGER;
ALTER TABLE chat_sessions ADD COLUMN IF NOT EXISTS visitor_read_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chat_sessions ADD COLUMN IF NOT EXISTS agent_read_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chat_sessions ADD COLUMN IF NOT EXISTS contact JSONB;
CREATE INDEX IF NOT EXISTS chat_sessions_visitor ON chat_sessions (organization_id, visitor_id, created_at DESC);
CREATE INDEX IF NOT EXISTS chat_sessions_user ON chat_sessions (organization_id, user_id, created_at DESC);
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS event TEXT;
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS quick_replies JSONB;
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS attachments JSONB;

-- Uploaded files: the bytes live in DATA_DIR/files/<id>, the metadata here.
CREATE TABLE IF NOT EXISTS chat_files (
  id              TEXT PRIMARY KEY,
  chat_session_id TEXT NOT NULL REFERENCES chat_sessions(id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  type            TEXT NOT NULL,
  size            INTEGER NOT NULL,
  url             TEXT NOT NULL,
  uploader_type   TEXT NOT NULL,
  uploader_id     TEXT,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Opt-in coarse fingerprint of an anonymous visitor, with an HMAC of the client IP (never the IP).
CREATE TABLE IF NOT EXISTS visitor_fingerprints (
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  visitor_id      TEXT NOT NULL,
  fingerprint     TEXT NOT NULL,
  ip_hash         TEXT NOT NULL,
  seen_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, visitor_id)
);
CREATE INDEX IF NOT EXISTS visitor_fingerprints_match ON visitor_fingerprints (organization_id, fingerprint, ip_hash);

-- The agents' inbox (docs/security.md, "Empty sessions"): a conversation is listed from its first
-- message, contact details or upload (started_at), not from the page view that opened it.
-- awaiting_reply: the newest visitor/agent/AI message is the visitor's; agent_ids: who wrote in it.
ALTER TABLE chat_sessions ADD COLUMN IF NOT EXISTS started_at TIMESTAMPTZ;
ALTER TABLE chat_sessions ADD COLUMN IF NOT EXISTS awaiting_reply BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE chat_sessions ADD COLUMN IF NOT EXISTS agent_ids TEXT[] NOT NULL DEFAULT '{}';
CREATE INDEX IF NOT EXISTS chat_sessions_inbox ON chat_sessions (organization_id, updated_at DESC, id DESC) WHERE started_at IS NOT NULL;
-- Fingerprint relink (docs/security.md): the conversation moved to a new visitor id; the old id
-- is revoked for good, so it can neither read the conversation nor relink it back.
ALTER TABLE chat_sessions ADD COLUMN IF NOT EXISTS relinked_at TIMESTAMPTZ;
ALTER TABLE chat_sessions ADD COLUMN IF NOT EXISTS relink_count INTEGER NOT NULL DEFAULT 0;
CREATE TABLE IF NOT EXISTS revoked_visitors (
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  visitor_id      TEXT NOT NULL,
  revoked_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, visitor_id)
);
-- Uploads: attached_at is set when a message references the file; unattached ones are swept.
-- organization_id makes the tenant's storage quota one indexed sum.
ALTER TABLE chat_files ADD COLUMN IF NOT EXISTS attached_at TIMESTAMPTZ;
ALTER TABLE chat_files ADD COLUMN IF NOT EXISTS organization_id TEXT;
CREATE INDEX IF NOT EXISTS chat_files_unattached ON chat_files (created_at) WHERE attached_at IS NULL;
CREATE INDEX IF NOT EXISTS chat_files_tenant ON chat_files (organization_id);

CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now());
`;

/**
 * One-time data migrations, each applied once (recorded in schema_migrations) after the schema.
 * @type {Array<[string, string]>}
 */
const MIGRATIONS = [
  [
    '2026-12-inbox-relink-uploads',
    /* sql */ `
    UPDATE chat_sessions s SET started_at = COALESCE(
        (SELECT min(m.created_at) FROM chat_messages m WHERE m.chat_session_id = s.id),
        (SELECT min(f.created_at) FROM chat_files f WHERE f.chat_session_id = s.id),
        CASE WHEN s.contact IS NOT NULL THEN s.updated_at END)
      WHERE started_at IS NULL;
    UPDATE chat_sessions s SET awaiting_reply = COALESCE(
        (SELECT m.sender_type = 'visitor' FROM chat_messages m
          WHERE m.chat_session_id = s.id AND m.sender_type IN ('visitor', 'agent', 'ai') ORDER BY m.seq DESC LIMIT 1), false);
    UPDATE chat_sessions s SET agent_ids = ARRAY(
        SELECT DISTINCT m.sender_id FROM chat_messages m WHERE m.chat_session_id = s.id AND m.sender_type = 'agent' AND m.sender_id IS NOT NULL);
    UPDATE chat_files f SET organization_id = s.organization_id
      FROM chat_sessions s WHERE s.id = f.chat_session_id AND f.organization_id IS NULL;
    UPDATE chat_files f SET attached_at = f.created_at
      WHERE attached_at IS NULL AND EXISTS (
        SELECT 1 FROM chat_messages m WHERE m.chat_session_id = f.chat_session_id AND m.attachments @> jsonb_build_array(jsonb_build_object('id', f.id)));`,
  ],
];

/** Allowed upload types when the tenant configures none. */
export const DEFAULT_ATTACHMENT_TYPES = ['image/*', 'application/pdf', 'text/plain'];
/** Largest upload when the tenant configures none: 10 MiB. */
export const DEFAULT_ATTACHMENT_MAX_SIZE = 10 * 1024 * 1024;
/** How long a stored fingerprint may relink a visitor. */
const FINGERPRINT_WINDOW = '24 hours';
/** The agents' inbox filters (docs/protocol.md, Agent endpoints). */
export const INBOX_FILTERS = /** @type {const} */ (['all', 'open', 'waiting', 'mine', 'closed']);

/**
 * @typedef {{ type: 'visitor' | 'agent' | 'ai' | 'system', id?: string, name?: string }} Sender
 * @typedef {{ id: string, name: string, type: string, size: number, url: string }} Attachment
 * @typedef {'closed' | 'reopened' | 'joined'} SystemEvent
 * @typedef {{
 *   id: string, clientId?: string, conversationId: string, seq: number, sender: Sender, text: string, createdAt: string,
 *   event?: SystemEvent, quickReplies?: string[], attachments?: Attachment[],
 * }} Message
 * @typedef {{ id: string, name?: string, email?: string }} VerifiedUser a user vouched for by the tenant's signed userToken
 * @typedef {{ name?: string, email?: string, fields?: Record<string, string> }} Contact what the visitor typed (not verified)
 * @typedef {{
 *   id: string, tenantId: string, visitorId: string, status: 'open' | 'closed', lastSeq: number, createdAt: string, updatedAt: string,
 *   visitorReadSeq: number, agentReadSeq: number, userId?: string, user?: VerifiedUser, contact?: Contact,
 *   startedAt: string | null, awaitingReply: boolean, agentIds: string[], relinkedAt?: string, relinkCount?: number,
 * }} Conversation
 *   `startedAt`: first message, contact details or upload (null: an empty session, not shown to
 *   agents); `awaitingReply`: the newest visitor/agent/AI message is the visitor's; `agentIds`: the
 *   agents who wrote in it; `relinkedAt`/`relinkCount`: moved to a new visitor id by fingerprint.
 * @typedef {{ id: string, name: string, apiKey: string, allowedOrigins: string[], keylessEmbed?: boolean, identitySecret?: string | null, disabled?: boolean }} Tenant
 *   `disabled`: the tenant is no longer in the tenants file (its API key and tokens do not work)
 * @typedef {{ maxSize: number, types: string[] }} AttachmentConfig
 * @typedef {{ headerText: string, welcomeMessage: string | null, themeColor: string, awayMessage: string | null, attachments: AttachmentConfig }} WidgetConfig
 * @typedef {{ headerText?: string, welcomeMessage?: string, themeColor?: string, awayMessage?: string, attachments?: Partial<AttachmentConfig> }} WidgetSettings
 * @typedef {{ id: string, tenantId: string, email: string, name: string, passwordHash: string, tokenVersion: number, disabled: boolean, seedHash: string | null }} AgentRow
 *   `disabled`: the agent or its tenant is no longer in the tenants file; `tokenVersion`: tokens
 *   signed with another version are revoked
 */

/** @param {any} row @returns {Message} */
function toMessage(row) {
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
    createdAt: new Date(row.created_at).toISOString(),
  };
  if (row.client_id) message.clientId = row.client_id;
  if (row.event) message.event = row.event;
  if (Array.isArray(row.quick_replies) && row.quick_replies.length) message.quickReplies = row.quick_replies;
  if (Array.isArray(row.attachments) && row.attachments.length) message.attachments = row.attachments;
  return message;
}

/** @param {any} row @returns {Conversation} */
function toConversation(row) {
  /** @type {Conversation} */
  const conversation = {
    id: row.id,
    tenantId: row.organization_id,
    visitorId: row.visitor_id,
    status: row.status === 'closed' ? 'closed' : 'open',
    lastSeq: row.last_seq,
    visitorReadSeq: row.visitor_read_seq ?? 0,
    agentReadSeq: row.agent_read_seq ?? 0,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    startedAt: row.started_at ? new Date(row.started_at).toISOString() : null,
    awaitingReply: row.awaiting_reply === true,
    agentIds: Array.isArray(row.agent_ids) ? row.agent_ids : [],
  };
  if (row.relinked_at) {
    conversation.relinkedAt = new Date(row.relinked_at).toISOString();
    conversation.relinkCount = row.relink_count ?? 1;
  }
  if (row.contact && typeof row.contact === 'object') conversation.contact = row.contact;
  if (row.user_id) {
    conversation.userId = row.user_id;
    const user = row.metadata?.user;
    conversation.user = { id: row.user_id, ...(user?.name ? { name: String(user.name) } : {}), ...(user?.email ? { email: String(user.email) } : {}) };
  }
  return conversation;
}

/**
 * Opens (creating if needed) the database in `dataDir` and applies the schema.
 * @param {string} dataDir directory that holds the Postgres files
 */
export async function openDatabase(dataDir) {
  mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir);
  await pg.exec(SCHEMA);
  for (const [name, sql] of MIGRATIONS) {
    await pg.transaction(async (tx) => {
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE name = $1', [name]);
      if (done.rows.length) return;
      await tx.exec(sql);
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
    });
  }
  return new Database(pg);
}

/** Typed queries over the chat schema. Every method is one statement or one transaction. */
export class Database {
  /** @param {PGlite} pg */
  constructor(pg) {
    /** @private */
    this.pg = pg;
  }

  /** Closes PGlite cleanly (checkpoint + shutdown), so the next start skips crash recovery. */
  async close() {
    if (!this.pg.closed) await this.pg.close();
  }

  /**
   * Inserts or updates a tenant and its widget configuration.
   * @param {Tenant} tenant
   * @param {WidgetSettings} widget
   */
  async upsertTenant(tenant, widget) {
    await this.pg.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO organizations (id, name, api_key, allowed_origins, keyless_embed, identity_secret) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET name = $2, api_key = $3, allowed_origins = $4, keyless_embed = $5, identity_secret = $6, disabled_at = NULL`,
        [tenant.id, tenant.name, tenant.apiKey, tenant.allowedOrigins, tenant.keylessEmbed === true, tenant.identitySecret ?? null],
      );
      await tx.query(
        `INSERT INTO widget_configurations (organization_id, theme_color, header_text, welcome_message, away_message, attachment_types, attachment_max_size)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (organization_id) DO UPDATE SET theme_color = $2, header_text = $3,
           welcome_message = $4, away_message = $5, attachment_types = $6, attachment_max_size = $7, updated_at = now()`,
        [
          tenant.id,
          widget.themeColor ?? '#0088FF',
          widget.headerText ?? 'Chat with us',
          widget.welcomeMessage ?? null,
          widget.awayMessage ?? null,
          Array.isArray(widget.attachments?.types) ? widget.attachments.types : null,
          Number.isInteger(widget.attachments?.maxSize) ? widget.attachments?.maxSize : null,
        ],
      );
    });
  }

  /**
   * Inserts or updates an agent from the tenants file and enables it. `passwordHash` null keeps
   * the stored hash. With `seedHash` (the file's passwordHash) the stored one is replaced only when
   * the file's changed, and then every token of the agent is revoked (a password change).
   * @param {{ id: string, tenantId: string, email: string, name: string, passwordHash: string | null, seedHash?: string | null }} agent
   * @returns {Promise<{ created: boolean, passwordChanged: boolean }>}
   */
  async upsertAgent(agent) {
    return this.pg.transaction(async (tx) => {
      // A removed agent keeps its row; its address is freed for whoever the file gives it now.
      await tx.query(
        `UPDATE agents SET email = email || '#removed-' || id WHERE lower(email) = lower($1) AND id <> $2 AND disabled_at IS NOT NULL`,
        [agent.email, agent.id],
      );
      const current = /** @type {any} */ ((await tx.query('SELECT password_hash, seed_hash FROM agents WHERE id = $1', [agent.id])).rows[0]);
      const seedHash = agent.seedHash ?? null;
      if (!current) {
        if (agent.passwordHash === null) throw new Error(`agent ${agent.id}: a new agent needs a password hash`);
        await tx.query(
          `INSERT INTO agents (id, organization_id, email, name, password_hash, seed_hash) VALUES ($1, $2, $3, $4, $5, $6)`,
          [agent.id, agent.tenantId, agent.email, agent.name, agent.passwordHash, seedHash],
        );
        return { created: true, passwordChanged: false };
      }
      const passwordChanged = seedHash !== null && seedHash !== current.seed_hash;
      await tx.query(
        `UPDATE agents SET organization_id = $2, email = $3, name = $4, disabled_at = NULL,
           password_hash = CASE WHEN $5 THEN $6 ELSE password_hash END,
           seed_hash = CASE WHEN $5 THEN $6 ELSE seed_hash END,
           token_version = token_version + CASE WHEN $5 THEN 1 ELSE 0 END
         WHERE id = $1`,
        [agent.id, agent.tenantId, agent.email, agent.name, passwordChanged, seedHash],
      );
      return { created: false, passwordChanged };
    });
  }

  /**
   * Stores a new hash of the same password (a rehash at a higher cost); tokens stay valid.
   * @param {string} agentId
   * @param {string} passwordHash
   */
  async rehashAgentPassword(agentId, passwordHash) {
    await this.pg.query('UPDATE agents SET password_hash = $2 WHERE id = $1', [agentId, passwordHash]);
  }

  /**
   * Ends every token of an agent (logout, "log out everywhere"): bumps its token version.
   * @param {string} agentId
   * @returns {Promise<number | null>} the new version, or null for an unknown agent
   */
  async revokeAgentTokens(agentId) {
    const { rows } = await this.pg.query('UPDATE agents SET token_version = token_version + 1 WHERE id = $1 RETURNING token_version', [agentId]);
    const row = /** @type {any} */ (rows[0]);
    return row ? row.token_version : null;
  }

  /**
   * Disables the tenants and agents that are not in the tenants file any more, and revokes the
   * tokens of those agents. Their rows (and conversations) stay.
   * @param {string[]} tenantIds the tenants in the file
   * @param {string[]} agentIds the agents in the file
   * @returns {Promise<{ tenants: string[], agents: Array<{ id: string, tenantId: string }> }>} what was disabled now
   */
  async disableMissing(tenantIds, agentIds) {
    return this.pg.transaction(async (tx) => {
      const tenants = await tx.query(
        'UPDATE organizations SET disabled_at = now() WHERE disabled_at IS NULL AND NOT (id = ANY($1)) RETURNING id',
        [tenantIds],
      );
      const agents = await tx.query(
        `UPDATE agents SET disabled_at = now(), token_version = token_version + 1
          WHERE disabled_at IS NULL AND NOT (id = ANY($1)) RETURNING id, organization_id`,
        [agentIds],
      );
      return {
        tenants: tenants.rows.map((/** @type {any} */ row) => row.id),
        agents: agents.rows.map((/** @type {any} */ row) => ({ id: row.id, tenantId: row.organization_id })),
      };
    });
  }

  /**
   * The tenant of a public API key, or of the keyless form `tenant:<id>` when that tenant
   * allows keyless embedding (docs/protocol.md).
   * @param {string} apiKey @returns {Promise<Tenant | null>}
   */
  async tenantByApiKey(apiKey) {
    const keyless = apiKey.startsWith('tenant:');
    const { rows } = await this.pg.query(
      keyless
        ? 'SELECT * FROM organizations WHERE id = $1 AND keyless_embed AND disabled_at IS NULL'
        : 'SELECT * FROM organizations WHERE api_key = $1 AND disabled_at IS NULL',
      [keyless ? apiKey.slice('tenant:'.length) : apiKey],
    );
    return rows[0] ? toTenant(rows[0]) : null;
  }

  /** @param {string} id @returns {Promise<Tenant | null>} */
  async tenantById(id) {
    const { rows } = await this.pg.query('SELECT * FROM organizations WHERE id = $1', [id]);
    return rows[0] ? toTenant(rows[0]) : null;
  }

  /** @param {string} tenantId @returns {Promise<WidgetConfig>} */
  async widgetConfig(tenantId) {
    const { rows } = await this.pg.query(
      `SELECT header_text, welcome_message, theme_color, away_message, attachment_types, attachment_max_size
         FROM widget_configurations WHERE organization_id = $1 AND is_active`,
      [tenantId],
    );
    const row = /** @type {any} */ (rows[0]);
    return {
      headerText: row?.header_text ?? 'Chat with us',
      welcomeMessage: row?.welcome_message ?? null,
      themeColor: row?.theme_color ?? '#0088FF',
      awayMessage: row?.away_message ?? null,
      attachments: {
        maxSize: row?.attachment_max_size ?? DEFAULT_ATTACHMENT_MAX_SIZE,
        types: row?.attachment_types ?? [...DEFAULT_ATTACHMENT_TYPES],
      },
    };
  }

  /** @param {string} email @returns {Promise<AgentRow | null>} */
  async agentByEmail(email) {
    const { rows } = await this.pg.query(
      'SELECT a.*, o.disabled_at AS tenant_disabled_at FROM agents a JOIN organizations o ON o.id = a.organization_id WHERE lower(a.email) = lower($1)',
      [email],
    );
    return rows[0] ? toAgent(rows[0]) : null;
  }

  /** @param {string} id @returns {Promise<AgentRow | null>} */
  async agentById(id) {
    const { rows } = await this.pg.query(
      'SELECT a.*, o.disabled_at AS tenant_disabled_at FROM agents a JOIN organizations o ON o.id = a.organization_id WHERE a.id = $1',
      [id],
    );
    return rows[0] ? toAgent(rows[0]) : null;
  }

  /**
   * Finds the newest conversation (open or closed) of an anonymous visitor or of a verified user,
   * or creates one. With `fresh`, a closed newest conversation is not returned: a new open one is
   * created instead (docs/protocol.md, Conversation status).
   *
   * Anonymous: the visitor's own conversations that no user owns (a conversation attached to a
   * user is never handed out by visitor id alone). Verified user: the user's newest conversation
   * (any browser); failing that the visitor's open anonymous one, which is attached to the user
   * (first identify); failing that a new one.
   * @param {string} tenantId
   * @param {string} visitorId
   * @param {VerifiedUser} [user]
   * @param {boolean} [fresh] the request asked for `newConversation`
   * @returns {Promise<{ conversation: Conversation, created: boolean, attached: boolean }>}
   */
  async openConversation(tenantId, visitorId, user, fresh = false) {
    return this.pg.transaction(async (tx) => {
      const metadata = user ? JSON.stringify({ user: { name: user.name ?? null, email: user.email ?? null } }) : null;
      const create = async () => {
        const created = await tx.query(
          `INSERT INTO chat_sessions (id, organization_id, visitor_id, user_id, metadata) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
          [`c_${nanoid()}`, tenantId, visitorId, user?.id ?? null, metadata],
        );
        return { conversation: toConversation(created.rows[0]), created: true, attached: false };
      };
      if (user) {
        const mine = await tx.query(
          `UPDATE chat_sessions SET metadata = $3 WHERE id = (
             SELECT id FROM chat_sessions WHERE organization_id = $1 AND user_id = $2
              ORDER BY (status = 'open') DESC, created_at DESC, id LIMIT 1
           ) RETURNING *`,
          [tenantId, user.id, metadata],
        );
        const newest = /** @type {any} */ (mine.rows[0]);
        if (newest && (newest.status === 'open' || !fresh)) return { conversation: toConversation(newest), created: false, attached: false };
        if (newest) return create();
        // Never one that was relinked by fingerprint: whose it really is cannot be known, and
        // attaching it would show it to the user on every browser (docs/security.md).
        const anonymous = await tx.query(
          `SELECT * FROM chat_sessions WHERE organization_id = $1 AND visitor_id = $2 AND status = 'open' AND user_id IS NULL AND relinked_at IS NULL`,
          [tenantId, visitorId],
        );
        const found = /** @type {any} */ (anonymous.rows[0]);
        if (!found) return create();
        const attached = await tx.query(
          `UPDATE chat_sessions SET user_id = $2, metadata = $3, updated_at = now() WHERE id = $1 RETURNING *`,
          [found.id, user.id, metadata],
        );
        return { conversation: toConversation(attached.rows[0]), created: false, attached: true };
      }
      // The open one first: only one can be open, and it is where the visitor is talking.
      const anonymous = await tx.query(
        `SELECT * FROM chat_sessions WHERE organization_id = $1 AND visitor_id = $2 AND user_id IS NULL
          ORDER BY (status = 'open') DESC, created_at DESC, id LIMIT 1`,
        [tenantId, visitorId],
      );
      const found = /** @type {any} */ (anonymous.rows[0]);
      if (found && (found.status === 'open' || !fresh)) return { conversation: toConversation(found), created: false, attached: false };
      return create();
    });
  }

  /**
   * Whether the tenant has ever seen this visitor id (a conversation, a stored fingerprint, or a
   * relink that revoked it).
   * @param {string} tenantId
   * @param {string} visitorId
   */
  async isKnownVisitor(tenantId, visitorId) {
    const { rows } = await this.pg.query(
      `SELECT 1 FROM chat_sessions WHERE organization_id = $1 AND visitor_id = $2
       UNION ALL SELECT 1 FROM visitor_fingerprints WHERE organization_id = $1 AND visitor_id = $2
       UNION ALL SELECT 1 FROM revoked_visitors WHERE organization_id = $1 AND visitor_id = $2 LIMIT 1`,
      [tenantId, visitorId],
    );
    return rows.length > 0;
  }

  /**
   * The anonymous visitors of the tenant whose stored fingerprint and IP hash match, seen within
   * the last 24 hours, who still have a conversation no user owns with a visitor message at least
   * `minAgeSeconds` old (at most two: the caller only needs to know whether exactly one matches).
   * @param {string} tenantId
   * @param {string} fingerprint
   * @param {string} ipHash
   * @param {string} exceptVisitorId
   * @param {number} minAgeSeconds
   * @returns {Promise<string[]>}
   */
  async fingerprintCandidates(tenantId, fingerprint, ipHash, exceptVisitorId, minAgeSeconds) {
    const { rows } = await this.pg.query(
      `SELECT f.visitor_id FROM visitor_fingerprints f
        WHERE f.organization_id = $1 AND f.fingerprint = $2 AND f.ip_hash = $3 AND f.visitor_id <> $4
          AND f.seen_at > now() - interval '${FINGERPRINT_WINDOW}'
          AND EXISTS (
            SELECT 1 FROM chat_sessions s JOIN chat_messages m ON m.chat_session_id = s.id
             WHERE s.organization_id = f.organization_id AND s.visitor_id = f.visitor_id AND s.user_id IS NULL
               AND m.sender_type = 'visitor' AND m.created_at <= now() - make_interval(secs => $5))
        LIMIT 2`,
      [tenantId, fingerprint, ipHash, exceptVisitorId, minAgeSeconds],
    );
    return rows.map((/** @type {any} */ row) => row.visitor_id);
  }

  /**
   * Moves every anonymous conversation of `fromVisitorId` to `toVisitorId` (marked relinked),
   * forgets the old id's fingerprint and revokes the old id, in one transaction.
   * @param {string} tenantId
   * @param {string} fromVisitorId
   * @param {string} toVisitorId
   * @returns {Promise<string[]>} the moved conversations' ids
   */
  async relinkVisitor(tenantId, fromVisitorId, toVisitorId) {
    return this.pg.transaction(async (tx) => {
      const moved = await tx.query(
        `UPDATE chat_sessions SET visitor_id = $3, relinked_at = now(), relink_count = relink_count + 1, updated_at = now()
          WHERE organization_id = $1 AND visitor_id = $2 AND user_id IS NULL RETURNING id`,
        [tenantId, fromVisitorId, toVisitorId],
      );
      await tx.query('DELETE FROM visitor_fingerprints WHERE organization_id = $1 AND visitor_id = $2', [tenantId, fromVisitorId]);
      await tx.query('INSERT INTO revoked_visitors (organization_id, visitor_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [tenantId, fromVisitorId]);
      return moved.rows.map((/** @type {any} */ row) => row.id);
    });
  }

  /**
   * Stores (or refreshes) an anonymous visitor's fingerprint and IP hash.
   * @param {string} tenantId
   * @param {string} visitorId
   * @param {string} fingerprint
   * @param {string} ipHash
   */
  async rememberFingerprint(tenantId, visitorId, fingerprint, ipHash) {
    await this.pg.query(
      `INSERT INTO visitor_fingerprints (organization_id, visitor_id, fingerprint, ip_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (organization_id, visitor_id) DO UPDATE SET fingerprint = $3, ip_hash = $4, seen_at = now()`,
      [tenantId, visitorId, fingerprint, ipHash],
    );
  }

  /**
   * Deletes a visitor's stored fingerprint (`POST /api/chat/forget`).
   * @param {string} tenantId
   * @param {string} visitorId
   */
  async forgetFingerprint(tenantId, visitorId) {
    await this.pg.query('DELETE FROM visitor_fingerprints WHERE organization_id = $1 AND visitor_id = $2', [tenantId, visitorId]);
  }

  /**
   * Sets a conversation's status and stores the `system` message announcing it, in one
   * transaction. Nothing changes (and `message` is null) when it already has that status.
   * @param {string} conversationId
   * @param {'open' | 'closed'} status
   * @param {string} text English fallback of the system message
   * @param {string} [actor] name of the agent who did it (the system message's `sender.name`)
   * @returns {Promise<{ conversation: Conversation, message: Message | null }>}
   * @throws {ApiError} 409 `conflict` when reopening while the visitor (or user) has another open conversation
   */
  async setStatus(conversationId, status, text, actor) {
    return this.pg.transaction(async (tx) => {
      const current = await tx.query('SELECT * FROM chat_sessions WHERE id = $1', [conversationId]);
      const row = /** @type {any} */ (current.rows[0]);
      if (row.status === status) return { conversation: toConversation(row), message: null };
      if (status === 'open') {
        const other = await tx.query(
          row.user_id
            ? `SELECT 1 FROM chat_sessions WHERE organization_id = $1 AND user_id = $2 AND status = 'open' AND id <> $3`
            : `SELECT 1 FROM chat_sessions WHERE organization_id = $1 AND visitor_id = $2 AND user_id IS NULL AND status = 'open' AND id <> $3`,
          [row.organization_id, row.user_id ?? row.visitor_id, conversationId],
        );
        if (other.rows.length) throw new ApiError(409, 'conflict', 'The visitor already has another open conversation.');
      }
      await tx.query(`UPDATE chat_sessions SET status = $2, ended_at = ${status === 'closed' ? 'now()' : 'NULL'} WHERE id = $1`, [conversationId, status]);
      const inserted = await insertRow(tx, conversationId, {
        sender: actor ? { type: 'system', name: actor } : { type: 'system' },
        text,
        event: status === 'closed' ? 'closed' : 'reopened',
      });
      return { conversation: inserted.conversation, message: inserted.message };
    });
  }

  /**
   * Moves a read mark forward (never back, never past lastSeq).
   * @param {string} conversationId
   * @param {'visitor' | 'agent'} reader
   * @param {number} seq
   * @returns {Promise<number | null>} the new mark, or null when it did not move
   */
  async markRead(conversationId, reader, seq) {
    const column = reader === 'visitor' ? 'visitor_read_seq' : 'agent_read_seq';
    const { rows } = await this.pg.query(
      `UPDATE chat_sessions SET ${column} = LEAST($2, last_seq) WHERE id = $1 AND ${column} < LEAST($2, last_seq) RETURNING ${column} AS mark`,
      [conversationId, seq],
    );
    const row = /** @type {any} */ (rows[0]);
    return row ? row.mark : null;
  }

  /**
   * Merges contact details into a conversation (key by key; `fields` too).
   * @param {string} conversationId
   * @param {Contact} contact
   * @returns {Promise<Conversation>}
   */
  async updateContact(conversationId, contact) {
    return this.pg.transaction(async (tx) => {
      const current = await tx.query('SELECT contact FROM chat_sessions WHERE id = $1', [conversationId]);
      /** @type {Contact} */
      const merged = { ...(/** @type {any} */ (current.rows[0])?.contact ?? {}) };
      if (contact.name !== undefined) merged.name = contact.name;
      if (contact.email !== undefined) merged.email = contact.email;
      if (contact.fields) merged.fields = { ...merged.fields, ...contact.fields };
      const { rows } = await tx.query('UPDATE chat_sessions SET contact = $2, updated_at = now(), started_at = COALESCE(started_at, now()) WHERE id = $1 RETURNING *', [
        conversationId,
        JSON.stringify(merged),
      ]);
      return toConversation(rows[0]);
    });
  }

  /**
   * A conversation with its last message, as agents see it.
   * @param {string} id
   * @returns {Promise<(Conversation & { lastMessage: Message | null }) | null>}
   */
  async conversationSummary(id) {
    const { rows } = await this.pg.query(
      `SELECT s.*, to_jsonb(m) AS last_message FROM chat_sessions s
         LEFT JOIN chat_messages m ON m.chat_session_id = s.id AND m.seq = s.last_seq
        WHERE s.id = $1`,
      [id],
    );
    const row = /** @type {any} */ (rows[0]);
    return row ? { ...toConversation(row), lastMessage: row.last_message ? toMessage(row.last_message) : null } : null;
  }

  /**
   * Stores an uploaded file's metadata. A visitor's upload starts the conversation.
   * @param {{ id: string, conversationId: string, name: string, type: string, size: number, url: string, uploader: Sender }} file
   * @returns {Promise<{ attachment: Attachment, started: boolean }>} `started`: this upload started the conversation
   */
  async insertFile(file) {
    return this.pg.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO chat_files (id, chat_session_id, organization_id, name, type, size, url, uploader_type, uploader_id)
         SELECT $1, $2, s.organization_id, $3, $4, $5, $6, $7, $8 FROM chat_sessions s WHERE s.id = $2`,
        [file.id, file.conversationId, file.name, file.type, file.size, file.url, file.uploader.type, file.uploader.id ?? null],
      );
      const started =
        file.uploader.type === 'visitor'
          ? (await tx.query('UPDATE chat_sessions SET started_at = now(), updated_at = now() WHERE id = $1 AND started_at IS NULL RETURNING id', [file.conversationId])).rows.length > 0
          : false;
      return { attachment: { id: file.id, name: file.name, type: file.type, size: file.size, url: file.url }, started };
    });
  }

  /**
   * Bytes of uploaded files kept for a tenant, and for one visitor (or user) of it: the visitor's
   * own uploads in every conversation that is theirs now.
   * @param {string} tenantId
   * @param {{ visitorId: string, userId?: string }} [owner]
   * @returns {Promise<{ tenant: number, owner: number }>}
   */
  async storageUsed(tenantId, owner) {
    const tenant = await this.pg.query('SELECT COALESCE(sum(size), 0)::bigint AS used FROM chat_files WHERE organization_id = $1', [tenantId]);
    let ownerUsed = 0;
    if (owner) {
      const mine = await this.pg.query(
        `SELECT COALESCE(sum(f.size), 0)::bigint AS used FROM chat_files f JOIN chat_sessions s ON s.id = f.chat_session_id
          WHERE s.organization_id = $1 AND f.uploader_type = 'visitor'
            AND (CASE WHEN $2::text IS NOT NULL THEN s.user_id = $2::text ELSE s.user_id IS NULL AND s.visitor_id = $3 END)`,
        [tenantId, owner.userId ?? null, owner.visitorId],
      );
      ownerUsed = Number(/** @type {any} */ (mine.rows[0]).used);
    }
    return { tenant: Number(/** @type {any} */ (tenant.rows[0]).used), owner: ownerUsed };
  }

  /**
   * Deletes the metadata of files no message references that were uploaded before `cutoff`.
   * @param {Date} cutoff
   * @returns {Promise<string[]>} the deleted files' ids (the caller deletes the bytes)
   */
  async deleteUnattachedFiles(cutoff) {
    const { rows } = await this.pg.query('DELETE FROM chat_files WHERE attached_at IS NULL AND created_at < $1 RETURNING id', [cutoff]);
    return rows.map((/** @type {any} */ row) => row.id);
  }

  /**
   * A stored file's metadata, or null.
   * @param {string} id
   * @returns {Promise<Attachment & { conversationId: string } | null>}
   */
  async file(id) {
    const { rows } = await this.pg.query('SELECT * FROM chat_files WHERE id = $1', [id]);
    const row = /** @type {any} */ (rows[0]);
    return row ? { id: row.id, name: row.name, type: row.type, size: row.size, url: row.url, conversationId: row.chat_session_id } : null;
  }

  /**
   * The attachments with these ids uploaded into this conversation (or another one of the same
   * visitor or user), in the order asked; null when any id is unknown or belongs to someone else.
   * @param {string} conversationId
   * @param {string[]} ids
   * @returns {Promise<Attachment[] | null>}
   */
  async conversationFiles(conversationId, ids) {
    if (ids.length === 0) return [];
    // Files of this conversation, or of another conversation of the same owner (the same user,
    // or the same anonymous visitor): a message queued with files while its conversation was
    // closed is sent into the visitor's next one.
    const { rows } = await this.pg.query(
      `SELECT f.* FROM chat_files f
         JOIN chat_sessions s ON s.id = f.chat_session_id
         JOIN chat_sessions c ON c.id = $1
        WHERE f.id = ANY($2)
          AND s.organization_id = c.organization_id
          AND (s.id = c.id
               OR (c.user_id IS NOT NULL AND s.user_id = c.user_id)
               OR (c.user_id IS NULL AND s.user_id IS NULL AND s.visitor_id = c.visitor_id))`,
      [conversationId, ids],
    );
    const byId = new Map(rows.map((/** @type {any} */ row) => [row.id, { id: row.id, name: row.name, type: row.type, size: row.size, url: row.url }]));
    const files = ids.map((id) => byId.get(id));
    return files.every(Boolean) ? /** @type {Attachment[]} */ (files) : null;
  }

  /** @param {string} id @returns {Promise<Conversation | null>} */
  async conversation(id) {
    // Postgres text cannot hold NUL: such an id names nothing (and must not become a 500).
    if (id.includes('\0')) return null;
    const { rows } = await this.pg.query('SELECT * FROM chat_sessions WHERE id = $1', [id]);
    return rows[0] ? toConversation(rows[0]) : null;
  }

  /**
   * One page of the agents' inbox: the tenant's started conversations (never empty sessions),
   * newest activity first, each with its last message, filtered. Keyset paging: `cursor` is the
   * `nextCursor` of the previous page, so a page never repeats or skips a conversation that did
   * not change in between.
   * @param {string} tenantId
   * @param {{ filter: typeof INBOX_FILTERS[number], agentId: string, cursor?: { at: string, id: string }, limit: number }} query
   *   `filter`: `all`; `open`; `waiting` (open, the visitor wrote last); `mine` (open, `agentId`
   *   wrote in it); `closed`
   * @returns {Promise<{ conversations: Array<Conversation & { lastMessage: Message | null }>, next: { at: string, id: string } | null }>}
   */
  async conversations(tenantId, { filter, agentId, cursor, limit }) {
    const where = ['s.organization_id = $1', 's.started_at IS NOT NULL'];
    /** @type {unknown[]} */
    const params = [tenantId];
    if (filter === 'open' || filter === 'waiting' || filter === 'mine') where.push(`s.status = 'open'`);
    if (filter === 'closed') where.push(`s.status = 'closed'`);
    if (filter === 'waiting') where.push('s.awaiting_reply');
    if (filter === 'mine') {
      params.push(agentId);
      where.push(`$${params.length}::text = ANY(s.agent_ids)`);
    }
    if (cursor) {
      params.push(cursor.at, cursor.id);
      where.push(`(s.updated_at, s.id) < ($${params.length - 1}::timestamptz, $${params.length}::text)`);
    }
    params.push(limit + 1);
    const { rows } = await this.pg.query(
      `SELECT s.*, s.updated_at::text AS activity, to_jsonb(m) AS last_message
         FROM chat_sessions s
         LEFT JOIN chat_messages m ON m.chat_session_id = s.id AND m.seq = s.last_seq
        WHERE ${where.join(' AND ')}
        ORDER BY s.updated_at DESC, s.id DESC
        LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = /** @type {any} */ (page.at(-1));
    return {
      conversations: page.map((/** @type {any} */ row) => ({ ...toConversation(row), lastMessage: row.last_message ? toMessage(row.last_message) : null })),
      next: rows.length > limit && last ? { at: last.activity, id: last.id } : null,
    };
  }

  /**
   * Stores a message, assigning the next seq, unless `(conversationId, clientId)` is already
   * stored, in which case the stored message is returned. PGlite runs one transaction at a time,
   * so the check-then-insert cannot race.
   *
   * A visitor message into a closed conversation is refused (409 `conversation_closed`); a resend
   * of one stored before the close still answers the stored message. An agent's first message in
   * a conversation is preceded by a `system` message with `event: "joined"` (returned in `before`).
   * @param {{ conversationId: string, clientId?: string, sender: Sender, text: string, quickReplies?: string[], attachments?: Attachment[] }} input
   * @returns {Promise<{ message: Message, created: boolean, conversation: Conversation, before: Message[] }>}
   */
  async insertMessage({ conversationId, clientId, sender, text, quickReplies, attachments }) {
    return this.pg.transaction(async (tx) => {
      if (clientId) {
        const existing = await tx.query(
          'SELECT * FROM chat_messages WHERE chat_session_id = $1 AND client_id = $2',
          [conversationId, clientId],
        );
        if (existing.rows[0]) {
          const conv = await tx.query('SELECT * FROM chat_sessions WHERE id = $1', [conversationId]);
          return { message: toMessage(existing.rows[0]), created: false, conversation: toConversation(conv.rows[0]), before: [] };
        }
      }
      const current = await tx.query('SELECT status FROM chat_sessions WHERE id = $1', [conversationId]);
      if (sender.type === 'visitor' && /** @type {any} */ (current.rows[0])?.status === 'closed') {
        throw new ApiError(409, 'conversation_closed', 'The conversation is closed; start a new one (`newConversation: true`).');
      }
      /** @type {Message[]} */
      const before = [];
      if (sender.type === 'agent' && sender.id) {
        const wrote = await tx.query(
          `SELECT 1 FROM chat_messages WHERE chat_session_id = $1 AND sender_type = 'agent' AND sender_id = $2 LIMIT 1`,
          [conversationId, sender.id],
        );
        if (!wrote.rows.length) {
          const joined = await insertRow(tx, conversationId, {
            sender: sender.name ? { type: 'system', name: sender.name } : { type: 'system' },
            text: `${sender.name ?? 'An agent'} joined the conversation.`,
            event: 'joined',
          });
          before.push(joined.message);
        }
      }
      const { message, conversation } = await insertRow(tx, conversationId, { clientId, sender, text, quickReplies, attachments });
      return { message, created: true, conversation, before };
    });
  }

  /**
   * Pages through a conversation. Without `before`: the oldest `limit` messages with seq > after.
   * With `before`: the newest `limit` messages with after < seq < before. Both oldest first.
   * @param {string} conversationId
   * @param {{ after: number, before?: number, limit: number }} page
   * @returns {Promise<{ messages: Message[], hasMore: boolean }>}
   */
  async messages(conversationId, { after, before, limit }) {
    // One extra row tells whether more exist in the requested direction.
    const { rows } =
      before === undefined
        ? await this.pg.query(
            'SELECT * FROM chat_messages WHERE chat_session_id = $1 AND seq > $2 ORDER BY seq ASC LIMIT $3',
            [conversationId, after, limit + 1],
          )
        : await this.pg.query(
            'SELECT * FROM chat_messages WHERE chat_session_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq DESC LIMIT $4',
            [conversationId, after, before, limit + 1],
          );
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit).map(toMessage);
    if (before !== undefined) page.reverse();
    return { messages: page, hasMore };
  }

  /**
   * Moves a conversation and its messages `seconds` into the past (test-only debug hook: the
   * relink tests need a conversation older than the relink's minimum age).
   * @param {string} conversationId
   * @param {number} seconds
   */
  async backdateConversation(conversationId, seconds) {
    await this.pg.transaction(async (tx) => {
      await tx.query('UPDATE chat_messages SET created_at = created_at - make_interval(secs => $2) WHERE chat_session_id = $1', [conversationId, seconds]);
      await tx.query('UPDATE chat_sessions SET created_at = created_at - make_interval(secs => $2) WHERE id = $1', [conversationId, seconds]);
    });
  }
}

/**
 * Inserts one message with the next seq, inside the caller's transaction.
 * @param {import('@electric-sql/pglite').Transaction} tx
 * @param {string} conversationId
 * @param {{ clientId?: string, sender: Sender, text: string, event?: SystemEvent, quickReplies?: string[], attachments?: Attachment[] }} input
 * @returns {Promise<{ message: Message, conversation: Conversation }>}
 */
async function insertRow(tx, conversationId, { clientId, sender, text, event, quickReplies, attachments }) {
  // The first message starts the conversation (agents see it from now on); the newest visitor,
  // agent or AI message says whether it waits for a reply; agent_ids lists who wrote in it.
  const bumped = await tx.query(
    `UPDATE chat_sessions SET last_seq = last_seq + 1, updated_at = now(), started_at = COALESCE(started_at, now()),
       awaiting_reply = CASE WHEN $2 = 'visitor' THEN true WHEN $2 IN ('agent', 'ai') THEN false ELSE awaiting_reply END,
       agent_ids = CASE WHEN $2 = 'agent' AND $3::text IS NOT NULL AND NOT ($3::text = ANY(agent_ids)) THEN array_append(agent_ids, $3::text) ELSE agent_ids END
     WHERE id = $1 RETURNING *`,
    [conversationId, sender.type, sender.id ?? null],
  );
  const conversation = toConversation(bumped.rows[0]);
  if (attachments?.length) {
    await tx.query('UPDATE chat_files SET attached_at = COALESCE(attached_at, now()) WHERE id = ANY($1)', [attachments.map((a) => a.id)]);
  }
  const inserted = await tx.query(
    `INSERT INTO chat_messages (id, chat_session_id, seq, client_id, sender_type, sender_id, sender_name, content, event, quick_replies, attachments)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
    [
      `m_${nanoid()}`,
      conversationId,
      conversation.lastSeq,
      clientId ?? null,
      sender.type,
      sender.id ?? null,
      sender.name ?? null,
      text,
      event ?? null,
      quickReplies?.length ? JSON.stringify(quickReplies) : null,
      attachments?.length ? JSON.stringify(attachments) : null,
    ],
  );
  return { message: toMessage(inserted.rows[0]), conversation };
}

/** @param {any} row @returns {Tenant} */
function toTenant(row) {
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

/** @param {any} row @returns {AgentRow} */
function toAgent(row) {
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
