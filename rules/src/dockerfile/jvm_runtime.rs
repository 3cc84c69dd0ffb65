//! `WM104` jvm-runtime: the final image runs on a Java virtual machine.

use analyzer::dockerfile::Language;

use crate::runtimes;
use crate::{DockerfileCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a final image whose language runtime is the JVM, recognised from the program the
    /// container starts (`java -jar app.jar`) or a JRE installed with the OS package manager
    /// (`openjdk-17-jre-headless`) on a base that is not itself a JVM image. A JDK used only in
    /// a build stage whose output is copied elsewhere does not fire.
    ///
    /// A runtime stage built on a known JVM image (`eclipse-temurin`, `openjdk`,
    /// `amazoncorretto`, `tomcat`, `maven`, distroless Java, ...: the image knowledge base,
    /// `rules/data/images.toml`) is reported by `jvm-image` (WM322) instead, the same finding a
    /// container running that image gets.
    ///
    /// ## Why it matters for Wasm
    /// JVM bytecode does not run on the Wasm runtimes of Kubernetes (wasmtime, WasmEdge, Spin),
    /// and there is no mainstream way to compile a JVM service (with its reflection, threads and
    /// class loading) into a WASI module today.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM eclipse-temurin:21-jre
    /// COPY target/app.jar /app.jar
    /// ENTRYPOINT ["java", "-jar", "/app.jar"]
    /// ```
    ///
    /// ## How to fix
    /// Keep the workload on Linux, or rewrite it (or the part that should move) in a language
    /// with a WASI target: Rust, Go with TinyGo, or a language with a componentize tool.
    pub struct JvmRuntime {
        code: "WM104",
        name: "jvm-runtime",
        category: Jvm,
        severity: Blocker,
        penalty: 50,
        summary: "the final image runs on the JVM",
        help: "keep the workload on Linux, or rewrite the part that should move in a language with a WASI target (Rust, Go with TinyGo)",
    }
}

impl Rule for JvmRuntime {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_dockerfile(&self, cx: &DockerfileCx<'_>, sink: &mut Sink<'_>) {
        let lr = cx.dockerfile.language_runtime();
        if lr.language == Language::Jvm && !lr.judged_by_image_entry() {
            let hit = sink.report(
                cx.file.id,
                lr.span,
                format!("the final image runs on the JVM: {}", lr.reason),
            );
            // One severity for the JVM whatever shows it (rules/data/runtimes.toml).
            if let Some(entry) = runtimes::runtime("jvm")
                && entry.severity() != Self::META.severity
            {
                hit.severity(entry.severity());
            }
        }
    }
}
