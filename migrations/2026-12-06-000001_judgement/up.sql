-- Judgement: a governed stance label, staleness, and the fair-summary signal.

-- 1. Stance proposals. A thread's stance changes only when a moderator who did not propose it
-- approves a proposal; the label history is the approved proposals plus the thread's first label.
ALTER TABLE threads ADD COLUMN stance_since TIMESTAMPTZ;
UPDATE threads SET stance_since = created_at;
ALTER TABLE threads ALTER COLUMN stance_since SET NOT NULL, ALTER COLUMN stance_since SET DEFAULT now();
-- The label a thread started with (the first entry of its label history).
ALTER TABLE threads ADD COLUMN first_stance TEXT;
UPDATE threads SET first_stance = stance;
ALTER TABLE threads ALTER COLUMN first_stance SET NOT NULL, ALTER COLUMN first_stance SET DEFAULT 'contested';

CREATE TABLE stance_proposals (
    id              BIGSERIAL PRIMARY KEY,
    thread_id       BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    proposer_id     BIGINT NOT NULL REFERENCES users (id),
    from_stance     TEXT NOT NULL CHECK (from_stance IN ('contested', 'emerging_consensus', 'settled')),
    to_stance       TEXT NOT NULL CHECK (to_stance IN ('contested', 'emerging_consensus', 'settled')),
    rationale_md    TEXT NOT NULL,
    rationale_html  TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'approved', 'rejected', 'withdrawn')),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    decided_by      BIGINT REFERENCES users (id),
    decided_at      TIMESTAMPTZ,
    decision_reason TEXT NOT NULL DEFAULT '',
    CHECK (from_stance <> to_stance),
    CHECK ((state = 'open') = (decided_at IS NULL)),
    -- Only a moderator other than the proposer approves (the op says why; this makes it certain).
    CHECK (state <> 'approved' OR decided_by <> proposer_id)
);
-- One open proposal per thread at a time.
CREATE UNIQUE INDEX stance_proposals_one_open_idx ON stance_proposals (thread_id) WHERE state = 'open';
CREATE INDEX stance_proposals_thread_idx ON stance_proposals (thread_id, id DESC);
CREATE INDEX stance_proposals_open_idx ON stance_proposals (created_at, id) WHERE state = 'open';

ALTER TABLE changes DROP CONSTRAINT changes_area_check;
ALTER TABLE changes ADD CONSTRAINT changes_area_check CHECK (area IN
    ('synthesis', 'details', 'curators', 'arc', 'interpretation', 'question', 'controversy', 'event',
     'source', 'matrix', 'stance'));

-- 2. Staleness. Each thread keeps the two dates its "needs attention" flag is computed from, kept
-- current by the writes that move them, so the flag is an indexed range query, never a scan.
-- The newest non-minor synthesis revision (its seq is also the version fairness ratings rate).
ALTER TABLE threads ADD COLUMN substantive_at TIMESTAMPTZ;
ALTER TABLE threads ADD COLUMN substantive_seq INTEGER;
UPDATE threads t SET (substantive_at, substantive_seq) = (
    SELECT r.created_at, r.seq FROM revisions r
    WHERE r.thread_id = t.id AND NOT r.minor ORDER BY r.seq DESC LIMIT 1);
-- The date of the oldest landmark or major event linked to the thread and dated after its last
-- substantive revision (NULL: none).
ALTER TABLE threads ADD COLUMN stale_event_on DATE;
-- The last activity of its quietest unanswered open question (NULL: none).
ALTER TABLE threads ADD COLUMN quiet_question_at TIMESTAMPTZ;
CREATE INDEX threads_stale_event_idx ON threads (stale_event_on) WHERE stale_event_on IS NOT NULL;
CREATE INDEX threads_quiet_question_idx ON threads (quiet_question_at) WHERE quiet_question_at IS NOT NULL;

ALTER TABLE open_questions ADD COLUMN touched_at TIMESTAMPTZ NOT NULL DEFAULT now();
CREATE INDEX open_questions_unanswered_idx ON open_questions (thread_id, touched_at) WHERE answered_at IS NULL;

UPDATE threads t SET
    stale_event_on = (
        SELECT min(e.occurred_on) FROM thread_events te JOIN events e ON e.id = te.event_id
        WHERE te.thread_id = t.id AND e.significance IN ('landmark', 'major')
          AND (t.substantive_at IS NULL OR e.occurred_on > t.substantive_at::date)),
    quiet_question_at = (
        SELECT min(q.touched_at) FROM open_questions q WHERE q.thread_id = t.id AND q.answered_at IS NULL);

-- 3. The fair-summary signal.
-- The interpretation a reader holds on a thread; NULL interpretation: "none of these".
CREATE TABLE reader_camps (
    user_id           BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    thread_id         BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    interpretation_id BIGINT REFERENCES interpretations (id) ON DELETE CASCADE,
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, thread_id)
);
CREATE INDEX reader_camps_thread_idx ON reader_camps (thread_id, interpretation_id);

CREATE SEQUENCE fairness_rating_changes;
-- "Represents this view fairly": 2 yes, 1 somewhat, 0 no. The item is the synthesis of a thread
-- (item_id = thread id, version = the seq of its newest substantive revision) or an interpretation
-- (item_id = its id, version = its version). A new rating of the same version replaces the old.
CREATE TABLE fairness_ratings (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    thread_id   BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    item_kind   TEXT NOT NULL CHECK (item_kind IN ('synthesis', 'interpretation')),
    item_id     BIGINT NOT NULL,
    version     INTEGER NOT NULL,
    value       SMALLINT NOT NULL CHECK (value IN (0, 1, 2)),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Bumped by every insert and replacement, so the fitter counts new ratings since its last fit.
    change_seq  BIGINT NOT NULL DEFAULT nextval('fairness_rating_changes'),
    UNIQUE (user_id, item_kind, item_id, version)
);
CREATE INDEX fairness_ratings_item_idx ON fairness_ratings (item_kind, item_id, version);
CREATE INDEX fairness_ratings_thread_user_idx ON fairness_ratings (thread_id, user_id);
CREATE INDEX fairness_ratings_change_idx ON fairness_ratings (change_seq);

-- A moderator may leave an account's ratings out of the fit (logged in the moderation log).
ALTER TABLE users ADD COLUMN ratings_excluded_at TIMESTAMPTZ;
ALTER TABLE moderation_log DROP CONSTRAINT moderation_log_action_check;
ALTER TABLE moderation_log ADD CONSTRAINT moderation_log_action_check CHECK (action IN
    ('hide', 'unhide', 'lock', 'unlock', 'suspend', 'unsuspend', 'role', 'rollback', 'patrol',
     'approve_stance', 'reject_stance', 'exclude_ratings', 'include_ratings'));

-- One fit of the model over every rating on the site; a page view reads the newest fit's scores.
CREATE TABLE fairness_fits (
    id               BIGSERIAL PRIMARY KEY,
    fitted_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    ratings          INTEGER NOT NULL,
    raters           INTEGER NOT NULL,
    items            INTEGER NOT NULL,
    -- The newest rating change the fit saw (fairness_ratings.change_seq).
    last_change_seq  BIGINT NOT NULL,
    global_intercept DOUBLE PRECISION NOT NULL,
    duration_ms      INTEGER NOT NULL,
    seed             BIGINT NOT NULL
);

-- Per item version: the model's figures and the declared camps' shares, as of one fit.
CREATE TABLE fairness_scores (
    fit_id      BIGINT NOT NULL REFERENCES fairness_fits (id) ON DELETE CASCADE,
    thread_id   BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    item_kind   TEXT NOT NULL CHECK (item_kind IN ('synthesis', 'interpretation')),
    item_id     BIGINT NOT NULL,
    version     INTEGER NOT NULL,
    ratings     INTEGER NOT NULL,
    intercept   DOUBLE PRECISION NOT NULL,
    factor      DOUBLE PRECISION NOT NULL,
    fair        BOOLEAN NOT NULL,
    -- [{"camp": interpretation id or null (none of these), "raters": n, "yes": n}, ...]; raters
    -- who declared no camp are not in it.
    camps       JSONB NOT NULL DEFAULT '[]',
    PRIMARY KEY (fit_id, item_kind, item_id, version)
);
CREATE INDEX fairness_scores_thread_idx ON fairness_scores (fit_id, thread_id);

-- The fitter's lease: one instance fits at a time; a crashed fitter's lease runs out.
CREATE TABLE fairness_fitter (
    id          BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
    lease_until TIMESTAMPTZ,
    holder      TEXT NOT NULL DEFAULT ''
);
INSERT INTO fairness_fitter DEFAULT VALUES;
