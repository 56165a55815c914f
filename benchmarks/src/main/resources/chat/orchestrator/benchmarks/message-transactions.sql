-- What the PostgreSQL adapter sends for one answered message (one burst of one message, two actions delivered at
-- once), statement for statement and transaction for transaction, on the adapter's own schema (the harness runs it
-- on the database DurableWrites migrated). Captured from the pgjdbc log of one message on main, 2026-11-29 (the record statement since from pg_stat_statements); keep it
-- in step with the adapter when its statements change, or the ratio compares different work. Simplified where a
-- value would need a round trip of its own: the fencing token is a constant, and the claim token is not checked.
-- One pgbench "transaction" is one run of this whole script: one answered message.
\set c random(1, 100000)
\set m random(1, 1000000000000000)
-- HistoryPort.record: the message, then its conversation's row created or counted, in one statement (autocommit).
WITH inserted AS (
  INSERT INTO messages (id, conversation_id, message_id, content, sender_id, sender_type, sent_at, metadata, created_at)
    VALUES (md5('message' || :m::text)::uuid, 'pg-' || :c::text, 'm' || :m::text, 'Xin chào, tôi muốn đặt lịch', 'u-' || :c::text, 'user', now(),
            '{}'::jsonb, now())
    ON CONFLICT (conversation_id, message_id) DO NOTHING
    RETURNING conversation_id, message_id, sent_at, created_at)
INSERT INTO conversations AS c (id, last_message_id, last_message_timestamp, total_messages, created_at, updated_at)
  SELECT conversation_id, message_id, sent_at, 1, created_at, created_at FROM inserted
  ON CONFLICT (id) DO UPDATE SET total_messages = c.total_messages + 1,
    last_message_id = CASE WHEN c.last_message_timestamp <= excluded.last_message_timestamp THEN excluded.last_message_id
                           ELSE c.last_message_id END,
    last_message_timestamp = greatest(c.last_message_timestamp, excluded.last_message_timestamp),
    updated_at = excluded.updated_at;
-- HistoryPort.raiseFence at lease start.
BEGIN;
UPDATE conversations SET max_fencing_token = 4000000000000000, updated_at = now()
  WHERE conversations.id = 'pg-' || :c::text AND conversations.max_fencing_token <= 4000000000000000;
END;
-- HistoryPort.answeredAmong and recentTurns (autocommit).
SELECT messages.message_id, messages.answered_by FROM messages
  WHERE messages.conversation_id = 'pg-' || :c::text AND messages.message_id IN ('m' || :m::text) AND messages.answered_by IS NOT NULL;
-- HistoryPort.handoff (autocommit): whether people have the conversation (V6).
SELECT conversations.id, conversations.handoff_since, conversations.handoff_by, conversations.handoff_reason,
       conversations.handoff_activity_at FROM conversations
  WHERE conversations.id = ANY (ARRAY['pg-' || :c::text]) AND conversations.handoff_since IS NOT NULL;
SELECT messages.content AS text, messages.sent_at AS at, deliveries.commit_seq AS run_seq, 0 AS kind,
       messages.message_id AS message_id
  FROM messages JOIN deliveries ON deliveries.run_id = messages.answered_by
  WHERE messages.conversation_id = 'pg-' || :c::text
UNION ALL
SELECT ai_runs.response_text, ai_runs.finished_at, deliveries.commit_seq, 1, ''
  FROM ai_runs JOIN deliveries ON deliveries.run_id = ai_runs.id
  WHERE ai_runs.conversation_id = 'pg-' || :c::text
    AND (deliveries.status NOT IN ('rejected', 'dead_letter')
         OR EXISTS (SELECT 1 AS one FROM message_actions
                    WHERE message_actions.run_id = ai_runs.id AND message_actions.status = 'delivered'))
  ORDER BY run_seq DESC, kind DESC, at DESC, message_id DESC FETCH NEXT 20 ROWS ONLY;
-- HistoryPort.recordAnswer: fence, answered check, run, messages answered, actions, outbox row.
BEGIN;
UPDATE conversations SET max_fencing_token = 4000000000000000, updated_at = now()
  WHERE conversations.id = 'pg-' || :c::text AND conversations.max_fencing_token <= 4000000000000000;
SELECT messages.message_id, messages.answered_by FROM messages
  WHERE messages.conversation_id = 'pg-' || :c::text AND messages.message_id IN ('m' || :m::text) AND messages.answered_by IS NOT NULL;
INSERT INTO ai_runs (id, conversation_id, message_ids, response_text, intent, confidence, entities, model,
                     processing_time_ms, fencing_token, outcome, finished_at, created_at)
  VALUES (md5('run' || :m::text)::uuid, 'pg-' || :c::text, ARRAY['m' || :m::text]::varchar(256)[],
          'Dạ, anh/chị muốn đặt lịch vào buổi nào ạ?', 'book_appointment', 0.85, '{"language": "vi"}'::jsonb,
          'builtin-rules-v1', 1, 4000000000000000, 'sent', now(), now())
  ON CONFLICT (id) DO NOTHING;
UPDATE messages SET answered_by = md5('run' || :m::text)::uuid
  WHERE messages.conversation_id = 'pg-' || :c::text AND messages.message_id IN ('m' || :m::text) AND messages.answered_by IS NULL;
INSERT INTO message_actions (id, run_id, conversation_id, action_index, action_type, payload, status, idempotency_key,
                             created_at, updated_at)
  VALUES (md5('action0' || :m::text)::uuid, md5('run' || :m::text)::uuid, 'pg-' || :c::text, 0, 'send_quick_replies',
          '{"message": "Anh/chị muốn buổi nào?", "options": ["Sáng", "Chiều", "Tối"]}'::jsonb, 'pending',
          md5('run' || :m::text), now(), now()),
         (md5('action1' || :m::text)::uuid, md5('run' || :m::text)::uuid, 'pg-' || :c::text, 1, 'collect_info',
          '{"fields": ["name", "phone"]}'::jsonb, 'pending', md5('run' || :m::text), now(), now());
INSERT INTO deliveries (run_id, conversation_id, commit_seq, status, next_attempt_at, queued_at, updated_at)
  VALUES (md5('run' || :m::text)::uuid, 'pg-' || :c::text, nextval('deliveries_commit_seq'), 'pending', now(), now(), now());
END;
-- OutboxPort.claimNext: the conversation's head answer, claimed, with its run and actions.
BEGIN;
SELECT deliveries.run_id FROM deliveries
  WHERE deliveries.conversation_id = 'pg-' || :c::text AND deliveries.status = 'pending'
  ORDER BY deliveries.commit_seq FETCH NEXT 1 ROWS ONLY FOR UPDATE SKIP LOCKED;
UPDATE deliveries SET claim_token = gen_random_uuid(), claimed_until = now() + interval '30 seconds'
  WHERE deliveries.run_id IN (md5('run' || :m::text)::uuid) AND deliveries.status = 'pending'
    AND (deliveries.attempts = 0 OR deliveries.next_attempt_at <= now())
    AND (deliveries.claimed_until IS NULL OR deliveries.claimed_until <= now())
    AND NOT EXISTS (SELECT 1 AS one FROM deliveries AS other
                    WHERE other.conversation_id = deliveries.conversation_id AND other.status = 'pending'
                      AND other.run_id <> deliveries.run_id
                      AND (other.commit_seq < deliveries.commit_seq OR other.claimed_until > now()))
  RETURNING deliveries.run_id, deliveries.conversation_id, deliveries.commit_seq, deliveries.status,
            deliveries.attempts, deliveries.last_error, deliveries.next_attempt_at, deliveries.claim_token,
            deliveries.claimed_until, deliveries.queued_at, deliveries.updated_at, deliveries.settled_at;
SELECT ai_runs.id, ai_runs.conversation_id, ai_runs.message_ids, ai_runs.response_text, ai_runs.intent,
       ai_runs.confidence, ai_runs.entities, ai_runs.model, ai_runs.processing_time_ms, ai_runs.fencing_token,
       ai_runs.outcome, ai_runs.finished_at, ai_runs.created_at
  FROM ai_runs WHERE ai_runs.id IN (md5('run' || :m::text)::uuid);
SELECT message_actions.run_id, message_actions.action_index, message_actions.action_type, message_actions.payload,
       message_actions.status
  FROM message_actions WHERE message_actions.run_id IN (md5('run' || :m::text)::uuid)
  ORDER BY message_actions.run_id, message_actions.action_index;
END;
-- OutboxPort.record: the attempt, delivered, and each action's status.
BEGIN;
UPDATE deliveries SET status = 'delivered', attempts = deliveries.attempts + 1, last_error = deliveries.last_error,
    next_attempt_at = now(), claim_token = NULL, claimed_until = NULL, updated_at = now(), settled_at = now()
  WHERE deliveries.run_id = md5('run' || :m::text)::uuid AND deliveries.status = 'pending';
UPDATE message_actions SET status = 'delivered', attempts = message_actions.attempts + 1,
    retry_count = greatest(0, message_actions.attempts + 1 - 1), last_error = message_actions.last_error,
    updated_at = now()
  WHERE message_actions.run_id = md5('run' || :m::text)::uuid AND message_actions.action_index = 0;
UPDATE message_actions SET status = 'delivered', attempts = message_actions.attempts + 1,
    retry_count = greatest(0, message_actions.attempts + 1 - 1), last_error = message_actions.last_error,
    updated_at = now()
  WHERE message_actions.run_id = md5('run' || :m::text)::uuid AND message_actions.action_index = 1;
END;
