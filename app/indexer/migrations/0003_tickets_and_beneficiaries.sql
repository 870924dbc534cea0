-- Unstake tickets and DIEM stakes per (controller, beneficiary). The program these rows describe
-- replaced its single cooldowns with tickets: a record built before this migration recorded a
-- program that no longer exists and must be rebuilt from a fresh deployment's events.

ALTER TABLE events DROP COLUMN svvv_cooldown;
ALTER TABLE events DROP COLUMN diem_cooldown;
-- The other key the event concerns: the beneficiary of a DIEM stake change (the new one for a
-- change of beneficiary), the new owner of a transferred ticket.
ALTER TABLE events ADD COLUMN counterparty TEXT;
-- The ticket the event opens, closes or hands on.
ALTER TABLE events ADD COLUMN ticket TEXT;
CREATE INDEX events_by_counterparty ON events (counterparty, seq);

ALTER TABLE positions DROP COLUMN cooldown_amount;
ALTER TABLE positions DROP COLUMN cooldown_end;

-- Current DIEM stakes: what `owner` controls for `beneficiary`'s credit.
DROP TABLE diem_stakes;
CREATE TABLE diem_stakes (
    owner TEXT NOT NULL,
    beneficiary TEXT NOT NULL,
    staked BIGINT NOT NULL,
    updated_seq BIGINT NOT NULL,
    PRIMARY KEY (owner, beneficiary)
);
CREATE INDEX diem_stakes_by_beneficiary ON diem_stakes (beneficiary, owner);

-- Every change of a stake, stamped with the instruction's clock: a beneficiary's credit of a
-- day sums, over the stakes naming it, each one's last row before its 00:00 UTC (SPEC §7).
DROP TABLE diem_stake_changes;
CREATE TABLE diem_stake_changes (
    owner TEXT NOT NULL,
    beneficiary TEXT NOT NULL,
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    staked BIGINT NOT NULL,
    PRIMARY KEY (owner, beneficiary, at, seq)
);

-- Open unstake tickets (closed ones leave; their events stay).
CREATE TABLE tickets (
    ticket TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    owner TEXT NOT NULL,
    rent_payer TEXT NOT NULL,
    amount BIGINT NOT NULL,
    opened_at BIGINT NOT NULL,
    unlock_at BIGINT NOT NULL
);
CREATE INDEX tickets_by_owner ON tickets (owner, unlock_at);
