//! `WM215` unix-only-program: the package's real `fn main` is compiled only on unix.

use crate::cargo::CrateCx;
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a package whose top-level `fn main` sits behind a cfg that holds on Linux but not on
    /// WASI (`#[cfg(unix)]`, `#[cfg(target_os = "linux")]`, `#[cfg(not(target_arch = "wasm32"))]`),
    /// typically with a stub `main` for other targets. The code the unix `main` runs is compiled
    /// out of a wasm build, so without this rule the workload would look clean; the other Rust
    /// rules count that code too, saying it is unix-only.
    ///
    /// ## Why it matters for Wasm
    /// `wasm32-wasip2` is not a unix target (`target_family = "wasm"`, WASM-FACTS.md §6): a wasm
    /// build of this package compiles the stub, not the program.
    ///
    /// ## Example
    /// ```rust,ignore
    /// #[cfg(unix)]
    /// fn main() { server::run() }
    /// #[cfg(not(unix))]
    /// fn main() { eprintln!("unix only"); }
    /// ```
    ///
    /// ## How to fix
    /// Gate only what really is unix-only and give the WASI build the real program, then fix what
    /// the other findings name in it.
    pub struct UnixOnlyProgram {
        code: "WM215",
        name: "unix-only-program",
        category: UnixOnly,
        severity: Warning,
        penalty: 15,
        summary: "the program's `fn main` is compiled only on unix: a wasm build gets a stub",
        help: "gate only what is really unix-only and give the WASI build the real program, then fix what the other findings name",
    }
}

impl Rule for UnixOnlyProgram {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_crate(&self, cx: &CrateCx<'_>, sink: &mut Sink<'_>) {
        let Some((file, by)) = cx.unix_program() else {
            return;
        };
        let attr = cx.repo.file(file).slice(by).trim().to_string();
        sink.report(
            file,
            by,
            format!(
                "`fn main` is behind `{attr}`, which is false for a WASI target (not unix): a wasm build compiles the other `main`, not this program"
            ),
        );
    }
}
