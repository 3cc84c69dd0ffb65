//! The walk reads what it should and skips what it must (ignore files, vendored trees, build output).

use std::path::PathBuf;

use wasm_migrate_analyzer::discover::{FileKind, discover};

#[test]
fn honours_ignore_files_and_skips_vendored_and_build_dirs() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/discovery");
    let found = discover(&root);
    let files: Vec<(&str, FileKind)> = found
        .files
        .iter()
        .map(|(p, _, k)| (p.as_str(), *k))
        .collect();
    assert_eq!(
        files,
        vec![
            ("kept/Cargo.toml", FileKind::CargoToml),
            ("kept/Dockerfile", FileKind::Dockerfile),
            ("kept/kustomization.yaml", FileKind::Kustomization),
            ("kept/main.rs", FileKind::Rust),
            ("kept/pod.yaml", FileKind::Yaml),
        ]
    );
    assert!(found.walk_errors.is_empty(), "{:?}", found.walk_errors);
}
