//! Which workloads a Go module belongs to, and what their builds say about cgo.
//!
//! Two sources, in order: a `ko://` image (already resolved to the module's `go.mod` by
//! `crate::link`), then a Dockerfile of the workload with a stage that reaches the final image and
//! runs `go build` / `go install`. That stage's module is the one its `COPY` sources come from
//! (read from the Dockerfile's directory, then from the repository root, the two usual build
//! contexts); a `COPY . .` falls back to the innermost module around the Dockerfile, or the only
//! module under it. `CGO_ENABLED=0|1` in the building stages' `ENV` or `RUN` is recorded on the
//! module.

use std::collections::BTreeMap;

use crate::build_config::{dir_of, join};
use crate::dockerfile::{Dockerfile, InstructionKind};
use crate::frontend::{FrontendCtx, LinkCtx};
use crate::link::{Link, program::Builder};
use crate::source::FileId;
use crate::span::Span;

use super::{CgoSetting, GoModule};

/// A Dockerfile's `go build`: the modules it builds, the link to record, its cgo settings.
struct Built {
    modules: Vec<usize>,
    span: Span,
    cgo: Vec<CgoSetting>,
}

/// Attach Go modules to the workloads (`Workload::go_modules`), with `linked_by`.
pub fn link(ctx: &mut LinkCtx<'_>) {
    let scan = &ctx.scan;
    let go = &mut *ctx.facts.go;
    if go.modules.is_empty() {
        return;
    }
    let mut by_dockerfile: BTreeMap<FileId, Option<Built>> = BTreeMap::new();
    // Every Dockerfile that parsed (one that did not builds nothing).
    for (&df, parsed) in scan.dockerfiles {
        by_dockerfile.insert(df, built_by(scan, &go.modules, df, parsed));
    }
    let mut cgo: Vec<(usize, CgoSetting)> = Vec::new();
    let mut per_workload: Vec<Vec<(usize, Option<Link>)>> = Vec::new();
    for w in ctx.workloads.iter() {
        let mut found: Vec<(usize, Option<Link>)> = Vec::new();
        // ko, or buildpacks detecting Go by the program's go.mod.
        for p in w.programs.iter().filter(|p| {
            p.builder == Builder::Ko
                || (p.builder == Builder::Buildpacks
                    && scan.file(p.build_file).path.ends_with("go.mod"))
        }) {
            if let Some(i) = go.by_file(p.build_file)
                && !found.iter().any(|(m, _)| *m == i)
            {
                // `crate::link` already recorded the manifest -> go.mod link.
                found.push((i, None));
            }
        }
        for df in &w.dockerfiles {
            let Some(Some(b)) = by_dockerfile.get(df) else {
                continue;
            };
            let file = scan.file(*df);
            for &i in &b.modules {
                if found.iter().any(|(m, _)| *m == i) {
                    continue;
                }
                let m = &go.modules[i];
                let name = m.gomod.module.as_ref().map_or("?", |(n, _)| n.as_str());
                let shown = if m.dir.is_empty() {
                    "."
                } else {
                    m.dir.as_str()
                };
                found.push((
                    i,
                    Some(Link {
                        from: *df,
                        to: m.file,
                        linked_by: format!(
                            "{}:{} (`go build` of Go module `{name}` copied from `{shown}`)",
                            file.path,
                            file.line_col(b.span.start).line
                        ),
                    }),
                ));
                cgo.extend(b.cgo.iter().map(|c| (i, *c)));
            }
        }
        per_workload.push(found);
    }
    for (w, found) in ctx.workloads.iter_mut().zip(per_workload) {
        for (i, link) in found {
            let m = &go.modules[i];
            w.sources.insert(m.file);
            w.sources.extend(m.vendored.as_ref().map(|(f, _)| *f));
            w.sources.extend(m.sources.iter().map(|(f, _)| *f));
            if let Some(l) = link
                && !w.links.contains(&l)
            {
                w.links.push(l);
            }
            w.go_modules.push(i);
        }
    }
    for (i, c) in cgo {
        let list = &mut go.modules[i].cgo;
        if !list.contains(&c) {
            list.push(c);
        }
    }
}

/// The modules a Dockerfile builds with `go build`, if it runs one in a stage that reaches the
/// final image.
fn built_by(
    scan: &FrontendCtx<'_>,
    modules: &[GoModule],
    df: FileId,
    parsed: &Dockerfile,
) -> Option<Built> {
    let file = scan.file(df);
    let stages = building_stages(parsed);
    let (_, span) = stages.first()?;
    let span = *span;
    let mut sources: Vec<String> = Vec::new();
    let mut cgo = Vec::new();
    for (s, _) in &stages {
        // The stage and the stages it is built FROM (`FROM deps AS build`).
        let mut next = Some(*s);
        let mut hops = 0;
        while let Some(i) = next {
            let Some(stage) = parsed.stages.get(i) else {
                break;
            };
            for (_, _, copy) in stage.copies() {
                if copy.from.is_none() {
                    sources.extend(copy.sources.iter().map(|w| w.value.clone()));
                }
            }
            for ins in &stage.instructions {
                cgo_settings(file, df, ins, &mut cgo);
            }
            hops += 1;
            next = stage.base_stage.filter(|b| *b < i && hops < 16);
        }
    }
    let dir = dir_of(&file.path);
    let modules = modules_copied(scan, modules, dir, &sources);
    (!modules.is_empty()).then_some(Built { modules, span, cgo })
}

/// Stages reaching the final image that run `go build` or `go install`, with the command's span.
fn building_stages(parsed: &Dockerfile) -> Vec<(usize, Span)> {
    let mut out = Vec::new();
    for i in parsed.contributing_stages() {
        let Some(stage) = parsed.stages.get(i) else {
            continue;
        };
        let hit = stage.commands().find(|(_, c)| {
            c.words.windows(2).any(|w| {
                (w[0].value == "go" || w[0].value.ends_with("/go"))
                    && matches!(w[1].value.as_str(), "build" | "install")
            })
        });
        if let Some((_, c)) = hit {
            out.push((i, c.span));
        }
    }
    out
}

/// `CGO_ENABLED=0|1` in an `ENV` or a `RUN` of a building stage.
fn cgo_settings(
    file: &crate::source::SourceFile,
    df: FileId,
    ins: &crate::dockerfile::Instruction,
    out: &mut Vec<CgoSetting>,
) {
    match &ins.kind {
        InstructionKind::Env(kvs) => {
            for kv in kvs {
                if kv.key.value == "CGO_ENABLED"
                    && let Some(v) = &kv.value
                {
                    out.push(CgoSetting {
                        file: df,
                        span: kv.key.span.to(v.span),
                        enabled: v.value.trim() != "0",
                    });
                }
            }
        }
        InstructionKind::Run(_) => {
            let text = file.slice(ins.args_span);
            let mut from = 0;
            while let Some(p) = text.get(from..).and_then(|t| t.find("CGO_ENABLED=")) {
                let at = from + p;
                let value_at = at + "CGO_ENABLED=".len();
                let value = text.get(value_at..value_at + 1).unwrap_or("");
                if value == "0" || value == "1" {
                    let start = ins.args_span.start + at;
                    out.push(CgoSetting {
                        file: df,
                        span: Span::new(start, start + "CGO_ENABLED=".len() + 1),
                        enabled: value == "1",
                    });
                }
                from = value_at;
            }
        }
        _ => {}
    }
}

/// The modules the COPY sources come from, read against the Dockerfile's directory first, then
/// the repository root; `COPY . .` (or no COPY at all) falls back to the module around the
/// Dockerfile.
fn modules_copied(
    scan: &FrontendCtx<'_>,
    modules: &[GoModule],
    df_dir: &str,
    sources: &[String],
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
            // The innermost module holding the copied path.
            let owner = crate::frontend::innermost_holding(
                modules.iter().map(|m| m.dir.as_str()),
                &p,
                scan.holds(&p),
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
    // The module around the Dockerfile, else the only one under it.
    crate::frontend::around_or_only_under(modules.iter().map(|m| m.dir.as_str()), df_dir)
}
