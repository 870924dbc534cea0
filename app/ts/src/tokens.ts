// Associated token accounts: where a wallet's VVV and DIEM live by default. The derivation and
// the instruction are `@solana-program/token`'s; DIEM is a Token-2022 mint, so the token program
// is always named.
import { findAssociatedTokenPda, getCreateAssociatedTokenIdempotentInstructionAsync } from '@solana-program/token';
import type { Address, Instruction, TransactionSigner } from '@solana/kit';

export { ASSOCIATED_TOKEN_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
export const TOKEN_2022_PROGRAM_ADDRESS = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb' as Address;

/** The associated token account of `owner` for `mint` under `tokenProgram`. */
export async function associatedTokenAddress(owner: Address, mint: Address, tokenProgram: Address): Promise<Address> {
  const [address] = await findAssociatedTokenPda({ owner, mint, tokenProgram });
  return address;
}

/** Creates `owner`'s associated token account for `mint` unless it exists (`CreateIdempotent`). */
export async function createAssociatedTokenIdempotent(
  payer: TransactionSigner,
  owner: Address,
  mint: Address,
  tokenProgram: Address,
): Promise<Instruction> {
  return getCreateAssociatedTokenIdempotentInstructionAsync({ payer, owner, mint, tokenProgram });
}
