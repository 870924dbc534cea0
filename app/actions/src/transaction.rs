//! The unsigned transaction an action returns: simulated first (a refusal comes back named,
//! before any wallet is asked), then given a compute-unit limit from the simulation and a
//! priority fee from what recent slots paid for the same accounts.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use diem_client::chain::ChainError;
use diem_client::rpc::RpcChain;
use solana_transaction::Message;

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

/// `instructions` paid by `payer`, behind the budget `RpcChain::budget` finds (the same the CLI
/// sends with).
pub async fn unsigned(chain: &RpcChain, payer: Pubkey, instructions: Vec<Instruction>) -> Result<Unsigned, BuildError> {
    let budget = chain.budget(&payer, &instructions).await.map_err(|e| match e {
        ChainError::Failed(failure) => BuildError::Refused(match failure.program_error {
            Some(p) => format!("Refused by the program: {} — {}", p.name, p.message),
            None => match failure.cause() {
                Some(cause) => format!("Refused: {cause}"),
                None => format!("The transaction would fail: {}", failure.detail),
            },
        }),
        other => BuildError::Cluster(other.to_string()),
    })?;
    let blockhash = chain.client().get_latest_blockhash().await.map_err(|e| BuildError::Cluster(e.to_string()))?;
    let message = Message::new_with_blockhash(&budget.prepend(&instructions), Some(&payer), &blockhash);
    Ok(Unsigned { wire: wire_bytes(&message), units: budget.units, micro_lamports: budget.micro_lamports })
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

#[cfg(test)]
mod tests {
    use super::*;
    use solana_compute_budget_interface::ComputeBudgetInstruction;
    use solana_transaction::Transaction;

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
