//! What each event does to whom: the one place that maps every diem event to the keys it
//! concerns, its main amount, the position and DIEM stakes it leaves (through
//! [`stake_balances`]) and what it does to an unstake ticket. The record's rows and tables are
//! written from it, and the credit rule reads stakes through the same [`stake_balances`].
use anchor_lang::prelude::Pubkey;
use diem::state::PositionBalances;

use crate::credit::{StakeBalance, stake_balances};
use crate::events::DiemEvent;

/// What an event changes about a ticket.
#[derive(Clone, Debug, PartialEq)]
pub enum TicketChange {
    Open {
        ticket: Pubkey,
        kind: &'static str,
        owner: Pubkey,
        rent_payer: Pubkey,
        amount: u64,
        opened_at: i64,
        unlock_at: i64,
    },
    NewOwner {
        ticket: Pubkey,
        owner: Pubkey,
    },
    Close {
        ticket: Pubkey,
    },
}

/// What an event does, to whom.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Effect {
    /// The position owner, stake controller or ticket owner the event is about.
    pub owner: Option<Pubkey>,
    /// The other key it concerns: the beneficiary of a DIEM stake change (the new one for a
    /// change of beneficiary), the new owner of a transferred ticket.
    pub counterparty: Option<Pubkey>,
    /// The ticket it opens, closes or hands on.
    pub ticket: Option<Pubkey>,
    /// Its main amount (staked, unstaked, minted, burned, moved).
    pub amount: Option<u64>,
    /// The owner's position after the event.
    pub position: Option<PositionBalances>,
    /// The DIEM stakes the event leaves at a new balance.
    pub stakes: Vec<StakeBalance>,
    pub ticket_change: Option<TicketChange>,
}

impl Effect {
    /// The stake of (owner, counterparty) after the event, where it changed one.
    pub fn diem_staked(&self) -> Option<u64> {
        let (owner, counterparty) = (self.owner?, self.counterparty?);
        self.stakes.iter().rev().find(|s| s.owner == owner && s.beneficiary == counterparty).map(|s| s.staked)
    }
}

/// What `event` does, to whom.
pub fn effect(event: &DiemEvent) -> Effect {
    use DiemEvent as E;
    let key = |k: &Pubkey| Some(*k);
    let stakes = stake_balances(event);
    let position = |owner: &Pubkey, amount: u64, b: &PositionBalances| Effect {
        owner: key(owner),
        amount: Some(amount),
        position: Some(*b),
        ..Effect::default()
    };
    let open = |ticket: &Pubkey, kind, owner: &Pubkey, rent_payer: &Pubkey, amount, opened_at, unlock_at| {
        Some(TicketChange::Open {
            ticket: *ticket,
            kind,
            owner: *owner,
            rent_payer: *rent_payer,
            amount,
            opened_at,
            unlock_at,
        })
    };
    let close = |ticket: &Pubkey| Some(TicketChange::Close { ticket: *ticket });
    // A DIEM stake's side: its controller, the beneficiary as counterparty, the new balances.
    let diem_stake = |owner: &Pubkey, beneficiary: &Pubkey, amount: u64| Effect {
        owner: key(owner),
        counterparty: key(beneficiary),
        amount: Some(amount),
        stakes: stakes.clone(),
        ..Effect::default()
    };
    let ticket_ended = |owner: &Pubkey, ticket: &Pubkey, amount: u64| Effect {
        owner: key(owner),
        ticket: key(ticket),
        amount: Some(amount),
        ticket_change: close(ticket),
        ..Effect::default()
    };
    match event {
        E::Staked(e) => position(&e.owner, e.amount, &e.position),
        E::RewardsClaimed(e) => position(&e.owner, e.amount, &e.position),
        E::DiemMinted(e) => position(&e.owner, e.diem_out, &e.position),
        E::DiemBurned(e) => position(&e.owner, e.diem_burned, &e.position),
        E::UnstakeInitiated(e) => Effect {
            ticket: key(&e.ticket),
            ticket_change: open(
                &e.ticket,
                "sVVV",
                &e.owner,
                &e.rent_payer,
                e.amount,
                e.pool.last_accrual_ts,
                e.unlock_at,
            ),
            ..position(&e.owner, e.amount, &e.position)
        },
        E::UnstakeCancelled(e) => Effect {
            ticket: key(&e.ticket),
            ticket_change: close(&e.ticket),
            ..position(&e.owner, e.amount, &e.position)
        },
        E::UnstakeFinalized(e) => ticket_ended(&e.owner, &e.ticket, e.amount),
        E::TicketTransferred(e) => Effect {
            owner: key(&e.from),
            counterparty: key(&e.to),
            ticket: key(&e.ticket),
            amount: Some(e.amount),
            ticket_change: Some(TicketChange::NewOwner { ticket: e.ticket, owner: e.to }),
            ..Effect::default()
        },
        E::DiemStaked(e) => diem_stake(&e.owner, &e.beneficiary, e.amount),
        E::DiemUnstakeInitiated(e) => Effect {
            ticket: key(&e.ticket),
            ticket_change: open(&e.ticket, "DIEM", &e.owner, &e.rent_payer, e.amount, e.timestamp, e.unlock_at),
            ..diem_stake(&e.owner, &e.beneficiary, e.amount)
        },
        E::DiemUnstakeCancelled(e) => Effect {
            ticket: key(&e.ticket),
            ticket_change: close(&e.ticket),
            ..diem_stake(&e.owner, &e.beneficiary, e.amount)
        },
        E::DiemUnstakeFinalized(e) => ticket_ended(&e.owner, &e.ticket, e.amount),
        E::DiemBeneficiaryChanged(e) => diem_stake(&e.owner, &e.to, e.amount),
        // Protocol-wide events: no one holder's position, stake or ticket moves. Listed, not
        // matched by `_`, so a new event must be placed here or above.
        E::Initialized(_)
        | E::RewardsFunded(_)
        | E::TreasuryPaid(_)
        | E::ParamsUpdated(_)
        | E::TreasuryUpdated(_)
        | E::PauseUpdated(_)
        | E::Launched(_)
        | E::CurveStaged(_)
        | E::CurveCommitted(_)
        | E::CurveStagingCleared(_)
        | E::ChangeProposed(_)
        | E::ChangeApplied(_)
        | E::ChangeCancelled(_)
        | E::MetadataUriUpdated(_)
        | E::AuthorityProposed(_)
        | E::AuthorityTransferred(_) => Effect::default(),
    }
}
