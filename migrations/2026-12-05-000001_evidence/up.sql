-- Evidence: sources shared across threads, citations parsed from the texts at save time, link
-- health kept by the background checker, and the interpretation × event matrix.

CREATE TABLE sources (
    id                   BIGSERIAL PRIMARY KEY,
    title                TEXT NOT NULL,
    -- Normalized (`domain::source_url::normalize`); NULL for offline material, never checked.
    url                  TEXT,
    publisher            TEXT NOT NULL DEFAULT '',
    published_on         DATE,
    kind                 TEXT NOT NULL CHECK (kind IN
                         ('article', 'paper', 'dataset', 'model_card', 'law', 'statement', 'essay', 'post', 'other')),
    tier                 TEXT NOT NULL CHECK (tier IN ('primary', 'secondary', 'opinion')),
    created_by           BIGINT NOT NULL REFERENCES users (id),
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Optimistic locking of edits.
    version              INTEGER NOT NULL DEFAULT 1,
    -- Link health, written by the checker: 'offline' sources have no URL.
    link_status          TEXT NOT NULL DEFAULT 'unchecked' CHECK (link_status IN
                         ('unchecked', 'ok', 'redirected', 'failing', 'dead', 'offline')),
    last_checked_at      TIMESTAMPTZ,
    last_status_code     INTEGER,
    -- Where the last check's redirects ended, when not at `url`.
    final_url            TEXT,
    check_error          TEXT NOT NULL DEFAULT '',
    -- The first failure of the current run of failures; dead after enough of them over days.
    failing_since        TIMESTAMPTZ,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    next_check_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Set by the instance checking it, so another one skips it until then.
    lease_until          TIMESTAMPTZ,
    search               tsvector GENERATED ALWAYS AS (
                         setweight(to_tsvector('english', title), 'A') ||
                         setweight(to_tsvector('english', publisher), 'B') ||
                         setweight(to_tsvector('simple', coalesce(url, '')), 'C')) STORED,
    CHECK ((url IS NULL) = (link_status = 'offline'))
);
CREATE UNIQUE INDEX sources_url_key ON sources (url) WHERE url IS NOT NULL;
CREATE INDEX sources_tier_idx ON sources (tier, id DESC);
CREATE INDEX sources_kind_idx ON sources (kind, id DESC);
CREATE INDEX sources_link_status_idx ON sources (link_status, id DESC);
CREATE INDEX sources_due_idx ON sources (next_check_at) WHERE url IS NOT NULL;
CREATE INDEX sources_search_idx ON sources USING GIN (search);

-- Every check the link checker made (bounded history: the checker prunes old rows).
CREATE TABLE link_checks (
    id           BIGSERIAL PRIMARY KEY,
    source_id    BIGINT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    checked_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    url          TEXT NOT NULL,
    status_code  INTEGER,
    final_url    TEXT,
    ok           BOOLEAN NOT NULL,
    error        TEXT NOT NULL DEFAULT '',
    elapsed_ms   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX link_checks_source_idx ON link_checks (source_id, id DESC);

-- The interpretation × event matrix: one row per assessed cell (a missing row is "not assessed").
CREATE TABLE matrix_cells (
    id                BIGSERIAL PRIMARY KEY,
    thread_id         BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    interpretation_id BIGINT NOT NULL REFERENCES interpretations (id) ON DELETE CASCADE,
    event_id          BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    assessment        TEXT NOT NULL CHECK (assessment IN ('supports', 'undercuts', 'neutral', 'not_assessed')),
    note_md           TEXT NOT NULL DEFAULT '',
    note_html         TEXT NOT NULL DEFAULT '',
    version           INTEGER NOT NULL DEFAULT 1,
    updated_by        BIGINT NOT NULL REFERENCES users (id),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (interpretation_id, event_id)
);
CREATE INDEX matrix_cells_thread_idx ON matrix_cells (thread_id);
CREATE INDEX matrix_cells_event_idx ON matrix_cells (event_id);

-- Citations, parsed from a text when it is saved: which text (a synthesis revision, a section
-- item, an event's description or a matrix cell's note) cites which source or event, in which
-- paragraph, under which footnote number. Revisions' rows are as immutable as the revisions;
-- an item's rows are replaced with its text.
CREATE TABLE citations (
    id          BIGSERIAL PRIMARY KEY,
    -- NULL for an event's description (events are shared by threads).
    thread_id   BIGINT REFERENCES threads (id) ON DELETE CASCADE,
    owner_kind  TEXT NOT NULL CHECK (owner_kind IN
                ('revision', 'arc', 'interpretation', 'question', 'controversy', 'event', 'matrix_cell')),
    owner_id    BIGINT NOT NULL,
    -- The paragraph (as `domain::blame::paragraphs` counts them) the marker sits in.
    paragraph   INTEGER NOT NULL,
    -- The footnote number within the text (first citation of a target is 1, the next new one 2).
    number      INTEGER NOT NULL,
    source_id   BIGINT REFERENCES sources (id),
    event_id    BIGINT REFERENCES events (id) ON DELETE CASCADE,
    CHECK ((source_id IS NULL) <> (event_id IS NULL))
);
CREATE INDEX citations_owner_idx ON citations (owner_kind, owner_id, number);
CREATE INDEX citations_source_idx ON citations (source_id) WHERE source_id IS NOT NULL;
CREATE INDEX citations_event_idx ON citations (event_id) WHERE event_id IS NOT NULL;
CREATE INDEX citations_thread_idx ON citations (thread_id) WHERE thread_id IS NOT NULL;

-- Open questions can cite: their text is rendered (inline Markdown) like the other items'.
ALTER TABLE open_questions ADD COLUMN question_html TEXT NOT NULL DEFAULT '';

-- The changelog covers sources and matrix cells.
ALTER TABLE changes ADD COLUMN source_id BIGINT REFERENCES sources (id);
CREATE INDEX changes_source_idx ON changes (source_id, id DESC) WHERE source_id IS NOT NULL;
ALTER TABLE changes DROP CONSTRAINT changes_area_check;
ALTER TABLE changes ADD CONSTRAINT changes_area_check CHECK (area IN
    ('synthesis', 'details', 'curators', 'arc', 'interpretation', 'question', 'controversy', 'event',
     'source', 'matrix'));
ALTER TABLE changes DROP CONSTRAINT changes_check;
ALTER TABLE changes ADD CONSTRAINT changes_check
    CHECK (thread_id IS NOT NULL OR event_id IS NOT NULL OR source_id IS NOT NULL);

CREATE OR REPLACE FUNCTION agora_changes_content_fixed() RETURNS trigger AS $$
BEGIN
    IF (NEW.thread_id, NEW.event_id, NEW.source_id, NEW.area, NEW.action, NEW.subject_id, NEW.subject,
        NEW.rev_seq, NEW.actor_id, NEW.reason, NEW.before, NEW.after, NEW.minor)
       IS DISTINCT FROM
       (OLD.thread_id, OLD.event_id, OLD.source_id, OLD.area, OLD.action, OLD.subject_id, OLD.subject,
        OLD.rev_seq, OLD.actor_id, OLD.reason, OLD.before, OLD.after, OLD.minor) THEN
        RAISE EXCEPTION 'changelog entries are append-only' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
