//! Client for the `diem` program. Everything here is built from the program crate's own seeds,
//! account types and maths (`diem` with `no-entrypoint`); nothing is copied.
pub mod amount;
#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "cli")]
pub mod demo;
#[cfg(feature = "cli")]
pub mod dev;
#[cfg(feature = "bank")]
pub mod bank;
#[cfg(feature = "chain")]
pub mod chain;
#[cfg(feature = "chain")]
pub mod ops;
#[cfg(feature = "rpc")]
pub mod rpc;
pub mod curve;
pub mod events;
pub mod ix;
pub mod launch;
pub mod ledger;
pub mod pda;

pub use diem;
pub use diem::ID as PROGRAM_ID;
