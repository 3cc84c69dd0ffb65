//! Helm charts: read statically by default (their templates evaluated with the chart's values by
//! a Go-template interpreter that runs nothing, [`template`]), rendered by the user's `helm` only
//! when asked (`--helm-render`, [`render`]), and pre-rendered manifests mapped back to the chart
//! files through their `# Source:` comments ([`manifests`]).

pub mod manifests;
pub mod render;
pub mod template;
