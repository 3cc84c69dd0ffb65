//! Assembling manifests and locks into workspaces: membership, inheritance, targets, features,
//! and the dependency chains from a member to any crate in its resolved graph.
//!
//! Feature inference is an approximation, documented here because findings depend on it:
//! - a member is built with its default features; features it enables flow to its dependencies
//!   (`dep/feat`, `dep?/feat`, `dep:x`, implicit optional-dependency features), across path
//!   dependencies inside the workspace, to a fixpoint;
//! - optional dependencies count only when an enabled feature turns them on;
//! - what a registry crate enables in *its* dependencies is not known (its manifest is not in the
//!   repository): the lock decides presence instead, because cargo writes only activated optional
//!   dependencies into it. The lock covers every platform, so crates that exist only for other
//!   platforms (windows-sys, core-foundation, ...) are pruned by the caller's knowledge;
//! - dev-dependencies never count; build-dependencies run on the host and do not count as target
//!   code (a build script's own C compilation is reported from the build script).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use crate::cargo::cfg::WasiTarget;
use crate::cargo::lock::Lockfile;
use crate::cargo::manifest::{BuildDecl, DepKind, DepSource, Dependency, Manifest, TargetKind};
use crate::cargo::paths::{glob_match, is_within, join};
use crate::source::FileId;
use crate::span::Span;

/// Every Cargo workspace in the repository (a package outside any workspace is its own).
#[derive(Debug, Default)]
pub struct CargoProject {
    pub manifests: Vec<Manifest>,
    pub locks: Vec<Lockfile>,
    pub workspaces: Vec<CargoWorkspace>,
    /// Manifests of packages claimed by no workspace yet living under one that does not list
    /// them; cargo would refuse to build them. They are still analysed as standalone packages.
    pub notes: Vec<(FileId, Span, String)>,
    /// Member directory -> the first (workspace, member) with it, filled by `assemble`:
    /// [`CargoProject::member_of`] runs for every Rust file and Dockerfile, and a pass over all
    /// members each time made repositories of thousands of packages quadratic.
    pub member_dirs: HashMap<String, (usize, usize)>,
    /// (workspace, member) -> the graph cargo resolved for that package's build; only with
    /// `--cargo-metadata` (see [`crate::cargo::metadata`]).
    pub resolved: HashMap<(usize, usize), crate::cargo::metadata::ResolvedGraph>,
}

#[derive(Debug)]
pub struct CargoWorkspace {
    /// Repo-relative directory of the root manifest.
    pub root: String,
    /// Index into [`CargoProject::manifests`].
    pub root_manifest: usize,
    pub members: Vec<Member>,
    /// Index into [`CargoProject::locks`]: the `Cargo.lock` next to the root manifest.
    pub lock: Option<usize>,
}

#[derive(Debug)]
pub struct Member {
    pub manifest: usize,
    pub name: String,
    pub dir: String,
    /// Dependencies with `workspace = true` resolved against `[workspace.dependencies]` (spans
    /// stay on the member's own line, which is what a user edits).
    pub dependencies: Vec<Dependency>,
    pub targets: Vec<Target>,
    /// Repo-relative path of the build script, when there is one in the repository.
    pub build_script: Option<String>,
    /// `links = "..."`, with its span in the member's manifest.
    pub links: Option<(String, Span)>,
    /// Index of this member in the lock's packages.
    pub lock_package: Option<usize>,
    /// The manifest is in the scan but none of the package's target sources are (no
    /// `src/main.rs`, `src/lib.rs`, `src/bin/`, declared target file): its dependencies can be
    /// judged, its code cannot.
    pub sources_absent: bool,
}

impl Member {
    pub fn has_binary(&self) -> bool {
        self.targets
            .iter()
            .any(|t| matches!(t.kind, TargetKind::Bin | TargetKind::Cdylib))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub kind: TargetKind,
    pub name: String,
    /// Repo-relative path of the target's root source file.
    pub path: String,
}

/// What the workspace asks of one crate, as seen from one member's build.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// Default features on for at least one declaration.
    pub default_features: bool,
    pub features: BTreeSet<String>,
    /// The declarations that ask for it: manifest file and the dependency key's span.
    pub origins: Vec<(FileId, Span)>,
}

impl Request {
    /// `(default features)`, `(default features, json)`, `(default-features = false, rustls-tls)`.
    pub fn note(&self) -> String {
        let feats: Vec<&str> = self.features.iter().map(String::as_str).collect();
        match (self.default_features, feats.is_empty()) {
            (true, true) => "default features".into(),
            (true, false) => format!("default features, {}", feats.join(", ")),
            (false, true) => "default-features = false".into(),
            (false, false) => format!("default-features = false, {}", feats.join(", ")),
        }
    }

    /// Is `feature` requested (explicitly, or `default` via default features)?
    pub fn has(&self, feature: &str) -> bool {
        if feature == "default" {
            return self.default_features;
        }
        self.features.contains(feature)
    }
}

/// One step of a dependency chain: `reqwest (default features)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainStep {
    pub name: String,
    pub version: Option<String>,
    /// How the workspace asks for it, for crates a workspace manifest declares directly.
    pub note: Option<String>,
    /// The manifest line that declares this step (for the first step after a member: the line in
    /// the member's Cargo.toml that starts the chain).
    pub origin: Option<(FileId, Span)>,
}

impl ChainStep {
    pub fn label(&self) -> String {
        match &self.note {
            Some(n) => format!("{} ({n})", self.name),
            None => self.name.clone(),
        }
    }
}

/// A node of the resolved graph seen from a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    /// A package of the lock file.
    Locked(usize),
    /// A dependency declared by a workspace manifest that the lock does not (or cannot) resolve:
    /// `(manifest index, dependency index)`.
    Declared(usize, usize),
}

/// The graph reachable from one member: breadth-first parents, so each chain is a shortest one.
#[derive(Debug)]
pub struct Reach {
    pub member: String,
    parents: HashMap<Node, Option<Node>>,
    /// Nodes in breadth-first order.
    pub order: Vec<Node>,
    /// What the member's build asks of each crate it declares (by real crate name).
    pub requests: BTreeMap<String, Request>,
    /// Local packages (manifest index) built as part of this member, with enabled features.
    pub local_features: BTreeMap<usize, BTreeSet<String>>,
}

impl CargoProject {
    /// Assemble workspaces from every manifest and lock found. `paths` are all repo-relative file
    /// paths of the scan (to find `src/main.rs`, `src/bin/*.rs`, `build.rs`).
    pub fn assemble<'a>(
        manifests: Vec<Manifest>,
        locks: Vec<Lockfile>,
        paths: impl IntoIterator<Item = &'a str>,
    ) -> CargoProject {
        let paths: BTreeSet<&str> = paths.into_iter().collect();
        let mut p = CargoProject {
            manifests,
            locks,
            ..Default::default()
        };

        let mut roots: Vec<usize> = (0..p.manifests.len())
            .filter(|&i| p.manifests.get(i).is_some_and(|m| m.workspace.is_some()))
            .collect();
        // Deepest roots claim first, so a nested workspace keeps its own members.
        roots.sort_by_key(|&i| std::cmp::Reverse(p.manifests.get(i).map_or(0, |m| depth(&m.dir))));
        let mut claimed: Vec<Option<usize>> = vec![None; p.manifests.len()];
        let by_dir: HashMap<String, usize> = p
            .manifests
            .iter()
            .enumerate()
            .map(|(i, m)| (m.dir.clone(), i))
            .collect();

        let mut ws_members: Vec<(usize, Vec<usize>)> = Vec::new();
        for &r in &roots {
            let Some(root) = p.manifests.get(r) else {
                continue;
            };
            let Some(decl) = &root.workspace else {
                continue;
            };
            let mut members = Vec::new();
            if root.package.is_some() && claimed.get(r).is_some_and(Option::is_none) {
                members.push(r);
            }
            let excluded = |dir: &str| excludes(root, dir);
            for (i, m) in p.manifests.iter().enumerate() {
                if i == r || m.package.is_none() || claimed.get(i).is_some_and(Option::is_some) {
                    continue;
                }
                if !is_within(&m.dir, &root.dir) || excluded(&m.dir) {
                    continue;
                }
                let listed = decl
                    .members
                    .iter()
                    .any(|(g, _)| join(&root.dir, g).is_some_and(|g| glob_match(&g, &m.dir)));
                let explicit = m
                    .package
                    .as_ref()
                    .and_then(|pk| pk.workspace.as_deref())
                    .and_then(|w| join(&m.dir, w))
                    .is_some_and(|w| w == root.dir);
                if listed || explicit {
                    members.push(i);
                }
            }
            // Path dependencies of members inside the root are members too (cargo's rule).
            let mut queue: VecDeque<usize> = members.iter().copied().collect();
            while let Some(i) = queue.pop_front() {
                let Some(m) = p.manifests.get(i) else {
                    continue;
                };
                for d in &m.dependencies {
                    let DepSource::Path(rel) = &d.source else {
                        continue;
                    };
                    let Some(dir) = join(&m.dir, rel) else {
                        continue;
                    };
                    let Some(&j) = by_dir.get(&dir) else { continue };
                    if members.contains(&j) || claimed.get(j).is_some_and(Option::is_some) {
                        continue;
                    }
                    if p.manifests
                        .get(j)
                        .is_some_and(|t| t.package.is_some() && is_within(&t.dir, &root.dir))
                        && !excluded(&dir)
                    {
                        members.push(j);
                        queue.push_back(j);
                    }
                }
            }
            for &i in &members {
                if let Some(c) = claimed.get_mut(i) {
                    *c = Some(r);
                }
            }
            ws_members.push((r, members));
        }
        // Packages no workspace claims stand alone.
        for (i, m) in p.manifests.iter().enumerate() {
            if m.package.is_some() && claimed.get(i).is_some_and(Option::is_none) {
                ws_members.push((i, vec![i]));
                if let Some(&(r, _)) = ws_members.iter().find(|(r, _)| {
                    *r != i
                        && p.manifests.get(*r).is_some_and(|root| {
                            // An excluded package is a root of its own, as cargo intends.
                            root.workspace.is_some()
                                && is_within(&m.dir, &root.dir)
                                && !excludes(root, &m.dir)
                        })
                }) && let Some(root) = p.manifests.get(r)
                {
                    let sp = m.package.as_ref().map(|pk| pk.span).unwrap_or_default();
                    p.notes.push((
                        m.file,
                        sp,
                        format!("package `{}` is inside the workspace at `{}` but not one of its members", pkg_name(m), root.path),
                    ));
                }
            }
        }
        ws_members.sort_by(|a, b| {
            let da = p
                .manifests
                .get(a.0)
                .map(|m| m.dir.as_str())
                .unwrap_or_default();
            let db = p
                .manifests
                .get(b.0)
                .map(|m| m.dir.as_str())
                .unwrap_or_default();
            da.cmp(db)
        });

        for (r, members) in ws_members {
            let Some(root) = p.manifests.get(r) else {
                continue;
            };
            let lock_path = if root.dir.is_empty() {
                "Cargo.lock".to_string()
            } else {
                format!("{}/Cargo.lock", root.dir)
            };
            let lock = p.locks.iter().position(|l| l.path == lock_path);
            let mut ms: Vec<Member> = members
                .into_iter()
                .filter_map(|i| {
                    build_member(
                        &p.manifests,
                        r,
                        i,
                        lock.and_then(|l| p.locks.get(l)),
                        &paths,
                    )
                })
                .collect();
            ms.sort_by(|a, b| a.dir.cmp(&b.dir).then(a.name.cmp(&b.name)));
            p.workspaces.push(CargoWorkspace {
                root: root.dir.clone(),
                root_manifest: r,
                members: ms,
                lock,
            });
        }
        for (wi, w) in p.workspaces.iter().enumerate() {
            for (mi, m) in w.members.iter().enumerate() {
                p.member_dirs.entry(m.dir.clone()).or_insert((wi, mi));
            }
        }
        p
    }

    /// The workspace and member that own a repo-relative file path (the package whose directory
    /// is the longest prefix of it).
    pub fn member_of(&self, path: &str) -> Option<(usize, usize)> {
        // The longest directory containing `path` is found first walking up from the path
        // itself; among members sharing a directory the first one wins.
        let mut dir = path;
        loop {
            if let Some(&found) = self.member_dirs.get(dir) {
                return Some(found);
            }
            if dir.is_empty() {
                return None;
            }
            dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
        }
    }

    /// The member with this package name, in any workspace.
    pub fn find_member(&self, name: &str) -> Option<(usize, usize)> {
        self.workspaces.iter().enumerate().find_map(|(wi, w)| {
            w.members
                .iter()
                .position(|m| m.name == name)
                .map(|mi| (wi, mi))
        })
    }

    /// Everything one member's build pulls in. `skip(from, to)` stops the walk along an edge the
    /// caller knows is never built for the target: a platform-only crate, a host-only crate, or a
    /// dependency that `from` declares only for other targets (Cargo.lock covers all platforms).
    pub fn reach(
        &self,
        ws: usize,
        member: usize,
        target: WasiTarget,
        skip: &dyn Fn(&str, &str) -> bool,
    ) -> Option<Reach> {
        let w = self.workspaces.get(ws)?;
        let m = w.members.get(member)?;
        let lock = w.lock.and_then(|l| self.locks.get(l));
        let (local_features, active) = self.resolve_features(w, member, target);

        let mut reach = Reach {
            member: m.name.clone(),
            parents: HashMap::new(),
            order: Vec::new(),
            requests: BTreeMap::new(),
            local_features: local_features.clone(),
        };
        // Requests by crate name, from every local package in this build.
        for (&mi, deps) in &active {
            let Some(man) = self.manifests.get(mi) else {
                continue;
            };
            for (di, feats) in deps {
                let Some(d) = self.member_dep(w, mi, *di) else {
                    continue;
                };
                if self.local_target(w, mi, d).is_some() {
                    continue;
                }
                let r = reach.requests.entry(d.package.clone()).or_default();
                r.default_features |= d.uses_default_features();
                r.features.extend(feats.iter().cloned());
                r.origins.push((man.file, d.span));
            }
        }

        let start = match (lock, m.lock_package) {
            (Some(_), Some(lp)) => Node::Locked(lp),
            _ => Node::Declared(m.manifest, usize::MAX),
        };
        reach.parents.insert(start, None);
        reach.order.push(start);
        let mut queue = VecDeque::from([start]);
        while let Some(node) = queue.pop_front() {
            let from = self.node_name(w, lock, node);
            for next in self.edges(w, lock, node, &active) {
                if reach.parents.contains_key(&next) {
                    continue;
                }
                if skip(&from, &self.node_name(w, lock, next)) {
                    continue;
                }
                reach.parents.insert(next, Some(node));
                reach.order.push(next);
                queue.push_back(next);
            }
        }
        Some(reach)
    }

    /// The chain from the member to the first crate named `crate_name` in breadth-first order.
    pub fn chain_to(
        &self,
        ws: usize,
        member: usize,
        crate_name: &str,
        target: WasiTarget,
    ) -> Option<Vec<ChainStep>> {
        let reach = self.reach(ws, member, target, &|_, _| false)?;
        let w = self.workspaces.get(ws)?;
        let lock = w.lock.and_then(|l| self.locks.get(l));
        let node = reach
            .order
            .iter()
            .copied()
            .find(|n| self.node_name(w, lock, *n) == crate_name)?;
        Some(self.chain(ws, &reach, node))
    }

    /// The chain from the member to `node` (member first).
    pub fn chain(&self, ws: usize, reach: &Reach, node: Node) -> Vec<ChainStep> {
        let Some(w) = self.workspaces.get(ws) else {
            return Vec::new();
        };
        let lock = w.lock.and_then(|l| self.locks.get(l));
        let mut nodes = vec![node];
        let mut cur = node;
        while let Some(Some(p)) = reach.parents.get(&cur) {
            nodes.push(*p);
            cur = *p;
            if nodes.len() > reach.order.len() + 1 {
                break;
            }
        }
        nodes.reverse();
        let mut steps = Vec::with_capacity(nodes.len());
        let mut prev_local: Option<usize> = None;
        for n in nodes {
            let name = self.node_name(w, lock, n);
            let version = match n {
                Node::Locked(i) => lock
                    .and_then(|l| l.packages.get(i))
                    .map(|p| p.version.clone()),
                Node::Declared(..) => None,
            };
            let local = self.local_manifest(w, lock, n);
            // The declaration that starts this step: in the previous local package's manifest.
            let decl = prev_local.and_then(|pm| {
                let m = self.manifests.get(pm)?;
                let di = self
                    .member_deps(w, pm)
                    .iter()
                    .position(|d| d.package == name && d.kind == DepKind::Normal)?;
                let d = self.member_deps(w, pm).get(di)?;
                Some((m.file, d.span))
            });
            let note = match (prev_local, local) {
                (Some(_), None) => reach.requests.get(&name).map(Request::note),
                _ => None,
            };
            steps.push(ChainStep {
                name,
                version,
                note,
                origin: decl,
            });
            prev_local = local;
        }
        steps
    }

    fn node_name(&self, w: &CargoWorkspace, lock: Option<&Lockfile>, n: Node) -> String {
        match n {
            Node::Locked(i) => lock
                .and_then(|l| l.packages.get(i))
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            Node::Declared(mi, usize::MAX) => {
                self.manifests.get(mi).map(pkg_name).unwrap_or_default()
            }
            Node::Declared(mi, di) => self
                .member_dep(w, mi, di)
                .map(|d| d.package.clone())
                .unwrap_or_default(),
        }
    }

    /// The workspace manifest behind a node, if it is a local package.
    fn local_manifest(
        &self,
        w: &CargoWorkspace,
        lock: Option<&Lockfile>,
        n: Node,
    ) -> Option<usize> {
        match n {
            Node::Declared(mi, usize::MAX) => Some(mi),
            Node::Declared(..) => None,
            Node::Locked(i) => {
                let p = lock?.packages.get(i)?;
                if !p.is_local() {
                    return None;
                }
                // A member, else a path dependency outside the workspace (a standalone package's
                // `path = "store"` crate is local without being a member).
                w.members
                    .iter()
                    .find(|m| m.name == p.name)
                    .map(|m| m.manifest)
                    .or_else(|| {
                        self.manifests.iter().position(|m| {
                            m.package.as_ref().is_some_and(|pk| pk.name == p.name)
                                && is_within(&m.dir, &w.root)
                        })
                    })
            }
        }
    }

    fn edges(
        &self,
        w: &CargoWorkspace,
        lock: Option<&Lockfile>,
        node: Node,
        active: &BTreeMap<usize, Vec<(usize, BTreeSet<String>)>>,
    ) -> Vec<Node> {
        let Some(mi) = self.local_manifest(w, lock, node) else {
            // A registry (or git) package: every locked edge.
            return match (node, lock) {
                (Node::Locked(i), Some(l)) => l
                    .packages
                    .get(i)
                    .map(|p| p.dependencies.iter().map(|&d| Node::Locked(d)).collect())
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
        };
        // A local package: only its active, target-building dependencies.
        let mut out = Vec::new();
        let Some(deps) = active.get(&mi) else {
            return out;
        };
        for (di, _) in deps {
            let Some(d) = self.member_dep(w, mi, *di) else {
                continue;
            };
            let locked: Vec<usize> = match (node, lock) {
                (Node::Locked(i), Some(l)) => l
                    .packages
                    .get(i)
                    .map(|p| {
                        p.dependencies
                            .iter()
                            .copied()
                            .filter(|&x| l.packages.get(x).is_some_and(|q| q.name == d.package))
                            .collect()
                    })
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            if locked.is_empty() {
                match self.local_target(w, mi, d) {
                    Some(t) => out.push(Node::Declared(t, usize::MAX)),
                    None => out.push(Node::Declared(mi, *di)),
                }
            } else {
                out.extend(locked.into_iter().map(Node::Locked));
            }
        }
        out
    }

    /// Resolved dependencies of a local manifest (members carry inheritance applied).
    fn member_deps<'a>(&'a self, w: &'a CargoWorkspace, mi: usize) -> &'a [Dependency] {
        if let Some(m) = w.members.iter().find(|m| m.manifest == mi) {
            return &m.dependencies;
        }
        self.manifests
            .get(mi)
            .map(|m| m.dependencies.as_slice())
            .unwrap_or_default()
    }

    fn member_dep<'a>(
        &'a self,
        w: &'a CargoWorkspace,
        mi: usize,
        di: usize,
    ) -> Option<&'a Dependency> {
        self.member_deps(w, mi).get(di)
    }

    /// The workspace manifest a path dependency points at.
    fn local_target(&self, w: &CargoWorkspace, mi: usize, d: &Dependency) -> Option<usize> {
        let DepSource::Path(rel) = &d.source else {
            return None;
        };
        let dir = match w.members.iter().find(|m| m.manifest == mi) {
            Some(m) => m.dir.clone(),
            None => self.manifests.get(mi)?.dir.clone(),
        };
        let target = join(&dir, rel)?;
        self.manifests
            .iter()
            .position(|m| m.dir == target && m.package.is_some())
    }

    /// Features enabled on each local package of one member's build, and each local package's
    /// active dependencies with the features requested of them.
    #[allow(clippy::type_complexity)]
    fn resolve_features(
        &self,
        w: &CargoWorkspace,
        member: usize,
        target: WasiTarget,
    ) -> (
        BTreeMap<usize, BTreeSet<String>>,
        BTreeMap<usize, Vec<(usize, BTreeSet<String>)>>,
    ) {
        let mut enabled: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
        let mut active: BTreeMap<usize, Vec<(usize, BTreeSet<String>)>> = BTreeMap::new();
        let Some(m) = w.members.get(member) else {
            return (enabled, active);
        };
        let mut queue: VecDeque<(usize, bool, BTreeSet<String>)> =
            VecDeque::from([(m.manifest, true, BTreeSet::new())]);
        // Each round only grows a set, so this terminates; the bound is a guard against bugs.
        let mut rounds = 0usize;
        while let Some((mi, default, asked)) = queue.pop_front() {
            rounds += 1;
            if rounds > 10_000 {
                break;
            }
            let Some(man) = self.manifests.get(mi) else {
                continue;
            };
            let before = enabled.get(&mi).cloned();
            let set = enabled.entry(mi).or_default();
            if default && man.features.iter().any(|f| f.name == "default") {
                set.insert("default".into());
            }
            set.extend(asked);
            // Close over the feature table.
            let mut stack: Vec<String> = set.iter().cloned().collect();
            while let Some(f) = stack.pop() {
                if let Some(decl) = man.features.iter().find(|d| d.name == f) {
                    for item in &decl.enables {
                        if !item.contains('/')
                            && !item.starts_with("dep:")
                            && set.insert(item.clone())
                        {
                            stack.push(item.clone());
                        }
                    }
                }
            }
            if before.as_ref() == Some(set) {
                continue;
            }
            let set = set.clone();
            let items: Vec<&str> = man
                .features
                .iter()
                .filter(|f| set.contains(&f.name))
                .flat_map(|f| f.enables.iter().map(String::as_str))
                .collect();
            let deps = self.member_deps(w, mi);
            let mut act = Vec::new();
            for (di, d) in deps.iter().enumerate() {
                if !d.builds_for(target) {
                    continue;
                }
                let key = d.key.as_str();
                let on = !d.optional
                    || set.contains(key)
                    || items.iter().any(|i| {
                        i.strip_prefix("dep:") == Some(key)
                            || i.split_once('/').is_some_and(|(k, _)| k == key)
                    });
                if !on {
                    continue;
                }
                let mut feats: BTreeSet<String> = d.features.iter().cloned().collect();
                for i in &items {
                    if let Some((k, f)) = i.split_once('/')
                        && k.trim_end_matches('?') == key
                    {
                        feats.insert(f.to_string());
                    }
                }
                if let Some(t) = self.local_target(w, mi, d) {
                    queue.push_back((t, d.uses_default_features(), feats.clone()));
                }
                act.push((di, feats));
            }
            active.insert(mi, act);
        }
        (enabled, active)
    }
}

/// Whether a workspace root's `exclude` list covers a package directory.
fn excludes(root: &Manifest, dir: &str) -> bool {
    root.workspace.as_ref().is_some_and(|decl| {
        decl.exclude.iter().any(|(e, _)| {
            join(&root.dir, e).is_some_and(|e| is_within(dir, &e) || glob_match(&e, dir))
        })
    })
}

fn depth(dir: &str) -> usize {
    if dir.is_empty() {
        0
    } else {
        dir.split('/').count()
    }
}

fn pkg_name(m: &Manifest) -> String {
    m.package
        .as_ref()
        .map(|p| p.name.clone())
        .unwrap_or_default()
}

fn build_member(
    manifests: &[Manifest],
    root: usize,
    i: usize,
    lock: Option<&Lockfile>,
    paths: &BTreeSet<&str>,
) -> Option<Member> {
    let m = manifests.get(i)?;
    let pkg = m.package.as_ref()?;
    let root_m = manifests.get(root)?;
    let ws_deps = root_m
        .workspace
        .as_ref()
        .map(|w| w.dependencies.as_slice())
        .unwrap_or_default();
    let dependencies = m
        .dependencies
        .iter()
        .map(|d| {
            if !d.inherits {
                return d.clone();
            }
            let Some(base) = ws_deps.iter().find(|b| b.key == d.key) else {
                return d.clone();
            };
            let mut r = d.clone();
            r.package = base.package.clone();
            r.req = base.req.clone();
            // A path in [workspace.dependencies] is relative to the root; rewrite it relative
            // to the member so every path dependency resolves the same way.
            r.source = match &base.source {
                DepSource::Path(p) => match join(&root_m.dir, p) {
                    Some(abs) => DepSource::Path(relative(&m.dir, &abs)),
                    None => base.source.clone(),
                },
                s => s.clone(),
            };
            r.default_features = base.default_features.or(d.default_features);
            let mut feats = base.features.clone();
            feats.extend(
                d.features
                    .iter()
                    .filter(|f| !base.features.contains(f))
                    .cloned(),
            );
            r.features = feats;
            r
        })
        .collect();

    let file = |rel: &str| join(&m.dir, rel).filter(|p| paths.contains(p.as_str()));
    let mut targets = Vec::new();
    let declared_lib = m.targets.iter().filter(|t| {
        matches!(
            t.kind,
            TargetKind::Lib | TargetKind::Cdylib | TargetKind::ProcMacro
        )
    });
    let mut has_lib = false;
    for t in declared_lib {
        has_lib = true;
        let path = t
            .path
            .as_deref()
            .and_then(|p| join(&m.dir, p))
            .or_else(|| file("src/lib.rs"))
            .unwrap_or_default();
        targets.push(Target {
            kind: t.kind,
            name: t.name.clone().unwrap_or_else(|| pkg.name.replace('-', "_")),
            path,
        });
    }
    if !has_lib && let Some(path) = file("src/lib.rs") {
        targets.push(Target {
            kind: TargetKind::Lib,
            name: pkg.name.replace('-', "_"),
            path,
        });
    }
    for t in m.targets.iter().filter(|t| t.kind == TargetKind::Bin) {
        let name = t.name.clone().unwrap_or_else(|| pkg.name.clone());
        let path = t
            .path
            .as_deref()
            .and_then(|p| join(&m.dir, p))
            .or_else(|| {
                if name == pkg.name {
                    file("src/main.rs")
                } else {
                    None
                }
            })
            .or_else(|| file(&format!("src/bin/{name}.rs")))
            .or_else(|| file(&format!("src/bin/{name}/main.rs")))
            .unwrap_or_default();
        targets.push(Target {
            kind: TargetKind::Bin,
            name,
            path,
        });
    }
    if m.autobins {
        let mut auto = Vec::new();
        if let Some(path) = file("src/main.rs") {
            auto.push(Target {
                kind: TargetKind::Bin,
                name: pkg.name.clone(),
                path,
            });
        }
        let bin_dir = join(&m.dir, "src/bin").unwrap_or_default();
        let prefix = format!("{bin_dir}/");
        for p in paths
            .range(prefix.as_str()..)
            .take_while(|p| p.starts_with(&prefix))
        {
            let rest = p.get(prefix.len()..).unwrap_or_default();
            let name = match rest.split_once('/') {
                None => rest.strip_suffix(".rs"),
                Some((dir, "main.rs")) => Some(dir),
                Some(_) => None,
            };
            if let Some(name) = name {
                auto.push(Target {
                    kind: TargetKind::Bin,
                    name: name.to_string(),
                    path: p.to_string(),
                });
            }
        }
        for t in auto {
            if !targets
                .iter()
                .any(|x| x.kind == TargetKind::Bin && (x.name == t.name || x.path == t.path))
            {
                targets.push(t);
            }
        }
    }
    let build_script = match &pkg.build {
        BuildDecl::Disabled => None,
        BuildDecl::Auto => file("build.rs"),
        BuildDecl::Path(p, _) => join(&m.dir, p),
    };
    let lock_package = lock.and_then(|l| {
        let mut locals = l
            .find(&pkg.name)
            .filter(|&x| l.packages.get(x).is_some_and(|p| p.is_local()));
        let first = locals.next()?;
        let exact = std::iter::once(first).chain(locals).find(|&x| {
            pkg.version
                .as_ref()
                .is_some_and(|v| l.packages.get(x).is_some_and(|p| &p.version == v))
        });
        Some(exact.unwrap_or(first))
    });
    let sources_absent = targets
        .iter()
        .all(|t| t.path.is_empty() || !paths.contains(t.path.as_str()));
    Some(Member {
        manifest: i,
        name: pkg.name.clone(),
        dir: m.dir.clone(),
        dependencies,
        targets,
        build_script,
        links: pkg.links.clone(),
        lock_package,
        sources_absent,
    })
}

/// `to` relative to `from` (both repo-relative directories).
fn relative(from: &str, to: &str) -> String {
    let f: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let t: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = std::iter::repeat_n("..", f.len() - common).collect();
    parts.extend(t.iter().skip(common));
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// Kind of the target a file is the root of, or what role a file plays in its package.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileRole {
    /// Compiled into the package's lib or bins.
    Source,
    BuildScript,
    /// `tests/`, `benches/`, `examples/`: never part of a workload's binary.
    Test,
    Bench,
    Example,
}

impl CargoProject {
    /// The role of a `.rs` file inside its package.
    pub fn role_of(&self, path: &str) -> Option<(usize, usize, FileRole)> {
        let (wi, mi) = self.member_of(path)?;
        let m = self.workspaces.get(wi)?.members.get(mi)?;
        if m.build_script.as_deref() == Some(path) {
            return Some((wi, mi, FileRole::BuildScript));
        }
        let rest = if m.dir.is_empty() {
            path
        } else {
            path.get(m.dir.len() + 1..).unwrap_or_default()
        };
        let role = match rest.split('/').next() {
            Some("tests") => FileRole::Test,
            Some("benches") => FileRole::Bench,
            Some("examples") => FileRole::Example,
            _ => {
                // A target declared with an explicit path under tests/ etc. is still not a bin.
                let declared_test = self.manifests.get(m.manifest).is_some_and(|man| {
                    man.targets.iter().any(|t| {
                        matches!(
                            t.kind,
                            TargetKind::Test | TargetKind::Bench | TargetKind::Example
                        ) && t.path.as_deref().and_then(|p| join(&m.dir, p)).as_deref()
                            == Some(path)
                    })
                });
                if declared_test {
                    FileRole::Test
                } else {
                    FileRole::Source
                }
            }
        };
        Some((wi, mi, role))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cargo::{parse_lock, parse_manifest};
    use crate::source::SourceFile;

    /// Build a project from `(path, text)` pairs; `.rs` and other files only need to exist.
    fn project(files: &[(&str, &str)]) -> (Vec<SourceFile>, CargoProject) {
        let sources: Vec<SourceFile> = files
            .iter()
            .enumerate()
            .map(|(i, (p, t))| SourceFile::new(FileId(i as u32), *p, *t))
            .collect();
        let manifests = sources
            .iter()
            .filter(|f| f.path.ends_with("Cargo.toml"))
            .map(|f| parse_manifest(f).unwrap())
            .collect();
        let locks = sources
            .iter()
            .filter(|f| f.path.ends_with("Cargo.lock"))
            .map(|f| parse_lock(f).unwrap())
            .collect();
        let p = CargoProject::assemble(manifests, locks, sources.iter().map(|f| f.path.as_str()));
        (sources, p)
    }

    fn labels(chain: &[ChainStep]) -> String {
        chain
            .iter()
            .map(ChainStep::label)
            .collect::<Vec<_>>()
            .join(" -> ")
    }

    const WS_ROOT: &str = r#"[workspace]
members = ["crates/*", "tools/cli"]
exclude = ["crates/scratch"]

[workspace.dependencies]
reqwest = { version = "0.12", default-features = false, features = ["rustls-tls"] }
common = { path = "crates/common" }
"#;

    #[test]
    fn workspace_members_from_globs_excludes_and_path_deps() {
        let (_, p) = project(&[
            ("Cargo.toml", WS_ROOT),
            (
                "crates/api/Cargo.toml",
                "[package]\nname = \"api\"\n[dependencies]\ncommon.workspace = true\nhelper = { path = \"../../libs/helper\" }\n",
            ),
            ("crates/api/src/main.rs", ""),
            ("crates/common/Cargo.toml", "[package]\nname = \"common\"\n"),
            ("crates/common/src/lib.rs", ""),
            (
                "crates/scratch/Cargo.toml",
                "[package]\nname = \"scratch\"\n",
            ),
            ("libs/helper/Cargo.toml", "[package]\nname = \"helper\"\n"),
            ("tools/cli/Cargo.toml", "[package]\nname = \"cli\"\n"),
            ("misc/stray/Cargo.toml", "[package]\nname = \"stray\"\n"),
            (
                "other/Cargo.toml",
                "[package]\nname = \"other\"\n[workspace]\n",
            ),
        ]);
        assert_eq!(p.workspaces.len(), 4, "{:#?}", p.workspaces);
        let root = &p.workspaces[0];
        assert_eq!(root.root, "");
        let names: Vec<&str> = root.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["api", "common", "helper", "cli"]);
        assert_eq!(
            p.workspaces[1].root, "crates/scratch",
            "excluded member stands alone"
        );
        assert_eq!(p.workspaces[2].root, "misc/stray");
        assert_eq!(p.workspaces[3].root, "other");
        // Only the package neither listed nor excluded is noted: cargo refuses to build it,
        // while an excluded one is a root of its own on purpose.
        assert_eq!(p.notes.len(), 1, "{:?}", p.notes);
        assert!(
            p.notes[0]
                .2
                .contains("package `stray` is inside the workspace at `Cargo.toml`"),
            "{}",
            p.notes[0].2
        );

        let api = &root.members[0];
        assert!(api.has_binary());
        assert_eq!(
            api.targets,
            vec![Target {
                kind: TargetKind::Bin,
                name: "api".into(),
                path: "crates/api/src/main.rs".into()
            }]
        );
        // The inherited path is rewritten relative to the member.
        assert_eq!(
            api.dependencies[0].source,
            DepSource::Path("../common".into())
        );
        assert!(!root.members[1].has_binary());
        assert_eq!(p.member_of("crates/api/src/deep/x.rs"), Some((0, 0)));
        assert_eq!(p.find_member("cli"), Some((0, 3)));
    }

    #[test]
    fn inherited_dependencies_merge_features_and_keep_the_member_line() {
        let member = "[package]\nname = \"svc\"\n\n[dependencies]\nreqwest = { workspace = true, features = [\"json\"] }\n";
        let (files, p) = project(&[("Cargo.toml", WS_ROOT), ("crates/svc/Cargo.toml", member)]);
        let m = &p.workspaces[0].members[0];
        let d = &m.dependencies[0];
        assert_eq!(d.default_features, Some(false));
        assert_eq!(d.features, vec!["rustls-tls", "json"]);
        assert_eq!(d.req.as_deref(), Some("0.12"));
        let f = &files[1];
        assert_eq!(f.region(d.span).line, 5);
    }

    #[test]
    fn targets_are_discovered_like_cargo_does() {
        let (_, p) = project(&[
            (
                "Cargo.toml",
                "[package]\nname = \"multi\"\n\n[[bin]]\nname = \"admin\"\npath = \"cmd/admin.rs\"\n",
            ),
            ("build.rs", ""),
            ("src/lib.rs", ""),
            ("src/main.rs", ""),
            ("src/bin/worker.rs", ""),
            ("src/bin/migrate/main.rs", ""),
            ("src/bin/migrate/util.rs", ""),
            ("tests/it.rs", ""),
        ]);
        let m = &p.workspaces[0].members[0];
        let t: Vec<(TargetKind, &str, &str)> = m
            .targets
            .iter()
            .map(|t| (t.kind, t.name.as_str(), t.path.as_str()))
            .collect();
        assert_eq!(
            t,
            vec![
                (TargetKind::Lib, "multi", "src/lib.rs"),
                (TargetKind::Bin, "admin", "cmd/admin.rs"),
                (TargetKind::Bin, "multi", "src/main.rs"),
                (TargetKind::Bin, "migrate", "src/bin/migrate/main.rs"),
                (TargetKind::Bin, "worker", "src/bin/worker.rs"),
            ]
        );
        assert_eq!(m.build_script.as_deref(), Some("build.rs"));
        assert_eq!(
            p.role_of("build.rs").map(|r| r.2),
            Some(FileRole::BuildScript)
        );
        assert_eq!(p.role_of("tests/it.rs").map(|r| r.2), Some(FileRole::Test));
        assert_eq!(
            p.role_of("src/bin/migrate/util.rs").map(|r| r.2),
            Some(FileRole::Source)
        );
    }

    const APP: &str = r#"[package]
name = "app"
version = "0.1.0"

[dependencies]
reqwest = "0.12"
store = { path = "store" }

[dev-dependencies]
mockito = "1"

[target.'cfg(windows)'.dependencies]
winreg = "0.52"
"#;
    const STORE: &str = r#"[package]
name = "store"
version = "0.1.0"

[features]
default = ["sqlite"]
sqlite = ["dep:rusqlite", "rusqlite/bundled"]
pg = ["dep:postgres"]

[dependencies]
rusqlite = { version = "0.31", optional = true }
postgres = { version = "0.19", optional = true }
"#;
    const LOCK: &str = r#"version = 4

[[package]]
name = "app"
version = "0.1.0"
dependencies = ["mockito", "reqwest", "store", "winreg"]

[[package]]
name = "store"
version = "0.1.0"
dependencies = ["rusqlite"]

[[package]]
name = "reqwest"
version = "0.12.5"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["hyper-tls", "native-tls"]

[[package]]
name = "hyper-tls"
version = "0.6.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["native-tls"]

[[package]]
name = "native-tls"
version = "0.2.12"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["openssl", "schannel"]

[[package]]
name = "openssl"
version = "0.10.66"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["openssl-sys"]

[[package]]
name = "openssl-sys"
version = "0.9.103"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "schannel"
version = "0.1.23"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["windows-sys"]

[[package]]
name = "windows-sys"
version = "0.52.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "rusqlite"
version = "0.31.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["libsqlite3-sys"]

[[package]]
name = "libsqlite3-sys"
version = "0.28.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "mockito"
version = "1.4.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "winreg"
version = "0.52.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;

    fn app() -> (Vec<SourceFile>, CargoProject) {
        project(&[
            ("Cargo.toml", APP),
            ("Cargo.lock", LOCK),
            ("src/main.rs", ""),
            ("store/Cargo.toml", STORE),
        ])
    }

    #[test]
    fn chains_walk_the_lock_from_the_member_line() {
        let (files, p) = app();
        let w = &p.workspaces[0];
        assert_eq!(w.lock, Some(0));
        assert_eq!(w.members[0].lock_package, Some(0));
        let chain = p.chain_to(0, 0, "openssl-sys", WasiTarget::P2).unwrap();
        assert_eq!(
            labels(&chain),
            "app -> reqwest (default features) -> native-tls -> openssl -> openssl-sys"
        );
        let (fid, sp) = chain[1].origin.unwrap();
        assert_eq!(fid, files[0].id);
        assert_eq!(
            (files[0].region(sp).line, files[0].slice(sp)),
            (6, "reqwest")
        );
        assert_eq!(chain[4].version.as_deref(), Some("0.9.103"));
    }

    #[test]
    fn dev_and_other_platform_dependencies_do_not_count() {
        let (_, p) = app();
        assert!(p.chain_to(0, 0, "mockito", WasiTarget::P2).is_none());
        assert!(p.chain_to(0, 0, "winreg", WasiTarget::P2).is_none());
        // Reachable through native-tls in the lock, unless the caller prunes platform-only crates.
        assert!(p.chain_to(0, 0, "windows-sys", WasiTarget::P2).is_some());
        let reach = p
            .reach(0, 0, WasiTarget::P2, &|_, n| n == "schannel")
            .unwrap();
        let names: BTreeSet<String> = reach
            .order
            .iter()
            .map(|n| p.node_name(&p.workspaces[0], p.locks.first(), *n))
            .collect();
        assert!(!names.contains("windows-sys") && !names.contains("schannel"));
        assert!(names.contains("libsqlite3-sys"));
        // An edge a crate declares only for other targets is not walked.
        let reach = p
            .reach(0, 0, WasiTarget::P2, &|from, to| {
                from == "native-tls" && to == "openssl"
            })
            .unwrap();
        let names: BTreeSet<String> = reach
            .order
            .iter()
            .map(|n| p.node_name(&p.workspaces[0], p.locks.first(), *n))
            .collect();
        assert!(
            !names.contains("openssl")
                && !names.contains("openssl-sys")
                && names.contains("native-tls")
        );
    }

    #[test]
    fn features_flow_through_path_dependencies() {
        let (files, p) = app();
        let chain = p.chain_to(0, 0, "libsqlite3-sys", WasiTarget::P2).unwrap();
        assert_eq!(
            labels(&chain),
            "app -> store -> rusqlite (default features, bundled) -> libsqlite3-sys"
        );
        let (fid, sp) = chain[1].origin.unwrap();
        assert_eq!((fid, files[0].region(sp).line), (files[0].id, 7));
        let (fid, sp) = chain[2].origin.unwrap();
        assert_eq!((fid, files[3].region(sp).line), (files[3].id, 11));
        let reach = p.reach(0, 0, WasiTarget::P2, &|_, _| false).unwrap();
        assert!(reach.requests["rusqlite"].has("bundled"));
        assert!(
            !reach.requests.contains_key("postgres"),
            "optional dependency nobody enables"
        );
        assert_eq!(
            reach.local_features[&1],
            BTreeSet::from(["default".to_string(), "sqlite".to_string()])
        );
        assert_eq!(reach.requests["reqwest"].note(), "default features");
    }

    #[test]
    fn without_a_lock_chains_stop_at_declared_dependencies() {
        let (files, p) = project(&[
            ("Cargo.toml", APP),
            ("src/main.rs", ""),
            ("store/Cargo.toml", STORE),
        ]);
        let chain = p.chain_to(0, 0, "rusqlite", WasiTarget::P2).unwrap();
        assert_eq!(
            labels(&chain),
            "app -> store -> rusqlite (default features, bundled)"
        );
        assert_eq!(chain[2].origin.map(|(f, _)| f), Some(files[2].id));
        assert!(p.chain_to(0, 0, "openssl-sys", WasiTarget::P2).is_none());
        assert!(p.chain_to(0, 0, "winreg", WasiTarget::P2).is_none());
    }

    #[test]
    fn relative_paths() {
        assert_eq!(relative("crates/api", "crates/common"), "../common");
        assert_eq!(relative("", "a/b"), "a/b");
        assert_eq!(relative("a/b", ""), "../..");
        assert_eq!(relative("a", "a"), ".");
    }
}
