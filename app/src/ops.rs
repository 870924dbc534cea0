//! Operations over any [`Chain`]: what every `diem` command does, shared by the command line,
//! the demo and the tests. Each signs with the wallet it is given; reports carry base units and
//! the decimals to show them with.
use anchor_lang::prelude::Pubkey;
use anchor_spl::associated_token::get_associated_token_address_with_program_id;
use diem::constants::*;
use diem::state::{Config, CurveEntry, DiemStake, Params, Position};
use serde::Serialize;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::chain::{Chain, ChainError, Sent};
use crate::events::DiemEvent;
use crate::invariants::Snapshot;
use crate::ix::{self, Deployment};
use crate::launch::LaunchFile;
use crate::ledger::Ledger;
use crate::pda;

/// One wallet acting on one chain.
pub struct Client<'a, C: Chain> {
    pub chain: &'a mut C,
    pub signer: &'a Keypair,
}

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
    pub cooldown_amount: u64,
    pub cooldown_end: Option<i64>,
    pub cooldown_ready: bool,
    /// VVV base units locked per whole DIEM outstanding (the rate burns release at).
    pub average_lock_rate: Option<u64>,
    pub diem_staked: u64,
    pub diem_cooldown_amount: u64,
    pub diem_cooldown_end: Option<i64>,
    pub diem_cooldown_ready: bool,
}

pub use crate::invariants::Check;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AuditReport {
    pub events_replayed: usize,
    pub positions: usize,
    pub diem_stakes: usize,
    pub vvv_vault: u64,
    pub diem_vault: u64,
    pub diem_supply: u64,
    pub checks: Vec<Check>,
}

impl AuditReport {
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }
}

/// One owner's inference credit for a UTC day (SPEC §7).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Entitlement {
    pub owner: String,
    /// DIEM staked at 00:00 UTC, base units.
    pub staked_diem: u64,
    /// Dollars of credit for the day: the staked DIEM 1:1, or 0 below 0.1 DIEM.
    pub credit_usd: String,
}

#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    #[error(transparent)]
    Chain(#[from] ChainError),
    #[error("the program is not initialized at this cluster (no config account)")]
    NotInitialized,
    #[error("{0}")]
    Invalid(String),
}

pub type OpsResult<T> = Result<T, OpsError>;

impl From<crate::accounts::DecodeError> for OpsError {
    fn from(e: crate::accounts::DecodeError) -> Self {
        OpsError::Invalid(e.to_string())
    }
}

fn token_amount(data: &[u8]) -> u64 {
    crate::accounts::token_amount(data).unwrap_or_default()
}

fn mint_supply(data: &[u8]) -> u64 {
    crate::accounts::mint_supply(data).unwrap_or_default()
}

/// The least DIEM to accept for a quote, `bps` basis points below it (rounded down).
pub fn min_out_for_slippage(quote: u64, bps: u16) -> u64 {
    let bps = bps.min(10_000) as u128;
    (quote as u128 * (10_000 - bps) / 10_000) as u64
}

/// `YYYY-MM-DD` to days since 1970-01-01 (proleptic Gregorian).
pub fn parse_day(text: &str) -> OpsResult<i64> {
    let bad = || OpsError::Invalid(format!("'{text}' is not a YYYY-MM-DD date"));
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return Err(bad()) };
    let (y, m, d): (i64, i64, i64) =
        (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok(era * 146_097 + doe - 719_468)
}

/// The DIEM each owner had staked at `instant` (unix seconds), from the event history: every
/// change stamped strictly before the instant counts.
pub fn diem_staked_at(events: &[DiemEvent], instant: i64) -> std::collections::BTreeMap<Pubkey, u64> {
    let mut staked = std::collections::BTreeMap::new();
    for event in events {
        let (owner, balance, at) = match event {
            DiemEvent::DiemStaked(e) => (e.owner, e.stake.staked, e.timestamp),
            DiemEvent::DiemUnstakeInitiated(e) => (e.owner, e.stake.staked, e.timestamp),
            DiemEvent::DiemUnstakeCancelled(e) => (e.owner, e.stake.staked, e.timestamp),
            DiemEvent::DiemUnstakeFinalized(e) => (e.owner, e.stake.staked, e.timestamp),
            _ => continue,
        };
        if at < instant {
            staked.insert(owner, balance);
        }
    }
    staked
}

impl<'a, C: Chain> Client<'a, C> {
    pub fn new(chain: &'a mut C, signer: &'a Keypair) -> Self {
        Self { chain, signer }
    }

    fn me(&self) -> Pubkey {
        self.signer.pubkey()
    }

    async fn send(&mut self, ix: anchor_lang::solana_program::instruction::Instruction) -> OpsResult<Sent> {
        let signer = self.signer;
        Ok(self.chain.send(&[ix], &[signer]).await?)
    }

    pub async fn config(&mut self) -> OpsResult<Config> {
        let account = self.chain.account(&pda::config()).await?.ok_or(OpsError::NotInitialized)?;
        Ok(crate::accounts::config(&account.data)?)
    }

    pub async fn deployment(&mut self) -> OpsResult<Deployment> {
        Ok(Deployment::from_config(&self.config().await?))
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

    /// Creates the signer's DIEM associated token account if it does not exist.
    pub async fn ensure_diem_account(&mut self) -> OpsResult<Pubkey> {
        let (_, diem) = self.my_token_accounts().await?;
        if self.chain.account(&diem).await?.is_none() {
            use anchor_spl::associated_token::spl_associated_token_account as ata;
            let me = self.me();
            let ix = ata::instruction::create_associated_token_account_idempotent(
                &me,
                &me,
                &pda::diem_mint(),
                &anchor_spl::token_2022::ID,
            );
            self.send(ix).await?;
        }
        Ok(diem)
    }

    // --- deployment and administration ---

    /// `initialize` with the launch file's parameters (the signer must be the upgrade
    /// authority), then stages and commits the launch curve (the signer must also be the
    /// config authority for that, as at launch).
    pub async fn init(
        &mut self,
        launch: &LaunchFile,
        vvv_mint: Pubkey,
        treasury: Pubkey,
        authority: Pubkey,
    ) -> OpsResult<Vec<Sent>> {
        let mint = self
            .chain
            .account(&vvv_mint)
            .await?
            .ok_or_else(|| OpsError::Invalid(format!("no VVV mint at {vvv_mint}")))?;
        let decimals =
            crate::accounts::mint_decimals(&mint.data).ok_or_else(|| OpsError::Invalid("VVV mint too short".into()))?;
        let params = launch.params(decimals).map_err(|e| OpsError::Invalid(e.to_string()))?;
        let paused = launch.paused().map_err(|e| OpsError::Invalid(e.to_string()))?;
        let args =
            diem::instructions::InitializeArgs { authority, params, paused, diem_uri: launch.launch.diem_uri.clone() };
        let d = Deployment { vvv_mint, vvv_token_program: mint.owner };
        let mut sent = vec![self.send(ix::initialize(self.me(), &d, treasury, args)).await?];
        if authority == self.me() {
            let curve = crate::curve::generate_curve(&launch.curve_params(), decimals);
            sent.extend(self.replace_curve(&curve).await?);
        }
        Ok(sent)
    }

    pub async fn replace_curve(&mut self, curve: &[CurveEntry]) -> OpsResult<Vec<Sent>> {
        let mut sent = Vec::new();
        for ix in ix::replace_curve(self.me(), curve) {
            sent.push(self.send(ix).await?);
        }
        Ok(sent)
    }

    pub async fn set_params(&mut self, params: Params) -> OpsResult<Sent> {
        self.send(ix::set_params(self.me(), params)).await
    }

    pub async fn set_pause(&mut self, paused: u16) -> OpsResult<Sent> {
        self.send(ix::set_pause(self.me(), paused)).await
    }

    pub async fn set_treasury(&mut self, treasury: Pubkey) -> OpsResult<Sent> {
        self.send(ix::set_treasury(self.me(), treasury)).await
    }

    pub async fn propose_authority(&mut self, proposed: Pubkey) -> OpsResult<Sent> {
        self.send(ix::propose_authority(self.me(), proposed)).await
    }

    pub async fn accept_authority(&mut self) -> OpsResult<Sent> {
        self.send(ix::accept_authority(self.me())).await
    }

    // --- sVVV ---

    pub async fn stake(&mut self, amount: u64, recipient: Option<Pubkey>) -> OpsResult<Sent> {
        let d = self.deployment().await?;
        let (vvv, _) = self.my_token_accounts().await?;
        let me = self.me();
        self.send(ix::stake(&d, me, vvv, amount, recipient.unwrap_or(me))).await
    }

    pub async fn unstake(&mut self, amount: u64) -> OpsResult<Sent> {
        self.send(ix::initiate_unstake(self.me(), amount)).await
    }

    pub async fn cancel_unstake(&mut self) -> OpsResult<Sent> {
        self.send(ix::cancel_unstake(self.me())).await
    }

    pub async fn finalize_unstake(&mut self) -> OpsResult<Sent> {
        let d = self.deployment().await?;
        let (vvv, _) = self.my_token_accounts().await?;
        self.send(ix::finalize_unstake(&d, self.me(), vvv)).await
    }

    pub async fn claim(&mut self) -> OpsResult<Sent> {
        let d = self.deployment().await?;
        let (vvv, _) = self.my_token_accounts().await?;
        self.send(ix::claim_rewards(&d, self.me(), vvv)).await
    }

    pub async fn claim_and_stake(&mut self) -> OpsResult<Sent> {
        self.send(ix::claim_and_stake(self.me())).await
    }

    pub async fn fund_rewards(&mut self, amount: u64) -> OpsResult<Sent> {
        let d = self.deployment().await?;
        let (vvv, _) = self.my_token_accounts().await?;
        self.send(ix::fund_rewards(&d, self.me(), vvv, amount)).await
    }

    pub async fn pay_treasury(&mut self) -> OpsResult<Sent> {
        let config = self.config().await?;
        self.send(ix::pay_treasury(&Deployment::from_config(&config), config.treasury)).await
    }

    // --- DIEM ---

    /// The program's own quote (simulated `quote_mint`).
    pub async fn quote(&mut self, svvv: u64) -> OpsResult<u64> {
        let data = self.chain.simulate(&[ix::quote_mint(svvv)]).await?.unwrap_or_default();
        let bytes: [u8; 8] = data.get(..8).and_then(|b| b.try_into().ok()).unwrap_or_default();
        Ok(u64::from_le_bytes(bytes))
    }

    /// Locks `svvv` and mints at least `min_out` DIEM to the signer's DIEM account; returns the
    /// DIEM minted (from the program's event).
    pub async fn mint(&mut self, svvv: u64, min_out: u64) -> OpsResult<(Sent, u64)> {
        let diem = self.ensure_diem_account().await?;
        let sent = self.send(ix::mint_diem(self.me(), diem, svvv, min_out)).await?;
        let minted = sent.events.iter().find_map(|e| match e {
            DiemEvent::DiemMinted(m) => Some(m.diem_out),
            _ => None,
        });
        Ok((sent, minted.unwrap_or_default()))
    }

    pub async fn burn(&mut self, amount: u64) -> OpsResult<Sent> {
        let (_, diem) = self.my_token_accounts().await?;
        self.send(ix::burn_diem(self.me(), diem, amount)).await
    }

    pub async fn stake_diem(&mut self, amount: u64) -> OpsResult<Sent> {
        let (_, diem) = self.my_token_accounts().await?;
        self.send(ix::stake_diem(self.me(), diem, amount)).await
    }

    pub async fn unstake_diem(&mut self, amount: u64) -> OpsResult<Sent> {
        self.send(ix::initiate_diem_unstake(self.me(), amount)).await
    }

    pub async fn cancel_diem_unstake(&mut self) -> OpsResult<Sent> {
        self.send(ix::cancel_diem_unstake(self.me())).await
    }

    pub async fn finalize_diem_unstake(&mut self) -> OpsResult<Sent> {
        let diem = self.ensure_diem_account().await?;
        self.send(ix::finalize_diem_unstake(self.me(), diem)).await
    }

    // --- reads ---

    pub async fn position(&mut self, owner: &Pubkey) -> OpsResult<Option<Position>> {
        match self.chain.account(&pda::position(owner)).await? {
            Some(a) => Ok(Some(crate::accounts::position(&a.data)?)),
            None => Ok(None),
        }
    }

    pub async fn diem_stake(&mut self, owner: &Pubkey) -> OpsResult<Option<DiemStake>> {
        match self.chain.account(&pda::diem_stake(owner)).await? {
            Some(a) => Ok(Some(crate::accounts::diem_stake(&a.data)?)),
            None => Ok(None),
        }
    }

    /// Balances, rewards pending as of now, cooldowns and the average lock rate.
    pub async fn position_report(&mut self, owner: &Pubkey) -> OpsResult<PositionReport> {
        let config = self.config().await?;
        let now = self.chain.now().await?;
        let position = self.position(owner).await?;
        let stake = self.diem_stake(owner).await?.map(|s| s.balances).unwrap_or_default();
        // Accrue a copy of the pool to now, with the program's own maths.
        let mut pool = config.pool;
        pool.accrue(now, &config.params).map_err(|e| OpsError::Invalid(e.to_string()))?;
        let b = position.as_ref().map(|p| p.balances).unwrap_or_default();
        let pending = match &position {
            Some(p) => {
                p.pending_rewards_at(&pool).ok_or_else(|| OpsError::Invalid("pending rewards overflow".into()))?
            }
            None => 0,
        };
        let average_lock_rate = crate::curve::average_rate(b.locked, b.outstanding_diem);
        Ok(PositionReport {
            owner: owner.to_string(),
            vvv_decimals: config.vvv_decimals,
            active: b.active,
            unlocked: b.active.saturating_sub(b.locked),
            locked: b.locked,
            outstanding_diem: b.outstanding_diem,
            pending_rewards: pending,
            cooldown_amount: b.cooldown_amount,
            cooldown_end: (b.cooldown_amount > 0).then_some(b.cooldown_end),
            cooldown_ready: b.cooldown_amount > 0 && now >= b.cooldown_end,
            average_lock_rate,
            diem_staked: stake.staked,
            diem_cooldown_amount: stake.cooldown_amount,
            diem_cooldown_end: (stake.cooldown_amount > 0).then_some(stake.cooldown_end),
            diem_cooldown_ready: stake.cooldown_amount > 0 && now >= stake.cooldown_end,
        })
    }

    /// The live curve's 256 entries.
    pub async fn curve(&mut self) -> OpsResult<Vec<CurveEntry>> {
        let account = self.chain.account(&pda::curve()).await?.ok_or(OpsError::NotInitialized)?;
        Ok(crate::accounts::curve_entries(&account.data)?)
    }

    /// Replays every event and reconciles positions, stakes, totals, vaults and the mint
    /// supply with the chain (SPEC §10 and §11).
    pub async fn audit(&mut self) -> OpsResult<AuditReport> {
        let mut checks = Vec::new();
        let mut check =
            |name: &str, ok: bool, detail: String| checks.push(Check { name: name.to_string(), ok, detail });
        let config = self.config().await?;
        let events = self.chain.events().await?;
        let ledger = match Ledger::replay(&events) {
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
        let vvv_vault = self.chain.account(&pda::vvv_vault()).await?.map(|a| token_amount(&a.data)).unwrap_or_default();
        let diem_vault =
            self.chain.account(&pda::diem_vault()).await?.map(|a| token_amount(&a.data)).unwrap_or_default();
        let diem_supply =
            self.chain.account(&pda::diem_mint()).await?.map(|a| mint_supply(&a.data)).unwrap_or_default();
        let mut owners: Vec<Pubkey> = ledger
            .as_ref()
            .map(|l| l.positions.keys().chain(l.diem_stakes.keys()).copied().collect())
            .unwrap_or_default();
        owners.sort();
        owners.dedup();
        let (mut positions, mut stakes, mut mismatches) = (Vec::new(), Vec::new(), Vec::new());
        for owner in &owners {
            if let Some(p) = self.position(owner).await? {
                if ledger.as_ref().and_then(|l| l.positions.get(owner)).map(|r| r.balances) != Some(p.balances) {
                    mismatches.push(format!("position {owner}"));
                }
                positions.push((*owner, p));
            }
            if let Some(d) = self.diem_stake(owner).await? {
                if ledger.as_ref().and_then(|l| l.diem_stakes.get(owner)).map(|r| r.balances) != Some(d.balances) {
                    mismatches.push(format!("DIEM stake {owner}"));
                }
                stakes.push((*owner, d));
            }
        }
        if let Some(l) = &ledger {
            let detail =
                if l.pool == pool { "equal".to_string() } else { format!("ledger {:?} vs chain {:?}", l.pool, pool) };
            check("replayed totals match the config", l.pool == pool, detail);
        }
        let detail = if mismatches.is_empty() {
            format!("{} accounts", positions.len() + stakes.len())
        } else {
            mismatches.join(", ")
        };
        check("every account matches the replay", mismatches.is_empty(), detail);
        let snapshot =
            Snapshot { pool, positions: &positions, diem_stakes: &stakes, vvv_vault, diem_vault, diem_supply };
        checks.extend(crate::invariants::check(&snapshot));
        Ok(AuditReport {
            events_replayed: ledger.map(|l| l.events_applied).unwrap_or_default(),
            positions: positions.len(),
            diem_stakes: stakes.len(),
            vvv_vault,
            diem_vault,
            diem_supply,
            checks,
        })
    }

    /// Per-owner credit for the UTC day starting `day` days after 1970-01-01.
    pub async fn entitlements(&mut self, day: i64) -> OpsResult<Vec<Entitlement>> {
        let events = self.chain.events().await?;
        let instant = day.checked_mul(SECONDS_PER_DAY).ok_or_else(|| OpsError::Invalid("day out of range".into()))?;
        Ok(diem_staked_at(&events, instant)
            .into_iter()
            .filter(|(_, staked)| *staked > 0)
            .map(|(owner, staked)| Entitlement {
                owner: owner.to_string(),
                staked_diem: staked,
                credit_usd: if staked >= MIN_CREDIT_DIEM {
                    crate::amount::format_amount(staked, DIEM_DECIMALS)
                } else {
                    "0".into()
                },
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_since_epoch() {
        assert_eq!(parse_day("1970-01-01").unwrap(), 0);
        assert_eq!(parse_day("2026-11-24").unwrap(), 20_781);
        assert_eq!(parse_day("2000-03-01").unwrap(), 11_017);
        assert!(parse_day("2026-13-01").is_err());
        assert!(parse_day("yesterday").is_err());
    }
}
