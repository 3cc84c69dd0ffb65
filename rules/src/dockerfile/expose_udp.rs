//! `WM109` expose-udp: the final image EXPOSEs a UDP port.

use analyzer::dockerfile::Protocol;

use crate::dockerfile::expose_non_http_port::known_port;
use crate::{DockerfileCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `EXPOSE <port>/udp` entries of the final image (the last stage and the stages it is
    /// built `FROM`), ranges and `ARG`/`ENV` values included; the protocol is matched without
    /// regard to case (`53/UDP`). TCP (the default) and SCTP entries are not flagged here.
    ///
    /// ## Why it matters for Wasm
    /// The Wasm shims route HTTP to a module (`wasi:http` on the wasmtime shim, the HTTP trigger
    /// of the Spin shim). `wasi:sockets` has UDP for `wasi:cli` command components, but an HTTP
    /// handler cannot receive datagrams, and servers for UDP protocols (DNS, syslog, StatsD,
    /// QUIC) are long-running socket loops, not request handlers.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY dnsd /usr/local/bin/
    /// EXPOSE 53/udp
    /// ```
    ///
    /// ## How to fix
    /// Serve the workload over HTTP, or keep the UDP listener as a Linux workload. For metrics
    /// and traces, export over OTLP/HTTP to a collector instead of StatsD or Jaeger's UDP agent.
    pub struct ExposeUdp {
        code: "WM109",
        name: "expose-udp",
        category: Udp,
        severity: Warning,
        penalty: 20,
        summary: "the final image exposes a UDP port",
        help: "serve over HTTP, or keep the UDP listener as a Linux workload; export telemetry over OTLP/HTTP instead of UDP agents",
    }
}

impl Rule for ExposeUdp {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_dockerfile(&self, cx: &DockerfileCx<'_>, sink: &mut Sink<'_>) {
        for (_, port) in cx.dockerfile.exposed_ports() {
            if port.protocol != Protocol::Udp {
                continue;
            }
            let known = known_port(port).filter(|(_, i)| i.transport == "udp");
            let msg = match known {
                Some((n, info)) => format!(
                    "`EXPOSE {}` declares UDP port {n}: {}",
                    port.word.value, info.reason
                ),
                None => format!("`EXPOSE {}` declares a UDP port", port.word.value),
            };
            let hit = sink.report(cx.file.id, port.word.span, msg);
            if let Some(alt) = known.and_then(|(_, i)| i.alternative.as_ref()) {
                hit.help(alt.clone());
            }
        }
    }
}
