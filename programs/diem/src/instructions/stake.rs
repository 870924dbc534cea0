use crate::constants::CONFIG_ADDRESS;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenInterface;

use crate::constants::*;
use crate::errors::DiemError;
use crate::events::Staked;
use crate::state::{Config, Position};
use crate::{owner_account, token_ops};

/// Stakes VVV from the payer's account for `recipient` (the payer, a depositor of a DeFi vault,
/// or the receiver of a gift); creates the recipient's position at the payer's expense.
#[event_cpi]
#[derive(Accounts)]
#[instruction(amount: u64, recipient: Pubkey)]
pub struct Stake<'info> {
    #[account(mut)]
    pub payer: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS, has_one = vvv_vault,
        has_one = vvv_mint @ DiemError::WrongMint, has_one = vvv_token_program @ DiemError::WrongTokenProgram)]
    pub config: Box<Account<'info, Config>>,
    /// The recipient's position at `[POSITION_SEED, recipient]`, created by its first stake.
    /// CHECK: address and contents checked by `owner_account::load_or_create` (see there for why not `init_if_needed`).
    #[account(mut)]
    pub position: UncheckedAccount<'info>,
    /// CHECK: the payer's VVV account, checked in `validate`.
    #[account(mut)]
    pub source: UncheckedAccount<'info>,
    /// CHECK: pinned to the config's vault by `has_one`; the token program validates it.
    #[account(mut)]
    pub vvv_vault: UncheckedAccount<'info>,
    /// CHECK: pinned to the config's VVV mint by `has_one`; the token program validates it.
    pub vvv_mint: UncheckedAccount<'info>,
    pub vvv_token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl Stake<'_> {
    pub fn validate(&self, amount: u64, recipient: &Pubkey) -> Result<()> {
        require!(amount > 0, DiemError::ZeroAmount);
        require!(*recipient != Pubkey::default(), DiemError::InvalidRecipient);
        self.config.require_not_paused(pause::STAKE)?;
        let c = &self.config;
        token_ops::check_token_account(&self.source, &c.vvv_token_program, &c.vvv_mint, Some(self.payer.key))
    }
}

// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn stake_handler(mut ctx: Context<Stake>, amount: u64, recipient: Pubkey) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    let config = &mut accounts.config;
    config.accrue(now)?;
    let position_info = accounts.position.to_account_info();
    let loaded =
        owner_account::load_or_create::<Position>(&position_info, &accounts.payer.to_account_info(), &[recipient])?;
    let mut position = loaded.value;
    let position_opened = !position.is_open();
    if position_opened {
        position.open(recipient, loaded.bump, &config.pool);
    }
    require_keys_eq!(position.owner, recipient, DiemError::PositionOwnerMismatch);
    position.stake(&mut config.pool, amount)?;
    token_ops::deposit(
        &accounts.vvv_token_program.to_account_info(),
        &accounts.vvv_mint.to_account_info(),
        &accounts.source.to_account_info(),
        &accounts.vvv_vault.to_account_info(),
        &accounts.payer.to_account_info(),
        amount,
        config.vvv_decimals,
    )?;
    owner_account::store(&position_info, &position)?;
    let event = Staked {
        seq: accounts.config.next_event_seq()?,
        payer: accounts.payer.key(),
        owner: recipient,
        amount,
        position_opened,
        position: position.balances,
        pool: accounts.config.pool,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
