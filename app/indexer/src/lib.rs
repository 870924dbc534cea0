//! The entitlement record (SPEC §12): an indexer that reads only finalized transactions,
//! decodes every diem event however the program was reached, orders events by their sequence
//! number and stops at a gap, and commits each event with the state it produces. The daily
//! credit, owners' histories and the audit are answered from it, and served over HTTP.
pub mod audit;
pub mod billing;
pub mod body;
pub mod credit;
pub mod csv;
pub mod follow;
pub mod http;
pub mod metrics;
pub mod row;
pub mod service;
pub mod source;
pub mod status;
pub mod store;
pub mod sync;
pub mod wake;

pub use source::{Retry, RpcSource};
pub use store::Store;
pub use sync::{SyncError, SyncProgress, SyncReport, Syncer};
