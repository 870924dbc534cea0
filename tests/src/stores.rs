//! Stores and binaries the record's tests share: a fresh store per backend (SQLite always,
//! PostgreSQL where `DIEM_TEST_POSTGRES_URL` names a server), and the `diem` binary.
use std::process::Command;

static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// A fresh, empty store URL per backend.
pub fn store_urls(name: &str) -> Vec<String> {
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let tag = format!("{name}_{}_{n}", std::process::id());
    let dir = std::env::temp_dir().join("diem-indexer-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{tag}.sqlite"));
    let _ = std::fs::remove_file(&path);
    let mut urls = vec![format!("sqlite://{}", path.display())];
    match std::env::var("DIEM_TEST_POSTGRES_URL") {
        Ok(admin) => {
            let status = Command::new("psql")
                .args([admin.as_str(), "-q", "-c", &format!("CREATE DATABASE {tag}")])
                .status()
                .expect("psql runs");
            assert!(status.success(), "cannot create database {tag} on {admin}");
            let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin.clone());
            urls.push(format!("{base}/{tag}"));
        }
        Err(_) => assert!(
            std::env::var("DIEM_REQUIRE_POSTGRES").is_err(),
            "DIEM_REQUIRE_POSTGRES is set but DIEM_TEST_POSTGRES_URL is not"
        ),
    }
    urls
}

/// The `diem` binary, built by `cargo test --workspace` next to this test binary.
pub fn diem_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    let path = exe.parent().and_then(|d| d.parent()).unwrap().join("diem");
    assert!(path.exists(), "{} is missing: build it with `cargo build -p diem-cli`", path.display());
    path
}
