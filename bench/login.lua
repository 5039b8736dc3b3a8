-- wrk script: POST /api/v1/session with benchadmin's correct password (a wrong one would hit
-- the throttle after 10 failures). Every request is a full login: an argon2 verification and a
-- new session row.
local user = os.getenv("BENCH_ADMIN_USER") or "benchadmin"
local password = os.getenv("BENCH_ADMIN_PASSWORD") or "bench-admin-password"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"username":"%s","password":"%s"}', user, password)
