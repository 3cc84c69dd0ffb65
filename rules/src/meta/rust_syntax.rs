//! `WM904` rust-syntax: a Rust source file does not parse.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `.rs` file that `syn` cannot parse. The file is skipped; its sockets, threads and processes are not seen.
    ///
    /// ## Why it matters for Wasm
    /// Source analysis finds what a workload does at run time (sockets, threads, processes); a skipped file may hide a blocker.
    ///
    /// ## Example
    /// ```rust,ignore
    /// fn main( {
    /// ```
    ///
    /// ## How to fix
    /// Fix the syntax error, or exclude the file with `.wasm-migrate-ignore` if it is generated or a template.
    pub struct RustSyntax {
        code: "WM904",
        name: "rust-syntax",
        category: ParseError,
        severity: Note,
        penalty: 0,
        summary: "a Rust source file does not parse",
        help: "fix the syntax error, or exclude the file with `.wasm-migrate-ignore` if it is generated or a template",
    }
}

impl crate::Rule for RustSyntax {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }
}
