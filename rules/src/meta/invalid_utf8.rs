//! `WM912` invalid-utf8: a text file is not valid UTF-8.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a text file that is not valid UTF-8, with the line and column of the first invalid byte. It is skipped.
    ///
    /// ## Why it matters for Wasm
    /// Kubernetes, Cargo and Docker all read these files as UTF-8; an invalid one will also fail there.
    ///
    /// ## Example
    /// A manifest saved as Latin-1 with an accented character in a comment.
    ///
    /// ## How to fix
    /// Re-encode the file as UTF-8 (`iconv -f LATIN1 -t UTF-8`).
    pub struct InvalidUtf8 {
        code: "WM912",
        name: "invalid-utf8",
        category: ParseError,
        severity: Note,
        penalty: 0,
        summary: "a text file is not valid UTF-8",
        help: "re-encode the file as UTF-8 (`iconv -f LATIN1 -t UTF-8`)",
    }
}

impl crate::Rule for InvalidUtf8 {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }
}
