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
`;

/**
 * @typedef {{ type: 'visitor' | 'agent' | 'ai' | 'system', id?: string, name?: string }} Sender
 * @typedef {{ id: string, clientId?: string, conversationId: string, seq: number, sender: Sender, text: string, createdAt: string }} Message
 * @typedef {{ id: string, name?: string, email?: string }} VerifiedUser a user vouched for by the tenant's signed userToken
 * @typedef {{
 *   id: string, tenantId: string, visitorId: string, status: string, lastSeq: number, createdAt: string, updatedAt: string,
 *   userId?: string, user?: VerifiedUser,
 * }} Conversation
 * @typedef {{ id: string, name: string, apiKey: string, allowedOrigins: string[], keylessEmbed?: boolean, identitySecret?: string | null }} Tenant
 * @typedef {{ headerText: string, welcomeMessage: string | null, themeColor: string }} WidgetConfig
 * @typedef {{ id: string, tenantId: string, email: string, name: string, passwordHash: string }} AgentRow
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
  return message;
}

/** @param {any} row @returns {Conversation} */
function toConversation(row) {
  /** @type {Conversation} */
  const conversation = {
    id: row.id,
    tenantId: row.organization_id,
    visitorId: row.visitor_id,
    status: row.status,
    lastSeq: row.last_seq,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
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
   * @param {Partial<WidgetConfig>} widget
   */
  async upsertTenant(tenant, widget) {
    await this.pg.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO organizations (id, name, api_key, allowed_origins, keyless_embed, identity_secret) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET name = $2, api_key = $3, allowed_origins = $4, keyless_embed = $5, identity_secret = $6`,
        [tenant.id, tenant.name, tenant.apiKey, tenant.allowedOrigins, tenant.keylessEmbed === true, tenant.identitySecret ?? null],
      );
      await tx.query(
        `INSERT INTO widget_configurations (organization_id, theme_color, header_text, welcome_message)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (organization_id) DO UPDATE SET theme_color = $2, header_text = $3,
           welcome_message = $4, updated_at = now()`,
        [tenant.id, widget.themeColor ?? '#0088FF', widget.headerText ?? 'Chat with us', widget.welcomeMessage ?? null],
      );
    });
  }

  /**
   * Inserts or updates an agent. `passwordHash` null keeps the stored hash.
   * @param {Omit<AgentRow, 'passwordHash'> & { passwordHash: string | null }} agent
   */
  async upsertAgent(agent) {
    // NOT NULL is checked on the proposed row even when it conflicts, so "keep" is a plain UPDATE.
    if (agent.passwordHash === null) {
      await this.pg.query('UPDATE agents SET organization_id = $2, email = $3, name = $4 WHERE id = $1', [
        agent.id,
        agent.tenantId,
        agent.email,
        agent.name,
      ]);
      return;
    }
    await this.pg.query(
      `INSERT INTO agents (id, organization_id, email, name, password_hash) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET organization_id = $2, email = $3, name = $4, password_hash = $5`,
      [agent.id, agent.tenantId, agent.email, agent.name, agent.passwordHash],
    );
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
        ? 'SELECT * FROM organizations WHERE id = $1 AND keyless_embed'
        : 'SELECT * FROM organizations WHERE api_key = $1',
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
      'SELECT header_text, welcome_message, theme_color FROM widget_configurations WHERE organization_id = $1 AND is_active',
      [tenantId],
    );
    const row = /** @type {any} */ (rows[0]);
    return {
      headerText: row?.header_text ?? 'Chat with us',
      welcomeMessage: row?.welcome_message ?? null,
      themeColor: row?.theme_color ?? '#0088FF',
    };
  }

  /** @param {string} email @returns {Promise<AgentRow | null>} */
  async agentByEmail(email) {
    const { rows } = await this.pg.query('SELECT * FROM agents WHERE lower(email) = lower($1)', [email]);
    return rows[0] ? toAgent(rows[0]) : null;
  }

  /** @param {string} id @returns {Promise<AgentRow | null>} */
  async agentById(id) {
    const { rows } = await this.pg.query('SELECT * FROM agents WHERE id = $1', [id]);
    return rows[0] ? toAgent(rows[0]) : null;
  }

  /**
   * Finds the open conversation of an anonymous visitor or of a verified user, or creates one.
   *
   * Anonymous: the visitor's own open conversation that no user owns (a conversation attached to a
   * user is never handed out by visitor id alone). Verified user: the user's open conversation
   * (any browser); failing that the visitor's anonymous one, which is attached to the user (first
   * identify); failing that a new one.
   * @param {string} tenantId
   * @param {string} visitorId
   * @param {VerifiedUser} [user]
   * @returns {Promise<{ conversation: Conversation, created: boolean, attached: boolean }>}
   */
  async openConversation(tenantId, visitorId, user) {
    return this.pg.transaction(async (tx) => {
      const metadata = user ? JSON.stringify({ user: { name: user.name ?? null, email: user.email ?? null } }) : null;
      if (user) {
        const mine = await tx.query(
          `UPDATE chat_sessions SET metadata = $3 WHERE organization_id = $1 AND user_id = $2 AND status = 'open' RETURNING *`,
          [tenantId, user.id, metadata],
        );
        if (mine.rows[0]) return { conversation: toConversation(mine.rows[0]), created: false, attached: false };
      }
      const anonymous = await tx.query(
        `SELECT * FROM chat_sessions WHERE organization_id = $1 AND visitor_id = $2 AND status = 'open' AND user_id IS NULL`,
        [tenantId, visitorId],
      );
      const found = /** @type {any} */ (anonymous.rows[0]);
      if (found && !user) return { conversation: toConversation(found), created: false, attached: false };
      if (found && user) {
        const attached = await tx.query(
          `UPDATE chat_sessions SET user_id = $2, metadata = $3, updated_at = now() WHERE id = $1 RETURNING *`,
          [found.id, user.id, metadata],
        );
        return { conversation: toConversation(attached.rows[0]), created: false, attached: true };
      }
      const created = await tx.query(
        `INSERT INTO chat_sessions (id, organization_id, visitor_id, user_id, metadata) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
        [`c_${nanoid()}`, tenantId, visitorId, user?.id ?? null, metadata],
      );
      return { conversation: toConversation(created.rows[0]), created: true, attached: false };
    });
  }

  /** @param {string} id @returns {Promise<Conversation | null>} */
  async conversation(id) {
    const { rows } = await this.pg.query('SELECT * FROM chat_sessions WHERE id = $1', [id]);
    return rows[0] ? toConversation(rows[0]) : null;
  }

  /**
   * The tenant's conversations, newest activity first, each with its last message.
   * @param {string} tenantId
   * @param {number} [limit]
   * @returns {Promise<Array<Conversation & { lastMessage: Message | null }>>}
   */
  async conversations(tenantId, limit = 200) {
    const { rows } = await this.pg.query(
      `SELECT s.*, to_jsonb(m) AS last_message
         FROM chat_sessions s
         LEFT JOIN chat_messages m ON m.chat_session_id = s.id AND m.seq = s.last_seq
        WHERE s.organization_id = $1
        ORDER BY s.updated_at DESC, s.id
        LIMIT $2`,
      [tenantId, limit],
    );
    return rows.map((/** @type {any} */ row) => ({
      ...toConversation(row),
      lastMessage: row.last_message ? toMessage(row.last_message) : null,
    }));
  }

  /**
   * Stores a message, assigning the next seq, unless `(conversationId, clientId)` is already
   * stored, in which case the stored message is returned. PGlite runs one transaction at a time,
   * so the check-then-insert cannot race.
   * @param {{ conversationId: string, clientId?: string, sender: Sender, text: string }} input
   * @returns {Promise<{ message: Message, created: boolean, conversation: Conversation }>}
   */
  async insertMessage({ conversationId, clientId, sender, text }) {
    return this.pg.transaction(async (tx) => {
      if (clientId) {
        const existing = await tx.query(
          'SELECT * FROM chat_messages WHERE chat_session_id = $1 AND client_id = $2',
          [conversationId, clientId],
        );
        if (existing.rows[0]) {
          const conv = await tx.query('SELECT * FROM chat_sessions WHERE id = $1', [conversationId]);
          return { message: toMessage(existing.rows[0]), created: false, conversation: toConversation(conv.rows[0]) };
        }
      }
      const bumped = await tx.query(
        'UPDATE chat_sessions SET last_seq = last_seq + 1, updated_at = now() WHERE id = $1 RETURNING *',
        [conversationId],
      );
      const conversation = toConversation(bumped.rows[0]);
      const inserted = await tx.query(
        `INSERT INTO chat_messages (id, chat_session_id, seq, client_id, sender_type, sender_id, sender_name, content)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [`m_${nanoid()}`, conversationId, conversation.lastSeq, clientId ?? null, sender.type, sender.id ?? null, sender.name ?? null, text],
      );
      return { message: toMessage(inserted.rows[0]), created: true, conversation };
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
  };
}

/** @param {any} row @returns {AgentRow} */
function toAgent(row) {
  return { id: row.id, tenantId: row.organization_id, email: row.email, name: row.name, passwordHash: row.password_hash };
}
