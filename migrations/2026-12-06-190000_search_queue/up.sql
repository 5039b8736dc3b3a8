-- Issue 18, item 6: a synthesis save no longer rewrites its thread's search document in the
-- save's transaction (to_tsvector over the whole thread, and the GIN entries of a new row
-- version, were half of a save's database time). It marks the thread instead, and the search
-- indexer (`ops::search_index`, in every instance) rewrites marked documents just after commit.
ALTER TABLE threads ADD COLUMN search_stale boolean NOT NULL DEFAULT false;

-- The indexer's queue: only the marked rows, so a round over an empty queue reads one page.
CREATE INDEX threads_search_stale_idx ON threads (id) WHERE search_stale;
