-- Recovery (HistoryPort.unansweredRecordedBefore): the sweeper lists the messages no answer has consumed,
-- oldest record first, to put back those an emptied or expired state store lost. messages_unanswered_idx is
-- keyed by conversation, so it cannot give that order across conversations; this index reads the oldest
-- unanswered records first and stops at the limit. Partial like V1's, it holds only the work still to do and
-- stays small however long the history grows. (Plan in docs/postgres.md, UnansweredQueryPlanTest.)
CREATE INDEX messages_unanswered_age_idx ON messages (created_at) WHERE answered_by IS NULL;
