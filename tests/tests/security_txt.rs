//! The security.txt embedded in the program, read back from the built `.so`.
use diem_tests::bpf_mode;

#[test]
fn the_binary_carries_its_security_contacts() {
    if !bpf_mode() {
        println!("the .so is read in the SBF pass (SBF_OUT_DIR); nothing to read natively");
        return;
    }
    let dir = std::env::var("SBF_OUT_DIR").expect("SBF_OUT_DIR");
    let so = std::fs::read(std::path::Path::new(&dir).join("diem.so")).expect("diem.so");
    let txt = solana_security_txt::find_and_parse(&so).expect("a security.txt in diem.so");
    assert_eq!(txt.name, "DIEM");
    assert_eq!(txt.project_url, "https://diem.example");
    assert_eq!(txt.policy, "https://diem.example/SECURITY.md");
    let contacts: Vec<String> = txt.contacts.iter().map(|c| c.to_string()).collect();
    assert!(contacts.iter().any(|c| c.contains("security@diem.example")), "{contacts:?}");
}

#[path = "../../programs/diem/security_config.rs"]
mod security_config;

/// A build for a real cluster must name real contacts: the placeholders a local build embeds are
/// refused, and so is a field left unset.
#[test]
fn a_real_cluster_build_refuses_placeholder_contacts() {
    use security_config::security_fields;
    let env = |pairs: &'static [(&'static str, &'static str)]| move |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string());
    let local = security_fields(env(&[])).unwrap();
    assert!(local.iter().all(|(_, v)| v.contains("diem.example")), "a local build keeps the placeholders: {local:?}");
    let unset = security_fields(env(&[("DIEM_CLUSTER", "mainnet")])).unwrap_err();
    assert!(unset.contains("must set DIEM_SECURITY_PROJECT_URL"), "{unset}");
    let placeholder = security_fields(env(&[
        ("DIEM_CLUSTER", "mainnet"),
        ("DIEM_SECURITY_PROJECT_URL", "https://diem.example"),
        ("DIEM_SECURITY_CONTACTS", "email:security@diem.network"),
        ("DIEM_SECURITY_POLICY", "https://diem.network/SECURITY.md"),
    ]))
    .unwrap_err();
    assert!(placeholder.contains("placeholder"), "{placeholder}");
    let real = security_fields(env(&[
        ("DIEM_CLUSTER", "mainnet"),
        ("DIEM_SECURITY_PROJECT_URL", "https://diem.network"),
        ("DIEM_SECURITY_CONTACTS", "email:security@diem.network"),
        ("DIEM_SECURITY_POLICY", "https://diem.network/SECURITY.md"),
    ]))
    .unwrap();
    assert_eq!(real[0].1, "https://diem.network");
}
