use anchor_lang::prelude::Pubkey;
use serde_json::json;

use super::*;

fn event_data(seq: u64) -> String {
    let event = diem::events::DiemStaked {
        seq,
        owner: Pubkey::new_unique(),
        beneficiary: Pubkey::new_unique(),
        amount: 5,
        timestamp: 1_800_000_000,
        staked: 5,
        pool: Default::default(),
    };
    let ix = diem::events::event_instruction(&diem::EVENT_AUTHORITY_AND_BUMP.0, &event).unwrap();
    bs58::encode(ix.data).into_string()
}

proptest::proptest! {
    /// The fast base58 decoder agrees with the `bs58` crate, leading zeros included.
    #[test]
    fn base58_matches_bs58(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400), zeros in 0usize..4) {
        let mut data = vec![0u8; zeros];
        data.extend(bytes);
        let text = bs58::encode(&data).into_string();
        proptest::prop_assert_eq!(base58(&text), Some(data));
    }
}

#[test]
fn base58_refuses_characters_outside_the_alphabet() {
    for bad in ["0", "O", "I", "l", "abc+", "é"] {
        assert_eq!(base58(bad), None, "{bad}");
    }
    assert_eq!(base58(""), Some(vec![]));
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

/// Transactions captured from solana-test-validator 4.2.2 by `scripts/validator-e2e.sh`
/// (`proxy_lookup_table` with `DIEM_CAPTURE_FIXTURES`).
mod captured {
    use super::*;

    fn fixture(name: &str) -> serde_json::Value {
        let text = match name {
            "proxied_unstake" => include_str!("fixtures/proxied_diem_unstake_via_lookup_table.json"),
            "proxied_finalize" => include_str!("fixtures/proxied_diem_finalize_via_lookup_table.json"),
            "direct_stake" => include_str!("fixtures/direct_diem_stake_legacy.json"),
            "transfer" => include_str!("fixtures/diem_moved_to_a_second_wallet.json"),
            "raw_burn" => include_str!("fixtures/raw_token_2022_burn.json"),
            "lookup_table" => include_str!("fixtures/lookup_table_created.json"),
            _ => unreachable!(),
        };
        serde_json::from_str(text).unwrap()
    }

    fn static_keys(tx: &serde_json::Value) -> Vec<String> {
        tx["transaction"]["message"]["accountKeys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_string())
            .collect()
    }

    /// diem called by CPI from another program, its id loaded from a lookup table: no static
    /// key names diem, and the events are still found.
    #[test]
    fn a_cpi_through_a_lookup_table_is_seen() {
        for (name, kind) in [("proxied_unstake", "DiemUnstakeInitiated"), ("proxied_finalize", "DiemUnstakeFinalized")]
        {
            let tx = fixture(name);
            assert_eq!(tx["version"], 0, "{name} is a v0 transaction");
            assert!(!static_keys(&tx).contains(&diem::ID.to_string()), "{name}: diem is not a static key");
            let loaded = &tx["meta"]["loadedAddresses"];
            assert!(
                loaded["readonly"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .chain(loaded["writable"].as_array().unwrap())
                    .any(|k| k == &diem::ID.to_string()),
                "{name}: diem comes from the table"
            );
            let decoded = decode_transaction(&tx).unwrap();
            assert_eq!(decoded.events.iter().map(DiemEvent::name).collect::<Vec<_>>(), vec![kind], "{name}");
            assert!(!decoded.failed && decoded.block_time.is_some() && decoded.slot > 0);
            // Without the loaded addresses (what a static-keys-only reader sees) the inner
            // instruction's program cannot even be named.
            let mut blind = tx.clone();
            blind["meta"].as_object_mut().unwrap().remove("loadedAddresses");
            assert!(matches!(decode_transaction(&blind), Err(DecodeError::KeyIndexOutOfRange { .. })), "{name}");
        }
    }

    #[test]
    fn a_direct_legacy_call_and_transactions_without_diem_events() {
        let staked = decode_transaction(&fixture("direct_stake")).unwrap();
        assert!(matches!(staked.events.as_slice(), [DiemEvent::DiemStaked(_)]));
        for name in ["transfer", "raw_burn", "lookup_table"] {
            let decoded = decode_transaction(&fixture(name)).unwrap();
            assert!(decoded.events.is_empty() && !decoded.failed, "{name}");
        }
        // The sequence numbers follow each other across the captured calls.
        let seqs: Vec<u64> = ["proxied_unstake", "proxied_finalize", "direct_stake"]
            .iter()
            .map(|n| decode_transaction(&fixture(n)).unwrap().events[0].seq())
            .collect();
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    }
}
