//! `WM401` wasm-binary: the workload ships a `.wasm` module or component; which runtimes fit.

use analyzer::wasm::{ModuleKind, Support, WasmModule as Module, World};

use super::{at, fits_phrase};
use crate::{Rule, RuleMeta, Sink, WasmCx, declare_rule};

declare_rule! {
    /// ## What it does
    /// Notes every valid `.wasm` core module or component in the workload and says what it is:
    /// its WASI version, the world its exports make it (`wasi:http/proxy`, `wasi:cli/command`),
    /// and which RuntimeClass families can run it.
    ///
    /// ## Why it matters for Wasm
    /// The work is partly done: the code already builds for Wasm. What is left is choosing the
    /// shim. The wasmtime shim runs core modules and components and serves a component exporting
    /// `wasi:http/incoming-handler` on port 8080; the Spin shim serves HTTP components on port 80
    /// with a `spin.toml`; the WasmEdge, Wasmer and WAMR shims run core modules only.
    ///
    /// ## Example
    /// `app.wasm` built with `cargo build --target wasm32-wasip2` from a `wstd` HTTP handler: a
    /// wasip2 component exporting `wasi:http/incoming-handler@0.2.3`, runs on wasmtime and spin.
    ///
    /// ## How to fix
    /// Nothing to fix. Package the module as an OCI image (`FROM scratch`, `COPY app.wasm /`) and
    /// run it under a RuntimeClass for the recommended shim; where the fit says "needs
    /// validation", try it on a test node first.
    pub struct WasmBinary {
        code: "WM401",
        name: "wasm-binary",
        category: WasmModule,
        severity: Note,
        penalty: 0,
        summary: "the workload already ships a Wasm module or component",
        help: "package the module as an OCI image and run it under a RuntimeClass for a shim that fits",
    }
}

impl Rule for WasmBinary {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_wasm(&self, cx: &WasmCx<'_>, sink: &mut Sink<'_>) {
        let m = cx.module;
        let path = &cx.repo.file(cx.file).path;
        let worlds = m.worlds();
        let offset = worlds.first().map_or(0, |(_, e)| e.offset);
        let what = describe(m);
        let message = match fits_phrase(m) {
            Some(fits) => format!("`{path}` is already Wasm: {what}; {fits}"),
            None => format!("`{path}` is already Wasm: {what}; no runtime shim runs it as it is"),
        };
        let help = match m.recommended_runtime() {
            Some(fit) => {
                let mut help = format!(
                    "run it under a RuntimeClass for the {} shim (`{}`)",
                    fit.family.as_str(),
                    fit.family.runtime_type()
                );
                let why = fit.reasons.join("; ");
                if fit.support == Support::NeedsValidation {
                    help.push_str(&format!(", after trying it on a test node: {why}"));
                } else if !why.is_empty() {
                    help.push_str(&format!(": {why}"));
                }
                help
            }
            None => "see the other WM4xx findings for what stops each shim".to_string(),
        };
        sink.report(cx.file, at(offset), message).help(help);
    }
}

/// `a wasip2 component exporting `wasi:http/incoming-handler@0.2.3``.
fn describe(m: &Module) -> String {
    let version = m
        .wasi_version()
        .map(|v| format!("{} ", v.as_str()))
        .unwrap_or_default();
    let kind = match m.kind {
        ModuleKind::Core => "core module",
        ModuleKind::Component => "component",
    };
    let world = match m.worlds().first() {
        Some((World::Command, e)) if m.kind == ModuleKind::Core => {
            format!(" with a `{}` entry point", e.name)
        }
        Some((World::Reactor, _)) => " without `_start` (a reactor)".to_string(),
        Some((_, e)) => format!(" exporting `{}`", e.name),
        None if m.kind == ModuleKind::Component => {
            " with no `wasi:cli/run` or `wasi:http` export".to_string()
        }
        None => " without `_start`".to_string(),
    };
    format!("a {version}{kind}{world}")
}
