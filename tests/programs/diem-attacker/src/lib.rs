//! A hostile program for the adversarial tests. `forward` invokes the diem program with any
//! instruction data and the accounts it is given, optionally signing as this program's own PDA:
//! whatever a malicious integrator could make diem do by CPI, the tests can try.
use anchor_lang::prelude::*;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::solana_program::program::invoke_signed;
#[cfg(target_os = "solana")]
use solana_compiler_builtins as _;

declare_id!("EJbtqL3hYMatPPWrQG74eWW8o3jANq9XKCJRdUKTbFYS");

/// The attacker's PDA: it can sign by seeds, as any program's PDA can.
pub const AUTHORITY_SEED: &[u8] = b"attacker";

#[program]
pub mod diem_attacker {
    use super::*;

    /// Invokes `target` (the diem program) with `data` and the remaining accounts, each with
    /// the signer and writable flags in `flags` (bit 0 signer, bit 1 writable); the attacker's
    /// PDA signs where it is marked signer.
    pub fn forward<'info>(ctx: Context<'info, Forward<'info>>, data: Vec<u8>, flags: Vec<u8>) -> Result<()> {
        let accounts: Vec<AccountMeta> = ctx
            .remaining_accounts
            .iter()
            .zip(flags.iter().chain(std::iter::repeat(&0)))
            .map(|(info, f)| AccountMeta { pubkey: *info.key, is_signer: f & 1 != 0, is_writable: f & 2 != 0 })
            .collect();
        let ix = Instruction { program_id: ctx.accounts.target.key(), accounts, data };
        let mut infos = ctx.remaining_accounts.to_vec();
        infos.push(ctx.accounts.target.to_account_info());
        let bump = [ctx.bumps.authority];
        invoke_signed(&ix, &infos, &[&[AUTHORITY_SEED, &bump]])?;
        Ok(())
    }
}

#[derive(Accounts)]
pub struct Forward<'info> {
    /// CHECK: the attacker's PDA; it signs the CPI by seeds.
    #[account(seeds = [AUTHORITY_SEED], bump)]
    pub authority: UncheckedAccount<'info>,
    /// CHECK: the program to call (the tests pass diem).
    pub target: UncheckedAccount<'info>,
}
