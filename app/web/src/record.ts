// The record (`diem serve`, `?record=`): today's credit, which only it knows (what was staked at
// 00:00 UTC), and the holder's history of events.
import type { Address } from '@solana/kit';
import type { Cluster } from './cluster';

/** Today's credit from the record (`diem serve`), which alone knows what was staked at 00:00 UTC. */
export type RecordDay = { day: string; creditUsd: string; final: boolean };
export type RecordEntry = { kind: string; signature: string; blockTime: number | null; amount: bigint | null };

export async function readRecord(cluster: Cluster, owner: Address): Promise<{ today: RecordDay; history: RecordEntry[] } | null> {
  if (!cluster.recordUrl) return null;
  const get = async (path: string) => {
    const r = await fetch(`${cluster.recordUrl}${path}`);
    if (!r.ok) throw new Error(`the record answered ${r.status} to ${path}`);
    return r.json();
  };
  const [o, h] = await Promise.all([get(`/v1/owners/${owner}`), get(`/v1/owners/${owner}/history`)]);
  return {
    today: { day: o.today.day, creditUsd: String(o.today.credit_usd), final: Boolean(o.today.final) },
    history: (h.entries as Record<string, unknown>[]).map((e) => ({
      kind: String(e.kind),
      signature: String(e.signature ?? ''),
      blockTime: typeof e.block_time === 'number' ? e.block_time : null,
      amount: typeof e.amount === 'number' || typeof e.amount === 'string' ? BigInt(e.amount) : null,
    })),
  };
}
