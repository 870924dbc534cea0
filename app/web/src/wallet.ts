// Wallets through the Wallet Standard: discovery (`@wallet-standard/app`), connection, and a
// `@solana/kit` signer that asks the wallet to sign (`solana:signTransaction`).
import { getWallets } from '@wallet-standard/app';
import type { Wallet, WalletAccount } from '@wallet-standard/base';
import { StandardConnect, type StandardConnectFeature } from '@wallet-standard/features';
import { SolanaSignTransaction, type SolanaSignTransactionFeature } from '@solana/wallet-standard-features';
import {
  getTransactionDecoder,
  getTransactionEncoder,
  type Address,
  type SignatureDictionary,
  type Transaction,
  type TransactionPartialSigner,
} from '@solana/kit';

/** Wallets that can connect and sign Solana transactions, as they register (now or later). */
export function watchWallets(onChange: (wallets: Wallet[]) => void): void {
  const api = getWallets();
  const usable = () => api.get().filter((w) => StandardConnect in w.features && SolanaSignTransaction in w.features);
  onChange(usable());
  api.on('register', () => onChange(usable()));
  api.on('unregister', () => onChange(usable()));
}

export async function connect(wallet: Wallet): Promise<WalletAccount> {
  const { accounts } = await (wallet.features[StandardConnect] as StandardConnectFeature[typeof StandardConnect]).connect();
  const account = accounts.find((a) => a.features.includes(SolanaSignTransaction)) ?? accounts[0];
  if (!account) throw new Error(`${wallet.name} gave no account`);
  return account;
}

/** A partial signer for `account`: the wallet signs the whole transaction; we keep its signature. */
export function walletSigner(wallet: Wallet, account: WalletAccount, chain: `${string}:${string}`): TransactionPartialSigner {
  const feature = wallet.features[SolanaSignTransaction] as SolanaSignTransactionFeature[typeof SolanaSignTransaction];
  const address = account.address as Address;
  return {
    address,
    async signTransactions(transactions: readonly Transaction[]): Promise<SignatureDictionary[]> {
      const encoder = getTransactionEncoder();
      const decoder = getTransactionDecoder();
      const outputs = await feature.signTransaction(
        ...transactions.map((t) => ({ account, chain, transaction: new Uint8Array(encoder.encode(t)) })),
      );
      return outputs.map((o) => {
        const signed = decoder.decode(o.signedTransaction);
        const signature = signed.signatures[address];
        if (!signature) throw new Error('the wallet did not sign');
        return { [address]: signature } as SignatureDictionary;
      });
    },
  };
}
