//! Node.js rules (`WM7xx`): facts of the Node front-end (`analyzer::node`) for each Node package
//! a workload runs: its package.json dependencies, its lockfile's installed packages and install
//! scripts, and its sources' loads and uses of built-in modules. Knowledge (which packages and
//! built-ins mean what) is in `rules/data/node-packages.toml`.

use analyzer::Repo;
use analyzer::node::NodePackage;
use analyzer::node::manifest::DepKind;
use analyzer::source::FileId;
use analyzer::span::Span;

use crate::Rule;

pub mod data;
mod node_builtin_module;
mod node_known_package;
mod node_native_addon;
mod node_toolchain;

pub use node_builtin_module::NodeBuiltinModule;
pub use node_known_package::NodeKnownPackage;
pub use node_native_addon::NodeNativeAddon;
pub use node_toolchain::NodeToolchain;

pub static RULES: &[&dyn Rule] = &[
    &NodeKnownPackage,
    &NodeNativeAddon,
    &NodeBuiltinModule,
    &NodeToolchain,
];

/// At most this many findings per rule and file: the first ones locate the problem.
pub(crate) const MAX_PER_FILE: usize = 10;

/// What a rule sees of a Node package a workload runs.
pub struct NodeCx<'r> {
    pub repo: &'r Repo,
    /// Index into `repo.node.packages`.
    pub index: usize,
    pub package: &'r NodePackage,
}

/// Where a package dependency shows, and how sure it is to be in the running image.
pub(crate) struct Placed {
    pub file: FileId,
    pub span: Span,
    /// `package.json lists it`, `the lockfile installs it (a dependency of a dependency)`...
    pub how: String,
    /// Listed only as optional, or only reached through other packages: it may not be loaded.
    pub uncertain: bool,
}

impl NodeCx<'_> {
    /// The package's name as messages show it.
    pub fn name(&self) -> &str {
        self.package.name(&self.repo.files)
    }

    /// Where package `name` enters the service: its package.json line (not a dev dependency),
    /// else its lockfile entry (not dev-only), else a source file that loads it.
    pub(crate) fn place(&self, name: &str) -> Option<Placed> {
        let p = self.package;
        if let Some(d) = p.manifest.runtime_dependency(name) {
            let (how, uncertain) = match d.kind {
                DepKind::Optional => ("package.json lists it as optional", true),
                DepKind::Peer => ("package.json lists it as a peer dependency", false),
                _ => ("package.json depends on it", false),
            };
            return Some(Placed {
                file: p.file,
                span: d.span,
                how: how.to_string(),
                uncertain,
            });
        }
        let dev_only = p
            .manifest
            .dependencies
            .iter()
            .any(|d| d.name == name && d.kind == DepKind::Dev);
        if let Some((file, lock)) = &p.lock
            && !dev_only
            && let Some(l) = lock.find(name).filter(|l| !l.dev && !l.not_for_linux())
        {
            return Some(Placed {
                file: *file,
                span: l.span,
                how: format!(
                    "the lockfile installs it ({}a dependency of a dependency)",
                    if l.version.is_empty() {
                        String::new()
                    } else {
                        format!("{}, ", l.version)
                    }
                ),
                uncertain: true,
            });
        }
        p.sources.iter().find_map(|(file, s)| {
            s.imports
                .iter()
                .find(|i| i.package() == Some(name))
                .map(|i| Placed {
                    file: *file,
                    span: i.span,
                    how: "the code loads it".to_string(),
                    uncertain: false,
                })
        })
    }
}
