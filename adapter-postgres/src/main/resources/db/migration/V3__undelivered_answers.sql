-- Outbox recovery (HistoryPort.claimUndelivered): the sent answers whose delivery was never recorded (their
-- holder died between storing and delivering), oldest first. Without it the recovery reads every run ever sent
-- (ai_runs has no index leading with finished_at); this one holds only the answers still waiting for a delivery
-- report (those being delivered right now, and the lost ones), so it stays small however long the history grows.
-- recordDelivery takes a run out of it. (Plan in docs/postgres.md, OutboxRecoveryPlanTest.)
CREATE INDEX ai_runs_undelivered_idx ON ai_runs (finished_at) WHERE outcome = 'sent' AND delivery_recorded_at IS NULL;
