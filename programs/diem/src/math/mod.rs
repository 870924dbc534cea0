//! Pure, runtime-free maths. Every function is checked: an impossible result is `None` or a
//! named error, never a panic or a wrap. Each topic has its unit tests and proptests beside it.
pub mod burn;
pub mod curve;
pub mod rewards;
pub mod wide;

use anchor_lang::prelude::*;

use crate::errors::DiemError;

/// `a + b`, or `MathOverflow`.
pub fn add(a: u64, b: u64) -> Result<u64> {
    a.checked_add(b).ok_or_else(|| error!(DiemError::MathOverflow))
}

/// `a - b`, or `MathOverflow`.
pub fn sub(a: u64, b: u64) -> Result<u64> {
    a.checked_sub(b).ok_or_else(|| error!(DiemError::MathOverflow))
}
