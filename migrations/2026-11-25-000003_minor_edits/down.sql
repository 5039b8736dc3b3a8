ALTER TABLE revisions DROP COLUMN minor;
