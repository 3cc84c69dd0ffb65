//! `WM703` node-builtin-module: Node built-in modules and members a Wasm component does not have.

use analyzer::node::source::package_of;

use crate::node::data::{BuiltinEntry, table};
use crate::node::{MAX_PER_FILE, NodeCx};
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags the uses of Node built-in modules listed in `rules/data/node-packages.toml`, at the
    /// exact call, whether the module was loaded with `require`, `import` or a `node:` specifier,
    /// as a module object (`cp.exec(...)`) or by name (`const { Worker } = require(...)`, then
    /// `new Worker(...)`): `child_process` (process-spawn), `worker_threads`' `Worker` (threads),
    /// `cluster.fork` (process-spawn, a warning: the runtime scales instead), `net` and `tls`
    /// servers (raw-socket, blockers) and clients (warnings), `dgram` (udp), `fs` writes
    /// (writes-filesystem), `process.on('SIGTERM', ...)` (signal-handling) and the service's own
    /// `http.createServer` (http-listener, a note: the good path). An entry without members counts
    /// any use of the module, and the load itself when nothing of it is used by name.
    ///
    /// Only the sources of the package are read (not tests, type declarations, tool configs or
    /// minified bundles); text in comments, strings, template literals and regular expressions
    /// never counts.
    ///
    /// ## Why it matters for Wasm
    /// ComponentizeJS runs JavaScript on StarlingMonkey with web APIs (`fetch`, streams); Node's
    /// built-ins exist only where jco's compatibility layer provides them, and there are no
    /// processes, threads, signals or `net` servers in a component (WASM-FACTS.md §5, §8).
    ///
    /// ## Example
    /// ```js
    /// const { execFile } = require('node:child_process');
    /// execFile('convert', [input, '-resize', '50%', output]);
    /// ```
    ///
    /// ## How to fix
    /// Do the work in JavaScript or in a service reached over HTTP, drop worker threads, cluster
    /// and signal handlers, and keep state in the runtime's key-value store instead of files.
    pub struct NodeBuiltinModule {
        code: "WM703",
        name: "node-builtin-module",
        category: ProcessSpawn,
        severity: Warning,
        penalty: 20,
        summary: "the Node code uses a built-in module a Wasm component does not provide",
        help: "do the work in JavaScript or over HTTP, or keep the workload as a container",
    }
}

impl Rule for NodeBuiltinModule {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_node_package(&self, cx: &NodeCx<'_>, sink: &mut Sink<'_>) {
        let entries = &table().builtin;
        for (file, src) in &cx.package.sources {
            let f = cx.repo.file(*file);
            let mut n = 0;
            for u in &src.uses {
                if n >= MAX_PER_FILE {
                    break;
                }
                let module = package_of(&u.module).unwrap_or(&u.module);
                let Some(e) = entries.iter().find(|e| {
                    e.module == module
                        && (e.members.is_empty() || e.members.contains(&u.member))
                        && e.first_arg.as_ref().is_none_or(|p| {
                            u.first_arg
                                .as_deref()
                                .is_some_and(|a| a.starts_with(p.as_str()))
                        })
                }) else {
                    continue;
                };
                n += 1;
                let what = match &u.first_arg {
                    Some(a) if e.first_arg.is_some() => {
                        format!("`{}('{a}', ...)`", f.slice(u.span))
                    }
                    _ => format!("`{}`", f.slice(u.span)),
                };
                report(sink, *file, u.span, e, format!("{what} (`{}`)", u.module));
            }
            // A module counted whatever is used of it, loaded but used by no name seen here
            // (passed around, or used through a name the tokenizer does not follow).
            for i in &src.imports {
                if n >= MAX_PER_FILE {
                    break;
                }
                let Some(module) = i.package() else { continue };
                let Some(e) = entries
                    .iter()
                    .find(|e| e.module == module && e.members.is_empty())
                else {
                    continue;
                };
                let used = src
                    .uses
                    .iter()
                    .any(|u| package_of(&u.module) == Some(module));
                if used {
                    continue;
                }
                n += 1;
                report(sink, *file, i.span, e, format!("loads `{}`", i.spec));
            }
        }
    }
}

fn report(
    sink: &mut Sink<'_>,
    file: analyzer::source::FileId,
    span: analyzer::span::Span,
    e: &BuiltinEntry,
    what: String,
) {
    let hit = sink.report(file, span, format!("{what}: {}", e.reason));
    hit.category(e.category).severity(e.severity);
    if let Some(alt) = &e.alternative {
        hit.help(alt.clone());
    }
}
