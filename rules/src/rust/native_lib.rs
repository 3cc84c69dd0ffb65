//! `WM211` native-lib: native code the package links or loads (`extern` blocks, `#[link]`,
//! dlopen, build scripts that compile or link C).

use analyzer::cargo::FileRole;
use analyzer::rust::FactKind;

use crate::cargo::CrateCx;
use crate::rust::{evidence, report_dependencies, report_facts};
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags native code in the package itself: `extern "C" { ... }` blocks that import native
    /// functions, `#[link(name = "...")]`, loading shared libraries at run time (`libloading`,
    /// `dlopen`), and build scripts that compile C/C++ (`cc`, `cmake`), generate bindings
    /// (`bindgen`), look up system libraries (`pkg-config`) or emit `cargo:rustc-link-lib`.
    /// `extern` blocks with `#[link(wasm_import_module = "...")]` import from the Wasm host and
    /// are not flagged; `extern "C" fn` definitions (exports) are not either.
    ///
    /// ## Why it matters for Wasm
    /// A Wasm module cannot link or load native machine code. C sources can be compiled to wasm
    /// with wasi-sdk, but only when the build is set up for it and the library supports WASI.
    ///
    /// ## Example
    /// ```rust,ignore
    /// #[link(name = "ssl")]
    /// extern "C" { fn SSL_new(ctx: *mut SSL_CTX) -> *mut SSL; }
    /// ```
    ///
    /// ## How to fix
    /// Replace the native library with a Rust crate, compile the C code with wasi-sdk when it
    /// supports WASI, or move the native part into a separate service.
    pub struct NativeLib {
        code: "WM211",
        name: "native-lib",
        category: NativeLib,
        severity: Blocker,
        penalty: 40,
        summary: "the package links or loads native code",
        help: "replace the native library with Rust, or compile it with wasi-sdk if it supports WASI",
    }
}

impl Rule for NativeLib {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_crate(&self, cx: &CrateCx<'_>, sink: &mut Sink<'_>) {
        report_dependencies(cx, sink, "native-lib", &[]);
        let roles: std::collections::BTreeMap<_, _> =
            cx.sources().into_iter().map(|(f, r, _)| (f, r)).collect();
        let kinds = [
            FactKind::ExternBlock,
            FactKind::LinkNative,
            FactKind::Dlopen,
            FactKind::BuildCc,
            FactKind::BuildCmake,
            FactKind::BuildBindgen,
            FactKind::BuildPkgConfig,
        ];
        report_facts(cx, sink, &kinds, true, |sink, file, f, shown| {
            let build = roles.get(&file) == Some(&FileRole::BuildScript);
            let lib = f.detail.clone().unwrap_or_default();
            let msg = match f.kind {
                FactKind::ExternBlock => format!(
                    "`{shown}` block imports native functions, which a Wasm module cannot link"
                ),
                FactKind::LinkNative if build => {
                    format!("the build script links the native library `{lib}` ({shown})")
                }
                FactKind::LinkNative => format!("`{shown}` links the native library `{lib}`"),
                FactKind::Dlopen => format!(
                    "{} loads a shared library at run time; Wasm cannot load native code",
                    evidence(f, shown)
                ),
                FactKind::BuildCc => format!(
                    "{} compiles C/C++ for the target in the build script",
                    evidence(f, shown)
                ),
                FactKind::BuildCmake => format!(
                    "{} builds a C/C++ project with CMake in the build script",
                    evidence(f, shown)
                ),
                FactKind::BuildBindgen => format!(
                    "{} generates bindings to a C library in the build script",
                    evidence(f, shown)
                ),
                _ => format!(
                    "{} looks up a system library to link in the build script",
                    evidence(f, shown)
                ),
            };
            sink.report(file, f.span, msg);
            Some(())
        });
    }
}
