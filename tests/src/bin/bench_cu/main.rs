//! Compute-unit benchmark: runs every diem instruction on the SBF binary, splits each cost into
//! the token-program CPIs and the program's own share (from the invocation log), measures the
//! reference program (`tests/programs/cu-reference`, same toolchain, same token CPIs, nothing
//! else) in the same bank, and writes `COMPUTE_UNITS.md`. Run it with `scripts/bench-cu.sh`.
#![allow(deprecated)]
mod p_token;

use std::fmt::Write as _;

use anchor_lang::prelude::Pubkey;
use anchor_lang::{InstructionData, ToAccountMetas};
use diem::constants::*;
use diem::state::{CurveEntry, DiemStake, Position};
use diem_client::ops::user::opened_ticket;
use diem_client::{ix, pda};
use diem_tests::*;
use solana_signer::Signer;

const TOKEN: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const TOKEN_2022: &str = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";

/// Where an instruction's compute went.
#[derive(Clone, Debug, Default)]
struct Breakdown {
    total: u64,
    token_cpi: u64,
    event_cpi: u64,
    /// The meter when the program was invoked (`consumed N of M`).
    meter: u64,
    /// Units remaining at each `cu_trace::mark` (a `cu-trace` build only).
    marks: Vec<u64>,
}

impl Breakdown {
    fn own(&self) -> u64 {
        self.total - self.token_cpi
    }
}

/// Reads the invocation log of a one-instruction transaction of `program`: the top-level
/// `consumed` line is the total; `consumed` lines of token programs invoked directly by it are
/// the token CPIs; its own nested invocations are the event self-CPIs.
fn breakdown(logs: &[String], program: &Pubkey) -> Breakdown {
    let program = program.to_string();
    let mut stack: Vec<String> = Vec::new();
    let mut b = Breakdown::default();
    for line in logs {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Program", id, "invoke", _depth] => stack.push(id.to_string()),
            ["Program", "consumption:", units, "units", "remaining"] if stack.len() == 1 && stack[0] == program => {
                b.marks.push(units.parse().expect("units"));
            }
            ["Program", id, "consumed", units, "of", meter, "compute", "units"] => {
                let units: u64 = units.parse().expect("units");
                let depth = stack.len();
                if depth == 1 && *id == program {
                    b.total = units;
                    b.meter = meter.parse().expect("units");
                } else if depth == 2 && stack[0] == program && (*id == TOKEN || *id == TOKEN_2022) {
                    b.token_cpi += units;
                } else if depth == 2 && stack[0] == program && *id == program {
                    b.event_cpi += units;
                }
            }
            ["Program", _id, "success"] | ["Program", _id, "failed:", ..] => {
                stack.pop();
            }
            _ => {}
        }
    }
    assert!(b.total > 0, "no top-level consumption for {program} in {logs:#?}");
    b
}

struct Row {
    instruction: &'static str,
    case: String,
    cost: Breakdown,
    reference: &'static str,
}

#[tokio::main]
async fn main() {
    assert!(bpf_mode(), "set SBF_OUT_DIR to the folder with diem.so and cu_reference.so (scripts/bench-cu.sh does)");
    let mut rows: Vec<Row> = Vec::new();
    let mut refs: std::collections::BTreeMap<&'static str, Breakdown> = Default::default();
    // DIEM_CU_P_TOKEN_OUT: run everything with SPL Token as p-token and write each row's total
    // there (the first pass of scripts/bench-cu.sh); DIEM_CU_P_TOKEN: read those totals into the
    // table's "p-token live" column.
    let p_token_out = std::env::var("DIEM_CU_P_TOKEN_OUT").ok();
    let mut programs = vec![("cu_reference", cu_reference::ID, None)];
    if p_token_out.is_some() {
        programs.push(("p_token", anchor_spl::token::ID, None));
    }
    let env = Env::with_programs(None, programs).await;

    // initialize (fixed cost but for the metadata URI length: measured with the longest allowed).
    let mut env = env;
    let mut args = env.initialize_args(launch_params(), pause::LAUNCH_INFLOWS);
    args.diem_uri = "u".repeat(MAX_URI_LEN);
    let deployer = env.deployer.insecure_clone();
    let initialize = ix::initialize(deployer.pubkey(), &env.deployment, env.treasury, args);
    let out = env.send(&[initialize], &[&deployer]).await.unwrap();
    rows.push(Row {
        instruction: "initialize",
        case: format!("{MAX_URI_LEN}-byte URI (worst)"),
        cost: breakdown(&out.logs, &diem::ID),
        reference: "noop",
    });
    let authority = env.authority.insecure_clone();
    let curve = launch_curve();
    let out = env.send(&[ix::clear_curve_staging(authority.pubkey())], &[&authority]).await.unwrap();
    rows.push(Row {
        instruction: "clear_curve_staging",
        case: "empty table".into(),
        cost: breakdown(&out.logs, &diem::ID),
        reference: "noop",
    });
    let mut chunks = ix::replace_curve(authority.pubkey(), &curve);
    let commit = chunks.pop().unwrap();
    let mut stage_cost = Breakdown::default();
    for chunk in chunks {
        stage_cost = breakdown(&env.send(&[chunk], &[&authority]).await.unwrap().logs, &diem::ID);
    }
    rows.push(Row {
        instruction: "stage_curve",
        case: format!("{MAX_CURVE_CHUNK} entries (worst)"),
        cost: stage_cost,
        reference: "noop",
    });
    let out = env.send(&[commit], &[&authority]).await.unwrap();
    rows.push(Row {
        instruction: "commit_curve",
        case: "validates and copies 256 entries".into(),
        cost: breakdown(&out.logs, &diem::ID),
        reference: "noop",
    });
    // During the launch parameters and the treasury change at once.
    let out = env.send(&[ix::set_params(authority.pubkey(), launch_params())], &[&authority]).await.unwrap();
    rows.push(Row {
        instruction: "set_params",
        case: "at the launch".into(),
        cost: breakdown(&out.logs, &diem::ID),
        reference: "noop",
    });
    let out = env.send(&[ix::set_treasury(authority.pubkey(), env.treasury)], &[&authority]).await.unwrap();
    rows.push(Row {
        instruction: "set_treasury",
        case: "at the launch".into(),
        cost: breakdown(&out.logs, &diem::ID),
        reference: "noop",
    });
    // The first inflow opened ends the launch: `PauseUpdated` and `Launched`, two events.
    let out = env.send(&[ix::set_pause(authority.pubkey(), 0)], &[&authority]).await.unwrap();
    rows.push(Row {
        instruction: "set_pause",
        case: "ends the launch (two events)".into(),
        cost: breakdown(&out.logs, &diem::ID),
        reference: "noop",
    });

    let funder = env.user(1_000_000 * ONE_VVV).await;
    let alice = canonical_user(&mut env, 1_000_000 * ONE_VVV, &[]).await;
    let bob = canonical_user(&mut env, 1_000_000 * ONE_VVV, &[alice.pubkey()]).await;
    let measure =
        |rows: &mut Vec<Row>, instruction: &'static str, case: &str, out: Outcome, reference: &'static str| {
            rows.push(Row { instruction, case: case.to_string(), cost: breakdown(&out.logs, &diem::ID), reference });
        };
    let out = env.by(&funder).fund_rewards(900_000 * ONE_VVV).await.unwrap();
    measure(&mut rows, "fund_rewards", "", out, "transfer_in");
    let out = env.by(&alice).stake(100_000 * ONE_VVV, None).await.unwrap();
    measure(&mut rows, "stake", "opens the position (bump 255)", out, "transfer_in");
    env.advance(60).await;
    let out = env.by(&alice).stake(100_000 * ONE_VVV, None).await.unwrap();
    measure(&mut rows, "stake", "existing position", out, "transfer_in");
    env.by(&bob).stake(100_000 * ONE_VVV, None).await.unwrap();
    // Someone sent lamports to Carol's addresses first: opening tops up, allocates and assigns
    // (three system CPIs instead of `create_account`), the worst way to open.
    let carol = canonical_user(&mut env, 1_000 * ONE_VVV, &[bob.pubkey()]).await;
    env.prefund(pda::position(&carol.pubkey()), 1_000);
    env.prefund(pda::diem_stake(&carol.pubkey(), &carol.pubkey()), 1_000);
    let out = env.by(&carol).stake(100 * ONE_VVV, None).await.unwrap();
    measure(&mut rows, "stake", "opens a pre-funded address (bump 255, worst)", out, "transfer_in");
    env.advance(60).await;
    let out = env.by(&alice).unstake(10 * ONE_VVV).await.unwrap();
    let ticket = opened_ticket(&out).unwrap();
    measure(&mut rows, "initiate_unstake", "opens a ticket", out, "noop");
    let out = env.by(&alice).cancel_unstake(&ticket).await.unwrap();
    measure(&mut rows, "cancel_unstake", "", out, "noop");
    let out = env.by(&alice).unstake(10 * ONE_VVV).await.unwrap();
    let ticket = opened_ticket(&out).unwrap();
    let out = env.by(&alice).transfer_ticket(&ticket, bob.pubkey()).await.unwrap();
    measure(&mut rows, "transfer_ticket", "", out, "noop");
    env.advance(7 * SECONDS_PER_DAY).await;
    let out = env.by(&bob).finalize_unstake(&ticket).await.unwrap();
    measure(&mut rows, "finalize_unstake", "closes the ticket", out, "transfer_out");
    let out = env.by(&alice).claim().await.unwrap();
    measure(&mut rows, "claim_rewards", "", out, "transfer_out");
    env.advance(60).await;
    let out = env.by(&bob).claim_and_stake().await.unwrap();
    measure(&mut rows, "claim_and_stake", "", out, "noop");
    let out = env.by(&alice).mint(90 * ONE_VVV, 0).await.unwrap();
    measure(&mut rows, "mint_diem", "within one bucket", out, "mint");
    env.advance(60).await;
    let out = env.anyone().pay_treasury().await.unwrap();
    measure(&mut rows, "pay_treasury", "", out, "transfer_out");
    let q = env.send(&[ix::quote_mint(90 * ONE_VVV)], &[]).await.unwrap();
    measure(&mut rows, "quote_mint", "within one bucket", q, "noop");
    let held = env.balance(alice.diem).await;
    let out = env.by(&alice).burn(held / 3).await.unwrap();
    measure(&mut rows, "burn_diem", "partial", out, "burn");
    let out = env.by(&alice).burn(held - held / 3).await.unwrap();
    measure(&mut rows, "burn_diem", "last (releases all)", out, "burn");
    env.by(&bob).mint(9_000 * ONE_VVV, 0).await.unwrap();
    let out = env.by(&bob).stake_diem(ONE_DIEM, None).await.unwrap();
    measure(&mut rows, "stake_diem", "opens the stake", out, "transfer_in");
    let out = env.by(&bob).stake_diem(ONE_DIEM, None).await.unwrap();
    measure(&mut rows, "stake_diem", "existing stake", out, "transfer_in");
    let out = env.by(&bob).stake_diem(ONE_DIEM, Some(carol.pubkey())).await.unwrap();
    measure(&mut rows, "stake_diem", "opens a stake for another beneficiary", out, "transfer_in");
    let out = env.by(&bob).set_diem_beneficiary(carol.pubkey(), alice.pubkey()).await.unwrap();
    measure(&mut rows, "set_diem_beneficiary", "opens the new beneficiary's stake", out, "noop");
    let out = env.by(&bob).unstake_diem(ONE_DIEM, None).await.unwrap();
    let ticket = opened_ticket(&out).unwrap();
    measure(&mut rows, "initiate_diem_unstake", "opens a ticket", out, "noop");
    let out = env.by(&bob).cancel_diem_unstake(&ticket, None).await.unwrap();
    measure(&mut rows, "cancel_diem_unstake", "", out, "noop");
    let out = env.by(&bob).unstake_diem(ONE_DIEM, None).await.unwrap();
    let ticket = opened_ticket(&out).unwrap();
    env.advance(SECONDS_PER_DAY).await;
    let out = env.by(&bob).finalize_diem_unstake(&ticket).await.unwrap();
    measure(&mut rows, "finalize_diem_unstake", "closes the ticket", out, "transfer_out");
    let out = env.send(&[ix::set_pause(authority.pubkey(), 0)], &[&authority]).await.unwrap();
    measure(&mut rows, "set_pause", "", out, "noop");
    let longest = format!("https://diem.example/{}", "m".repeat(MAX_URI_LEN - 21));
    let out = env.send(&[ix::set_metadata_uri(authority.pubkey(), longest)], &[&authority]).await.unwrap();
    measure(&mut rows, "set_metadata_uri", "200-byte URI, mint grows (worst)", out, "noop");
    let change = diem::state::Change::EmissionRate { rate: 2 * ONE_VVV };
    let out = env.send(&[ix::propose_change(authority.pubkey(), change, env.treasury)], &[&authority]).await.unwrap();
    measure(&mut rows, "propose_change", "queued", out, "noop");
    let out = env.send(&[ix::cancel_change(authority.pubkey(), 0, env.treasury)], &[&authority]).await.unwrap();
    measure(&mut rows, "cancel_change", "", out, "noop");
    let next = env.wallet().await;
    let out = env.send(&[ix::propose_authority(authority.pubkey(), next.pubkey())], &[&authority]).await.unwrap();
    measure(&mut rows, "propose_authority", "", out, "noop");
    let out = env.send(&[ix::accept_authority(next.pubkey())], &[&next]).await.unwrap();
    measure(&mut rows, "accept_authority", "", out, "noop");
    env.send(&[ix::propose_authority(next.pubkey(), authority.pubkey())], &[&next]).await.unwrap();
    env.send(&[ix::accept_authority(authority.pubkey())], &[&authority]).await.unwrap();

    // Worst case of the quote: a lock that crosses all 256 buckets (a flat, cheap curve, so the
    // whole table is affordable); the burn back to zero first so the lock starts at bucket 0.
    // Both of bob's stakes (his own and the one crediting alice), so nothing stays locked.
    let mut tickets = Vec::new();
    for beneficiary in [None, Some(alice.pubkey())] {
        let out = env.by(&bob).unstake_diem(ONE_DIEM, beneficiary).await.unwrap();
        tickets.push(opened_ticket(&out).unwrap());
    }
    env.advance(SECONDS_PER_DAY).await;
    for ticket in &tickets {
        env.by(&bob).finalize_diem_unstake(ticket).await.unwrap();
    }
    for owner in [&bob] {
        let outstanding = env.position(&owner.pubkey()).await.unwrap().balances.outstanding_diem;
        let held = env.balance(owner.diem).await;
        env.by(owner).burn(outstanding.min(held)).await.unwrap();
    }
    let flat: Vec<CurveEntry> =
        (0..CURVE_LEN as u64).map(|i| CurveEntry::new(ONE_DIEM * (i + 1), ONE_VVV as u128)).collect();
    // After the launch a curve is proposed and applied after the delay: the worst apply_change.
    env.by(&authority).propose_curve(&flat).await.unwrap();
    let delay = env.reader().governance().await.unwrap().change_delay;
    env.advance(delay).await;
    let out = env.send(&[ix::apply_change(alice.pubkey(), 5, env.treasury)], &[&alice.key]).await.unwrap();
    measure(&mut rows, "apply_change", "a curve: validates and copies 256 entries (worst)", out, "noop");
    let whole_table = 256 * ONE_VVV;
    let q = env.send(&[ix::quote_mint(whole_table)], &[]).await.unwrap();
    measure(&mut rows, "quote_mint", "crosses all 256 buckets (worst)", q, "noop");
    let out = env.by(&alice).mint(whole_table, 0).await.unwrap();
    measure(&mut rows, "mint_diem", "crosses all 256 buckets (worst)", out, "mint");
    env.transfer_diem(&alice, &carol, ONE_DIEM).await;
    let out = env.by(&carol).stake_diem(ONE_DIEM, None).await.unwrap();
    measure(&mut rows, "stake_diem", "opens a pre-funded address (bump 255, worst)", out, "transfer_in");

    // The reference program, in the same bank: the same token CPIs, nothing else.
    let (ref_authority, _) = Pubkey::find_program_address(&[cu_reference::AUTHORITY_SEED], &cu_reference::ID);
    let vvv = env.deployment.vvv_mint;
    let user = env.user(1_000 * ONE_VVV).await;
    let pda_vvv = env.token_account(vvv, ref_authority, spl_token_interface::ID).await;
    let ref_mint = reference_mint(&mut env, ref_authority).await;
    let user_ref = env.token_account(ref_mint, user.pubkey(), anchor_spl::token_2022::ID).await;
    let reference =
        |accounts: &dyn ToAccountMetas, data: &dyn Fn() -> Vec<u8>| ix_of(accounts.to_account_metas(None), data());
    let run = |ix: Instruction, signers: Vec<solana_keypair::Keypair>| (ix, signers);
    let cases = vec![
        (
            "noop",
            run(
                reference(&cu_reference::accounts::Noop { user: user.pubkey() }, &|| {
                    cu_reference::instruction::Noop {}.data()
                }),
                vec![user.key.insecure_clone()],
            ),
        ),
        (
            "transfer_in",
            run(
                reference(
                    &cu_reference::accounts::TransferIn {
                        user: user.pubkey(),
                        from: user.vvv,
                        to: pda_vvv,
                        mint: vvv,
                        token_program: spl_token_interface::ID,
                    },
                    &|| cu_reference::instruction::TransferIn { amount: 10 * ONE_VVV }.data(),
                ),
                vec![user.key.insecure_clone()],
            ),
        ),
        (
            "transfer_out",
            run(
                reference(
                    &cu_reference::accounts::TransferOut {
                        authority: ref_authority,
                        from: pda_vvv,
                        to: user.vvv,
                        mint: vvv,
                        token_program: spl_token_interface::ID,
                    },
                    &|| cu_reference::instruction::TransferOut { amount: ONE_VVV }.data(),
                ),
                vec![],
            ),
        ),
        (
            "mint",
            run(
                reference(
                    &cu_reference::accounts::MintWithPda {
                        authority: ref_authority,
                        mint: ref_mint,
                        to: user_ref,
                        token_program: anchor_spl::token_2022::ID,
                    },
                    &|| cu_reference::instruction::Mint { amount: 5 * ONE_DIEM }.data(),
                ),
                vec![],
            ),
        ),
        (
            "burn",
            run(
                reference(
                    &cu_reference::accounts::Burn {
                        user: user.pubkey(),
                        mint: ref_mint,
                        from: user_ref,
                        token_program: anchor_spl::token_2022::ID,
                    },
                    &|| cu_reference::instruction::Burn { amount: ONE_DIEM }.data(),
                ),
                vec![user.key.insecure_clone()],
            ),
        ),
    ];
    for (name, (ix, signers)) in cases {
        let signers: Vec<&solana_keypair::Keypair> = signers.iter().collect();
        let out = env.send(&[ix], &signers).await.unwrap_or_else(|e| panic!("reference {name}: {e:?}"));
        refs.insert(name, breakdown(&out.logs, &cu_reference::ID));
    }

    if let Some(path) = p_token_out {
        std::fs::write(&path, p_token::totals_file(rows.iter().map(|r| (r.instruction, r.case.as_str(), &r.cost))))
            .expect("write the p-token totals");
        return;
    }
    let live = match std::env::var("DIEM_CU_P_TOKEN") {
        Ok(path) => p_token::Totals::parse(&std::fs::read_to_string(&path).expect("read the p-token totals")),
        Err(_) => p_token::Totals::default(),
    };
    if let Ok(path) = std::env::var("DIEM_CU_PHASES") {
        std::fs::write(&path, phases_table(&rows)).expect("write the phase table");
        return;
    }
    let rent = anchor_lang::prelude::Rent::default();
    let so = |name: &str| {
        std::fs::metadata(std::path::Path::new(&std::env::var("SBF_OUT_DIR").unwrap()).join(name))
            .map(|m| m.len())
            .unwrap_or(0)
    };
    let mut md = String::new();
    writeln!(md, "# Compute units\n").unwrap();
    writeln!(md, "Generated by `bash scripts/bench-cu.sh` (the `bench_cu` binary of `tests/`) from `target/deploy/diem.so`, built by").unwrap();
    writeln!(md, "`scripts/build-sbf.sh` (Debian rustc-web 1.96 on LLVM 22 + patched sbpf-linker, SBPF v0, `opt-level = \"s\"`), run in").unwrap();
    writeln!(md, "solana-program-test 3.1.12 (BPF mode, SPL Token and Token-2022 ELFs bundled with it). Figures are this toolchain's:").unwrap();
    writeln!(md, "compare them as ratios, not with a platform-tools build.\n").unwrap();
    writeln!(md, "*own* = total − the token-program CPIs (it includes the event self-CPI, shown separately, and the CPI invocation overhead).").unwrap();
    writeln!(md, "*ref own* is the own share of the matching instruction of `tests/programs/cu-reference`: a minimal Anchor instruction built by").unwrap();
    writeln!(
        md,
        "the same toolchain making the same token CPI and nothing else (`noop` where there is no token CPI).\n"
    )
    .unwrap();
    writeln!(
        md,
        "*p-token live* is the same row's total where SPL Token runs as p-token (SIMD-0266, live on mainnet): a second pass \
         of the same instructions with LiteSVM's p-token ELF loaded at SPL Token's address (`scripts/fetch-p-token.sh`). \
         VVV is an SPL Token mint, so its transfers cost about 100 CU there; DIEM is a Token-2022 mint, which p-token does \
         not replace, so DIEM's mint, burn and transfer CPIs cost the same in both columns.\n"
    )
    .unwrap();
    writeln!(
        md,
        "*target* is the lean-program target a user instruction is held to: one that moves no token, at most \
         {NO_TOKEN_TARGET} CU in all; one that does, its own units at most 1.5× its reference's own units (admin and launch \
         instructions: —). A miss says by how many CU.\n"
    )
    .unwrap();
    writeln!(
        md,
        "| instruction | case | total | p-token live | token CPI | own | of which event CPI | reference | ref own | own / ref own | target |"
    )
    .unwrap();
    writeln!(md, "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---|").unwrap();
    for r in &rows {
        let rf = &refs[r.reference];
        let live_total = live.get(r.instruction, &r.case).map_or("—".to_string(), |c| c.total.to_string());
        writeln!(
            md,
            "| `{}` | {} | {} | {} | {} | {} | {} | `{}` | {} | {:.2} | {} |",
            r.instruction,
            r.case,
            r.cost.total,
            live_total,
            r.cost.token_cpi,
            r.cost.own(),
            r.cost.event_cpi,
            r.reference,
            rf.own(),
            r.cost.own() as f64 / rf.own() as f64,
            target_status(r, rf)
        )
        .unwrap();
    }
    writeln!(md, "\nReference instructions:\n").unwrap();
    writeln!(md, "| reference | total | token CPI | own |").unwrap();
    writeln!(md, "|---|---:|---:|---:|").unwrap();
    for (name, b) in &refs {
        writeln!(md, "| `{name}` | {} | {} | {} |", b.total, b.token_cpi, b.own()).unwrap();
    }
    writeln!(md, "\n## Size and rent\n").unwrap();
    writeln!(md, "| item | bytes | rent-exempt lamports |").unwrap();
    writeln!(md, "|---|---:|---:|").unwrap();
    writeln!(
        md,
        "| `diem.so` | {} | {} (program data, upgradeable loader adds 45 bytes of header) |",
        so("diem.so"),
        rent.minimum_balance(so("diem.so") as usize + 45)
    )
    .unwrap();
    for (name, len) in [
        ("`Position` (per sVVV staker)", 8 + std::mem::size_of::<Position>()),
        ("`DiemStake` (per controller and beneficiary)", 8 + std::mem::size_of::<DiemStake>()),
        ("`UnstakeTicket` (per open request; back to its payer when it closes)", diem::state::UnstakeTicket::SPACE),
    ] {
        writeln!(md, "| {name} | {len} | {} |", rent.minimum_balance(len)).unwrap();
    }
    writeln!(md, "\n## The owner's key\n").unwrap();
    writeln!(
        md,
        "`stake` and `stake_diem` open the owner's account on first use (`diem::owner_account`). Opening searches for the \
         canonical bump, 1,500 CU per bump rejected, because only the canonical address keeps one account per owner; once \
         the account exists it is recognized by its stored owner (no derivation) and the cost is the same for every key. \
         The rows above open at bump 255 (no bump rejected); for any other owner add 1,500 CU per rejected bump \
         (`255 − bump`, known off chain before signing). Half of all keys reject none, and a key rejects `k` or more \
         with probability 2⁻ᵏ. `tests/tests/compute_keys.rs` checks on the binary, over owners whose bumps run from 255 \
         to 250, that opening costs exactly the bump-255 figure plus 1,500 CU per rejected bump and that every other \
         call costs the same for every key; the suite's compute limit for an opening adds the same 1,500 CU per rejected bump.\n"
    )
    .unwrap();
    writeln!(md, "\n## How many fit in one block\n").unwrap();
    writeln!(
        md,
        "Every user instruction writes the one `Config` account, and the cluster caps the compute of all transactions \
         that write one account in a block at {MAX_WRITABLE_ACCOUNT_UNITS} CU (block limit {MAX_BLOCK_UNITS} CU): at \
         most that many calls land in one block, whoever sends them (with a compute-unit limit set to the measured cost; \
         without one the scheduler reserves 200,000 CU per instruction, and 60 fit).\n"
    )
    .unwrap();
    writeln!(md, "| instruction | case | total CU | per block | p-token live: total CU | per block |").unwrap();
    writeln!(md, "|---|---|---:|---:|---:|---:|").unwrap();
    for r in rows.iter().filter(|r| {
        matches!(r.instruction, "stake" | "mint_diem" | "stake_diem" | "burn_diem" | "initiate_diem_unstake" | "initiate_unstake")
    }) {
        let (live_total, live_per_block) = match live.get(r.instruction, &r.case) {
            Some(c) => (c.total.to_string(), (MAX_WRITABLE_ACCOUNT_UNITS / c.total).to_string()),
            None => ("—".to_string(), "—".to_string()),
        };
        writeln!(
            md,
            "| `{}` | {} | {} | {} | {} | {} |",
            r.instruction,
            r.case,
            r.cost.total,
            MAX_WRITABLE_ACCOUNT_UNITS / r.cost.total,
            live_total,
            live_per_block
        )
        .unwrap();
    }
    let budgets = compute_budgets();
    writeln!(md, "\n## Budgets\n").unwrap();
    writeln!(md, "`tests/compute_budgets.toml` caps each instruction when the suite runs on the binary; the worst case measured here against it:\n").unwrap();
    writeln!(md, "| instruction | worst measured | budget |").unwrap();
    writeln!(md, "|---|---:|---:|").unwrap();
    let mut worst: std::collections::BTreeMap<&str, u64> = Default::default();
    for r in &rows {
        let w = worst.entry(r.instruction).or_default();
        *w = (*w).max(r.cost.total);
    }
    for (name, w) in &worst {
        let budget = budgets.get(*name).map(|b| b.to_string()).unwrap_or_else(|| "—".into());
        writeln!(md, "| `{name}` | {w} | {budget} |").unwrap();
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../COMPUTE_UNITS.md");
    std::fs::write(&path, &md).expect("write COMPUTE_UNITS.md");
    print!("{md}");
    // A report, not a gate (the BPF suite enforces the budgets): flag what would fail there.
    for (name, w) in worst.iter().filter(|(n, w)| budgets.get(**n).is_some_and(|b| **w > *b as u64)) {
        eprintln!("warning: {name} measured {w} CU, above its budget in tests/compute_budgets.toml");
    }
}

/// The instructions a holder sends (and a DeFi program calls by CPI).
const USER_INSTRUCTIONS: [&str; 17] = [
    "stake",
    "initiate_unstake",
    "cancel_unstake",
    "finalize_unstake",
    "transfer_ticket",
    "fund_rewards",
    "claim_rewards",
    "claim_and_stake",
    "pay_treasury",
    "mint_diem",
    "quote_mint",
    "burn_diem",
    "stake_diem",
    "initiate_diem_unstake",
    "cancel_diem_unstake",
    "finalize_diem_unstake",
    "set_diem_beneficiary",
];

/// The lean-program target for a user instruction that moves no token: its whole cost.
const NO_TOKEN_TARGET: u64 = 5_000;

/// Whether a row meets its lean-program target (see the table's legend), and by how much it
/// misses if not. `reference` is the row's matching reference instruction.
fn target_status(r: &Row, reference: &Breakdown) -> String {
    if !USER_INSTRUCTIONS.contains(&r.instruction) {
        return "—".into();
    }
    if r.cost.token_cpi == 0 {
        return match r.cost.total.checked_sub(NO_TOKEN_TARGET) {
            None | Some(0) => format!("≤ {NO_TOKEN_TARGET} CU: met"),
            Some(over) => format!("≤ {NO_TOKEN_TARGET} CU: misses by {over}"),
        };
    }
    let limit = reference.own() * 3 / 2;
    match r.cost.own().checked_sub(limit) {
        None | Some(0) => "own ≤ 1.5× ref: met".into(),
        Some(over) => format!("own ≤ 1.5× ref ({limit}): misses by {over}"),
    }
}

/// The cluster's cap on the compute of the transactions that write one account, per block.
const MAX_WRITABLE_ACCOUNT_UNITS: u64 = 12_000_000;
/// The cluster's block limit (SIMD-0256).
const MAX_BLOCK_UNITS: u64 = 60_000_000;

/// Where each user instruction's compute goes, phase by phase, from a `cu-trace` build's markers
/// (`diem::cu_trace`): the runtime's entrypoint (its first marker: deserializing every account
/// into an `AccountInfo`), dispatch and Anchor's account deserialization and constraints, the
/// `validate` checks, the handler (its own checks and maths; the token CPIs apart), the event
/// self-CPI, and what follows (writing the accounts back).
fn phases_table(rows: &[Row]) -> String {
    let mut md = String::new();
    writeln!(
        md,
        "| instruction | case | total | entrypoint | dispatch and accounts | validate | handler | token CPI | event | write-back and exit |"
    )
    .unwrap();
    writeln!(md, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|").unwrap();
    // The user instructions carry markers (`diem::lib`); an admin instruction's only markers are
    // the entrypoint's and its events', which say nothing of its phases.
    for r in rows.iter().filter(|r| USER_INSTRUCTIONS.contains(&r.instruction)) {
        let b = &r.cost;
        if b.marks.len() < 4 {
            continue;
        }
        let used = |remaining: u64| b.meter - remaining;
        let entrypoint = used(b.marks[0]);
        let marks = &b.marks[1..];
        let n = marks.len();
        let (event_start, event_end) = (used(marks[n - 2]), used(marks[n - 1]));
        let handler_start = used(marks[n - 3]);
        let (accounts, validate) = if n >= 4 {
            let before_checks = used(marks[n - 4]);
            (before_checks - entrypoint, handler_start - before_checks)
        } else {
            (handler_start - entrypoint, 0)
        };
        writeln!(
            md,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.instruction,
            r.case,
            b.total,
            entrypoint,
            accounts,
            validate,
            event_start - handler_start - b.token_cpi,
            b.token_cpi,
            event_end - event_start,
            b.total - event_end
        )
        .unwrap();
    }
    md
}

/// A wallet whose position and DIEM-stake addresses, and the addresses of the first tickets each
/// opens, take the first bump tried (255), and so do the DIEM stakes between it and each of
/// `stakes_with`, in either direction: every row opens without a rejected bump, so no row
/// depends on a random key; the tests' limits add 1,500 CU per rejected bump of other addresses.
async fn canonical_user(env: &mut Env, vvv: u64, stakes_with: &[Pubkey]) -> User {
    const TICKETS: u64 = 4;
    let first_try = |seeds: &[&[u8]]| Pubkey::find_program_address(seeds, &diem::ID).1 == 255;
    let tickets_first_try =
        |source: &Pubkey| (0..TICKETS).all(|n| first_try(&[TICKET_SEED, source.as_ref(), &n.to_le_bytes()]));
    loop {
        let key = solana_keypair::Keypair::new();
        let owner = key.pubkey();
        if first_try(&[POSITION_SEED, owner.as_ref()])
            && first_try(&[DIEM_STAKE_SEED, owner.as_ref(), owner.as_ref()])
            && tickets_first_try(&pda::position(&owner))
            && tickets_first_try(&pda::diem_stake(&owner, &owner))
            && stakes_with.iter().all(|other| {
                first_try(&[DIEM_STAKE_SEED, owner.as_ref(), other.as_ref()])
                    && first_try(&[DIEM_STAKE_SEED, other.as_ref(), owner.as_ref()])
            })
        {
            let key = env.fund_wallet(key).await;
            return env.user_with_key(key, vvv).await;
        }
    }
}

fn ix_of(accounts: Vec<anchor_lang::prelude::AccountMeta>, data: Vec<u8>) -> Instruction {
    Instruction { program_id: cu_reference::ID, accounts, data }
}

/// A Token-2022 mint (no extensions) whose mint authority is the reference program's PDA.
async fn reference_mint(env: &mut Env, authority: Pubkey) -> Pubkey {
    let mint = solana_keypair::Keypair::new();
    let payer = env.ctx.payer.pubkey();
    let token_2022 = anchor_spl::token_2022::ID;
    let ixs = diem_client::tokens::create_mint(&payer, &mint.pubkey(), &authority, DIEM_DECIMALS, &token_2022).unwrap();
    env.send(&ixs, &[&mint]).await.unwrap();
    mint.pubkey()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(instruction: &'static str, total: u64, token_cpi: u64) -> Row {
        Row {
            instruction,
            case: String::new(),
            cost: Breakdown { total, token_cpi, ..Default::default() },
            reference: "noop",
        }
    }

    #[test]
    fn targets_say_met_or_by_how_much_they_miss() {
        let noop = Breakdown { total: 452, ..Default::default() };
        let transfer = Breakdown { total: 11_724, token_cpi: 6_174, ..Default::default() };
        assert_eq!(target_status(&row("transfer_ticket", 5_000, 0), &noop), "≤ 5000 CU: met");
        assert_eq!(target_status(&row("transfer_ticket", 5_386, 0), &noop), "≤ 5000 CU: misses by 386");
        // own 8,325 = 1.5 × 5,550: met; one unit more misses by one.
        assert_eq!(target_status(&row("stake", 14_499, 6_174), &transfer), "own ≤ 1.5× ref: met");
        assert_eq!(target_status(&row("stake", 14_500, 6_174), &transfer), "own ≤ 1.5× ref (8325): misses by 1");
        assert_eq!(target_status(&row("set_params", 90_000, 0), &noop), "—");
    }
}
