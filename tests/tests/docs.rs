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

/// The repository's root: this crate's parent folder.
fn repository_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The repository's text files (sources, documents, scripts, configuration), from its root,
/// without build output, dependencies or generated bundles.
fn repository_files() -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if path.is_dir() {
                if !matches!(name.as_str(), "target" | "node_modules" | ".git" | "dist" | "test-ledger" | ".anchor") {
                    walk(&path, out);
                }
            } else if ["rs", "md", "toml", "sh", "ts", "mjs", "json", "sql", "html", "css", "yml", "py"]
                .iter()
                .any(|ext| name.ends_with(&format!(".{ext}")))
                || name == "run"
            {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&repository_root(), &mut files);
    files
}

/// The section numbers docs/SPEC.md has: its headings (`## 5.`, `### 5.1`) and §10's numbered
/// invariants (`10.1` … `10.7`).
fn spec_sections() -> std::collections::BTreeSet<String> {
    let spec = std::fs::read_to_string(repository_root().join("docs/SPEC.md")).expect("docs/SPEC.md");
    let mut sections = std::collections::BTreeSet::new();
    let mut in_invariants = false;
    for line in spec.lines() {
        if let Some(heading) = line.strip_prefix("## ").or_else(|| line.strip_prefix("### ")) {
            let number = heading.split_whitespace().next().unwrap_or_default().trim_end_matches('.');
            sections.insert(number.to_string());
            in_invariants = number == "10";
        } else if in_invariants && let Some((n, _)) = line.split_once(". ") {
            if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() {
                sections.insert(format!("10.{n}"));
            }
        }
    }
    sections
}

/// "SPEC §N" anywhere in the repository means docs/SPEC.md's section N: every one cited exists
/// there (a renumbered or removed section fails here, not in a reader's hands).
#[test]
fn every_spec_reference_names_a_section_of_docs_spec() {
    let sections = spec_sections();
    assert!(sections.contains("5.2") && sections.contains("10.7") && sections.contains("12"), "{sections:?}");
    let needle = "SPEC §";
    let mut cited = 0;
    for file in repository_files() {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        for (i, _) in text.match_indices(needle) {
            let number: String =
                text[i + needle.len()..].chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
            let number = number.trim_end_matches('.');
            // "SPEC §N" spelled out (as here) is the convention, not a citation.
            if number.is_empty() {
                continue;
            }
            assert!(sections.contains(number), "{} cites SPEC §{number}, which docs/SPEC.md lacks", file.display());
            cited += 1;
        }
    }
    assert!(cited >= 250, "only {cited} citations found: the walk no longer reads the repository");
}

/// Nothing in the repository points outside it: the mechanism is docs/SPEC.md, not a file beside
/// the clone, and every relative link in a Markdown document leads to a file of the repository.
#[test]
fn no_file_points_outside_the_repository() {
    let root = repository_root().canonicalize().unwrap();
    // The folder beside the clone that held the original specification (spelled in pieces, so
    // this file does not name it).
    let beside = ["..", "shared", ""].join("/");
    let mut links = 0;
    for file in repository_files() {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        // Codama's generated client has a `shared` folder of its own, imported one level up: only
        // a reference that names no such folder beside the file points outside.
        let inside = file.parent().unwrap().join("..").join("shared").is_dir();
        assert!(inside || !text.contains(&beside), "{} refers to {beside}, outside the repository", file.display());
        if !file.extension().is_some_and(|e| e == "md") {
            continue;
        }
        for (i, _) in text.match_indices("](") {
            let target: String = text[i + 2..].chars().take_while(|c| *c != ')' && *c != '#').collect();
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let resolved = file.parent().unwrap().join(&target);
            let resolved = resolved.canonicalize().unwrap_or_else(|_| panic!("{}: link to {target}, which does not exist", file.display()));
            assert!(resolved.starts_with(&root), "{}: link to {target}, outside the repository", file.display());
            links += 1;
        }
    }
    assert!(links >= 5, "only {links} relative links found");
}
