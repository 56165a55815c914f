-- Hand-off to people (HistoryPort.handOff; docs/postgres.md, "Hand-off"). While handoff_since is set, the bot
-- records the conversation's messages without answering them, until an operator resumes it or handoff_activity_at
-- (the hand-off's start, then each message received during it) is older than the idle timeout. It lives on the
-- conversation row, which the fence locks: an answer that hands off, and a burst stored as the people's, set it in
-- their own fenced transaction. Nullable columns without a default: instant at any size.
ALTER TABLE conversations ADD COLUMN handoff_since TIMESTAMP WITH TIME ZONE;
ALTER TABLE conversations ADD COLUMN handoff_by VARCHAR(16);
ALTER TABLE conversations ADD COLUMN handoff_reason TEXT;
ALTER TABLE conversations ADD COLUMN handoff_activity_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE conversations ADD CONSTRAINT conversations_handoff_by_check CHECK (handoff_by IN ('ai', 'admin'));

-- A burst received while people have the conversation is consumed by a run of its own, outcome 'handed_off': its
-- messages count as answered for dedup and recovery, but it has no answer, no actions and no deliveries row, so it
-- is no turn of the AI's context and nothing is sent.
ALTER TABLE ai_runs DROP CONSTRAINT ai_runs_outcome_check;
ALTER TABLE ai_runs ADD CONSTRAINT ai_runs_outcome_check CHECK (outcome IN ('sent', 'discarded', 'handed_off'));
