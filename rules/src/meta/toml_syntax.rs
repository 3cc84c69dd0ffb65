//! `WM903` toml-syntax: a TOML file (Cargo.toml, Cargo.lock) does not parse.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `Cargo.toml` or `Cargo.lock` that is not valid TOML.
    ///
    /// ## Why it matters for Wasm
    /// Dependency analysis needs the manifest and lock file; a broken one hides the crates that decide whether the package builds for WASI.
    ///
    /// ## Example
    /// ```toml
    /// [dependencies
    /// serde = "1"
    /// ```
    ///
    /// ## How to fix
    /// Fix the TOML syntax at the reported line; `cargo metadata` would fail on it too.
    pub struct TomlSyntax {
        code: "WM903",
        name: "toml-syntax",
        category: ParseError,
        severity: Note,
        penalty: 0,
        summary: "a TOML file (Cargo.toml, Cargo.lock) does not parse",
        help: "fix the TOML syntax at the reported line; `cargo metadata` would fail on it too",
    }
}

impl crate::Rule for TomlSyntax {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }
}
