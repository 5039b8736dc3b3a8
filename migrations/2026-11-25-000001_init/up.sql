-- Accounts, sessions and login throttling: kept in PostgreSQL so any app instance serves any request.
CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL DEFAULT 'reader'
                  CHECK (role IN ('reader', 'curator', 'moderator', 'admin')),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Usernames are unique regardless of case ("Terry" and "terry" are one person).
CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username));

CREATE TABLE sessions (
    -- SHA-256 of the cookie token: a leaked table does not leak live sessions.
    token_hash  BYTEA PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

CREATE TABLE login_failures (
    -- "ip|lowercased username": throttles guessing one account from one address.
    throttle_key  TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL,
    window_start  TIMESTAMPTZ NOT NULL
);

-- Threads and their versioned synthesis.
CREATE TABLE threads (
    id               BIGSERIAL PRIMARY KEY,
    slug             TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    framing_question TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'active'
                     CHECK (status IN ('active', 'dormant', 'resolved')),
    stance           TEXT NOT NULL DEFAULT 'contested'
                     CHECK (stance IN ('contested', 'emerging_consensus', 'settled')),
    created_by       BIGINT NOT NULL REFERENCES users (id),
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- seq of the current synthesis revision; 0 = no synthesis yet. Moved by compare-and-swap.
    head_seq         INTEGER NOT NULL DEFAULT 0
);
-- The index page lists newest activity first with keyset paging on (updated_at, id).
CREATE INDEX threads_updated_at_id_idx ON threads (updated_at DESC, id DESC);

CREATE TABLE thread_curators (
    thread_id  BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    added_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (thread_id, user_id)
);
CREATE INDEX thread_curators_user_id_idx ON thread_curators (user_id);

CREATE TABLE revisions (
    id          BIGSERIAL PRIMARY KEY,
    thread_id   BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL CHECK (seq > 0),
    parent_seq  INTEGER,
    author_id   BIGINT NOT NULL REFERENCES users (id),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    summary     TEXT NOT NULL DEFAULT '',
    body_md     TEXT NOT NULL,
    -- Sanitized at save time; page views never render Markdown.
    body_html   TEXT NOT NULL,
    body_len    INTEGER NOT NULL,
    body_sha256 TEXT NOT NULL,
    -- Set when this revision restores an earlier one.
    reverted_to_seq INTEGER,
    -- One revision per (thread, seq): a forked history cannot be written.
    UNIQUE (thread_id, seq)
);
CREATE INDEX revisions_author_id_idx ON revisions (author_id);

-- Sections of a thread, each ordered by position within its thread.
CREATE TABLE arc_periods (
    id         BIGSERIAL PRIMARY KEY,
    thread_id  BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    label      TEXT NOT NULL,
    title      TEXT NOT NULL,
    body_md    TEXT NOT NULL,
    body_html  TEXT NOT NULL
);
CREATE INDEX arc_periods_thread_idx ON arc_periods (thread_id, position);

CREATE TABLE interpretations (
    id         BIGSERIAL PRIMARY KEY,
    thread_id  BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    body_md    TEXT NOT NULL,
    body_html  TEXT NOT NULL
);
CREATE INDEX interpretations_thread_idx ON interpretations (thread_id, position);

CREATE TABLE proponents (
    id                 BIGSERIAL PRIMARY KEY,
    interpretation_id  BIGINT NOT NULL REFERENCES interpretations (id) ON DELETE CASCADE,
    position           INTEGER NOT NULL,
    name               TEXT NOT NULL
);
CREATE INDEX proponents_interpretation_idx ON proponents (interpretation_id, position);

CREATE TABLE open_questions (
    id         BIGSERIAL PRIMARY KEY,
    thread_id  BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    question   TEXT NOT NULL
);
CREATE INDEX open_questions_thread_idx ON open_questions (thread_id, position);

CREATE TABLE controversies (
    id         BIGSERIAL PRIMARY KEY,
    thread_id  BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    body_md    TEXT NOT NULL,
    body_html  TEXT NOT NULL
);
CREATE INDEX controversies_thread_idx ON controversies (thread_id, position);

-- Events are shared across threads.
CREATE TABLE events (
    id            BIGSERIAL PRIMARY KEY,
    occurred_on   DATE NOT NULL,
    title         TEXT NOT NULL,
    significance  TEXT NOT NULL CHECK (significance IN ('landmark', 'major', 'notable')),
    url           TEXT,
    body_md       TEXT NOT NULL DEFAULT '',
    body_html     TEXT NOT NULL DEFAULT '',
    created_by    BIGINT NOT NULL REFERENCES users (id),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX events_occurred_on_idx ON events (occurred_on DESC, id DESC);

CREATE TABLE thread_events (
    thread_id  BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    event_id   BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    PRIMARY KEY (thread_id, event_id)
);
CREATE INDEX thread_events_event_idx ON thread_events (event_id);
