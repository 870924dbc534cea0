-- Which cluster (genesis hash), program and commitment the record was built from (SPEC §12). The
-- first sync sets them; a later sync against another cluster, program or commitment is refused,
-- so a record that bills never mixes two.
ALTER TABLE sync_checkpoint ADD COLUMN genesis_hash TEXT;
ALTER TABLE sync_checkpoint ADD COLUMN program TEXT;
ALTER TABLE sync_checkpoint ADD COLUMN commitment TEXT;
-- (Token amounts, in every table, are u64 values kept as the same 64 bits in a BIGINT: any u64
-- is stored losslessly, SQL never orders or sums them, and the indexer reads them back as u64.)
