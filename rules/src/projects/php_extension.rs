//! `WM823` php-extension: an `ext-*` requirement (or a Composer package) a WASI build of PHP
//! does not offer.

use analyzer::projects::Ecosystem;

use crate::projects::{MAX_PER_PROJECT, ProjectCx, data, report_known};
use crate::{Rule, RuleMeta, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags each requirement of a PHP project a workload installs (`require` of composer.json,
    /// every package of composer.lock and the `ext-*` each requires) that is in
    /// `rules/data/php-extensions.toml` (pcntl, posix, sockets, swoole, redis, database drivers,
    /// `laravel/octane`...), with the entry's category and severity. Any other `ext-*` is a
    /// warning that names it: whether a WASI build of PHP has it needs validation.
    ///
    /// ## Why it matters for Wasm
    /// WASI builds of PHP (WasmEdge / wasmtime community builds) come with a fixed set of
    /// extensions; `ext-*` extensions they lack are blockers (WASM-FACTS.md §8, *needs
    /// validation*), and WASI has no processes, signals or raw sockets (WASM-FACTS.md §5).
    ///
    /// ## Example
    /// ```json
    /// "require": { "ext-pcntl": "*" }
    /// ```
    ///
    /// ## How to fix
    /// Drop the extension from the Wasm build or move the work that needs it to a Linux service.
    pub struct PhpExtension {
        code: "WM823",
        name: "php-extension",
        category: NativeLib,
        severity: Blocker,
        penalty: 30,
        summary: "a PHP extension or package needs what a WASI build of PHP lacks",
        help: "drop the extension from the Wasm build, or move the work that needs it to a Linux service",
    }
}

impl Rule for PhpExtension {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_project(&self, cx: &ProjectCx<'_>, sink: &mut Sink<'_>) {
        let table = data::php_extensions();
        report_known(cx, Ecosystem::Php, table, "requirement", &Self::META, sink);
        if cx.project.ecosystem != Ecosystem::Php {
            return;
        }
        let mut seen: Vec<&str> = Vec::new();
        for d in &cx.project.dependencies {
            if !d.name.starts_with("ext-")
                || data::lookup(table, &d.name).is_some()
                || seen.contains(&d.name.as_str())
                || seen.len() >= MAX_PER_PROJECT
            {
                continue;
            }
            seen.push(&d.name);
            sink.report(
                d.file,
                d.span,
                format!(
                    "requirement `{}` of project `{}`: whether a WASI build of PHP includes this extension needs validation",
                    d.name,
                    cx.shown()
                ),
            )
            .severity(Severity::Warning);
        }
    }
}
