//! Decoders for the program's accounts, from raw account data (as RPC returns it), using the
//! program's own types.
use anchor_lang::AccountDeserialize;
use diem::state::{Config, Curve, CurveEntry, DiemStake, Governance, Position, UnstakeTicket};
use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("{0} does not decode: {1}")]
    Invalid(&'static str, String),
}

fn anchor<T: AccountDeserialize>(data: &[u8], what: &'static str) -> Result<T, DecodeError> {
    T::try_deserialize(&mut &data[..]).map_err(|e| DecodeError::Invalid(what, e.to_string()))
}

/// The `Config` account (discriminator checked).
pub fn config(data: &[u8]) -> Result<Config, DecodeError> {
    anchor(data, "config")
}

/// A `Position` account (discriminator checked).
pub fn position(data: &[u8]) -> Result<Position, DecodeError> {
    anchor(data, "position")
}

/// The `Governance` account: the change delay and the pending changes.
pub fn governance(data: &[u8]) -> Result<Governance, DecodeError> {
    anchor(data, "governance")
}

/// A `DiemStake` account (discriminator checked).
pub fn diem_stake(data: &[u8]) -> Result<DiemStake, DecodeError> {
    anchor(data, "DIEM stake")
}

/// An `UnstakeTicket` account (discriminator checked).
pub fn ticket(data: &[u8]) -> Result<UnstakeTicket, DecodeError> {
    anchor(data, "unstake ticket")
}

/// The zero-copy `Curve` account (discriminator checked), copied out of the account data.
pub fn curve(data: &[u8]) -> Result<Curve, DecodeError> {
    use anchor_lang::Discriminator;
    if !data.starts_with(Curve::DISCRIMINATOR) {
        return Err(DecodeError::Invalid("curve", "wrong discriminator".into()));
    }
    let body = data
        .get(8..8 + std::mem::size_of::<Curve>())
        .ok_or_else(|| DecodeError::Invalid("curve", "account too short".into()))?;
    anchor_lang::__private::bytemuck::try_pod_read_unaligned(body)
        .map_err(|e| DecodeError::Invalid("curve", e.to_string()))
}

/// The live curve's 256 entries.
pub fn curve_entries(data: &[u8]) -> Result<Vec<CurveEntry>, DecodeError> {
    Ok(curve(data)?.entries.to_vec())
}

/// Balance of a token account (SPL Token and Token-2022 share the base layout).
pub fn token_amount(data: &[u8]) -> Option<u64> {
    data.get(64..72).and_then(|b| b.try_into().ok()).map(u64::from_le_bytes)
}

/// Decimals of a mint (SPL Token and Token-2022 share the base layout).
pub fn mint_decimals(data: &[u8]) -> Option<u8> {
    data.get(44).copied()
}

/// Supply of a mint (SPL Token and Token-2022 share the base layout).
pub fn mint_supply(data: &[u8]) -> Option<u64> {
    data.get(36..44).and_then(|b| b.try_into().ok()).map(u64::from_le_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_other_accounts() {
        assert!(config(&[0u8; 16]).is_err());
        assert!(position(&[]).is_err());
        assert!(curve_entries(&[1u8; 100]).is_err());
        assert_eq!(token_amount(&[0u8; 10]), None);
        let mut account = vec![0u8; 165];
        account[64..72].copy_from_slice(&42u64.to_le_bytes());
        assert_eq!(token_amount(&account), Some(42));
    }
}
