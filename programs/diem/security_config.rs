// The security.txt fields embedded in the program, from the build's configuration: the
// environment variables below, read by build.rs (and by a test, which includes this file). A
// local build (`DIEM_CLUSTER` unset or `localnet`) keeps the placeholders; a build for a real
// cluster must name every field and refuses a placeholder, reserved or loopback address.

/// The fields, each with its variable and its local default.
pub const SECURITY_FIELDS: [(&str, &str); 3] = [
    ("DIEM_SECURITY_PROJECT_URL", "https://diem.example"),
    ("DIEM_SECURITY_CONTACTS", "email:security@diem.example"),
    ("DIEM_SECURITY_POLICY", "https://diem.example/SECURITY.md"),
];

/// Hosts no real cluster's contacts may name: reserved for examples and tests, or this machine.
const PLACEHOLDERS: [&str; 8] =
    [".example", "example.com", "example.net", "example.org", ".test", ".invalid", "localhost", "127.0.0.1"];

/// The value of each field for the build `var` describes, or why the build is refused.
pub fn security_fields(var: impl Fn(&str) -> Option<String>) -> Result<Vec<(&'static str, String)>, String> {
    let cluster = var("DIEM_CLUSTER").unwrap_or_else(|| "localnet".to_string());
    let local = cluster == "localnet";
    let mut fields = Vec::new();
    for (name, default) in SECURITY_FIELDS {
        let value = match var(name) {
            Some(v) if !v.trim().is_empty() => v,
            _ if local => default.to_string(),
            _ => return Err(format!("a build for {cluster} must set {name} (the program's security.txt)")),
        };
        if !local {
            if let Some(p) = PLACEHOLDERS.iter().find(|p| value.to_ascii_lowercase().contains(*p)) {
                return Err(format!("{name} = {value:?} names {p}, a placeholder: a build for {cluster} needs real contacts"));
            }
        }
        fields.push((name, value));
    }
    Ok(fields)
}
