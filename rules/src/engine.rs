//! The engine: run every rule over the facts, attach findings to workloads, resolve spans to lines
//! (the one place that happens), score, and build the [`Report`].
//!
//! Each input unit is checked once (a Kubernetes object rendered by three overlays is checked
//! once) and its findings are shared by every workload that contains it.

use std::collections::{BTreeSet, HashMap, HashSet};

use analyzer::Repo;
use analyzer::k8s::ImageName;
use analyzer::source::FileId;
use rayon::prelude::*;

use crate::report::{
    ErrorEntry, Finding, LinkEntry, NoteEntry, RelatedLocation, Report, SCHEMA_VERSION, Tool,
    WorkloadReport,
};
use crate::score::Evidence;
use crate::{DockerfileCx, Hit, ImageCx, ObjectCx, Rule, Severity, Sink, WasmCx, all_rules, meta};

/// Per-run choices: rules turned off and severity overrides (from `.wasm-migrate.toml`).
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub disabled: HashSet<String>,
    pub severity: HashMap<String, Severity>,
    /// The scan root as the user gave it, echoed in the report.
    pub root_display: String,
    /// Ignore inline suppressions (`--no-suppressions`): every finding counts.
    pub no_suppressions: bool,
}

/// Run the catalogue over a scanned repository.
pub fn run(repo: &Repo, opts: &Options) -> Report {
    let rules: Vec<&'static dyn Rule> = all_rules()
        .into_iter()
        .filter(|r| !opts.disabled.contains(r.meta().code))
        .collect();

    // Objects are independent: check them in parallel, once each. The Service index is shared so
    // that matching Services to workloads stays linear in the number of objects.
    let services = analyzer::services::ServiceIndex::new(repo);
    let rbac = crate::k8s::rbac::RbacIndex::new(repo);
    let object_hits: HashMap<usize, Vec<Hit>> = repo
        .workloads
        .iter()
        .filter_map(|w| w.object)
        .collect::<BTreeSet<_>>()
        .into_par_iter()
        .filter_map(|idx| {
            let object = &repo.objects[idx];
            let doc = repo.doc_of(object)?;
            let cx = ObjectCx {
                repo,
                object,
                doc,
                file: repo.file(object.file),
                services: &services,
                rbac: &rbac,
                spec: object.pod_spec(doc),
            };
            let mut hits = Vec::new();
            for rule in &rules {
                rule.check_object(&cx, &mut Sink::new(rule.meta(), &mut hits));
            }
            Some((idx, hits))
        })
        .collect();

    // Cargo packages are checked once each, however many workloads run them.
    let crate_hits: HashMap<analyzer::link::CrateRef, Vec<Hit>> = repo
        .workloads
        .iter()
        .flat_map(|w| w.crates.iter().copied())
        .collect::<BTreeSet<_>>()
        .into_par_iter()
        .filter_map(|c| {
            let cx = crate::cargo::CrateCx::new(repo, c)?;
            let mut hits = Vec::new();
            for rule in &rules {
                rule.check_crate(&cx, &mut Sink::new(rule.meta(), &mut hits));
            }
            Some((c, hits))
        })
        .collect();

    // Go modules likewise: once each, shared by every workload that builds them.
    let go_hits: HashMap<usize, Vec<Hit>> = repo
        .workloads
        .iter()
        .flat_map(|w| w.go_modules.iter().copied())
        .collect::<BTreeSet<_>>()
        .into_par_iter()
        .filter_map(|index| {
            let module = repo.go.modules.get(index)?;
            let cx = crate::golang::GoCx {
                repo,
                index,
                module,
            };
            let mut hits = Vec::new();
            for rule in &rules {
                rule.check_go_module(&cx, &mut Sink::new(rule.meta(), &mut hits));
            }
            Some((index, hits))
        })
        .collect();

    // Node packages likewise.
    let node_hits: HashMap<usize, Vec<Hit>> = repo
        .workloads
        .iter()
        .flat_map(|w| w.node_packages.iter().copied())
        .collect::<BTreeSet<_>>()
        .into_par_iter()
        .filter_map(|index| {
            let package = repo.node.packages.get(index)?;
            let cx = crate::node::NodeCx {
                repo,
                index,
                package,
            };
            let mut hits = Vec::new();
            for rule in &rules {
                rule.check_node_package(&cx, &mut Sink::new(rule.meta(), &mut hits));
            }
            Some((index, hits))
        })
        .collect();

    // JVM, .NET, Ruby and PHP projects likewise.
    let project_hits: HashMap<usize, Vec<Hit>> = repo
        .workloads
        .iter()
        .flat_map(|w| w.projects.iter().copied())
        .collect::<BTreeSet<_>>()
        .into_par_iter()
        .filter_map(|index| {
            let project = repo.projects.projects.get(index)?;
            let cx = crate::projects::ProjectCx {
                repo,
                index,
                project,
            };
            let mut hits = Vec::new();
            for rule in &rules {
                rule.check_project(&cx, &mut Sink::new(rule.meta(), &mut hits));
            }
            Some((index, hits))
        })
        .collect();

    // Dockerfiles likewise: once each, shared by every workload built from them.
    let dockerfile_hits: HashMap<FileId, Vec<Hit>> = repo
        .parsed_dockerfiles
        .par_iter()
        .map(|(&id, dockerfile)| {
            let cx = DockerfileCx {
                repo,
                file: repo.file(id),
                dockerfile,
            };
            let mut hits = Vec::new();
            for rule in &rules {
                rule.check_dockerfile(&cx, &mut Sink::new(rule.meta(), &mut hits));
            }
            (id, hits)
        })
        .collect();

    let errored: HashMap<FileId, Vec<&analyzer::error::FileError>> = repo
        .errors
        .iter()
        .filter_map(|e| e.file.map(|f| (f, e)))
        .fold(HashMap::new(), |mut m, (f, e)| {
            m.entry(f).or_default().push(e);
            m
        });

    let sups = if opts.no_suppressions {
        crate::suppress::Suppressions::default()
    } else {
        crate::suppress::collect(repo)
    };

    let built: Vec<(WorkloadReport, Vec<usize>, Evidence)> = repo
        .workloads
        .par_iter()
        .map(|w| {
            let mut hits: Vec<Hit> = Vec::new();
            if let Some(idx) = w.object
                && let Some(h) = object_hits.get(&idx)
            {
                hits.extend(h.iter().cloned());
            }
            for df in &w.dockerfiles {
                hits.extend(dockerfile_hits.get(df).into_iter().flatten().cloned());
            }
            if let Some(obj) = w.object.map(|i| &repo.objects[i]) {
                // A container that runs a script of its own instead of its image's program is
                // not judged by what the image is (an `nginx` image running a `sleep` loop).
                for c in w
                    .containers
                    .iter()
                    .filter(|c| c.dockerfile.is_none() && c.replaced.is_none())
                {
                    let (Some(image), Some(span)) = (&c.image, c.image_span) else {
                        continue;
                    };
                    let cx = ImageCx {
                        repo,
                        workload: w,
                        container: c,
                        image: ImageName::parse(image),
                        file: obj.file,
                        span,
                    };
                    for rule in &rules {
                        rule.check_image(&cx, &mut Sink::new(rule.meta(), &mut hits));
                    }
                }
            }
            for c in &w.crates {
                if let Some(h) = crate_hits.get(c) {
                    hits.extend(h.iter().cloned());
                }
            }
            for m in &w.go_modules {
                hits.extend(go_hits.get(m).into_iter().flatten().cloned());
            }
            for p in &w.node_packages {
                hits.extend(node_hits.get(p).into_iter().flatten().cloned());
            }
            for p in &w.projects {
                hits.extend(project_hits.get(p).into_iter().flatten().cloned());
            }
            for (file, module) in analyzer::wasm::workload_modules(repo, w) {
                let cx = WasmCx { repo, file, module };
                for rule in &rules {
                    rule.check_wasm(&cx, &mut Sink::new(rule.meta(), &mut hits));
                }
            }
            // A source file that failed to parse (in part) is named in the workload too.
            for src in &w.sources {
                for e in errored.get(src).into_iter().flatten() {
                    let rule = meta::rule_for(e.kind);
                    if opts.disabled.contains(rule.code) {
                        continue;
                    }
                    let mut sink = Sink::new(rule, &mut hits);
                    sink.report(
                        *src,
                        e.span.unwrap_or_default(),
                        format!(
                            "{} could not be fully read: {}",
                            repo.file(*src).path,
                            e.message
                        ),
                    );
                }
            }
            build_workload(repo, w, hits, opts, &sups)
        })
        .collect();
    let mut notes = Vec::new();
    let workloads = report_suppressions(repo, built, &sups, opts, &mut notes);

    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "wasm-migrate".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        root: opts.root_display.clone(),
        workloads,
        errors: errors(repo),
        notes: repo
            .notes
            .iter()
            .map(|n| NoteEntry {
                file: n.path.clone(),
                line: n.location.map(|(f, s)| repo.file(f).line_col(s.start).line),
                message: n.message.clone(),
            })
            .chain(notes)
            .collect(),
    }
}

/// Unused and invalid suppressions become `WM920`/`WM921` findings of every workload whose
/// sources hold their file (a note when no workload does), so none goes unreported.
fn report_suppressions(
    repo: &Repo,
    built: Vec<(WorkloadReport, Vec<usize>, Evidence)>,
    sups: &crate::suppress::Suppressions,
    opts: &Options,
    notes: &mut Vec<NoteEntry>,
) -> Vec<WorkloadReport> {
    let used: HashSet<usize> = built
        .iter()
        .flat_map(|(_, u, _)| u.iter().copied())
        .collect();
    let unused = &meta::UnusedSuppression::META;
    let invalid = &meta::InvalidSuppression::META;
    let mut pending: Vec<Hit> = Vec::new();
    for (i, e) in sups.entries.iter().enumerate() {
        if !used.contains(&i) && !opts.disabled.contains(unused.code) {
            Sink::new(unused, &mut pending).report(
                e.file,
                e.span,
                format!(
                    "suppression of {} matched no finding ({})",
                    e.codes.join(", "),
                    e.reason
                ),
            );
        }
    }
    for e in &sups.invalid {
        if !opts.disabled.contains(invalid.code) {
            Sink::new(invalid, &mut pending).report(e.file, e.span, e.message.clone());
        }
    }
    let evidence: Vec<Evidence> = built.iter().map(|(_, _, e)| *e).collect();
    let mut workloads: Vec<WorkloadReport> = built.into_iter().map(|(w, _, _)| w).collect();
    if pending.is_empty() {
        return workloads;
    }
    for h in pending {
        let mut attached = false;
        for (report, w) in workloads.iter_mut().zip(&repo.workloads) {
            if w.sources.contains(&h.file) {
                report.findings.push(resolve(repo, h.clone(), opts));
                attached = true;
            }
        }
        if !attached {
            let f = resolve(repo, h, opts);
            notes.push(NoteEntry {
                file: f.file,
                line: Some(f.line),
                message: format!("{} {}: {}", f.rule, f.message, f.help),
            });
        }
    }
    for (report, e) in workloads.iter_mut().zip(evidence) {
        (report.verdict, report.score) = sort_and_score(&mut report.findings, e);
    }
    workloads
}

fn sort_and_score(
    findings: &mut [Finding],
    evidence: Evidence,
) -> (crate::report::Verdict, Option<u32>) {
    findings.sort_by(|a, b| {
        (a.severity, &a.file, a.line, a.column, &a.rule)
            .cmp(&(b.severity, &b.file, b.line, b.column, &b.rule))
    });
    crate::score::score(findings, evidence)
}

fn build_workload(
    repo: &Repo,
    w: &analyzer::link::Workload,
    hits: Vec<Hit>,
    opts: &Options,
    sups: &crate::suppress::Suppressions,
) -> (WorkloadReport, Vec<usize>, Evidence) {
    let mut seen = HashSet::new();
    let mut findings: Vec<Finding> = hits
        .into_iter()
        .filter(|h| seen.insert((h.rule.code, h.file, h.span, h.message.clone())))
        .map(|h| resolve(repo, h, opts))
        .collect();
    let used = crate::suppress::apply(repo, &mut findings, w.object, sups);
    let assessment = crate::coverage::assess(repo, w, &findings);
    let (verdict, score) = sort_and_score(&mut findings, assessment.evidence);
    let report = WorkloadReport {
        id: w.id.clone(),
        kind: w.kind.clone(),
        name: w.name.clone(),
        namespace: w.namespace.clone(),
        sources: w
            .sources
            .iter()
            .map(|f| repo.file(*f).path.clone())
            .collect(),
        links: w
            .links
            .iter()
            .map(|l| LinkEntry {
                from: repo.file(l.from).path.clone(),
                to: repo.file(l.to).path.clone(),
                linked_by: l.linked_by.clone(),
            })
            .collect(),
        language: assessment.language,
        score,
        verdict,
        runtime: crate::wasm::workload_runtime(repo, w),
        coverage: assessment.coverage,
        confidence: Some(assessment.confidence),
        confidence_reason: Some(assessment.reason),
        settle: assessment.settle,
        findings,
    };
    (report, used, assessment.evidence)
}

/// The one place spans become lines and columns.
fn resolve(repo: &Repo, h: Hit, opts: &Options) -> Finding {
    let file = repo.file(h.file);
    let r = file.region(h.span);
    let severity = opts
        .severity
        .get(h.rule.code)
        .copied()
        .or(h.severity)
        .unwrap_or(h.rule.severity);
    Finding {
        rule: h.rule.code.to_string(),
        category: h.category.unwrap_or(h.rule.category),
        severity,
        penalty: if severity == Severity::Note {
            0
        } else {
            h.rule.penalty
        },
        message: h.message,
        help: h.help.unwrap_or_else(|| h.rule.help.to_string()),
        file: r.file,
        line: r.line,
        column: r.column,
        end_line: r.end_line,
        end_column: r.end_column,
        related: h
            .related
            .into_iter()
            .chain(helm_value_origins(repo, h.file, h.span))
            .map(|(f, s, message)| {
                let r = repo.file(f).region(s);
                RelatedLocation {
                    file: r.file,
                    line: r.line,
                    column: r.column,
                    end_line: r.end_line,
                    end_column: r.end_column,
                    message,
                }
            })
            .collect(),
        chain: h.chain,
        snippet: Some(snippet(file.line_text(r.line))),
        suppressed: None,
    }
}

/// A finding in a Helm template whose text came from a values file also points at the value
/// (at most three, the first in the template's order): that is the line a user edits.
fn helm_value_origins(
    repo: &Repo,
    file: analyzer::source::FileId,
    span: analyzer::span::Span,
) -> Vec<(analyzer::source::FileId, analyzer::span::Span, String)> {
    let mut out: Vec<(analyzer::source::FileId, analyzer::span::Span, String)> = Vec::new();
    for (f, s) in repo.helm.origins_in(file, span) {
        if out.iter().any(|(of, os, _)| *of == f && *os == s) {
            continue;
        }
        out.push((f, s, "the Helm value that decided it".to_string()));
        if out.len() == 3 {
            break;
        }
    }
    out
}

fn snippet(line: &str) -> String {
    line.chars()
        .take(crate::report::SNIPPET_MAX_CHARS)
        .collect()
}

fn errors(repo: &Repo) -> Vec<ErrorEntry> {
    repo.errors
        .iter()
        .map(|e| {
            let at = e
                .file
                .zip(e.span)
                .map(|(f, s)| repo.file(f).line_col(s.start));
            ErrorEntry {
                rule: meta::rule_for(e.kind).code.to_string(),
                file: e.path.clone(),
                message: e.message.clone(),
                line: at.map(|a| a.line),
                column: at.map(|a| a.column),
            }
        })
        .collect()
}
