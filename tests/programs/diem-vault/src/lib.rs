//! An example integrator: a vault that takes VVV from depositors, stakes it with the diem
//! program for itself, locks sVVV to mint DIEM into its own account, and can burn and unstake;
//! and a DIEM pool: each depositor's DIEM is staked by the vault with the depositor as the
//! beneficiary (so the credit is theirs), and a withdrawal opens an unstake ticket for that
//! depositor alone and hands it to them, to finalize when it is due — no batching queue.
//! It knows diem only through `declare_program!(diem)`, generated from the committed
//! `idls/diem.json`: no dependency on the program crate.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, TokenAccount, TokenInterface, TransferChecked};
#[cfg(target_os = "solana")]
use solana_compiler_builtins as _;

declare_id!("CfZDcsPsdsFT3LoTRqstHJuoq1FQ7R3PTaxU61pj6X4X");
declare_program!(diem);

use diem::program::Diem;

/// The vault's PDA: it owns the vault's token accounts, its diem position and its DIEM stakes,
/// and signs by seeds.
pub const AUTHORITY_SEED: &[u8] = b"vault";
/// diem's DIEM-stake seed (`[DIEM_STAKE_SEED, controller, beneficiary]`), as its IDL states it.
pub const DIEM_STAKE_SEED: &[u8] = b"diem-stake";

/// The u64 the last CPI returned. On chain this is the runtime's return data; a native build in
/// solana-program-test reads it through the bank's syscall stubs instead.
fn returned_u64() -> Result<u64> {
    #[cfg(target_os = "solana")]
    let data = anchor_lang::solana_program::program::get_return_data();
    #[cfg(not(target_os = "solana"))]
    let data = solana_sysvar::program_stubs::sol_get_return_data();
    let (program, bytes) = data.ok_or(VaultError::NoReturnData)?;
    require_keys_eq!(program, diem::ID, VaultError::NoReturnData);
    let bytes: [u8; 8] = bytes.get(..8).and_then(|b| b.try_into().ok()).ok_or(VaultError::NoReturnData)?;
    Ok(u64::from_le_bytes(bytes))
}

#[program]
pub mod diem_vault {
    use super::*;

    /// Takes `amount` VVV from the depositor and stakes it with diem for the vault.
    pub fn deposit(ctx: Context<Deposit>, amount: u64) -> Result<()> {
        let a = &ctx.accounts;
        token_interface::transfer_checked(
            CpiContext::new(
                a.vvv_token_program.key(),
                TransferChecked {
                    from: a.depositor_vvv.to_account_info(),
                    mint: a.vvv_mint.to_account_info(),
                    to: a.vault_vvv.to_account_info(),
                    authority: a.depositor.to_account_info(),
                },
            ),
            amount,
            a.vvv_mint.decimals,
        )?;
        let bump = [ctx.bumps.vault_authority];
        let seeds: &[&[u8]] = &[AUTHORITY_SEED, &bump];
        let signer = &[seeds];
        diem::cpi::stake(
            CpiContext::new_with_signer(
                a.diem_program.key(),
                diem::cpi::accounts::Stake {
                    payer: a.vault_authority.to_account_info(),
                    config: a.config.to_account_info(),
                    position: a.position.to_account_info(),
                    source: a.vault_vvv.to_account_info(),
                    vvv_vault: a.vvv_vault.to_account_info(),
                    vvv_mint: a.vvv_mint.to_account_info(),
                    vvv_token_program: a.vvv_token_program.to_account_info(),
                    system_program: a.system_program.to_account_info(),
                    event_authority: a.event_authority.to_account_info(),
                    program: a.diem_program.to_account_info(),
                },
                signer,
            ),
            amount,
            a.vault_authority.key(),
        )
    }

    /// Locks `svvv` of the vault's sVVV to mint DIEM into the vault's DIEM account; returns the
    /// DIEM minted, read back from diem's return data.
    pub fn mint(ctx: Context<MintDiem>, svvv: u64, min_out: u64) -> Result<u64> {
        let a = &ctx.accounts;
        let bump = [ctx.bumps.vault_authority];
        let seeds: &[&[u8]] = &[AUTHORITY_SEED, &bump];
        let signer = &[seeds];
        diem::cpi::mint_diem(
            CpiContext::new_with_signer(
                a.diem_program.key(),
                diem::cpi::accounts::MintDiem {
                    owner: a.vault_authority.to_account_info(),
                    config: a.config.to_account_info(),
                    position: a.position.to_account_info(),
                    curve: a.curve.to_account_info(),
                    destination: a.vault_diem.to_account_info(),
                    diem_mint: a.diem_mint.to_account_info(),
                    diem_token_program: a.diem_token_program.to_account_info(),
                    event_authority: a.event_authority.to_account_info(),
                    program: a.diem_program.to_account_info(),
                },
                signer,
            ),
            svvv,
            min_out,
        )?;
        let minted = returned_u64()?;
        msg!("vault minted {} DIEM base units", minted);
        Ok(minted)
    }

    /// Burns DIEM from `source` against the vault's position, the vault signing as owner.
    pub fn burn(ctx: Context<Burn>, amount: u64) -> Result<()> {
        let a = &ctx.accounts;
        let bump = [ctx.bumps.vault_authority];
        let seeds: &[&[u8]] = &[AUTHORITY_SEED, &bump];
        diem::cpi::burn_diem(
            CpiContext::new_with_signer(
                a.diem_program.key(),
                diem::cpi::accounts::BurnDiem {
                    owner: a.vault_authority.to_account_info(),
                    config: a.config.to_account_info(),
                    position: a.position.to_account_info(),
                    source: a.source.to_account_info(),
                    diem_mint: a.diem_mint.to_account_info(),
                    diem_token_program: a.diem_token_program.to_account_info(),
                    event_authority: a.event_authority.to_account_info(),
                    program: a.diem_program.to_account_info(),
                },
                &[seeds],
            ),
            amount,
        )
    }

    /// Starts the unstake cooldown of `position` for `owner`. The vault signs for its own PDA
    /// only: used with any other owner, diem must refuse it.
    pub fn unstake(ctx: Context<Unstake>, amount: u64) -> Result<()> {
        let a = &ctx.accounts;
        let bump = [ctx.bumps.vault_authority];
        let seeds: &[&[u8]] = &[AUTHORITY_SEED, &bump];
        diem::cpi::initiate_unstake(
            CpiContext::new_with_signer(
                a.diem_program.key(),
                diem::cpi::accounts::InitiateUnstake {
                    owner: a.owner.to_account_info(),
                    rent_payer: a.rent_payer.to_account_info(),
                    config: a.config.to_account_info(),
                    position: a.position.to_account_info(),
                    ticket: a.ticket.to_account_info(),
                    system_program: a.system_program.to_account_info(),
                    event_authority: a.event_authority.to_account_info(),
                    program: a.diem_program.to_account_info(),
                },
                &[seeds],
            ),
            amount,
        )
    }

    /// Pays the vault's due sVVV ticket into its VVV account.
    pub fn finalize(ctx: Context<Finalize>) -> Result<()> {
        let a = &ctx.accounts;
        let bump = [ctx.bumps.vault_authority];
        let seeds: &[&[u8]] = &[AUTHORITY_SEED, &bump];
        diem::cpi::finalize_unstake(CpiContext::new_with_signer(
            a.diem_program.key(),
            diem::cpi::accounts::FinalizeUnstake {
                owner: a.vault_authority.to_account_info(),
                config: a.config.to_account_info(),
                ticket: a.ticket.to_account_info(),
                rent_payer: a.rent_payer.to_account_info(),
                destination: a.vault_vvv.to_account_info(),
                vvv_vault: a.vvv_vault.to_account_info(),
                vvv_mint: a.vvv_mint.to_account_info(),
                vvv_token_program: a.vvv_token_program.to_account_info(),
                event_authority: a.event_authority.to_account_info(),
                program: a.diem_program.to_account_info(),
            },
            &[seeds],
        ))
    }

    /// Pools `amount` of the depositor's DIEM: it moves into the vault's DIEM account and the
    /// vault stakes it with diem, naming the depositor as the beneficiary, so the depositor's
    /// API account is credited for it from the next 00:00 UTC.
    pub fn deposit_diem(ctx: Context<DepositDiem>, amount: u64) -> Result<()> {
        let a = &ctx.accounts;
        token_interface::transfer_checked(
            CpiContext::new(
                a.diem_token_program.key(),
                TransferChecked {
                    from: a.depositor_diem.to_account_info(),
                    mint: a.diem_mint.to_account_info(),
                    to: a.vault_diem.to_account_info(),
                    authority: a.depositor.to_account_info(),
                },
            ),
            amount,
            a.diem_mint.decimals,
        )?;
        let bump = [ctx.bumps.vault_authority];
        let seeds: &[&[u8]] = &[AUTHORITY_SEED, &bump];
        diem::cpi::stake_diem(
            CpiContext::new_with_signer(
                a.diem_program.key(),
                diem::cpi::accounts::StakeDiem {
                    owner: a.vault_authority.to_account_info(),
                    config: a.config.to_account_info(),
                    diem_stake: a.diem_stake.to_account_info(),
                    source: a.vault_diem.to_account_info(),
                    diem_vault: a.diem_vault.to_account_info(),
                    diem_mint: a.diem_mint.to_account_info(),
                    diem_token_program: a.diem_token_program.to_account_info(),
                    system_program: a.system_program.to_account_info(),
                    event_authority: a.event_authority.to_account_info(),
                    program: a.diem_program.to_account_info(),
                },
                &[seeds],
            ),
            amount,
            a.depositor.key(),
        )
    }

    /// Takes `amount` of the depositor's pooled DIEM out: the vault opens a DIEM unstake ticket
    /// from the depositor's stake (the depositor pays its rent and gets it back) and hands it
    /// to the depositor, who finalizes it with diem when it is due. Nobody else's part and no
    /// other ticket is touched.
    pub fn withdraw_diem(ctx: Context<WithdrawDiem>, amount: u64) -> Result<()> {
        let a = &ctx.accounts;
        let bump = [ctx.bumps.vault_authority];
        let seeds: &[&[u8]] = &[AUTHORITY_SEED, &bump];
        diem::cpi::initiate_diem_unstake(
            CpiContext::new_with_signer(
                a.diem_program.key(),
                diem::cpi::accounts::InitiateDiemUnstake {
                    owner: a.vault_authority.to_account_info(),
                    rent_payer: a.depositor.to_account_info(),
                    config: a.config.to_account_info(),
                    diem_stake: a.diem_stake.to_account_info(),
                    ticket: a.ticket.to_account_info(),
                    system_program: a.system_program.to_account_info(),
                    event_authority: a.event_authority.to_account_info(),
                    program: a.diem_program.to_account_info(),
                },
                &[seeds],
            ),
            amount,
        )?;
        diem::cpi::transfer_ticket(
            CpiContext::new_with_signer(
                a.diem_program.key(),
                diem::cpi::accounts::TransferTicket {
                    owner: a.vault_authority.to_account_info(),
                    config: a.config.to_account_info(),
                    ticket: a.ticket.to_account_info(),
                    event_authority: a.event_authority.to_account_info(),
                    program: a.diem_program.to_account_info(),
                },
                &[seeds],
            ),
            a.depositor.key(),
        )
    }
}

#[error_code]
pub enum VaultError {
    #[msg("The diem program returned no amount")]
    NoReturnData,
}

#[derive(Accounts)]
pub struct Deposit<'info> {
    pub depositor: Signer<'info>,
    #[account(mut)]
    pub depositor_vvv: InterfaceAccount<'info, TokenAccount>,
    #[account(mut, seeds = [AUTHORITY_SEED], bump)]
    pub vault_authority: SystemAccount<'info>,
    #[account(mut, token::authority = vault_authority)]
    pub vault_vvv: InterfaceAccount<'info, TokenAccount>,
    pub vvv_mint: InterfaceAccount<'info, Mint>,
    /// CHECK: diem's config; diem checks it.
    #[account(mut)]
    pub config: UncheckedAccount<'info>,
    /// CHECK: the vault's diem position; diem derives and checks it.
    #[account(mut)]
    pub position: UncheckedAccount<'info>,
    /// CHECK: diem's VVV vault; diem checks it.
    #[account(mut)]
    pub vvv_vault: UncheckedAccount<'info>,
    pub vvv_token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
    /// CHECK: diem's event authority; diem checks it.
    pub event_authority: UncheckedAccount<'info>,
    pub diem_program: Program<'info, Diem>,
}

#[derive(Accounts)]
pub struct MintDiem<'info> {
    #[account(seeds = [AUTHORITY_SEED], bump)]
    pub vault_authority: SystemAccount<'info>,
    /// CHECK: diem checks it.
    #[account(mut)]
    pub config: UncheckedAccount<'info>,
    /// CHECK: diem checks it.
    #[account(mut)]
    pub position: UncheckedAccount<'info>,
    /// CHECK: diem checks it.
    pub curve: UncheckedAccount<'info>,
    #[account(mut, token::authority = vault_authority)]
    pub vault_diem: InterfaceAccount<'info, TokenAccount>,
    /// CHECK: diem checks it.
    #[account(mut)]
    pub diem_mint: UncheckedAccount<'info>,
    pub diem_token_program: Interface<'info, TokenInterface>,
    /// CHECK: diem checks it.
    pub event_authority: UncheckedAccount<'info>,
    pub diem_program: Program<'info, Diem>,
}

#[derive(Accounts)]
pub struct Burn<'info> {
    #[account(seeds = [AUTHORITY_SEED], bump)]
    pub vault_authority: SystemAccount<'info>,
    /// CHECK: diem checks it.
    #[account(mut)]
    pub config: UncheckedAccount<'info>,
    /// CHECK: diem checks it.
    #[account(mut)]
    pub position: UncheckedAccount<'info>,
    /// CHECK: the DIEM to burn; diem requires the vault to own it.
    #[account(mut)]
    pub source: UncheckedAccount<'info>,
    /// CHECK: diem checks it.
    #[account(mut)]
    pub diem_mint: UncheckedAccount<'info>,
    pub diem_token_program: Interface<'info, TokenInterface>,
    /// CHECK: diem checks it.
    pub event_authority: UncheckedAccount<'info>,
    pub diem_program: Program<'info, Diem>,
}

#[derive(Accounts)]
pub struct Unstake<'info> {
    #[account(mut, seeds = [AUTHORITY_SEED], bump)]
    pub vault_authority: SystemAccount<'info>,
    /// CHECK: the position's owner as the vault claims it; diem requires its signature.
    pub owner: UncheckedAccount<'info>,
    /// CHECK: pays the ticket's rent (the vault itself); diem requires its signature.
    #[account(mut)]
    pub rent_payer: UncheckedAccount<'info>,
    /// CHECK: diem checks it.
    #[account(mut)]
    pub config: UncheckedAccount<'info>,
    /// CHECK: diem checks it.
    #[account(mut)]
    pub position: UncheckedAccount<'info>,
    /// CHECK: the ticket diem opens; diem checks its address.
    #[account(mut)]
    pub ticket: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
    /// CHECK: diem checks it.
    pub event_authority: UncheckedAccount<'info>,
    pub diem_program: Program<'info, Diem>,
}

#[derive(Accounts)]
pub struct Finalize<'info> {
    #[account(seeds = [AUTHORITY_SEED], bump)]
    pub vault_authority: SystemAccount<'info>,
    /// CHECK: diem checks it.
    #[account(mut)]
    pub config: UncheckedAccount<'info>,
    /// CHECK: the vault's ticket; diem checks it.
    #[account(mut)]
    pub ticket: UncheckedAccount<'info>,
    /// CHECK: the ticket's rent payer; diem checks it.
    #[account(mut)]
    pub rent_payer: UncheckedAccount<'info>,
    #[account(mut, token::authority = vault_authority)]
    pub vault_vvv: InterfaceAccount<'info, TokenAccount>,
    /// CHECK: diem checks it.
    #[account(mut)]
    pub vvv_vault: UncheckedAccount<'info>,
    /// CHECK: diem checks it.
    pub vvv_mint: UncheckedAccount<'info>,
    pub vvv_token_program: Interface<'info, TokenInterface>,
    /// CHECK: diem checks it.
    pub event_authority: UncheckedAccount<'info>,
    pub diem_program: Program<'info, Diem>,
}

#[derive(Accounts)]
pub struct DepositDiem<'info> {
    pub depositor: Signer<'info>,
    #[account(mut)]
    pub depositor_diem: InterfaceAccount<'info, TokenAccount>,
    /// Pays for the depositor's stake account the first time (fund it with SOL).
    #[account(mut, seeds = [AUTHORITY_SEED], bump)]
    pub vault_authority: SystemAccount<'info>,
    #[account(mut, token::authority = vault_authority)]
    pub vault_diem: InterfaceAccount<'info, TokenAccount>,
    pub diem_mint: InterfaceAccount<'info, Mint>,
    /// CHECK: diem checks it.
    #[account(mut)]
    pub config: UncheckedAccount<'info>,
    /// CHECK: the vault's stake for this depositor; diem checks its seeds (controller, beneficiary).
    #[account(mut)]
    pub diem_stake: UncheckedAccount<'info>,
    /// CHECK: diem's DIEM vault; diem checks it.
    #[account(mut)]
    pub diem_vault: UncheckedAccount<'info>,
    pub diem_token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
    /// CHECK: diem checks it.
    pub event_authority: UncheckedAccount<'info>,
    pub diem_program: Program<'info, Diem>,
}

#[derive(Accounts)]
pub struct WithdrawDiem<'info> {
    /// Only the depositor can take their part out, and pays the ticket's rent.
    #[account(mut)]
    pub depositor: Signer<'info>,
    #[account(seeds = [AUTHORITY_SEED], bump)]
    pub vault_authority: SystemAccount<'info>,
    /// CHECK: diem checks it.
    #[account(mut)]
    pub config: UncheckedAccount<'info>,
    /// CHECK: the vault's stake for this depositor and no one else's: its address is derived
    /// here from the depositor's key (diem checks the vault controls it).
    #[account(mut, seeds = [DIEM_STAKE_SEED, vault_authority.key().as_ref(), depositor.key().as_ref()],
        bump, seeds::program = diem_program.key())]
    pub diem_stake: UncheckedAccount<'info>,
    /// CHECK: the ticket diem opens; diem checks its address.
    #[account(mut)]
    pub ticket: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
    /// CHECK: diem checks it.
    pub event_authority: UncheckedAccount<'info>,
    pub diem_program: Program<'info, Diem>,
}
