-- Bulk data for bench/run, written with generate_series (seconds, not an HTTP client):
--   * user bench_seed (curator, no usable password: '!' is no PHC string, so it never logs in)
--   * bench-rev-100 and bench-rev-100k: threads with 100 and 100 000 synthesis revisions
--   * bench-save: a thread with one revision, which the save benchmark writes on top of
--   * bench-t-0001 .. bench-t-1000: 1 000 threads with one revision each
--   * 10 000 events, each linked to one of the 1 000 threads (ten per thread), and ten of
--     them to each bench-rev-* thread
-- Rows follow the schema's invariants: threads.head_seq = max(seq) of the thread's revisions,
-- revisions.parent_seq = seq - 1 (NULL for the first), body_len = bytes of body_md, body_sha256
-- = hex SHA-256 of body_md, body_html = the Markdown's paragraphs as <p> elements.
-- Idempotent: one transaction, skipped when the marker thread (bench-rev-100k) exists. Drop the
-- database (or run bench/run with BENCH_RESEED=1) to seed again after changing this file.
--
-- Revision bodies are 12 paragraphs (~2 KB); paragraph k names the last revision that edited
-- it (revision s edits paragraph ((s - 1) % 12) + 1), so consecutive revisions differ in one
-- paragraph and revision 1 and the head differ in all twelve, whatever the thread's length.
\set ON_ERROR_STOP on

SELECT EXISTS (SELECT 1 FROM threads WHERE slug = 'bench-rev-100k') AS already_seeded \gset
\if :already_seeded
\echo 'bench data already present (thread bench-rev-100k): skipping bench/seed.sql'
\else
BEGIN;

CREATE TEMP TABLE bench_body (n INTEGER PRIMARY KEY, seq INTEGER NOT NULL, body_md TEXT NOT NULL) ON COMMIT DROP;

INSERT INTO users (username, password_hash, role)
VALUES ('bench_seed', '!', 'curator')
ON CONFLICT DO NOTHING;

-- The threads: the two long histories, the save target and 1 000 ordinary ones.
INSERT INTO threads (slug, title, framing_question, status, stance, created_by, created_at, updated_at, head_seq)
SELECT t.slug, t.title, q.question, 'active', 'contested', u.id,
       now() - interval '400 days', now() - t.age, t.head
FROM (VALUES
        ('bench-rev-100',  'Bench: a synthesis with 100 revisions',     100,    interval '1 hour'),
        ('bench-rev-100k', 'Bench: a synthesis with 100 000 revisions', 100000, interval '2 hours'),
        ('bench-save',     'Bench: the thread the save benchmark edits', 1,     interval '3 hours')
     ) AS t(slug, title, head, age)
CROSS JOIN LATERAL (SELECT t.title || ': how well does the app cope?' AS question) q
CROSS JOIN (SELECT id FROM users WHERE username = 'bench_seed') u;

INSERT INTO threads (slug, title, framing_question, status, stance, created_by, created_at, updated_at, head_seq)
SELECT format('bench-t-%s', lpad(i::text, 4, '0')),
       format('Bench thread %s', i),
       format('Bench question %s: is this thread one of many?', i),
       (ARRAY['active', 'dormant', 'resolved'])[1 + i % 3],
       (ARRAY['contested', 'emerging_consensus', 'settled'])[1 + i % 3],
       u.id,
       now() - interval '400 days' + i * interval '1 hour',
       now() - interval '1 day' - i * interval '7 minutes',
       1
FROM generate_series(1, 1000) AS i
CROSS JOIN (SELECT id FROM users WHERE username = 'bench_seed') u;

INSERT INTO thread_curators (thread_id, user_id)
SELECT t.id, u.id
FROM threads t CROSS JOIN (SELECT id FROM users WHERE username = 'bench_seed') u
WHERE t.slug LIKE 'bench-%';

-- Bodies for seq 1 .. 100 000 (one per seq, shared by every thread that has that seq).
INSERT INTO bench_body (n, seq, body_md)
SELECT s, s, (
    SELECT string_agg(
        format('Paragraph %s of the synthesis, last edited in revision %s. %s',
               k, greatest(s - ((s - k + 12 * 100000) % 12), 0),
               rtrim(repeat('The evidence is weighed, sources are cited and the open questions are named. ', 2))),
        E'\n\n' ORDER BY k)
    FROM generate_series(1, 12) AS k
)
FROM generate_series(1, 100000) AS s;

INSERT INTO revisions (thread_id, seq, parent_seq, author_id, created_at, summary, body_md, body_html,
                       body_len, body_sha256, blame)
SELECT t.id, b.seq, NULLIF(b.seq - 1, 0), t.created_by,
       now() - t.head_seq * interval '1 minute' + b.seq * interval '1 minute',
       format('Bench edit %s', b.seq),
       b.body_md,
       '<p>' || replace(b.body_md, E'\n\n', E'</p>\n<p>') || '</p>',
       octet_length(b.body_md),
       encode(sha256(convert_to(b.body_md, 'UTF8')), 'hex'),
       -- The paragraph blame the app would have stored: the revision each paragraph names.
       ARRAY(SELECT greatest(b.seq - ((b.seq - k + 12 * 100000) % 12), 1) FROM generate_series(1, 12) AS k ORDER BY k)
FROM threads t
JOIN bench_body b ON b.seq <= t.head_seq
WHERE t.slug LIKE 'bench-%';

-- Every revision's changelog row (history, recent changes and contributions read these); all
-- but the newest 200 revisions of each thread count as patrolled, so the review queue has work.
INSERT INTO changes (thread_id, area, action, rev_seq, actor_id, created_at, reason, patrolled_at)
SELECT r.thread_id, 'synthesis', 'edit', r.seq, r.author_id, r.created_at, r.summary,
       CASE WHEN r.seq <= t.head_seq - 200 THEN r.created_at END
FROM revisions r JOIN threads t ON t.id = r.thread_id
WHERE t.slug LIKE 'bench-%'
ORDER BY r.created_at, r.id;

-- 10 000 events over ten years, ten per ordinary thread.
INSERT INTO events (occurred_on, title, significance, url, body_md, body_html, created_by)
SELECT date '2015-01-01' + (i * 7919) % 3650,
       format('Bench event %s', i),
       (ARRAY['landmark', 'major', 'notable'])[1 + i % 3],
       CASE WHEN i % 2 = 0 THEN format('https://example.org/events/%s', i) END,
       format('What happened in bench event %s, briefly.', i),
       format('<p>What happened in bench event %s, briefly.</p>', i),
       u.id
FROM generate_series(1, 10000) AS i
CROSS JOIN (SELECT id FROM users WHERE username = 'bench_seed') u;

INSERT INTO thread_events (thread_id, event_id)
SELECT t.id, e.id
FROM events e
JOIN threads t ON t.slug = format('bench-t-%s', lpad((1 + (substring(e.title FROM 13)::int - 1) % 1000)::text, 4, '0'))
WHERE e.title LIKE 'Bench event %';

INSERT INTO thread_events (thread_id, event_id)
SELECT t.id, e.id
FROM threads t
JOIN events e ON e.title IN (SELECT format('Bench event %s', i) FROM generate_series(1, 10) AS i)
WHERE t.slug IN ('bench-rev-100', 'bench-rev-100k', 'bench-save');

COMMIT;
\echo 'bench data seeded'
\endif
