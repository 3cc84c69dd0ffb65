//! `WM212` incompatible-crate: a dependency with no `wasm32-wasip2` support.

use crate::cargo::{CrateCx, crates, is_sys_name};
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a Cargo dependency (or a feature of one) that has no `wasm32-wasip2` support and has a
    /// Wasm-friendly replacement: HTTP servers that bind their own sockets (actix-web, warp,
    /// axum with its default `tokio` feature, hyper-util's tokio glue, tonic's transport), tokio's
    /// `net`/`fs`/`process`/`signal` features, and HTTP clients that are not built on `wasi:http`
    /// (reqwest, ureq). Native crates (`sys-crate`, `tls-native`) that the build reaches only
    /// through the server framework or client named here are listed in this finding (WM201 and
    /// WM202 report them as notes only): replacing the component removes them (actix-web's
    /// compression pulls in `zstd-sys`; its `openssl` feature, OpenSSL).
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
        let natives = absorbed_natives(cx);
        for hit in cx.dependency_hits("incompatible-crate") {
            // The native crates only this component brings in go with it.
            let on_chain: Vec<&str> = hit.chain.iter().map(|s| s.name.as_str()).collect();
            let gone: Vec<&(String, String, &str)> = natives
                .iter()
                .filter(|(by, _, _)| on_chain.contains(&by.as_str()))
                .collect();
            let Some((by, _, _)) = gone.first() else {
                cx.report_dependency(sink, &hit);
                continue;
            };
            let named: Vec<String> = gone
                .iter()
                .take(MAX_NAMED)
                .map(|(_, name, category)| format!("`{name}` ({category})"))
                .collect();
            let more = match gone.len() - named.len() {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            let note = format!(
                "; replacing `{by}` also removes the native code the build reaches only through it: {}{more}",
                named.join(", ")
            );
            cx.report_dependency_with(sink, &hit, &note);
        }
    }
}

/// At most this many absorbed native crates are named in one finding.
const MAX_NAMED: usize = 4;

/// Native crates (`sys-crate`, `tls-native` knowledge entries and unknown `-sys` crates) that the
/// build reaches only through a replaced component: `(component, crate, category)`.
fn absorbed_natives(cx: &CrateCx<'_>) -> Vec<(String, String, &'static str)> {
    let table = crates();
    let mut out = Vec::new();
    for &node in cx.reach.order.iter().skip(1) {
        let name = cx.name_of(node);
        let category = if table.entries(&name).any(|e| e.category == "tls-native") {
            "tls-native"
        } else if table.entries(&name).any(|e| e.category == "sys-crate")
            || (is_sys_name(&name) && !table.knows(&name) && !cx.is_local(node))
        {
            "sys-crate"
        } else {
            continue;
        };
        // Two locked versions of one crate are named once.
        if out.iter().any(|(_, n, _)| *n == name) {
            continue;
        }
        if let Some(by) = cx.replaced_by(node) {
            out.push((by, name, category));
        }
    }
    out
}
