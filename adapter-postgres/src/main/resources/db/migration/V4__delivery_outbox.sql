-- The outbox of answers (OutboxPort, PostgresOutbox; docs/postgres.md, "The outbox"): one deliveries row per sent
-- run, written in the answer's fenced transaction, claimed by one claimer at a time, per conversation only the oldest
-- undelivered answer (by commit_seq) at a time. It replaces the per-action due times of message_actions and the
-- delivery_recorded_at of ai_runs, whose recovery lost answers a delivery report had called failed. Statements jOOQ's
-- parser cannot take (data moves) sit between "[jooq ignore start]" and "[jooq ignore stop]" comments.

-- commit_seq is taken inside the fenced transaction, after the fence locked the conversation row: the fenced writes
-- of one conversation run one after another, so their commit_seq values follow their commit order.
CREATE SEQUENCE deliveries_commit_seq;

CREATE TABLE deliveries (
    run_id          UUID NOT NULL,
    conversation_id VARCHAR(256) COLLATE "C" NOT NULL,
    commit_seq      BIGINT NOT NULL,
    status          VARCHAR(16) NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
    claim_token     UUID,
    claimed_until   TIMESTAMP WITH TIME ZONE,
    queued_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    settled_at      TIMESTAMP WITH TIME ZONE,
    CONSTRAINT deliveries_pkey PRIMARY KEY (run_id),
    CONSTRAINT deliveries_run_fkey FOREIGN KEY (run_id) REFERENCES ai_runs (id),
    CONSTRAINT deliveries_conversation_fkey FOREIGN KEY (conversation_id) REFERENCES conversations (id),
    CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'delivered', 'rejected', 'dead_letter')),
    CONSTRAINT deliveries_attempts_check CHECK (attempts >= 0)
);

-- The dispatchers' claim: pending answers by when they are due. Partial, so it holds only the work still to do.
CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending';
-- A conversation's pending answers in commit order: which one heads it (the only one that may be claimed).
CREATE INDEX deliveries_conversation_pending_idx ON deliveries (conversation_id, commit_seq) WHERE status = 'pending';
-- The operators' listing and counts of the answers that need them, most recently updated first.
CREATE INDEX deliveries_undeliverable_idx ON deliveries (status, updated_at DESC, run_id)
    WHERE status IN ('dead_letter', 'rejected');

-- Action statuses now follow DeliveryReport.Status: 'failed' (a delivery report's transient failure, which nothing
-- retried) is gone; such actions are counted as refused, and their answers become dead letters below.
ALTER TABLE message_actions DROP CONSTRAINT message_actions_status_check;
-- [jooq ignore start]
UPDATE message_actions SET status = 'rejected' WHERE status = 'failed';
-- [jooq ignore stop]
ALTER TABLE message_actions ADD CONSTRAINT message_actions_status_check
    CHECK (status IN ('pending', 'delivered', 'skipped', 'rejected', 'dead_letter'));

-- Every answer already sent gets its deliveries row, commit_seq in finished_at order: never reported -> pending, due
-- now (its holder died before delivering it); every action delivered or skipped -> delivered; anything else ->
-- dead_letter, so an answer the previous release gave up on is visible to operators, who can retry it.
-- [jooq ignore start]
INSERT INTO deliveries (run_id, conversation_id, commit_seq, status, attempts, last_error, next_attempt_at,
                        queued_at, updated_at, settled_at)
SELECT r.id, r.conversation_id, row_number() OVER (ORDER BY r.finished_at, r.id),
       CASE WHEN r.delivery_recorded_at IS NULL THEN 'pending'
            WHEN NOT EXISTS (SELECT 1 FROM message_actions a
                              WHERE a.run_id = r.id AND a.status NOT IN ('delivered', 'skipped')) THEN 'delivered'
            ELSE 'dead_letter' END,
       CASE WHEN r.delivery_recorded_at IS NULL THEN 0 ELSE 1 END,
       COALESCE((SELECT a.last_error FROM message_actions a WHERE a.run_id = r.id AND a.last_error <> ''
                  ORDER BY a.action_index LIMIT 1), ''),
       COALESCE(r.delivery_recorded_at, CURRENT_TIMESTAMP),
       r.finished_at,
       COALESCE(r.delivery_recorded_at, CURRENT_TIMESTAMP),
       r.delivery_recorded_at
  FROM ai_runs r
 WHERE r.outcome = 'sent';

SELECT setval('deliveries_commit_seq', COALESCE((SELECT max(commit_seq) FROM deliveries), 0) + 1, false);

-- A dead letter's actions that no report ever mentioned are dead letters too (an operator's retry resets them).
UPDATE message_actions a SET status = 'dead_letter'
  FROM deliveries d
 WHERE d.run_id = a.run_id AND d.status = 'dead_letter' AND a.status = 'pending';
-- [jooq ignore stop]

-- What the deliveries rows replace. Dropping a column drops the partial index over it (message_actions_due_idx,
-- ai_runs_undelivered_idx); messages_unanswered_age_idx served only the recovery read by age, which the sweeper no
-- longer makes (it pages conversations by id, from messages_unanswered_idx).
DROP INDEX message_actions_due_idx;
ALTER TABLE message_actions DROP COLUMN next_attempt_at;
DROP INDEX ai_runs_undelivered_idx;
ALTER TABLE ai_runs DROP COLUMN delivery_recorded_at;
DROP INDEX messages_unanswered_age_idx;
