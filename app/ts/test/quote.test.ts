// The TypeScript quote equals the program's `quote_mint` to the base unit, on 200 random
// amounts at supplies that move across buckets as real mints go through.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import {
  getMintDiemInstructionAsync,
  getQuoteMintInstructionAsync,
  getStakeInstructionAsync,
  minDiemOut,
  quoteMint,
  QuoteError,
} from '../src/index.js';
import { ONE_VVV, Svm } from './svm.js';

/** A deterministic generator (xorshift64*), so a failure names its amount again on rerun. */
function random(seed: bigint) {
  let x = seed;
  return () => {
    x ^= x >> 12n; x ^= (x << 25n) & 0xffff_ffff_ffff_ffffn; x ^= x >> 27n;
    return (x * 0x2545f4914f6cdd1dn) & 0xffff_ffff_ffff_ffffn;
  };
}

test('quoteMint equals quote_mint on 200 random amounts', async () => {
  const env = await Svm.create();
  await env.launch();
  const whale = await env.user(10n ** 12n * ONE_VVV);
  const vvv = { vvvMint: env.vvvMint, vvvTokenProgram: TOKEN_PROGRAM_ADDRESS };
  await env.ok([await getStakeInstructionAsync({ payer: whale.signer, source: whale.vvv, ...vvv, amount: 10n ** 11n * ONE_VVV, recipient: whale.signer.address })]);
  const next = random(0x9e3779b97f4a7c15n);
  let compared = 0;
  let dust = 0;
  let bucketsCrossed = 0;
  for (let i = 0; i < 200; i++) {
    // Log-uniform from 1 base unit to about 10^13 VVV: dust, single buckets, many buckets, the cap.
    const digits = Number(next() % 20n);
    const amount = 1n + (next() % 10n ** BigInt(digits + 1));
    const curve = await env.curve();
    const supply = (await env.config()).pool.outstandingDiem;
    let expected: bigint | string;
    try {
      const q = quoteMint(curve.entries, supply, amount);
      expected = q.diemOut;
      bucketsCrossed = Math.max(bucketsCrossed, q.bucketsFilled);
    } catch (e) {
      assert.ok(e instanceof QuoteError);
      expected = e.code;
    }
    const sent = await env.send([await getQuoteMintInstructionAsync({ svvvAmount: amount })]);
    const actual = sent.ok ? sent.returned : sent.error?.name;
    assert.equal(actual, expected, `quote of ${amount} at supply ${supply}`);
    compared++;
    if (expected === 0n) dust++;
    // Every tenth amount that buys something is minted for real, moving the supply.
    if (i % 10 === 0 && typeof expected === 'bigint' && expected > 0n) {
      const position = await env.position(whale.signer.address);
      const unlocked = position!.balances.active - position!.balances.locked;
      if (amount <= unlocked) {
        const minted = await env.ok([await getMintDiemInstructionAsync({ owner: whale.signer, destination: whale.diem, svvvAmount: amount, minDiemOut: minDiemOut(expected, 0) })]);
        assert.equal(minted.returned, expected);
      }
    }
  }
  assert.equal(compared, 200);
  assert.ok(dust > 0, 'some amounts are dust that buys nothing');
  assert.ok(bucketsCrossed > 10, 'some quotes cross many buckets');
  assert.ok((await env.config()).pool.outstandingDiem > 0n);
});

test('minDiemOut rounds down and refuses a slippage outside 0 to 10,000 bps', () => {
  assert.equal(minDiemOut(1_000_000n, 50), 995_000n);
  assert.equal(minDiemOut(999n, 1), 998n);
  assert.equal(minDiemOut(5n, 10_000), 0n);
  assert.throws(() => minDiemOut(5n, 10_001), RangeError);
  assert.throws(() => minDiemOut(5n, -1), RangeError);
});

test('past the supply cap both refuse by the same name', async () => {
  const env = await Svm.create();
  // A flat, cheap curve: 1 VVV base unit per DIEM, so the whole table costs 128,000 base units.
  const flat = Array.from({ length: 256 }, (_, i) => ({ supplyBound: BigInt(500 * (i + 1)) * 1_000_000_000n, rate: 1n }));
  await env.launch(flat);
  const curve = await env.curve();
  assert.deepEqual(curve.entries.map((e) => e.rate), flat.map((e) => e.rate), 'rates read back as numbers');
  for (const amount of [127_999n, 128_000n, 128_001n, 10n ** 9n]) {
    let expected: bigint | string;
    try {
      expected = quoteMint(curve.entries, 0n, amount).diemOut;
    } catch (e) {
      expected = (e as QuoteError).code;
    }
    const sent = await env.send([await getQuoteMintInstructionAsync({ svvvAmount: amount })]);
    assert.equal(sent.ok ? sent.returned : sent.error?.name, expected, `quote of ${amount}`);
  }
  assert.throws(() => quoteMint(curve.entries, 0n, 128_001n), (e: unknown) => e instanceof QuoteError && e.code === 'SupplyCapReached');
});
