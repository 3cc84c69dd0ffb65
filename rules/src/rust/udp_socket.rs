//! `WM206` udp-socket: UDP sockets in code and UDP-based clients (statsd, DNS, syslog) in the graph.

use analyzer::rust::FactKind;

use crate::cargo::CrateCx;
use crate::rust::{evidence, report_dependencies, report_facts};
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `std::net::UdpSocket`, `tokio::net::UdpSocket` and the other UDP socket types in
    /// code, and crates that talk UDP themselves: statsd clients (cadence), DNS resolvers
    /// (hickory-resolver), syslog.
    ///
    /// ## Why it matters for Wasm
    /// The `wasi:http` world has no sockets at all; `wasi:sockets` UDP is available only to command
    /// components on some runtimes. Metrics and logs sent over UDP need another path.
    ///
    /// ## Example
    /// ```rust,ignore
    /// let sock = std::net::UdpSocket::bind("0.0.0.0:0")?;
    /// sock.send_to(b"hits:1|c", "statsd:8125")?;
    /// ```
    ///
    /// ## How to fix
    /// Export metrics over HTTP (OpenTelemetry OTLP/HTTP), log to stdout, and let the host resolve
    /// names.
    pub struct UdpSocket {
        code: "WM206",
        name: "udp-socket",
        category: Udp,
        severity: Warning,
        penalty: 15,
        summary: "the code sends or receives UDP",
        help: "export metrics over HTTP (OTLP/HTTP), log to stdout, and let the host resolve names",
    }
}

impl Rule for UdpSocket {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_crate(&self, cx: &CrateCx<'_>, sink: &mut Sink<'_>) {
        report_dependencies(cx, sink, "udp", &[]);
        report_facts(
            cx,
            sink,
            &[FactKind::UdpSocket],
            false,
            |sink, file, f, shown| {
                sink.report(
                    file,
                    f.span,
                    format!(
                        "{} opens a UDP socket, which the wasi:http world does not offer",
                        evidence(f, shown)
                    ),
                );
                Some(())
            },
        );
    }
}
