//! What the deployer and the config authority do.
use anchor_lang::prelude::Pubkey;
use diem::state::{Change, CurveEntry, Params};

use super::{Client, OpsResult};
use crate::chain::{Chain, ChainError, Outcome};
use crate::ix::{self, Deployment};
use crate::launch::LaunchFile;

impl<C: Chain> Client<'_, C> {
    /// `initialize` with the launch file's parameters (the signer must be the upgrade
    /// authority), then stages and commits the launch curve when the signer is also the config
    /// authority, as at launch.
    pub async fn init(
        &mut self,
        launch: &LaunchFile,
        vvv_mint: Pubkey,
        treasury: Pubkey,
        authority: Pubkey,
    ) -> OpsResult<Vec<Outcome>> {
        let mint = self
            .chain
            .account(&vvv_mint)
            .await?
            .ok_or_else(|| ChainError::Invalid(format!("no VVV mint at {vvv_mint}")))?;
        let decimals = crate::accounts::mint_decimals(&mint.data)
            .ok_or_else(|| ChainError::Invalid(format!("{vvv_mint} is not a mint")))?;
        let invalid = |e: crate::launch::LaunchError| ChainError::Invalid(e.to_string());
        let params = launch.params(decimals).map_err(invalid)?;
        let paused = launch.paused().map_err(invalid)?;
        let curve = launch.curve(decimals).map_err(invalid)?;
        let args = diem::instructions::InitializeArgs {
            authority,
            params,
            paused,
            diem_uri: launch.launch.diem_uri.clone(),
            accept_freeze_authority: launch.launch.accept_freeze_authority,
            change_delay_secs: launch.change_delay_secs().map_err(invalid)?,
        };
        let d = Deployment { vvv_mint, vvv_token_program: mint.owner };
        let mut sent = vec![self.send(ix::initialize(self.me(), &d, treasury, args)).await?];
        if authority == self.me() {
            sent.extend(self.replace_curve(&curve).await?);
        }
        Ok(sent)
    }

    async fn send_each(
        &mut self,
        ixs: Vec<anchor_lang::solana_program::instruction::Instruction>,
    ) -> OpsResult<Vec<Outcome>> {
        let mut sent = Vec::new();
        for ix in ixs {
            sent.push(self.send(ix).await?);
        }
        Ok(sent)
    }

    /// Clears the staging table, stages `curve` in chunks and commits it under its hash.
    pub async fn replace_curve(&mut self, curve: &[CurveEntry]) -> OpsResult<Vec<Outcome>> {
        self.send_each(ix::clear_and_replace_curve(self.me(), curve)).await
    }

    /// Proposes `change` (applied at once at the launch, or for a longer delay).
    pub async fn propose_change(&mut self, change: Change) -> OpsResult<Outcome> {
        let treasury = ix::treasury_candidate(&change, self.config().await?.treasury);
        self.send(ix::propose_change(self.me(), change, treasury)).await
    }

    /// Stages `curve` and proposes it: it goes live when the change applies.
    pub async fn propose_curve(&mut self, curve: &[CurveEntry]) -> OpsResult<Vec<Outcome>> {
        let treasury = self.config().await?.treasury;
        self.send_each(ix::propose_curve(self.me(), curve, treasury)).await
    }

    /// Applies the due change of `kind` (anyone may).
    pub async fn apply_change(&mut self, kind: u8) -> OpsResult<Outcome> {
        let me = self.me();
        let ix = self.reader().apply_change_ix(me, kind).await?;
        self.send(ix).await
    }

    /// Withdraws the pending change of `kind`.
    pub async fn cancel_change(&mut self, kind: u8) -> OpsResult<Outcome> {
        let treasury = self.config().await?.treasury;
        self.send(ix::cancel_change(self.me(), kind, treasury)).await
    }

    pub async fn set_params(&mut self, params: Params) -> OpsResult<Outcome> {
        self.send(ix::set_params(self.me(), params)).await
    }

    pub async fn set_pause(&mut self, paused: u16) -> OpsResult<Outcome> {
        self.send(ix::set_pause(self.me(), paused)).await
    }

    pub async fn set_treasury(&mut self, treasury: Pubkey) -> OpsResult<Outcome> {
        self.send(ix::set_treasury(self.me(), treasury)).await
    }

    pub async fn propose_authority(&mut self, proposed: Pubkey) -> OpsResult<Outcome> {
        self.send(ix::propose_authority(self.me(), proposed)).await
    }

    pub async fn accept_authority(&mut self) -> OpsResult<Outcome> {
        self.send(ix::accept_authority(self.me())).await
    }
}
