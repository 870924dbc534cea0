// A Wallet Standard wallet for the browser test, injected before the page loads. It registers
// the way real wallets do (the `wallet-standard:register-wallet` event, and answering
// `wallet-standard:app-ready`), and signs through `window.__diemTestWalletSign`, which the test
// exposes from Node with a test keypair. Arguments: the base58 address and the public key bytes.
(address, publicKey) => {
  const chains = ['solana:localnet', 'solana:devnet', 'solana:testnet', 'solana:mainnet'];
  const fromBase64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const toBase64 = (bytes) => btoa(String.fromCharCode(...bytes));
  const account = Object.freeze({
    address,
    publicKey: new Uint8Array(publicKey),
    chains,
    features: ['solana:signTransaction'],
  });
  const wallet = {
    version: '1.0.0',
    name: 'DIEM Test Wallet',
    icon: 'data:image/svg+xml;base64,' + btoa('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="5" fill="#5b4ff0"/></svg>'),
    chains,
    accounts: [account],
    features: {
      'standard:connect': { version: '1.0.0', connect: async () => ({ accounts: [account] }) },
      'standard:events': { version: '1.0.0', on: () => () => {} },
      'solana:signTransaction': {
        version: '1.0.0',
        supportedTransactionVersions: ['legacy', 0],
        signTransaction: async (...inputs) => {
          const outputs = [];
          for (const input of inputs) {
            if (input.account.address !== address) throw new Error('unknown account');
            const signed = await window.__diemTestWalletSign(toBase64(input.transaction));
            outputs.push({ signedTransaction: fromBase64(signed) });
          }
          return outputs;
        },
      },
    },
  };
  const register = ({ register }) => register(wallet);
  window.addEventListener('wallet-standard:app-ready', (e) => register(e.detail));
  window.dispatchEvent(new CustomEvent('wallet-standard:register-wallet', { detail: register }));
}
