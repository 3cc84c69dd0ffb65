//! `WM108` expose-non-http-port: the final image EXPOSEs a TCP port of a non-HTTP protocol.

use analyzer::dockerfile::{Port, Protocol};

use crate::knowledge::{PortInfo, ports};
use crate::{DockerfileCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reads the `EXPOSE` entries of the final image (the last stage and the stages it is built
    /// `FROM`), with `ARG`/`ENV` values substituted, and flags:
    /// - a TCP port whose number is a well-known non-HTTP port (5432, 3306, 6379, 9092, 27017,
    ///   ...; the table is `rules/data/ports.toml`, shared with the Kubernetes rules), also
    ///   when a range (`5400-5500`) includes one;
    /// - an SCTP port.
    ///
    /// UDP ports are `expose-udp` (WM109). Ports that are not in the table (80, 8080, 3000, ...)
    /// and entries whose variable has no value do not fire.
    ///
    /// ## Why it matters for Wasm
    /// The Wasm shims serve HTTP: the wasmtime shim runs a `wasi:http/incoming-handler`
    /// component on port 8080 and the Spin shim serves its HTTP trigger on port 80. A server for
    /// a binary protocol (a database, a cache, a broker) is not a request handler and none of
    /// the shims routes such a port to a module.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM redis:7
    /// EXPOSE 6379
    /// ```
    ///
    /// ## How to fix
    /// Serve the API over HTTP. If the port belongs to a database or broker the image runs
    /// itself, keep that as a separate Linux workload and reach it from the Wasm service through
    /// a sidecar or a platform binding (Spin has outbound Redis, PostgreSQL and MySQL).
    pub struct ExposeNonHttpPort {
        code: "WM108",
        name: "expose-non-http-port",
        category: NonHttpPort,
        severity: Warning,
        penalty: 25,
        summary: "the final image exposes a TCP port of a non-HTTP protocol",
        help: "serve the API over HTTP; keep a database or broker as a separate Linux workload reached through a sidecar or a platform binding",
    }
}

/// The first well-known port the entry covers (the number, or a table port inside the range).
pub(crate) fn known_port(port: &Port) -> Option<(u16, &'static PortInfo)> {
    let first = port.number?;
    let last = port.end.unwrap_or(first);
    if let Some(info) = ports().by_number(first) {
        return Some((first, info));
    }
    ports()
        .port
        .iter()
        .filter(|p| (first..=last).contains(&p.port))
        .min_by_key(|p| p.port)
        .map(|p| (p.port, p))
}

impl Rule for ExposeNonHttpPort {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_dockerfile(&self, cx: &DockerfileCx<'_>, sink: &mut Sink<'_>) {
        for (_, port) in cx.dockerfile.exposed_ports() {
            let written = &port.word.value;
            let msg = match port.protocol {
                Protocol::Sctp => {
                    format!("`EXPOSE {written}` declares an SCTP port, which is not HTTP")
                }
                Protocol::Tcp => {
                    let Some((n, info)) = known_port(port) else {
                        continue;
                    };
                    if port.end.is_some() {
                        format!("`EXPOSE {written}` includes port {n}: {}", info.reason)
                    } else {
                        format!("`EXPOSE {written}` declares port {n}: {}", info.reason)
                    }
                }
                Protocol::Udp | Protocol::Unknown => continue,
            };
            let hit = sink.report(cx.file.id, port.word.span, msg);
            if let Some(alt) = known_port(port).and_then(|(_, i)| i.alternative.as_ref()) {
                hit.help(alt.clone());
            }
        }
    }
}
