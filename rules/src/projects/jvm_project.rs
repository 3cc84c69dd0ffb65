//! `WM801` jvm-project: a workload runs a JVM program built from a Maven or Gradle project.

use analyzer::projects::{Ecosystem, MarkerKind};
use analyzer::span::Span;

use crate::projects::{ProjectCx, runtime_severity};
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags each Maven (`pom.xml`) or Gradle (`build.gradle`, `build.gradle.kts`) project that
    /// a workload builds (a Dockerfile stage running `mvn` or `gradle`, a `*.jar` copied into the
    /// image, or a Jib / Spring Boot image build). The finding points at the line that proves the
    /// program is a JVM service: the Spring Boot plugin or parent, then the Jib plugin, then
    /// another JVM plugin (`kotlin("jvm")`, `application`), then the first dependency. The
    /// severity is the `jvm` entry of `rules/data/runtimes.toml`, the same as `jvm-runtime`
    /// (WM104) and `jvm-image` (WM322) give the same runtime.
    ///
    /// ## Why it matters for Wasm
    /// There is no production WASI path for JVM bytecode: TeaVM and GraalVM's web image target
    /// browsers or are experimental (WASM-FACTS.md §8). The service has to be rewritten to move.
    ///
    /// ## Example
    /// ```xml
    /// <plugin>
    ///   <groupId>org.springframework.boot</groupId>
    ///   <artifactId>spring-boot-maven-plugin</artifactId>
    /// </plugin>
    /// ```
    ///
    /// ## How to fix
    /// Keep the service on Linux. To move a part of it, rewrite that part as a wasi:http
    /// component in a language with a WASI target (Rust, Go with TinyGo, JavaScript with
    /// ComponentizeJS, Python with componentize-py), for example as a Spin component.
    pub struct JvmProject {
        code: "WM801",
        name: "jvm-project",
        category: Jvm,
        severity: Blocker,
        penalty: 60,
        summary: "the workload runs a JVM program built from a Maven or Gradle project",
        help: "keep the service on Linux, or rewrite the part that should move as a wasi:http component in Rust, Go (TinyGo), JavaScript or Python (e.g. a Spin component)",
    }
}

impl Rule for JvmProject {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_project(&self, cx: &ProjectCx<'_>, sink: &mut Sink<'_>) {
        let p = cx.project;
        if p.ecosystem != Ecosystem::Jvm {
            return;
        }
        let proof = [
            |k: &MarkerKind| *k == MarkerKind::SpringBoot,
            |k: &MarkerKind| *k == MarkerKind::Jib,
            |k: &MarkerKind| matches!(k, MarkerKind::JvmPlugin(_)),
        ]
        .iter()
        .find_map(|pred| p.marker(pred));
        let (file, span, what) = match proof {
            Some(m) => {
                let what = match &m.kind {
                    MarkerKind::SpringBoot => "the Spring Boot plugin".to_string(),
                    MarkerKind::Jib => "the Jib plugin".to_string(),
                    MarkerKind::JvmPlugin(name) => format!("the `{name}` plugin"),
                    _ => "the build".to_string(),
                };
                (m.file, m.span, what)
            }
            None => match p.dependencies.first() {
                Some(d) => (d.file, d.span, format!("its dependency `{}`", d.name)),
                None => (p.file, Span::new(0, 0), "its build file".to_string()),
            },
        };
        let build = cx.repo.file(p.file).path.rsplit('/').next().unwrap_or("");
        let path = crate::runtimes::runtime("jvm").map_or("", |r| r.path.as_str());
        let hit = sink.report(
            file,
            span,
            format!(
                "JVM project `{}` ({build}): {what} makes it a JVM service, and there is no production WASI path for JVM bytecode (TeaVM and GraalVM's web image target browsers or are experimental); {path}",
                cx.shown()
            ),
        );
        let severity = runtime_severity("jvm");
        if severity != Self::META.severity {
            hit.severity(severity);
        }
    }
}
