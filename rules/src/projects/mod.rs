//! JVM, .NET, Ruby and PHP rules (`WM8xx`): facts of `analyzer::projects` for each project a
//! workload builds or runs. The runtime's severity and Wasm path come from
//! `rules/data/runtimes.toml`; which dependencies are native is data in
//! `rules/data/{jvm-artifacts,dotnet-packages,ruby-gems,php-extensions}.toml`.

use analyzer::Repo;
use analyzer::projects::{Dependency, Ecosystem, Project};

use crate::{Rule, RuleMeta, Severity, Sink};

pub mod data;
mod dotnet_native_package;
mod dotnet_project;
mod jvm_native_artifact;
mod jvm_project;
mod php_extension;
mod ruby_native_gem;
mod ruby_php_project;

pub use dotnet_native_package::DotnetNativePackage;
pub use dotnet_project::DotnetProject;
pub use jvm_native_artifact::JvmNativeArtifact;
pub use jvm_project::JvmProject;
pub use php_extension::PhpExtension;
pub use ruby_native_gem::RubyNativeGem;
pub use ruby_php_project::RubyPhpProject;

pub static RULES: &[&dyn Rule] = &[
    &JvmProject,
    &JvmNativeArtifact,
    &DotnetProject,
    &DotnetNativePackage,
    &RubyPhpProject,
    &RubyNativeGem,
    &PhpExtension,
];

/// At most this many findings per rule and project: the first ones locate the problem.
pub(crate) const MAX_PER_PROJECT: usize = 10;

/// What a rule sees of a project a workload builds or runs.
pub struct ProjectCx<'r> {
    pub repo: &'r Repo,
    pub index: usize,
    pub project: &'r Project,
}

impl ProjectCx<'_> {
    /// The project's directory as shown in messages (`.` at the root).
    pub fn shown(&self) -> &str {
        if self.project.dir.is_empty() {
            "."
        } else {
            &self.project.dir
        }
    }
}

/// Report each dependency of the project found in `table`, once per name, declared ones before
/// locked ones (the declaration is the line a user edits).
pub(crate) fn report_known(
    cx: &ProjectCx<'_>,
    eco: Ecosystem,
    table: &[data::PackageEntry],
    what: &str,
    meta: &'static RuleMeta,
    sink: &mut Sink<'_>,
) {
    if cx.project.ecosystem != eco {
        return;
    }
    let mut deps: Vec<&Dependency> = cx.project.dependencies.iter().collect();
    deps.sort_by_key(|d| d.locked);
    let mut seen: Vec<&str> = Vec::new();
    for d in deps {
        if seen.len() >= MAX_PER_PROJECT || seen.contains(&d.name.as_str()) {
            continue;
        }
        let Some(e) = data::lookup(table, &d.name) else {
            continue;
        };
        seen.push(&d.name);
        let how = if d.locked {
            " (resolved in the lockfile)"
        } else {
            ""
        };
        let alt = e
            .alternative
            .as_ref()
            .map(|a| format!("; instead: {a}"))
            .unwrap_or_default();
        let hit = sink.report(
            d.file,
            d.span,
            format!(
                "{what} `{}`{how} of project `{}`: {}{alt}",
                d.name,
                cx.shown(),
                e.reason
            ),
        );
        hit.category(e.category);
        if e.severity != meta.severity {
            hit.severity(e.severity);
        }
        hit.help(format!(
            "{} ({})",
            e.alternative.as_deref().unwrap_or(meta.help),
            e.source
        ));
    }
}

/// The severity of a runtime entry, a blocker when the table lacks it (never understated).
pub(crate) fn runtime_severity(language: &str) -> Severity {
    crate::runtimes::runtime(language).map_or(Severity::Blocker, |r| r.severity())
}
