-- The event's JSON body is rendered on read from `data` (the exact bytes the program emitted),
-- not stored: building it cost the ingest a second decode of every event and doubled the rows.
-- The program's totals were kept as JSON beside the checkpoint and never read.
ALTER TABLE events DROP COLUMN body;
ALTER TABLE sync_checkpoint DROP COLUMN pool;

-- An owner's events are found by an integer: the first 8 bytes of the key (then compared in
-- full). An index of integers is a third the size of one of base58 text and is cheaper to keep
-- up at ingest; most events name no counterparty, so that index leaves them out.
ALTER TABLE events ADD COLUMN owner_key BIGINT;
ALTER TABLE events ADD COLUMN counterparty_key BIGINT;
DROP INDEX events_by_owner;
DROP INDEX events_by_counterparty;
CREATE INDEX events_by_owner_key ON events (owner_key, seq);
CREATE INDEX events_by_counterparty_key ON events (counterparty_key, seq) WHERE counterparty_key IS NOT NULL;
