//! DIEM on Solana: stake VVV for sVVV, lock sVVV to mint DIEM on a supply curve, burn DIEM to
//! unlock it. See `docs/SPEC.md` for the mechanism; each instruction lives in its own file
//! under `instructions/`, the maths in `math/`, the accounts in `state/`.
use anchor_lang::prelude::*;
#[cfg(target_os = "solana")]
use solana_compiler_builtins as _;

pub mod constants;
pub mod cu_trace;
#[cfg(all(feature = "lean-entrypoint", target_os = "solana"))]
mod entrypoint;
pub mod errors;
pub mod events;
pub mod instructions;
pub mod math;
pub mod mint_checks;
pub mod owner_account;
pub mod return_data;
pub mod ticket_account;
pub mod state;
pub mod token_ops;

use instructions::*;
use state::{Change, CurvePoint, Params};

declare_id!("GJ6oqC3x3kimEPvN9twaon5yhD6ihiNkWAWULgQGhqHr");

// Where to report a vulnerability, readable from the deployed binary (`query-security-txt`,
// explorers). SECURITY.md is the policy; a test reads these fields back from the built .so.
#[cfg(any(not(feature = "no-entrypoint"), feature = "lean-entrypoint"))]
solana_security_txt::security_txt! {
    name: "DIEM",
    // From the build's configuration (programs/diem/security_config.rs): placeholders for a
    // local build, refused for a real cluster's.
    project_url: env!("DIEM_SECURITY_PROJECT_URL"),
    contacts: env!("DIEM_SECURITY_CONTACTS"),
    policy: env!("DIEM_SECURITY_POLICY"),
    preferred_languages: "en",
    auditors: "none yet; the internal review and its findings are in SECURITY.md"
}

#[program]
pub mod diem {
    use super::*;

    #[access_control(ctx.accounts.validate(&args))]
    pub fn initialize(ctx: Context<Initialize>, args: InitializeArgs) -> Result<()> {
        instructions::initialize::initialize_handler(ctx, args)
    }

    #[access_control(cu_trace::mark_before_checks(), ctx.accounts.validate(amount, &recipient))]
    pub fn stake(ctx: Context<Stake>, amount: u64, recipient: Pubkey) -> Result<()> {
        cu_trace::mark();
        instructions::stake::stake_handler(ctx, amount, recipient)
    }

    pub fn initiate_unstake(ctx: Context<InitiateUnstake>, amount: u64) -> Result<()> {
        cu_trace::mark();
        instructions::initiate_unstake::initiate_unstake_handler(ctx, amount)
    }

    #[access_control(cu_trace::mark_before_checks(), ctx.accounts.validate())]
    pub fn cancel_unstake(ctx: Context<CancelUnstake>) -> Result<()> {
        cu_trace::mark();
        instructions::cancel_unstake::cancel_unstake_handler(ctx)
    }

    #[access_control(cu_trace::mark_before_checks(), ctx.accounts.validate())]
    pub fn finalize_unstake(ctx: Context<FinalizeUnstake>) -> Result<()> {
        cu_trace::mark();
        instructions::finalize_unstake::finalize_unstake_handler(ctx)
    }

    /// Hands an unstake ticket of either kind to `new_owner`.
    pub fn transfer_ticket(ctx: Context<TransferTicket>, new_owner: Pubkey) -> Result<()> {
        cu_trace::mark();
        instructions::transfer_ticket::transfer_ticket_handler(ctx, new_owner)
    }

    #[access_control(cu_trace::mark_before_checks(), ctx.accounts.validate(amount))]
    pub fn fund_rewards(ctx: Context<FundRewards>, amount: u64) -> Result<()> {
        cu_trace::mark();
        instructions::fund_rewards::fund_rewards_handler(ctx, amount)
    }

    #[access_control(cu_trace::mark_before_checks(), ctx.accounts.validate_destination())]
    pub fn claim_rewards(ctx: Context<OwnerPayout>) -> Result<()> {
        cu_trace::mark();
        instructions::claim_rewards::claim_rewards_handler(ctx)
    }

    pub fn claim_and_stake(ctx: Context<OwnerPosition>) -> Result<()> {
        cu_trace::mark();
        instructions::claim_rewards::claim_and_stake_handler(ctx)
    }

    pub fn pay_treasury(ctx: Context<PayTreasury>) -> Result<()> {
        cu_trace::mark();
        instructions::pay_treasury::pay_treasury_handler(ctx)
    }

    #[access_control(cu_trace::mark_before_checks(), ctx.accounts.validate(svvv_amount))]
    pub fn mint_diem(ctx: Context<MintDiem>, svvv_amount: u64, min_diem_out: u64) -> Result<u64> {
        cu_trace::mark();
        instructions::mint_diem::mint_diem_handler(ctx, svvv_amount, min_diem_out)
    }

    pub fn quote_mint(ctx: Context<QuoteMint>, svvv_amount: u64) -> Result<u64> {
        cu_trace::mark();
        instructions::quote_mint::quote_mint_handler(ctx, svvv_amount)
    }

    #[access_control(cu_trace::mark_before_checks(), ctx.accounts.validate(amount))]
    pub fn burn_diem(ctx: Context<BurnDiem>, amount: u64) -> Result<()> {
        cu_trace::mark();
        instructions::burn_diem::burn_diem_handler(ctx, amount)
    }

    #[access_control(cu_trace::mark_before_checks(), ctx.accounts.validate(amount, &beneficiary))]
    pub fn stake_diem(ctx: Context<StakeDiem>, amount: u64, beneficiary: Pubkey) -> Result<()> {
        cu_trace::mark();
        instructions::stake_diem::stake_diem_handler(ctx, amount, beneficiary)
    }

    pub fn initiate_diem_unstake(ctx: Context<InitiateDiemUnstake>, amount: u64) -> Result<()> {
        cu_trace::mark();
        instructions::initiate_diem_unstake::initiate_diem_unstake_handler(ctx, amount)
    }

    #[access_control(cu_trace::mark_before_checks(), ctx.accounts.validate(&beneficiary))]
    pub fn cancel_diem_unstake(ctx: Context<CancelDiemUnstake>, beneficiary: Pubkey) -> Result<()> {
        cu_trace::mark();
        instructions::cancel_diem_unstake::cancel_diem_unstake_handler(ctx, beneficiary)
    }

    #[access_control(cu_trace::mark_before_checks(), ctx.accounts.validate())]
    pub fn finalize_diem_unstake(ctx: Context<FinalizeDiemUnstake>) -> Result<()> {
        cu_trace::mark();
        instructions::finalize_diem_unstake::finalize_diem_unstake_handler(ctx)
    }

    #[access_control(cu_trace::mark_before_checks(), ctx.accounts.validate(&new_beneficiary))]
    pub fn set_diem_beneficiary(ctx: Context<SetDiemBeneficiary>, new_beneficiary: Pubkey) -> Result<()> {
        cu_trace::mark();
        instructions::set_diem_beneficiary::set_diem_beneficiary_handler(ctx, new_beneficiary)
    }

    pub fn set_params(ctx: Context<SetParams>, params: Params) -> Result<()> {
        instructions::admin::set_params_handler(ctx, params)
    }

    pub fn set_treasury(ctx: Context<SetTreasury>) -> Result<()> {
        instructions::admin::set_treasury_handler(ctx)
    }

    pub fn set_pause(ctx: Context<AdminConfig>, paused: u16) -> Result<()> {
        instructions::admin::set_pause_handler(ctx, paused)
    }

    #[access_control(ctx.accounts.validate())]
    pub fn stage_curve(ctx: Context<StageCurve>, start_index: u16, entries: Vec<CurvePoint>) -> Result<()> {
        instructions::admin::stage_curve_handler(ctx, start_index, entries)
    }

    pub fn commit_curve(ctx: Context<CommitCurve>, expected_hash: [u8; 32]) -> Result<()> {
        instructions::admin::commit_curve_handler(ctx, expected_hash)
    }

    #[access_control(ctx.accounts.validate())]
    pub fn clear_curve_staging(ctx: Context<StageCurve>) -> Result<()> {
        instructions::admin::clear_curve_staging_handler(ctx)
    }

    pub fn propose_change(ctx: Context<ChangeAccounts>, change: Change) -> Result<()> {
        instructions::admin::propose_change_handler(ctx, change)
    }

    pub fn apply_change(ctx: Context<ChangeAccounts>, kind: u8) -> Result<()> {
        instructions::admin::apply_change_handler(ctx, kind)
    }

    pub fn cancel_change(ctx: Context<ChangeAccounts>, kind: u8) -> Result<()> {
        instructions::admin::cancel_change_handler(ctx, kind)
    }

    #[access_control(ctx.accounts.validate(&uri))]
    pub fn set_metadata_uri(ctx: Context<SetMetadataUri>, uri: String) -> Result<()> {
        instructions::admin::set_metadata_uri_handler(ctx, uri)
    }

    pub fn propose_authority(ctx: Context<AdminConfig>, proposed: Pubkey) -> Result<()> {
        instructions::admin::propose_authority_handler(ctx, proposed)
    }

    pub fn accept_authority(ctx: Context<AcceptAuthority>) -> Result<()> {
        instructions::admin::accept_authority_handler(ctx)
    }
}
