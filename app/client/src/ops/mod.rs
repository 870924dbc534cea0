//! Operations over any [`Chain`]: what every `diem` command does, shared by the command line,
//! the demo and the tests. Each signs with the wallet it is given (which also pays the fee
//! where the backend has no payer of its own); reports carry base units.
//!
//! `user` holds the sVVV and DIEM operations, `admin` the authority's, `reports` the reads
//! (position, curve, quote, audit, credit), `dev` the local-network helpers.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_spl::associated_token::get_associated_token_address_with_program_id;
use diem::state::Config;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::chain::{Chain, ChainError, Outcome};
use crate::ix::Deployment;
use crate::pda;

pub mod admin;
pub mod dev;
pub mod reports;
pub mod user;

pub use reports::{AuditReport, PositionReport};

pub type OpsResult<T> = Result<T, ChainError>;

/// One wallet acting on one chain.
pub struct Client<'a, C: Chain> {
    pub chain: &'a mut C,
    pub signer: &'a Keypair,
}

/// Reads that need no wallet.
pub struct Reader<'a, C: Chain> {
    pub chain: &'a mut C,
}

impl<'a, C: Chain> Reader<'a, C> {
    pub fn new(chain: &'a mut C) -> Self {
        Self { chain }
    }

    pub async fn config(&mut self) -> OpsResult<Config> {
        let account = self.chain.account(&pda::config()).await?.ok_or(ChainError::NotInitialized)?;
        Ok(crate::accounts::config(&account.data)?)
    }

    pub async fn deployment(&mut self) -> OpsResult<Deployment> {
        Ok(Deployment::from_config(&self.config().await?))
    }
}

impl<'a, C: Chain> Client<'a, C> {
    pub fn new(chain: &'a mut C, signer: &'a Keypair) -> Self {
        Self { chain, signer }
    }

    /// The same chain, for reads.
    pub fn reader(&mut self) -> Reader<'_, C> {
        Reader::new(self.chain)
    }

    fn me(&self) -> Pubkey {
        self.signer.pubkey()
    }

    async fn send(&mut self, ix: Instruction) -> OpsResult<Outcome> {
        let signer = self.signer;
        self.chain.send(&[ix], &[signer]).await
    }

    pub async fn config(&mut self) -> OpsResult<Config> {
        self.reader().config().await
    }

    pub async fn deployment(&mut self) -> OpsResult<Deployment> {
        self.reader().deployment().await
    }

    /// The signer's VVV and DIEM associated token accounts.
    pub async fn my_token_accounts(&mut self) -> OpsResult<(Pubkey, Pubkey)> {
        let d = self.deployment().await?;
        let me = self.me();
        Ok((
            get_associated_token_address_with_program_id(&me, &d.vvv_mint, &d.vvv_token_program),
            get_associated_token_address_with_program_id(&me, &pda::diem_mint(), &anchor_spl::token_2022::ID),
        ))
    }

    /// Creates the signer's DIEM associated token account if it does not exist.
    pub async fn ensure_diem_account(&mut self) -> OpsResult<Pubkey> {
        let (_, diem) = self.my_token_accounts().await?;
        if self.chain.account(&diem).await?.is_none() {
            use anchor_spl::associated_token::spl_associated_token_account as ata;
            let me = self.me();
            let ix = ata::instruction::create_associated_token_account_idempotent(
                &me,
                &me,
                &pda::diem_mint(),
                &anchor_spl::token_2022::ID,
            );
            self.send(ix).await?;
        }
        Ok(diem)
    }
}
