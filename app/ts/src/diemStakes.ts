// DIEM stakes per controller and beneficiary (SPEC §7): the ones a wallet controls, listed from
// the cluster, each with whom it credits.
import { type Address, getBase64Encoder } from '@solana/kit';
import { accountsWithAddressAt } from './filters.js';
import { DIEM_STAKE_DISCRIMINATOR, getDiemStakeDecoder } from './generated/index.js';
import { MIN_CREDIT_DIEM } from './idl.generated.js';

/** `getProgramAccounts` filters that select the DIEM stakes `owner` controls (owner after the discriminator). */
export function diemStakesOfFilters(owner: Address) {
  return accountsWithAddressAt(DIEM_STAKE_DISCRIMINATOR, 8n, owner);
}

export type StakeView = { address: Address; beneficiary: Address; staked: bigint };

/** A `getProgramAccounts` answer (base64 data) as stakes with DIEM in them, largest first. */
export function stakesFromAccounts(accounts: readonly { pubkey: Address; account: { data: readonly [string, 'base64'] } }[]): StakeView[] {
  const decoder = getDiemStakeDecoder();
  const base64 = getBase64Encoder();
  return accounts
    .map(({ pubkey, account }) => {
      const s = decoder.decode(base64.encode(account.data[0]));
      return { address: pubkey, beneficiary: s.beneficiary, staked: s.staked };
    })
    .filter((s) => s.staked > 0n)
    .sort((a, b) => (a.staked > b.staked ? -1 : a.staked < b.staked ? 1 : 0));
}

/** Byte offset of a DIEM stake's beneficiary: after the discriminator and the owner. */
export const DIEM_STAKE_BENEFICIARY_OFFSET = 40n;

/** `getProgramAccounts` filters that select every DIEM stake crediting `beneficiary`, whoever controls it. */
export function diemStakesForFilters(beneficiary: Address) {
  return accountsWithAddressAt(DIEM_STAKE_DISCRIMINATOR, DIEM_STAKE_BENEFICIARY_OFFSET, beneficiary);
}

/** A day's credit in DIEM base units ($1 a day per whole DIEM, SPEC §7) from the DIEM staked for
 * a beneficiary at that day's 00:00 UTC, summed over every stake naming them: below
 * `MIN_CREDIT_DIEM` it is nothing. */
export function creditOf(stakedForBeneficiary: readonly StakeView[]): bigint {
  const total = stakedForBeneficiary.reduce((sum, s) => sum + s.staked, 0n);
  return total >= MIN_CREDIT_DIEM ? total : 0n;
}
