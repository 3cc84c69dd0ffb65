//! `WM203` multi-thread-runtime: a multi-threaded async runtime (tokio `rt-multi-thread`, the
//! default `#[tokio::main]` flavour, `Builder::new_multi_thread`).

use analyzer::rust::{FactKind, Site};

use crate::cargo::CrateCx;
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a multi-threaded async runtime: tokio with the `rt-multi-thread` feature (also through
    /// `full`), `#[tokio::main]` without `flavor = "current_thread"` (its default is the
    /// multi-thread runtime), `tokio::runtime::Builder::new_multi_thread()` and
    /// `Runtime::new()`. `#[tokio::main(flavor = "current_thread")]` is the Wasm-friendly choice
    /// and is not flagged.
    ///
    /// ## Why it matters for Wasm
    /// `wasm32-wasip2` components have no threads, and tokio's `rt-multi-thread` feature does not
    /// compile for the target. The current-thread runtime works, as does a `wasi:http` handler
    /// where the host drives the requests.
    ///
    /// ## Example
    /// ```rust,ignore
    /// #[tokio::main]
    /// async fn main() { /* ... */ }
    /// ```
    ///
    /// ## How to fix
    /// Use `#[tokio::main(flavor = "current_thread")]` and tokio's `rt` + `macros` features instead
    /// of `full` / `rt-multi-thread`, or move the service to a `wasi:http` handler (wstd, spin-sdk).
    pub struct MultiThreadRuntime {
        code: "WM203",
        name: "multi-thread-runtime",
        category: Threads,
        severity: Warning,
        penalty: 15,
        summary: "a multi-threaded async runtime, which wasm32-wasip2 cannot run",
        help: "use `#[tokio::main(flavor = \"current_thread\")]` with tokio's `rt` + `macros` features, or a wasi:http handler",
    }
}

impl Rule for MultiThreadRuntime {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_crate(&self, cx: &CrateCx<'_>, sink: &mut Sink<'_>) {
        for hit in cx
            .dependency_hits("threads")
            .iter()
            .filter(|h| h.name == "tokio")
        {
            cx.report_dependency(sink, hit);
        }
        for (file, role, facts) in cx.sources() {
            if role != analyzer::cargo::FileRole::Source {
                continue;
            }
            let runtime = |f: &&analyzer::rust::SourceFact| {
                f.site != Site::Use && f.kind == FactKind::MultiThreadRuntime
            };
            for f in facts.facts.iter().filter(runtime) {
                let msg = if f.site == Site::Attr {
                    format!(
                        "`#[{}]` starts tokio's multi-thread runtime (the default flavour)",
                        f.path
                    )
                } else {
                    format!("`{}` starts a multi-thread runtime", f.path)
                };
                sink.report(file, f.span, msg);
            }
        }
    }
}
