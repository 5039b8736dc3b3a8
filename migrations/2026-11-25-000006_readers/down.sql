CREATE OR REPLACE FUNCTION agora_revisions_content_fixed() RETURNS trigger AS $$
BEGIN
    IF (NEW.thread_id, NEW.seq, NEW.parent_seq, NEW.author_id, NEW.summary, NEW.body_md, NEW.body_html,
        NEW.body_sha256, NEW.reverted_to_seq, NEW.minor, NEW.action, NEW.other_seq)
       IS DISTINCT FROM
       (OLD.thread_id, OLD.seq, OLD.parent_seq, OLD.author_id, OLD.summary, OLD.body_md, OLD.body_html,
        OLD.body_sha256, OLD.reverted_to_seq, OLD.minor, OLD.action, OLD.other_seq)
       OR (OLD.blame IS NOT NULL AND NEW.blame IS DISTINCT FROM OLD.blame) THEN
        RAISE EXCEPTION 'revisions are immutable' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
ALTER TABLE revisions DROP COLUMN block_paragraphs, DROP COLUMN block_ends;
DROP INDEX events_significance_idx;
DROP INDEX threads_title_id_idx;
DROP INDEX threads_created_at_id_idx;
ALTER TABLE events DROP COLUMN search;
ALTER TABLE threads DROP COLUMN search;
DROP TABLE feed_tokens;
ALTER TABLE users DROP COLUMN digest_sent_at, DROP COLUMN digest, DROP COLUMN email;
DROP TABLE notifications;
DROP TABLE thread_reads;
DROP TABLE follows;
