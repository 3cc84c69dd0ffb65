//! `wasm-migrate scan`: scan, render every requested format, apply the gates.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use rules::engine::{self, Options};
use rules::report::Report;

use crate::cli::{Format, ScanArgs};

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
    // Refuse bad output flags before spending time on the scan.
    output_targets(&args.output.formats, &args.output.outputs)?;
    let (repo, report) = run_scan(args)?;
    crate::output::emit(&report, Some(&repo), &args.output)
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
