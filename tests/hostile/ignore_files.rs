//! Defect 4: ignore files were read by the walker without a bound: `.gitignore -> /dev/zero`
//! grew the process until the OOM killer, a FIFO named `.wasm-migrate-ignore` hung the scan.
//! Their patterns must still work the way git's do.

use crate::bounded::{notes_and_errors, repo_with_good_workload, run, workload_ids, write};

#[cfg(unix)]
#[test]
fn gitignore_linked_to_dev_zero_is_refused_and_the_scan_goes_on() {
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    std::os::unix::fs::symlink("/dev/zero", repo.join(".gitignore")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", repo.join("k8s/.wasm-migrate-ignore")).unwrap();
    let r = run(dir.path(), &["scan", "repo", "--format", "json"], &[]);
    r.assert_bounded(0, 512);
    assert_eq!(workload_ids(&r), ["Deployment/default/good"]);
    let notes = notes_and_errors(&r);
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with(".gitignore: ignore file not read")),
        "{notes:#?}"
    );
}

#[cfg(unix)]
#[test]
fn an_ignore_file_that_is_a_fifo_does_not_hang_the_scan() {
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    crate::bounded::mkfifo(&repo.join(".wasm-migrate-ignore"));
    crate::bounded::mkfifo(&repo.join("k8s/.gitignore"));
    let r = run(dir.path(), &["scan", "repo", "--format", "json"], &[]);
    r.assert_bounded(0, 512);
    assert_eq!(workload_ids(&r), ["Deployment/default/good"]);
    let notes = notes_and_errors(&r);
    assert!(
        notes.iter().any(|n| n.contains("not a regular file")),
        "{notes:#?}"
    );
}

#[test]
fn ignore_patterns_still_apply_like_git() {
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    let deploy = |name: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: redis:7\n"
        )
    };
    write(&repo.join("gen/a.yaml"), &deploy("generated"));
    write(&repo.join("gen/keep.yaml"), &deploy("kept"));
    write(&repo.join("k8s/local.yaml"), &deploy("local"));
    write(&repo.join("legacy/old.yaml"), &deploy("legacy"));
    // Root: ignore gen/*; gen/ re-includes keep.yaml; k8s/ ignores its local file;
    // .wasm-migrate-ignore ignores legacy/.
    write(&repo.join(".gitignore"), "gen/*.yaml\n");
    write(&repo.join("gen/.gitignore"), "!keep.yaml\n");
    write(&repo.join("k8s/.gitignore"), "local.yaml\n");
    write(&repo.join(".wasm-migrate-ignore"), "legacy/\n");
    let r = run(dir.path(), &["scan", "repo", "--format", "json"], &[]);
    r.assert_bounded(0, 512);
    let mut ids = workload_ids(&r);
    ids.sort();
    assert_eq!(ids, ["Deployment/default/good", "Deployment/default/kept"]);
}

#[test]
fn ignore_files_together_are_bounded_too() {
    // 40 directories, each with a 220 KB .gitignore: 8.8 MB of patterns, over the 8 MiB total.
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    let patterns: String = (0..20_000).map(|i| format!("gen{i:05}.x\n")).collect();
    for d in 0..40 {
        write(&repo.join(format!("d{d:02}/.gitignore")), &patterns);
    }
    let r = run(dir.path(), &["scan", "repo", "--format", "json"], &[]);
    r.assert_bounded(0, 1024);
    assert_eq!(workload_ids(&r), ["Deployment/default/good"]);
    let notes = notes_and_errors(&r);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("the scan reads at most 8 MiB of ignore files")),
        "{notes:#?}"
    );
}
