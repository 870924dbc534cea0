//! Reads: a position as `diem position` shows it, the curve, the quote, the audit and the daily
//! credit. None needs a wallet.
use anchor_lang::prelude::Pubkey;
use diem::state::{Config, CurveEntry, DiemStake, Position, TicketKind, UnstakeTicket};
use serde::Serialize;

use super::{OpsResult, Reader};
use crate::chain::{Chain, ChainError};
use crate::credit::Entitlement;
use crate::invariants::{Check, Snapshot};
use crate::ledger::Ledger;
use crate::pda;

/// A position's state as `diem position` shows it (base units).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PositionReport {
    pub owner: String,
    pub vvv_decimals: u8,
    pub active: u64,
    pub unlocked: u64,
    pub locked: u64,
    pub outstanding_diem: u64,
    /// Including what accrued since the position was last touched.
    pub pending_rewards: u64,
    /// VVV base units locked per whole DIEM outstanding (the rate burns release at).
    pub average_lock_rate: Option<u64>,
    /// DIEM in the stakes this owner controls, whoever they credit.
    pub diem_staked: u64,
    /// Those stakes, by beneficiary.
    pub diem_stakes: Vec<DiemStakeReport>,
    /// DIEM staked for this owner's credit, by anyone (their own stakes included).
    pub diem_credited: u64,
    /// Open unstake tickets this owner holds, of both kinds, soonest first.
    pub tickets: Vec<TicketReport>,
    /// What the deployment lets a third party do to the vault (`crate::trust`).
    pub trust_assumptions: Vec<String>,
    /// Changes the authority has proposed and that will apply (SPEC §8), soonest first.
    pub pending_changes: Vec<crate::governance::PendingChangeReport>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DiemStakeReport {
    pub beneficiary: String,
    pub staked: u64,
}

/// An open unstake ticket as `diem tickets` and `diem position` show it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TicketReport {
    /// The ticket's address: its id.
    pub ticket: String,
    /// `sVVV` or `DIEM`.
    pub kind: &'static str,
    pub amount: u64,
    pub opened_at: i64,
    pub unlock_at: i64,
    /// Whether it may be finalized now.
    pub ready: bool,
    pub rent_payer: String,
}

impl TicketReport {
    pub fn new(address: &Pubkey, ticket: &UnstakeTicket, now: i64) -> Self {
        Self {
            ticket: address.to_string(),
            kind: ticket_kind_name(ticket.kind),
            amount: ticket.amount,
            opened_at: ticket.opened_at,
            unlock_at: ticket.unlock_at,
            ready: now >= ticket.unlock_at,
            rent_payer: ticket.rent_payer.to_string(),
        }
    }
}

pub fn ticket_kind_name(kind: TicketKind) -> &'static str {
    match kind {
        TicketKind::Svvv => "sVVV",
        TicketKind::Diem => "DIEM",
    }
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AuditReport {
    pub events_replayed: usize,
    pub positions: usize,
    pub diem_stakes: usize,
    pub tickets: usize,
    pub vvv_vault: u64,
    pub diem_vault: u64,
    pub diem_supply: u64,
    pub checks: Vec<Check>,
    /// What the deployment lets a third party do to the vault (`crate::trust`).
    pub trust_assumptions: Vec<String>,
}

impl AuditReport {
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }
}

impl<C: Chain> Reader<'_, C> {
    /// The owner's position; `None` until its first stake. Lamports someone sent to the address
    /// beforehand make a system account there, which is not a position either.
    pub async fn position(&mut self, owner: &Pubkey) -> OpsResult<Option<Position>> {
        match self.chain.account(&pda::position(owner)).await? {
            Some(a) if a.owner == diem::ID => Ok(Some(crate::accounts::position(&a.data)?)),
            _ => Ok(None),
        }
    }

    /// The DIEM stake `owner` controls for `beneficiary`; `None` until its first `stake_diem`
    /// (see [`Reader::position`]).
    pub async fn diem_stake(&mut self, owner: &Pubkey, beneficiary: &Pubkey) -> OpsResult<Option<DiemStake>> {
        match self.chain.account(&pda::diem_stake(owner, beneficiary)).await? {
            Some(a) if a.owner == diem::ID => Ok(Some(crate::accounts::diem_stake(&a.data)?)),
            _ => Ok(None),
        }
    }

    /// An open ticket; `None` once it is closed (or if it never was one).
    pub async fn ticket(&mut self, address: &Pubkey) -> OpsResult<Option<UnstakeTicket>> {
        match self.chain.account(address).await? {
            Some(a) if a.owner == diem::ID => Ok(Some(crate::accounts::ticket(&a.data)?)),
            _ => Ok(None),
        }
    }

    /// An open ticket, or the error that names why it cannot be acted on.
    pub async fn open_ticket(&mut self, address: &Pubkey) -> OpsResult<crate::ix::TicketRef> {
        let ticket = self.ticket(address).await?.ok_or_else(|| {
            ChainError::Invalid(format!("ticket {address} is not open: it was finalized or cancelled, or never existed"))
        })?;
        Ok(crate::ix::TicketRef::new(*address, &ticket))
    }

    /// The open tickets `owner` holds now, soonest first: every ticket the events opened and did
    /// not close, read back from chain.
    pub async fn tickets_of(&mut self, owner: &Pubkey) -> OpsResult<Vec<(Pubkey, UnstakeTicket)>> {
        let events = self.chain.events().await?;
        let ledger = Ledger::replay(&events).map_err(|e| ChainError::Invalid(e.to_string()))?;
        let mut held = Vec::new();
        for (address, open) in ledger.tickets.iter().filter(|(_, t)| t.owner == *owner) {
            if let Some(ticket) = self.ticket(address).await?.filter(|t| open.matches(t)) {
                held.push((*address, ticket));
            }
        }
        held.sort_by_key(|(address, t)| (t.unlock_at, *address));
        Ok(held)
    }

    /// The governance account: the change delay and the pending changes.
    pub async fn governance(&mut self) -> OpsResult<diem::state::Governance> {
        let account = self.chain.account(&pda::governance()).await?.ok_or(ChainError::NotInitialized)?;
        Ok(crate::accounts::governance(&account.data)?)
    }

    /// The pending changes, soonest first.
    pub async fn pending_changes(&mut self) -> OpsResult<Vec<diem::state::PendingChange>> {
        let mut pending: Vec<_> = self.governance().await?.pending.iter().flatten().copied().collect();
        pending.sort_by_key(|p| p.eta);
        Ok(pending)
    }

    /// `apply_change(kind)` sent by `caller`, naming the account a pending `Treasury` change
    /// goes to (the current treasury otherwise).
    pub async fn apply_change_ix(
        &mut self,
        caller: Pubkey,
        kind: u8,
    ) -> OpsResult<anchor_lang::solana_program::instruction::Instruction> {
        let treasury = self.config().await?.treasury;
        let pending = self.pending_changes().await?.into_iter().find(|p| p.change.kind() == kind);
        let candidate = pending.map(|p| crate::ix::treasury_candidate(&p.change, treasury)).unwrap_or(treasury);
        Ok(crate::ix::apply_change(caller, kind, candidate))
    }

    /// Supply of a mint; 0 where there is none.
    pub async fn mint_supply(&mut self, mint: &Pubkey) -> OpsResult<u64> {
        Ok(self.chain.account(mint).await?.and_then(|a| crate::accounts::mint_supply(&a.data)).unwrap_or_default())
    }

    /// Balance of a token account; 0 where there is none.
    pub async fn token_balance(&mut self, account: &Pubkey) -> OpsResult<u64> {
        Ok(self.chain.account(account).await?.and_then(|a| crate::accounts::token_amount(&a.data)).unwrap_or_default())
    }

    /// Balances, rewards pending as of now, tickets, DIEM stakes and the average lock rate.
    pub async fn position_report(&mut self, owner: &Pubkey) -> OpsResult<PositionReport> {
        let config = self.config().await?;
        let now = self.chain.now().await?;
        let position = self.position(owner).await?;
        let events = self.chain.events().await?;
        let ledger = Ledger::replay(&events).map_err(|e| ChainError::Invalid(e.to_string()))?;
        let mut diem_stakes = Vec::new();
        for (_, beneficiary) in ledger.diem_stakes.keys().filter(|(o, _)| o == owner) {
            if let Some(stake) = self.diem_stake(owner, beneficiary).await? {
                diem_stakes.push(DiemStakeReport { beneficiary: beneficiary.to_string(), staked: stake.staked });
            }
        }
        let diem_credited =
            crate::credit::diem_staked_at(&events, i64::MAX).get(owner).copied().unwrap_or_default();
        let tickets = self.tickets_of(owner).await?.iter().map(|(a, t)| TicketReport::new(a, t, now)).collect();
        // Accrue a copy of the pool to now, with the program's own maths.
        let mut pool = config.pool;
        pool.accrue(now, &config.params)?;
        let b = position.as_ref().map(|p| p.balances).unwrap_or_default();
        let pending = match &position {
            Some(p) => {
                p.pending_rewards_at(&pool).ok_or_else(|| ChainError::Invalid("pending rewards overflow".into()))?
            }
            None => 0,
        };
        Ok(PositionReport {
            owner: owner.to_string(),
            vvv_decimals: config.vvv_decimals,
            active: b.active,
            unlocked: b.active.saturating_sub(b.locked),
            locked: b.locked,
            outstanding_diem: b.outstanding_diem,
            pending_rewards: pending,
            average_lock_rate: crate::curve::average_rate(b.locked, b.outstanding_diem),
            diem_staked: diem_stakes.iter().map(|s| s.staked).fold(0u64, u64::saturating_add),
            diem_stakes,
            diem_credited,
            tickets,
            trust_assumptions: crate::trust::trust_assumptions(&config),
            pending_changes: self
                .pending_changes()
                .await?
                .iter()
                .map(|p| crate::governance::PendingChangeReport::new(p, &config))
                .collect(),
        })
    }

    /// The live curve's 256 entries.
    pub async fn curve(&mut self) -> OpsResult<Vec<CurveEntry>> {
        let account = self.chain.account(&pda::curve()).await?.ok_or(ChainError::NotInitialized)?;
        Ok(crate::accounts::curve_entries(&account.data)?)
    }

    /// What a lock of `svvv` would mint now: the program's own quote (`Config::quote_mint`) over
    /// the config and curve accounts as the chain holds them, so it equals `quote_mint` and
    /// `mint_diem` to the base unit. A refusal is the program's error, by name.
    pub async fn quote(&mut self, svvv: u64) -> OpsResult<diem::math::curve::MintQuote> {
        let config = self.config().await?;
        self.quote_on(&config, svvv).await
    }

    /// [`Reader::quote`] on a config already read (one read of it per operation).
    pub async fn quote_on(&mut self, config: &Config, svvv: u64) -> OpsResult<diem::math::curve::MintQuote> {
        let account = self.chain.account(&pda::curve()).await?.ok_or(ChainError::NotInitialized)?;
        let curve = crate::accounts::curve(&account.data)?;
        Ok(config.quote_mint(&curve, svvv)?)
    }

    /// Replays every event and reconciles positions, stakes, totals, vaults and the mint
    /// supply with the chain (SPEC §10 and §11).
    pub async fn audit(&mut self) -> OpsResult<AuditReport> {
        let events = self.chain.events().await?;
        self.audit_replay(Ledger::replay(&events)).await
    }

    /// Reconciles a replay of the program's events (from the chain, or from the indexer's
    /// store) with the accounts on chain.
    pub async fn audit_replay(&mut self, replay: Result<Ledger, crate::ledger::ReplayError>) -> OpsResult<AuditReport> {
        let mut checks = Vec::new();
        let mut check =
            |name: &str, ok: bool, detail: String| checks.push(Check { name: name.to_string(), ok, detail });
        let config = self.config().await?;
        let ledger = match replay {
            Ok(l) => {
                check("event replay", true, format!("{} events replayed", l.events_applied));
                Some(l)
            }
            Err(e) => {
                check("event replay", false, e.to_string());
                None
            }
        };
        let pool = config.pool;
        let vvv_vault = self.token_balance(&pda::vvv_vault()).await?;
        let diem_vault = self.token_balance(&pda::diem_vault()).await?;
        let diem_supply = self.mint_supply(&pda::diem_mint()).await?;
        let (mut positions, mut stakes, mut tickets, mut mismatches) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        if let Some(l) = &ledger {
            for (owner, rebuilt) in &l.positions {
                match self.position(owner).await? {
                    Some(p) => {
                        if rebuilt.balances != p.balances {
                            mismatches.push(format!("position {owner}"));
                        }
                        positions.push((*owner, p));
                    }
                    None => mismatches.push(format!("position {owner} missing")),
                }
            }
            for (key, rebuilt) in &l.diem_stakes {
                match self.diem_stake(&key.0, &key.1).await? {
                    Some(d) => {
                        if rebuilt.staked != d.staked {
                            mismatches.push(format!("DIEM stake {} for {}", key.0, key.1));
                        }
                        stakes.push((*key, d));
                    }
                    None => mismatches.push(format!("DIEM stake {} for {} missing", key.0, key.1)),
                }
            }
            for (address, open) in &l.tickets {
                match self.ticket(address).await? {
                    Some(t) => {
                        if !open.matches(&t) {
                            mismatches.push(format!("ticket {address}"));
                        }
                        tickets.push((*address, t));
                    }
                    None => mismatches.push(format!("ticket {address} missing")),
                }
            }
        }
        if let Some(l) = &ledger {
            let detail =
                if l.pool == pool { "equal".to_string() } else { format!("ledger {:?} vs chain {:?}", l.pool, pool) };
            check("replayed totals match the config", l.pool == pool, detail);
        }
        let detail = if mismatches.is_empty() {
            format!("{} accounts", positions.len() + stakes.len() + tickets.len())
        } else {
            mismatches.join(", ")
        };
        check("every account matches the replay", mismatches.is_empty(), detail);
        let snapshot =
            Snapshot { pool, positions: &positions, diem_stakes: &stakes, tickets: &tickets, vvv_vault, diem_vault, diem_supply };
        checks.extend(crate::invariants::check(&snapshot));
        Ok(AuditReport {
            events_replayed: ledger.map(|l| l.events_applied).unwrap_or_default(),
            positions: positions.len(),
            diem_stakes: stakes.len(),
            tickets: tickets.len(),
            vvv_vault,
            diem_vault,
            diem_supply,
            checks,
            trust_assumptions: crate::trust::trust_assumptions(&config),
        })
    }

    /// Per-owner credit for the UTC day starting `day` days after 1970-01-01.
    pub async fn entitlements(&mut self, day: i64) -> OpsResult<Vec<Entitlement>> {
        let events = self.chain.events().await?;
        crate::credit::entitlements(&events, day)
            .ok_or_else(|| ChainError::Invalid(format!("day {day} is out of range")))
    }
}
