//! Run the binary with a deadline and an address-space cap, and measure what it used.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a bounded run did.
pub struct Run {
    /// Exit code; `None` when killed by a signal (a panic is 101, not a signal).
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Peak resident memory of the child, in MiB.
    pub max_rss_mib: u64,
    pub elapsed: Duration,
    pub timed_out: bool,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// Finished on its own, within `max_rss_mib`, with exit code `code`.
    #[track_caller]
    pub fn assert_bounded(&self, code: i32, max_rss_mib: u64) {
        // Shown with --nocapture: the figures docs/security.md records.
        eprintln!(
            "measured: {:?}, peak {} MiB, {} bytes out, exit {:?}",
            self.elapsed,
            self.max_rss_mib,
            self.stdout.len(),
            self.code
        );
        assert!(!self.timed_out, "hung: killed after {:?}", self.elapsed);
        assert_eq!(
            self.code,
            Some(code),
            "exit code; stderr (first 2000 bytes): {}",
            &self.stderr().chars().take(2000).collect::<String>()
        );
        assert!(
            self.max_rss_mib <= max_rss_mib,
            "peak memory {} MiB over the {max_rss_mib} MiB bound",
            self.max_rss_mib
        );
    }
}

/// Deadline for one run: far above any healthy scan here, so only a hang trips it.
pub const DEADLINE: Duration = Duration::from_secs(120);
/// Address-space cap for the child: a runaway allocation fails fast instead of swapping.
const ADDRESS_SPACE: u64 = 6 * 1024 * 1024 * 1024;

/// Run `wasm-migrate ARGS` in `cwd` with colour off and `env` added.
pub fn run(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out_file = tempfile::tempfile().expect("stdout file");
    let err_file = tempfile::tempfile().expect("stderr file");
    // WASM_MIGRATE_HOSTILE_BIN runs the suite against another build (e.g. an older release, to
    // see each test fail on the defect it covers).
    let bin = std::env::var_os("WASM_MIGRATE_HOSTILE_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_wasm-migrate").into());
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(out_file.try_clone().expect("dup"))
        .stderr(err_file.try_clone().expect("dup"));
    #[cfg(unix)]
    unsafe {
        use std::os::unix::process::CommandExt;
        // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: ADDRESS_SPACE,
                rlim_max: ADDRESS_SPACE,
            };
            libc::setrlimit(libc::RLIMIT_AS, &lim);
            Ok(())
        });
    }
    let started = Instant::now();
    // Reaped by wait4 below (which also gives its rusage), not by Child::wait.
    #[allow(clippy::zombie_processes)]
    let child = cmd.spawn().expect("spawn wasm-migrate");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut timed_out = false;
    loop {
        // SAFETY: pid is our child; status and usage are valid for writes.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        assert!(r >= 0, "wait4: {}", std::io::Error::last_os_error());
        if started.elapsed() > DEADLINE {
            timed_out = true;
            // SAFETY: killing our own child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            // SAFETY: as above, blocking this time.
            unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let elapsed = started.elapsed();
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Run {
        code,
        stdout: read_back(out_file),
        stderr: read_back(err_file),
        max_rss_mib: (usage.ru_maxrss as u64) / 1024,
        elapsed,
        timed_out,
    }
}

/// At most 64 MiB of what the child wrote (enough to measure amplification).
fn read_back(mut f: std::fs::File) -> Vec<u8> {
    use std::io::Seek;
    let _ = f.seek(std::io::SeekFrom::Start(0));
    let mut buf = Vec::new();
    let _ = f.take(64 * 1024 * 1024).read_to_end(&mut buf);
    buf
}

/// Write `text` at `path`, making its directories.
pub fn write(path: &Path, text: &str) {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

/// Make a FIFO at `path`.
pub fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().expect("utf-8 path")).expect("path");
    // SAFETY: a valid NUL-terminated path.
    let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
    assert_eq!(rc, 0, "mkfifo: {}", std::io::Error::last_os_error());
}

/// A scan root with a plain, good Deployment in it, so every test also checks that the scan
/// went on past the hostile file.
pub fn repo_with_good_workload() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("repo/k8s/good.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: good\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: ghcr.io/acme/good:1.0\n",
    );
    dir
}

/// The report's workload ids (JSON output).
pub fn workload_ids(run: &Run) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&run.stdout).expect("json report");
    v["workloads"]
        .as_array()
        .expect("workloads")
        .iter()
        .map(|w| w["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The report's notes and errors as `file: message` lines (JSON output).
pub fn notes_and_errors(run: &Run) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&run.stdout).expect("json report");
    ["notes", "errors"]
        .iter()
        .flat_map(|k| v[*k].as_array().cloned().unwrap_or_default())
        .map(|n| {
            format!(
                "{}: {}",
                n["file"].as_str().unwrap_or_default(),
                n["message"].as_str().unwrap_or_default()
            )
        })
        .collect()
}
