CREATE OR REPLACE FUNCTION agora_changes_content_fixed() RETURNS trigger AS $$
BEGIN
    IF (NEW.thread_id, NEW.event_id, NEW.area, NEW.action, NEW.subject_id, NEW.subject, NEW.rev_seq,
        NEW.actor_id, NEW.reason, NEW.before, NEW.after, NEW.minor)
       IS DISTINCT FROM
       (OLD.thread_id, OLD.event_id, OLD.area, OLD.action, OLD.subject_id, OLD.subject, OLD.rev_seq,
        OLD.actor_id, OLD.reason, OLD.before, OLD.after, OLD.minor) THEN
        RAISE EXCEPTION 'changelog entries are append-only' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
ALTER TABLE changes DROP CONSTRAINT changes_check;
ALTER TABLE changes ADD CONSTRAINT changes_check CHECK (thread_id IS NOT NULL OR event_id IS NOT NULL);
ALTER TABLE changes DROP CONSTRAINT changes_area_check;
ALTER TABLE changes ADD CONSTRAINT changes_area_check CHECK (area IN
    ('synthesis', 'details', 'curators', 'arc', 'interpretation', 'question', 'controversy', 'event'));
DROP INDEX changes_source_idx;
ALTER TABLE changes DROP COLUMN source_id;
ALTER TABLE open_questions DROP COLUMN question_html;
DROP TABLE citations;
DROP TABLE matrix_cells;
DROP TABLE link_checks;
DROP TABLE sources;
