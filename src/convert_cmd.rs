//! `wasm-migrate convert`: scan, judge, plan and rewrite suitable workloads. A diff on stdout by
//! default; `--write` applies it atomically, `--check` exits 1 when anything would change.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use converter::config::{ConvertConfig, KubeVersion, Runtime, is_dns_subdomain};
use converter::plan::PlanOptions;
use converter::{Emit, Options};
use rules::engine::{self, Options as EngineOptions};

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Repository to convert.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Apply the changes in place (each file written atomically; nothing outside PATH).
    #[arg(long, conflicts_with = "check")]
    pub write: bool,
    /// Exit 1 when anything would change (or a plan could not be applied); writes nothing.
    #[arg(long)]
    pub check: bool,
    /// What to produce: rewritten workloads, SpinApp resources, or a Kustomize overlay.
    #[arg(long, value_enum, default_value_t = EmitArg::Deployment)]
    pub emit: EmitArg,
    /// RuntimeClass name for converted workloads (default: per runtime, see docs/convert.md).
    #[arg(long, value_name = "NAME")]
    pub runtime_class: Option<String>,
    /// Runtime for workloads the scan does not assign one (default: `spin`, or the config's).
    #[arg(long, value_enum)]
    pub runtime: Option<RuntimeArg>,
    /// Also write the RuntimeClass manifest (handler, scheduling) the workloads need.
    #[arg(long)]
    pub runtime_class_manifest: bool,
    /// Kubernetes version of the target cluster; from 1.29 sidecars are native sidecars.
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Convert only this workload (its id, `Deployment/shop/api`, or its name).
    #[arg(long, value_name = "ID")]
    pub only: Option<String>,
    /// Convert gRPC serving ports like HTTP ones: you confirmed the runtime serves inbound gRPC
    /// (HTTP/2 with trailers). Without it a gRPC workload is not converted (WASM-FACTS.md §7).
    #[arg(long)]
    pub allow_grpc: bool,
    /// Configuration file (default: `.wasm-migrate.toml` at PATH, when present; see docs/convert.md).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EmitArg {
    Deployment,
    Spinapp,
    Kustomize,
    /// Chart-deployed workloads get a values override (or a post-renderer overlay).
    HelmValues,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RuntimeArg {
    Spin,
    Wasmtime,
    Wasmedge,
}

/// The configuration in effect: `.wasm-migrate.toml` (its `[convert]` table, with the top-level
/// `runtime-class` and `[images]` folded in), then the command line.
pub fn load_config(args: &ConvertArgs) -> anyhow::Result<(crate::config::Config, ConvertConfig)> {
    let config = crate::config::load(&args.path, args.config.as_deref())?;
    let mut cfg = config.convert.clone();
    if cfg.runtime_class.is_none() {
        cfg.runtime_class = config.runtime_class.clone();
    }
    for (image, wasm) in &config.images {
        cfg.images
            .entry(image.clone())
            .or_insert_with(|| wasm.clone());
    }
    if let Some(rc) = &args.runtime_class {
        if !is_dns_subdomain(rc) {
            bail!(
                "--runtime-class `{rc}` is not a valid RuntimeClass name (lower-case letters, digits, `-` and `.`)"
            );
        }
        cfg.runtime_class = Some(rc.clone());
    }
    if let Some(rc) = &cfg.runtime_class
        && !is_dns_subdomain(rc)
    {
        bail!("runtime-class `{rc}` in the configuration is not a valid RuntimeClass name");
    }
    if let Some(r) = args.runtime {
        cfg.runtime = match r {
            RuntimeArg::Spin => Runtime::Spin,
            RuntimeArg::Wasmtime => Runtime::Wasmtime,
            RuntimeArg::Wasmedge => Runtime::Wasmedge,
        };
    }
    if let Some(v) = &args.kube_version {
        if KubeVersion::parse(v).is_none() {
            bail!("--kube-version `{v}` is not a Kubernetes version such as `1.29`");
        }
        cfg.kube_version = Some(v.clone());
    }
    Ok((config, cfg))
}

pub fn run(args: &ConvertArgs) -> anyhow::Result<ExitCode> {
    let (config, cfg) = load_config(args)?;
    // The same scan as `scan`: ignored paths and rule overrides give the same verdicts.
    let limits = analyzer::Limits {
        ignore: config.ignore.clone(),
        links: config.links.clone().into_iter().collect(),
        ..Default::default()
    };
    if args.path.is_file() {
        bail!(
            "`{}` is a file: convert reads a repository folder; pass its folder and, for one workload, `--only ID`",
            args.path.display()
        );
    }
    let repo = analyzer::scan_with(&args.path, &limits).map_err(anyhow::Error::from)?;
    let opts = EngineOptions {
        root_display: args.path.display().to_string(),
        disabled: config.disabled.clone(),
        severity: config.severity.clone(),
        no_suppressions: !config.allow_suppressions,
    };
    let report = engine::run(&repo, &opts);
    if let Some(only) = &args.only
        && !report
            .workloads
            .iter()
            .any(|w| w.id == *only || w.name == *only)
    {
        bail!(
            "no workload `{only}` in `{}`; `wasm-migrate scan` lists the workload ids",
            args.path.display()
        );
    }
    let opts = Options {
        emit: match args.emit {
            EmitArg::Deployment => Emit::Deployment,
            EmitArg::Spinapp => Emit::SpinApp,
            EmitArg::Kustomize => Emit::Kustomize,
            EmitArg::HelmValues => Emit::HelmValues,
        },
        runtime_class_manifest: args.runtime_class_manifest,
        plan: PlanOptions {
            only: args.only.clone(),
            helm: args.emit == EmitArg::HelmValues,
            allow_grpc: args.allow_grpc,
        },
    };
    let conv = converter::convert(&repo, &report, &cfg, &opts);
    let unread = input_problems(&repo);
    let code = output(args, &conv);
    // Inputs that could not be read are said out loud, as `scan` does; `--check` cannot vouch
    // for a tree it did not fully read (exit 2).
    let code = match code {
        Ok(_) if unread > 0 && args.check => Ok(ExitCode::from(2)),
        other => other,
    };
    // The process ends right after: freeing the scan, the report and the conversion one
    // allocation at a time (measurable on 10,000 workloads) would only delay the exit.
    std::mem::forget((repo, report, conv));
    code
}

/// Print every file the scan could not read (or read only in part) on stderr; their number.
fn input_problems(repo: &analyzer::Repo) -> usize {
    for e in &repo.errors {
        let at = match (e.file, e.span) {
            (Some(f), Some(sp)) => repo.file_line(f, sp),
            _ => e.path.clone(),
        };
        eprintln!("wasm-migrate convert: input problem: {at}: {}", e.message);
    }
    if !repo.errors.is_empty() {
        eprintln!(
            "wasm-migrate convert: {} input problem(s): workloads in those files are not converted",
            repo.errors.len()
        );
    }
    repo.errors.len()
}

/// Print the diff or the summary, and write or check.
fn output(args: &ConvertArgs, conv: &converter::Conversion) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    use std::io::Write;
    if args.write {
        write!(out, "{}", converter::diff::summary(conv))?;
        let written =
            converter::write::write_all(&args.path, &conv.files).context("--write stopped")?;
        if written.is_empty() {
            writeln!(out, "\nnothing to write")?;
        } else {
            writeln!(
                out,
                "\nwrote {} file{}:",
                written.len(),
                if written.len() == 1 { "" } else { "s" }
            )?;
            for w in written {
                writeln!(out, "  {w}")?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    out.write_all(converter::diff::render(conv).as_bytes())?;
    if args.check && (conv.has_changes() || !conv.failures.is_empty()) {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
