// The program's events: each is the data of a self-CPI inner instruction (Anchor's
// `emit_cpi!` layout: an 8-byte event tag, the event's discriminator, the Borsh body), so it is
// part of the transaction record and never truncated like a log line.
import { getBase58Encoder, type Address } from '@solana/kit';
import { DIEM_PROGRAM_ADDRESS } from './generated/index.js';
import { EVENTS, type DiemEvent } from './idl.generated.js';

/** `anchor_lang::event::EVENT_IX_TAG` (0x1d9acb512ea545e4), little-endian. */
export const EVENT_IX_TAG = new Uint8Array([0xe4, 0x45, 0xa5, 0x2e, 0x51, 0xcb, 0x9a, 0x1d]);

const startsWith = (data: Uint8Array, prefix: Uint8Array, at = 0) =>
  data.length >= at + prefix.length && prefix.every((b, i) => data[at + i] === b);

/** The event an inner instruction's data carries, or `null` if it carries none of ours. */
export function decodeEvent(data: Uint8Array): DiemEvent | null {
  if (!startsWith(data, EVENT_IX_TAG)) return null;
  const event = EVENTS.find((e) => startsWith(data, e.discriminator, 8));
  if (!event) return null;
  return { name: event.name, data: event.decoder.decode(data, 16) } as DiemEvent;
}

/** An inner instruction with its program resolved. */
export type InnerInstruction = { programAddress: Address; data: Uint8Array };

/** The program's events among `instructions`, in emission order (their sequence numbers). */
export function eventsOf(instructions: Iterable<InnerInstruction>, program: Address = DIEM_PROGRAM_ADDRESS): DiemEvent[] {
  const events: DiemEvent[] = [];
  for (const ix of instructions) {
    if (ix.programAddress !== program) continue;
    const event = decodeEvent(ix.data);
    if (event) events.push(event);
  }
  return events.sort((a, b) => (a.data.seq < b.data.seq ? -1 : a.data.seq > b.data.seq ? 1 : 0));
}

/** What `getTransaction` (encoding `json`, legacy or v0) returns, as far as events need it. */
export type RpcTransaction = {
  transaction: { message: { accountKeys: readonly string[] } };
  meta: {
    err: unknown;
    innerInstructions?: readonly { instructions: readonly { programIdIndex: number; data: string }[] }[] | null;
    loadedAddresses?: { writable: readonly string[]; readonly: readonly string[] } | null;
  } | null;
};

/**
 * The inner instructions of a fetched transaction, program ids resolved over the static keys
 * and then the lookup tables' writable and read-only addresses (a v0 transaction's order).
 */
export function innerInstructionsOf(tx: RpcTransaction): InnerInstruction[] {
  const meta = tx.meta;
  if (!meta || meta.err) return [];
  const keys = [
    ...tx.transaction.message.accountKeys,
    ...(meta.loadedAddresses?.writable ?? []),
    ...(meta.loadedAddresses?.readonly ?? []),
  ];
  const base58 = getBase58Encoder();
  return (meta.innerInstructions ?? []).flatMap((inner) =>
    inner.instructions.map((ix) => {
      const key = keys[ix.programIdIndex];
      if (key === undefined) throw new RangeError(`program index ${ix.programIdIndex} is past the transaction's ${keys.length} keys`);
      return { programAddress: key as Address, data: new Uint8Array(base58.encode(ix.data)) };
    }),
  );
}

/** The program's events in a fetched transaction (none if it failed). */
export function eventsOfTransaction(tx: RpcTransaction): DiemEvent[] {
  return eventsOf(innerInstructionsOf(tx));
}
