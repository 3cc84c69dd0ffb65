//! `.wasm` files in the scan pipeline: inspecting every module the discovery read, giving modules
//! that nothing else uses a workload of their own, and scanning one explicit module
//! (`wasm-migrate scan --module FILE`).

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use rayon::prelude::*;

use super::{WasmModule, inspect};
use crate::build_config::{dir_of, join};
use crate::discover::FileKind;
use crate::dockerfile::InstructionKind;
use crate::error::{ErrorKind, FileError};
use crate::link::{Link, Workload};
use crate::repo::{Limits, Repo, ScanError};
use crate::source::{FileId, SourceFile};

/// The `kind` of a workload that is a `.wasm` module on its own.
pub const WORKLOAD_KIND: &str = "WasmModule";

/// Inspects every `.wasm` file the scan read, in parallel, into [`Repo::wasm`]; a file that is
/// not a valid module becomes a [`FileError`] (reported as `WM905`).
pub fn inspect_repo(repo: &mut Repo) {
    let results: Vec<(FileId, Result<WasmModule, FileError>)> = repo
        .wasm_bytes
        .par_iter()
        .map(|(id, bytes)| (*id, inspect(&repo.file(*id).path, bytes)))
        .collect();
    for (id, result) in results {
        match result {
            Ok(module) => {
                repo.wasm.insert(id, module);
            }
            Err(e) => repo.errors.push(e.in_file(id)),
        }
    }
}

/// Puts modules into workloads: a module that a workload's Dockerfile copies into its image
/// (`COPY app.wasm /app.wasm`, `ADD`, not `--from`) joins that workload, with a link saying which
/// line copied it; every inspected module that no workload includes then gets a workload of its
/// own: id `wasm:<path>`, kind [`WORKLOAD_KIND`], named after the file. Idempotent.
pub fn link_modules(repo: &Repo, workloads: &mut [Workload]) -> Vec<Workload> {
    let copied = copied_modules(repo);
    for w in workloads.iter_mut() {
        for (df, module, why) in &copied {
            if w.dockerfiles.contains(df) && w.sources.insert(*module) {
                w.links.push(Link {
                    from: *df,
                    to: *module,
                    linked_by: why.clone(),
                });
            }
        }
    }
    let used: BTreeSet<FileId> = workloads
        .iter()
        .flat_map(|w| w.sources.iter().copied())
        .collect();
    repo.wasm
        .keys()
        .filter(|id| !used.contains(id))
        .map(|&id| {
            let path = repo.file(id).path.clone();
            Workload {
                id: format!("wasm:{path}"),
                kind: WORKLOAD_KIND.into(),
                name: path,
                namespace: None,
                object: None,
                rendering: None,
                containers: Vec::new(),
                dockerfiles: Vec::new(),
                links: Vec::new(),
                sources: BTreeSet::from([id]),
                crates: Vec::new(),
                programs: Vec::new(),
                go_modules: Vec::new(),
                node_packages: Vec::new(),
                projects: Vec::new(),
            }
        })
        .collect()
}

/// `(dockerfile, module, "Dockerfile:LINE")` for every inspected module a Dockerfile copies from
/// its build context. The context is the one a build config names for the Dockerfile, else the
/// Dockerfile's directory or the repository root (the two conventions). Only file sources and
/// `*.wasm` globs count: `COPY . /app` copies a tree, not a module the image runs.
fn copied_modules(repo: &Repo) -> Vec<(FileId, FileId, String)> {
    let modules: HashMap<&str, FileId> = repo
        .wasm
        .keys()
        .map(|id| (repo.file(*id).path.as_str(), *id))
        .collect();
    let mut out = Vec::new();
    if modules.is_empty() {
        return out;
    }
    for (&df, dockerfile) in &repo.parsed_dockerfiles {
        let path = &repo.file(df).path;
        let mut contexts: Vec<String> = repo
            .build_links
            .iter()
            .filter(|l| l.dockerfile == *path)
            .map(|l| l.context.clone())
            .collect();
        if contexts.is_empty() {
            contexts = vec![dir_of(path).to_string(), String::new()];
        }
        let copies = dockerfile
            .stages
            .iter()
            .flat_map(|s| &s.instructions)
            .filter_map(|i| match &i.kind {
                InstructionKind::Copy(c) | InstructionKind::Add(c) if c.from.is_none() => Some(c),
                _ => None,
            });
        for copy in copies {
            for source in &copy.sources {
                for context in &contexts {
                    let Some(wanted) = join(context, &source.value) else {
                        continue;
                    };
                    let why = repo.file_line(df, source.span);
                    let found: Vec<FileId> = match wanted.strip_suffix("*.wasm") {
                        Some(dir) if !dir.contains('*') => modules
                            .iter()
                            .filter(|(p, _)| {
                                p.strip_prefix(dir).is_some_and(|rest| !rest.contains('/'))
                            })
                            .map(|(_, id)| *id)
                            .collect(),
                        _ => modules.get(wanted.as_str()).copied().into_iter().collect(),
                    };
                    for module in found {
                        if !out.iter().any(|(d, m, _)| *d == df && *m == module) {
                            out.push((df, module, why.clone()));
                        }
                    }
                }
            }
        }
    }
    out.sort();
    out
}

/// The modules among a workload's sources.
pub fn workload_modules<'r>(repo: &'r Repo, workload: &Workload) -> Vec<(FileId, &'r WasmModule)> {
    workload
        .sources
        .iter()
        .filter_map(|id| repo.wasm.get(id).map(|m| (*id, m)))
        .collect()
}

/// Scans one explicit `.wasm` file instead of a directory: the returned [`Repo`] holds that file
/// (its path is the file name), its inspection or its error, and one `wasm:` workload, ready for
/// the rule engine. Cannot-read is a [`ScanError`] (exit 2); an invalid or oversized module is an
/// entry in [`Repo::errors`], like in a directory scan.
pub fn scan_module(path: &Path, limits: &Limits) -> Result<Repo, ScanError> {
    let shown = path.display().to_string();
    let root_error = |source: std::io::Error| ScanError::Module {
        path: shown.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(root_error)?;
    if meta.is_dir() {
        return Err(ScanError::Module {
            path: shown.clone(),
            source: std::io::Error::other("`--module` needs a .wasm file, not a directory"),
        });
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or(shown.clone());
    let mut repo = Repo {
        root: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        ..Default::default()
    };
    let id = FileId(0);
    repo.files.push(SourceFile::new(id, name.clone(), ""));
    repo.kinds.push(FileKind::Wasm);

    let limit = limits.max_wasm_bytes;
    // A FIFO or device named with --module is refused instead of blocking or reading forever.
    let read = crate::fsread::read_user_file(path, limit);
    let bytes = match read {
        Ok(b) => Some(b),
        Err(crate::fsread::ReadError::Io(e)) => return Err(root_error(e)),
        Err(crate::fsread::ReadError::NotRegular) => {
            return Err(root_error(std::io::Error::other(
                "not a regular file (a FIFO, device or socket)",
            )));
        }
        Err(e) => {
            repo.errors
                .push(FileError::new(name.clone(), ErrorKind::TooLarge, e.to_string()).in_file(id));
            None
        }
    };
    if let Some(bytes) = bytes {
        repo.wasm_bytes.insert(id, bytes);
        inspect_repo(&mut repo);
    }
    let mut workloads = link_modules(&repo, &mut []);
    if workloads.is_empty() {
        // Keep the file visible as a workload even when it could not be inspected, so the report
        // names it next to its error.
        workloads.push(Workload {
            id: format!("wasm:{}", repo.file(id).path),
            kind: WORKLOAD_KIND.into(),
            name: repo.file(id).path.clone(),
            namespace: None,
            object: None,
            rendering: None,
            containers: Vec::new(),
            dockerfiles: Vec::new(),
            links: Vec::new(),
            sources: BTreeSet::from([id]),
            crates: Vec::new(),
            programs: Vec::new(),
            go_modules: Vec::new(),
            node_packages: Vec::new(),
            projects: Vec::new(),
        });
    }
    repo.workloads = workloads;
    Ok(repo)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/wasm");

    #[test]
    fn scan_module_inspects_one_file() {
        let path = Path::new(FIXTURES).join("wasmedge-socket.wasm");
        let repo = scan_module(&path, &Limits::default()).expect("readable");
        assert_eq!(repo.files.len(), 1);
        assert_eq!(repo.file(FileId(0)).path, "wasmedge-socket.wasm");
        assert!(repo.errors.is_empty());
        assert_eq!(repo.workloads.len(), 1);
        let w = &repo.workloads[0];
        assert_eq!(
            (w.id.as_str(), w.kind.as_str()),
            ("wasm:wasmedge-socket.wasm", "WasmModule")
        );
        let modules = workload_modules(&repo, w);
        assert_eq!(modules.len(), 1);
        assert_eq!(modules[0].1.runtime_specific().len(), 1);
    }

    #[test]
    fn scan_module_reports_invalid_and_oversized_files() {
        let path = Path::new(FIXTURES).join("truncated.wasm");
        let repo = scan_module(&path, &Limits::default()).expect("readable");
        assert!(repo.wasm.is_empty());
        assert_eq!(repo.errors.len(), 1);
        assert_eq!(repo.errors[0].kind, ErrorKind::Wasm);
        assert_eq!(repo.errors[0].file, Some(FileId(0)));
        assert_eq!(repo.workloads[0].id, "wasm:truncated.wasm");

        let small = Limits {
            max_wasm_bytes: 100,
            ..Limits::default()
        };
        let path = Path::new(FIXTURES).join("http-proxy.component.wasm");
        let repo = scan_module(&path, &small).expect("readable");
        assert_eq!(repo.errors[0].kind, ErrorKind::TooLarge);
        assert_eq!(
            repo.errors[0].message,
            "skipped: 401 bytes is over the 100 bytes limit for this kind of file"
        );
    }

    #[test]
    fn scan_module_refuses_what_it_cannot_read() {
        let missing = Path::new(FIXTURES).join("no-such.wasm");
        assert!(matches!(
            scan_module(&missing, &Limits::default()),
            Err(ScanError::Module { .. })
        ));
        let dir = Path::new(FIXTURES);
        let err = scan_module(dir, &Limits::default()).expect_err("a directory is refused");
        let ScanError::Module { source, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(
            source.to_string(),
            "`--module` needs a .wasm file, not a directory"
        );
    }

    #[test]
    fn dockerfile_copies_link_modules_into_workloads() {
        let root = Path::new(FIXTURES).join("../wasm-linked");
        let repo = crate::scan(&root).expect("scan");
        assert!(repo.errors.is_empty(), "{:?}", repo.errors);
        let summary: Vec<(String, Vec<String>, Vec<String>)> = repo
            .workloads
            .iter()
            .map(|w| {
                let modules = workload_modules(&repo, w)
                    .into_iter()
                    .map(|(id, _)| repo.file(id).path.clone());
                let links = w.links.iter().map(|l| {
                    format!(
                        "{} -> {} ({})",
                        repo.file(l.from).path,
                        repo.file(l.to).path,
                        l.linked_by
                    )
                });
                (w.id.clone(), modules.collect(), links.collect())
            })
            .collect();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            summary,
            [
                (
                    "Deployment/default/api".to_string(),
                    s(&["api/dist/api.component.wasm"]),
                    s(&[
                        "k8s/api.yaml -> api/Dockerfile (convention: image name `api` matches `api/Dockerfile` (directory `api`, score 95))",
                        "api/Dockerfile -> api/dist/api.component.wasm (api/Dockerfile:2)",
                    ]),
                ),
                (
                    "Deployment/default/edge".to_string(),
                    s(&["edge/edge.wasm"]),
                    s(&[
                        "k8s/edge.yaml -> edge/Dockerfile (convention: image name `edge` matches `edge/Dockerfile` (directory `edge`, score 95))",
                        "edge/Dockerfile -> edge/edge.wasm (edge/Dockerfile:2)",
                    ]),
                ),
            ]
        );
    }

    #[test]
    fn directory_scan_inspects_modules_and_gives_them_workloads() {
        let repo = crate::scan(Path::new(FIXTURES)).expect("scan");
        // 10 valid modules, 3 broken files (invalid, truncated, not-wasm).
        assert_eq!(repo.wasm.len(), 10);
        let wasm_errors: Vec<&str> = repo
            .errors
            .iter()
            .filter(|e| e.kind == ErrorKind::Wasm)
            .map(|e| e.path.as_str())
            .collect();
        assert_eq!(
            wasm_errors,
            ["invalid.wasm", "not-wasm.wasm", "truncated.wasm"]
        );
        let ids: Vec<&str> = repo
            .workloads
            .iter()
            .filter(|w| w.kind == WORKLOAD_KIND)
            .map(|w| w.id.as_str())
            .collect();
        assert!(ids.contains(&"wasm:http-proxy.component.wasm"), "{ids:?}");
        assert_eq!(ids.len(), 10);
    }
}
