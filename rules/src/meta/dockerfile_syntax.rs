//! `WM902` dockerfile-syntax: a Dockerfile cannot be read as one.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a file named like a Dockerfile that cannot be read as one (for example, it has no `FROM` instruction).
    ///
    /// ## Why it matters for Wasm
    /// The image a workload runs is judged from its Dockerfile; without it, base image, installed packages and entrypoint are unknown.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN echo no base image
    /// ```
    ///
    /// ## How to fix
    /// Make the file a valid Dockerfile (it needs a `FROM`), or rename it if it is not one.
    pub struct DockerfileSyntax {
        code: "WM902",
        name: "dockerfile-syntax",
        category: ParseError,
        severity: Note,
        penalty: 0,
        summary: "a Dockerfile cannot be read as one",
        help: "make the file a valid Dockerfile (it needs a `FROM`), or rename it if it is not one",
    }
}

impl crate::Rule for DockerfileSyntax {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }
}
