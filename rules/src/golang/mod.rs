//! Go rules (`WM6xx`): facts of the Go front-end (`analyzer::golang`) for each Go module a workload
//! builds: its `go.mod` requires, its sources' imports and package uses, and the `CGO_ENABLED` of
//! the Dockerfiles that build it. Knowledge (which modules and packages mean what) is in
//! `rules/data/go-modules.toml` and `rules/data/go-imports.toml`.

use analyzer::Repo;
use analyzer::golang::GoModule;

use crate::Rule;

pub mod data;
mod go_cgo;
mod go_known_module;
mod go_os_package;
mod go_toolchain;

pub use go_cgo::GoCgo;
pub use go_known_module::GoKnownModule;
pub use go_os_package::GoOsPackage;
pub use go_toolchain::GoToolchain;

pub static RULES: &[&dyn Rule] = &[&GoCgo, &GoKnownModule, &GoOsPackage, &GoToolchain];

/// At most this many findings per rule and file: the first ones locate the problem.
pub(crate) const MAX_PER_FILE: usize = 10;

/// What a rule sees of a Go module a workload builds.
pub struct GoCx<'r> {
    pub repo: &'r Repo,
    /// Index into `repo.go.modules`.
    pub index: usize,
    pub module: &'r GoModule,
}

impl GoCx<'_> {
    /// The module path, or the go.mod's path when it declares none.
    pub fn name(&self) -> &str {
        self.module.gomod.module.as_ref().map_or_else(
            || self.repo.file(self.module.file).path.as_str(),
            |(m, _)| m,
        )
    }

    /// Whether the module's sources use `member` of package `path` (any member when empty).
    pub fn uses(&self, path: &str, members: &[&str]) -> bool {
        self.module.sources.iter().any(|(_, s)| {
            s.uses.iter().any(|u| {
                s.imports.get(u.import).is_some_and(|i| i.path == path)
                    && (members.is_empty() || members.contains(&u.member.as_str()))
            })
        })
    }
}
