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

/// Writes `key` to a new file at `path`, readable by its owner only. An existing file is never
/// overwritten: a keypair file may be the only copy of a key that holds funds.
pub fn write_keypair(path: &Path, key: &Keypair) -> Result<(), CliError> {
    use std::io::Write as _;
    let text = serde_json::to_string(&key.to_bytes().to_vec())
        .map_err(|e| CliError::Usage(format!("cannot encode the keypair: {e}")))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => CliError::Usage(format!(
            "{} already exists: `diem keygen` never overwrites a keypair file (it may hold the only copy of a key); choose another path or remove it yourself",
            path.display()
        )),
        _ => CliError::Usage(format!("cannot write {}: {e}", path.display())),
    })?;
    file.write_all(text.as_bytes()).map_err(|e| CliError::Usage(format!("cannot write {}: {e}", path.display())))
}

/// `~/.config/solana/id.json`, the Solana CLI's default.
pub fn default_keypair_path() -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    home.join(".config/solana/id.json")
}
