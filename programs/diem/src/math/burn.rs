//! sVVV released by burning DIEM (SPEC §6): pro rata at the position's own average lock rate.

use crate::errors::DiemError;
use crate::math::wide::mul_div_floor;

/// What a burn of `amount` DIEM does to a position's `locked` and `outstanding`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BurnOutcome {
    pub svvv_unlocked: u64,
    pub locked_after: u64,
    pub outstanding_after: u64,
}

/// `unlock = amount == outstanding ? locked : floor(amount * locked / outstanding)`.
/// The last burn releases everything, so no dust stays locked; earlier burns round down,
/// so a series of partial burns never releases more than one full burn would.
pub fn unlock_for_burn(amount: u64, locked: u64, outstanding: u64) -> Result<BurnOutcome, DiemError> {
    if amount == 0 {
        return Err(DiemError::ZeroAmount);
    }
    if amount > outstanding {
        return Err(DiemError::BurnExceedsOutstanding);
    }
    let svvv_unlocked = if amount == outstanding {
        locked
    } else {
        mul_div_floor(amount, locked, outstanding).ok_or(DiemError::MathOverflow)?
    };
    Ok(BurnOutcome {
        svvv_unlocked,
        locked_after: locked.checked_sub(svvv_unlocked).ok_or(DiemError::MathOverflow)?,
        outstanding_after: outstanding - amount,
    })
}

#[cfg(test)]
mod tests;
