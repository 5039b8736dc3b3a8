ALTER TABLE threads DROP COLUMN version;
