DROP INDEX threads_search_stale_idx;
ALTER TABLE threads DROP COLUMN search_stale;
