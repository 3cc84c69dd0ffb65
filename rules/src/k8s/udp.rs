//! `WM312` udp: a container port or a Service port of the workload uses `protocol: UDP`.

use analyzer::yaml::YRef;

use crate::k8s::common::{container_label, selecting_services};
use crate::knowledge::ports;
use crate::{ObjectCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `protocol: UDP` on a container port, and on a port of every Service in the
    /// repository (same namespace) whose selector matches the workload's pod labels. `TCP` (the
    /// default) and `SCTP` are not flagged.
    ///
    /// ## Why it matters for Wasm
    /// The Wasm shims route HTTP to a module (`wasi:http` on the wasmtime shim, the HTTP trigger
    /// of the Spin shim). `wasi:sockets` has UDP for `wasi:cli` command components, but an HTTP
    /// handler cannot receive datagrams, and servers for UDP protocols (DNS, syslog, StatsD,
    /// QUIC) are built as long-running socket loops, not request handlers.
    ///
    /// ## Example
    /// ```yaml
    /// ports:
    ///   - name: dns
    ///     containerPort: 53
    ///     protocol: UDP
    /// ```
    ///
    /// ## How to fix
    /// Serve the workload over HTTP, or keep the UDP listener as a Linux workload. For metrics
    /// and traces, export over OTLP/HTTP to a collector instead of StatsD or Jaeger's UDP agent.
    pub struct Udp {
        code: "WM312",
        name: "udp",
        category: Udp,
        severity: Warning,
        penalty: 20,
        summary: "a container or Service port uses UDP",
        help: "serve over HTTP, or keep the UDP listener as a Linux workload; export telemetry over OTLP/HTTP instead of UDP agents",
    }
}

/// The `protocol: UDP` entry of a port item.
fn udp_entry(item: YRef<'_>) -> Option<YRef<'_>> {
    item.get("protocol")
        .filter(|p| p.as_str().is_some_and(|p| p.eq_ignore_ascii_case("udp")))
}

/// `53 (dns)`, or `53`, or `?` when the number is missing.
fn port_text(item: YRef<'_>, key: &str) -> String {
    let node = item.get(key);
    let n = node
        .and_then(|n| n.as_i64())
        .and_then(|n| u16::try_from(n).ok());
    match (n, node.and_then(|n| n.as_str())) {
        (Some(n), _) => match ports().by_number(n) {
            Some(info) => format!("{n} ({})", info.protocol),
            None => n.to_string(),
        },
        (None, Some(s)) => format!("`{s}`"),
        (None, None) => "?".into(),
    }
}

impl Rule for Udp {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let Some(spec) = cx.pod_spec() else { return };
        for c in spec.containers() {
            for item in c.node.get("ports").into_iter().flat_map(|p| p.items()) {
                if let Some(p) = udp_entry(item) {
                    sink.report(
                        cx.object.file,
                        p.entry_span(),
                        format!(
                            "{} declares UDP port {}",
                            container_label(&c),
                            port_text(item, "containerPort")
                        ),
                    );
                }
            }
        }
        for svc in selecting_services(cx) {
            for item in svc
                .root()
                .path(&["spec", "ports"])
                .into_iter()
                .flat_map(|p| p.items())
            {
                if let Some(p) = udp_entry(item) {
                    sink.report(
                        svc.object.file,
                        p.entry_span(),
                        format!(
                            "Service `{}` routes UDP port {} to this workload",
                            svc.object.name,
                            port_text(item, "port")
                        ),
                    )
                    .related(
                        svc.object.file,
                        svc.selector.entry_span(),
                        format!(
                            "the selector of Service `{}` matches the workload's pods",
                            svc.object.name
                        ),
                    );
                }
            }
        }
    }
}
