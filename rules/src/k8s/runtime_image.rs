//! `WM326` runtime-image: a container runs a language runtime image (Node.js, Python, Go, Ruby, PHP, ...).

use crate::k8s::images::{judge, judge_dockerfile};
use crate::{DockerfileCx, ImageCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a container whose image is a language runtime or toolchain image (`node`, `deno`,
    /// `bun`, `python`, `golang`, `ruby`, `php`, `elixir`/`erlang`, `rust`) that no Dockerfile in
    /// the repository builds: the `language-runtime` entries of `rules/data/images.toml`. Each
    /// entry carries its own severity: a warning where a Wasm path exists, a blocker for the BEAM
    /// (no maintained WASI build), a note for Rust. JVM and .NET images are `jvm-image` and
    /// `dotnet-image`. A `ko://` reference is a Go program built by ko and is reported here too.
    ///
    /// The same entry judges a Dockerfile: when the base of its runtime stage (the final stage,
    /// or the stage it is built `FROM`) is such an image, the rule reports that `FROM` reference,
    /// and every workload built from the Dockerfile gets the finding. Build stages do not count.
    ///
    /// ## Why it matters for Wasm
    /// The code runs on a native interpreter or is built at start. Most of these languages have
    /// a path to Wasm, but it is a rebuild, not a flag: JavaScript through ComponentizeJS/jco
    /// (StarlingMonkey), Python through componentize-py, Go through `GOOS=wasip1` or TinyGo,
    /// Ruby through ruby.wasm, Rust through `wasm32-wasip2` (Tier 2 since Rust 1.82). APIs that
    /// WASI does not have (processes, Unix sockets, raw sockets) and native extensions must go.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: node:20-alpine
    ///     command: ["node", "server.js"]
    /// ```
    ///
    /// ## How to fix
    /// Build the service into a Wasm component with the language's toolchain (the message names
    /// it), ship it in a `FROM scratch` image, and run it under a Wasm RuntimeClass.
    pub struct RuntimeImage {
        code: "WM326",
        name: "runtime-image",
        category: LanguageRuntime,
        severity: Warning,
        penalty: 15,
        summary: "a container runs a language runtime image",
        help: "build the service into a Wasm component with the language's toolchain and ship it in a `FROM scratch` image",
    }
}

impl Rule for RuntimeImage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_image(&self, cx: &ImageCx<'_>, sink: &mut Sink<'_>) {
        judge(cx, sink, &Self::META);
    }

    fn check_dockerfile(&self, cx: &DockerfileCx<'_>, sink: &mut Sink<'_>) {
        judge_dockerfile(cx, sink, &Self::META);
    }
}
