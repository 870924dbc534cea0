//! Generates the program's Anchor IDL without the `anchor` CLI, the way the CLI does it
//! (anchor-lang-idl's builder runs the program's `__anchor_private_print_idl` test with the
//! `idl-build` feature), and writes it to `idls/diem.json`, with its TypeScript type beside it
//! (`idls/diem.ts`, what `anchor build` writes to `target/types`); `--check` fails if either
//! committed file differs from a fresh generation.
mod readable;
mod typescript;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    // `cargo run` sets the manifest directory at run time too; prefer it, so a binary reused from
    // a shared target directory built in another checkout still reads this one.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string());
    let root = PathBuf::from(manifest).join("../..");
    // anchor-lang-idl would prefix `cargo` with a malformed `+toolchain` when this is set.
    // SAFETY: single-threaded, before anything else runs.
    unsafe { std::env::remove_var("RUSTUP_TOOLCHAIN") };
    let mut idl = match anchor_lang_idl::build::IdlBuilder::new()
        .program_path(root.join("programs/diem"))
        .resolution(true)
        .skip_lint(false)
        .no_docs(false)
        .build()
    {
        Ok(idl) => idl,
        Err(e) => {
            eprintln!("IDL build failed: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = readable::rates_as_numbers(&mut idl).and_then(|()| readable::plain_accounts_as_borsh(&mut idl)) {
        eprintln!("IDL: {e}");
        return ExitCode::FAILURE;
    }
    let (json, value) = match (serde_json::to_string_pretty(&idl), serde_json::to_value(&idl)) {
        (Ok(json), Ok(value)) => (json + "\n", value),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("IDL does not serialize: {e}");
            return ExitCode::FAILURE;
        }
    };
    let ts = typescript::idl_type(&value);
    let outputs = [(root.join("idls/diem.json"), json), (root.join("idls/diem.ts"), ts)];
    for (path, text) in &outputs {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        if check {
            let committed = std::fs::read_to_string(path).unwrap_or_default();
            if committed != *text {
                eprintln!("idls/{name} is stale: run `cargo run -p diem-idl`");
                return ExitCode::FAILURE;
            }
            println!("idls/{name} matches the program");
        } else {
            if let Err(e) = std::fs::write(path, text) {
                eprintln!("cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            println!("wrote {}", path.display());
        }
    }
    ExitCode::SUCCESS
}
