// Sending what an action built: a compute-unit limit from a simulation (which also refuses, by
// the program's error name, before the wallet is asked), a priority fee from what recent
// blocks paid for the same accounts, the wallet's signature, then sent and confirmed through
// `@solana/kit`'s websocket confirmation.
import {
  appendTransactionMessageInstructions,
  createTransactionMessage,
  getSignatureFromTransaction,
  isWritableRole,
  pipe,
  sendAndConfirmTransactionFactory,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Address,
  type Instruction,
  type Signature,
  type TransactionPartialSigner,
} from '@solana/kit';
import {
  estimateComputeUnitLimitFactory,
  getSetComputeUnitLimitInstruction,
  getSetComputeUnitPriceInstruction,
} from '@solana-program/compute-budget';
import type { Cluster } from './cluster';

/** Headroom over the simulated units, as the Rust client's `Budget`: 10 % plus a margin, since
 * the clock moves between simulation and execution (a simulation in the same second as the last
 * accrual skips reward maths the execution runs). */
const LIMIT_HEADROOM_PERCENT = 10;
const LIMIT_MARGIN = 5_000;
const LIMIT_CAP = 1_400_000;

export type Progress = (text: string) => void;

export async function sendInstructions(cluster: Cluster, signer: TransactionPartialSigner, instructions: Instruction[], progress: Progress): Promise<Signature> {
  const { rpc } = cluster;
  const { value: blockhash } = await rpc.getLatestBlockhash({ commitment: 'confirmed' }).send();
  const base = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(signer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash(blockhash, m),
  );
  progress('simulating…');
  const simulated = await estimateComputeUnitLimitFactory({ rpc })(appendTransactionMessageInstructions(instructions, base), { commitment: 'confirmed' });
  const units = Math.min(LIMIT_CAP, Math.ceil((simulated * (100 + LIMIT_HEADROOM_PERCENT)) / 100) + LIMIT_MARGIN);
  const microLamports = cluster.priorityFee ?? (await recentPriorityFee(cluster, writableAccounts(instructions)));
  const message = appendTransactionMessageInstructions(
    [getSetComputeUnitLimitInstruction({ units }), getSetComputeUnitPriceInstruction({ microLamports }), ...instructions],
    base,
  );
  progress('waiting for the wallet…');
  const signed = await signTransactionMessageWithSigners(message);
  progress('sending…');
  await sendAndConfirmTransactionFactory({ rpc, rpcSubscriptions: cluster.rpcSubscriptions })(signed as never, { commitment: 'confirmed' });
  return getSignatureFromTransaction(signed);
}

function writableAccounts(instructions: Instruction[]): Address[] {
  const seen = new Set<Address>();
  for (const ix of instructions) for (const a of ix.accounts ?? []) if (isWritableRole(a.role)) seen.add(a.address);
  return [...seen].slice(0, 128); // the RPC method's limit
}

/** The 75th percentile of what recent slots paid for these accounts, at least 1 micro-lamport. */
async function recentPriorityFee(cluster: Cluster, accounts: Address[]): Promise<bigint> {
  try {
    const fees = (await cluster.rpc.getRecentPrioritizationFees(accounts).send()).map((f) => BigInt(f.prioritizationFee)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const p75 = fees.length ? fees[Math.floor((fees.length * 3) / 4)] : 0n;
    return p75 > 1n ? p75 : 1n;
  } catch {
    return 1n;
  }
}
