//! `WM602` go-known-module: a Go module or package the knowledge table knows stands in the way.

use std::collections::BTreeMap;

use crate::golang::data::{GoEntry, module_entries};
use crate::golang::{GoCx, MAX_PER_FILE};
use crate::{Category, Rule, RuleMeta, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags Go modules and packages listed in `rules/data/go-modules.toml`: cgo bindings
    /// (`github.com/mattn/go-sqlite3`, `confluent-kafka-go`, gopacket's `pcap`), database and
    /// cache drivers that speak their wire protocol over raw TCP (`lib/pq`, `pgx`, MySQL, MongoDB,
    /// Redis), Kubernetes controllers (`client-go`, `controller-runtime`) and gRPC. Each finding
    /// takes its category, severity, reason and alternative from the table. The import in the
    /// module's sources is reported when there is one; a module required in `go.mod` but not
    /// imported by the module's own code is reported at its line in `vendor/modules.txt` when the
    /// module is vendored (the build compiles every package listed there), else at its `require`
    /// line (a warning when it is marked `// indirect`: a dependency of a dependency may not
    /// reach the program). gRPC is the exception: it matters when the program serves it, so
    /// once the module's sources are read only an import of it counts.
    ///
    /// ## Why it matters for Wasm
    /// A WASI build has no cgo, no raw sockets in Go's `wasip1` port or a wasi:http component, and
    /// no long-lived background connections in a request-scoped handler (WASM-FACTS.md §5, §8).
    ///
    /// ## Example
    /// ```go
    /// import _ "github.com/mattn/go-sqlite3"
    /// ```
    ///
    /// ## How to fix
    /// Follow the table's alternative: a pure-Go package, the runtime's host API for the database
    /// (Spin's outbound PostgreSQL, MySQL and Redis), or an HTTP front end to the service.
    pub struct GoKnownModule {
        code: "WM602",
        name: "go-known-module",
        category: NativeLib,
        severity: Blocker,
        penalty: 30,
        summary: "the Go module uses a module or package known to stand in the way of Wasm",
        help: "use a pure-Go package, the runtime's host API, or a service reached over HTTP",
    }
}

impl Rule for GoKnownModule {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_go_module(&self, cx: &GoCx<'_>, sink: &mut Sink<'_>) {
        // Imports first: entry path -> already reported.
        let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
        for (file, src) in &cx.module.sources {
            let mut n = 0;
            for i in &src.imports {
                let entries = module_entries(&i.path);
                if entries.is_empty() {
                    continue;
                }
                if n >= MAX_PER_FILE {
                    break;
                }
                n += 1;
                for e in entries {
                    seen.insert(&e.path, ());
                    report(
                        sink,
                        *file,
                        i.span,
                        e,
                        format!("imports `{}`", i.path),
                        false,
                    );
                }
            }
        }
        // Then the packages `vendor/modules.txt` lists: the build compiles each of them.
        if let Some((file, packages)) = &cx.module.vendored {
            for p in packages {
                for e in module_entries(&p.path) {
                    if seen.contains_key(e.path.as_str()) {
                        continue;
                    }
                    seen.insert(&e.path, ());
                    report(
                        sink,
                        *file,
                        p.span,
                        e,
                        format!(
                            "vendors `{}` (module `{}`), which the build compiles in",
                            p.path, p.module
                        ),
                        false,
                    );
                }
            }
        }
        let go_mod = cx.module.file;
        // A package reported above that is known to pull a module in (gorm's SQLite driver
        // pulls go-sqlite3) already stands for that module's `require`.
        let pulled: Vec<&str> = seen
            .keys()
            .filter_map(|p| module_entries(p).first().copied())
            .flat_map(|e| e.pulls.iter().map(String::as_str))
            .collect();
        for p in pulled {
            seen.insert(p, ());
        }
        for r in &cx.module.gomod.requires {
            for e in module_entries(&r.path) {
                // A module some import already showed, or one whose entry names a package of it
                // (gopacket's `pcap`) that no file imports.
                if seen.contains_key(e.path.as_str()) || !e.covers(&r.path) {
                    continue;
                }
                // gRPC matters when the program serves it, which only its own imports can show:
                // with the module's code read and no file importing it, a `require` (most often
                // `// indirect`, pulled by OpenTelemetry or a cloud SDK) says nothing of that.
                if e.category == Category::Grpc && !cx.module.sources.is_empty() {
                    continue;
                }
                let what = if r.indirect {
                    format!(
                        "requires `{} {}` (`// indirect`: a dependency of a dependency)",
                        r.path, r.version
                    )
                } else {
                    format!(
                        "requires `{} {}` (not imported by the module's own code: a dependency uses it)",
                        r.path, r.version
                    )
                };
                report(sink, go_mod, r.span, e, what, r.indirect);
            }
            if let Some(e) = module_entries(&r.path).first() {
                seen.insert(&e.path, ());
            }
        }
    }
}

fn report(
    sink: &mut Sink<'_>,
    file: analyzer::source::FileId,
    span: analyzer::span::Span,
    e: &GoEntry,
    what: String,
    uncertain: bool,
) {
    let hit = sink.report(file, span, format!("{what}: {}", e.reason));
    hit.category(e.category);
    let severity = if uncertain && e.severity == Severity::Blocker {
        Severity::Warning
    } else {
        e.severity
    };
    hit.severity(severity);
    if let Some(alt) = &e.alternative {
        hit.help(alt.clone());
    }
}
