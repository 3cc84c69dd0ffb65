//! Well-known images: the one judging step every image rule shares, for a container's `image:`
//! and for the base of a Dockerfile's runtime stage. The knowledge itself (`rules/data/images.toml`)
//! and its matcher live in [`analyzer::images`], which the Dockerfile front-end uses too.
//!
//! Each image rule owns one category; an entry's `category` picks the rule that reports it, so a
//! rule is a declaration plus `judge(cx, sink, &Self::META)` (and `judge_dockerfile`). Whether a
//! blocker stays a blocker depends on the container's place in the pod (an init step, or a
//! database beside the application), which is decided here once for all of them.

use analyzer::images::{ImageEntry, ImageKind};
use analyzer::k8s::{ContainerRole, ImageName};
use serde::Deserialize;
use serde::de::IntoDeserializer;

use crate::dockerfile::common::image_part;
use crate::k8s::common::role_word;
use crate::{Category, DockerfileCx, ImageCx, RuleMeta, Severity, Sink};

/// The categories image rules report, and the rule code for each (checked by a test).
pub const IMAGE_CATEGORIES: &[(Category, &str)] = &[
    (Category::EmbeddedDb, "WM320"),
    (Category::RawSocket, "WM321"),
    (Category::Jvm, "WM322"),
    (Category::Dotnet, "WM323"),
    (Category::NativeLib, "WM324"),
    (Category::ShellCommand, "WM325"),
    (Category::LanguageRuntime, "WM326"),
    (Category::WasmModule, "WM111"),
];

/// An entry's category, if it names one of the vocabulary (a test checks the built-in table;
/// the config checks the user's entries).
pub fn category_of(entry: &ImageEntry) -> Option<Category> {
    let c = entry.category.as_deref()?;
    Category::deserialize(c.into_deserializer())
        .map_err(|_: serde::de::value::Error| ())
        .ok()
}

/// An entry's severity, if it names one.
pub fn severity_of(entry: &ImageEntry) -> Option<Severity> {
    entry.severity.as_deref().and_then(Severity::parse)
}

/// The table entry for an image, if it is a well-known one.
pub fn lookup(image: &ImageName) -> Option<&'static ImageEntry> {
    let mut reference = image.repository.clone();
    if let Some(t) = &image.tag {
        reference.push(':');
        reference.push_str(t);
    }
    analyzer::images::lookup(&reference)
}

/// Whether a container of the pod carries the application: an image built in the repository,
/// one the table does not know, or a program on an empty base (ko).
fn carries_the_app(image: Option<&str>) -> bool {
    image.is_none_or(|i| analyzer::images::lookup(i).is_none_or(|e| e.kind == ImageKind::Static))
}

/// Report the container's image if the table knows it under the rule's category.
///
/// A blocker is lowered to a warning when the container does not carry the workload: an init
/// container only runs a step before it, and a database or proxy beside an application
/// container (one built in the repository, or whose image the table does not know) can stay a
/// Linux container in a mixed pod, which current runwasi and Spin shims run.
pub fn judge(cx: &ImageCx<'_>, sink: &mut Sink<'_>, rule: &RuleMeta) {
    let c = cx.container;
    let written = c.image.as_deref().unwrap_or_default();
    let Some(info) =
        analyzer::images::lookup(written).filter(|i| category_of(i) == Some(rule.category))
    else {
        return;
    };
    let severity = severity_of(info).unwrap_or(rule.severity);
    let label = format!("{} `{}`", role_word(c.role), c.name);
    let message = format!("{label} runs `{written}` ({}), {}", info.name, info.reason);
    let app = cx.workload.containers.iter().find(|o| {
        o.role == ContainerRole::Main
            && !(o.name == c.name && o.role == c.role)
            && (o.dockerfile.is_some() || carries_the_app(o.image.as_deref()))
    });
    let not_the_workload = matches!(c.role, ContainerRole::Init | ContainerRole::Ephemeral);
    let hit = sink.report(cx.file, cx.span, message);
    hit.help(info.alternative.clone());
    if severity == Severity::Blocker && not_the_workload {
        hit.severity(Severity::Warning).help(format!(
            "{}; as an init step it only has to start as a Linux container beside the Wasm one",
            info.alternative
        ));
    } else if severity == Severity::Blocker
        && let Some(app) = app
    {
        hit.severity(Severity::Warning).help(format!(
            "{}; beside container `{}` it can stay a Linux container if your shim runs mixed pods (runwasi and the Spin shim do)",
            info.alternative, app.name
        ));
    } else if severity != rule.severity {
        // The entry knows better than the rule's default (a Rust toolchain is only a note).
        hit.severity(severity);
    }
}

/// Report the base image of the Dockerfile's runtime stage if the table knows it under the
/// rule's category, at the `FROM` reference: the same entry, rule and category a container
/// running that image gets. Build stages do not decide, and neither do bases that only carry
/// the program the Dockerfile adds ([`ImageEntry::judges_dockerfile`]).
pub fn judge_dockerfile(cx: &DockerfileCx<'_>, sink: &mut Sink<'_>, rule: &RuleMeta) {
    let chain = cx.dockerfile.runtime_stage_chain();
    let Some(root) = chain.first() else {
        return;
    };
    if root.base_stage.is_some() {
        return;
    }
    let base = &root.base;
    let Some(info) = analyzer::images::lookup(base.name())
        .filter(|i| i.judges_dockerfile() && category_of(i) == Some(rule.category))
    else {
        return;
    };
    let severity = severity_of(info).unwrap_or(rule.severity);
    let hit = sink.report(
        cx.file.id,
        base.span,
        format!(
            "{} starts from `{}` ({}), {}",
            image_part(cx.dockerfile, root.index),
            base.name(),
            info.name,
            info.reason
        ),
    );
    hit.help(info.alternative.clone());
    if severity != rule.severity {
        hit.severity(severity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_of(image: &str) -> Option<&'static str> {
        lookup(&ImageName::parse(image)).map(|i| i.name.as_str())
    }

    #[test]
    fn the_table_parses_and_every_category_has_a_rule() {
        let t = analyzer::images::builtin();
        assert!(t.len() >= 150, "{} entries", t.len());
        for info in t {
            let Some(cat) = info.category.as_deref() else {
                assert!(info.severity.is_none(), "{}", info.name);
                continue;
            };
            let category = category_of(info)
                .unwrap_or_else(|| panic!("{}: unknown category {cat}", info.name));
            assert!(
                IMAGE_CATEGORIES.iter().any(|(c, _)| *c == category),
                "{} has category {cat}, which no image rule reports",
                info.name,
            );
            assert!(severity_of(info).is_some(), "{}: severity", info.name);
            // The message reads "runs `redis:7` (Redis), <reason>": a noun phrase, not a verb.
            assert!(
                !["runs ", "is ", "holds ", "has "]
                    .iter()
                    .any(|v| info.reason.starts_with(v)),
                "{}: reason should be a noun phrase: {}",
                info.name,
                info.reason
            );
            // The alternative becomes the finding's help: lower-case, no trailing period.
            assert!(!info.alternative.is_empty(), "{}: alternative", info.name);
            for text in [&info.reason, &info.alternative] {
                assert!(!text.ends_with('.'), "{}: {text}", info.name);
            }
            assert!(
                !info.alternative.starts_with(char::is_uppercase),
                "{}: {}",
                info.name,
                info.alternative
            );
        }
        let mut patterns = std::collections::HashSet::new();
        for p in t.iter().flat_map(|i| &i.patterns) {
            assert!(patterns.insert(p.clone()), "pattern {p} appears twice");
        }
        for (cat, code) in IMAGE_CATEGORIES {
            let rule = crate::find_rule(code).unwrap_or_else(|| panic!("{code} missing"));
            assert_eq!(rule.meta().category, *cat, "{code}");
            assert!(
                t.iter().any(|i| category_of(i) == Some(*cat)),
                "no entry for {code}"
            );
        }
    }

    #[test]
    fn matching_normalizes_registries() {
        assert_eq!(name_of("redis:7.2"), Some("Redis"));
        assert_eq!(name_of("docker.io/library/redis:7"), Some("Redis"));
        assert_eq!(
            name_of("index.docker.io/bitnami/redis@sha256:abc"),
            Some("Redis")
        );
        assert_eq!(
            name_of("public.ecr.aws/docker/library/postgres:16"),
            Some("PostgreSQL")
        );
        assert_eq!(
            name_of("registry.corp:5000/library/postgres:16"),
            Some("PostgreSQL")
        );
        assert_eq!(name_of("REDIS"), Some("Redis"));
        assert_eq!(
            name_of("quay.io/prometheus/prometheus:v2"),
            Some("Prometheus")
        );
    }
}
