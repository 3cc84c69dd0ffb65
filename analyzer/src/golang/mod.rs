//! The Go front-end: it claims `go.mod` files and `*.go` sources (not `_test.go`, nor anything
//! under `vendor/` or `testdata/`), and extracts, with byte spans:
//! - from each `go.mod` ([`gomod`]): the module path, the `go` and `toolchain` versions, the
//!   `require` entries (with `// indirect`) and `replace` directives;
//! - from `vendor/modules.txt` beside a `go.mod` ([`vendor`]): the vendored packages, which are
//!   the ones the build compiles (nothing else under `vendor/` is read);
//! - from each source file ([`source`]): the imports, `import "C"` with its `#cgo` directives,
//!   and the uses of each imported package (`exec.Command`, `net.Listen`, `signal.Notify`...);
//! - from the Dockerfiles ([`link`]): which workloads build which module (a stage that runs
//!   `go build` on files copied from the module's directory, or a `ko://` image), and the
//!   `CGO_ENABLED` those builds set.
//!
//! Data flows one way ([`GoFrontend`], the shape of `crate::frontend`): discovery hands it the
//! files, [`parse`] turns them into a [`GoIndex`], [`link::link`] attaches modules to the
//! workloads already built by `crate::link`, and the rules (`WM6xx`) judge the facts. Nothing is
//! executed (no `go list`) and nothing is fetched.

pub mod gomod;
pub mod link;
pub mod source;
pub mod vendor;

use rayon::prelude::*;

use crate::discover::FileKind;
use crate::dockerfile::Language;
use crate::frontend::{Diagnostics, Facts, Frontend, FrontendCtx, LinkCtx};
use crate::source::FileId;
use crate::span::Span;

/// The Go front-end (`go.mod`, `vendor/modules.txt`, `*.go`).
pub struct GoFrontend;

impl Frontend for GoFrontend {
    fn language(&self) -> Language {
        Language::Go
    }

    fn claims(&self) -> &'static [FileKind] {
        &[
            FileKind::GoMod,
            FileKind::GoVendorModules,
            FileKind::GoSource,
        ]
    }

    fn parse(&self, ctx: &FrontendCtx<'_>, _diags: &mut Diagnostics) -> Facts {
        // Every Go input parses into something: nothing is reported as an error.
        Facts::Go(parse(ctx))
    }

    fn link(&self, ctx: &mut LinkCtx<'_>) {
        link::link(ctx);
    }

    fn runs(&self, w: &crate::link::Workload) -> bool {
        !w.go_modules.is_empty()
    }
}

/// One Go module of the scanned tree.
#[derive(Clone, Debug)]
pub struct GoModule {
    /// The `go.mod` file.
    pub file: FileId,
    /// Its repo-relative directory (`""` at the root).
    pub dir: String,
    pub gomod: gomod::GoMod,
    /// The module's source files (those under `dir` and not under a nested module), in path
    /// order.
    pub sources: Vec<(FileId, source::GoSource)>,
    /// `vendor/modules.txt` beside the go.mod, and the packages it lists.
    pub vendored: Option<(FileId, Vec<vendor::VendoredPackage>)>,
    /// `CGO_ENABLED=...` set by the Dockerfiles that build it (filled by [`link::link`]).
    pub cgo: Vec<CgoSetting>,
}

/// A `CGO_ENABLED` setting in a Dockerfile's `ENV` or `RUN`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CgoSetting {
    pub file: FileId,
    pub span: Span,
    pub enabled: bool,
}

/// Every Go module of the scan.
#[derive(Clone, Debug, Default)]
pub struct GoIndex {
    pub modules: Vec<GoModule>,
}

impl GoIndex {
    /// The module whose `go.mod` is `file`.
    pub fn by_file(&self, file: FileId) -> Option<usize> {
        self.modules.iter().position(|m| m.file == file)
    }
}

/// Parse every `go.mod` and Go source file of the scan.
pub fn parse(ctx: &FrontendCtx<'_>) -> GoIndex {
    let mut modules: Vec<GoModule> = ctx
        .files
        .par_iter()
        .zip(ctx.kinds.par_iter())
        .filter(|(_, k)| **k == FileKind::GoMod)
        .map(|(f, _)| GoModule {
            file: f.id,
            dir: crate::build_config::dir_of(&f.path).to_string(),
            gomod: gomod::parse(&f.text),
            sources: Vec::new(),
            vendored: None,
            cgo: Vec::new(),
        })
        .collect();
    if modules.is_empty() {
        return GoIndex::default();
    }
    let sources: Vec<(FileId, source::GoSource)> = ctx
        .files
        .par_iter()
        .zip(ctx.kinds.par_iter())
        .filter(|(_, k)| **k == FileKind::GoSource)
        .map(|(f, _)| (f.id, source::parse(&f.text)))
        .collect();
    for (id, src) in sources {
        let dir = crate::build_config::dir_of(&ctx.file(id).path);
        // The innermost module whose directory holds the file owns it.
        let owner = modules
            .iter()
            .enumerate()
            .filter(|(_, m)| within(dir, &m.dir))
            .max_by_key(|(_, m)| m.dir.len())
            .map(|(i, _)| i);
        if let Some(i) = owner {
            modules[i].sources.push((id, src));
        }
    }
    for (f, k) in ctx.files.iter().zip(ctx.kinds) {
        if *k != FileKind::GoVendorModules {
            continue;
        }
        // `<dir>/vendor/modules.txt` belongs to the go.mod of `<dir>`.
        let vendor_dir = crate::build_config::dir_of(&f.path);
        let dir = crate::build_config::dir_of(vendor_dir);
        let dir = if vendor_dir == "vendor" { "" } else { dir };
        if let Some(m) = modules.iter_mut().find(|m| m.dir == dir) {
            m.vendored = Some((f.id, vendor::parse(&f.text)));
        }
    }
    GoIndex { modules }
}

/// True when repo-relative directory `dir` is `root` or under it.
pub fn within(dir: &str, root: &str) -> bool {
    root.is_empty()
        || dir == root
        || (dir.len() > root.len() && dir.starts_with(root) && dir.as_bytes()[root.len()] == b'/')
}

#[cfg(test)]
mod tests {
    use crate::discover::{FileKind, discover};

    /// `vendor/` is not entered, but the `modules.txt` beside a go.mod is found; vendored sources
    /// and a modules.txt without a go.mod are not.
    #[test]
    fn vendor_modules_txt_is_the_only_vendored_file_read() {
        let dir = tempfile::tempdir().unwrap();
        let w = |p: &str, t: &str| {
            let path = dir.path().join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, t).unwrap();
        };
        w("svc/go.mod", "module example.com/svc\n");
        w("svc/main.go", "package main\n");
        w(
            "svc/vendor/modules.txt",
            "# github.com/lib/pq v1.10.9\ngithub.com/lib/pq\n",
        );
        w("svc/vendor/github.com/lib/pq/conn.go", "package pq\n");
        w("other/vendor/modules.txt", "# x v1\nx\n");
        let found: Vec<(String, FileKind)> = discover(dir.path())
            .files
            .into_iter()
            .map(|(rel, _, k)| (rel, k))
            .collect();
        assert_eq!(
            found,
            vec![
                ("svc/go.mod".to_string(), FileKind::GoMod),
                ("svc/main.go".to_string(), FileKind::GoSource),
                (
                    "svc/vendor/modules.txt".to_string(),
                    FileKind::GoVendorModules
                ),
            ]
        );
    }
}
