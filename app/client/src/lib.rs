//! Client library of the `diem` program. Everything here is built from the program crate's own
//! seeds, account types and maths (`diem` with `no-entrypoint`); nothing is copied.
//!
//! Without features it is pure: no network, no async runtime. `chain` adds the [`chain::Chain`]
//! trait and the operations over it ([`ops`]); `rpc` adds the JSON-RPC backend.
pub mod accounts;
pub mod amount;
pub mod credit;
pub mod curve;
pub mod decode;
pub mod effects;
pub mod events;
pub mod governance;
pub mod invariants;
pub mod ix;
pub mod launch;
pub mod ledger;
pub mod metadata_uri;
pub mod pda;
pub mod tokens;
pub mod trust;

#[cfg(feature = "chain")]
pub mod chain;
#[cfg(feature = "chain")]
pub mod ops;
#[cfg(feature = "rpc")]
pub mod rpc;

pub use diem;
pub use diem::ID as PROGRAM_ID;
