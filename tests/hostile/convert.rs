//! Defect 10: `convert --write` killed mid-write left `*.wasm-migrate-PID.tmp` beside the target,
//! and it replaced a read-only file.

use crate::bounded::{run, write};

/// A repository `convert` rewrites: the demo's Rust frontend (ready) and its manifest.
fn convertible() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    copy(&demo, &dir.path().join("repo"));
    dir
}

fn copy(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).unwrap();
        }
    }
}

fn leftovers(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if e.file_type().unwrap().is_dir() {
            out.extend(leftovers(&e.path()));
        } else if n.contains(".wasm-migrate-") && n.ends_with(".tmp") {
            out.push(e.path().display().to_string());
        }
    }
    out
}

#[test]
fn leftovers_of_a_killed_write_are_removed_and_none_are_made() {
    let dir = convertible();
    let repo = dir.path().join("repo");
    // What a run killed between link and rename (pid 4194305 is past Linux's pid_max) leaves.
    let stale = repo.join("k8s/base/.frontend.yaml.wasm-migrate-4194305.tmp");
    write(&stale, "half");
    let r = run(dir.path(), &["convert", "repo", "--write"], &[]);
    r.assert_bounded(0, 512);
    assert!(
        std::fs::read_to_string(repo.join("k8s/base/frontend.yaml"))
            .unwrap()
            .contains("runtimeClassName"),
        "converted"
    );
    assert_eq!(leftovers(&repo), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn a_read_only_file_is_not_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let dir = convertible();
    let repo = dir.path().join("repo");
    let target = repo.join("k8s/base/frontend.yaml");
    let before = std::fs::read(&target).unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o444)).unwrap();
    let r = run(dir.path(), &["convert", "repo", "--write"], &[]);
    r.assert_bounded(2, 512);
    assert!(
        r.stderr().contains("is read-only: not replaced"),
        "{}",
        r.stderr()
    );
    assert_eq!(std::fs::read(&target).unwrap(), before);
}
