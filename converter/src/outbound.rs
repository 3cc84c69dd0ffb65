//! Outbound hosts: the peers a workload's environment names (`CART_ADDR=cart:7070`,
//! `PAYMENTS_URL=http://payments:8080/v1`, `DB_HOST=db` with a Service `db` in the namespace), as
//! Spin `allowed_outbound_hosts` entries (`scheme://host:port`); a peer whose value cannot be read
//! here (`valueFrom`, no port and no known scheme) is a line for "needs a decision", never `*`.
//! The naming rules and schemes are data: `rules/data/outbound-env.toml`.

use std::collections::HashMap;

use analyzer::yaml::YRef;
use serde::Deserialize;

const TABLE: &str = include_str!("../../rules/data/outbound-env.toml");

/// Env entries read per container: a hostile manifest's env list can be huge.
pub const MAX_ENV: usize = 512;
/// Peers kept per container.
pub const MAX_PEERS: usize = 64;
/// Parts of one comma-separated value (`a:9092,b:9092`).
const MAX_PARTS: usize = 16;
/// Longest value read, after `$(VAR)` expansion.
const MAX_VALUE: usize = 4096;
/// "Needs a decision" lines per container; past that, one line says how many more.
const MAX_DECISIONS: usize = 32;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    #[serde(default)]
    pub suffix: Vec<Suffix>,
    #[serde(default)]
    pub own_address_words: Vec<String>,
    #[serde(default)]
    pub own_address_names: Vec<String>,
    #[serde(default)]
    pub scheme: Vec<Scheme>,
    #[serde(default)]
    pub sidecar: Vec<SidecarPeer>,
}

/// A sidecar that pod annotations inject and that the module calls on localhost (Dapr).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SidecarPeer {
    pub name: String,
    /// The annotation that injects it, and the value that does.
    pub annotation: String,
    pub value: String,
    /// The annotation that sets its port, and the port when it is not set.
    pub port_annotation: String,
    pub default_port: u16,
    pub scheme: String,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suffix {
    pub suffix: String,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    pub name: String,
    pub port: u16,
    pub source: String,
}

pub fn table() -> &'static Table {
    static T: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
    T.get_or_init(|| rules::knowledge::parse_table("outbound-env.toml", TABLE))
}

/// One `allowed_outbound_hosts` entry and the env var that named it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    /// `http://cart:8080`, `*://cart:7070`.
    pub host: String,
    /// `CART_ADDR at k8s/app.yaml:20`.
    pub from: String,
}

/// The peers of a container, and what a person must decide about the others.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outbound {
    pub peers: Vec<Peer>,
    pub decisions: Vec<String>,
}

/// A Service of the workload's namespace: its ports with the scheme their name or
/// `appProtocol` announces (`http`, `https`), when one does.
pub type ServicePorts = Vec<(i64, Option<&'static str>)>;

/// The peers named by a container's `env`. `at` gives a node's `file:line`; `service` looks a
/// Service of the workload's namespace up by name.
pub fn read(
    container: YRef<'_>,
    namespace: &str,
    at: &dyn Fn(YRef<'_>) -> String,
    service: &dyn Fn(&str) -> Option<ServicePorts>,
) -> Outbound {
    let mut out = Outbound::default();
    for ef in container
        .get("envFrom")
        .into_iter()
        .flat_map(|e| e.items())
        .take(MAX_PARTS)
    {
        for kind in ["configMapRef", "secretRef"] {
            if let Some(r) = ef.get(kind) {
                let name = r.get("name").and_then(|n| n.as_str()).unwrap_or("?");
                out.decisions.push(format!(
                    "envFrom {kind} `{name}` at {} is not read here: if its keys name peers the module calls, add them to allowed_outbound_hosts (`scheme://host:port`) by hand",
                    at(r)
                ));
            }
        }
    }
    let Some(env) = container.get("env") else {
        return out;
    };
    let t = table();
    // Literal values by name, for `$(VAR)` references and `*_PORT` companions.
    let mut literals: HashMap<&str, String> = HashMap::new();
    let mut entries = Vec::new();
    let mut total = 0usize;
    for e in env.items() {
        total += 1;
        if total > MAX_ENV {
            continue;
        }
        let Some(name) = e.get("name").and_then(|n| n.as_str()) else {
            continue;
        };
        if let Some(v) = e.get("value").and_then(|v| v.as_str()) {
            let v = expand(v, &literals);
            literals.insert(name, v.clone());
            entries.push((name, e, Some(v)));
        } else {
            entries.push((name, e, None));
        }
    }
    if total > MAX_ENV {
        out.decisions.push(format!(
            "the container has {total} env entries; only the first {MAX_ENV} were read for outbound hosts: check the others by hand"
        ));
    }
    let mut dropped = 0usize;
    for (name, e, value) in entries {
        let upper = name.to_ascii_uppercase();
        let words: Vec<&str> = upper.split('_').collect();
        if t.own_address_names.contains(&upper)
            || words
                .iter()
                .any(|w| t.own_address_words.iter().any(|o| o == w))
        {
            continue;
        }
        let suffix = t
            .suffix
            .iter()
            .find(|s| words.last() == Some(&s.suffix.as_str()));
        let names_peer = suffix.is_some();
        let from = format!("{name} at {}", at(e));
        let Some(value) = value else {
            if names_peer && let Some(vf) = e.get("valueFrom") {
                let src = [
                    "configMapKeyRef",
                    "secretKeyRef",
                    "fieldRef",
                    "resourceFieldRef",
                ]
                .into_iter()
                .find(|k| vf.get(k).is_some())
                .unwrap_or("valueFrom");
                let what = vf
                    .get(src)
                    .and_then(|r| r.get("name").or_else(|| r.get("fieldPath")))
                    .and_then(|n| n.as_str())
                    .map_or(String::new(), |n| format!(" `{n}`"));
                out.decisions.push(format!(
                    "env {from} takes its value from a {src}{what}, which is not read here: add the peer it names to allowed_outbound_hosts (`scheme://host:port`) by hand"
                ));
            }
            continue;
        };
        // The `*_PORT` companion of a `*_HOST`/`*_ADDR` var.
        let companion = suffix.and_then(|s| {
            let prefix = &name[..name.len() - s.suffix.len()];
            literals
                .get(format!("{prefix}PORT").as_str())
                .or_else(|| literals.get(format!("{prefix}port").as_str()))
                .and_then(|p| p.trim().parse::<u16>().ok())
        });
        for part in value.split(',').take(MAX_PARTS) {
            let part = part.trim();
            match peer_entry(part, names_peer, companion, namespace, service) {
                Read::Hosts(hosts) => {
                    for host in hosts {
                        if out.peers.iter().any(|p| p.host == host) {
                            continue;
                        }
                        if out.peers.len() >= MAX_PEERS {
                            dropped += 1;
                            continue;
                        }
                        out.peers.push(Peer {
                            host,
                            from: from.clone(),
                        });
                    }
                }
                Read::Unknown(why) => out.decisions.push(format!(
                    "env {from} = `{}` {why}: add the peer to allowed_outbound_hosts (`scheme://host:port`) by hand, or drop it if the module does not call it",
                    shorten(part)
                )),
                Read::NotAHost => {}
            }
        }
    }
    if out.decisions.len() > MAX_DECISIONS {
        let more = out.decisions.len() - MAX_DECISIONS;
        out.decisions.truncate(MAX_DECISIONS);
        out.decisions.push(format!(
            "{more} more env entries name peers that need a decision: check the container's env by hand"
        ));
    }
    if dropped > 0 {
        out.decisions.push(format!(
            "{dropped} more outbound host(s) were named than the {MAX_PEERS} listed: check the container's env by hand"
        ));
    }
    out
}

enum Read {
    Hosts(Vec<String>),
    /// Names a peer, but not one that can be written down without guessing.
    Unknown(&'static str),
    NotAHost,
}

/// The `allowed_outbound_hosts` entries for one value (one part of a comma list).
fn peer_entry(
    value: &str,
    names_peer: bool,
    companion: Option<u16>,
    namespace: &str,
    service: &dyn Fn(&str) -> Option<ServicePorts>,
) -> Read {
    let t = table();
    if value.is_empty() || value.len() > MAX_VALUE {
        return Read::NotAHost;
    }
    if value.contains("$(") || value.contains("${") {
        return if names_peer {
            Read::Unknown("refers to another variable that is not a literal here")
        } else {
            Read::NotAHost
        };
    }
    if let Some((scheme, rest)) = value.split_once("://") {
        // A JDBC URL wraps the database's own (`jdbc:postgresql://db:5432/app`).
        let scheme = scheme.to_ascii_lowercase();
        let scheme = scheme.strip_prefix("jdbc:").unwrap_or(&scheme).to_string();
        if !t.scheme.iter().any(|s| s.name == scheme) {
            return if names_peer && scheme.bytes().all(|b| b.is_ascii_alphabetic()) {
                Read::Unknown("has a scheme Spin's outbound networking does not list")
            } else {
                Read::NotAHost
            };
        }
        // The authority: no path, query or credentials (never written into spin.toml).
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let authority = authority.rsplit('@').next().unwrap_or("");
        return match split_host_port(authority) {
            Some((host, Some(port))) => Read::Hosts(vec![format!("{scheme}://{host}:{port}")]),
            Some((host, None)) => Read::Hosts(vec![format!("{scheme}://{host}")]),
            None if names_peer => Read::Unknown("is a URL without a host this can read"),
            None => Read::NotAHost,
        };
    }
    // Without a scheme, only a var whose name says it names a peer is read.
    if !names_peer || !looks_like_host(value) {
        return Read::NotAHost;
    }
    let Some((host, port)) = split_host_port(value) else {
        return Read::NotAHost;
    };
    if is_wildcard_bind(&host) {
        return Read::NotAHost;
    }
    let svc = service_name(&host, namespace).and_then(service);
    let scheme_of = |port: u16| -> String {
        svc.as_ref()
            .and_then(|ports| ports.iter().find(|(p, _)| *p == i64::from(port)))
            .and_then(|(_, s)| *s)
            .map(str::to_string)
            .or_else(|| {
                // A well-known port says its scheme; any other gets `*` (any scheme, this host
                // and port only).
                t.scheme
                    .iter()
                    .find(|s| s.port == port)
                    .map(|s| s.name.clone())
            })
            .unwrap_or_else(|| "*".into())
    };
    match (port, companion) {
        (Some(p), _) | (None, Some(p)) => {
            Read::Hosts(vec![format!("{}://{host}:{p}", scheme_of(p))])
        }
        (None, None) => match &svc {
            Some(ports) if !ports.is_empty() => Read::Hosts(
                ports
                    .iter()
                    .take(8)
                    .filter_map(|(p, _)| u16::try_from(*p).ok())
                    .map(|p| format!("{}://{host}:{p}", scheme_of(p)))
                    .collect(),
            ),
            _ => Read::Unknown(
                "names a host with no port and no scheme, and no Service of that name is in the namespace",
            ),
        },
    }
}

/// `host[:port]` or `[v6]:port`; `None` when the host part is not a host name or address.
fn split_host_port(s: &str) -> Option<(String, Option<u16>)> {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p.parse::<u16>().ok()?),
            None if after.is_empty() => None,
            None => return None,
        };
        (format!("[{h}]"), port)
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p.parse::<u16>().ok()?)),
            None => (s.to_string(), None),
        }
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let ok = !bare.is_empty()
        && bare.len() <= 253
        && bare
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'))
        && (host.starts_with('[') || !bare.contains(':'));
    ok.then(|| (host.to_ascii_lowercase(), port))
}

/// A value that may be a host: not a number, a boolean, a path or prose.
fn looks_like_host(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    !(v.bytes().all(|b| b.is_ascii_digit())
        || matches!(
            lower.as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "none" | "null"
        )
        || v.starts_with(['/', '.', '~'])
        || v.contains(char::is_whitespace)
        || !v.bytes().any(|b| b.is_ascii_alphabetic()) && !v.contains(':'))
}

fn is_wildcard_bind(host: &str) -> bool {
    matches!(host, "0.0.0.0" | "[::]" | "*")
}

/// The Service a host names in the workload's namespace: `cart`, `cart.shop`, `cart.shop.svc`,
/// `cart.shop.svc.cluster.local`.
fn service_name<'h>(host: &'h str, namespace: &str) -> Option<&'h str> {
    let mut labels = host.split('.');
    let name = labels.next()?;
    let rest: Vec<&str> = labels.collect();
    let same_ns = match rest.as_slice() {
        [] => true,
        [ns] | [ns, "svc"] | [ns, "svc", "cluster", "local"] => *ns == namespace,
        _ => false,
    };
    same_ns.then_some(name)
}

/// The sidecars the pod's annotations inject that the module calls on localhost
/// (`http://localhost:3500` for Dapr). `annotation` reads an annotation of the pod as it will be
/// (the original, or one the plan sets).
pub fn sidecar_peers(annotation: &dyn Fn(&str) -> Option<String>) -> Vec<Peer> {
    table()
        .sidecar
        .iter()
        .filter(|s| annotation(&s.annotation).is_some_and(|v| v.trim() == s.value))
        .map(|s| {
            let port = annotation(&s.port_annotation)
                .and_then(|p| p.trim().parse::<u16>().ok())
                .unwrap_or(s.default_port);
            Peer {
                host: format!("{}://localhost:{port}", s.scheme),
                from: format!(
                    "the {} sidecar, `{}: \"{}\"`; {}",
                    s.name, s.annotation, s.value, s.source
                ),
            }
        })
        .collect()
}

fn shorten(v: &str) -> String {
    match v.char_indices().nth(80) {
        Some((i, _)) => format!("{}...", &v[..i]),
        None => v.to_string(),
    }
}

/// `$(VAR)` references to earlier literal env values, as the kubelet expands them.
fn expand(v: &str, literals: &HashMap<&str, String>) -> String {
    if !v.contains("$(") {
        return v.chars().take(MAX_VALUE).collect();
    }
    let mut out = String::new();
    let mut rest = v;
    while let Some(i) = rest.find("$(") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find(')') {
            Some(j) => {
                match literals.get(&after[..j]) {
                    Some(val) => out.push_str(val),
                    None => out.push_str(&rest[i..i + 2 + j + 1]),
                }
                rest = &after[j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
        if out.len() > MAX_VALUE {
            break;
        }
    }
    out.push_str(rest);
    out.chars().take(MAX_VALUE).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<ServicePorts> {
        None
    }

    fn hosts(v: &str, names_peer: bool) -> Vec<String> {
        match peer_entry(v, names_peer, None, "shop", &none) {
            Read::Hosts(h) => h,
            _ => Vec::new(),
        }
    }

    #[test]
    fn the_table_parses_with_a_source_per_entry() {
        let t = table();
        assert!(t.suffix.iter().any(|s| s.suffix == "ADDR"));
        assert!(t.scheme.iter().any(|s| s.name == "https" && s.port == 443));
        for s in &t.suffix {
            assert!(s.source.starts_with("https://"), "{}", s.suffix);
        }
        for s in &t.scheme {
            assert!(s.source.starts_with("https://"), "{}", s.name);
        }
    }

    #[test]
    fn urls_keep_scheme_host_and_port_only() {
        assert_eq!(hosts("http://cart:8080/x?y=1", false), ["http://cart:8080"]);
        assert_eq!(
            hosts("https://user:pw@API.example.com/v1", false),
            ["https://api.example.com"]
        );
        assert_eq!(hosts("redis://[::1]:6379", false), ["redis://[::1]:6379"]);
        assert_eq!(
            hosts("jdbc:postgresql://db:5432/app", true),
            ["postgresql://db:5432"]
        );
        assert!(hosts("file:///etc/x", true).is_empty());
        assert!(hosts("jdbc:sqlserver://db:1433", false).is_empty());
    }

    #[test]
    fn host_port_values_only_in_vars_that_name_a_peer() {
        assert_eq!(hosts("cart:7070", true), ["*://cart:7070"]);
        assert_eq!(hosts("cache:6379", true), ["redis://cache:6379"]);
        assert!(hosts("cart:7070", false).is_empty());
        for not_a_host in [
            "8080",
            "true",
            "/var/run/x.sock",
            "two words",
            "0.0.0.0:8080",
            "",
        ] {
            assert!(hosts(not_a_host, true).is_empty(), "{not_a_host}");
        }
    }

    #[test]
    fn service_names_in_the_namespace() {
        assert_eq!(service_name("cart", "shop"), Some("cart"));
        assert_eq!(
            service_name("cart.shop.svc.cluster.local", "shop"),
            Some("cart")
        );
        assert_eq!(service_name("cart.other", "shop"), None);
        assert_eq!(service_name("api.example.com", "shop"), None);
    }

    /// Read the first container of a pod spec written as YAML.
    fn read_yaml(yaml: &str) -> Outbound {
        let stream = analyzer::yaml::parse(yaml);
        let root = stream.docs[0].root().expect("root");
        let c = root
            .path(&["containers"])
            .and_then(|c| c.items().next())
            .expect("container");
        read(c, "shop", &|_| "x.yaml:1".into(), &|name| {
            (name == "cart").then(|| vec![(7070, None), (8080, Some("http"))])
        })
    }

    #[test]
    fn a_huge_env_list_is_read_up_to_its_caps() {
        let mut y = String::from("containers:\n- name: c\n  env:\n");
        for i in 0..(MAX_ENV + 100) {
            y.push_str(&format!("  - name: P{i}_URL\n    value: http://p{i}:80\n"));
        }
        let out = read_yaml(&y);
        assert_eq!(out.peers.len(), MAX_PEERS);
        assert!(
            out.decisions
                .iter()
                .any(|d| d.contains(&format!("only the first {MAX_ENV} were read")))
        );
        assert!(
            out.decisions
                .iter()
                .any(|d| d.starts_with(&format!("{} more outbound host(s)", MAX_ENV - MAX_PEERS)))
        );
    }

    #[test]
    fn companions_services_and_references() {
        let out = read_yaml(
            "containers:\n- name: c\n  env:\n  - name: CART_HOST\n    value: cart\n  - name: DB_HOST\n    value: db\n  - name: DB_PORT\n    value: \"5432\"\n  - name: API\n    value: api.example.com\n  - name: API_URL\n    value: https://$(API)/v2\n  - name: HOST\n    value: 0.0.0.0\n",
        );
        let hosts: Vec<&str> = out.peers.iter().map(|p| p.host.as_str()).collect();
        assert_eq!(
            hosts,
            [
                "*://cart:7070",
                "http://cart:8080",
                "postgres://db:5432",
                "https://api.example.com"
            ]
        );
        assert!(out.decisions.is_empty(), "{:?}", out.decisions);
    }

    #[test]
    fn references_expand_from_earlier_literals() {
        let mut l = HashMap::new();
        l.insert("HOST", "cart".to_string());
        assert_eq!(expand("http://$(HOST):80", &l), "http://cart:80");
        assert_eq!(expand("$(NOPE)", &l), "$(NOPE)");
        assert_eq!(expand("$(HOST", &l), "$(HOST");
    }
}
