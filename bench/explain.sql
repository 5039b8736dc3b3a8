-- Plans of the history and diff queries on the 100 000-revision thread, shaped like the ones
-- diesel sends (src/db/revisions.rs: history and by_seq). Printed by bench/run (BENCH_EXPLAIN=1).
-- The app runs them as prepared statements, so the generic plan is shown as well.
\set ON_ERROR_STOP on
\pset pager off
SELECT id AS big FROM threads WHERE slug = 'bench-rev-100k' \gset

PREPARE history_first(bigint, bigint) AS
SELECT r.id, r.thread_id, r.seq, r.parent_seq, r.author_id, r.created_at, r.summary, r.body_len,
       r.reverted_to_seq, r.minor, u.username
FROM revisions r INNER JOIN users u ON u.id = r.author_id
WHERE r.thread_id = $1 ORDER BY r.seq DESC LIMIT $2;

PREPARE history_before(bigint, int, bigint) AS
SELECT r.id, r.thread_id, r.seq, r.parent_seq, r.author_id, r.created_at, r.summary, r.body_len,
       r.reverted_to_seq, r.minor, u.username
FROM revisions r INNER JOIN users u ON u.id = r.author_id
WHERE r.thread_id = $1 AND r.seq < $2 ORDER BY r.seq DESC LIMIT $3;

PREPARE by_seq(bigint, int) AS
SELECT r.id, r.thread_id, r.seq, r.parent_seq, r.author_id, r.created_at, r.summary, r.body_len,
       r.reverted_to_seq, r.minor, u.username, r.body_md, r.body_html
FROM revisions r INNER JOIN users u ON u.id = r.author_id
WHERE r.thread_id = $1 AND r.seq = $2 LIMIT 1;

\echo '--- history, first page (custom plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE history_first(:big, 51);
\echo '--- history, deepest page ?before=51 (custom plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE history_before(:big, 51, 51);
\echo '--- diff: by_seq for revision 1 (custom plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE by_seq(:big, 1);

SET plan_cache_mode = force_generic_plan;
\echo '--- history, first page (generic plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE history_first(:big, 51);
\echo '--- history, deepest page ?before=51 (generic plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE history_before(:big, 51, 51);
\echo '--- diff: by_seq for revision 1 (generic plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE by_seq(:big, 1);
