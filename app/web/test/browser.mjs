// The staking page in a real headless Chromium (Debian's, driven by puppeteer-core) against a
// local validator: a test Wallet Standard wallet signs a stake, a mint with slippage and a burn;
// each transaction confirms and the page shows the new position, which the chain confirms too.
// Screenshots of each state go to $DIEM_SCREENSHOTS (default app/web/dist/screenshots).
//
// Environment: DIEM_RPC_URL (the validator), DIEM_WALLET_KEYPAIR (a funded keypair JSON holding
// VVV), CHROMIUM (default /usr/bin/chromium).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createPrivateKey, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { createSolanaRpc, getAddressDecoder, getTransactionDecoder, getTransactionEncoder } from '@solana/kit';

const here = dirname(fileURLToPath(import.meta.url));
const rpcUrl = process.env.DIEM_RPC_URL ?? 'http://127.0.0.1:8899';
const keypairPath = process.env.DIEM_WALLET_KEYPAIR;
const shots = process.env.DIEM_SCREENSHOTS ?? join(here, '../dist/screenshots');
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const port = Number(process.env.DIEM_PAGE_PORT ?? 18173);

test('stake, mint with slippage and burn from the page, signed by a Wallet Standard wallet', { timeout: 240_000 }, async () => {
  assert.ok(keypairPath, 'DIEM_WALLET_KEYPAIR names the test wallet keypair');
  const secret = Uint8Array.from(JSON.parse(readFileSync(keypairPath, 'utf8')));
  const publicKey = secret.slice(32, 64);
  const address = getAddressDecoder().decode(publicKey);
  // PKCS#8 of an Ed25519 seed: the fixed prefix, then the 32-byte seed.
  const key = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(secret.slice(0, 32))]), format: 'der', type: 'pkcs8' });
  let signed = 0;
  const signTransaction = (base64) => {
    const tx = getTransactionDecoder().decode(Buffer.from(base64, 'base64'));
    const signature = new Uint8Array(sign(null, Buffer.from(tx.messageBytes), key));
    signed++;
    return Buffer.from(getTransactionEncoder().encode({ ...tx, signatures: { ...tx.signatures, [address]: signature } })).toString('base64');
  };

  mkdirSync(shots, { recursive: true });
  const server = spawn(process.execPath, [join(here, '../serve.mjs'), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => String(d).includes('staking page at') && resolve());
    server.on('exit', (code) => reject(new Error(`page server exited ${code}`)));
  });
  const profile = mkdtempSync(join(tmpdir(), 'diem-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    userDataDir: profile,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 1500 });
    const consoleErrors = [];
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.exposeFunction('__diemTestWalletSign', signTransaction);
    await page.evaluateOnNewDocument(`(${readFileSync(join(here, 'test-wallet.js'), 'utf8')})(${JSON.stringify(address)}, ${JSON.stringify([...publicKey])})`);
    await page.goto(`http://127.0.0.1:${port}/?rpc=${encodeURIComponent(rpcUrl)}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await page.waitForSelector('#chart svg #chart-supply');
    await page.screenshot({ path: join(shots, '01-page-before-connecting.png'), fullPage: true });

    const field = (name) => page.$eval(`[data-field="${name}"]`, (el) => el.textContent);
    const number = async (name) => Number((await field(name)).replace(/,/g, ''));
    const status = () => page.$eval('#status', (el) => el.textContent);
    const act = async (label, fill, click) => {
      for (const [selector, value] of Object.entries(fill)) {
        await page.$eval(selector, (el) => (el.value = ''));
        await page.type(selector, value);
      }
      const before = signed;
      await page.$eval('#status', (el) => (el.textContent = ''));
      await page.click(click);
      await page.waitForFunction(() => /confirmed|Refused|Error/.test(document.getElementById('status').textContent), { timeout: 60_000 });
      const text = await status();
      assert.match(text, /confirmed/, `${label}: ${text}`);
      assert.equal(signed, before + 1, `${label}: the wallet signed one transaction`);
    };

    await page.click('#wallets button.connect');
    await page.waitForSelector('#connected');
    await page.waitForSelector('[data-field="svvv-active"]');
    const vvvBefore = await number('vvv-wallet');
    assert.ok(vvvBefore >= 1_000, `the test wallet holds VVV (${vvvBefore})`);
    await page.screenshot({ path: join(shots, '02-connected.png'), fullPage: true });

    await act('stake', { 'form[data-action="stake"] input': '1000' }, '#stake');
    assert.equal(await number('svvv-active'), 1_000);
    assert.equal(await number('vvv-wallet'), vvvBefore - 1_000);
    await page.screenshot({ path: join(shots, '03-staked.png'), fullPage: true });

    // The quote, with slippage, before minting.
    await page.$eval('#mint-slippage', (el) => (el.value = ''));
    await page.type('#mint-slippage', '100');
    await page.type('#mint-amount', '450');
    await page.waitForSelector('#quote-out');
    await page.waitForSelector('#chart-quote');
    const quoted = Number((await page.$eval('#quote-out', (el) => el.textContent)).replace(/,/g, ''));
    const least = Number((await page.$eval('#quote-min', (el) => el.textContent)).replace(/,/g, ''));
    assert.ok(quoted > 0 && least < quoted && least >= quoted * 0.99 - 0.0001, `quote ${quoted}, at least ${least}`);
    await page.screenshot({ path: join(shots, '04-quote-with-slippage.png'), fullPage: true });
    await act('mint', {}, '#mint');
    const minted = await number('diem-outstanding');
    assert.ok(Math.abs(minted - quoted) < 0.0001, `minted ${minted}, quoted ${quoted}`);
    assert.equal(await number('svvv-locked'), 450);
    assert.equal(await number('diem-wallet'), minted);
    await page.screenshot({ path: join(shots, '05-minted.png'), fullPage: true });

    await act('burn', { 'form[data-action="burn"] input': '1' }, '#burn');
    assert.ok(Math.abs((await number('diem-outstanding')) - (minted - 1)) < 0.0001);
    assert.ok((await number('svvv-locked')) < 450, 'burning released locked sVVV');
    await page.screenshot({ path: join(shots, '06-burned.png'), fullPage: true });

    // A refusal shows the program's error by name.
    await page.$eval('form[data-action="unstake"] input', (el) => (el.value = '999999'));
    await page.$eval('#status', (el) => (el.textContent = ''));
    await page.click('#unstake');
    await page.waitForFunction(() => /Refused|Error/.test(document.getElementById('status').textContent), { timeout: 30_000 });
    assert.match(await status(), /Refused by the program: InsufficientUnlocked/);
    await page.screenshot({ path: join(shots, '07-refused-by-name.png'), fullPage: true });

    // An unstake request is a ticket of its own, listed with its unlock time and a countdown;
    // the validator's cooldown is seconds long here, and Finalize enables itself when it is due.
    await act('unstake', { 'form[data-action="unstake"] input': '100' }, '#unstake');
    await page.waitForSelector('#tickets tr[data-kind="sVVV"] [data-countdown]');
    await page.screenshot({ path: join(shots, '08-ticket-with-countdown.png'), fullPage: true });
    await page.waitForSelector('#tickets tr[data-kind="sVVV"] button.finalize:not([disabled])', { timeout: 30_000 });
    const vvvBeforeFinalize = await number('vvv-wallet');
    await act('finalize the ticket', {}, '#tickets tr[data-kind="sVVV"] button.finalize');
    assert.equal(await page.$$eval('#tickets tr[data-ticket]', (rows) => rows.length), 0, 'the finalized ticket is gone');
    assert.equal(await number('vvv-wallet'), vvvBeforeFinalize + 100);
    // DIEM staked for another wallet's credit: shown with its beneficiary.
    const friend = 'GJ6oqC3x3kimEPvN9twaon5yhD6ihiNkWAWULgQGhqHr';
    await act(
      'stake DIEM for another wallet',
      { 'form[data-action="stake-diem"] input[name="amount"]': '1', 'form[data-action="stake-diem"] input[name="beneficiary"]': friend },
      '#stake-diem',
    );
    assert.equal(await number(`diem-for-${friend}`), 1);
    await page.screenshot({ path: join(shots, '09-diem-staked-for-another.png'), fullPage: true });

    // The chain agrees with the page.
    const { getPositionDecoder, findPositionPda } = createRequire(import.meta.url)('../../ts/dist/src/index.js');
    const [positionAddress] = await findPositionPda({ owner: address });
    const info = await createSolanaRpc(rpcUrl).getAccountInfo(positionAddress, { encoding: 'base64', commitment: 'confirmed' }).send();
    const position = getPositionDecoder().decode(Buffer.from(info.value.data[0], 'base64'));
    assert.equal(position.owner, address);
    assert.equal(Number(position.balances.active) / 1e6, 900);
    assert.ok(Math.abs(Number(position.balances.outstandingDiem) / 1e9 - (minted - 1)) < 0.0001);
    assert.deepEqual(consoleErrors, []);
    console.log(`screenshots in ${shots}`);
  } finally {
    await browser.close();
    server.kill();
    rmSync(profile, { recursive: true, force: true });
  }
});
