ALTER TABLE api_tokens DROP COLUMN write_lsn;
