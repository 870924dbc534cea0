//! Structured logs for the service commands (`serve`, `index follow`, `index deliver`), on
//! standard error: `RUST_LOG` filters (default: the record's own `info`), and
//! `DIEM_LOG_FORMAT=json` gives one JSON object a line for a log collector.
use tracing_subscriber::EnvFilter;

/// Installs the subscriber once; a second call changes nothing.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("diem_indexer=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match std::env::var("DIEM_LOG_FORMAT").as_deref() {
        Ok("json") => builder.json().try_init(),
        _ => builder.with_ansi(false).try_init(),
    };
}
