//! `WM341` program-runtime: a container's image is built without a Dockerfile by a tool that
//! says its language (Jib and Spring Boot: the JVM; ko: Go; buildpacks: by the build file).

use analyzer::link::program::Builder;

use crate::runtimes;
use crate::{Category, ImageCx, Rule, RuleMeta, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Fires for a container whose image the repository builds without a Dockerfile, by a
    /// builder that fixes the language: Jib (`jib-maven-plugin`, Gradle `jib { to { image } }`)
    /// and Spring Boot's `build-image` build JVM programs, `ko://` references Go ones (the links
    /// are described in docs/linking.md). The finding is at the build file's line that names
    /// the image (the `<image>` of the Jib plugin, the `ko://` reference's package), with the
    /// container's `image:` as related location. Its category and severity come from the runtime
    /// table, `rules/data/runtimes.toml`, like every other way a runtime is shown: the JVM is a
    /// `jvm` blocker, Go a `language-runtime` warning. Buildpacks (`pack build`, a skaffold
    /// `buildpacks:` artifact) detect the language from the files of the program's directory,
    /// and so does this rule: `pom.xml`/`build.gradle` the JVM, `go.mod` Go, `requirements.txt`
    /// (or `pyproject.toml`, `Pipfile`, `setup.py`) Python, `package.json` Node.js, `Gemfile`
    /// Ruby, `composer.json` PHP, `Cargo.toml` Rust; a bare `project.toml` says none.
    ///
    /// ## Why it matters for Wasm
    /// A JVM program has no production WASI path (WASM-FACTS.md §8); a Go program moves with
    /// TinyGo, `GOOS=wasip1` or componentize-go and the changes they need.
    ///
    /// ## Example
    /// ```xml
    /// <plugin>
    ///   <groupId>com.google.cloud.tools</groupId>
    ///   <artifactId>jib-maven-plugin</artifactId>
    ///   <configuration><to><image>ghcr.io/acme/orders</image></to></configuration>
    /// </plugin>
    /// ```
    ///
    /// ## How to fix
    /// Follow the language's path in the help; for the JVM, rewrite the part that should move.
    pub struct ProgramRuntime {
        code: "WM341",
        name: "program-runtime",
        category: LanguageRuntime,
        severity: Warning,
        penalty: 15,
        summary: "the image is built by a tool that fixes its language runtime (Jib, ko)",
        help: "follow the language's path to Wasm (WASM-FACTS.md §8)",
    }
}

impl Rule for ProgramRuntime {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_image(&self, cx: &ImageCx<'_>, sink: &mut Sink<'_>) {
        let repo = cx.repo;
        for p in cx
            .workload
            .programs
            .iter()
            .filter(|p| p.container == cx.container.name)
        {
            let Some(language) = p.builder.language_of(&repo.file(p.build_file).path) else {
                continue;
            };
            let Some(entry) = runtimes::runtime(language) else {
                continue;
            };
            // Where the repository says this build makes the image (the Jib plugin's `<image>`,
            // a skaffold artifact), else the container's `image:`.
            let build_path = &repo.file(p.build_file).path;
            let at = repo
                .program_builds
                .iter()
                .find(|b| &b.build_file == build_path && b.builder == p.builder)
                .map(|b| (b.file, b.span));
            let (file, span) = at.unwrap_or((cx.file, cx.span));
            let builder = match p.builder {
                Builder::Jib => "Jib",
                Builder::SpringBoot => "Spring Boot's build-image",
                Builder::Ko => "ko",
                Builder::Buildpacks => "buildpacks",
            };
            let hit = sink.report(
                file,
                span,
                format!(
                    "container `{}` runs a program {builder} builds from `{build_path}`: it runs on {}",
                    cx.container.name, entry.name
                ),
            );
            hit.help(entry.path.clone());
            if at.is_some() {
                hit.related(cx.file, cx.span, "the image this builds is used here");
            }
            let category = match language {
                "jvm" => Category::Jvm,
                "dotnet" => Category::Dotnet,
                _ => Category::LanguageRuntime,
            };
            if category != Self::META.category {
                hit.category(category);
            }
            if entry.severity() != Severity::Warning {
                hit.severity(entry.severity());
            }
        }
    }
}
