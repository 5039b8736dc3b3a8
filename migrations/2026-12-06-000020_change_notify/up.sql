-- Issue 18: every change to a table that a public page shows tells the instances' page caches,
-- in the same transaction (`pg_notify` is delivered on commit, and not at all on rollback).
-- Statement-level: one notification per statement, and PostgreSQL folds identical notifications
-- of one transaction into one. The payload is the table's name; the caches drop every entry on
-- any notification, so it is for logs and for a finer invalidation later.
--
-- Tables no public page shows (sessions, login throttling, follows, read positions, private
-- notifications and feed tokens, the fitter's lease) do not notify: they change on reads and
-- logins, and would empty the caches for nothing. `tests/api/page_cache.rs` fails on any table
-- that is in neither list.
CREATE FUNCTION agora_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('agora_changes', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;

CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON arc_periods FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON changes FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON citations FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON controversies FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON fairness_fits FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON fairness_ratings FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON fairness_scores FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON interpretations FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON link_checks FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON matrix_cells FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON moderation_log FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON open_questions FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON proponents FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON reader_camps FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON revisions FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sources FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON stance_proposals FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON thread_curators FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON thread_events FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON threads FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
CREATE TRIGGER agora_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON users FOR EACH STATEMENT EXECUTE FUNCTION agora_notify_change();
