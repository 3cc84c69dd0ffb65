//! The shape every language front-end has, and the one list of them ([`FRONTENDS`]).
//!
//! A front-end owns a language's files: it says which [`FileKind`]s it claims, turns them into
//! facts with byte spans (in parallel, on rayon's pool), and links those facts to the workloads
//! that run them, each link with its `linked_by` reason. The scan drives every front-end the same
//! way (`crate::repo::scan_with`): discover -> read -> [`Frontend::parse`] for each -> workload
//! linking (`crate::link`) -> [`Frontend::link`] for each -> rules (in the rules crate).
//!
//! Data flows one way. A front-end sees the scan through [`FrontendCtx`] (files, kinds, parsed
//! Dockerfiles) and [`LinkCtx`] (its facts as the `Repo` keeps them, and the workloads); it never
//! calls the linker, another front-end or the `Repo`, and it reports problems through
//! [`Diagnostics`]. The shape follows syft's catalogers (a declared set of files, a parser, the
//! relationships it adds) and zizmor's audits (one trait, default methods for what a front-end
//! does not need). docs/languages/README.md is the page for adding a language.

use std::collections::BTreeMap;

use crate::cargo::CargoProject;
use crate::cargo::pipeline::RustIndex;
use crate::discover::FileKind;
use crate::dockerfile::{Dockerfile, RequirementsFile};
use crate::error::{FileError, Note};
use crate::golang::GoIndex;
use crate::link::Workload;
use crate::python::{LockFile, PythonFacts};
use crate::source::{FileId, SourceFile};

pub use crate::dockerfile::Language;

/// The language front-ends, in the order they run: the scan runs these and no other. A new
/// language is one entry here, plus the place its facts are kept ([`Facts`], [`Slots`] and its
/// `Repo` field); a test checks that every language's file kinds are claimed by one entry.
pub static FRONTENDS: &[&dyn Frontend] = &[
    &crate::cargo::pipeline::RustFrontend,
    &crate::golang::GoFrontend,
    &crate::python::PythonFrontend,
    &crate::node::NodeFrontend,
];

/// One language's reader. Implementations are unit structs listed in [`FRONTENDS`].
pub trait Frontend: Sync {
    /// The language it reports for a workload whose code it read.
    fn language(&self) -> Language;

    /// The kinds of file it reads (discovery classifies them, `crate::discover`). A kind belongs
    /// to at most one front-end.
    fn claims(&self) -> &'static [FileKind];

    /// Turn the claimed files into facts, one rayon task per file. Files that do not parse
    /// become errors in `diags`; the scan goes on.
    fn parse(&self, ctx: &FrontendCtx<'_>, diags: &mut Diagnostics) -> Facts;

    /// Attach the facts to the workloads `crate::link` built, each attachment with a
    /// `linked_by` reason, and add workloads for code nothing else runs. A front-end whose facts
    /// are kept by Dockerfile (the workload holds its Dockerfiles already) has nothing to add.
    fn link(&self, _ctx: &mut LinkCtx<'_>) {}

    /// True when `w` runs code this front-end linked to it; the workload then reports
    /// [`Frontend::language`] ([`language_of`]). A front-end that links nothing to workloads
    /// (its facts are kept by Dockerfile) leaves the language to the image's runtime.
    fn runs(&self, _w: &Workload) -> bool {
        false
    }
}

/// The language of the code a workload runs, as the first front-end of [`FRONTENDS`] that
/// linked code to it says (Rust before Go: a workload that builds both is judged as Rust).
/// `None` when no front-end did; the image's runtime then tells it.
pub fn language_of(w: &Workload) -> Option<Language> {
    FRONTENDS.iter().find(|f| f.runs(w)).map(|f| f.language())
}

/// What a front-end sees of the scan while it parses: the files read, their kinds, and the
/// Dockerfiles that parsed (a front-end whose files matter only inside an image reads which
/// ones the image copies in).
#[derive(Clone, Copy)]
pub struct FrontendCtx<'a> {
    /// Indexed by [`FileId`].
    pub files: &'a [SourceFile],
    pub kinds: &'a [FileKind],
    pub dockerfiles: &'a BTreeMap<FileId, Dockerfile>,
    /// How many files at the end of `files` the scan made rather than read (see
    /// `Repo::add_virtual_file`); the others are sorted by path.
    pub virtual_files: usize,
}

impl<'a> FrontendCtx<'a> {
    pub fn file(&self, id: FileId) -> &'a SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn kind(&self, id: FileId) -> FileKind {
        self.kinds[id.0 as usize]
    }

    /// The file at a repo-relative path: a binary search over the files read, then the ones
    /// the scan made.
    pub fn file_by_path(&self, path: &str) -> Option<&'a SourceFile> {
        let files = self.files;
        let (read, made) = files.split_at(files.len() - self.virtual_files.min(files.len()));
        read.binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| &read[i])
            .or_else(|| made.iter().find(|f| f.path == path))
    }

    /// Whether a path a Dockerfile copies names something in the scanned tree (a file read, or
    /// a directory holding one), so that a path of another build context does not link the
    /// root package or module.
    pub fn holds(&self, path: &str) -> bool {
        self.file_by_path(path).is_some()
            || self.files.iter().any(|f| {
                f.path.len() > path.len()
                    && crate::golang::within(crate::build_config::dir_of(&f.path), path)
            })
    }
}

/// The innermost of `dirs` holding `path`, by index; the repository root (`""`) only when
/// `root_ok` (a copied path the root package or module really has).
pub fn innermost_holding<'a>(
    dirs: impl Iterator<Item = &'a str>,
    path: &str,
    root_ok: bool,
) -> Option<usize> {
    dirs.enumerate()
        .filter(|(_, d)| crate::golang::within(path, d) && (!d.is_empty() || root_ok))
        .max_by_key(|(_, d)| d.len())
        .map(|(i, _)| i)
}

/// A Dockerfile that copies its whole context (`COPY . .`) builds the package or module around
/// it (the innermost of `dirs` holding `df_dir`), else the only one under it; none otherwise.
pub fn around_or_only_under<'a>(
    dirs: impl Iterator<Item = &'a str> + Clone,
    df_dir: &str,
) -> Vec<usize> {
    let within = crate::golang::within;
    if let Some(i) = innermost_holding(dirs.clone(), df_dir, true) {
        return vec![i];
    }
    let under: Vec<usize> = dirs
        .enumerate()
        .filter(|(_, d)| within(d, df_dir))
        .map(|(i, _)| i)
        .collect();
    if under.len() == 1 { under } else { Vec::new() }
}

/// Problems and remarks a front-end reports; the scan keeps them on the `Repo`.
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub errors: Vec<FileError>,
    pub notes: Vec<Note>,
}

/// What one front-end's [`Frontend::parse`] found. The scan keeps it on the `Repo`, where the
/// rules read it (`Repo::cargo` and `Repo::rust`, `Repo::go`, `Repo::python`...).
#[derive(Debug)]
pub enum Facts {
    Rust(Box<crate::cargo::pipeline::RustFrontendFacts>),
    Go(GoIndex),
    Python(crate::python::PythonIndex),
    Node(crate::node::NodeIndex),
}

/// The front-ends' facts as the `Repo` keeps them, lent to the link step. Each front-end links
/// from its own; Go also records on its modules the `CGO_ENABLED` of the builds it links.
pub struct Slots<'a> {
    pub cargo: &'a CargoProject,
    pub rust: &'a RustIndex,
    pub go: &'a mut GoIndex,
    pub python: &'a BTreeMap<FileId, PythonFacts>,
    pub python_sources: &'a BTreeMap<FileId, Vec<FileId>>,
    pub python_locks: &'a BTreeMap<FileId, Vec<LockFile>>,
    pub pip_requirements: &'a BTreeMap<FileId, Vec<RequirementsFile>>,
    pub node: &'a crate::node::NodeIndex,
}

/// What a front-end's [`Frontend::link`] sees: the scan, the facts, and the workloads to attach
/// them to (in the order `crate::link` built them; added ones go at the end).
pub struct LinkCtx<'a> {
    pub scan: FrontendCtx<'a>,
    pub facts: Slots<'a>,
    pub workloads: &'a mut Vec<Workload>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The front-end list rendered as the table of docs/languages/README.md (between its
    /// `frontends` markers): a test keeps the page in step with [`FRONTENDS`].
    fn frontends_table() -> String {
        let mut out = String::from("| language | files it claims (`FileKind`) |\n|---|---|\n");
        for f in FRONTENDS {
            let kinds: Vec<String> = f.claims().iter().map(|k| format!("`{k:?}`")).collect();
            out.push_str(&format!("| {:?} | {} |\n", f.language(), kinds.join(", ")));
        }
        out
    }

    /// Which language's front-end reads each kind of file (`None`: the scan itself reads it,
    /// as a build or deployment file). Exhaustive on purpose: a new `FileKind` does not compile
    /// until it is placed here, so a language's files cannot be left without a front-end.
    fn reader(kind: FileKind) -> Option<Language> {
        use FileKind::*;
        match kind {
            CargoToml | CargoLock | Rust => Some(Language::Rust),
            GoMod | GoVendorModules | GoSource => Some(Language::Go),
            PythonRequirements | PythonProject | Python => Some(Language::Python),
            NodePackageJson | NodeLock | NodeBindingGyp | NodeSource => Some(Language::Node),
            Dockerfile | Yaml | ManifestTemplate | Kustomization | Skaffold | Compose
            | Workflow | HelmChart | HelmTemplate | HelmValues | HelmFile | HelmArchive
            | Makefile | ShellScript | Wasm | Bake | JvmBuild | BuildpacksProject => None,
            // JVM, .NET, Ruby and PHP projects are read beside the list (`crate::projects`,
            // docs/languages/README.md "What is not uniform yet").
            JvmSettings | DotnetProject | DotnetSupport | RubyGems | PhpComposer => None,
        }
    }

    /// Every kind, for the check below (`reader` keeps it honest when a kind is added).
    const ALL: &[FileKind] = &[
        FileKind::Dockerfile,
        FileKind::Yaml,
        FileKind::ManifestTemplate,
        FileKind::Kustomization,
        FileKind::Skaffold,
        FileKind::Compose,
        FileKind::Workflow,
        FileKind::HelmChart,
        FileKind::HelmTemplate,
        FileKind::HelmValues,
        FileKind::HelmFile,
        FileKind::HelmArchive,
        FileKind::Makefile,
        FileKind::ShellScript,
        FileKind::PythonRequirements,
        FileKind::Python,
        FileKind::PythonProject,
        FileKind::CargoToml,
        FileKind::CargoLock,
        FileKind::Rust,
        FileKind::Wasm,
        FileKind::GoMod,
        FileKind::GoVendorModules,
        FileKind::GoSource,
        FileKind::Bake,
        FileKind::JvmBuild,
        FileKind::BuildpacksProject,
        FileKind::JvmSettings,
        FileKind::DotnetProject,
        FileKind::DotnetSupport,
        FileKind::RubyGems,
        FileKind::PhpComposer,
        FileKind::NodePackageJson,
        FileKind::NodeLock,
        FileKind::NodeBindingGyp,
        FileKind::NodeSource,
    ];

    /// A language's files are claimed by exactly one entry of [`FRONTENDS`], the one of that
    /// language: a front-end written but left out of the list fails here.
    #[test]
    fn every_language_file_kind_is_claimed_by_its_one_frontend() {
        for &kind in ALL {
            let claimers: Vec<Language> = FRONTENDS
                .iter()
                .filter(|f| f.claims().contains(&kind))
                .map(|f| f.language())
                .collect();
            match reader(kind) {
                Some(lang) => assert_eq!(
                    claimers,
                    [lang],
                    "`{kind:?}` is {lang:?}'s: exactly its front-end in FRONTENDS claims it"
                ),
                None => assert!(
                    claimers.is_empty(),
                    "`{kind:?}` is read by the scan, not a language front-end: {claimers:?}"
                ),
            }
        }
        for f in FRONTENDS {
            for kind in f.claims() {
                assert!(ALL.contains(kind), "`{kind:?}` missing from ALL");
            }
        }
        let mut langs: Vec<String> = FRONTENDS
            .iter()
            .map(|f| format!("{:?}", f.language()))
            .collect();
        langs.sort();
        langs.dedup();
        assert_eq!(langs.len(), FRONTENDS.len(), "one front-end per language");
    }

    /// docs/languages/README.md shows the list as it is. `WASM_MIGRATE_BLESS=1` rewrites it.
    #[test]
    fn the_languages_page_lists_every_frontend() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/languages/README.md");
        let page = std::fs::read_to_string(&path).expect("docs/languages/README.md");
        let (start, end) = ("<!-- frontends:start -->\n", "<!-- frontends:end -->");
        let (Some(a), Some(b)) = (page.find(start), page.find(end)) else {
            panic!("docs/languages/README.md lacks the `{start}` ... `{end}` markers");
        };
        let want = frontends_table();
        let have = &page[a + start.len()..b];
        if have != want {
            if std::env::var_os("WASM_MIGRATE_BLESS").is_some() {
                let new = format!("{}{start}{want}{}", &page[..a], &page[b..]);
                std::fs::write(&path, new).expect("write the page");
            } else {
                panic!(
                    "docs/languages/README.md is stale: run \
                     `WASM_MIGRATE_BLESS=1 cargo test -p wasm-migrate-analyzer --lib frontend`"
                );
            }
        }
    }

    /// The front-end that linked code to a workload names its language, Rust first; a workload
    /// with none is left to its image's runtime.
    #[test]
    fn a_workload_reports_the_language_of_the_code_linked_to_it() {
        let mut w = Workload {
            id: "Deployment/default/api".into(),
            kind: "Deployment".into(),
            name: "api".into(),
            namespace: None,
            object: None,
            rendering: None,
            containers: Vec::new(),
            dockerfiles: vec![FileId(0)],
            links: Vec::new(),
            sources: Default::default(),
            crates: Vec::new(),
            programs: Vec::new(),
            go_modules: Vec::new(),
            node_packages: Vec::new(),
            projects: Vec::new(),
        };
        assert_eq!(language_of(&w), None);
        w.node_packages.push(0);
        assert_eq!(language_of(&w), Some(Language::Node));
        w.go_modules.push(0);
        assert_eq!(language_of(&w), Some(Language::Go));
        w.crates.push(crate::link::CrateRef { ws: 0, member: 0 });
        assert_eq!(language_of(&w), Some(Language::Rust));
    }

    /// Each front-end parses only what it claims: a tree of one language's files gives the
    /// other front-ends no facts, and the one that claims them finds them.
    #[test]
    fn a_frontend_reads_only_the_files_it_claims() {
        let files = [
            (
                "go.mod",
                "module example.com/svc\n\ngo 1.22\n",
                FileKind::GoMod,
            ),
            (
                "main.go",
                "package main\n\nimport \"os/exec\"\n\nfunc main() { exec.Command(\"ls\") }\n",
                FileKind::GoSource,
            ),
        ];
        let files: Vec<(SourceFile, FileKind)> = files
            .iter()
            .enumerate()
            .map(|(i, (p, t, k))| (SourceFile::new(FileId(i as u32), *p, *t), *k))
            .collect();
        let kinds: Vec<FileKind> = files.iter().map(|(_, k)| *k).collect();
        let files: Vec<SourceFile> = files.into_iter().map(|(f, _)| f).collect();
        let dockerfiles = BTreeMap::new();
        let ctx = FrontendCtx {
            files: &files,
            kinds: &kinds,
            dockerfiles: &dockerfiles,
            virtual_files: 0,
        };
        for f in FRONTENDS {
            let mut diags = Diagnostics::default();
            match f.parse(&ctx, &mut diags) {
                Facts::Go(go) => {
                    assert_eq!(go.modules.len(), 1);
                    assert_eq!(go.modules[0].sources.len(), 1);
                }
                Facts::Rust(r) => {
                    assert!(r.cargo.manifests.is_empty() && r.rust.facts.is_empty())
                }
                Facts::Python(p) => assert!(p.facts.is_empty() && p.requirements.is_empty()),
                Facts::Node(n) => assert!(n.packages.is_empty()),
            }
            assert!(diags.errors.is_empty() && diags.notes.is_empty());
        }
    }
}
