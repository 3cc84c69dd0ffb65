//! `WM403` wasm-threads: a module that uses threads (shared memory, `thread-spawn`).

use analyzer::wasm::{ModuleKind, RuntimeFamily};

use super::at;
use crate::{Rule, RuleMeta, Severity, Sink, WasmCx, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a module that uses threads: a shared linear memory, the wasi-threads
    /// `wasi::thread-spawn` import, WASIX `thread_spawn`, or the component model's `thread.spawn`
    /// builtins. In a component it is a blocker; in a core module a warning, because only some
    /// WASI 0.1 engines implement wasi-threads and the shims' support is unconfirmed.
    /// Atomic instructions alone, without shared memory, do not fire.
    ///
    /// ## Why it matters for Wasm
    /// wasi-threads is a legacy proposal for WASI 0.1 engines; WASI 0.2 components have no
    /// threads, so no shim runs a multi-threaded component. A `wasm32-wasip1-threads` module may
    /// run on an engine with wasi-threads enabled, which must be validated on the target shim.
    ///
    /// ## Example
    /// A module built for `wasm32-wasip1-threads` imports `env::memory` as a shared memory and
    /// `wasi::thread-spawn`.
    ///
    /// ## How to fix
    /// Make the code single-threaded: a current-thread async runtime instead of a thread pool,
    /// no `std::thread::spawn` or rayon, and build for `wasm32-wasip2`.
    pub struct WasmThreads {
        code: "WM403",
        name: "wasm-threads",
        category: Threads,
        severity: Warning,
        penalty: 20,
        summary: "the module uses threads (shared memory or thread spawn)",
        help: "make the code single-threaded (a current-thread runtime, no thread pool) and build for `wasm32-wasip2`",
    }
}

impl Rule for WasmThreads {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_wasm(&self, cx: &WasmCx<'_>, sink: &mut Sink<'_>) {
        let m = cx.module;
        let t = &m.threads;
        let Some(offset) = t.evidence() else {
            return;
        };
        let mut what = Vec::new();
        if let Some(o) = t.thread_spawn {
            what.push(format!("spawns threads (import at byte offset {o})"));
        }
        if let Some(o) = t.shared_memory {
            what.push(format!("has a shared memory (at byte offset {o})"));
        }
        if t.atomic_instructions > 0 {
            let n = t.atomic_instructions;
            what.push(format!(
                "uses {n} atomic instruction{}",
                if n == 1 { "" } else { "s" }
            ));
        }
        let what = what.join(", ");
        let wasix = m
            .runtime_specific()
            .iter()
            .any(|r| r.family() == RuntimeFamily::Wasmer);
        let (message, severity) = match m.kind {
            ModuleKind::Component => (
                format!("the component {what}: no shim runs a multi-threaded component"),
                Some(Severity::Blocker),
            ),
            ModuleKind::Core if wasix => (
                format!("the module {what} through WASIX, which the wasmer shim implements"),
                Some(Severity::Note),
            ),
            ModuleKind::Core => (
                format!(
                    "the module {what}: wasi-threads support in the containerd shims is unconfirmed (needs validation)"
                ),
                None,
            ),
        };
        let hit = sink.report(cx.file, at(offset), message);
        if let Some(severity) = severity {
            hit.severity(severity);
        }
    }
}
