//! One builder per instruction, returning a plain `Instruction`. Account lists come from the
//! program's generated `diem::accounts::*` structs and data from `diem::instruction::*`, so a
//! change to the program's interface breaks these at compile time rather than at run time.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::solana_program::system_program;
use anchor_lang::{InstructionData, ToAccountMetas};
use diem::accounts as acc;
use diem::instruction as data;
use diem::instructions::InitializeArgs;
use diem::state::{Change, CurveEntry, Params};

use crate::pda;

/// What user instructions need to know about a deployment (read once from its config).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deployment {
    pub vvv_mint: Pubkey,
    pub vvv_token_program: Pubkey,
}

impl Deployment {
    pub fn from_config(config: &diem::state::Config) -> Self {
        Self { vvv_mint: config.vvv_mint, vvv_token_program: config.vvv_token_program }
    }
}

macro_rules! instruction_names {
    ($($ty:ident => $name:literal),* $(,)?) => {
        /// The instruction's name (snake case, as in the IDL) from its data's discriminator.
        pub fn instruction_name(data: &[u8]) -> Option<&'static str> {
            use anchor_lang::Discriminator;
            $(if data.starts_with(data::$ty::DISCRIMINATOR) { return Some($name); })*
            None
        }
    };
}

instruction_names!(
    Initialize => "initialize",
    TransferTicket => "transfer_ticket",
    SetDiemBeneficiary => "set_diem_beneficiary",
    Stake => "stake",
    InitiateUnstake => "initiate_unstake",
    CancelUnstake => "cancel_unstake",
    FinalizeUnstake => "finalize_unstake",
    FundRewards => "fund_rewards",
    ClaimRewards => "claim_rewards",
    ClaimAndStake => "claim_and_stake",
    PayTreasury => "pay_treasury",
    MintDiem => "mint_diem",
    QuoteMint => "quote_mint",
    BurnDiem => "burn_diem",
    StakeDiem => "stake_diem",
    InitiateDiemUnstake => "initiate_diem_unstake",
    CancelDiemUnstake => "cancel_diem_unstake",
    FinalizeDiemUnstake => "finalize_diem_unstake",
    SetParams => "set_params",
    SetTreasury => "set_treasury",
    SetPause => "set_pause",
    StageCurve => "stage_curve",
    CommitCurve => "commit_curve",
    ClearCurveStaging => "clear_curve_staging",
    ProposeChange => "propose_change",
    ApplyChange => "apply_change",
    CancelChange => "cancel_change",
    ProposeAuthority => "propose_authority",
    AcceptAuthority => "accept_authority",
);

fn build(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction { program_id: diem::ID, accounts: accounts.to_account_metas(None), data: data.data() }
}

fn diem_token_program() -> Pubkey {
    anchor_spl::token_2022::ID
}

pub fn initialize(deployer: Pubkey, d: &Deployment, treasury: Pubkey, args: InitializeArgs) -> Instruction {
    build(
        acc::Initialize {
            deployer,
            config: pda::config(),
            governance: pda::governance(),
            curve: pda::curve(),
            curve_staging: pda::curve_staging(),
            vvv_mint: d.vvv_mint,
            vvv_vault: pda::vvv_vault(),
            diem_mint: pda::diem_mint(),
            diem_vault: pda::diem_vault(),
            treasury,
            program_data: pda::program_data(),
            vvv_token_program: d.vvv_token_program,
            diem_token_program: diem_token_program(),
            system_program: system_program::ID,
            event_authority: pda::event_authority(),
            program: diem::ID,
        },
        data::Initialize { args },
    )
}

/// Stakes `amount` VVV from `source` (owned by `payer`) for `recipient`.
pub fn stake(d: &Deployment, payer: Pubkey, source: Pubkey, amount: u64, recipient: Pubkey) -> Instruction {
    build(
        acc::Stake {
            payer,
            config: pda::config(),
            position: pda::position(&recipient),
            source,
            vvv_vault: pda::vvv_vault(),
            vvv_mint: d.vvv_mint,
            vvv_token_program: d.vvv_token_program,
            system_program: system_program::ID,
            event_authority: pda::event_authority(),
            program: diem::ID,
        },
        data::Stake { amount, recipient },
    )
}

fn owner_position(owner: Pubkey) -> acc::OwnerPosition {
    acc::OwnerPosition {
        owner,
        config: pda::config(),
        position: pda::position(&owner),
        event_authority: pda::event_authority(),
        program: diem::ID,
    }
}

/// An open ticket as the instructions that act on it need it: where it is, who owns it now,
/// who gets its rent back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TicketRef {
    pub address: Pubkey,
    pub owner: Pubkey,
    pub rent_payer: Pubkey,
}

impl TicketRef {
    pub fn new(address: Pubkey, ticket: &diem::state::UnstakeTicket) -> Self {
        Self { address, owner: ticket.owner, rent_payer: ticket.rent_payer }
    }
}

/// Opens `owner`'s next sVVV ticket for `amount`; `tickets_opened` is the position's count (the
/// new ticket's number), `rent_payer` pays its rent and gets it back.
pub fn initiate_unstake(owner: Pubkey, rent_payer: Pubkey, tickets_opened: u64, amount: u64) -> Instruction {
    let position = pda::position(&owner);
    build(
        acc::InitiateUnstake {
            owner,
            rent_payer,
            config: pda::config(),
            position,
            ticket: pda::ticket(&position, tickets_opened),
            system_program: system_program::ID,
            event_authority: pda::event_authority(),
            program: diem::ID,
        },
        data::InitiateUnstake { amount },
    )
}

/// Returns an sVVV ticket's amount to its owner's position (opened if they have none).
pub fn cancel_unstake(ticket: &TicketRef) -> Instruction {
    build(
        acc::CancelUnstake {
            owner: ticket.owner,
            config: pda::config(),
            ticket: ticket.address,
            rent_payer: ticket.rent_payer,
            position: pda::position(&ticket.owner),
            system_program: system_program::ID,
            event_authority: pda::event_authority(),
            program: diem::ID,
        },
        data::CancelUnstake {},
    )
}

/// Hands a ticket of either kind to `new_owner`.
pub fn transfer_ticket(ticket: &TicketRef, new_owner: Pubkey) -> Instruction {
    build(
        acc::TransferTicket {
            owner: ticket.owner,
            config: pda::config(),
            ticket: ticket.address,
            event_authority: pda::event_authority(),
            program: diem::ID,
        },
        data::TransferTicket { new_owner },
    )
}

pub fn claim_and_stake(owner: Pubkey) -> Instruction {
    build(owner_position(owner), data::ClaimAndStake {})
}

fn owner_payout(d: &Deployment, owner: Pubkey, destination: Pubkey) -> acc::OwnerPayout {
    acc::OwnerPayout {
        owner,
        config: pda::config(),
        position: pda::position(&owner),
        destination,
        vvv_vault: pda::vvv_vault(),
        vvv_mint: d.vvv_mint,
        vvv_token_program: d.vvv_token_program,
        event_authority: pda::event_authority(),
        program: diem::ID,
    }
}

/// Pays a due sVVV ticket to `destination` (any VVV account) and closes it.
pub fn finalize_unstake(d: &Deployment, ticket: &TicketRef, destination: Pubkey) -> Instruction {
    build(
        acc::FinalizeUnstake {
            owner: ticket.owner,
            config: pda::config(),
            ticket: ticket.address,
            rent_payer: ticket.rent_payer,
            destination,
            vvv_vault: pda::vvv_vault(),
            vvv_mint: d.vvv_mint,
            vvv_token_program: d.vvv_token_program,
            event_authority: pda::event_authority(),
            program: diem::ID,
        },
        data::FinalizeUnstake {},
    )
}

pub fn claim_rewards(d: &Deployment, owner: Pubkey, destination: Pubkey) -> Instruction {
    build(owner_payout(d, owner, destination), data::ClaimRewards {})
}

pub fn fund_rewards(d: &Deployment, funder: Pubkey, source: Pubkey, amount: u64) -> Instruction {
    build(
        acc::FundRewards {
            funder,
            config: pda::config(),
            source,
            vvv_vault: pda::vvv_vault(),
            vvv_mint: d.vvv_mint,
            vvv_token_program: d.vvv_token_program,
            event_authority: pda::event_authority(),
            program: diem::ID,
        },
        data::FundRewards { amount },
    )
}

pub fn pay_treasury(d: &Deployment, treasury: Pubkey) -> Instruction {
    build(
        acc::PayTreasury {
            config: pda::config(),
            treasury,
            vvv_vault: pda::vvv_vault(),
            vvv_mint: d.vvv_mint,
            vvv_token_program: d.vvv_token_program,
            event_authority: pda::event_authority(),
            program: diem::ID,
        },
        data::PayTreasury {},
    )
}

/// Locks `svvv_amount` and mints DIEM to `destination` (a DIEM account); fails below `min_diem_out`.
pub fn mint_diem(owner: Pubkey, destination: Pubkey, svvv_amount: u64, min_diem_out: u64) -> Instruction {
    build(
        acc::MintDiem {
            owner,
            config: pda::config(),
            position: pda::position(&owner),
            curve: pda::curve(),
            destination,
            diem_mint: pda::diem_mint(),
            diem_token_program: diem_token_program(),
            event_authority: pda::event_authority(),
            program: diem::ID,
        },
        data::MintDiem { svvv_amount, min_diem_out },
    )
}

pub fn quote_mint(svvv_amount: u64) -> Instruction {
    build(acc::QuoteMint { config: pda::config(), curve: pda::curve() }, data::QuoteMint { svvv_amount })
}

/// Burns `amount` DIEM from `source` (owned by `owner`) against `owner`'s position.
pub fn burn_diem(owner: Pubkey, source: Pubkey, amount: u64) -> Instruction {
    build(
        acc::BurnDiem {
            owner,
            config: pda::config(),
            position: pda::position(&owner),
            source,
            diem_mint: pda::diem_mint(),
            diem_token_program: diem_token_program(),
            event_authority: pda::event_authority(),
            program: diem::ID,
        },
        data::BurnDiem { amount },
    )
}

/// Stakes `amount` DIEM from `source` (owned by `owner`, who controls the stake) for
/// `beneficiary`'s daily credit (the owner themself, or anyone they name).
pub fn stake_diem(owner: Pubkey, beneficiary: Pubkey, source: Pubkey, amount: u64) -> Instruction {
    build(
        acc::StakeDiem {
            owner,
            config: pda::config(),
            diem_stake: pda::diem_stake(&owner, &beneficiary),
            source,
            diem_vault: pda::diem_vault(),
            diem_mint: pda::diem_mint(),
            diem_token_program: diem_token_program(),
            system_program: system_program::ID,
            event_authority: pda::event_authority(),
            program: diem::ID,
        },
        data::StakeDiem { amount, beneficiary },
    )
}

/// Opens a DIEM ticket for `amount` from `owner`'s stake for `beneficiary`; `tickets_opened`
/// is that stake's count (the new ticket's number).
pub fn initiate_diem_unstake(
    owner: Pubkey,
    beneficiary: Pubkey,
    rent_payer: Pubkey,
    tickets_opened: u64,
    amount: u64,
) -> Instruction {
    let diem_stake = pda::diem_stake(&owner, &beneficiary);
    build(
        acc::InitiateDiemUnstake {
            owner,
            rent_payer,
            config: pda::config(),
            diem_stake,
            ticket: pda::ticket(&diem_stake, tickets_opened),
            system_program: system_program::ID,
            event_authority: pda::event_authority(),
            program: diem::ID,
        },
        data::InitiateDiemUnstake { amount },
    )
}

/// Returns a DIEM ticket to its owner's stake for `beneficiary` (opened if needed).
pub fn cancel_diem_unstake(ticket: &TicketRef, beneficiary: Pubkey) -> Instruction {
    build(
        acc::CancelDiemUnstake {
            owner: ticket.owner,
            config: pda::config(),
            ticket: ticket.address,
            rent_payer: ticket.rent_payer,
            diem_stake: pda::diem_stake(&ticket.owner, &beneficiary),
            system_program: system_program::ID,
            event_authority: pda::event_authority(),
            program: diem::ID,
        },
        data::CancelDiemUnstake { beneficiary },
    )
}

/// Pays a due DIEM ticket to `destination` (any DIEM account) and closes it.
pub fn finalize_diem_unstake(ticket: &TicketRef, destination: Pubkey) -> Instruction {
    build(
        acc::FinalizeDiemUnstake {
            owner: ticket.owner,
            config: pda::config(),
            ticket: ticket.address,
            rent_payer: ticket.rent_payer,
            destination,
            diem_vault: pda::diem_vault(),
            diem_mint: pda::diem_mint(),
            diem_token_program: diem_token_program(),
            event_authority: pda::event_authority(),
            program: diem::ID,
        },
        data::FinalizeDiemUnstake {},
    )
}

/// Moves `owner`'s whole stake for `from` to their stake for `to`.
pub fn set_diem_beneficiary(owner: Pubkey, from: Pubkey, to: Pubkey) -> Instruction {
    build(
        acc::SetDiemBeneficiary {
            owner,
            config: pda::config(),
            diem_stake: pda::diem_stake(&owner, &from),
            new_stake: pda::diem_stake(&owner, &to),
            system_program: system_program::ID,
            event_authority: pda::event_authority(),
            program: diem::ID,
        },
        data::SetDiemBeneficiary { new_beneficiary: to },
    )
}

fn admin(authority: Pubkey) -> acc::AdminConfig {
    acc::AdminConfig { authority, config: pda::config(), event_authority: pda::event_authority(), program: diem::ID }
}

pub fn set_params(authority: Pubkey, params: Params) -> Instruction {
    build(
        acc::SetParams {
            authority,
            config: pda::config(),
            governance: pda::governance(),
            event_authority: pda::event_authority(),
            program: diem::ID,
        },
        data::SetParams { params },
    )
}

pub fn set_pause(authority: Pubkey, paused: u16) -> Instruction {
    build(admin(authority), data::SetPause { paused })
}

pub fn propose_authority(authority: Pubkey, proposed: Pubkey) -> Instruction {
    build(admin(authority), data::ProposeAuthority { proposed })
}

pub fn accept_authority(new_authority: Pubkey) -> Instruction {
    build(
        acc::AcceptAuthority {
            new_authority,
            config: pda::config(),
            event_authority: pda::event_authority(),
            program: diem::ID,
        },
        data::AcceptAuthority {},
    )
}

pub fn set_treasury(authority: Pubkey, new_treasury: Pubkey) -> Instruction {
    build(
        acc::SetTreasury {
            authority,
            config: pda::config(),
            new_treasury,
            event_authority: pda::event_authority(),
            program: diem::ID,
        },
        data::SetTreasury {},
    )
}

/// Points DIEM's token metadata at `uri`; the authority pays the rent of a longer one.
pub fn set_metadata_uri(authority: Pubkey, uri: String) -> Instruction {
    build(
        acc::SetMetadataUri {
            authority,
            config: pda::config(),
            diem_mint: pda::diem_mint(),
            diem_token_program: anchor_spl::token_2022::ID,
            system_program: anchor_lang::system_program::ID,
            event_authority: pda::event_authority(),
            program: diem::ID,
        },
        data::SetMetadataUri { uri },
    )
}

pub fn stage_curve(authority: Pubkey, start_index: u16, entries: &[CurveEntry]) -> Instruction {
    let entries = entries.iter().map(|e| (*e).into()).collect();
    build(stage_curve_accounts(authority), data::StageCurve { start_index, entries })
}

/// Commits the staged curve, which must be the table hashing to `expected_hash`
/// (`diem::math::curve::curve_hash`).
pub fn commit_curve(authority: Pubkey, expected_hash: [u8; 32]) -> Instruction {
    build(
        acc::CommitCurve {
            authority,
            config: pda::config(),
            curve: pda::curve(),
            curve_staging: pda::curve_staging(),
            event_authority: pda::event_authority(),
            program: diem::ID,
        },
        data::CommitCurve { expected_hash },
    )
}

/// Empties the staging table (an abandoned curve never leaks into the next).
pub fn clear_curve_staging(authority: Pubkey) -> Instruction {
    build(stage_curve_accounts(authority), data::ClearCurveStaging {})
}

/// `stage_curve`'s and `clear_curve_staging`'s accounts.
fn stage_curve_accounts(authority: Pubkey) -> acc::StageCurve {
    acc::StageCurve {
        authority,
        config: pda::config(),
        curve_staging: pda::curve_staging(),
        governance: pda::governance(),
        event_authority: pda::event_authority(),
        program: diem::ID,
    }
}

/// The staging instructions for a whole curve, `MAX_CURVE_CHUNK` entries each.
fn stage_whole_curve(authority: Pubkey, curve: &[CurveEntry]) -> impl Iterator<Item = Instruction> + '_ {
    curve
        .chunks(diem::constants::MAX_CURVE_CHUNK)
        .enumerate()
        .map(move |(i, chunk)| stage_curve(authority, (i * diem::constants::MAX_CURVE_CHUNK) as u16, chunk))
}

/// The staging instructions for a whole curve, then the commit under the curve's own hash.
/// (Clear the staging table first where something else may have been staged:
/// [`clear_and_replace_curve`].)
pub fn replace_curve(authority: Pubkey, curve: &[CurveEntry]) -> Vec<Instruction> {
    let mut ixs: Vec<Instruction> = stage_whole_curve(authority, curve).collect();
    ixs.push(commit_curve(authority, diem::math::curve::curve_hash(curve)));
    ixs
}

/// At the launch: the staging table cleared, `curve` staged and committed.
pub fn clear_and_replace_curve(authority: Pubkey, curve: &[CurveEntry]) -> Vec<Instruction> {
    let mut ixs = vec![clear_curve_staging(authority)];
    ixs.extend(replace_curve(authority, curve));
    ixs
}

/// After the launch: the staging table cleared, `curve` staged and proposed by its hash (it goes
/// live when the change is applied).
pub fn propose_curve(authority: Pubkey, curve: &[CurveEntry], treasury_candidate: Pubkey) -> Vec<Instruction> {
    let mut ixs = vec![clear_curve_staging(authority)];
    ixs.extend(stage_whole_curve(authority, curve));
    let change = Change::Curve { hash: diem::math::curve::curve_hash(curve) };
    ixs.push(propose_change(authority, change, treasury_candidate));
    ixs
}

fn change_accounts(caller: Pubkey, treasury_candidate: Pubkey) -> acc::ChangeAccounts {
    acc::ChangeAccounts {
        caller,
        config: pda::config(),
        governance: pda::governance(),
        curve: pda::curve(),
        curve_staging: pda::curve_staging(),
        treasury_candidate,
        event_authority: pda::event_authority(),
        program: diem::ID,
    }
}

/// The account a change's `treasury_candidate` slot names: the new treasury for a `Treasury`
/// change, otherwise `current` (the config's treasury; the slot is not read).
pub fn treasury_candidate(change: &Change, current: Pubkey) -> Pubkey {
    match change {
        Change::Treasury { account } => *account,
        _ => current,
    }
}

/// The authority proposes `change` (applied at once at the launch, or for a longer delay).
pub fn propose_change(authority: Pubkey, change: Change, treasury_candidate: Pubkey) -> Instruction {
    build(change_accounts(authority, treasury_candidate), data::ProposeChange { change })
}

/// Anyone (`caller` only signs) applies the due change of `kind`.
pub fn apply_change(caller: Pubkey, kind: u8, treasury_candidate: Pubkey) -> Instruction {
    build(change_accounts(caller, treasury_candidate), data::ApplyChange { kind })
}

/// The authority withdraws the pending change of `kind`.
pub fn cancel_change(authority: Pubkey, kind: u8, treasury_candidate: Pubkey) -> Instruction {
    build(change_accounts(authority, treasury_candidate), data::CancelChange { kind })
}
