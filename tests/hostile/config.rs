//! Defect 1: `.wasm-migrate.toml` read through a symlink printed the linked file (the runner's
//! environment, credentials) in a TOML diagnostic; and it had no size cap.

use crate::bounded::{repo_with_good_workload, run, write};

const SECRET: &str = "wm-hostile-secret-7f3a9c";

#[cfg(unix)]
#[test]
fn a_config_linked_to_proc_environ_is_refused_without_printing_it() {
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    std::os::unix::fs::symlink("/proc/self/environ", repo.join(".wasm-migrate.toml")).unwrap();
    let r = run(dir.path(), &["scan", "repo"], &[("WM_TOKEN", SECRET)]);
    r.assert_bounded(2, 512);
    let err = r.stderr();
    assert!(!err.contains(SECRET), "the environment leaked: {err}");
    assert!(!r.stdout().contains(SECRET));
    assert!(err.contains("outside the scan root"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_config_linked_to_a_credentials_file_is_refused_even_with_config_flag() {
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    let outside = dir.path().join("credentials");
    write(
        &outside,
        &format!("[default]\naws_secret_access_key = {SECRET}\n"),
    );
    std::os::unix::fs::symlink(&outside, repo.join(".wasm-migrate.toml")).unwrap();
    for args in [
        &["scan", "repo"][..],
        &["scan", "repo", "--config", "repo/.wasm-migrate.toml"][..],
        &["convert", "repo"][..],
    ] {
        let r = run(dir.path(), args, &[]);
        r.assert_bounded(2, 512);
        assert!(!r.stderr().contains(SECRET), "{args:?}: {}", r.stderr());
        assert!(r.stderr().contains("outside the scan root"), "{args:?}");
    }
}

#[test]
fn a_huge_config_is_refused_with_a_short_message() {
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    // 3 MiB on one line: before, all of it was printed back as the offending line.
    write(
        &repo.join(".wasm-migrate.toml"),
        &format!("runtime-class = \"{}\n", "A".repeat(3 * 1024 * 1024)),
    );
    let r = run(dir.path(), &["scan", "repo"], &[]);
    r.assert_bounded(2, 512);
    assert!(r.stderr.len() < 4096, "{} bytes of stderr", r.stderr.len());
    assert!(
        r.stderr().contains("over the 1 MiB limit"),
        "{}",
        r.stderr()
    );
}

#[test]
fn a_config_error_on_a_long_line_prints_a_bounded_excerpt() {
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    // 200 KB, under the cap; the error is at column > 65,535 (the value's type is wrong).
    write(
        &repo.join(".wasm-migrate.toml"),
        &format!("ignore = [{}\"x\", 5]\n", "\"a\", ".repeat(40_000)),
    );
    let r = run(dir.path(), &["scan", "repo"], &[]);
    r.assert_bounded(2, 512);
    let err = r.stderr();
    assert!(err.len() < 8192, "{} bytes of stderr", err.len());
    assert!(err.contains(".wasm-migrate.toml:1:"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_config_that_is_a_fifo_does_not_hang_the_scan() {
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    crate::bounded::mkfifo(&repo.join(".wasm-migrate.toml"));
    let r = run(dir.path(), &["scan", "repo"], &[]);
    r.assert_bounded(2, 512);
    assert!(r.stderr().contains("not a regular file"), "{}", r.stderr());
}
