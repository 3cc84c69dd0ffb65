//! `WM701` node-known-package: an npm package the knowledge table knows stands in the way.

use crate::node::data::table;
use crate::node::{MAX_PER_FILE, NodeCx};
use crate::{Category, Rule, RuleMeta, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags the npm packages listed in `rules/data/node-packages.toml` that a Node service
    /// installs: native addons (`bcrypt`, `sharp`, `sqlite3`, `better-sqlite3`, `canvas`, the
    /// old `grpc`, `kerberos`...), programs it starts (`puppeteer`), and clients that speak a
    /// database or broker protocol over their own TCP socket (`pg`, `mysql2`, `mongodb`,
    /// `redis`, `amqplib`, `kafkajs`...). Each finding takes its category, severity, reason and
    /// alternative (`bcryptjs` for `bcrypt`, `@grpc/grpc-js` for `grpc`) from the table.
    ///
    /// The finding points at the `package.json` line that depends on the package. A package
    /// only the lockfile installs (a dependency of a dependency) is reported at its lockfile
    /// entry, and one only a source file loads at that load; a blocker found that way, or one
    /// listed as optional, is a warning, since it may never be loaded. Dev dependencies are not
    /// in a production image and do not count. A gRPC library only the lockfile installs, in a
    /// package whose sources were read, does not count either: gRPC matters when the service
    /// serves it, and such a library is a dependency's client (an OpenTelemetry exporter's).
    ///
    /// ## Why it matters for Wasm
    /// A JavaScript component (ComponentizeJS / `jco componentize` on StarlingMonkey) runs
    /// JavaScript only: no native `.node` addons, no processes, no `net` sockets
    /// (WASM-FACTS.md §5, §8).
    ///
    /// ## Example
    /// ```json
    /// "dependencies": { "bcrypt": "^5.1.1" }
    /// ```
    ///
    /// ## How to fix
    /// Follow the table's alternative: a pure-JavaScript package (`bcryptjs`), the runtime's
    /// host API for the database (Spin's outbound PostgreSQL, MySQL, Redis), or a service reached
    /// over HTTP.
    pub struct NodeKnownPackage {
        code: "WM701",
        name: "node-known-package",
        category: NativeLib,
        severity: Blocker,
        penalty: 30,
        summary: "the Node service installs a package known to stand in the way of Wasm",
        help: "use a pure-JavaScript package, the runtime's host API, or a service reached over HTTP",
    }
}

impl Rule for NodeKnownPackage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_node_package(&self, cx: &NodeCx<'_>, sink: &mut Sink<'_>) {
        let mut per_file: Vec<(analyzer::source::FileId, usize)> = Vec::new();
        for e in &table().package {
            let Some(at) = cx.place(&e.name) else {
                continue;
            };
            // gRPC matters when the service serves it, which its own code shows: with its
            // sources read, a gRPC library only the lockfile installs (an OpenTelemetry
            // exporter's, a test tool's) is a dependency's client, not an inbound gRPC server.
            if e.category == Category::Grpc && at.uncertain && !cx.package.sources.is_empty() {
                continue;
            }
            let n = match per_file.iter_mut().find(|(f, _)| *f == at.file) {
                Some((_, n)) => n,
                None => {
                    per_file.push((at.file, 0));
                    &mut per_file.last_mut().expect("just pushed").1
                }
            };
            if *n >= MAX_PER_FILE {
                continue;
            }
            *n += 1;
            let hit = sink.report(
                at.file,
                at.span,
                format!("`{}` {}: {} ({})", e.name, e.reason, at.how, cx.name()),
            );
            hit.category(e.category);
            hit.severity(if at.uncertain && e.severity == Severity::Blocker {
                Severity::Warning
            } else {
                e.severity
            });
            if let Some(alt) = &e.alternative {
                hit.help(alt.clone());
            }
        }
    }
}
