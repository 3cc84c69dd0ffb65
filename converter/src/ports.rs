//! Ports and protocols of a conversion: whether the serving port speaks gRPC or another non-HTTP
//! protocol (which an HTTP shim cannot be handed silently), the annotations that name a port that
//! moves (`rules/data/port-annotations.toml`), and probes on ports the container does not declare.

use analyzer::Repo;
use analyzer::k8s::K8sObject;
use analyzer::yaml::YRef;
use rules::Category;
use rules::report::Finding;
use serde::Deserialize;

use std::collections::BTreeMap;

use crate::plan::{Change, ObjectEdit, Op};
use crate::yamledit::{NewValue, Route};

const ANNOTATIONS: &str = include_str!("../../rules/data/port-annotations.toml");

/// An annotation that names a container port by number.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortAnnotation {
    pub key: String,
    /// `pod` (the pod template's metadata) or `service` (a selecting Service's metadata).
    pub on: String,
    /// `number` or `list` (comma-separated).
    pub format: String,
    pub meaning: String,
    pub source: String,
}

/// An annotation that says which protocol the application serves.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtocolAnnotation {
    pub key: String,
    pub grpc_values: Vec<String>,
    pub source: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnotationTable {
    #[serde(default)]
    pub annotation: Vec<PortAnnotation>,
    #[serde(default)]
    pub protocol: Vec<ProtocolAnnotation>,
}

/// The built-in table (parsed once; a test parses it so a broken file fails CI).
pub fn annotations() -> &'static AnnotationTable {
    static T: std::sync::OnceLock<AnnotationTable> = std::sync::OnceLock::new();
    T.get_or_init(|| rules::knowledge::parse_table("port-annotations.toml", ANNOTATIONS))
}

/// What the serving port speaks when it is not plain HTTP, with the evidence (`file:line: what`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Protocol {
    /// `gRPC`, or the non-HTTP protocol (`redis`, `postgresql`).
    pub name: String,
    pub grpc: bool,
    pub evidence: Vec<String>,
    /// What to do instead, from `rules/data/ports.toml`, for a non-HTTP protocol.
    pub alternative: Option<String>,
}

/// Where to look for a container's serving protocol.
pub struct ProtocolInput<'a, 'r> {
    pub repo: &'r Repo,
    pub obj: &'r K8sObject,
    pub container: YRef<'a>,
    /// The serving port item (`None` when the container declares no port).
    pub port: Option<YRef<'a>>,
    /// How many ports the container declares.
    pub declared: usize,
    /// The Services that select the pod, with their roots.
    pub services: &'a [(&'r K8sObject, YRef<'r>)],
    pub pod_annotations: Option<YRef<'a>>,
    /// The scan's findings about this container (already narrowed to it).
    pub findings: &'a [&'a Finding],
}

/// The protocol of the serving port, when something says it is gRPC or not HTTP. The container
/// port itself, the Services pointing at it, `grpc` probes on it, a protocol annotation, and the
/// scan's `grpc`/`non-http-port` findings on the port's lines all count.
pub fn serving_protocol(i: &ProtocolInput<'_, '_>) -> Option<Protocol> {
    let t = rules::knowledge::ports();
    let at = |node: YRef<'_>| i.repo.file_line(i.obj.file, node.span());
    let number = i
        .port
        .and_then(|p| p.get("containerPort"))
        .and_then(|v| v.as_i64());
    let name = i.port.and_then(|p| p.get("name")).and_then(|v| v.as_str());
    let mut grpc: Vec<String> = Vec::new();
    let mut other: Option<(String, String, Option<String>)> = None;
    if let Some(p) = i.port {
        if let Some(node) = p.get("appProtocol")
            && let Some(v) = node.as_str()
            && t.app_protocol_is_grpc(v)
        {
            grpc.push(format!("{}: `appProtocol: {v}`", at(node)));
        }
        if let (Some(node), Some(n)) = (p.get("name"), name) {
            if t.name_is_grpc(n) {
                grpc.push(format!("{}: the port is named `{n}`", at(node)));
            } else if t.name_is_non_http(n) {
                other = Some((
                    format!("the protocol its port name `{n}` announces"),
                    format!("{}: the port is named `{n}`", at(node)),
                    None,
                ));
            }
        }
        let http_named = name.is_some_and(|n| t.name_is_http(n));
        if other.is_none()
            && !http_named
            && let Some(n) = number
            && let Some(info) = u16::try_from(n).ok().and_then(|n| t.by_number(n))
            && info.transport == "tcp"
        {
            let node = p.get("containerPort").unwrap_or(p);
            other = Some((
                info.protocol.clone(),
                format!(
                    "{}: port {n} is the {} port ({})",
                    at(node),
                    info.protocol,
                    info.reason
                ),
                info.alternative.clone(),
            ));
        }
    }
    // Services whose port leads to the serving port (or, for a container that declares none, any).
    for (svc, sroot) in i.services {
        for sp in sroot
            .path(&["spec", "ports"])
            .into_iter()
            .flat_map(|p| p.items())
        {
            let target = sp.get("targetPort").or_else(|| sp.get("port"));
            let leads_here = match (i.port, target) {
                (None, _) => true,
                (Some(_), Some(tp)) => {
                    tp.as_i64().is_some_and(|v| Some(v) == number)
                        || tp.as_str().is_some_and(|s| Some(s) == name)
                }
                (Some(_), None) => false,
            };
            if !leads_here {
                continue;
            }
            let sat = |node: YRef<'_>| i.repo.file_line(svc.file, node.span());
            if let Some(node) = sp.get("appProtocol")
                && let Some(v) = node.as_str()
                && t.app_protocol_is_grpc(v)
            {
                grpc.push(format!(
                    "{}: Service {} port has `appProtocol: {v}`",
                    sat(node),
                    svc.name
                ));
            }
            if let Some(node) = sp.get("name")
                && let Some(n) = node.as_str()
                && t.name_is_grpc(n)
            {
                grpc.push(format!(
                    "{}: Service {} port is named `{n}`",
                    sat(node),
                    svc.name
                ));
            }
        }
    }
    // A gRPC probe on the serving port (or on the only port there is).
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        let Some(g) = i.container.get(probe).and_then(|p| p.get("grpc")) else {
            continue;
        };
        let port = g.get("port").and_then(|v| v.as_i64());
        if i.declared <= 1 || port == number {
            let line = i.repo.file_line(i.obj.file, g.key_span());
            grpc.push(format!("{line}: a gRPC {probe}"));
        }
    }
    if let Some(ann) = i.pod_annotations {
        for pa in &annotations().protocol {
            if let Some(node) = ann.get(&pa.key)
                && let Some(v) = node.as_str()
                && pa
                    .grpc_values
                    .iter()
                    .any(|g| g.eq_ignore_ascii_case(v.trim()))
            {
                grpc.push(format!("{}: `{}: {v}`", at(node), pa.key));
            }
        }
    }
    // The scan's findings on the serving port's lines.
    if let Some(p) = i.port {
        let file = i.repo.file(i.obj.file);
        let (a, b) = (
            file.line_col(p.span().start).line,
            file.line_col(p.span().end).line,
        );
        for f in i.findings {
            if f.file != file.path || !(a..=b).contains(&f.line) {
                continue;
            }
            let line = format!("{}:{}: {} {}", f.file, f.line, f.rule, f.message);
            match f.category {
                Category::Grpc => grpc.push(line),
                Category::NonHttpPort if other.is_none() => {
                    other = Some(("a non-HTTP protocol".into(), line, None));
                }
                _ => {}
            }
        }
    }
    dedup_by_location(&mut grpc);
    if !grpc.is_empty() {
        return Some(Protocol {
            name: "gRPC".into(),
            grpc: true,
            evidence: grpc,
            alternative: None,
        });
    }
    other.map(|(name, evidence, alternative)| Protocol {
        name,
        grpc: false,
        evidence: vec![evidence],
        alternative,
    })
}

/// Keep the first piece of evidence per `file:line`.
fn dedup_by_location(v: &mut Vec<String>) {
    let mut seen = std::collections::BTreeSet::new();
    v.retain(|e| {
        let loc: String = e.splitn(3, ':').take(2).collect::<Vec<_>>().join(":");
        seen.insert(loc)
    });
}

/// The changes that move annotations naming the old port (`on`: `pod` or `service`) of the
/// mapping at `route` (the `annotations` node, when there is one), each with the annotation's key
/// and new value.
pub fn annotation_changes(
    on: &str,
    node: Option<YRef<'_>>,
    route: &Route,
    (old, new): (i64, i64),
    owner: &str,
) -> Vec<(String, String, Change)> {
    let Some(node) = node else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for a in annotations().annotation.iter().filter(|a| a.on == on) {
        let Some(value) = node.get(&a.key) else {
            continue;
        };
        let text = value.as_str().map(str::to_string).unwrap_or_default();
        let moved = match a.format.as_str() {
            "list" => move_in_list(&text, old, new),
            _ => (text.trim() == old.to_string()).then(|| new.to_string()),
        };
        let Some(moved) = moved else { continue };
        let change = Change {
            route: route.clone().key(a.key.clone()),
            op: Op::Set(NewValue::str(&moved)),
            summary: format!("{owner} annotation {}: {} -> {moved}", a.key, text.trim()),
            why: format!(
                "it names container port {old} ({}; {}), which moved to {new}",
                a.meaning, a.source
            ),
        };
        out.push((a.key.clone(), moved, change));
    }
    out
}

/// `3000, 9090` with 3000 moved to 80: `80, 9090` (spacing kept); `None` when 3000 is absent.
fn move_in_list(text: &str, old: i64, new: i64) -> Option<String> {
    let old_s = old.to_string();
    let mut hit = false;
    let parts: Vec<String> = text
        .split(',')
        .map(|p| {
            if p.trim() == old_s {
                hit = true;
                p.replace(&old_s, &new.to_string())
            } else {
                p.to_string()
            }
        })
        .collect();
    hit.then(|| parts.join(","))
}

/// A probe `httpGet`/`tcpSocket` port that names no port of the container: by number (when the
/// number is not where the runtime serves) or by a name no container port has. Each is a line
/// for "needs a decision", with the probe's `file:line`.
pub fn undeclared_probe_ports(
    repo: &Repo,
    obj: &K8sObject,
    container: YRef<'_>,
    cname: &str,
    serves: Option<(i64, &str)>,
) -> Vec<String> {
    let ports: Vec<YRef<'_>> = container
        .get("ports")
        .map(|p| p.items().collect())
        .unwrap_or_default();
    let numbers: Vec<i64> = ports
        .iter()
        .filter_map(|p| p.get("containerPort").and_then(|v| v.as_i64()))
        .collect();
    let names: Vec<&str> = ports
        .iter()
        .filter_map(|p| p.get("name").and_then(|v| v.as_str()))
        .collect();
    let mut out = Vec::new();
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        for kind in ["httpGet", "tcpSocket"] {
            let Some(port) = container
                .get(probe)
                .and_then(|p| p.get(kind))
                .and_then(|h| h.get("port"))
            else {
                continue;
            };
            let at = repo.file_line(obj.file, port.span());
            let Some(text) = port.as_str() else { continue };
            let number = text.trim().parse::<i64>().ok();
            match number {
                Some(n) if numbers.contains(&n) => {}
                // The runtime serves there: the probe reaches the module.
                Some(n) if serves.is_some_and(|(p, _)| p == n) => {}
                Some(n) => {
                    let fix = match serves {
                        Some((p, rname)) => format!("the {rname} shim serves HTTP on port {p}: point the probe at {p}, or declare the port it checks"),
                        None => "declare the port it checks, or point the probe at one the container declares".into(),
                    };
                    out.push(format!(
                        "container {cname}: the {probe} ({kind}) at {at} checks port {n}, which the container does not declare, so it is not moved with the serving port; {fix}"
                    ));
                }
                None if names.contains(&text) => {}
                None => out.push(format!(
                    "container {cname}: the {probe} ({kind}) at {at} names port `{text}`, which no port of the container is named, so the kubelet cannot resolve it: name the serving port `{text}` or give the probe a number"
                )),
            }
        }
    }
    out
}

/// NetworkPolicies whose `podSelector` selects the pod and whose ingress rules admit the old port
/// by number: each such port moves (a policy admitting 3000 would shut out the shim's 80). A
/// selector this cannot evaluate (`matchExpressions`), a port range (`endPort`) or a port given by
/// name (which follows the container port's name) is said, not guessed.
pub fn network_policy_changes(
    repo: &Repo,
    policies: &[usize],
    labels: &BTreeMap<&str, &str>,
    (old, new): (i64, i64),
) -> (Vec<ObjectEdit>, Vec<String>) {
    let mut edits = Vec::new();
    let mut asks = Vec::new();
    for &i in policies {
        let pol = &repo.objects[i];
        let Some(doc) = repo.doc_of(pol) else {
            continue;
        };
        let Some(prefix) = crate::plan::object_prefix(doc, pol) else {
            continue;
        };
        let root = pol.root(doc);
        let Some(sel) = root.path(&["spec", "podSelector"]) else {
            continue;
        };
        let selects = sel
            .get("matchLabels")
            .into_iter()
            .flat_map(|m| m.entries())
            .all(|(k, v)| v.as_str().is_some_and(|v| labels.get(k) == Some(&v)));
        if !selects {
            continue;
        }
        let unsure = sel
            .get("matchExpressions")
            .is_some_and(|e| e.items().next().is_some());
        let mut changes = Vec::new();
        for (ri, rule) in root
            .path(&["spec", "ingress"])
            .into_iter()
            .flat_map(|r| r.items())
            .enumerate()
        {
            for (pi, port) in rule
                .get("ports")
                .into_iter()
                .flat_map(|p| p.items())
                .enumerate()
            {
                let Some(number) = port.get("port").and_then(|v| v.as_i64()) else {
                    continue;
                };
                let at = repo.file_line(pol.file, port.span());
                if let Some(end) = port.get("endPort").and_then(|v| v.as_i64()) {
                    if (number..=end).contains(&old) && !(number..=end).contains(&new) {
                        asks.push(format!(
                            "NetworkPolicy {} admits ports {number}-{end} at {at}, which holds the old port {old} but not {new}: widen the range or add port {new}",
                            pol.name
                        ));
                    }
                    continue;
                }
                if number != old {
                    continue;
                }
                if unsure {
                    asks.push(format!(
                        "NetworkPolicy {} admits port {old} at {at} to pods its matchExpressions may select, which are not evaluated here: if it selects this workload, admit port {new} instead",
                        pol.name
                    ));
                    continue;
                }
                changes.push(Change {
                    route: Route::keys(&["spec", "ingress"])
                        .index(ri)
                        .key("ports")
                        .index(pi)
                        .key("port"),
                    op: Op::Set(NewValue::int(new)),
                    summary: format!("NetworkPolicy {}: ingress port {old} -> {new}", pol.name),
                    why: format!(
                        "it admits traffic to container port {old}, which moved to {new}; left as it was it would block the new port"
                    ),
                });
            }
        }
        if !changes.is_empty() {
            edits.push(ObjectEdit {
                file: pol.file,
                path: repo.file(pol.file).path.clone(),
                doc: pol.doc,
                prefix,
                api_version: pol.api_version.clone(),
                kind: pol.kind.clone(),
                name: pol.name.clone(),
                namespace: pol.namespace.clone(),
                changes,
            });
        }
    }
    (edits, asks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_with_a_source_per_entry() {
        let t = annotations();
        assert!(t.annotation.iter().any(|a| a.key == "dapr.io/app-port"));
        for a in &t.annotation {
            assert!(a.source.starts_with("https://"), "{}", a.key);
            assert!(matches!(a.on.as_str(), "pod" | "service"), "{}", a.key);
            assert!(matches!(a.format.as_str(), "number" | "list"), "{}", a.key);
        }
        assert!(t.protocol.iter().all(|p| p.source.starts_with("https://")));
    }

    #[test]
    fn lists_move_only_the_old_port() {
        assert_eq!(
            move_in_list("3000, 9090", 3000, 80).as_deref(),
            Some("80, 9090")
        );
        assert_eq!(move_in_list("30000,9090", 3000, 80), None);
    }
}
