//! `wasm-migrate convert`: scan, judge, plan and rewrite suitable workloads. A diff on stdout by
//! default; `--write` applies it atomically, `--check` exits 1 when anything would change.

use std::path::{Path, PathBuf};
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
    /// Configuration file (default: `.wasm-migrate.toml` at PATH, when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EmitArg {
    Deployment,
    Spinapp,
    Kustomize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RuntimeArg {
    Spin,
    Wasmtime,
    Wasmedge,
}

/// The configuration in effect: the file's `[convert]` table, then the command line.
pub fn load_config(args: &ConvertArgs) -> anyhow::Result<ConvertConfig> {
    let default = args.path.join(".wasm-migrate.toml");
    let file: Option<&Path> = match &args.config {
        Some(p) => Some(p.as_path()),
        None => default.is_file().then_some(default.as_path()),
    };
    let mut cfg = match file {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read config `{}`", p.display()))?;
            ConvertConfig::from_toml(&text).map_err(|e| match e.line {
                Some(line) => anyhow::anyhow!("{}:{line}: {}", p.display(), e.message),
                None => anyhow::anyhow!("{}: {}", p.display(), e.message),
            })?
        }
        None => ConvertConfig::default(),
    };
    if let Some(rc) = &args.runtime_class {
        if !is_dns_subdomain(rc) {
            bail!(
                "--runtime-class `{rc}` is not a valid RuntimeClass name (lower-case letters, digits, `-` and `.`)"
            );
        }
        cfg.runtime_class = Some(rc.clone());
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
    Ok(cfg)
}

pub fn run(args: &ConvertArgs) -> anyhow::Result<ExitCode> {
    let cfg = load_config(args)?;
    let repo = analyzer::scan(&args.path).map_err(anyhow::Error::from)?;
    let report = engine::run(
        &repo,
        &EngineOptions {
            root_display: args.path.display().to_string(),
            ..Default::default()
        },
    );
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
        },
        runtime_class_manifest: args.runtime_class_manifest,
        plan: PlanOptions {
            only: args.only.clone(),
        },
    };
    let conv = converter::convert(&repo, &report, &cfg, &opts);
    let mut out = std::io::stdout().lock();
    use std::io::Write;
    if args.write {
        write!(out, "{}", converter::diff::summary(&conv))?;
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
    write!(out, "{}", converter::diff::render(&conv))?;
    if args.check && (conv.has_changes() || !conv.failures.is_empty()) {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
