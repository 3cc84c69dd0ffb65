//! `WM210` embedded-db: an embedded database (SQLite, RocksDB, sled, LMDB, ...) in the build.

use crate::cargo::CrateCx;
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a Cargo dependency that embeds a database in the process: `rusqlite` /
    /// `libsqlite3-sys`, `sqlx` or `diesel` with the `sqlite` feature, `rocksdb`, `sled`, `redb`,
    /// LMDB bindings, DuckDB. The finding points at the manifest line that starts the chain.
    ///
    /// ## Why it matters for Wasm
    /// An embedded database keeps its state in local files that must survive restarts. A Wasm
    /// instance sees only preopened directories and is usually short-lived and replicated, so local
    /// files are not durable state. Most of these engines are also C or C++ libraries that do not
    /// compile for `wasm32-wasip2` without a wasm C toolchain.
    ///
    /// ## Example
    /// ```toml
    /// [dependencies]
    /// rusqlite = { version = "0.32", features = ["bundled"] }
    /// ```
    ///
    /// ## How to fix
    /// Move the state to a service the host provides: Spin's SQLite and key-value APIs,
    /// `wasi:keyvalue`, or a database reached through the host. Keep the workload as a container if
    /// it must own its storage.
    pub struct EmbeddedDb {
        code: "WM210",
        name: "embedded-db",
        category: EmbeddedDb,
        severity: Blocker,
        penalty: 40,
        summary: "an embedded database keeps local persistent state in the package",
        help: "move the state to a host-provided store (spin-sdk sqlite or key-value, wasi:keyvalue) or keep the workload as a container",
    }
}

impl Rule for EmbeddedDb {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_crate(&self, cx: &CrateCx<'_>, sink: &mut Sink<'_>) {
        for hit in cx.dependency_hits("embedded-db") {
            cx.report_dependency(sink, &hit);
        }
    }
}
