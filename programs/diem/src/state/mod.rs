//! Account types. Each keeps its own invariants through methods; handlers only call them.
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

#[cfg(test)]
mod ledger_tests;
