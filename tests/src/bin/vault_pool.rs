//! For the local-validator suite: the DIEM pool of `tests/programs/diem-vault` on a real
//! validator. The keypair's owner hands `--amount` DIEM base units to two new depositors, who pool
//! them in the vault (each staked by the vault with the depositor as beneficiary). The first
//! withdraws a third of hers and, once her ticket is due, finalizes it; the second withdraws half
//! of his later, hands his ticket to a third wallet, which finalizes it when due. Nothing is
//! batched: each withdrawal is a ticket of its own, and the first ticket's unlock time is checked
//! unmoved by the second.
//!
//! Prints `{"vault", "first", "second", "third", "given", "first_credit", "second_credit"}` as
//! JSON: the record must credit each depositor what stays pooled for them.
use std::path::PathBuf;
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{InstructionData, ToAccountMetas};
use anchor_spl::associated_token::{get_associated_token_address_with_program_id, spl_associated_token_account as ata};
use diem_client::pda;
use serde_json::json;
use solana_commitment_config::CommitmentConfig;
use solana_keypair::Keypair;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_signer::Signer;
use solana_transaction::Transaction;

type Failure = Box<dyn std::error::Error>;

struct Args {
    url: String,
    keypair: PathBuf,
    amount: u64,
}

fn args() -> Result<Args, Failure> {
    let mut it = std::env::args().skip(1);
    let (mut url, mut keypair, mut amount) = (None, None, None);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--url" => url = Some(value),
            "--keypair" => keypair = Some(PathBuf::from(value)),
            "--amount" => amount = Some(value.parse().map_err(|_| format!("--amount {value}: not base units"))?),
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    Ok(Args {
        url: url.ok_or("--url is required")?,
        keypair: keypair.ok_or("--keypair is required")?,
        amount: amount.ok_or("--amount is required")?,
    })
}

struct Pool {
    rpc: RpcClient,
    vault: Pubkey,
    vault_diem: Pubkey,
}

fn diem_account(owner: &Pubkey) -> Pubkey {
    get_associated_token_address_with_program_id(owner, &pda::diem_mint(), &anchor_spl::token_2022::ID)
}

impl Pool {
    async fn send(&self, ixs: &[Instruction], signers: &[&Keypair]) -> Result<(), Failure> {
        let blockhash = self.rpc.get_latest_blockhash().await?;
        let tx = Transaction::new_signed_with_payer(ixs, Some(&signers[0].pubkey()), signers, blockhash);
        self.rpc.send_and_confirm_transaction(&tx).await?;
        Ok(())
    }

    async fn ticket(&self, address: &Pubkey) -> Result<diem::state::UnstakeTicket, Failure> {
        Ok(diem_client::accounts::ticket(&self.rpc.get_account_data(address).await?)?)
    }

    async fn diem_balance(&self, owner: &Pubkey) -> Result<u64, Failure> {
        Ok(self.rpc.get_token_account_balance(&diem_account(owner)).await?.amount.parse()?)
    }

    fn deposit(&self, depositor: &Pubkey, amount: u64) -> Instruction {
        let accounts = diem_vault::accounts::DepositDiem {
            depositor: *depositor,
            depositor_diem: diem_account(depositor),
            vault_authority: self.vault,
            vault_diem: self.vault_diem,
            diem_mint: pda::diem_mint(),
            config: pda::config(),
            diem_stake: pda::diem_stake(&self.vault, depositor),
            diem_vault: pda::diem_vault(),
            diem_token_program: anchor_spl::token_2022::ID,
            system_program: anchor_lang::solana_program::system_program::ID,
            event_authority: pda::event_authority(),
            diem_program: diem::ID,
        };
        let data = diem_vault::instruction::DepositDiem { amount }.data();
        Instruction { program_id: diem_vault::ID, accounts: accounts.to_account_metas(None), data }
    }

    /// The depositor's withdrawal, opening their stake's next ticket; returns it with the ticket.
    async fn withdraw(&self, depositor: &Pubkey, amount: u64) -> Result<(Instruction, Pubkey), Failure> {
        let stake = pda::diem_stake(&self.vault, depositor);
        let opened = diem_client::accounts::diem_stake(&self.rpc.get_account_data(&stake).await?)?.tickets_opened;
        let ticket = pda::ticket(&stake, opened);
        let accounts = diem_vault::accounts::WithdrawDiem {
            depositor: *depositor,
            vault_authority: self.vault,
            config: pda::config(),
            diem_stake: stake,
            ticket,
            system_program: anchor_lang::solana_program::system_program::ID,
            event_authority: pda::event_authority(),
            diem_program: diem::ID,
        };
        let data = diem_vault::instruction::WithdrawDiem { amount }.data();
        Ok((Instruction { program_id: diem_vault::ID, accounts: accounts.to_account_metas(None), data }, ticket))
    }

    /// Waits (at most two minutes) until the cluster's clock passes `unlock_at`.
    async fn wait_until(&self, unlock_at: i64) -> Result<(), Failure> {
        for _ in 0..240 {
            let slot = self.rpc.get_slot_with_commitment(CommitmentConfig::confirmed()).await?;
            if self.rpc.get_block_time(slot).await.is_ok_and(|t| t > unlock_at) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        Err(format!("the cluster's clock never passed {unlock_at}").into())
    }
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let args = args()?;
    let holder =
        solana_keypair::read_keypair_file(&args.keypair).map_err(|e| format!("{}: {e}", args.keypair.display()))?;
    let vault = Pubkey::find_program_address(&[diem_vault::AUTHORITY_SEED], &diem_vault::ID).0;
    let pool = Pool {
        rpc: RpcClient::new_with_commitment(args.url.clone(), CommitmentConfig::confirmed()),
        vault,
        vault_diem: diem_account(&vault),
    };
    let (first, second, third) = (Keypair::new(), Keypair::new(), Keypair::new());
    let token = anchor_spl::token_2022::ID;
    let (first_amount, second_amount) = (args.amount * 3 / 4, args.amount - args.amount * 3 / 4);

    // Wallets with SOL and DIEM; the vault's PDA funded to open each depositor's stake.
    let mut setup = Vec::new();
    for (who, lamports) in [(&first.pubkey(), 50_000_000), (&second.pubkey(), 50_000_000), (&third.pubkey(), 50_000_000), (&vault, 20_000_000)] {
        setup.push(solana_system_interface::instruction::transfer(&holder.pubkey(), who, lamports));
        setup.push(ata::instruction::create_associated_token_account_idempotent(&holder.pubkey(), who, &pda::diem_mint(), &token));
    }
    pool.send(&setup, &[&holder]).await?;
    let mut gifts = Vec::new();
    for (who, amount) in [(&first, first_amount), (&second, second_amount)] {
        gifts.push(spl_token_2022_interface::instruction::transfer_checked(
            &token,
            &diem_account(&holder.pubkey()),
            &pda::diem_mint(),
            &diem_account(&who.pubkey()),
            &holder.pubkey(),
            &[],
            amount,
            diem::constants::DIEM_DECIMALS,
        )?);
    }
    pool.send(&gifts, &[&holder]).await?;

    // Both pool their DIEM: the vault stakes each part for its depositor.
    pool.send(&[pool.deposit(&first.pubkey(), first_amount)], &[&first]).await?;
    pool.send(&[pool.deposit(&second.pubkey(), second_amount)], &[&second]).await?;
    eprintln!("pooled {first_amount} for {} and {second_amount} for {}", first.pubkey(), second.pubkey());

    // The first leaves with a third: her own ticket, handed to her by the vault.
    let first_out = first_amount / 3;
    let (ix, first_ticket) = pool.withdraw(&first.pubkey(), first_out).await?;
    pool.send(&[ix], &[&first]).await?;
    let opened = pool.ticket(&first_ticket).await?;
    if opened.owner != first.pubkey() || opened.amount != first_out {
        return Err(format!("the first ticket is not the depositor's: {opened:?}").into());
    }
    // The second leaves later with half of his: another ticket, which moves nothing of hers.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let second_out = second_amount / 2;
    let (ix, second_ticket) = pool.withdraw(&second.pubkey(), second_out).await?;
    pool.send(&[ix], &[&second]).await?;
    if pool.ticket(&first_ticket).await?.unlock_at != opened.unlock_at {
        return Err("the second withdrawal moved the first ticket's unlock time".into());
    }
    // Each finalizes when due, with diem directly; the second hands his to a third wallet first.
    pool.wait_until(opened.unlock_at).await?;
    let ticket = diem_client::ix::TicketRef { address: first_ticket, owner: first.pubkey(), rent_payer: first.pubkey() };
    pool.send(&[diem_client::ix::finalize_diem_unstake(&ticket, diem_account(&first.pubkey()))], &[&first]).await?;
    let ticket = diem_client::ix::TicketRef { address: second_ticket, owner: second.pubkey(), rent_payer: second.pubkey() };
    pool.send(&[diem_client::ix::transfer_ticket(&ticket, third.pubkey())], &[&second]).await?;
    let handed = pool.ticket(&second_ticket).await?;
    pool.wait_until(handed.unlock_at).await?;
    let ticket = diem_client::ix::TicketRef { address: second_ticket, owner: third.pubkey(), rent_payer: second.pubkey() };
    pool.send(&[diem_client::ix::finalize_diem_unstake(&ticket, diem_account(&third.pubkey()))], &[&third]).await?;
    let balances = (
        pool.diem_balance(&first.pubkey()).await?,
        pool.diem_balance(&second.pubkey()).await?,
        pool.diem_balance(&third.pubkey()).await?,
    );
    if balances != (first_out, 0, second_out) {
        return Err(format!("DIEM after the exits {balances:?}, expected ({first_out}, 0, {second_out})").into());
    }
    println!(
        "{}",
        json!({
            "vault": vault.to_string(),
            "first": first.pubkey().to_string(),
            "second": second.pubkey().to_string(),
            "third": third.pubkey().to_string(),
            "given": args.amount,
            "first_credit": first_amount - first_out,
            "second_credit": second_amount - second_out,
        })
    );
    Ok(())
}
