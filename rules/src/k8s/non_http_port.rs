//! `WM311` non-http-port: a container port or a Service port of the workload serves a protocol
//! other than HTTP, known by its number (`rules/data/ports.toml`) or its name (`redis`, `tcp-*`):
//! a blocker for the application, a warning for a recognized sidecar or an already-Wasm pod.

use analyzer::images::ImageKind;
use analyzer::k8s::{ContainerRole, PodSpec};
use analyzer::yaml::YRef;

use crate::k8s::common::{container_label, selecting_services};
use crate::k8s::pod::{LazyWasm, Member, has_company, sidecar_relief};
use crate::knowledge::{PortInfo, ports};
use crate::{ObjectCx, Rule, RuleMeta, Severity, Sink, declare_rule};

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
    /// number: the name is the owner's statement of what the port speaks, and HTTP on 6379 is
    /// still HTTP. A port named as gRPC (`grpc`, `grpc-*`) or with `appProtocol: grpc` or
    /// `kubernetes.io/h2c` is HTTP/2 and belongs to `grpc` (WM317), never here. Nor is a port the
    /// container's own `httpGet` probe checks (by number or name), or one its `exec` probe makes
    /// an HTTP request to (`curl http://localhost:3306/healthz`, `podcli check http
    /// localhost:3306/readyz`): it answers HTTP. UDP ports are
    /// `udp` (WM312). A `tcpSocket` probe is the kubelet opening a socket to check liveness, not
    /// evidence of what the port speaks, and is ignored.
    ///
    /// Severity: serving a known non-HTTP protocol (by number or by a protocol name such as
    /// `redis`) is a blocker: the workload is a database, cache, broker or other server the Wasm
    /// shims cannot route to. A port only named as opaque TCP (`tcp-*`, `tls-*`) is a warning,
    /// since the protocol is not known. A Service port counts only for the workload its selector
    /// matches. The blocker is lowered to a warning when the port belongs to a recognized
    /// sidecar beside the application (`rules/data/pod-sidecars.toml`; the help names the
    /// container and the entry) or when the workload already runs Wasm, and to a note for a
    /// known native image beside the Wasm container of an already-Wasm pod (it stays a Linux
    /// container in the mixed pod); init containers serve nothing and are skipped.
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
        severity: Blocker,
        penalty: 40,
        summary: "a container or Service port serves a protocol other than HTTP",
        help: "serve the API over HTTP; keep a database or broker as a separate Linux workload and reach it through a sidecar or a platform binding",
    }
}

/// Whether a port's own name or `appProtocol` says it speaks HTTP or gRPC (HTTP/2): then its
/// number does not matter.
fn says_http(item: YRef<'_>) -> bool {
    let t = ports();
    let named = item
        .get("name")
        .and_then(|n| n.as_str())
        .is_some_and(|n| t.name_is_http(n) || t.name_is_grpc(n));
    let app = item
        .get("appProtocol")
        .and_then(|a| a.as_str())
        .is_some_and(|a| t.app_protocol_is_grpc(a) || a.eq_ignore_ascii_case("http"));
    named || app
}

/// Whether the container port is checked over HTTP: an `httpGet` probe on its number or name,
/// or an `exec` probe that makes an HTTP request to it (`curl http://localhost:3306/healthz`,
/// `wget -qO- localhost:8080/ready`, `podcli check http localhost:3306/readyz`). The owner says
/// the port speaks HTTP, as a name would.
fn http_probed(container: YRef<'_>, port: YRef<'_>) -> bool {
    let number = port.get("containerPort").and_then(|n| n.as_i64());
    let name = port.get("name").and_then(|n| n.as_str());
    let probes = ["livenessProbe", "readinessProbe", "startupProbe"];
    let by_get = probes
        .iter()
        .filter_map(|k| container.path(&[k, "httpGet", "port"]))
        .any(|p| {
            (number.is_some() && p.as_i64() == number) || (name.is_some() && p.as_str() == name)
        });
    let Some(number) = number else {
        return by_get;
    };
    by_get
        || probes
            .iter()
            .filter_map(|k| container.path(&[k, "exec", "command"]))
            .any(|cmd| {
                let words: Vec<&str> = cmd
                    .str_items()
                    .flat_map(|(w, _)| w.split_whitespace())
                    .collect();
                let http = words.iter().any(|w| {
                    let base = w.rsplit('/').next().unwrap_or(w);
                    matches!(*w, "http" | "https")
                        || w.starts_with("http://")
                        || w.starts_with("https://")
                        || matches!(base, "curl" | "wget")
                });
                let port = format!(":{number}");
                let at_port = words.iter().any(|w| {
                    w.find(&port).is_some_and(|i| {
                        let rest = &w[i + port.len()..];
                        rest.is_empty() || rest.starts_with(['/', '?', '"', '\''])
                    })
                });
                http && at_port
            })
}

/// Whether a name only says "opaque TCP" (`tcp-*`, `tls-*`) without naming a protocol.
fn only_transport(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ports()
        .non_http_names
        .iter()
        .filter(|p| p.ends_with('-'))
        .any(|p| n.starts_with(p.as_str()))
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
    if says_http(item) {
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
        let members = Member::of_spec(&spec);
        let wasm = LazyWasm::new(cx.repo, cx.object, cx.doc);
        for c in spec.containers() {
            // An init step runs to completion before the pod serves: it serves nothing.
            if matches!(c.role, ContainerRole::Init | ContainerRole::Ephemeral) {
                continue;
            }
            for item in c.node.get("ports").into_iter().flat_map(|p| p.items()) {
                if http_probed(c.node, item) {
                    continue;
                }
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
                let hit = report(sink, cx.object.file, &why, msg);
                relieve(
                    hit,
                    &why,
                    &members,
                    c.name(),
                    wasm.get().map(String::as_str),
                );
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
                // The container port the Service sends this port to, when the pod declares it:
                // an HTTP or gRPC name there wins, and its container decides the relief.
                let target = target_port(&spec, item);
                if target.is_some_and(|(_, node, port)| says_http(port) || http_probed(node, port))
                {
                    continue;
                }
                let msg = describe(&who, "routes", " to this workload", &why, item, "port");
                let hit = report(sink, svc.object.file, &why, msg);
                hit.related(
                    svc.object.file,
                    svc.selector.entry_span(),
                    format!(
                        "the selector of Service `{}` matches the workload's pods",
                        svc.object.name
                    ),
                );
                let owner = target.map_or("", |(name, _, _)| name);
                relieve(hit, &why, &members, owner, wasm.get().map(String::as_str));
            }
        }
    }
}

/// The container (by name and node) and its port item that a Service port item routes to:
/// `targetPort` by name or number, else the same number as `port`.
fn target_port<'a>(spec: &PodSpec<'a>, item: YRef<'_>) -> Option<(&'a str, YRef<'a>, YRef<'a>)> {
    let target = item.get("targetPort").or_else(|| item.get("port"))?;
    let by_name = target.as_str();
    let by_number = target.as_i64();
    spec.containers()
        .filter(|c| !matches!(c.role, ContainerRole::Init | ContainerRole::Ephemeral))
        .find_map(|c| {
            let port = c.node.get("ports")?.items().find(|p| {
                by_name.is_some_and(|n| p.get("name").and_then(|v| v.as_str()) == Some(n))
                    || by_number
                        .is_some_and(|n| p.get("containerPort").and_then(|v| v.as_i64()) == Some(n))
            })?;
            Some((c.name(), c.node, port))
        })
}

/// Lower the blocker where the port does not decide: a name that only says "TCP", a recognized
/// sidecar's port beside the application, a pod that already runs Wasm.
fn relieve(
    hit: &mut crate::Hit,
    why: &Why<'_>,
    members: &[Member<'_>],
    container: &str,
    wasm: Option<&str>,
) {
    let alternative = hit
        .help
        .clone()
        .unwrap_or_else(|| NonHttpPort::META.help.to_string());
    let me = members
        .iter()
        .find(|m| m.name == container && m.role != ContainerRole::Init)
        .copied();
    // In a pod that already runs Wasm, a container whose image is a known native program runs
    // beside the Wasm one as a Linux container (mixed pods, WASM-FACTS.md §2).
    let native_beside_wasm = me.filter(|me| {
        wasm.is_some()
            && has_company(members, me)
            && me
                .image
                .and_then(analyzer::images::lookup)
                .is_some_and(|e| e.kind != ImageKind::Wasm)
    });
    if let (Some(why), Some(_)) = (wasm, native_beside_wasm) {
        hit.severity(Severity::Note).help(format!(
            "the workload already runs Wasm ({why}); `{container}` runs beside it as a Linux container, which runwasi and the Spin shim allow in a mixed pod (WASM-FACTS.md §2)"
        ));
    } else if let Some(relief) = me.and_then(|me| sidecar_relief(members, &me)) {
        hit.severity(Severity::Warning)
            .help(relief.help(container, &alternative));
    } else if let Some(why) = wasm {
        hit.severity(Severity::Warning).help(format!(
            "the workload already runs Wasm ({why}); a module serving this protocol needs `wasi:sockets` (a `wasi:cli` command component) and a shim that routes the port: {alternative}"
        ));
    } else if let Why::Named(name, _) = why
        && only_transport(name)
    {
        hit.severity(Severity::Warning).help(format!(
            "the name `{name}` says plain TCP but not which protocol: {alternative}"
        ));
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
