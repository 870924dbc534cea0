//! Why every mutable `Account<T>` here is marked `dup` (SECURITY.md, "Duplicate mutable
//! accounts"): Anchor's own duplicate check hashes each mutable account's key into a std
//! `HashSet` (SipHash), about 1,200 compute units per instruction, and here it can never fire,
//! because no instruction has two mutable `Account<T>` fields of one type and `Account<T>` checks
//! each one's discriminator, so one account cannot fill two of them. This test reads every
//! accounts struct and holds that true: a new same-type pair fails here, not in an audit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A field of an accounts struct: its name, its `#[account(...)]` text and its type.
struct Field {
    name: String,
    attribute: String,
    ty: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read the instructions folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("dup_tests.rs") {
            out.push(path);
        }
    }
}

/// Every `#[derive(Accounts)]` struct in `source`, by name, with its fields.
fn accounts_structs(source: &str) -> Vec<(String, Vec<Field>)> {
    let mut structs = Vec::new();
    for chunk in source.split("#[derive(Accounts)]").skip(1) {
        let header_end = chunk.find('{').expect("a struct body");
        let name = chunk[..header_end]
            .split_whitespace()
            .skip_while(|w| *w != "struct")
            .nth(1)
            .expect("a struct name")
            .split('<')
            .next()
            .unwrap_or_default()
            .to_string();
        let body = &chunk[header_end + 1..chunk.find("\n}").expect("the struct's end")];
        let mut fields = Vec::new();
        let mut attribute = String::new();
        let mut in_attribute = false;
        for line in body.lines().map(str::trim) {
            if line.starts_with("#[account(") {
                attribute = line.to_string();
                in_attribute = !line.ends_with(")]");
            } else if in_attribute {
                attribute.push(' ');
                attribute.push_str(line);
                in_attribute = !line.ends_with(")]");
            } else if let Some(rest) = line.strip_prefix("pub ") {
                let (name, ty) = rest.split_once(':').expect("a field");
                fields.push(Field {
                    name: name.trim().to_string(),
                    attribute: std::mem::take(&mut attribute),
                    ty: ty.trim().trim_end_matches(',').to_string(),
                });
            }
        }
        structs.push((name, fields));
    }
    structs
}

/// `T` of a field typed `Account<'info, T>` or `Box<Account<'info, T>>`.
fn account_type(ty: &str) -> Option<&str> {
    let inner = ty.strip_prefix("Box<").unwrap_or(ty);
    let inner = inner.strip_prefix("Account<'info, ")?;
    Some(inner.trim_end_matches('>'))
}

fn is_mutable(attribute: &str) -> bool {
    attribute.strip_prefix("#[account(").is_some_and(|a| a.split([',', ')']).any(|w| w.trim() == "mut"))
}

fn is_dup(attribute: &str) -> bool {
    attribute.split([',', '(', ')']).any(|w| w.trim() == "dup")
}

fn all_structs() -> Vec<(PathBuf, String, Vec<Field>)> {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/instructions"), &mut files);
    files.sort();
    let mut all = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).expect("read an instruction file");
        for (name, fields) in accounts_structs(&source) {
            all.push((file.clone(), name, fields));
        }
    }
    all
}

#[test]
fn no_accounts_struct_has_two_mutable_accounts_of_one_type() {
    let all = all_structs();
    assert!(all.len() >= 25, "found only {} accounts structs: the parser no longer reads them", all.len());
    let mut dup_fields = 0;
    for (file, name, fields) in &all {
        let mut by_type: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for f in fields.iter().filter(|f| is_mutable(&f.attribute)) {
            if let Some(ty) = account_type(&f.ty) {
                by_type.entry(ty).or_default().push(&f.name);
            }
        }
        for (ty, names) in &by_type {
            assert_eq!(names.len(), 1, "{name} ({}) has mutable {ty} accounts {names:?}", file.display());
        }
        for f in fields.iter().filter(|f| is_dup(&f.attribute)) {
            assert!(
                is_mutable(&f.attribute) && account_type(&f.ty).is_some(),
                "{name}.{} is `dup` but not a mutable Account<T>: `dup` is only argued for those",
                f.name
            );
            dup_fields += 1;
        }
    }
    assert!(dup_fields >= 30, "only {dup_fields} `dup` fields found");
}

#[test]
fn the_parser_sees_a_same_type_pair() {
    let source = "#[derive(Accounts)]\npub struct Two<'info> {\n    #[account(mut, dup)]\n    pub a: Box<Account<'info, Position>>,\n    #[account(\n        mut, dup,\n    )]\n    pub b: Account<'info, Position>,\n    #[account(mut)]\n    pub c: UncheckedAccount<'info>,\n}\n";
    let structs = accounts_structs(source);
    assert_eq!(structs.len(), 1);
    let (name, fields) = &structs[0];
    assert_eq!(name, "Two");
    let mutable: Vec<_> =
        fields.iter().filter(|f| is_mutable(&f.attribute)).filter_map(|f| account_type(&f.ty)).collect();
    assert_eq!(mutable, ["Position", "Position"]);
    assert!(fields.iter().take(2).all(|f| is_dup(&f.attribute)));
}
