-- FROZEN: the one-time data migration of db.js before numbered migrations (recorded in
-- schema_migrations under this file's name), run for a database made by that code that lacks it.
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
    SELECT 1 FROM chat_messages m WHERE m.chat_session_id = f.chat_session_id AND m.attachments @> jsonb_build_array(jsonb_build_object('id', f.id)));
