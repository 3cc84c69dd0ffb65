//! Opt-in `--cargo-metadata`: the feature-resolved dependency graph of each package, from cargo.
//!
//! cargo is asked through `cargo tree -e normal --target wasm32-wasip2 -p <member>`, not through
//! `cargo metadata`: the `resolve` section of `cargo metadata` comes from cargo's dependency
//! resolver, the one that writes Cargo.lock, and lists optional dependencies that only a weak
//! feature (`dep?/feat`) names even when nothing turns them on (rust-lang/cargo#10801, #15784).
//! `cargo tree` prints what cargo's feature resolver decides, which is what `cargo build` uses,
//! and for one package at a time, so one member's features do not leak into another's build.
//!
//! This is the one place wasm-migrate runs a program on the scanned repository's files, so it is
//! off by default and fenced in (docs/cargo.md lists what is left of the risk):
//! - cargo runs with its working directory in a fresh empty temporary directory that is never
//!   inside the scan root (with `TMPDIR` pointing into the repository, another base is chosen or
//!   cargo is not run), so neither the repository's `rust-toolchain.toml` (read by rustup from the
//!   working directory) nor its `.cargo/config.toml` (read from the working directory's ancestors)
//!   applies; only `CARGO_HOME`'s config does, and cargo is not run when `CARGO_HOME` itself is
//!   inside the scan root;
//! - `RUSTUP_TOOLCHAIN` is pinned to the toolchain active outside the repository and
//!   `RUSTUP_AUTO_INSTALL=0`, so rustup never switches to, or installs, a toolchain the
//!   repository names;
//! - `--offline` and `CARGO_NET_OFFLINE=true`: nothing is fetched; `--locked`: `Cargo.lock` is
//!   never written (a lock that is out of date makes cargo fail, and the static model is kept);
//! - `cargo tree` runs no build script and compiles nothing; its output is bounded in size and
//!   its run in time (the process is killed at the deadline).
//!
//! The graph replaces the static feature resolver (`rules/src/cargo/features.rs`) for the package
//! it was computed for: which optional dependencies are on and which features each crate gets.

use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::Repo;
use crate::error::Note;

/// How cargo is run.
#[derive(Clone, Debug)]
pub struct MetadataOptions {
    /// The cargo binary: `CARGO` when set (as under `cargo run`), else `cargo` on PATH.
    pub cargo: PathBuf,
    /// Killed after this long. Default 60 s; resolving a 500-crate graph takes well under 1 s.
    pub timeout: Duration,
    /// Output beyond this many bytes is an error. Default 64 MiB.
    pub max_output: u64,
    /// The target the graph is resolved for.
    pub target: String,
    /// At most this many packages are resolved per scan (one cargo run each, about 0.2 s); the
    /// rest keep the static model, and the note says so. Default 256.
    pub max_packages: usize,
}

impl Default for MetadataOptions {
    fn default() -> Self {
        MetadataOptions {
            cargo: std::env::var_os("CARGO")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("cargo")),
            timeout: Duration::from_secs(60),
            max_output: 64 * 1024 * 1024,
            target: "wasm32-wasip2".to_string(),
            max_packages: 256,
        }
    }
}

/// One package of the resolved graph.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResolvedPackage {
    /// The features cargo enables on it (`default` included when it is on).
    pub features: BTreeSet<String>,
    /// Names of the packages it depends on for the target as normal dependencies (build- and
    /// dev-dependencies are left out, and so are the dependencies of proc macros: they are
    /// compiled for the host, not the target).
    pub deps: BTreeSet<String>,
}

/// The feature-resolved graph of one package's build, for one target.
#[derive(Clone, Debug, Default)]
pub struct ResolvedGraph {
    /// By (name, version).
    pub packages: HashMap<(String, String), ResolvedPackage>,
}

impl ResolvedGraph {
    /// Read `cargo tree --prefix depth --format '{p}|{f}'` output: one line per package, its
    /// depth first, then `name vVERSION [(source)] [(proc-macro)]|feature,feature`, with ` (*)`
    /// at the end of a package shown again (its dependencies were listed at its first showing).
    pub fn from_tree(text: &str) -> Result<ResolvedGraph, String> {
        let mut packages: HashMap<(String, String), ResolvedPackage> = HashMap::new();
        // The ancestors of the current line: (depth, key, is a proc macro or inside one).
        let mut stack: Vec<(usize, (String, String), bool)> = Vec::new();
        let mut lines = 0usize;
        for line in text.lines() {
            let digits = line.bytes().take_while(u8::is_ascii_digit).count();
            let Ok(depth) = line[..digits].parse::<usize>() else {
                continue; // not a package line (cargo prints none other with these flags)
            };
            let rest = &line[digits..];
            let (pkg, features) = rest
                .rsplit_once('|')
                .ok_or_else(|| format!("unexpected `cargo tree` line: {line}"))?;
            let features = features.strip_suffix(" (*)").unwrap_or(features);
            let mut words = pkg.split_whitespace();
            let (Some(name), Some(version)) = (words.next(), words.next()) else {
                return Err(format!("unexpected `cargo tree` line: {line}"));
            };
            let version = version.strip_prefix('v').unwrap_or(version);
            let key = (name.to_string(), version.to_string());
            while stack.last().is_some_and(|(d, _, _)| *d >= depth) {
                stack.pop();
            }
            let parent_host = stack.last().is_some_and(|(_, _, host)| *host);
            let host = parent_host || pkg.contains("(proc-macro)");
            if !parent_host {
                if let Some((_, parent, _)) = stack.last()
                    && let Some(p) = packages.get_mut(parent)
                {
                    p.deps.insert(name.to_string());
                }
                let entry = packages.entry(key.clone()).or_default();
                entry.features.extend(
                    features
                        .split(',')
                        .filter(|f| !f.is_empty())
                        .map(str::to_string),
                );
            }
            stack.push((depth, key, host));
            lines += 1;
        }
        if lines == 0 {
            return Err("`cargo tree` printed no packages".to_string());
        }
        Ok(ResolvedGraph { packages })
    }

    pub fn get(&self, name: &str, version: &str) -> Option<&ResolvedPackage> {
        self.packages.get(&(name.to_string(), version.to_string()))
    }
}

/// Run `cargo tree` for package `spec` of the workspace whose root manifest is `manifest`
/// (absolute), from a directory outside `scan_root`, and return what it printed.
pub fn run_cargo_tree(
    manifest: &Path,
    spec: &str,
    scan_root: &Path,
    opts: &MetadataOptions,
) -> Result<String, String> {
    let scratch = Scratch::new(scan_root)?;
    let mut command = Command::new(&opts.cargo);
    command
        .args(["tree", "--offline", "--locked", "-e", "normal"])
        .args([
            "--prefix",
            "depth",
            "--format",
            "{p}|{f}",
            "--charset",
            "ascii",
        ])
        .arg("--target")
        .arg(&opts.target)
        .arg("--manifest-path")
        .arg(manifest)
        // One argument, so a spec can never be read as another option.
        .arg(format!("--package={spec}"))
        .current_dir(&scratch.0)
        .env("RUSTUP_AUTO_INSTALL", "0");
    if let Some(toolchain) = pinned_toolchain(&scratch.0) {
        command.env("RUSTUP_TOOLCHAIN", toolchain);
    }
    let mut child = command
        .env("CARGO_NET_OFFLINE", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run `{}`: {e}", opts.cargo.display()))?;
    // Readers on their own threads, so a full stderr pipe cannot stall cargo while stdout is
    // read; each stops at the bound.
    let limit = opts.max_output;
    let stdout = child.stdout.take().map(|s| bounded_reader(s, limit + 1));
    let stderr = child.stderr.take().map(|s| bounded_reader(s, 64 * 1024));
    let deadline = Instant::now() + opts.timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`cargo tree` did not finish within {} s and was stopped",
                    opts.timeout.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("waiting for `cargo tree`: {e}")),
        }
    };
    let out = stdout
        .map(|h| h.join().unwrap_or_default())
        .unwrap_or_default();
    let err = stderr
        .map(|h| h.join().unwrap_or_default())
        .unwrap_or_default();
    if !status.success() {
        let err = String::from_utf8_lossy(&err);
        // cargo's first `error:` line says what went wrong; the rest is context.
        let why = err
            .lines()
            .find(|l| l.starts_with("error"))
            .or_else(|| err.lines().find(|l| !l.trim().is_empty()))
            .unwrap_or("no message");
        // The message may quote the repository's manifests: keep the note short.
        let why: String = why.trim().chars().take(300).collect();
        return Err(format!("`cargo tree` failed ({status}): {why}"));
    }
    if out.len() as u64 > limit {
        return Err(format!("`cargo tree` printed more than {limit} bytes"));
    }
    String::from_utf8(out).map_err(|_| "`cargo tree` printed invalid UTF-8".to_string())
}

fn bounded_reader(
    stream: impl Read + Send + 'static,
    limit: u64,
) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let mut stream = stream;
        let _ = stream.by_ref().take(limit).read_to_end(&mut buf);
        // Drain the rest so cargo never blocks on a full pipe; it is discarded.
        let _ = std::io::copy(&mut stream, &mut std::io::sink());
        buf
    })
}

/// An empty directory outside the scan root, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    /// Under the system's temporary directory, or the first of `/tmp`, `/var/tmp`, `/dev/shm`
    /// when that one is inside the scan root (`TMPDIR=repo/tmp`): cargo reads `.cargo/config.toml`
    /// from every ancestor of its working directory, so none of them may be in the repository.
    fn new(scan_root: &Path) -> Result<Scratch, String> {
        if let Some(home) = cargo_home()
            && crate::fsread::is_inside(scan_root, &home)
        {
            return Err(format!(
                "CARGO_HOME ({}) is inside the scan root; cargo would read the repository's config",
                home.display()
            ));
        }
        let dir = crate::fsread::scratch_dir_outside(scan_root, "cargo")?;
        Ok(Scratch(dir))
    }
}

/// `CARGO_HOME`, or `~/.cargo`.
fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

/// The toolchain rustup would pick outside the repository: `RUSTUP_TOOLCHAIN` when set (as under
/// `cargo run`), else what `rustup show active-toolchain` says in the empty scratch directory.
/// `None` without rustup (then `cargo` is a real toolchain binary and reads no toolchain file).
fn pinned_toolchain(scratch: &Path) -> Option<String> {
    static PINNED: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    PINNED
        .get_or_init(|| {
            if let Some(t) = std::env::var_os("RUSTUP_TOOLCHAIN") {
                return Some(t.to_string_lossy().into_owned());
            }
            let out = Command::new("rustup")
                .args(["show", "active-toolchain"])
                .current_dir(scratch)
                .env("RUSTUP_AUTO_INSTALL", "0")
                .stdin(Stdio::null())
                .stderr(Stdio::null())
                .output()
                .ok()?;
            let text = String::from_utf8_lossy(&out.stdout);
            let name = text.split_whitespace().next()?;
            out.status.success().then(|| name.to_string())
        })
        .clone()
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Resolve every workspace member of `repo` with cargo and keep the graphs in
/// `repo.cargo.resolved`; each workspace gets a note saying whether its members' graphs came
/// from cargo or, when cargo was not run or failed, that the static model is used and why.
pub fn resolve_repo(repo: &mut Repo, opts: &MetadataOptions) {
    let root = repo
        .root
        .canonicalize()
        .unwrap_or_else(|_| repo.root.clone());
    // A manifest without `[workspace]` makes cargo search the directories above it for a
    // workspace root, beyond the scan root too: one found there would be read (and could make
    // cargo refuse the package).
    let outside = root
        .ancestors()
        .skip(1)
        .map(|d| d.join("Cargo.toml"))
        .find(|m| m.is_file());
    // Packages some lock lists as local (path) packages: resolved as part of that workspace.
    let local_in_a_lock: std::collections::HashSet<&str> = repo
        .cargo
        .locks
        .iter()
        .flat_map(|l| l.packages.iter().filter(|p| p.is_local()))
        .map(|p| p.name.as_str())
        .collect();
    // (workspace, member, root manifest, `-p` spec)
    let mut jobs: Vec<(usize, usize, PathBuf, String)> = Vec::new();
    let mut workspaces: Vec<(usize, crate::source::FileId, String)> = Vec::new();
    let mut notes = Vec::new();
    // (workspace, why) for members cargo is not run for.
    let mut skipped: Vec<(usize, String)> = Vec::new();
    for (ws, w) in repo.cargo.workspaces.iter().enumerate() {
        let Some(man) = repo.cargo.manifests.get(w.root_manifest) else {
            continue;
        };
        let path = repo.file(man.file).path.clone();
        let path_dependency = man
            .package
            .as_ref()
            .is_some_and(|p| local_in_a_lock.contains(p.name.as_str()));
        if w.lock.is_none() && path_dependency {
            continue;
        }
        let why = if w.lock.is_none() {
            Some("no Cargo.lock beside this manifest: `cargo tree --locked` would have to write one, so cargo was not run".to_string())
        } else if let (None, Some(found)) = (&man.workspace, &outside) {
            Some(format!(
                "this package declares no `[workspace]`, so cargo would look above the scan root for one (and find `{}`); cargo was not run",
                found.display()
            ))
        } else {
            None
        };
        if let Some(why) = why {
            notes.push(Note {
                path,
                location: Some((man.file, Default::default())),
                message: format!("{why}; the dependency graph is the static one"),
            });
            continue;
        }
        let manifest = root.join(&path);
        let lock = w.lock.and_then(|l| repo.cargo.locks.get(l));
        for (m, member) in w.members.iter().enumerate() {
            // `name@version` when the lock knows the version: a member may share its name with
            // a registry crate of the graph.
            let version = member
                .lock_package
                .and_then(|i| lock?.packages.get(i))
                .map(|p| p.version.clone());
            let spec = match version {
                Some(v) => format!("{}@{v}", member.name),
                None => member.name.clone(),
            };
            if !is_package_spec(&spec) {
                skipped.push((
                    ws,
                    format!(
                        "`{}` is not a package name cargo accepts, so cargo was not run for it",
                        member.name.escape_debug()
                    ),
                ));
            } else if jobs.len() >= opts.max_packages {
                skipped.push((
                    ws,
                    format!(
                        "{spec}: over the limit of {} packages resolved by cargo per scan",
                        opts.max_packages
                    ),
                ));
            } else {
                jobs.push((ws, m, manifest.clone(), spec));
            }
        }
        workspaces.push((ws, man.file, path));
    }
    // One cargo per member, side by side: each is mostly waiting on the file system.
    let outcomes: Vec<_> = jobs
        .into_par_iter()
        .map(|(ws, m, manifest, spec)| {
            let outcome = run_cargo_tree(&manifest, &spec, &root, opts)
                .and_then(|t| ResolvedGraph::from_tree(&t))
                .map_err(|e| format!("{spec}: {e}"));
            (ws, m, outcome)
        })
        .collect();
    let mut resolved: HashMap<usize, (usize, usize)> = HashMap::new();
    let mut failures: HashMap<usize, Vec<String>> = HashMap::new();
    for (ws, why) in skipped {
        failures.entry(ws).or_default().push(why);
    }
    for (ws, m, outcome) in outcomes {
        match outcome {
            Ok(graph) => {
                let r = resolved.entry(ws).or_default();
                r.0 += 1;
                r.1 = r.1.max(graph.packages.len());
                repo.cargo.resolved.insert((ws, m), graph);
            }
            Err(why) => failures.entry(ws).or_default().push(why),
        }
    }
    for (ws, file, path) in workspaces {
        let (done, largest) = resolved.get(&ws).copied().unwrap_or_default();
        let failed = failures.remove(&ws).unwrap_or_default();
        let mut message = if done > 0 {
            format!(
                "dependency features resolved by cargo (`cargo tree --target {}`) for {done} package(s), up to {largest} crates each",
                opts.target
            )
        } else {
            String::new()
        };
        if !failed.is_empty() {
            if !message.is_empty() {
                message.push_str("; ");
            }
            message.push_str(&format!(
                "{}; the dependency graph of {} is the static one from Cargo.lock",
                failed.join("; "),
                if failed.len() == 1 {
                    "that package"
                } else {
                    "those packages"
                }
            ));
        }
        if !message.is_empty() {
            notes.push(Note {
                path,
                location: Some((file, Default::default())),
                message,
            });
        }
    }
    repo.notes.extend(notes);
}

/// `name` or `name@version` as cargo's package names and versions are spelled: letters, digits,
/// `-` and `_` (not first), then a version of digits, letters, `.`, `-` and `+`. Anything else
/// would be a manifest cargo refuses anyway, or an attempt to pass it something else.
fn is_package_spec(spec: &str) -> bool {
    let (name, version) = match spec.split_once('@') {
        Some((n, v)) => (n, Some(v)),
        None => (spec, None),
    };
    let name_ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let version_ok = version.is_none_or(|v| {
        v.chars().next().is_some_and(|c| c.is_ascii_digit())
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
    });
    name_ok && version_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cargo tree --prefix depth --format '{p}|{f}'` of a small build: a proc macro whose own
    /// dependencies are host-only, a crate shown again (` (*)`), a path and a git dependency.
    const SAMPLE: &str = "\
0app v0.1.0 (/w/app)|
1lib v1.2.3|default,std
2memchr v2.7.4|std
1derive-it v0.3.0 (proc-macro)|default
2syn v2.0.90|default,full
3proc-macro2 v1.0.92|default
1local v0.2.0 (/w/local)|client
2memchr v2.7.4|std (*)
1forked v0.1.0 (https://example.com/forked.git#0123abcd)|
";

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn features_and_target_edges_are_read_from_the_tree() {
        let g = ResolvedGraph::from_tree(SAMPLE).expect("parses");
        let app = g.get("app", "0.1.0").expect("app");
        assert_eq!(app.deps, set(&["lib", "derive-it", "local", "forked"]));
        assert_eq!(
            g.get("lib", "1.2.3").expect("lib").features,
            set(&["default", "std"])
        );
        assert_eq!(g.get("lib", "1.2.3").expect("lib").deps, set(&["memchr"]));
        // Shown again with ` (*)`: same node, the marker is not a feature.
        assert_eq!(
            g.get("local", "0.2.0").expect("local").deps,
            set(&["memchr"])
        );
        assert_eq!(
            g.get("memchr", "2.7.4").expect("memchr").features,
            set(&["std"])
        );
        // A proc macro is a dependency; what it depends on is built for the host.
        assert!(
            g.get("derive-it", "0.3.0")
                .expect("proc macro")
                .deps
                .is_empty()
        );
        assert!(g.get("syn", "2.0.90").is_none());
        assert!(g.get("proc-macro2", "1.0.92").is_none());
        assert!(g.get("forked", "0.1.0").is_some());
        assert!(g.get("lib", "1.2.4").is_none());
    }

    #[test]
    fn output_that_is_not_a_tree_is_refused() {
        assert!(ResolvedGraph::from_tree("").is_err());
        assert!(ResolvedGraph::from_tree("warning: something\n").is_err());
        let err = ResolvedGraph::from_tree("0app v0.1.0 no features column\n").unwrap_err();
        assert!(err.starts_with("unexpected `cargo tree` line"), "{err}");
        assert!(ResolvedGraph::from_tree("0|\n").is_err());
    }

    #[test]
    fn only_package_names_reach_cargo() {
        for ok in ["app", "my_app-2", "app@0.1.0", "x@1.0.0-beta.1+build.5"] {
            assert!(is_package_spec(ok), "{ok}");
        }
        for bad in [
            "",
            "--config=x",
            "-p",
            "a b",
            "app@",
            "app@--x",
            "@1.0.0",
            "é",
            "a/b",
        ] {
            assert!(!is_package_spec(bad), "{bad}");
        }
    }

    #[test]
    fn a_missing_cargo_is_an_error_not_a_panic() {
        let opts = MetadataOptions {
            cargo: PathBuf::from("/nonexistent/cargo"),
            ..Default::default()
        };
        let err = run_cargo_tree(
            Path::new("/nonexistent/Cargo.toml"),
            "x",
            Path::new("/nonexistent"),
            &opts,
        )
        .unwrap_err();
        assert!(err.starts_with("cannot run `/nonexistent/cargo`"), "{err}");
    }
}
