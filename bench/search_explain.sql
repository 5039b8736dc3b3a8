-- Plans of the search query (src/db/search.rs: SEARCH_SQL, the same statement with the same
-- parameters: $1 text, $2 threads?, $3 events?, $4 status, $5 stance, $6-$8 the cursor's rank,
-- kind and id, $9 the page size + 1) on the bench/search data, for the queries bench/search
-- measures over HTTP. The GIN indexes threads_search_idx and events_search_idx must appear as
-- Bitmap Index Scans. The app sends it as an unnamed statement, planned with the values.
\set ON_ERROR_STOP on
\pset pager off
SET plan_cache_mode = force_custom_plan;

PREPARE search(text, bool, bool, text, text, real, int, bigint, bigint) AS
WITH hits AS MATERIALIZED (
    SELECT 0 AS kind, t.id, ts_rank('{0.05, 0.2, 0.4, 1.0}', t.search, websearch_to_tsquery('english', $1)) AS rank
    FROM threads t
    WHERE $2 AND t.search @@ websearch_to_tsquery('english', $1)
      AND ($4::text IS NULL OR t.status = $4::text)
      AND ($5::text IS NULL OR t.stance = $5::text)
    UNION ALL
    SELECT 1 AS kind, e.id, ts_rank('{0.05, 0.2, 0.4, 1.0}', e.search, websearch_to_tsquery('english', $1)) AS rank
    FROM events e
    WHERE $3 AND e.search @@ websearch_to_tsquery('english', $1)
), page AS (
    SELECT kind, id, rank FROM hits
    WHERE $6::real IS NULL OR (-rank, kind, id) > (-$6::real, $7::int, $8::bigint)
    ORDER BY rank DESC, kind, id
    LIMIT $9
)
SELECT p.kind, p.id, p.rank, coalesce(t.slug, '') AS slug, coalesce(t.title, e.title, '') AS title,
       t.status, t.stance, e.occurred_on, e.significance,
       ts_headline('english',
           translate(left(CASE WHEN p.kind = 0 THEN concat_ws(E'\n', t.framing_question,
               coalesce((SELECT r.body_md FROM revisions r WHERE r.thread_id = t.id AND r.seq = t.head_seq), ''),
               concat_ws(E'\n',
                   (SELECT string_agg(concat_ws(' ', i.title, i.body_md,
                       (SELECT string_agg(p.name, ', ' ORDER BY p.position) FROM proponents p WHERE p.interpretation_id = i.id)),
                       E'\n' ORDER BY i.position, i.id) FROM interpretations i WHERE i.thread_id = t.id),
                   (SELECT string_agg(concat_ws(' ', q.question, q.answer), E'\n' ORDER BY q.position, q.id)
                       FROM open_questions q WHERE q.thread_id = t.id),
                   (SELECT string_agg(concat_ws(' ', c.title, c.body_md), E'\n' ORDER BY c.position, c.id)
                       FROM controversies c WHERE c.thread_id = t.id),
                   (SELECT string_agg(concat_ws(' ', a.label, a.title, a.body_md), E'\n' ORDER BY a.position, a.id)
                       FROM arc_periods a WHERE a.thread_id = t.id)))
             ELSE e.body_md END, 20000), chr(2) || chr(3), ''),
           websearch_to_tsquery('english', $1),
           'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxFragments=2, MaxWords=20, MinWords=10, FragmentDelimiter=" … "') AS snippet
FROM page p
LEFT JOIN threads t ON p.kind = 0 AND t.id = p.id
LEFT JOIN events e ON p.kind = 1 AND e.id = p.id
ORDER BY p.rank DESC, p.kind, p.id;

\echo '--- common word: model'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE search('model', true, true, NULL, NULL, NULL, NULL, NULL, 21);
\echo '--- rare word: zeitgeber'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE search('zeitgeber', true, true, NULL, NULL, NULL, NULL, NULL, 21);
\echo '--- phrase: "open weights"'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE search('"open weights"', true, true, NULL, NULL, NULL, NULL, NULL, 21);
\echo '--- OR: glacier or telescope'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE search('glacier or telescope', true, true, NULL, NULL, NULL, NULL, NULL, 21);
\echo '--- threads with status dormant: policy'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE search('policy', true, false, 'dormant', NULL, NULL, NULL, NULL, 21);
\echo '--- events only: election'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE search('election', false, true, NULL, NULL, NULL, NULL, NULL, 21);
\echo '--- second page of model (after the first page''s cursor)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE search('model', true, true, NULL, NULL, :after_rank, :after_kind, :after_id, 21);
