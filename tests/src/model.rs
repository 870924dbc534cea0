//! An independent reference model of the program, written from `docs/SPEC.md`: positions,
//! DIEM stakes, totals, the curve and its quote, rewards, burns, cooldowns, the clock, pauses
//! and parameters. It calls none of the program's handlers, state methods or `math` module:
//! every formula is re-derived here in plain integer arithmetic (u128, and a 256-bit type for
//! the one product that needs it), so a bug in the shared maths shows up as a disagreement.
//!
//! What it shares with the program is vocabulary only: the error names it predicts (so a
//! refusal can be compared by name) and the order in which the program checks them.
use std::collections::BTreeMap;

use anchor_lang::prelude::Pubkey;
use diem::errors::DiemError;

uint::construct_uint! {
    /// 256-bit unsigned integer for `units × Δaccumulator`.
    pub struct U256(4);
}

/// SPEC §4: the accumulators' fixed-point scale.
pub const SCALE: u128 = 1_000_000_000_000_000_000;
/// SPEC §2: DIEM has 9 decimals; rates are per whole DIEM.
pub const ONE_DIEM: u128 = 1_000_000_000;
pub const BPS: u128 = 10_000;

/// Pause bits (SPEC §8: inflows only).
pub mod pause {
    pub const STAKE: u16 = 1;
    pub const MINT: u16 = 2;
    pub const STAKE_DIEM: u16 = 4;
    pub const CLAIM_AND_STAKE: u16 = 8;
    /// Stake, mint and DIEM stake: all paused at the launch; the first opened ends it.
    pub const INFLOWS: u16 = STAKE | MINT | STAKE_DIEM;
}

/// Why an operation fails, as the runtime reports it: the custom error code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fail {
    Diem(DiemError),
    /// Anchor's framework errors (e.g. 3012, an account that does not exist yet).
    Anchor(u32),
    /// The token program's own error codes (1: insufficient funds).
    Token(u32),
}

impl Fail {
    pub fn code(&self) -> u32 {
        match self {
            Fail::Diem(e) => 6000 + *e as u32,
            Fail::Anchor(c) | Fail::Token(c) => *c,
        }
    }
}

const ACCOUNT_NOT_INITIALIZED: Fail = Fail::Anchor(3012);
const INSUFFICIENT_FUNDS: Fail = Fail::Token(1);

pub type Outcome<T = ()> = Result<T, Fail>;

fn overflow() -> Fail {
    Fail::Diem(DiemError::MathOverflow)
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Params {
    pub emission_rate: u64,
    pub share_unlocked_bps: u32,
    pub share_locked_bps: u32,
    pub svvv_cooldown: i64,
    pub diem_cooldown: i64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    pub active: u64,
    pub locked: u64,
    pub outstanding: u64,
    pub pending: u64,
    pub snap_unlocked: u128,
    pub snap_locked: u128,
}

/// DIEM staked by a controller for a beneficiary (SPEC §7).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DiemStake {
    pub staked: u64,
}

/// SPEC §3, §7: one unstake request, its amount out of the stake until `unlock_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ticket {
    /// DIEM (true) or sVVV (false).
    pub diem: bool,
    pub owner: Pubkey,
    pub amount: u64,
    pub unlock_at: i64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub active: u64,
    pub locked: u64,
    pub cooldown: u64,
    pub outstanding: u64,
    pub diem_staked: u64,
    pub diem_cooldown: u64,
    pub reserve: u64,
    pub unclaimed: u64,
    pub treasury: u64,
    pub acc_unlocked: u128,
    pub acc_locked: u128,
    pub last_ts: i64,
}

/// A change the authority may queue (SPEC §8). The treasury account is not modelled (the
/// model pays the treasury's share to one wallet); a curve is named by its whole table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelChange {
    EmissionRate(u64),
    TreasuryShares(u32, u32),
    SvvvCooldown(i64),
    DiemCooldown(i64),
    Curve(Vec<(u64, u128)>),
    ChangeDelay(i64),
}

impl ModelChange {
    /// The slot the program keeps it in (one pending change per kind).
    pub fn kind(&self) -> u8 {
        match self {
            ModelChange::EmissionRate(_) => 0,
            ModelChange::TreasuryShares(..) => 1,
            ModelChange::SvvvCooldown(_) => 3,
            ModelChange::DiemCooldown(_) => 4,
            ModelChange::Curve(_) => 5,
            ModelChange::ChangeDelay(_) => 6,
        }
    }
}

const DAY: i64 = 86_400;

/// The whole system as docs/SPEC.md describes it, plus the token balances around it.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub now: i64,
    pub params: Params,
    pub paused: u16,
    /// SPEC §8: the launch is over (an inflow was opened once); it never comes back.
    pub launched: bool,
    /// The config authority: during the launch nobody else acts.
    pub authority: Pubkey,
    /// The live curve: `(supply_bound, rate)`, rates in VVV base units per whole DIEM.
    pub curve: Vec<(u64, u128)>,
    pub totals: Totals,
    pub positions: BTreeMap<Pubkey, Position>,
    /// DIEM stakes by (controller, beneficiary).
    pub stakes: BTreeMap<(Pubkey, Pubkey), DiemStake>,
    /// Open tickets by the model's own number (in opening order from 0; closed ones leave).
    pub tickets: BTreeMap<u64, Ticket>,
    /// How many tickets were ever opened: the next one's number.
    pub tickets_opened: u64,
    /// VVV and DIEM wallet balances by owner; the vaults; the mint supply; the treasury.
    pub vvv_wallet: BTreeMap<Pubkey, u64>,
    pub diem_wallet: BTreeMap<Pubkey, u64>,
    pub vvv_vault: u64,
    pub diem_vault: u64,
    pub diem_supply: u64,
    pub treasury_wallet: u64,
    /// How long a proposed change waits, and the pending ones by kind with their due time.
    pub change_delay: i64,
    pub pending: BTreeMap<u8, (ModelChange, i64)>,
    /// The staging table: what was last staged in full since the last commit (`None` if empty).
    pub staging: Option<Vec<(u64, u128)>>,
}

fn add(a: u64, b: u64) -> Outcome<u64> {
    a.checked_add(b).ok_or_else(overflow)
}

fn sub(a: u64, b: u64) -> Outcome<u64> {
    a.checked_sub(b).ok_or_else(overflow)
}

/// `floor(a × b / c)` for u64 operands (the product fits u128).
fn floor_mul_div(a: u64, b: u64, c: u64) -> Outcome<u64> {
    if c == 0 {
        return Err(overflow());
    }
    u64::try_from(a as u128 * b as u128 / c as u128).map_err(|_| overflow())
}

impl Model {
    pub fn new(now: i64, params: Params, paused: u16, curve: Vec<(u64, u128)>) -> Self {
        Model {
            now,
            params,
            paused,
            launched: paused & pause::INFLOWS != pause::INFLOWS,
            curve,
            totals: Totals { last_ts: now, ..Totals::default() },
            change_delay: 9 * DAY,
            ..Model::default()
        }
    }

    fn wallet(map: &BTreeMap<Pubkey, u64>, who: &Pubkey) -> u64 {
        map.get(who).copied().unwrap_or_default()
    }

    fn not_paused(&self, bit: u16) -> Outcome {
        if self.paused & bit != 0 { Err(Fail::Diem(DiemError::OperationPaused)) } else { Ok(()) }
    }

    /// SPEC §4: emissions since the last accrual, split between holders and the treasury.
    fn accrue(&self, t: &mut Totals) -> Outcome {
        let elapsed = self.now - t.last_ts;
        if elapsed <= 0 {
            return Ok(());
        }
        let total = t.active as u128;
        let locked = t.locked as u128;
        let emitted: u128 =
            if total == 0 { 0 } else { (elapsed as u128 * self.params.emission_rate as u128).min(t.reserve as u128) };
        if total > 0 {
            let p_locked = emitted * locked / total;
            let p_unlocked = emitted - p_locked;
            let holders_unlocked = p_unlocked * (BPS - self.params.share_unlocked_bps as u128) / BPS;
            let holders_locked = p_locked * (BPS - self.params.share_locked_bps as u128) / BPS;
            let to_treasury = (p_unlocked - holders_unlocked) + (p_locked - holders_locked);
            if total > locked {
                t.acc_unlocked =
                    t.acc_unlocked.checked_add(holders_unlocked * SCALE / (total - locked)).ok_or_else(overflow)?;
            }
            if locked > 0 {
                t.acc_locked = t.acc_locked.checked_add(holders_locked * SCALE / locked).ok_or_else(overflow)?;
            }
            t.unclaimed = add(t.unclaimed, (holders_unlocked + holders_locked) as u64)?;
            t.treasury = add(t.treasury, to_treasury as u64)?;
            t.reserve = sub(t.reserve, emitted as u64)?;
        }
        t.last_ts = self.now;
        Ok(())
    }

    /// `floor(units × (acc − snapshot) / SCALE)`.
    fn earned(units: u64, acc: u128, snapshot: u128) -> Outcome<u64> {
        let delta = acc.checked_sub(snapshot).ok_or_else(overflow)?;
        let product = U256::from(units) * U256::from(delta) / U256::from(SCALE);
        if product > U256::from(u64::MAX) { Err(overflow()) } else { Ok(product.as_u64()) }
    }

    /// What `p` has pending if settled against `t` now.
    pub fn pending_of(p: &Position, t: &Totals) -> Outcome<u64> {
        let unlocked = p.active - p.locked;
        let a = Self::earned(unlocked, t.acc_unlocked, p.snap_unlocked)?;
        let b = Self::earned(p.locked, t.acc_locked, p.snap_locked)?;
        add(add(p.pending, a)?, b)
    }

    fn settle(p: &mut Position, t: &Totals) -> Outcome {
        p.pending = Self::pending_of(p, t)?;
        p.snap_unlocked = t.acc_unlocked;
        p.snap_locked = t.acc_locked;
        Ok(())
    }

    /// Runs `f` on copies and keeps its changes only if it succeeds: a failed transaction
    /// changes nothing.
    fn atomically<T>(&mut self, f: impl FnOnce(&mut Model) -> Outcome<T>) -> Outcome<T> {
        let mut copy = self.clone();
        let out = f(&mut copy)?;
        *self = copy;
        Ok(out)
    }

    fn position_mut(&mut self, owner: &Pubkey) -> Outcome<&mut Position> {
        self.positions.get_mut(owner).ok_or(ACCOUNT_NOT_INITIALIZED)
    }

    // --- SPEC §3 ---

    pub fn stake(&mut self, payer: Pubkey, recipient: Pubkey, amount: u64) -> Outcome {
        self.atomically(|m| {
            if amount == 0 {
                return Err(Fail::Diem(DiemError::ZeroAmount));
            }
            if recipient == Pubkey::default() {
                return Err(Fail::Diem(DiemError::InvalidRecipient));
            }
            m.not_paused(pause::STAKE)?;
            let mut t = m.totals;
            m.accrue(&mut t)?;
            let mut p = m.positions.get(&recipient).copied().unwrap_or(Position {
                snap_unlocked: t.acc_unlocked,
                snap_locked: t.acc_locked,
                ..Position::default()
            });
            Self::settle(&mut p, &t)?;
            p.active = add(p.active, amount)?;
            t.active = add(t.active, amount)?;
            let wallet = Self::wallet(&m.vvv_wallet, &payer);
            if wallet < amount {
                return Err(INSUFFICIENT_FUNDS);
            }
            m.vvv_wallet.insert(payer, wallet - amount);
            m.vvv_vault = add(m.vvv_vault, amount)?;
            m.positions.insert(recipient, p);
            m.totals = t;
            Ok(())
        })
    }

    /// Opens a ticket for `amount` unlocked sVVV; returns its number.
    pub fn initiate_unstake(&mut self, owner: Pubkey, amount: u64) -> Outcome<u64> {
        self.atomically(|m| {
            let mut p = *m.position_mut(&owner)?;
            let mut t = m.totals;
            m.accrue(&mut t)?;
            if amount == 0 {
                return Err(Fail::Diem(DiemError::ZeroAmount));
            }
            if amount > p.active - p.locked {
                return Err(Fail::Diem(DiemError::InsufficientUnlocked));
            }
            Self::settle(&mut p, &t)?;
            p.active -= amount;
            t.active = sub(t.active, amount)?;
            t.cooldown = add(t.cooldown, amount)?;
            let unlock_at = m.now.checked_add(m.params.svvv_cooldown).ok_or_else(overflow)?;
            m.positions.insert(owner, p);
            m.totals = t;
            Ok(m.open_ticket(Ticket { diem: false, owner, amount, unlock_at }))
        })
    }

    fn open_ticket(&mut self, ticket: Ticket) -> u64 {
        let id = self.tickets_opened;
        self.tickets.insert(id, ticket);
        self.tickets_opened += 1;
        id
    }

    /// The open ticket `id`, checked as the program checks it: it exists, is of this kind and
    /// is `signer`'s.
    fn owned_ticket(&self, id: u64, diem: bool, signer: &Pubkey) -> Outcome<Ticket> {
        let ticket = self.tickets.get(&id).copied().ok_or(ACCOUNT_NOT_INITIALIZED)?;
        if ticket.diem != diem {
            return Err(Fail::Diem(DiemError::WrongTicketKind));
        }
        if ticket.owner != *signer {
            return Err(Fail::Diem(DiemError::NotTicketOwner));
        }
        Ok(ticket)
    }

    /// Returns ticket `id`'s sVVV to the signer's position (opened if they have none).
    pub fn cancel_unstake(&mut self, signer: Pubkey, id: u64) -> Outcome {
        self.atomically(|m| {
            let ticket = m.owned_ticket(id, false, &signer)?;
            m.not_paused(pause::STAKE)?;
            let mut t = m.totals;
            m.accrue(&mut t)?;
            let mut p = m.positions.get(&signer).copied().unwrap_or(Position {
                snap_unlocked: t.acc_unlocked,
                snap_locked: t.acc_locked,
                ..Position::default()
            });
            Self::settle(&mut p, &t)?;
            p.active = add(p.active, ticket.amount)?;
            t.cooldown = sub(t.cooldown, ticket.amount)?;
            t.active = add(t.active, ticket.amount)?;
            m.positions.insert(signer, p);
            m.totals = t;
            m.tickets.remove(&id);
            Ok(())
        })
    }

    /// Pays a due sVVV ticket to its owner.
    pub fn finalize_unstake(&mut self, signer: Pubkey, id: u64) -> Outcome {
        self.atomically(|m| {
            let ticket = m.owned_ticket(id, false, &signer)?;
            if m.now < ticket.unlock_at {
                return Err(Fail::Diem(DiemError::CooldownNotElapsed));
            }
            m.totals.cooldown = sub(m.totals.cooldown, ticket.amount)?;
            m.pay_vvv(signer, ticket.amount)?;
            m.tickets.remove(&id);
            Ok(())
        })
    }

    /// Hands ticket `id` (either kind) to `new_owner`.
    pub fn transfer_ticket(&mut self, signer: Pubkey, id: u64, new_owner: Pubkey) -> Outcome {
        self.atomically(|m| {
            let ticket = m.tickets.get_mut(&id).ok_or(ACCOUNT_NOT_INITIALIZED)?;
            if ticket.owner != signer {
                return Err(Fail::Diem(DiemError::NotTicketOwner));
            }
            if new_owner == Pubkey::default() || new_owner == ticket.owner {
                return Err(Fail::Diem(DiemError::InvalidTicketRecipient));
            }
            ticket.owner = new_owner;
            Ok(())
        })
    }

    fn pay_vvv(&mut self, to: Pubkey, amount: u64) -> Outcome {
        self.vvv_vault = sub(self.vvv_vault, amount).map_err(|_| INSUFFICIENT_FUNDS)?;
        let wallet = Self::wallet(&self.vvv_wallet, &to);
        self.vvv_wallet.insert(to, add(wallet, amount)?);
        Ok(())
    }

    // --- SPEC §4 ---

    pub fn claim(&mut self, owner: Pubkey, compound: bool) -> Outcome {
        self.atomically(|m| {
            let mut p = *m.position_mut(&owner)?;
            if compound {
                m.not_paused(pause::CLAIM_AND_STAKE)?;
            }
            let mut t = m.totals;
            m.accrue(&mut t)?;
            Self::settle(&mut p, &t)?;
            let amount = p.pending;
            if amount == 0 {
                return Err(Fail::Diem(DiemError::NothingToClaim));
            }
            p.pending = 0;
            t.unclaimed = sub(t.unclaimed, amount)?;
            if compound {
                p.active = add(p.active, amount)?;
                t.active = add(t.active, amount)?;
            } else {
                m.pay_vvv(owner, amount)?;
            }
            m.positions.insert(owner, p);
            m.totals = t;
            Ok(())
        })
    }

    pub fn fund_rewards(&mut self, funder: Pubkey, amount: u64) -> Outcome {
        self.atomically(|m| {
            if amount == 0 {
                return Err(Fail::Diem(DiemError::ZeroAmount));
            }
            if !m.launched && funder != m.authority {
                return Err(Fail::Diem(DiemError::LaunchInProgress));
            }
            let mut t = m.totals;
            m.accrue(&mut t)?;
            t.reserve = add(t.reserve, amount)?;
            let wallet = Self::wallet(&m.vvv_wallet, &funder);
            if wallet < amount {
                return Err(INSUFFICIENT_FUNDS);
            }
            m.vvv_wallet.insert(funder, wallet - amount);
            m.vvv_vault = add(m.vvv_vault, amount)?;
            m.totals = t;
            Ok(())
        })
    }

    pub fn pay_treasury(&mut self) -> Outcome {
        self.atomically(|m| {
            let mut t = m.totals;
            m.accrue(&mut t)?;
            let amount = t.treasury;
            if amount == 0 {
                return Err(Fail::Diem(DiemError::NothingToPay));
            }
            t.treasury = 0;
            m.vvv_vault = sub(m.vvv_vault, amount)?;
            m.treasury_wallet = add(m.treasury_wallet, amount)?;
            m.totals = t;
            Ok(())
        })
    }

    // --- SPEC §5 ---

    /// SPEC §5.2, with the one tightening the program documents: the bucket a lock ends in
    /// yields at most the room left in it.
    pub fn quote(&self, svvv: u64) -> Outcome<u64> {
        if self.curve.is_empty() {
            return Err(Fail::Diem(DiemError::CurveNotSet));
        }
        let mut supply = self.totals.outstanding as u128;
        let mut x = svvv as u128;
        let mut out: u128 = 0;
        for &(bound, rate) in &self.curve {
            let bound = bound as u128;
            if bound <= supply {
                continue;
            }
            let room = bound - supply;
            let cost = (rate * room).div_ceil(ONE_DIEM);
            if cost >= x {
                out += (x * ONE_DIEM / rate).min(room);
                return u64::try_from(out).map_err(|_| overflow());
            }
            out += room;
            x -= cost;
            supply = bound;
        }
        Err(Fail::Diem(DiemError::SupplyCapReached))
    }

    pub fn mint(&mut self, owner: Pubkey, svvv: u64, min_out: u64) -> Outcome<u64> {
        self.atomically(|m| {
            let mut p = *m.position_mut(&owner)?;
            if svvv == 0 {
                return Err(Fail::Diem(DiemError::ZeroAmount));
            }
            m.not_paused(pause::MINT)?;
            if svvv > p.active - p.locked {
                return Err(Fail::Diem(DiemError::InsufficientUnlocked));
            }
            let out = m.quote(svvv)?;
            if out == 0 {
                return Err(Fail::Diem(DiemError::MintOutputZero));
            }
            if out < min_out {
                return Err(Fail::Diem(DiemError::SlippageExceeded));
            }
            let mut t = m.totals;
            m.accrue(&mut t)?;
            Self::settle(&mut p, &t)?;
            p.locked = add(p.locked, svvv)?;
            p.outstanding = add(p.outstanding, out)?;
            t.locked = add(t.locked, svvv)?;
            t.outstanding = add(t.outstanding, out)?;
            let wallet = Self::wallet(&m.diem_wallet, &owner);
            m.diem_wallet.insert(owner, add(wallet, out)?);
            m.diem_supply = add(m.diem_supply, out)?;
            m.positions.insert(owner, p);
            m.totals = t;
            Ok(out)
        })
    }

    // --- SPEC §6 ---

    pub fn burn(&mut self, owner: Pubkey, amount: u64) -> Outcome {
        self.atomically(|m| {
            let mut p = *m.position_mut(&owner)?;
            if amount == 0 {
                return Err(Fail::Diem(DiemError::ZeroAmount));
            }
            if amount > p.outstanding {
                return Err(Fail::Diem(DiemError::BurnExceedsOutstanding));
            }
            let mut t = m.totals;
            m.accrue(&mut t)?;
            let unlock =
                if amount == p.outstanding { p.locked } else { floor_mul_div(amount, p.locked, p.outstanding)? };
            Self::settle(&mut p, &t)?;
            p.locked -= unlock;
            p.outstanding -= amount;
            t.locked = sub(t.locked, unlock)?;
            t.outstanding = sub(t.outstanding, amount)?;
            let wallet = Self::wallet(&m.diem_wallet, &owner);
            if wallet < amount {
                return Err(INSUFFICIENT_FUNDS);
            }
            m.diem_wallet.insert(owner, wallet - amount);
            m.diem_supply = sub(m.diem_supply, amount)?;
            m.positions.insert(owner, p);
            m.totals = t;
            Ok(())
        })
    }

    /// DIEM moved between wallets by the token program (a sale, a gift).
    pub fn transfer_diem(&mut self, from: Pubkey, to: Pubkey, amount: u64) -> Outcome {
        self.atomically(|m| {
            let wallet = Self::wallet(&m.diem_wallet, &from);
            if wallet < amount {
                return Err(INSUFFICIENT_FUNDS);
            }
            m.diem_wallet.insert(from, wallet - amount);
            let other = Self::wallet(&m.diem_wallet, &to);
            m.diem_wallet.insert(to, add(other, amount)?);
            Ok(())
        })
    }

    /// DIEM burned through the token program directly: the program never sees it.
    pub fn raw_burn(&mut self, owner: Pubkey, amount: u64) -> Outcome {
        self.atomically(|m| {
            let wallet = Self::wallet(&m.diem_wallet, &owner);
            if wallet < amount {
                return Err(INSUFFICIENT_FUNDS);
            }
            m.diem_wallet.insert(owner, wallet - amount);
            m.diem_supply = sub(m.diem_supply, amount)?;
            Ok(())
        })
    }

    // --- SPEC §7 ---

    pub fn stake_diem(&mut self, owner: Pubkey, beneficiary: Pubkey, amount: u64) -> Outcome {
        self.atomically(|m| {
            if amount == 0 {
                return Err(Fail::Diem(DiemError::ZeroAmount));
            }
            if beneficiary == Pubkey::default() {
                return Err(Fail::Diem(DiemError::InvalidBeneficiary));
            }
            m.not_paused(pause::STAKE_DIEM)?;
            let mut s = m.stakes.get(&(owner, beneficiary)).copied().unwrap_or_default();
            s.staked = add(s.staked, amount)?;
            m.totals.diem_staked = add(m.totals.diem_staked, amount)?;
            let wallet = Self::wallet(&m.diem_wallet, &owner);
            if wallet < amount {
                return Err(INSUFFICIENT_FUNDS);
            }
            m.diem_wallet.insert(owner, wallet - amount);
            m.diem_vault = add(m.diem_vault, amount)?;
            m.stakes.insert((owner, beneficiary), s);
            Ok(())
        })
    }

    /// Opens a DIEM ticket from the owner's stake for `beneficiary`; returns its number.
    pub fn initiate_diem_unstake(&mut self, owner: Pubkey, beneficiary: Pubkey, amount: u64) -> Outcome<u64> {
        self.atomically(|m| {
            let mut s = m.stakes.get(&(owner, beneficiary)).copied().ok_or(ACCOUNT_NOT_INITIALIZED)?;
            if amount == 0 {
                return Err(Fail::Diem(DiemError::ZeroAmount));
            }
            if amount > s.staked {
                return Err(Fail::Diem(DiemError::InsufficientDiemStaked));
            }
            s.staked -= amount;
            m.totals.diem_staked = sub(m.totals.diem_staked, amount)?;
            m.totals.diem_cooldown = add(m.totals.diem_cooldown, amount)?;
            let unlock_at = m.now.checked_add(m.params.diem_cooldown).ok_or_else(overflow)?;
            m.stakes.insert((owner, beneficiary), s);
            Ok(m.open_ticket(Ticket { diem: true, owner, amount, unlock_at }))
        })
    }

    /// Returns DIEM ticket `id` to the signer's stake for `beneficiary` (opened if needed).
    pub fn cancel_diem_unstake(&mut self, signer: Pubkey, id: u64, beneficiary: Pubkey) -> Outcome {
        self.atomically(|m| {
            let ticket = m.owned_ticket(id, true, &signer)?;
            if beneficiary == Pubkey::default() {
                return Err(Fail::Diem(DiemError::InvalidBeneficiary));
            }
            m.not_paused(pause::STAKE_DIEM)?;
            let mut s = m.stakes.get(&(signer, beneficiary)).copied().unwrap_or_default();
            m.totals.diem_cooldown = sub(m.totals.diem_cooldown, ticket.amount)?;
            s.staked = add(s.staked, ticket.amount)?;
            m.totals.diem_staked = add(m.totals.diem_staked, ticket.amount)?;
            m.stakes.insert((signer, beneficiary), s);
            m.tickets.remove(&id);
            Ok(())
        })
    }

    /// Pays a due DIEM ticket to its owner.
    pub fn finalize_diem_unstake(&mut self, signer: Pubkey, id: u64) -> Outcome {
        self.atomically(|m| {
            let ticket = m.owned_ticket(id, true, &signer)?;
            if m.now < ticket.unlock_at {
                return Err(Fail::Diem(DiemError::CooldownNotElapsed));
            }
            m.totals.diem_cooldown = sub(m.totals.diem_cooldown, ticket.amount)?;
            m.diem_vault = sub(m.diem_vault, ticket.amount)?;
            let wallet = Self::wallet(&m.diem_wallet, &signer);
            m.diem_wallet.insert(signer, add(wallet, ticket.amount)?);
            m.tickets.remove(&id);
            Ok(())
        })
    }

    /// Moves the owner's whole stake for `from` to their stake for `to`.
    pub fn set_diem_beneficiary(&mut self, owner: Pubkey, from: Pubkey, to: Pubkey) -> Outcome {
        self.atomically(|m| {
            let old = m.stakes.get(&(owner, from)).copied().ok_or(ACCOUNT_NOT_INITIALIZED)?;
            if to == Pubkey::default() {
                return Err(Fail::Diem(DiemError::InvalidBeneficiary));
            }
            if to == from {
                return Err(Fail::Diem(DiemError::SameBeneficiary));
            }
            if old.staked == 0 {
                return Err(Fail::Diem(DiemError::InsufficientDiemStaked));
            }
            let mut new = m.stakes.get(&(owner, to)).copied().unwrap_or_default();
            new.staked = add(new.staked, old.staked)?;
            m.stakes.insert((owner, to), new);
            m.stakes.insert((owner, from), DiemStake { staked: 0 });
            Ok(())
        })
    }

    /// SPEC §7: the DIEM staked for `beneficiary`, summed over every stake that names it.
    pub fn credited(&self, beneficiary: &Pubkey) -> u64 {
        self.stakes.iter().filter(|((_, b), _)| b == beneficiary).map(|(_, s)| s.staked).sum()
    }

    // --- SPEC §8 ---

    /// SPEC §8: until an inflow is first opened, changes apply at once.
    pub fn in_launch(&self) -> bool {
        !self.launched
    }

    fn require_launch(&self) -> Outcome {
        if self.in_launch() { Ok(()) } else { Err(Fail::Diem(DiemError::ChangeMustBeProposed)) }
    }

    fn check_params(params: &Params) -> Outcome {
        if params.emission_rate > 1_000_000_000_000_000 {
            return Err(Fail::Diem(DiemError::EmissionRateTooHigh));
        }
        if params.share_unlocked_bps as u128 > BPS || params.share_locked_bps as u128 > BPS {
            return Err(Fail::Diem(DiemError::ShareOutOfBounds));
        }
        for c in [params.svvv_cooldown, params.diem_cooldown] {
            if !(0..=90 * DAY).contains(&c) {
                return Err(Fail::Diem(DiemError::CooldownOutOfBounds));
            }
        }
        Ok(())
    }

    /// SPEC §8: the delay covers the slowest exit (DIEM cooldown, then the sVVV cooldown, then a
    /// day) at every moment: with `params` and `delay` as a change would leave them, whichever of
    /// the other pending cooldown and delay changes (all but the slot `replacing`) apply, and a
    /// delay of at most a year.
    fn check_exit(&self, params: &Params, delay: i64, replacing: Option<u8>) -> Outcome {
        let (mut svvv, mut diem, mut shortest) = (params.svvv_cooldown, params.diem_cooldown, delay);
        for (kind, (change, _)) in &self.pending {
            if Some(*kind) == replacing {
                continue;
            }
            match change {
                ModelChange::SvvvCooldown(s) => svvv = svvv.max(*s),
                ModelChange::DiemCooldown(s) => diem = diem.max(*s),
                ModelChange::ChangeDelay(d) => shortest = shortest.min(*d),
                _ => {}
            }
        }
        if delay > 365 * DAY || shortest < svvv + diem + DAY {
            return Err(Fail::Diem(DiemError::ChangeDelayOutOfBounds));
        }
        Ok(())
    }

    fn with_change(params: &Params, change: &ModelChange) -> Params {
        let mut p = *params;
        match change {
            ModelChange::EmissionRate(r) => p.emission_rate = *r,
            ModelChange::TreasuryShares(u, l) => (p.share_unlocked_bps, p.share_locked_bps) = (*u, *l),
            ModelChange::SvvvCooldown(s) => p.svvv_cooldown = *s,
            ModelChange::DiemCooldown(s) => p.diem_cooldown = *s,
            ModelChange::Curve(_) | ModelChange::ChangeDelay(_) => {}
        }
        p
    }

    fn validate_change(&self, change: &ModelChange) -> Outcome {
        let after = Self::with_change(&self.params, change);
        Self::check_params(&after)?;
        match change {
            ModelChange::SvvvCooldown(_) | ModelChange::DiemCooldown(_) => {
                self.check_exit(&after, self.change_delay, Some(change.kind()))
            }
            ModelChange::ChangeDelay(secs) => self.check_exit(&self.params, *secs, Some(change.kind())),
            ModelChange::Curve(table) => {
                if self.staging.as_ref() != Some(table) {
                    return Err(Fail::Diem(if self.staging.is_none() {
                        DiemError::CurveIncomplete
                    } else {
                        DiemError::CurveHashMismatch
                    }));
                }
                if table.last().map(|(b, _)| *b).unwrap_or_default() < self.totals.outstanding {
                    return Err(Fail::Diem(DiemError::CurveBelowSupply));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn make_change(&mut self, change: ModelChange) -> Outcome {
        self.validate_change(&change)?;
        let mut t = self.totals;
        self.accrue(&mut t)?;
        self.totals = t;
        self.params = Self::with_change(&self.params, &change);
        match change {
            ModelChange::ChangeDelay(secs) => self.change_delay = secs,
            ModelChange::Curve(table) => {
                self.curve = table;
                self.staging = None;
            }
            _ => {}
        }
        Ok(())
    }

    /// `propose_change`: at once at the launch or for a longer delay (which voids a pending
    /// shorter one), otherwise queued.
    pub fn propose_change(&mut self, change: ModelChange) -> Outcome {
        self.atomically(|m| {
            let raises_delay = matches!(change, ModelChange::ChangeDelay(secs) if secs >= m.change_delay);
            if m.in_launch() || raises_delay {
                m.make_change(change)?;
                if raises_delay {
                    m.pending.remove(&6);
                }
                return Ok(());
            }
            m.validate_change(&change)?;
            let eta = m.now + m.change_delay;
            m.pending.insert(change.kind(), (change, eta));
            Ok(())
        })
    }

    /// `apply_change`: anyone, once due; validated again.
    pub fn apply_change(&mut self, kind: u8) -> Outcome {
        self.atomically(|m| {
            let (change, eta) = m.pending.remove(&kind).ok_or(Fail::Diem(DiemError::NoPendingChange))?;
            if m.now < eta {
                return Err(Fail::Diem(DiemError::ChangeNotDue));
            }
            m.make_change(change)
        })
    }

    pub fn cancel_change(&mut self, kind: u8) -> Outcome {
        self.atomically(|m| m.pending.remove(&kind).map(drop).ok_or(Fail::Diem(DiemError::NoPendingChange)))
    }

    /// The staging table cleared and `table` staged in full (what the client does first):
    /// refused while a curve change is pending, since that change names the staged table.
    pub fn stage(&mut self, table: Vec<(u64, u128)>) -> Outcome {
        if self.pending.contains_key(&5) {
            return Err(Fail::Diem(DiemError::CurveChangePending));
        }
        self.staging = Some(table);
        Ok(())
    }

    /// The client's `propose_curve`: clear, stage `table` in full, propose it by its hash.
    pub fn propose_curve(&mut self, table: Vec<(u64, u128)>) -> Outcome {
        self.stage(table.clone())?;
        self.propose_change(ModelChange::Curve(table))
    }

    /// At the launch only: all parameters at once.
    pub fn set_params(&mut self, params: Params) -> Outcome {
        self.atomically(|m| {
            m.require_launch()?;
            Self::check_params(&params)?;
            m.check_exit(&params, m.change_delay, None)?;
            // The old parameters apply up to this moment.
            let mut t = m.totals;
            m.accrue(&mut t)?;
            m.totals = t;
            m.params = params;
            Ok(())
        })
    }

    /// Opening any inflow ends the launch, for good.
    pub fn set_pause(&mut self, paused: u16) -> Outcome {
        if paused & !15 != 0 {
            return Err(Fail::Diem(DiemError::UnknownPauseFlag));
        }
        self.paused = paused;
        self.launched |= paused & pause::INFLOWS != pause::INFLOWS;
        Ok(())
    }

    /// The client's `replace_curve`: clear and stage `curve`, then commit it (the launch only;
    /// after it the staged table stays, as the separate transactions leave it).
    pub fn commit_curve(&mut self, curve: Vec<(u64, u128)>) -> Outcome {
        self.stage(curve.clone())?;
        self.atomically(|m| {
            m.require_launch()?;
            if curve.last().map(|(b, _)| *b).unwrap_or_default() < m.totals.outstanding {
                return Err(Fail::Diem(DiemError::CurveBelowSupply));
            }
            m.curve = curve;
            m.staging = None;
            Ok(())
        })
    }

    pub fn advance(&mut self, secs: i64) {
        self.now += secs;
    }
}
