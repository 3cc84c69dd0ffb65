//! `WM402` wasi-import: imports that tie a module to one runtime, or that no runtime provides.

use analyzer::wasm::{Import, ImportClass, ModuleKind, WasiVersion};

use super::at;
use super::data::{import_key, wasi_imports};
use crate::{Rule, RuleMeta, Severity, Sink, WasmCx, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reads a module's imports and reports the host APIs that restrict where it can run:
    /// runtime-specific extensions (`wasmedge_*` -> WasmEdge, WASIX `wasix_32v1` -> Wasmer,
    /// `spin:*` / `fermyon:*` -> Spin) as warnings; imports no runtime provides (`env`, a custom
    /// interface that was never composed in, WASI 0.2 names in a core module) as blockers; WASI
    /// proposals a shim enables only by configuration (wasi-nn, `wasi:keyvalue`) as notes.
    ///
    /// ## Why it matters for Wasm
    /// A RuntimeClass picks one shim for the whole pod. A module that imports WasmEdge's socket
    /// extension fails to instantiate under the wasmtime shim, and a module with unresolved
    /// imports fails under every shim, so the import list decides the RuntimeClass.
    ///
    /// ## Example
    /// A `wasm32-wasip1` server built with `tokio_wasi` imports
    /// `wasmedge_wasi_socket::sock_open`: only a WasmEdge RuntimeClass can run it.
    ///
    /// ## How to fix
    /// Keep a RuntimeClass for the runtime the import needs, or rebuild on standard WASI 0.2
    /// (`wasm32-wasip2` with `wasi:sockets` or a `wasi:http` handler) so any component runtime
    /// runs it. Link or compose modules whose imports nothing provides.
    pub struct WasiImport {
        code: "WM402",
        name: "wasi-import",
        category: WasiImport,
        severity: Warning,
        penalty: 10,
        summary: "an import ties the module to one runtime, or no runtime provides it",
        help: "keep a RuntimeClass for the runtime the import needs, or rebuild on standard WASI 0.2 interfaces",
    }
}

impl Rule for WasiImport {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_wasm(&self, cx: &WasmCx<'_>, sink: &mut Sink<'_>) {
        let m = cx.module;
        for group in groups(&m.imports, m.kind) {
            let Some(first) = group.first().copied() else {
                continue;
            };
            let named = named(&group);
            let info = wasi_imports().lookup(first);
            let reason = info
                .map(|i| i.reason.as_str())
                .unwrap_or("an API no runtime shim provides");
            let alternative = info.and_then(|i| i.alternative.clone());
            let offset = first.offset;
            let (message, severity, help) = match &first.class {
                ImportClass::RuntimeSpecific(api) => {
                    let family = api.family().as_str();
                    (
                        format!("imports {named} at byte offset {offset}, {reason}: only a {family} RuntimeClass can run the module"),
                        None,
                        match alternative {
                            Some(a) => format!("{a}; or keep a RuntimeClass for the {family} shim (`{}`)", api.family().runtime_type()),
                            None => format!("keep a RuntimeClass for the {family} shim (`{}`)", api.family().runtime_type()),
                        },
                    )
                }
                ImportClass::Other => (
                    format!("imports {named} at byte offset {offset}, which no runtime shim provides ({reason})"),
                    Some(Severity::Blocker),
                    alternative.unwrap_or_else(|| "link or compose the module so every import is a WASI API".into()),
                ),
                ImportClass::Wasi(WasiVersion::Unstable) => (
                    format!("imports {named} at byte offset {offset}, {reason}: needs validation on the target shim"),
                    Some(Severity::Note),
                    alternative.unwrap_or_else(|| "rebuild the module with a current toolchain".into()),
                ),
                ImportClass::Wasi(_) => (
                    format!(
                        "core module imports the WASI 0.2 interface {named} at byte offset {offset}: no shim runs a core module with component imports"
                    ),
                    Some(Severity::Blocker),
                    "turn it into a component (`wasm-tools component new`), or build with `--target wasm32-wasip2`, which does that".into(),
                ),
                ImportClass::WasiProposal(_) | ImportClass::WasiThreads => (
                    format!("imports {named} at byte offset {offset}, {reason}: needs validation on the target shim"),
                    Some(Severity::Note),
                    alternative.unwrap_or_else(|| "check that the shim on your nodes provides it".into()),
                ),
            };
            let hit = sink.report(cx.file, at(offset), message);
            hit.help(help);
            if let Some(severity) = severity {
                hit.severity(severity);
            }
        }
    }
}

/// The imports worth a finding, grouped by key (core module name or interface), in file order.
/// Standard WASI imports are what a module should import; wasi-threads is `WM403`'s.
fn groups(imports: &[Import], kind: ModuleKind) -> Vec<Vec<&Import>> {
    let mut groups: Vec<Vec<&Import>> = Vec::new();
    for import in imports {
        let reported = match &import.class {
            ImportClass::Wasi(WasiVersion::Unstable) => true,
            // WASI 0.2/0.3 names in a core module: it was never made a component.
            ImportClass::Wasi(_) => kind == ModuleKind::Core && import.interface.is_some(),
            ImportClass::WasiThreads => false,
            _ => true,
        };
        if !reported {
            continue;
        }
        let key = (import_key(import), import.module.as_str());
        let same = |g: &&mut Vec<&Import>| {
            g.first()
                .is_some_and(|f| (import_key(f), f.module.as_str()) == key)
        };
        match groups.iter_mut().find(same) {
            Some(g) => g.push(import),
            None => groups.push(vec![import]),
        }
    }
    groups
}

/// `` `wasmedge_wasi_socket` (`sock_open`, `sock_bind`) `` or `` `wasi:keyvalue/store@0.2.0` ``.
fn named(group: &[&Import]) -> String {
    let module = group.first().map_or("", |i| i.module.as_str());
    let items: Vec<String> = group
        .iter()
        .filter(|i| !i.name.is_empty())
        .map(|i| format!("`{}`", i.name))
        .collect();
    match items.len() {
        0 => format!("`{module}`"),
        n if n <= 3 => format!("`{module}` ({})", items.join(", ")),
        n => format!("`{module}` ({} and {} more)", items[..3].join(", "), n - 3),
    }
}
