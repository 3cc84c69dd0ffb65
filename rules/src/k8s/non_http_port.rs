//! `WM311` non-http-port: a container port or a Service port of the workload serves a protocol
//! other than HTTP, known by its number (`rules/data/ports.toml`) or its name (`redis`, `tcp-*`).

use analyzer::yaml::YRef;

use crate::k8s::common::{container_label, selecting_services};
use crate::knowledge::{PortInfo, ports};
use crate::{ObjectCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags TCP ports (UDP ones are `udp`, WM312) that serve a non-HTTP protocol:
    /// - a container's `containerPort` whose number is a well-known non-HTTP port (5432, 6379,
    ///   9092, ...; the table is `rules/data/ports.toml`), or whose `name` announces one
    ///   (`redis`, `amqp`, `tcp-*`);
    /// - the same on the `port`/`targetPort`/`name` of every Service in the repository, in the
    ///   workload's namespace, whose selector matches the workload's pod labels.
    ///
    /// A port named as HTTP (`http`, `https`, `metrics`, `http-*`) is never flagged, whatever its
    /// number.
    ///
    /// ## Why it matters for Wasm
    /// The Wasm shims serve HTTP: the wasmtime shim runs a `wasi:http/incoming-handler` component
    /// on port 8080 and the Spin shim serves its HTTP trigger on port 80. `wasi:sockets` gives
    /// plain TCP to `wasi:cli` command components, but a server for a binary protocol (a
    /// database, a cache, a broker) is rarely something that gets rebuilt for WASI, and none of
    /// the shims routes such a port to an HTTP handler.
    ///
    /// ## Example
    /// ```yaml
    /// ports:
    ///   - name: redis
    ///     containerPort: 6379
    /// ```
    ///
    /// ## How to fix
    /// Serve the API over HTTP. If the port belongs to a database or a broker the workload runs
    /// itself, keep that part as a separate Linux workload and reach it from the Wasm service
    /// through a sidecar or a platform binding (Spin has outbound Redis, PostgreSQL and MySQL).
    pub struct NonHttpPort {
        code: "WM311",
        name: "non-http-port",
        category: NonHttpPort,
        severity: Warning,
        penalty: 25,
        summary: "a container or Service port serves a protocol other than HTTP",
        help: "serve the API over HTTP; keep a database or broker as a separate Linux workload and reach it through a sidecar or a platform binding",
    }
}

/// Whether a port name announces HTTP (`http`, `https-admin`, `metrics`).
fn name_says_http(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ports()
        .http_names
        .iter()
        .any(|h| n == *h || n.starts_with(&format!("{h}-")))
}

fn is_udp(port: YRef<'_>) -> bool {
    port.get("protocol")
        .and_then(|p| p.as_str())
        .is_some_and(|p| p.eq_ignore_ascii_case("udp"))
}

fn number(node: Option<YRef<'_>>) -> Option<(u16, YRef<'_>)> {
    let node = node?;
    let n = u16::try_from(node.as_i64()?).ok()?;
    Some((n, node))
}

/// Why a port item is non-HTTP: the node that proves it and a description.
enum Why<'a> {
    Named(&'a str, YRef<'a>),
    Known(u16, &'static PortInfo, YRef<'a>),
}

/// Judge one port item given the keys that carry numbers (`containerPort`, or `port` and
/// `targetPort`).
fn judge<'a>(item: YRef<'a>, number_keys: &[&str]) -> Option<Why<'a>> {
    if is_udp(item) {
        return None;
    }
    let name = item.get("name").and_then(|n| n.as_str().map(|s| (s, n)));
    if name.is_some_and(|(s, _)| name_says_http(s)) {
        return None;
    }
    // A known number gives the better reason and help, so it wins over the name.
    let known = number_keys.iter().find_map(|k| {
        let (n, node) = number(item.get(k))?;
        ports().by_number(n).map(|info| Why::Known(n, info, node))
    });
    known.or_else(|| {
        let (s, node) = name?;
        ports().name_is_non_http(s).then_some(Why::Named(s, node))
    })
}

/// `declares port 6379: Redis protocol (RESP)`, or
/// `routes port 27018 to this workload under the non-HTTP name `mongo``.
fn describe(who: &str, verb: &str, tail: &str, why: &Why<'_>, item: YRef<'_>, key: &str) -> String {
    match why {
        Why::Named(name, _) => {
            let n = item.get(key).and_then(|n| n.as_str()).unwrap_or("?");
            format!("{who} {verb} port {n}{tail} under the non-HTTP name `{name}`")
        }
        Why::Known(n, info, _) => format!("{who} {verb} port {n}{tail}: {}", info.reason),
    }
}

impl Rule for NonHttpPort {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let Some(spec) = cx.pod_spec() else { return };
        for c in spec.containers() {
            for item in c.node.get("ports").into_iter().flat_map(|p| p.items()) {
                let Some(why) = judge(item, &["containerPort"]) else {
                    continue;
                };
                let msg = describe(
                    &container_label(&c),
                    "declares",
                    "",
                    &why,
                    item,
                    "containerPort",
                );
                report(sink, cx.object.file, &why, msg);
            }
        }
        for svc in selecting_services(cx) {
            let who = format!("Service `{}`", svc.object.name);
            for item in svc
                .root()
                .path(&["spec", "ports"])
                .into_iter()
                .flat_map(|p| p.items())
            {
                let Some(why) = judge(item, &["port", "targetPort"]) else {
                    continue;
                };
                let msg = describe(&who, "routes", " to this workload", &why, item, "port");
                report(sink, svc.object.file, &why, msg).related(
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

fn report<'s>(
    sink: &'s mut Sink<'_>,
    file: analyzer::source::FileId,
    why: &Why<'_>,
    msg: String,
) -> &'s mut crate::Hit {
    match why {
        Why::Named(_, node) => sink.report(file, node.entry_span(), msg),
        Why::Known(_, info, node) => {
            let hit = sink.report(file, node.entry_span(), msg);
            if let Some(alt) = &info.alternative {
                hit.help(alt.clone());
            }
            hit
        }
    }
}
