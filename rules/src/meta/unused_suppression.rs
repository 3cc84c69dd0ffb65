//! `WM920` unused-suppression: an inline suppression that silenced nothing.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `wasm-migrate: ignore[CODE]` comment or a `wasm-migrate.dev/ignore` annotation that matched no finding: the line it covers has no finding of that rule, or the object's workloads have none.
    ///
    /// ## Why it matters for Wasm
    /// A stale suppression hides nothing today but will silently hide the next real finding of that rule on that line. Suppressions should stay as few as the accepted exceptions.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   # wasm-migrate: ignore[WM301] node agent by design
    ///   replicas: 2
    /// ```
    ///
    /// ## How to fix
    /// Delete the suppression, or move it onto the line (or the line after the comment) that carries the finding.
    pub struct UnusedSuppression {
        code: "WM920",
        name: "unused-suppression",
        category: Suppression,
        severity: Note,
        penalty: 0,
        summary: "an inline suppression matched no finding",
        help: "delete the suppression, or put it on the line the finding points at",
    }
}

impl crate::Rule for UnusedSuppression {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }
}
