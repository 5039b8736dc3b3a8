-- Bumped by every change that alters what a thread page shows (including edits of shared
-- events), so app instances can cache a rendered page's data and check it with one lookup.
ALTER TABLE threads ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
