-- Curators mark typo fixes as minor, so readers can skip them in history and notifications.
ALTER TABLE revisions ADD COLUMN minor BOOLEAN NOT NULL DEFAULT false;
