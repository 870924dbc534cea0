//! An event's Borsh body as JSON, laid out by the committed IDL (`idls/diem.json`): the same
//! field names an Anchor TypeScript client shows. Keys are base58; `u64`/`i64` are JSON numbers;
//! `u128` are decimal strings (JSON numbers lose precision past 2^53 in most readers).
use std::collections::HashMap;

use anchor_lang::prelude::Pubkey;
use serde_json::{Map, Value};

const IDL: &str = include_str!("../../../idls/diem.json");

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum BodyError {
    #[error("the IDL does not describe event {0}")]
    UnknownType(String),
    #[error("event {0}: the body is shorter than its IDL layout")]
    Truncated(String),
    #[error("the IDL has a type this reader does not handle: {0}")]
    Unsupported(String),
}

/// Type definitions of the IDL, by name.
pub struct Layouts {
    types: HashMap<String, Value>,
}

impl Layouts {
    /// The committed IDL's layouts.
    pub fn committed() -> Self {
        let idl: Value = serde_json::from_str(IDL).unwrap_or_default();
        let types = idl
            .get("types")
            .and_then(Value::as_array)
            .map(|ts| {
                ts.iter().filter_map(|t| Some((t.get("name")?.as_str()?.to_string(), t.get("type")?.clone()))).collect()
            })
            .unwrap_or_default();
        Self { types }
    }

    /// The event named `name` (its Borsh body, after the discriminator) as JSON.
    pub fn event_json(&self, name: &str, body: &[u8]) -> Result<Value, BodyError> {
        let mut reader = Reader { bytes: body, name };
        self.defined(name, &mut reader)
    }

    fn defined(&self, name: &str, r: &mut Reader) -> Result<Value, BodyError> {
        let ty = self.types.get(name).ok_or_else(|| BodyError::UnknownType(name.to_string()))?;
        match ty.get("kind").and_then(Value::as_str) {
            Some("struct") => self.fields(ty.get("fields"), r),
            Some("enum") => {
                let index = r.take(1)?[0] as usize;
                let variant = ty
                    .pointer(&format!("/variants/{index}"))
                    .ok_or_else(|| BodyError::Unsupported(format!("{name} variant {index}")))?;
                let variant_name = variant.get("name").and_then(Value::as_str).unwrap_or_default();
                let fields = self.fields(variant.get("fields"), r)?;
                Ok(Value::Object(Map::from_iter([(variant_name.to_string(), fields)])))
            }
            other => Err(BodyError::Unsupported(format!("{name}: kind {other:?}"))),
        }
    }

    fn fields(&self, fields: Option<&Value>, r: &mut Reader) -> Result<Value, BodyError> {
        let mut out = Map::new();
        for (i, field) in fields.and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
            let (name, ty) = match field.get("name").and_then(Value::as_str) {
                Some(name) => (name.to_string(), field.get("type").unwrap_or(&Value::Null)),
                None => (i.to_string(), field), // a tuple field
            };
            out.insert(name, self.value(ty, r)?);
        }
        Ok(Value::Object(out))
    }

    fn value(&self, ty: &Value, r: &mut Reader) -> Result<Value, BodyError> {
        let int = |bytes: &[u8]| {
            let mut b = [0u8; 16];
            b[..bytes.len()].copy_from_slice(bytes);
            u128::from_le_bytes(b)
        };
        if let Some(primitive) = ty.as_str() {
            return Ok(match primitive {
                "bool" => Value::Bool(r.take(1)?[0] != 0),
                "u8" => Value::from(r.take(1)?[0]),
                "u16" => Value::from(int(r.take(2)?) as u16),
                "u32" => Value::from(int(r.take(4)?) as u32),
                "u64" => Value::from(int(r.take(8)?) as u64),
                "i64" => Value::from(int(r.take(8)?) as u64 as i64),
                "u128" => Value::String(int(r.take(16)?).to_string()),
                "pubkey" => {
                    let bytes: [u8; 32] = r.take(32)?.try_into().unwrap_or([0; 32]);
                    Value::String(Pubkey::new_from_array(bytes).to_string())
                }
                "string" => {
                    let len = int(r.take(4)?) as usize;
                    Value::String(String::from_utf8_lossy(r.take(len)?).into_owned())
                }
                other => return Err(BodyError::Unsupported(other.to_string())),
            });
        }
        if let Some(name) = ty.pointer("/defined/name").and_then(Value::as_str) {
            return self.defined(name, r);
        }
        if let Some(inner) = ty.get("option") {
            return if r.take(1)?[0] == 0 { Ok(Value::Null) } else { self.value(inner, r) };
        }
        if let Some(inner) = ty.get("vec") {
            let len = int(r.take(4)?) as usize;
            return (0..len).map(|_| self.value(inner, r)).collect::<Result<Vec<_>, _>>().map(Value::Array);
        }
        if let Some([inner, len]) = ty.get("array").and_then(Value::as_array).map(Vec::as_slice) {
            let len = len.as_u64().ok_or_else(|| BodyError::Unsupported(format!("array length {len}")))?;
            if inner.as_str() == Some("u8") {
                // Hashes and raw bytes: hex reads better than 32 numbers.
                let bytes = r.take(len as usize)?;
                return Ok(Value::String(bytes.iter().map(|b| format!("{b:02x}")).collect()));
            }
            return (0..len).map(|_| self.value(inner, r)).collect::<Result<Vec<_>, _>>().map(Value::Array);
        }
        Err(BodyError::Unsupported(ty.to_string()))
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    name: &'a str,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], BodyError> {
        if self.bytes.len() < n {
            return Err(BodyError::Truncated(self.name.to_string()));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }
}

#[cfg(test)]
mod tests {
    use anchor_lang::AnchorSerialize;

    use super::*;

    fn bytes(event: &impl AnchorSerialize) -> Vec<u8> {
        let mut out = Vec::new();
        event.serialize(&mut out).unwrap();
        out
    }

    #[test]
    fn an_event_reads_as_its_idl_fields() {
        let owner = Pubkey::new_unique();
        let event = diem::events::DiemStaked {
            seq: 9,
            owner,
            beneficiary: owner,
            amount: 1_500_000_000,
            timestamp: -5,
            staked: 7,
            pool: diem::state::Pool { acc_locked: u128::MAX, ..Default::default() },
        };
        let json = Layouts::committed().event_json("DiemStaked", &bytes(&event)).unwrap();
        assert_eq!(json["seq"], 9);
        assert_eq!(json["owner"], owner.to_string());
        assert_eq!(json["timestamp"], -5);
        assert_eq!((json["staked"].as_u64(), json["beneficiary"].as_str()), (Some(7), Some(owner.to_string().as_str())));
        assert_eq!(json["pool"]["acc_locked"], u128::MAX.to_string());
        let layouts = Layouts::committed();
        assert_eq!(layouts.event_json("DiemStaked", &[1, 2]), Err(BodyError::Truncated("DiemStaked".into())));
        assert!(matches!(layouts.event_json("NoSuchEvent", &[]), Err(BodyError::UnknownType(_))));
    }

    #[test]
    fn enums_read_as_their_variant() {
        let event =
            diem::events::ChangeCancelled { seq: 3, kind: 0, change: diem::state::Change::EmissionRate { rate: 12 } };
        let json = Layouts::committed().event_json("ChangeCancelled", &bytes(&event)).unwrap();
        assert_eq!(json["change"]["EmissionRate"]["rate"], 12);
    }
}
