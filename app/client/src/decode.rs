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
        let bytes = base58(data).ok_or_else(|| DecodeError::BadData { signature: decoded.signature.clone() })?;
        if !bytes.starts_with(anchor_lang::event::EVENT_IX_TAG_LE) {
            continue; // the program calling itself for something other than an event
        }
        let event = DiemEvent::from_cpi_data(&bytes)
            .ok_or_else(|| DecodeError::UnknownEvent { signature: decoded.signature.clone() })?;
        decoded.events.push(event);
    }
    Ok(decoded)
}

/// Base58 (Bitcoin alphabet) to bytes, five characters at a time into 32-bit limbs: the same
/// result as `bs58::decode`, whose per-character, per-byte loop was a quarter of the indexer's
/// ingest time on event-sized data (`bench_indexer`).
pub fn base58(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    const fn digits() -> [u8; 128] {
        let mut table = [0xff; 128];
        let mut i = 0;
        while i < 58 {
            table[ALPHABET[i] as usize] = i as u8;
            i += 1;
        }
        table
    }
    const DIGITS: [u8; 128] = digits();
    let bytes = text.as_bytes();
    let zeros = bytes.iter().take_while(|&&b| b == b'1').count();
    // Little-endian 32-bit limbs of the number.
    let mut limbs: Vec<u32> = Vec::with_capacity(bytes.len() * 733 / 4000 + 2);
    for chunk in bytes[zeros..].chunks(5) {
        let (mut value, mut scale) = (0u64, 1u64);
        for &b in chunk {
            let d = *DIGITS.get(b as usize)?;
            if d == 0xff {
                return None;
            }
            value = value * 58 + u64::from(d);
            scale *= 58;
        }
        // limbs = limbs × 58^len + value; 58^5 < 2^32 keeps every step within a u64.
        let mut carry = value;
        for limb in limbs.iter_mut() {
            let t = u64::from(*limb) * scale + carry;
            *limb = t as u32;
            carry = t >> 32;
        }
        while carry > 0 {
            limbs.push(carry as u32);
            carry >>= 32;
        }
    }
    let mut out = vec![0u8; zeros];
    let mut body: Vec<u8> = limbs.iter().rev().flat_map(|l| l.to_be_bytes()).collect();
    let lead = body.iter().take_while(|&&b| b == 0).count();
    body.drain(..lead);
    out.extend(body);
    Some(out)
}

#[cfg(test)]
mod tests;
