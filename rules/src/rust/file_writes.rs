//! `WM209` file-writes: code that writes local files.

use analyzer::rust::{FactKind, Site};

use crate::cargo::CrateCx;
use crate::rust::{evidence, report_dependencies, report_facts};
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags code that writes to the filesystem: `fs::write`, `File::create`, `create_dir_all`,
    /// `remove_file`, `rename`, `copy`, `OpenOptions` with `write`/`append`/`create`/`truncate`
    /// set to `true`, their tokio and async-std counterparts, and `tempfile`. Reading files is not
    /// flagged.
    ///
    /// ## Why it matters for Wasm
    /// A Wasm instance sees only the directories the runtime preopens for it, often none in the
    /// `wasi:http` world, and its files do not outlive the instance. State written to local files
    /// is lost or the write fails.
    ///
    /// ## Example
    /// ```rust,ignore
    /// std::fs::write("/var/lib/app/cache.json", bytes)?;
    /// ```
    ///
    /// ## How to fix
    /// Keep state in a host-provided store (wasi:keyvalue, spin-sdk key-value, object storage over
    /// HTTP); for scratch files, ask the runtime for a preopened directory and treat it as
    /// temporary.
    pub struct FileWrites {
        code: "WM209",
        name: "file-writes",
        category: WritesFilesystem,
        severity: Warning,
        penalty: 10,
        summary: "the code writes local files",
        help: "keep state in a host-provided store (wasi:keyvalue, spin-sdk key-value) or a preopened scratch directory",
    }
}

impl Rule for FileWrites {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_crate(&self, cx: &CrateCx<'_>, sink: &mut Sink<'_>) {
        report_dependencies(cx, sink, "writes-filesystem", &[]);
        report_facts(
            cx,
            sink,
            &[FactKind::FsWrite],
            false,
            |sink, file, f, shown| {
                let ev = if f.site == Site::Method {
                    format!("`OpenOptions::{shown}(true)`")
                } else {
                    evidence(f, shown)
                };
                let what = if f.site == Site::Method {
                    "opens a file for writing"
                } else {
                    "writes to the local filesystem"
                };
                sink.report(file, f.span, format!("{ev} {what}"));
                Some(())
            },
        );
    }
}
