//! A Dockerfile that copies a binary built outside it (`COPY target/release/foo /usr/local/bin/`)
//! and runs it (`ENTRYPOINT ["foo"]`): when `foo` is a Cargo binary (or binary package) of the
//! repository, the workload runs that package.
//!
//! Runs after the Rust front-end has linked what Dockerfiles build themselves (`cargo build`,
//! `COPY --from=builder`), and only for workloads it left without a package: the binary being
//! copied from the build context *and* being the start command is the evidence, the name alone
//! is not. A package linked here is no longer reported as a `crate:` workload of its own.

use std::collections::{BTreeSet, HashMap};

use crate::cargo::workspace::Member;
use crate::cargo::{CargoProject, TargetKind};
use crate::dockerfile::Dockerfile;
use crate::frontend::{FrontendCtx, LinkCtx};
use crate::link::{CrateRef, Link};
use crate::source::FileId;

/// Link workloads whose Dockerfile starts a prebuilt Cargo binary to its package.
pub fn link(ctx: &mut LinkCtx<'_>) {
    let (scan, cargo) = (&ctx.scan, ctx.facts.cargo);
    let bins = BinIndex::new(cargo);
    let mut found: Vec<(usize, CrateRef, Link)> = Vec::new();
    for (wi, w) in ctx.workloads.iter().enumerate() {
        if !w.crates.is_empty() || w.dockerfiles.is_empty() {
            continue;
        }
        for &df in &w.dockerfiles {
            let Some(parsed) = scan.dockerfiles.get(&df) else {
                continue;
            };
            let Some((name, line)) = prebuilt_start_binary(scan, df, parsed) else {
                continue;
            };
            let Some((c, manifest, member_dir)) = cargo_binary(scan, cargo, &bins, &name, df)
            else {
                continue;
            };
            let shown = if member_dir.is_empty() {
                "the repository root".to_string()
            } else {
                member_dir
            };
            found.push((
                wi,
                c,
                Link {
                    from: df,
                    to: manifest,
                    linked_by: format!(
                        "{}:{line} (prebuilt binary `{name}` is the Cargo bin of {shown})",
                        scan.file(df).path
                    ),
                },
            ));
            break;
        }
    }
    let mut linked: BTreeSet<CrateRef> = BTreeSet::new();
    for (wi, c, l) in found {
        let sources = super::pipeline::sources_of(cargo, ctx.facts.rust, c.ws, c.member);
        let w = &mut ctx.workloads[wi];
        w.sources.extend(sources);
        w.links.push(l);
        w.crates.push(c);
        linked.insert(c);
    }
    // The package was a `crate:` workload only because nothing ran it; now something does.
    ctx.workloads
        .retain(|w| !(w.kind == "Crate" && w.crates.len() == 1 && linked.contains(&w.crates[0])));
}

/// The program the image starts, when a COPY/ADD from the build context put it there:
/// (name, line of the COPY).
fn prebuilt_start_binary(
    scan: &FrontendCtx<'_>,
    df: FileId,
    d: &Dockerfile,
) -> Option<(String, usize)> {
    let (entry, cmd) = d.entrypoint_and_cmd();
    let start = entry.or(cmd)?.1;
    let argv0 = start.commands.first()?.argv0()?;
    let name = basename(&argv0.value);
    if name.is_empty() || name.contains(['$', '*']) {
        return None;
    }
    for stage in d.runtime_stage_chain() {
        for (_, ins, copy) in stage.copies() {
            if copy.from.is_some() {
                // From another stage or image: `super::pipeline` reads those.
                continue;
            }
            let dest_names_it = copy
                .dest
                .as_ref()
                .is_some_and(|w| !w.value.ends_with('/') && basename(&w.value) == name);
            let source_is_it = copy.sources.iter().any(|s| basename(&s.value) == name);
            if source_is_it || dest_names_it {
                let line = scan.file(df).line_col(ins.span.start).line;
                return Some((name.to_string(), line));
            }
        }
    }
    None
}

fn basename(p: &str) -> &str {
    p.trim_end_matches('/').rsplit('/').next().unwrap_or(p)
}

/// The repository's packages by binary target name and by package name (binary packages only),
/// built once: looking every Dockerfile's program up in every package was quadratic.
struct BinIndex<'c> {
    by_bin: HashMap<&'c str, Vec<(CrateRef, &'c Member)>>,
    by_package: HashMap<&'c str, Vec<(CrateRef, &'c Member)>>,
}

impl<'c> BinIndex<'c> {
    fn new(cargo: &'c CargoProject) -> Self {
        let mut by_bin: HashMap<&str, Vec<(CrateRef, &Member)>> = HashMap::new();
        let mut by_package: HashMap<&str, Vec<(CrateRef, &Member)>> = HashMap::new();
        for (wi, ws) in cargo.workspaces.iter().enumerate() {
            for (mi, m) in ws.members.iter().enumerate() {
                let c = CrateRef { ws: wi, member: mi };
                let mut bins: Vec<&str> = m
                    .targets
                    .iter()
                    .filter(|t| t.kind == TargetKind::Bin)
                    .map(|t| t.name.as_str())
                    .collect();
                bins.sort_unstable();
                bins.dedup();
                for b in &bins {
                    by_bin.entry(b).or_default().push((c, m));
                }
                if m.has_binary() && !bins.contains(&m.name.as_str()) {
                    by_package.entry(m.name.as_str()).or_default().push((c, m));
                }
            }
        }
        BinIndex { by_bin, by_package }
    }
}

/// The one package of the repository with binary target `name` (or, failing that, a binary
/// package named `name`): (package, its manifest file, its directory). Several: the ones inside
/// the Dockerfile's directory tree; still several, none (a guess would be wrong half the time).
fn cargo_binary(
    scan: &FrontendCtx<'_>,
    cargo: &CargoProject,
    bins: &BinIndex<'_>,
    name: &str,
    df: FileId,
) -> Option<(CrateRef, FileId, String)> {
    let df_dir = crate::build_config::dir_of(&scan.file(df).path);
    let by_bin = bins.by_bin.get(name).cloned().unwrap_or_default();
    let by_package = bins.by_package.get(name).cloned().unwrap_or_default();
    let mut pick = if by_bin.is_empty() {
        by_package
    } else {
        by_bin
    };
    if pick.len() > 1 {
        pick.retain(|(_, m)| {
            df_dir.is_empty() || m.dir == df_dir || m.dir.starts_with(&format!("{df_dir}/"))
        });
    }
    let [(c, m)] = pick.as_slice() else {
        return None;
    };
    let manifest = cargo.manifests.get(m.manifest)?;
    Some((*c, manifest.file, m.dir.clone()))
}
