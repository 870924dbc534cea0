// The staking page in a real headless Chromium (Debian's, driven by puppeteer-core) against a
// local validator: a test Wallet Standard wallet signs a stake, a mint with slippage and a burn,
// all with the keyboard alone; then tickets, DIEM staked for another wallet, a refusal caught
// before signing. Every transaction carries a simulated compute-unit limit and a priority fee;
// each confirms and the page shows the new position, which the chain confirms too. Every state
// visited passes axe-core's WCAG 2.2 AA rules with no serious or critical violation. Screenshots
// at desktop width and at 390 px go to $DIEM_SCREENSHOTS (default app/web/dist/screenshots);
// their list is committed in screenshots.txt and must match.
//
// Last, the record: once the wallet's transactions are finalized, `diem index sync` and
// `diem serve`, and the page opened with `?record=` shows the wallet's history and today's credit.
//
// Environment: DIEM_RPC_URL (the validator), DIEM_WALLET_KEYPAIR (a funded keypair JSON holding
// VVV), DIEM_CLI (the diem binary) and DIEM_DB (the record), CHROMIUM (default /usr/bin/chromium).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createPrivateKey, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { findPositionPda, getPositionDecoder } from '@diem/client';
import { createSolanaRpc, getAddressDecoder, getCompiledTransactionMessageDecoder, getTransactionDecoder, getTransactionEncoder } from '@solana/kit';

const here = dirname(fileURLToPath(import.meta.url));
const rpcUrl = process.env.DIEM_RPC_URL ?? 'http://127.0.0.1:8899';
const keypairPath = process.env.DIEM_WALLET_KEYPAIR;
const shots = process.env.DIEM_SCREENSHOTS ?? join(here, '../dist/screenshots');
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const port = Number(process.env.DIEM_PAGE_PORT ?? 18173);
const require = createRequire(import.meta.url);
const COMPUTE_BUDGET = 'ComputeBudget111111111111111111111111111111';

/** The compute-unit limit and price a signed message sets (`null` where it sets none). */
function computeBudgetOf(messageBytes) {
  const message = getCompiledTransactionMessageDecoder().decode(messageBytes);
  const found = { units: null, microLamports: null };
  for (const ix of message.instructions) {
    if (message.staticAccounts[ix.programAddressIndex] !== COMPUTE_BUDGET || !ix.data) continue;
    const data = Buffer.from(ix.data);
    if (data[0] === 2) found.units = data.readUInt32LE(1);
    if (data[0] === 3) found.microLamports = data.readBigUInt64LE(1);
  }
  return found;
}

/** axe-core's WCAG 2.2 AA rules on the page as it stands: no serious or critical violation. */
async function accessible(page, state) {
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(grave, [], `${state}: axe-core found ${JSON.stringify(grave, null, 1)}`);
}

test('the staking page: every view, the keyboard flow, accessibility, and every action signed by a Wallet Standard wallet', { timeout: 300_000 }, async () => {
  assert.ok(keypairPath, 'DIEM_WALLET_KEYPAIR names the test wallet keypair');
  const secret = Uint8Array.from(JSON.parse(readFileSync(keypairPath, 'utf8')));
  const publicKey = secret.slice(32, 64);
  const address = getAddressDecoder().decode(publicKey);
  // PKCS#8 of an Ed25519 seed: the fixed prefix, then the 32-byte seed.
  const key = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(secret.slice(0, 32))]), format: 'der', type: 'pkcs8' });
  let signed = 0;
  const budgets = [];
  const signTransaction = (base64) => {
    const tx = getTransactionDecoder().decode(Buffer.from(base64, 'base64'));
    budgets.push(computeBudgetOf(tx.messageBytes));
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
    const DESKTOP = { width: 1100, height: 1500 };
    await page.setViewport(DESKTOP);
    const consoleErrors = [];
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.exposeFunction('__diemTestWalletSign', signTransaction);
    await page.evaluateOnNewDocument(`(${readFileSync(join(here, 'test-wallet.js'), 'utf8')})(${JSON.stringify(address)}, ${JSON.stringify([...publicKey])})`);
    await page.goto(`http://127.0.0.1:${port}/?rpc=${encodeURIComponent(rpcUrl)}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await page.waitForSelector('#chart svg #chart-supply');
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });

    const taken = [];
    // Each state: axe-core at desktop width, then a screenshot at desktop width and at 390 px
    // (axe again at 390, where the layout reflows).
    const visit = async (name) => {
      await accessible(page, name);
      await page.screenshot({ path: join(shots, `${name}-desktop.png`), fullPage: true });
      await page.setViewport({ width: 390, height: 844 });
      await accessible(page, `${name} at 390 px`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `${name} at 390 px: nothing scrolls sideways (the page is ${width} px wide)`);
      await page.screenshot({ path: join(shots, `${name}-390.png`), fullPage: true });
      await page.setViewport(DESKTOP);
      taken.push(`${name}-desktop.png`, `${name}-390.png`);
    };
    const field = (name) => page.$eval(`[data-field="${name}"]`, (el) => el.textContent);
    // "1,000 sVVV" → 1000
    const number = async (name) => Number((await field(name)).replace(/,/g, '').replace(/[^0-9.].*$/, ''));
    const status = () => page.$eval('#status', (el) => el.textContent);
    const disabled = (selector) => page.$eval(selector, (el) => el.disabled);
    const why = (action) => page.$eval(`#${action}-why`, (el) => el.textContent);
    const settle = async (label, before) => {
      await page.waitForFunction(() => /confirmed|Refused|Error|declined|no SOL|Not enough/.test(document.getElementById('status').textContent), { timeout: 60_000 });
      const text = await status();
      assert.match(text, /confirmed/, `${label}: ${text}`);
      assert.equal(signed, before + 1, `${label}: the wallet signed one transaction`);
    };
    const act = async (label, fill, click) => {
      for (const [selector, value] of Object.entries(fill)) {
        await page.$eval(selector, (el) => (el.value = ''));
        await page.type(selector, value);
      }
      const before = signed;
      await page.$eval('#status', (el) => (el.textContent = ''));
      await page.click(click);
      await settle(label, before);
    };
    // The keyboard alone: Tab to the field (bounded), type, Enter submits the form.
    const tabTo = async (selector) => {
      for (let i = 0; i < 150; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
      }
      throw new Error(`Tab never reached ${selector}`);
    };
    const byKeyboard = async (label, input, value) => {
      await tabTo(input);
      await page.keyboard.type(value);
      await page.$eval('#status', (el) => (el.textContent = ''));
      const before = signed;
      await page.keyboard.press('Enter');
      await settle(label, before);
    };

    // Before connecting: the curve, the trust assumptions, the pending change; no action offered.
    assert.match(await page.$eval('#trust', (el) => el.textContent), /Upgrade authority: \S+ can replace the program/);
    assert.match(await page.$eval('#trust', (el) => el.textContent), /The launch is over/);
    assert.ok(await page.$('li.change[data-change="EmissionRate"]'), 'the proposed emission rate is listed');
    assert.match(await page.$eval('#changes', (el) => el.textContent), /Anyone may apply it from \d{4}-\d\d-\d\d/);
    assert.equal(await disabled('#stake'), true, 'no wallet, no stake');
    await visit('01-before-connecting');

    await tabTo('#wallets button.connect');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#connected');
    await page.waitForSelector('[data-field="svvv-active"]');
    const vvvBefore = await number('vvv-wallet');
    assert.ok(vvvBefore >= 1_000, `the test wallet holds VVV (${vvvBefore})`);
    assert.ok((await number('sol-wallet')) > 0, 'the SOL balance is shown');
    // Offered only when it can succeed, and saying why not.
    assert.equal(await disabled('#stake'), true, 'nothing typed, nothing to stake');
    assert.equal(await disabled('#burn'), true);
    assert.match(await why('burn'), /no DIEM minted/);
    assert.equal(await disabled('#unstake'), true);
    assert.match(await why('unstake'), /No sVVV staked/);
    await page.type('#stake-amount', String(vvvBefore + 1));
    assert.equal(await disabled('#stake'), true);
    assert.match(await why('stake'), /More than the .* VVV you can use here/);
    await page.$eval('#stake-amount', (el) => (el.value = ''));
    await page.type('#stake-amount', '12.3456789');
    assert.match(await why('stake'), /at most 6 decimals/);
    await page.$eval('#stake-amount', (el) => (el.value = ''));
    await visit('02-connected');

    // stake → mint → burn, by keyboard.
    await byKeyboard('stake', '#stake-amount', '1000');
    assert.equal(await number('svvv-active'), 1_000);
    assert.equal(await number('svvv-unlocked'), 1_000);
    assert.equal(await number('vvv-wallet'), vvvBefore - 1_000);
    assert.ok(await page.$('li.change.hurts[data-change="EmissionRate"]'), 'a lower emission rate is flagged once this wallet stakes');
    assert.match(await page.$eval('li.change.hurts', (el) => el.textContent), /would hurt you: your staked VVV would earn less/);
    assert.ok((await number('earn-per-day')) > 0, 'the yield estimate for this holder');
    await visit('03-staked-change-flagged');

    await page.$eval('#mint-slippage', (el) => (el.value = ''));
    await page.type('#mint-slippage', '100');
    await page.type('#mint-amount', '450');
    await page.waitForSelector('#chart-quote');
    const hint = await page.$eval('#mint-hint', (el) => el.textContent);
    const [, quotedText, leastText] = /About ([\d,.]+) DIEM, at least ([\d,.]+)/.exec(hint) ?? [];
    const quoted = Number(quotedText.replace(/,/g, ''));
    const least = Number(leastText.replace(/,/g, ''));
    assert.ok(quoted > 0 && least < quoted && least >= quoted * 0.99 - 0.0001, `quote ${quoted}, at least ${least}`);
    assert.match(await page.$eval('#chart-caption', (el) => el.textContent), /The lock typed below would take the supply to/);
    await visit('04-quote-with-slippage');
    await page.$eval('#mint-amount', (el) => (el.value = ''));
    await byKeyboard('mint', '#mint-amount', '450');
    const minted = await number('diem-outstanding');
    assert.ok(Math.abs(minted - quoted) < 0.0001, `minted ${minted}, quoted ${quoted}`);
    assert.equal(await number('svvv-locked'), 450);
    assert.equal(await number('svvv-unlocked'), 550, 'active = locked + unlocked');
    assert.equal(await number('diem-wallet'), minted);
    // The chart is centred on today's supply: its window is a few buckets, not the whole curve.
    assert.match(await page.$eval('#chart-caption', (el) => el.textContent), /^Supply now [\d,.]+ DIEM; the next DIEM costs [\d,.]+ VVV of locked sVVV, up to [\d,]+ DIEM/);

    await tabTo('#burn-amount');
    await page.keyboard.type('1');
    assert.match(await page.$eval('#burn-hint', (el) => el.textContent), /Releases [\d,.]+ sVVV, your position's own average/);
    const releasedSaid = Number(/Releases ([\d,.]+) sVVV/.exec(await page.$eval('#burn-hint', (el) => el.textContent))[1].replace(/,/g, ''));
    await page.$eval('#status', (el) => (el.textContent = ''));
    let before = signed;
    await page.keyboard.press('Enter');
    await settle('burn', before);
    assert.ok(Math.abs((await number('diem-outstanding')) - (minted - 1)) < 0.0001);
    const lockedAfter = await number('svvv-locked');
    assert.ok(Math.abs(450 - lockedAfter - releasedSaid) < 0.0002, `the burn released what the page said: ${releasedSaid}, locked now ${lockedAfter}`);
    await visit('05-minted-and-burned');

    // A refusal the page cannot foresee (the all-zero key as beneficiary) is caught by the
    // simulation, named, and never reaches the wallet.
    await page.type('#stake-diem-amount', '1');
    await page.type('#stake-diem-beneficiary', '11111111111111111111111111111111');
    before = signed;
    await page.$eval('#status', (el) => (el.textContent = ''));
    await page.click('#stake-diem');
    await page.waitForFunction(() => /Refused|Error/.test(document.getElementById('status').textContent), { timeout: 30_000 });
    assert.match(await status(), /^Refused by the program: \w+/);
    assert.equal(signed, before, 'refused before the wallet was asked');
    await visit('06-refused-by-name');
    await page.$eval('#stake-diem-beneficiary', (el) => (el.value = ''));
    await page.$eval('#stake-diem-amount', (el) => (el.value = ''));

    // An unstake request is a ticket of its own, listed with its unlock time and a countdown;
    // the validator's cooldown is seconds long here, and Finalize enables itself when it is due.
    // Max fills in all the unlocked sVVV.
    await page.click('button[data-max="unstake"]');
    const unlocked = await number('svvv-unlocked');
    const max = Number(await page.$eval('#unstake-amount', (el) => el.value));
    assert.ok(max >= unlocked && max - unlocked < 0.0001, `Max filled ${max}; the page shows ${unlocked} (to 4 decimals)`);
    assert.match(await page.$eval('#unstake-hint', (el) => el.textContent), /unlocks 2 seconds after it opens/);
    await act('unstake', { '#unstake-amount': '100' }, '#unstake');
    await page.waitForSelector('#tickets tr[data-kind="sVVV"] [data-countdown]');
    await visit('07-ticket-with-countdown');
    await page.waitForSelector('#tickets tr[data-kind="sVVV"] button.finalize:not([disabled])', { timeout: 30_000 });
    const vvvBeforeFinalize = await number('vvv-wallet');
    await act('finalize the ticket', {}, '#tickets tr[data-kind="sVVV"] button.finalize');
    assert.match(await status(), /Ticket finalized: 100 VVV paid to this wallet/);
    assert.equal(await page.$$eval('#tickets tr[data-ticket]', (rows) => rows.length), 0, 'the finalized ticket is gone');
    assert.equal(await number('vvv-wallet'), vvvBeforeFinalize + 100);

    // DIEM staked for another wallet's credit, shown with its beneficiary; DIEM staked for
    // this one shows as tomorrow's credit.
    const friend = 'GJ6oqC3x3kimEPvN9twaon5yhD6ihiNkWAWULgQGhqHr';
    await act('stake DIEM for another wallet', { '#stake-diem-amount': '1', '#stake-diem-beneficiary': friend }, '#stake-diem');
    assert.equal(await number(`diem-for-${friend}`), 1);
    await page.$eval('#stake-diem-beneficiary', (el) => (el.value = ''));
    await act('stake DIEM for this wallet', { '#stake-diem-amount': '2' }, '#stake-diem');
    assert.equal(await field('credit-tomorrow'), '$2.00 a day');
    assert.equal(await number('diem-staked'), 2);
    await visit('08-diem-staked-credit');

    // Every transaction carried a simulated limit (well under the 200,000 default) and a price.
    assert.equal(budgets.length, signed);
    for (const b of budgets) {
      assert.ok(b.units !== null && b.units >= 1_000 && b.units < 200_000, `a compute-unit limit from the simulation: ${b.units}`);
      assert.ok(b.microLamports !== null && b.microLamports >= 1n, `a priority fee: ${b.microLamports}`);
    }

    // The chain agrees with the page.
    const [positionAddress] = await findPositionPda({ owner: address });
    const info = await createSolanaRpc(rpcUrl).getAccountInfo(positionAddress, { encoding: 'base64', commitment: 'confirmed' }).send();
    const position = getPositionDecoder().decode(Buffer.from(info.value.data[0], 'base64'));
    assert.equal(position.owner, address);
    assert.equal(Number(position.balances.active) / 1e6, 900);
    assert.ok(Math.abs(Number(position.balances.outstandingDiem) / 1e9 - (minted - 1)) < 0.0001);
    assert.deepEqual(consoleErrors, []);
    // The record: the wallet's finalized transactions synced, served, and read by the page.
    const cli = process.env.DIEM_CLI;
    assert.ok(cli && process.env.DIEM_DB, 'DIEM_CLI and DIEM_DB name the diem binary and the record');
    const rpc = createSolanaRpc(rpcUrl);
    const last = await rpc.getSlot({ commitment: 'confirmed' }).send();
    for (let i = 0; i < 120 && (await rpc.getSlot({ commitment: 'finalized' }).send()) < last; i++) await new Promise((r) => setTimeout(r, 500));
    const synced = spawnSync(cli, ['--url', rpcUrl, 'index', 'sync'], { encoding: 'utf8' });
    assert.equal(synced.status, 0, `index sync: ${synced.stderr}`);
    const recordPort = port + 1;
    const record = spawn(cli, ['--url', rpcUrl, 'serve', '--no-follow', '--bind', `127.0.0.1:${recordPort}`], { stdio: 'ignore' });
    try {
      const recordUrl = `http://127.0.0.1:${recordPort}`;
      let up = false;
      for (let i = 0; i < 60 && !up; i++) {
        up = await fetch(`${recordUrl}/health`).then((r) => r.ok, () => false);
        if (!up) await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(up, 'diem serve answers');
      await page.goto(`http://127.0.0.1:${port}/?rpc=${encodeURIComponent(rpcUrl)}&record=${encodeURIComponent(recordUrl)}`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
      await page.click('#wallets button.connect');
      await page.waitForSelector('#history-section:not([hidden]) #history tr[data-kind]', { timeout: 30_000 });
      const kinds = await page.$$eval('#history tr[data-kind]', (rows) => rows.map((r) => r.dataset.kind));
      for (const kind of ['Staked', 'DiemMinted', 'DiemBurned', 'UnstakeInitiated', 'UnstakeFinalized', 'DiemStaked']) {
        assert.ok(kinds.includes(kind), `the history shows ${kind}: ${kinds}`);
      }
      assert.match(await field('credit-today'), /^\$\d/, "today's credit from the record");
      await visit('09-history-from-the-record');
    } finally {
      record.kill();
    }

    // The committed list of screenshots is what the test took.
    const listed = readFileSync(join(here, 'screenshots.txt'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    assert.deepEqual(taken, listed, 'app/web/test/screenshots.txt lists every screenshot, in order');
    console.log(`${taken.length} screenshots in ${shots}; ${budgets.length} transactions, limits ${budgets.map((b) => b.units).join(', ')} CU`);
  } finally {
    await browser.close();
    server.kill();
    rmSync(profile, { recursive: true, force: true });
  }
});
