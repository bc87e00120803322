-- The assistant (issue 12): what the assistant's messages carry besides text, the answers it is
-- writing (so a restart finishes each exactly once), each conversation's handoff state (the queue
-- and the assignment), feedback on answers and ratings of closed conversations.

-- Assistant messages: streamId, sources, stopped, handoffOffer; system messages of a handoff:
-- handoff { reason, requestedBy, agent }. Read by rows.js, never matched on.
ALTER TABLE chat_messages ADD COLUMN extra JSONB;

-- An answer the assistant is writing: recorded before its first token, finished when its final
-- message is stored (client_id = id, so it is stored once) or when it ends without one. A server
-- that starts finds the unfinished ones and answers them again (assistant/service.js).
CREATE TABLE assistant_streams (
  id              TEXT PRIMARY KEY,
  chat_session_id TEXT NOT NULL REFERENCES chat_sessions(id) ON DELETE CASCADE,
  organization_id TEXT NOT NULL,
  reply_to        INTEGER NOT NULL,
  started_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at     TIMESTAMPTZ,
  outcome         TEXT
);
CREATE INDEX assistant_streams_unfinished ON assistant_streams (started_at) WHERE finished_at IS NULL;

-- A conversation's handoff: with the assistant, queued for a person (ordered by requested_at), or
-- assigned to an agent. No row: the default of the tenant (the assistant when it is on).
CREATE TABLE chat_handoffs (
  chat_session_id  TEXT PRIMARY KEY REFERENCES chat_sessions(id) ON DELETE CASCADE,
  organization_id  TEXT NOT NULL,
  state            TEXT NOT NULL,
  reason           TEXT,
  requested_by     TEXT,
  metadata         JSONB,
  requested_at     TIMESTAMPTZ,
  agent_id         TEXT,
  assigned_at      TIMESTAMPTZ,
  -- answers marked "not helpful" since the assistant last took the conversation (handoff rules)
  unhelpful        INTEGER NOT NULL DEFAULT 0,
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX chat_handoffs_queue ON chat_handoffs (organization_id, requested_at) WHERE state = 'queued';
CREATE INDEX chat_handoffs_agent ON chat_handoffs (organization_id, agent_id) WHERE state = 'assigned';

-- How long the tenant's recent conversations waited in the queue: the basis of the wait estimate.
CREATE TABLE chat_queue_waits (
  organization_id TEXT NOT NULL,
  waited_seconds  INTEGER NOT NULL,
  assigned_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX chat_queue_waits_recent ON chat_queue_waits (organization_id, assigned_at DESC);

CREATE TABLE chat_feedback (
  message_id      TEXT PRIMARY KEY REFERENCES chat_messages(id) ON DELETE CASCADE,
  chat_session_id TEXT NOT NULL REFERENCES chat_sessions(id) ON DELETE CASCADE,
  helpful         BOOLEAN NOT NULL,
  comment         TEXT,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX chat_feedback_conversation ON chat_feedback (chat_session_id);

CREATE TABLE chat_ratings (
  chat_session_id TEXT PRIMARY KEY REFERENCES chat_sessions(id) ON DELETE CASCADE,
  score           INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
  comment         TEXT,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
