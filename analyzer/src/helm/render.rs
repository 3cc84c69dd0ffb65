//! `--helm-render`: the user's `helm template`, fenced in (docs/helm.md).
