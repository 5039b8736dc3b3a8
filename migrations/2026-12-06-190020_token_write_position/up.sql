-- Read-your-writes for API token clients (issue 18, item 7), as `sessions.write_lsn` gives it
-- to sessions: the primary's WAL position after the token's last write request; its reads use
-- a replica only once that replica has replayed this far.
ALTER TABLE api_tokens ADD COLUMN write_lsn bigint NOT NULL DEFAULT 0;
