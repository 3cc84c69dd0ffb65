//! The scan pipeline up to linking: discover, read (bounded), parse in parallel, assemble, then
//! the language front-ends ([`crate::frontend::FRONTENDS`]) parse their files, workloads are
//! linked, and each front-end links its facts to them.
//!
//! Reading is where hostile input is stopped first: files over the size limit for their kind, text
//! files holding NUL bytes and text files that are not UTF-8 become [`FileError`]s and are skipped.
//! Parsing runs on rayon's pool, one file per task; everything after it is linear in the input.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::build_config::{self, BuildLink};
use crate::cargo::pipeline::RustIndex;
use crate::discover::{self, FileKind};
pub use crate::error::Note;
use crate::error::{ErrorKind, FileError};
use crate::frontend::{Diagnostics, FRONTENDS, Facts, FrontendCtx, LinkCtx, Slots};
use crate::fsread;
use crate::k8s::{self, K8sObject};
use crate::kustomize::{self, Kustomization, Resolution};
use crate::link::program::{self, ProgramBuild};
use crate::link::{self, Workload};
use crate::source::{FileId, SourceFile};
use crate::span::Span;
use crate::yaml::{self, YamlStream};

/// Limits that keep a scan bounded on any input (docs/security.md lists them and why).
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest text file read (YAML, TOML, Rust, Makefile). Default 4 MiB.
    pub max_text_bytes: u64,
    /// Largest Dockerfile read. Default 1 MiB: real ones are a few KiB, and a parsed Dockerfile
    /// costs about 100 bytes of memory per byte of text.
    pub max_dockerfile_bytes: u64,
    /// Largest `.wasm` module read. Default 64 MiB.
    pub max_wasm_bytes: u64,
    /// What the whole scan may read (see [`Budget`]).
    pub budget: Budget,
    /// Extra gitignore-style patterns, relative to the root (`ignore` in `.wasm-migrate.toml`).
    pub ignore: Vec<String>,
    /// Image -> repo-relative Dockerfile (or build file) that builds it (`[links]` in
    /// `.wasm-migrate.toml`): the first linking source (docs/linking.md).
    pub links: Vec<(String, String)>,
    /// How Helm charts are read (docs/helm.md).
    pub helm: crate::helm::HelmOptions,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_text_bytes: 4 * MIB,
            max_dockerfile_bytes: MIB,
            max_wasm_bytes: 64 * MIB,
            budget: Budget::default(),
            ignore: Vec::new(),
            links: Vec::new(),
            helm: Default::default(),
        }
    }
}

const MIB: u64 = 1024 * 1024;

/// Largest JavaScript/TypeScript source lexed: hand-written modules are far smaller, and a larger
/// one is a bundle or generated code (left out with one note, not an error per file).
pub const MAX_NODE_SOURCE_BYTES: u64 = MIB;

/// A scan-wide resource budget. Each file is capped on its own; this caps their sum, so a pull
/// request of many large files (which compress to almost nothing in git) cannot exhaust a CI
/// runner. Files are admitted in path order, so the same tree always reads the same files; what
/// is left out is reported in one note per kind. The per-kind figures follow what a parsed byte
/// costs in memory (about 50 bytes per byte of YAML, 100 per byte of Dockerfile, 140 per byte of
/// Rust while it is parsed).
#[derive(Clone, Debug)]
pub struct Budget {
    /// Bytes read in all.
    pub total_bytes: u64,
    /// Files read in all.
    pub max_files: usize,
    /// YAML of any kind (manifests, kustomizations, compose, skaffold, workflows).
    pub yaml_bytes: u64,
    pub dockerfile_bytes: u64,
    /// `.rs` files.
    pub rust_bytes: u64,
    /// `.py` files (lexed only when a Python image copies them in).
    pub python_bytes: u64,
    /// `.go` files (the Go front-end's sources).
    pub go_bytes: u64,
    /// JavaScript and TypeScript sources (the Node front-end's), each at most
    /// [`MAX_NODE_SOURCE_BYTES`].
    pub node_bytes: u64,
    /// `Cargo.toml`, `Cargo.lock`, Makefiles and anything else read as text.
    pub other_text_bytes: u64,
    pub wasm_bytes: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            total_bytes: 256 * MIB,
            max_files: 100_000,
            yaml_bytes: 32 * MIB,
            dockerfile_bytes: 8 * MIB,
            rust_bytes: 64 * MIB,
            python_bytes: 32 * MIB,
            go_bytes: 64 * MIB,
            node_bytes: 64 * MIB,
            other_text_bytes: 32 * MIB,
            wasm_bytes: 192 * MIB,
        }
    }
}

/// The budget's classes of files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum BudgetClass {
    Yaml,
    Dockerfile,
    Rust,
    Python,
    Go,
    Node,
    OtherText,
    Wasm,
}

impl BudgetClass {
    fn of(kind: FileKind) -> BudgetClass {
        match kind {
            k if is_yaml(k) => BudgetClass::Yaml,
            FileKind::Dockerfile => BudgetClass::Dockerfile,
            FileKind::Rust => BudgetClass::Rust,
            FileKind::Python => BudgetClass::Python,
            FileKind::GoSource => BudgetClass::Go,
            FileKind::NodeSource => BudgetClass::Node,
            FileKind::Wasm | FileKind::HelmArchive => BudgetClass::Wasm,
            k if is_chart_text(k) => BudgetClass::Yaml,
            _ => BudgetClass::OtherText,
        }
    }

    fn name(self) -> &'static str {
        match self {
            BudgetClass::Yaml => "YAML",
            BudgetClass::Dockerfile => "Dockerfile",
            BudgetClass::Rust => "Rust source",
            BudgetClass::Python => "Python source",
            BudgetClass::Go => "Go source",
            BudgetClass::Node => "JavaScript/TypeScript source",
            BudgetClass::OtherText => "other text",
            BudgetClass::Wasm => ".wasm",
        }
    }

    fn limit(self, b: &Budget) -> u64 {
        match self {
            BudgetClass::Yaml => b.yaml_bytes,
            BudgetClass::Dockerfile => b.dockerfile_bytes,
            BudgetClass::Rust => b.rust_bytes,
            BudgetClass::Python => b.python_bytes,
            BudgetClass::Go => b.go_bytes,
            BudgetClass::Node => b.node_bytes,
            BudgetClass::OtherText => b.other_text_bytes,
            BudgetClass::Wasm => b.wasm_bytes,
        }
    }
}

/// Files the budget left out, per class: count, bytes, first path.
#[derive(Default)]
struct Overdrawn {
    by_class: BTreeMap<BudgetClass, (usize, u64, String)>,
    files: (usize, String),
}

/// Admit files in path order while the budget lasts. Sizes are taken before reading and each
/// file is then read with its own size as the limit, so the sum can never exceed the budget.
fn admit(
    files: Vec<(String, PathBuf, FileKind)>,
    limits: &Limits,
    repo: &mut Repo,
) -> Vec<(String, PathBuf, FileKind, u64)> {
    let b = &limits.budget;
    let mut spent: BTreeMap<BudgetClass, u64> = BTreeMap::new();
    let mut total = 0u64;
    let mut over = Overdrawn::default();
    let mut admitted = Vec::with_capacity(files.len());
    let mut bundles: (usize, String) = (0, String::new());
    for (rel, abs, kind) in files {
        let cap = match kind {
            FileKind::Wasm => limits.max_wasm_bytes,
            FileKind::HelmArchive => crate::helm::archive::MAX_ARCHIVE_BYTES,
            FileKind::Dockerfile => limits.max_dockerfile_bytes,
            _ => limits.max_text_bytes,
        };
        let size = std::fs::symlink_metadata(&abs).map_or(0, |m| m.len());
        if kind == FileKind::NodeSource && size > MAX_NODE_SOURCE_BYTES {
            bundles.0 += 1;
            if bundles.1.is_empty() {
                bundles.1 = rel;
            }
            continue;
        }
        if size > cap {
            repo.errors.push(FileError::new(
                rel,
                ErrorKind::TooLarge,
                fsread::ReadError::TooLarge { size, limit: cap }.to_string(),
            ));
            continue;
        }
        if admitted.len() >= b.max_files {
            over.files.0 += 1;
            if over.files.1.is_empty() {
                over.files.1 = rel;
            }
            continue;
        }
        let class = BudgetClass::of(kind);
        let used = spent.entry(class).or_default();
        if *used + size > class.limit(b) || total + size > b.total_bytes {
            let e = over.by_class.entry(class).or_default();
            e.0 += 1;
            e.1 += size;
            if e.2.is_empty() {
                e.2 = rel;
            }
            continue;
        }
        *used += size;
        total += size;
        admitted.push((rel, abs, kind, size.min(cap)));
    }
    for (class, (n, bytes, first)) in over.by_class {
        repo.notes.push(Note {
            path: first.clone(),
            location: None,
            message: format!(
                "scan budget: {n} {} file(s) ({}) not read, from `{first}` on in path order: \
                 the scan reads at most {} of {} and {} in all (docs/security.md); findings \
                 that depend on them are missing",
                class.name(),
                fsread::human_bytes(bytes),
                fsread::human_bytes(class.limit(b)),
                class.name(),
                fsread::human_bytes(b.total_bytes),
            ),
        });
    }
    if bundles.0 > 0 {
        repo.notes.push(Note {
            path: bundles.1.clone(),
            location: None,
            message: format!(
                "{} JavaScript/TypeScript file(s) over {} not read, from `{}` on: bundles or \
                 generated code, not the sources a service is written in",
                bundles.0,
                fsread::human_bytes(MAX_NODE_SOURCE_BYTES),
                bundles.1
            ),
        });
    }
    if over.files.0 > 0 {
        repo.notes.push(Note {
            path: over.files.1.clone(),
            location: None,
            message: format!(
                "scan budget: {} file(s) not read, from `{}` on in path order: the scan reads at \
                 most {} files (docs/security.md)",
                over.files.0, over.files.1, b.max_files
            ),
        });
    }
    admitted
}

/// Everything the analyzer knows about a scanned tree.
#[derive(Debug, Default)]
pub struct Repo {
    pub root: PathBuf,
    /// Indexed by [`FileId`].
    pub files: Vec<SourceFile>,
    pub kinds: Vec<FileKind>,
    /// How many files at the end of `files` are virtual ([`Repo::add_virtual_file`]): text the
    /// scan made or unpacked (a Helm chart inside a `.tgz`, `helm template` output) rather than
    /// read from the tree. The files before them are sorted by path.
    pub virtual_files: usize,
    /// Raw bytes of `.wasm` files, by file.
    pub wasm_bytes: BTreeMap<FileId, Vec<u8>>,
    /// Raw bytes of packaged subcharts (`charts/*.tgz`), by file; unpacked by `crate::helm`.
    pub archives: BTreeMap<FileId, Vec<u8>>,
    /// Inspected `.wasm` modules, by file (see [`crate::wasm`]).
    pub wasm: BTreeMap<FileId, crate::wasm::WasmModule>,
    /// Parsed YAML streams, by file (kustomizations, compose and workflow files included).
    pub yaml: BTreeMap<FileId, YamlStream>,
    pub objects: Vec<K8sObject>,
    /// By directory.
    pub kustomizations: BTreeMap<String, Kustomization>,
    pub kustomize: Resolution,
    pub build_links: Vec<BuildLink>,
    /// Compose services the repository builds, for linking containers made from them
    /// (`crate::link::compose`).
    pub compose_services: Vec<build_config::ComposeService>,
    /// Images built without a Dockerfile (Jib, Spring Boot, buildpacks).
    pub program_builds: Vec<ProgramBuild>,
    /// `go.mod` files and their module paths.
    pub go_modules: Vec<(FileId, String)>,
    /// The user's `[links]` (see [`Limits::links`]).
    pub user_links: Vec<(String, String)>,
    /// Dockerfiles found, by file.
    pub dockerfiles: Vec<FileId>,
    /// Dockerfiles that parsed, by file (see [`crate::dockerfile`]).
    pub parsed_dockerfiles: BTreeMap<FileId, crate::dockerfile::Dockerfile>,
    /// Shell scripts the Dockerfiles' final images start, by Dockerfile
    /// ([`crate::dockerfile::entrypoint_scripts`]).
    pub entrypoint_scripts: BTreeMap<FileId, Vec<crate::dockerfile::EntrypointScript>>,
    /// The pip requirements files the Dockerfiles' final images install, by Dockerfile
    /// ([`crate::dockerfile::RequirementsFile`]).
    pub pip_requirements: BTreeMap<FileId, Vec<crate::dockerfile::RequirementsFile>>,
    /// Python source facts of the `.py` files some Python image copies in, by file.
    pub python: BTreeMap<FileId, crate::python::PythonFacts>,
    /// The `poetry.lock` / `uv.lock` files each Python image copies in, by Dockerfile.
    pub python_locks: BTreeMap<FileId, Vec<crate::python::LockFile>>,
    /// The `.py` files each Dockerfile's final image holds, by Dockerfile.
    pub python_sources: BTreeMap<FileId, Vec<FileId>>,
    /// The simple commands of each script some image starts, by script file.
    pub script_commands: BTreeMap<FileId, Vec<crate::dockerfile::ShellCommand>>,
    /// `Chart.yaml` files.
    pub helm_charts: Vec<FileId>,
    /// The charts and their statically rendered templates ([`crate::helm::reader`]).
    pub helm: crate::helm::reader::HelmIndex,
    /// Rendered chart output (`--helm-render`, `--manifests`): (file, document index) -> the
    /// template file its `# Source:` comment names; the template joins the sources of the
    /// workloads in that document.
    pub rendered_from: BTreeMap<(FileId, usize), FileId>,
    pub workloads: Vec<Workload>,
    /// Cargo workspaces, packages, locks.
    pub cargo: crate::cargo::CargoProject,
    /// Rust source facts of the packages.
    pub rust: RustIndex,
    /// Go modules and their source facts (see [`crate::golang`]).
    pub go: crate::golang::GoIndex,
    /// Node packages, their lockfiles and source facts (see [`crate::node`]).
    pub node: crate::node::NodeIndex,
    /// JVM, .NET, Ruby and PHP projects (see [`crate::projects`]).
    pub projects: crate::projects::ProjectIndex,
    pub errors: Vec<FileError>,
    pub notes: Vec<Note>,
    /// Files `wasm-migrate convert` wrote and the scan recognises as such ([`crate::generated`]):
    /// `Dockerfile.wasm` files and kustomizations, left out of workload discovery.
    pub generated: BTreeSet<FileId>,
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
    /// `--helm-render` refused a chart or helm, or helm failed or overran its bounds.
    #[error(transparent)]
    HelmRender(#[from] crate::helm::render::RenderError),
    /// `--manifests` could not be read.
    #[error(transparent)]
    Manifests(#[from] crate::helm::manifests::ManifestsError),
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
        self.frontend_ctx().file_by_path(path)
    }

    /// What a language front-end sees of the scan while it parses.
    pub fn frontend_ctx(&self) -> FrontendCtx<'_> {
        FrontendCtx {
            files: &self.files,
            kinds: &self.kinds,
            dockerfiles: &self.parsed_dockerfiles,
            virtual_files: self.virtual_files,
        }
    }

    /// Keep what a front-end's parse found where the rules read it.
    fn store(&mut self, facts: Facts, diags: Diagnostics) {
        match facts {
            Facts::Rust(f) => {
                let f = *f;
                self.cargo = f.cargo;
                self.rust = f.rust;
            }
            Facts::Go(go) => self.go = go,
            Facts::Node(node) => self.node = node,
            Facts::Python(py) => {
                self.pip_requirements = py.requirements;
                self.python_sources = py.sources;
                self.python = py.facts;
                self.python_locks = py.locks;
            }
        }
        self.errors.extend(diags.errors);
        self.notes.extend(diags.notes);
    }

    /// What a language front-end's link step sees: the scan, the facts, the workloads.
    fn link_ctx(&mut self) -> LinkCtx<'_> {
        LinkCtx {
            scan: FrontendCtx {
                files: &self.files,
                kinds: &self.kinds,
                dockerfiles: &self.parsed_dockerfiles,
                virtual_files: self.virtual_files,
            },
            facts: Slots {
                cargo: &self.cargo,
                rust: &self.rust,
                go: &mut self.go,
                python: &self.python,
                python_sources: &self.python_sources,
                python_locks: &self.python_locks,
                pip_requirements: &self.pip_requirements,
                node: &self.node,
            },
            workloads: &mut self.workloads,
        }
    }

    /// Add a file the scan made or unpacked rather than read from the tree (a template inside a
    /// chart's `.tgz`, rendered output). Its path names where it came from; it is never written.
    pub fn add_virtual_file(&mut self, path: String, text: String, kind: FileKind) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile::new(id, path, text));
        self.kinds.push(kind);
        self.virtual_files += 1;
        id
    }

    /// True for a file [`Repo::add_virtual_file`] added.
    pub fn is_virtual(&self, id: FileId) -> bool {
        (id.0 as usize) >= self.files.len() - self.virtual_files.min(self.files.len())
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
        user_links: limits.links.clone(),
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

    let guard = fsread::Root::new(root).map_err(|source| ScanError::Root {
        path: root.display().to_string(),
        source,
    })?;
    let admitted = admit(found.files, limits, &mut repo);
    // Read in parallel; errors keep their path so the report can name the file.
    let read: Vec<(String, FileKind, Result<Content, FileError>)> = admitted
        .into_par_iter()
        .map(|(rel, abs, kind, size)| {
            let content = read_bounded(&rel, &abs, kind, size, &guard);
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
                if kind == FileKind::HelmArchive {
                    repo.archives.insert(id, bytes);
                } else {
                    repo.wasm_bytes.insert(id, bytes);
                }
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
        // A manifest template with Go or Jinja syntax only becomes YAML through its renderer:
        // read as it stands, `{{ .Name }}` would parse into objects that exist nowhere.
        .filter(|(f, k)| {
            **k != FileKind::ManifestTemplate || !(f.text.contains("{{") || f.text.contains("{%"))
        })
        .map(|(f, _)| (f.id, yaml::parse(&f.text)))
        .collect();
    for (id, stream) in parsed {
        // A manifest template that is not YAML is some other template language: not an error.
        if stream.error.is_some() && repo.kind(id) == FileKind::ManifestTemplate {
            continue;
        }
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

    crate::dockerfile::attach_entrypoint_scripts(&mut repo);
    crate::wasm::inspect_repo(&mut repo);
    assemble(&mut repo);
    // Charts: rendered by the user's helm when asked (docs/helm.md), taken from pre-rendered
    // `--manifests` when those name their templates, and read statically otherwise.
    if limits.helm.render.is_some() {
        crate::helm::render::render_charts(&mut repo, &limits.helm)?;
    }
    if let Some(input) = &limits.helm.manifests {
        crate::helm::manifests::read_manifests(
            &mut repo,
            input,
            crate::helm::manifests::MAX_MANIFESTS_BYTES,
        )?;
    }
    if limits.helm.render.is_none() {
        crate::helm::reader::read(&mut repo, &limits.helm);
    }
    for frontend in FRONTENDS {
        let mut diags = Diagnostics::default();
        let facts = frontend.parse(&repo.frontend_ctx(), &mut diags);
        repo.store(facts, diags);
    }
    // JVM, .NET, Ruby and PHP projects: four languages in one index, read beside the
    // front-end list (docs/languages/README.md, "What is not uniform yet").
    crate::projects::parse(&mut repo);
    link::link(&mut repo);
    for frontend in FRONTENDS {
        frontend.link(&mut repo.link_ctx());
    }
    crate::projects::link::link(&mut repo);
    repo.errors.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(repo)
}

fn is_yaml(kind: FileKind) -> bool {
    matches!(
        kind,
        FileKind::Yaml
            | FileKind::ManifestTemplate
            | FileKind::Kustomization
            | FileKind::Skaffold
            | FileKind::Compose
            | FileKind::Workflow
            | FileKind::HelmChart
            | FileKind::HelmValues
    )
}

/// Chart files read as text but not parsed as YAML up front (templates, `.Files` fragments):
/// they count against the YAML budget.
fn is_chart_text(kind: FileKind) -> bool {
    matches!(kind, FileKind::HelmTemplate | FileKind::HelmFile)
}

/// Read a file, refusing what is too large, binary, or not UTF-8 (and, through
/// [`crate::fsread`], anything that is not a regular file inside the root).
fn read_bounded(
    rel: &str,
    abs: &Path,
    kind: FileKind,
    limit: u64,
    root: &fsread::Root,
) -> Result<Content, FileError> {
    let bytes = fsread::read_in_root(root, abs, limit).map_err(|e| {
        let kind = match e {
            fsread::ReadError::TooLarge { .. } | fsread::ReadError::Grew { .. } => {
                ErrorKind::TooLarge
            }
            _ => ErrorKind::Io,
        };
        FileError::new(rel, kind, e.to_string())
    })?;
    if matches!(kind, FileKind::Wasm | FileKind::HelmArchive) {
        return Ok(Content::Wasm(bytes));
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

/// Turn parsed files into objects, kustomizations and build links.
fn assemble(repo: &mut Repo) {
    for (i, kind) in repo.kinds.iter().enumerate() {
        let id = FileId(i as u32);
        let file = &repo.files[i];
        let stream = repo.yaml.get(&id);
        match (kind, stream) {
            (FileKind::Yaml | FileKind::ManifestTemplate, Some(s)) => {
                repo.objects.extend(k8s::objects(id, s));
                if build_config::is_cloudbuild(&file.path) {
                    repo.build_links.extend(build_config::cloudbuild(file, s));
                }
            }
            (FileKind::Kustomization, Some(s)) => {
                let k = kustomize::parse(file, s);
                if let Some(g) = &k.generated {
                    repo.generated.insert(id);
                    let what = match g {
                        crate::generated::GeneratedKustomization::Overlay { base } => format!(
                            "a Kustomize overlay of `{base}` {}: the workloads it renders are those of its base, not counted again",
                            crate::generated::MARK
                        ),
                        crate::generated::GeneratedKustomization::BaseListing => format!(
                            "a Kustomize base listing this directory's manifests, {}: not a rendering of its own",
                            crate::generated::MARK
                        ),
                    };
                    repo.notes.push(Note {
                        path: file.path.clone(),
                        location: None,
                        message: format!("the repository holds a wasm-migrate conversion: {what}"),
                    });
                }
                repo.kustomizations.insert(k.dir.clone(), k);
            }
            (FileKind::Skaffold, Some(s)) => {
                repo.build_links.extend(build_config::skaffold(file, s))
            }
            (FileKind::Compose, Some(s)) => {
                repo.build_links.extend(build_config::compose(file, s));
                repo.compose_services
                    .extend(build_config::compose_services(file, s));
            }
            (FileKind::Workflow, Some(s)) => {
                repo.build_links.extend(build_config::workflow(file, s))
            }
            (FileKind::Makefile, _) => repo.build_links.extend(build_config::makefile(file)),
            (FileKind::Bake, _) => repo.build_links.extend(link::bake::links(file)),
            (FileKind::GoMod, _) => {
                if let Some(m) = program::go_module(&file.text) {
                    repo.go_modules.push((id, m));
                }
            }
            (FileKind::JvmBuild, _) if file.path.ends_with("pom.xml") => {
                repo.program_builds.extend(program::pom(file))
            }
            (FileKind::JvmBuild, _) => repo.program_builds.extend(program::gradle(file)),
            (FileKind::Dockerfile, _) => {
                if crate::generated::is_wasm_dockerfile(&file.path, &file.text) {
                    repo.generated.insert(id);
                    if let Some((image, range)) = crate::generated::wasm_image_of(&file.text) {
                        repo.build_links.push(BuildLink {
                            image: image.to_string(),
                            dockerfile: file.path.clone(),
                            context: build_config::dir_of(&file.path).to_string(),
                            file: id,
                            span: Span::new(range.start, range.end),
                            source: "wasm-migrate convert",
                        });
                    }
                    repo.notes.push(Note {
                        path: file.path.clone(),
                        location: None,
                        message: format!(
                            "the repository holds a wasm-migrate conversion: the Wasm image of a converted workload, {}: not a workload of its own",
                            crate::generated::MARK
                        ),
                    });
                }
                repo.dockerfiles.push(id)
            }
            (FileKind::HelmChart, _) => repo.helm_charts.push(id),
            _ => {}
        }
    }
    // A generated overlay's patches are convert's own edits, described by convert: no note each.
    for k in repo
        .kustomizations
        .values()
        .filter(|k| k.generated.is_none())
    {
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
    // Skaffold artifacts built by Jib, ko or buildpacks (no Dockerfile).
    for (i, kind) in repo.kinds.iter().enumerate() {
        if *kind != FileKind::Skaffold {
            continue;
        }
        if let Some(stream) = repo.yaml.get(&FileId(i as u32)) {
            repo.program_builds
                .extend(program::skaffold_programs(&repo.files[i], stream, &|p| {
                    files.contains(p)
                }));
        }
    }
    // `pack build` in Makefiles (run in their directory) and workflows (run at the root).
    for (i, kind) in repo.kinds.iter().enumerate() {
        let file = &repo.files[i];
        let dir = match kind {
            FileKind::Makefile => build_config::dir_of(&file.path),
            FileKind::Workflow => "",
            _ => continue,
        };
        if file.text.contains("pack build") {
            let region = Span::new(0, file.text.len());
            repo.program_builds
                .extend(program::pack_builds(file, region, dir, &|p| {
                    files.contains(p)
                }));
        }
    }
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
