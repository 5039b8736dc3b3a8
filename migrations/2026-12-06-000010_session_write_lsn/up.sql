-- Read your writes with read replicas: the primary's WAL position (as a byte offset,
-- `pg_current_wal_lsn() - '0/0'`) after the session's last write. Its reads go to a replica only
-- once that replica has replayed this far. 0: nothing written yet.
ALTER TABLE sessions ADD COLUMN write_lsn BIGINT NOT NULL DEFAULT 0;
