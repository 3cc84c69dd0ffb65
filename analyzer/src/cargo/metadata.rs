//! Opt-in `--cargo-metadata`: a feature-resolved dependency graph from `cargo metadata`.
//!
//! This is the one place wasm-migrate runs a program on the scanned repository's files, so it is
//! off by default and fenced in (docs/cargo.md lists what is left of the risk):
//! - cargo runs with its working directory in a fresh empty temporary directory, so neither the
//!   repository's `rust-toolchain.toml` (read by rustup from the working directory) nor its
//!   `.cargo/config.toml` (read from the working directory's ancestors) applies;
//! - `--offline` and `CARGO_NET_OFFLINE=true`: nothing is fetched; `--locked`: `Cargo.lock` is
//!   never written (a lock that is out of date makes cargo fail, and the static model is kept);
//! - `cargo metadata` runs no build script and compiles nothing; its output is bounded in size
//!   and its run in time (the process is killed at the deadline).
//!
//! The graph replaces the static feature resolver ([`crate::cargo`]'s consumers in `rules`) for
//! the workspace it was computed for: which optional dependencies are on and which features each
//! package gets, as cargo itself resolves them for `wasm32-wasip2`.

use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use cargo_metadata::{DependencyKind, Metadata, MetadataCommand};
use rayon::prelude::*;

use crate::Repo;
use crate::repo::Note;

/// How `cargo metadata` is run.
#[derive(Clone, Debug)]
pub struct MetadataOptions {
    /// The cargo binary: `CARGO` when set (as under `cargo run`), else `cargo` on PATH.
    pub cargo: PathBuf,
    /// Killed after this long. Default 60 s: resolving a cold 500-crate graph takes a few.
    pub timeout: Duration,
    /// Output beyond this many bytes is an error. Default 64 MiB.
    pub max_output: u64,
    /// The platform the graph is filtered for.
    pub target: String,
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
        }
    }
}

/// One package of the resolved graph.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResolvedPackage {
    /// The features cargo enables on it (`default` included when it is on).
    pub features: BTreeSet<String>,
    /// Names of the packages it depends on for the target as normal dependencies (build- and
    /// dev-dependencies are left out: they are not compiled for the target).
    pub deps: BTreeSet<String>,
}

/// The feature-resolved graph of one workspace, for one target.
#[derive(Clone, Debug, Default)]
pub struct ResolvedGraph {
    /// By (name, version).
    pub packages: HashMap<(String, String), ResolvedPackage>,
}

impl ResolvedGraph {
    /// Read `cargo metadata --format-version 1` output. A graph without a `resolve` section
    /// (`--no-deps`) is an error: it holds no feature resolution.
    pub fn from_json(text: &str) -> Result<ResolvedGraph, String> {
        let meta: Metadata =
            MetadataCommand::parse(text).map_err(|e| format!("unreadable output: {e}"))?;
        let resolve = meta
            .resolve
            .as_ref()
            .ok_or("the output has no `resolve` section")?;
        let by_id: HashMap<_, _> = meta.packages.iter().map(|p| (&p.id, p)).collect();
        let mut packages = HashMap::new();
        for node in &resolve.nodes {
            let Some(pkg) = by_id.get(&node.id) else {
                continue;
            };
            let deps = node
                .deps
                .iter()
                .filter(|d| {
                    // Before cargo 1.41 there were no kinds: every edge counted as normal.
                    d.dep_kinds.is_empty()
                        || d.dep_kinds.iter().any(|k| k.kind == DependencyKind::Normal)
                })
                .filter_map(|d| by_id.get(&d.pkg).map(|p| p.name.to_string()))
                .collect();
            let features = node.features.iter().map(|f| f.to_string()).collect();
            packages.insert(
                (pkg.name.to_string(), pkg.version.to_string()),
                ResolvedPackage { features, deps },
            );
        }
        Ok(ResolvedGraph { packages })
    }

    pub fn get(&self, name: &str, version: &str) -> Option<&ResolvedPackage> {
        self.packages.get(&(name.to_string(), version.to_string()))
    }
}

/// Run `cargo metadata` for the manifest at `manifest` (absolute) and return what it printed.
pub fn run_cargo_metadata(manifest: &Path, opts: &MetadataOptions) -> Result<String, String> {
    let scratch = Scratch::new().map_err(|e| format!("cannot create a working directory: {e}"))?;
    let mut child = Command::new(&opts.cargo)
        .args(["metadata", "--format-version", "1", "--offline", "--locked"])
        .arg("--filter-platform")
        .arg(&opts.target)
        .arg("--manifest-path")
        .arg(manifest)
        .current_dir(&scratch.0)
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
                    "`cargo metadata` did not finish within {} s and was stopped",
                    opts.timeout.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("waiting for `cargo metadata`: {e}")),
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
        return Err(format!(
            "`cargo metadata` failed ({status}): {}",
            why.trim()
        ));
    }
    if out.len() as u64 > limit {
        return Err(format!("`cargo metadata` printed more than {limit} bytes"));
    }
    String::from_utf8(out).map_err(|_| "`cargo metadata` printed invalid UTF-8".to_string())
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

/// An empty directory under the system's temporary directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> std::io::Result<Scratch> {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "wasm-migrate-metadata-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir(&dir)?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Resolve every workspace of `repo` with `cargo metadata` and keep the graphs in
/// `repo.cargo.resolved`; each workspace gets a note saying whether its graph came from cargo
/// or, when cargo failed, that the static model is used and why.
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
    let mut jobs: Vec<(usize, crate::source::FileId, String)> = Vec::new();
    let mut skipped = Vec::new();
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
            Some("no Cargo.lock beside this manifest: `cargo metadata --locked` would have to write one, so it was not run".to_string())
        } else if let (None, Some(found)) = (&man.workspace, &outside) {
            Some(format!(
                "this package declares no `[workspace]`, so cargo would look above the scan root for one (and find `{}`); `cargo metadata` was not run",
                found.display()
            ))
        } else {
            None
        };
        match why {
            Some(why) => skipped.push(Note {
                path,
                location: Some((man.file, Default::default())),
                message: format!("{why}; the dependency graph is the static one"),
            }),
            None => jobs.push((ws, man.file, path)),
        }
    }
    repo.notes.extend(skipped);
    // One cargo per workspace, side by side: each is mostly waiting on the file system.
    let outcomes: Vec<_> = jobs
        .into_par_iter()
        .map(|(ws, file, path)| {
            let manifest = repo.root.join(&path);
            let manifest = manifest.canonicalize().unwrap_or(manifest);
            let outcome =
                run_cargo_metadata(&manifest, opts).and_then(|t| ResolvedGraph::from_json(&t));
            (ws, file, path, outcome)
        })
        .collect();
    for (ws, file, path, outcome) in outcomes {
        let message = match outcome {
            Ok(graph) => {
                let message = format!(
                    "dependency features resolved by `cargo metadata --filter-platform {}` ({} packages)",
                    opts.target,
                    graph.packages.len()
                );
                repo.cargo.resolved.insert(ws, graph);
                message
            }
            Err(why) => format!("{why}; the dependency graph is the static one from Cargo.lock"),
        };
        repo.notes.push(Note {
            path,
            location: Some((file, Default::default())),
            message,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A trimmed `cargo metadata` output: app -> lib (normal), app -> helper (dev only),
    /// lib -> cc (build only).
    const SAMPLE: &str = r#"{
      "packages": [
        {"name":"app","version":"0.1.0","id":"path+file:///w/app#0.1.0","source":null,
         "dependencies":[],"targets":[],"features":{},"manifest_path":"/w/app/Cargo.toml",
         "authors":[],"categories":[],"keywords":[],"edition":"2021","links":null,
         "publish":null,"default_run":null,"rust_version":null,"license":null,
         "license_file":null,"description":null,"readme":null,"repository":null,
         "homepage":null,"documentation":null,"metadata":null},
        {"name":"lib","version":"1.2.3","id":"registry+https://github.com/rust-lang/crates.io-index#lib@1.2.3",
         "source":"registry+https://github.com/rust-lang/crates.io-index",
         "dependencies":[],"targets":[],"features":{"default":["std"],"std":[],"net":[]},
         "manifest_path":"/r/lib/Cargo.toml","authors":[],"categories":[],"keywords":[],
         "edition":"2021","links":null,"publish":null,"default_run":null,"rust_version":null,
         "license":null,"license_file":null,"description":null,"readme":null,
         "repository":null,"homepage":null,"documentation":null,"metadata":null},
        {"name":"helper","version":"0.3.0","id":"path+file:///w/helper#0.3.0","source":null,
         "dependencies":[],"targets":[],"features":{},"manifest_path":"/w/helper/Cargo.toml",
         "authors":[],"categories":[],"keywords":[],"edition":"2021","links":null,
         "publish":null,"default_run":null,"rust_version":null,"license":null,
         "license_file":null,"description":null,"readme":null,"repository":null,
         "homepage":null,"documentation":null,"metadata":null},
        {"name":"cc","version":"1.0.0","id":"registry+https://github.com/rust-lang/crates.io-index#cc@1.0.0",
         "source":"registry+https://github.com/rust-lang/crates.io-index",
         "dependencies":[],"targets":[],"features":{},"manifest_path":"/r/cc/Cargo.toml",
         "authors":[],"categories":[],"keywords":[],"edition":"2021","links":null,
         "publish":null,"default_run":null,"rust_version":null,"license":null,
         "license_file":null,"description":null,"readme":null,"repository":null,
         "homepage":null,"documentation":null,"metadata":null}
      ],
      "workspace_members": ["path+file:///w/app#0.1.0"],
      "resolve": {"root": null, "nodes": [
        {"id":"path+file:///w/app#0.1.0","dependencies":[],"features":[],"deps":[
          {"name":"lib","pkg":"registry+https://github.com/rust-lang/crates.io-index#lib@1.2.3",
           "dep_kinds":[{"kind":null,"target":null}]},
          {"name":"helper","pkg":"path+file:///w/helper#0.3.0",
           "dep_kinds":[{"kind":"dev","target":null}]}]},
        {"id":"registry+https://github.com/rust-lang/crates.io-index#lib@1.2.3","dependencies":[],
         "features":["default","std"],"deps":[
          {"name":"cc","pkg":"registry+https://github.com/rust-lang/crates.io-index#cc@1.0.0",
           "dep_kinds":[{"kind":"build","target":null}]}]},
        {"id":"path+file:///w/helper#0.3.0","dependencies":[],"features":[],"deps":[]},
        {"id":"registry+https://github.com/rust-lang/crates.io-index#cc@1.0.0","dependencies":[],
         "features":[],"deps":[]}
      ]},
      "target_directory": "/w/target",
      "version": 1,
      "workspace_root": "/w",
      "metadata": null
    }"#;

    #[test]
    fn features_and_normal_edges_are_read_from_the_resolve_section() {
        let g = ResolvedGraph::from_json(SAMPLE).expect("parses");
        let app = g.get("app", "0.1.0").expect("app");
        // The dev-dependency is not part of the build for the target.
        assert_eq!(app.deps, BTreeSet::from(["lib".to_string()]));
        let lib = g.get("lib", "1.2.3").expect("lib");
        assert_eq!(
            lib.features,
            BTreeSet::from(["default".to_string(), "std".to_string()])
        );
        // A build-dependency runs on the host.
        assert!(lib.deps.is_empty(), "{:?}", lib.deps);
        assert!(g.get("lib", "1.2.4").is_none());
    }

    #[test]
    fn output_without_a_resolve_section_is_refused() {
        let no_deps = SAMPLE.replace(
            &SAMPLE
                [SAMPLE.find("\"resolve\"").unwrap()..SAMPLE.find("\"target_directory\"").unwrap()],
            "",
        );
        let err = ResolvedGraph::from_json(&no_deps).unwrap_err();
        assert!(err.contains("no `resolve`"), "{err}");
        assert!(ResolvedGraph::from_json("{not json").is_err());
    }

    #[test]
    fn a_missing_cargo_is_an_error_not_a_panic() {
        let opts = MetadataOptions {
            cargo: PathBuf::from("/nonexistent/cargo"),
            ..Default::default()
        };
        let err = run_cargo_metadata(Path::new("/nonexistent/Cargo.toml"), &opts).unwrap_err();
        assert!(err.starts_with("cannot run `/nonexistent/cargo`"), "{err}");
    }
}
