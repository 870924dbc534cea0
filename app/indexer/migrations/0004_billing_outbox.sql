-- Pushing final days to billing (docs/record.md, "Delivery to billing"): every endpoint the
-- indexer delivers to, and one outbox row per (endpoint, final day). A day's row is written in
-- the same transaction that freezes the day, so no final day can be frozen without being queued;
-- the row is marked delivered only once the endpoint acknowledged it (2xx).

CREATE TABLE billing_endpoints (
    endpoint TEXT PRIMARY KEY,
    -- The first day this endpoint is owed (days since 1970-01-01).
    from_day BIGINT NOT NULL
);

CREATE TABLE billing_outbox (
    endpoint TEXT NOT NULL,
    day BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    -- Unix milliseconds: not before this.
    next_attempt_at BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    -- Unix milliseconds the endpoint acknowledged it; NULL while owed.
    delivered_at BIGINT,
    PRIMARY KEY (endpoint, day)
);
CREATE INDEX billing_outbox_owed ON billing_outbox (delivered_at, endpoint, day);
