//! Wasm module rules (`WM4xx`): `.wasm` modules and components already in the repository, what
//! they import, and which RuntimeClass can run them; plus the workload's recommended runtime.

use analyzer::Repo;
use analyzer::link::Workload;
use analyzer::span::Span;
use analyzer::wasm::{RuntimeFamily, Support, WasmModule as Module};

use crate::Rule;

pub mod data;
mod wasi_import;
mod wasm_binary;
mod wasm_threads;

pub use wasi_import::WasiImport;
pub use wasm_binary::WasmBinary;
pub use wasm_threads::WasmThreads;

pub static RULES: &[&dyn Rule] = &[&WasmBinary, &WasiImport, &WasmThreads];

/// Findings in a binary file point at the byte that proves them: a one-byte span at `offset`.
/// (A `.wasm` file has no lines; messages repeat the offset so it survives rendering.)
pub(crate) fn at(offset: usize) -> Span {
    Span::new(offset, offset.saturating_add(1))
}

/// The `runtime` of a workload (DESIGN §6) from the modules among its sources: the family that
/// runs all of them, preferring one a runtime-specific import ties them to, then one that surely
/// runs them over one that needs validation. `None` without modules or when no family fits.
pub fn workload_runtime(repo: &Repo, workload: &Workload) -> Option<String> {
    let modules: Vec<&Module> = analyzer::wasm::workload_modules(repo, workload)
        .into_iter()
        .map(|(_, m)| m)
        .collect();
    runtime_for_modules(&modules).map(|f| f.as_str().to_string())
}

/// The family that runs every module (see [`workload_runtime`]).
pub fn runtime_for_modules(modules: &[&Module]) -> Option<RuntimeFamily> {
    let first = modules.first()?;
    if modules.len() == 1 {
        return first.recommended_runtime().map(|f| f.family);
    }
    let mut order: Vec<RuntimeFamily> = modules
        .iter()
        .flat_map(|m| m.runtime_specific().into_iter().map(|r| r.family()))
        .collect();
    order.extend(RuntimeFamily::ALL);
    let worst = |family: RuntimeFamily| {
        modules
            .iter()
            .map(|m| m.runtime_fit(family).support)
            .max()
            .unwrap_or(Support::No)
    };
    [Support::Yes, Support::NeedsValidation]
        .into_iter()
        .find_map(|wanted| order.iter().copied().find(|f| worst(*f) == wanted))
}

/// The family a Cargo project's dependencies target (`spin-sdk` -> spin, `wasmedge_wasi_socket`
/// -> wasmedge, `wstd` -> wasmtime), for the `runtime` field when the repository holds no built
/// module. A runtime-specific SDK wins over a generic WASI one. Reads `rules/data/wasi_imports.toml`.
pub fn runtime_from_crates<'a>(crates: impl IntoIterator<Item = &'a str>) -> Option<RuntimeFamily> {
    let table = data::wasi_imports();
    crates
        .into_iter()
        .filter_map(|c| table.sdk(c))
        .filter_map(|s| RuntimeFamily::from_name(&s.runtime))
        // wasmtime is the generic WASI choice; any other family is a deliberate tie.
        .min_by_key(|f| (*f == RuntimeFamily::Wasmtime, *f))
}

/// `wasmtime, spin` / `wasmtime; needs validation on spin`: the families a module fits, for messages.
pub(crate) fn fits_phrase(module: &Module) -> Option<String> {
    let fits = module.compatible_runtimes();
    let sure: Vec<&str> = fits
        .iter()
        .filter(|f| f.support == Support::Yes)
        .map(|f| f.family.as_str())
        .collect();
    let unsure: Vec<&str> = fits
        .iter()
        .filter(|f| f.support == Support::NeedsValidation)
        .map(|f| f.family.as_str())
        .collect();
    match (sure.is_empty(), unsure.is_empty()) {
        (true, true) => None,
        (false, true) => Some(format!("runs on {}", sure.join(", "))),
        (true, false) => Some(format!(
            "may run on {} (needs validation)",
            unsure.join(", ")
        )),
        (false, false) => Some(format!(
            "runs on {}; may run on {} (needs validation)",
            sure.join(", "),
            unsure.join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(wat: &str) -> Module {
        let bytes = wat::parse_str(wat).expect("wat");
        analyzer::wasm::inspect("m.wasm", &bytes).expect("inspects")
    }

    /// `id -> (runtime, verdict, score)` for every workload of a fixture directory.
    fn scan(dir: &str) -> Vec<(String, Option<String>, &'static str, Option<u32>)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(dir);
        let repo = analyzer::scan(&root).expect("scan");
        let report = crate::engine::run(&repo, &crate::engine::Options::default());
        report
            .workloads
            .into_iter()
            .map(|w| (w.id, w.runtime, w.verdict.as_str(), w.score))
            .collect()
    }

    #[test]
    fn engine_fills_runtime_verdict_and_score_of_module_workloads() {
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            scan("fixtures/rules/WM401-wasm-binary/fires"),
            [
                (
                    "wasm:api.component.wasm".to_string(),
                    s("wasmtime"),
                    "ready",
                    Some(100)
                ),
                (
                    "wasm:tool.wasm".to_string(),
                    s("wasmtime"),
                    "ready",
                    Some(100)
                ),
            ]
        );
        assert_eq!(
            scan("fixtures/rules/WM402-wasi-import/fires"),
            [
                (
                    "wasm:edge-server.wasm".to_string(),
                    s("wasmedge"),
                    "portable",
                    Some(79)
                ),
                (
                    "wasm:emscripten.wasm".to_string(),
                    None,
                    "blocked",
                    Some(49)
                ),
            ]
        );
        assert_eq!(
            scan("fixtures/rules/WM403-wasm-threads/fires"),
            [
                (
                    "wasm:parallel.component.wasm".to_string(),
                    None,
                    "blocked",
                    Some(49)
                ),
                (
                    "wasm:pool.wasm".to_string(),
                    s("wasmtime"),
                    "portable",
                    Some(79)
                ),
            ]
        );
        // Modules a Dockerfile copies decide the runtime of the Deployment that runs the image.
        let linked: Vec<(String, Option<String>)> = scan("fixtures/wasm-linked")
            .into_iter()
            .map(|(id, rt, _, _)| (id, rt))
            .collect();
        assert_eq!(
            linked,
            [
                ("Deployment/default/api".to_string(), s("wasmtime")),
                ("Deployment/default/edge".to_string(), s("wasmedge")),
            ]
        );
        // A file that is not a module gets no workload; it is an error entry (WM905).
        assert_eq!(scan("fixtures/rules/WM401-wasm-binary/clean"), []);
    }

    #[test]
    fn runtime_from_crates_prefers_a_tied_runtime() {
        assert_eq!(
            runtime_from_crates(["serde", "spin-sdk", "wstd"]),
            Some(RuntimeFamily::Spin)
        );
        assert_eq!(
            runtime_from_crates(["tokio_wasi", "wasi"]),
            Some(RuntimeFamily::Wasmedge)
        );
        assert_eq!(
            runtime_from_crates(["wstd", "anyhow"]),
            Some(RuntimeFamily::Wasmtime)
        );
        assert_eq!(runtime_from_crates(["tokio", "reqwest"]), None);
    }

    #[test]
    fn runtime_for_several_modules_is_the_common_one() {
        let p1 = module(
            r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32))) (func (export "_start")))"#,
        );
        let edge = module(
            r#"(module (import "wasmedge_wasi_socket" "sock_open" (func (param i32 i32 i32) (result i32))) (func (export "_start")))"#,
        );
        assert_eq!(runtime_for_modules(&[&p1]), Some(RuntimeFamily::Wasmtime));
        assert_eq!(
            runtime_for_modules(&[&p1, &edge]),
            Some(RuntimeFamily::Wasmedge)
        );
        assert_eq!(runtime_for_modules(&[]), None);
        assert_eq!(
            fits_phrase(&p1).as_deref(),
            Some("runs on wasmtime, wasmedge, wasmer, wamr; may run on spin (needs validation)")
        );
        assert_eq!(fits_phrase(&edge).as_deref(), Some("runs on wasmedge"));
    }
}
