//! Where transactions go: a `Chain` sends instructions and reads accounts and events. The
//! command line, the demo and the tests run the same operations (`ops`) over either backend:
//! JSON-RPC (`rpc`, a cluster or local validator) or the embedded bank (`bank`).
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use solana_account::Account;
use solana_keypair::Keypair;
use thiserror::Error;

use crate::events::DiemEvent;

/// The keypairs among `signers` that `ixs` need as signers, other than the fee payer (signing
/// with a key the message does not list is an error).
pub fn required_signers<'a>(ixs: &[Instruction], signers: &[&'a Keypair], payer: &Pubkey) -> Vec<&'a Keypair> {
    use solana_signer::Signer;
    let mut keys: Vec<&'a Keypair> = Vec::new();
    for s in signers {
        let key = s.pubkey();
        let needed = ixs.iter().flat_map(|ix| &ix.accounts).any(|m| m.is_signer && m.pubkey == key);
        if needed && key != *payer && !keys.iter().any(|k| k.pubkey() == key) {
            keys.push(s);
        }
    }
    keys
}

/// A confirmed transaction.
#[derive(Clone, Debug, Default)]
pub struct Sent {
    pub signature: String,
    /// The program's events, in order.
    pub events: Vec<DiemEvent>,
    pub return_data: Option<Vec<u8>>,
}

#[derive(Debug, Error)]
pub enum ChainError {
    /// The program (or Anchor on its behalf) refused the instruction.
    #[error("{name} (error {code}): {message}")]
    Program { code: u32, name: String, message: String },
    #[error("transaction failed: {0}")]
    Transaction(String),
    #[error("RPC: {0}")]
    Rpc(String),
    #[error("{0}")]
    Invalid(String),
}

impl ChainError {
    /// Builds the error of a failed transaction from its log: Anchor logs
    /// `Error Code: <Name>. Error Number: <n>. Error Message: <text>.` for every program error.
    pub fn from_failure(error: impl std::fmt::Display, logs: &[String]) -> Self {
        for line in logs.iter().rev() {
            if let Some(rest) = line.split("Error Code: ").nth(1) {
                let mut parts = rest.splitn(2, ". Error Number: ");
                let name = parts.next().unwrap_or_default().to_string();
                let rest = parts.next().unwrap_or_default();
                let mut parts = rest.splitn(2, ". Error Message: ");
                let code = parts.next().and_then(|c| c.parse().ok()).unwrap_or_default();
                let message = parts.next().unwrap_or_default().trim_end_matches('.').to_string();
                return ChainError::Program { code, name, message };
            }
        }
        // Without Anchor's log line (a program built natively logs to stdout), the custom error
        // code in the failure is looked up in the committed IDL.
        let text = error.to_string();
        let code = custom_code(&text).or_else(|| logs.iter().rev().find_map(|l| custom_code(l)));
        if let Some((name, message)) = code.and_then(idl_error) {
            return ChainError::Program { code: code.unwrap_or_default(), name, message };
        }
        ChainError::Transaction(text)
    }
}

/// The custom error code in `Custom(6002)` or `custom program error: 0x1772`.
fn custom_code(text: &str) -> Option<u32> {
    if let Some(rest) = text.split("Custom(").nth(1) {
        return rest.split(')').next()?.trim().parse().ok();
    }
    let hex = text.split("custom program error: 0x").nth(1)?;
    u32::from_str_radix(hex.split(|c: char| !c.is_ascii_hexdigit()).next()?, 16).ok()
}

/// Name and message of the program's error `code`, from the committed IDL.
fn idl_error(code: u32) -> Option<(String, String)> {
    static ERRORS: std::sync::LazyLock<Vec<(u32, String, String)>> = std::sync::LazyLock::new(|| {
        let idl: serde_json::Value = serde_json::from_str(include_str!("../../idls/diem.json")).unwrap_or_default();
        idl["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .filter_map(|e| {
                        Some((
                            e["code"].as_u64()? as u32,
                            e["name"].as_str()?.to_string(),
                            e["msg"].as_str().unwrap_or_default().to_string(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default()
    });
    ERRORS.iter().find(|(c, _, _)| *c == code).map(|(_, n, m)| (n.clone(), m.clone()))
}

/// Sends transactions and reads state. `send` signs with the fee payer plus `signers`.
#[allow(async_fn_in_trait)]
pub trait Chain {
    /// The fee payer (and default signer) of this chain connection.
    fn payer(&self) -> &Keypair;
    async fn send(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> Result<Sent, ChainError>;
    /// Simulates read-only instructions and returns their return data.
    async fn simulate(&mut self, ixs: &[Instruction]) -> Result<Option<Vec<u8>>, ChainError>;
    async fn account(&mut self, key: &Pubkey) -> Result<Option<Account>, ChainError>;
    /// The cluster's clock (unix seconds).
    async fn now(&mut self) -> Result<i64, ChainError>;
    /// Every event the program has emitted, oldest first.
    async fn events(&mut self) -> Result<Vec<DiemEvent>, ChainError>;
}

#[cfg(feature = "bank")]
#[allow(deprecated)] // solana-program-test's fields are marked unstable
impl Chain for crate::bank::Bank {
    fn payer(&self) -> &Keypair {
        &self.ctx.payer
    }

    async fn send(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> Result<Sent, ChainError> {
        let before = self.event_log.len();
        match crate::bank::Bank::send(self, ixs, signers).await {
            Ok(out) => Ok(Sent {
                signature: String::new(),
                events: self.event_log[before..].to_vec(),
                return_data: out.return_data,
            }),
            Err(e) => Err(ChainError::from_failure(format!("{e:?}"), &self.last_logs)),
        }
    }

    async fn simulate(&mut self, ixs: &[Instruction]) -> Result<Option<Vec<u8>>, ChainError> {
        // The bank has no separate read path; quote_mint changes nothing, so send it.
        Ok(Chain::send(self, ixs, &[]).await?.return_data)
    }

    async fn account(&mut self, key: &Pubkey) -> Result<Option<Account>, ChainError> {
        Ok(crate::bank::Bank::account(self, *key).await)
    }

    async fn now(&mut self) -> Result<i64, ChainError> {
        Ok(crate::bank::Bank::now(self).await)
    }

    async fn events(&mut self) -> Result<Vec<DiemEvent>, ChainError> {
        Ok(self.event_log.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_errors_come_from_anchors_log_line() {
        let logs = vec![
            "Program log: AnchorError thrown in programs/diem/src/instructions/mint_diem.rs:49. Error Code: SlippageExceeded. Error Number: 6008. Error Message: The lock buys less DIEM than min_diem_out.".to_string(),
        ];
        match ChainError::from_failure("InstructionError(0, Custom(6008))", &logs) {
            ChainError::Program { code, name, message } => {
                assert_eq!(
                    (code, name.as_str(), message.as_str()),
                    (6008, "SlippageExceeded", "The lock buys less DIEM than min_diem_out")
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn without_the_log_line_the_idl_names_the_code() {
        for failure in ["InstructionError(2, Custom(6002))", "custom program error: 0x1772"] {
            match ChainError::from_failure(failure, &[]) {
                ChainError::Program { code, name, .. } => {
                    assert_eq!((code, name.as_str()), (6002, "InsufficientUnlocked"))
                }
                other => panic!("{failure}: {other:?}"),
            }
        }
        assert!(matches!(ChainError::from_failure("InsufficientFundsForFee", &[]), ChainError::Transaction(_)));
        assert!(
            matches!(ChainError::from_failure("Custom(1)", &[]), ChainError::Transaction(_)),
            "token-program codes are not diem's"
        );
    }
}
