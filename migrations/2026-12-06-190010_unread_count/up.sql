-- The header's unread count, looked up with the session on every signed-in request
-- (`db::sessions::find`). As a function the session query is fixed SQL that diesel prepares
-- once per connection, instead of a literal subquery it must parse and plan on every request;
-- PL/pgSQL keeps the count's own plan for the session too. Served by `notifications_open_key`.
CREATE FUNCTION agora_unread_notifications(account bigint) RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    RETURN (SELECT count(*) FROM notifications n WHERE n.user_id = account AND n.read_at IS NULL);
END;
$$;
