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
    /// Where the claim comes from (required for `sys-crate` and `tls-native` entries).
    #[serde(default)]
    pub source: Option<String>,
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
    /// The crate does not build for versions below this one (and does from it on).
    #[serde(default)]
    pub builds_before: Option<String>,
    /// Why the versions below `builds_before` do not build: completes "`<name> <version>` ...".
    #[serde(default)]
    pub before_reason: Option<String>,
}

fn yes() -> bool {
    true
}

impl CrateEntry {
    /// Is this version below `builds_before` (so the crate does not build)? `locked` is the
    /// version Cargo.lock resolved; without one, `req` (the requirement as written) counts when
    /// every version it allows is below. Neither known: not claimed.
    pub fn too_old(&self, locked: Option<&str>, req: Option<&str>) -> bool {
        let Some(before) = self.builds_before.as_deref().and_then(Version::parse) else {
            return false;
        };
        match (locked, req) {
            (Some(v), _) => Version::parse(v).is_some_and(|v| v < before),
            (None, Some(r)) => req_upper_bound(r).is_some_and(|up| up <= before),
            (None, None) => false,
        }
    }

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

/// A semver version: `major.minor.patch`, missing parts 0, build metadata ignored. A pre-release
/// sorts before its release (`3.0.0-beta.1` < `3.0.0`); pre-releases compare by their text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub nums: [u64; 3],
    pub pre: Option<String>,
}

impl Version {
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.trim();
        let text = text.split_once('+').map_or(text, |(v, _)| v);
        let (nums_text, pre) = match text.split_once('-') {
            Some((n, p)) => (n, Some(p.to_string())),
            None => (text, None),
        };
        let mut nums = [0u64; 3];
        let mut parts = nums_text.split('.');
        for slot in &mut nums {
            match parts.next() {
                Some(p) => *slot = p.parse().ok()?,
                None => break,
            }
        }
        if parts.next().is_some() {
            return None;
        }
        Some(Version { nums, pre })
    }

    /// Same semver-compatible series (cargo's caret rule): same major, or same minor for 0.x,
    /// or the same patch for 0.0.x.
    pub fn compatible(&self, other: &Version) -> bool {
        match (self.nums, other.nums) {
            ([0, 0, a], [0, 0, b]) => a == b,
            ([0, a, _], [0, b, _]) => a == b,
            ([a, _, _], [b, _, _]) => a == b,
        }
    }

    fn key(&self) -> ([u64; 3], bool, Option<&str>) {
        // A release (no pre-release) sorts after every pre-release of the same numbers.
        (self.nums, self.pre.is_none(), self.pre.as_deref())
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

/// The exclusive upper bound of the versions a Cargo requirement allows, for the plain forms
/// (`"0.5"`, `"^2.1"`, `"=0.5.3"`, `"~0.5"`); `None` for anything wider or unparsed.
fn req_upper_bound(req: &str) -> Option<Version> {
    let req = req.trim();
    if req.contains(',') || req.contains('*') || req.starts_with('>') || req.starts_with('<') {
        return None;
    }
    let bump = |v: &Version, at: usize| {
        let mut nums = [0u64; 3];
        nums[..at].copy_from_slice(&v.nums[..at]);
        nums[at - 1] += 1;
        Version { nums, pre: None }
    };
    if let Some(exact) = req.strip_prefix('=') {
        let v = Version::parse(exact)?;
        return Some(bump(&v, 3));
    }
    if let Some(tilde) = req.strip_prefix('~') {
        let parts = tilde.trim().split('.').count();
        let v = Version::parse(tilde)?;
        return Some(bump(&v, if parts == 1 { 1 } else { 2 }));
    }
    let caret = req.strip_prefix('^').unwrap_or(req).trim();
    let parts = caret.split('.').count();
    let v = Version::parse(caret)?;
    Some(match v.nums {
        [0, 0, _] if parts >= 3 => bump(&v, 3),
        [0, 0, _] if parts == 2 => bump(&v, 2),
        [0, _, _] if parts >= 2 => bump(&v, 2),
        _ => bump(&v, 1),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrateTable {
    #[serde(default)]
    pub platform_only: Vec<String>,
    #[serde(default)]
    pub host_only: Vec<String>,
    /// Components a migration replaces as a whole (HTTP server frameworks, HTTP clients).
    #[serde(default)]
    pub replaced: Vec<String>,
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

    /// A component the migration replaces as a whole (an HTTP server framework or client).
    pub fn is_replaced(&self, name: &str) -> bool {
        self.replaced.iter().any(|p| glob(p, name))
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
            // Native-code entries carry their severity decision and where it comes from
            // (docs/categories.md, "Severity policy: Rust and Cargo").
            if c.category == "sys-crate" || c.category == "tls-native" {
                assert!(
                    c.source
                        .as_deref()
                        .is_some_and(|s| s.starts_with("https://")),
                    "{}: {} entry without a source",
                    c.name,
                    c.category
                );
                assert!(
                    c.severity.is_some(),
                    "{}: {} entry without a severity",
                    c.name,
                    c.category
                );
            }
            if let Some(v) = &c.builds_before {
                assert!(Version::parse(v).is_some(), "{}: builds_before {v}", c.name);
                assert!(
                    c.before_reason.as_deref().is_some_and(|r| !r.is_empty()),
                    "{}: builds_before needs before_reason",
                    c.name
                );
                assert!(c.builds, "{}: builds_before with builds = false", c.name);
            } else {
                assert!(c.before_reason.is_none(), "{}: before_reason alone", c.name);
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

    #[test]
    fn versions_order_by_semver() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert!(v("0.5.10") < v("0.6"));
        assert!(v("0.6") == v("0.6.0"));
        assert!(v("0.10.0") > v("0.9.9"));
        assert!(v("3.0.0-beta.1") < v("3"));
        assert!(v("2.6.4") < v("3.0.0-beta.1"));
        assert!(v("0.14.7+wasi-0.2.4") == v("0.14.7"));
        assert_eq!(Version::parse("1.x"), None);
        assert_eq!(Version::parse("1.2.3.4"), None);
        assert!(v("0.8.6").compatible(&v("0.8.0")));
        assert!(!v("0.8.6").compatible(&v("0.7.4")));
        assert!(v("1.54.1").compatible(&v("1.0.0")));
        assert!(!v("0.0.3").compatible(&v("0.0.4")));
    }

    #[test]
    fn builds_before_compares_the_locked_version_or_a_bounded_requirement() {
        let text = r#"
[[crate]]
name = "socket2"
category = "raw-socket"
direct_only = true
builds_before = "0.6"
before_reason = "has no WASI support"
reason = "creates sockets"
"#;
        let t = CrateTable::parse(text);
        let e = t.entries("socket2").next().unwrap();
        assert!(e.too_old(Some("0.5.10"), None));
        assert!(e.too_old(Some("0.4.9"), Some("0.6")), "the lock wins");
        assert!(!e.too_old(Some("0.6.0"), None));
        assert!(!e.too_old(Some("0.6.1"), None));
        assert!(!e.too_old(Some("1.0.0"), None));
        // Without a lock: only when every version the requirement allows is below 0.6.
        assert!(e.too_old(None, Some("0.5")));
        assert!(e.too_old(None, Some("^0.5.3")));
        assert!(e.too_old(None, Some("=0.5.3")));
        assert!(e.too_old(None, Some("~0.5")));
        assert!(!e.too_old(None, Some("0.6")));
        assert!(!e.too_old(None, Some(">=0.5")));
        assert!(!e.too_old(None, Some("*")));
        assert!(!e.too_old(None, None));
        // The built-in entries.
        let redb = crates().entries("redb").next().unwrap();
        assert!(redb.too_old(Some("2.6.4"), None));
        assert!(!redb.too_old(Some("3.1.0"), None));
        assert!(!redb.too_old(None, Some("3")));
        assert!(redb.too_old(None, Some("2")));
    }
}
