//! Command-line definition: one declaration per flag feeds parsing, `--help` and completions.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::scan_cmd;

#[derive(Debug, Parser)]
#[command(
    name = "wasm-migrate",
    version,
    about = "Find which Kubernetes workloads can move from Linux containers to WebAssembly, and what stands in the way"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan a repository and score each workload for Wasm suitability.
    Scan(ScanArgs),
    /// Rewrite suitable workloads to run as WebAssembly (a reviewable diff by default).
    Convert(crate::convert_cmd::ConvertArgs),
    /// Re-render saved JSON reports (`--format json` output) without rescanning.
    Report(ReportArgs),
    /// List the rule catalogue.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
        format: RulesFormat,
    },
    /// Print the documentation of a rule (`WM301` or `host-network`).
    Explain { code: String },
    /// Print the JSON Schema of the `--format json` report.
    Schema,
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Markdown,
    Html,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any blocker finding.
    Blocker,
    /// Any blocker or warning finding.
    Warning,
    /// Any workload whose verdict is `unknown` (the scan could not tell what it runs).
    Unknown,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Repository to scan.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Inspect one `.wasm` module (core module or component) instead of a repository: its WASI
    /// version, world, runtime-specific imports, threads and the runtime that can run it.
    #[arg(long, value_name = "FILE", conflicts_with = "path")]
    pub module: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Config file (default: `.wasm-migrate.toml` at the scan root, when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore inline suppressions: every finding counts.
    #[arg(long)]
    pub no_suppressions: bool,
    /// Ask cargo for each package's feature-resolved graph (`cargo tree --offline --locked -e
    /// normal --target wasm32-wasip2`, run from outside the repository) instead of resolving
    /// features statically. Opt-in: it runs cargo on the repository's manifests; see
    /// docs/cargo.md for the risks.
    #[arg(long, conflicts_with = "module")]
    pub cargo_metadata: bool,
    #[command(flatten)]
    pub helm: HelmArgs,
}

/// How Helm charts are read (docs/helm.md).
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Helm charts (docs/helm.md)")]
pub struct HelmArgs {
    /// Release name the charts' templates see as `.Release.Name` (default: each chart's name).
    #[arg(long, value_name = "NAME", conflicts_with = "module")]
    pub helm_release: Option<String>,
    /// Values file over every chart's `values.yaml`, like `helm template -f FILE`; repeat it,
    /// later files win.
    #[arg(long, value_name = "FILE", conflicts_with = "module")]
    pub helm_values: Vec<PathBuf>,
    /// Render each chart with your `helm template` (helm >= 3.11.1) on a copy of the chart in a
    /// temporary folder: vendored `charts/` dependencies only, no network, scrubbed environment,
    /// bounded in time and output. Opt-in: it runs helm on the repository's charts; see
    /// docs/helm.md for the risks.
    #[arg(long, conflicts_with = "module")]
    pub helm_render: bool,
    /// The helm binary for `--helm-render` (default: `helm` on PATH).
    #[arg(long, value_name = "PATH", requires = "helm_render")]
    pub helm: Option<PathBuf>,
    /// Run a helm older than 3.11.1, which a chart can lead into DNS lookups
    /// (GHSA-pwcw-6f5g-gxf8). For trusted charts only.
    #[arg(long, requires = "helm_render")]
    pub helm_allow_old: bool,
    /// Stop a `helm template` that runs longer than this and fail the scan.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, requires = "helm_render",
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub helm_timeout: u64,
    /// Also scan already-rendered YAML (`helm template`, `kustomize build`, `kubectl get -o
    /// yaml`) from FILE, or stdin with `-`; `# Source:` comments are mapped back to the charts in
    /// the scan root.
    #[arg(long, value_name = "FILE|-", conflicts_with = "module")]
    pub manifests: Option<PathBuf>,
}

impl HelmArgs {
    /// What the analyzer takes.
    pub fn options(&self) -> analyzer::helm::HelmOptions {
        use analyzer::helm::{manifests::ManifestsInput, render::RenderOptions};
        analyzer::helm::HelmOptions {
            release: self.helm_release.clone(),
            values_files: self.helm_values.clone(),
            render: self.helm_render.then(|| RenderOptions {
                helm: self.helm.clone(),
                allow_old: self.helm_allow_old,
                timeout: std::time::Duration::from_secs(self.helm_timeout),
                ..Default::default()
            }),
            manifests: self.manifests.as_deref().map(ManifestsInput::from_arg),
        }
    }
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Saved JSON report(s); several only with `--merge`.
    #[arg(required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// Combine the reports of several repositories into one portfolio (markdown or html).
    #[arg(long)]
    pub merge: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Output and gate flags, shared by `scan` and `report`.
#[derive(Clone, Debug, Args)]
pub struct OutputArgs {
    /// Output format; repeat with `--output` to write several formats in one run.
    #[arg(long = "format", value_enum)]
    pub formats: Vec<Format>,
    /// File for the matching `--format` (in order); without one, that format goes to stdout.
    #[arg(long = "output")]
    pub outputs: Vec<PathBuf>,
    /// Exit 1 when any finding is at least this severe (`blocker`, `warning`), or when any
    /// workload's verdict is `unknown` (`unknown`).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Exit 1 when any workload scores below this (`unknown` workloads have no score: gate on
    /// them with `--fail-on unknown`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=100))]
    pub fail_under: Option<u32>,
    /// A saved JSON report to compare with: score deltas, new and fixed findings.
    #[arg(long, value_name = "BASE.json")]
    pub baseline: Option<PathBuf>,
    /// With `--baseline`: gates, SARIF and Markdown consider only new findings.
    #[arg(long, requires = "baseline")]
    pub new_only: bool,
    /// Prefix for file links in Markdown (e.g. `https://github.com/OWNER/REPO/blob/SHA/`);
    /// links are relative without it.
    #[arg(long, value_name = "URL")]
    pub link_base: Option<String>,
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Scan(args) => scan_cmd::run(&args),
        Command::Convert(args) => crate::convert_cmd::run(&args),
        Command::Report(args) => crate::output::report_cmd(&args),
        Command::Rules { format } => {
            let mut out = std::io::stdout().lock();
            match format {
                RulesFormat::Table => {
                    for r in rules::all_rules() {
                        let m = r.meta();
                        writeln!(
                            out,
                            "{}  {:<24} {:<18} {:<8} {:>3}  {}",
                            m.code,
                            m.name,
                            m.category.as_str(),
                            m.severity.as_str(),
                            m.penalty,
                            m.summary
                        )?;
                    }
                }
                RulesFormat::Json => {
                    let list: Vec<_> = rules::all_rules()
                        .into_iter()
                        .map(|r| {
                            let m = r.meta();
                            serde_json::json!({"code": m.code, "name": m.name, "category": m.category, "severity": m.severity, "penalty": m.penalty, "summary": m.summary, "help": m.help})
                        })
                        .collect();
                    writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { code } => match rules::find_rule(&code) {
            Some(r) => {
                print!("{}", rules::docs::rule_page(r.meta()));
                Ok(ExitCode::SUCCESS)
            }
            None => {
                eprintln!("error: no rule `{code}`; `wasm-migrate rules` lists them");
                Ok(ExitCode::from(2))
            }
        },
        Command::Schema => {
            println!("{}", rules::report::json_schema());
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "wasm-migrate",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
