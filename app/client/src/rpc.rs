//! The JSON-RPC backend: a cluster or a local validator. It holds no key: every transaction is
//! paid for by its first signer, so read-only use needs no keypair at all.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use base64::Engine;
use solana_account::Account;
use solana_commitment_config::CommitmentConfig;
use solana_keypair::Keypair;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client::rpc_client::GetConfirmedSignaturesForAddress2Config;
use solana_rpc_client_api::client_error::{Error as ClientError, ErrorKind};
use solana_rpc_client_api::config::RpcTransactionConfig;
use solana_rpc_client_api::request::{RpcError, RpcResponseErrorData};
use solana_signer::Signer;
use solana_transaction::{Signature, Transaction};
use solana_transaction_status_client_types::option_serializer::OptionSerializer;
use solana_transaction_status_client_types::{EncodedConfirmedTransactionWithStatusMeta, UiTransactionEncoding};

use crate::chain::{Chain, ChainError, Outcome, TxFailure, required_signers};
use crate::events::DiemEvent;

pub struct RpcChain {
    client: RpcClient,
    url: String,
    commitment: CommitmentConfig,
}

impl RpcChain {
    /// Sends and reads at `confirmed`: what a user waiting for their transaction wants.
    pub fn new(url: &str) -> Self {
        Self::with_commitment(url, CommitmentConfig::confirmed())
    }

    /// Reads at `finalized`: what billing and audits must see (a confirmed block can still be
    /// dropped with its fork).
    pub fn finalized(url: &str) -> Self {
        Self::with_commitment(url, CommitmentConfig::finalized())
    }

    pub fn with_commitment(url: &str, commitment: CommitmentConfig) -> Self {
        Self { client: RpcClient::new_with_commitment(url.to_string(), commitment), url: url.into(), commitment }
    }

    pub fn client(&self) -> &RpcClient {
        &self.client
    }

    /// Asks the endpoint for its version: an unreachable endpoint is reported as such.
    pub async fn check_reachable(&self) -> Result<(), ChainError> {
        self.client.get_version().await.map(|_| ()).map_err(|e| self.error(e))
    }

    fn error(&self, e: ClientError) -> ChainError {
        match e.kind() {
            ErrorKind::RpcError(RpcError::RpcResponseError {
                data: RpcResponseErrorData::SendTransactionPreflightFailure(sim),
                ..
            }) => {
                let logs = sim.logs.clone().unwrap_or_default();
                ChainError::Failed(TxFailure::new(e.get_transaction_error(), e.to_string(), logs))
            }
            ErrorKind::TransactionError(tx) => {
                ChainError::Failed(TxFailure::new(Some(tx.clone()), e.to_string(), vec![]))
            }
            ErrorKind::Io(io) => ChainError::Unreachable { url: self.url.clone(), detail: io.to_string() },
            ErrorKind::Reqwest(r) if r.is_connect() || r.is_timeout() => {
                ChainError::Unreachable { url: self.url.clone(), detail: r.to_string() }
            }
            // Some reads (getAccountInfo) fold the transport error into text.
            ErrorKind::RpcError(RpcError::ForUser(text)) if text.contains("error sending request") => {
                ChainError::Unreachable { url: self.url.clone(), detail: "error sending request".into() }
            }
            _ => ChainError::Rpc(e.to_string()),
        }
    }

    fn signed(
        &self,
        ixs: &[Instruction],
        signers: &[&Keypair],
        blockhash: solana_transaction::Hash,
    ) -> Result<Transaction, ChainError> {
        let payer =
            signers.first().ok_or_else(|| ChainError::Invalid("a transaction needs a signer to pay its fee".into()))?;
        let mut keys: Vec<&Keypair> = vec![payer];
        keys.extend(required_signers(ixs, signers, &payer.pubkey()));
        let mut tx = Transaction::new_unsigned(solana_transaction::Message::new(ixs, Some(&payer.pubkey())));
        tx.try_sign(&keys, blockhash).map_err(|e| ChainError::Invalid(format!("cannot sign: {e}")))?;
        Ok(tx)
    }

    async fn transaction(
        &self,
        signature: &Signature,
    ) -> Result<EncodedConfirmedTransactionWithStatusMeta, ChainError> {
        let config = RpcTransactionConfig {
            encoding: Some(UiTransactionEncoding::Json),
            commitment: Some(self.commitment),
            max_supported_transaction_version: Some(0),
        };
        self.client.get_transaction_with_config(signature, config).await.map_err(|e| self.error(e))
    }
}

/// The program's events in a transaction, however the program was reached (by CPI, with its
/// id in a lookup table: `decode::decode_transaction`); none for a failed transaction.
fn transaction_events(tx: &EncodedConfirmedTransactionWithStatusMeta) -> Result<Vec<DiemEvent>, ChainError> {
    let json = serde_json::to_value(tx).map_err(|e| ChainError::Invalid(format!("transaction JSON: {e}")))?;
    let decoded = crate::decode::decode_transaction(&json).map_err(|e| ChainError::Invalid(e.to_string()))?;
    Ok(decoded.events)
}

impl Chain for RpcChain {
    async fn send(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> Result<Outcome, ChainError> {
        let blockhash = self.client.get_latest_blockhash().await.map_err(|e| self.error(e))?;
        let tx = self.signed(ixs, signers, blockhash)?;
        let signature = self.client.send_and_confirm_transaction(&tx).await.map_err(|e| self.error(e))?;
        let confirmed = self.transaction(&signature).await?;
        let events = transaction_events(&confirmed)?;
        let meta = confirmed.transaction.meta;
        let logs = match meta.as_ref().map(|m| &m.log_messages) {
            Some(OptionSerializer::Some(logs)) => logs.clone(),
            _ => Vec::new(),
        };
        let compute_units = match meta.as_ref().map(|m| &m.compute_units_consumed) {
            Some(OptionSerializer::Some(units)) => Some(*units),
            _ => None,
        };
        let return_data = match meta.as_ref().map(|m| &m.return_data) {
            Some(OptionSerializer::Some(data)) => Some(
                base64::engine::general_purpose::STANDARD
                    .decode(&data.data.0)
                    .map_err(|e| ChainError::Invalid(format!("return data: {e}")))?,
            ),
            _ => None,
        };
        Ok(Outcome { signature: signature.to_string(), events, return_data, compute_units, logs })
    }

    async fn account(&mut self, key: &Pubkey) -> Result<Option<Account>, ChainError> {
        let response =
            self.client.get_account_with_commitment(key, self.commitment).await.map_err(|e| self.error(e))?;
        Ok(response.value)
    }

    async fn now(&mut self) -> Result<i64, ChainError> {
        // Clock sysvar: slot, epoch_start_timestamp, epoch, leader_schedule_epoch, unix_timestamp.
        const CLOCK: Pubkey = anchor_lang::pubkey!("SysvarC1ock11111111111111111111111111111111");
        let clock = self.account(&CLOCK).await?.ok_or_else(|| ChainError::Rpc("no clock".into()))?;
        let bytes: [u8; 8] = clock
            .data
            .get(32..40)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| ChainError::Rpc("bad clock".into()))?;
        Ok(i64::from_le_bytes(bytes))
    }

    async fn events(&mut self) -> Result<Vec<DiemEvent>, ChainError> {
        let mut signatures = Vec::new();
        let mut before = None;
        loop {
            let config = GetConfirmedSignaturesForAddress2Config {
                before,
                until: None,
                limit: None,
                commitment: Some(self.commitment),
            };
            let page = self
                .client
                .get_signatures_for_address_with_config(&diem::ID, config)
                .await
                .map_err(|e| self.error(e))?;
            if page.is_empty() {
                break;
            }
            before = page.last().and_then(|s| s.signature.parse().ok());
            signatures.extend(page.into_iter().filter(|s| s.err.is_none()));
        }
        let mut events = Vec::new();
        for status in signatures.iter().rev() {
            let signature: Signature = status
                .signature
                .parse()
                .map_err(|_| ChainError::Invalid(format!("bad signature {}", status.signature)))?;
            events.extend(transaction_events(&self.transaction(&signature).await?)?);
        }
        // Same-slot transactions are not listed in execution order; the sequence number is.
        events.sort_by_key(DiemEvent::seq);
        Ok(events)
    }
}
