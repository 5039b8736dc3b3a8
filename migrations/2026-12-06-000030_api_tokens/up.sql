-- Personal API tokens (issue 18 item 13): `Authorization: Bearer <token>` on /api/v1. Only the
-- SHA-256 of the token is stored; `prefix` is its first characters, shown in lists so a reader
-- can tell their tokens apart (it reveals 32 of the 256 random bits).
CREATE TABLE api_tokens (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    scope text NOT NULL CHECK (scope IN ('read', 'write')),
    token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    prefix text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- Updated at most once a minute per token, so a busy client does not write on every request.
    last_used_at timestamptz,
    revoked_at timestamptz
);
-- The account page lists a reader's tokens, newest first.
CREATE INDEX api_tokens_user_key ON api_tokens (user_id, created_at DESC);
