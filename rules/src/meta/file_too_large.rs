//! `WM910` file-too-large: a file is over the size limit and was skipped.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a file over the size limit for its kind (4 MiB for text, 64 MiB for `.wasm`). It is skipped so a hostile or accidental huge file cannot exhaust memory.
    ///
    /// ## Why it matters for Wasm
    /// Anything in the skipped file is not judged; a manifest that large is almost always generated data.
    ///
    /// ## Example
    /// A 50 MB `data.yaml` committed by mistake.
    ///
    /// ## How to fix
    /// Split the file, or exclude it with `.wasm-migrate-ignore` if it is data.
    pub struct FileTooLarge {
        code: "WM910",
        name: "file-too-large",
        category: ParseError,
        severity: Note,
        penalty: 0,
        summary: "a file is over the size limit and was skipped",
        help: "split the file, or exclude it with `.wasm-migrate-ignore` if it is data",
    }
}

impl crate::Rule for FileTooLarge {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }
}
