-- History of everything and moderation (issue 6).

-- What kind of save a revision was, and its paragraph blame: for each paragraph of the text, the
-- seq of the revision that last changed it substantively (computed once, when it is saved).
ALTER TABLE revisions
    ADD COLUMN action TEXT NOT NULL DEFAULT 'edit'
        CHECK (action IN ('edit', 'merge', 'revert', 'undo', 'rollback', 'restore')),
    -- merge: the stale revision the author started from; undo: the revision taken out.
    ADD COLUMN other_seq INTEGER,
    ADD COLUMN blame INTEGER[];

-- The typed changelog: one append-only row per change to a thread (synthesis revisions included,
-- so history, recent changes, contributions and patrol read one table with one set of indexes).
CREATE TABLE changes (
    id           BIGSERIAL PRIMARY KEY,
    -- NULL for an edit of an event's own fields (events are shared by threads).
    thread_id    BIGINT REFERENCES threads (id),
    event_id     BIGINT REFERENCES events (id),
    area         TEXT NOT NULL CHECK (area IN
                 ('synthesis', 'details', 'curators', 'arc', 'interpretation', 'question', 'controversy', 'event')),
    action       TEXT NOT NULL,
    -- The item, event or curator changed, and how it was called at the time.
    subject_id   BIGINT,
    subject      TEXT NOT NULL DEFAULT '',
    -- Synthesis entries: the revision.
    rev_seq      INTEGER,
    actor_id     BIGINT NOT NULL REFERENCES users (id),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    reason       TEXT NOT NULL DEFAULT '',
    before       JSONB,
    after        JSONB,
    minor        BOOLEAN NOT NULL DEFAULT false,
    -- Moderation state: the only columns that may change after the insert (see trigger below).
    patrolled_by BIGINT REFERENCES users (id),
    patrolled_at TIMESTAMPTZ,
    hidden_by    BIGINT REFERENCES users (id),
    hidden_at    TIMESTAMPTZ,
    hidden_reason TEXT NOT NULL DEFAULT '',
    CHECK (thread_id IS NOT NULL OR event_id IS NOT NULL),
    CHECK ((area = 'synthesis') = (rev_seq IS NOT NULL))
);
CREATE INDEX changes_thread_idx ON changes (thread_id, id DESC);
CREATE INDEX changes_thread_area_idx ON changes (thread_id, area, id DESC);
CREATE INDEX changes_event_idx ON changes (event_id, id DESC) WHERE event_id IS NOT NULL;
CREATE INDEX changes_actor_idx ON changes (actor_id, id DESC);
CREATE INDEX changes_area_idx ON changes (area, id DESC);
-- The review queue: small, because most changes get patrolled.
CREATE INDEX changes_unpatrolled_idx ON changes (id) WHERE patrolled_at IS NULL;
CREATE UNIQUE INDEX changes_revision_key ON changes (thread_id, rev_seq) WHERE rev_seq IS NOT NULL;

-- Every revision saved so far gets its changelog row; what existed before counts as patrolled.
INSERT INTO changes (thread_id, area, action, rev_seq, actor_id, created_at, reason, minor, patrolled_at)
SELECT thread_id, 'synthesis', CASE WHEN reverted_to_seq IS NULL THEN 'edit' ELSE 'revert' END,
       seq, author_id, created_at, summary, minor, now()
FROM revisions ORDER BY created_at, id;
UPDATE revisions SET action = 'revert' WHERE reverted_to_seq IS NOT NULL;

-- Append-only moderation log.
CREATE TABLE moderation_log (
    id             BIGSERIAL PRIMARY KEY,
    actor_id       BIGINT NOT NULL REFERENCES users (id),
    action         TEXT NOT NULL CHECK (action IN ('hide', 'unhide', 'lock', 'unlock', 'suspend', 'unsuspend',
                                                   'role', 'rollback', 'patrol')),
    thread_id      BIGINT REFERENCES threads (id),
    target_user_id BIGINT REFERENCES users (id),
    change_id      BIGINT REFERENCES changes (id),
    -- What was acted on, in words, as it was at the time.
    target         TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX moderation_log_user_idx ON moderation_log (target_user_id, id DESC) WHERE target_user_id IS NOT NULL;
CREATE INDEX moderation_log_action_idx ON moderation_log (action, id DESC);

-- Thread locks: only moderators edit a locked thread; NULL until = until unlocked.
ALTER TABLE threads
    ADD COLUMN locked_at TIMESTAMPTZ,
    ADD COLUMN locked_until TIMESTAMPTZ,
    ADD COLUMN lock_reason TEXT NOT NULL DEFAULT '';

-- Suspensions: a suspended user reads but writes nothing; NULL until = until lifted.
ALTER TABLE users
    ADD COLUMN suspended_at TIMESTAMPTZ,
    ADD COLUMN suspended_until TIMESTAMPTZ,
    ADD COLUMN suspension_reason TEXT NOT NULL DEFAULT '';

-- Questions get answered (and reopened) instead of only deleted.
ALTER TABLE open_questions
    ADD COLUMN answered_at TIMESTAMPTZ,
    ADD COLUMN answer TEXT NOT NULL DEFAULT '';

-- History is never rewritten, whatever code or person connects: the database refuses it.
CREATE FUNCTION agora_refuse_rewrite() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER moderation_log_append_only BEFORE UPDATE OR DELETE ON moderation_log
    FOR EACH ROW EXECUTE FUNCTION agora_refuse_rewrite();
CREATE TRIGGER changes_never_deleted BEFORE DELETE ON changes
    FOR EACH ROW EXECUTE FUNCTION agora_refuse_rewrite();
CREATE TRIGGER revisions_never_deleted BEFORE DELETE ON revisions
    FOR EACH ROW EXECUTE FUNCTION agora_refuse_rewrite();

-- Only moderation state changes on a changelog row; only a missing blame is filled on a revision.
-- (created_at stays settable: the demo seeder dates its historical rows.)
CREATE FUNCTION agora_changes_content_fixed() RETURNS trigger AS $$
BEGIN
    IF (NEW.thread_id, NEW.event_id, NEW.area, NEW.action, NEW.subject_id, NEW.subject, NEW.rev_seq,
        NEW.actor_id, NEW.reason, NEW.before, NEW.after, NEW.minor)
       IS DISTINCT FROM
       (OLD.thread_id, OLD.event_id, OLD.area, OLD.action, OLD.subject_id, OLD.subject, OLD.rev_seq,
        OLD.actor_id, OLD.reason, OLD.before, OLD.after, OLD.minor) THEN
        RAISE EXCEPTION 'changelog entries are append-only' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER changes_content_fixed BEFORE UPDATE ON changes
    FOR EACH ROW EXECUTE FUNCTION agora_changes_content_fixed();

CREATE FUNCTION agora_revisions_content_fixed() RETURNS trigger AS $$
BEGIN
    IF (NEW.thread_id, NEW.seq, NEW.parent_seq, NEW.author_id, NEW.summary, NEW.body_md, NEW.body_html,
        NEW.body_sha256, NEW.reverted_to_seq, NEW.minor, NEW.action, NEW.other_seq)
       IS DISTINCT FROM
       (OLD.thread_id, OLD.seq, OLD.parent_seq, OLD.author_id, OLD.summary, OLD.body_md, OLD.body_html,
        OLD.body_sha256, OLD.reverted_to_seq, OLD.minor, OLD.action, OLD.other_seq)
       OR (OLD.blame IS NOT NULL AND NEW.blame IS DISTINCT FROM OLD.blame) THEN
        RAISE EXCEPTION 'revisions are immutable' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER revisions_content_fixed BEFORE UPDATE ON revisions
    FOR EACH ROW EXECUTE FUNCTION agora_revisions_content_fixed();
