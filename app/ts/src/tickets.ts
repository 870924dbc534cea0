// Unstake tickets (SPEC §3, §7): one account per request, found by its source account and
// number, listed per owner from the cluster, shown with the time left until it unlocks.
import { type Address, getBase64Encoder } from '@solana/kit';
import { accountsWithAddressAt } from './filters.js';
import { findTicketPda, getUnstakeTicketDecoder, TicketKind, UNSTAKE_TICKET_DISCRIMINATOR, type UnstakeTicket } from './generated/index.js';

/** The ticket a request opens next from `source` (a position or a DIEM stake) that has opened `ticketsOpened` so far. */
export async function nextTicketAddress(source: Address, ticketsOpened: bigint): Promise<Address> {
  return (await findTicketPda({ source, number: ticketsOpened }))[0];
}

export type TicketView = {
  address: Address;
  kind: 'sVVV' | 'DIEM';
  amount: bigint;
  owner: Address;
  rentPayer: Address;
  openedAt: bigint;
  unlockAt: bigint;
  /** Whether it may be finalized at `now`. */
  ready: boolean;
  /** Seconds until it unlocks (0 once ready). */
  secondsLeft: bigint;
};

export function ticketView(address: Address, t: UnstakeTicket, now: bigint): TicketView {
  return {
    address,
    kind: t.kind === TicketKind.Diem ? 'DIEM' : 'sVVV',
    amount: t.amount,
    owner: t.owner,
    rentPayer: t.rentPayer,
    openedAt: t.openedAt,
    unlockAt: t.unlockAt,
    ready: now >= t.unlockAt,
    secondsLeft: now >= t.unlockAt ? 0n : t.unlockAt - now,
  };
}

/** Byte offset of a ticket's owner: after the 8-byte discriminator and the 1-byte kind. */
export const TICKET_OWNER_OFFSET = 9n;

/** `getProgramAccounts` filters that select the open tickets `owner` holds. */
export function ticketsOfFilters(owner: Address) {
  return accountsWithAddressAt(UNSTAKE_TICKET_DISCRIMINATOR, TICKET_OWNER_OFFSET, owner);
}

/** A `getProgramAccounts` answer (base64 data) as ticket views, soonest first. */
export function ticketsFromAccounts(accounts: readonly { pubkey: Address; account: { data: readonly [string, 'base64'] } }[], now: bigint): TicketView[] {
  const decoder = getUnstakeTicketDecoder();
  const base64 = getBase64Encoder();
  return accounts
    .map(({ pubkey, account }) => ticketView(pubkey, decoder.decode(base64.encode(account.data[0])), now))
    .sort((a, b) => (a.unlockAt < b.unlockAt ? -1 : a.unlockAt > b.unlockAt ? 1 : a.address < b.address ? -1 : 1));
}

/** A countdown as people read it: `2d 3h`, `5h 12m`, `42s`, or `ready`. */
export function countdown(secondsLeft: bigint): string {
  if (secondsLeft <= 0n) return 'ready';
  const d = secondsLeft / 86_400n;
  const h = (secondsLeft % 86_400n) / 3_600n;
  const m = (secondsLeft % 3_600n) / 60n;
  const s = secondsLeft % 60n;
  if (d > 0n) return `${d}d ${h}h`;
  if (h > 0n) return `${h}h ${m}m`;
  if (m > 0n) return `${m}m ${s}s`;
  return `${s}s`;
}
