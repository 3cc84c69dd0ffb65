//! `--cargo-metadata` against the real cargo: the fixture `fixtures/cargo/metadata-offline` has
//! path dependencies only, so `cargo tree --offline --locked` resolves it anywhere.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use wasm_migrate_analyzer as analyzer;
use wasm_migrate_analyzer::cargo::metadata::{self, MetadataOptions};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/cargo/metadata-offline")
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn cargo_resolves_features_platform_and_dependency_kinds() {
    let mut repo = analyzer::scan(&fixture()).expect("scan");
    let lock_before = std::fs::read(fixture().join("ws/Cargo.lock")).expect("lock");
    metadata::resolve_repo(&mut repo, &MetadataOptions::default());

    assert_eq!(repo.cargo.resolved.len(), 1, "{:?}", repo.notes);
    let graph = repo.cargo.resolved.values().next().expect("one graph");
    let app = graph.get("app", "0.1.0").expect("app in the graph");
    // winonly is `cfg(windows)`: not built for wasm32-wasip2. tinyserver is a dev-dependency.
    assert_eq!(app.deps, set(&["netcore"]));
    let netcore = graph.get("netcore", "0.2.0").expect("netcore");
    // `default-features = false, features = ["client"]`: the default `server` is off, and the
    // optional tinyserver with it.
    assert_eq!(netcore.features, set(&["client"]));
    assert!(netcore.deps.is_empty(), "{:?}", netcore.deps);
    assert!(
        graph.get("winonly", "0.1.0").is_none(),
        "not built for the target"
    );

    let note = note_on(&repo, "ws/Cargo.toml");
    assert_eq!(
        note,
        "dependency features resolved by cargo (`cargo tree --target wasm32-wasip2`) for 1 package(s), up to 2 crates each"
    );
    // `--locked`: the repository is left as it was.
    assert_eq!(
        std::fs::read(fixture().join("ws/Cargo.lock")).expect("lock"),
        lock_before
    );
    assert!(!fixture().join("ws/target").exists());
}

#[test]
fn an_out_of_date_lock_is_reported_and_the_static_model_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("ws");
    copy_tree(&fixture(), &root);
    // A new dependency the lock does not have: `--locked` refuses to update it.
    let app = root.join("ws/app/Cargo.toml");
    let text = std::fs::read_to_string(&app).expect("read");
    std::fs::write(
        &app,
        text.replace(
            "[dev-dependencies]",
            "extra = { path = \"../../libs/tinyserver\", package = \"tinyserver\" }\n\n[dev-dependencies]",
        ),
    )
    .expect("write");
    std::fs::write(root.join("ws/Cargo.lock"), "version = 4\n").expect("truncate the lock");
    let mut repo = analyzer::scan(&root).expect("scan");
    metadata::resolve_repo(&mut repo, &MetadataOptions::default());
    assert!(repo.cargo.resolved.is_empty());
    let note = note_on(&repo, "ws/Cargo.toml");
    assert!(
        note.starts_with(
            "app: `cargo tree` failed (exit status: 101): error: cannot update the lock file"
        ) && note.ends_with(
            "--locked was passed to prevent this; the dependency graph of that package is the static one from Cargo.lock"
        ),
        "{}",
        note
    );
    assert_eq!(
        std::fs::read_to_string(root.join("ws/Cargo.lock")).expect("lock"),
        "version = 4\n",
        "--locked never rewrites the lock"
    );
}

#[cfg(unix)]
#[test]
fn a_cargo_that_hangs_is_stopped_at_the_deadline() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let fake = dir.path().join("cargo");
    std::fs::write(&fake, "#!/bin/sh\nexec sleep 30\n").expect("write");
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let opts = MetadataOptions {
        cargo: fake,
        timeout: Duration::from_millis(300),
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let err = metadata::run_cargo_tree(&fixture().join("ws/Cargo.toml"), "app", &fixture(), &opts)
        .unwrap_err();
    assert!(err.contains("did not finish within"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "killed, not waited for"
    );
}

#[cfg(unix)]
#[test]
fn the_repository_s_cargo_config_and_toolchain_file_are_not_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("ws");
    copy_tree(&fixture(), &root);
    // Both would break the run if cargo or rustup read them: a toolchain that does not exist,
    // and a config that is not TOML.
    std::fs::write(
        root.join("ws/rust-toolchain.toml"),
        "[toolchain]\nchannel = \"nonexistent-toolchain-1.0\"\n",
    )
    .expect("write");
    std::fs::create_dir_all(root.join("ws/.cargo")).expect("mkdir");
    std::fs::write(root.join("ws/.cargo/config.toml"), "this is [not toml\n").expect("write");
    let mut repo = analyzer::scan(&root).expect("scan");
    metadata::resolve_repo(&mut repo, &MetadataOptions::default());
    assert_eq!(repo.cargo.resolved.len(), 1, "{:?}", repo.notes);
}

#[test]
fn packages_without_a_lock_or_that_cargo_would_place_above_the_scan_root_are_not_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    // A standalone package without a lock, and one with a lock but no `[workspace]` whose
    // scan root sits below another Cargo project: cargo would search upward and find it.
    std::fs::create_dir_all(root.join("solo/src")).expect("mkdir");
    std::fs::write(
        root.join("solo/Cargo.toml"),
        "[package]\nname = \"solo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .expect("write");
    std::fs::write(root.join("solo/src/lib.rs"), "").expect("write");
    let mut repo = analyzer::scan(&root).expect("scan");
    metadata::resolve_repo(&mut repo, &MetadataOptions::default());
    assert_eq!(
        note_on(&repo, "solo/Cargo.toml"),
        "no Cargo.lock beside this manifest: `cargo tree --locked` would have to write one, so cargo was not run; the dependency graph is the static one"
    );

    std::fs::write(root.join("solo/Cargo.lock"), "version = 4\n").expect("write");
    std::fs::write(dir.path().join("Cargo.toml"), "[workspace]\n").expect("write");
    let scan_root = root.join("solo");
    let mut repo = analyzer::scan(&scan_root).expect("scan");
    metadata::resolve_repo(&mut repo, &MetadataOptions::default());
    assert!(repo.cargo.resolved.is_empty());
    let above = dir
        .path()
        .join("Cargo.toml")
        .canonicalize()
        .expect("canonical");
    assert_eq!(
        note_on(&repo, "Cargo.toml"),
        format!(
            "this package declares no `[workspace]`, so cargo would look above the scan root for one (and find `{}`); cargo was not run; the dependency graph is the static one",
            above.display()
        )
    );
}

#[test]
fn path_dependencies_of_a_resolved_workspace_get_no_note_of_their_own() {
    let mut repo = analyzer::scan(&fixture()).expect("scan");
    metadata::resolve_repo(&mut repo, &MetadataOptions::default());
    let paths: Vec<&str> = repo.notes.iter().map(|n| n.path.as_str()).collect();
    assert_eq!(paths, ["ws/Cargo.toml"], "{:?}", repo.notes);
}

#[test]
fn member_names_that_are_not_package_names_and_packages_over_the_limit_are_not_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("ws");
    copy_tree(&fixture(), &root);
    let app = root.join("ws/app/Cargo.toml");
    let text = std::fs::read_to_string(&app).expect("read");
    // A name that, passed on as is, would be another option of cargo's.
    std::fs::write(
        &app,
        text.replace("name = \"app\"", "name = \"--config=x\""),
    )
    .expect("write");
    let mut repo = analyzer::scan(&root).expect("scan");
    metadata::resolve_repo(&mut repo, &MetadataOptions::default());
    assert!(repo.cargo.resolved.is_empty());
    assert_eq!(
        note_on(&repo, "ws/Cargo.toml"),
        "`--config=x` is not a package name cargo accepts, so cargo was not run for it; the dependency graph of that package is the static one from Cargo.lock"
    );

    let mut repo = analyzer::scan(&fixture()).expect("scan");
    let opts = MetadataOptions {
        max_packages: 0,
        ..Default::default()
    };
    metadata::resolve_repo(&mut repo, &opts);
    assert!(repo.cargo.resolved.is_empty());
    assert_eq!(
        note_on(&repo, "ws/Cargo.toml"),
        "app@0.1.0: over the limit of 0 packages resolved by cargo per scan; the dependency graph of that package is the static one from Cargo.lock"
    );
}

/// The message of the note on `path`, or "" when there is none.
fn note_on(repo: &analyzer::Repo, path: &str) -> String {
    repo.notes
        .iter()
        .find(|n| n.path == path)
        .map(|n| n.message.clone())
        .unwrap_or_default()
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
