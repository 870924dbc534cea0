// Errors by the program's names and messages; events from RPC transactions (the validator
// fixtures the Rust decoder is tested on, v0 with lookup tables included).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import { address, generateKeyPairSigner, lamports } from '@solana/kit';
import {
  diemError,
  diemErrorFromLogs,
  DIEM_ERROR_COUNT,
  eventsOfTransaction,
  findPositionPda,
  getInitiateUnstakeInstructionAsync,
  getMintDiemInstructionAsync,
  getSetMetadataUriInstructionAsync,
  getSetPauseInstructionAsync,
  getStakeInstructionAsync,
  getTransferTicketInstructionAsync,
  METADATA_URI_MAX_LEN,
  nextTicketAddress,
  type RpcTransaction,
} from '../src/index.js';
import { ONE_VVV, Svm } from './svm.js';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const idl = JSON.parse(readFileSync(join(root, 'idls/diem.json'), 'utf8'));

test('every error of the IDL has its name and message by code', () => {
  assert.equal(DIEM_ERROR_COUNT, idl.errors.length);
  for (const e of idl.errors) {
    assert.deepEqual(diemError(e.code), { code: e.code, name: e.name, message: e.msg });
  }
  assert.equal(diemError(5999), null);
  assert.equal(diemError(6000 + idl.errors.length), null);
  const logs = [`Program GJ6oqC3x3kimEPvN9twaon5yhD6ihiNkWAWULgQGhqHr failed: custom program error: 0x1776`];
  assert.equal(diemErrorFromLogs(logs)?.name, 'NothingToClaim');
  // Another program's custom error is not ours.
  assert.equal(diemErrorFromLogs(['Program TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA failed: custom program error: 0x1']), null);
});

test('refusals on chain come back by name', async () => {
  const env = await Svm.create();
  await env.launch();
  const alice = await env.user(1_000n * ONE_VVV);
  const bob = await env.user(1_000n * ONE_VVV);
  const vvv = { vvvMint: env.vvvMint, vvvTokenProgram: TOKEN_PROGRAM_ADDRESS };
  const stake = (who: typeof alice, amount: bigint) =>
    getStakeInstructionAsync({ payer: who.signer, source: who.vvv, ...vvv, amount, recipient: who.signer.address });
  await env.refused([await stake(alice, 0n)], 'ZeroAmount');
  await env.ok([await stake(alice, 100n * ONE_VVV), await stake(bob, 100n * ONE_VVV)]);
  const aliceTicket = await env.nextSvvvTicket(alice.signer.address);
  await env.refused([await getInitiateUnstakeInstructionAsync({ owner: alice.signer, ticket: aliceTicket, amount: 101n * ONE_VVV })], 'InsufficientUnlocked');
  // Bob's signature on Alice's position.
  const alicePosition = (await findPositionPda({ owner: alice.signer.address }))[0];
  await env.refused([await getInitiateUnstakeInstructionAsync({ owner: bob.signer, position: alicePosition, ticket: aliceTicket, amount: 1n })], 'NotPositionOwner');
  // A ticket address that is not the position's next one.
  const notNext = await nextTicketAddress(alicePosition, 5n);
  await env.refused([await getInitiateUnstakeInstructionAsync({ owner: alice.signer, ticket: notNext, amount: 1n })], 'WrongTicketAddress');
  // Bob cannot take Alice's ticket; nor can it go to the default key.
  await env.ok([await getInitiateUnstakeInstructionAsync({ owner: alice.signer, ticket: aliceTicket, amount: ONE_VVV })]);
  await env.refused([await getTransferTicketInstructionAsync({ owner: bob.signer, ticket: aliceTicket, newOwner: bob.signer.address })], 'NotTicketOwner');
  await env.refused([await getTransferTicketInstructionAsync({ owner: alice.signer, ticket: aliceTicket, newOwner: address('11111111111111111111111111111111') })], 'InvalidTicketRecipient');
  // Bob's stake into Alice's position address: not the owner's address.
  const wrong = await getStakeInstructionAsync({ payer: bob.signer, source: bob.vvv, ...vvv, amount: 1n, recipient: bob.signer.address, position: alicePosition });
  await env.refused([wrong], 'NotOwnerAddress');
  await env.refused([await getMintDiemInstructionAsync({ owner: alice.signer, destination: alice.vvv, svvvAmount: ONE_VVV, minDiemOut: 0n })], 'WrongMint');
  const stranger = await generateKeyPairSigner();
  env.svm.airdrop(stranger.address, lamports(1_000_000_000n));
  await env.refused([await getSetPauseInstructionAsync({ authority: stranger, paused: 1 })], 'Unauthorized');
  await env.refused([await getSetMetadataUriInstructionAsync({ authority: env.authority, uri: 'x'.repeat(METADATA_URI_MAX_LEN + 1) })], 'UriTooLong');
  await env.refused([await getSetPauseInstructionAsync({ authority: env.authority, paused: 1 << 9 })], 'UnknownPauseFlag');
});

test('events come out of RPC transactions, lookup tables resolved', () => {
  const dir = join(root, 'app/client/src/decode/fixtures');
  const names = Object.fromEntries(
    readdirSync(dir).map((f) => [f.replace('.json', ''), eventsOfTransaction(JSON.parse(readFileSync(join(dir, f), 'utf8')) as RpcTransaction).map((e) => e.name)]),
  );
  assert.deepEqual(names, {
    diem_moved_to_a_second_wallet: [],
    direct_diem_stake_legacy: ['DiemStaked'],
    lookup_table_created: [],
    proxied_diem_finalize_via_lookup_table: ['DiemUnstakeFinalized'],
    proxied_diem_unstake_via_lookup_table: ['DiemUnstakeInitiated'],
    raw_token_2022_burn: [],
  });
  // A program index past every key is refused, never silently dropped.
  const broken = JSON.parse(readFileSync(join(dir, 'proxied_diem_unstake_via_lookup_table.json'), 'utf8'));
  broken.meta.innerInstructions[0].instructions[0].programIdIndex = 200;
  assert.throws(() => eventsOfTransaction(broken), RangeError);
});
