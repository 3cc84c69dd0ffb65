//! `WM205` raw-socket: non-HTTP TCP connections, Unix sockets and raw sockets in code, and
//! database / broker drivers in the dependency graph.

use analyzer::rust::FactKind;

use crate::cargo::CrateCx;
use crate::rust::{evidence, report_facts};
use crate::{Rule, RuleMeta, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags connections that are not HTTP: `std::net::TcpStream`, `tokio::net::TcpStream`,
    /// `socket2`, `libc::socket` and other socket system calls, adopted raw file descriptors, Unix
    /// domain sockets, and database, cache and broker drivers (tokio-postgres, redis, lapin,
    /// mongodb, sqlx with `postgres`/`mysql`, ...). A `TcpListener` the program binds itself is
    /// not raw-socket: WM213 (http-listener) notes it, and neither is a socket crate the build
    /// reaches only through an HTTP server framework or client that a move to Wasm replaces
    /// (`socket2` under actix-server: `replaced` in `rules/data/crates.toml`).
    ///
    /// ## Why it matters for Wasm
    /// The `wasi:http` world that Spin and the runwasi shims run has no sockets. `wasi:sockets`
    /// (TCP and UDP only) exists for command components on some runtimes, but there are no Unix
    /// domain sockets and no raw sockets in WASI at all: those are blockers.
    ///
    /// ## Example
    /// ```rust,ignore
    /// let conn = TcpStream::connect("db:5432")?;
    /// let ctl = UnixStream::connect("/run/app.sock")?;
    /// ```
    ///
    /// ## How to fix
    /// Use the host's APIs for databases, caches and queues (spin-sdk pg/mysql/redis, wasi:keyvalue,
    /// wasi:messaging), or reach the service through an HTTP front or a sidecar. Replace Unix
    /// sockets with HTTP.
    pub struct RawSocket {
        code: "WM205",
        name: "raw-socket",
        category: RawSocket,
        severity: Warning,
        penalty: 20,
        summary: "the code opens non-HTTP TCP connections, Unix sockets or raw sockets",
        help: "use the host's database/cache/queue APIs (spin-sdk, wasi:keyvalue) or an HTTP front; replace Unix sockets with HTTP",
    }
}

impl Rule for RawSocket {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_crate(&self, cx: &CrateCx<'_>, sink: &mut Sink<'_>) {
        // A socket crate the build reaches only through an HTTP server framework or client
        // (`socket2` under actix-server, tokio and hyper-util) binds that component's listener or
        // makes its requests: an HTTP socket, which a move to Wasm replaces with the component
        // (WM212 names it), not a non-HTTP connection.
        for hit in cx.dependency_hits("raw-socket") {
            if cx.replaced_by(hit.node).is_none() {
                cx.report_dependency(sink, &hit);
            }
        }
        let kinds = [
            FactKind::TcpStream,
            FactKind::Socket2,
            FactKind::RawSocket,
            FactKind::RawFd,
            FactKind::UnixSocket,
        ];
        report_facts(cx, sink, &kinds, false, |sink, file, f, shown| {
            let ev = evidence(f, shown);
            let (what, sev, help) = match f.kind {
                FactKind::TcpStream => (
                    "opens a raw TCP connection, which the wasi:http world does not offer",
                    None,
                    None,
                ),
                FactKind::Socket2 => (
                    "configures sockets with socket2, beyond what wasi:sockets offers",
                    None,
                    None,
                ),
                FactKind::RawSocket => (
                    "makes socket system calls directly; WASI has no raw sockets",
                    Some(Severity::Blocker),
                    None,
                ),
                FactKind::RawFd => (
                    "adopts a raw file descriptor; WASI has no file descriptors to share",
                    Some(Severity::Blocker),
                    None,
                ),
                _ => (
                    "uses a Unix domain socket; WASI has no Unix sockets",
                    Some(Severity::Blocker),
                    Some("talk to the other process over HTTP instead of a Unix socket"),
                ),
            };
            let h = sink.report(file, f.span, format!("{ev} {what}"));
            if let Some(s) = sev {
                h.severity(s);
            }
            if let Some(help) = help {
                h.help(help);
            }
            Some(())
        });
    }
}
