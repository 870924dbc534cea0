// What each action needs, how much it can take, why it cannot run now (so it is offered only
// when it can succeed), what it will do (said before signing), and the instructions it sends.
import type { Address, Instruction, TransactionPartialSigner } from '@solana/kit';
import {
  createAssociatedTokenIdempotent,
  DIEM_DECIMALS,
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
  findDiemStakePda,
  findPositionPda,
  minDiemOut,
  nextTicketAddress,
  PAUSE_MINT,
  PAUSE_STAKE,
  PAUSE_STAKE_DIEM,
  QuoteError,
  quoteBurn,
  quoteMint,
  TOKEN_2022_PROGRAM_ADDRESS,
  yieldEstimate,
  type TicketView,
} from '@diem/client';
import { formatAmount, formatBps, formatDuration, formatTime, short } from './format';
import type { Holder, Snapshot } from './state';

export type ActionName = 'stake' | 'unstake' | 'mint' | 'burn' | 'stake-diem' | 'unstake-diem' | 'claim';

/** What the form holds when the action is asked for. */
export type Order = { amount: bigint | null; slippageBps: number; beneficiary: Address | null };

export type Built = { label: string; instructions: Instruction[] };

type Action = {
  /** The token the amount is in; `null` for an action without one. */
  unit: 'VVV' | 'sVVV' | 'DIEM' | null;
  /** The most it can take now (what Max fills in). */
  max(s: Snapshot, h: Holder): bigint;
  /** Why it cannot run now, beyond the amount; `null` if it can. */
  closed(s: Snapshot, h: Holder): string | null;
  /** What it will do, said before signing. */
  preview(s: Snapshot, h: Holder, o: Order): string;
  build(s: Snapshot, h: Holder, signer: TransactionPartialSigner, o: Order): Promise<Built>;
};

const paused = (s: Snapshot, bit: number) => (s.config.paused & bit) !== 0;
const vvvOf = (s: Snapshot) => ({ vvvMint: s.config.vvvMint, vvvTokenProgram: s.config.vvvTokenProgram });
const vvv = (s: Snapshot, x: bigint) => formatAmount(x, s.config.vvvDecimals);
const diem = (x: bigint) => formatAmount(x, DIEM_DECIMALS);
const min = (a: bigint, b: bigint) => (a < b ? a : b);
const need = (o: Order) => {
  if (o.amount === null) throw new Error('type an amount first');
  return o.amount;
};

export const ACTIONS: Record<ActionName, Action> = {
  stake: {
    unit: 'VVV',
    max: (_, h) => h.vvv,
    closed: (s, h) => (paused(s, PAUSE_STAKE) ? 'Staking is paused' : h.vvv === 0n ? 'No VVV in this wallet' : null),
    preview: (s, h, o) => {
      const y = yieldEstimate(s.config, h.view.svvvUnlocked + (o.amount ?? 0n), h.view.svvvLocked);
      return `At today's totals your stake would earn about ${vvv(s, y.holderPerDay)} VVV a day (${formatBps(y.aprUnlockedBps)} a year on unlocked sVVV).`;
    },
    build: async (s, h, signer, o) => {
      const amount = need(o);
      return { label: `Staked ${vvv(s, amount)} VVV`, instructions: [await getStakeInstructionAsync({ payer: signer, source: h.vvvAccount, ...vvvOf(s), amount, recipient: h.owner })] };
    },
  },
  unstake: {
    unit: 'sVVV',
    max: (_, h) => h.view.svvvUnlocked,
    closed: (_, h) => (h.view.svvvUnlocked === 0n ? (h.view.svvvLocked > 0n ? 'All your sVVV is locked: burn DIEM to free it' : 'No sVVV staked') : null),
    preview: (s) =>
      `A ticket of its own: it unlocks ${formatDuration(s.config.params.svvvCooldownSecs)} after it opens (about ${formatTime(s.now + s.config.params.svvvCooldownSecs)}), and nothing moves that time. It stops earning at once.`,
    build: async (s, h, signer, o) => {
      const amount = need(o);
      const [position] = await findPositionPda({ owner: h.owner });
      const ticket = await nextTicketAddress(position, h.svvvTicketsOpened);
      return { label: `Unstake ticket for ${vvv(s, amount)} sVVV opened`, instructions: [await getInitiateUnstakeInstructionAsync({ owner: signer, ticket, amount })] };
    },
  },
  mint: {
    unit: 'sVVV',
    max: (_, h) => h.view.svvvUnlocked,
    closed: (s, h) =>
      paused(s, PAUSE_MINT) ? 'Minting is paused' : s.config.curveVersion === 0 ? 'No curve is live yet' : h.view.svvvUnlocked === 0n ? 'No unlocked sVVV to lock: stake VVV first' : null,
    preview: (s, _, o) => {
      if (o.amount === null) return 'Type how much sVVV to lock: the quote follows the curve below.';
      const q = quote(s, o.amount);
      if (typeof q === 'string') return q;
      return `About ${diem(q.diemOut)} DIEM, at least ${diem(minDiemOut(q.diemOut, o.slippageBps))} with ${o.slippageBps} bps slippage; the rate at the margin is ${vvv(s, q.marginalRate)} VVV per DIEM.`;
    },
    build: async (s, h, signer, o) => {
      const amount = need(o);
      const q = quote(s, amount);
      if (typeof q === 'string') throw new Error(q);
      return {
        label: `Minted about ${diem(q.diemOut)} DIEM`,
        instructions: [
          // The DIEM account in the same transaction, so a first mint is one signature.
          await createAssociatedTokenIdempotent(signer, h.owner, s.config.diemMint, TOKEN_2022_PROGRAM_ADDRESS),
          await getMintDiemInstructionAsync({ owner: signer, destination: h.diemAccount, svvvAmount: amount, minDiemOut: minDiemOut(q.diemOut, o.slippageBps) }),
        ],
      };
    },
  },
  burn: {
    unit: 'DIEM',
    max: (_, h) => min(h.diem, h.view.diemOutstanding),
    closed: (_, h) => (h.view.diemOutstanding === 0n ? 'This position has no DIEM minted' : h.diem === 0n ? 'No DIEM in this wallet (staked DIEM must be unstaked first)' : null),
    preview: (s, h, o) => {
      const released = o.amount === null ? null : quoteBurn(h.view.svvvLocked, h.view.diemOutstanding, o.amount);
      return released === null
        ? `Burning releases locked sVVV at your position's own average rate (${h.view.averageLockRate === null ? '—' : vvv(s, h.view.averageLockRate)} VVV per DIEM), not today's.`
        : `Releases ${vvv(s, released)} sVVV, your position's own average; it becomes unlocked at once.`;
    },
    build: async (_, h, signer, o) => {
      const amount = need(o);
      return { label: `Burned ${diem(amount)} DIEM`, instructions: [await getBurnDiemInstructionAsync({ owner: signer, source: h.diemAccount, amount })] };
    },
  },
  'stake-diem': {
    unit: 'DIEM',
    max: (_, h) => h.diem,
    closed: (s, h) => (paused(s, PAUSE_STAKE_DIEM) ? 'DIEM staking is paused' : h.diem === 0n ? 'No DIEM in this wallet' : null),
    preview: (_, h, o) =>
      `Counts for ${o.beneficiary && o.beneficiary !== h.owner ? short(o.beneficiary) : 'your'} credit from the next 00:00 UTC: $1 of inference a day per DIEM staked (at least 0.1 DIEM).`,
    build: async (_, h, signer, o) => {
      const amount = need(o);
      const beneficiary = o.beneficiary ?? h.owner;
      const whose = beneficiary === h.owner ? '' : ` for ${short(beneficiary)}`;
      return { label: `Staked ${diem(amount)} DIEM${whose}`, instructions: [await getStakeDiemInstructionAsync({ owner: signer, source: h.diemAccount, amount, beneficiary })] };
    },
  },
  'unstake-diem': {
    unit: 'DIEM',
    max: (_, h) => h.view.diemStaked,
    closed: (_, h) => (h.view.diemStaked === 0n ? 'No DIEM staked for your own credit' : null),
    preview: (s) =>
      `Leaves your credit from the next 00:00 UTC; a ticket that unlocks ${formatDuration(s.config.params.diemCooldownSecs)} after it opens (about ${formatTime(s.now + s.config.params.diemCooldownSecs)}).`,
    build: async (_, h, signer, o) => {
      const amount = need(o);
      const [stake] = await findDiemStakePda({ owner: h.owner, beneficiary: h.owner });
      const ticket = await nextTicketAddress(stake, h.diemTicketsOpened);
      return { label: `DIEM unstake ticket for ${diem(amount)} opened`, instructions: [await getInitiateDiemUnstakeInstructionAsync({ owner: signer, ticket, amount })] };
    },
  },
  claim: {
    unit: null,
    max: (_, h) => h.view.pendingRewards,
    closed: (_, h) => (h.view.pendingRewards === 0n ? 'No rewards yet' : null),
    preview: (s, h) => `Pays ${vvv(s, h.view.pendingRewards)} VVV to this wallet.`,
    build: async (s, h, signer) => ({
      label: `Claimed ${vvv(s, h.view.pendingRewards)} VVV`,
      instructions: [await getClaimRewardsInstructionAsync({ owner: signer, destination: h.vvvAccount, ...vvvOf(s) })],
    }),
  },
};

/** Why the action cannot run with this order, or `null` if it can. */
export function refusal(name: ActionName, s: Snapshot, h: Holder | null, o: Order): string | null {
  if (!h) return 'Connect a wallet first';
  if (h.lamports === 0n) return 'No SOL in this wallet to pay the fee';
  const action = ACTIONS[name];
  const closed = action.closed(s, h);
  if (closed) return closed;
  if (action.unit === null) return null;
  if (o.amount === null) return `Type an amount of ${action.unit}`;
  const most = action.max(s, h);
  if (o.amount > most) return `More than the ${formatAmount(most, action.unit === 'DIEM' ? DIEM_DECIMALS : s.config.vvvDecimals)} ${action.unit} you can use here`;
  if (name === 'mint') {
    const q = quote(s, o.amount);
    if (typeof q === 'string') return q;
  }
  return null;
}

/** Finalize (when due) or cancel a ticket. */
export async function ticketInstructions(s: Snapshot, h: Holder, signer: TransactionPartialSigner, ticket: TicketView, what: 'finalize' | 'cancel'): Promise<Built> {
  const accounts = { owner: signer, ticket: ticket.address, rentPayer: ticket.rentPayer };
  if (what === 'cancel') {
    const ix = ticket.kind === 'DIEM' ? await getCancelDiemUnstakeInstructionAsync({ ...accounts, beneficiary: h.owner }) : await getCancelUnstakeInstructionAsync(accounts);
    return { label: `Ticket cancelled: ${ticket.kind} back in your stake`, instructions: [ix] };
  }
  const ix =
    ticket.kind === 'DIEM'
      ? await getFinalizeDiemUnstakeInstructionAsync({ ...accounts, destination: h.diemAccount })
      : await getFinalizeUnstakeInstructionAsync({ ...accounts, destination: h.vvvAccount, ...vvvOf(s) });
  const amount = ticket.kind === 'DIEM' ? diem(ticket.amount) : vvv(s, ticket.amount);
  return { label: `Ticket finalized: ${amount} ${ticket.kind === 'DIEM' ? 'DIEM' : 'VVV'} paid to this wallet`, instructions: [ix] };
}

/** The mint a lock of `amount` would make now, or why the curve refuses it. */
export function quote(s: Snapshot, amount: bigint) {
  try {
    return quoteMint(s.curve, s.config.pool.outstandingDiem, amount);
  } catch (e) {
    return e instanceof QuoteError ? `The curve refuses this lock: ${e.code}` : (e as Error).message;
  }
}

