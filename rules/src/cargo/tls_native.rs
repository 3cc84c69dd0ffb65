//! `WM202` tls-native: OpenSSL or native-tls in the package's build.

use crate::cargo::CrateCx;
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a Cargo dependency that brings OpenSSL or the platform TLS library into the build:
    /// `openssl`, `openssl-sys`, `native-tls`, `hyper-tls`, `tokio-native-tls`, directly or through
    /// another crate (hyper-tls, or sqlx with its `tls-native-tls` feature). The finding points at
    /// the line of the workspace's Cargo.toml that starts the chain and shows the chain. reqwest is
    /// not reported here: on wasm32 it builds its browser backend, and its native-tls dependency is
    /// declared for other targets only (that is WM212's case). OpenSSL that the build reaches
    /// only through an HTTP server framework or client WM212 reports (actix-web's `openssl`
    /// feature) is listed in that finding and is only a note here: on Wasm the host terminates
    /// TLS. `openssl-sys`
    /// is also a `sys-crate` finding (WM201): one piece of evidence, two categories.
    ///
    /// ## Why it matters for Wasm
    /// OpenSSL is a C library with no `wasm32-wasip2` build, so the package does not compile. WASI
    /// has no TLS of its own either (wasi-tls is an early proposal): on Wasm, TLS is done by the
    /// host (`wasi:http` outgoing requests are HTTPS when the URL says so) or by pure-Rust code.
    ///
    /// ## Example
    /// ```toml
    /// [dependencies]
    /// hyper-tls = "0.6"   # -> native-tls -> openssl -> openssl-sys
    /// ```
    ///
    /// ## How to fix
    /// For HTTP, use a client built on `wasi:http` (waki, wstd, spin-sdk) and let the host do TLS.
    /// Where TLS must stay in the module, use rustls with a pure-Rust crypto provider
    /// (rustls-rustcrypto) and turn off default features that pull in native-tls.
    pub struct TlsNative {
        code: "WM202",
        name: "tls-native",
        category: TlsNative,
        severity: Blocker,
        penalty: 40,
        summary: "the package's dependency graph holds OpenSSL or native-tls",
        help: "let the host do TLS (a wasi:http client such as waki or wstd), or use rustls with a pure-Rust crypto provider",
    }
}

impl Rule for TlsNative {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_crate(&self, cx: &CrateCx<'_>, sink: &mut Sink<'_>) {
        // OpenSSL reached only through a component the migration replaces anyway (an HTTP server
        // framework or client: the host terminates TLS) is listed in that component's WM212
        // finding; here it is only a note.
        let replaced = |n| cx.replaced_by(n).is_some();
        let own = cx.dependency_hits_where("tls-native", |n| !replaced(n));
        let under = cx.dependency_hits_where("tls-native", replaced);
        cx.report_native(sink, &own, &under);
    }
}
