//! `WM317` grpc-port: the workload serves gRPC (HTTP/2): a port named `grpc*`, an `appProtocol`
//! of gRPC or cleartext HTTP/2, or a `grpc` probe.

use analyzer::k8s::ContainerRole;
use analyzer::yaml::YRef;

use crate::k8s::common::{container_label, selecting_services};
use crate::k8s::pod::{Member, sidecar_relief};
use crate::knowledge::ports;
use crate::{ObjectCx, Rule, RuleMeta, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags evidence that a workload serves gRPC:
    /// - a container port or a Service port (of a Service whose selector matches the workload's
    ///   pods) named `grpc`, `grpcs` or `grpc-*` (`grpc-web` is HTTP/1 and not flagged);
    /// - a port whose `appProtocol` is `grpc`, `kubernetes.io/h2c` or `h2c`;
    /// - a `grpc` liveness, readiness or startup probe.
    ///
    /// The names and protocols are data (`grpc_names`, `grpc_app_protocols` in
    /// `rules/data/ports.toml`). Init containers serve nothing and are skipped; a recognized
    /// sidecar's port (`rules/data/pod-sidecars.toml`) beside the application is a note.
    ///
    /// ## Why it matters for Wasm
    /// gRPC is HTTP/2 with trailers, not a non-HTTP protocol (WASM-FACTS.md §7). Spin serves
    /// incoming HTTP/2 since spinframework/spin PR #3227, but incoming gRPC is still an open
    /// request (spinframework/spin#3244), and HTTP/2 inbound on the wasmtime shim is
    /// unconfirmed. So a gRPC server can move, but needs a runtime that serves HTTP/2 with
    /// trailers: it needs validation. Client-side gRPC works through `wasi-grpc`.
    ///
    /// ## Example
    /// ```yaml
    /// ports:
    ///   - name: grpc
    ///     containerPort: 9090
    /// ```
    ///
    /// ## How to fix
    /// Check that the target runtime serves inbound HTTP/2 with trailers, or expose the API over
    /// HTTP/1.1 (gRPC-Web, gRPC-JSON transcoding, or a REST endpoint) in front of the module.
    pub struct GrpcPort {
        code: "WM317",
        name: "grpc-port",
        category: Grpc,
        severity: Warning,
        penalty: 15,
        summary: "the workload serves gRPC, which is HTTP/2 with trailers",
        help: "check that the Wasm runtime serves inbound HTTP/2 with trailers (needs validation), or serve the API over HTTP/1.1 (gRPC-Web, JSON transcoding)",
    }
}

/// The node that says a port item speaks gRPC, and how.
fn grpc_evidence(item: YRef<'_>) -> Option<(YRef<'_>, String)> {
    let t = ports();
    if let Some(node) = item.get("appProtocol")
        && let Some(v) = node.as_str()
        && t.app_protocol_is_grpc(v)
    {
        return Some((node, format!("`appProtocol: {v}`")));
    }
    let node = item.get("name")?;
    let name = node.as_str()?;
    t.name_is_grpc(name)
        .then(|| (node, format!("the name `{name}`")))
}

fn number_text(item: YRef<'_>, key: &str) -> String {
    item.get(key)
        .and_then(|n| {
            n.as_i64()
                .map(|n| n.to_string())
                .or(n.as_str().map(str::to_string))
        })
        .unwrap_or_else(|| "?".into())
}

impl Rule for GrpcPort {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let Some(spec) = cx.pod_spec() else { return };
        let members = Member::of_spec(&spec);
        for c in spec.containers() {
            if matches!(c.role, ContainerRole::Init | ContainerRole::Ephemeral) {
                continue;
            }
            let me = members
                .iter()
                .find(|m| m.name == c.name() && m.role == c.role)
                .copied();
            let relief = me.and_then(|me| sidecar_relief(&members, &me));
            let mut hits = Vec::new();
            for item in c.node.get("ports").into_iter().flat_map(|p| p.items()) {
                if let Some((node, how)) = grpc_evidence(item) {
                    hits.push((
                        node,
                        format!(
                            "{} serves gRPC on port {} ({how})",
                            container_label(&c),
                            number_text(item, "containerPort")
                        ),
                    ));
                }
            }
            for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
                if let Some(node) = c.node.path(&[probe, "grpc"]) {
                    hits.push((
                        node,
                        format!(
                            "{} answers a gRPC health check ({probe}): it serves gRPC",
                            container_label(&c)
                        ),
                    ));
                }
            }
            for (node, msg) in hits {
                // A probe's `grpc:` is a map: point at its key, not the whole block.
                let span = if node.is_map() {
                    node.key_span()
                } else {
                    node.entry_span()
                };
                let hit = sink.report(cx.object.file, span, msg);
                if let Some(r) = &relief {
                    hit.severity(Severity::Note)
                        .help(r.help(c.name(), GrpcPort::META.help));
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
                let Some((node, how)) = grpc_evidence(item) else {
                    continue;
                };
                sink.report(
                    svc.object.file,
                    node.entry_span(),
                    format!(
                        "Service `{}` routes gRPC port {} to this workload ({how})",
                        svc.object.name,
                        number_text(item, "port")
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
