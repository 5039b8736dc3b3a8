-- Issue 18, item 9: a change's notifications are written after it commits. The transaction of
-- the change adds one row here (whatever the number of followers); a worker inside `agora serve`
-- (ops::fanout) folds it into the followers' notifications in batches, one transaction each.
CREATE TABLE fanout_outbox (
    -- The (first) change to fan out; the row is deleted in the transaction of its last batch.
    change_id      BIGINT PRIMARY KEY REFERENCES changes (id),
    -- Later changes folded into this entry before its first batch (a burst of saves by one
    -- person is one pass over the followers): the newest one and how many in all.
    last_change_id BIGINT NOT NULL REFERENCES changes (id),
    change_count   INTEGER NOT NULL DEFAULT 1 CHECK (change_count > 0),
    -- The threads whose followers hear of it, ascending: the change's thread, or for an edit of
    -- an event's own fields the threads linking the event when it was made.
    thread_ids     BIGINT[] NOT NULL CHECK (cardinality(thread_ids) > 0),
    -- 'followers': every follower but the actor; 'curators': only followers who curate.
    audience       TEXT NOT NULL CHECK (audience IN ('followers', 'curators')),
    actor_id       BIGINT NOT NULL,
    -- Minor edits only count into notifications already open.
    minor          BOOLEAN NOT NULL,
    -- Progress: the index into thread_ids being worked on, and the last follower (user id) of
    -- that thread already notified. Advanced in the transaction that wrote the batch, so a
    -- batch is written exactly once whichever worker runs it.
    thread_pos     INTEGER NOT NULL DEFAULT 0,
    after_user_id  BIGINT NOT NULL DEFAULT 0,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
