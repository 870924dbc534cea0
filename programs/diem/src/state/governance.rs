use anchor_lang::prelude::*;

use crate::constants::*;
use crate::errors::DiemError;
use crate::state::Params;

/// A change the config authority may make that can lower what a user receives or lengthen how
/// long they wait (SPEC §8). After the launch each is proposed, announced by an event, and
/// applies only once `change_delay` has passed, so a user who disagrees can leave first.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum Change {
    /// VVV base units emitted per second.
    EmissionRate { rate: u64 },
    /// The treasury's cut of what unlocked and locked sVVV earn, basis points.
    TreasuryShares { unlocked_bps: u32, locked_bps: u32 },
    /// The VVV token account the treasury's share is paid to.
    Treasury { account: Pubkey },
    /// The sVVV unstake cooldown, seconds.
    SvvvCooldown { secs: i64 },
    /// The DIEM unstake cooldown, seconds.
    DiemCooldown { secs: i64 },
    /// The staged curve table with this SHA-256 (`math::curve::curve_hash`) goes live.
    Curve { hash: [u8; 32] },
    /// The delay itself. Raising it applies at once; lowering it is queued.
    ChangeDelay { secs: i64 },
}

impl Change {
    /// The slot of a `Curve` change.
    pub const CURVE_KIND: u8 = 5;
    /// The slot of a `ChangeDelay` change.
    pub const CHANGE_DELAY_KIND: u8 = 6;

    /// The change's kind: its slot in [`Governance::pending`]. One pending change per kind.
    pub fn kind(&self) -> u8 {
        match self {
            Change::EmissionRate { .. } => 0,
            Change::TreasuryShares { .. } => 1,
            Change::Treasury { .. } => 2,
            Change::SvvvCooldown { .. } => 3,
            Change::DiemCooldown { .. } => 4,
            Change::Curve { .. } => Self::CURVE_KIND,
            Change::ChangeDelay { .. } => Self::CHANGE_DELAY_KIND,
        }
    }

    /// Whether this is a delay at least as long as `current`: such a change applies at once (and
    /// voids a pending shorter one); every other change is queued after the launch.
    pub fn raises_delay(&self, current: i64) -> bool {
        matches!(*self, Change::ChangeDelay { secs } if secs >= current)
    }

    /// `params` with this change made (the parameter kinds), or `None` for the other kinds.
    pub fn applied_to(&self, params: &Params) -> Option<Params> {
        let mut p = *params;
        match *self {
            Change::EmissionRate { rate } => p.emission_rate = rate,
            Change::TreasuryShares { unlocked_bps, locked_bps } => {
                p.treasury_share_unlocked_bps = unlocked_bps;
                p.treasury_share_locked_bps = locked_bps;
            }
            Change::SvvvCooldown { secs } => p.svvv_cooldown_secs = secs,
            Change::DiemCooldown { secs } => p.diem_cooldown_secs = secs,
            Change::Treasury { .. } | Change::Curve { .. } | Change::ChangeDelay { .. } => return None,
        }
        Some(p)
    }
}

/// A proposed change and when it may be applied.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub struct PendingChange {
    pub change: Change,
    pub proposed_at: i64,
    /// Anyone may apply the change from this time on (`proposed_at + change_delay`).
    pub eta: i64,
}

/// The change delay and the pending changes, one slot per kind. PDA `[GOVERNANCE_SEED]`,
/// created by `initialize`. Slots beyond today's kinds are reserved, so a later kind needs no
/// migration.
#[account]
#[derive(InitSpace, Debug)]
pub struct Governance {
    /// How long a proposed change waits: at least the sVVV cooldown plus the DIEM cooldown plus
    /// a day, whatever the pending changes do (`check_exit_covered`).
    pub change_delay: i64,
    pub pending: [Option<PendingChange>; MAX_CHANGE_KINDS],
    pub bump: u8,
}

/// The shortest `change_delay` that covers the slowest exit with these cooldowns (SPEC §8): a
/// minter whose DIEM is staked unstakes DIEM (`diem_cooldown`), burns, unstakes sVVV
/// (`svvv_cooldown`), and still has their VVV back a day before an announced change applies.
pub fn min_change_delay(svvv_cooldown: i64, diem_cooldown: i64) -> Result<i64> {
    svvv_cooldown
        .checked_add(diem_cooldown)
        .and_then(|exit| exit.checked_add(SECONDS_PER_DAY))
        .ok_or_else(|| error!(DiemError::MathOverflow))
}

/// Refuses a delay that does not cover the slowest exit under `params`, or is longer than
/// `MAX_CHANGE_DELAY_SECS`.
pub fn check_change_delay(delay: i64, params: &Params) -> Result<()> {
    require!(
        delay >= min_change_delay(params.svvv_cooldown_secs, params.diem_cooldown_secs)?
            && delay <= MAX_CHANGE_DELAY_SECS,
        DiemError::ChangeDelayOutOfBounds
    );
    Ok(())
}

impl Governance {
    /// Records `change`, due at `now + change_delay`; a pending change of the same kind is
    /// replaced and its clock restarts. Returns the new pending change and whether one was replaced.
    pub fn propose(&mut self, change: Change, now: i64) -> Result<(PendingChange, bool)> {
        let eta = now.checked_add(self.change_delay).ok_or_else(|| error!(DiemError::MathOverflow))?;
        let pending = PendingChange { change, proposed_at: now, eta };
        let slot = self.slot_mut(change.kind())?;
        let replaced = slot.is_some();
        *slot = Some(pending);
        Ok((pending, replaced))
    }

    /// Takes the pending change of `kind` if it is due at `now`.
    pub fn take_due(&mut self, kind: u8, now: i64) -> Result<PendingChange> {
        let slot = self.slot_mut(kind)?;
        let pending = slot.ok_or_else(|| error!(DiemError::NoPendingChange))?;
        require!(now >= pending.eta, DiemError::ChangeNotDue);
        *slot = None;
        Ok(pending)
    }

    /// Refuses unless `delay` covers the slowest exit under `params` (the state a change would
    /// leave) in every state the other pending changes can still produce: each pending cooldown
    /// change may apply (the longer cooldown counts) and a pending delay change may apply (the
    /// shorter delay counts), in any order, or be cancelled. `replacing` is the slot of the change
    /// being proposed or applied, whose pending value no longer counts (`None` for `set_params`,
    /// which replaces no pending change).
    pub fn check_exit_covered(&self, params: &Params, delay: i64, replacing: Option<u8>) -> Result<()> {
        let mut worst = *params;
        let mut shortest = delay;
        for (kind, pending) in self.pending.iter().enumerate() {
            let Some(pending) = pending else { continue };
            if replacing.is_some_and(|r| kind == r as usize) {
                continue;
            }
            match pending.change {
                Change::SvvvCooldown { secs } => worst.svvv_cooldown_secs = worst.svvv_cooldown_secs.max(secs),
                Change::DiemCooldown { secs } => worst.diem_cooldown_secs = worst.diem_cooldown_secs.max(secs),
                Change::ChangeDelay { secs } => shortest = shortest.min(secs),
                _ => {}
            }
        }
        require!(delay <= MAX_CHANGE_DELAY_SECS, DiemError::ChangeDelayOutOfBounds);
        check_change_delay(shortest, &worst)
    }

    /// Whether a change of `kind` is pending.
    pub fn is_pending(&self, kind: u8) -> bool {
        self.pending.get(kind as usize).is_some_and(Option::is_some)
    }

    /// Removes the pending change of `kind`, if any (a raised delay voids a pending lowering).
    pub fn take(&mut self, kind: u8) -> Result<Option<PendingChange>> {
        Ok(self.slot_mut(kind)?.take())
    }

    /// Removes the pending change of `kind`.
    pub fn cancel(&mut self, kind: u8) -> Result<PendingChange> {
        self.take(kind)?.ok_or_else(|| error!(DiemError::NoPendingChange))
    }

    fn slot_mut(&mut self, kind: u8) -> Result<&mut Option<PendingChange>> {
        self.pending.get_mut(kind as usize).ok_or_else(|| error!(DiemError::UnknownChangeKind))
    }
}
