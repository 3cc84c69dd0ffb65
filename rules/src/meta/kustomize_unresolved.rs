//! `WM914` kustomize-unresolved: a kustomization resource cannot be resolved locally.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `resources:` or `bases:` entry of a kustomization that is remote (a URL or git reference, never fetched), outside the scan root, missing, or part of a cycle.
    ///
    /// ## Why it matters for Wasm
    /// Workloads that come from an unresolved resource are not in the report; ids of resolved ones may lack the overlay's namespace or prefix.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    /// - https://github.com/acme/base?ref=v1
    /// ```
    ///
    /// ## How to fix
    /// Vendor the remote resource into the repository, or scan the rendered output of `kustomize build`.
    pub struct KustomizeUnresolved {
        code: "WM914",
        name: "kustomize-unresolved",
        category: ParseError,
        severity: Note,
        penalty: 0,
        summary: "a kustomization resource cannot be resolved locally",
        help: "vendor the remote resource into the repository, or scan the rendered output of `kustomize build`",
    }
}

impl crate::Rule for KustomizeUnresolved {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }
}
