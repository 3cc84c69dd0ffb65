//! `WM213` http-listener: a TCP listener the program binds itself (its own HTTP server's socket).

use analyzer::rust::FactKind;

use crate::cargo::CrateCx;
use crate::rust::{evidence, report_facts};
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Notes a `TcpListener` the program binds itself (`std::net::TcpListener::bind`,
    /// `tokio::net::TcpListener::bind`, async-std's): in a service this is almost always the
    /// socket its HTTP server accepts on. It is its own category, not `raw-socket`: a plain HTTP
    /// listener is not a non-HTTP connection (DESIGN.md §5).
    ///
    /// ## Why it matters for Wasm
    /// On Wasm the host owns the listener: a `wasi:http` component exports a handler and the
    /// runtime calls it per request (WASM-FACTS.md §5), so the bind goes away with the move to a
    /// handler. Only a listener for another protocol would need `wasi:sockets` on a command
    /// component; the server framework, if any, is reported by WM212.
    ///
    /// ## Example
    /// ```rust,ignore
    /// let listener = std::net::TcpListener::bind("0.0.0.0:8080")?;
    /// ```
    ///
    /// ## How to fix
    /// Serve HTTP through a `wasi:http` handler (wstd, spin-sdk) and drop the bind.
    pub struct HttpListener {
        code: "WM213",
        name: "http-listener",
        category: HttpListener,
        severity: Note,
        penalty: 0,
        summary: "the program binds its own TCP listener (its HTTP server's socket)",
        help: "serve HTTP through a wasi:http handler (wstd, spin-sdk), where the host owns the listener; another protocol needs wasi:sockets on a command component",
    }
}

impl Rule for HttpListener {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_crate(&self, cx: &CrateCx<'_>, sink: &mut Sink<'_>) {
        report_facts(
            cx,
            sink,
            &[FactKind::TcpListener],
            false,
            |sink, file, f, shown| {
                sink.report(
                    file,
                    f.span,
                    format!(
                        "{} binds its own TCP listener; on Wasm the host owns the listener",
                        evidence(f, shown)
                    ),
                );
                Some(())
            },
        );
    }
}
