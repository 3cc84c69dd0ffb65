//! `WM107` language-runtime: the language the final image runs, and that language's path to Wasm.

use analyzer::dockerfile::Language;

use crate::runtimes::{self, RuntimeEntry};
use crate::{DockerfileCx, Rule, RuleMeta, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Names the language runtime of the final image, recognised from the program it starts,
    /// its package installs, or the build stage its binary is copied from (a `golang` or `rust`
    /// stage, `go build`, `cargo build`), and says what the way to Wasm is for it:
    /// - Go, Node.js (and Bun, Deno), Ruby, PHP and Python: a warning, since the service has to
    ///   be rebuilt with a WASI toolchain that covers only part of the language's library;
    /// - Rust, and a native binary of unknown origin on an image without runtime (`scratch`,
    ///   distroless): a note, since a rebuild for `wasm32-wasip2` is the whole path and the
    ///   Cargo rules (WM2xx) judge what stands in the way.
    ///
    /// Severity, toolchain and path come from the runtime table, `rules/data/runtimes.toml`,
    /// the same entry that judges the runtime when an image or a manifest shows it.
    ///
    /// The JVM, .NET and images that already hold a Wasm module have rules of their own
    /// (WM104, WM105, WM111); an image whose runtime cannot be told does not fire. A runtime
    /// stage built on a known language image (`node`, `python`, `golang`, ...: the image
    /// knowledge base, `rules/data/images.toml`) is reported by `runtime-image` (WM326), the same
    /// finding a container running that image gets.
    ///
    /// ## Why it matters for Wasm
    /// Nothing runs on a Wasm runtime unless it is compiled to Wasm. How much work that is
    /// depends on the language: Rust and TinyGo have first-class WASI targets, JavaScript and
    /// Python are bundled with an interpreter compiled to Wasm (ComponentizeJS, componentize-py),
    /// Ruby and PHP have WASI builds of their interpreters; none of them give the full operating
    /// system interface (processes, arbitrary sockets, native extensions) the service may use.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN CGO_ENABLED=0 go build -o /out/api ./cmd/api
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /out/api /api
    /// ENTRYPOINT ["/api"]
    /// ```
    ///
    /// ## How to fix
    /// Follow the language's path: Rust `cargo build --target wasm32-wasip2`; Go with TinyGo
    /// (`-target=wasip2`) or Go's `GOOS=wasip1 GOARCH=wasm`; JavaScript with ComponentizeJS /
    /// `jco` or the Spin JS SDK; Python with componentize-py or the Spin Python SDK; Ruby with
    /// ruby.wasm; PHP with a WASI build of PHP. Then check the findings of the other rules.
    pub struct LanguageRuntime {
        code: "WM107",
        name: "language-runtime",
        category: LanguageRuntime,
        severity: Warning,
        penalty: 10,
        summary: "the final image runs a language runtime that has to be rebuilt for Wasm",
        help: "rebuild the service with the language's WASI toolchain and check the findings of the other rules",
    }
}

/// The runtime table's entry for a language this rule reports (the JVM, .NET and Wasm have rules
/// of their own; an unknown runtime does not fire).
fn entry_for(language: Language) -> Option<&'static RuntimeEntry> {
    match language {
        Language::Jvm | Language::Dotnet | Language::Wasm | Language::Unknown => None,
        other => runtimes::runtime(other.as_str()),
    }
}

impl Rule for LanguageRuntime {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_dockerfile(&self, cx: &DockerfileCx<'_>, sink: &mut Sink<'_>) {
        let lr = cx.dockerfile.language_runtime();
        if lr.judged_by_image_entry() {
            // The base image's entry is reported by the image rule of its category.
            return;
        }
        let Some(entry) = entry_for(lr.language) else {
            return;
        };
        let hit = sink.report(
            cx.file.id,
            lr.span,
            format!("the final image runs {}: {}", entry.name, lr.reason),
        );
        hit.help(entry.path.clone());
        if entry.severity() != Severity::Warning {
            hit.severity(entry.severity());
        }
    }
}
