//! One event as the store keeps it: where it happened, whose it is (and the other key it
//! concerns), its main amount, its ticket, the balances after it, plus the exact bytes.
use anchor_lang::prelude::Pubkey;
use base64::Engine;
use diem::state::PositionBalances;
use diem_client::credit::{StakeBalance, stake_balances};
use diem_client::decode::DecodedTransaction;
use diem_client::events::DiemEvent;

#[derive(Clone, Debug, PartialEq)]
pub struct EventRow {
    pub seq: u64,
    pub signature: String,
    pub slot: u64,
    pub block_time: Option<i64>,
    pub event: DiemEvent,
}

/// What an event changes about a ticket (the `tickets` table follows these).
#[derive(Clone, Debug, PartialEq)]
pub enum TicketChange {
    Open {
        ticket: String,
        kind: &'static str,
        owner: String,
        rent_payer: String,
        amount: u64,
        opened_at: i64,
        unlock_at: i64,
    },
    NewOwner {
        ticket: String,
        owner: String,
    },
    Close {
        ticket: String,
    },
}

/// What an event says about the keys it concerns: the one place that maps each event to the
/// record's columns and tables.
#[derive(Clone, Debug, Default)]
pub struct RowEffects {
    /// The position owner, stake controller or ticket owner the event is about.
    pub owner: Option<Pubkey>,
    /// The other key it concerns: the beneficiary of a DIEM stake change (the new one for a
    /// change of beneficiary), the new owner of a transferred ticket.
    pub counterparty: Option<Pubkey>,
    pub ticket: Option<String>,
    pub amount: Option<u64>,
    /// The owner's position after the event.
    pub position: Option<PositionBalances>,
    /// The DIEM stakes the event leaves at a new balance.
    pub stakes: Vec<StakeBalance>,
    pub ticket_change: Option<TicketChange>,
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

    /// The keys, amount, balances and ticket change of the event.
    pub fn effects(&self) -> RowEffects {
        use DiemEvent as E;
        let key = |k: &Pubkey| Some(k.to_string());
        let who = |k: &Pubkey| Some(*k);
        let stakes = stake_balances(&self.event);
        let position = |owner: &Pubkey, amount: u64, b: &PositionBalances| RowEffects {
            owner: who(owner),
            amount: Some(amount),
            position: Some(*b),
            ..RowEffects::default()
        };
        let open = |ticket: &Pubkey, kind, owner: &Pubkey, rent_payer: &Pubkey, amount, opened_at, unlock_at| {
            Some(TicketChange::Open {
                ticket: ticket.to_string(),
                kind,
                owner: owner.to_string(),
                rent_payer: rent_payer.to_string(),
                amount,
                opened_at,
                unlock_at,
            })
        };
        let close = |ticket: &Pubkey| Some(TicketChange::Close { ticket: ticket.to_string() });
        // A DIEM stake's side: its controller, the beneficiary as counterparty, the new balances.
        let diem_stake = |owner: &Pubkey, beneficiary: &Pubkey, amount: u64| RowEffects {
            owner: who(owner),
            counterparty: who(beneficiary),
            amount: Some(amount),
            stakes: stakes.clone(),
            ..RowEffects::default()
        };
        let ticket_ended = |owner: &Pubkey, ticket: &Pubkey, amount: u64| RowEffects {
            owner: who(owner),
            ticket: key(ticket),
            amount: Some(amount),
            ticket_change: close(ticket),
            ..RowEffects::default()
        };
        match &self.event {
            E::Staked(e) => position(&e.owner, e.amount, &e.position),
            E::RewardsClaimed(e) => position(&e.owner, e.amount, &e.position),
            E::DiemMinted(e) => position(&e.owner, e.diem_out, &e.position),
            E::DiemBurned(e) => position(&e.owner, e.diem_burned, &e.position),
            E::UnstakeInitiated(e) => RowEffects {
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
            E::UnstakeCancelled(e) => RowEffects {
                ticket: key(&e.ticket),
                ticket_change: close(&e.ticket),
                ..position(&e.owner, e.amount, &e.position)
            },
            E::UnstakeFinalized(e) => ticket_ended(&e.owner, &e.ticket, e.amount),
            E::TicketTransferred(e) => RowEffects {
                owner: who(&e.from),
                counterparty: who(&e.to),
                ticket: key(&e.ticket),
                amount: Some(e.amount),
                ticket_change: Some(TicketChange::NewOwner { ticket: e.ticket.to_string(), owner: e.to.to_string() }),
                ..RowEffects::default()
            },
            E::DiemStaked(e) => diem_stake(&e.owner, &e.beneficiary, e.amount),
            E::DiemUnstakeInitiated(e) => RowEffects {
                ticket: key(&e.ticket),
                ticket_change: open(&e.ticket, "DIEM", &e.owner, &e.rent_payer, e.amount, e.timestamp, e.unlock_at),
                ..diem_stake(&e.owner, &e.beneficiary, e.amount)
            },
            E::DiemUnstakeCancelled(e) => RowEffects {
                ticket: key(&e.ticket),
                ticket_change: close(&e.ticket),
                ..diem_stake(&e.owner, &e.beneficiary, e.amount)
            },
            E::DiemUnstakeFinalized(e) => ticket_ended(&e.owner, &e.ticket, e.amount),
            E::DiemBeneficiaryChanged(e) => diem_stake(&e.owner, &e.to, e.amount),
            _ => RowEffects::default(),
        }
    }

    /// The staked DIEM the events row shows: the stake of (owner, counterparty) after the event.
    pub fn diem_staked(effects: &RowEffects) -> Option<u64> {
        let (owner, counterparty) = (effects.owner?, effects.counterparty?);
        effects.stakes.iter().rev().find(|s| s.owner == owner && s.beneficiary == counterparty).map(|s| s.staked)
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

/// Decodes what [`EventRow::data`] wrote.
pub fn event_from_data(data: &str) -> Option<DiemEvent> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(data).ok()?;
    if bytes.len() < 8 {
        return None;
    }
    DiemEvent::decode(&bytes[..8], &bytes[8..])
}
