//! Model-based random testing: sequences of operations by several users run on the bank
//! (through the client's `ops`, so every SPEC §10 invariant is checked after every step) and on
//! the independent [`Model`]. After every step both must agree: the same success or the same
//! error code, and every position, DIEM stake, total and token balance equal. proptest shrinks
//! a failing sequence; [`check_random_sequences`] prints the minimal one as a ready-to-paste
//! test calling [`replay_from_launch`].
//!
//! Each sequence starts in the launch (every inflow paused, the authority's changes immediate),
//! runs a few launch operations, opens the inflows and goes on. Operations are aimed at states
//! where they can succeed (the acting user is the next one for whom the operation is possible,
//! a change applied is one that is pending, time can jump to the next due cooldown or change),
//! so success paths and their edges are reached, not only refusals; [`Edge`]s count them.
use std::fmt::Write as _;

use anchor_lang::prelude::Pubkey;
use diem::constants::{MAX_RATE, SECONDS_PER_DAY};
use diem_client::chain::ChainError;
use diem_client::pda;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::model::{self, Model};
use crate::{Env, ONE_VVV, OutcomeExt, User, launch_params};

/// How many users act (besides the authority).
pub const USERS: usize = 3;
/// VVV each user starts with.
pub const START_VVV: u64 = 1_000_000 * ONE_VVV;

/// An amount, relative to what the acting user holds for that operation (their VVV wallet for a
/// stake, unlocked sVVV for an unstake or a mint, their DIEM wallet for a burn, ...), so shrunk
/// sequences stay meaningful.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Amt {
    Zero,
    /// This many basis points of what is held (rounded down).
    Bps(u16),
    All,
    /// One base unit more than is held: must fail.
    AllPlusOne,
    Units(u64),
    /// For a mint: exactly what fills the current bucket, so the supply lands on its bound
    /// (or all that is held, if less).
    BucketFill,
    /// For a mint: exactly what takes the supply to the curve's cap (or all that is held).
    CapFill,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recipient {
    Own,
    ToUser(u8),
    /// The all-zero key: refused.
    DefaultKey,
    /// The diem program's own id: a position nobody can sign for.
    ProgramId,
    /// The VVV vault's address.
    VaultKey,
}

/// Which ticket a ticket operation names, relative to the acting user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// The user's n-th open ticket of the operation's kind (soonest first), modulo how many.
    Own(u8),
    /// Another user's ticket of the kind: refused (not the owner).
    Others,
    /// The user's ticket of the other kind: refused.
    OtherKind,
    /// A ticket already closed: refused (its account is gone).
    Closed,
}

/// Who a DIEM stake credits, or whom a ticket is handed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    Own,
    User(u8),
    /// The all-zero key: refused.
    DefaultKey,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slippage {
    /// `min_diem_out` = the quote.
    Exact,
    /// `min_diem_out` = 0.
    Loose,
    /// One base unit above the quote: must fail.
    OneOver,
}

/// A change to propose (SPEC §8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proposal {
    EmissionRate(u64),
    TreasuryShares(u32, u32),
    SvvvCooldown(i64),
    DiemCooldown(i64),
    ChangeDelay(i64),
    /// The live curve's rates scaled by this percentage, staged and proposed.
    Curve(u16),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Stake {
        user: u8,
        amount: Amt,
        to: Recipient,
    },
    Unstake {
        user: u8,
        amount: Amt,
    },
    CancelUnstake {
        user: u8,
        ticket: Pick,
    },
    FinalizeUnstake {
        user: u8,
        ticket: Pick,
    },
    /// Hands a ticket of either kind (`diem`) to `to`.
    TransferTicket {
        user: u8,
        diem: bool,
        ticket: Pick,
        to: Who,
    },
    Claim {
        user: u8,
    },
    ClaimAndStake {
        user: u8,
    },
    Mint {
        user: u8,
        amount: Amt,
        slippage: Slippage,
    },
    Burn {
        user: u8,
        amount: Amt,
    },
    /// DIEM changing hands (a sale), through the token program.
    Transfer {
        from: u8,
        to: u8,
        amount: Amt,
    },
    /// DIEM burned through Token-2022 directly, outside the program.
    RawBurn {
        user: u8,
        amount: Amt,
    },
    StakeDiem {
        user: u8,
        amount: Amt,
        beneficiary: Who,
    },
    UnstakeDiem {
        user: u8,
        amount: Amt,
        beneficiary: Who,
    },
    CancelDiemUnstake {
        user: u8,
        ticket: Pick,
        beneficiary: Who,
    },
    FinalizeDiemUnstake {
        user: u8,
        ticket: Pick,
    },
    /// Moves the user's whole stake for `from` to their stake for `to`.
    SetBeneficiary {
        user: u8,
        from: Who,
        to: Who,
    },
    Fund {
        user: u8,
        amount: Amt,
    },
    PayTreasury,
    SetParams {
        emission: u64,
        share_unlocked: u32,
        share_locked: u32,
        svvv_cooldown: i64,
        diem_cooldown: i64,
    },
    SetPause {
        bits: u16,
    },
    /// The live curve's rates scaled by `percent` / 100 (at least 1, at most the cap), committed
    /// at once (the launch only).
    ScaleCurve {
        percent: u16,
    },
    /// A flat curve of 90 VVV per DIEM in buckets of one DIEM, committed at once (the launch
    /// only): its supply cap of 256 DIEM is within the users' reach.
    SmallCurve,
    Propose {
        change: Proposal,
    },
    /// Anyone applies the pending change of `kind`.
    Apply {
        kind: u8,
    },
    Cancel {
        kind: u8,
    },
    Advance {
        secs: i64,
    },
    /// The clock jumps to exactly the next moment something falls due (a cooldown's end, a
    /// change's eta), or an hour on if nothing is waiting.
    AdvanceToDue,
    /// The clock jumps to exactly the earliest pending change's eta (an hour on if none).
    AdvanceToEta,
}

fn amount() -> impl Strategy<Value = Amt> {
    prop_oneof![
        1 => Just(Amt::Zero),
        8 => (1u16..=10_000).prop_map(Amt::Bps),
        3 => Just(Amt::All),
        1 => Just(Amt::AllPlusOne),
        1 => (1u64..1_000).prop_map(Amt::Units),
    ]
}

fn mint_amount() -> impl Strategy<Value = Amt> {
    prop_oneof![6 => amount(), 2 => Just(Amt::BucketFill), 1 => Just(Amt::CapFill)]
}

fn user() -> impl Strategy<Value = u8> {
    0..USERS as u8
}

fn pick() -> impl Strategy<Value = Pick> {
    prop_oneof![
        12 => (0u8..4).prop_map(Pick::Own),
        1 => Just(Pick::Others),
        1 => Just(Pick::OtherKind),
        1 => Just(Pick::Closed),
    ]
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![8 => Just(Who::Own), 4 => user().prop_map(Who::User), 1 => Just(Who::DefaultKey)]
}

fn recipient() -> impl Strategy<Value = Recipient> {
    prop_oneof![
        12 => Just(Recipient::Own),
        3 => user().prop_map(Recipient::ToUser),
        1 => Just(Recipient::DefaultKey),
        1 => Just(Recipient::ProgramId),
        1 => Just(Recipient::VaultKey),
    ]
}

fn cooldown() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(0),
        Just(60),
        Just(3_600),
        Just(SECONDS_PER_DAY),
        Just(7 * SECONDS_PER_DAY),
        Just(91 * SECONDS_PER_DAY)
    ]
}

fn share() -> impl Strategy<Value = u32> {
    prop_oneof![4 => 0u32..=10_000, 1 => Just(2_000), 1 => Just(10_001)]
}

pub fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        12 => (user(), amount(), recipient()).prop_map(|(user, amount, to)| Op::Stake { user, amount, to }),
        8 => (user(), amount()).prop_map(|(user, amount)| Op::Unstake { user, amount }),
        2 => (user(), pick()).prop_map(|(user, ticket)| Op::CancelUnstake { user, ticket }),
        5 => (user(), pick()).prop_map(|(user, ticket)| Op::FinalizeUnstake { user, ticket }),
        3 => (user(), proptest::bool::ANY, pick(), who())
            .prop_map(|(user, diem, ticket, to)| Op::TransferTicket { user, diem, ticket, to }),
        5 => user().prop_map(|user| Op::Claim { user }),
        3 => user().prop_map(|user| Op::ClaimAndStake { user }),
        12 => (user(), mint_amount(), prop_oneof![4 => Just(Slippage::Exact), 4 => Just(Slippage::Loose), 1 => Just(Slippage::OneOver)])
            .prop_map(|(user, amount, slippage)| Op::Mint { user, amount, slippage }),
        8 => (user(), amount()).prop_map(|(user, amount)| Op::Burn { user, amount }),
        4 => (user(), user(), amount()).prop_map(|(from, to, amount)| Op::Transfer { from, to, amount }),
        1 => (user(), amount()).prop_map(|(user, amount)| Op::RawBurn { user, amount }),
        // DIEM staking needs a mint first, so it gets more weight: a finalize then finds a due
        // unstake in at least a tenth of its attempts (MODEL_RUN.md).
        14 => (user(), amount(), who()).prop_map(|(user, amount, beneficiary)| Op::StakeDiem { user, amount, beneficiary }),
        14 => (user(), amount(), who()).prop_map(|(user, amount, beneficiary)| Op::UnstakeDiem { user, amount, beneficiary }),
        2 => (user(), pick(), who()).prop_map(|(user, ticket, beneficiary)| Op::CancelDiemUnstake { user, ticket, beneficiary }),
        4 => (user(), pick()).prop_map(|(user, ticket)| Op::FinalizeDiemUnstake { user, ticket }),
        2 => (user(), who(), who()).prop_map(|(user, from, to)| Op::SetBeneficiary { user, from, to }),
        4 => (user(), amount()).prop_map(|(user, amount)| Op::Fund { user, amount }),
        2 => Just(Op::PayTreasury),
        2 => prop_oneof![4 => Just(0u16), 1 => Just(1), 1 => Just(2), 1 => Just(4), 1 => Just(8), 1 => Just(15), 1 => Just(16)]
            .prop_map(|bits| Op::SetPause { bits }),
        6 => proposal().prop_map(|change| Op::Propose { change }),
        3 => change_kind().prop_map(|kind| Op::Apply { kind }),
        1 => change_kind().prop_map(|kind| Op::Cancel { kind }),
        10 => prop_oneof![
            Just(1i64),
            Just(59),
            Just(3_600),
            Just(SECONDS_PER_DAY - 1),
            Just(SECONDS_PER_DAY),
            Just(7 * SECONDS_PER_DAY),
            Just(9 * SECONDS_PER_DAY)
        ]
        .prop_map(|secs| Op::Advance { secs }),
        5 => Just(Op::AdvanceToDue),
        2 => Just(Op::AdvanceToEta),
    ]
}

/// What the authority does during the launch, before the inflows open (and, to check they are
/// refused, what a user tries).
fn launch_op() -> impl Strategy<Value = Op> {
    let launch_cooldown = || {
        prop_oneof![
            Just(0i64),
            Just(3_600),
            Just(SECONDS_PER_DAY),
            Just(7 * SECONDS_PER_DAY),
            Just(91 * SECONDS_PER_DAY)
        ]
    };
    prop_oneof![
        4 => (0u64..=5 * ONE_VVV, share(), share(), launch_cooldown(), launch_cooldown()).prop_map(
            |(emission, share_unlocked, share_locked, svvv_cooldown, diem_cooldown)| Op::SetParams {
                emission,
                share_unlocked,
                share_locked,
                svvv_cooldown,
                diem_cooldown
            }
        ),
        2 => prop_oneof![Just(50u16), Just(100), Just(200)].prop_map(|percent| Op::ScaleCurve { percent }),
        2 => Just(Op::SmallCurve),
        2 => proposal().prop_map(|change| Op::Propose { change }),
        1 => prop_oneof![Just(7u16), Just(15)].prop_map(|bits| Op::SetPause { bits }),
        1 => (user(), amount()).prop_map(|(user, amount)| Op::Fund { user, amount }),
        1 => (user(), amount(), recipient()).prop_map(|(user, amount, to)| Op::Stake { user, amount, to }),
        1 => (0..10i64).prop_map(|hours| Op::Advance { secs: hours * 3_600 + 1 }),
    ]
}

/// Each user stakes, mints and stakes DIEM: most sequences start from this, so operations on
/// positions and DIEM stakes meet accounts that exist rather than being refused for the lack
/// of one.
fn warm_up() -> Vec<Op> {
    (0..USERS as u8)
        .flat_map(|user| {
            [
                Op::Stake { user, amount: Amt::Bps(5_000), to: Recipient::Own },
                Op::Mint { user, amount: Amt::Bps(3_000), slippage: Slippage::Loose },
                Op::StakeDiem { user, amount: Amt::Bps(5_000), beneficiary: Who::Own },
            ]
        })
        .collect()
}

/// A whole random sequence: launch operations, the inflows opened (the launch ends), usually a
/// warm-up, then up to `length` operations.
pub fn sequence(length: usize) -> impl Strategy<Value = Vec<Op>> {
    (
        proptest::collection::vec(launch_op(), 0..=4),
        proptest::bool::weighted(0.75),
        proptest::collection::vec(op(), 1..=length),
    )
        .prop_map(|(mut launch, warm, rest)| {
            launch.push(Op::SetPause { bits: 0 });
            if warm {
                launch.extend(warm_up());
            }
            launch.extend(rest);
            launch
        })
}

fn proposal() -> impl Strategy<Value = Proposal> {
    prop_oneof![
        1 => (0u64..=5 * ONE_VVV).prop_map(Proposal::EmissionRate),
        1 => (share(), share()).prop_map(|(u, l)| Proposal::TreasuryShares(u, l)),
        1 => cooldown().prop_map(Proposal::SvvvCooldown),
        1 => cooldown().prop_map(Proposal::DiemCooldown),
        3 => prop_oneof![
            Just(SECONDS_PER_DAY),
            Just(9 * SECONDS_PER_DAY),
            Just(10 * SECONDS_PER_DAY),
            Just(12 * SECONDS_PER_DAY),
            Just(400 * SECONDS_PER_DAY)
        ]
        .prop_map(Proposal::ChangeDelay),
        1 => prop_oneof![Just(50u16), Just(100), Just(200)].prop_map(Proposal::Curve),
    ]
}

/// A change kind: the six the model proposes, and the treasury's and an unknown one (refused).
fn change_kind() -> impl Strategy<Value = u8> {
    prop_oneof![8 => prop_oneof![Just(0u8), Just(1), Just(3), Just(4), Just(5), Just(6)], 1 => Just(2u8), 1 => Just(16u8)]
}

/// A proposal other than a curve, for the program and for the model.
fn plain_change(p: Proposal) -> Option<(diem::state::Change, model::ModelChange)> {
    use diem::state::Change;
    use model::ModelChange as M;
    Some(match p {
        Proposal::EmissionRate(rate) => (Change::EmissionRate { rate }, M::EmissionRate(rate)),
        Proposal::TreasuryShares(u, l) => {
            (Change::TreasuryShares { unlocked_bps: u, locked_bps: l }, M::TreasuryShares(u, l))
        }
        Proposal::SvvvCooldown(secs) => (Change::SvvvCooldown { secs }, M::SvvvCooldown(secs)),
        Proposal::DiemCooldown(secs) => (Change::DiemCooldown { secs }, M::DiemCooldown(secs)),
        Proposal::ChangeDelay(secs) => (Change::ChangeDelay { secs }, M::ChangeDelay(secs)),
        Proposal::Curve(_) => return None,
    })
}

fn scaled(curve: &[(u64, u128)], percent: u16) -> Vec<(u64, u128)> {
    curve.iter().map(|&(bound, rate)| (bound, (rate * percent as u128 / 100).clamp(1, MAX_RATE))).collect()
}

fn entries(table: &[(u64, u128)]) -> Vec<diem::state::CurveEntry> {
    table.iter().map(|&(b, r)| diem::state::CurveEntry::new(b, r)).collect()
}

fn resolve(amount: Amt, held: u64) -> u64 {
    match amount {
        Amt::Zero => 0,
        Amt::Bps(bps) => (held as u128 * bps as u128 / 10_000) as u64,
        Amt::All | Amt::BucketFill | Amt::CapFill => held,
        Amt::AllPlusOne => held.saturating_add(1),
        Amt::Units(n) => n,
    }
}

/// The flat, reachable curve of [`Op::SmallCurve`]: 256 buckets of one DIEM at 90 VVV (6
/// decimals) per DIEM.
fn small_curve() -> Vec<(u64, u128)> {
    (1..=diem::constants::CURVE_LEN as u64).map(|i| (i * diem::constants::ONE_DIEM, 90 * ONE_VVV as u128)).collect()
}

/// An edge of a success path the run counts (SPEC §6, §3, §4, §5, §8): where off-by-one and
/// rounding bugs live.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Edge {
    /// A burn of all the position's outstanding DIEM: every locked sVVV released.
    LastBurn,
    /// An sVVV or DIEM ticket finalized at exactly its unlock time.
    CooldownExactEnd,
    /// An owner held two or more open tickets of a kind at once.
    SeveralTickets,
    /// A ticket finalized or cancelled by an owner it was handed to.
    HandedTicketEnded,
    /// A DIEM stake credits someone other than its controller.
    StakeForAnother,
    /// Emissions drained the reward reserve to zero.
    ReserveRanDry,
    /// A mint whose supply after lands exactly on a bucket bound.
    LockEndsOnBucketBound,
    /// A mint that took the supply to the curve's cap.
    SupplyCapFilled,
    /// A mint refused because the curve's cap would be exceeded.
    SupplyCapRefused,
    /// A pending change applied at exactly its eta.
    ChangeAppliedAtEta,
    /// A longer delay voided a pending shorter one.
    RaiseVoidedLowering,
    /// The first opened inflow ended the launch.
    LaunchEnded,
}

/// The bank and the model side by side.
pub struct Pair {
    pub env: Env,
    pub model: Model,
    pub users: Vec<User>,
    pub authority: Keypair,
    /// Every owner a position may exist for.
    pub owners: Vec<Pubkey>,
    /// Counts of what ran: (operation kind, "ok" or the error's name).
    pub tally: std::collections::BTreeMap<(&'static str, String), usize>,
    /// How often each edge was reached.
    pub edges: std::collections::BTreeMap<Edge, usize>,
    /// The most compute units a successful operation of each kind took (its last transaction).
    pub max_compute_units: std::collections::BTreeMap<&'static str, u64>,
    /// Chain address of each model ticket, by the model's number (open and closed).
    pub ticket_addresses: std::collections::BTreeMap<u64, Pubkey>,
    /// Who paid each ticket's rent (its opener), by the model's number.
    pub rent_payers: std::collections::BTreeMap<u64, Pubkey>,
    /// Tickets handed on at least once, by the model's number.
    pub handed: std::collections::BTreeSet<u64>,
}

fn chain_code(e: &ChainError) -> Result<u32, String> {
    match e.transaction_error() {
        Some(solana_transaction_error::TransactionError::InstructionError(
            _,
            solana_instruction_error::InstructionError::Custom(code),
        )) => Ok(*code),
        _ => {
            let logs = match e {
                ChainError::Failed(f) => f.logs.iter().rev().take(3).rev().cloned().collect::<Vec<_>>().join(" | "),
                _ => String::new(),
            };
            Err(format!("a failure without a custom code: {e} [{logs}]"))
        }
    }
}

fn kind(op: &Op) -> &'static str {
    match op {
        Op::Stake { .. } => "stake",
        Op::Unstake { .. } => "unstake",
        Op::CancelUnstake { .. } => "cancel_unstake",
        Op::FinalizeUnstake { .. } => "finalize_unstake",
        Op::TransferTicket { .. } => "transfer_ticket",
        Op::Claim { .. } => "claim",
        Op::ClaimAndStake { .. } => "claim_and_stake",
        Op::Mint { .. } => "mint",
        Op::Burn { .. } => "burn",
        Op::Transfer { .. } => "transfer",
        Op::RawBurn { .. } => "raw_burn",
        Op::StakeDiem { .. } => "stake_diem",
        Op::UnstakeDiem { .. } => "unstake_diem",
        Op::CancelDiemUnstake { .. } => "cancel_diem_unstake",
        Op::FinalizeDiemUnstake { .. } => "finalize_diem_unstake",
        Op::SetBeneficiary { .. } => "set_diem_beneficiary",
        Op::Fund { .. } => "fund_rewards",
        Op::PayTreasury => "pay_treasury",
        Op::SetParams { .. } => "set_params",
        Op::SetPause { .. } => "set_pause",
        Op::ScaleCurve { .. } => "scale_curve",
        Op::SmallCurve => "small_curve",
        Op::Propose { .. } => "propose_change",
        Op::Apply { .. } => "apply_change",
        Op::Cancel { .. } => "cancel_change",
        Op::Advance { .. } | Op::AdvanceToDue | Op::AdvanceToEta => "advance",
    }
}

/// The name of the refusal the model predicts (equal to the chain's when they agree).
fn refusal_name(fail: &model::Fail) -> String {
    match fail {
        model::Fail::Diem(e) => format!("{e:?}"),
        model::Fail::Anchor(3012) => "AccountNotInitialized".into(),
        model::Fail::Token(1) => "InsufficientFunds".into(),
        other => format!("code {}", other.code()),
    }
}

impl Pair {
    /// A bank in the launch (initialized, launch curve committed, every inflow paused) with
    /// [`USERS`] funded users, and the model of the same state.
    pub async fn start() -> Pair {
        let mut env = Env::in_launch(Env::new().await).await;
        let authority = env.authority.insecure_clone();
        let mut users = Vec::new();
        for _ in 0..USERS {
            users.push(env.user(START_VVV).await);
        }
        let config = env.config().await;
        let p = launch_params();
        let params = model::Params {
            emission_rate: p.emission_rate,
            share_unlocked_bps: p.treasury_share_unlocked_bps,
            share_locked_bps: p.treasury_share_locked_bps,
            svvv_cooldown: p.svvv_cooldown_secs,
            diem_cooldown: p.diem_cooldown_secs,
        };
        let curve = env.reader().curve().await.expect("curve").iter().map(|e| (e.supply_bound, e.rate())).collect();
        let mut model = Model::new(env.now().await, params, config.paused, curve);
        model.authority = authority.pubkey();
        model.totals.last_ts = config.pool.last_accrual_ts;
        for u in &users {
            model.vvv_wallet.insert(u.pubkey(), START_VVV);
        }
        let mut owners: Vec<Pubkey> = users.iter().map(|u| u.pubkey()).collect();
        owners.extend([Pubkey::default(), diem::ID, pda::vvv_vault()]);
        Pair {
            env,
            model,
            users,
            authority,
            owners,
            tally: Default::default(),
            edges: Default::default(),
            max_compute_units: Default::default(),
            ticket_addresses: Default::default(),
            rent_payers: Default::default(),
            handed: Default::default(),
        }
    }

    fn key(&self, user: u8) -> Pubkey {
        self.users[user as usize].pubkey()
    }

    fn unlocked(&self, user: u8) -> u64 {
        self.model.positions.get(&self.key(user)).map(|p| p.active - p.locked).unwrap_or_default()
    }

    fn vvv(&self, user: u8) -> u64 {
        self.model.vvv_wallet.get(&self.key(user)).copied().unwrap_or_default()
    }

    fn diem(&self, user: u8) -> u64 {
        self.model.diem_wallet.get(&self.key(user)).copied().unwrap_or_default()
    }

    fn position(&self, user: u8) -> model::Position {
        self.model.positions.get(&self.key(user)).copied().unwrap_or_default()
    }

    fn who(&self, user: u8, who: Who) -> Pubkey {
        match who {
            Who::Own => self.key(user),
            Who::User(u) => self.key(u),
            Who::DefaultKey => Pubkey::default(),
        }
    }

    fn staked_for(&self, user: u8, beneficiary: Who) -> u64 {
        let key = (self.key(user), self.who(user, beneficiary));
        self.model.stakes.get(&key).map(|s| s.staked).unwrap_or_default()
    }

    /// The user's open tickets of a kind, soonest first: (model number, ticket).
    fn tickets_of(&self, user: u8, diem: bool) -> Vec<(u64, model::Ticket)> {
        let key = self.key(user);
        let mut held: Vec<(u64, model::Ticket)> =
            self.model.tickets.iter().filter(|(_, t)| t.owner == key && t.diem == diem).map(|(n, t)| (*n, *t)).collect();
        held.sort_by_key(|(n, t)| (t.unlock_at, *n));
        held
    }

    /// The ticket `pick` names for `user` (a model number), if there is one to name.
    fn pick_ticket(&self, user: u8, diem: bool, pick: Pick) -> Option<u64> {
        let key = self.key(user);
        match pick {
            Pick::Own(n) => {
                let held = self.tickets_of(user, diem);
                // A due one first when finalizing is possible: the aim keeps success reachable.
                let due: Vec<u64> =
                    held.iter().filter(|(_, t)| t.unlock_at <= self.model.now).map(|(i, _)| *i).collect();
                let from = if due.is_empty() { held.iter().map(|(i, _)| *i).collect() } else { due };
                (!from.is_empty()).then(|| from[n as usize % from.len()])
            }
            Pick::Others => self.model.tickets.iter().find(|(_, t)| t.owner != key && t.diem == diem).map(|(n, _)| *n),
            Pick::OtherKind => self.tickets_of(user, !diem).first().map(|(n, _)| *n),
            Pick::Closed => self.ticket_addresses.keys().find(|n| !self.model.tickets.contains_key(n)).copied(),
        }
    }

    /// `ticket` as `user` names it in an instruction (the signer as its owner; the real rent
    /// payer, which the program checks first).
    fn ticket_ref(&self, user: u8, ticket: u64) -> Option<diem_client::ix::TicketRef> {
        Some(diem_client::ix::TicketRef {
            address: *self.ticket_addresses.get(&ticket)?,
            owner: self.key(user),
            rent_payer: *self.rent_payers.get(&ticket)?,
        })
    }

    /// Sends `ix` signed by `user`.
    async fn send_as(&mut self, user: u8, ix: anchor_lang::solana_program::instruction::Instruction) -> Result<(), ChainError> {
        let key = self.users[user as usize].key.insecure_clone();
        self.env.send(&[ix], &[&key]).await.map(drop)
    }

    /// Records the chain address of the ticket the model just numbered `number`.
    fn remember_ticket(&mut self, number: u64, outcome: &diem_client::chain::Outcome, opener: Pubkey) -> Result<(), String> {
        let address = diem_client::ops::user::opened_ticket(outcome).ok_or("no ticket in the outcome")?;
        self.ticket_addresses.insert(number, address);
        self.rent_payers.insert(number, opener);
        Ok(())
    }

    /// `user`, or the next user after it (in turn) for whom `possible` holds, if any: aims the
    /// operation at a state where it can succeed without choosing who acts in the generator.
    fn aim(&self, user: u8, possible: impl Fn(&Self, u8) -> bool) -> u8 {
        (0..USERS as u8).map(|i| (user + i) % USERS as u8).find(|&u| possible(self, u)).unwrap_or(user)
    }

    /// `kind`, or the next pending change kind after it whose eta has come (else any pending
    /// one); the treasury's kind and unknown kinds are left as they are (refusals).
    fn aim_kind(&self, kind: u8) -> u8 {
        if !matches!(kind, 0 | 1 | 3 | 4 | 5 | 6) {
            return kind;
        }
        let pending = &self.model.pending;
        let order = (0..7u8).map(|i| (kind + i) % 7);
        let due = order.clone().find(|k| pending.get(k).is_some_and(|(_, eta)| *eta <= self.model.now));
        due.or_else(|| order.clone().find(|k| pending.contains_key(k))).unwrap_or(kind)
    }

    /// The next moment after now at which something falls due: a cooldown's end or a change's eta.
    fn next_due(&self) -> Option<i64> {
        let m = &self.model;
        let unlocks = m.tickets.values().map(|t| t.unlock_at);
        let etas = m.pending.values().map(|(_, eta)| *eta);
        unlocks.chain(etas).filter(|t| *t > m.now).min()
    }

    /// The sVVV that fills the current bucket exactly, or every bucket up to the cap
    /// (`to_cap`): SPEC §5.2's costs, each rounded up.
    fn fill_cost(&self, to_cap: bool) -> Option<u64> {
        let mut supply = self.model.totals.outstanding as u128;
        let mut total: u128 = 0;
        for &(bound, rate) in &self.model.curve {
            if bound as u128 <= supply {
                continue;
            }
            let cost = rate.checked_mul(bound as u128 - supply)?.div_ceil(diem::constants::ONE_DIEM as u128);
            total = total.checked_add(cost)?;
            supply = bound as u128;
            if !to_cap {
                break;
            }
        }
        u64::try_from(total).ok()
    }

    /// Runs `op` on both sides; `Err` says how they disagree.
    pub async fn step(&mut self, op: Op) -> Result<(), String> {
        self.model.now = self.env.now().await;
        self.env.last_compute_units = None;
        let before = self.model.clone();
        let (chain, model): (Result<(), ChainError>, model::Outcome) = match op {
            Op::Stake { user, amount, to } => {
                let recipient = match to {
                    Recipient::Own => self.key(user),
                    Recipient::ToUser(u) => self.key(u),
                    Recipient::DefaultKey => Pubkey::default(),
                    Recipient::ProgramId => diem::ID,
                    Recipient::VaultKey => pda::vvv_vault(),
                };
                let amount = resolve(amount, self.vvv(user));
                let payer = self.key(user);
                let u = &self.users[user as usize];
                let chain = self.env.by(u).stake(amount, Some(recipient)).await.map(drop);
                (chain, self.model.stake(payer, recipient, amount))
            }
            Op::Unstake { user, amount } => {
                let user = self.aim(user, |p, u| p.unlocked(u) > 0);
                let amount = resolve(amount, self.unlocked(user));
                let key = self.key(user);
                let chain = self.env.by(&self.users[user as usize]).unstake(amount).await;
                let model = self.model.initiate_unstake(key, amount);
                if let (Ok(outcome), Ok(number)) = (&chain, &model) {
                    self.remember_ticket(*number, outcome, key)?;
                }
                (chain.map(drop), model.map(drop))
            }
            Op::CancelUnstake { user, ticket } => {
                let user = self.aim(user, |p, u| !p.tickets_of(u, false).is_empty());
                let Some(number) = self.pick_ticket(user, false, ticket) else { return Ok(()) };
                let Some(t) = self.ticket_ref(user, number) else { return Err(format!("ticket {number} unknown")) };
                let chain = self.send_as(user, diem_client::ix::cancel_unstake(&t)).await;
                (chain, self.model.cancel_unstake(self.key(user), number))
            }
            Op::FinalizeUnstake { user, ticket } => {
                let now = self.model.now;
                let user = self.aim(user, |p, u| p.tickets_of(u, false).iter().any(|(_, t)| t.unlock_at <= now));
                let Some(number) = self.pick_ticket(user, false, ticket) else { return Ok(()) };
                let Some(t) = self.ticket_ref(user, number) else { return Err(format!("ticket {number} unknown")) };
                let d = self.env.reader().deployment().await.map_err(|e| e.to_string())?;
                let ix = diem_client::ix::finalize_unstake(&d, &t, self.users[user as usize].vvv);
                let chain = self.send_as(user, ix).await;
                (chain, self.model.finalize_unstake(self.key(user), number))
            }
            Op::TransferTicket { user, diem, ticket, to } => {
                let user = self.aim(user, |p, u| !p.tickets_of(u, diem).is_empty());
                let Some(number) = self.pick_ticket(user, diem, ticket) else { return Ok(()) };
                let Some(t) = self.ticket_ref(user, number) else { return Err(format!("ticket {number} unknown")) };
                let new_owner = self.who(user, to);
                let chain = self.send_as(user, diem_client::ix::transfer_ticket(&t, new_owner)).await;
                let model = self.model.transfer_ticket(self.key(user), number, new_owner);
                if model.is_ok() {
                    self.handed.insert(number);
                }
                (chain, model)
            }
            Op::Claim { user } => {
                let user = self.aim(user, |p, u| p.position(u).active > 0 || p.position(u).pending > 0);
                let key = self.key(user);
                let chain = self.env.by(&self.users[user as usize]).claim().await.map(drop);
                (chain, self.model.claim(key, false))
            }
            Op::ClaimAndStake { user } => {
                let user = self.aim(user, |p, u| p.position(u).active > 0 || p.position(u).pending > 0);
                let key = self.key(user);
                let chain = self.env.by(&self.users[user as usize]).claim_and_stake().await.map(drop);
                (chain, self.model.claim(key, true))
            }
            Op::Mint { user, amount, slippage } => {
                let user = self.aim(user, |p, u| p.unlocked(u) > 0);
                let held = self.unlocked(user);
                let held = match amount {
                    Amt::BucketFill => self.fill_cost(false).unwrap_or(held).min(held),
                    Amt::CapFill => self.fill_cost(true).unwrap_or(held).min(held),
                    _ => held,
                };
                let svvv = resolve(amount, held);
                let quote = self.model.quote(svvv).unwrap_or_default();
                let min_out = match slippage {
                    Slippage::Exact => quote,
                    Slippage::Loose => 0,
                    Slippage::OneOver => quote.saturating_add(1),
                };
                let key = self.key(user);
                let chain = self.env.by(&self.users[user as usize]).mint(svvv, min_out).await;
                if let Ok(out) = &chain {
                    let minted = out.return_u64();
                    if Ok(minted) != self.model.quote(svvv) {
                        return Err(format!("minted {minted}, model quote {:?}", self.model.quote(svvv)));
                    }
                }
                (chain.map(drop), self.model.mint(key, svvv, min_out).map(drop))
            }
            Op::Burn { user, amount } => {
                let user = self.aim(user, |p, u| p.position(u).outstanding > 0 && p.diem(u) > 0);
                // Relative to what can be burned: the DIEM held, up to the position's outstanding.
                let amount = resolve(amount, self.diem(user).min(self.position(user).outstanding));
                let key = self.key(user);
                let chain = self.env.by(&self.users[user as usize]).burn(amount).await.map(drop);
                (chain, self.model.burn(key, amount))
            }
            Op::Transfer { from, to, amount } => {
                let from = self.aim(from, |p, u| p.diem(u) > 0);
                if from == to {
                    return Ok(());
                }
                let amount = resolve(amount, self.diem(from));
                let (a, b) = (self.key(from), self.key(to));
                let chain =
                    self.env.bank.transfer_diem(&self.users[from as usize], &self.users[to as usize], amount).await;
                self.env.check_invariants().await;
                (chain.map(drop), self.model.transfer_diem(a, b, amount))
            }
            Op::RawBurn { user, amount } => {
                let user = self.aim(user, |p, u| p.diem(u) > 0);
                let amount = resolve(amount, self.diem(user));
                let u = &self.users[user as usize];
                let ix = spl_token_2022_interface::instruction::burn_checked(
                    &anchor_spl::token_2022::ID,
                    &u.diem,
                    &pda::diem_mint(),
                    &u.pubkey(),
                    &[],
                    amount,
                    diem::constants::DIEM_DECIMALS,
                )
                .map_err(|e| e.to_string())?;
                let key = u.key.insecure_clone();
                let chain = self.env.send(&[ix], &[&key]).await.map(drop);
                (chain, self.model.raw_burn(key.pubkey(), amount))
            }
            Op::StakeDiem { user, amount, beneficiary } => {
                let user = self.aim(user, |p, u| p.diem(u) > 0);
                let amount = resolve(amount, self.diem(user));
                let (key, beneficiary) = (self.key(user), self.who(user, beneficiary));
                let chain = self.env.by(&self.users[user as usize]).stake_diem(amount, Some(beneficiary)).await.map(drop);
                (chain, self.model.stake_diem(key, beneficiary, amount))
            }
            Op::UnstakeDiem { user, amount, beneficiary } => {
                let user = self.aim(user, |p, u| p.staked_for(u, beneficiary) > 0);
                let (key, beneficiary) = (self.key(user), self.who(user, beneficiary));
                let staked = self.model.stakes.get(&(key, beneficiary)).map(|s| s.staked).unwrap_or_default();
                let amount = resolve(amount, staked);
                let chain = self.env.by(&self.users[user as usize]).unstake_diem(amount, Some(beneficiary)).await;
                let model = self.model.initiate_diem_unstake(key, beneficiary, amount);
                if let (Ok(outcome), Ok(number)) = (&chain, &model) {
                    self.remember_ticket(*number, outcome, key)?;
                }
                (chain.map(drop), model.map(drop))
            }
            Op::CancelDiemUnstake { user, ticket, beneficiary } => {
                let user = self.aim(user, |p, u| !p.tickets_of(u, true).is_empty());
                let Some(number) = self.pick_ticket(user, true, ticket) else { return Ok(()) };
                let Some(t) = self.ticket_ref(user, number) else { return Err(format!("ticket {number} unknown")) };
                let beneficiary = self.who(user, beneficiary);
                let chain = self.send_as(user, diem_client::ix::cancel_diem_unstake(&t, beneficiary)).await;
                (chain, self.model.cancel_diem_unstake(self.key(user), number, beneficiary))
            }
            Op::FinalizeDiemUnstake { user, ticket } => {
                let now = self.model.now;
                let user = self.aim(user, |p, u| p.tickets_of(u, true).iter().any(|(_, t)| t.unlock_at <= now));
                let Some(number) = self.pick_ticket(user, true, ticket) else { return Ok(()) };
                let Some(t) = self.ticket_ref(user, number) else { return Err(format!("ticket {number} unknown")) };
                let ix = diem_client::ix::finalize_diem_unstake(&t, self.users[user as usize].diem);
                let chain = self.send_as(user, ix).await;
                (chain, self.model.finalize_diem_unstake(self.key(user), number))
            }
            Op::SetBeneficiary { user, from, to } => {
                let user = self.aim(user, |p, u| p.staked_for(u, from) > 0);
                let (key, from, to) = (self.key(user), self.who(user, from), self.who(user, to));
                let chain = self.send_as(user, diem_client::ix::set_diem_beneficiary(key, from, to)).await;
                (chain, self.model.set_diem_beneficiary(key, from, to))
            }
            Op::Fund { user, amount } => {
                let amount = resolve(amount, self.vvv(user));
                let key = self.key(user);
                let chain = self.env.by(&self.users[user as usize]).fund_rewards(amount).await.map(drop);
                (chain, self.model.fund_rewards(key, amount))
            }
            Op::PayTreasury => {
                let chain = self.env.anyone().pay_treasury().await.map(drop);
                (chain, self.model.pay_treasury())
            }
            Op::SetParams { emission, share_unlocked, share_locked, svvv_cooldown, diem_cooldown } => {
                let params = diem::state::Params {
                    emission_rate: emission,
                    treasury_share_unlocked_bps: share_unlocked,
                    treasury_share_locked_bps: share_locked,
                    svvv_cooldown_secs: svvv_cooldown,
                    diem_cooldown_secs: diem_cooldown,
                };
                let chain = self.env.by(&self.authority).set_params(params).await.map(drop);
                let model = self.model.set_params(model::Params {
                    emission_rate: emission,
                    share_unlocked_bps: share_unlocked,
                    share_locked_bps: share_locked,
                    svvv_cooldown,
                    diem_cooldown,
                });
                (chain, model)
            }
            Op::SetPause { bits } => {
                let chain = self.env.by(&self.authority).set_pause(bits).await.map(drop);
                (chain, self.model.set_pause(bits))
            }
            Op::ScaleCurve { percent } => {
                let table = scaled(&self.model.curve, percent);
                let chain = self.env.by(&self.authority).replace_curve(&entries(&table)).await.map(drop);
                (chain, self.model.commit_curve(table))
            }
            Op::SmallCurve => {
                let table = small_curve();
                let chain = self.env.by(&self.authority).replace_curve(&entries(&table)).await.map(drop);
                (chain, self.model.commit_curve(table))
            }
            Op::Propose { change } => {
                let (chain, model_change) = match change {
                    Proposal::Curve(percent) => {
                        let table = scaled(&self.model.curve, percent);
                        let chain = self.env.by(&self.authority).propose_curve(&entries(&table)).await.map(drop);
                        (chain, self.model.propose_curve(table))
                    }
                    other => {
                        let Some((change, model_change)) = plain_change(other) else {
                            return Err(format!("{other:?} is not a plain change"));
                        };
                        let chain = self.env.by(&self.authority).propose_change(change).await.map(drop);
                        (chain, self.model.propose_change(model_change))
                    }
                };
                (chain, model_change)
            }
            Op::Apply { kind } => {
                let kind = self.aim_kind(kind);
                // Anyone may apply: a user who has nothing to do with governance.
                let chain = self.env.by(&self.users[0]).apply_change(kind).await.map(drop);
                let model = if kind as usize >= diem::constants::MAX_CHANGE_KINDS {
                    Err(model::Fail::Diem(diem::errors::DiemError::UnknownChangeKind))
                } else {
                    self.model.apply_change(kind)
                };
                (chain, model)
            }
            Op::Cancel { kind } => {
                let kind = self.aim_kind(kind);
                let chain = self.env.by(&self.authority).cancel_change(kind).await.map(drop);
                let model = if kind as usize >= diem::constants::MAX_CHANGE_KINDS {
                    Err(model::Fail::Diem(diem::errors::DiemError::UnknownChangeKind))
                } else {
                    self.model.cancel_change(kind)
                };
                (chain, model)
            }
            Op::Advance { secs } => {
                self.env.advance(secs).await;
                self.model.advance(secs);
                (Ok(()), Ok(()))
            }
            Op::AdvanceToEta => {
                let now = self.model.now;
                let eta = self.model.pending.values().map(|(_, eta)| *eta).filter(|eta| *eta > now).min();
                let secs = eta.map_or(3_600, |eta| eta - now);
                self.env.advance(secs).await;
                self.model.advance(secs);
                (Ok(()), Ok(()))
            }
            Op::AdvanceToDue => {
                let secs = self.next_due().map_or(3_600, |due| due - self.model.now);
                self.env.advance(secs).await;
                self.model.advance(secs);
                (Ok(()), Ok(()))
            }
        };
        let chain_result = match &chain {
            Ok(()) => Ok(()),
            Err(e) => Err(chain_code(e)?),
        };
        let outcome = match &model {
            Ok(()) => "ok".to_string(),
            Err(fail) => refusal_name(fail),
        };
        *self.tally.entry((kind(&op), outcome.clone())).or_default() += 1;
        if let (Ok(()), Some(units)) = (&chain, self.env.last_compute_units) {
            let max = self.max_compute_units.entry(kind(&op)).or_default();
            *max = (*max).max(units);
        }
        let model_result = model.map_err(|f| f.code());
        if chain_result != model_result {
            return Err(format!("{op:?}: chain {chain:?}, model {model_result:?}"));
        }
        // §10.7 in the model: no open ticket's unlock time moved, whatever ran.
        for (number, was) in &before.tickets {
            if self.model.tickets.get(number).is_some_and(|t| t.unlock_at != was.unlock_at) {
                return Err(format!("{op:?} moved ticket {number}'s unlock time in the model"));
            }
        }
        self.count_edges(&op, &before, &outcome);
        self.compare().await.map_err(|e| format!("after {op:?}: {e}"))
    }

    /// Counts the edges `op` reached, from the model's state `before` it and now.
    fn count_edges(&mut self, op: &Op, before: &Model, outcome: &str) {
        let ok = outcome == "ok";
        let m = &self.model;
        let mut reached = Vec::new();
        let was = |owner: Pubkey| before.positions.get(&owner).copied().unwrap_or_default();
        let cap = m.curve.last().map(|(bound, _)| *bound);
        if before.totals.reserve > 0 && m.totals.reserve == 0 {
            reached.push(Edge::ReserveRanDry);
        }
        match *op {
            Op::Burn { .. } if ok => {
                let emptied = m.positions.iter().any(|(owner, p)| p.outstanding == 0 && was(*owner).outstanding > 0);
                if emptied {
                    reached.push(Edge::LastBurn);
                }
            }
            Op::FinalizeUnstake { .. } | Op::FinalizeDiemUnstake { .. } if ok => {
                let closed = before.tickets.iter().filter(|(n, _)| !m.tickets.contains_key(n));
                if closed.clone().any(|(_, t)| t.unlock_at == m.now) {
                    reached.push(Edge::CooldownExactEnd);
                }
                if closed.clone().any(|(n, _)| self.handed.contains(n)) {
                    reached.push(Edge::HandedTicketEnded);
                }
            }
            Op::CancelUnstake { .. } | Op::CancelDiemUnstake { .. } if ok => {
                if before.tickets.keys().any(|n| !m.tickets.contains_key(n) && self.handed.contains(n)) {
                    reached.push(Edge::HandedTicketEnded);
                }
            }
            Op::Unstake { .. } | Op::UnstakeDiem { .. } if ok => {
                let mut held: std::collections::BTreeMap<(Pubkey, bool), usize> = Default::default();
                for t in m.tickets.values() {
                    *held.entry((t.owner, t.diem)).or_default() += 1;
                }
                if held.values().any(|n| *n >= 2) {
                    reached.push(Edge::SeveralTickets);
                }
            }
            Op::StakeDiem { .. } | Op::SetBeneficiary { .. } if ok => {
                if m.stakes.iter().any(|((o, b), s)| o != b && s.staked > 0) {
                    reached.push(Edge::StakeForAnother);
                }
            }
            Op::Mint { .. } if ok => {
                let supply = m.totals.outstanding;
                if m.curve.iter().any(|(bound, _)| *bound == supply) {
                    reached.push(Edge::LockEndsOnBucketBound);
                }
                if cap == Some(supply) {
                    reached.push(Edge::SupplyCapFilled);
                }
            }
            Op::Mint { .. } if outcome == "SupplyCapReached" => reached.push(Edge::SupplyCapRefused),
            Op::Apply { .. } if ok => {
                let at_eta = before.pending.iter().any(|(k, (_, eta))| !m.pending.contains_key(k) && *eta == m.now);
                if at_eta {
                    reached.push(Edge::ChangeAppliedAtEta);
                }
            }
            Op::Propose { change: Proposal::ChangeDelay(_) } if ok => {
                if before.pending.contains_key(&6) && !m.pending.contains_key(&6) {
                    reached.push(Edge::RaiseVoidedLowering);
                }
            }
            Op::SetPause { .. } if ok && !before.launched && m.launched => reached.push(Edge::LaunchEnded),
            _ => {}
        }
        for edge in reached {
            *self.edges.entry(edge).or_default() += 1;
        }
    }

    /// Every position, DIEM stake, total and token balance, chain against model.
    pub async fn compare(&mut self) -> Result<(), String> {
        let pool = self.env.config().await.pool;
        let t = &self.model.totals;
        let chain_totals = (
            pool.total_active,
            pool.total_locked,
            pool.total_cooldown,
            pool.outstanding_diem,
            pool.total_diem_staked,
            pool.total_diem_cooldown,
            pool.reward_reserve,
            pool.unclaimed_rewards,
            pool.treasury_accrued,
            pool.acc_unlocked,
            pool.acc_locked,
            pool.last_accrual_ts,
        );
        let model_totals = (
            t.active,
            t.locked,
            t.cooldown,
            t.outstanding,
            t.diem_staked,
            t.diem_cooldown,
            t.reserve,
            t.unclaimed,
            t.treasury,
            t.acc_unlocked,
            t.acc_locked,
            t.last_ts,
        );
        if chain_totals != model_totals {
            return Err(format!("totals: chain {chain_totals:?}, model {model_totals:?}"));
        }
        for owner in self.owners.clone() {
            let chain = self.env.position(&owner).await.map(|p| {
                let b = p.balances;
                model::Position {
                    active: b.active,
                    locked: b.locked,
                    outstanding: b.outstanding_diem,
                    pending: b.pending_rewards,
                    snap_unlocked: b.acc_unlocked_snapshot,
                    snap_locked: b.acc_locked_snapshot,
                }
            });
            let model = self.model.positions.get(&owner).copied();
            if chain != model {
                return Err(format!("position of {owner}: chain {chain:?}, model {model:?}"));
            }
        }
        // Every stake the model holds and every one a user could hold for a user, chain against
        // model (a stake only the chain had would also break §10.4's sums).
        let users: Vec<Pubkey> = self.users.iter().map(|u| u.pubkey()).collect();
        let mut keys: std::collections::BTreeSet<(Pubkey, Pubkey)> = self.model.stakes.keys().copied().collect();
        keys.extend(users.iter().flat_map(|o| users.iter().map(move |b| (*o, *b))));
        for (owner, beneficiary) in keys {
            let chain = self.env.diem_stake_for(&owner, &beneficiary).await.map(|s| model::DiemStake { staked: s.staked });
            let model = self.model.stakes.get(&(owner, beneficiary)).copied();
            if chain != model {
                return Err(format!("DIEM stake of {owner} for {beneficiary}: chain {chain:?}, model {model:?}"));
            }
        }
        // Every ticket ever opened: open ones equal, closed ones gone; and §10.7, no open
        // ticket's unlock time moved (the model's never does; the chain's is checked against
        // its opening event by `check_invariants`).
        for (number, address) in self.ticket_addresses.clone() {
            let chain = self.env.ticket(&address).await.map(|t| model::Ticket {
                diem: t.kind == diem::state::TicketKind::Diem,
                owner: t.owner,
                amount: t.amount,
                unlock_at: t.unlock_at,
            });
            let model = self.model.tickets.get(&number).copied();
            if chain != model {
                return Err(format!("ticket {number} at {address}: chain {chain:?}, model {model:?}"));
            }
        }
        for beneficiary in self.owners.clone() {
            let credited = self.model.credited(&beneficiary);
            let from_events = diem_client::credit::diem_staked_at(&self.env.bank.event_log, i64::MAX)
                .get(&beneficiary)
                .copied()
                .unwrap_or_default();
            if credited != from_events {
                return Err(format!("credit of {beneficiary}: model {credited}, the events {from_events}"));
            }
        }
        let governance = self.env.reader().governance().await.map_err(|e| e.to_string())?;
        let chain: Vec<(u8, i64)> = governance.pending.iter().flatten().map(|p| (p.change.kind(), p.eta)).collect();
        let model: Vec<(u8, i64)> = self.model.pending.iter().map(|(k, (_, eta))| (*k, *eta)).collect();
        if (governance.change_delay, &chain) != (self.model.change_delay, &model) {
            return Err(format!(
                "governance: chain delay {} pending {chain:?}, model delay {} pending {model:?}",
                governance.change_delay, self.model.change_delay
            ));
        }
        let params = self.env.config().await.params;
        let p = &self.model.params;
        let chain = (
            params.emission_rate,
            params.treasury_share_unlocked_bps,
            params.treasury_share_locked_bps,
            params.svvv_cooldown_secs,
            params.diem_cooldown_secs,
        );
        let model = (p.emission_rate, p.share_unlocked_bps, p.share_locked_bps, p.svvv_cooldown, p.diem_cooldown);
        if chain != model {
            return Err(format!("params: chain {chain:?}, model {model:?}"));
        }
        let live: Vec<(u64, u128)> = self
            .env
            .reader()
            .curve()
            .await
            .map_err(|e| e.to_string())?
            .iter()
            .map(|e| (e.supply_bound, e.rate()))
            .collect();
        if live != self.model.curve {
            return Err("the live curve differs from the model's".into());
        }
        for i in 0..self.users.len() {
            let (vvv, diem) = (self.users[i].vvv, self.users[i].diem);
            let chain = (self.env.balance(vvv).await, self.env.balance(diem).await);
            let model = (self.vvv(i as u8), self.diem(i as u8));
            if chain != model {
                return Err(format!("wallets of user {i}: chain {chain:?}, model {model:?}"));
            }
        }
        let treasury = self.env.treasury;
        let chain = (
            self.env.balance(pda::vvv_vault()).await,
            self.env.balance(pda::diem_vault()).await,
            self.env.supply(pda::diem_mint()).await,
            self.env.balance(treasury).await,
        );
        let m = &self.model;
        let model = (m.vvv_vault, m.diem_vault, m.diem_supply, m.treasury_wallet);
        if chain != model {
            return Err(format!("vaults, supply, treasury: chain {chain:?}, model {model:?}"));
        }
        Ok(())
    }
}

/// Runs `ops` on a fresh pair in the launch, stopping at the first disagreement.
pub async fn run_sequence(ops: &[Op]) -> Result<Pair, String> {
    let mut pair = Pair::start().await;
    for (i, op) in ops.iter().enumerate() {
        pair.step(*op).await.map_err(|e| format!("step {i}: {e}"))?;
    }
    Ok(pair)
}

/// A regression test's body: from the launch, `ops` must run with chain and model agreeing
/// throughout.
pub async fn replay_from_launch(ops: &[Op]) {
    if let Err(e) = run_sequence(ops).await {
        panic!("{e}");
    }
}

/// As [`replay_from_launch`], with the launch ended first (every inflow opened).
pub async fn replay(ops: &[Op]) {
    let mut all = vec![Op::SetPause { bits: 0 }];
    all.extend_from_slice(ops);
    replay_from_launch(&all).await;
}

/// The failing sequence as a test to paste into `tests/tests/model_regressions.rs`.
pub fn as_test(ops: &[Op], reason: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "/// Found by the model-based test: {}", reason.lines().next().unwrap_or_default());
    let _ = writeln!(out, "#[tokio::test]\nasync fn model_regression() {{");
    let _ = writeln!(out, "    use diem_tests::model_run::{{Amt::*, Op::*, Recipient::*, Slippage::*}};");
    let _ = writeln!(out, "    diem_tests::model_run::replay_from_launch(&[");
    for op in ops {
        let _ = writeln!(out, "        {op:?},");
    }
    let _ = writeln!(out, "    ])\n    .await;\n}}");
    out
}

/// What a run of random sequences did.
#[derive(Debug, Default)]
pub struct Summary {
    pub operations: usize,
    pub tally: std::collections::BTreeMap<(&'static str, String), usize>,
    pub edges: std::collections::BTreeMap<Edge, usize>,
    pub max_compute_units: std::collections::BTreeMap<&'static str, u64>,
}

/// Runs random sequences totalling at least `operations` operations (sequences of up to
/// `length`) from `seed`, in batches until the total is reached; on a disagreement, shrinks it
/// and panics with the minimal sequence as a test.
pub fn check_random_sequences(operations: usize, length: usize, seed: u64) -> Summary {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let summary = std::cell::RefCell::new(Summary::default());
    let mut batch = 0u64;
    while summary.borrow().operations < operations {
        let remaining = operations - summary.borrow().operations;
        // Sequence lengths are uniform in 1..=length: (length + 1) / 2 operations a case on average.
        let cases = (2 * remaining).div_ceil(length + 1).max(1) as u32;
        let config = Config { cases, failure_persistence: None, max_shrink_iters: 2_000, ..Config::default() };
        let mut seed_bytes = [0u8; 32];
        seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
        seed_bytes[8..16].copy_from_slice(&batch.to_le_bytes());
        let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes));
        let result = runner.run(&sequence(length), |ops| {
            let pair = runtime.block_on(run_sequence(&ops)).map_err(|e| TestCaseError::fail(e))?;
            let mut s = summary.borrow_mut();
            s.operations += ops.len();
            for (k, n) in pair.tally {
                *s.tally.entry(k).or_default() += n;
            }
            for (k, n) in pair.edges {
                *s.edges.entry(k).or_default() += n;
            }
            for (k, units) in pair.max_compute_units {
                let max = s.max_compute_units.entry(k).or_default();
                *max = (*max).max(units);
            }
            Ok(())
        });
        match result {
            Ok(()) => {}
            Err(TestError::Fail(reason, ops)) => panic!(
                "model and chain disagree (seed {seed:#x}, batch {batch}); minimal sequence:\n\n{}",
                as_test(&ops, &reason.to_string())
            ),
            Err(TestError::Abort(reason)) => panic!("aborted: {reason}"),
        }
        batch += 1;
    }
    summary.into_inner()
}
