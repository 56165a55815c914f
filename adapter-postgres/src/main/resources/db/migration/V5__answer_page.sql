-- The page an answer goes out as (docs/pancake.md, "Several pages"): one Pancake account serves several pages (a
-- Facebook page, an Instagram account, a Zalo OA), and an answer must be sent as the page its burst came to, on every
-- attempt from any instance. NULL: the deployment's default page (PANCAKE_PAGE_ID), as answers stored before this.
ALTER TABLE ai_runs ADD COLUMN page_id VARCHAR(256) COLLATE "C";
