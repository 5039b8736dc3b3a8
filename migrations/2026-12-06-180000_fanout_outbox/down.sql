DROP TABLE fanout_outbox;
