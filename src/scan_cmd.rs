//! `wasm-migrate scan`: scan, render every requested format, apply the gates.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use rules::engine::{self, Options};
use rules::report::Report;

use crate::cli::{Format, ScanArgs};
use crate::config::Config;

pub fn run_scan(args: &ScanArgs, config: &Config) -> anyhow::Result<(analyzer::Repo, Report)> {
    let limits = analyzer::Limits {
        ignore: config.ignore.clone(),
        links: config.links.clone().into_iter().collect(),
        helm: args.helm.options(),
        ..Default::default()
    };
    let (repo, root) = match &args.module {
        Some(module) => (
            analyzer::wasm::scan_module(module, &limits),
            module.display().to_string(),
        ),
        None => (
            analyzer::scan_with(&args.path, &limits),
            args.path.display().to_string(),
        ),
    };
    let mut repo = repo.map_err(anyhow::Error::from)?;
    if args.cargo_metadata {
        analyzer::cargo::metadata::resolve_repo(&mut repo, &Default::default());
    }
    if let (Some(module), Some(e)) = (&args.module, repo.errors.first()) {
        // In a repository a broken module is one finding among others; given alone, there is
        // nothing else to report, and a 100/ready workload for it would be a false answer.
        bail!(
            "`{}` is not a WebAssembly module wasm-migrate can inspect: {}",
            module.display(),
            e.message
        );
    }
    let opts = Options {
        root_display: root,
        disabled: config.disabled.clone(),
        severity: config.severity.clone(),
        no_suppressions: args.no_suppressions || !config.allow_suppressions,
    };
    let report = engine::run(&repo, &opts);
    Ok((repo, report))
}

pub fn run(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    // Refuse bad output flags and a bad config before spending time on the scan.
    output_targets(&args.output.formats, &args.output.outputs)?;
    let config = crate::config::load(&args.path, args.config.as_deref())?;
    let (repo, report) = run_scan(args, &config)?;
    // Flags win over the config's thresholds.
    let mut output = args.output.clone();
    output.fail_on = output.fail_on.or(config.fail_on);
    output.fail_under = output.fail_under.or(config.fail_under);
    let code = crate::output::emit(&report, Some(&repo), &output);
    // The process ends right after: freeing the parsed tree's millions of small allocations one
    // by one was 5% of a 10k-file scan and gives nothing back to anyone (no file or child
    // process hangs on these values; temporary directories are dropped where they are made).
    std::mem::forget(repo);
    std::mem::forget(report);
    code
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
