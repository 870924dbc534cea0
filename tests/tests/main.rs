//! The integration suite, one binary: each module drives the program on the embedded bank
//! (natively, or the `.so` with `SBF_OUT_DIR`) through the client's operations and builders,
//! with every SPEC §10 invariant checked after every transaction.
mod admin;
mod billing;
mod attacks;
mod cli;
mod compute_keys;
mod cpi;
mod diem_staking;
mod docs;
mod findings;
mod governance;
mod indexer;
mod initialize;
mod leave_first;
mod lifecycle;
mod mint_burn;
mod model_based;
mod model_regressions;
mod replay;
mod rewards;
mod security_txt;
mod staking;
mod tickets;
