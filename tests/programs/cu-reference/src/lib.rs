//! The yardstick for `COMPUTE_UNITS.md`: each instruction is the least an Anchor program can do
//! to make one of the token CPIs diem's instructions make (or none), built by the same
//! toolchain. A diem instruction's own compute (total minus the token program's) is reported as
//! a ratio to the matching reference instruction's own compute.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, BurnChecked, Mint, MintTo, TokenAccount, TokenInterface, TransferChecked};
#[cfg(target_os = "solana")]
use solana_compiler_builtins as _;

declare_id!("CRRmsNsgo7FFe6uQ5FVpd1vvw5uMTXrDUxujATMzFk7b");

pub const AUTHORITY_SEED: &[u8] = b"authority";

#[program]
pub mod cu_reference {
    use super::*;

    /// No CPI: the floor of an Anchor instruction with one signer.
    pub fn noop(_ctx: Context<Noop>) -> Result<()> {
        Ok(())
    }

    /// A user's tokens into an account (stake, fund_rewards, stake_diem).
    pub fn transfer_in(ctx: Context<TransferIn>, amount: u64) -> Result<()> {
        let a = &ctx.accounts;
        token_interface::transfer_checked(
            CpiContext::new(
                a.token_program.key(),
                TransferChecked {
                    from: a.from.to_account_info(),
                    mint: a.mint.to_account_info(),
                    to: a.to.to_account_info(),
                    authority: a.user.to_account_info(),
                },
            ),
            amount,
            a.mint.decimals,
        )
    }

    /// Tokens out of a PDA-owned account (finalize_unstake, claim_rewards, pay_treasury,
    /// finalize_diem_unstake).
    pub fn transfer_out(ctx: Context<TransferOut>, amount: u64) -> Result<()> {
        let a = &ctx.accounts;
        let bump = [ctx.bumps.authority];
        let seeds: &[&[u8]] = &[AUTHORITY_SEED, &bump];
        token_interface::transfer_checked(
            CpiContext::new_with_signer(
                a.token_program.key(),
                TransferChecked {
                    from: a.from.to_account_info(),
                    mint: a.mint.to_account_info(),
                    to: a.to.to_account_info(),
                    authority: a.authority.to_account_info(),
                },
                &[seeds],
            ),
            amount,
            a.mint.decimals,
        )
    }

    /// A PDA mints (mint_diem).
    pub fn mint(ctx: Context<MintWithPda>, amount: u64) -> Result<()> {
        let a = &ctx.accounts;
        let bump = [ctx.bumps.authority];
        let seeds: &[&[u8]] = &[AUTHORITY_SEED, &bump];
        token_interface::mint_to(
            CpiContext::new_with_signer(
                a.token_program.key(),
                MintTo {
                    mint: a.mint.to_account_info(),
                    to: a.to.to_account_info(),
                    authority: a.authority.to_account_info(),
                },
                &[seeds],
            ),
            amount,
        )
    }

    /// A user burns (burn_diem).
    pub fn burn(ctx: Context<Burn>, amount: u64) -> Result<()> {
        let a = &ctx.accounts;
        token_interface::burn_checked(
            CpiContext::new(
                a.token_program.key(),
                BurnChecked {
                    mint: a.mint.to_account_info(),
                    from: a.from.to_account_info(),
                    authority: a.user.to_account_info(),
                },
            ),
            amount,
            a.mint.decimals,
        )
    }
}

#[derive(Accounts)]
pub struct Noop<'info> {
    pub user: Signer<'info>,
}

#[derive(Accounts)]
pub struct TransferIn<'info> {
    pub user: Signer<'info>,
    #[account(mut)]
    pub from: InterfaceAccount<'info, TokenAccount>,
    #[account(mut)]
    pub to: InterfaceAccount<'info, TokenAccount>,
    pub mint: InterfaceAccount<'info, Mint>,
    pub token_program: Interface<'info, TokenInterface>,
}

#[derive(Accounts)]
pub struct TransferOut<'info> {
    /// CHECK: the PDA that owns `from`; signs by seeds.
    #[account(seeds = [AUTHORITY_SEED], bump)]
    pub authority: UncheckedAccount<'info>,
    #[account(mut)]
    pub from: InterfaceAccount<'info, TokenAccount>,
    #[account(mut)]
    pub to: InterfaceAccount<'info, TokenAccount>,
    pub mint: InterfaceAccount<'info, Mint>,
    pub token_program: Interface<'info, TokenInterface>,
}

#[derive(Accounts)]
pub struct MintWithPda<'info> {
    /// CHECK: the PDA mint authority; signs by seeds.
    #[account(seeds = [AUTHORITY_SEED], bump)]
    pub authority: UncheckedAccount<'info>,
    #[account(mut)]
    pub mint: InterfaceAccount<'info, Mint>,
    #[account(mut)]
    pub to: InterfaceAccount<'info, TokenAccount>,
    pub token_program: Interface<'info, TokenInterface>,
}

#[derive(Accounts)]
pub struct Burn<'info> {
    pub user: Signer<'info>,
    #[account(mut)]
    pub mint: InterfaceAccount<'info, Mint>,
    #[account(mut)]
    pub from: InterfaceAccount<'info, TokenAccount>,
    pub token_program: Interface<'info, TokenInterface>,
}
