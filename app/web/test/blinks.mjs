// The Blinks `diem serve` offers, used the way a wallet uses them, on a local validator: read
// actions.json and each action's metadata (with the Actions CORS headers), POST the wallet's
// account, sign what comes back with the test keypair, send it, and see the program's state
// change: stake, then mint, then stake DIEM. Bad input is refused with a 4xx JSON message, and a
// transaction that would fail is refused (422) before any wallet signs. The token metadata and
// logo are served too.
//
// Environment: DIEM_RPC_URL (the validator), DIEM_SERVE_URL (`diem serve`), DIEM_WALLET_KEYPAIR
// (a keypair JSON holding SOL and at least 1,000 VVV).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  createKeyPairFromBytes,
  createSolanaRpc,
  getAddressFromPublicKey,
  getBase64EncodedWireTransaction,
  getCompiledTransactionMessageDecoder,
  getTransactionDecoder,
  signTransaction,
} from '@solana/kit';
import { fetchMaybeDiemStake, fetchMaybePosition, findDiemStakePda, findPositionPda } from '@diem/client';

const rpcUrl = process.env.DIEM_RPC_URL ?? 'http://127.0.0.1:8899';
const serveUrl = process.env.DIEM_SERVE_URL ?? 'http://127.0.0.1:8080';
const keypairPath = process.env.DIEM_WALLET_KEYPAIR;
const rpc = createSolanaRpc(rpcUrl);
const COMPUTE_BUDGET = 'ComputeBudget111111111111111111111111111111';

async function getJson(path, init) {
  const response = await fetch(`${serveUrl}${path}`, init);
  assert.equal(response.headers.get('access-control-allow-origin'), '*', `${path}: CORS origin`);
  assert.equal(response.headers.get('x-action-version') !== null || path.startsWith('/metadata'), true, `${path}: X-Action-Version`);
  return { status: response.status, body: await response.json() };
}

const post = (path, account) => getJson(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ account }) });

/** Signs the returned transaction as a wallet would, sends it and waits (bounded) for it to confirm. */
async function signAndSend(keyPair, address, base64) {
  const tx = getTransactionDecoder().decode(Buffer.from(base64, 'base64'));
  const message = getCompiledTransactionMessageDecoder().decode(tx.messageBytes);
  assert.equal(message.staticAccounts[0], address, 'the wallet pays the fee');
  const budget = message.instructions.filter((ix) => message.staticAccounts[ix.programAddressIndex] === COMPUTE_BUDGET).map((ix) => ix.data[0]);
  assert.deepEqual(budget.sort(), [2, 3], 'a compute-unit limit and a price');
  const signed = await signTransaction([keyPair], tx);
  const signature = await rpc.sendTransaction(getBase64EncodedWireTransaction(signed), { encoding: 'base64', preflightCommitment: 'confirmed' }).send();
  for (let i = 0; i < 120; i++) {
    const [status] = (await rpc.getSignatureStatuses([signature]).send()).value;
    if (status?.err) throw new Error(`${signature} failed: ${JSON.stringify(status.err)}`);
    if (status?.confirmationStatus === 'confirmed' || status?.confirmationStatus === 'finalized') return signature;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${signature} not confirmed in 30 s`);
}

test('Blinks: stake, mint and stake DIEM signed by a wallet on the validator; refusals named', { timeout: 120_000 }, async () => {
  assert.ok(keypairPath, 'DIEM_WALLET_KEYPAIR names the wallet');
  const keyPair = await createKeyPairFromBytes(Uint8Array.from(JSON.parse(readFileSync(keypairPath, 'utf8'))));
  const address = await getAddressFromPublicKey(keyPair.publicKey);

  const rules = await getJson('/actions.json');
  assert.deepEqual(rules.body.rules, [{ pathPattern: '/api/actions/**', apiPath: '/api/actions/**' }]);
  const preflight = await fetch(`${serveUrl}/api/actions/stake`, { method: 'OPTIONS' });
  assert.equal(preflight.status, 200);
  assert.match(preflight.headers.get('access-control-allow-methods'), /POST/);

  for (const name of ['stake', 'mint', 'stake-diem']) {
    const { status, body } = await getJson(`/api/actions/${name}`);
    assert.equal(status, 200, name);
    assert.equal(body.type, 'action');
    assert.equal(body.icon, `${serveUrl}/metadata/diem.svg`);
    assert.ok(body.links.actions.some((a) => a.href.includes('{amount}') && a.parameters?.[0]?.name === 'amount'), `${name} takes a typed amount`);
  }

  // Refusals: each a 4xx with a message, nothing to sign.
  assert.equal((await getJson('/api/actions/unstake')).status, 404);
  const badAccount = await post('/api/actions/stake?amount=1', 'not-an-address');
  assert.equal(badAccount.status, 400);
  assert.match(badAccount.body.message, /not a Solana address/);
  const badAmount = await post('/api/actions/stake?amount=12abc', address);
  assert.equal(badAmount.status, 400);
  assert.match(badAmount.body.message, /amount/);
  const tooMuch = await post('/api/actions/stake?amount=1000000000', address);
  assert.equal(tooMuch.status, 422, JSON.stringify(tooMuch.body));
  assert.match(tooMuch.body.message, /^Refused: not enough tokens in the source account/);
  const nothingToLock = await post('/api/actions/mint?amount=10', address);
  assert.equal(nothingToLock.status, 422, 'no sVVV yet: the mint is refused by the simulation');
  assert.match(nothingToLock.body.message, /Refused by the program: \w+/);

  // stake → mint → stake DIEM, each the way a wallet does it.
  const [positionAddress] = await findPositionPda({ owner: address });
  const staked = await post('/api/actions/stake?amount=1000', address);
  assert.equal(staked.status, 200, JSON.stringify(staked.body));
  assert.match(staked.body.message, /^Stake 1000 VVV \(compute-unit limit \d+, priority fee \d+ micro-lamports a unit\)/);
  await signAndSend(keyPair, address, staked.body.transaction);
  const position = await fetchMaybePosition(rpc, positionAddress, { commitment: 'confirmed' });
  assert.ok(position.exists);
  assert.equal(position.data.balances.active, 1_000n * 10n ** 6n);

  const minted = await post('/api/actions/mint?amount=100', address);
  assert.equal(minted.status, 200, JSON.stringify(minted.body));
  assert.match(minted.body.message, /^Mint about [\d,.]+ DIEM for 100 sVVV/);
  await signAndSend(keyPair, address, minted.body.transaction);
  const afterMint = await fetchMaybePosition(rpc, positionAddress, { commitment: 'confirmed' });
  assert.ok(afterMint.exists && afterMint.data.balances.locked === 100n * 10n ** 6n && afterMint.data.balances.outstandingDiem > 0n);

  const stakedDiem = await post('/api/actions/stake-diem?amount=1', address);
  assert.equal(stakedDiem.status, 200, JSON.stringify(stakedDiem.body));
  await signAndSend(keyPair, address, stakedDiem.body.transaction);
  const stake = await fetchMaybeDiemStake(rpc, (await findDiemStakePda({ owner: address, beneficiary: address }))[0], { commitment: 'confirmed' });
  assert.ok(stake.exists);
  assert.equal(stake.data.staked, 10n ** 9n);

  // The token metadata wallets read, with its logo at this server.
  const metadata = await getJson('/metadata/diem.json');
  assert.equal(metadata.body.symbol, 'DIEM');
  assert.equal(metadata.body.image, `${serveUrl}/metadata/diem.svg`);
  const logo = await fetch(metadata.body.image);
  assert.equal(logo.headers.get('content-type'), 'image/svg+xml');
  assert.match(await logo.text(), /<svg/);
});
