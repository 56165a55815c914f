-- The durable history of the orchestrator (docs/postgres.md). jOOQ also generates its Java types from these
-- scripts at build time (DDLDatabase), so each statement must parse with jOOQ's parser too; one that cannot
-- goes between "[jooq ignore start]" and "[jooq ignore stop]" comments. Never edit an applied migration: add V2.

-- One row per conversation, created with its first message. max_fencing_token is the fence: a holder's
-- write is admitted only while its token is at least this value, and raises it in the same transaction.
CREATE TABLE conversations (
    id                     VARCHAR(256) COLLATE "C" NOT NULL,
    last_message_id        VARCHAR(256) COLLATE "C" NOT NULL,
    last_message_timestamp TIMESTAMP WITH TIME ZONE NOT NULL,
    total_messages         BIGINT NOT NULL DEFAULT 0,
    max_fencing_token      BIGINT NOT NULL DEFAULT 0,
    created_at             TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at             TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT conversations_pkey PRIMARY KEY (id),
    CONSTRAINT conversations_total_messages_check CHECK (total_messages >= 0),
    CONSTRAINT conversations_max_fencing_token_check CHECK (max_fencing_token >= 0)
);

-- Admin listing and analytics: the most recently active conversations first.
CREATE INDEX conversations_last_message_idx ON conversations (last_message_timestamp DESC, id);

-- One row per AI call for a burst: the answer that was sent, or the one discarded as stale (kept so its cost
-- is visible, never part of the context afterwards).
CREATE TABLE ai_runs (
    id                   UUID NOT NULL,
    conversation_id      VARCHAR(256) COLLATE "C" NOT NULL,
    message_ids          VARCHAR(256) ARRAY NOT NULL,
    response_text        TEXT NOT NULL,
    intent               TEXT NOT NULL,
    confidence           DOUBLE PRECISION NOT NULL,
    entities             JSONB NOT NULL,
    model                TEXT NOT NULL,
    processing_time_ms   BIGINT NOT NULL,
    fencing_token        BIGINT NOT NULL,
    outcome              VARCHAR(16) NOT NULL,
    finished_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    delivery_recorded_at TIMESTAMP WITH TIME ZONE,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT ai_runs_pkey PRIMARY KEY (id),
    CONSTRAINT ai_runs_conversation_fkey FOREIGN KEY (conversation_id) REFERENCES conversations (id),
    CONSTRAINT ai_runs_outcome_check CHECK (outcome IN ('sent', 'discarded')),
    CONSTRAINT ai_runs_confidence_check CHECK (confidence >= 0 AND confidence <= 1)
);

-- The conversation's sent answers in order, for the AI context.
CREATE INDEX ai_runs_conversation_idx ON ai_runs (conversation_id, finished_at);

-- Every accepted message, once per (conversation, message id): the unique constraint is the dedup that
-- survives restarts. answered_by is the sent run that consumed the message; NULL while it waits.
CREATE TABLE messages (
    id              UUID NOT NULL,
    conversation_id VARCHAR(256) COLLATE "C" NOT NULL,
    message_id      VARCHAR(256) COLLATE "C" NOT NULL,
    content         TEXT NOT NULL,
    sender_id       VARCHAR(256) NOT NULL,
    sender_type     VARCHAR(16) NOT NULL,
    sent_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    metadata        JSONB NOT NULL,
    answered_by     UUID,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT messages_pkey PRIMARY KEY (id),
    CONSTRAINT messages_conversation_message_key UNIQUE (conversation_id, message_id),
    CONSTRAINT messages_conversation_fkey FOREIGN KEY (conversation_id) REFERENCES conversations (id),
    CONSTRAINT messages_answered_by_fkey FOREIGN KEY (answered_by) REFERENCES ai_runs (id),
    CONSTRAINT messages_sender_type_check CHECK (sender_type IN ('user', 'agent', 'bot', 'system'))
);

-- The outbox: one row per action of a sent answer, written in the answer's transaction (so only a fenced
-- holder ever queues one), then updated with each delivery's status. retry_count = attempts - 1.
CREATE TABLE message_actions (
    id              UUID NOT NULL,
    run_id          UUID NOT NULL,
    conversation_id VARCHAR(256) COLLATE "C" NOT NULL,
    action_index    INTEGER NOT NULL,
    action_type     VARCHAR(32) NOT NULL,
    payload         JSONB NOT NULL,
    status          VARCHAR(16) NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    retry_count     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    next_attempt_at TIMESTAMP WITH TIME ZONE,
    idempotency_key VARCHAR(64) NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT message_actions_pkey PRIMARY KEY (id),
    CONSTRAINT message_actions_run_index_key UNIQUE (run_id, action_index),
    CONSTRAINT message_actions_run_fkey FOREIGN KEY (run_id) REFERENCES ai_runs (id),
    CONSTRAINT message_actions_status_check
        CHECK (status IN ('pending', 'delivered', 'failed', 'dead_letter', 'skipped')),
    CONSTRAINT message_actions_attempts_check CHECK (attempts >= 0 AND retry_count >= 0)
);

-- Stuck work, kept small by being partial: messages no answer has consumed yet, per conversation ...
CREATE INDEX messages_unanswered_idx ON messages (conversation_id, sent_at) WHERE answered_by IS NULL;
-- ... and actions not delivered yet, by when they are due.
CREATE INDEX message_actions_due_idx ON message_actions (next_attempt_at)
    WHERE status IN ('pending', 'failed');
-- Analytics: actions per type over a time window, answered from the index alone.
CREATE INDEX message_actions_created_type_idx ON message_actions (created_at, action_type) INCLUDE (retry_count);

-- The bot configuration operators edit: exactly one row, seeded with BotProfile.DEFAULT.
CREATE TABLE bot_configuration (
    id                SMALLINT NOT NULL DEFAULT 1,
    bot_name          TEXT NOT NULL,
    system_prompt     TEXT NOT NULL,
    ai_settings       JSONB NOT NULL,
    platform_settings JSONB NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT bot_configuration_pkey PRIMARY KEY (id),
    CONSTRAINT bot_configuration_single_row_check CHECK (id = 1)
);

INSERT INTO bot_configuration (id, bot_name, system_prompt, ai_settings, platform_settings)
VALUES (1, 'Default Bot',
        'You are the customer service assistant of this business. Answer briefly and politely, in the'
            || ' customer''s language. Reply with JSON that matches the schema.',
        '{}'::jsonb, '{}'::jsonb);
