//! `WM322` jvm-image: a container runs a Java runtime, a JVM server or a Java build tool image.

use crate::k8s::images::{judge, judge_dockerfile};
use crate::{DockerfileCx, ImageCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a container whose image runs a JVM and that no Dockerfile in the repository builds:
    /// Java runtime images (`openjdk`, `eclipse-temurin`, `amazoncorretto`, distroless Java, ...),
    /// application servers (Tomcat, Jetty, WildFly), ready-made JVM services (Keycloak, Jenkins,
    /// SonarQube, Solr, Confluent Platform) and Maven/Gradle images: the `jvm` entries of
    /// `rules/data/images.toml`. JVM databases and brokers (Cassandra, Kafka) are reported by
    /// `database-image` and `broker-image` instead.
    ///
    /// The same entry judges a Dockerfile: when the base of its runtime stage (the final stage,
    /// or the stage it is built `FROM`) is such an image, the rule reports that `FROM` reference,
    /// and every workload built from the Dockerfile gets the finding. Build stages do not count. A Dockerfile
    /// whose JVM is found another way (`java -jar` on a Debian base) is `jvm-runtime` (WM104).
    ///
    /// ## Why it matters for Wasm
    /// The JVM is a native program that compiles bytecode to machine code at run time, runs its
    /// own threads and loads native libraries. None of the Wasm shims can host it, and no
    /// mainstream JVM has a WASI build, so a JVM service cannot move to Wasm without a rewrite.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: eclipse-temurin:21-jre
    /// ```
    ///
    /// ## How to fix
    /// Keep the service as a Linux workload. If it should move to Wasm, rewrite it (or its hot
    /// paths) in a language with a WASI target: Rust, Go, JavaScript or Python.
    pub struct JvmImage {
        code: "WM322",
        name: "jvm-image",
        category: Jvm,
        severity: Blocker,
        penalty: 60,
        summary: "a container runs a JVM image",
        help: "keep the service as a Linux workload; rewrite it in a language with a WASI target if it should move to Wasm",
    }
}

impl Rule for JvmImage {
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
