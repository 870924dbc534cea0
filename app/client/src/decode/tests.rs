use anchor_lang::prelude::Pubkey;
use serde_json::json;

use super::*;

fn event_data(seq: u64) -> String {
    let event = diem::events::DiemStaked {
        seq,
        owner: Pubkey::new_unique(),
        amount: 5,
        timestamp: 1_800_000_000,
        stake: Default::default(),
        pool: Default::default(),
    };
    let ix = diem::events::event_instruction(&diem::EVENT_AUTHORITY_AND_BUMP.0, &event).unwrap();
    bs58::encode(ix.data).into_string()
}

/// A v0 transaction in which another program (static key 1) calls diem, whose id comes from a
/// lookup table: static keys [payer, proxy], loaded writable [w], loaded read-only [diem].
fn through_lookup_table(err: serde_json::Value) -> serde_json::Value {
    json!({
        "slot": 42, "blockTime": 1_800_000_000i64, "version": 0,
        "transaction": {
            "signatures": ["sig1"],
            "message": { "accountKeys": ["payer", "proxy"], "instructions": [] }
        },
        "meta": {
            "err": err,
            "loadedAddresses": { "writable": ["w"], "readonly": [diem::ID.to_string()] },
            "innerInstructions": [{ "index": 0, "instructions": [
                { "programIdIndex": 3, "accounts": [], "data": event_data(7) },
                // The same bytes under another program are not diem's event.
                { "programIdIndex": 1, "accounts": [], "data": event_data(8) },
            ]}]
        }
    })
}

#[test]
fn program_id_loaded_from_a_lookup_table_is_resolved() {
    let tx = decode_transaction(&through_lookup_table(serde_json::Value::Null)).unwrap();
    assert_eq!((tx.signature.as_str(), tx.slot, tx.block_time, tx.failed), ("sig1", 42, Some(1_800_000_000), false));
    assert_eq!(tx.events.iter().map(DiemEvent::seq).collect::<Vec<_>>(), vec![7]);
}

#[test]
fn a_failed_transaction_has_no_events() {
    let tx = decode_transaction(&through_lookup_table(json!({"InstructionError": [0, "Custom"]}))).unwrap();
    assert!(tx.failed && tx.events.is_empty());
}

#[test]
fn an_index_past_every_key_is_a_named_error() {
    let mut tx = through_lookup_table(serde_json::Value::Null);
    tx["meta"]["loadedAddresses"]["readonly"] = json!([]);
    assert_eq!(
        decode_transaction(&tx),
        Err(DecodeError::KeyIndexOutOfRange { signature: "sig1".into(), index: 3, keys: 3 })
    );
    assert!(matches!(decode_transaction(&json!({"slot": 1})), Err(DecodeError::Malformed(_))));
}
