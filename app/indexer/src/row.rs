//! One event as the store keeps it: where it happened, whose it is, its main amount and the
//! owner's balances after it (every user event carries them), plus the exact bytes.
use base64::Engine;
use diem::state::{DiemStakeBalances, PositionBalances};
use diem_client::decode::DecodedTransaction;
use diem_client::events::DiemEvent;
use serde_json::Value;

use crate::body::{BodyError, Layouts};

#[derive(Clone, Debug, PartialEq)]
pub struct EventRow {
    pub seq: u64,
    pub signature: String,
    pub slot: u64,
    pub block_time: Option<i64>,
    pub event: DiemEvent,
}

/// What an event says about one owner.
pub struct OwnerEffect {
    pub owner: String,
    pub event_time: Option<i64>,
    pub amount: Option<u64>,
    pub position: Option<PositionBalances>,
    pub stake: Option<DiemStakeBalances>,
}

impl EventRow {
    /// The rows of a decoded transaction's events.
    pub fn of_transaction(tx: &DecodedTransaction) -> impl Iterator<Item = EventRow> + '_ {
        tx.events.iter().map(|event| EventRow {
            seq: event.seq(),
            signature: tx.signature.clone(),
            slot: tx.slot,
            block_time: tx.block_time,
            event: event.clone(),
        })
    }

    /// The event's own clock, where it carries one.
    pub fn event_time(&self) -> Option<i64> {
        self.event.timestamp()
    }

    /// The owner the event concerns, with its amount and resulting balances.
    pub fn owner_effect(&self) -> Option<OwnerEffect> {
        use DiemEvent as E;
        let event_time = self.event_time();
        let position = |owner: &anchor_lang::prelude::Pubkey, amount: u64, b: &PositionBalances| OwnerEffect {
            owner: owner.to_string(),
            event_time,
            amount: Some(amount),
            position: Some(*b),
            stake: None,
        };
        let stake = |owner: &anchor_lang::prelude::Pubkey, amount: u64, b: &DiemStakeBalances| OwnerEffect {
            owner: owner.to_string(),
            event_time,
            amount: Some(amount),
            position: None,
            stake: Some(*b),
        };
        Some(match &self.event {
            E::Staked(e) => position(&e.owner, e.amount, &e.position),
            E::UnstakeInitiated(e) => position(&e.owner, e.amount, &e.position),
            E::UnstakeCancelled(e) => position(&e.owner, e.amount, &e.position),
            E::UnstakeFinalized(e) => position(&e.owner, e.amount, &e.position),
            E::RewardsClaimed(e) => position(&e.owner, e.amount, &e.position),
            E::DiemMinted(e) => position(&e.owner, e.diem_out, &e.position),
            E::DiemBurned(e) => position(&e.owner, e.diem_burned, &e.position),
            E::DiemStaked(e) => stake(&e.owner, e.amount, &e.stake),
            E::DiemUnstakeInitiated(e) => stake(&e.owner, e.amount, &e.stake),
            E::DiemUnstakeCancelled(e) => stake(&e.owner, e.amount, &e.stake),
            E::DiemUnstakeFinalized(e) => stake(&e.owner, e.amount, &e.stake),
            _ => return None,
        })
    }

    /// The event as the store keeps it: its discriminator and Borsh body in base64, and the
    /// body as JSON laid out by the IDL, from one serialization.
    pub fn data_and_body(&self, layouts: &Layouts) -> Result<(String, Value), BodyError> {
        let bytes = self.event.to_bytes();
        let body = layouts.event_json(self.event.name(), &bytes[8..])?;
        Ok((base64::engine::general_purpose::STANDARD.encode(&bytes), body))
    }
}

/// Decodes what [`EventRow::data`] wrote.
pub fn event_from_data(data: &str) -> Option<DiemEvent> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(data).ok()?;
    if bytes.len() < 8 {
        return None;
    }
    DiemEvent::decode(&bytes[..8], &bytes[8..])
}
