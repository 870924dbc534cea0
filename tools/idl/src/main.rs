//! Generates the program's Anchor IDL without the `anchor` CLI, the way the CLI does it
//! (anchor-lang-idl's builder runs the program's `__anchor_private_print_idl` test with the
//! `idl-build` feature), and writes it to `idls/diem.json`; `--check` fails if the committed file
//! differs from a fresh generation.
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
    let idl = match anchor_lang_idl::build::IdlBuilder::new()
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
    let json = match serde_json::to_string_pretty(&idl) {
        Ok(json) => json + "\n",
        Err(e) => {
            eprintln!("IDL does not serialize: {e}");
            return ExitCode::FAILURE;
        }
    };
    let path = root.join("idls/diem.json");
    if check {
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != json {
            eprintln!("idls/diem.json is stale: run `cargo run -p diem-idl`");
            return ExitCode::FAILURE;
        }
        println!("idls/diem.json matches the program");
    } else {
        if let Err(e) = std::fs::write(&path, json) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}
