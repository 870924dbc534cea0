// The whole lifecycle through the generated client alone, on the program's .so in LiteSVM:
// the generated instructions derive config, position, DIEM stakes (from owner and beneficiary),
// vaults, mint, curve and event authority; a new ticket's address comes from its source's count
// (nextTicketAddress); every event type comes back decoded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import { getBase58Decoder } from '@solana/kit';
import {
  EVENTS,
  findConfigPda,
  getAcceptAuthorityInstructionAsync,
  getApplyChangeInstructionAsync,
  getBurnDiemInstructionAsync,
  getCancelChangeInstructionAsync,
  getCancelDiemUnstakeInstructionAsync,
  getCancelUnstakeInstructionAsync,
  getClaimAndStakeInstructionAsync,
  getClaimRewardsInstructionAsync,
  getClearCurveStagingInstructionAsync,
  getFinalizeDiemUnstakeInstructionAsync,
  getFinalizeUnstakeInstructionAsync,
  getFundRewardsInstructionAsync,
  getInitiateDiemUnstakeInstructionAsync,
  getInitiateUnstakeInstructionAsync,
  getMintDiemInstructionAsync,
  getPayTreasuryInstructionAsync,
  getProposeAuthorityInstructionAsync,
  getProposeChangeInstructionAsync,
  getQuoteMintInstructionAsync,
  getSetMetadataUriInstructionAsync,
  getSetParamsInstructionAsync,
  getSetPauseInstructionAsync,
  getSetTreasuryInstructionAsync,
  getStakeDiemInstructionAsync,
  getStakeInstructionAsync,
  getSetDiemBeneficiaryInstructionAsync,
  getTransferTicketInstructionAsync,
  findDiemStakePda,
  countdown,
  stakesFromAccounts,
  TICKET_OWNER_OFFSET,
  ticketsFromAccounts,
  ticketsOfFilters,
  ticketView,
  minDiemOut,
  PAUSE_MINT,
  positionView,
  quoteMint,
  type DiemEvent,
} from '../src/index.js';
import { DAY, ONE_DIEM, ONE_VVV, Svm } from './svm.js';

test('stake, mint, burn and every other instruction, each event decoded', async () => {
  const env = await Svm.create();
  const seen = new Map<string, DiemEvent>();
  const record = (events: DiemEvent[]) => events.forEach((e) => seen.set(e.name, e));
  record(await env.launch(undefined, false));
  const authority = env.authority;
  const vvv = { vvvMint: env.vvvMint, vvvTokenProgram: TOKEN_PROGRAM_ADDRESS };

  // During the launch the authority's changes apply at once; opening an inflow ends it.
  const config = await env.config();
  record((await env.ok([await getSetParamsInstructionAsync({ authority, params: config.params })])).events);
  record((await env.ok([await getSetTreasuryInstructionAsync({ authority, newTreasury: env.treasury })])).events);
  record((await env.ok([await getSetPauseInstructionAsync({ authority, paused: PAUSE_MINT })])).events);
  record((await env.ok([await getSetPauseInstructionAsync({ authority, paused: 0 })])).events);
  record((await env.ok([await getClearCurveStagingInstructionAsync({ authority })])).events);
  record((await env.ok([await getSetMetadataUriInstructionAsync({ authority, uri: 'https://diem.example/metadata/v2.json' })])).events);

  const alice = await env.user(100_000n * ONE_VVV);
  const owner = alice.signer;
  record((await env.ok([await getFundRewardsInstructionAsync({ funder: owner, source: alice.vvv, ...vvv, amount: 10_000n * ONE_VVV })])).events);
  const staked = await env.ok([await getStakeInstructionAsync({ payer: owner, source: alice.vvv, ...vvv, amount: 50_000n * ONE_VVV, recipient: owner.address })]);
  record(staked.events);
  assert.equal((await env.position(owner.address))?.balances.active, 50_000n * ONE_VVV);

  // Mint with slippage: the quote computed here is what the program mints.
  const svvv = 9_000n * ONE_VVV;
  const quote = quoteMint((await env.curve()).entries, (await env.config()).pool.outstandingDiem, svvv);
  const minted = await env.ok([
    await getMintDiemInstructionAsync({ owner, destination: alice.diem, svvvAmount: svvv, minDiemOut: minDiemOut(quote.diemOut, 50) }),
  ]);
  record(minted.events);
  assert.equal(minted.returned, quote.diemOut, 'mint_diem returns the quoted DIEM');
  assert.equal(env.tokenBalance(alice.diem), quote.diemOut);
  // Asking for more than the curve gives is refused by name.
  await env.refused([await getMintDiemInstructionAsync({ owner, destination: alice.diem, svvvAmount: svvv, minDiemOut: 10n ** 18n })], 'SlippageExceeded');

  const diem = quote.diemOut;
  record((await env.ok([await getBurnDiemInstructionAsync({ owner, source: alice.diem, amount: diem / 10n })])).events);
  const me = owner.address;
  record((await env.ok([await getStakeDiemInstructionAsync({ owner, source: alice.diem, amount: diem / 2n, beneficiary: me })])).events);
  // A stake for someone else's credit, moved to a third key: the stake PDAs come from the
  // arguments (owner and beneficiary), the ticket PDAs from the source's count.
  const friendUser = await env.user(0n);
  const friend = friendUser.signer.address;
  const other = (await env.user(0n)).signer.address;
  record((await env.ok([await getStakeDiemInstructionAsync({ owner, source: alice.diem, amount: ONE_DIEM, beneficiary: friend })])).events);
  record((await env.ok([await getSetDiemBeneficiaryInstructionAsync({ owner, diemStake: (await findDiemStakePda({ owner: me, beneficiary: friend }))[0], newBeneficiary: other })])).events);
  assert.equal((await env.diemStake(me, other))?.staked, ONE_DIEM);
  let ticket = await env.nextDiemTicket(me);
  record((await env.ok([await getInitiateDiemUnstakeInstructionAsync({ owner, ticket, amount: ONE_DIEM })])).events);
  record((await env.ok([await getCancelDiemUnstakeInstructionAsync({ owner, ticket, rentPayer: me, beneficiary: me })])).events);
  const diemTicket = await env.nextDiemTicket(me);
  record((await env.ok([await getInitiateDiemUnstakeInstructionAsync({ owner, ticket: diemTicket, amount: ONE_DIEM })])).events);
  ticket = await env.nextSvvvTicket(me);
  record((await env.ok([await getInitiateUnstakeInstructionAsync({ owner, ticket, amount: 1_000n * ONE_VVV })])).events);
  record((await env.ok([await getCancelUnstakeInstructionAsync({ owner, ticket, rentPayer: me })])).events);
  const svvvTicket = await env.nextSvvvTicket(me);
  record((await env.ok([await getInitiateUnstakeInstructionAsync({ owner, ticket: svvvTicket, amount: 1_000n * ONE_VVV })])).events);
  // Two requests, two tickets; each shows its own countdown.
  const opened = ticketView(svvvTicket, env.ticket(svvvTicket)!, env.now());
  assert.equal(opened.kind, 'sVVV');
  assert.equal(opened.secondsLeft, 7n * DAY);
  assert.equal(countdown(opened.secondsLeft), '7d 0h');
  // What the page lists from getProgramAccounts: the owner filter sits where the owner is stored.
  const dataOf = (a: typeof svvvTicket) => {
    const account = env.svm.getAccount(a);
    assert.ok(account.exists, `${a} exists`);
    return account.data;
  };
  const asRpc = (a: typeof svvvTicket) => ({ pubkey: a, account: { data: [Buffer.from(dataOf(a)).toString('base64'), 'base64'] as const } });
  const listed = ticketsFromAccounts([asRpc(svvvTicket), asRpc(diemTicket)], env.now());
  assert.deepEqual(listed.map((t) => [t.address, t.kind]), [[diemTicket, 'DIEM'], [svvvTicket, 'sVVV']], 'soonest first');
  const [, ownerFilter] = ticketsOfFilters(me);
  const stored = dataOf(svvvTicket).subarray(Number(TICKET_OWNER_OFFSET), Number(TICKET_OWNER_OFFSET) + 32);
  assert.equal(ownerFilter.memcmp.bytes, getBase58Decoder().decode(stored));
  const stakes = stakesFromAccounts([asRpc((await findDiemStakePda({ owner: me, beneficiary: other }))[0])]);
  assert.deepEqual(stakes.map((x) => [x.beneficiary, x.staked]), [[other, ONE_DIEM]]);
  env.advance(9n * DAY);

  // What the page shows, as of now, equals what the program then pays.
  const before = positionView(await env.config(), await env.position(me), await env.diemStake(me), env.now());
  assert.ok(before.pendingRewards > 0n);
  assert.ok(ticketView(svvvTicket, env.ticket(svvvTicket)!, env.now()).ready && ticketView(diemTicket, env.ticket(diemTicket)!, env.now()).ready);
  const claimed = await env.ok([await getClaimRewardsInstructionAsync({ owner, destination: alice.vvv, ...vvv })]);
  record(claimed.events);
  const rewards = claimed.events.find((e) => e.name === 'RewardsClaimed');
  assert.equal(rewards?.name === 'RewardsClaimed' && rewards.data.amount, before.pendingRewards, 'pending rewards are what claim pays');
  // A ticket handed to a friend is theirs to finalize; the rent goes back to whoever paid it.
  record((await env.ok([await getTransferTicketInstructionAsync({ owner, ticket: diemTicket, newOwner: friend })])).events);
  assert.equal(env.ticket(diemTicket)?.owner, friend);
  record((await env.ok([await getFinalizeUnstakeInstructionAsync({ owner, ticket: svvvTicket, rentPayer: me, destination: alice.vvv, ...vvv })])).events);
  assert.equal(env.ticket(svvvTicket), null, 'a finalized ticket is closed');
  await env.refused([await getFinalizeDiemUnstakeInstructionAsync({ owner, ticket: diemTicket, rentPayer: me, destination: alice.diem })], 'NotTicketOwner');
  record((await env.ok([await getTransferTicketInstructionAsync({ owner: friendUser.signer, ticket: diemTicket, newOwner: me })])).events);
  record((await env.ok([await getFinalizeDiemUnstakeInstructionAsync({ owner, ticket: diemTicket, rentPayer: me, destination: alice.diem })])).events);
  env.advance(DAY);
  record((await env.ok([await getClaimAndStakeInstructionAsync({ owner })])).events);
  record((await env.ok([await getPayTreasuryInstructionAsync({ treasury: env.treasury, ...vvv })])).events);

  // After the launch changes are queued behind the delay.
  const change = { __kind: 'EmissionRate' as const, rate: 4_000n };
  const changeAccounts = { caller: authority, treasuryCandidate: env.treasury };
  record((await env.ok([await getProposeChangeInstructionAsync({ ...changeAccounts, change })])).events);
  record((await env.ok([await getCancelChangeInstructionAsync({ ...changeAccounts, kind: 0 })])).events);
  record((await env.ok([await getProposeChangeInstructionAsync({ ...changeAccounts, change })])).events);
  await env.refused([await getApplyChangeInstructionAsync({ ...changeAccounts, kind: 0 })], 'ChangeNotDue');
  env.advance(9n * DAY);
  record((await env.ok([await getApplyChangeInstructionAsync({ ...changeAccounts, kind: 0 })])).events);
  assert.equal((await env.config()).params.emissionRate, 4_000n);

  const next = (await env.user(0n)).signer;
  record((await env.ok([await getProposeAuthorityInstructionAsync({ authority, proposed: next.address })])).events);
  record((await env.ok([await getAcceptAuthorityInstructionAsync({ newAuthority: next })])).events);
  assert.equal((await env.config()).authority, next.address);

  // quote_mint answers in return data, like mint_diem.
  const q = await env.ok([await getQuoteMintInstructionAsync({ svvvAmount: ONE_VVV })]);
  assert.equal(q.returned, quoteMint((await env.curve()).entries, (await env.config()).pool.outstandingDiem, ONE_VVV).diemOut);

  const missing = EVENTS.map((e) => e.name).filter((name) => !seen.has(name));
  assert.deepEqual(missing, [], 'every event type was emitted and decoded');
  // Decoded bodies carry the program's numbers: a sequence number each, in order.
  const seqs = [...seen.values()].map((e) => e.data.seq);
  assert.equal(new Set(seqs).size, seqs.length);
  assert.ok((await findConfigPda())[0]);
});
