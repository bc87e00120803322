-- Issue 13: who may manage widget configurations, and which widget a conversation was started
-- through.
--
-- agents.role: 'admin' (a tenant admin: creates, edits and deletes the tenant's widget
-- configurations) or 'agent'. Written from the tenants file (`role` of each agent) at every start,
-- so an existing database gets the file's roles on its first start with this migration; until
-- then (and for agents the file gives no role) an agent is a plain agent.
ALTER TABLE agents ADD COLUMN role TEXT NOT NULL DEFAULT 'agent' CHECK (role IN ('agent', 'admin'));

-- The widget configuration whose snippet started the conversation (the first session through a
-- widget id; never changed after). Its allowed domains and its `assistant` and `voice` features
-- apply to the conversation. No foreign key: a deleted widget leaves its conversations to the
-- tenant's rules.
ALTER TABLE chat_sessions ADD COLUMN widget_id TEXT;
