// What the staking page tells a holder, checked against the program in LiteSVM: what a burn
// releases, what staking earns in a day, which pending changes would hurt them and when they
// apply, and whose credit a DIEM stake is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import { getBase58Decoder } from '@solana/kit';
import {
  creditOf,
  diemStakesForFilters,
  DIEM_STAKE_BENEFICIARY_OFFSET,
  findDiemStakePda,
  getBurnDiemInstructionAsync,
  getClaimRewardsInstructionAsync,
  getFundRewardsInstructionAsync,
  getMintDiemInstructionAsync,
  getProposeChangeInstructionAsync,
  getStakeDiemInstructionAsync,
  getStakeInstructionAsync,
  MIN_CREDIT_DIEM,
  ONE_DIEM,
  pendingChanges,
  pendingRewards,
  quoteBurn,
  quoteMint,
  SECONDS_PER_DAY,
  yieldEstimate,
} from '../src/index.js';
import { ONE_VVV, Svm } from './svm.js';

async function holder() {
  const env = await Svm.create();
  await env.launch();
  const alice = await env.user(100_000n * ONE_VVV);
  const vvv = { vvvMint: env.vvvMint, vvvTokenProgram: TOKEN_PROGRAM_ADDRESS };
  return { env, alice, vvv, owner: alice.signer };
}

test('quoteBurn is what burn_diem releases, part and last', async () => {
  const { env, alice, vvv, owner } = await holder();
  await env.ok([await getStakeInstructionAsync({ payer: owner, source: alice.vvv, ...vvv, amount: 50_000n * ONE_VVV, recipient: owner.address })]);
  const svvv = 7_777n * ONE_VVV;
  const quote = quoteMint((await env.curve()).entries, (await env.config()).pool.outstandingDiem, svvv);
  await env.ok([await getMintDiemInstructionAsync({ owner, destination: alice.diem, svvvAmount: svvv, minDiemOut: quote.diemOut })]);
  for (const part of [quote.diemOut / 3n, quote.diemOut / 7n, 1n]) {
    const before = (await env.position(owner.address))!.balances;
    const expected = quoteBurn(before.locked, before.outstandingDiem, part);
    await env.ok([await getBurnDiemInstructionAsync({ owner, source: alice.diem, amount: part })]);
    const after = (await env.position(owner.address))!.balances;
    assert.equal(before.locked - after.locked, expected, `burn of ${part}`);
  }
  const rest = (await env.position(owner.address))!.balances;
  assert.equal(quoteBurn(rest.locked, rest.outstandingDiem, rest.outstandingDiem + 1n), null, 'more than outstanding is refused');
  assert.equal(quoteBurn(rest.locked, rest.outstandingDiem, rest.outstandingDiem), rest.locked, 'the last burn releases everything');
  await env.ok([await getBurnDiemInstructionAsync({ owner, source: alice.diem, amount: rest.outstandingDiem })]);
  assert.equal((await env.position(owner.address))!.balances.locked, 0n);
});

test("yieldEstimate's day is what a holder accrues in a day", async () => {
  const { env, alice, vvv, owner } = await holder();
  const bob = await env.user(100_000n * ONE_VVV);
  await env.ok([await getStakeInstructionAsync({ payer: owner, source: alice.vvv, ...vvv, amount: 30_000n * ONE_VVV, recipient: owner.address })]);
  await env.ok([await getStakeInstructionAsync({ payer: bob.signer, source: bob.vvv, ...vvv, amount: 70_000n * ONE_VVV, recipient: bob.signer.address })]);
  await env.ok([await getFundRewardsInstructionAsync({ funder: bob.signer, source: bob.vvv, ...vvv, amount: 10_000n * ONE_VVV })]);
  const svvv = 10_000n * ONE_VVV;
  const quote = quoteMint((await env.curve()).entries, (await env.config()).pool.outstandingDiem, svvv);
  await env.ok([await getMintDiemInstructionAsync({ owner, destination: alice.diem, svvvAmount: svvv, minDiemOut: quote.diemOut })]);
  const config = await env.config();
  const balances = (await env.position(owner.address))!.balances;
  const estimate = yieldEstimate(config, balances.active - balances.locked, balances.locked);
  // The reserve funds the whole day, so the day's emissions all go out.
  assert.ok(estimate.fundedSecs !== null && estimate.fundedSecs > SECONDS_PER_DAY, `funded for ${estimate.fundedSecs} s`);
  assert.ok(estimate.aprLockedBps < estimate.aprUnlockedBps, 'locked sVVV earns less (the treasury takes its cut)');
  // Stakes and the mint ran at one clock time: nothing has accrued yet. A day later the program pays what was estimated.
  assert.equal(pendingRewards(balances, config.pool, config.params, env.now()), 0n);
  env.advance(SECONDS_PER_DAY);
  const before = env.tokenBalance(alice.vvv);
  await env.ok([await getClaimRewardsInstructionAsync({ owner, destination: alice.vvv, ...vvv })]);
  const earned = env.tokenBalance(alice.vvv) - before;
  // The program's accumulators round down per share; the estimate is exact arithmetic.
  assert.ok(earned <= estimate.holderPerDay && estimate.holderPerDay - earned <= 2n, `earned ${earned}, estimated ${estimate.holderPerDay}`);
  assert.ok(earned > 0n);
});

test('pending changes: when they apply and whether they hurt this holder', async () => {
  const { env, alice, vvv, owner } = await holder();
  await env.ok([await getStakeInstructionAsync({ payer: owner, source: alice.vvv, ...vvv, amount: 1_000n * ONE_VVV, recipient: owner.address })]);
  const config = await env.config();
  const authority = env.authority;
  const lower = config.params.emissionRate / 2n;
  // A longer delay applies at once and makes room for a longer DIEM cooldown.
  await env.ok([await getProposeChangeInstructionAsync({ caller: authority, treasuryCandidate: env.treasury, change: { __kind: 'ChangeDelay', secs: 20n * SECONDS_PER_DAY } })]);
  await env.ok([await getProposeChangeInstructionAsync({ caller: authority, treasuryCandidate: env.treasury, change: { __kind: 'EmissionRate', rate: lower } })]);
  await env.ok([await getProposeChangeInstructionAsync({ caller: authority, treasuryCandidate: env.treasury, change: { __kind: 'DiemCooldown', secs: config.params.diemCooldownSecs * 2n } })]);
  await env.ok([await getProposeChangeInstructionAsync({ caller: authority, treasuryCandidate: env.treasury, change: { __kind: 'Treasury', account: env.treasury } })]);
  const governance = await env.governance();
  const holding = { svvvUnlocked: 1_000n * ONE_VVV, svvvLocked: 0n, diemStaked: 0n };
  const views = pendingChanges(governance, config, holding, env.now());
  const byKind = new Map(views.map((v) => [v.change.__kind, v]));
  assert.equal(views.length, 3);
  assert.ok(views.every((v) => !v.due && v.eta === v.proposedAt + governance.changeDelay));
  assert.match(byKind.get('EmissionRate')!.hurtsYou ?? '', /earn less/);
  assert.equal(byKind.get('DiemCooldown')!.worse, true);
  assert.equal(byKind.get('DiemCooldown')!.hurtsYou, null, 'no DIEM staked: a longer DIEM cooldown does not touch this holder');
  assert.equal(byKind.get('Treasury')!.worse, false);
  assert.ok(pendingChanges(governance, config, null, env.now()).every((v) => v.hurtsYou === null), 'nothing at stake, nothing hurt');
  env.advance(governance.changeDelay);
  assert.ok(pendingChanges(governance, config, holding, env.now()).every((v) => v.due), 'due once the delay has passed');
});

test("a day's credit sums every stake naming the beneficiary; below 0.1 DIEM it is nothing", async () => {
  const { env, alice, vvv, owner } = await holder();
  await env.ok([await getStakeInstructionAsync({ payer: owner, source: alice.vvv, ...vvv, amount: 10_000n * ONE_VVV, recipient: owner.address })]);
  const quote = quoteMint((await env.curve()).entries, 0n, 5_000n * ONE_VVV);
  await env.ok([await getMintDiemInstructionAsync({ owner, destination: alice.diem, svvvAmount: 5_000n * ONE_VVV, minDiemOut: quote.diemOut })]);
  const friend = (await env.user(0n)).signer.address;
  await env.ok([await getStakeDiemInstructionAsync({ owner, source: alice.diem, amount: ONE_DIEM, beneficiary: friend })]);
  const [stake] = await findDiemStakePda({ owner: owner.address, beneficiary: friend });
  const account = env.svm.getAccount(stake);
  assert.ok(account.exists);
  // The page finds a beneficiary's stakes by the bytes at this offset.
  const stored = account.data.subarray(Number(DIEM_STAKE_BENEFICIARY_OFFSET), Number(DIEM_STAKE_BENEFICIARY_OFFSET) + 32);
  assert.equal(diemStakesForFilters(friend)[1].memcmp.bytes, getBase58Decoder().decode(stored));
  assert.equal(creditOf([{ address: stake, beneficiary: friend, staked: ONE_DIEM }, { address: stake, beneficiary: friend, staked: ONE_DIEM / 2n }]), (3n * ONE_DIEM) / 2n);
  assert.equal(creditOf([{ address: stake, beneficiary: friend, staked: MIN_CREDIT_DIEM - 1n }]), 0n);
  assert.equal(creditOf([{ address: stake, beneficiary: friend, staked: MIN_CREDIT_DIEM }]), MIN_CREDIT_DIEM);
});
