//! `WM204` threads: OS threads and thread pools (`std::thread`, rayon, `spawn_blocking`).

use analyzer::rust::FactKind;

use crate::cargo::CrateCx;
use crate::rust::{evidence, report_dependencies, report_facts};
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags code that starts OS threads (`std::thread::spawn`, `thread::scope`,
    /// `thread::Builder`, crossbeam scoped threads), uses rayon (`par_iter()` and friends, or a
    /// `rayon` dependency), or needs tokio's blocking pool (`spawn_blocking`, `block_in_place`).
    /// Code under `#[cfg(test)]`, in `tests/`, or behind a cfg that is false on WASI is not counted.
    ///
    /// ## Why it matters for Wasm
    /// `wasm32-wasip2` components have no threads: `std::thread::spawn` compiles but returns an
    /// error at run time, and a thread pool never starts. (`wasi-threads` exists only for some
    /// WASI 0.1 engines.)
    ///
    /// ## Example
    /// ```rust,ignore
    /// let total: u64 = items.par_iter().map(cost).sum();
    /// std::thread::spawn(move || flush(queue));
    /// ```
    ///
    /// ## How to fix
    /// Use sequential iterators, async tasks on a current-thread runtime, or split the work across
    /// requests; for background jobs use a scheduled trigger of the platform (Spin cron, a job).
    pub struct Threads {
        code: "WM204",
        name: "threads",
        category: Threads,
        severity: Warning,
        penalty: 20,
        summary: "the code starts OS threads or uses a thread pool",
        help: "use sequential or async code on one thread, or split the work across requests",
    }
}

impl Rule for Threads {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_crate(&self, cx: &CrateCx<'_>, sink: &mut Sink<'_>) {
        // tokio's multi-thread runtime is WM203's.
        report_dependencies(cx, sink, "threads", &["tokio"]);
        report_facts(
            cx,
            sink,
            &[
                FactKind::ThreadSpawn,
                FactKind::Rayon,
                FactKind::SpawnBlocking,
            ],
            false,
            |sink, file, f, shown| {
                let what = match f.kind {
                    FactKind::ThreadSpawn => {
                        "starts an OS thread; wasm32-wasip2 components have no threads"
                    }
                    FactKind::Rayon => {
                        "runs work on rayon's thread pool, which cannot start on wasm32-wasip2"
                    }
                    _ => "needs tokio's blocking thread pool, which wasm32-wasip2 does not have",
                };
                let ev = if f.site == analyzer::rust::Site::Method {
                    format!("`.{shown}()`")
                } else {
                    evidence(f, shown)
                };
                sink.report(file, f.span, format!("{ev} {what}"));
                Some(())
            },
        );
    }
}
