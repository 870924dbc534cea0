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
