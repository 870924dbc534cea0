//! SECURITY.md names the tests that back each claim: every one it names must exist.
#[test]
fn every_test_security_md_names_exists() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("../SECURITY.md")).unwrap();
    let mut named = 0;
    for quoted in doc.split('`').skip(1).step_by(2) {
        let parts: Vec<&str> = quoted.split("::").collect();
        let [module, test] = parts.as_slice() else { continue };
        if !test.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit()) {
            continue;
        }
        let file = root.join("tests").join(format!("{module}.rs"));
        let Ok(source) = std::fs::read_to_string(&file) else { continue };
        assert!(
            source.contains(&format!("fn {test}(")),
            "SECURITY.md names {module}::{test}, which {} lacks",
            file.display()
        );
        named += 1;
    }
    assert!(named >= 30, "only {named} tests named");
}
