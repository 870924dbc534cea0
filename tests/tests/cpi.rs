//! Composability: `tests/programs/diem-vault` calls diem only through `declare_program!` on the
//! committed IDL. Stake, mint (reading the minted amount back from return data), burn and
//! unstake work by CPI, and diem's signer and ownership checks hold when the caller is a program.
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

fn unstake(vault: &Vault, owner: Pubkey, position_owner: Pubkey, amount: u64) -> Instruction {
    vault_ix(
        diem_vault::accounts::Unstake {
            vault_authority: vault.authority,
            owner,
            config: pda::config(),
            position: pda::position(&position_owner),
            event_authority: pda::event_authority(),
            diem_program: diem::ID,
        },
        diem_vault::instruction::Unstake { amount },
    )
}

fn finalize(env: &Env, vault: &Vault) -> Instruction {
    vault_ix(
        diem_vault::accounts::Finalize {
            vault_authority: vault.authority,
            config: pda::config(),
            position: pda::position(&vault.authority),
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
    env.send(&[unstake(&vault, vault.authority, vault.authority, 5_000 * ONE_VVV)], &[]).await.unwrap();
    env.advance(7 * SECONDS_PER_DAY).await;
    env.send(&[finalize(&env, &vault)], &[]).await.unwrap();
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
    let err = env.send(&[unstake(&vault, vault.authority, victim.pubkey(), 1)], &[]).await.unwrap_err();
    assert_diem_err(err, DiemError::NotPositionOwner);
    // Naming the victim as the signing owner: the vault cannot sign for them. The runtime (and
    // the SBF binary in the test bank) refuses with PrivilegeEscalation; the native build's CPI
    // stub makes the same check but panics on it, so the bank reports ProgramFailedToComplete.
    let err = env.send(&[unstake(&vault, victim.pubkey(), victim.pubkey(), 1)], &[]).await.unwrap_err().tx_error();
    let expected =
        if bpf_mode() { InstructionError::PrivilegeEscalation } else { InstructionError::ProgramFailedToComplete };
    assert_eq!(err, TransactionError::InstructionError(2, expected));
    assert_eq!(env.position(&victim.pubkey()).await.unwrap().tickets_opened, 0, "no ticket was opened");
}
