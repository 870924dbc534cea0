//! VVV emissions and the two reward-per-share accumulators (SPEC §4).

use crate::constants::{BPS_DENOMINATOR, REWARD_SCALE};
use crate::math::wide::{mul_div_floor, mul_div_floor_u64_u128, mul_div_floor_wide};

/// The state an accrual reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AccrualInput {
    pub elapsed_seconds: u64,
    pub emission_rate: u64,
    pub reward_reserve: u64,
    pub total_active: u64,
    pub total_locked: u64,
    pub treasury_share_unlocked_bps: u32,
    pub treasury_share_locked_bps: u32,
}

/// What one accrual hands out. `emitted == to_treasury + to_holders`, and the accumulator
/// increments, applied to the staked units, never pay out more than `to_holders`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Accrual {
    pub emitted: u64,
    pub to_treasury: u64,
    pub to_holders: u64,
    pub acc_unlocked_increment: u128,
    pub acc_locked_increment: u128,
}

/// ```text
/// E   = min(elapsed * emission_rate, reward_reserve), 0 when nothing is staked
/// P_L = floor(E * L / T),  P_U = E - P_L
/// holders_U = floor(P_U * (1 - share_U)),  holders_L = floor(P_L * (1 - share_L))  (bps)
/// treasury  = (P_U - holders_U) + (P_L - holders_L)
/// acc_U += floor(holders_U * SCALE / (T - L))
/// acc_L += floor(holders_L * SCALE / L)
/// ```
/// As SPEC §4 and the live system: each holder part rounds down and the treasury receives
/// exactly the rest. The accumulators round down too: that dust stays counted as owed to
/// holders but is never paid, so the program can only hold more than it owes.
/// `None` on an impossible input (locked > active, a share above 100 %).
pub fn accrue(input: &AccrualInput) -> Option<Accrual> {
    let AccrualInput {
        elapsed_seconds,
        emission_rate,
        reward_reserve,
        total_active,
        total_locked,
        treasury_share_unlocked_bps,
        treasury_share_locked_bps,
    } = *input;
    if total_locked > total_active
        || treasury_share_unlocked_bps > BPS_DENOMINATOR
        || treasury_share_locked_bps > BPS_DENOMINATOR
    {
        return None;
    }
    if total_active == 0 {
        return Some(Accrual::default());
    }
    let scheduled = elapsed_seconds as u128 * emission_rate as u128;
    let emitted = scheduled.min(reward_reserve as u128) as u64;
    let unlocked_units = total_active - total_locked;

    let locked_part = mul_div_floor(emitted, total_locked, total_active)?;
    let unlocked_part = emitted - locked_part;
    let bps = BPS_DENOMINATOR as u64;
    let holders_unlocked = mul_div_floor(unlocked_part, bps - treasury_share_unlocked_bps as u64, bps)?;
    let holders_locked = mul_div_floor(locked_part, bps - treasury_share_locked_bps as u64, bps)?;
    let treasury_unlocked = unlocked_part - holders_unlocked;
    let treasury_locked = locked_part - holders_locked;

    // unlocked_part > 0 implies unlocked_units > 0 (P_U = E - floor(E*L/T) = 0 when L == T).
    let acc_unlocked_increment =
        if unlocked_units > 0 { mul_div_floor_wide(holders_unlocked, REWARD_SCALE, unlocked_units)? } else { 0 };
    let acc_locked_increment =
        if total_locked > 0 { mul_div_floor_wide(holders_locked, REWARD_SCALE, total_locked)? } else { 0 };
    Some(Accrual {
        emitted,
        to_treasury: treasury_unlocked + treasury_locked,
        to_holders: holders_unlocked + holders_locked,
        acc_unlocked_increment,
        acc_locked_increment,
    })
}

/// Rewards earned by `units` since `snapshot`: `floor(units * (acc - snapshot) / SCALE)`.
/// `None` if the accumulator went backwards (impossible) or the result exceeds `u64`.
pub fn earned(units: u64, acc: u128, snapshot: u128) -> Option<u64> {
    let delta = acc.checked_sub(snapshot)?;
    mul_div_floor_u64_u128(units, delta, REWARD_SCALE)
}

#[cfg(test)]
mod tests;
