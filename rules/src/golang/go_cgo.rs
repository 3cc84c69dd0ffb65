//! `WM601` go-cgo: Go code that calls C through cgo, or a build that turns cgo on.

use crate::golang::{GoCx, MAX_PER_FILE};
use crate::{Rule, RuleMeta, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags each Go source file of the module with `import "C"` (the cgo preamble's `#cgo`
    /// directives are named in the message), and each `CGO_ENABLED=1` in the `ENV` or `RUN` of a
    /// Dockerfile stage that builds the module. When the building Dockerfile sets
    /// `CGO_ENABLED=0`, the Go toolchain leaves the cgo files out of that build, so the finding
    /// is a warning: the program built today does not use them, but their package still has to
    /// build without them.
    ///
    /// ## Why it matters for Wasm
    /// cgo links C code compiled for the host into the binary. Neither Go's `GOOS=wasip1` port
    /// nor TinyGo's WASI targets build cgo code (WASM-FACTS.md §8).
    ///
    /// ## Example
    /// ```go
    /// // #cgo LDFLAGS: -lz
    /// // #include <zlib.h>
    /// import "C"
    /// ```
    ///
    /// ## How to fix
    /// Replace the C library with a pure-Go package (`compress/zlib`, `modernc.org/sqlite`), or
    /// keep the workload as a container.
    pub struct GoCgo {
        code: "WM601",
        name: "go-cgo",
        category: Cgo,
        severity: Blocker,
        penalty: 40,
        summary: "the Go code calls C through cgo, or its build enables cgo",
        help: "replace the C library with a pure-Go package, or keep the workload as a container",
    }
}

impl Rule for GoCgo {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_go_module(&self, cx: &GoCx<'_>, sink: &mut Sink<'_>) {
        let disabled = cx.module.cgo.iter().find(|c| !c.enabled);
        for (file, src) in &cx.module.sources {
            let Some(c) = src.imports.iter().find(|i| i.path == "C") else {
                continue;
            };
            let f = cx.repo.file(*file);
            let directives: Vec<&str> = src
                .cgo_directives
                .iter()
                .take(3)
                .map(|s| f.slice(*s).trim())
                .collect();
            let what = if directives.is_empty() {
                String::new()
            } else {
                format!(" (`{}`)", directives.join("`, `"))
            };
            let hit = sink.report(
                *file,
                c.span,
                format!(
                    "`import \"C\"`{what}: this file of Go module `{}` calls C through cgo, which does not build for WASI",
                    cx.name()
                ),
            );
            if let Some(d) = disabled {
                let at = cx.repo.file_line(d.file, d.span);
                hit.severity(Severity::Warning);
                hit.message
                    .push_str(&format!("; the build sets `CGO_ENABLED=0` ({at}), so this file is left out of it, but its package must still build without it"));
                hit.related(d.file, d.span, "cgo is disabled here");
            }
        }
        for c in cx
            .module
            .cgo
            .iter()
            .filter(|c| c.enabled)
            .take(MAX_PER_FILE)
        {
            sink.report(
                c.file,
                c.span,
                format!(
                    "`CGO_ENABLED=1`: the build of Go module `{}` links C code (cgo), which does not build for WASI",
                    cx.name()
                ),
            );
        }
    }
}
