//! One or more named tests per attack class (SECURITY.md, "Attack table"): each shows the
//! attack fails, with the error expected, and that nothing moved.
#![allow(deprecated)]
use anchor_lang::error::ErrorCode as Anchor;
use anchor_lang::prelude::Pubkey;
use anchor_lang::{AnchorSerialize, Discriminator, InstructionData, ToAccountMetas};
use diem::constants::*;
use diem::errors::DiemError;
use diem_client::{ix, pda};
use diem_tests::*;
use solana_account::Account;
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_program_test::processor;
use solana_signer::Signer;
use solana_transaction_error::TransactionError;

diem_bank::native_entry!(attacker_entry, diem_attacker::entry);

/// A launched env with the attacker program loaded, and Alice with a bit of everything: an sVVV
/// position with DIEM minted, a pending sVVV unstake, and a DIEM stake with a pending unstake.
async fn setup() -> (Env, User) {
    let env = Env::with_programs(None, vec![("diem_attacker", diem_attacker::ID, processor!(attacker_entry))]).await;
    let mut env = Env::launch(env).await;
    let alice = env.user(100_000 * ONE_VVV).await;
    env.by(&alice).fund_rewards(10_000 * ONE_VVV).await.unwrap();
    env.by(&alice).stake(50_000 * ONE_VVV, None).await.unwrap();
    env.by(&alice).mint(9_000 * ONE_VVV, 0).await.unwrap();
    let diem = env.balance(alice.diem).await;
    env.by(&alice).stake_diem(diem / 2, None).await.unwrap();
    env.by(&alice).unstake_diem(diem / 4, None).await.unwrap();
    env.by(&alice).unstake(1_000 * ONE_VVV).await.unwrap();
    env.advance(8 * SECONDS_PER_DAY).await;
    (env, alice)
}

/// Alice's two open tickets from `setup`, both due: her sVVV ticket and her DIEM ticket.
fn alice_tickets(alice: &User) -> (TicketRef, TicketRef) {
    let a = alice.pubkey();
    let svvv = TicketRef { address: pda::ticket(&pda::position(&a), 0), owner: a, rent_payer: a };
    let diem = TicketRef { address: pda::ticket(&pda::diem_stake(&a, &a), 0), owner: a, rent_payer: a };
    (svvv, diem)
}

/// Every instruction of the program, built as its rightful signer would send it.
fn every_instruction(env: &Env, alice: &User) -> Vec<(&'static str, Instruction)> {
    let d = env.deployment;
    let a = alice.pubkey();
    let (svvv, diem_ticket) = alice_tickets(alice);
    let auth = env.authority.pubkey();
    let curve = launch_curve();
    vec![
        ("stake", ix::stake(&d, a, alice.vvv, ONE_VVV, a)),
        ("initiate_unstake", ix::initiate_unstake(a, a, 1, ONE_VVV)),
        ("cancel_unstake", ix::cancel_unstake(&svvv)),
        ("finalize_unstake", ix::finalize_unstake(&d, &svvv, alice.vvv)),
        ("transfer_ticket", ix::transfer_ticket(&svvv, auth)),
        ("claim_rewards", ix::claim_rewards(&d, a, alice.vvv)),
        ("claim_and_stake", ix::claim_and_stake(a)),
        ("fund_rewards", ix::fund_rewards(&d, a, alice.vvv, ONE_VVV)),
        ("mint_diem", ix::mint_diem(a, alice.diem, ONE_VVV, 0)),
        ("burn_diem", ix::burn_diem(a, alice.diem, 1)),
        ("stake_diem", ix::stake_diem(a, a, alice.diem, 1)),
        ("initiate_diem_unstake", ix::initiate_diem_unstake(a, a, a, 1, 1)),
        ("cancel_diem_unstake", ix::cancel_diem_unstake(&diem_ticket, a)),
        ("finalize_diem_unstake", ix::finalize_diem_unstake(&diem_ticket, alice.diem)),
        ("set_diem_beneficiary", ix::set_diem_beneficiary(a, a, auth)),
        ("set_params", ix::set_params(auth, launch_params())),
        ("set_pause", ix::set_pause(auth, 0)),
        ("set_treasury", ix::set_treasury(auth, env.treasury)),
        ("propose_authority", ix::propose_authority(auth, a)),
        ("accept_authority", ix::accept_authority(a)),
        ("stage_curve", ix::stage_curve(auth, 0, &curve[..4])),
        ("commit_curve", ix::commit_curve(auth, diem::math::curve::curve_hash(&curve))),
        ("clear_curve_staging", ix::clear_curve_staging(auth)),
        (
            "initialize",
            ix::initialize(
                env.deployer.pubkey(),
                &d,
                env.treasury,
                env.initialize_args(launch_params(), pause::LAUNCH_INFLOWS),
            ),
        ),
    ]
}

/// The failing instruction's error, wherever it sits in the transaction (the bank prepends
/// compute-budget instructions).
fn instruction_error(err: TransactionError) -> InstructionError {
    match err {
        TransactionError::InstructionError(_, e) => e,
        other => panic!("not an instruction error: {other:?}"),
    }
}

/// What the runtime reports when a program signs for a key it cannot sign for: the SBF
/// runtime's PrivilegeEscalation; the native build's CPI stub makes the same check but panics,
/// which the bank reports as ProgramFailedToComplete.
fn escalation() -> InstructionError {
    if bpf_mode() { InstructionError::PrivilegeEscalation } else { InstructionError::ProgramFailedToComplete }
}

fn signers_of(ix: &Instruction) -> Vec<Pubkey> {
    ix.accounts.iter().filter(|m| m.is_signer).map(|m| m.pubkey).collect()
}

/// Missing signer: every signer of every instruction, cleared one at a time, is refused.
#[tokio::test]
async fn every_signer_of_every_instruction_is_required() {
    let (mut env, alice) = setup().await;
    let keys: Vec<Keypair> =
        vec![alice.key.insecure_clone(), env.authority.insecure_clone(), env.deployer.insecure_clone()];
    let mut cleared = 0;
    let instructions = every_instruction(&env, &alice);
    assert_eq!(instructions.len(), 24, "every instruction but quote_mint, which signs nothing");
    for (name, instruction) in instructions {
        let signers = signers_of(&instruction);
        assert!(!signers.is_empty(), "{name} has no signer");
        for missing in &signers {
            let ix = unsign(instruction.clone(), *missing);
            let others: Vec<&Keypair> =
                keys.iter().filter(|k| signers.contains(&k.pubkey()) && k.pubkey() != *missing).collect();
            let err = env.send_err(&[ix], &others).await;
            assert_eq!(
                instruction_error(err),
                InstructionError::Custom(Anchor::AccountNotSigner as u32),
                "{name} without {missing}"
            );
            cleared += 1;
        }
    }
    assert!(cleared >= 24, "{cleared} signatures cleared");
}

/// Wrong account data: someone else's position, a vault that is not the config's, a token
/// account of another mint, a vault passed as a user's account.
#[tokio::test]
async fn accounts_that_are_not_the_right_ones_are_refused() {
    let (mut env, alice) = setup().await;
    let mallory = env.user(1_000 * ONE_VVV).await;
    env.by(&mallory).stake(100 * ONE_VVV, None).await.unwrap();
    let d = env.deployment;
    // Mallory acts on Alice's position.
    let ix = swap_account(
        ix::initiate_unstake(mallory.pubkey(), mallory.pubkey(), 0, 1),
        pda::position(&mallory.pubkey()),
        pda::position(&alice.pubkey()),
    );
    assert_diem_err(env.send_err(&[ix], &[&mallory.key]).await, DiemError::NotPositionOwner);
    // A VVV account that is not the config's vault, as the vault (a vault of "another config").
    let other_vault = env.token_account(d.vvv_mint, mallory.pubkey(), d.vvv_token_program).await;
    let ix = swap_account(ix::claim_rewards(&d, mallory.pubkey(), mallory.vvv), pda::vvv_vault(), other_vault);
    assert_anchor_err(env.send_err(&[ix], &[&mallory.key]).await, Anchor::ConstraintHasOne);
    // A token account of another mint (DIEM) where VVV is expected.
    let ix = ix::stake(&d, mallory.pubkey(), mallory.diem, 1, mallory.pubkey());
    assert_diem_err(env.send_err(&[ix], &[&mallory.key]).await, DiemError::WrongMint);
    // The program's own vault as the source of a user's deposit: not the signer's account.
    for ix in [
        ix::stake(&d, mallory.pubkey(), pda::vvv_vault(), 1, mallory.pubkey()),
        ix::fund_rewards(&d, mallory.pubkey(), pda::vvv_vault(), 1),
        ix::stake_diem(mallory.pubkey(), mallory.pubkey(), pda::diem_vault(), 1),
    ] {
        assert_diem_err(env.send_err(&[ix], &[&mallory.key]).await, DiemError::TokenAccountNotOwned);
    }
    // Alice's DIEM, burned by Mallory against Mallory's position.
    let ix = ix::burn_diem(mallory.pubkey(), alice.diem, 1);
    assert_diem_err(env.send_err(&[ix], &[&mallory.key]).await, DiemError::BurnExceedsOutstanding);
}

fn copy_of(account: Account, owner: Pubkey) -> Account {
    Account { owner, ..account }
}

/// Wrong owner program: Alice's position copied to an address another program owns.
#[tokio::test]
async fn accounts_owned_by_another_program_are_refused() {
    let (mut env, alice) = setup().await;
    let position = env.account(pda::position(&alice.pubkey())).await.unwrap();
    for owner in [anchor_spl::token::ID, anchor_lang::solana_program::system_program::ID, diem_attacker::ID] {
        let fake = Pubkey::new_unique();
        env.bank.set_account(fake, copy_of(position.clone(), owner));
        let ix = swap_account(ix::initiate_unstake(alice.pubkey(), alice.pubkey(), 1, 1), pda::position(&alice.pubkey()), fake);
        assert_anchor_err(env.send_err(&[ix], &[&alice.key]).await, Anchor::AccountOwnedByWrongProgram);
    }
    // And the config, likewise.
    let config = env.account(pda::config()).await.unwrap();
    let fake = Pubkey::new_unique();
    env.bank.set_account(fake, copy_of(config, diem_attacker::ID));
    let ix = swap_account(ix::claim_rewards(&env.deployment, alice.pubkey(), alice.vvv), pda::config(), fake);
    assert_anchor_err(env.send_err(&[ix], &[&alice.key]).await, Anchor::AccountOwnedByWrongProgram);
}

/// Type cosplay: an account of another diem type where a position is expected: Alice's own DIEM
/// stake, and a position-sized account carrying the DIEM-stake discriminator.
#[tokio::test]
async fn an_account_of_another_type_is_refused_by_its_discriminator() {
    let (mut env, alice) = setup().await;
    let ix = swap_account(
        ix::initiate_unstake(alice.pubkey(), alice.pubkey(), 1, 1),
        pda::position(&alice.pubkey()),
        pda::diem_stake(&alice.pubkey(), &alice.pubkey()),
    );
    assert_anchor_err(env.send_err(&[ix], &[&alice.key]).await, Anchor::AccountDiscriminatorMismatch);
    let mut position = env.account(pda::position(&alice.pubkey())).await.unwrap();
    position.data[..8].copy_from_slice(diem::state::DiemStake::DISCRIMINATOR);
    let forged = Pubkey::new_unique();
    env.bank.set_account(forged, position);
    let ix = swap_account(ix::initiate_unstake(alice.pubkey(), alice.pubkey(), 1, 1), pda::position(&alice.pubkey()), forged);
    assert_anchor_err(env.send_err(&[ix], &[&alice.key]).await, Anchor::AccountDiscriminatorMismatch);
    // The config where a position is expected (both are the program's; the types differ).
    let ix = swap_account(ix::initiate_unstake(alice.pubkey(), alice.pubkey(), 1, 1), pda::position(&alice.pubkey()), pda::config());
    assert_anchor_err(env.send_err(&[ix], &[&alice.key]).await, Anchor::AccountDiscriminatorMismatch);
}

/// Reinitialization: the config cannot be initialized twice; a position and a DIEM stake that
/// exist are added to, never reset, whoever pays.
#[tokio::test]
async fn nothing_can_be_initialized_twice() {
    let (mut env, alice) = setup().await;
    let config = env.account(pda::config()).await.unwrap();
    let deployer = env.deployer.insecure_clone();
    let args = env.initialize_args(launch_params(), pause::LAUNCH_INFLOWS);
    let ix = ix::initialize(deployer.pubkey(), &env.deployment, env.treasury, args);
    env.send_err(&[ix], &[&deployer]).await;
    assert_eq!(env.account(pda::config()).await.unwrap(), config);
    let before = env.position(&alice.pubkey()).await.unwrap().balances;
    let mallory = env.user(1_000 * ONE_VVV).await;
    env.by(&mallory).stake(1, Some(alice.pubkey())).await.unwrap();
    let after = env.position(&alice.pubkey()).await.unwrap().balances;
    assert_eq!(
        (after.active, after.locked, after.outstanding_diem),
        (before.active + 1, before.locked, before.outstanding_diem)
    );
    let stake = env.diem_stake(&alice.pubkey()).await.unwrap();
    env.by(&alice).stake_diem(1, None).await.unwrap();
    let again = env.diem_stake(&alice.pubkey()).await.unwrap();
    assert_eq!((again.staked, again.tickets_opened), (stake.staked + 1, stake.tickets_opened));
}

/// Arbitrary CPI: a program that is not the token program or the system program where one is
/// expected.
#[tokio::test]
async fn fake_token_and_system_programs_are_refused() {
    let (mut env, alice) = setup().await;
    let d = env.deployment;
    let fake = diem_attacker::ID;
    let ix = swap_account(ix::stake(&d, alice.pubkey(), alice.vvv, 1, alice.pubkey()), d.vvv_token_program, fake);
    assert_anchor_err(env.send_err(&[ix], &[&alice.key]).await, Anchor::InvalidProgramId);
    let ix = swap_account(ix::burn_diem(alice.pubkey(), alice.diem, 1), anchor_spl::token_2022::ID, fake);
    assert_anchor_err(env.send_err(&[ix], &[&alice.key]).await, Anchor::InvalidProgramId);
    let ix = swap_account(
        ix::stake(&d, alice.pubkey(), alice.vvv, 1, alice.pubkey()),
        anchor_lang::solana_program::system_program::ID,
        fake,
    );
    assert_anchor_err(env.send_err(&[ix], &[&alice.key]).await, Anchor::InvalidProgramId);
    // The SPL Token program where the deployment's VVV uses it is right; Token-2022 is not.
    let (svvv, _) = alice_tickets(&alice);
    let ix = swap_account(
        ix::finalize_unstake(&d, &svvv, alice.vvv),
        d.vvv_token_program,
        anchor_spl::token_2022::ID,
    );
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::WrongTokenProgram);
}

/// Duplicate mutable accounts: the vault as both source and destination of one movement.
#[tokio::test]
async fn a_vault_cannot_be_both_ends_of_a_transfer() {
    let (mut env, alice) = setup().await;
    let d = env.deployment;
    let vault_before = env.balance(pda::vvv_vault()).await;
    let (svvv, diem_ticket) = alice_tickets(&alice);
    let ix = ix::finalize_unstake(&d, &svvv, pda::vvv_vault());
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::DestinationIsVault);
    let ix = ix::stake(&d, alice.pubkey(), pda::vvv_vault(), 1, alice.pubkey());
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::TokenAccountNotOwned);
    let ix = ix::finalize_diem_unstake(&diem_ticket, pda::diem_vault());
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::DestinationIsVault);
    assert_eq!(env.balance(pda::vvv_vault()).await, vault_before);
}

/// Duplicate mutable accounts of the program's own types: Anchor's generic check is off for them
/// (`dup`, SECURITY.md), because an account cannot be both the config and a position, ticket or
/// DIEM stake: the config given in any other writable slot of the program's accounts, and any of
/// those given as the config, is refused by its discriminator or its address, or by name, and
/// changes nothing.
#[tokio::test]
async fn one_account_cannot_fill_two_mutable_slots() {
    let (mut env, alice) = setup().await;
    let keys: Vec<Keypair> =
        vec![alice.key.insecure_clone(), env.authority.insecure_clone(), env.deployer.insecure_clone()];
    let config = pda::config();
    let config_before = env.account(config).await.unwrap();
    let (mut by_discriminator, mut cases) = (0, 0);
    for (name, instruction) in every_instruction(&env, &alice) {
        // `initialize` creates the config: every account it writes is new (Anchor's `init`).
        if name == "initialize" || !instruction.accounts.iter().any(|m| m.pubkey == config && m.is_writable) {
            continue;
        }
        let signers: Vec<&Keypair> = keys.iter().filter(|k| signers_of(&instruction).contains(&k.pubkey())).collect();
        for (i, meta) in instruction.accounts.iter().enumerate().filter(|(_, m)| m.is_writable && m.pubkey != config) {
            let Some(account) = env.account(meta.pubkey).await else { continue };
            if account.owner != diem::ID {
                continue;
            }
            for (slot, alias) in [(i, config), (instruction.accounts.iter().position(|m| m.pubkey == config).unwrap(), meta.pubkey)] {
                let mut ix = instruction.clone();
                ix.accounts[slot].pubkey = alias;
                let err = instruction_error(env.send_err(&[ix], &signers).await);
                let refused = [Anchor::AccountDiscriminatorMismatch as u32, Anchor::ConstraintAddress as u32];
                match err {
                    InstructionError::Custom(c) if refused.contains(&c) => by_discriminator += 1,
                    InstructionError::Custom(c) if c >= anchor_lang::error::ERROR_CODE_OFFSET => {}
                    other => panic!("{name}: {alias} in slot {slot} gave {other:?}"),
                }
                cases += 1;
                assert_eq!(env.account(meta.pubkey).await.unwrap(), account, "{name}: slot {slot}");
            }
        }
    }
    assert_eq!(env.account(config).await.unwrap(), config_before);
    assert!(cases >= 36 && by_discriminator == cases, "{cases} aliasings tried, {by_discriminator} refused by Anchor's checks");
}

/// The deployed entrypoint (`diem::entrypoint`) reads at most 64 accounts into its stack array:
/// an instruction with 64 still runs (the extra ones are ignored, as Anchor ignores them), one
/// with 65 is refused by name and changes nothing. The binary's alone: natively the bank calls
/// Anchor's `entry` directly.
#[tokio::test]
async fn more_accounts_than_the_entrypoint_reads_are_refused_by_name() {
    if !bpf_mode() {
        eprintln!("skipped natively: the lean entrypoint is the .so's (SBF_OUT_DIR)");
        return;
    }
    let (mut env, alice) = setup().await;
    let (svvv, _) = alice_tickets(&alice);
    let bob = env.user(ONE_VVV).await;
    let padded = |count: usize| {
        let mut ix = ix::transfer_ticket(&svvv, bob.pubkey());
        let filler = ix.accounts[0].clone();
        ix.accounts.resize(count, anchor_lang::prelude::AccountMeta::new_readonly(filler.pubkey, false));
        ix
    };
    let before = env.account(svvv.address).await.unwrap();
    assert_diem_err(env.send_err(&[padded(65)], &[&alice.key]).await, DiemError::TooManyAccounts);
    assert_eq!(env.account(svvv.address).await.unwrap(), before);
    // 64 accounts cost more than transfer_ticket's budget (each one read is about 45 CU): sent
    // past the suite's budget check, with the whole limit.
    env.bank.compute_limit = |_| 1_400_000;
    env.bank.send(&[padded(64)], &[&alice.key]).await.unwrap();
    assert_eq!(env.ticket(&svvv.address).await.unwrap().owner, bob.pubkey());
}

/// `owner`'s position address, and the same seeds at the next valid, non-canonical bump.
fn canonical_and_another(owner: &Pubkey) -> (Pubkey, Pubkey) {
    let (canonical, bump) = Pubkey::find_program_address(&[POSITION_SEED, owner.as_ref()], &diem::ID);
    let other = (0..bump)
        .rev()
        .find_map(|b| Pubkey::create_program_address(&[POSITION_SEED, owner.as_ref(), &[b]], &diem::ID).ok())
        .expect("a non-canonical bump");
    (canonical, other)
}

/// Non-canonical bump and PDA sharing: a position at a non-canonical bump of Alice's seeds is
/// refused, and one owner's PDA never serves another.
#[tokio::test]
async fn only_canonical_pdas_of_the_right_owner_are_accepted() {
    let (mut env, alice) = setup().await;
    let (canonical, other) = canonical_and_another(&alice.pubkey());
    let ix = swap_account(ix::stake(&env.deployment, alice.pubkey(), alice.vvv, 1, alice.pubkey()), canonical, other);
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::NotOwnerAddress);
    // Bob's stake for himself at Alice's position address: the seeds name the recipient.
    let bob = env.user(1_000 * ONE_VVV).await;
    let ix = swap_account(
        ix::stake(&env.deployment, bob.pubkey(), bob.vvv, 1, bob.pubkey()),
        pda::position(&bob.pubkey()),
        canonical,
    );
    assert_diem_err(env.send_err(&[ix], &[&bob.key]).await, DiemError::NotOwnerAddress);
    // DIEM stakes likewise.
    let (a, b) = (alice.pubkey(), bob.pubkey());
    let ix = swap_account(ix::stake_diem(b, b, bob.diem, 1), pda::diem_stake(&b, &b), pda::diem_stake(&a, &a));
    assert_diem_err(env.send_err(&[ix], &[&bob.key]).await, DiemError::NotOwnerAddress);
    let ix = swap_account(ix::initiate_diem_unstake(b, b, b, 0, 1), pda::diem_stake(&b, &b), pda::diem_stake(&a, &a));
    assert_diem_err(env.send_err(&[ix], &[&bob.key]).await, DiemError::NotPositionOwner);
    // Alice's position exists (its stored bump is checked); for an owner with none yet the
    // canonical search is what refuses the other address.
    let dave = env.user(1_000 * ONE_VVV).await;
    let (canonical, other) = canonical_and_another(&dave.pubkey());
    let ix = swap_account(ix::stake(&env.deployment, dave.pubkey(), dave.vvv, 1, dave.pubkey()), canonical, other);
    assert_diem_err(env.send_err(&[ix], &[&dave.key]).await, DiemError::NotOwnerAddress);
    assert!(env.account(other).await.is_none() && env.account(canonical).await.is_none());
}

/// Someone sends lamports to an owner's position address before its first stake (which would
/// make a plain `create_account` fail): the stake still opens it, topping the rent up.
#[tokio::test]
async fn a_prefunded_owner_address_still_opens() {
    let (mut env, alice) = setup().await;
    let carol = env.user(1_000 * ONE_VVV).await;
    env.prefund(pda::position(&carol.pubkey()), 1_000);
    env.prefund(pda::diem_stake(&carol.pubkey(), &carol.pubkey()), 1_000);
    env.send(&[ix::stake(&env.deployment, carol.pubkey(), carol.vvv, 5, carol.pubkey())], &[&carol.key]).await.unwrap();
    let position = env.position(&carol.pubkey()).await.expect("opened");
    assert_eq!((position.owner, position.balances.active), (carol.pubkey(), 5));
    env.transfer_diem(&alice, &carol, 7).await;
    env.send(&[ix::stake_diem(carol.pubkey(), carol.pubkey(), carol.diem, 7)], &[&carol.key]).await.unwrap();
    assert_eq!(env.diem_stake(&carol.pubkey()).await.expect("opened").staked, 7);
    let rent = anchor_lang::prelude::Rent::default()
        .minimum_balance(8 + std::mem::size_of::<diem::state::Position>());
    assert_eq!(env.account(pda::position(&carol.pubkey())).await.unwrap().lamports, rent);
}

/// Fake sysvar and fake ProgramData: no instruction reads a sysvar account (the clock and rent
/// come from syscalls), and `initialize` checks ProgramData by its seeds and owner.
#[tokio::test]
async fn no_sysvar_account_is_read_and_program_data_cannot_be_faked() {
    let (env, alice) = setup().await;
    for (name, ix) in every_instruction(&env, &alice) {
        assert!(
            ix.accounts.iter().all(|m| !m.pubkey.to_string().starts_with("Sysvar")),
            "{name} takes a sysvar account"
        );
    }
    // A ProgramData look-alike naming the stranger as upgrade authority, at another address and
    // owned by the attacker: refused by seeds; at the real address it would need the loader.
    let mut fresh =
        Env::with_programs(None, vec![("diem_attacker", diem_attacker::ID, processor!(attacker_entry))]).await;
    let stranger = fresh.wallet().await;
    let real = fresh.account(pda::program_data()).await.unwrap();
    let mut data = real.data.clone();
    data[13..45].copy_from_slice(stranger.pubkey().as_ref());
    let fake = Pubkey::new_unique();
    fresh.bank.set_account(fake, Account { data, ..real });
    let args = fresh.initialize_args(launch_params(), pause::LAUNCH_INFLOWS);
    let ix = ix::initialize(stranger.pubkey(), &fresh.deployment, fresh.treasury, args);
    let ix = swap_account(ix, pda::program_data(), fake);
    assert_anchor_err(fresh.send_err(&[ix], &[&stranger]).await, Anchor::ConstraintSeeds);
    assert!(fresh.account(pda::config()).await.is_none());
}

/// The attacker program's `forward` instruction, invoking `data` on diem with `accounts`.
fn forward(data: Vec<u8>, accounts: Vec<(Pubkey, u8)>) -> Instruction {
    let (authority, _) = Pubkey::find_program_address(&[diem_attacker::AUTHORITY_SEED], &diem_attacker::ID);
    let mut metas = diem_attacker::accounts::Forward { authority, target: diem::ID }.to_account_metas(None);
    let flags = accounts.iter().map(|(_, f)| *f).collect();
    metas.extend(accounts.into_iter().map(|(key, f)| anchor_lang::prelude::AccountMeta {
        pubkey: key,
        is_signer: false,
        is_writable: f & 2 != 0,
    }));
    Instruction {
        program_id: diem_attacker::ID,
        accounts: metas,
        data: diem_attacker::instruction::Forward { data, flags }.data(),
    }
}

fn attacker_pda() -> Pubkey {
    Pubkey::find_program_address(&[diem_attacker::AUTHORITY_SEED], &diem_attacker::ID).0
}

/// A forged event: a `Staked` crediting Mallory a fortune, in `emit_cpi!`'s format.
fn forged_event(owner: Pubkey) -> Vec<u8> {
    let event = diem::events::Staked {
        seq: 2,
        payer: owner,
        owner,
        amount: u64::MAX / 2,
        position_opened: true,
        position: Default::default(),
        pool: Default::default(),
    };
    let mut data = anchor_lang::event::EVENT_IX_TAG_LE.to_vec();
    data.extend_from_slice(diem::events::Staked::DISCRIMINATOR);
    event.serialize(&mut data).unwrap();
    data
}

/// Event spoofing: diem's event instruction called directly, and by CPI from a hostile
/// program, is refused: only diem itself can sign as its event authority.
#[tokio::test]
async fn events_cannot_be_spoofed_directly_or_by_cpi() {
    let (mut env, _) = setup().await;
    let mallory = env.wallet().await;
    let events_before = env.event_log.len();
    let data = forged_event(mallory.pubkey());
    // Top level, the event authority not signing.
    let ix = Instruction {
        program_id: diem::ID,
        accounts: vec![anchor_lang::prelude::AccountMeta::new_readonly(pda::event_authority(), false)],
        data: data.clone(),
    };
    assert_anchor_err(env.send_err(&[ix], &[]).await, Anchor::ConstraintSigner);
    // Top level, Mallory signing as the "event authority".
    let ix = Instruction {
        program_id: diem::ID,
        accounts: vec![anchor_lang::prelude::AccountMeta::new_readonly(mallory.pubkey(), true)],
        data: data.clone(),
    };
    assert_anchor_err(env.send_err(&[ix], &[&mallory]).await, Anchor::ConstraintSeeds);
    // By CPI, the attacker's PDA signing.
    let ix = forward(data.clone(), vec![(attacker_pda(), 1)]);
    assert_anchor_err(env.send_err(&[ix], &[]).await, Anchor::ConstraintSeeds);
    // By CPI, claiming diem's own event authority as signer: the runtime refuses.
    let ix = forward(data, vec![(pda::event_authority(), 1)]);
    assert_eq!(instruction_error(env.send_err(&[ix], &[]).await), escalation());
    assert_eq!(env.event_log.len(), events_before, "no event was recorded");
}

/// A hostile program calling diem by CPI: it can act for its own PDA, never for a user.
#[tokio::test]
async fn a_hostile_program_cannot_act_for_a_user() {
    let (mut env, alice) = setup().await;
    let before = env.position(&alice.pubkey()).await.unwrap().balances;
    // Alice's unstake, with Alice named as signer by the attacker: privilege escalation.
    let unstake = ix::initiate_unstake(alice.pubkey(), alice.pubkey(), 1, 1);
    let mut accounts: Vec<(Pubkey, u8)> =
        unstake.accounts.iter().map(|m| (m.pubkey, u8::from(m.is_signer) | (u8::from(m.is_writable) << 1))).collect();
    let ix = forward(unstake.data.clone(), accounts.clone());
    assert_eq!(instruction_error(env.send_err(&[ix], &[]).await), escalation());
    // Alice's position with the attacker's PDA as the signing owner (and rent payer): not the
    // position's owner.
    accounts[0] = (attacker_pda(), 1);
    accounts[1] = (attacker_pda(), 3);
    let ix = forward(unstake.data.clone(), accounts);
    assert_diem_err(env.send_err(&[ix], &[]).await, DiemError::NotPositionOwner);
    // Burning Alice's DIEM for the attacker: the attacker has no position.
    let burn = ix::burn_diem(attacker_pda(), alice.diem, 1);
    let accounts =
        burn.accounts.iter().map(|m| (m.pubkey, u8::from(m.is_signer) | (u8::from(m.is_writable) << 1))).collect();
    let err = env.send_err(&[forward(burn.data.clone(), accounts)], &[]).await;
    assert_anchor_err(err, Anchor::AccountNotInitialized);
    assert_eq!(env.position(&alice.pubkey()).await.unwrap().balances, before);
}

/// Economic: a staker who enters just before `fund_rewards` and leaves right after earns only
/// for the time after the funding; time that passed unfunded is never paid.
#[tokio::test]
async fn a_reward_sandwich_around_funding_earns_nothing() {
    let mut env = Env::launched().await;
    let alice = env.user(10_000 * ONE_VVV).await;
    let mallory = env.user(100_000 * ONE_VVV).await;
    let funder = env.user(1_000_000 * ONE_VVV).await;
    env.by(&alice).stake(1_000 * ONE_VVV, None).await.unwrap();
    env.advance(SECONDS_PER_DAY).await; // a day with an empty reserve
    env.by(&mallory).stake(99_000 * ONE_VVV, None).await.unwrap();
    env.by(&funder).fund_rewards(500_000 * ONE_VVV).await.unwrap();
    assert_diem_err(env.by(&mallory).claim().await.unwrap_err(), DiemError::NothingToClaim);
    env.by(&mallory).unstake(99_000 * ONE_VVV).await.unwrap();
    assert_eq!(env.position(&mallory.pubkey()).await.unwrap().balances.pending_rewards, 0);
    assert_diem_err(env.by(&alice).claim().await.unwrap_err(), DiemError::NothingToClaim);
    assert_eq!(env.config().await.pool.reward_reserve, 500_000 * ONE_VVV, "the unfunded day emitted nothing");
}

/// Economic: donations to either vault change no one's balance and break no invariant (the
/// vaults then hold more than they owe, never less).
#[tokio::test]
async fn donations_to_the_vaults_change_nothing_owed() {
    let (mut env, alice) = setup().await;
    let pool = env.config().await.pool;
    let position = env.position(&alice.pubkey()).await.unwrap().balances;
    let ix = spl_token_interface::instruction::transfer(
        &spl_token_interface::ID,
        &alice.vvv,
        &pda::vvv_vault(),
        &alice.pubkey(),
        &[],
        1_000 * ONE_VVV,
    )
    .unwrap();
    env.send(&[ix], &[&alice.key]).await.unwrap();
    env.transfer_diem_to(&alice, pda::diem_vault(), 1_000).await;
    assert_eq!(env.config().await.pool, pool);
    assert_eq!(env.position(&alice.pubkey()).await.unwrap().balances, position);
    // Still every way out works for exactly what is owed.
    let (svvv, diem_ticket) = alice_tickets(&alice);
    env.by(&alice).finalize_unstake(&svvv.address).await.unwrap();
    env.by(&alice).finalize_diem_unstake(&diem_ticket.address).await.unwrap();
}

/// Economic: the first staker's rounding. One base unit staked alone soaks up a day of
/// emissions; a large staker after it earns exactly their share, and nothing is overpaid.
#[tokio::test]
async fn the_first_stakers_rounding_never_overpays() {
    let mut env = Env::launched().await;
    let tiny = env.user(10 * ONE_VVV).await;
    let whale = env.user(1_000_000 * ONE_VVV).await;
    env.by(&whale).fund_rewards(500_000 * ONE_VVV).await.unwrap();
    env.by(&tiny).stake(1, None).await.unwrap();
    env.advance(SECONDS_PER_DAY).await;
    env.by(&whale).stake(100_000 * ONE_VVV, None).await.unwrap();
    env.advance(100).await;
    let claimed = env.by(&whale).claim().await.unwrap().event::<diem::events::RewardsClaimed>().amount;
    // 100 s at 1 VVV/s, shared with one base unit: the whale gets at most the 100 VVV.
    assert!(claimed <= 100 * ONE_VVV && claimed >= 100 * ONE_VVV - 1, "{claimed}");
    let day = env.by(&tiny).claim().await.unwrap().event::<diem::events::RewardsClaimed>().amount;
    assert!(day <= SECONDS_PER_DAY as u64 * ONE_VVV + 1, "{day}");
    let pool = env.config().await.pool;
    assert!(
        env.balance(pda::vvv_vault()).await
            >= pool.total_active + pool.reward_reserve + pool.unclaimed_rewards + pool.treasury_accrued
    );
}

/// Economic: a mint then burning everything, across bucket boundaries, returns exactly the
/// sVVV locked, never more; and many tiny burns never release faster than the position's
/// average rate.
#[tokio::test]
async fn mint_and_burn_round_trips_never_gain() {
    let mut env = Env::launched().await;
    let alice = env.user(1_000_000 * ONE_VVV).await;
    env.by(&alice).stake(1_000_000 * ONE_VVV, None).await.unwrap();
    for lock in [44_999 * ONE_VVV + 7, 1, 90_000_001, 123_456 * ONE_VVV] {
        let before = env.position(&alice.pubkey()).await.unwrap().balances;
        let minted = env.by(&alice).mint(lock, 0).await.unwrap().return_u64();
        env.by(&alice).burn(minted).await.unwrap();
        let after = env.position(&alice.pubkey()).await.unwrap().balances;
        assert_eq!(
            (after.locked, after.active - after.locked),
            (before.locked, before.active - before.locked),
            "lock {lock}"
        );
        assert_eq!(env.balance(alice.diem).await, 0);
    }
    // Tiny burns: 200 burns of one base unit release no more than the average rate allows.
    let minted = env.by(&alice).mint(90_000 * ONE_VVV, 0).await.unwrap().return_u64();
    let locked = env.position(&alice.pubkey()).await.unwrap().balances.locked;
    let mut released = 0u64;
    for _ in 0..200 {
        let ev: diem::events::DiemBurned = env.by(&alice).burn(1).await.unwrap().event();
        released += ev.svvv_unlocked;
    }
    assert!(released as u128 <= 200 * locked as u128 / minted as u128, "{released}");
    let rest = env.position(&alice.pubkey()).await.unwrap().balances;
    env.by(&alice).burn(rest.outstanding_diem).await.unwrap();
    assert_eq!(env.position(&alice.pubkey()).await.unwrap().balances.locked, 0);
    assert_eq!(released + rest.locked, locked, "the last burn releases exactly what is left");
}
