-- FROZEN: the schema string of db.js before numbered migrations (up to commit b2b5d0f), kept only
-- to bring a database made by that code up to 001_initial.sql (store/migrate.js). Never edit it:
-- changes to the schema are new numbered migrations.
CREATE TABLE IF NOT EXISTS organizations (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  api_key         TEXT NOT NULL UNIQUE,
  allowed_origins TEXT[] NOT NULL DEFAULT '{}',
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Seed 000's snippet carries only the tenant id: such tenants accept `Bearer tenant:<id>`.
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
