//! The unsigned transaction an action returns: simulated first (a refusal comes back named,
//! before any wallet is asked), then given a compute-unit limit from the simulation and a
//! priority fee from what recent slots paid for the same accounts.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use diem_client::chain::TxFailure;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::config::RpcSimulateTransactionConfig;
use solana_transaction::{Message, Transaction};

/// Headroom over the simulated units: state can move between simulation and execution.
const LIMIT_HEADROOM_PERCENT: u64 = 10;
const LIMIT_FLOOR: u32 = 1_000;
const SIMULATION_LIMIT: u32 = 1_400_000;

#[derive(Debug)]
pub enum BuildError {
    /// The transaction would fail: the program's error by name, or the runtime's words.
    Refused(String),
    /// The cluster could not be asked.
    Cluster(String),
}

pub struct Unsigned {
    /// The wire bytes with an empty signature slot per signer.
    pub wire: Vec<u8>,
    pub units: u32,
    pub micro_lamports: u64,
}

pub async fn unsigned(client: &RpcClient, payer: Pubkey, instructions: Vec<Instruction>) -> Result<Unsigned, BuildError> {
    let cluster = |e: solana_rpc_client_api::client_error::Error| BuildError::Cluster(e.to_string());
    let blockhash = client.get_latest_blockhash().await.map_err(cluster)?;
    let with = |units: u32, micro_lamports: u64| {
        let mut all = vec![
            ComputeBudgetInstruction::set_compute_unit_limit(units),
            ComputeBudgetInstruction::set_compute_unit_price(micro_lamports),
        ];
        all.extend(instructions.iter().cloned());
        Message::new_with_blockhash(&all, Some(&payer), &blockhash)
    };
    let simulation = client
        .simulate_transaction_with_config(
            &Transaction::new_unsigned(with(SIMULATION_LIMIT, 0)),
            RpcSimulateTransactionConfig {
                sig_verify: false,
                replace_recent_blockhash: true,
                // What the wallet's own preflight reads, not the default (finalized).
                commitment: Some(solana_commitment_config::CommitmentConfig::confirmed()),
                ..Default::default()
            },
        )
        .await
        .map_err(cluster)?
        .value;
    if let Some(error) = simulation.err {
        let failure = TxFailure::new(Some(error.clone().into()), error.to_string(), simulation.logs.unwrap_or_default());
        return Err(BuildError::Refused(match failure.program_error {
            Some(p) => format!("Refused by the program: {} — {}", p.name, p.message),
            None => explain(&failure.detail, &failure.logs),
        }));
    }
    let consumed = simulation.units_consumed.unwrap_or(u64::from(SIMULATION_LIMIT));
    let units = u32::try_from(consumed * (100 + LIMIT_HEADROOM_PERCENT) / 100).unwrap_or(SIMULATION_LIMIT).max(LIMIT_FLOOR);
    let writable: Vec<Pubkey> =
        instructions.iter().flat_map(|ix| ix.accounts.iter().filter(|a| a.is_writable).map(|a| a.pubkey)).take(128).collect();
    let micro_lamports = recent_fee(client, &writable).await;
    let message = with(units, micro_lamports);
    Ok(Unsigned { wire: wire_bytes(&message), units, micro_lamports })
}

/// The 75th percentile of what recent slots paid for these accounts, at least 1 micro-lamport.
async fn recent_fee(client: &RpcClient, accounts: &[Pubkey]) -> u64 {
    let mut fees: Vec<u64> =
        client.get_recent_prioritization_fees(accounts).await.unwrap_or_default().iter().map(|f| f.prioritization_fee).collect();
    fees.sort_unstable();
    fees.get(fees.len() * 3 / 4).copied().unwrap_or(0).max(1)
}

/// A transaction's wire format: the signature count (compact-u16), an empty 64-byte slot per
/// required signature, then the message.
pub fn wire_bytes(message: &Message) -> Vec<u8> {
    let signers = usize::from(message.header.num_required_signatures);
    let mut bytes = Vec::with_capacity(3 + 64 * signers + 256);
    let mut n = signers;
    loop {
        let low = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            bytes.push(low);
            break;
        }
        bytes.push(low | 0x80);
    }
    bytes.resize(bytes.len() + 64 * signers, 0);
    bytes.extend(message.serialize());
    bytes
}

/// The runtime's and the token programs' refusals in plain words.
fn explain(detail: &str, logs: &[String]) -> String {
    let logged = |text: &str| logs.iter().any(|l| l.contains(text));
    if detail.contains("no record of a prior credit") || detail.contains("insufficient funds for fee") {
        "This wallet has no SOL to pay the fee".into()
    } else if logged("Error: insufficient funds") {
        "Not enough tokens in this wallet for that".into()
    } else if logged("Error: Account not found") || logged("invalid account data for instruction") {
        "This wallet has no account for that token yet".into()
    } else {
        format!("The transaction would fail: {detail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_said_in_plain_words() {
        assert_eq!(explain("Attempt to debit an account but found no record of a prior credit.", &[]), "This wallet has no SOL to pay the fee");
        let token = ["Program log: Error: insufficient funds".to_string()];
        assert_eq!(explain("Error processing Instruction 2: custom program error: 0x1", &token), "Not enough tokens in this wallet for that");
        assert!(explain("something else", &[]).starts_with("The transaction would fail: something else"));
    }

    #[test]
    fn the_wire_bytes_are_what_a_transaction_serializes_to() {
        let payer = Pubkey::new_unique();
        let ix = ComputeBudgetInstruction::set_compute_unit_limit(5);
        let message = Message::new(&[ix], Some(&payer));
        let tx = Transaction::new_unsigned(message.clone());
        let mut expected = vec![1u8];
        expected.extend(tx.signatures[0].as_ref());
        expected.extend(tx.message.serialize());
        assert_eq!(wire_bytes(&message), expected);
    }
}
