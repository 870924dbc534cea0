//! One event as the store keeps it: where it happened, whose it is (and the other key it
//! concerns), its main amount, its ticket, the balances after it, plus the exact bytes.
use anchor_lang::prelude::Pubkey;
use base64::Engine;
use diem_client::decode::DecodedTransaction;
use diem_client::effects::Effect;
use diem_client::events::DiemEvent;

#[derive(Clone, Debug, PartialEq)]
pub struct EventRow {
    pub seq: u64,
    pub signature: String,
    pub slot: u64,
    pub block_time: Option<i64>,
    pub event: DiemEvent,
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

    /// What the event does, to whom ([`diem_client::effects`]).
    pub fn effects(&self) -> Effect {
        diem_client::effects::effect(&self.event)
    }

    /// The event as the store keeps it: its discriminator and Borsh body, in base64.
    pub fn data(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.event.to_bytes())
    }
}

/// The first 8 bytes of a key, as the integer the record indexes events by (a query compares
/// the full key too, so two keys sharing a prefix are never confused).
pub fn key_prefix(key: &Pubkey) -> i64 {
    let bytes = key.to_bytes();
    i64::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]])
}

/// The bytes [`EventRow::data`] wrote: discriminator and Borsh body.
pub fn event_bytes(data: &str) -> Option<Vec<u8>> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(data).ok()?;
    (bytes.len() >= 8).then_some(bytes)
}

/// Decodes what [`EventRow::data`] wrote.
pub fn event_from_data(data: &str) -> Option<DiemEvent> {
    let bytes = event_bytes(data)?;
    DiemEvent::decode(&bytes[..8], &bytes[8..])
}
