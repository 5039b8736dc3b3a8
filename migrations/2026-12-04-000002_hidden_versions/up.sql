-- Hidden versions (issue 13): an entry's `before` is the `after` of the previous entry of the
-- same item or event; this finds that entry (and an item's newest visible version) by index.
CREATE INDEX changes_item_versions_idx ON changes (area, subject_id, id DESC) WHERE subject_id IS NOT NULL;
