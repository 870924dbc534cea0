// DIEM stakes per controller and beneficiary (SPEC §7): the ones a wallet controls, listed from
// the cluster, each with whom it credits.
import { type Address, type Base58EncodedBytes, getAddressEncoder, getBase58Decoder, getBase64Encoder } from '@solana/kit';
import { DIEM_STAKE_DISCRIMINATOR, getDiemStakeDecoder } from './generated/index.js';

/** `getProgramAccounts` filters that select the DIEM stakes `owner` controls (owner after the discriminator). */
export function diemStakesOfFilters(owner: Address) {
  const base58 = getBase58Decoder();
  return [
    { memcmp: { offset: 0n, bytes: base58.decode(DIEM_STAKE_DISCRIMINATOR) as Base58EncodedBytes, encoding: 'base58' as const } },
    { memcmp: { offset: 8n, bytes: base58.decode(getAddressEncoder().encode(owner)) as Base58EncodedBytes, encoding: 'base58' as const } },
  ];
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
