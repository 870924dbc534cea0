//! An embedded Solana bank (`solana-program-test`) with the diem program and the real SPL Token
//! and Token-2022 programs: one more [`Chain`] backend, what `diem demo` runs on and what the
//! integration tests build on. Its clock can be moved ([`Bank::advance`]).
//!
//! The program runs natively by default; with `SBF_OUT_DIR` set (the folder holding `diem.so`)
//! the same bank loads the SBF binary instead.
// solana-program-test 3.x marks its whole API as 'unstable' via deprecation notes.
#![allow(deprecated)]
use anchor_lang::prelude::{Clock, Pubkey};
use anchor_lang::solana_program::instruction::Instruction;
use diem::constants::DIEM_DECIMALS;
use diem::instructions::InitializeArgs;
use diem::state::CurveEntry;
use diem_client::chain::{Chain, ChainError, Outcome, TxFailure, required_signers};
use diem_client::events::DiemEvent;
use diem_client::ix::{self, Deployment};
use diem_client::pda;
use solana_account::Account;
use solana_keypair::Keypair;
use solana_program_option::COption;
use solana_program_pack::Pack;
/// A program's native entry, as `solana_program_test::processor!` builds it.
pub use solana_program_runtime::invoke_context::BuiltinFunctionWithContext as Builtin;
use solana_program_test::{ProgramTest, ProgramTestContext, processor};
use solana_signer::Signer;
use solana_transaction::Transaction;

pub mod native;

/// Decimals of the VVV mint the bank creates (SPL Token).
pub const VVV_DECIMALS: u8 = 6;
pub const ONE_VVV: u64 = 1_000_000;
const MAX_COMPUTE_UNITS: u32 = 1_400_000;

native_entry!(diem_entry, diem::entry);

/// The bank logs every instruction at debug level; keep output readable unless the user asks
/// for more with `RUST_LOG`.
fn quiet_bank_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("RUST_LOG").is_none() {
            // SAFETY: runs once, before any bank (and its threads) exists in this process.
            unsafe { std::env::set_var("RUST_LOG", "error") };
        }
    });
}

/// True when the bank runs the SBF binary instead of the native build: the one switch is
/// `SBF_OUT_DIR`, the folder holding `diem.so` (`scripts/build-sbf.sh` writes `target/deploy`).
pub fn bpf_mode() -> bool {
    std::env::var_os("SBF_OUT_DIR").is_some()
}

/// A wallet with a VVV account and a DIEM account.
pub struct User {
    pub key: Keypair,
    pub vvv: Pubkey,
    pub diem: Pubkey,
}

impl User {
    pub fn pubkey(&self) -> Pubkey {
        self.key.pubkey()
    }
}

/// What the bank is started with.
#[derive(Default)]
pub struct BankOptions {
    /// A VVV mint account and its token program to use instead of a fresh SPL Token mint.
    pub vvv_mint: Option<(Account, Pubkey)>,
    /// More programs: `(name, id, native entry)`. In BPF mode `<name>.so` is loaded from
    /// `SBF_OUT_DIR`; otherwise the native entry runs (`None`: BPF mode only).
    pub programs: Vec<(&'static str, Pubkey, Option<Builtin>)>,
}

/// The bank and the keys that run it: the deployer (the program's upgrade authority), the
/// config authority, the VVV mint authority and the treasury account.
pub struct Bank {
    pub ctx: ProgramTestContext,
    pub deployer: Keypair,
    pub authority: Keypair,
    pub vvv_mint_authority: Keypair,
    pub deployment: Deployment,
    pub treasury: Pubkey,
    /// Every event of every successful transaction since the bank started, in order.
    pub event_log: Vec<DiemEvent>,
    /// The compute-unit limit for a transaction (the tests enforce budgets through it).
    pub compute_limit: fn(&[Instruction]) -> u32,
    nonce: u32,
}

fn packed<T: Pack>(state: T, owner: Pubkey) -> Account {
    let mut data = vec![0u8; T::LEN];
    state.pack_into_slice(&mut data);
    Account { lamports: 1_000_000_000, data, owner, executable: false, rent_epoch: 0 }
}

/// `UpgradeableLoaderState::ProgramData { slot: 0, upgrade_authority_address: Some(authority) }`
/// as the upgradeable loader stores it (bincode: u32 variant 3, u64 slot, Option tag, key).
fn program_data_account(authority: &Pubkey) -> Account {
    let mut data = Vec::with_capacity(45);
    data.extend_from_slice(&3u32.to_le_bytes());
    data.extend_from_slice(&0u64.to_le_bytes());
    data.push(1);
    data.extend_from_slice(authority.as_ref());
    Account {
        lamports: 1_000_000_000,
        data,
        owner: anchor_lang::solana_program::bpf_loader_upgradeable::ID,
        executable: false,
        rent_epoch: 0,
    }
}

fn funded() -> Account {
    Account { lamports: 100_000_000_000, data: vec![], owner: Pubkey::default(), executable: false, rent_epoch: 0 }
}

impl Bank {
    /// A bank with VVV (SPL Token, 6 decimals, or `options.vvv_mint`), a treasury account and
    /// the program deployed with the deployer as its upgrade authority; not yet initialized.
    pub async fn start(options: BankOptions) -> Self {
        quiet_bank_logs();
        let mut pt = ProgramTest::default();
        if bpf_mode() {
            pt.prefer_bpf(true);
            pt.add_program("diem", diem::ID, None);
        } else {
            pt.add_program("diem", diem::ID, processor!(diem_entry));
        }
        for (name, id, entry) in options.programs {
            pt.add_program(name, id, entry);
        }
        let deployer = Keypair::new();
        let authority = Keypair::new();
        let vvv_mint_authority = Keypair::new();
        let vvv_mint = Pubkey::new_unique();
        let treasury = Pubkey::new_unique();
        pt.add_account(deployer.pubkey(), funded());
        pt.add_account(authority.pubkey(), funded());
        pt.add_account(pda::program_data(), program_data_account(&deployer.pubkey()));
        let (mint_account, vvv_token_program) = options.vvv_mint.unwrap_or_else(|| {
            let mint = spl_token_interface::state::Mint {
                mint_authority: COption::Some(vvv_mint_authority.pubkey()),
                supply: 0,
                decimals: VVV_DECIMALS,
                is_initialized: true,
                freeze_authority: COption::None,
            };
            (packed(mint, spl_token_interface::ID), spl_token_interface::ID)
        });
        pt.add_account(vvv_mint, mint_account);
        let treasury_account = spl_token_interface::state::Account {
            mint: vvv_mint,
            owner: authority.pubkey(),
            amount: 0,
            delegate: COption::None,
            state: spl_token_interface::state::AccountState::Initialized,
            is_native: COption::None,
            delegated_amount: 0,
            close_authority: COption::None,
        };
        pt.add_account(treasury, packed(treasury_account, vvv_token_program));
        let ctx = pt.start_with_context().await;
        Bank {
            ctx,
            deployer,
            authority,
            vvv_mint_authority,
            deployment: Deployment { vvv_mint, vvv_token_program },
            treasury,
            event_log: Vec::new(),
            compute_limit: |_| MAX_COMPUTE_UNITS,
            nonce: 0,
        }
    }

    /// `initialize` signed by the deployer.
    pub async fn initialize(&mut self, args: InitializeArgs) -> Result<Outcome, ChainError> {
        let ix = ix::initialize(self.deployer.pubkey(), &self.deployment, self.treasury, args);
        let deployer = self.deployer.insecure_clone();
        self.send(&[ix], &[&deployer]).await
    }

    /// Stages `curve` in chunks and commits it, signed by the authority.
    pub async fn replace_curve(&mut self, curve: &[CurveEntry]) -> Result<Outcome, ChainError> {
        let authority = self.authority.insecure_clone();
        let mut last = Outcome::default();
        for ix in ix::replace_curve(authority.pubkey(), curve) {
            last = self.send(&[ix], &[&authority]).await?;
        }
        Ok(last)
    }

    /// Sends `ixs` paid by the bank's payer and signed by `signers`. Events and return data
    /// come from a simulation of the same transaction against the same state (the bank's
    /// metadata lacks inner instructions).
    pub async fn send(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> Result<Outcome, ChainError> {
        // A per-transaction priority fee makes every transaction unique, so repeating an
        // operation is never mistaken for a replay.
        self.nonce += 1;
        let mut all = vec![
            solana_compute_budget_interface::ComputeBudgetInstruction::set_compute_unit_limit((self.compute_limit)(
                ixs,
            )),
            solana_compute_budget_interface::ComputeBudgetInstruction::set_compute_unit_price(u64::from(self.nonce)),
        ];
        all.extend_from_slice(ixs);
        let payer = self.ctx.payer.insecure_clone();
        let mut keys: Vec<&Keypair> = vec![&payer];
        keys.extend(required_signers(&all, signers, &payer.pubkey()));
        // The bank ticks on its own; an old blockhash eventually expires, so take the latest.
        let blockhash = self.ctx.banks_client.get_latest_blockhash().await.map_err(bank_error)?;
        let mut tx = Transaction::new_unsigned(solana_transaction::Message::new(&all, Some(&payer.pubkey())));
        tx.try_sign(&keys, blockhash).map_err(|e| ChainError::Invalid(format!("cannot sign: {e}")))?;
        let message_keys = tx.message.account_keys.clone();
        let signature = tx.signatures.first().map(|s| s.to_string()).unwrap_or_default();
        let sim = self.ctx.banks_client.simulate_transaction(tx.clone()).await.map_err(bank_error)?;
        let result = self.ctx.banks_client.process_transaction_with_metadata(tx).await.map_err(bank_error)?;
        let (logs, compute_units) =
            result.metadata.map(|m| (m.log_messages, m.compute_units_consumed)).unwrap_or_default();
        if let Err(error) = result.result {
            return Err(ChainError::Failed(TxFailure::new(Some(error.clone()), format!("{error:?}"), logs)));
        }
        let details = sim.simulation_details.ok_or_else(|| ChainError::Invalid("no simulation details".into()))?;
        let mut events = Vec::new();
        for ix in details.inner_instructions.unwrap_or_default().into_iter().flatten() {
            let program = message_keys.get(usize::from(ix.instruction.program_id_index));
            if program == Some(&diem::ID) && ix.instruction.data.starts_with(anchor_lang::event::EVENT_IX_TAG_LE) {
                let event = DiemEvent::from_cpi_data(&ix.instruction.data)
                    .ok_or_else(|| ChainError::Invalid("an event of the program does not decode".into()))?;
                events.push(event);
            }
        }
        self.event_log.extend(events.iter().cloned());
        Ok(Outcome {
            signature,
            events,
            return_data: details.return_data.map(|r| r.data),
            compute_units: Some(compute_units),
            logs,
        })
    }

    pub async fn clock(&mut self) -> Result<Clock, ChainError> {
        self.ctx.banks_client.get_sysvar::<Clock>().await.map_err(bank_error)
    }

    pub async fn now(&mut self) -> Result<i64, ChainError> {
        Ok(self.clock().await?.unix_timestamp)
    }

    /// Moves the bank's clock forward by `secs`.
    pub async fn advance(&mut self, secs: i64) -> Result<(), ChainError> {
        let mut clock = self.clock().await?;
        clock.unix_timestamp = clock
            .unix_timestamp
            .checked_add(secs)
            .ok_or_else(|| ChainError::Invalid(format!("cannot move the clock by {secs} s")))?;
        self.ctx.set_sysvar(&clock);
        Ok(())
    }

    /// Writes `account` at `key` directly (a forged or donated account, for adversarial tests).
    pub fn set_account(&mut self, key: Pubkey, account: Account) {
        self.ctx.set_account(&key, &solana_account::AccountSharedData::from(account));
    }

    pub async fn account(&mut self, key: Pubkey) -> Result<Option<Account>, ChainError> {
        self.ctx.banks_client.get_account(key).await.map_err(bank_error)
    }

    /// Creates a token account for `mint` owned by `owner` under `token_program`.
    pub async fn token_account(
        &mut self,
        mint: Pubkey,
        owner: Pubkey,
        token_program: Pubkey,
    ) -> Result<Pubkey, ChainError> {
        let account = Keypair::new();
        let payer = self.ctx.payer.pubkey();
        let ixs = diem_client::tokens::create_token_account(&payer, &account.pubkey(), &mint, &owner, &token_program)
            .map_err(|e| ChainError::Invalid(e.to_string()))?;
        self.send(&ixs, &[&account]).await?;
        Ok(account.pubkey())
    }

    /// Creates (idempotently) `owner`'s associated token account for `mint`.
    pub async fn associated_token_account(
        &mut self,
        mint: Pubkey,
        owner: Pubkey,
        token_program: Pubkey,
    ) -> Result<Pubkey, ChainError> {
        use anchor_spl::associated_token::{
            get_associated_token_address_with_program_id, spl_associated_token_account as ata,
        };
        let payer = self.ctx.payer.pubkey();
        let ix = ata::instruction::create_associated_token_account_idempotent(&payer, &owner, &mint, &token_program);
        self.send(&[ix], &[]).await?;
        Ok(get_associated_token_address_with_program_id(&owner, &mint, &token_program))
    }

    /// Mints `amount` VVV to `to`.
    pub async fn mint_vvv(&mut self, to: Pubkey, amount: u64) -> Result<Outcome, ChainError> {
        let auth = self.vvv_mint_authority.insecure_clone();
        let ix = spl_token_interface::instruction::mint_to(
            &spl_token_interface::ID,
            &self.deployment.vvv_mint,
            &to,
            &auth.pubkey(),
            &[],
            amount,
        )
        .map_err(|e| ChainError::Invalid(e.to_string()))?;
        self.send(&[ix], &[&auth]).await
    }

    /// A keypair with 10 SOL and no token accounts.
    pub async fn wallet(&mut self) -> Result<Keypair, ChainError> {
        self.fund_wallet(Keypair::new()).await
    }

    /// Gives `key` 10 SOL.
    pub async fn fund_wallet(&mut self, key: Keypair) -> Result<Keypair, ChainError> {
        let payer = self.ctx.payer.insecure_clone();
        let fund = solana_system_interface::instruction::transfer(&payer.pubkey(), &key.pubkey(), 10_000_000_000);
        self.send(&[fund], &[]).await?;
        Ok(key)
    }

    /// A funded wallet holding `vvv` VVV, with an empty DIEM account (needs `initialize`).
    pub async fn user(&mut self, vvv: u64) -> Result<User, ChainError> {
        let key = self.wallet().await?;
        self.user_with_key(key, vvv).await
    }

    /// As [`Bank::user`], for a given (already funded) keypair.
    pub async fn user_with_key(&mut self, key: Keypair, vvv: u64) -> Result<User, ChainError> {
        let vvv_account = self
            .associated_token_account(self.deployment.vvv_mint, key.pubkey(), self.deployment.vvv_token_program)
            .await?;
        if vvv > 0 {
            self.mint_vvv(vvv_account, vvv).await?;
        }
        let diem = self.associated_token_account(pda::diem_mint(), key.pubkey(), anchor_spl::token_2022::ID).await?;
        Ok(User { key, vvv: vvv_account, diem })
    }

    /// Moves DIEM between two wallets' DIEM accounts (a market sale, a gift).
    pub async fn transfer_diem(&mut self, from: &User, to: &User, amount: u64) -> Result<Outcome, ChainError> {
        self.transfer_diem_to(from, to.diem, amount).await
    }

    /// Moves DIEM from a wallet to any DIEM token account.
    pub async fn transfer_diem_to(&mut self, from: &User, to: Pubkey, amount: u64) -> Result<Outcome, ChainError> {
        let ix = spl_token_2022_interface::instruction::transfer_checked(
            &anchor_spl::token_2022::ID,
            &from.diem,
            &pda::diem_mint(),
            &to,
            &from.pubkey(),
            &[],
            amount,
            DIEM_DECIMALS,
        )
        .map_err(|e| ChainError::Invalid(e.to_string()))?;
        self.send(&[ix], &[&from.key]).await
    }
}

fn bank_error(e: solana_program_test::BanksClientError) -> ChainError {
    ChainError::Rpc(format!("bank: {e}"))
}

impl Chain for Bank {
    async fn send(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> Result<Outcome, ChainError> {
        Bank::send(self, ixs, signers).await
    }

    async fn account(&mut self, key: &Pubkey) -> Result<Option<Account>, ChainError> {
        Bank::account(self, *key).await
    }

    async fn now(&mut self) -> Result<i64, ChainError> {
        Bank::now(self).await
    }

    async fn events(&mut self) -> Result<Vec<DiemEvent>, ChainError> {
        Ok(self.event_log.clone())
    }
}
