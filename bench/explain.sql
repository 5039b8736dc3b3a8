-- Plans of the history, recent-changes, review-queue, contributions and diff queries on the
-- 100 000-revision thread, shaped like the ones diesel sends (src/db/changes.rs: list;
-- src/db/revisions.rs: by_seq). Printed by bench/run (BENCH_EXPLAIN=1). The app runs them as
-- prepared statements, so generic plans are shown too.
\set ON_ERROR_STOP on
\pset pager off
SELECT id AS big FROM threads WHERE slug = 'bench-rev-100k' \gset
SELECT id AS author FROM users WHERE username = 'bench_seed' \gset
SELECT min(id) + 50 AS deep FROM changes WHERE thread_id = :big \gset
SELECT id AS small FROM threads WHERE slug = 'bench-rev-100' \gset
SELECT array_agg(s)::text AS page FROM generate_series(99950, 100000) AS s \gset

-- One select list for every changelog list (ChangeRow + names + revision size).
PREPARE thread_history(bigint, bigint[], bigint, bigint) AS
SELECT c.*, u.username, t.slug, t.title, r.parent_seq, r.body_len
FROM changes c
JOIN users u ON u.id = c.actor_id
LEFT JOIN threads t ON t.id = c.thread_id
LEFT JOIN revisions r ON r.thread_id = c.thread_id AND r.seq = c.rev_seq
WHERE c.thread_id = $1 AND c.id < $3
ORDER BY c.id DESC LIMIT $4;

-- The second query of a thread's page: edits of its events made outside any thread.
PREPARE thread_event_edits(bigint[], bigint, bigint) AS
SELECT c.*, u.username, t.slug, t.title, r.parent_seq, r.body_len
FROM changes c
JOIN users u ON u.id = c.actor_id
LEFT JOIN threads t ON t.id = c.thread_id
LEFT JOIN revisions r ON r.thread_id = c.thread_id AND r.seq = c.rev_seq
WHERE c.thread_id IS NULL AND c.event_id = ANY($1) AND c.id < $2
ORDER BY c.id DESC LIMIT $3;

PREPARE thread_history_kind(bigint, text, bigint, bigint) AS
SELECT c.*, u.username, t.slug, t.title, r.parent_seq, r.body_len
FROM changes c
JOIN users u ON u.id = c.actor_id
LEFT JOIN threads t ON t.id = c.thread_id
LEFT JOIN revisions r ON r.thread_id = c.thread_id AND r.seq = c.rev_seq
WHERE c.thread_id = $1 AND c.area = $2 AND c.id < $3
ORDER BY c.id DESC LIMIT $4;

PREPARE recent(bigint, bigint) AS
SELECT c.*, u.username, t.slug, t.title, r.parent_seq, r.body_len
FROM changes c
JOIN users u ON u.id = c.actor_id
LEFT JOIN threads t ON t.id = c.thread_id
LEFT JOIN revisions r ON r.thread_id = c.thread_id AND r.seq = c.rev_seq
WHERE c.id < $1 ORDER BY c.id DESC LIMIT $2;

PREPARE queue(bigint, bigint) AS
SELECT c.*, u.username, t.slug, t.title, r.parent_seq, r.body_len
FROM changes c
JOIN users u ON u.id = c.actor_id
LEFT JOIN threads t ON t.id = c.thread_id
LEFT JOIN revisions r ON r.thread_id = c.thread_id AND r.seq = c.rev_seq
WHERE c.patrolled_at IS NULL AND c.id > $1 ORDER BY c.id ASC LIMIT $2;

PREPARE contributions(bigint, bigint, bigint) AS
SELECT c.*, u.username, t.slug, t.title, r.parent_seq, r.body_len
FROM changes c
JOIN users u ON u.id = c.actor_id
LEFT JOIN threads t ON t.id = c.thread_id
LEFT JOIN revisions r ON r.thread_id = c.thread_id AND r.seq = c.rev_seq
WHERE c.actor_id = $1 AND c.id < $2 ORDER BY c.id DESC LIMIT $3;

PREPARE by_seq(bigint, int) AS
SELECT r.id, r.thread_id, r.seq, r.parent_seq, r.author_id, r.created_at, r.summary, r.body_len,
       r.reverted_to_seq, r.minor, r.action, r.other_seq, u.username, r.body_md, r.body_html
FROM revisions r INNER JOIN users u ON u.id = r.author_id
WHERE r.thread_id = $1 AND r.seq = $2 LIMIT 1;

PREPARE hidden(bigint, int[]) AS
SELECT c.rev_seq FROM changes c
WHERE c.thread_id = $1 AND c.rev_seq = ANY($2) AND c.hidden_at IS NOT NULL;

\echo '--- thread history, first page (custom plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE thread_history(:big, '{1,2,3}', 9223372036854775807, 51);
\echo '--- thread history, deepest page (custom plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE thread_history(:big, '{1,2,3}', :deep, 51);
\echo '--- thread history of the 100-revision thread among 101 000 changes (custom plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE thread_history(:small, '{1,2,3}', 9223372036854775807, 51);
\echo '--- thread history, edits of its events (custom plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE thread_event_edits('{1,2,3}', 9223372036854775807, 51);
\echo '--- thread history filtered by kind=synthesis (custom plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE thread_history_kind(:big, 'synthesis', 9223372036854775807, 51);
\echo '--- recent changes, first page (custom plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE recent(9223372036854775807, 51);
\echo '--- review queue, oldest unpatrolled first (custom plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE queue(0, 51);
\echo '--- contributions of bench_seed (custom plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE contributions(:author, 9223372036854775807, 51);
\echo '--- diff: by_seq for revision 1 (custom plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE by_seq(:big, 1);
\echo '--- hidden marks of a page of revisions (custom plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE hidden(:big, :'page');

SET plan_cache_mode = force_generic_plan;
\echo '--- thread history, first page (generic plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE thread_history(:big, '{1,2,3}', 9223372036854775807, 51);
\echo '--- thread history, deepest page (generic plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE thread_history(:big, '{1,2,3}', :deep, 51);
\echo '--- recent changes, first page (generic plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE recent(9223372036854775807, 51);
\echo '--- review queue (generic plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE queue(0, 51);
\echo '--- contributions of bench_seed (generic plan)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) EXECUTE contributions(:author, 9223372036854775807, 51);
