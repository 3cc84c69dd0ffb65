//! `WM704` node-toolchain: a Node service has to be bundled into a Wasm component; which path
//! fits and what of Node it cannot bring along.

use crate::node::NodeCx;
use crate::node::data::{Framework, table};
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports, once per Node package a workload runs, that the service is JavaScript or
    /// TypeScript and has to be bundled into a Wasm component, and which path fits from what
    /// its package.json and code show:
    /// - a fetch-style HTTP framework (Hono, itty-router): a wasi:http component with
    ///   ComponentizeJS / `jco componentize` or the Spin JS SDK, handlers kept as they are;
    /// - a `node:http` framework (Express, Fastify, Koa, hapi, NestJS, Next.js) or its own
    ///   `http.createServer`: the same component, with the routes ported to a fetch-style
    ///   handler (the runtime owns the listener; an Express adapter needs validation);
    /// - anything else: a WASI command component built with `jco componentize`.
    ///
    /// TypeScript sources are bundled to JavaScript first. The message lists what in Node's API
    /// a component cannot use (`child_process`, `worker_threads`, `cluster`, `net`/`dgram`
    /// servers, native addons, `fs` writes outside preopened directories); the other Node rules
    /// (WM701-WM703) point at the lines that use them. The toolchain comes from the Node entry of
    /// `rules/data/runtimes.toml`. This is a warning on its own: a pure Node service whose code
    /// was read is `portable`, not `ready`, until it is built for Wasm.
    ///
    /// ## Why it matters for Wasm
    /// JavaScript runs on Wasm inside an engine compiled to Wasm: ComponentizeJS embeds the code
    /// in StarlingMonkey (SpiderMonkey), which gives web APIs (`fetch`, streams) and Node
    /// built-ins only where jco's compatibility layer provides them (WASM-FACTS.md §8).
    ///
    /// ## Example
    /// ```js
    /// const app = require('express')();
    /// app.get('/', (req, res) => res.send('hi'));
    /// app.listen(3000);
    /// ```
    ///
    /// ## How to fix
    /// Bundle the service (esbuild or rollup, TypeScript included), export a wasi:http handler,
    /// and build it with `jco componentize` or the Spin JS SDK; then fix what WM701-WM703 report.
    pub struct NodeToolchain {
        code: "WM704",
        name: "node-toolchain",
        category: LanguageRuntime,
        severity: Warning,
        penalty: 10,
        summary: "a Node service has to be bundled into a Wasm component",
        help: "bundle the code and build a component with ComponentizeJS (`jco componentize`) or the Spin JS SDK",
    }
}

/// What a component built from Node code cannot use (WASM-FACTS.md §8).
const CANNOT_USE: &str = "a component cannot use `child_process`, `worker_threads`, `cluster`, `net`/`dgram` servers, native addons, or `fs` writes outside preopened directories";

impl Rule for NodeToolchain {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_node_package(&self, cx: &NodeCx<'_>, sink: &mut Sink<'_>) {
        let p = cx.package;
        let framework: Option<&Framework> = table()
            .framework
            .iter()
            .find(|f| p.manifest.runtime_dependency(&f.name).is_some());
        let own_server = p.sources.iter().any(|(_, s)| {
            s.uses.iter().any(|u| {
                matches!(
                    analyzer::node::source::package_of(&u.module),
                    Some("http" | "https")
                ) && u.member == "createServer"
            })
        });
        let path = match framework {
            Some(f) if f.fetch => format!(
                "it serves HTTP with {} (fetch-style handlers), so the fitting path is a wasi:http component built with ComponentizeJS (`jco componentize`) or the Spin JS SDK, handlers kept as they are",
                f.display
            ),
            Some(f) => format!(
                "it serves HTTP with {} over `node:http`, so the fitting path is a wasi:http component built with ComponentizeJS (`jco componentize`) or the Spin JS SDK, with the routes ported to a fetch-style handler (the runtime owns the listener; running {} itself behind an adapter needs validation)",
                f.display, f.display
            ),
            None if own_server => "it serves HTTP with `http.createServer`, so the fitting path is a wasi:http component built with ComponentizeJS (`jco componentize`) or the Spin JS SDK, with the request handler ported to a fetch-style handler".to_string(),
            None => "it serves no HTTP that the scan sees, so the fitting path is a WASI command component built with `jco componentize`".to_string(),
        };
        let typescript = p.sources.iter().any(|(f, _)| {
            let path = &cx.repo.file(*f).path;
            path.ends_with(".ts") || path.ends_with(".mts") || path.ends_with(".cts")
        });
        let read = p.sources.len();
        let lock = p.lock.as_ref().map_or(String::new(), |(f, l)| {
            format!(
                ", {} locked package(s) in `{}`",
                l.packages.len(),
                cx.repo.file(*f).path
            )
        });
        let runtime = crate::runtimes::runtime("node");
        let hit = sink.report(
            p.file,
            p.manifest.anchor(),
            format!(
                "Node package `{}` ({read} source file(s) read{lock}) has to be bundled into a Wasm component; {path}{}; {CANNOT_USE}",
                cx.name(),
                if typescript {
                    "; its TypeScript is bundled to JavaScript first (esbuild, rollup)"
                } else {
                    ""
                },
            ),
        );
        hit.help(format!(
            "toolchains: {}",
            runtime.map_or(NodeToolchain::META.help, |r| r.toolchain.as_str())
        ));
    }
}
