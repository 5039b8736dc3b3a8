DROP TABLE fairness_fitter;
DROP TABLE fairness_scores;
DROP TABLE fairness_fits;
DELETE FROM moderation_log WHERE action IN ('approve_stance', 'reject_stance', 'exclude_ratings', 'include_ratings');
ALTER TABLE moderation_log DROP CONSTRAINT moderation_log_action_check;
ALTER TABLE moderation_log ADD CONSTRAINT moderation_log_action_check CHECK (action IN
    ('hide', 'unhide', 'lock', 'unlock', 'suspend', 'unsuspend', 'role', 'rollback', 'patrol'));
ALTER TABLE users DROP COLUMN ratings_excluded_at;
DROP TABLE fairness_ratings;
DROP SEQUENCE fairness_rating_changes;
DROP TABLE reader_camps;
DROP INDEX open_questions_unanswered_idx;
ALTER TABLE open_questions DROP COLUMN touched_at;
ALTER TABLE threads DROP COLUMN quiet_question_at, DROP COLUMN stale_event_on,
    DROP COLUMN substantive_seq, DROP COLUMN substantive_at;
DELETE FROM changes WHERE area = 'stance';
ALTER TABLE changes DROP CONSTRAINT changes_area_check;
ALTER TABLE changes ADD CONSTRAINT changes_area_check CHECK (area IN
    ('synthesis', 'details', 'curators', 'arc', 'interpretation', 'question', 'controversy', 'event',
     'source', 'matrix'));
DROP TABLE stance_proposals;
ALTER TABLE threads DROP COLUMN first_stance, DROP COLUMN stance_since;
