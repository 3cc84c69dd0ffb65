//! Rendering a report to every requested `--format`/`--output` pair and applying the gates, for
//! both `scan` and `report` (which re-renders saved JSON reports without rescanning).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use rules::Severity;
use rules::report::{Report, Verdict};

use crate::baseline::{self, Comparison};
use crate::cli::{FailOn, Format, OutputArgs, ReportArgs};
use crate::render;
use crate::scan_cmd::output_targets;

/// Render every target, write it, and return the exit code of the gates (DESIGN §7).
pub fn emit(
    report: &Report,
    repo: Option<&analyzer::Repo>,
    args: &OutputArgs,
) -> anyhow::Result<ExitCode> {
    let targets = output_targets(&args.formats, &args.outputs)?;
    let cmp = match &args.baseline {
        Some(path) => Some(baseline::compare(report, &baseline::load(path)?)),
        None => None,
    };
    let new_only = args.new_only && cmp.is_some();
    // What `--new-only` shows: only the new findings (scores stay those of the full scan).
    let view = match (&cmp, new_only) {
        (Some(c), true) => std::borrow::Cow::Owned(baseline::new_only(report, c)),
        _ => std::borrow::Cow::Borrowed(report),
    };
    let diffs = BTreeMap::new();
    for (format, path) in targets {
        let text = match format {
            // Human and JSON describe the whole scan: the JSON is the next run's baseline, and
            // the human output explains each score from its findings.
            Format::Human => {
                render::human::render(report, repo, render::human::Style::detect(path.is_none()))
            }
            Format::Json => render::json::render(report)?,
            Format::Sarif => {
                // The new-only view holds nothing but new findings.
                let all_new = |_: &str, _: usize| true;
                let compared = |id: &str, i: usize| cmp.as_ref().is_some_and(|c| c.is_new(id, i));
                let is_new: Option<render::sarif::IsNew<'_>> = match (&cmp, new_only) {
                    (Some(_), true) => Some(&all_new),
                    (Some(_), false) => Some(&compared),
                    (None, _) => None,
                };
                render::sarif::render_with(&view, is_new)
            }
            Format::Html => render::html::render(
                report,
                &render::html::Options {
                    baseline: cmp.as_ref(),
                    diffs: Some(&diffs),
                },
            )?,
            Format::Markdown => render::markdown::render(
                report,
                &render::markdown::Options {
                    link_base: args.link_base.as_deref(),
                    baseline: cmp.as_ref(),
                    new_only,
                    diffs: &diffs,
                    ..Default::default()
                },
            ),
        };
        write(path.as_deref(), &text)?;
    }
    Ok(
        if gate_tripped(
            report,
            cmp.as_ref(),
            new_only,
            args.fail_on,
            args.fail_under,
        ) {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        },
    )
}

fn write(path: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match path {
        Some(p) => std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display())),
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not a failure of the tool.
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                r => r.context("cannot write to stdout"),
            }
        }
    }
}

/// `wasm-migrate report FILE.json`.
pub fn report_cmd(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let targets = output_targets(&args.output.formats, &args.output.outputs)?;
    if args.merge {
        return merge(args, &targets);
    }
    let [file] = args.files.as_slice() else {
        bail!(
            "`report` takes one FILE.json; give --merge to combine {} reports",
            args.files.len()
        );
    };
    let report = baseline::load(file)?;
    emit(&report, None, &args.output)
}

/// `report --merge A.json B.json ...`: one portfolio page (markdown or html). Each report is
/// named by its scan root, or by its file name when two roots are the same.
fn merge(
    args: &ReportArgs,
    targets: &[(Format, Option<std::path::PathBuf>)],
) -> anyhow::Result<ExitCode> {
    if args.output.baseline.is_some() {
        bail!("--baseline compares one report; it cannot be used with --merge");
    }
    if let Some((other, _)) = targets
        .iter()
        .find(|(f, _)| !matches!(f, Format::Markdown | Format::Html))
    {
        bail!(
            "--merge renders markdown or html, not {}",
            format!("{other:?}").to_lowercase()
        );
    }
    let mut reports: Vec<(String, Report)> = Vec::new();
    for file in &args.files {
        let r = baseline::load(file)?;
        let mut name = r.root.clone();
        if name.is_empty() || reports.iter().any(|(n, _)| *n == name) {
            name = file.file_stem().map_or_else(
                || file.display().to_string(),
                |s| s.to_string_lossy().into_owned(),
            );
        }
        reports.push((name, r));
    }
    for (format, path) in targets {
        let text = match format {
            Format::Markdown => {
                render::markdown::render_portfolio(&reports, render::markdown::GITHUB_COMMENT_LIMIT)
            }
            Format::Html => render::html::render_portfolio(&reports)?,
            other => bail!("--merge cannot render {other:?}"),
        };
        write(path.as_deref(), &text)?;
    }
    let tripped = reports
        .iter()
        .any(|(_, r)| gate_tripped(r, None, false, args.output.fail_on, args.output.fail_under));
    Ok(if tripped {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `--fail-on` and `--fail-under`. Suppressed findings never trip a gate. With `--new-only`,
/// `--fail-on` looks at new findings only and `--fail-under` at workloads that are new or scored
/// lower than in the baseline, so a legacy repository can gate on what a change makes worse.
pub fn gate_tripped(
    report: &Report,
    cmp: Option<&Comparison>,
    new_only: bool,
    fail_on: Option<FailOn>,
    fail_under: Option<u32>,
) -> bool {
    let worst_allowed = match fail_on {
        Some(FailOn::Blocker) => Some(Severity::Blocker),
        Some(FailOn::Warning) => Some(Severity::Warning),
        Some(FailOn::Unknown) | None => None,
    };
    let counted = |id: &str, i: usize| match (cmp, new_only) {
        (Some(c), true) => c.is_new(id, i),
        _ => true,
    };
    let by_severity = worst_allowed.is_some_and(|limit| {
        report.workloads.iter().any(|w| {
            w.findings
                .iter()
                .enumerate()
                .any(|(i, f)| f.suppressed.is_none() && f.severity <= limit && counted(&w.id, i))
        })
    });
    // `unknown` has no score: --fail-under never counts it (--fail-on unknown does).
    let by_score = fail_under.is_some_and(|min| {
        report.workloads.iter().any(|w| {
            let Some(score) = w.score else {
                return false;
            };
            let worse = match (cmp.and_then(|c| c.delta(&w.id)), new_only) {
                (Some(d), true) => d
                    .base
                    .is_none_or(|(base, _)| base.is_none_or(|b| score < b)),
                _ => true,
            };
            score < min && worse
        })
    });
    // With --new-only, a workload counts when it is new or was not unknown in the baseline.
    let by_unknown = fail_on == Some(FailOn::Unknown)
        && report.workloads.iter().any(|w| {
            w.verdict == Verdict::Unknown
                && match (cmp.and_then(|c| c.delta(&w.id)), new_only) {
                    (Some(d), true) => d.base.is_none_or(|(_, v)| v != Verdict::Unknown),
                    _ => true,
                }
        });
    by_severity || by_score || by_unknown
}
