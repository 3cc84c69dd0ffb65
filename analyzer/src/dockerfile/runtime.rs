//! The language runtime of a Dockerfile's final image, from its base image (the image knowledge
//! base, [`crate::images`]), its entrypoint, its package installs and the binaries it copies out of
//! build stages.

use super::facts::{InstrRef, PackageManager};
use super::{CopySource, Dockerfile, Form, Stage, Word, basename};
use crate::images::{self, ImageEntry, ImageKind, Runtime};
use crate::span::Span;

/// What a base image says about the runtime, derived from its knowledge-base entry's `kind` and
/// `runtime` ([`ImageClass::of`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImageClass {
    Jvm,
    Dotnet,
    Python,
    Node,
    Ruby,
    Php,
    Go,
    Rust,
    /// No runtime; a copied binary runs.
    Static,
    /// A general-purpose distribution.
    Os,
    /// The image already holds a Wasm application.
    Wasm,
    /// A native program (a database, a proxy) or a runtime with no language of its own here.
    Native,
}

impl ImageClass {
    pub fn of(entry: &ImageEntry) -> ImageClass {
        match entry.kind {
            ImageKind::BaseOs => return ImageClass::Os,
            ImageKind::Static => return ImageClass::Static,
            ImageKind::Wasm => return ImageClass::Wasm,
            _ => {}
        }
        match entry.runtime {
            Runtime::Jvm => ImageClass::Jvm,
            Runtime::Dotnet => ImageClass::Dotnet,
            Runtime::Python => ImageClass::Python,
            Runtime::Node => ImageClass::Node,
            Runtime::Ruby => ImageClass::Ruby,
            Runtime::Php => ImageClass::Php,
            Runtime::Go => ImageClass::Go,
            Runtime::Rust => ImageClass::Rust,
            Runtime::Beam | Runtime::Native | Runtime::None => ImageClass::Native,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    Jvm,
    Dotnet,
    Python,
    Node,
    Ruby,
    Php,
    Go,
    Rust,
    /// A native binary of unknown origin on an image without a runtime.
    Static,
    /// The image already holds a Wasm module.
    Wasm,
    Unknown,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Jvm => "jvm",
            Language::Dotnet => "dotnet",
            Language::Python => "python",
            Language::Node => "node",
            Language::Ruby => "ruby",
            Language::Php => "php",
            Language::Go => "go",
            Language::Rust => "rust",
            Language::Static => "static",
            Language::Wasm => "wasm",
            Language::Unknown => "unknown",
        }
    }

    fn of_class(c: ImageClass) -> Option<Language> {
        Some(match c {
            ImageClass::Jvm => Language::Jvm,
            ImageClass::Dotnet => Language::Dotnet,
            ImageClass::Python => Language::Python,
            ImageClass::Node => Language::Node,
            ImageClass::Ruby => Language::Ruby,
            ImageClass::Php => Language::Php,
            ImageClass::Go => Language::Go,
            ImageClass::Rust => Language::Rust,
            ImageClass::Wasm => Language::Wasm,
            ImageClass::Static | ImageClass::Os | ImageClass::Native => return None,
        })
    }
}

/// The classified runtime with the reason and the span that shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LanguageRuntime {
    pub language: Language,
    pub reason: String,
    pub span: Span,
    /// The knowledge-base entry of the runtime stage's base image, when the language was read
    /// from it (step 2 of [`Dockerfile::language_runtime`]). The image rules judge such a base
    /// by the entry, so the Dockerfile rules leave it to them ([`ImageEntry::judges_dockerfile`]).
    pub base_entry: Option<&'static ImageEntry>,
}

impl LanguageRuntime {
    /// Whether the image rules report this runtime (by the base image's entry), so a Dockerfile
    /// rule reporting the same language would say it twice.
    pub fn judged_by_image_entry(&self) -> bool {
        self.base_entry.is_some_and(ImageEntry::judges_dockerfile)
    }
}

/// The knowledge-base entry for a `FROM` reference.
pub(crate) fn classify_image(image: &str) -> Option<&'static ImageEntry> {
    images::lookup(image)
}

/// Program names that reveal the runtime.
fn language_of_program(program: &str) -> Option<Language> {
    let p = basename(program);
    Some(match p {
        "java" => Language::Jvm,
        "dotnet" => Language::Dotnet,
        "gunicorn" | "uvicorn" | "celery" | "hypercorn" | "daphne" | "flask" | "django-admin" => {
            Language::Python
        }
        "node" | "npm" | "npx" | "yarn" | "pnpm" | "bun" | "deno" => Language::Node,
        "ruby" | "bundle" | "rails" | "puma" | "rackup" | "unicorn" => Language::Ruby,
        "php" | "php-fpm" | "frankenphp" => Language::Php,
        _ if p.starts_with("python")
            && p.get(6..)
                .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.')) =>
        {
            Language::Python
        }
        _ if p.starts_with("php-fpm") || p.starts_with("php8") || p.starts_with("php7") => {
            Language::Php
        }
        _ => return None,
    })
}

/// OS packages that install a language runtime.
fn language_of_package(name: &str) -> Option<Language> {
    let n = name;
    if n.starts_with("openjdk")
        || n.starts_with("default-jre")
        || n.starts_with("default-jdk")
        || n.starts_with("temurin-")
        || n.starts_with("java-") && n.contains("openjdk")
    {
        return Some(Language::Jvm);
    }
    if n.starts_with("dotnet-runtime")
        || n.starts_with("aspnetcore-runtime")
        || n.starts_with("dotnet-sdk")
    {
        return Some(Language::Dotnet);
    }
    if n == "nodejs" || n == "nodejs-current" {
        return Some(Language::Node);
    }
    if n == "python3"
        || n == "python"
        || n.starts_with("python3.")
        || n == "py3-pip"
        || n == "python3-pip"
    {
        return Some(Language::Python);
    }
    if n == "ruby" || n.starts_with("ruby3") {
        return Some(Language::Ruby);
    }
    if n == "php" || n.starts_with("php8") || n.starts_with("php-fpm") || n == "php-cli" {
        return Some(Language::Php);
    }
    None
}

/// The program an exec-form or shell-form command line starts.
fn program(cmd: &super::CommandLine) -> Option<&Word> {
    match cmd.form {
        Form::Exec => {
            let argv = &cmd.argv;
            let skip = usize::from(
                argv.first()
                    .is_some_and(|w| matches!(basename(&w.value), "tini" | "dumb-init")),
            );
            argv.iter().skip(skip).find(|w| !w.value.starts_with('-'))
        }
        Form::Shell => cmd.commands.first().and_then(|c| c.argv0()),
    }
}

fn class_language_name(c: ImageClass) -> &'static str {
    match c {
        ImageClass::Go => "Go",
        ImageClass::Rust => "Rust",
        _ => "",
    }
}

impl Dockerfile {
    /// The names of the programs the final image starts (`./podinfo` is `podinfo`), from its
    /// ENTRYPOINT and CMD; shells are not programs.
    pub fn start_programs(&self) -> Vec<&str> {
        let (entry, cmd) = self.entrypoint_and_cmd();
        [entry, cmd]
            .into_iter()
            .flatten()
            .filter_map(|(_, c)| program(c))
            .map(|w| basename(&w.value))
            .filter(|b| !crate::container_script::SHELLS.contains(b) && !b.is_empty())
            .collect()
    }

    /// Classify the final image's language runtime, with the evidence.
    pub fn language_runtime(&self) -> LanguageRuntime {
        let chain = self.runtime_stage_chain();
        let Some(root) = chain.first() else {
            return LanguageRuntime {
                language: Language::Unknown,
                reason: "no stage".into(),
                span: Span::default(),
                base_entry: None,
            };
        };
        let base = &root.base;
        let mk = |language, reason: String, span| LanguageRuntime {
            language,
            reason,
            span,
            base_entry: None,
        };
        let (entry, cmd) = self.entrypoint_and_cmd();
        let programs: Vec<&Word> = [entry, cmd]
            .into_iter()
            .flatten()
            .filter_map(|(_, c)| program(c))
            .collect();

        // 1. Already Wasm.
        if let Some(p) = programs.iter().find(|p| p.value.ends_with(".wasm")) {
            return mk(
                Language::Wasm,
                format!("the entrypoint `{}` is a Wasm module", p.value),
                p.span,
            );
        }
        if base.is_scratch() {
            for s in &chain {
                for (_, _, copy) in s.copies() {
                    let wasm = copy
                        .sources
                        .iter()
                        .chain(copy.dest.iter())
                        .find(|w| w.value.ends_with(".wasm"));
                    if let Some(w) = wasm {
                        return mk(
                            Language::Wasm,
                            format!("a `scratch` image holding the Wasm module `{}`", w.value),
                            w.span,
                        );
                    }
                }
            }
        }

        // 2. A language image as the base.
        let entry_of_base = classify_image(base.name());
        if let Some(e) = entry_of_base
            && let Some(lang) = Language::of_class(ImageClass::of(e))
        {
            return LanguageRuntime {
                base_entry: Some(e),
                ..mk(
                    lang,
                    format!("base image `{}` ({}): {}", base.name(), e.name, e.reason),
                    base.span,
                )
            };
        }

        // 3. The program the container starts.
        for p in &programs {
            if let Some(lang) = language_of_program(&p.value) {
                return mk(lang, format!("the container starts `{}`", p.value), p.span);
            }
        }

        // 4. Runtime installs.
        for (inst, pkg) in self.runtime_packages() {
            if let Some(lang) = language_of_package(&pkg.name) {
                let via = match inst.manager {
                    PackageManager::Apt => "apt",
                    other => other.as_str(),
                };
                return mk(
                    lang,
                    format!("the image installs `{}` with {via}", pkg.name),
                    pkg.word.span,
                );
            }
        }
        if let Some(pip) = chain.iter().flat_map(|s| s.pip_installs()).next() {
            return mk(
                Language::Python,
                "the image runs `pip install`".into(),
                pip.span,
            );
        }

        // 5. A binary copied out of a build stage.
        for s in &chain {
            for (_, _, copy) in s.copies() {
                let Some(CopySource::Stage(from)) = copy.from.as_ref().map(|f| &f.source) else {
                    continue;
                };
                let Some(src) = copy.sources.first() else {
                    continue;
                };
                if let Some((lang, why)) = self.build_stage_language(*from) {
                    return mk(
                        lang,
                        format!("`{}` is copied from {why}", src.value),
                        src.span,
                    );
                }
            }
        }

        // 6. What is left: the base's own class.
        match entry_of_base {
            Some(e) if ImageClass::of(e) == ImageClass::Static => mk(
                Language::Static,
                format!("base image `{}` ({}): {}", base.name(), e.name, e.reason),
                base.span,
            ),
            Some(e) => LanguageRuntime {
                base_entry: Some(e),
                ..mk(
                    Language::Unknown,
                    format!(
                        "base image `{}` ({}): {}; no runtime found",
                        base.name(),
                        e.name,
                        e.reason
                    ),
                    base.span,
                )
            },
            None => mk(
                Language::Unknown,
                format!("base image `{}` is not a known runtime image", base.name()),
                base.span,
            ),
        }
    }

    /// Go or Rust, when stage `index` (or the stages it is built on) is a Go/Rust build stage.
    fn build_stage_language(&self, index: usize) -> Option<(Language, String)> {
        let mut next = Some(index);
        let mut steps = 0;
        let name = |s: &Stage| {
            s.name.as_ref().map_or_else(
                || format!("stage {}", s.index),
                |n| format!("stage `{}`", n.value),
            )
        };
        while let (Some(i), true) = (next, steps < self.stages.len()) {
            let s = self.stages.get(i)?;
            if !s.cargo_builds().is_empty() {
                return Some((
                    Language::Rust,
                    format!("{}, which runs `cargo build`", name(s)),
                ));
            }
            let go_build = s.commands().any(|(_, c): (InstrRef, _)| {
                c.words.first().is_some_and(|w| basename(&w.value) == "go")
                    && c.words.get(1).is_some_and(|w| w.value == "build")
            });
            if go_build {
                return Some((Language::Go, format!("{}, which runs `go build`", name(s))));
            }
            if s.base_stage.is_none()
                && let Some(e) = classify_image(s.base.name())
                && matches!(e.kind, ImageKind::LanguageRuntime | ImageKind::Tool)
                && matches!(ImageClass::of(e), ImageClass::Go | ImageClass::Rust)
            {
                let class = ImageClass::of(e);
                let lang = if class == ImageClass::Go {
                    Language::Go
                } else {
                    Language::Rust
                };
                return Some((
                    lang,
                    format!(
                        "{}, a {} build on `{}`",
                        name(s),
                        class_language_name(class),
                        s.base.name()
                    ),
                ));
            }
            next = s.base_stage.filter(|b| *b < i);
            steps += 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_classify_by_repository() {
        let c = |i: &str| classify_image(i).map(ImageClass::of);
        assert_eq!(
            c("docker.io/library/python:3.12-slim"),
            Some(ImageClass::Python)
        );
        assert_eq!(
            c("eclipse-temurin:21-jre@sha256:abc"),
            Some(ImageClass::Jvm)
        );
        assert_eq!(c("tomcat:10.1-jre21"), Some(ImageClass::Jvm));
        assert_eq!(c("bitnami/kafka:3.7"), Some(ImageClass::Jvm));
        assert_eq!(
            c("mcr.microsoft.com/dotnet/aspnet:8.0"),
            Some(ImageClass::Dotnet)
        );
        assert_eq!(
            c("registry.access.redhat.com/ubi9/openjdk-21:1.20"),
            Some(ImageClass::Jvm)
        );
        assert_eq!(
            c("registry.access.redhat.com/ubi9/ubi-minimal"),
            Some(ImageClass::Os)
        );
        assert_eq!(
            c("gcr.io/distroless/static-debian12:nonroot"),
            Some(ImageClass::Static)
        );
        assert_eq!(
            c("gcr.io/distroless/nodejs22-debian12"),
            Some(ImageClass::Node)
        );
        assert_eq!(c("nginx:1.27-alpine"), Some(ImageClass::Native));
        assert_eq!(c("localhost:5000/golang:1.23"), Some(ImageClass::Go));
        assert_eq!(c("golang:1.23-alpine"), Some(ImageClass::Go));
        assert_eq!(c("SCRATCH"), Some(ImageClass::Static));
        assert_eq!(c("acme/api"), None);
    }
}
