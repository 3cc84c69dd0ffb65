//! The scan pipeline up to linking: discover, read (bounded), parse in parallel, assemble.
//!
//! Reading is where hostile input is stopped first: files over the size limit for their kind, text
//! files holding NUL bytes and text files that are not UTF-8 become [`FileError`]s and are skipped.
//! Parsing runs on rayon's pool, one file per task; everything after it is linear in the input.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::build_config::{self, BuildLink};
use crate::discover::{self, FileKind};
use crate::error::{ErrorKind, FileError};
use crate::k8s::{self, K8sObject};
use crate::kustomize::{self, Kustomization, Resolution};
use crate::link::{self, Workload};
use crate::source::{FileId, SourceFile};
use crate::span::Span;
use crate::yaml::{self, YamlStream};

/// Limits that keep a scan bounded on any input.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest text file read (YAML, Dockerfile, TOML, Rust). Default 4 MiB.
    pub max_text_bytes: u64,
    /// Largest `.wasm` module read. Default 64 MiB.
    pub max_wasm_bytes: u64,
    /// Extra gitignore-style patterns, relative to the root (`ignore` in `.wasm-migrate.toml`).
    pub ignore: Vec<String>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_text_bytes: 4 * 1024 * 1024,
            max_wasm_bytes: 64 * 1024 * 1024,
            ignore: Vec::new(),
        }
    }
}

/// Something worth telling the user that is neither a finding nor an error (a Helm chart that is
/// not rendered, a symlink not followed, kustomize patches not applied).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub path: String,
    pub location: Option<(FileId, Span)>,
    pub message: String,
}

/// Everything the analyzer knows about a scanned tree.
#[derive(Debug, Default)]
pub struct Repo {
    pub root: PathBuf,
    /// Indexed by [`FileId`].
    pub files: Vec<SourceFile>,
    pub kinds: Vec<FileKind>,
    /// Raw bytes of `.wasm` files, by file.
    pub wasm_bytes: BTreeMap<FileId, Vec<u8>>,
    /// Inspected `.wasm` modules, by file (see [`crate::wasm`]).
    pub wasm: BTreeMap<FileId, crate::wasm::WasmModule>,
    /// Parsed YAML streams, by file (kustomizations, compose and workflow files included).
    pub yaml: BTreeMap<FileId, YamlStream>,
    pub objects: Vec<K8sObject>,
    /// By directory.
    pub kustomizations: BTreeMap<String, Kustomization>,
    pub kustomize: Resolution,
    pub build_links: Vec<BuildLink>,
    /// Dockerfiles found, by file.
    pub dockerfiles: Vec<FileId>,
    /// Dockerfiles that parsed, by file (see [`crate::dockerfile`]).
    pub parsed_dockerfiles: BTreeMap<FileId, crate::dockerfile::Dockerfile>,
    /// `Chart.yaml` files: Helm charts are detected, not rendered.
    pub helm_charts: Vec<FileId>,
    pub workloads: Vec<Workload>,
    /// Cargo workspaces, packages, locks.
    pub cargo: crate::cargo::CargoProject,
    /// Rust source facts of the packages.
    pub rust: crate::cargo::pipeline::RustIndex,
    pub errors: Vec<FileError>,
    pub notes: Vec<Note>,
}

/// The scan cannot start at all (exit code 2); everything else is reported inside the [`Repo`].
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    // The io error is the `source`, not part of the message: `{err:#}` prints the chain once.
    #[error("cannot read scan root `{path}`")]
    Root {
        path: String,
        source: std::io::Error,
    },
    /// `scan --module FILE`: the file cannot be read, or is not a valid module.
    #[error("cannot read module `{path}`")]
    Module {
        path: String,
        source: std::io::Error,
    },
    #[error("scan root `{0}` is not a directory")]
    NotADirectory(String),
}

enum Content {
    Text(String),
    Wasm(Vec<u8>),
}

impl Repo {
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn file_by_path(&self, path: &str) -> Option<&SourceFile> {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.files[i])
    }

    pub fn kind(&self, id: FileId) -> FileKind {
        self.kinds[id.0 as usize]
    }

    /// The YAML document an object lives in.
    pub fn doc_of(&self, obj: &K8sObject) -> Option<&yaml::YamlDoc> {
        self.yaml.get(&obj.file)?.docs.get(obj.doc)
    }

    /// `file:line` of a span, as `linked_by` and notes show it.
    pub fn file_line(&self, file: FileId, span: Span) -> String {
        let f = self.file(file);
        format!("{}:{}", f.path, f.line_col(span.start).line)
    }
}

/// Scan `root` with default limits.
pub fn scan(root: &Path) -> Result<Repo, ScanError> {
    scan_with(root, &Limits::default())
}

pub fn scan_with(root: &Path, limits: &Limits) -> Result<Repo, ScanError> {
    let meta = std::fs::metadata(root).map_err(|source| ScanError::Root {
        path: root.display().to_string(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(ScanError::NotADirectory(root.display().to_string()));
    }
    let found = discover::discover_with(root, &limits.ignore);
    let mut repo = Repo {
        root: root.to_path_buf(),
        ..Default::default()
    };
    for s in found.skipped {
        repo.notes.push(Note {
            path: s.path,
            location: None,
            message: s.reason,
        });
    }
    for (path, msg) in found.walk_errors {
        repo.errors.push(FileError::new(path, ErrorKind::Io, msg));
    }

    // Read in parallel; errors keep their path so the report can name the file.
    let read: Vec<(String, FileKind, Result<Content, FileError>)> = found
        .files
        .into_par_iter()
        .map(|(rel, abs, kind)| {
            let content = read_bounded(&rel, &abs, kind, limits);
            (rel, kind, content)
        })
        .collect();

    for (rel, kind, content) in read {
        let id = FileId(repo.files.len() as u32);
        match content {
            Ok(Content::Text(text)) => {
                repo.files.push(SourceFile::new(id, rel, text));
                repo.kinds.push(kind);
            }
            Ok(Content::Wasm(bytes)) => {
                repo.files.push(SourceFile::new(id, rel, ""));
                repo.kinds.push(kind);
                repo.wasm_bytes.insert(id, bytes);
            }
            Err(e) => repo.errors.push(e),
        }
    }

    // Parse YAML in parallel; the other front-ends plug in beside it.
    let parsed: Vec<(FileId, YamlStream)> = repo
        .files
        .par_iter()
        .zip(repo.kinds.par_iter())
        .filter(|(_, k)| is_yaml(**k))
        .map(|(f, _)| (f.id, yaml::parse(&f.text)))
        .collect();
    for (id, stream) in parsed {
        if let Some(e) = &stream.error {
            repo.errors.push(
                FileError::new(
                    repo.file(id).path.clone(),
                    ErrorKind::Yaml,
                    e.message.clone(),
                )
                .at(id, Span::new(e.offset, e.offset)),
            );
        }
        repo.yaml.insert(id, stream);
    }

    // Dockerfiles, in parallel too; one that is not a Dockerfile becomes an error.
    let dockerfiles: Vec<_> = repo
        .files
        .par_iter()
        .zip(repo.kinds.par_iter())
        .filter(|(_, k)| **k == FileKind::Dockerfile)
        .map(|(f, _)| (f.id, crate::dockerfile::parse(f)))
        .collect();
    for (id, parsed) in dockerfiles {
        match parsed {
            Ok(d) => {
                repo.parsed_dockerfiles.insert(id, d);
            }
            Err(e) => repo.errors.push(e),
        }
    }

    crate::wasm::inspect_repo(&mut repo);
    assemble(&mut repo);
    crate::cargo::pipeline::parse(&mut repo);
    link::link(&mut repo);
    crate::cargo::pipeline::link(&mut repo);
    repo.errors.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(repo)
}

fn is_yaml(kind: FileKind) -> bool {
    matches!(
        kind,
        FileKind::Yaml
            | FileKind::Kustomization
            | FileKind::Skaffold
            | FileKind::Compose
            | FileKind::Workflow
    )
}

/// Read a file, refusing what is too large, binary, or not UTF-8.
fn read_bounded(
    rel: &str,
    abs: &Path,
    kind: FileKind,
    limits: &Limits,
) -> Result<Content, FileError> {
    let limit = if kind == FileKind::Wasm {
        limits.max_wasm_bytes
    } else {
        limits.max_text_bytes
    };
    let io_err =
        |e: std::io::Error| FileError::new(rel, ErrorKind::Io, format!("cannot read: {e}"));
    let file = std::fs::File::open(abs).map_err(io_err)?;
    let len = file.metadata().map_err(io_err)?.len();
    if len > limit {
        return Err(FileError::new(
            rel,
            ErrorKind::TooLarge,
            format!(
                "skipped: {len} bytes is over the {} limit for this kind of file",
                human_bytes(limit)
            ),
        ));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // `take` guards against a file that grows while we read it.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    if bytes.len() as u64 > limit {
        return Err(FileError::new(
            rel,
            ErrorKind::TooLarge,
            format!(
                "skipped: over the {} limit for this kind of file",
                human_bytes(limit)
            ),
        ));
    }
    if kind == FileKind::Wasm {
        return Ok(Content::Wasm(bytes));
    }
    if kind == FileKind::HelmTemplate {
        // Go templates are detected, not read: keep no text.
        return Ok(Content::Text(String::new()));
    }
    if let Some(pos) = bytes.iter().take(64 * 1024).position(|b| *b == 0) {
        return Err(FileError::new(
            rel,
            ErrorKind::Binary,
            format!(
                "skipped: binary content (NUL byte at offset {pos}) in a file that should be text"
            ),
        ));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Content::Text(text)),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            let column = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
            Err(FileError::new(
                rel,
                ErrorKind::InvalidUtf8,
                format!("skipped: not valid UTF-8 (invalid byte at line {line}, column {column})"),
            ))
        }
    }
}

fn human_bytes(n: u64) -> String {
    if n >= 1024 * 1024 && n.is_multiple_of(1024 * 1024) {
        format!("{} MiB", n / (1024 * 1024))
    } else {
        format!("{n} bytes")
    }
}

/// Turn parsed files into objects, kustomizations and build links.
fn assemble(repo: &mut Repo) {
    for (i, kind) in repo.kinds.iter().enumerate() {
        let id = FileId(i as u32);
        let file = &repo.files[i];
        let stream = repo.yaml.get(&id);
        match (kind, stream) {
            (FileKind::Yaml, Some(s)) => repo.objects.extend(k8s::objects(id, s)),
            (FileKind::Kustomization, Some(s)) => {
                let k = kustomize::parse(file, s);
                repo.kustomizations.insert(k.dir.clone(), k);
            }
            (FileKind::Skaffold, Some(s)) => {
                repo.build_links.extend(build_config::skaffold(file, s))
            }
            (FileKind::Compose, Some(s)) => repo.build_links.extend(build_config::compose(file, s)),
            (FileKind::Workflow, Some(s)) => {
                repo.build_links.extend(build_config::workflow(file, s))
            }
            (FileKind::Makefile, _) => repo.build_links.extend(build_config::makefile(file)),
            (FileKind::Dockerfile, _) => repo.dockerfiles.push(id),
            (FileKind::HelmChart, _) => repo.helm_charts.push(id),
            _ => {}
        }
    }
    for &chart in &repo.helm_charts {
        let path = repo.file(chart).path.clone();
        let dir = build_config::dir_of(&path);
        let shown = if dir.is_empty() { "." } else { dir };
        repo.notes.push(Note {
            path: path.clone(),
            location: None,
            message: format!("Helm chart `{shown}` is detected but not rendered yet: its templates are not scanned; render it with `helm template` and scan the output"),
        });
    }
    for k in repo.kustomizations.values() {
        for (key, span) in &k.unmodelled {
            repo.notes.push(Note {
                path: repo.files[k.file.0 as usize].path.clone(),
                location: Some((k.file, *span)),
                message: format!(
                    "kustomize `{key}` is not applied: findings reflect the resources before it"
                ),
            });
        }
    }
    let files: std::collections::HashSet<&str> =
        repo.files.iter().map(|f| f.path.as_str()).collect();
    let res = kustomize::resolve(&repo.kustomizations, &|p| files.contains(p));
    for u in &res.unresolved {
        repo.errors.push(
            FileError::new(
                repo.file(u.file).path.clone(),
                ErrorKind::Kustomize,
                u.message.clone(),
            )
            .at(u.file, u.span),
        );
    }
    repo.kustomize = res;
}
