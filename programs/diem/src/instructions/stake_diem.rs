use crate::constants::CONFIG_ADDRESS;
use anchor_lang::prelude::*;
use anchor_spl::token_2022::Token2022;

use crate::constants::*;
use crate::errors::DiemError;
use crate::events::DiemStaked;
use crate::state::{Config, DiemStake};
use crate::{owner_account, token_ops};

/// Stakes DIEM from the owner's account for `beneficiary`'s credit; it counts at once. The
/// owner controls the stake (alone may unstake or redirect it); a vault names each depositor.
#[event_cpi]
#[derive(Accounts)]
pub struct StakeDiem<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS, has_one = diem_vault, has_one = diem_mint)]
    pub config: Box<Account<'info, Config>>,
    /// The stake at `[DIEM_STAKE_SEED, owner, beneficiary]`, created by its first stake.
    /// CHECK: address and contents checked by `owner_account::load_or_create`.
    #[account(mut)]
    pub diem_stake: UncheckedAccount<'info>,
    /// CHECK: the owner's DIEM account, checked in `validate`.
    #[account(mut)]
    pub source: UncheckedAccount<'info>,
    /// CHECK: pinned to the config's vault by `has_one`; the token program validates it.
    #[account(mut)]
    pub diem_vault: UncheckedAccount<'info>,
    /// CHECK: pinned to the config's DIEM mint by `has_one`; the token program validates it.
    pub diem_mint: UncheckedAccount<'info>,
    pub diem_token_program: Program<'info, Token2022>,
    pub system_program: Program<'info, System>,
}

impl StakeDiem<'_> {
    pub fn validate(&self, amount: u64, beneficiary: &Pubkey) -> Result<()> {
        require!(amount > 0, DiemError::ZeroAmount);
        require!(*beneficiary != Pubkey::default(), DiemError::InvalidBeneficiary);
        self.config.require_not_paused(pause::STAKE_DIEM)?;
        token_ops::check_token_account(
            &self.source,
            &anchor_spl::token_2022::ID,
            &self.config.diem_mint,
            Some(self.owner.key),
        )
    }
}

// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn stake_diem_handler(mut ctx: Context<StakeDiem>, amount: u64, beneficiary: Pubkey) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    let owner = accounts.owner.key();
    let stake_info = accounts.diem_stake.to_account_info();
    let loaded = owner_account::load_or_create::<DiemStake>(
        &stake_info,
        &accounts.owner.to_account_info(),
        &[owner, beneficiary],
    )?;
    let mut diem_stake = loaded.value;
    if !diem_stake.is_open() {
        diem_stake.open(owner, beneficiary, loaded.bump);
    }
    diem_stake.stake(&mut accounts.config.pool, amount)?;
    token_ops::deposit(
        &accounts.diem_token_program.to_account_info(),
        &accounts.diem_mint.to_account_info(),
        &accounts.source.to_account_info(),
        &accounts.diem_vault.to_account_info(),
        &accounts.owner.to_account_info(),
        amount,
        DIEM_DECIMALS,
    )?;
    owner_account::store(&stake_info, &diem_stake)?;
    let event = DiemStaked {
        seq: accounts.config.next_event_seq()?,
        owner,
        beneficiary,
        amount,
        timestamp: now,
        staked: diem_stake.staked,
        pool: accounts.config.pool,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
