//! Where transactions go: a [`Chain`] sends instructions and reads accounts and events. The
//! command line, the demo and the tests run the same operations ([`crate::ops`]) over any
//! backend: JSON-RPC ([`crate::rpc`], a cluster or local validator) or the embedded bank
//! (the `diem-bank` crate). Every backend returns the same [`Outcome`] and [`ChainError`].
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use diem::errors::DiemError;
use solana_account::Account;
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction_error::TransactionError;
use thiserror::Error;

use crate::events::{DiemEvent, EventKind};

/// The keypairs among `signers` that `ixs` need as signers, other than the fee payer (signing
/// with a key the message does not list is an error), each once.
pub fn required_signers<'a>(ixs: &[Instruction], signers: &[&'a Keypair], payer: &Pubkey) -> Vec<&'a Keypair> {
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

/// A transaction that succeeded, as every backend reports it.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// Base58 transaction signature.
    pub signature: String,
    /// The program's events, in the order it emitted them.
    pub events: Vec<DiemEvent>,
    /// The return data the transaction ended with (`mint_diem` and `quote_mint` return the DIEM
    /// amount), where the backend reports it.
    pub return_data: Option<Vec<u8>>,
    /// Compute units the transaction consumed, where the backend reports them.
    pub compute_units: Option<u64>,
    pub logs: Vec<String>,
}

impl Outcome {
    /// The return data read as a little-endian `u64`.
    pub fn return_data_u64(&self) -> Option<u64> {
        let bytes = self.return_data.as_deref()?.get(..8)?;
        Some(u64::from_le_bytes(bytes.try_into().ok()?))
    }

    /// The events of type `E`, in order.
    pub fn events_of<E: EventKind>(&self) -> Vec<&E> {
        crate::events::events_of(&self.events)
    }
}

/// A diem program error, by code, name and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramError {
    pub code: u32,
    pub name: String,
    pub message: String,
}

/// A transaction that ran (or was simulated) and failed.
#[derive(Clone, Debug, Error)]
#[error("{}", self.describe())]
pub struct TxFailure {
    /// The runtime's error, where the backend reports it as such.
    pub error: Option<TransactionError>,
    /// The program error, where the failure is one: named by Anchor's log line, or else by the
    /// custom error code when it is one of diem's.
    pub program_error: Option<ProgramError>,
    /// The runtime's own words.
    pub detail: String,
    pub logs: Vec<String>,
}

impl TxFailure {
    /// A failure from what the backend reported: the structured error where it has one, its
    /// text, and the transaction's log.
    pub fn new(error: Option<TransactionError>, detail: String, logs: Vec<String>) -> Self {
        let code = match &error {
            Some(TransactionError::InstructionError(_, InstructionError::Custom(code))) => Some(*code),
            _ => custom_code(&detail).or_else(|| logs.iter().rev().find_map(|l| custom_code(l))),
        };
        let program_error = anchor_log_error(&logs).or_else(|| {
            let e = DiemError::from_code(code?)?;
            Some(ProgramError { code: u32::from(e), name: e.name(), message: e.to_string() })
        });
        Self { error, program_error, detail, logs }
    }

    /// The custom error code of the failing instruction (a program's own error), if any.
    pub fn custom_code(&self) -> Option<u32> {
        match &self.error {
            Some(TransactionError::InstructionError(_, InstructionError::Custom(code))) => Some(*code),
            _ => self.program_error.as_ref().map(|p| p.code),
        }
    }

    fn describe(&self) -> String {
        match (&self.program_error, self.cause()) {
            (Some(p), _) => format!("{} (error {}): {}", p.name, p.code, p.message),
            (None, Some(cause)) => format!("{cause} ({})", self.detail),
            (None, None) => format!("transaction failed: {}", self.detail),
        }
    }

    /// A failure outside the program in plain words: the runtime's and the token programs'
    /// refusals, whose own words ("Attempt to debit an account but found no record of a prior
    /// credit", "custom program error: 0x1") say nothing to a holder.
    pub fn cause(&self) -> Option<&'static str> {
        let logged = |text: &str| self.logs.iter().any(|l| l.contains(text));
        Some(if self.detail.contains("no record of a prior credit") || self.detail.contains("insufficient funds for fee") {
            "the fee payer has no SOL to pay the fee"
        } else if logged("Error: insufficient funds") {
            "not enough tokens in the source account"
        } else if logged("already in use") || self.detail.contains("already in use") {
            "that account already exists (already initialized)"
        } else if logged("Error: Account not found") || logged("invalid account data for instruction") {
            "a token account it needs does not exist yet"
        } else {
            return None;
        })
    }
}

/// Anchor logs `Error Code: <Name>. Error Number: <n>. Error Message: <text>.` for every error
/// it raises (the program's and the framework's own).
fn anchor_log_error(logs: &[String]) -> Option<ProgramError> {
    logs.iter().rev().find_map(|line| {
        let rest = line.split("Error Code: ").nth(1)?;
        let (name, rest) = rest.split_once(". Error Number: ")?;
        let (code, message) = rest.split_once(". Error Message: ")?;
        Some(ProgramError {
            code: code.parse().ok()?,
            name: name.to_string(),
            message: message.trim_end_matches('.').to_string(),
        })
    })
}

/// The custom error code in `Custom(6002)` or `custom program error: 0x1772`.
fn custom_code(text: &str) -> Option<u32> {
    if let Some(rest) = text.split("Custom(").nth(1) {
        return rest.split(')').next()?.trim().parse().ok();
    }
    let hex = text.split("custom program error: 0x").nth(1)?;
    u32::from_str_radix(hex.split(|c: char| !c.is_ascii_hexdigit()).next()?, 16).ok()
}

#[derive(Debug, Error)]
pub enum ChainError {
    /// The transaction ran and failed; nothing it did was kept.
    #[error(transparent)]
    Failed(#[from] TxFailure),
    /// Nothing answers at the endpoint.
    #[error(
        "cannot reach the RPC endpoint {url} ({detail}). Start a local validator with `solana-test-validator`, or pass --url with a reachable endpoint"
    )]
    Unreachable { url: String, detail: String },
    /// The endpoint answered with an error.
    #[error("RPC: {0}")]
    Rpc(String),
    #[error("the program is not initialized at this cluster (no config account)")]
    NotInitialized,
    /// The program's own code, run here on the accounts read (a quote), refused.
    #[error("{} (error {}): {}", .0.name, .0.code, .0.message)]
    Refused(ProgramError),
    #[error("{0}")]
    Invalid(String),
}

impl ChainError {
    /// The failed transaction's runtime error, where the backend reported one.
    pub fn transaction_error(&self) -> Option<&TransactionError> {
        match self {
            ChainError::Failed(f) => f.error.as_ref(),
            _ => None,
        }
    }

    /// The diem program error this is, if it is one.
    pub fn program_error(&self) -> Option<&ProgramError> {
        match self {
            ChainError::Failed(f) => f.program_error.as_ref(),
            ChainError::Refused(p) => Some(p),
            _ => None,
        }
    }
}

impl From<anchor_lang::error::Error> for ChainError {
    fn from(e: anchor_lang::error::Error) -> Self {
        match e {
            anchor_lang::error::Error::AnchorError(a) => ChainError::Refused(ProgramError {
                code: a.error_code_number,
                name: a.error_name,
                message: a.error_msg,
            }),
            other => ChainError::Invalid(other.to_string()),
        }
    }
}

impl From<crate::accounts::DecodeError> for ChainError {
    fn from(e: crate::accounts::DecodeError) -> Self {
        ChainError::Invalid(e.to_string())
    }
}

/// Sends transactions and reads state.
#[allow(async_fn_in_trait)]
pub trait Chain {
    /// Sends `ixs` as one transaction signed by `signers` (those the instructions need). The
    /// fee is paid by the backend's own payer where it has one, otherwise by the first signer.
    async fn send(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> Result<Outcome, ChainError>;
    async fn account(&mut self, key: &Pubkey) -> Result<Option<Account>, ChainError>;
    /// The cluster's clock (unix seconds).
    async fn now(&mut self) -> Result<i64, ChainError>;
    /// Every event the program has emitted, oldest first.
    async fn events(&mut self) -> Result<Vec<DiemEvent>, ChainError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_outside_the_program_read_in_plain_words() {
        let fee = TxFailure::new(None, "Attempt to debit an account but found no record of a prior credit.".into(), vec![]);
        assert!(fee.to_string().starts_with("the fee payer has no SOL to pay the fee"), "{fee}");
        let token = TxFailure::new(
            None,
            "Error processing Instruction 2: custom program error: 0x1".into(),
            vec!["Program log: Error: insufficient funds".into()],
        );
        assert_eq!(token.cause(), Some("not enough tokens in the source account"));
        let again = TxFailure::new(None, "failed".into(), vec!["Allocate: account Address { .. } already in use".into()]);
        assert_eq!(again.cause(), Some("that account already exists (already initialized)"));
        assert_eq!(TxFailure::new(None, "something else".into(), vec![]).cause(), None);
    }

    #[test]
    fn program_errors_come_from_anchors_log_line() {
        let logs = vec![
            "Program log: AnchorError thrown in programs/diem/src/instructions/mint_diem.rs:49. Error Code: SlippageExceeded. Error Number: 6008. Error Message: The lock buys less DIEM than min_diem_out.".to_string(),
        ];
        let failure = TxFailure::new(None, "InstructionError(0, Custom(6008))".into(), logs);
        assert_eq!(
            failure.program_error,
            Some(ProgramError {
                code: 6008,
                name: "SlippageExceeded".into(),
                message: "The lock buys less DIEM than min_diem_out".into()
            })
        );
        assert_eq!(failure.to_string(), "SlippageExceeded (error 6008): The lock buys less DIEM than min_diem_out");
    }

    #[test]
    fn without_the_log_line_the_program_names_the_code() {
        let structured = Some(TransactionError::InstructionError(2, InstructionError::Custom(6002)));
        for (error, text) in
            [(None, "InstructionError(2, Custom(6002))"), (None, "custom program error: 0x1772"), (structured, "")]
        {
            let failure = TxFailure::new(error, text.into(), vec![]);
            let p = failure.program_error.clone().unwrap_or_else(|| panic!("{text}: not named"));
            assert_eq!((p.code, p.name.as_str()), (6002, "InsufficientUnlocked"));
            assert_eq!(failure.custom_code(), Some(6002));
        }
        let failure = TxFailure::new(None, "InsufficientFundsForFee".into(), vec![]);
        assert_eq!((failure.program_error.clone(), failure.custom_code()), (None, None));
        let token =
            TxFailure::new(Some(TransactionError::InstructionError(0, InstructionError::Custom(1))), "".into(), vec![]);
        assert_eq!(token.program_error, None, "token-program codes are not diem's");
        assert_eq!(token.custom_code(), Some(1));
        assert!(token.to_string().starts_with("transaction failed"));
    }

    #[test]
    fn return_data_reads_as_u64() {
        let outcome = Outcome { return_data: Some(42u64.to_le_bytes().to_vec()), ..Default::default() };
        assert_eq!(outcome.return_data_u64(), Some(42));
        assert_eq!(Outcome { return_data: Some(vec![1, 2]), ..Default::default() }.return_data_u64(), None);
        assert_eq!(Outcome::default().return_data_u64(), None);
    }
}
