//! The sidecar catalogue: which findings call for which helper container or annotations, read
//! from `rules/data/sidecars.toml` and overridable in `.wasm-migrate.toml` (see that file's header
//! for the matching rules).

use std::collections::BTreeMap;

use rules::report::Finding;
use serde::Deserialize;

use crate::config::ConvertConfig;

const BUILTIN: &str = include_str!("../../rules/data/sidecars.toml");

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SidecarEntry {
    pub name: String,
    /// Entries of one group are alternatives (`state`: Dapr or Redis).
    pub group: String,
    /// Why this sidecar helps, shown in the plan.
    pub reason: String,
    /// Findings of these categories call for the entry.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Findings of these categories call for it when they mention one of the words.
    #[serde(default)]
    pub mentions: Mentions,
    #[serde(default)]
    pub rules: Vec<String>,
    /// Pod annotations to set (webhook-injected sidecars such as Dapr).
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// A container to add, as a YAML mapping.
    #[serde(default)]
    pub container: Option<String>,
    /// True when the sidecar works with a SpinApp (through `podAnnotations`).
    #[serde(default)]
    pub spinapp: bool,
    /// What a person still has to do after the sidecar is added.
    #[serde(default)]
    pub decision: Option<String>,
    /// Where the pattern comes from.
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mentions {
    #[serde(default)]
    pub categories: Vec<String>,
    /// Lower-case words looked for in the finding's message and evidence chain.
    #[serde(default)]
    pub words: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Table {
    #[serde(default)]
    sidecar: Vec<SidecarEntry>,
}

/// The built-in entries (a test parses them, so a broken data file fails CI, not a conversion).
pub fn builtin() -> Vec<SidecarEntry> {
    rules::knowledge::parse_table::<Table>("sidecars.toml", BUILTIN).sidecar
}

/// The catalogue in effect: built-in entries, replaced or extended by the configuration.
pub fn effective(cfg: &ConvertConfig) -> Vec<SidecarEntry> {
    let mut out = builtin();
    for extra in &cfg.sidecar {
        match out.iter_mut().find(|e| e.name == extra.name) {
            Some(e) => *e = extra.clone(),
            None => out.push(extra.clone()),
        }
    }
    out
}

/// A sidecar chosen for a workload, with the findings that called for it.
#[derive(Clone, Debug)]
pub struct Chosen<'a> {
    pub entry: SidecarEntry,
    pub findings: Vec<&'a Finding>,
}

impl SidecarEntry {
    fn matches(&self, f: &Finding) -> bool {
        let cat = f.category.as_str();
        if self.rules.iter().any(|r| r.eq_ignore_ascii_case(&f.rule))
            || self.categories.iter().any(|c| c == cat)
        {
            return true;
        }
        if !self.mentions.categories.iter().any(|c| c == cat) {
            return false;
        }
        let hay = format!("{} {}", f.message, f.chain.join(" ")).to_ascii_lowercase();
        self.mentions
            .words
            .iter()
            .any(|w| hay.contains(&w.to_ascii_lowercase()))
    }
}

/// Pick one entry per group for the findings about the converted container (unsuppressed
/// warnings and blockers).
pub fn choose<'a>(
    catalogue: &[SidecarEntry],
    cfg: &ConvertConfig,
    findings: &[&'a Finding],
) -> Vec<Chosen<'a>> {
    let mut groups: Vec<&str> = Vec::new();
    for e in catalogue {
        if !groups.contains(&e.group.as_str()) {
            groups.push(&e.group);
        }
    }
    let mut claimed = vec![false; findings.len()];
    let mut out = Vec::new();
    for g in groups {
        let entry = match cfg.sidecars.get(g).map(String::as_str) {
            Some("none") => continue,
            Some(name) => catalogue.iter().find(|e| e.group == g && e.name == name),
            None => catalogue.iter().find(|e| e.group == g),
        };
        let Some(entry) = entry else { continue };
        let mut hits = Vec::new();
        for (i, f) in findings.iter().enumerate() {
            // A note costs nothing and asks for nothing (an HTTP listener the host will own,
            // say): only warnings and blockers call for a sidecar.
            if !claimed[i]
                && f.suppressed.is_none()
                && f.severity != rules::Severity::Note
                && entry.matches(f)
            {
                claimed[i] = true;
                hits.push(*f);
            }
        }
        if !hits.is_empty() {
            out.push(Chosen {
                entry: entry.clone(),
                findings: hits,
            });
        }
    }
    out
}

/// Fill `{app}`, `{namespace}`, `{container}`, `{image}`, `{port}` into a catalogue string.
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rules::{Category, Severity};

    pub(crate) fn finding(rule: &str, category: Category, message: &str) -> Finding {
        Finding {
            rule: rule.into(),
            category,
            severity: Severity::Warning,
            penalty: 10,
            message: message.into(),
            help: String::new(),
            file: "x".into(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            related: vec![],
            chain: vec![],
            snippet: None,
            suppressed: None,
        }
    }

    #[test]
    fn builtin_catalogue_parses_and_every_container_is_yaml() {
        let all = builtin();
        let names: Vec<&str> = all.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "dapr-state",
                "redis-kv",
                "otel-collector",
                "envoy-egress",
                "native-split"
            ]
        );
        for e in &all {
            if let Some(c) = &e.container {
                let filled = fill(c, &[("container", "api"), ("image", "ghcr.io/a/api:1")]);
                crate::yamledit::NewValue::from_yaml(&filled)
                    .unwrap_or_else(|err| panic!("{}: {err}", e.name));
            }
            assert!(
                e.container.is_some() || !e.annotations.is_empty(),
                "{} adds nothing",
                e.name
            );
        }
    }

    #[test]
    fn a_finding_is_claimed_by_the_first_matching_group() {
        let fs = [
            finding(
                "WM210",
                Category::RawSocket,
                "the `redis` crate opens TCP connections to Redis",
            ),
            finding(
                "WM211",
                Category::RawSocket,
                "the `postgres` crate speaks the PostgreSQL protocol",
            ),
            finding("WM212", Category::Udp, "statsd client sends UDP datagrams"),
            finding("WM213", Category::SysCrate, "ring builds C code"),
        ];
        let cfg = ConvertConfig::default();
        let refs: Vec<&Finding> = fs.iter().collect();
        let chosen = choose(&builtin(), &cfg, &refs);
        let got: Vec<(&str, Vec<&str>)> = chosen
            .iter()
            .map(|c| {
                (
                    c.entry.name.as_str(),
                    c.findings.iter().map(|f| f.rule.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("dapr-state", vec!["WM210"]),
                ("otel-collector", vec!["WM212"]),
                ("envoy-egress", vec!["WM211"]),
                ("native-split", vec!["WM213"]),
            ]
        );
        let mut cfg = ConvertConfig::default();
        cfg.sidecars.insert("state".into(), "redis-kv".into());
        cfg.sidecars.insert("telemetry".into(), "none".into());
        let chosen = choose(&builtin(), &cfg, &refs);
        let names: Vec<&str> = chosen.iter().map(|c| c.entry.name.as_str()).collect();
        assert_eq!(names, ["redis-kv", "envoy-egress", "native-split"]);
    }

    #[test]
    fn notes_call_for_no_sidecar() {
        // An HTTP server binding its own listener is a note (the host owns the listener on
        // Wasm): it must not pull in an egress proxy.
        let mut listener = finding(
            "WM205",
            Category::RawSocket,
            "`tokio::net::TcpListener::bind` binds its own TCP listener",
        );
        listener.severity = Severity::Note;
        let refs = vec![&listener];
        assert!(choose(&builtin(), &ConvertConfig::default(), &refs).is_empty());
    }
}
