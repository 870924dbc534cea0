//! What the IDL says of a type whose Rust layout hides its meaning.

use anchor_lang_idl::types::{
    Idl, IdlArrayLen, IdlDefinedFields, IdlField, IdlRepr, IdlReprModifier, IdlSerialization, IdlType,
    IdlTypeDefTy,
};

/// A curve bucket's rate is a `u128` kept as 16 little-endian bytes (`CurveEntry::rate_le`), so
/// the zero-copy layout has no padding whatever a target's `u128` alignment. Those 16 bytes are
/// byte for byte a little-endian `u128`, which is what Borsh and every IDL client decode a
/// `u128` from, so the IDL may call the field what it is: `rate: u128`. Clients then read rates
/// as numbers. Declared `repr(C, packed)`: the same 24 bytes without the 16-byte alignment a
/// host's `u128` would ask for, so a C-layout reader (`declare_program!`, Anchor's TypeScript
/// coder) inserts no padding before the rate.
pub fn rates_as_numbers(idl: &mut Idl) -> Result<(), String> {
    let entry = idl.types.iter_mut().find(|t| t.name == "CurveEntry").ok_or("no CurveEntry type")?;
    entry.repr = Some(IdlRepr::C(IdlReprModifier { packed: true, align: None }));
    let IdlTypeDefTy::Struct { fields: Some(IdlDefinedFields::Named(fields)) } = &mut entry.ty else {
        return Err("CurveEntry is not a struct with named fields".into());
    };
    let rate = fields.iter_mut().find(|f| f.name == "rate_le").ok_or("CurveEntry has no rate_le")?;
    if rate.ty != IdlType::Array(Box::new(IdlType::U8), IdlArrayLen::Value(16)) {
        return Err(format!("CurveEntry::rate_le is {:?}, not [u8; 16]", rate.ty));
    }
    *rate = IdlField {
        name: "rate".into(),
        docs: vec![
            "VVV base units per whole DIEM in this bucket (stored as `rate_le`, 16 little-endian bytes).".into(),
        ],
        ty: IdlType::U128,
    };
    Ok(())
}

/// The hot accounts (config, positions, DIEM stakes) are plain old data on chain
/// (`#[account(zero_copy)]`, read and written with one copy) but their bytes are exactly their
/// Borsh encoding: `repr(C)` with no padding on any target (bytemuck's `Pod` derive refuses
/// padding at compile time), fields in declaration order, a byte where a `bool` would be, and
/// nested types (`Pool`, `Params`, `PositionBalances`) that are themselves padding-free and
/// Borsh-serialized in events (each type's tests hold `bytes_of` equal to the Borsh encoding).
/// So the IDL calls them Borsh: every client decodes them field by field, with no alignment to
/// honour, and `declare_program!` can nest the Borsh types in them.
pub const PLAIN_AS_BORSH: [&str; 3] = ["Config", "Position", "DiemStake"];

pub fn plain_accounts_as_borsh(idl: &mut Idl) -> Result<(), String> {
    for name in PLAIN_AS_BORSH {
        let ty = idl.types.iter_mut().find(|t| t.name == name).ok_or(format!("no {name} type"))?;
        if ty.serialization != IdlSerialization::Bytemuck || !matches!(ty.repr, Some(IdlRepr::C(_))) {
            return Err(format!("{name} is {:?} {:?}, not bytemuck repr(C)", ty.serialization, ty.repr));
        }
        ty.serialization = IdlSerialization::Borsh;
        ty.repr = None;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn idl_with(fields: serde_json::Value) -> Idl {
        serde_json::from_value(json!({
            "address": "GJ6oqC3x3kimEPvN9twaon5yhD6ihiNkWAWULgQGhqHr",
            "metadata": { "name": "diem", "version": "0.1.0", "spec": "0.1.0" },
            "instructions": [],
            "types": [{ "name": "CurveEntry", "type": { "kind": "struct", "fields": fields } }],
        }))
        .unwrap()
    }

    #[test]
    fn a_rate_of_sixteen_bytes_becomes_a_u128() {
        let mut idl = idl_with(json!([
            { "name": "supply_bound", "type": "u64" },
            { "name": "rate_le", "type": { "array": ["u8", 16] } },
        ]));
        rates_as_numbers(&mut idl).unwrap();
        let out = serde_json::to_value(&idl).unwrap();
        assert_eq!(out["types"][0]["type"]["fields"][1]["type"], "u128");
        assert_eq!(out["types"][0]["type"]["fields"][1]["name"], "rate");
        assert_eq!(out["types"][0]["repr"], json!({ "kind": "c", "packed": true }));
    }

    #[test]
    fn any_other_layout_is_refused() {
        let mut idl = idl_with(json!([{ "name": "rate_le", "type": { "array": ["u8", 8] } }]));
        assert!(rates_as_numbers(&mut idl).is_err());
    }
}
