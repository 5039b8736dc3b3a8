ALTER TABLE controversies DROP COLUMN version;
ALTER TABLE open_questions DROP COLUMN version;
ALTER TABLE interpretations DROP COLUMN version;
ALTER TABLE arc_periods DROP COLUMN version;
