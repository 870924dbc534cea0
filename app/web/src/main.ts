// The staking page: reads the program's accounts over the RPC URL it is given (`?rpc=`), shows
// the connected wallet's position and the curve, and sends each action signed by the wallet.
import {
  appendTransactionMessageInstructions,
  createSolanaRpc,
  createTransactionMessage,
  getBase64EncodedWireTransaction,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Address,
  type Instruction,
  type TransactionPartialSigner,
} from '@solana/kit';
import type { Wallet } from '@wallet-standard/base';
import {
  associatedTokenAddress,
  countdown,
  createAssociatedTokenIdempotent,
  DIEM_PROGRAM_ADDRESS,
  diemStakesOfFilters,
  stakesFromAccounts,
  DIEM_DECIMALS,
  diemErrorOf,
  fetchConfig,
  fetchCurve,
  fetchMaybeDiemStake,
  fetchMaybePosition,
  findConfigPda,
  findCurvePda,
  findDiemStakePda,
  findPositionPda,
  getBurnDiemInstructionAsync,
  getCancelDiemUnstakeInstructionAsync,
  getCancelUnstakeInstructionAsync,
  getClaimRewardsInstructionAsync,
  getFinalizeDiemUnstakeInstructionAsync,
  getFinalizeUnstakeInstructionAsync,
  getInitiateDiemUnstakeInstructionAsync,
  getInitiateUnstakeInstructionAsync,
  getMintDiemInstructionAsync,
  getStakeDiemInstructionAsync,
  getStakeInstructionAsync,
  minDiemOut,
  nextTicketAddress,
  ONE_DIEM,
  positionView,
  ticketsFromAccounts,
  ticketsOfFilters,
  type TicketView,
  QuoteError,
  quoteMint,
  TOKEN_2022_PROGRAM_ADDRESS,
  type Config,
  type CurveEntry,
  type MintQuote,
} from '@diem/client';
import { curveChart } from './chart';
import { formatAmount, formatTime, parseAmount } from './format';
import { connect, walletSigner, watchWallets } from './wallet';

const params = new URLSearchParams(location.search);
const rpcUrl = params.get('rpc') ?? 'http://127.0.0.1:8899';
const loopback = /^https?:\/\/(127\.0\.0\.1|localhost)(:|\/|$)/.test(rpcUrl);
const chain = (params.get('chain') ?? (loopback ? 'solana:localnet' : 'solana:mainnet')) as `${string}:${string}`;
const rpc = createSolanaRpc(rpcUrl);
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

type State = {
  config: Config | null;
  curve: readonly CurveEntry[];
  signer: TransactionPartialSigner | null;
  vvvAccount: Address | null;
  diemAccount: Address | null;
  /** The wallet's open unstake tickets, soonest first. */
  tickets: TicketView[];
  /** Cluster time minus this machine's, so countdowns tick between refreshes. */
  clockOffset: bigint;
  busy: boolean;
};
const state: State = { config: null, curve: [], signer: null, vvvAccount: null, diemAccount: null, tickets: [], clockOffset: 0n, busy: false };

function status(text: string, kind: 'ok' | 'error' | '' = '') {
  const el = $('status');
  el.textContent = text;
  el.className = `status ${kind}`;
}

async function balance(account: Address | null): Promise<bigint> {
  if (!account) return 0n;
  try {
    return BigInt((await rpc.getTokenAccountBalance(account, { commitment: 'confirmed' }).send()).value.amount);
  } catch {
    return 0n; // no account yet
  }
}

async function clusterTime(): Promise<bigint> {
  try {
    const slot = await rpc.getSlot({ commitment: 'confirmed' }).send();
    const t = await rpc.getBlockTime(slot).send();
    if (t !== null) return BigInt(t);
  } catch {
    // fall back to this machine's clock
  }
  return BigInt(Math.floor(Date.now() / 1000));
}

async function refresh() {
  const [configAddress] = await findConfigPda();
  const config = (await fetchConfig(rpc, configAddress, { commitment: 'confirmed' })).data;
  state.config = config;
  state.curve = (await fetchCurve(rpc, (await findCurvePda())[0], { commitment: 'confirmed' })).data.entries;
  $('cluster').textContent = `${chain} · ${rpcUrl}`;
  renderQuote();
  const signer = state.signer;
  const rows: [string, string, string][] = [];
  if (signer) {
    const owner = signer.address;
    const [position, diemStake, now, vvv, diem, tickets] = await Promise.all([
      fetchMaybePosition(rpc, (await findPositionPda({ owner }))[0], { commitment: 'confirmed' }),
      fetchMaybeDiemStake(rpc, (await findDiemStakePda({ owner, beneficiary: owner }))[0], { commitment: 'confirmed' }),
      clusterTime(),
      balance(state.vvvAccount),
      balance(state.diemAccount),
      rpc.getProgramAccounts(DIEM_PROGRAM_ADDRESS, { encoding: 'base64', commitment: 'confirmed', filters: ticketsOfFilters(owner) }).send(),
    ]);
    const controlled = stakesFromAccounts(
      (await rpc.getProgramAccounts(DIEM_PROGRAM_ADDRESS, { encoding: 'base64', commitment: 'confirmed', filters: diemStakesOfFilters(owner) }).send()) as never,
    );
    state.clockOffset = now - BigInt(Math.floor(Date.now() / 1000));
    state.tickets = ticketsFromAccounts(tickets as never, now);
    const v = positionView(config, position.exists ? position.data : null, diemStake.exists ? diemStake.data : null, now);
    const d = config.vvvDecimals;
    rows.push(
      ['vvv-wallet', 'VVV in wallet', formatAmount(vvv, d)],
      ['svvv-active', 'sVVV active', formatAmount(v.svvvActive, d)],
      ['svvv-locked', 'sVVV locked (backs DIEM)', formatAmount(v.svvvLocked, d)],
      ['svvv-unlocked', 'sVVV unlocked', formatAmount(v.svvvUnlocked, d)],
      ['rewards', 'Rewards pending, VVV', formatAmount(v.pendingRewards, d)],
      ['diem-outstanding', 'DIEM minted (outstanding)', formatAmount(v.diemOutstanding, DIEM_DECIMALS)],
      ['diem-wallet', 'DIEM in wallet', formatAmount(diem, DIEM_DECIMALS)],
      ['diem-staked', 'DIEM staked for your credit ($1 of inference a day each)', formatAmount(v.diemStaked, DIEM_DECIMALS)],
      ...controlled
        .filter((s) => s.beneficiary !== owner)
        .map((s): [string, string, string] => [`diem-for-${s.beneficiary}`, `DIEM you staked for ${s.beneficiary.slice(0, 4)}…${s.beneficiary.slice(-4)}`, formatAmount(s.staked, DIEM_DECIMALS)]),
      ['lock-rate', 'Average lock rate, VVV per DIEM', v.averageLockRate === null ? '—' : formatAmount(v.averageLockRate, d)],
    );
    $('owner').textContent = `Owner ${owner}`;
  }
  $('position').querySelector('tbody')!.innerHTML = rows
    .map(([id, label, value]) => `<tr><td>${label}</td><td data-field="${id}">${value}</td></tr>`)
    .join('');
  renderTickets();
}

/** The wallet's tickets: each with its amount, unlock time and a live countdown, finalize when due. */
function renderTickets() {
  const d = state.config?.vvvDecimals ?? 0;
  const body = $('tickets').querySelector('tbody')!;
  $('no-tickets').hidden = state.tickets.length > 0;
  body.innerHTML = state.tickets
    .map((t) => {
      const amount = formatAmount(t.amount, t.kind === 'DIEM' ? DIEM_DECIMALS : d);
      return `<tr data-ticket="${t.address}" data-kind="${t.kind}">
        <td>${amount} ${t.kind}</td>
        <td>${formatTime(t.unlockAt)}</td>
        <td data-countdown="${t.unlockAt}">${countdown(t.secondsLeft)}</td>
        <td><button class="finalize" data-ticket-action="finalize" ${t.ready ? '' : 'disabled'}>Finalize</button>
            <button class="cancel" data-ticket-action="cancel">Cancel</button></td>
      </tr>`;
    })
    .join('');
  body.querySelectorAll<HTMLButtonElement>('button[data-ticket-action]').forEach((b) =>
    b.addEventListener('click', () => {
      const row = b.closest('tr')!;
      void run(`${b.dataset.ticketAction}-ticket`, null, row.dataset.ticket as Address);
    }),
  );
}

let rereading = false;

/** Ticks every countdown once a second. When one reaches zero the page reads the cluster again:
 * Finalize is enabled by the cluster's clock (what the program checks), not this machine's. */
function tick() {
  const now = BigInt(Math.floor(Date.now() / 1000)) + state.clockOffset;
  let due = false;
  document.querySelectorAll<HTMLElement>('[data-countdown]').forEach((el) => {
    const left = BigInt(el.dataset.countdown!) - now;
    el.textContent = countdown(left);
    const finalize = el.closest('tr')?.querySelector<HTMLButtonElement>('button.finalize');
    due ||= left <= 0n && finalize?.disabled === true;
  });
  if (due && !state.busy && !rereading) {
    rereading = true;
    refresh().finally(() => (rereading = false));
  }
}

/** The mint form as typed: the lock, its quote now, and the least DIEM the slippage accepts. */
function mintOrder(config: Config): { amount: bigint; slippage: number; quote: MintQuote; least: bigint } {
  const amount = parseAmount(($('mint-amount') as HTMLInputElement).value, config.vvvDecimals, 'sVVV to lock');
  const slippage = Number(($('mint-slippage') as HTMLInputElement).value);
  const quote = quoteMint(state.curve, config.pool.outstandingDiem, amount);
  return { amount, slippage, quote, least: minDiemOut(quote.diemOut, slippage) };
}

function renderQuote() {
  const config = state.config;
  if (!config || state.curve.length === 0) return;
  let quoted: MintQuote | null = null;
  let line = '';
  if (($('mint-amount') as HTMLInputElement).value.trim()) {
    try {
      const { slippage, quote, least } = mintOrder(config);
      quoted = quote;
      line = `<span id="quote-out">${formatAmount(quote.diemOut, DIEM_DECIMALS)}</span> DIEM at a marginal rate of ${formatAmount(quote.marginalRate, config.vvvDecimals)} VVV per DIEM; at least <span id="quote-min">${formatAmount(least, DIEM_DECIMALS)}</span> with ${slippage} bps slippage.`;
    } catch (e) {
      line = e instanceof QuoteError ? `The curve refuses this lock: ${e.code}` : (e as Error).message;
    }
  }
  $('quote').innerHTML = line;
  const supply = config.pool.outstandingDiem;
  $('chart').innerHTML = curveChart(state.curve, supply, quoted?.supplyAfter ?? null, ONE_DIEM, 10n ** BigInt(config.vvvDecimals));
}

async function send(label: string, instructions: Instruction[]) {
  const signer = state.signer;
  if (!signer) throw new Error('Connect a wallet first');
  const { value: blockhash } = await rpc.getLatestBlockhash({ commitment: 'confirmed' }).send();
  const message = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(signer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash(blockhash, m),
    (m) => appendTransactionMessageInstructions(instructions, m),
  );
  status(`${label}: waiting for the wallet…`);
  const signed = await signTransactionMessageWithSigners(message);
  status(`${label}: sending…`);
  const signature = await rpc
    .sendTransaction(getBase64EncodedWireTransaction(signed), { encoding: 'base64', preflightCommitment: 'confirmed' })
    .send();
  // Bounded: about 45 seconds, then the page says it does not know.
  for (let i = 0; i < 90; i++) {
    const [s] = (await rpc.getSignatureStatuses([signature]).send()).value;
    if (s?.err) throw new Error(`${label} failed on chain: ${JSON.stringify(s.err)}`);
    if (s && (s.confirmationStatus === 'confirmed' || s.confirmationStatus === 'finalized')) return signature;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${label}: not confirmed after 45 s (signature ${signature})`);
}

function amountOf(form: HTMLFormElement, decimals: number, what: string): bigint {
  return parseAmount((form.elements.namedItem('amount') as HTMLInputElement).value, decimals, what);
}

async function instructionsFor(action: string, form: HTMLFormElement | null, ticketAddress?: Address): Promise<[string, Instruction[]]> {
  const config = state.config!;
  const owner = state.signer!;
  const me = owner.address;
  const ticket = state.tickets.find((t) => t.address === ticketAddress);
  const vvv = { vvvMint: config.vvvMint, vvvTokenProgram: config.vvvTokenProgram };
  const d = config.vvvDecimals;
  switch (action) {
    case 'stake': {
      const amount = amountOf(form!, d, 'VVV to stake');
      return [`Staked ${formatAmount(amount, d)} VVV`, [await getStakeInstructionAsync({ payer: owner, source: state.vvvAccount!, ...vvv, amount, recipient: owner.address })]];
    }
    case 'unstake': {
      const amount = amountOf(form!, d, 'sVVV to unstake');
      const [positionAddress] = await findPositionPda({ owner: me });
      const position = await fetchMaybePosition(rpc, positionAddress, { commitment: 'confirmed' });
      const next = await nextTicketAddress(positionAddress, position.exists ? position.data.ticketsOpened : 0n);
      return [`Unstake ticket for ${formatAmount(amount, d)} sVVV opened`, [await getInitiateUnstakeInstructionAsync({ owner, ticket: next, amount })]];
    }
    case 'finalize-ticket':
    case 'cancel-ticket': {
      if (!ticket) throw new Error('That ticket is no longer open');
      const accounts = { owner, ticket: ticket.address, rentPayer: ticket.rentPayer };
      if (action === 'cancel-ticket') {
        const ix =
          ticket.kind === 'DIEM'
            ? await getCancelDiemUnstakeInstructionAsync({ ...accounts, beneficiary: me })
            : await getCancelUnstakeInstructionAsync(accounts);
        return [`Ticket cancelled: ${ticket.kind} back in your stake`, [ix]];
      }
      const ix =
        ticket.kind === 'DIEM'
          ? await getFinalizeDiemUnstakeInstructionAsync({ ...accounts, destination: state.diemAccount! })
          : await getFinalizeUnstakeInstructionAsync({ ...accounts, destination: state.vvvAccount!, ...vvv });
      return [`Ticket finalized: ${ticket.kind} paid out`, [ix]];
    }
    case 'claim':
      return ['Rewards claimed', [await getClaimRewardsInstructionAsync({ owner, destination: state.vvvAccount!, ...vvv })]];
    case 'mint': {
      const { amount, quote, least } = mintOrder(config);
      return [
        `Minted about ${formatAmount(quote.diemOut, DIEM_DECIMALS)} DIEM`,
        [
          await createAssociatedTokenIdempotent(owner, owner.address, config.diemMint, TOKEN_2022_PROGRAM_ADDRESS),
          await getMintDiemInstructionAsync({ owner, destination: state.diemAccount!, svvvAmount: amount, minDiemOut: least }),
        ],
      ];
    }
    case 'burn': {
      const amount = amountOf(form!, DIEM_DECIMALS, 'DIEM to burn');
      return [`Burned ${formatAmount(amount, DIEM_DECIMALS)} DIEM`, [await getBurnDiemInstructionAsync({ owner, source: state.diemAccount!, amount })]];
    }
    case 'stake-diem': {
      const amount = amountOf(form!, DIEM_DECIMALS, 'DIEM to stake');
      const typed = (form!.elements.namedItem('beneficiary') as HTMLInputElement | null)?.value.trim();
      const beneficiary = (typed ? typed : me) as Address;
      const whose = beneficiary === me ? '' : ` for ${beneficiary.slice(0, 4)}…${beneficiary.slice(-4)}`;
      return [`Staked ${formatAmount(amount, DIEM_DECIMALS)} DIEM${whose}`, [await getStakeDiemInstructionAsync({ owner, source: state.diemAccount!, amount, beneficiary })]];
    }
    case 'unstake-diem': {
      const amount = amountOf(form!, DIEM_DECIMALS, 'DIEM to unstake');
      const [stakeAddress] = await findDiemStakePda({ owner: me, beneficiary: me });
      const stake = await fetchMaybeDiemStake(rpc, stakeAddress, { commitment: 'confirmed' });
      const next = await nextTicketAddress(stakeAddress, stake.exists ? stake.data.ticketsOpened : 0n);
      return [`DIEM unstake ticket for ${formatAmount(amount, DIEM_DECIMALS)} opened`, [await getInitiateDiemUnstakeInstructionAsync({ owner, ticket: next, amount })]];
    }
    default:
      throw new Error(`unknown action ${action}`);
  }
}

async function run(action: string, form: HTMLFormElement | null, ticket?: Address) {
  if (state.busy) return;
  state.busy = true;
  document.querySelectorAll('button').forEach((b) => (b.disabled = true));
  status('Preparing…');
  try {
    const [label, instructions] = await instructionsFor(action, form, ticket);
    const signature = await send(label, instructions);
    await refresh();
    status(`${label} — confirmed (${signature.slice(0, 12)}…)`, 'ok');
  } catch (e) {
    const named = diemErrorOf(e);
    status(named ? `Refused by the program: ${named.name} — ${named.message}` : `Error: ${(e as Error).message}`, 'error');
  } finally {
    state.busy = false;
    document.querySelectorAll('button').forEach((b) => (b.disabled = false));
    // A ticket's Finalize stays disabled until the cluster says it is due.
    renderTickets();
  }
}

function renderWallets(wallets: Wallet[]) {
  const box = $('wallets');
  if (state.signer) return;
  if (wallets.length === 0) {
    box.innerHTML = '<span class="muted">No Solana wallet found</span>';
    return;
  }
  box.innerHTML = '';
  for (const wallet of wallets) {
    const button = document.createElement('button');
    button.textContent = `Connect ${wallet.name}`;
    button.className = 'connect';
    button.onclick = async () => {
      try {
        const account = await connect(wallet);
        state.signer = walletSigner(wallet, account, chain);
        const config = state.config!;
        const owner = account.address as Address;
        state.vvvAccount = await associatedTokenAddress(owner, config.vvvMint, config.vvvTokenProgram);
        state.diemAccount = await associatedTokenAddress(owner, config.diemMint, TOKEN_2022_PROGRAM_ADDRESS);
        box.innerHTML = `<span id="connected" class="muted">${wallet.name} · ${owner.slice(0, 4)}…${owner.slice(-4)}</span>`;
        await refresh();
        status(`Connected ${wallet.name}`, 'ok');
      } catch (e) {
        status(`Error: ${(e as Error).message}`, 'error');
      }
    };
    box.appendChild(button);
  }
}

document.querySelectorAll<HTMLFormElement>('form[data-action]').forEach((form) =>
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run(form.dataset.action!, form);
  }),
);
document.querySelectorAll<HTMLButtonElement>('button[data-action]').forEach((b) => b.addEventListener('click', () => void run(b.dataset.action!, null)));
$('mint-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void run('mint', null);
});
$('mint-amount').addEventListener('input', renderQuote);
$('mint-slippage').addEventListener('input', renderQuote);

refresh()
  .then(() => {
    watchWallets(renderWallets);
    setInterval(tick, 1_000);
    document.body.dataset.ready = 'true';
  })
  .catch((e) => status(`Cannot read the DIEM program at ${rpcUrl}: ${(e as Error).message}`, 'error'));
