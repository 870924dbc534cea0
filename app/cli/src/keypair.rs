//! Keypair files in the Solana CLI format (a JSON array of 64 bytes).
use std::path::{Path, PathBuf};

use solana_keypair::Keypair;

use crate::CliError;

pub fn read_keypair(path: &Path) -> Result<Keypair, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::Usage(format!(
            "cannot read the keypair file {}: {e}. Pass --keypair FILE, or create one with `diem keygen FILE`",
            path.display()
        ))
    })?;
    let bytes: Vec<u8> = serde_json::from_str(&text)
        .map_err(|e| CliError::Usage(format!("keypair file {} is not a JSON byte array: {e}", path.display())))?;
    Keypair::try_from(bytes.as_slice())
        .map_err(|e| CliError::Usage(format!("keypair file {} holds no keypair: {e}", path.display())))
}

pub fn write_keypair(path: &Path, key: &Keypair) -> Result<(), CliError> {
    let text = serde_json::to_string(&key.to_bytes().to_vec())
        .map_err(|e| CliError::Usage(format!("cannot encode the keypair: {e}")))?;
    std::fs::write(path, text).map_err(|e| CliError::Usage(format!("cannot write {}: {e}", path.display())))
}

/// `~/.config/solana/id.json`, the Solana CLI's default.
pub fn default_keypair_path() -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    home.join(".config/solana/id.json")
}
