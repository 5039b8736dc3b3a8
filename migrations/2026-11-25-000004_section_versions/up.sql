-- Optimistic locking for section items: an edit names the version it started from, and a
-- save from a stale version is refused instead of silently overwriting someone else's.
ALTER TABLE arc_periods ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE interpretations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE open_questions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE controversies ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
