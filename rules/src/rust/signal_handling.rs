//! `WM208` signal-handling: OS signal handlers (tokio::signal, signal-hook, ctrlc, libc).

use analyzer::rust::FactKind;

use crate::cargo::CrateCx;
use crate::rust::{evidence, report_dependencies, report_facts};
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags code that handles OS signals: `tokio::signal`, `signal_hook`, `ctrlc`,
    /// `libc::signal`/`sigaction`, `nix::sys::signal`, and those crates in the dependency graph.
    /// A handler behind `#[cfg(unix)]` is not counted: WASI is not `unix`, so it is compiled out.
    ///
    /// ## Why it matters for Wasm
    /// WASI has no signals. signal-hook and ctrlc do not compile for `wasm32-wasip2`; tokio's
    /// `signal` feature does not either. The Wasm runtime stops an instance itself, so graceful
    /// shutdown on SIGTERM has no equivalent and usually no purpose.
    ///
    /// ## Example
    /// ```rust,ignore
    /// tokio::signal::ctrl_c().await?;
    /// ```
    ///
    /// ## How to fix
    /// Remove the handler from the Wasm build (`#[cfg(not(target_os = "wasi"))]`) and keep
    /// per-request work short so an instance can stop at any time.
    pub struct SignalHandling {
        code: "WM208",
        name: "signal-handling",
        category: SignalHandling,
        severity: Warning,
        penalty: 10,
        summary: "the code handles OS signals, which WASI does not have",
        help: "compile the handler out of the Wasm build (`#[cfg(not(target_os = \"wasi\"))]`); the runtime stops instances itself",
    }
}

impl Rule for SignalHandling {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_crate(&self, cx: &CrateCx<'_>, sink: &mut Sink<'_>) {
        report_dependencies(cx, sink, "signal-handling", &[]);
        report_facts(
            cx,
            sink,
            &[FactKind::Signal],
            false,
            |sink, file, f, shown| {
                sink.report(
                    file,
                    f.span,
                    format!(
                        "{} handles OS signals; WASI has no signals",
                        evidence(f, shown)
                    ),
                );
                Some(())
            },
        );
    }
}
