//! Cargo rules (`WM2xx` on dependencies) and what every `WM2xx` rule sees of a Cargo package:
//! [`CrateCx`], the package's resolved build with chains, and its Rust source facts.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use analyzer::Repo;
use analyzer::cargo::{CargoWorkspace, ChainStep, FileRole, Member, Node, Reach, WasiTarget};
use analyzer::link::CrateRef;
use analyzer::rust::RustFacts;
use analyzer::source::FileId;
use analyzer::span::Span;

use crate::{Rule, Sink};

pub mod crates;
pub mod features;

mod embedded_db;
mod incompatible_crate;
mod multi_thread_runtime;
mod sources_not_present;
mod sys_crate;
mod tls_native;

pub use crates::{CrateEntry, CrateTable, WasmEdges, crates, is_sys_name, wasm_edges};
pub use embedded_db::EmbeddedDb;
pub use incompatible_crate::IncompatibleCrate;
pub use multi_thread_runtime::MultiThreadRuntime;
pub use sources_not_present::SourcesNotPresent;
pub use sys_crate::SysCrate;
pub use tls_native::TlsNative;

pub static RULES: &[&dyn Rule] = &[
    &SysCrate,
    &TlsNative,
    &MultiThreadRuntime,
    &EmbeddedDb,
    &IncompatibleCrate,
    &SourcesNotPresent,
];

/// The text every finding about a crate that breaks the build carries; the accuracy check
/// (`scripts/accuracy`) reads predictions from it.
pub const DOES_NOT_COMPILE: &str = "does not compile for wasm32-wasip2";

/// What a rule sees of one Cargo package a workload runs: its build seen from the package (local
/// path dependencies included), the resolved graph and the Rust facts of its sources.
pub struct CrateCx<'r> {
    pub repo: &'r Repo,
    pub krate: CrateRef,
    pub reach: Reach,
    /// Per locked package of the build: default features on, and the features known to be on
    /// (see [`features`]); a lower bound.
    pub features: HashMap<usize, (bool, BTreeSet<String>)>,
    /// Locked edges (`from -> to` names) the feature resolution leaves off.
    pruned: HashMap<String, HashSet<String>>,
    /// Computed on first use, see [`CrateCx::replaced_by`].
    replacements: OnceCell<Replacements>,
}

/// The components of a build that a migration replaces as a whole (an HTTP server framework or
/// client an `incompatible-crate` finding names), and what the build still reaches without them.
#[derive(Debug, Default)]
struct Replacements {
    names: BTreeSet<String>,
    /// Every node reached when the edges into the replaced components are cut.
    without: HashSet<Node>,
}

/// A crate of the build matched by a knowledge entry.
#[derive(Clone, Debug)]
pub struct DepHit<'t> {
    pub entry: &'t CrateEntry,
    pub name: String,
    pub node: Node,
    /// Member first.
    pub chain: Vec<ChainStep>,
    /// The manifest line that starts the chain.
    pub origin: (FileId, Span),
    /// The features that made a conditional entry apply.
    pub matched: Vec<String>,
    /// `Some(version)` when the crate's version is below the entry's `builds_before` (the
    /// version shown: the locked one, else the requirement).
    pub too_old: Option<String>,
}

impl DepHit<'_> {
    /// Whether a project with this crate in its build still compiles for wasm32-wasip2.
    pub fn builds(&self) -> bool {
        self.entry.builds && self.too_old.is_none()
    }
}

impl<'r> CrateCx<'r> {
    /// The build of one package, with platform-only and host-only crates pruned from the graph,
    /// and the optional dependencies of registry crates that the build's features leave off.
    pub fn new(repo: &'r Repo, krate: CrateRef) -> Option<CrateCx<'r>> {
        let skip = |from: &str, to: &str| base_skip(from, to);
        let reach = repo
            .cargo
            .reach(krate.ws, krate.member, WasiTarget::P2, &skip)?;
        let lock = repo
            .cargo
            .workspaces
            .get(krate.ws)
            .and_then(|w| w.lock)
            .and_then(|l| repo.cargo.locks.get(l));
        let Some(lock) = lock else {
            let features = HashMap::new();
            return Some(CrateCx {
                repo,
                krate,
                reach,
                features,
                pruned: HashMap::new(),
                replacements: OnceCell::new(),
            });
        };
        // `--cargo-metadata`: cargo's own resolution replaces the static one.
        let graph = repo.cargo.resolved.get(&(krate.ws, krate.member));
        let resolved = match graph {
            Some(graph) => features::from_cargo_graph(lock, graph),
            None => Self::resolve_statically(lock, &reach, &skip),
        };
        let reach = if resolved.pruned.is_empty() {
            reach
        } else {
            let skip = |from: &str, to: &str| skip(from, to) || resolved.prunes(from, to);
            repo.cargo
                .reach(krate.ws, krate.member, WasiTarget::P2, &skip)?
        };
        Some(CrateCx {
            repo,
            krate,
            reach,
            features: resolved.enabled,
            pruned: resolved.pruned,
            replacements: OnceCell::new(),
        })
    }

    /// The walk's edge filter: platform-only and host-only crates, dependencies a crate declares
    /// only for other targets, and optional edges the build's features leave off.
    fn skips(&self, from: &str, to: &str) -> bool {
        base_skip(from, to) || self.pruned.get(from).is_some_and(|t| t.contains(to))
    }

    /// The replaced component (an HTTP server framework or client that an `incompatible-crate`
    /// finding names) through which alone this build reaches `node`; `None` when the build
    /// reaches it some other way too, or nothing is replaced. Native crates reached only through
    /// such a component are reported under it: replacing it removes them.
    pub fn replaced_by(&self, node: Node) -> Option<String> {
        let r = self.replacements.get_or_init(|| self.find_replacements());
        if r.names.is_empty() || r.without.contains(&node) {
            return None;
        }
        // Name the replaced component on the chain the user sees, else the first one.
        let chain = self.repo.cargo.chain(self.krate.ws, &self.reach, node);
        chain
            .iter()
            .skip(1)
            .find(|s| r.names.contains(&s.name))
            .map(|s| s.name.clone())
            .or_else(|| r.names.iter().next().cloned())
    }

    fn find_replacements(&self) -> Replacements {
        let table = crates();
        let mut names = BTreeSet::new();
        for hit in self.dependency_hits("incompatible-crate") {
            for step in hit.chain.iter().skip(1) {
                if table.is_replaced(&step.name) {
                    names.insert(step.name.clone());
                }
            }
        }
        if names.is_empty() {
            return Replacements::default();
        }
        let skip = |from: &str, to: &str| self.skips(from, to) || names.contains(to);
        let without =
            match self
                .repo
                .cargo
                .reach(self.krate.ws, self.krate.member, WasiTarget::P2, &skip)
            {
                Some(r) => r.order.into_iter().collect(),
                // Without a second walk nothing counts as replaced.
                None => self.reach.order.iter().copied().collect(),
            };
        Replacements { names, without }
    }

    /// Features over Cargo.lock from the workspace's requests, without running cargo.
    fn resolve_statically(
        lock: &analyzer::cargo::Lockfile,
        reach: &Reach,
        skip: &dyn Fn(&str, &str) -> bool,
    ) -> features::LockFeatures {
        // Seeds: the registry crates the build's local packages depend on, with what the
        // workspace asks of them.
        let reached: HashSet<Node> = reach.order.iter().copied().collect();
        let mut seeds = Vec::new();
        for &node in &reach.order {
            let Node::Locked(i) = node else { continue };
            let Some(p) = lock.packages.get(i).filter(|p| p.is_local()) else {
                continue;
            };
            for &c in &p.dependencies {
                let Some(child) = lock.packages.get(c) else {
                    continue;
                };
                if child.is_local() || !reached.contains(&Node::Locked(c)) {
                    continue;
                }
                if let Some(req) = reach.requests.get(&child.name) {
                    let ask = features::Ask {
                        default_features: req.default_features,
                        features: req.features.clone(),
                    };
                    seeds.push((c, ask));
                }
            }
        }
        features::resolve_lock(features::crate_features(), lock, &seeds, skip)
    }

    /// What is known to be on for a crate of the build: default features, and features, from
    /// the workspace's request and the features resolved through registry crates. `None` when
    /// nothing is known (a crate only crates without feature data pull in).
    pub fn enabled_features(&self, node: Node, name: &str) -> Option<(bool, BTreeSet<String>)> {
        let req = self.reach.requests.get(name);
        let resolved = match node {
            Node::Locked(i) => self.features.get(&i),
            Node::Declared(..) => None,
        };
        match (req, resolved) {
            (None, None) => None,
            (Some(r), None) => Some((r.default_features, r.features.clone())),
            (None, Some((d, f))) => Some((*d, f.clone())),
            (Some(r), Some((d, f))) => Some((
                r.default_features || *d,
                r.features.union(f).cloned().collect(),
            )),
        }
    }

    pub fn workspace(&self) -> Option<&'r CargoWorkspace> {
        self.repo.cargo.workspaces.get(self.krate.ws)
    }

    pub fn member(&self) -> Option<&'r Member> {
        self.workspace()?.members.get(self.krate.member)
    }

    /// The member's manifest file and the span of its package name (where findings about the
    /// package itself point).
    pub fn manifest_anchor(&self) -> Option<(FileId, Span)> {
        let m = self.member()?;
        let man = self.repo.cargo.manifests.get(m.manifest)?;
        Some((
            man.file,
            man.package
                .as_ref()
                .map(|p| p.name_span)
                .unwrap_or_default(),
        ))
    }

    pub fn name_of(&self, node: Node) -> String {
        match node {
            Node::Locked(i) => self
                .workspace()
                .and_then(|w| w.lock)
                .and_then(|l| self.repo.cargo.locks.get(l))
                .and_then(|l| l.packages.get(i))
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            _ => self
                .repo
                .cargo
                .chain(self.krate.ws, &self.reach, node)
                .last()
                .map(|s| s.name.clone())
                .unwrap_or_default(),
        }
    }

    /// The version of a node: the one Cargo.lock resolved, else (for a dependency the lock does
    /// not resolve) the requirement as written. `(locked, requirement)`.
    pub fn version_of(&self, node: Node) -> (Option<String>, Option<String>) {
        match node {
            Node::Locked(i) => (
                self.workspace()
                    .and_then(|w| w.lock)
                    .and_then(|l| self.repo.cargo.locks.get(l))
                    .and_then(|l| l.packages.get(i))
                    .map(|p| p.version.clone()),
                None,
            ),
            Node::Declared(_, usize::MAX) => (None, None),
            Node::Declared(mi, di) => {
                let member_deps = self
                    .workspace()
                    .and_then(|w| w.members.iter().find(|m| m.manifest == mi))
                    .map(|m| m.dependencies.as_slice());
                let deps = member_deps.or_else(|| {
                    self.repo
                        .cargo
                        .manifests
                        .get(mi)
                        .map(|m| m.dependencies.as_slice())
                });
                (
                    None,
                    deps.and_then(|d| d.get(di)).and_then(|d| d.req.clone()),
                )
            }
        }
    }

    /// A package of the repository (a workspace member or path dependency), not a registry crate.
    pub fn is_local(&self, node: Node) -> bool {
        match node {
            Node::Declared(_, usize::MAX) => true,
            Node::Declared(..) => false,
            Node::Locked(i) => self
                .workspace()
                .and_then(|w| w.lock)
                .and_then(|l| self.repo.cargo.locks.get(l))
                .and_then(|l| l.packages.get(i))
                .is_some_and(|p| p.is_local()),
        }
    }

    /// The Cargo.lock entry of a node, for a related location.
    pub fn lock_entry(&self, node: Node) -> Option<(FileId, Span, String)> {
        let Node::Locked(i) = node else { return None };
        let lock = self.repo.cargo.locks.get(self.workspace()?.lock?)?;
        let p = lock.packages.get(i)?;
        Some((
            lock.file,
            p.span,
            format!("`{} {}` in {}", p.name, p.version, lock.path),
        ))
    }

    /// Every crate of the build that a knowledge entry of `category` matches, one per manifest
    /// line that starts a chain: one that breaks the build before one that does not, then the
    /// deepest match along the breadth-first tree, which names the crate that actually carries
    /// the problem.
    pub fn dependency_hits(&self, category: &str) -> Vec<DepHit<'static>> {
        self.dependency_hits_where(category, |_| true)
    }

    /// [`CrateCx::dependency_hits`] over the nodes `keep` accepts (before one hit is chosen per
    /// manifest line, so a crate left out does not hide another one on the same line).
    pub fn dependency_hits_where(
        &self,
        category: &str,
        keep: impl Fn(Node) -> bool,
    ) -> Vec<DepHit<'static>> {
        let table = crates();
        let mut by_origin: BTreeMap<(FileId, Span), DepHit<'static>> = BTreeMap::new();
        for &node in self.reach.order.iter().skip(1) {
            let name = self.name_of(node);
            if !table.entries(&name).any(|e| e.category == category) || !keep(node) {
                continue;
            }
            for entry in table.entries(&name).filter(|e| e.category == category) {
                let too_old = match entry.builds_before {
                    Some(_) => {
                        let (locked, req) = self.version_of(node);
                        entry
                            .too_old(locked.as_deref(), req.as_deref())
                            .then(|| locked.or(req).unwrap_or_default())
                    }
                    None => None,
                };
                // A version that does not build matters however the crate is pulled in.
                let matched = if too_old.is_some() {
                    Vec::new()
                } else if entry.is_conditional() {
                    if entry.direct_only && !self.reach.requests.contains_key(&name) {
                        continue;
                    }
                    // Features are known for crates a workspace manifest declares and for those
                    // the feature resolver reaches through registry crates it knows.
                    let Some((default, feats)) = self.enabled_features(node, &name) else {
                        continue;
                    };
                    match entry.matches(default, &feats) {
                        Some(m) => m,
                        None => continue,
                    }
                } else {
                    Vec::new()
                };
                let chain = self.repo.cargo.chain(self.krate.ws, &self.reach, node);
                let Some(origin) = chain
                    .get(1)
                    .and_then(|s| s.origin)
                    .or_else(|| self.manifest_anchor())
                else {
                    continue;
                };
                let hit = DepHit {
                    entry,
                    name: name.clone(),
                    node,
                    chain,
                    origin,
                    matched,
                    too_old,
                };
                let rank = |h: &DepHit<'_>| (!h.builds(), h.chain.len());
                match by_origin.get(&origin) {
                    Some(prev) if rank(prev) >= rank(&hit) => {}
                    _ => {
                        by_origin.insert(origin, hit);
                    }
                }
            }
        }
        by_origin.into_values().collect()
    }

    /// The standard report for a knowledge hit: at the manifest line that starts the chain, with
    /// the chain, the Cargo.lock entry as a related location, and the entry's alternative.
    pub fn report_dependency(&self, sink: &mut Sink<'_>, hit: &DepHit<'_>) {
        self.report_dependency_with(sink, hit, "");
    }

    /// [`CrateCx::report_dependency`] with `suffix` added to the message.
    pub fn report_dependency_with<'s>(
        &self,
        sink: &'s mut Sink<'_>,
        hit: &DepHit<'_>,
        suffix: &str,
    ) -> &'s mut crate::Hit {
        let message = format!("{}{suffix}", dependency_message(hit));
        let chain: Vec<String> = hit.chain.iter().map(ChainStep::label).collect();
        let h = sink.report(hit.origin.0, hit.origin.1, message);
        h.chain(chain);
        if let Some(alt) = &hit.entry.alternative {
            h.help(alt.clone());
        }
        if let Some(sev) = hit.entry.severity() {
            h.severity(sev);
        }
        if let Some((file, span, msg)) = self.lock_entry(hit.node) {
            h.related(file, span, msg);
        }
        h
    }

    /// Report native-code hits (`sys-crate`, `tls-native`): `own` as their entries say, and
    /// `under` (crates reached only through a component a migration replaces, see
    /// [`CrateCx::replaced_by`]) as notes that name the component, whose WM212 finding lists
    /// them: replacing it removes them, so they cost nothing of their own. One finding per
    /// manifest line: a line with a finding of its own shows no note.
    pub fn report_native(&self, sink: &mut Sink<'_>, own: &[DepHit<'_>], under: &[DepHit<'_>]) {
        for hit in own {
            self.report_dependency(sink, hit);
        }
        for hit in under {
            if own.iter().any(|o| o.origin == hit.origin) {
                continue;
            }
            let Some(by) = self.replaced_by(hit.node) else {
                continue;
            };
            let note = format!(
                "; the build reaches it only through `{by}`, which a move to Wasm replaces (WM212 lists it), so it goes with it"
            );
            self.report_dependency_with(sink, hit, &note)
                .severity(crate::Severity::Note);
        }
    }

    /// Where the package's program is unix-only: the `#[cfg(unix)]` (or similar) attribute on its
    /// top-level `fn main`. A WASI target is not `unix`, so a wasm build compiles the other
    /// `main` (usually a stub) and none of the real program.
    pub fn unix_program(&self) -> Option<(FileId, Span)> {
        let (wi, mi) = (self.krate.ws, self.krate.member);
        self.repo
            .rust
            .files_of(wi, mi)
            .filter(|(_, role, _)| *role == FileRole::Source)
            .find_map(|(file, _, facts)| facts.unix_main.map(|by| (file, by)))
    }

    /// The facts of the package's unix-only code, with the file each is in: facts behind a
    /// unix-only cfg in its sources, and every fact of the files a unix-only `mod` brings in.
    /// Only asked when [`CrateCx::unix_program`] says the program itself is unix-only.
    pub fn unix_only_facts(&self) -> Vec<(FileId, &'r analyzer::rust::SourceFact)> {
        let mut out = Vec::new();
        let (wi, mi) = (self.krate.ws, self.krate.member);
        let rust = &self.repo.rust;
        // Facts share their cfg attribute: judge each attribute (by file and span) once, as a
        // file may hold many facts under one long attribute.
        let mut judged: HashMap<(FileId, Span), bool> = HashMap::new();
        let mut unix_only = |file: FileId, e: &analyzer::rust::ExcludedFact| {
            *judged
                .entry((file, e.by))
                .or_insert_with(|| e.reason.is_unix_only())
        };
        for (file, role, facts) in rust.files_of(wi, mi) {
            if role != FileRole::Source {
                continue;
            }
            for e in &facts.excluded {
                if unix_only(file, e) {
                    out.push((file, &e.fact));
                }
            }
        }
        for (file, role, facts) in rust.unix_only_files_of(wi, mi) {
            if role != FileRole::Source {
                continue;
            }
            out.extend(facts.facts.iter().map(|f| (file, f)));
            // Code in such a file behind a further unix-only cfg is just as unix-only.
            for e in &facts.excluded {
                if unix_only(file, e) {
                    out.push((file, &e.fact));
                }
            }
        }
        out
    }

    /// Rust facts of every local package in this build (the package and its path dependencies),
    /// with the file's role; test-only files are left out.
    pub fn sources(&self) -> Vec<(FileId, FileRole, &'r RustFacts)> {
        let mut out = Vec::new();
        for &manifest in self.reach.local_features.keys() {
            for &(wi, mi) in self.repo.rust.members_with_manifest(manifest) {
                out.extend(self.repo.rust.files_of(wi, mi));
            }
        }
        out.sort_by_key(|(f, _, _)| *f);
        out.dedup_by_key(|(f, _, _)| *f);
        out
    }
}

/// The walk's fixed edge filter: platform-only and host-only crates, and dependencies a crate
/// declares only for other targets (`rules/data/wasm-edges.toml`).
fn base_skip(from: &str, to: &str) -> bool {
    let table = crates();
    table.is_platform_only(to) || table.is_host_only(to) || wasm_edges().skips(from, to)
}

/// "`rusqlite` (default features) embeds SQLite ..." for a direct dependency; "`app-db` pulls in
/// `libsqlite3-sys`, which ..." for a transitive one. Crates that break the build say so in
/// the words [`DOES_NOT_COMPILE`].
pub fn dependency_message(hit: &DepHit<'_>) -> String {
    let turns_on: Vec<String> = hit
        .matched
        .iter()
        .filter(|m| *m != "default")
        .map(|m| format!("`{m}`"))
        .collect();
    let mut msg = match hit.chain.get(1) {
        Some(first) if hit.chain.len() > 2 => {
            let how = first
                .note
                .as_ref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            // A conditional entry matched on a crate further down: say which features are on.
            let with = if turns_on.is_empty() {
                String::new()
            } else {
                format!(" with {} on", turns_on.join(", "))
            };
            format!(
                "`{}`{how} pulls in `{}`{with}, which {}",
                first.name, hit.name, hit.entry.reason
            )
        }
        Some(ChainStep {
            note: Some(note), ..
        }) if !turns_on.is_empty() => {
            format!(
                "`{}` ({note}) turns on {}: it {}",
                hit.name,
                turns_on.join(", "),
                hit.entry.reason
            )
        }
        Some(ChainStep {
            note: Some(note), ..
        }) if hit.entry.is_conditional() => {
            format!("`{}` ({note}) {}", hit.name, hit.entry.reason)
        }
        _ => format!("`{}` {}", hit.name, hit.entry.reason),
    };
    if let (Some(version), Some(why)) = (&hit.too_old, &hit.entry.before_reason) {
        msg.push_str(&format!("; `{} {version}` {why}", hit.name));
    }
    if !hit.builds() {
        msg.push_str(&format!("; this {DOES_NOT_COMPILE}"));
    }
    msg
}
