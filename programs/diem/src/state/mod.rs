//! Account types. Each keeps its own invariants through methods; handlers only call them.
/// Gives a plain-old-data account (`#[account(zero_copy)]`, read by Anchor with one
/// `pod_read_unaligned`) the serializer `Account<T>` needs: the discriminator, then the bytes
/// with one copy. The hot accounts (config, positions, DIEM stakes) are held this way instead of
/// Borsh field by field (LEAN.md); their bytes are their Borsh encoding, so the IDL calls them
/// Borsh (`tools/idl`) and each type's tests hold the two equal.
macro_rules! plain_account_serialize {
    ($($ty:ty),*) => {$(
        impl anchor_lang::AccountSerialize for $ty {
            fn try_serialize<W: std::io::Write>(&self, writer: &mut W) -> anchor_lang::Result<()> {
                use anchor_lang::Discriminator;
                writer
                    .write_all(Self::DISCRIMINATOR)
                    .and_then(|()| writer.write_all(bytemuck::bytes_of(self)))
                    .map_err(|_| anchor_lang::error!(anchor_lang::error::ErrorCode::AccountDidNotSerialize))
            }
        }
    )*};
}

/// Serializes a plain-old-data type that events carry (`Pool`, `PositionBalances`) with one
/// copy instead of Borsh field by field: every user event carries one or both, and this is
/// their encoding's hot path. Its bytes are the Borsh encoding (repr(C), no padding); the IDL
/// build and the tests derive Borsh instead, and the tests hold the two equal.
macro_rules! plain_borsh_serialize {
    ($($ty:ty),*) => {$(
        #[cfg(not(any(test, feature = "idl-build")))]
        impl anchor_lang::AnchorSerialize for $ty {
            fn serialize<W: std::io::Write>(&self, writer: &mut W) -> std::io::Result<()> {
                writer.write_all(bytemuck::bytes_of(self))
            }
        }
    )*};
}

pub mod config;
pub mod curve;
pub mod diem_stake;
pub mod governance;
pub mod pool;
pub mod position;
pub mod ticket;

pub use config::*;
pub use curve::*;
pub use diem_stake::*;
pub use governance::*;
pub use pool::*;
pub use position::*;
pub use ticket::*;

plain_account_serialize!(Config, Position, DiemStake);
plain_borsh_serialize!(Pool, PositionBalances);

#[cfg(test)]
mod ledger_tests;
#[cfg(test)]
pub(crate) mod plain_tests;
