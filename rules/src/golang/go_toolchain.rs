//! `WM604` go-toolchain: a Go module has to be rebuilt with a Wasm toolchain; which path fits.

use crate::golang::GoCx;
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports, once per Go module a workload builds, that the service is Go and has to be
    /// rebuilt for Wasm, and which path fits from what the module's code does:
    /// - an HTTP server (`net/http`'s `ListenAndServe`/`Serve`, or `http.Handle`): a wasi:http
    ///   component, with TinyGo `-target=wasip2` and the Spin Go SDK, or stock Go with
    ///   `go.bytecodealliance.org/wasi`'s `wasihttp` built by componentize-go; the handler is
    ///   registered with the host instead of listening;
    /// - anything else: a WASI command module with stock Go, `GOOS=wasip1 GOARCH=wasm go build`
    ///   (Go 1.21 or later; the message says when `go.mod` asks for an older Go).
    ///
    /// The toolchains come from the Go entry of `rules/data/runtimes.toml`. This is a warning on
    /// its own: a pure Go service whose code was read and has no blockers is `portable`, not
    /// `ready`, until it is built for Wasm.
    ///
    /// ## Why it matters for Wasm
    /// Nothing runs on a Wasm runtime unless it is compiled to Wasm; Go has three paths with
    /// different limits (WASM-FACTS.md §8): `GOOS=wasip1` gives core modules that cannot open
    /// listeners, TinyGo gives components with a partial standard library, and componentize-go
    /// gives wasi:http components from stock Go.
    ///
    /// ## Example
    /// ```go
    /// http.HandleFunc("/", hello)
    /// log.Fatal(http.ListenAndServe(":8080", nil))
    /// ```
    ///
    /// ## How to fix
    /// Try the first command the finding names, then fix what the other Go rules (WM601-WM603)
    /// report.
    pub struct GoToolchain {
        code: "WM604",
        name: "go-toolchain",
        category: LanguageRuntime,
        severity: Warning,
        penalty: 10,
        summary: "a Go service has to be rebuilt with a Wasm toolchain",
        help: "build with TinyGo (`tinygo build -target=wasip2`), Go's `GOOS=wasip1 GOARCH=wasm`, or componentize-go with `go.bytecodealliance.org/wasi`",
    }
}

/// The `net/http` members that make the module an HTTP server.
const HTTP_SERVER: &[&str] = &[
    "ListenAndServe",
    "ListenAndServeTLS",
    "Serve",
    "ServeTLS",
    "Handle",
    "HandleFunc",
    "NewServeMux",
    "Server",
];

impl Rule for GoToolchain {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_go_module(&self, cx: &GoCx<'_>, sink: &mut Sink<'_>) {
        let gomod = &cx.module.gomod;
        let span = gomod
            .go_version
            .as_ref()
            .or(gomod.module.as_ref())
            .map(|(_, s)| *s)
            .unwrap_or_default();
        let old_go = gomod
            .go_version
            .as_ref()
            .and_then(|(v, _)| go_minor(v))
            .is_some_and(|minor| minor < 21);
        let read = cx.module.sources.len();
        let (path, first) = if cx.uses("net/http", HTTP_SERVER) {
            (
                "it serves HTTP with `net/http`, so the fitting path is a wasi:http component: TinyGo `-target=wasip2` with the Spin Go SDK, or stock Go with `go.bytecodealliance.org/wasi`'s `wasihttp` built by componentize-go (the handler is registered with the host instead of listening)",
                "tinygo build -target=wasip2 -o main.wasm .",
            )
        } else {
            (
                "it serves no HTTP, so the fitting path is a WASI command module built by stock Go (core module; no network listeners) or TinyGo",
                "GOOS=wasip1 GOARCH=wasm go build -o main.wasm .",
            )
        };
        let runtime = crate::runtimes::runtime("go");
        let hit = sink.report(
            cx.module.file,
            span,
            format!(
                "Go module `{}` ({read} source file(s) read) has to be rebuilt for Wasm; {path}{}",
                cx.name(),
                if old_go {
                    "; `go.mod` asks for a Go older than 1.21, the first with `GOOS=wasip1`"
                } else {
                    ""
                }
            ),
        );
        hit.help(format!(
            "first try `{first}`; toolchains: {}",
            runtime.map_or(GoToolchain::META.help, |r| r.toolchain.as_str())
        ));
    }
}

/// `1.22.3` -> 22; `1` or garbage -> None.
fn go_minor(v: &str) -> Option<u32> {
    let mut it = v.trim_start_matches("go").split('.');
    if it.next()? != "1" {
        return None;
    }
    it.next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn go_minor() {
        assert_eq!(super::go_minor("1.22.3"), Some(22));
        assert_eq!(super::go_minor("1.20"), Some(20));
        assert_eq!(super::go_minor("x"), None);
    }
}
