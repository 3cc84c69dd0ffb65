//! The fence `--helm-render` runs helm in: a scratch directory outside the scan root (removed on
//! drop), a bounded copy of the chart into it, and a process run with a scrubbed environment, a
//! wall-clock limit and an output limit, killed as a whole process group when it overruns.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::fsread;

/// A fresh directory outside the scan root, removed (with everything in it) on drop, whatever
/// path the render took out of [`super::render`].
#[derive(Debug)]
pub struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    /// Under the system's temporary directory, or the first of `/tmp`, `/var/tmp`, `/dev/shm`
    /// when that one is inside the scan root (`TMPDIR=repo/tmp`): nothing helm reads or writes
    /// may be inside the repository.
    pub fn new(scan_root: &Path) -> Result<Scratch, String> {
        let dir = crate::fsread::scratch_dir_outside(scan_root, "helm")?;
        let scratch = Scratch { dir };
        for sub in ["home", "tmp", "work"] {
            std::fs::create_dir(scratch.dir.join(sub))
                .map_err(|e| format!("cannot create a working directory for helm: {e}"))?;
        }
        Ok(scratch)
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The empty `HOME` helm sees: no config, repositories, registry logins or plugins of the user.
    pub fn home(&self) -> PathBuf {
        self.dir.join("home")
    }

    /// helm's working directory and `TMPDIR`.
    pub fn work(&self) -> PathBuf {
        self.dir.join("work")
    }

    pub fn tmp(&self) -> PathBuf {
        self.dir.join("tmp")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Bounds of a chart copy.
#[derive(Clone, Copy, Debug)]
pub struct CopyLimits {
    pub max_bytes: u64,
    pub max_files: usize,
    pub max_depth: usize,
}

/// What a copy left out: symlinks and special files (not followed, not copied), and values
/// schemas.
#[derive(Debug, Default)]
pub struct Copied {
    pub files: usize,
    pub bytes: u64,
    pub skipped: Vec<String>,
    /// `values.schema.json` files left out: helm resolves their `$ref`s, over the network before
    /// 3.18 and from any local path (GHSA-9h84-qmv7-982p), and a schema only validates values,
    /// it never changes what renders.
    pub schemas: Vec<String>,
}

/// Copy the chart directory `from` (inside `root`) to `to`: directories and regular files only,
/// each file read through [`fsread::read_in_root`]; symlinks are neither followed nor copied.
/// Over a limit is an error: a partial chart would render something else.
pub fn copy_chart(
    root: &fsread::Root,
    from: &Path,
    to: &Path,
    limits: CopyLimits,
) -> Result<Copied, String> {
    let mut copied = Copied::default();
    copy_dir(root, from, to, "", limits, 0, &mut copied)?;
    Ok(copied)
}

fn copy_dir(
    root: &fsread::Root,
    from: &Path,
    to: &Path,
    rel: &str,
    limits: CopyLimits,
    depth: usize,
    copied: &mut Copied,
) -> Result<(), String> {
    if depth > limits.max_depth {
        return Err(format!(
            "the chart is nested more than {} directories deep (at `{rel}`)",
            limits.max_depth
        ));
    }
    std::fs::create_dir_all(to).map_err(|e| format!("cannot copy the chart: {e}"))?;
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .map_err(|e| format!("cannot read `{}`: {e}", from.display()))?
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let shown = format!(
            "{rel}{}{}",
            if rel.is_empty() { "" } else { "/" },
            name.to_string_lossy()
        );
        // `symlink_metadata`: the entry itself, never what a link points at.
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        let ft = meta.file_type();
        if ft.is_dir() {
            copy_dir(
                root,
                &entry.path(),
                &to.join(&name),
                &shown,
                limits,
                depth + 1,
                copied,
            )?;
        } else if ft.is_file() && name == "values.schema.json" {
            copied.schemas.push(shown);
        } else if ft.is_file() {
            copied.files += 1;
            if copied.files > limits.max_files {
                return Err(format!(
                    "the chart has more than {} files",
                    limits.max_files
                ));
            }
            let left = limits.max_bytes.saturating_sub(copied.bytes);
            let bytes = fsread::read_in_root(root, &entry.path(), left).map_err(|e| match e {
                fsread::ReadError::TooLarge { .. } | fsread::ReadError::Grew { .. } => format!(
                    "the chart is larger than {} (at `{shown}`)",
                    fsread::human_bytes(limits.max_bytes)
                ),
                e => format!("`{shown}`: {e}"),
            })?;
            copied.bytes += bytes.len() as u64;
            std::fs::write(to.join(&name), bytes)
                .map_err(|e| format!("cannot copy the chart: {e}"))?;
        } else {
            copied.skipped.push(shown);
        }
    }
    Ok(())
}

/// How a fenced run ended other than with output.
#[derive(Debug)]
pub enum RunError {
    Spawn(std::io::Error),
    Timeout(Duration),
    TooMuchOutput(u64),
    Failed { status: ExitStatus, stderr: String },
    InvalidUtf8,
}

/// Run `program args` in `scratch`: working directory and `TMPDIR` inside it, `HOME` its empty
/// home, the environment otherwise cleared but for `PATH` (so no `HELM_*`, `KUBECONFIG`,
/// proxy or cloud credentials reach it), stdin closed. The process leads its own process group,
/// and the whole group is killed at `timeout`, when stdout passes `max_output` bytes, and after
/// it exits (nothing it started outlives the run).
pub fn run(
    program: &Path,
    args: &[OsString],
    scratch: &Scratch,
    timeout: Duration,
    max_output: u64,
) -> Result<String, RunError> {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(scratch.work())
        .env_clear()
        .env("HOME", scratch.home())
        .env("TMPDIR", scratch.tmp())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let mut child = command.spawn().map_err(RunError::Spawn)?;
    let pid = child.id();
    let overflow = Arc::new(AtomicBool::new(false));
    let stdout = child
        .stdout
        .take()
        .map(|s| bounded_reader(s, max_output, Some(overflow.clone())));
    let stderr = child
        .stderr
        .take()
        .map(|s| bounded_reader(s, 64 * 1024, None));
    let deadline = Instant::now() + timeout;
    let outcome = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if overflow.load(Ordering::Relaxed) => {
                break Err(RunError::TooMuchOutput(max_output));
            }
            Ok(None) if Instant::now() >= deadline => break Err(RunError::Timeout(timeout)),
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => break Err(RunError::Spawn(e)),
        }
    };
    // Whatever happened, nothing of the group survives the run: a child helm started (or a stub's
    // `sleep`) would otherwise hold the pipes open and the readers below would never finish.
    kill_group(pid);
    let _ = child.kill();
    let _ = child.wait();
    let out = stdout
        .map(|h| h.join().unwrap_or_default())
        .unwrap_or_default();
    let err = stderr
        .map(|h| h.join().unwrap_or_default())
        .unwrap_or_default();
    let status = outcome?;
    if overflow.load(Ordering::Relaxed) || out.len() as u64 > max_output {
        return Err(RunError::TooMuchOutput(max_output));
    }
    if !status.success() {
        return Err(RunError::Failed {
            status,
            stderr: String::from_utf8_lossy(&err).into_owned(),
        });
    }
    String::from_utf8(out).map_err(|_| RunError::InvalidUtf8)
}

#[cfg(unix)]
fn kill_group(pid: u32) {
    if let Ok(pid) = i32::try_from(pid)
        && pid > 0
    {
        // SAFETY: kill(2) with a negative pid signals the process group the child leads (it was
        // spawned with `process_group(0)`); it touches no memory of ours.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

#[cfg(not(unix))]
fn kill_group(_pid: u32) {}

/// Read at most `limit` bytes. Past it, set `overflow` and stop reading (closing the pipe) when
/// given one; otherwise drain and discard the rest so the writer never blocks on a full pipe.
fn bounded_reader(
    stream: impl Read + Send + 'static,
    limit: u64,
    overflow: Option<Arc<AtomicBool>>,
) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let mut stream = stream;
        let _ = stream
            .by_ref()
            .take(limit.saturating_add(1))
            .read_to_end(&mut buf);
        if buf.len() as u64 > limit
            && let Some(flag) = overflow
        {
            flag.store(true, Ordering::Relaxed);
            return buf;
        }
        let _ = std::io::copy(&mut stream, &mut std::io::sink());
        buf
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str, timeout: Duration, max: u64) -> (Result<String, RunError>, PathBuf) {
        let root = tempfile::tempdir().expect("tempdir");
        let scratch = Scratch::new(root.path()).expect("scratch");
        let dir = scratch.path().to_path_buf();
        let r = run(
            Path::new("/bin/sh"),
            &["-c".into(), script.into()],
            &scratch,
            timeout,
            max,
        );
        drop(scratch);
        (r, dir)
    }

    #[test]
    fn the_environment_is_scrubbed_and_home_is_empty() {
        // The test runner's environment (CARGO_*, RUST_*, HOME, ...) must not reach the program:
        // only what `run` sets, and what `sh` sets for itself.
        let (r, dir) = sh(
            "env; echo \"home=$(ls -A \"$HOME\")\"; pwd",
            Duration::from_secs(10),
            1 << 20,
        );
        let out = r.expect("runs");
        let names: Vec<&str> = out
            .lines()
            .filter_map(|l| l.split_once('=').map(|(k, _)| k))
            .filter(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
            .collect();
        for name in &names {
            assert!(
                ["PATH", "HOME", "TMPDIR", "PWD", "OLDPWD", "SHLVL", "_"].contains(name),
                "{name} leaked: {out}"
            );
        }
        assert!(
            names.contains(&"HOME") && names.contains(&"TMPDIR"),
            "{out}"
        );
        assert!(out.contains("\nhome=\n"), "HOME is empty: {out}");
        assert!(out.contains("/work\n"), "{out}");
        assert!(!dir.exists(), "the scratch directory is removed");
    }

    #[test]
    fn a_run_over_time_is_killed_with_its_children() {
        let start = Instant::now();
        let (r, dir) = sh("sleep 30 & sleep 30", Duration::from_millis(300), 1 << 20);
        assert!(matches!(r, Err(RunError::Timeout(_))), "{r:?}");
        assert!(start.elapsed() < Duration::from_secs(10));
        assert!(!dir.exists());
    }

    #[test]
    fn output_over_the_limit_stops_the_run() {
        let start = Instant::now();
        let (r, _) = sh("yes wasm-migrate", Duration::from_secs(20), 4096);
        assert!(matches!(r, Err(RunError::TooMuchOutput(4096))), "{r:?}");
        assert!(start.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_failure_keeps_stderr() {
        let (r, _) = sh("echo bad chart >&2; exit 3", Duration::from_secs(10), 1024);
        match r {
            Err(RunError::Failed { stderr, .. }) => assert!(stderr.contains("bad chart")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn symlinks_are_not_copied_and_limits_hold() {
        let root = tempfile::tempdir().expect("tempdir");
        let chart = root.path().join("chart");
        std::fs::create_dir_all(chart.join("templates")).expect("mkdir");
        std::fs::write(chart.join("Chart.yaml"), "name: x\n").expect("write");
        std::fs::write(chart.join("templates/a.yaml"), "a: 1\n").expect("write");
        std::fs::write(chart.join("values.schema.json"), "{}").expect("write");
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc/passwd", chart.join("templates/p.yaml")).expect("ln");
        let fs_root = fsread::Root::new(root.path()).expect("root");
        let out = tempfile::tempdir().expect("tempdir");
        let limits = CopyLimits {
            max_bytes: 1 << 20,
            max_files: 10,
            max_depth: 8,
        };
        let c = copy_chart(&fs_root, &chart, &out.path().join("c"), limits).expect("copies");
        assert_eq!(c.files, 2);
        assert_eq!(c.schemas, vec!["values.schema.json".to_string()]);
        assert!(!out.path().join("c/values.schema.json").exists());
        assert!(out.path().join("c/templates/a.yaml").is_file());
        assert!(!fsread::exists_no_follow(
            &out.path().join("c/templates/p.yaml")
        ));
        #[cfg(unix)]
        assert_eq!(c.skipped, vec!["templates/p.yaml".to_string()]);
        let small = CopyLimits {
            max_bytes: 4,
            ..limits
        };
        let err = copy_chart(&fs_root, &chart, &out.path().join("d"), small).unwrap_err();
        assert!(err.contains("larger than"), "{err}");
        let few = CopyLimits {
            max_files: 1,
            ..limits
        };
        let err = copy_chart(&fs_root, &chart, &out.path().join("e"), few).unwrap_err();
        assert!(err.contains("more than 1 files"), "{err}");
    }
}
