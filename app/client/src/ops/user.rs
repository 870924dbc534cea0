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

    /// Opens an sVVV unstake ticket for `amount` (the signer pays its rent); [`opened_ticket`]
    /// reads its address off the outcome.
    pub async fn unstake(&mut self, amount: u64) -> OpsResult<Outcome> {
        let me = self.me();
        let opened = self.reader().position(&me).await?.map(|p| p.tickets_opened).unwrap_or_default();
        self.send(ix::initiate_unstake(me, me, opened, amount)).await
    }

    /// Returns a ticket's sVVV to the signer's active stake.
    pub async fn cancel_unstake(&mut self, ticket: &Pubkey) -> OpsResult<Outcome> {
        let ticket = self.reader().open_ticket(ticket).await?;
        self.send(ix::cancel_unstake(&ticket)).await
    }

    /// Pays a due sVVV ticket to the signer's VVV account.
    pub async fn finalize_unstake(&mut self, ticket: &Pubkey) -> OpsResult<Outcome> {
        let ticket = self.reader().open_ticket(ticket).await?;
        let d = self.deployment().await?;
        let (vvv, _) = self.my_token_accounts().await?;
        self.send(ix::finalize_unstake(&d, &ticket, vvv)).await
    }

    /// Hands a ticket of either kind to `new_owner`.
    pub async fn transfer_ticket(&mut self, ticket: &Pubkey, new_owner: Pubkey) -> OpsResult<Outcome> {
        let ticket = self.reader().open_ticket(ticket).await?;
        self.send(ix::transfer_ticket(&ticket, new_owner)).await
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
    /// Mints into the signer's DIEM account, created in the same transaction if missing.
    pub async fn mint(&mut self, svvv: u64, min_out: u64) -> OpsResult<Outcome> {
        let (diem, create) = self.diem_account().await?;
        self.send_after(create, ix::mint_diem(self.me(), diem, svvv, min_out)).await
    }

    pub async fn burn(&mut self, amount: u64) -> OpsResult<Outcome> {
        let (_, diem) = self.my_token_accounts().await?;
        self.send(ix::burn_diem(self.me(), diem, amount)).await
    }

    /// Stakes `amount` DIEM for `beneficiary`'s credit (default: the signer's own).
    pub async fn stake_diem(&mut self, amount: u64, beneficiary: Option<Pubkey>) -> OpsResult<Outcome> {
        let (_, diem) = self.my_token_accounts().await?;
        let me = self.me();
        self.send(ix::stake_diem(me, beneficiary.unwrap_or(me), diem, amount)).await
    }

    /// Opens a DIEM ticket for `amount` from the signer's stake for `beneficiary` (default: the
    /// signer).
    pub async fn unstake_diem(&mut self, amount: u64, beneficiary: Option<Pubkey>) -> OpsResult<Outcome> {
        let me = self.me();
        let beneficiary = beneficiary.unwrap_or(me);
        let opened = self.reader().diem_stake(&me, &beneficiary).await?.map(|s| s.tickets_opened).unwrap_or_default();
        self.send(ix::initiate_diem_unstake(me, beneficiary, me, opened, amount)).await
    }

    /// Returns a DIEM ticket to the signer's stake for `beneficiary` (default: the signer).
    pub async fn cancel_diem_unstake(&mut self, ticket: &Pubkey, beneficiary: Option<Pubkey>) -> OpsResult<Outcome> {
        let ticket = self.reader().open_ticket(ticket).await?;
        self.send(ix::cancel_diem_unstake(&ticket, beneficiary.unwrap_or(ticket.owner))).await
    }

    /// Pays a due DIEM ticket to the signer's DIEM account (created if missing).
    pub async fn finalize_diem_unstake(&mut self, ticket: &Pubkey) -> OpsResult<Outcome> {
        let ticket = self.reader().open_ticket(ticket).await?;
        let (diem, create) = self.diem_account().await?;
        self.send_after(create, ix::finalize_diem_unstake(&ticket, diem)).await
    }

    /// Moves the signer's whole stake for `from` to their stake for `to`.
    pub async fn set_diem_beneficiary(&mut self, from: Pubkey, to: Pubkey) -> OpsResult<Outcome> {
        self.send(ix::set_diem_beneficiary(self.me(), from, to)).await
    }
}

/// The ticket an `unstake` or `unstake_diem` outcome opened, from the program's event.
pub fn opened_ticket(outcome: &Outcome) -> Option<Pubkey> {
    let svvv = outcome.events_of::<diem::events::UnstakeInitiated>().first().map(|e| e.ticket);
    svvv.or_else(|| outcome.events_of::<diem::events::DiemUnstakeInitiated>().first().map(|e| e.ticket))
}
