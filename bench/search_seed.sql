-- Data for bench/search, written with generate_series and a word list (seconds, no HTTP):
--   * user bench_search (curator, no usable password: '!' is no PHC string)
--   * 1 000 threads (bench-s-0001 ..), each with a synthesis of four paragraphs (~300 words),
--     two interpretations with proponents and two open questions
--   * 10 000 events with a generated title and a one- or two-sentence description
-- Words are drawn with a skewed distribution (floor(n * random()^3)), so the first words of the
-- list are common (in most documents) and the last ones rare (in a few), like real text. The
-- seed is fixed, so every run builds the same data. Thread documents are NOT built here: the
-- app's start-up backfill (`agora migrate`) builds them, as it does for existing databases.
-- Idempotent: skipped when bench-s-0001 exists.
\set ON_ERROR_STOP on

SELECT EXISTS (SELECT 1 FROM threads WHERE slug = 'bench-s-0001') AS already_seeded \gset
\if :already_seeded
\echo 'search bench data already present (thread bench-s-0001): skipping bench/search_seed.sql'
\else
BEGIN;
SELECT setseed(0.42);

CREATE TEMP TABLE bench_words ON COMMIT DROP AS
SELECT ARRAY[
  'model', 'weights', 'open', 'release', 'safety', 'research', 'policy', 'data', 'training', 'compute',
  'license', 'risk', 'benchmark', 'company', 'government', 'regulation', 'access', 'community', 'cost', 'market',
  'evaluation', 'capability', 'deployment', 'source', 'closed', 'frontier', 'developer', 'academic', 'startup', 'cloud',
  'privacy', 'security', 'export', 'control', 'chip', 'energy', 'climate', 'emission', 'carbon', 'grid',
  'vaccine', 'trial', 'hospital', 'patient', 'dose', 'virus', 'variant', 'mandate', 'school', 'teacher',
  'budget', 'deficit', 'inflation', 'interest', 'bank', 'currency', 'tariff', 'trade', 'supply', 'shortage',
  'election', 'ballot', 'court', 'ruling', 'appeal', 'senate', 'treaty', 'border', 'migration', 'asylum',
  'housing', 'rent', 'zoning', 'transit', 'railway', 'airport', 'harbour', 'bridge', 'tunnel', 'highway',
  'ocean', 'glacier', 'drought', 'flood', 'wildfire', 'forest', 'river', 'wetland', 'species', 'pollinator',
  'telescope', 'orbit', 'satellite', 'launch', 'rocket', 'asteroid', 'comet', 'nebula', 'quasar', 'pulsar',
  'archive', 'manuscript', 'dialect', 'folklore', 'cathedral', 'monastery', 'vineyard', 'orchard', 'lighthouse', 'glassblower',
  'zeppelin', 'quokka', 'axolotl', 'narwhal', 'marzipan', 'harpsichord', 'kaleidoscope', 'obsidian', 'saffron', 'xylophone'
] AS w;

CREATE FUNCTION pg_temp.bench_text(words INTEGER) RETURNS TEXT LANGUAGE sql VOLATILE AS $$
    SELECT string_agg(b.w[1 + floor(array_length(b.w, 1) * random() ^ 3)::int], ' ')
    FROM bench_words b, generate_series(1, words)
$$;

CREATE FUNCTION pg_temp.bench_sentences(sentences INTEGER) RETURNS TEXT LANGUAGE sql VOLATILE AS $$
    SELECT string_agg(initcap(pg_temp.bench_text(8 + floor(random() * 10)::int)) || '.', ' ')
    FROM generate_series(1, sentences)
$$;

-- One rare word, in a handful of documents: 'zeitgeber' ends the title of every 250th thread and
-- the description of every 997th event (14 documents).
INSERT INTO users (username, password_hash, role)
VALUES ('bench_search', '!', 'curator')
ON CONFLICT DO NOTHING;

INSERT INTO threads (slug, title, framing_question, status, stance, created_by, created_at, updated_at, head_seq)
SELECT format('bench-s-%s', lpad(i::text, 4, '0')),
       initcap(pg_temp.bench_text(3 + i % 4)) || CASE WHEN i % 250 = 0 THEN ' zeitgeber' ELSE '' END,
       initcap(pg_temp.bench_text(8 + i % 6)) || '?',
       (ARRAY['active', 'dormant', 'resolved'])[1 + i % 3],
       (ARRAY['contested', 'emerging_consensus', 'settled'])[1 + (i / 3) % 3],
       u.id,
       now() - interval '400 days' + i * interval '1 hour',
       now() - interval '1 day' - i * interval '7 minutes',
       1
FROM generate_series(1, 1000) AS i
CROSS JOIN (SELECT id FROM users WHERE username = 'bench_search') u;

INSERT INTO thread_curators (thread_id, user_id)
SELECT t.id, t.created_by FROM threads t WHERE t.slug LIKE 'bench-s-%';

-- One revision each: four paragraphs of five sentences.
INSERT INTO revisions (thread_id, seq, parent_seq, author_id, summary, body_md, body_html, body_len, body_sha256,
                       action, minor)
SELECT t.id, 1, NULL, t.created_by, 'First synthesis', b.body_md,
       '<p>' || replace(b.body_md, E'\n\n', E'</p>\n<p>') || '</p>',
       octet_length(b.body_md), encode(sha256(convert_to(b.body_md, 'UTF8')), 'hex'), 'edit', false
FROM threads t
CROSS JOIN LATERAL (
    SELECT string_agg(pg_temp.bench_sentences(5), E'\n\n') AS body_md
    FROM generate_series(1, 4) AS p
    WHERE t.id IS NOT NULL -- correlated, so each thread gets its own text
) b
WHERE t.slug LIKE 'bench-s-%';

INSERT INTO interpretations (thread_id, position, title, body_md, body_html)
SELECT t.id, k, initcap(pg_temp.bench_text(3)) || ' reading', b.body, '<p>' || b.body || '</p>'
FROM threads t
CROSS JOIN generate_series(1, 2) AS k
CROSS JOIN LATERAL (SELECT pg_temp.bench_sentences(3) AS body WHERE t.id IS NOT NULL AND k > 0) b
WHERE t.slug LIKE 'bench-s-%';

INSERT INTO proponents (interpretation_id, position, name)
SELECT i.id, k, initcap(pg_temp.bench_text(2))
FROM interpretations i
JOIN threads t ON t.id = i.thread_id AND t.slug LIKE 'bench-s-%'
CROSS JOIN generate_series(1, 2) AS k;

INSERT INTO open_questions (thread_id, position, question)
SELECT t.id, k, initcap(pg_temp.bench_text(10)) || '?'
FROM threads t
CROSS JOIN generate_series(1, 2) AS k
WHERE t.slug LIKE 'bench-s-%';

INSERT INTO events (occurred_on, title, significance, url, body_md, body_html, created_by)
SELECT date '2015-01-01' + (i * 7919) % 3650,
       initcap(pg_temp.bench_text(4 + i % 5)),
       (ARRAY['landmark', 'major', 'notable'])[1 + i % 3],
       NULL,
       b.body, '<p>' || b.body || '</p>',
       u.id
FROM generate_series(1, 10000) AS i
CROSS JOIN (SELECT id FROM users WHERE username = 'bench_search') u
CROSS JOIN LATERAL (
    SELECT pg_temp.bench_sentences(1 + i % 2) || CASE WHEN i % 997 = 0 THEN ' A zeitgeber.' ELSE '' END AS body
    WHERE i > 0
) b;

COMMIT;
\echo 'search bench data seeded'
\endif
