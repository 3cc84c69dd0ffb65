//! `WM905` wasm-invalid: a `.wasm` file is not a valid module or component.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `.wasm` file that is not a valid WebAssembly core module or component (bad magic, truncated, fails validation).
    ///
    /// ## Why it matters for Wasm
    /// A module that does not validate will not be instantiated by any shim, so the workload cannot run as Wasm with it.
    ///
    /// ## Example
    /// A file named `app.wasm` holding an ELF binary or a truncated download.
    ///
    /// ## How to fix
    /// Rebuild the module; `wasm-tools validate FILE` shows the same error.
    pub struct WasmInvalid {
        code: "WM905",
        name: "wasm-invalid",
        category: ParseError,
        severity: Note,
        penalty: 0,
        summary: "a `.wasm` file is not a valid module or component",
        help: "rebuild the module; `wasm-tools validate FILE` shows the same error",
    }
}

impl crate::Rule for WasmInvalid {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }
}
