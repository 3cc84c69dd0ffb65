//! docs/rules/ is generated from the declarations; this fails when it is stale.

use std::path::PathBuf;

#[test]
fn generated_rule_docs_are_fresh() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/rules");
    let bless = std::env::var_os("WASM_MIGRATE_BLESS").is_some();
    let files = wasm_migrate_rules::docs::generated_files();
    let mut stale = Vec::new();
    if bless {
        std::fs::create_dir_all(&dir).expect("create docs/rules");
    }
    for (name, text) in &files {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            if bless {
                std::fs::write(&path, text).expect("write doc");
            } else {
                stale.push(name.clone());
            }
        }
    }
    // Pages of rules that no longer exist are stale too.
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !files.iter().any(|(n, _)| *n == name) {
            if bless {
                let _ = std::fs::remove_file(entry.path());
            } else {
                stale.push(format!("{name} (no such rule)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules is stale: {stale:?}\nrun `WASM_MIGRATE_BLESS=1 cargo test -p wasm-migrate-rules --test docs` and commit the result"
    );
}
