//! `--helm-render`: the user's `helm template`, fenced in (docs/helm.md).

use std::path::PathBuf;

/// How `helm` is run.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// `--helm PATH`; `helm` on PATH when unset.
    pub helm: Option<PathBuf>,
    /// `--helm-allow-old`: run a helm older than 3.11.1 (trusted charts only).
    pub allow_old: bool,
}
