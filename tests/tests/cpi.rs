//! Composability: `tests/programs/diem-vault` calls diem only through `declare_program!` on the
//! committed IDL. Stake, mint (reading the minted amount back from return data), burn and
//! unstake work by CPI, and diem's signer and ownership checks hold when the caller is a program.
//! The vault also pools depositors' DIEM: each part credits its depositor, and a withdrawal is a
//! ticket of the depositor's own.
#![allow(deprecated)]
use anchor_lang::prelude::Pubkey;
use anchor_lang::{InstructionData, ToAccountMetas};
use diem::constants::*;
use diem::errors::DiemError;
use diem::events::DiemMinted;
use diem_client::pda;
use diem_tests::*;
use solana_instruction_error::InstructionError;
use solana_program_test::processor;
use solana_signer::Signer;
use solana_transaction_error::TransactionError;

diem_bank::native_entry!(vault_entry, diem_vault::entry);

struct Vault {
    authority: Pubkey,
    vvv: Pubkey,
    diem: Pubkey,
}

async fn setup() -> (Env, Vault) {
    let env = Env::with_programs(None, vec![("diem_vault", diem_vault::ID, processor!(vault_entry))]).await;
    let mut env = Env::launch(env).await;
    let (authority, _) = Pubkey::find_program_address(&[diem_vault::AUTHORITY_SEED], &diem_vault::ID);
    // The vault's PDA pays for its diem position.
    let payer = env.ctx.payer.insecure_clone();
    let fund = solana_system_interface::instruction::transfer(&payer.pubkey(), &authority, 1_000_000_000);
    env.send(&[fund], &[]).await.unwrap();
    let (vvv_mint, vvv_program) = (env.deployment.vvv_mint, env.deployment.vvv_token_program);
    let vvv = env.associated_token_account(vvv_mint, authority, vvv_program).await;
    let diem = env.associated_token_account(pda::diem_mint(), authority, anchor_spl::token_2022::ID).await;
    env.owners.insert(authority);
    (env, Vault { authority, vvv, diem })
}

fn vault_ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction { program_id: diem_vault::ID, accounts: accounts.to_account_metas(None), data: data.data() }
}

fn deposit(env: &Env, vault: &Vault, depositor: &User, amount: u64) -> Instruction {
    vault_ix(
        diem_vault::accounts::Deposit {
            depositor: depositor.pubkey(),
            depositor_vvv: depositor.vvv,
            vault_authority: vault.authority,
            vault_vvv: vault.vvv,
            vvv_mint: env.deployment.vvv_mint,
            config: pda::config(),
            position: pda::position(&vault.authority),
            vvv_vault: pda::vvv_vault(),
            vvv_token_program: env.deployment.vvv_token_program,
            system_program: anchor_lang::solana_program::system_program::ID,
            event_authority: pda::event_authority(),
            diem_program: diem::ID,
        },
        diem_vault::instruction::Deposit { amount },
    )
}

fn mint(vault: &Vault, svvv: u64, min_out: u64) -> Instruction {
    vault_ix(
        diem_vault::accounts::MintDiem {
            vault_authority: vault.authority,
            config: pda::config(),
            position: pda::position(&vault.authority),
            curve: pda::curve(),
            vault_diem: vault.diem,
            diem_mint: pda::diem_mint(),
            diem_token_program: anchor_spl::token_2022::ID,
            event_authority: pda::event_authority(),
            diem_program: diem::ID,
        },
        diem_vault::instruction::Mint { svvv, min_out },
    )
}

fn burn(vault: &Vault, source: Pubkey, amount: u64) -> Instruction {
    vault_ix(
        diem_vault::accounts::Burn {
            vault_authority: vault.authority,
            config: pda::config(),
            position: pda::position(&vault.authority),
            source,
            diem_mint: pda::diem_mint(),
            diem_token_program: anchor_spl::token_2022::ID,
            event_authority: pda::event_authority(),
            diem_program: diem::ID,
        },
        diem_vault::instruction::Burn { amount },
    )
}

/// The vault's unstake of `position_owner`'s position as `owner`, opening the position's ticket
/// number `ticket` (the vault pays its rent).
fn unstake(vault: &Vault, owner: Pubkey, position_owner: Pubkey, ticket: u64, amount: u64) -> Instruction {
    let position = pda::position(&position_owner);
    vault_ix(
        diem_vault::accounts::Unstake {
            vault_authority: vault.authority,
            owner,
            rent_payer: vault.authority,
            config: pda::config(),
            position,
            ticket: pda::ticket(&position, ticket),
            system_program: anchor_lang::solana_program::system_program::ID,
            event_authority: pda::event_authority(),
            diem_program: diem::ID,
        },
        diem_vault::instruction::Unstake { amount },
    )
}

/// The vault finalizes its sVVV ticket number `ticket`.
fn finalize(env: &Env, vault: &Vault, ticket: u64) -> Instruction {
    vault_ix(
        diem_vault::accounts::Finalize {
            vault_authority: vault.authority,
            config: pda::config(),
            ticket: pda::ticket(&pda::position(&vault.authority), ticket),
            rent_payer: vault.authority,
            vault_vvv: vault.vvv,
            vvv_vault: pda::vvv_vault(),
            vvv_mint: env.deployment.vvv_mint,
            vvv_token_program: env.deployment.vvv_token_program,
            event_authority: pda::event_authority(),
            diem_program: diem::ID,
        },
        diem_vault::instruction::Finalize {},
    )
}

#[tokio::test]
async fn a_program_stakes_mints_burns_and_unstakes_by_cpi() {
    let (mut env, vault) = setup().await;
    let depositor = env.user(10_000 * ONE_VVV).await;
    let ix = deposit(&env, &vault, &depositor, 5_000 * ONE_VVV);
    env.send(&[ix], &[&depositor.key]).await.unwrap();
    let position = env.position(&vault.authority).await.expect("the vault's position");
    assert_eq!((position.owner, position.balances.active), (vault.authority, 5_000 * ONE_VVV));
    assert_eq!(env.balance(depositor.vvv).await, 5_000 * ONE_VVV);

    // Mint with the quote as the slippage floor; the vault reads the amount from return data.
    let quote = env.quote(900 * ONE_VVV).await.unwrap();
    let out = env.send(&[mint(&vault, 900 * ONE_VVV, quote)], &[]).await.unwrap();
    assert_eq!(out.return_u64(), quote);
    assert_eq!(out.event::<DiemMinted>().diem_out, quote);
    assert_eq!(env.balance(vault.diem).await, quote);
    // The slippage guard holds through the CPI too.
    let next = env.quote(900 * ONE_VVV).await.unwrap();
    let err = env.send(&[mint(&vault, 900 * ONE_VVV, next + 1)], &[]).await.unwrap_err();
    assert_diem_err(err, DiemError::SlippageExceeded);

    // Burn it all, unstake everything through the cooldown.
    env.send(&[burn(&vault, vault.diem, quote)], &[]).await.unwrap();
    assert_eq!(env.position(&vault.authority).await.unwrap().balances.locked, 0);
    env.send(&[unstake(&vault, vault.authority, vault.authority, 0, 5_000 * ONE_VVV)], &[]).await.unwrap();
    env.advance(7 * SECONDS_PER_DAY).await;
    env.send(&[finalize(&env, &vault, 0)], &[]).await.unwrap();
    assert_eq!(env.balance(vault.vvv).await, 5_000 * ONE_VVV);
}

#[tokio::test]
async fn signer_and_ownership_checks_hold_for_program_callers() {
    let (mut env, vault) = setup().await;
    let victim = env.user(10_000 * ONE_VVV).await;
    env.by(&victim).stake(10_000 * ONE_VVV, None).await.unwrap();
    let minted = env.by(&victim).mint(1_000 * ONE_VVV, 0).await.unwrap().return_u64();
    let depositor = env.user(10_000 * ONE_VVV).await;
    let ix = deposit(&env, &vault, &depositor, 1_000 * ONE_VVV);
    env.send(&[ix], &[&depositor.key]).await.unwrap();
    env.send(&[mint(&vault, 500 * ONE_VVV, 0)], &[]).await.unwrap();

    // Burning someone else's DIEM: the vault signs as owner, but the account is the victim's.
    let err = env.send(&[burn(&vault, victim.diem, 1)], &[]).await.unwrap_err();
    assert_diem_err(err, DiemError::TokenAccountNotOwned);
    assert_eq!(env.balance(victim.diem).await, minted);
    // Unstaking the victim's position with the vault's own signature: not the owner.
    let err = env.send(&[unstake(&vault, vault.authority, victim.pubkey(), 0, 1)], &[]).await.unwrap_err();
    assert_diem_err(err, DiemError::NotPositionOwner);
    // Naming the victim as the signing owner: the vault cannot sign for them. The runtime (and
    // the SBF binary in the test bank) refuses with PrivilegeEscalation; the native build's CPI
    // stub makes the same check but panics on it, so the bank reports ProgramFailedToComplete.
    let err = env.send(&[unstake(&vault, victim.pubkey(), victim.pubkey(), 0, 1)], &[]).await.unwrap_err().tx_error();
    let expected =
        if bpf_mode() { InstructionError::PrivilegeEscalation } else { InstructionError::ProgramFailedToComplete };
    assert_eq!(err, TransactionError::InstructionError(2, expected));
    assert_eq!(env.position(&victim.pubkey()).await.unwrap().tickets_opened, 0, "no ticket was opened");
}

fn deposit_diem(vault: &Vault, depositor: &User, amount: u64) -> Instruction {
    vault_ix(
        diem_vault::accounts::DepositDiem {
            depositor: depositor.pubkey(),
            depositor_diem: depositor.diem,
            vault_authority: vault.authority,
            vault_diem: vault.diem,
            diem_mint: pda::diem_mint(),
            config: pda::config(),
            diem_stake: pda::diem_stake(&vault.authority, &depositor.pubkey()),
            diem_vault: pda::diem_vault(),
            diem_token_program: anchor_spl::token_2022::ID,
            system_program: anchor_lang::solana_program::system_program::ID,
            event_authority: pda::event_authority(),
            diem_program: diem::ID,
        },
        diem_vault::instruction::DepositDiem { amount },
    )
}

/// `depositor` withdraws from the vault's stake for `part_of` (themselves, unless testing),
/// opening that stake's ticket number `ticket`.
fn withdraw_diem(vault: &Vault, depositor: &User, part_of: Pubkey, ticket: u64, amount: u64) -> Instruction {
    let stake = pda::diem_stake(&vault.authority, &part_of);
    vault_ix(
        diem_vault::accounts::WithdrawDiem {
            depositor: depositor.pubkey(),
            vault_authority: vault.authority,
            config: pda::config(),
            diem_stake: stake,
            ticket: pda::ticket(&stake, ticket),
            system_program: anchor_lang::solana_program::system_program::ID,
            event_authority: pda::event_authority(),
            diem_program: diem::ID,
        },
        diem_vault::instruction::WithdrawDiem { amount },
    )
}

/// The integration the live system cannot host: a vault pools two users' DIEM, each is credited
/// their own part, each leaves at their own time with a ticket of their own (no batching), and
/// a ticket handed to a second wallet is finalized there.
#[tokio::test]
async fn a_vault_pools_diem_credits_each_depositor_and_lets_each_leave_alone() {
    use diem::events::{DiemStaked, TicketTransferred};
    let (mut env, vault) = setup().await;
    let minter = env.user(100_000 * ONE_VVV).await;
    env.by(&minter).stake(100_000 * ONE_VVV, None).await.unwrap();
    env.by(&minter).mint(9_000 * ONE_VVV, 0).await.unwrap();
    let (alice, bob, carol) = (env.user(0).await, env.user(0).await, env.user(0).await);
    env.transfer_diem(&minter, &alice, 30 * ONE_DIEM).await;
    env.transfer_diem(&minter, &bob, 10 * ONE_DIEM).await;
    let ev: DiemStaked = env.send(&[deposit_diem(&vault, &alice, 30 * ONE_DIEM)], &[&alice.key]).await.unwrap().event();
    assert_eq!((ev.owner, ev.beneficiary, ev.staked), (vault.authority, alice.pubkey(), 30 * ONE_DIEM));
    env.send(&[deposit_diem(&vault, &bob, 10 * ONE_DIEM)], &[&bob.key]).await.unwrap();
    // The next day each depositor is credited their own part; the vault, which holds it all,
    // none.
    let tomorrow = env.now().await / SECONDS_PER_DAY + 1;
    let credit = diem_client::credit::entitlements(&env.event_log, tomorrow).unwrap();
    let of = |who: Pubkey| credit.iter().find(|e| e.owner == who.to_string()).map(|e| e.staked_diem);
    assert_eq!((of(alice.pubkey()), of(bob.pubkey()), of(vault.authority)), (Some(30 * ONE_DIEM), Some(10 * ONE_DIEM), None));

    // Bob cannot take Alice's part: the vault derives the stake from the signer's key.
    let err = env.send(&[withdraw_diem(&vault, &bob, alice.pubkey(), 0, ONE_DIEM)], &[&bob.key]).await.unwrap_err();
    assert_anchor_err(err, anchor_lang::error::ErrorCode::ConstraintSeeds);
    // Alice leaves with 10: a ticket of her own, handed to her in the same instruction.
    let out = env.send(&[withdraw_diem(&vault, &alice, alice.pubkey(), 0, 10 * ONE_DIEM)], &[&alice.key]).await.unwrap();
    let handed: TicketTransferred = out.event();
    let alice_ticket = handed.ticket;
    assert_eq!((handed.from, handed.to, handed.amount), (vault.authority, alice.pubkey(), 10 * ONE_DIEM));
    let ticket = env.ticket(&alice_ticket).await.unwrap();
    assert_eq!((ticket.owner, ticket.rent_payer), (alice.pubkey(), alice.pubkey()));
    // Half a day later Bob leaves with all of his: his own ticket; Alice's does not move.
    env.advance(SECONDS_PER_DAY / 2).await;
    let out = env.send(&[withdraw_diem(&vault, &bob, bob.pubkey(), 0, 10 * ONE_DIEM)], &[&bob.key]).await.unwrap();
    let bob_ticket = out.event::<TicketTransferred>().ticket;
    assert_eq!(env.ticket(&alice_ticket).await.unwrap().unlock_at, ticket.unlock_at);
    // Alice finalizes hers when it is due, with diem directly; Bob's is not due yet.
    env.advance(SECONDS_PER_DAY / 2).await;
    env.by(&alice).finalize_diem_unstake(&alice_ticket).await.unwrap();
    assert_eq!(env.balance(alice.diem).await, 10 * ONE_DIEM);
    assert_diem_err(env.by(&bob).finalize_diem_unstake(&bob_ticket).await.unwrap_err(), DiemError::CooldownNotElapsed);
    // Bob hands his ticket to Carol (a sale, or his other wallet); Carol finalizes it.
    env.by(&bob).transfer_ticket(&bob_ticket, carol.pubkey()).await.unwrap();
    env.advance(SECONDS_PER_DAY / 2).await;
    assert!(env.by(&bob).finalize_diem_unstake(&bob_ticket).await.is_err(), "no longer Bob's");
    env.by(&carol).finalize_diem_unstake(&bob_ticket).await.unwrap();
    assert_eq!((env.balance(carol.diem).await, env.balance(bob.diem).await), (10 * ONE_DIEM, 0));
    // What stays pooled still credits Alice alone.
    let credit = diem_client::credit::diem_staked_at(&env.event_log, i64::MAX);
    assert_eq!((credit.get(&alice.pubkey()), credit.get(&bob.pubkey())), (Some(&(20 * ONE_DIEM)), None));
}
