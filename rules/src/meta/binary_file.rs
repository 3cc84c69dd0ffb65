//! `WM911` binary-file: a file that should be text holds binary data.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a file named like text (a Dockerfile, YAML, TOML or Rust file) that holds NUL bytes. It is skipped.
    ///
    /// ## Why it matters for Wasm
    /// Binary content cannot be parsed; the file is probably misnamed, and a misnamed Dockerfile may hide the real one.
    ///
    /// ## Example
    /// A compiled binary committed as `Dockerfile`.
    ///
    /// ## How to fix
    /// Rename or remove the file; exclude it with `.wasm-migrate-ignore` if it must stay.
    pub struct BinaryFile {
        code: "WM911",
        name: "binary-file",
        category: ParseError,
        severity: Note,
        penalty: 0,
        summary: "a file that should be text holds binary data",
        help: "rename or remove the file; exclude it with `.wasm-migrate-ignore` if it must stay",
    }
}

impl crate::Rule for BinaryFile {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }
}
