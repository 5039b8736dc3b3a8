-- Throttle keys now count attempts before they are checked (login per address, per account and
-- per pair; sign-up per address; preview per account); the per-account key slows down by the
-- time of its last attempt.
ALTER TABLE login_failures ADD COLUMN last_at timestamptz NOT NULL DEFAULT now();
