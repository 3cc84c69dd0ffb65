//! `WM901` yaml-syntax: a YAML file does not parse.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a YAML file that is not valid YAML: a syntax error, nesting deeper than 256 levels, or an alias to an unknown anchor. Documents before the error are still scanned.
    ///
    /// ## Why it matters for Wasm
    /// A manifest that does not parse cannot be judged, so the workloads it defines may be missing from the report or judged on part of their spec.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers: [unclosed
    /// ```
    ///
    /// ## How to fix
    /// Fix the YAML syntax at the reported line; `yamllint` shows the same spot.
    pub struct YamlSyntax {
        code: "WM901",
        name: "yaml-syntax",
        category: ParseError,
        severity: Note,
        penalty: 0,
        summary: "a YAML file does not parse",
        help: "fix the YAML syntax at the reported line; `yamllint` shows the same spot",
    }
}

impl crate::Rule for YamlSyntax {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }
}
