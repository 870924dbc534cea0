//! The `diem` command line as a library: the binary (`main.rs`) parses, reads the keypair only
//! where a command signs, and prints; the tests run the same [`commands::execute`].
pub mod args;
pub mod commands;
#[cfg(feature = "demo")]
pub mod demo;
pub mod keypair;
pub mod logging;
pub mod output;

use diem_client::chain::ChainError;

pub use args::{Cli, Command};
pub use commands::execute;
pub use output::{Output, Units};

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// An argument, a file or the environment is not usable; says which.
    #[error("{0}")]
    Usage(String),
    /// A report that found a break (`audit`): printed in full, and the exit is non-zero.
    #[error("{report}")]
    Broken { report: String, json: serde_json::Value },
}
