//! The Go front-end: it claims `go.mod` files and `*.go` sources (not `_test.go`, nor anything
//! under `vendor/` or `testdata/`), and extracts, with byte spans:
//! - from each `go.mod` ([`gomod`]): the module path, the `go` and `toolchain` versions, the
//!   `require` entries (with `// indirect`) and `replace` directives;
//! - from each source file ([`source`]): the imports, `import "C"` with its `#cgo` directives,
//!   and the uses of each imported package (`exec.Command`, `net.Listen`, `signal.Notify`...);
//! - from the Dockerfiles ([`link`]): which workloads build which module (a stage that runs
//!   `go build` on files copied from the module's directory, or a `ko://` image), and the
//!   `CGO_ENABLED` those builds set.
//!
//! Data flows one way: discovery hands it the files, [`parse`] turns them into a [`GoIndex`],
//! [`link::link`] attaches modules to the workloads already built by `crate::link`, and the rules
//! (`WM5xx`) judge the facts. Nothing is executed (no `go list`) and nothing is fetched.

pub mod gomod;
pub mod link;
pub mod source;

use rayon::prelude::*;

use crate::discover::FileKind;
use crate::repo::Repo;
use crate::source::FileId;
use crate::span::Span;

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

/// Parse every `go.mod` and Go source file of the scan into `repo.go`.
pub fn parse(repo: &mut Repo) {
    let mut modules: Vec<GoModule> = repo
        .files
        .par_iter()
        .zip(repo.kinds.par_iter())
        .filter(|(_, k)| **k == FileKind::GoMod)
        .map(|(f, _)| GoModule {
            file: f.id,
            dir: crate::build_config::dir_of(&f.path).to_string(),
            gomod: gomod::parse(&f.text),
            sources: Vec::new(),
            cgo: Vec::new(),
        })
        .collect();
    if modules.is_empty() {
        return;
    }
    let sources: Vec<(FileId, source::GoSource)> = repo
        .files
        .par_iter()
        .zip(repo.kinds.par_iter())
        .filter(|(_, k)| **k == FileKind::GoSource)
        .map(|(f, _)| (f.id, source::parse(&f.text)))
        .collect();
    for (id, src) in sources {
        let dir = crate::build_config::dir_of(&repo.file(id).path);
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
    repo.go = GoIndex { modules };
}

/// True when repo-relative directory `dir` is `root` or under it.
pub fn within(dir: &str, root: &str) -> bool {
    root.is_empty()
        || dir == root
        || (dir.len() > root.len() && dir.starts_with(root) && dir.as_bytes()[root.len()] == b'/')
}
