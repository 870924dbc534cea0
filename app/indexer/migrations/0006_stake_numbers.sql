-- A DIEM stake's changes are keyed by the stake's number instead of its two base58 keys. Every
-- change inserts into that key at a random place; at a million events the text key's index was
-- 81 MiB and a fifth of the ingest (INDEXER_BENCH.md), an entry now a fraction of the size.
-- Stakes are numbered in the order of their first change, as the indexer numbers new ones.
ALTER TABLE diem_stakes ADD COLUMN id BIGINT;

CREATE TABLE diem_stake_numbers (owner TEXT NOT NULL, beneficiary TEXT NOT NULL, id BIGINT NOT NULL);
INSERT INTO diem_stake_numbers (owner, beneficiary, id)
    SELECT owner, beneficiary, ROW_NUMBER() OVER (ORDER BY first_seq, owner, beneficiary)
    FROM (SELECT owner, beneficiary, MIN(seq) AS first_seq FROM diem_stake_changes GROUP BY owner, beneficiary) AS firsts;
CREATE INDEX diem_stake_numbers_by_key ON diem_stake_numbers (owner, beneficiary);
UPDATE diem_stakes SET id = (SELECT n.id FROM diem_stake_numbers n
    WHERE n.owner = diem_stakes.owner AND n.beneficiary = diem_stakes.beneficiary);

CREATE TABLE diem_stake_changes_numbered (
    stake BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    staked BIGINT NOT NULL,
    -- "A stake's last change before an instant": one index seek per stake.
    PRIMARY KEY (stake, at, seq)
);
INSERT INTO diem_stake_changes_numbered (stake, seq, at, staked)
    SELECT n.id, c.seq, c.at, c.staked FROM diem_stake_changes c
    JOIN diem_stake_numbers n ON n.owner = c.owner AND n.beneficiary = c.beneficiary;
DROP TABLE diem_stake_changes;
ALTER TABLE diem_stake_changes_numbered RENAME TO diem_stake_changes;
DROP TABLE diem_stake_numbers;
