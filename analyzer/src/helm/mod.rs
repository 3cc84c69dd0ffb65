//! Helm charts: read statically by default (their templates evaluated with the chart's values by
//! a Go-template interpreter that runs nothing, [`template`]), rendered by the user's `helm` only
//! when asked (`--helm-render`, [`render`]), and pre-rendered manifests mapped back to the chart
//! files through their `# Source:` comments ([`manifests`]).

pub mod archive;
pub mod chart;
mod fence;
pub mod manifests;
pub mod reader;
pub mod render;
pub mod template;
pub mod values;

use std::path::PathBuf;

/// How charts are read (`scan` flags; docs/helm.md).
#[derive(Clone, Debug, Default)]
pub struct HelmOptions {
    /// `--helm-release NAME`: the release name templates see as `.Release.Name`. Default: each
    /// chart's own name, the way `helm template <chart-name> <dir>` names it.
    pub release: Option<String>,
    /// `--helm-values FILE` (repeatable, later files win): values over every chart's defaults,
    /// the way `helm template -f FILE` applies them. Read from outside or inside the scan root.
    pub values_files: Vec<PathBuf>,
    /// `--helm-render`: run the user's `helm template` instead of the static reader (opt-in).
    pub render: Option<render::RenderOptions>,
    /// `--manifests FILE|-`: already-rendered YAML scanned as an extra file, its `# Source:`
    /// comments mapped back to the charts in the scan root.
    pub manifests: Option<manifests::ManifestsInput>,
}
