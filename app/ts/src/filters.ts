// `getProgramAccounts` filters: an account type (its discriminator at offset 0) and an address
// stored at a known offset (an owner, a beneficiary).
import { type Address, type Base58EncodedBytes, type ReadonlyUint8Array, getAddressEncoder, getBase58Decoder } from '@solana/kit';

export function accountsWithAddressAt(discriminator: ReadonlyUint8Array, offset: bigint, address: Address) {
  const base58 = getBase58Decoder();
  return [
    { memcmp: { offset: 0n, bytes: base58.decode(discriminator) as Base58EncodedBytes, encoding: 'base58' as const } },
    { memcmp: { offset, bytes: base58.decode(getAddressEncoder().encode(address)) as Base58EncodedBytes, encoding: 'base58' as const } },
  ];
}
