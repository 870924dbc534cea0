// The staking page: reads the program over the RPC URL it is given (`?rpc=`, see cluster.ts),
// shows what a holder must know (position, tickets, pending changes, credit, yield, trust) and
// sends each action signed by a Wallet Standard wallet. State is one `Snapshot` (state.ts),
// actions are a table (actions.ts), views build DOM nodes (views/), sending is transactions.ts.
import type { Address, TransactionPartialSigner } from '@solana/kit';
import { countdown, DIEM_DECIMALS, diemErrorOf, type TicketView } from '@diem/client';
import { ACTIONS, quote, refusal, ticketInstructions, type ActionName, type Built, type Order } from './actions';
import { clusterFrom } from './cluster';
import { byId, fill, h } from './dom';
import { formatAmount, parseAmount } from './format';
import { readRecord } from './record';
import { readSnapshot, type Snapshot } from './state';
import { sendInstructions } from './transactions';
import { curveChart } from './views/chart';
import { creditRows, historyRows } from './views/credit';
import { pendingChangeItems, trustItems } from './views/governance';
import { positionRows } from './views/position';
import { ticketRows } from './views/tickets';
import { connect, walletSigner, watchWallets } from './wallet';

/** The forms under "Stake, unstake, burn, claim" (mint has its own, beside the curve). */
const FORMS: [ActionName, string | null, string][] = [
  ['stake', 'Stake VVV', 'Stake'],
  ['unstake', 'Unstake sVVV', 'Open unstake ticket'],
  ['burn', 'Burn DIEM', 'Burn'],
  ['stake-diem', 'Stake DIEM', 'Stake DIEM'],
  ['unstake-diem', 'Unstake DIEM', 'Open DIEM unstake ticket'],
  ['claim', null, 'Claim rewards'],
];
const ALL: ActionName[] = ['mint', ...FORMS.map(([name]) => name)];

class Page {
  readonly cluster = clusterFrom(location.search);
  snapshot: Snapshot | null = null;
  signer: TransactionPartialSigner | null = null;
  record: Awaited<ReturnType<typeof readRecord>> = null;
  busy = false;
  /** A read the countdown started is under way. */
  reading = false;
  /** Cluster time minus this machine's, so countdowns tick between reads. */
  clockOffset = 0n;

  async refresh() {
    const snapshot = await readSnapshot(this.cluster, this.signer?.address ?? null);
    this.snapshot = snapshot;
    this.clockOffset = snapshot.now - BigInt(Math.floor(Date.now() / 1000));
    this.record = snapshot.holder && this.cluster.recordUrl ? await readRecord(this.cluster, snapshot.holder.owner).catch(() => null) : null;
    this.render();
  }

  render() {
    const s = this.snapshot;
    if (!s) return;
    byId('cluster').textContent = `${this.cluster.chain} · ${this.cluster.rpcUrl}`;
    const holder = s.holder;
    if (holder) byId('owner').textContent = `Owner ${holder.owner}`;
    fill('position', h('tbody', {}, ...(holder ? positionRows(s, holder) : [])));
    const changes = pendingChangeItems(s);
    byId('no-changes').hidden = changes.length > 0;
    fill('changes', ...changes);
    fill('credit', h('tbody', {}, ...creditRows(s, holder, this.record?.today ?? null, this.cluster.recordUrl !== null)));
    const tickets = holder?.tickets ?? [];
    byId('no-tickets').hidden = tickets.length > 0;
    byId('tickets').querySelector('tbody')!.replaceChildren(...ticketRows(tickets, s.config.vvvDecimals, (t, what) => void this.ticket(t, what)));
    fill('trust', ...trustItems(s));
    byId('history-section').hidden = !this.record;
    if (this.record) byId('history').querySelector('tbody')!.replaceChildren(...historyRows(this.record.history, s.config.vvvDecimals));
    ALL.forEach((name) => this.update(name));
  }

  /** What the form of `name` holds; a typing mistake is said, not thrown. */
  order(name: ActionName): { order: Order; mistake: string | null } {
    const s = this.snapshot!;
    const form = document.querySelector<HTMLFormElement>(`form[data-action="${name}"]`)!;
    const value = (field: string) => (form.elements.namedItem(field) as HTMLInputElement | null)?.value.trim() ?? '';
    const order: Order = { amount: null, slippageBps: 50, beneficiary: null };
    const unit = ACTIONS[name].unit;
    try {
      if (unit !== null && value('amount')) order.amount = parseAmount(value('amount'), unit === 'DIEM' ? DIEM_DECIMALS : s.config.vvvDecimals, `${unit} amount`);
      if (name === 'mint') {
        const bps = Number(value('slippage'));
        if (!Number.isInteger(bps) || bps < 0 || bps > 10_000) throw new Error('Slippage: 0 to 10,000 basis points');
        order.slippageBps = bps;
      }
      if (name === 'stake-diem' && value('beneficiary')) {
        if (!/^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(value('beneficiary'))) throw new Error('Credit to: not a Solana address');
        order.beneficiary = value('beneficiary') as Address;
      }
      return { order, mistake: null };
    } catch (e) {
      return { order, mistake: (e as Error).message };
    }
  }

  /** Enables the action only when it can succeed, and says why not or what it will do. */
  update(name: ActionName) {
    const s = this.snapshot;
    if (!s) return;
    const { order, mistake } = this.order(name);
    const holder = s.holder;
    const why = mistake ?? refusal(name, s, holder, order);
    const button = byId<HTMLButtonElement>(name);
    button.disabled = this.busy || why !== null;
    // Nothing typed yet is not worth a warning: the disabled button says enough.
    byId(`${name}-why`).textContent = holder && why && !(order.amount === null && ACTIONS[name].unit !== null && !mistake && !ACTIONS[name].closed(s, holder)) ? why : '';
    const closed = holder ? ACTIONS[name].closed(s, holder) : null;
    byId(`${name}-hint`).textContent = holder && !closed && !mistake ? ACTIONS[name].preview(s, holder, order) : '';
    const max = document.querySelector<HTMLButtonElement>(`button[data-max="${name}"]`);
    if (max) max.disabled = this.busy || !holder || closed !== null || ACTIONS[name].max(s, holder) === 0n;
    if (name === 'mint') {
      const quotedTo = order.amount !== null && why === null ? this.quotedSupply(order.amount) : null;
      fill('chart', curveChart(s.curve, s.config.pool.outstandingDiem, quotedTo, s.config.vvvDecimals));
    }
  }

  quotedSupply(amount: bigint): bigint | null {
    const q = quote(this.snapshot!, amount);
    return typeof q === 'string' ? null : q.supplyAfter;
  }

  fillMax(name: ActionName) {
    const s = this.snapshot;
    if (!s?.holder) return;
    const unit = ACTIONS[name].unit;
    const input = document.querySelector<HTMLInputElement>(`form[data-action="${name}"] input[name="amount"]`)!;
    input.value = formatAmount(ACTIONS[name].max(s, s.holder), unit === 'DIEM' ? DIEM_DECIMALS : s.config.vvvDecimals, 12).replace(/,/g, '');
    this.update(name);
  }

  async act(name: ActionName) {
    const s = this.snapshot;
    const { order, mistake } = this.order(name);
    if (!s?.holder || !this.signer || mistake || refusal(name, s, s.holder, order)) return;
    const { holder } = s;
    const signer = this.signer;
    await this.send(() => ACTIONS[name].build(s, holder, signer, order), () => {
      const input = document.querySelector<HTMLInputElement>(`form[data-action="${name}"] input[name="amount"]`);
      if (input) input.value = '';
    });
  }

  async ticket(t: TicketView, what: 'finalize' | 'cancel') {
    const s = this.snapshot;
    if (!s?.holder || !this.signer) return;
    const { holder } = s;
    const signer = this.signer;
    await this.send(() => ticketInstructions(s, holder, signer, t, what));
  }

  async send(build: () => Promise<Built>, done?: () => void) {
    if (this.busy || !this.signer) return;
    this.setBusy(true);
    status('Preparing…');
    try {
      const { label, instructions } = await build();
      const signature = await sendInstructions(this.cluster, this.signer, instructions, (step) => status(`${label}: ${step}`));
      done?.();
      await this.refresh();
      status(`${label} — confirmed (${signature.slice(0, 12)}…)`, 'ok');
    } catch (e) {
      status(explain(e), 'error');
    } finally {
      this.setBusy(false);
    }
  }

  setBusy(busy: boolean) {
    this.busy = busy;
    document.querySelectorAll<HTMLButtonElement>('button').forEach((b) => (b.disabled = busy));
    if (!busy) this.render();
  }

  /** Ticks every countdown once a second; when one reaches zero, reads the cluster again, since
   * Finalize follows the cluster's clock (what the program checks), not this machine's. */
  tick() {
    const now = BigInt(Math.floor(Date.now() / 1000)) + this.clockOffset;
    let due = false;
    document.querySelectorAll<HTMLElement>('[data-countdown]').forEach((el) => {
      const left = BigInt(el.dataset.countdown!) - now;
      el.textContent = countdown(left);
      const finalize = el.closest('tr')?.querySelector<HTMLButtonElement>('button.finalize');
      due ||= left <= 0n && finalize?.disabled === true;
    });
    if (due && !this.busy && !this.reading) {
      this.reading = true;
      this.refresh().finally(() => (this.reading = false));
    }
  }

  renderWallets(wallets: Parameters<Parameters<typeof watchWallets>[0]>[0]) {
    if (this.signer) return;
    if (wallets.length === 0) {
      fill('wallets', h('span', { class: 'muted' }, 'No Solana wallet found'));
      return;
    }
    fill(
      'wallets',
      ...wallets.map((wallet) =>
        h('button', { type: 'button', class: 'connect', onclick: () => void this.connect(wallet) }, `Connect ${wallet.name}`),
      ),
    );
  }

  async connect(wallet: Parameters<typeof connect>[0]) {
    try {
      const account = await connect(wallet);
      this.signer = walletSigner(wallet, account, this.cluster.chain);
      const owner = account.address;
      fill('wallets', h('span', { id: 'connected', class: 'muted' }, `${wallet.name} · ${owner.slice(0, 4)}…${owner.slice(-4)}`));
      await this.refresh();
      status(`Connected ${wallet.name}`, 'ok');
    } catch (e) {
      status(explain(e), 'error');
    }
  }
}

function status(text: string, kind: 'ok' | 'error' | '' = '') {
  const el = byId('status');
  el.textContent = text;
  el.className = `status ${kind}`;
}

/** A failure in plain words: the program's error by name, or the runtime's cause. */
function explain(e: unknown): string {
  const named = diemErrorOf(e);
  if (named) return `Refused by the program: ${named.name} — ${named.message}`;
  const text = String((e as Error)?.message ?? e);
  if (/no record of a prior credit|insufficient lamports|InsufficientFundsForFee/i.test(text)) return 'This wallet has no SOL to pay the fee';
  if (/insufficient funds/i.test(text)) return 'Not enough tokens in this wallet for that';
  if (/User rejected|rejected the request/i.test(text)) return 'The wallet declined to sign';
  return `Error: ${text}`;
}

function actionForm(name: ActionName, label: string | null, submit: string): HTMLFormElement {
  const unit = ACTIONS[name].unit;
  return h(
    'form',
    { class: 'action', 'data-action': name, novalidate: true },
    h(
      'div',
      { class: 'row' },
      label && h('label', { for: `${name}-amount` }, label),
      unit && h('input', { id: `${name}-amount`, name: 'amount', inputmode: 'decimal', autocomplete: 'off', 'aria-describedby': `${name}-hint ${name}-why` }),
      unit && h('button', { type: 'button', class: 'max secondary', 'data-max': name, 'aria-label': `Max ${label}: all you can` }, 'Max'),
      name === 'stake-diem' && h('label', { for: 'stake-diem-beneficiary' }, 'Credit to'),
      name === 'stake-diem' &&
        h('input', { id: 'stake-diem-beneficiary', name: 'beneficiary', class: 'wide', placeholder: 'you, or another wallet’s address', autocomplete: 'off', spellcheck: 'false' }),
      h('button', { id: name, type: 'submit', 'aria-describedby': `${name}-hint ${name}-why` }, submit),
    ),
    h('p', { id: `${name}-hint`, class: 'hint' }),
    h('p', { id: `${name}-why`, class: 'why' }),
  );
}

const page = new Page();
fill('actions', ...FORMS.map(([name, label, submit]) => actionForm(name, label, submit)));
document.querySelectorAll<HTMLFormElement>('form[data-action]').forEach((form) => {
  const name = form.dataset.action as ActionName;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void page.act(name);
  });
  form.addEventListener('input', () => page.update(name));
});
document.querySelectorAll<HTMLButtonElement>('button[data-max]').forEach((b) => b.addEventListener('click', () => page.fillMax(b.dataset.max as ActionName)));

page
  .refresh()
  .then(() => {
    watchWallets((wallets) => page.renderWallets(wallets));
    setInterval(() => page.tick(), 1_000);
    document.body.dataset.ready = 'true';
  })
  .catch((e) => status(`Cannot read the DIEM program at ${page.cluster.rpcUrl}: ${(e as Error).message}`, 'error'));
