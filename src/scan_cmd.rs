//! `wasm-migrate scan`: scan, render every requested format, apply the gates.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use rules::Severity;
use rules::engine::{self, Options};
use rules::report::Report;

use crate::cli::{FailOn, Format, ScanArgs};
use crate::render;

pub fn run_scan(args: &ScanArgs) -> anyhow::Result<(analyzer::Repo, Report)> {
    let repo = analyzer::scan(&args.path).map_err(anyhow::Error::from)?;
    let opts = Options {
        root_display: args.path.display().to_string(),
        ..Default::default()
    };
    let report = engine::run(&repo, &opts);
    Ok((repo, report))
}

pub fn run(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    let targets = output_targets(&args.formats, &args.outputs)?;
    let (repo, report) = run_scan(args)?;
    for (format, path) in targets {
        let text = match format {
            Format::Human => render::human::render(
                &report,
                Some(&repo),
                render::human::Style::detect(path.is_none()),
            ),
            Format::Json => render::json::render(&report)?,
        };
        match path {
            Some(p) => {
                std::fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))?
            }
            None => print!("{text}"),
        }
    }
    Ok(if gate_tripped(&report, args.fail_on, args.fail_under) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Pair each `--format` with its `--output` in order; unpaired formats go to stdout (one at most).
pub fn output_targets(
    formats: &[Format],
    outputs: &[PathBuf],
) -> anyhow::Result<Vec<(Format, Option<PathBuf>)>> {
    if outputs.len() > formats.len() && !(formats.is_empty() && outputs.len() == 1) {
        bail!(
            "{} --output given for {} --format; give a --format before each --output",
            outputs.len(),
            formats.len()
        );
    }
    let formats: Vec<Format> = if formats.is_empty() {
        vec![if outputs.is_empty() {
            Format::Human
        } else {
            Format::Json
        }]
    } else {
        formats.to_vec()
    };
    let pairs: Vec<(Format, Option<PathBuf>)> = formats
        .iter()
        .enumerate()
        .map(|(i, f)| (*f, outputs.get(i).cloned()))
        .collect();
    if pairs.iter().filter(|(_, p)| p.is_none()).count() > 1 {
        bail!("only one --format can go to stdout; give --output FILE for the others");
    }
    Ok(pairs)
}

/// `--fail-on` and `--fail-under`.
pub fn gate_tripped(report: &Report, fail_on: Option<FailOn>, fail_under: Option<u32>) -> bool {
    let worst_allowed = match fail_on {
        Some(FailOn::Blocker) => Some(Severity::Blocker),
        Some(FailOn::Warning) => Some(Severity::Warning),
        None => None,
    };
    let findings = report.workloads.iter().flat_map(|w| &w.findings);
    let by_severity =
        worst_allowed.is_some_and(|limit| findings.clone().any(|f| f.severity <= limit));
    let by_score = fail_under.is_some_and(|min| report.workloads.iter().any(|w| w.score < min));
    by_severity || by_score
}
