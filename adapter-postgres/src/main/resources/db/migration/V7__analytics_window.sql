-- Analytics (AnalyticsPort, PostgresAnalytics.report; plans in docs/postgres.md, AnalyticsQueryPlanTest): an owner's
-- report reads a window of hours. Messages count by when they were recorded, runs by when the AI finished them;
-- without these indexes each report would read both tables whole. Each includes what the report reads of its rows,
-- so the window is counted from the index alone (an index-only scan once vacuum has visited the pages).
CREATE INDEX messages_created_idx ON messages (created_at) INCLUDE (answered_by);
-- jOOQ simulates the scripts on H2 to generate its types, and H2 cannot index a TEXT column (model); no generated
-- type depends on an index, so the generator skips this statement.
-- [jooq ignore start]
CREATE INDEX ai_runs_finished_idx ON ai_runs (finished_at) INCLUDE (outcome, model, processing_time_ms);
-- [jooq ignore stop]
