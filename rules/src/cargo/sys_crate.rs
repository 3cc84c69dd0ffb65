//! `WM201` sys-crate: a dependency that builds or links native C code for the target.

use std::sync::OnceLock;

use crate::cargo::{CrateCx, CrateEntry, DepHit, crates, is_sys_name};
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a Cargo dependency that compiles or links native code for the target: crates from the
    /// knowledge table (`ring`, `aws-lc-sys`, `zstd-sys`, `libgit2-sys`, jemalloc, ...), any other
    /// `*-sys` crate in the resolved graph, and packages of the repository that declare
    /// `links = "..."`. Platform-only crates that Cargo.lock lists but never builds for WASI
    /// (`windows-sys`, `core-foundation-sys`, `js-sys`, ...) and build-time helpers (`cc`,
    /// `bindgen`) do not count. The finding points at the manifest line that starts the chain.
    ///
    /// The severity follows what the C code costs (docs/categories.md, "Severity policy"): a
    /// **warning** when it builds for wasm with a wasm C toolchain (`ring` 0.17, `zstd-sys`,
    /// `libz-sys`, `lz4-sys`, `bzip2-sys`, mimalloc) or can be left out of the wasm build
    /// locally (a jemalloc global allocator); a **blocker** when it links a system library with
    /// no WASI port (`openssl-sys`, `pq-sys`, `mysqlclient-sys`, `rdkafka-sys`, `curl-sys`) and
    /// for `-sys` crates the table does not know. A native crate the build reaches only through
    /// an HTTP server framework or client that WM212 reports is listed in that finding, and is
    /// only a note here: replacing the component removes it.
    ///
    /// ## Why it matters for Wasm
    /// A `-sys` crate builds a C or C++ library, or links a system one. For `wasm32-wasip2` that
    /// needs a wasm C toolchain (clang with a WASI sysroot, e.g. wasi-sdk) and a port of the
    /// library; without them the build fails, and many libraries (OpenSSL, libpq) have no WASI port.
    ///
    /// ## Example
    /// ```toml
    /// [dependencies]
    /// zstd = "0.13"   # -> zstd-safe -> zstd-sys (C)
    /// ```
    ///
    /// ## How to fix
    /// Prefer the pure-Rust alternative the finding names (miniz_oxide for zlib, ruzstd, RustCrypto
    /// for ring). Where the C library is needed and builds for WASI, install wasi-sdk and set
    /// `CC_wasm32_wasip2=$WASI_SDK_PATH/bin/clang`, `AR_wasm32_wasip2=$WASI_SDK_PATH/bin/llvm-ar`
    /// and `CFLAGS_wasm32_wasip2=--sysroot=$WASI_SDK_PATH/share/wasi-sysroot`.
    pub struct SysCrate {
        code: "WM201",
        name: "sys-crate",
        category: SysCrate,
        severity: Blocker,
        penalty: 40,
        summary: "a dependency builds or links native C code for the target",
        help: "use a pure-Rust alternative, or build the C library with wasi-sdk if it supports WASI",
    }
}

/// The entry for a `-sys` crate the table does not know.
fn unknown_sys() -> &'static CrateEntry {
    static E: OnceLock<CrateEntry> = OnceLock::new();
    E.get_or_init(|| CrateEntry {
        name: String::new(),
        category: "sys-crate".into(),
        reason: "is a `-sys` crate: it builds or links a native C library, which needs a wasm C toolchain and a WASI port of the library".into(),
        alternative: Some("use a pure-Rust crate for the same job, or build with wasi-sdk if the C library supports WASI".into()),
        builds: false,
        severity: None,
        source: None,
        direct_only: false,
        when_default: false,
        when_features: Vec::new(),
        implies: Default::default(),
        builds_before: None,
        before_reason: None,
    })
}

impl Rule for SysCrate {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_crate(&self, cx: &CrateCx<'_>, sink: &mut Sink<'_>) {
        // A native crate reached only through a component the migration replaces anyway (an
        // HTTP server framework or client) is listed in that component's WM212 finding; here it
        // is only a note.
        let replaced = |n| cx.replaced_by(n).is_some();
        let mut hits = cx.dependency_hits_where("sys-crate", |n| !replaced(n));
        let mut under = cx.dependency_hits_where("sys-crate", replaced);
        // `-sys` crates the table does not know, judged by name.
        let table = crates();
        for &node in cx.reach.order.iter().skip(1) {
            let name = cx.name_of(node);
            if !is_sys_name(&name) || table.knows(&name) {
                continue;
            }
            // A local `-sys` package is judged by its `links` key below, not by its name.
            if cx.is_local(node) {
                continue;
            }
            let chain = cx.repo.cargo.chain(cx.krate.ws, &cx.reach, node);
            let Some(origin) = chain
                .get(1)
                .and_then(|s| s.origin)
                .or_else(|| cx.manifest_anchor())
            else {
                continue;
            };
            let list = if replaced(node) {
                &mut under
            } else {
                &mut hits
            };
            if list.iter().any(|h| h.origin == origin) {
                continue;
            }
            list.push(DepHit {
                entry: unknown_sys(),
                name,
                node,
                chain,
                origin,
                matched: Vec::new(),
                too_old: None,
            });
        }
        cx.report_native(sink, &hits, &under);
        // Packages of the repository in this build that declare a native library.
        for &manifest in cx.reach.local_features.keys() {
            let Some(m) = cx.repo.cargo.manifests.get(manifest) else {
                continue;
            };
            let Some(pkg) = &m.package else { continue };
            if let Some((lib, span)) = &pkg.links {
                sink.report(m.file, *span, format!("package `{}` links the native library `{lib}` (`links = \"{lib}\"`); this {}", pkg.name, crate::cargo::DOES_NOT_COMPILE))
                    .help("build the library with wasi-sdk if it supports WASI, or replace it with Rust code");
            }
        }
    }
}
