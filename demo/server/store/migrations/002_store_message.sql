-- Storing a message in one round trip (issue 16): the function does what the server used to do
-- in five or six statements of a transaction, with its plans cached for the connection.
--
-- A message already stored under this clientId is answered as it is (a resend; also after the
-- conversation closed). Otherwise it locks the conversation's row, so messages of one
-- conversation are stored one after another (the seq stays gapless and strictly increasing on
-- PostgreSQL, where several run at once), and looks for the clientId again under the lock (a
-- resend racing its original finds it stored); a visitor message into a closed
-- conversation is refused; otherwise the next seq is taken (two when an agent's first message in
-- the conversation brings its `joined` notice, p_joined_text), the message inserted and its files
-- marked attached. It answers {outcome: 'existing' | 'missing' | 'closed' | 'created', …}.
CREATE FUNCTION chat_store_message(
  p_conversation_id text, p_client_id text, p_sender_type text, p_sender_id text, p_sender_name text,
  p_content text, p_quick_replies jsonb, p_attachments jsonb, p_joined_text text,
  p_message_id text, p_joined_id text, p_file_ids text[]
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  conversation chat_sessions;
  stored chat_messages;
  joined chat_messages;
  joins boolean;
BEGIN
  -- A resend, answered without taking the lock (a read writes nothing, so it commits for free);
  -- checked again under the lock below for one racing its original.
  IF p_client_id IS NOT NULL THEN
    SELECT * INTO stored FROM chat_messages WHERE chat_session_id = p_conversation_id AND client_id = p_client_id;
    IF FOUND THEN
      RETURN jsonb_build_object('outcome', 'existing', 'message', to_jsonb(stored));
    END IF;
  END IF;
  SELECT * INTO conversation FROM chat_sessions WHERE id = p_conversation_id FOR UPDATE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('outcome', 'missing');
  END IF;
  IF p_client_id IS NOT NULL THEN
    SELECT * INTO stored FROM chat_messages WHERE chat_session_id = p_conversation_id AND client_id = p_client_id;
    IF FOUND THEN
      RETURN jsonb_build_object('outcome', 'existing', 'message', to_jsonb(stored));
    END IF;
  END IF;
  IF conversation.status = 'closed' AND p_sender_type = 'visitor' THEN
    RETURN jsonb_build_object('outcome', 'closed');
  END IF;
  joins := p_joined_text IS NOT NULL AND p_sender_type = 'agent' AND p_sender_id IS NOT NULL
           AND NOT (p_sender_id = ANY (conversation.agent_ids));
  -- The first message starts the conversation (agents see it from now on); the newest visitor,
  -- agent or AI message says whether it waits for a reply; agent_ids lists who wrote in it.
  UPDATE chat_sessions SET
         last_seq = last_seq + CASE WHEN joins THEN 2 ELSE 1 END,
         updated_at = now(),
         started_at = COALESCE(started_at, now()),
         awaiting_reply = CASE WHEN p_sender_type = 'visitor' THEN true WHEN p_sender_type IN ('agent', 'ai') THEN false ELSE awaiting_reply END,
         agent_ids = CASE WHEN p_sender_type = 'agent' AND p_sender_id IS NOT NULL AND NOT (p_sender_id = ANY (agent_ids))
                          THEN array_append(agent_ids, p_sender_id) ELSE agent_ids END
   WHERE id = p_conversation_id
  RETURNING * INTO conversation;
  IF joins THEN
    INSERT INTO chat_messages (id, chat_session_id, seq, sender_type, sender_name, content, event)
    VALUES (p_joined_id, p_conversation_id, conversation.last_seq - 1, 'system', p_sender_name, p_joined_text, 'joined')
    RETURNING * INTO joined;
  END IF;
  INSERT INTO chat_messages (id, chat_session_id, seq, client_id, sender_type, sender_id, sender_name, content, quick_replies, attachments)
  VALUES (p_message_id, p_conversation_id, conversation.last_seq, p_client_id, p_sender_type, p_sender_id, p_sender_name, p_content, p_quick_replies, p_attachments)
  RETURNING * INTO stored;
  IF cardinality(p_file_ids) > 0 THEN
    UPDATE chat_files SET attached_at = COALESCE(attached_at, now()) WHERE id = ANY (p_file_ids);
  END IF;
  RETURN jsonb_build_object('outcome', 'created', 'message', to_jsonb(stored), 'conversation', to_jsonb(conversation),
                            'joined', CASE WHEN joins THEN to_jsonb(joined) END);
END
$$;
