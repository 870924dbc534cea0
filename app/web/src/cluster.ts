// The cluster the page talks to: `?rpc=` (default the local validator), its websocket (`?ws=`,
// default the RPC port + 1, as solana-test-validator and the Solana CLI have it), the chain
// the wallet signs for, an optional record (`?record=`, the `diem serve` API) and an optional
// fixed priority fee (`?priority-fee=`, micro-lamports per CU).
import { createSolanaRpc, createSolanaRpcSubscriptions } from '@solana/kit';

export type Cluster = ReturnType<typeof clusterFrom>;

export function clusterFrom(search: string) {
  const params = new URLSearchParams(search);
  const rpcUrl = params.get('rpc') ?? 'http://127.0.0.1:8899';
  const loopback = /^https?:\/\/(127\.0\.0\.1|localhost)(:|\/|$)/.test(rpcUrl);
  const chain = (params.get('chain') ?? (loopback ? 'solana:localnet' : 'solana:mainnet')) as `${string}:${string}`;
  const fee = params.get('priority-fee');
  return {
    rpcUrl,
    chain,
    rpc: createSolanaRpc(rpcUrl),
    rpcSubscriptions: createSolanaRpcSubscriptions(params.get('ws') ?? websocketOf(rpcUrl)),
    recordUrl: params.get('record')?.replace(/\/+$/, '') ?? null,
    priorityFee: fee !== null && /^\d+$/.test(fee) ? BigInt(fee) : null,
  };
}

function websocketOf(rpcUrl: string): string {
  const url = new URL(rpcUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (url.port) url.port = String(Number(url.port) + 1);
  return url.toString();
}
