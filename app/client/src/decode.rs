//! The program's events in a transaction as JSON-RPC's `getTransaction` returns it (`json`
//! encoding, legacy or v0), however the program was reached: directly or by CPI, with its id in
//! the static keys or loaded from an address lookup table.
//!
//! An inner instruction names its program by an index into the transaction's account keys,
//! which for a v0 transaction are the static keys, then `meta.loadedAddresses.writable`, then
//! `.readonly` (the runtime's order). Looking only at the static keys silently drops every
//! event of a transaction that loads the program's id from a table.
use serde_json::Value;
use thiserror::Error;

use crate::events::DiemEvent;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("transaction JSON: {0}")]
    Malformed(String),
    #[error("transaction {signature}: inner instruction names account {index}, but it has {keys} account keys")]
    KeyIndexOutOfRange { signature: String, index: usize, keys: usize },
    #[error("transaction {signature}: event data is not base58")]
    BadData { signature: String },
    #[error("transaction {signature}: an event of the program does not decode (an IDL this client does not know?)")]
    UnknownEvent { signature: String },
}

/// One transaction and the program's events in it, in execution order.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodedTransaction {
    pub signature: String,
    pub slot: u64,
    pub block_time: Option<i64>,
    /// A failed transaction changed nothing and carries no event.
    pub failed: bool,
    pub events: Vec<DiemEvent>,
}

fn malformed(what: &str) -> DecodeError {
    DecodeError::Malformed(what.to_string())
}

fn strings(value: Option<&Value>) -> Vec<&str> {
    value.and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

/// The account keys in the runtime's order: static, then loaded writable, then loaded read-only.
/// `jsonParsed` gives static keys as objects with a `pubkey`; `json` as strings.
fn account_keys<'a>(tx: &'a Value, meta: &'a Value) -> Result<Vec<&'a str>, DecodeError> {
    let listed = tx
        .pointer("/transaction/message/accountKeys")
        .and_then(Value::as_array)
        .ok_or_else(|| malformed("no transaction.message.accountKeys"))?;
    let mut keys = Vec::with_capacity(listed.len() + 8);
    for key in listed {
        let key = key.as_str().or_else(|| key.get("pubkey").and_then(Value::as_str));
        keys.push(key.ok_or_else(|| malformed("an account key is not a string"))?);
    }
    if let Some(loaded) = meta.get("loadedAddresses") {
        keys.extend(strings(loaded.get("writable")));
        keys.extend(strings(loaded.get("readonly")));
    }
    Ok(keys)
}

/// Decodes one `getTransaction` result (`encoding: "json"`).
pub fn decode_transaction(tx: &Value) -> Result<DecodedTransaction, DecodeError> {
    let signature = tx
        .pointer("/transaction/signatures/0")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("no transaction.signatures[0]"))?
        .to_string();
    let slot = tx.get("slot").and_then(Value::as_u64).ok_or_else(|| malformed("no slot"))?;
    let block_time = tx.get("blockTime").and_then(Value::as_i64);
    let meta = tx.get("meta").ok_or_else(|| malformed("no meta"))?;
    let failed = !meta.get("err").is_none_or(Value::is_null);
    let mut decoded = DecodedTransaction { signature, slot, block_time, failed, events: Vec::new() };
    if failed {
        return Ok(decoded);
    }
    let keys = account_keys(tx, meta)?;
    let program = diem::ID.to_string();
    let groups = meta.get("innerInstructions").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    for ix in groups.iter().filter_map(|g| g.get("instructions").and_then(Value::as_array)).flatten() {
        let program_id = match (ix.get("programIdIndex").and_then(Value::as_u64), ix.get("programId")) {
            (Some(index), _) => *keys.get(index as usize).ok_or_else(|| DecodeError::KeyIndexOutOfRange {
                signature: decoded.signature.clone(),
                index: index as usize,
                keys: keys.len(),
            })?,
            (None, Some(id)) => id.as_str().ok_or_else(|| malformed("programId is not a string"))?,
            (None, None) => return Err(malformed("an inner instruction names no program")),
        };
        if program_id != program {
            continue;
        }
        let Some(data) = ix.get("data").and_then(Value::as_str) else { continue };
        let bytes =
            bs58::decode(data).into_vec().map_err(|_| DecodeError::BadData { signature: decoded.signature.clone() })?;
        if !bytes.starts_with(anchor_lang::event::EVENT_IX_TAG_LE) {
            continue; // the program calling itself for something other than an event
        }
        let event = DiemEvent::from_cpi_data(&bytes)
            .ok_or_else(|| DecodeError::UnknownEvent { signature: decoded.signature.clone() })?;
        decoded.events.push(event);
    }
    Ok(decoded)
}

#[cfg(test)]
mod tests;
