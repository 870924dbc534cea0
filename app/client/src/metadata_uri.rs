//! Whether a token-metadata URI can be fetched by the wallets of the cluster it is launched on:
//! a reserved or placeholder domain (`example`, `.test`, `.invalid`, …) never resolves, and a
//! loopback address only resolves on the machine itself, so only a local cluster may use one.
use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum MetadataUriError {
    #[error("PlaceholderMetadataUri: {uri} names {host}, a reserved or placeholder domain that never resolves: wallets would show no logo")]
    Placeholder { uri: String, host: String },
    #[error("LoopbackMetadataUri: {uri} names {host}, which only this machine can reach; a cluster beyond it needs a public address")]
    Loopback { uri: String, host: String },
    #[error("InsecureMetadataUri: {uri} is not https; wallets of a public cluster fetch metadata over https")]
    NotHttps { uri: String },
    #[error("InvalidMetadataUri: {uri} is not an http(s) URL with a host")]
    Invalid { uri: String },
}

/// Domains reserved for documentation and testing (RFC 2606, RFC 6761): they never resolve.
const RESERVED_SUFFIXES: [&str; 5] = ["example", "test", "invalid", "localhost", "local"];
const RESERVED_DOMAINS: [&str; 3] = ["example.com", "example.net", "example.org"];

/// Checks `uri` for a launch on a local cluster (`local`) or a public one.
pub fn check_metadata_uri(uri: &str, local: bool) -> Result<(), MetadataUriError> {
    let (scheme, rest) = uri.split_once("://").ok_or_else(|| MetadataUriError::Invalid { uri: uri.into() })?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host_of(authority).to_ascii_lowercase();
    if !matches!(scheme, "http" | "https") || host.is_empty() {
        return Err(MetadataUriError::Invalid { uri: uri.into() });
    }
    if is_loopback(&host) {
        return if local { Ok(()) } else { Err(MetadataUriError::Loopback { uri: uri.into(), host }) };
    }
    let reserved = RESERVED_DOMAINS.iter().any(|d| host == *d || host.ends_with(&format!(".{d}")))
        || RESERVED_SUFFIXES.iter().any(|s| host == *s || host.ends_with(&format!(".{s}")));
    if reserved {
        return Err(MetadataUriError::Placeholder { uri: uri.into(), host });
    }
    if scheme != "https" && !local {
        return Err(MetadataUriError::NotHttps { uri: uri.into() });
    }
    Ok(())
}

/// Whether an RPC URL is this machine's (a local validator).
pub fn is_local_url(url: &str) -> bool {
    url.split_once("://")
        .map(|(_, rest)| is_loopback(&host_of(rest.split(['/', '?', '#']).next().unwrap_or_default()).to_ascii_lowercase()))
        .unwrap_or(false)
}

/// The host of `user@host:port` or `[v6]:port`.
fn host_of(authority: &str) -> String {
    let hostport = authority.rsplit('@').next().unwrap_or_default();
    if let Some(v6) = hostport.strip_prefix('[') {
        return v6.split(']').next().unwrap_or_default().to_string();
    }
    hostport.split(':').next().unwrap_or_default().to_string()
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host == "::1" || host == "0.0.0.0" || host.starts_with("127.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_never_pass_and_loopback_only_passes_locally() {
        for uri in [
            "https://diem.example/metadata/diem.json",
            "https://example.com/diem.json",
            "https://cdn.example.org/diem.json",
            "https://diem.test/x.json",
            "https://a.invalid/x.json",
        ] {
            for local in [false, true] {
                assert!(matches!(check_metadata_uri(uri, local), Err(MetadataUriError::Placeholder { .. })), "{uri}");
            }
        }
        for uri in ["http://127.0.0.1:8080/metadata/diem.json", "http://localhost/x.json", "http://[::1]:8080/x.json"] {
            assert_eq!(check_metadata_uri(uri, true), Ok(()), "{uri}");
            assert!(matches!(check_metadata_uri(uri, false), Err(MetadataUriError::Loopback { .. })), "{uri}");
        }
        assert_eq!(check_metadata_uri("https://diem.network/metadata/diem.json", false), Ok(()));
        assert!(matches!(check_metadata_uri("http://diem.network/m.json", false), Err(MetadataUriError::NotHttps { .. })));
        assert!(matches!(check_metadata_uri("diem.json", true), Err(MetadataUriError::Invalid { .. })));
        assert!(matches!(check_metadata_uri("ftp://diem.network/m.json", true), Err(MetadataUriError::Invalid { .. })));
        // A domain that merely contains a reserved word is fine.
        assert_eq!(check_metadata_uri("https://examples.dev/m.json", false), Ok(()));
    }

    #[test]
    fn a_local_cluster_is_one_on_this_machine() {
        assert!(is_local_url("http://127.0.0.1:8899"));
        assert!(is_local_url("http://localhost:8899/"));
        assert!(!is_local_url("https://api.mainnet-beta.solana.com"));
        assert!(!is_local_url("not a url"));
    }
}
