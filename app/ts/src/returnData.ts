// `mint_diem` and `quote_mint` return the DIEM amount as return data: a little-endian u64 set
// by the program itself.
import { getBase64Encoder, type Address } from '@solana/kit';
import { DIEM_PROGRAM_ADDRESS } from './generated/index.js';

/** The u64 our program returned, or `null` if the return data is not ours or not 8 bytes. */
export function returnedU64(programId: Address | string, data: Uint8Array): bigint | null {
  if (programId !== DIEM_PROGRAM_ADDRESS || data.length !== 8) return null;
  return new DataView(data.buffer, data.byteOffset, 8).getBigUint64(0, true);
}

/** The same from an RPC transaction's or simulation's `returnData` (`[base64, "base64"]`). */
export function returnedU64FromRpc(returnData: { programId: string; data: readonly [string, string] } | null | undefined): bigint | null {
  if (!returnData) return null;
  return returnedU64(returnData.programId, new Uint8Array(getBase64Encoder().encode(returnData.data[0])));
}
