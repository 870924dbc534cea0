use anchor_lang::prelude::*;

use crate::constants::CONFIG_ADDRESS;
use crate::errors::DiemError;
use crate::state::{Config, Position};

/// Accounts of the owner-only instructions that change nothing but the owner's position and
/// the pool: `claim_and_stake`.
///
/// The position is not re-derived from its seeds: `Account<Position>` proves the program owns
/// it, only `stake` creates positions (at `[POSITION_SEED, owner]`), so `has_one = owner`
/// identifies the one position of the signer. Likewise only `initialize` creates a `Config`.
#[event_cpi]
#[derive(Accounts)]
pub struct OwnerPosition<'info> {
    pub owner: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS)]
    pub config: Box<Account<'info, Config>>,
    #[account(mut, dup, has_one = owner @ DiemError::NotPositionOwner)]
    pub position: Box<Account<'info, Position>>,
}
