//! Feature resolution through registry crates (`rules/data/crate-features.toml`): which features
//! each locked crate has on, and which of its optional dependencies that turns on, so the walk
//! follows only the edges a build enables.
//!
//! Cargo.lock lists every dependency that any feature could enable, including optional ones that a
//! weak feature (`dep?/feat`) merely names (cargo issue #10801), so walking every locked edge
//! reports crates the build never compiles. Starting from what the workspace requests, the
//! resolver turns features on along the graph the way cargo does, for the crates the table knows.
//! A crate it does not know (or a version of another series) keeps every edge and passes no
//! features on; everything below it is then *incomplete*: its features are a lower bound and its
//! edges are all kept. Features are only ever under-approximated, edges only ever kept too often.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::OnceLock;

use analyzer::cargo::metadata::ResolvedGraph;
use analyzer::cargo::{LockPackage, Lockfile};
use serde::Deserialize;

use crate::cargo::crates::Version;
use crate::knowledge::parse_table;

/// One crate series: its `[features]` table and the dependencies it builds for wasm32-wasip2.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrateFeatures {
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub deps: Vec<DepDecl>,
    #[serde(default)]
    pub features: BTreeMap<String, Vec<String>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DepDecl {
    pub key: String,
    /// The real crate name, when the key renames it.
    #[serde(default)]
    pub package: Option<String>,
    #[serde(default)]
    pub optional: bool,
    #[serde(default = "yes")]
    pub default_features: bool,
    #[serde(default)]
    pub features: Vec<String>,
}

fn yes() -> bool {
    true
}

impl DepDecl {
    pub fn package(&self) -> &str {
        self.package.as_deref().unwrap_or(&self.key)
    }
}

/// What a crate asks of one dependency.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ask {
    pub default_features: bool,
    pub features: BTreeSet<String>,
}

impl Ask {
    /// Merge `other` in; true when something was added.
    fn merge(&mut self, other: &Ask) -> bool {
        let mut grew = other.default_features && !self.default_features;
        self.default_features |= other.default_features;
        for f in &other.features {
            grew |= self.features.insert(f.clone());
        }
        grew
    }
}

/// A crate's features closed over its table, and what it asks of each dependency it enables
/// (by key).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resolved {
    pub features: BTreeSet<String>,
    pub deps: BTreeMap<String, Ask>,
}

impl CrateFeatures {
    /// Close the requested features over the table, as cargo does: `f` turns on feature `f` (or,
    /// for an optional dependency no `dep:` item names, the dependency itself), `dep:x` turns on
    /// dependency `x`, `x/f` turns on `x` and its feature `f`, `x?/f` turns on `f` of `x` only if
    /// something else turns `x` on. `default` is on when `default_features`.
    pub fn resolve(&self, default_features: bool, asked: &BTreeSet<String>) -> Resolved {
        let explicit: HashSet<&str> = self
            .features
            .values()
            .flatten()
            .filter_map(|i| i.strip_prefix("dep:"))
            .collect();
        let implicit = |name: &str| {
            self.deps
                .iter()
                .any(|d| d.optional && d.key == name && !explicit.contains(name))
        };
        let mut on: BTreeSet<String> = BTreeSet::new();
        let mut deps_on: BTreeSet<String> = BTreeSet::new();
        let mut extra: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut weak: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut stack: Vec<String> = asked.iter().cloned().collect();
        if default_features {
            stack.push("default".into());
        }
        while let Some(f) = stack.pop() {
            if !on.insert(f.clone()) {
                continue;
            }
            if implicit(&f) {
                deps_on.insert(f.clone());
            }
            for item in self.features.get(&f).into_iter().flatten() {
                if let Some(d) = item.strip_prefix("dep:") {
                    deps_on.insert(d.to_string());
                } else if let Some((d, feat)) = item.split_once('/') {
                    match d.strip_suffix('?') {
                        Some(d) => {
                            weak.entry(d.to_string())
                                .or_default()
                                .insert(feat.to_string());
                        }
                        None => {
                            deps_on.insert(d.to_string());
                            if implicit(d) {
                                stack.push(d.to_string());
                            }
                            extra
                                .entry(d.to_string())
                                .or_default()
                                .insert(feat.to_string());
                        }
                    }
                } else {
                    stack.push(item.clone());
                }
            }
        }
        let mut deps = BTreeMap::new();
        for d in &self.deps {
            if d.optional && !deps_on.contains(&d.key) {
                continue;
            }
            let mut ask = Ask {
                default_features: d.default_features,
                features: d.features.iter().cloned().collect(),
            };
            for f in [&extra, &weak] {
                ask.features
                    .extend(f.get(&d.key).into_iter().flatten().cloned());
            }
            deps.insert(d.key.clone(), ask);
        }
        // Only names of the table count as features (`f` may name an implicit dependency).
        on.retain(|f| self.features.contains_key(f) || implicit(f));
        Resolved { features: on, deps }
    }
}

/// The feature table of registry crates.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureTable {
    #[serde(default, rename = "crate")]
    pub crates: Vec<CrateFeatures>,
    #[serde(skip)]
    by_name: HashMap<String, Vec<(Version, usize)>>,
}

impl FeatureTable {
    pub fn parse(text: &str) -> FeatureTable {
        let mut t: FeatureTable = parse_table("crate-features.toml", text);
        t.index();
        t
    }

    fn index(&mut self) {
        for (i, c) in self.crates.iter().enumerate() {
            if let Some(v) = Version::parse(&c.version) {
                self.by_name.entry(c.name.clone()).or_default().push((v, i));
            }
        }
    }

    /// The entry for a crate at a locked version: the one of the same semver-compatible series.
    pub fn get(&self, name: &str, version: &str) -> Option<&CrateFeatures> {
        let v = Version::parse(version)?;
        self.by_name
            .get(name)?
            .iter()
            .find(|(known, _)| known.compatible(&v))
            .and_then(|&(_, i)| self.crates.get(i))
    }
}

/// The built-in table.
pub fn crate_features() -> &'static FeatureTable {
    static T: OnceLock<FeatureTable> = OnceLock::new();
    T.get_or_init(|| FeatureTable::parse(include_str!("../../data/crate-features.toml")))
}

/// The outcome of resolving one build's features over Cargo.lock.
#[derive(Debug, Default)]
pub struct LockFeatures {
    /// Per locked package the build enables: default features on, and the features known to be
    /// on (closed over the crate's table when the table knows it; a lower bound either way).
    pub enabled: HashMap<usize, (bool, BTreeSet<String>)>,
    /// `from -> to` crate names of locked edges that no package named `from` in the build
    /// enables (an optional dependency left off).
    pub pruned: HashMap<String, HashSet<String>>,
}

impl LockFeatures {
    pub fn prunes(&self, from: &str, to: &str) -> bool {
        self.pruned.get(from).is_some_and(|t| t.contains(to))
    }
}

#[derive(Debug, Default)]
struct State {
    ask: Ask,
    incomplete: bool,
    /// In the queue (not yet processed with the current state).
    queued: bool,
}

/// The same answer from the graph cargo resolved (`--cargo-metadata`): each locked
/// package the graph holds gets cargo's own features, and a locked edge is pruned when no package
/// of that name in the graph depends on the crate as a normal dependency for the target (an
/// optional dependency left off, a platform-specific one, or a build/dev-only one). Packages the
/// graph lacks (not built for the target at all) get nothing.
pub fn from_cargo_graph(lock: &Lockfile, graph: &ResolvedGraph) -> LockFeatures {
    let mut out = LockFeatures::default();
    // By name, as [`LockFeatures::prunes`] is asked: the union over the graph's versions.
    let mut deps_by_name: HashMap<&str, HashSet<&str>> = HashMap::new();
    for ((name, _), p) in &graph.packages {
        deps_by_name
            .entry(name)
            .or_default()
            .extend(p.deps.iter().map(String::as_str));
    }
    for (i, p) in lock.packages.iter().enumerate() {
        let Some(resolved) = graph.get(&p.name, &p.version) else {
            continue;
        };
        let default = resolved.features.contains("default");
        out.enabled.insert(i, (default, resolved.features.clone()));
        let Some(kept) = deps_by_name.get(p.name.as_str()) else {
            continue;
        };
        for &c in &p.dependencies {
            let Some(child) = lock.packages.get(c) else {
                continue;
            };
            if !kept.contains(child.name.as_str()) {
                out.pruned
                    .entry(p.name.clone())
                    .or_default()
                    .insert(child.name.clone());
            }
        }
    }
    out
}

/// Resolve features over `lock`, starting from `seeds` (locked package -> what the workspace asks
/// of it). `skip(from, to)` is the walk's own edge filter (platform-only and host-only crates),
/// applied the same way here.
pub fn resolve_lock(
    table: &FeatureTable,
    lock: &Lockfile,
    seeds: &[(usize, Ask)],
    skip: &dyn Fn(&str, &str) -> bool,
) -> LockFeatures {
    let mut states: HashMap<usize, State> = HashMap::new();
    let mut queue: VecDeque<usize> = VecDeque::new();
    for (i, ask) in seeds {
        let s = states.entry(*i).or_default();
        s.ask.merge(ask);
        if !s.queued {
            s.queued = true;
            queue.push_back(*i);
        }
    }
    let pkg = |i: usize| lock.packages.get(i);
    // A package is queued again only when its state grew (features, default, incomplete), so this
    // terminates; the bound guards against bugs.
    let mut budget = 64 * lock.packages.len().max(16);
    while let Some(i) = queue.pop_front() {
        if budget == 0 {
            break;
        }
        budget -= 1;
        let Some(p) = pkg(i) else { continue };
        let Some(s) = states.get_mut(&i) else {
            continue;
        };
        s.queued = false;
        let (ask, incomplete) = (s.ask.clone(), s.incomplete);
        let known = table.get(&p.name, &p.version);
        let resolved = known.map(|k| k.resolve(ask.default_features, &ask.features));
        for &c in &p.dependencies {
            let Some(child) = pkg(c) else { continue };
            if c == i || child.is_local() || skip(&p.name, &child.name) {
                continue;
            }
            let (child_ask, child_incomplete, follow) =
                edge(known, resolved.as_ref(), incomplete, child);
            if !follow {
                continue;
            }
            let fresh = !states.contains_key(&c);
            let s = states.entry(c).or_default();
            let mut grew = fresh || (!s.incomplete && child_incomplete);
            s.incomplete |= child_incomplete;
            grew |= s.ask.merge(&child_ask);
            if grew && !s.queued {
                s.queued = true;
                queue.push_back(c);
            }
        }
    }
    let mut out = LockFeatures::default();
    let mut kept: HashSet<(&str, &str)> = HashSet::new();
    let mut pruned: HashSet<(&str, &str)> = HashSet::new();
    for (&i, s) in &states {
        let Some(p) = pkg(i) else { continue };
        let known = table.get(&p.name, &p.version);
        let resolved = known.map(|k| k.resolve(s.ask.default_features, &s.ask.features));
        let feats = match &resolved {
            Some(r) => r.features.clone(),
            None => s.ask.features.clone(),
        };
        out.enabled.insert(i, (s.ask.default_features, feats));
        for &c in &p.dependencies {
            let Some(child) = pkg(c) else { continue };
            if c == i || child.is_local() || skip(&p.name, &child.name) {
                continue;
            }
            let pair = (p.name.as_str(), child.name.as_str());
            if edge(known, resolved.as_ref(), s.incomplete, child).2 {
                kept.insert(pair);
            } else {
                pruned.insert(pair);
            }
        }
    }
    for (from, to) in pruned {
        if !kept.contains(&(from, to)) {
            out.pruned
                .entry(from.to_string())
                .or_default()
                .insert(to.to_string());
        }
    }
    out
}

/// Whether the edge to `child` is followed, and what it carries: `(ask, incomplete, follow)`.
/// Only a complete crate the table knows can leave an edge off, and only for a dependency the
/// table declares optional and nothing turned on.
fn edge(
    known: Option<&CrateFeatures>,
    resolved: Option<&Resolved>,
    incomplete: bool,
    child: &LockPackage,
) -> (Ask, bool, bool) {
    let (Some(known), Some(resolved)) = (known, resolved) else {
        return (Ask::default(), true, true);
    };
    let mut ask = Ask::default();
    let mut on = false;
    let mut declared = false;
    for d in known.deps.iter().filter(|d| d.package() == child.name) {
        declared = true;
        if let Some(a) = resolved.deps.get(&d.key) {
            on = true;
            ask.merge(a);
        }
    }
    if on {
        (ask, incomplete, true)
    } else if !declared || incomplete {
        // A dependency of another version of the crate, or one a crate below an unknown one may
        // have turned on: keep it, knowing nothing of its features.
        (Ask::default(), true, true)
    } else {
        (Ask::default(), false, false)
    }
}
