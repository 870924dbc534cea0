//! For the local-validator suite: DIEM unstaked through another program, with diem's id in an
//! address lookup table, so no static key of the transaction names diem (SPEC §12's hardest
//! case for an indexer). On a validator where `diem-attacker` (a generic forwarder) is deployed:
//!
//! 1. the owner creates a lookup table holding diem's id, its event authority and the accounts
//!    of the call;
//! 2. `initiate_diem_unstake(amount)` and, after the cooldown, `finalize_diem_unstake` go through
//!    the forwarder in v0 transactions using the table;
//! 3. half the DIEM moves to a second wallet, which stakes most of it directly (a legacy
//!    transaction) and burns the rest through Token-2022, out of diem's sight.
//!
//! With `--capture DIR` it writes each transaction as `getTransaction` returned it, the fixtures
//! `diem_client::decode`'s tests read. Prints `{"second", "moved", "staked", "burned_outside"}`
//! as JSON.
use std::path::PathBuf;
use std::time::Duration;

use anchor_lang::InstructionData;
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_spl::associated_token::{get_associated_token_address_with_program_id, spl_associated_token_account as ata};
use diem_client::pda;
use serde_json::{Value, json};
use solana_address_lookup_table_interface::instruction as alt;
use solana_address_lookup_table_interface::state::AddressLookupTable;
use solana_commitment_config::CommitmentConfig;
use solana_keypair::Keypair;
use solana_message::{AddressLookupTableAccount, VersionedMessage, v0};
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::request::RpcRequest;
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction::versioned::VersionedTransaction;

type Failure = Box<dyn std::error::Error>;

/// DIEM base units the second wallet burns through Token-2022 directly.
const RAW_BURN: u64 = 1_000;

struct Args {
    url: String,
    keypair: PathBuf,
    amount: u64,
    cooldown_secs: u64,
    capture: Option<PathBuf>,
}

fn args() -> Result<Args, Failure> {
    let mut it = std::env::args().skip(1);
    let (mut url, mut keypair, mut amount, mut cooldown, mut capture) = (None, None, None, 3, None);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--url" => url = Some(value),
            "--keypair" => keypair = Some(PathBuf::from(value)),
            "--amount" => amount = Some(value.parse().map_err(|_| format!("--amount {value}: not base units"))?),
            "--cooldown-secs" => cooldown = value.parse().map_err(|_| format!("--cooldown-secs {value}"))?,
            "--capture" => capture = Some(PathBuf::from(value)),
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    Ok(Args {
        url: url.ok_or("--url is required")?,
        keypair: keypair.ok_or("--keypair is required")?,
        amount: amount.ok_or("--amount is required")?,
        cooldown_secs: cooldown,
        capture,
    })
}

/// `ix` (a diem instruction) as a call of the forwarder, which invokes diem by CPI.
fn through_forwarder(ix: &Instruction) -> Instruction {
    let flags: Vec<u8> = ix.accounts.iter().map(|m| u8::from(m.is_signer) | (u8::from(m.is_writable) << 1)).collect();
    let authority = Pubkey::find_program_address(&[diem_attacker::AUTHORITY_SEED], &diem_attacker::ID).0;
    let mut accounts =
        vec![AccountMeta::new_readonly(authority, false), AccountMeta::new_readonly(ix.program_id, false)];
    accounts.extend(ix.accounts.iter().cloned());
    Instruction {
        program_id: diem_attacker::ID,
        accounts,
        data: diem_attacker::instruction::Forward { data: ix.data.clone(), flags }.data(),
    }
}

async fn raw_transaction(rpc: &RpcClient, signature: &str) -> Result<Value, Failure> {
    let params =
        json!([signature, {"encoding": "json", "commitment": "confirmed", "maxSupportedTransactionVersion": 0}]);
    for _ in 0..60 {
        let v: Value = rpc.send(RpcRequest::GetTransaction, params.clone()).await?;
        if !v.is_null() {
            return Ok(v);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err(format!("transaction {signature} never became readable").into())
}

struct Run {
    rpc: RpcClient,
    capture: Option<PathBuf>,
}

impl Run {
    async fn legacy(&self, ixs: &[Instruction], signers: &[&Keypair], name: &str) -> Result<Value, Failure> {
        let blockhash = self.rpc.get_latest_blockhash().await?;
        let tx = Transaction::new_signed_with_payer(ixs, Some(&signers[0].pubkey()), signers, blockhash);
        let signature = self.rpc.send_and_confirm_transaction(&tx).await?;
        self.captured(&signature.to_string(), name).await
    }

    async fn v0(
        &self,
        ixs: &[Instruction],
        table: &AddressLookupTableAccount,
        payer: &Keypair,
        name: &str,
    ) -> Result<Value, Failure> {
        let blockhash = self.rpc.get_latest_blockhash().await?;
        let message = v0::Message::try_compile(&payer.pubkey(), ixs, std::slice::from_ref(table), blockhash)?;
        if message.account_keys.contains(&diem::ID) {
            return Err("diem's id is a static key: the lookup table was not used".into());
        }
        let tx = VersionedTransaction::try_new(VersionedMessage::V0(message), &[payer])?;
        let signature = self.rpc.send_and_confirm_transaction(&tx).await?;
        self.captured(&signature.to_string(), name).await
    }

    /// The transaction as JSON-RPC returns it; its diem events, decoded, must be there.
    async fn captured(&self, signature: &str, name: &str) -> Result<Value, Failure> {
        let tx = raw_transaction(&self.rpc, signature).await?;
        let decoded = diem_client::decode::decode_transaction(&tx)?;
        eprintln!("{name}: {signature}: {:?}", decoded.events.iter().map(|e| e.name()).collect::<Vec<_>>());
        if let Some(dir) = &self.capture {
            std::fs::create_dir_all(dir)?;
            std::fs::write(dir.join(format!("{name}.json")), serde_json::to_string_pretty(&tx)? + "\n")?;
        }
        Ok(tx)
    }
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let args = args()?;
    let owner =
        solana_keypair::read_keypair_file(&args.keypair).map_err(|e| format!("{}: {e}", args.keypair.display()))?;
    let run = Run {
        rpc: RpcClient::new_with_commitment(args.url.clone(), CommitmentConfig::confirmed()),
        capture: args.capture,
    };
    let me = owner.pubkey();
    let token = anchor_spl::token_2022::ID;
    let my_diem = get_associated_token_address_with_program_id(&me, &pda::diem_mint(), &token);

    // 1. The lookup table: diem, its event authority and every account of the two calls.
    let slot = run.rpc.get_slot_with_commitment(CommitmentConfig::finalized()).await?;
    let (create, table_address) = alt::create_lookup_table(me, me, slot);
    // The ticket this unstake opens is the stake's next one: its address is known beforehand.
    let stake_address = pda::diem_stake(&me, &me);
    let stake = diem_client::accounts::diem_stake(&run.rpc.get_account_data(&stake_address).await?)?;
    let ticket = diem_client::ix::TicketRef {
        address: pda::ticket(&stake_address, stake.tickets_opened),
        owner: me,
        rent_payer: me,
    };
    let unstake = diem_client::ix::initiate_diem_unstake(me, me, me, stake.tickets_opened, args.amount);
    let finalize = diem_client::ix::finalize_diem_unstake(&ticket, my_diem);
    let mut addresses = vec![diem::ID, pda::event_authority()];
    for m in unstake.accounts.iter().chain(&finalize.accounts) {
        if !m.is_signer && !addresses.contains(&m.pubkey) {
            addresses.push(m.pubkey);
        }
    }
    let extend = alt::extend_lookup_table(table_address, me, Some(me), addresses);
    run.legacy(&[create, extend], &[&owner], "lookup_table_created").await?;
    let created = run.rpc.get_slot().await?;
    while run.rpc.get_slot().await? <= created + 1 {
        tokio::time::sleep(Duration::from_millis(200)).await; // a table is usable from the next slot
    }
    let data = run.rpc.get_account_data(&table_address).await?;
    let table = AddressLookupTable::deserialize(&data)?;
    let table = AddressLookupTableAccount { key: table_address, addresses: table.addresses.to_vec() };

    // 2. Through the forwarder, diem's id loaded from the table.
    run.v0(&[through_forwarder(&unstake)], &table, &owner, "proxied_diem_unstake_via_lookup_table").await?;
    tokio::time::sleep(Duration::from_secs(args.cooldown_secs + 1)).await;
    run.v0(&[through_forwarder(&finalize)], &table, &owner, "proxied_diem_finalize_via_lookup_table").await?;

    // 3. Half the DIEM to a second wallet, which stakes it directly.
    let second = Keypair::new();
    let theirs = get_associated_token_address_with_program_id(&second.pubkey(), &pda::diem_mint(), &token);
    let moved = args.amount / 2;
    let fund = solana_system_interface::instruction::transfer(&me, &second.pubkey(), 50_000_000);
    let open =
        ata::instruction::create_associated_token_account_idempotent(&me, &second.pubkey(), &pda::diem_mint(), &token);
    let send = spl_token_2022_interface::instruction::transfer_checked(
        &token,
        &my_diem,
        &pda::diem_mint(),
        &theirs,
        &me,
        &[],
        moved,
        diem::constants::DIEM_DECIMALS,
    )?;
    run.legacy(&[fund, open, send], &[&owner], "diem_moved_to_a_second_wallet").await?;
    // It burns a little straight through Token-2022, which diem never sees: the audit must
    // report it as burned outside the program, not as a break.
    let staked = moved - RAW_BURN;
    run.legacy(&[diem_client::ix::stake_diem(second.pubkey(), second.pubkey(), theirs, staked)], &[&second], "direct_diem_stake_legacy")
        .await?;
    let burn = spl_token_2022_interface::instruction::burn_checked(
        &token,
        &theirs,
        &pda::diem_mint(),
        &second.pubkey(),
        &[],
        RAW_BURN,
        diem::constants::DIEM_DECIMALS,
    )?;
    run.legacy(&[burn], &[&second], "raw_token_2022_burn").await?;
    println!(
        "{}",
        json!({ "second": second.pubkey().to_string(), "moved": moved, "staked": staked, "burned_outside": RAW_BURN })
    );
    Ok(())
}
