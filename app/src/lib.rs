//! Client for the `diem` program. Everything here is built from the program crate's own seeds,
//! account types and maths (`diem` with `no-entrypoint`); nothing is copied.
pub mod amount;
#[cfg(feature = "bank")]
pub mod bank;
pub mod curve;
pub mod events;
pub mod ix;
pub mod launch;
pub mod ledger;
pub mod pda;

pub use diem;
pub use diem::ID as PROGRAM_ID;
