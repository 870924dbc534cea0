//! What an endpoint receives for one final day: every beneficiary's allocation, a SHA-256
//! digest of them, and the indexer's ed25519 signature of that digest.
use diem_client::credit::{Entitlement, credit_usd, format_day};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::store::{Store, StoreResult};

/// The version tag the digest starts with: a receiver recomputes it from the allocations.
pub const DIGEST_DOMAIN: &str = "diem-credit-v1";

/// One final day, as delivered. Deterministic: the same day always serialises to the same bytes
/// (the snapshot never changes and ed25519 signatures are deterministic), so a retry is the
/// same request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DayStatement {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    /// The epoch the allocations are for: `day`'s 00:00 UTC and the next one's.
    pub epoch_begins: String,
    pub next_epoch_begins: String,
    /// Always true: only frozen days are delivered.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// The last event the record held when the day was frozen.
    pub through_seq: u64,
    /// Every beneficiary with DIEM staked for it at `epochBegins`, in the byte order of its key.
    pub allocations: Vec<Entitlement>,
    /// Hex SHA-256 of [`canonical_text`].
    pub digest: String,
    /// The indexer's public key (base58) and its signature (base58) of the 32 digest bytes.
    pub signer: String,
    pub signature: String,
}

/// `2026-12-04T00:00:00.000Z` for the UTC day `day`.
pub fn epoch_start(day: i64) -> String {
    format!("{}T00:00:00.000Z", format_day(day))
}

/// What the digest covers: the domain, the day, then one `beneficiary,staked_base_units` line
/// per allocation, each line ending in `\n`.
pub fn canonical_text(day: &str, allocations: &[Entitlement]) -> String {
    let mut text = format!("{DIGEST_DOMAIN}\n{day}\n");
    for a in allocations {
        text.push_str(&a.owner);
        text.push(',');
        text.push_str(&a.staked_diem.to_string());
        text.push('\n');
    }
    text
}

fn digest_of(day: &str, allocations: &[Entitlement]) -> [u8; 32] {
    Sha256::digest(canonical_text(day, allocations).as_bytes()).into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl DayStatement {
    /// The statement of frozen `day`, signed by `signer`; `None` if the day is not frozen.
    pub async fn of_frozen_day(store: &Store, day: i64, signer: &Keypair) -> StoreResult<Option<Self>> {
        let (Some(owners), Some(through_seq)) = (store.day_snapshot(day).await?, store.frozen_through(day).await?)
        else {
            return Ok(None);
        };
        let allocations: Vec<Entitlement> = owners
            .into_iter()
            .map(|(owner, staked)| Entitlement { owner, staked_diem: staked, credit_usd: credit_usd(staked) })
            .collect();
        let label = format_day(day);
        let digest = digest_of(&label, &allocations);
        Ok(Some(Self {
            epoch_begins: epoch_start(day),
            next_epoch_begins: epoch_start(day + 1),
            day: label,
            is_final: true,
            through_seq,
            digest: hex(&digest),
            signer: signer.pubkey().to_string(),
            signature: signer.sign_message(&digest).to_string(),
            allocations,
        }))
    }

    /// The key an endpoint deduplicates by: the day and the digest of its content.
    pub fn idempotency_key(&self) -> String {
        format!("diem-credit-{}-{}", self.day, &self.digest[..32.min(self.digest.len())])
    }

    /// What a receiver checks: the digest is that of the allocations, and the signature is the
    /// signer's over it.
    pub fn verify(&self) -> bool {
        let digest = digest_of(&self.day, &self.allocations);
        let (Ok(signer), Ok(signature)) = (
            self.signer.parse::<anchor_lang::prelude::Pubkey>(),
            self.signature.parse::<solana_signature::Signature>(),
        ) else {
            return false;
        };
        hex(&digest) == self.digest && signature.verify(signer.as_ref(), &digest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(allocations: Vec<Entitlement>, signer: &Keypair) -> DayStatement {
        let day = "2026-12-04".to_string();
        let digest = digest_of(&day, &allocations);
        DayStatement {
            epoch_begins: epoch_start(20_791),
            next_epoch_begins: epoch_start(20_792),
            day,
            is_final: true,
            through_seq: 7,
            digest: hex(&digest),
            signer: signer.pubkey().to_string(),
            signature: signer.sign_message(&digest).to_string(),
            allocations,
        }
    }

    #[test]
    fn a_statement_verifies_and_any_change_breaks_it() {
        let signer = Keypair::new();
        let a = Entitlement { owner: "A".into(), staked_diem: 5, credit_usd: "0".into() };
        let good = statement(vec![a.clone()], &signer);
        assert!(good.verify());
        assert_eq!(good.epoch_begins, "2026-12-04T00:00:00.000Z");
        let mut more = good.clone();
        more.allocations[0].staked_diem = 6;
        assert!(!more.verify(), "an allocation changed after signing");
        let mut other = good.clone();
        other.signer = Keypair::new().pubkey().to_string();
        assert!(!other.verify(), "another signer");
        assert_ne!(good.idempotency_key(), statement(vec![], &signer).idempotency_key());
        assert_eq!(canonical_text("d", &[a]), "diem-credit-v1\nd\nA,5\n");
    }
}
