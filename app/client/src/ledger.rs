//! Rebuilding the program's books from its events alone (SPEC §9).
//!
//! Each event is re-applied through the program's own state methods (`Pool`, `Position`,
//! `DiemStake`, the curve quote), and the position, stake and pool the event carries are then
//! compared with the rebuilt ones. Replaying every event since `initialize` therefore proves
//! that issuance, transfers into the program, and burns are fully reconstructible, and a
//! single missing or wrong event is reported where it happens.
use std::collections::BTreeMap;

use anchor_lang::prelude::Pubkey;
use diem::constants::CURVE_LEN;
use diem::math::curve::{quote_mint, validate_curve};
use diem::state::{CurveEntry, DiemStake, Params, Pool, Position, PositionBalances, TicketKind, UnstakeTicket};
use thiserror::Error;

use crate::events::DiemEvent;

#[derive(Clone, Debug, Error, PartialEq)]
pub enum ReplayError {
    #[error("event {index} ({event}): {what}")]
    Diverged { index: usize, event: &'static str, what: String },
    #[error("event {index} ({event}): the program refused this step on replay: {error}")]
    Refused { index: usize, event: &'static str, error: String },
    #[error("event {index} ({event}) before Initialized")]
    NotInitialized { index: usize, event: &'static str },
    /// Events are numbered 1, 2, 3, … (SPEC §9): anything else means one is missing, repeated
    /// or out of order, and a replay stops rather than guess.
    #[error("event sequence gap: expected event {expected}, found {found} ({event})")]
    SequenceGap { expected: u64, found: u64, event: &'static str },
}

/// The books as rebuilt from events.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    pub initialized: bool,
    pub authority: Pubkey,
    pub pending_authority: Pubkey,
    pub treasury: Pubkey,
    pub params: Option<Params>,
    pub paused: u16,
    /// Whether the launch is over (`Launched` seen): after it, only a longer delay may apply at once.
    pub launched: bool,
    pub change_delay: i64,
    /// Pending changes by kind, as the events announced them.
    pub pending_changes: BTreeMap<u8, diem::state::PendingChange>,
    pub curve_version: u32,
    pub curve: Vec<CurveEntry>,
    staging: Vec<Option<CurveEntry>>,
    pub pool: Pool,
    pub positions: BTreeMap<Pubkey, Position>,
    /// DIEM stakes by (owner, beneficiary).
    pub diem_stakes: BTreeMap<(Pubkey, Pubkey), DiemStake>,
    /// Open tickets by address.
    pub tickets: BTreeMap<Pubkey, OpenTicket>,
    /// DIEM minted minus DIEM burned, from the events.
    pub diem_supply: u64,
    pub events_applied: usize,
    /// Sequence number of the last event applied; 0 before `Initialized`.
    pub last_seq: u64,
}

/// An open ticket as the events describe it (its address seeds and bump are the chain's
/// business: replay never derives addresses).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenTicket {
    pub kind: TicketKind,
    pub owner: Pubkey,
    pub rent_payer: Pubkey,
    pub amount: u64,
    pub opened_at: i64,
    pub unlock_at: i64,
}

impl OpenTicket {
    /// Whether the ticket account on chain holds what the events say.
    pub fn matches(&self, account: &UnstakeTicket) -> bool {
        (self.kind, self.owner, self.rent_payer, self.amount, self.opened_at, self.unlock_at)
            == (account.kind, account.owner, account.rent_payer, account.amount, account.opened_at, account.unlock_at)
    }
}

/// A position as `stake` opens it for `owner` (bump 0: replay never derives addresses).
pub fn new_position(owner: Pubkey, pool: &Pool) -> Position {
    Position::new(owner, 0, pool)
}

/// A DIEM stake as `stake_diem` opens it for `owner` and `beneficiary`.
pub fn new_stake(owner: Pubkey, beneficiary: Pubkey) -> DiemStake {
    DiemStake::new(owner, beneficiary, 0)
}

impl Ledger {
    pub fn new() -> Self {
        Self { staging: vec![None; CURVE_LEN], ..Self::default() }
    }

    /// Replays events in order.
    pub fn replay<'a>(events: impl IntoIterator<Item = &'a DiemEvent>) -> Result<Self, ReplayError> {
        let mut ledger = Self::new();
        for event in events {
            ledger.apply(event)?;
        }
        Ok(ledger)
    }

    /// Applies one event and checks the state it carries.
    pub fn apply(&mut self, event: &DiemEvent) -> Result<(), ReplayError> {
        let index = self.events_applied;
        let name = event.name();
        let diverged = |what: String| ReplayError::Diverged { index, event: name, what };
        let refused = |e: anchor_lang::error::Error| ReplayError::Refused { index, event: name, error: e.to_string() };
        if !self.initialized && !matches!(event, DiemEvent::Initialized(_)) {
            return Err(ReplayError::NotInitialized { index, event: name });
        }
        let expected = self.last_seq + 1;
        if event.seq() != expected {
            return Err(ReplayError::SequenceGap { expected, found: event.seq(), event: name });
        }
        let params = self.params.unwrap_or(Params {
            emission_rate: 0,
            treasury_share_unlocked_bps: 0,
            treasury_share_locked_bps: 0,
            svvv_cooldown_secs: 0,
            diem_cooldown_secs: 0,
        });
        // Accrues to the time the event's pool was accrued to (the instruction's clock).
        let accrue = |pool: &mut Pool, to: &Pool| pool.accrue(to.last_accrual_ts, &params).map_err(refused);
        match event {
            DiemEvent::Initialized(e) => {
                if self.initialized {
                    return Err(diverged("initialized twice".into()));
                }
                self.initialized = true;
                self.authority = e.authority;
                self.treasury = e.treasury;
                self.params = Some(e.params);
                self.paused = e.paused;
                self.change_delay = e.change_delay;
                self.pool.last_accrual_ts = e.timestamp;
            }
            DiemEvent::Staked(e) => {
                accrue(&mut self.pool, &e.pool)?;
                let pool = &self.pool;
                let was_new = !self.positions.contains_key(&e.owner);
                if was_new != e.position_opened {
                    return Err(diverged(format!("position_opened {} but ledger says {}", e.position_opened, was_new)));
                }
                let position = self.positions.entry(e.owner).or_insert_with(|| new_position(e.owner, pool));
                position.stake(&mut self.pool, e.amount).map_err(refused)?;
                self.check_position(&e.owner, &e.position, &e.pool, &diverged)?;
            }
            DiemEvent::UnstakeInitiated(e) => {
                accrue(&mut self.pool, &e.pool)?;
                let now = e.pool.last_accrual_ts;
                get(&mut self.positions, &e.owner, &diverged)?.initiate_unstake(&mut self.pool, e.amount).map_err(refused)?;
                let ticket = OpenTicket {
                    kind: TicketKind::Svvv,
                    owner: e.owner,
                    rent_payer: e.rent_payer,
                    amount: e.amount,
                    opened_at: now,
                    unlock_at: now.checked_add(params.svvv_cooldown_secs).ok_or_else(|| diverged("unlock time overflows".into()))?,
                };
                self.open_ticket(e.ticket, ticket, e.unlock_at, &diverged)?;
                self.check_position(&e.owner, &e.position, &e.pool, &diverged)?;
            }
            DiemEvent::UnstakeCancelled(e) => {
                accrue(&mut self.pool, &e.pool)?;
                self.close_ticket(&e.ticket, TicketKind::Svvv, &e.owner, e.amount, None, &diverged)?;
                let pool = &self.pool;
                let position = self.positions.entry(e.owner).or_insert_with(|| new_position(e.owner, pool));
                position.cancel_unstake(&mut self.pool, e.amount).map_err(refused)?;
                self.check_position(&e.owner, &e.position, &e.pool, &diverged)?;
            }
            DiemEvent::UnstakeFinalized(e) => {
                self.close_ticket(&e.ticket, TicketKind::Svvv, &e.owner, e.amount, Some(e.timestamp), &diverged)?;
                self.pool.finalize_unstake(e.amount).map_err(refused)?;
                self.check_pool(&e.pool, &diverged)?;
            }
            DiemEvent::TicketTransferred(e) => {
                let ticket = self.tickets.get_mut(&e.ticket).ok_or_else(|| diverged(format!("no open ticket {}", e.ticket)))?;
                if (ticket.kind, ticket.owner, ticket.amount, ticket.unlock_at) != (e.kind, e.from, e.amount, e.unlock_at) {
                    return Err(diverged(format!("ticket {} is not the one transferred", e.ticket)));
                }
                ticket.owner = e.to;
            }
            DiemEvent::RewardsClaimed(e) => {
                accrue(&mut self.pool, &e.pool)?;
                let position = get(&mut self.positions, &e.owner, &diverged)?;
                let amount = if e.compounded {
                    position.compound_rewards(&mut self.pool)
                } else {
                    position.claim_rewards(&mut self.pool)
                };
                expect_amount(amount.map_err(refused)?, e.amount, &diverged)?;
                self.check_position(&e.owner, &e.position, &e.pool, &diverged)?;
            }
            DiemEvent::RewardsFunded(e) => {
                accrue(&mut self.pool, &e.pool)?;
                self.pool.fund(e.amount).map_err(refused)?;
                self.check_pool(&e.pool, &diverged)?;
            }
            DiemEvent::TreasuryPaid(e) => {
                accrue(&mut self.pool, &e.pool)?;
                expect_amount(self.pool.take_treasury().map_err(refused)?, e.amount, &diverged)?;
                self.check_pool(&e.pool, &diverged)?;
            }
            DiemEvent::DiemMinted(e) => {
                let quote = quote_mint(&self.curve, self.pool.outstanding_diem, e.svvv_locked)
                    .map_err(|err| refused(err.into()))?;
                if (quote.diem_out, quote.marginal_rate, quote.supply_before)
                    != (e.diem_out, e.marginal_rate, e.supply_before)
                {
                    return Err(diverged(format!("quote {:?} does not match the event", quote)));
                }
                accrue(&mut self.pool, &e.pool)?;
                let position = get(&mut self.positions, &e.owner, &diverged)?;
                position.lock_for_mint(&mut self.pool, e.svvv_locked, e.diem_out).map_err(refused)?;
                self.diem_supply =
                    self.diem_supply.checked_add(e.diem_out).ok_or_else(|| diverged("supply overflow".into()))?;
                self.check_position(&e.owner, &e.position, &e.pool, &diverged)?;
            }
            DiemEvent::DiemBurned(e) => {
                accrue(&mut self.pool, &e.pool)?;
                let outcome = get(&mut self.positions, &e.owner, &diverged)?
                    .burn(&mut self.pool, e.diem_burned)
                    .map_err(refused)?;
                expect_amount(outcome.svvv_unlocked, e.svvv_unlocked, &diverged)?;
                self.diem_supply = self
                    .diem_supply
                    .checked_sub(e.diem_burned)
                    .ok_or_else(|| diverged("burned more than minted".into()))?;
                self.check_position(&e.owner, &e.position, &e.pool, &diverged)?;
            }
            DiemEvent::ParamsUpdated(e) => {
                if Some(e.old) != self.params {
                    return Err(diverged(format!("old params {:?} != ledger {:?}", e.old, self.params)));
                }
                accrue(&mut self.pool, &e.pool)?;
                self.params = Some(e.new);
                self.check_pool(&e.pool, &diverged)?;
            }
            DiemEvent::TreasuryUpdated(e) => {
                if e.old != self.treasury {
                    return Err(diverged("old treasury differs".into()));
                }
                self.treasury = e.new;
            }
            DiemEvent::PauseUpdated(e) => {
                if e.old != self.paused {
                    return Err(diverged(format!("old pause flags {} != {}", e.old, self.paused)));
                }
                self.paused = e.new;
            }
            DiemEvent::Launched(e) => {
                if self.launched || e.paused != self.paused {
                    return Err(diverged("a second launch, or one with other pause flags".into()));
                }
                self.launched = true;
            }
            DiemEvent::CurveStaged(e) => {
                let start = e.start_index as usize;
                if start + e.entries.len() > CURVE_LEN {
                    return Err(diverged("chunk past the end of the table".into()));
                }
                for (i, entry) in e.entries.iter().enumerate() {
                    self.staging[start + i] = Some((*entry).into());
                }
            }
            DiemEvent::CurveCommitted(e) => {
                self.commit_staged(e.hash, &diverged, &refused)?;
                if self.curve_version != e.version || self.curve[CURVE_LEN - 1].supply_bound != e.supply_cap {
                    return Err(diverged(format!("curve version {} / cap differ from the event", self.curve_version)));
                }
            }
            DiemEvent::ChangeProposed(e) => {
                let pending = diem::state::PendingChange { change: e.change, proposed_at: e.proposed_at, eta: e.eta };
                if e.eta != e.proposed_at + self.change_delay {
                    return Err(diverged(format!(
                        "eta {} is not {} + the delay {}",
                        e.eta, e.proposed_at, self.change_delay
                    )));
                }
                let replaced = self.pending_changes.insert(e.kind, pending).is_some();
                if replaced != e.replaced || e.kind != e.change.kind() {
                    return Err(diverged("the proposal's kind or replacement differs".into()));
                }
            }
            DiemEvent::ChangeCancelled(e) => {
                if self.pending_changes.remove(&e.kind).map(|p| p.change) != Some(e.change) {
                    return Err(diverged("cancelled a change that was not pending".into()));
                }
            }
            DiemEvent::ChangeApplied(e) => {
                if e.immediate && self.launched && !e.change.raises_delay(self.change_delay) {
                    return Err(diverged("an immediate change after the launch".into()));
                }
                if !e.immediate {
                    let pending = self.pending_changes.remove(&e.kind);
                    if pending.map(|p| p.change) != Some(e.change) || pending.is_some_and(|p| e.timestamp < p.eta) {
                        return Err(diverged("applied a change that was not pending or not due".into()));
                    }
                }
                self.pool.accrue(e.timestamp, &params).map_err(refused)?;
                if let Some(new) = e.change.applied_to(&params) {
                    self.params = Some(new);
                }
                match e.change {
                    diem::state::Change::Treasury { account } => self.treasury = account,
                    diem::state::Change::ChangeDelay { secs } => self.change_delay = secs,
                    diem::state::Change::Curve { hash } => self.commit_staged(hash, &diverged, &refused)?,
                    _ => {}
                }
                if Some(e.params) != self.params
                    || e.treasury != self.treasury
                    || e.change_delay != self.change_delay
                    || e.curve_version != self.curve_version
                {
                    return Err(diverged("the state the change produced differs from the rebuilt one".into()));
                }
                self.check_pool(&e.pool, &diverged)?;
            }
            DiemEvent::CurveStagingCleared(_) => {
                self.staging = vec![None; CURVE_LEN];
            }
            // The URI moves no value; the ledger has nothing to check it against.
            DiemEvent::MetadataUriUpdated(_) => {}
            DiemEvent::AuthorityProposed(e) => {
                if e.authority != self.authority {
                    return Err(diverged("proposal by a non-authority".into()));
                }
                self.pending_authority = e.proposed;
            }
            DiemEvent::AuthorityTransferred(e) => {
                if e.old != self.authority || e.new != self.pending_authority {
                    return Err(diverged("transfer to an unproposed authority".into()));
                }
                self.authority = e.new;
                self.pending_authority = Pubkey::default();
            }
            DiemEvent::DiemStaked(e) => {
                let key = (e.owner, e.beneficiary);
                let stake = self.diem_stakes.entry(key).or_insert_with(|| new_stake(e.owner, e.beneficiary));
                stake.stake(&mut self.pool, e.amount).map_err(refused)?;
                self.check_stake(&key, e.staked, &e.pool, &diverged)?;
            }
            DiemEvent::DiemUnstakeInitiated(e) => {
                let key = (e.owner, e.beneficiary);
                get(&mut self.diem_stakes, &key, &diverged)?.initiate_unstake(&mut self.pool, e.amount).map_err(refused)?;
                let ticket = OpenTicket {
                    kind: TicketKind::Diem,
                    owner: e.owner,
                    rent_payer: e.rent_payer,
                    amount: e.amount,
                    opened_at: e.timestamp,
                    unlock_at: e.timestamp.checked_add(params.diem_cooldown_secs).ok_or_else(|| diverged("unlock time overflows".into()))?,
                };
                self.open_ticket(e.ticket, ticket, e.unlock_at, &diverged)?;
                self.check_stake(&key, e.staked, &e.pool, &diverged)?;
            }
            DiemEvent::DiemUnstakeCancelled(e) => {
                self.close_ticket(&e.ticket, TicketKind::Diem, &e.owner, e.amount, None, &diverged)?;
                let key = (e.owner, e.beneficiary);
                let stake = self.diem_stakes.entry(key).or_insert_with(|| new_stake(e.owner, e.beneficiary));
                stake.cancel_unstake(&mut self.pool, e.amount).map_err(refused)?;
                self.check_stake(&key, e.staked, &e.pool, &diverged)?;
            }
            DiemEvent::DiemUnstakeFinalized(e) => {
                self.close_ticket(&e.ticket, TicketKind::Diem, &e.owner, e.amount, Some(e.timestamp), &diverged)?;
                self.pool.finalize_diem_unstake(e.amount).map_err(refused)?;
                self.check_pool(&e.pool, &diverged)?;
            }
            DiemEvent::DiemBeneficiaryChanged(e) => {
                let mut from = *get(&mut self.diem_stakes, &(e.owner, e.from), &diverged)?;
                let to_key = (e.owner, e.to);
                let to = self.diem_stakes.entry(to_key).or_insert_with(|| new_stake(e.owner, e.to));
                expect_amount(from.move_to(to).map_err(refused)?, e.amount, &diverged)?;
                self.diem_stakes.insert((e.owner, e.from), from);
                let to_staked = self.diem_stakes[&to_key].staked;
                expect_amount(to_staked, e.to_staked, &diverged)?;
            }
        }
        self.events_applied += 1;
        self.last_seq = expected;
        Ok(())
    }

    /// The staged table goes live, as `commit_curve` and a due `Curve` change do.
    fn commit_staged(
        &mut self,
        hash: [u8; 32],
        diverged: &impl Fn(String) -> ReplayError,
        refused: &impl Fn(anchor_lang::error::Error) -> ReplayError,
    ) -> Result<(), ReplayError> {
        let staged: Option<Vec<CurveEntry>> = self.staging.iter().copied().collect();
        let staged = staged.ok_or_else(|| diverged("commit of an incomplete staged curve".into()))?;
        validate_curve(&staged, self.pool.outstanding_diem).map_err(|err| refused(err.into()))?;
        if diem::math::curve::curve_hash(&staged) != hash {
            return Err(diverged("the committed curve's hash is not the staged table's".into()));
        }
        self.curve_version += 1;
        self.curve = staged;
        self.staging = vec![None; CURVE_LEN];
        Ok(())
    }

    fn check_pool(&self, carried: &Pool, diverged: &impl Fn(String) -> ReplayError) -> Result<(), ReplayError> {
        if *carried != self.pool {
            return Err(diverged(format!("pool {:?} != rebuilt {:?}", carried, self.pool)));
        }
        Ok(())
    }

    fn check_position(
        &self,
        owner: &Pubkey,
        carried: &PositionBalances,
        pool: &Pool,
        diverged: &impl Fn(String) -> ReplayError,
    ) -> Result<(), ReplayError> {
        let rebuilt = &self.positions[owner].balances;
        if carried != rebuilt {
            return Err(diverged(format!("position of {owner} {:?} != rebuilt {:?}", carried, rebuilt)));
        }
        self.check_pool(pool, diverged)
    }

    fn check_stake(
        &self,
        key: &(Pubkey, Pubkey),
        carried: u64,
        pool: &Pool,
        diverged: &impl Fn(String) -> ReplayError,
    ) -> Result<(), ReplayError> {
        let rebuilt = self.diem_stakes[key].staked;
        if carried != rebuilt {
            return Err(diverged(format!("DIEM stake of {} for {}: {carried} != rebuilt {rebuilt}", key.0, key.1)));
        }
        self.check_pool(pool, diverged)
    }

    /// A ticket the events open: new, and with the unlock time the parameters give.
    fn open_ticket(
        &mut self,
        address: Pubkey,
        ticket: OpenTicket,
        carried_unlock_at: i64,
        diverged: &impl Fn(String) -> ReplayError,
    ) -> Result<(), ReplayError> {
        if ticket.unlock_at != carried_unlock_at {
            return Err(diverged(format!("unlock_at {carried_unlock_at} != rebuilt {}", ticket.unlock_at)));
        }
        if self.tickets.insert(address, ticket).is_some() {
            return Err(diverged(format!("ticket {address} opened twice")));
        }
        Ok(())
    }

    /// A ticket the events close: open, of `kind`, owned by `owner`, holding `amount`, and
    /// due at `paid_at` when it is paid out.
    fn close_ticket(
        &mut self,
        address: &Pubkey,
        kind: TicketKind,
        owner: &Pubkey,
        amount: u64,
        paid_at: Option<i64>,
        diverged: &impl Fn(String) -> ReplayError,
    ) -> Result<OpenTicket, ReplayError> {
        let ticket = self.tickets.remove(address).ok_or_else(|| diverged(format!("no open ticket {address}")))?;
        if (ticket.kind, ticket.owner, ticket.amount) != (kind, *owner, amount) {
            return Err(diverged(format!("ticket {address} {ticket:?} is not the one closed")));
        }
        if paid_at.is_some_and(|at| at < ticket.unlock_at) {
            return Err(diverged(format!("ticket {address} paid before its unlock time {}", ticket.unlock_at)));
        }
        Ok(ticket)
    }
}

fn expect_amount(rebuilt: u64, carried: u64, diverged: &impl Fn(String) -> ReplayError) -> Result<(), ReplayError> {
    if rebuilt != carried {
        return Err(diverged(format!("amount {carried} != rebuilt {rebuilt}")));
    }
    Ok(())
}

fn get<'a, K: Ord + std::fmt::Debug, T>(
    map: &'a mut BTreeMap<K, T>,
    key: &K,
    diverged: &impl Fn(String) -> ReplayError,
) -> Result<&'a mut T, ReplayError> {
    map.get_mut(key).ok_or_else(|| diverged(format!("no account for {key:?}")))
}
