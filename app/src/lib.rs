//! Client for the `diem` program. Everything here is built from the program crate's own seeds,
//! account types and maths (`diem` with `no-entrypoint`); nothing is copied.
pub mod accounts;
pub mod amount;
#[cfg(feature = "bank")]
pub mod bank;
#[cfg(feature = "chain")]
pub mod chain;
#[cfg(feature = "cli")]
pub mod cli;
pub mod curve;
#[cfg(feature = "cli")]
pub mod demo;
#[cfg(feature = "cli")]
pub mod dev;
pub mod events;
pub mod invariants;
pub mod ix;
pub mod launch;
pub mod ledger;
#[cfg(feature = "chain")]
pub mod ops;
pub mod pda;
#[cfg(feature = "rpc")]
pub mod rpc;
#[cfg(feature = "chain")]
pub mod tokens;

pub use diem;
pub use diem::ID as PROGRAM_ID;
