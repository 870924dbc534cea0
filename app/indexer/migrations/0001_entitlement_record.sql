-- The entitlement record. Portable SQL: the same file runs on SQLite and PostgreSQL.
-- Amounts are base units; u64 values are stored as BIGINT and refused (by the indexer, by name)
-- if they do not fit.

-- Every event, keyed by its global sequence number (SPEC §9).
CREATE TABLE events (
    seq BIGINT PRIMARY KEY,
    signature TEXT NOT NULL,
    slot BIGINT NOT NULL,
    block_time BIGINT,
    kind TEXT NOT NULL,
    -- The owner whose position or DIEM stake the event changes; NULL for global events.
    owner TEXT,
    -- The event's own clock (the instruction's unix time), where it carries one.
    event_time BIGINT,
    -- The event's main amount (staked, unstaked, minted, burned, ...).
    amount BIGINT,
    -- The owner's balances after the event: the sVVV position ...
    svvv_active BIGINT,
    svvv_locked BIGINT,
    svvv_cooldown BIGINT,
    diem_outstanding BIGINT,
    -- ... and the DIEM stake.
    diem_staked BIGINT,
    diem_cooldown BIGINT,
    -- The event as the program emitted it (base64 of discriminator and Borsh body) and as JSON.
    data TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX events_by_owner ON events (owner, seq);

-- Current sVVV positions.
CREATE TABLE positions (
    owner TEXT PRIMARY KEY,
    active BIGINT NOT NULL,
    locked BIGINT NOT NULL,
    outstanding_diem BIGINT NOT NULL,
    cooldown_amount BIGINT NOT NULL,
    cooldown_end BIGINT NOT NULL,
    pending_rewards BIGINT NOT NULL,
    updated_seq BIGINT NOT NULL
);

-- Current DIEM stakes.
CREATE TABLE diem_stakes (
    owner TEXT PRIMARY KEY,
    staked BIGINT NOT NULL,
    cooldown_amount BIGINT NOT NULL,
    cooldown_end BIGINT NOT NULL,
    updated_seq BIGINT NOT NULL
);

-- Every change of an owner's staked DIEM, stamped with the instruction's clock: the credit of
-- a day is the last row before its 00:00 UTC (SPEC §7).
CREATE TABLE diem_stake_changes (
    owner TEXT NOT NULL,
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    staked BIGINT NOT NULL,
    -- Ordered for "an owner's last change before an instant": one index seek per owner.
    PRIMARY KEY (owner, at, seq)
);

-- A day's credit, written once the record has passed its 00:00 UTC, and never changed after.
CREATE TABLE entitlement_days (
    day BIGINT PRIMARY KEY,
    owners BIGINT NOT NULL,
    through_seq BIGINT NOT NULL
);
CREATE TABLE entitlements (
    day BIGINT NOT NULL,
    owner TEXT NOT NULL,
    staked BIGINT NOT NULL,
    PRIMARY KEY (day, owner)
);

-- One row: how far the record goes.
CREATE TABLE sync_checkpoint (
    id INTEGER PRIMARY KEY,
    last_seq BIGINT NOT NULL,
    last_slot BIGINT NOT NULL,
    last_block_time BIGINT,
    last_event_time BIGINT,
    -- The newest signature whose transactions, and all older ones, are in the record: the next
    -- sync lists only signatures after it.
    resume_signature TEXT,
    -- The program's totals after the last event (JSON).
    pool TEXT,
    -- The finalized slot the last completed sync started from, and its block time: every
    -- transaction up to it is in the record (what /health and final days are judged by).
    synced_slot BIGINT NOT NULL,
    synced_time BIGINT
);
