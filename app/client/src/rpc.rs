//! The JSON-RPC backend: a cluster or a local validator. It holds no key: every transaction is
//! paid for by its first signer, so read-only use needs no keypair at all.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use base64::Engine;
use serde::Deserialize;
use solana_account::Account;
use solana_commitment_config::CommitmentConfig;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_keypair::Keypair;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client::rpc_client::GetConfirmedSignaturesForAddress2Config;
use solana_rpc_client_api::client_error::{Error as ClientError, ErrorKind};
use solana_rpc_client_api::config::{RpcSimulateTransactionConfig, RpcTransactionConfig};
use solana_rpc_client_api::request::{RpcError, RpcRequest, RpcResponseErrorData};
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
    /// Micro-lamports a compute unit every transaction offers; `None`: what recent slots paid.
    priority_fee: Option<u64>,
}

/// What a transaction asks of the cluster: a compute-unit limit from a simulation (with
/// headroom, since state can move before it runs) and a price per unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub units: u32,
    pub micro_lamports: u64,
}

impl Budget {
    /// Headroom over the simulated units: 10 % plus a fixed margin, because the cluster's clock
    /// moves between the simulation and the execution. A simulation in the same second as the
    /// last accrual skips the reward maths the execution then runs (`claim` then `pay_treasury`
    /// at once failed with 10 % alone on the validator suite's run).
    pub const HEADROOM_PERCENT: u64 = 10;
    pub const MARGIN: u64 = 5_000;
    pub const FLOOR: u32 = 1_000;
    /// The limit a simulation runs under.
    pub const SIMULATION_LIMIT: u32 = 1_400_000;

    /// The limit for `consumed` simulated units.
    pub fn for_consumed(consumed: u64, micro_lamports: u64) -> Self {
        let units = u32::try_from(consumed.saturating_mul(100 + Self::HEADROOM_PERCENT) / 100 + Self::MARGIN)
            .unwrap_or(Self::SIMULATION_LIMIT)
            .clamp(Self::FLOOR, Self::SIMULATION_LIMIT);
        Self { units, micro_lamports }
    }

    /// `ixs` behind this budget's two compute-budget instructions.
    pub fn prepend(&self, ixs: &[Instruction]) -> Vec<Instruction> {
        let mut all = vec![
            ComputeBudgetInstruction::set_compute_unit_limit(self.units),
            ComputeBudgetInstruction::set_compute_unit_price(self.micro_lamports),
        ];
        all.extend_from_slice(ixs);
        all
    }
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
        Self {
            client: RpcClient::new_with_commitment(url.to_string(), commitment),
            url: url.into(),
            commitment,
            priority_fee: None,
        }
    }

    /// Every transaction offers `micro_lamports` a compute unit (`None`: what recent slots paid).
    pub fn with_priority_fee(mut self, micro_lamports: Option<u64>) -> Self {
        self.priority_fee = micro_lamports;
        self
    }

    /// The budget for `ixs` paid by `payer`: simulated (a transaction that would fail comes back
    /// as the failure it would be, named, before anything is signed), and priced at this chain's
    /// priority fee or the 75th percentile of what recent slots paid for the same writable
    /// accounts (at least 1 micro-lamport).
    pub async fn budget(&self, payer: &Pubkey, ixs: &[Instruction]) -> Result<Budget, ChainError> {
        let trial = Budget { units: Budget::SIMULATION_LIMIT, micro_lamports: 0 }.prepend(ixs);
        let tx = Transaction::new_unsigned(solana_transaction::Message::new(&trial, Some(payer)));
        let config = RpcSimulateTransactionConfig {
            sig_verify: false,
            replace_recent_blockhash: true,
            commitment: Some(self.commitment),
            ..Default::default()
        };
        let simulated =
            self.client.simulate_transaction_with_config(&tx, config).await.map_err(|e| self.error(e))?.value;
        if let Some(error) = simulated.err {
            let error: solana_transaction_error::TransactionError = error.into();
            return Err(ChainError::Failed(TxFailure::new(
                Some(error.clone()),
                error.to_string(),
                simulated.logs.unwrap_or_default(),
            )));
        }
        let fee = match self.priority_fee {
            Some(fee) => fee,
            None => {
                let writable: Vec<Pubkey> = ixs
                    .iter()
                    .flat_map(|ix| ix.accounts.iter().filter(|a| a.is_writable).map(|a| a.pubkey))
                    .take(128)
                    .collect();
                let mut fees: Vec<u64> = self
                    .client
                    .get_recent_prioritization_fees(&writable)
                    .await
                    .unwrap_or_default()
                    .iter()
                    .map(|f| f.prioritization_fee)
                    .collect();
                fees.sort_unstable();
                fees.get(fees.len() * 3 / 4).copied().unwrap_or(0).max(1)
            }
        };
        Ok(Budget::for_consumed(simulated.units_consumed.unwrap_or(u64::from(Budget::SIMULATION_LIMIT)), fee))
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

    /// A transaction as the node returns it: its JSON, which the decoder reads as it is (the
    /// indexer's path), and the typed view of the same JSON for its status.
    async fn transaction(&self, signature: &Signature) -> Result<FetchedTransaction, ChainError> {
        let config = RpcTransactionConfig {
            encoding: Some(UiTransactionEncoding::Json),
            commitment: Some(self.commitment),
            max_supported_transaction_version: Some(0),
        };
        let json: serde_json::Value = self
            .client
            .send(RpcRequest::GetTransaction, serde_json::json!([signature.to_string(), config]))
            .await
            .map_err(|e| self.error(e))?;
        let typed = EncodedConfirmedTransactionWithStatusMeta::deserialize(&json)
            .map_err(|e| ChainError::Rpc(format!("getTransaction {signature}: {e}")))?;
        // The program's events, however it was reached (by CPI, with its id in a lookup table);
        // none for a failed transaction.
        let events = crate::decode::decode_transaction(&json).map_err(|e| ChainError::Invalid(e.to_string()))?.events;
        Ok(FetchedTransaction { typed, events })
    }
}

/// A transaction read back: its typed view and the program's events in it.
struct FetchedTransaction {
    typed: EncodedConfirmedTransactionWithStatusMeta,
    events: Vec<DiemEvent>,
}

impl Chain for RpcChain {
    async fn send(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> Result<Outcome, ChainError> {
        let payer =
            signers.first().ok_or_else(|| ChainError::Invalid("a transaction needs a signer to pay its fee".into()))?;
        let budget = self.budget(&payer.pubkey(), ixs).await?;
        let blockhash = self.client.get_latest_blockhash().await.map_err(|e| self.error(e))?;
        let tx = self.signed(&budget.prepend(ixs), signers, blockhash)?;
        let signature = self.client.send_and_confirm_transaction(&tx).await.map_err(|e| self.error(e))?;
        let FetchedTransaction { typed: confirmed, events } = self.transaction(&signature).await?;
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
            events.extend(self.transaction(&signature).await?.events);
        }
        // Same-slot transactions are not listed in execution order; the sequence number is.
        events.sort_by_key(DiemEvent::seq);
        Ok(events)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_covers_what_the_clock_can_add_and_stays_within_the_cap() {
        let b = Budget::for_consumed(13_048, 7);
        assert_eq!(b.units, 13_048 * 110 / 100 + 5_000);
        assert_eq!(b.micro_lamports, 7);
        assert_eq!(Budget::for_consumed(0, 1).units, 5_000);
        assert_eq!(Budget::for_consumed(u64::MAX, 1).units, Budget::SIMULATION_LIMIT);
        let ixs = Budget { units: 9, micro_lamports: 1 }.prepend(&[]);
        assert_eq!(ixs.len(), 2);
        assert_eq!(ixs[0].program_id, solana_compute_budget_interface::id());
    }
}
