//! What a holder does: stake and unstake sVVV, claim, mint and burn DIEM, stake DIEM.
use anchor_lang::prelude::Pubkey;

use super::{Client, OpsResult};
use crate::chain::{Chain, Outcome};
use crate::ix;

/// The DIEM a `mint_diem` outcome minted, from the program's `DiemMinted` event.
pub fn diem_minted(outcome: &Outcome) -> Option<u64> {
    outcome.events_of::<diem::events::DiemMinted>().first().map(|m| m.diem_out)
}

impl<C: Chain> Client<'_, C> {
    // --- sVVV ---

    /// Stakes `amount` VVV from the signer's VVV account for `recipient` (default: the signer).
    pub async fn stake(&mut self, amount: u64, recipient: Option<Pubkey>) -> OpsResult<Outcome> {
        let d = self.deployment().await?;
        let (vvv, _) = self.my_token_accounts().await?;
        let me = self.me();
        self.send(ix::stake(&d, me, vvv, amount, recipient.unwrap_or(me))).await
    }

    pub async fn unstake(&mut self, amount: u64) -> OpsResult<Outcome> {
        self.send(ix::initiate_unstake(self.me(), amount)).await
    }

    pub async fn cancel_unstake(&mut self) -> OpsResult<Outcome> {
        self.send(ix::cancel_unstake(self.me())).await
    }

    pub async fn finalize_unstake(&mut self) -> OpsResult<Outcome> {
        let d = self.deployment().await?;
        let (vvv, _) = self.my_token_accounts().await?;
        self.send(ix::finalize_unstake(&d, self.me(), vvv)).await
    }

    pub async fn claim(&mut self) -> OpsResult<Outcome> {
        let d = self.deployment().await?;
        let (vvv, _) = self.my_token_accounts().await?;
        self.send(ix::claim_rewards(&d, self.me(), vvv)).await
    }

    pub async fn claim_and_stake(&mut self) -> OpsResult<Outcome> {
        self.send(ix::claim_and_stake(self.me())).await
    }

    pub async fn fund_rewards(&mut self, amount: u64) -> OpsResult<Outcome> {
        let d = self.deployment().await?;
        let (vvv, _) = self.my_token_accounts().await?;
        self.send(ix::fund_rewards(&d, self.me(), vvv, amount)).await
    }

    /// Pays the treasury's accrued share to the configured treasury (anyone may).
    pub async fn pay_treasury(&mut self) -> OpsResult<Outcome> {
        let config = self.config().await?;
        self.send(ix::pay_treasury(&crate::ix::Deployment::from_config(&config), config.treasury)).await
    }

    // --- DIEM ---

    /// Locks `svvv` and mints at least `min_out` DIEM to the signer's DIEM account (created if
    /// missing). [`diem_minted`] reads the amount off the outcome.
    pub async fn mint(&mut self, svvv: u64, min_out: u64) -> OpsResult<Outcome> {
        let diem = self.ensure_diem_account().await?;
        self.send(ix::mint_diem(self.me(), diem, svvv, min_out)).await
    }

    pub async fn burn(&mut self, amount: u64) -> OpsResult<Outcome> {
        let (_, diem) = self.my_token_accounts().await?;
        self.send(ix::burn_diem(self.me(), diem, amount)).await
    }

    pub async fn stake_diem(&mut self, amount: u64) -> OpsResult<Outcome> {
        let (_, diem) = self.my_token_accounts().await?;
        self.send(ix::stake_diem(self.me(), diem, amount)).await
    }

    pub async fn unstake_diem(&mut self, amount: u64) -> OpsResult<Outcome> {
        self.send(ix::initiate_diem_unstake(self.me(), amount)).await
    }

    pub async fn cancel_diem_unstake(&mut self) -> OpsResult<Outcome> {
        self.send(ix::cancel_diem_unstake(self.me())).await
    }

    pub async fn finalize_diem_unstake(&mut self) -> OpsResult<Outcome> {
        let diem = self.ensure_diem_account().await?;
        self.send(ix::finalize_diem_unstake(self.me(), diem)).await
    }
}
