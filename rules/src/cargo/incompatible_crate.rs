//! `WM212` incompatible-crate: a dependency with no `wasm32-wasip2` support.

use crate::cargo::CrateCx;
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a Cargo dependency (or a feature of one) that has no `wasm32-wasip2` support and has a
    /// Wasm-friendly replacement: HTTP servers that bind their own sockets (actix-web, warp,
    /// axum with its default `tokio` feature, hyper-util's tokio glue, tonic's transport), tokio's
    /// `net`/`fs`/`process`/`signal` features, and HTTP clients that are not built on `wasi:http`
    /// (reqwest, ureq).
    ///
    /// ## Why it matters for Wasm
    /// On Wasm the host owns the listener: a `wasi:http` component exports a handler and the runtime
    /// calls it per request. tokio's networking, filesystem, process and signal features do not
    /// compile for `wasm32-wasip2` without `--cfg tokio_unstable`. reqwest compiles its browser
    /// backend on any wasm32 target, which needs JavaScript and fails at run time.
    ///
    /// ## Example
    /// ```toml
    /// [dependencies]
    /// axum = "0.8"                                   # default `tokio` feature
    /// tokio = { version = "1", features = ["full"] }
    /// ```
    ///
    /// ## How to fix
    /// Serve through a `wasi:http` handler: spin-sdk's router, or axum with
    /// `default-features = false` through wstd-axum. Keep tokio to `rt`, `macros`, `sync`, `time`
    /// and `io-util`. Make outgoing requests with waki, wstd or spin-sdk.
    pub struct IncompatibleCrate {
        code: "WM212",
        name: "incompatible-crate",
        category: IncompatibleCrate,
        severity: Warning,
        penalty: 20,
        summary: "a dependency has no wasm32-wasip2 support and needs a Wasm-friendly replacement",
        help: "replace it with a wasi:http-based crate (spin-sdk, wstd, waki) or turn off the feature that needs OS sockets",
    }
}

impl Rule for IncompatibleCrate {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_crate(&self, cx: &CrateCx<'_>, sink: &mut Sink<'_>) {
        for hit in cx.dependency_hits("incompatible-crate") {
            cx.report_dependency(sink, &hit);
        }
    }
}
