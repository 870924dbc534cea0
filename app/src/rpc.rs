//! The JSON-RPC backend: a cluster or a local validator, with a keypair-file signer.
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
use solana_transaction::Transaction;
use solana_transaction_status_client_types::option_serializer::OptionSerializer;
use solana_transaction_status_client_types::{EncodedTransaction, UiInstruction, UiMessage, UiTransactionEncoding};

use crate::chain::{Chain, ChainError, Sent};
use crate::events::DiemEvent;

pub struct RpcChain {
    client: RpcClient,
    payer: Keypair,
}

impl RpcChain {
    pub fn new(url: &str, payer: Keypair) -> Self {
        Self { client: RpcClient::new_with_commitment(url.to_string(), CommitmentConfig::confirmed()), payer }
    }

    pub fn client(&self) -> &RpcClient {
        &self.client
    }

    fn error(e: ClientError) -> ChainError {
        if let ErrorKind::RpcError(RpcError::RpcResponseError {
            data: RpcResponseErrorData::SendTransactionPreflightFailure(sim),
            ..
        }) = e.kind()
        {
            return ChainError::from_failure(&e, sim.logs.as_deref().unwrap_or_default());
        }
        ChainError::Rpc(e.to_string())
    }

    async fn signed(&self, ixs: &[Instruction], signers: &[&Keypair]) -> Result<Transaction, ChainError> {
        let blockhash = self.client.get_latest_blockhash().await.map_err(Self::error)?;
        let mut keys: Vec<&Keypair> = vec![&self.payer];
        keys.extend(crate::chain::required_signers(ixs, signers, &self.payer.pubkey()));
        Ok(Transaction::new_signed_with_payer(ixs, Some(&self.payer.pubkey()), &keys, blockhash))
    }

    /// The program's events in one confirmed transaction, from its inner instructions.
    async fn transaction_events(
        &self,
        signature: &solana_rpc_client_api::response::RpcConfirmedTransactionStatusWithSignature,
    ) -> Result<Vec<DiemEvent>, ChainError> {
        let signature = signature.signature.parse().map_err(|_| ChainError::Invalid("bad signature".into()))?;
        self.events_of(&signature).await
    }

    async fn events_of(&self, signature: &solana_transaction::Signature) -> Result<Vec<DiemEvent>, ChainError> {
        let config = RpcTransactionConfig {
            encoding: Some(UiTransactionEncoding::Json),
            commitment: Some(CommitmentConfig::confirmed()),
            max_supported_transaction_version: Some(0),
        };
        let tx = self.client.get_transaction_with_config(signature, config).await.map_err(Self::error)?;
        let keys: Vec<String> = match &tx.transaction.transaction {
            EncodedTransaction::Json(ui) => match &ui.message {
                UiMessage::Raw(raw) => raw.account_keys.clone(),
                UiMessage::Parsed(parsed) => parsed.account_keys.iter().map(|k| k.pubkey.clone()).collect(),
            },
            _ => return Err(ChainError::Invalid("unexpected transaction encoding".into())),
        };
        let program = diem::ID.to_string();
        let mut events = Vec::new();
        if let Some(meta) = &tx.transaction.meta {
            if meta.err.is_some() {
                return Ok(events);
            }
            if let OptionSerializer::Some(inner) = &meta.inner_instructions {
                for group in inner {
                    for ix in &group.instructions {
                        if let UiInstruction::Compiled(c) = ix {
                            if keys.get(c.program_id_index as usize) == Some(&program) {
                                let data = bs58::decode(&c.data).into_vec().unwrap_or_default();
                                if let Some(event) = DiemEvent::from_cpi_data(&data) {
                                    events.push(event);
                                }
                            }
                        }
                    }
                }
            }
        }
        Ok(events)
    }
}

impl Chain for RpcChain {
    fn payer(&self) -> &Keypair {
        &self.payer
    }

    async fn send(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> Result<Sent, ChainError> {
        let tx = self.signed(ixs, signers).await?;
        let signature = self.client.send_and_confirm_transaction(&tx).await.map_err(Self::error)?;
        let events = self.events_of(&signature).await?;
        Ok(Sent { signature: signature.to_string(), events, return_data: None })
    }

    async fn simulate(&mut self, ixs: &[Instruction]) -> Result<Option<Vec<u8>>, ChainError> {
        let tx = self.signed(ixs, &[]).await?;
        let result = self.client.simulate_transaction(&tx).await.map_err(Self::error)?.value;
        if let Some(err) = result.err {
            return Err(ChainError::from_failure(err, result.logs.as_deref().unwrap_or_default()));
        }
        Ok(match result.return_data {
            Some(data) => Some(
                base64::engine::general_purpose::STANDARD
                    .decode(&data.data.0)
                    .map_err(|e| ChainError::Invalid(format!("return data: {e}")))?,
            ),
            None => None,
        })
    }

    async fn account(&mut self, key: &Pubkey) -> Result<Option<Account>, ChainError> {
        let response =
            self.client.get_account_with_commitment(key, CommitmentConfig::confirmed()).await.map_err(Self::error)?;
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
                commitment: Some(CommitmentConfig::confirmed()),
            };
            let page =
                self.client.get_signatures_for_address_with_config(&diem::ID, config).await.map_err(Self::error)?;
            if page.is_empty() {
                break;
            }
            before = page.last().and_then(|s| s.signature.parse().ok());
            signatures.extend(page.into_iter().filter(|s| s.err.is_none()));
        }
        let mut events = Vec::new();
        for status in signatures.iter().rev() {
            events.extend(self.transaction_events(status).await?);
        }
        Ok(events)
    }
}
