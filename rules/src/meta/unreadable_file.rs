//! `WM913` unreadable-file: a file or directory could not be read.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a file or directory the scan could not read (permissions, a vanished file, a broken walk).
    ///
    /// ## Why it matters for Wasm
    /// Anything in an unreadable file is not judged.
    ///
    /// ## Example
    /// A directory with mode `000` inside the repository.
    ///
    /// ## How to fix
    /// Check the file's permissions; symbolic links are never followed.
    pub struct UnreadableFile {
        code: "WM913",
        name: "unreadable-file",
        category: ParseError,
        severity: Note,
        penalty: 0,
        summary: "a file or directory could not be read",
        help: "check the file's permissions; symbolic links are never followed",
    }
}

impl crate::Rule for UnreadableFile {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }
}
