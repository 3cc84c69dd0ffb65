//! `WM921` invalid-suppression: an inline suppression that cannot be applied.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a suppression that is not applied: it has no reason, names a rule that does not exist, or is not of the form `wasm-migrate: ignore[CODE] reason` (annotation: `wasm-migrate.dev/ignore: "CODE: reason"`).
    ///
    /// ## Why it matters for Wasm
    /// Every accepted exception should say why, so the next reader can tell whether it still holds. A suppression without a reason is ignored, and the finding it meant to silence still counts.
    ///
    /// ## Example
    /// ```yaml
    /// hostNetwork: true # wasm-migrate: ignore[WM301]
    /// ```
    ///
    /// ## How to fix
    /// Write the reason after the closing bracket: `# wasm-migrate: ignore[WM301] node agent, stays a container`.
    pub struct InvalidSuppression {
        code: "WM921",
        name: "invalid-suppression",
        category: Suppression,
        severity: Note,
        penalty: 0,
        summary: "an inline suppression has no reason or names an unknown rule",
        help: "write `wasm-migrate: ignore[CODE] reason` with a known rule code and a reason",
    }
}

impl crate::Rule for InvalidSuppression {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }
}
