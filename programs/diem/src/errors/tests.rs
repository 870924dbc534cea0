//! Tests of `errors`.
use super::*;

#[test]
fn every_error_is_listed_once_in_code_order_as_in_the_idl() {
    for (i, e) in DiemError::ALL.iter().enumerate() {
        assert_eq!(u32::from(*e), anchor_lang::error::ERROR_CODE_OFFSET + i as u32, "{e:?}");
        assert_eq!(DiemError::from_code(u32::from(*e)), Some(*e));
    }
    let idl = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../idls/diem.json")).unwrap();
    let names: Vec<String> = DiemError::ALL.iter().map(|e| format!("\"name\": \"{}\",", e.name())).collect();
    let errors = &idl[idl.find("\"errors\"").unwrap()..];
    // The top-level array's end (an error's message may itself contain a `]`).
    let errors = &errors[..errors.find("\n  ]").unwrap()];
    assert_eq!(errors.matches("\"code\"").count(), DiemError::ALL.len(), "the IDL lists another number of errors");
    for name in names {
        assert!(errors.contains(&name), "{name} is not in the IDL's errors");
    }
    assert_eq!(DiemError::from_code(anchor_lang::error::ERROR_CODE_OFFSET - 1), None);
    assert_eq!(DiemError::from_code(anchor_lang::error::ERROR_CODE_OFFSET + DiemError::ALL.len() as u32), None);
}
