//! Embeds the security.txt fields from the build's configuration (security_config.rs).
include!("security_config.rs");

fn main() {
    println!("cargo:rerun-if-changed=security_config.rs");
    println!("cargo:rerun-if-env-changed=DIEM_CLUSTER");
    for (name, _) in SECURITY_FIELDS {
        println!("cargo:rerun-if-env-changed={name}");
    }
    match security_fields(|name| std::env::var(name).ok()) {
        Ok(fields) => {
            for (name, value) in fields {
                println!("cargo:rustc-env={name}={value}");
            }
        }
        Err(why) => {
            eprintln!("error: {why}");
            std::process::exit(1);
        }
    }
}
