//! The crate knowledge table (`rules/data/crates.toml`): what each well-known crate means for a
//! Wasm build, when, and what to use instead.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::Severity;
use crate::knowledge::parse_table;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrateEntry {
    pub name: String,
    /// Category name (kebab-case, as in the report).
    pub category: String,
    pub reason: String,
    #[serde(default)]
    pub alternative: Option<String>,
    /// Whether a project that builds this crate still compiles for wasm32-wasip2.
    #[serde(default = "yes")]
    pub builds: bool,
    #[serde(default)]
    pub severity: Option<String>,
    /// The entry applies only when a workspace manifest declares the crate itself (a low-level
    /// crate that frameworks use internally, such as socket2, is only a finding when used directly).
    #[serde(default)]
    pub direct_only: bool,
    #[serde(default)]
    pub when_default: bool,
    #[serde(default)]
    pub when_features: Vec<String>,
    #[serde(default)]
    pub implies: BTreeMap<String, Vec<String>>,
}

fn yes() -> bool {
    true
}

impl CrateEntry {
    pub fn is_conditional(&self) -> bool {
        self.direct_only || self.when_default || !self.when_features.is_empty()
    }

    pub fn severity(&self) -> Option<Severity> {
        self.severity.as_deref().and_then(Severity::parse)
    }

    /// The features that make a conditional entry apply, given what the workspace requests.
    /// `None` when the entry does not apply.
    pub fn matches(
        &self,
        default_features: bool,
        features: &BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if !self.when_default && self.when_features.is_empty() {
            return Some(Vec::new());
        }
        let mut on: BTreeSet<String> = features.clone();
        if default_features {
            on.insert("default".into());
        }
        // Close over `implies` (bounded: each round only adds names from the table).
        let mut stack: Vec<String> = on.iter().cloned().collect();
        while let Some(f) = stack.pop() {
            for g in self.implies.get(&f).into_iter().flatten() {
                if on.insert(g.clone()) {
                    stack.push(g.clone());
                }
            }
        }
        let mut matched = Vec::new();
        if self.when_default && default_features {
            matched.push("default".to_string());
        }
        for f in &self.when_features {
            if on.contains(f) {
                matched.push(f.clone());
            }
        }
        if matched.is_empty() {
            None
        } else {
            Some(matched)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrateTable {
    #[serde(default)]
    pub platform_only: Vec<String>,
    #[serde(default)]
    pub host_only: Vec<String>,
    #[serde(default, rename = "crate")]
    pub crates: Vec<CrateEntry>,
    #[serde(skip)]
    by_name: HashMap<String, Vec<usize>>,
}

impl CrateTable {
    pub fn parse(text: &str) -> CrateTable {
        let mut t: CrateTable = parse_table("crates.toml", text);
        for (i, c) in t.crates.iter().enumerate() {
            t.by_name.entry(c.name.clone()).or_default().push(i);
        }
        t
    }

    pub fn entries(&self, name: &str) -> impl Iterator<Item = &CrateEntry> {
        self.by_name
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.crates.get(i))
    }

    pub fn knows(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// A crate that exists only for other platforms (never built for WASI).
    pub fn is_platform_only(&self, name: &str) -> bool {
        self.platform_only.iter().any(|p| glob(p, name))
    }

    /// A crate that only runs on the build host.
    pub fn is_host_only(&self, name: &str) -> bool {
        self.host_only.iter().any(|p| glob(p, name))
    }
}

/// `name` or `prefix*`.
fn glob(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

/// Dependencies each crate never builds for wasm32-wasip2 (`rules/data/wasm-edges.toml`,
/// generated from crate manifests).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WasmEdges {
    #[serde(default)]
    pub skip: HashMap<String, Vec<String>>,
}

impl WasmEdges {
    pub fn skips(&self, from: &str, to: &str) -> bool {
        self.skip
            .get(from)
            .is_some_and(|v| v.iter().any(|d| d == to))
    }
}

pub fn wasm_edges() -> &'static WasmEdges {
    static T: OnceLock<WasmEdges> = OnceLock::new();
    T.get_or_init(|| {
        parse_table(
            "wasm-edges.toml",
            include_str!("../../data/wasm-edges.toml"),
        )
    })
}

/// The built-in table.
pub fn crates() -> &'static CrateTable {
    static T: OnceLock<CrateTable> = OnceLock::new();
    T.get_or_init(|| CrateTable::parse(include_str!("../../data/crates.toml")))
}

/// Is this a `-sys` crate by name (`openssl-sys`, `libz_sys`)?
pub fn is_sys_name(name: &str) -> bool {
    name.ends_with("-sys") || name.ends_with("_sys")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_and_is_consistent() {
        let text = include_str!("../../data/crates.toml");
        // Strict parse first: the runtime loader falls back to an empty table on error.
        toml::from_str::<CrateTable>(text).expect("crates.toml parses");
        let t = CrateTable::parse(text);
        assert!(t.crates.len() >= 60, "{} entries", t.crates.len());
        let names: BTreeSet<&str> = t.crates.iter().map(|c| c.name.as_str()).collect();
        assert!(names.len() >= 60, "{} distinct crates", names.len());
        let categories = [
            "raw-socket",
            "udp",
            "sys-crate",
            "tls-native",
            "embedded-db",
            "threads",
            "process-spawn",
            "signal-handling",
            "writes-filesystem",
            "native-lib",
            "incompatible-crate",
        ];
        for c in &t.crates {
            assert!(
                categories.contains(&c.category.as_str()),
                "{}: unknown category {}",
                c.name,
                c.category
            );
            assert!(
                !c.reason.is_empty() && !c.reason.ends_with('.'),
                "{}: reason style",
                c.name
            );
            assert!(
                c.reason.chars().next().is_some_and(|ch| !ch.is_uppercase()),
                "{}: reason is lower-case",
                c.name
            );
            if let Some(s) = &c.severity {
                assert!(Severity::parse(s).is_some(), "{}: severity {s}", c.name);
            }
            assert!(
                !t.is_platform_only(&c.name),
                "{} is both known and platform-only",
                c.name
            );
            assert!(
                !t.is_host_only(&c.name),
                "{} is both known and host-only",
                c.name
            );
        }
    }

    #[test]
    fn the_edge_table_parses() {
        let e = toml::from_str::<WasmEdges>(include_str!("../../data/wasm-edges.toml"))
            .expect("wasm-edges.toml parses");
        assert!(e.skip.len() > 10);
        assert!(
            wasm_edges().skips("reqwest", "hyper"),
            "reqwest builds its browser backend on wasm32"
        );
        assert!(!wasm_edges().skips("reqwest", "serde"));
    }

    #[test]
    fn platform_only_crates_never_fire() {
        let t = crates();
        for n in [
            "windows-sys",
            "winapi",
            "core-foundation-sys",
            "security-framework-sys",
            "js-sys",
            "web-sys",
            "kqueue",
            "fsevent-sys",
            "windows_x86_64_msvc",
        ] {
            assert!(t.is_platform_only(n), "{n}");
        }
        assert!(!t.is_platform_only("openssl-sys"));
        assert!(t.is_host_only("cc") && t.is_host_only("bindgen"));
    }

    #[test]
    fn conditions_follow_features_and_implications() {
        let t = crates();
        let threads = t
            .entries("tokio")
            .find(|e| e.category == "threads")
            .unwrap();
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        assert_eq!(
            threads.matches(true, &set(&["full"])),
            Some(vec!["rt-multi-thread".to_string()])
        );
        assert_eq!(threads.matches(true, &set(&["rt", "macros"])), None);
        let axum = t.entries("axum").next().unwrap();
        assert_eq!(
            axum.matches(true, &set(&[])),
            Some(vec!["tokio".to_string()])
        );
        assert_eq!(axum.matches(false, &set(&["json"])), None);
        let tonic = t.entries("tonic").next().unwrap();
        assert_eq!(
            tonic.matches(true, &set(&[])),
            Some(vec!["default".to_string()])
        );
        let openssl = t.entries("openssl-sys").next().unwrap();
        assert_eq!(openssl.matches(false, &set(&[])), Some(vec![]));
    }
}
