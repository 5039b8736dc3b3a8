-- Readers following threads (issue 7): follows, what each reader last read, notifications,
-- e-mail digests, private feed tokens and full-text search.

CREATE TABLE follows (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    thread_id  BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, thread_id)
);
-- Fan-out of a change to the thread's followers.
CREATE INDEX follows_thread_idx ON follows (thread_id, user_id);

-- The state of a thread a reader last read: the baseline of "since your last visit".
CREATE TABLE thread_reads (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    thread_id  BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    -- The newest changelog entry of the thread at the time (0 = none yet).
    change_id  BIGINT NOT NULL,
    -- The synthesis revision they read (0 = none yet), and the labels they saw.
    seq        INTEGER NOT NULL,
    status     TEXT NOT NULL,
    stance     TEXT NOT NULL,
    read_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, thread_id)
);

-- In-app notifications: one per reader and followed thread, collecting every change made while
-- it is unread, so a burst of edits is one notification.
CREATE TABLE notifications (
    id              BIGSERIAL PRIMARY KEY,
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    thread_id       BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    first_change_id BIGINT NOT NULL REFERENCES changes (id),
    last_change_id  BIGINT NOT NULL REFERENCES changes (id),
    change_count    INTEGER NOT NULL DEFAULT 1 CHECK (change_count > 0),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    read_at         TIMESTAMPTZ,
    -- Set once the notification went out in an e-mail digest.
    emailed_at      TIMESTAMPTZ
);
-- At most one open (unread) notification per reader and thread: the batch new changes join.
CREATE UNIQUE INDEX notifications_open_key ON notifications (user_id, thread_id) WHERE read_at IS NULL;
CREATE INDEX notifications_user_idx ON notifications (user_id, updated_at DESC, id DESC);
-- Digests look for readers with notifications not yet e-mailed.
CREATE INDEX notifications_unemailed_idx ON notifications (user_id) WHERE emailed_at IS NULL AND read_at IS NULL;

-- E-mail digests: opt-in, per reader.
ALTER TABLE users
    ADD COLUMN email TEXT,
    ADD COLUMN digest TEXT NOT NULL DEFAULT 'off' CHECK (digest IN ('off', 'daily', 'weekly')),
    ADD COLUMN digest_sent_at TIMESTAMPTZ;

-- A reader's private feed of followed threads: only the SHA-256 of the URL's secret is kept;
-- deleting the row revokes the URL.
CREATE TABLE feed_tokens (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash BYTEA NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Full-text search. A thread's document spans several tables (title, framing question, current
-- synthesis, interpretations, questions), so the save path rewrites it; an event's is its own row.
ALTER TABLE threads ADD COLUMN search tsvector NOT NULL DEFAULT ''::tsvector;
CREATE INDEX threads_search_idx ON threads USING GIN (search);
ALTER TABLE events ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body_md), 'C')
) STORED;
CREATE INDEX events_search_idx ON events USING GIN (search);

-- Index pages: threads by creation and by title, events by significance.
CREATE INDEX threads_created_at_id_idx ON threads (created_at DESC, id DESC);
CREATE INDEX threads_title_id_idx ON threads (lower(title), id);
CREATE INDEX events_significance_idx ON events (significance, occurred_on DESC, id DESC);

-- Where each top-level block of a revision's HTML ends (byte offsets), and the first and last
-- Markdown paragraph it came from (flattened pairs): lets a page mark the paragraphs that changed
-- since a reader's last visit without rendering Markdown. Filled at save time; NULL for rows
-- whose blocks could not be recovered.
ALTER TABLE revisions
    ADD COLUMN block_ends INTEGER[],
    ADD COLUMN block_paragraphs INTEGER[];

CREATE OR REPLACE FUNCTION agora_revisions_content_fixed() RETURNS trigger AS $$
BEGIN
    IF (NEW.thread_id, NEW.seq, NEW.parent_seq, NEW.author_id, NEW.summary, NEW.body_md, NEW.body_html,
        NEW.body_sha256, NEW.reverted_to_seq, NEW.minor, NEW.action, NEW.other_seq)
       IS DISTINCT FROM
       (OLD.thread_id, OLD.seq, OLD.parent_seq, OLD.author_id, OLD.summary, OLD.body_md, OLD.body_html,
        OLD.body_sha256, OLD.reverted_to_seq, OLD.minor, OLD.action, OLD.other_seq)
       OR (OLD.blame IS NOT NULL AND NEW.blame IS DISTINCT FROM OLD.blame)
       OR (OLD.block_ends IS NOT NULL AND NEW.block_ends IS DISTINCT FROM OLD.block_ends)
       OR (OLD.block_paragraphs IS NOT NULL AND NEW.block_paragraphs IS DISTINCT FROM OLD.block_paragraphs) THEN
        RAISE EXCEPTION 'revisions are immutable' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
