//! `WM214` sources-not-present: a Cargo package whose manifest is scanned but whose sources are not.

use crate::cargo::CrateCx;
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Notes a Cargo package whose `Cargo.toml` is in the scan but whose target sources are not
    /// (no `src/main.rs`, `src/lib.rs`, `src/bin/`, nor the file a `[[bin]]` or `[lib]` names):
    /// a partial checkout, an ignore rule, or sources generated at build time. Its dependencies
    /// are still judged by the other Cargo rules; its code is not, and the workload's coverage
    /// has no `source`, so a clean result is `unknown`, never `ready`.
    ///
    /// ## Why it matters for Wasm
    /// What stands in the way of a Wasm build is as often in the code (sockets, threads,
    /// processes, unix-only APIs) as in the dependencies. A verdict without the code is a guess.
    ///
    /// ## Example
    /// ```text
    /// svc/Cargo.toml        # scanned
    /// svc/src/main.rs       # missing from the scan
    /// ```
    ///
    /// ## How to fix
    /// Scan the package's source files too (check `.wasm-migrate.toml` and ignore files).
    pub struct SourcesNotPresent {
        code: "WM214",
        name: "sources-not-present",
        category: ParseError,
        severity: Note,
        penalty: 0,
        summary: "a Cargo package's sources are not in the scan: only its dependencies were judged",
        help: "scan the package's source files (src/) too: check ignore files and `.wasm-migrate.toml`",
    }
}

impl Rule for SourcesNotPresent {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_crate(&self, cx: &CrateCx<'_>, sink: &mut Sink<'_>) {
        let Some(m) = cx.member().filter(|m| m.sources_absent) else {
            return;
        };
        let Some((file, span)) = cx.manifest_anchor() else {
            return;
        };
        let dir = if m.dir.is_empty() {
            "."
        } else {
            m.dir.as_str()
        };
        sink.report(
            file,
            span,
            format!(
                "sources not present: package `{}` has no target source in the scan (`{dir}src/` is missing); its dependencies were judged, its code was not read",
                m.name
            ),
        );
    }
}
