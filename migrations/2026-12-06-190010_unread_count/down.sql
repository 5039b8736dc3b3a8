DROP FUNCTION agora_unread_notifications(bigint);
