-- The schema as it stood when numbered migrations began (seed 003's tables: organizations own
-- chat_sessions, chat_messages and widget_configurations; a chat session is what the protocol
-- calls a conversation). A database made before then is upgraded to exactly this shape and this
-- migration is marked applied (store/migrate.js, legacy-schema.sql). Later changes are new files:
-- 002_….sql, 003_….sql, each run once, in a transaction, and recorded in schema_version.

CREATE TABLE organizations (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  api_key         TEXT NOT NULL UNIQUE,
  allowed_origins TEXT[] NOT NULL DEFAULT '{}',
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- A tenant whose snippet carries only its id accepts `Bearer tenant:<id>`.
  keyless_embed   BOOLEAN NOT NULL DEFAULT false,
  -- HS256 secret the tenant's own backend signs visitor identities (userToken) with; NULL = none.
  identity_secret TEXT,
  -- Revocation (docs/security.md, "Removed agents and tenants"): rows missing from the tenants
  -- file are disabled, not deleted (their conversations stay).
  disabled_at     TIMESTAMPTZ
);

CREATE TABLE agents (
  id              TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  email           TEXT NOT NULL UNIQUE,
  name            TEXT NOT NULL,
  password_hash   TEXT NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  disabled_at     TIMESTAMPTZ,
  -- An agent token carries token_version; logout, a password change and removal bump it.
  token_version   INTEGER NOT NULL DEFAULT 0,
  -- The passwordHash the tenants file gave last, so a rehash on login is not taken for a change.
  seed_hash       TEXT
);

CREATE TABLE widget_configurations (
  id                  SERIAL PRIMARY KEY,
  organization_id     TEXT NOT NULL UNIQUE REFERENCES organizations(id) ON DELETE CASCADE,
  name                TEXT NOT NULL DEFAULT 'default',
  theme_color         TEXT NOT NULL DEFAULT '#0088FF',
  header_text         TEXT NOT NULL DEFAULT 'Chat with us',
  welcome_message     TEXT,
  is_active           BOOLEAN NOT NULL DEFAULT TRUE,
  created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  away_message        TEXT,
  -- NULL = the defaults (image/*, application/pdf, text/plain; 10 MiB); an empty array turns uploads off.
  attachment_types    TEXT[],
  attachment_max_size INTEGER
);

CREATE TABLE chat_sessions (
  id               TEXT PRIMARY KEY,
  organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  visitor_id       TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'open',
  -- The per-conversation message counter: bumping it in the statement that inserts the message
  -- (which locks the row) is what makes seq gapless and strictly increasing.
  last_seq         INTEGER NOT NULL DEFAULT 0,
  metadata         JSONB,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  ended_at         TIMESTAMPTZ,
  -- A verified user (docs/protocol.md, Identity) owns conversations across browsers.
  user_id          TEXT,
  visitor_read_seq INTEGER NOT NULL DEFAULT 0,
  agent_read_seq   INTEGER NOT NULL DEFAULT 0,
  contact          JSONB,
  -- The agents' inbox (docs/security.md, "Empty sessions"): listed from the first message, contact
  -- details or upload; awaiting_reply: the newest visitor/agent/AI message is the visitor's;
  -- agent_ids: the agents who wrote in it.
  started_at       TIMESTAMPTZ,
  awaiting_reply   BOOLEAN NOT NULL DEFAULT false,
  agent_ids        TEXT[] NOT NULL DEFAULT '{}',
  -- Fingerprint relink (docs/security.md): moved to a new visitor id.
  relinked_at      TIMESTAMPTZ,
  relink_count     INTEGER NOT NULL DEFAULT 0
);
-- One open conversation per anonymous visitor, and one per user, in a tenant.
CREATE UNIQUE INDEX chat_sessions_open_anonymous
  ON chat_sessions (organization_id, visitor_id) WHERE status = 'open' AND user_id IS NULL;
CREATE UNIQUE INDEX chat_sessions_open_user
  ON chat_sessions (organization_id, user_id) WHERE status = 'open' AND user_id IS NOT NULL;
CREATE INDEX chat_sessions_activity ON chat_sessions (organization_id, updated_at DESC);
CREATE INDEX chat_sessions_visitor ON chat_sessions (organization_id, visitor_id, created_at DESC);
CREATE INDEX chat_sessions_user ON chat_sessions (organization_id, user_id, created_at DESC);
CREATE INDEX chat_sessions_inbox ON chat_sessions (organization_id, updated_at DESC, id DESC) WHERE started_at IS NOT NULL;

CREATE TABLE chat_messages (
  id              TEXT PRIMARY KEY,
  chat_session_id TEXT NOT NULL REFERENCES chat_sessions(id) ON DELETE CASCADE,
  seq             INTEGER NOT NULL,
  client_id       TEXT,
  sender_type     TEXT NOT NULL,
  sender_id       TEXT,
  sender_name     TEXT,
  content         TEXT NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  event           TEXT,
  quick_replies   JSONB,
  attachments     JSONB,
  UNIQUE (chat_session_id, seq),
  UNIQUE (chat_session_id, client_id)
);

-- Uploaded files: the bytes live in DATA_DIR/files/<id>, the metadata here. attached_at is set
-- when a message references the file (unattached ones are swept); organization_id makes the
-- tenant's storage quota one indexed sum.
CREATE TABLE chat_files (
  id              TEXT PRIMARY KEY,
  chat_session_id TEXT NOT NULL REFERENCES chat_sessions(id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  type            TEXT NOT NULL,
  size            INTEGER NOT NULL,
  url             TEXT NOT NULL,
  uploader_type   TEXT NOT NULL,
  uploader_id     TEXT,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  attached_at     TIMESTAMPTZ,
  organization_id TEXT
);
CREATE INDEX chat_files_unattached ON chat_files (created_at) WHERE attached_at IS NULL;
CREATE INDEX chat_files_tenant ON chat_files (organization_id);

-- Opt-in coarse fingerprint of an anonymous visitor, with an HMAC of the client IP (never the IP).
CREATE TABLE visitor_fingerprints (
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  visitor_id      TEXT NOT NULL,
  fingerprint     TEXT NOT NULL,
  ip_hash         TEXT NOT NULL,
  seen_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, visitor_id)
);
CREATE INDEX visitor_fingerprints_match ON visitor_fingerprints (organization_id, fingerprint, ip_hash);

-- Visitor ids a fingerprint relink took the conversations from: revoked for good.
CREATE TABLE revoked_visitors (
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  visitor_id      TEXT NOT NULL,
  revoked_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, visitor_id)
);
