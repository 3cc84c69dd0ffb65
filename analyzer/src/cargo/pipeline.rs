//! The Rust front-end: parse every Cargo manifest, lock and package source file in parallel,
//! then link workloads to the Cargo packages their images are built from and add a
//! `crate:<package>` workload for every binary package nothing else runs.
//!
//! Linking uses the Dockerfile's own evidence: `cargo build --bin X` / `-p X`, `cargo install
//! --path P`, and `COPY --from=... target/*/release/X`; a Dockerfile that runs a bare `cargo build`
//! inside a package's directory builds that package; then a binary copied in prebuilt
//! ([`super::prebuilt`]). Every link says why it was made.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;

use crate::cargo::paths::{is_within, parent};
use crate::cargo::workspace::FileRole;
use crate::cargo::{CargoProject, parse_lock, parse_manifest};
use crate::discover::FileKind;
use crate::dockerfile::{CargoLinkKind, Language};
use crate::frontend::{Diagnostics, Facts, Frontend, FrontendCtx, LinkCtx};
use crate::link::{CrateRef, Link, Workload};
use crate::rust::{self, Exclusion, RustFacts};
use crate::source::FileId;

/// The Rust front-end (Cargo projects and their `.rs` sources).
pub struct RustFrontend;

impl Frontend for RustFrontend {
    fn language(&self) -> Language {
        Language::Rust
    }

    fn claims(&self) -> &'static [FileKind] {
        &[FileKind::CargoToml, FileKind::CargoLock, FileKind::Rust]
    }

    fn parse(&self, ctx: &FrontendCtx<'_>, diags: &mut Diagnostics) -> Facts {
        Facts::Rust(Box::new(parse(ctx, diags)))
    }

    fn link(&self, ctx: &mut LinkCtx<'_>) {
        link(ctx);
        super::prebuilt::link(ctx);
    }

    fn runs(&self, w: &Workload) -> bool {
        !w.crates.is_empty()
    }
}

/// What the Rust front-end found: the Cargo model and the facts of the package sources.
#[derive(Debug, Default)]
pub struct RustFrontendFacts {
    pub cargo: CargoProject,
    pub rust: RustIndex,
}

/// Rust facts of the scanned packages.
#[derive(Debug, Default)]
pub struct RustIndex {
    /// Facts of every parsed `.rs` file (package sources and build scripts).
    pub facts: BTreeMap<FileId, RustFacts>,
    /// Files that are only compiled in test builds or not for WASI (`#[cfg(test)] mod tests;`),
    /// with the reason.
    pub excluded_files: BTreeMap<FileId, Exclusion>,
    /// Workspace, member and role of every parsed file.
    pub roles: BTreeMap<FileId, (usize, usize, FileRole)>,
    /// The files of `roles` by workspace and member, in file order: rules ask per package, and a
    /// pass over every file per package made repositories of thousands of packages quadratic.
    pub by_member: HashMap<(usize, usize), Vec<FileId>>,
    /// Workspace and member of each manifest (by index into `CargoProject::manifests`).
    pub members_by_manifest: HashMap<usize, Vec<(usize, usize)>>,
}

impl RustIndex {
    /// The files of one package that count against its build (sources and build script).
    pub fn files_of(
        &self,
        ws: usize,
        member: usize,
    ) -> impl Iterator<Item = (FileId, FileRole, &RustFacts)> {
        self.by_member
            .get(&(ws, member))
            .into_iter()
            .flatten()
            .filter_map(|id| {
                if self.excluded_files.contains_key(id) {
                    return None;
                }
                let (_, _, role) = self.roles.get(id)?;
                self.facts.get(id).map(|f| (*id, *role, f))
            })
    }

    /// The files of one package that a unix-only cfg compiles out of a WASI build
    /// (`#[cfg(unix)] mod server;`), with their facts.
    pub fn unix_only_files_of(
        &self,
        ws: usize,
        member: usize,
    ) -> impl Iterator<Item = (FileId, FileRole, &RustFacts)> {
        self.by_member
            .get(&(ws, member))
            .into_iter()
            .flatten()
            .filter_map(|id| {
                if !self.excluded_files.get(id)?.is_unix_only() {
                    return None;
                }
                let (_, _, role) = self.roles.get(id)?;
                self.facts.get(id).map(|f| (*id, *role, f))
            })
    }

    /// Every (workspace, member) whose manifest is `manifest`.
    pub fn members_with_manifest(&self, manifest: usize) -> &[(usize, usize)] {
        self.members_by_manifest
            .get(&manifest)
            .map_or(&[], |v| v.as_slice())
    }
}

/// Parse Cargo manifests, locks and package sources; assemble workspaces.
pub fn parse(ctx: &FrontendCtx<'_>, diags: &mut Diagnostics) -> RustFrontendFacts {
    let parsed: Vec<(usize, Result<Parsed, crate::error::FileError>)> = ctx
        .files
        .par_iter()
        .zip(ctx.kinds.par_iter())
        .enumerate()
        .filter(|(_, (_, k))| matches!(k, FileKind::CargoToml | FileKind::CargoLock))
        .map(|(i, (f, k))| {
            let r = match k {
                FileKind::CargoToml => parse_manifest(f).map(|m| Parsed::Manifest(Box::new(m))),
                _ => parse_lock(f).map(Parsed::Lock),
            };
            (i, r)
        })
        .collect();
    let mut manifests = Vec::new();
    let mut locks = Vec::new();
    for (_, r) in parsed {
        match r {
            Ok(Parsed::Manifest(m)) => manifests.push(*m),
            Ok(Parsed::Lock(l)) => locks.push(l),
            Err(e) => diags.errors.push(e),
        }
    }
    let project =
        CargoProject::assemble(manifests, locks, ctx.files.iter().map(|f| f.path.as_str()));
    for (file, span, message) in &project.notes {
        diags.notes.push(crate::error::Note {
            path: ctx.file(*file).path.clone(),
            location: Some((*file, *span)),
            message: message.clone(),
        });
    }

    // Only sources that belong to a package and are compiled into it are parsed: tests,
    // benches and examples never count, so they are not read further.
    let roles: BTreeMap<FileId, (usize, usize, FileRole)> = ctx
        .files
        .iter()
        .zip(ctx.kinds.iter())
        .filter(|(_, k)| **k == FileKind::Rust)
        .filter_map(|(f, _)| {
            let (w, m, role) = project.role_of(&f.path)?;
            matches!(role, FileRole::Source | FileRole::BuildScript).then_some((f.id, (w, m, role)))
        })
        .collect();
    let ids: Vec<FileId> = roles.keys().copied().collect();
    let results: Vec<(FileId, Result<RustFacts, crate::error::FileError>)> =
        rust::with_parser_pool(|| {
            ids.par_iter()
                .map(|id| (*id, rust::analyze_source(ctx.file(*id))))
                .collect()
        });
    let mut by_member: HashMap<(usize, usize), Vec<FileId>> = HashMap::new();
    for (id, (w, m, _)) in &roles {
        // `roles` iterates in file order, so each list is sorted.
        by_member.entry((*w, *m)).or_default().push(*id);
    }
    let mut members_by_manifest: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
    for (wi, w) in project.workspaces.iter().enumerate() {
        for (mi, m) in w.members.iter().enumerate() {
            members_by_manifest
                .entry(m.manifest)
                .or_default()
                .push((wi, mi));
        }
    }
    let mut index = RustIndex {
        roles,
        by_member,
        members_by_manifest,
        ..Default::default()
    };
    for (id, r) in results {
        match r {
            Ok(f) => {
                index.facts.insert(id, f);
            }
            Err(e) => diags.errors.push(e),
        }
    }

    // `#[cfg(test)] mod tests;` makes `tests.rs` (and everything it declares) test-only.
    let mut work: Vec<(FileId, Exclusion)> = Vec::new();
    for (id, facts) in &index.facts {
        let path = &ctx.file(*id).path;
        for m in &facts.mods {
            if let Some(ex) = &m.excluded {
                for cand in rust::mod_file_candidates(path, m) {
                    if let Some(f) = ctx.file_by_path(&cand) {
                        work.push((f.id, ex.clone()));
                    }
                }
            }
        }
    }
    while let Some((id, ex)) = work.pop() {
        if index.excluded_files.contains_key(&id) {
            continue;
        }
        index.excluded_files.insert(id, ex.clone());
        if let Some(facts) = index.facts.get(&id) {
            let path = &ctx.file(id).path;
            for m in &facts.mods {
                for cand in rust::mod_file_candidates(path, m) {
                    if let Some(f) = ctx.file_by_path(&cand) {
                        work.push((f.id, ex.clone()));
                    }
                }
            }
        }
    }
    RustFrontendFacts {
        cargo: project,
        rust: index,
    }
}

enum Parsed {
    Manifest(Box<crate::cargo::Manifest>),
    Lock(crate::cargo::Lockfile),
}

/// Link workloads to Cargo packages and add `crate:` workloads for binaries nothing runs.
pub fn link(ctx: &mut LinkCtx<'_>) {
    let (scan, cargo, rust) = (&ctx.scan, ctx.facts.cargo, ctx.facts.rust);
    let mut linked: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut per_workload: Vec<Vec<(CrateRef, Link)>> = Vec::with_capacity(ctx.workloads.len());
    let mut dockerfile_links: BTreeMap<FileId, Vec<(CrateRef, Link)>> = BTreeMap::new();
    let names = MemberNames::new(cargo);
    for w in ctx.workloads.iter() {
        let mut found = Vec::new();
        for &df in &w.dockerfiles {
            let links = dockerfile_links
                .entry(df)
                .or_insert_with(|| crates_built_by(scan, cargo, &names, df));
            for l in links.iter() {
                if !found
                    .iter()
                    .any(|(c, _): &(CrateRef, Link)| c.ws == l.0.ws && c.member == l.0.member)
                {
                    found.push(l.clone());
                }
            }
        }
        per_workload.push(found);
    }
    for (w, found) in ctx.workloads.iter_mut().zip(per_workload) {
        for (c, l) in found {
            linked.insert((c.ws, c.member));
            w.sources.extend(sources_of(cargo, rust, c.ws, c.member));
            if !w.links.contains(&l) {
                w.links.push(l);
            }
            w.crates.push(c);
        }
    }
    let mut extra = Vec::new();
    for (wi, ws) in cargo.workspaces.iter().enumerate() {
        for (mi, m) in ws.members.iter().enumerate() {
            // A package whose sources are not in the scan may be a binary: it gets a workload
            // (judged by its dependencies, never ready) instead of being skipped silently.
            if !(m.has_binary() || m.sources_absent) || linked.contains(&(wi, mi)) {
                continue;
            }
            extra.push(Workload {
                id: format!("crate:{}", m.name),
                kind: "Crate".into(),
                name: m.name.clone(),
                namespace: None,
                object: None,
                rendering: None,
                containers: Vec::new(),
                dockerfiles: Vec::new(),
                links: Vec::new(),
                sources: sources_of(cargo, rust, wi, mi),
                crates: vec![CrateRef { ws: wi, member: mi }],
                programs: Vec::new(),
                go_modules: Vec::new(),
                node_packages: Vec::new(),
                projects: Vec::new(),
            });
        }
    }
    ctx.workloads.extend(extra);
}

/// The files a package's facts come from (manifest, lock, sources).
pub(crate) fn sources_of(
    cargo: &CargoProject,
    rust: &RustIndex,
    ws: usize,
    member: usize,
) -> BTreeSet<FileId> {
    let mut s = BTreeSet::new();
    let Some(w) = cargo.workspaces.get(ws) else {
        return s;
    };
    if let Some(m) = w.members.get(member)
        && let Some(man) = cargo.manifests.get(m.manifest)
    {
        s.insert(man.file);
        s.extend(rust.files_of(ws, member).map(|(id, _, _)| id));
    }
    if let Some(l) = w.lock.and_then(|l| cargo.locks.get(l)) {
        s.insert(l.file);
    }
    s
}

/// Workspace members by package name and by binary target name, in workspace order: a
/// Dockerfile's cargo link is looked up, not matched against every member of the repository.
struct MemberNames<'c> {
    packages: HashMap<&'c str, Vec<(usize, usize)>>,
    bins: HashMap<&'c str, Vec<(usize, usize)>>,
}

impl<'c> MemberNames<'c> {
    fn new(cargo: &'c CargoProject) -> Self {
        let mut packages: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
        let mut bins: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
        for (wi, w) in cargo.workspaces.iter().enumerate() {
            for (mi, m) in w.members.iter().enumerate() {
                packages.entry(m.name.as_str()).or_default().push((wi, mi));
                let mut seen: Vec<&str> = Vec::new();
                // Without its sources the package's targets are unknown; cargo's default binary
                // is named after the package, which is what a Dockerfile building it names.
                if m.sources_absent {
                    seen.push(&m.name);
                    bins.entry(m.name.as_str()).or_default().push((wi, mi));
                }
                for t in &m.targets {
                    if t.kind == crate::cargo::TargetKind::Bin && !seen.contains(&t.name.as_str()) {
                        seen.push(&t.name);
                        bins.entry(t.name.as_str()).or_default().push((wi, mi));
                    }
                }
            }
        }
        MemberNames { packages, bins }
    }
}

/// The packages a Dockerfile builds, each with the link that says why.
fn crates_built_by(
    scan: &FrontendCtx<'_>,
    cargo: &CargoProject,
    names: &MemberNames<'_>,
    df: FileId,
) -> Vec<(CrateRef, Link)> {
    let file = scan.file(df);
    // The scan parsed every Dockerfile already; one that did not parse links nothing.
    let Some(parsed) = scan.dockerfiles.get(&df) else {
        return Vec::new();
    };
    let dir = parent(&file.path);
    let mut out: Vec<(CrateRef, Link)> = Vec::new();
    let push = |out: &mut Vec<(CrateRef, Link)>,
                ws: usize,
                member: usize,
                span: crate::span::Span,
                why: &str| {
        if out.iter().any(|(c, _)| c.ws == ws && c.member == member) {
            return;
        }
        let Some(m) = cargo.workspaces.get(ws).and_then(|w| w.members.get(member)) else {
            return;
        };
        let Some(man) = cargo.manifests.get(m.manifest) else {
            return;
        };
        out.push((
            CrateRef { ws, member },
            Link {
                from: df,
                to: man.file,
                linked_by: format!("{}:{} ({why})", file.path, file.line_col(span.start).line),
            },
        ));
    };
    for l in parsed.cargo_links() {
        let by_name = match l.kind {
            CargoLinkKind::Bin => &names.bins,
            CargoLinkKind::Package => &names.packages,
        };
        let candidates: Vec<(usize, usize)> =
            by_name.get(l.name.as_str()).cloned().unwrap_or_default();
        // Several packages may define the same binary name; prefer the ones in the Dockerfile's
        // directory tree (its usual build context).
        let near: Vec<(usize, usize)> = candidates
            .iter()
            .copied()
            .filter(|(wi, _)| {
                cargo
                    .workspaces
                    .get(*wi)
                    .is_some_and(|w| is_within(dir, &w.root) || is_within(&w.root, dir))
            })
            .collect();
        let pick = if near.is_empty() { candidates } else { near };
        let what = match l.kind {
            CargoLinkKind::Bin => format!("builds binary `{}`", l.name),
            CargoLinkKind::Package => format!("builds package `{}`", l.name),
        };
        for (wi, mi) in pick {
            push(&mut out, wi, mi, l.span, &what);
        }
    }
    if out.is_empty() {
        // A bare `cargo build` in a package's directory builds that package.
        if let Some(b) = parsed.stages.iter().flat_map(|s| s.cargo_builds()).next()
            && let Some((wi, mi)) =
                cargo.member_of(format!("{dir}/Cargo.toml").trim_start_matches('/'))
            && cargo
                .workspaces
                .get(wi)
                .and_then(|w| w.members.get(mi))
                .is_some_and(|m| m.dir == dir && (m.has_binary() || m.sources_absent))
        {
            push(
                &mut out,
                wi,
                mi,
                b.span,
                "runs `cargo build` in the package's directory",
            );
        }
    }
    out
}
