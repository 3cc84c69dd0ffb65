//! Hostile and broken input: each is reported with the right rule and position, and the scan goes
//! on to report the good workload beside them (DESIGN §8).

mod common;

use common::{copy_tree, fixture, run_in};
use rules::report::Report;

fn scan_bad_input() -> (tempfile::TempDir, Report) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    copy_tree(&fixture("bad-input"), &root);
    // Made here rather than committed: a symlink loop, a link out of the root, a 50 MB file.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("loop", root.join("k8s/loop")).expect("symlink loop");
        std::os::unix::fs::symlink("/etc/passwd", root.join("k8s/escape.yaml"))
            .expect("symlink out");
    }
    let big = std::fs::File::create(root.join("k8s/huge.yaml")).expect("create");
    big.set_len(50 * 1024 * 1024).expect("50 MB");
    let out = run_in(dir.path(), &["scan", "repo", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "broken files are reported, not fatal: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Report = serde_json::from_slice(&out.stdout).expect("json");
    (dir, report)
}

fn error<'a>(report: &'a Report, file: &str) -> &'a rules::report::ErrorEntry {
    report
        .errors
        .iter()
        .find(|e| e.file == file)
        .unwrap_or_else(|| panic!("no error for {file}: {:#?}", report.errors))
}

#[test]
fn each_bad_file_gets_its_error_and_the_scan_goes_on() {
    let (_dir, report) = scan_bad_input();

    let invalid = error(&report, "k8s/invalid.yaml");
    assert_eq!(invalid.rule, "WM901");
    assert_eq!(
        invalid.line,
        Some(7),
        "the parser notices the unclosed list where the next key starts: {invalid:?}"
    );

    let deep = error(&report, "k8s/deep.yaml");
    assert_eq!(deep.rule, "WM901");
    assert!(
        deep.message.contains("recursion limit") || deep.message.contains("nesting"),
        "{deep:?}"
    );
    assert_eq!(deep.line, Some(2));

    let binary = error(&report, "bin/Dockerfile");
    assert_eq!(binary.rule, "WM911");
    assert!(
        binary.message.contains("NUL byte at offset 13"),
        "{binary:?}"
    );

    let latin1 = error(&report, "enc/latin1.yaml");
    assert_eq!(latin1.rule, "WM912");
    assert!(latin1.message.contains("line 2, column 10"), "{latin1:?}");

    let huge = error(&report, "k8s/huge.yaml");
    assert_eq!(huge.rule, "WM910");
    assert!(
        huge.message
            .contains("52428800 bytes is over the 4 MiB limit"),
        "{huge:?}"
    );

    // The alias bomb parses (aliases are references), and the empty file is simply empty.
    assert!(
        report
            .errors
            .iter()
            .all(|e| e.file != "k8s/alias-bomb.yaml" && e.file != "k8s/empty.yaml"),
        "{:#?}",
        report.errors
    );

    // Symlinks are never followed, and say so.
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.file == "k8s/escape.yaml" && n.message == "symbolic link not followed"),
        "{:#?}",
        report.notes
    );

    // The good workload beside them is still scanned.
    assert!(
        report
            .workloads
            .iter()
            .any(|w| w.id == "Deployment/default/survivor"),
        "{:#?}",
        report.workloads
    );
}

#[test]
fn errors_render_in_the_human_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&fixture("bad-input"), &dir.path().join("repo"));
    let out = run_in(dir.path(), &["scan", "repo"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("WM901 k8s/invalid.yaml:7:"), "{text}");
    assert!(
        text.contains("WM911 bin/Dockerfile: skipped: binary content"),
        "{text}"
    );
}
