//! Which workloads run a Node package: those with a Dockerfile whose final image runs Node (a
//! `node` base, `CMD ["node", ...]`, `npm start`) and whose stages reaching it copy the
//! package in. The package is the one the `COPY` sources come from (`COPY package*.json ./`,
//! `COPY src ./src`), read from the Dockerfile's directory, then from the repository root (the
//! two usual build contexts); a `COPY . .` falls back to the innermost package around the
//! Dockerfile, or the only package under it. The link names the install (`npm ci`, `yarn
//! install`, `pnpm install`) or, without one, the start command. An image that gets Node some
//! other way (apt, a distro package) runs Node when its runtime stages install packages.
//!
//! A Node build stage whose output is served by another runtime (a single-page app built with
//! `npm run build` and copied into nginx) is not linked: its package never runs on the server.

use std::collections::BTreeMap;

use crate::build_config::{dir_of, join};
use crate::dockerfile::{Dockerfile, InstructionKind, Language};
use crate::frontend::{FrontendCtx, LinkCtx};
use crate::link::Link;
use crate::link::program::Builder;
use crate::source::FileId;
use crate::span::Span;

/// What a Dockerfile's Node build links: the packages and the span to show.
struct Built {
    packages: Vec<usize>,
    span: Span,
    /// `npm ci`, `yarn install`... or the start command, as the link says it.
    what: String,
}

/// Attach Node packages to the workloads (`Workload::node_packages`), with `linked_by`.
pub fn link(ctx: &mut LinkCtx<'_>) {
    let packages = &ctx.facts.node.packages;
    if packages.is_empty() {
        return;
    }
    let scan = &ctx.scan;
    let mut by_dockerfile: BTreeMap<FileId, Option<Built>> = BTreeMap::new();
    for &df in scan.dockerfiles.keys() {
        by_dockerfile.insert(df, built_by(scan, packages, df));
    }
    let mut per_workload: Vec<Vec<(usize, Option<Link>)>> = Vec::new();
    for w in ctx.workloads.iter() {
        let mut found: Vec<(usize, Option<Link>)> = Vec::new();
        // Buildpacks detecting Node.js by the program's package.json: `crate::link` recorded the
        // manifest -> package.json link already.
        for p in w
            .programs
            .iter()
            .filter(|p| p.builder == Builder::Buildpacks)
        {
            if let Some(i) = packages.iter().position(|pkg| pkg.file == p.build_file)
                && !found.iter().any(|(f, _)| *f == i)
            {
                found.push((i, None));
            }
        }
        for df in &w.dockerfiles {
            let Some(Some(b)) = by_dockerfile.get(df) else {
                continue;
            };
            for &i in &b.packages {
                if found.iter().any(|(p, _)| *p == i) {
                    continue;
                }
                let p = &packages[i];
                let shown = if p.dir.is_empty() { "." } else { &p.dir };
                found.push((
                    i,
                    Some(Link {
                        from: *df,
                        to: p.file,
                        linked_by: format!(
                            "{} ({} of Node package `{}` copied from `{shown}`)",
                            file_line(scan, *df, b.span),
                            b.what,
                            p.name(scan.files)
                        ),
                    }),
                ));
            }
        }
        per_workload.push(found);
    }
    for (w, found) in ctx.workloads.iter_mut().zip(per_workload) {
        for (i, link) in found {
            let p = &packages[i];
            w.sources.insert(p.file);
            w.sources.extend(p.lock.as_ref().map(|(f, _)| *f));
            w.sources.extend(p.binding_gyp);
            w.sources.extend(p.sources.iter().map(|(f, _)| *f));
            if let Some(link) = link
                && !w.links.contains(&link)
            {
                w.links.push(link);
            }
            w.node_packages.push(i);
        }
    }
}

/// The packages a Dockerfile copies into a final image that runs Node: one whose runtime is
/// Node (a `node` base, `CMD ["node", ...]`), or whose runtime chain installs packages itself
/// (`yarn install` on an image that got Node from apt). Packages the runtime chain copies in
/// win; else those copied by any stage reaching the final image (a TypeScript build stage).
/// `file:line` of a span, as `linked_by` shows it.
fn file_line(scan: &FrontendCtx<'_>, file: FileId, span: Span) -> String {
    let f = scan.file(file);
    format!("{}:{}", f.path, f.line_col(span.start).line)
}

fn built_by(repo: &FrontendCtx<'_>, packages: &[super::NodePackage], df: FileId) -> Option<Built> {
    let parsed = repo.dockerfiles.get(&df)?;
    let runtime: Vec<usize> = parsed
        .runtime_stage_chain()
        .iter()
        .map(|s| s.index)
        .collect();
    let installs_at_runtime = install(parsed, &runtime).is_some();
    if parsed.language_runtime().language != Language::Node && !installs_at_runtime {
        return None;
    }
    let contributing = parsed.contributing_stages();
    let (span, what) = install(parsed, &runtime)
        .or_else(|| install(parsed, &contributing))
        .or_else(|| start(parsed))?;
    let copied = |stages: &[usize]| {
        let mut sources: Vec<String> = Vec::new();
        for &i in stages {
            let Some(stage) = parsed.stages.get(i) else {
                continue;
            };
            for (_, _, copy) in stage.copies() {
                if copy.from.is_none() {
                    sources.extend(copy.sources.iter().map(|w| w.value.clone()));
                }
            }
        }
        sources
    };
    let dir = dir_of(&repo.file(df).path);
    let mut found = packages_copied(repo, packages, dir, &copied(&runtime), false);
    if found.is_empty() {
        found = packages_copied(repo, packages, dir, &copied(&contributing), true);
    }
    (!found.is_empty()).then_some(Built {
        packages: found,
        span,
        what,
    })
}

/// The first package install (`npm ci`, `yarn install`, `pnpm install`) of `stages`.
fn install(parsed: &Dockerfile, stages: &[usize]) -> Option<(Span, String)> {
    for &i in stages {
        let Some(stage) = parsed.stages.get(i) else {
            continue;
        };
        for (_, c) in stage.commands() {
            let words: Vec<&str> = c.words.iter().map(|w| w.value.as_str()).collect();
            let tool = words.first().map(|w| w.rsplit('/').next().unwrap_or(w));
            let sub = words.get(1).copied().unwrap_or("");
            // `npm install -g http-server` installs a tool, not the package's dependencies.
            let global = words
                .iter()
                .any(|w| matches!(*w, "-g" | "--global") || *w == "global");
            let install = !global
                && match tool {
                    Some("npm") => matches!(sub, "ci" | "install" | "i"),
                    Some("yarn") => matches!(sub, "" | "install") || sub.starts_with('-'),
                    Some("pnpm") => matches!(sub, "install" | "i"),
                    _ => false,
                };
            if install {
                let shown = if sub.is_empty() || sub.starts_with('-') {
                    "yarn".to_string()
                } else {
                    format!("{} {sub}", tool.unwrap_or(""))
                };
                return Some((c.span, format!("`{shown}`")));
            }
        }
    }
    None
}

/// No install (dependencies vendored, or installed in a base image): the start command.
fn start(parsed: &Dockerfile) -> Option<(Span, String)> {
    let (entry, cmd) = parsed.entrypoint_and_cmd();
    let (at, _) = entry.or(cmd)?;
    let ins = parsed.instruction(at)?;
    let kind = if matches!(ins.kind, InstructionKind::Entrypoint(_)) {
        "ENTRYPOINT"
    } else {
        "CMD"
    };
    Some((ins.span, format!("the `{kind}` running Node")))
}

/// The packages the COPY sources come from, read against the Dockerfile's directory first, then
/// the repository root; with `fallback`, `COPY . .` (or no COPY of a package's files) falls back
/// to the package around the Dockerfile, else the only one under it.
fn packages_copied(
    repo: &FrontendCtx<'_>,
    packages: &[super::NodePackage],
    df_dir: &str,
    sources: &[String],
    fallback: bool,
) -> Vec<usize> {
    for ctx in [df_dir, ""] {
        let mut out = Vec::new();
        for s in sources {
            let Some(p) = join(ctx, s.trim_end_matches('/')) else {
                continue;
            };
            if p.is_empty() || p == ctx {
                continue; // the whole context: decided below
            }
            // `package*.json` names files of its directory; any other path must exist.
            let glob = p
                .rsplit('/')
                .next()
                .is_some_and(|n| n.contains(['*', '?', '[']));
            let real = if glob {
                dir_of(&p).to_string()
            } else {
                p.clone()
            };
            let owner = crate::frontend::innermost_holding(
                packages.iter().map(|m| m.dir.as_str()),
                &real,
                glob || repo.holds(&real),
            );
            if let Some(i) = owner
                && !out.contains(&i)
            {
                out.push(i);
            }
        }
        if !out.is_empty() {
            return out;
        }
        if ctx.is_empty() {
            break;
        }
    }
    if !fallback {
        return Vec::new();
    }
    crate::frontend::around_or_only_under(packages.iter().map(|m| m.dir.as_str()), df_dir)
}
