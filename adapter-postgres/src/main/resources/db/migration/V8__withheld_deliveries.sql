-- Answers withheld while people have the conversation (DeliveryState.WITHHELD; docs/reliability.md, "Hand-offs and the
-- outbox"). The claim moves a bot answer heading its conversation to 'withheld' instead of claiming it when the
-- conversation row has a hand-off (handoff_since set) and the answer has no transfer_to_agent action; an operator
-- resumes the conversation and retries it. Operators list and count withheld answers as they do dead letters and
-- rejections, so the partial index that serves that listing takes them too.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
    CHECK (status IN ('pending', 'delivered', 'rejected', 'dead_letter', 'withheld'));
DROP INDEX deliveries_undeliverable_idx;
CREATE INDEX deliveries_undeliverable_idx ON deliveries (status, updated_at DESC, run_id)
    WHERE status IN ('dead_letter', 'rejected', 'withheld');

-- The hand-off a burst handled by people was recorded under (its handoff_since; NULL on every other run, and on the
-- handed_off runs stored before this). When an AI transfer's answer ends rejected or dead-lettered, no person was
-- told: its hand-off is lifted and exactly the bursts recorded under it become unanswered again (their handed_off
-- runs deleted), whatever the clocks of the instances that recorded them said.
ALTER TABLE ai_runs ADD COLUMN handoff_since TIMESTAMP WITH TIME ZONE;
