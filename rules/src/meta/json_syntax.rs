//! `WM906` json-syntax: a JSON file the scan reads (a `Pipfile.lock`) does not parse.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `Pipfile.lock` an image copies in that is not valid JSON, at the first byte
    /// that is not. The packages before that point are still read and judged.
    ///
    /// ## Why it matters for Wasm
    /// The lock names every package the image installs; a broken one hides the packages after
    /// the fault, and one of them may be a C extension with no WASI build.
    ///
    /// ## Example
    /// ```json
    /// {"default": {"psycopg2": {"version": "==2.9.9"} "flask": {}}}
    /// ```
    ///
    /// ## How to fix
    /// Regenerate the lock with `pipenv lock`; pipenv would refuse it too.
    pub struct JsonSyntax {
        code: "WM906",
        name: "json-syntax",
        category: ParseError,
        severity: Note,
        penalty: 0,
        summary: "a JSON file (Pipfile.lock) does not parse",
        help: "regenerate the lock with `pipenv lock`; pipenv would refuse it too",
    }
}

impl crate::Rule for JsonSyntax {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }
}
