//! The Node.js / TypeScript front-end: it claims `package.json` files, their lockfiles
//! (`package-lock.json`, `npm-shrinkwrap.json`, `yarn.lock`, `pnpm-lock.yaml`), `binding.gyp` and
//! the JavaScript and TypeScript sources (`*.js`, `*.mjs`, `*.cjs`, `*.ts`, `*.mts`, `*.cts`; not
//! `*.d.ts`, tests or minified bundles; `node_modules/` is never entered), and extracts, with
//! byte spans:
//! - from each `package.json` ([`manifest`]): the dependencies by kind, `main`, `type`,
//!   `scripts.start`, `engines.node` and `gypfile`;
//! - from the lockfile beside it, or the nearest one above it in a workspace ([`lock`]): the
//!   installed packages, their install scripts and what they depend on;
//! - from each source file ([`source`]): the modules it loads and the uses of what it loaded.
//!
//! Data flows one way: discovery hands it the files, [`parse`] turns them into a [`NodeIndex`],
//! [`link::link`] attaches packages to the workloads whose Dockerfiles install and run them, and
//! the rules (`WM7xx`) judge the facts. Nothing is executed (no `npm`) and nothing is fetched.

pub mod json;
pub mod link;
pub mod lock;
pub mod manifest;
pub mod source;

use rayon::prelude::*;

use crate::build_config::dir_of;
use crate::discover::FileKind;
use crate::error::Note;
use crate::frontend::{Diagnostics, Facts, Frontend, FrontendCtx, Language, LinkCtx};
use crate::golang::within;
use crate::link::Workload;
use crate::source::{FileId, SourceFile};

/// One Node package (a directory with a `package.json`) of the scanned tree.
#[derive(Clone, Debug)]
pub struct NodePackage {
    /// The `package.json` file.
    pub file: FileId,
    /// Its repo-relative directory (`""` at the root).
    pub dir: String,
    pub manifest: manifest::PackageJson,
    /// The lockfile that pins its installs, when one was read.
    pub lock: Option<(FileId, lock::Lock)>,
    /// Its source files (under `dir`, not under a nested package), in path order.
    pub sources: Vec<(FileId, source::NodeSource)>,
    /// A `binding.gyp` in its directory: the package itself builds a native addon.
    pub binding_gyp: Option<FileId>,
}

impl NodePackage {
    /// The package's name, or its package.json path when it has none.
    pub fn name<'a>(&'a self, files: &'a [SourceFile]) -> &'a str {
        self.manifest.name.as_ref().map_or_else(
            || files[self.file.0 as usize].path.as_str(),
            |(n, _)| n.as_str(),
        )
    }
}

/// Every Node package of the scan.
#[derive(Clone, Debug, Default)]
pub struct NodeIndex {
    pub packages: Vec<NodePackage>,
}

/// The innermost package whose directory holds repo-relative directory `dir`.
fn owner(packages: &[NodePackage], dir: &str) -> Option<usize> {
    packages
        .iter()
        .enumerate()
        .filter(|(_, p)| within(dir, &p.dir))
        .max_by_key(|(_, p)| p.dir.len())
        .map(|(i, _)| i)
}

/// The Node front-end on the shape every language has (`crate::frontend`).
pub struct NodeFrontend;

impl Frontend for NodeFrontend {
    fn language(&self) -> Language {
        Language::Node
    }

    fn claims(&self) -> &'static [FileKind] {
        &[
            FileKind::NodePackageJson,
            FileKind::NodeLock,
            FileKind::NodeBindingGyp,
            FileKind::NodeSource,
        ]
    }

    fn parse(&self, ctx: &FrontendCtx<'_>, diags: &mut Diagnostics) -> Facts {
        Facts::Node(parse(ctx, diags))
    }

    fn link(&self, ctx: &mut LinkCtx<'_>) {
        link::link(ctx);
    }

    fn runs(&self, w: &Workload) -> bool {
        !w.node_packages.is_empty()
    }
}

/// Parse every package.json, lockfile and source file of the scan.
pub fn parse(repo: &FrontendCtx<'_>, diags: &mut Diagnostics) -> NodeIndex {
    let mut packages: Vec<NodePackage> = repo
        .files
        .par_iter()
        .zip(repo.kinds.par_iter())
        .filter(|(_, k)| **k == FileKind::NodePackageJson)
        .map(|(f, _)| NodePackage {
            file: f.id,
            dir: dir_of(&f.path).to_string(),
            manifest: manifest::parse(&f.text),
            lock: None,
            sources: Vec::new(),
            binding_gyp: None,
        })
        .collect();
    if packages.is_empty() {
        return NodeIndex::default();
    }
    for p in &packages {
        if let Some((offset, message)) = &p.manifest.error {
            let span = crate::span::Span::new(*offset, *offset);
            diags.notes.push(Note {
                path: repo.file(p.file).path.clone(),
                location: Some((p.file, span)),
                message: format!(
                    "package.json is not valid JSON ({message}): its dependencies are not known"
                ),
            });
        }
    }
    // Sources: only those some package owns are lexed; minified bundles are left out.
    let owned: Vec<(usize, FileId)> = repo
        .files
        .iter()
        .zip(repo.kinds)
        .filter(|(_, k)| **k == FileKind::NodeSource)
        .filter_map(|(f, _)| owner(&packages, dir_of(&f.path)).map(|o| (o, f.id)))
        .collect();
    let lexed: Vec<(usize, FileId, Option<source::NodeSource>)> = owned
        .into_par_iter()
        .map(|(o, id)| {
            let text = &repo.file(id).text;
            let facts = (!source::looks_minified(text)).then(|| source::parse(text));
            (o, id, facts)
        })
        .collect();
    let mut minified = Vec::new();
    for (o, id, facts) in lexed {
        match facts {
            Some(f) => packages[o].sources.push((id, f)),
            None => minified.push(id),
        }
    }
    if let Some(first) = minified.first() {
        diags.notes.push(Note {
            path: repo.file(*first).path.clone(),
            location: None,
            message: format!(
                "{} JavaScript file(s) look minified or generated (long lines), from `{}` on: not lexed; the sources they were built from are",
                minified.len(),
                repo.file(*first).path
            ),
        });
    }
    // Lockfiles: the one in the package's directory, else the nearest above it (a workspace).
    let mut locks: Vec<(String, FileId, lock::LockKind)> = Vec::new();
    for (f, k) in repo.files.iter().zip(repo.kinds) {
        match k {
            FileKind::NodeLock => {
                let name = f.path.rsplit('/').next().unwrap_or(&f.path);
                if let Some(kind) = lock::LockKind::of(name) {
                    locks.push((dir_of(&f.path).to_string(), f.id, kind));
                }
            }
            FileKind::NodeBindingGyp => {
                let dir = dir_of(&f.path);
                if let Some(p) = packages.iter_mut().find(|p| p.dir == dir) {
                    p.binding_gyp = Some(f.id);
                }
            }
            _ => {}
        }
    }
    let chosen: Vec<Option<(FileId, lock::LockKind)>> = packages
        .iter()
        .map(|p| {
            locks
                .iter()
                .filter(|(dir, _, _)| within(&p.dir, dir))
                .max_by_key(|(dir, _, _)| dir.len())
                .map(|(_, id, kind)| (*id, *kind))
        })
        .collect();
    let mut parsed: Vec<(FileId, lock::Lock)> = Vec::new();
    for (p, c) in packages.iter_mut().zip(chosen) {
        let Some((id, kind)) = c else { continue };
        // Parsed once, however many workspace packages share it.
        let lock = match parsed.iter().find(|(f, _)| *f == id) {
            Some((_, l)) => l.clone(),
            None => {
                let l = lock::parse(kind, &repo.file(id).text);
                if let Some((offset, message)) = &l.error {
                    let span = crate::span::Span::new(*offset, *offset);
                    diags.notes.push(Note {
                        path: repo.file(id).path.clone(),
                        location: Some((id, span)),
                        message: format!(
                            "lockfile is malformed at line {} ({message}): the packages after it may be missing",
                            repo.file(id).line_col(*offset).line
                        ),
                    });
                }
                parsed.push((id, l.clone()));
                l
            }
        };
        let mut lock = lock;
        // A malformed lock's edges may be cut where it broke: nothing is judged unreachable.
        if matches!(kind, lock::LockKind::Yarn | lock::LockKind::Pnpm) && lock.error.is_none() {
            lock.mark_dev_only(
                p.manifest
                    .dependencies
                    .iter()
                    .filter(|d| d.kind != manifest::DepKind::Dev)
                    .map(|d| d.name.as_str()),
            );
        }
        p.lock = Some((id, lock));
    }
    NodeIndex { packages }
}

#[cfg(test)]
mod tests {
    use crate::discover::{FileKind, discover};

    /// `node_modules/` is never entered; tests, type declarations, configs and JavaScript outside
    /// any package are not sources.
    #[test]
    fn discovery_claims_manifests_locks_and_runtime_sources_only() {
        let dir = tempfile::tempdir().unwrap();
        let w = |p: &str, t: &str| {
            let path = dir.path().join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, t).unwrap();
        };
        w("api/package.json", "{}");
        w("api/package-lock.json", "{}");
        w("api/src/server.ts", "");
        w("api/src/types.d.ts", "");
        w("api/src/server.test.ts", "");
        w("api/test/helper.js", "");
        w("api/jest.config.js", "");
        w("api/node_modules/bcrypt/package.json", "{}");
        w("api/binding.gyp", "{}");
        w("web/pnpm-lock.yaml", "lockfileVersion: '9.0'\n");
        w("static/app.js", "require('child_process')");
        let found: Vec<(String, FileKind)> = discover(dir.path())
            .files
            .into_iter()
            .map(|(rel, _, k)| (rel, k))
            .collect();
        assert_eq!(
            found,
            vec![
                ("api/binding.gyp".to_string(), FileKind::NodeBindingGyp),
                ("api/package-lock.json".to_string(), FileKind::NodeLock),
                ("api/package.json".to_string(), FileKind::NodePackageJson),
                ("api/src/server.ts".to_string(), FileKind::NodeSource),
                ("web/pnpm-lock.yaml".to_string(), FileKind::NodeLock),
            ]
        );
    }
}
