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
    /// The VVV mint and token program, fixed at `initialize`: read once per client.
    deployment: Option<Deployment>,
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
        Self { chain, signer, deployment: None }
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

    /// The config as the chain holds it now; the deployment it names is remembered, so an
    /// operation that reads the config once reads it once.
    pub async fn config(&mut self) -> OpsResult<Config> {
        let config = self.reader().config().await?;
        self.deployment = Some(Deployment::from_config(&config));
        Ok(config)
    }

    /// The deployment, read from the config the first time only (it never changes).
    pub async fn deployment(&mut self) -> OpsResult<Deployment> {
        if let Some(d) = self.deployment {
            return Ok(d);
        }
        let d = self.reader().deployment().await?;
        self.deployment = Some(d);
        Ok(d)
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

    /// The signer's DIEM associated token account, and the instruction that creates it if it
    /// does not exist yet, to go in the same transaction as what pays into it.
    pub async fn diem_account(&mut self) -> OpsResult<(Pubkey, Option<Instruction>)> {
        let (_, diem) = self.my_token_accounts().await?;
        if self.chain.account(&diem).await?.is_some() {
            return Ok((diem, None));
        }
        use anchor_spl::associated_token::spl_associated_token_account as ata;
        let me = self.me();
        let create =
            ata::instruction::create_associated_token_account_idempotent(&me, &me, &pda::diem_mint(), &anchor_spl::token_2022::ID);
        Ok((diem, Some(create)))
    }

    /// `ix`, after `first` when there is one, in one transaction.
    async fn send_after(&mut self, first: Option<Instruction>, ix: Instruction) -> OpsResult<Outcome> {
        let signer = self.signer;
        let ixs: Vec<Instruction> = first.into_iter().chain(std::iter::once(ix)).collect();
        self.chain.send(&ixs, &[signer]).await
    }
}
