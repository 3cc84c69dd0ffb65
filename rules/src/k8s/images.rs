//! Well-known images (`rules/data/images.toml`): the table, the matching of an image reference
//! against it, and the one judging step every image rule shares.
//!
//! Each image rule owns one category; an entry's `category` picks the rule that reports it, so a
//! rule is a declaration plus `judge(cx, sink, Category::X)`. Whether a blocker stays a blocker
//! depends on the container's place in the pod (an init step, or a database beside the
//! application), which is decided here once for all of them.

use std::sync::OnceLock;

use analyzer::k8s::{ContainerRole, ImageName};
use serde::Deserialize;

use crate::k8s::common::role_word;
use crate::knowledge::parse_table;
use crate::{Category, ImageCx, RuleMeta, Severity, Sink};

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageInfo {
    #[serde(rename = "match")]
    pub patterns: Vec<String>,
    pub name: String,
    pub category: Category,
    pub severity: Severity,
    pub reason: String,
    pub alternative: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageTable {
    #[serde(default)]
    pub image: Vec<ImageInfo>,
}

/// The categories image rules report, and the rule code for each (checked by a test).
pub const IMAGE_CATEGORIES: &[(Category, &str)] = &[
    (Category::EmbeddedDb, "WM320"),
    (Category::RawSocket, "WM321"),
    (Category::Jvm, "WM322"),
    (Category::Dotnet, "WM323"),
    (Category::NativeLib, "WM324"),
    (Category::ShellCommand, "WM325"),
    (Category::LanguageRuntime, "WM326"),
];

pub fn images() -> &'static ImageTable {
    static T: OnceLock<ImageTable> = OnceLock::new();
    T.get_or_init(|| parse_table("images.toml", include_str!("../../data/images.toml")))
}

/// Registry hosts that serve Docker Hub's namespace under another name.
const DOCKER_HUB_ALIASES: &[&str] = &[
    "docker.io/",
    "index.docker.io/",
    "registry-1.docker.io/",
    "registry.hub.docker.com/",
    "mirror.gcr.io/",
    "public.ecr.aws/docker/",
];

fn has_host(repo: &str) -> bool {
    repo.split_once('/')
        .is_some_and(|(h, _)| h.contains('.') || h.contains(':') || h == "localhost")
}

/// `(full, path)`: the repository with Docker Hub's aliases and `library/` removed, and the
/// same without any registry host.
fn normalize(image: &ImageName) -> (String, String) {
    let mut full = image.repository.trim().to_ascii_lowercase();
    for alias in DOCKER_HUB_ALIASES {
        if let Some(rest) = full.strip_prefix(alias) {
            full = rest.to_string();
            break;
        }
    }
    if let Some(rest) = full.strip_prefix("library/") {
        full = rest.to_string();
    }
    let path = match full.split_once('/') {
        Some((_, rest)) if has_host(&full) => rest.strip_prefix("library/").unwrap_or(rest),
        _ => full.as_str(),
    }
    .to_string();
    (full, path)
}

/// How well a pattern matches: exact beats any `/*`, a longer `/*` beats a shorter one.
fn score(pattern: &str, full: &str, path: &str) -> Option<usize> {
    let subject = if has_host(pattern) { full } else { path };
    match pattern.strip_suffix("/*") {
        Some(prefix) => subject
            .strip_prefix(prefix)
            .is_some_and(|r| r.starts_with('/') && r.len() > 1)
            .then_some(prefix.len()),
        None => (subject == pattern).then_some(usize::MAX),
    }
}

/// The table entry for an image, if it is a well-known one.
pub fn lookup(image: &ImageName) -> Option<&'static ImageInfo> {
    let (full, path) = normalize(image);
    images()
        .image
        .iter()
        .flat_map(|info| {
            info.patterns
                .iter()
                .filter_map(|p| score(p, &full, &path))
                .map(move |s| (s, info))
        })
        .max_by_key(|(s, _)| *s)
        .map(|(_, info)| info)
}

/// Report the container's image if the table knows it under `category`.
///
/// A blocker is lowered to a warning when the container does not carry the workload: an init
/// container only runs a step before it, and a database or proxy beside an application
/// container (one built in the repository, or whose image the table does not know) can stay a
/// Linux container in a mixed pod, which current runwasi and Spin shims run.
pub fn judge(cx: &ImageCx<'_>, sink: &mut Sink<'_>, rule: &RuleMeta) {
    let Some(info) = lookup(&cx.image).filter(|i| i.category == rule.category) else {
        return;
    };
    let c = cx.container;
    let written = c.image.as_deref().unwrap_or_default();
    let label = format!("{} `{}`", role_word(c.role), c.name);
    let message = format!("{label} runs `{written}` ({}), {}", info.name, info.reason);
    let app = cx.workload.containers.iter().find(|o| {
        o.role == ContainerRole::Main
            && !(o.name == c.name && o.role == c.role)
            && (o.dockerfile.is_some()
                || o.image
                    .as_deref()
                    .is_some_and(|i| lookup(&ImageName::parse(i)).is_none()))
    });
    let not_the_workload = matches!(c.role, ContainerRole::Init | ContainerRole::Ephemeral);
    let hit = sink.report(cx.file, cx.span, message);
    hit.help(info.alternative.clone());
    if info.severity == Severity::Blocker && not_the_workload {
        hit.severity(Severity::Warning).help(format!(
            "{}; as an init step it only has to start as a Linux container beside the Wasm one",
            info.alternative
        ));
    } else if info.severity == Severity::Blocker
        && let Some(app) = app
    {
        hit.severity(Severity::Warning).help(format!(
            "{}; beside container `{}` it can stay a Linux container if your shim runs mixed pods (runwasi and the Spin shim do)",
            info.alternative, app.name
        ));
    } else if info.severity != rule.severity {
        // The entry knows better than the rule's default (a Rust toolchain is only a note).
        hit.severity(info.severity);
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
        let t = images();
        assert!(t.image.len() >= 40, "{} entries", t.image.len());
        let mut patterns = std::collections::HashSet::new();
        for info in &t.image {
            assert!(
                IMAGE_CATEGORIES.iter().any(|(c, _)| *c == info.category),
                "{} has category {:?}, which no image rule reports",
                info.name,
                info.category
            );
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
            for text in [&info.reason, &info.alternative] {
                assert!(!text.ends_with('.'), "{}: {text}", info.name);
            }
            assert!(
                !info.alternative.starts_with(char::is_uppercase),
                "{}: {}",
                info.name,
                info.alternative
            );
            for p in &info.patterns {
                assert_eq!(p, &p.to_ascii_lowercase(), "pattern {p} must be lower-case");
                assert!(patterns.insert(p.clone()), "pattern {p} appears twice");
            }
        }
        for (cat, code) in IMAGE_CATEGORIES {
            let rule = crate::find_rule(code).unwrap_or_else(|| panic!("{code} missing"));
            assert_eq!(rule.meta().category, *cat, "{code}");
            assert!(
                t.image.iter().any(|i| i.category == *cat),
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
        assert_eq!(name_of("mcr.microsoft.com/dotnet/aspnet:8.0"), Some(".NET"));
        assert_eq!(
            name_of("quay.io/prometheus/prometheus:v2"),
            Some("Prometheus")
        );
        // Exact wins over `confluentinc/*`.
        assert_eq!(name_of("confluentinc/cp-kafka:7.6.0"), Some("Kafka"));
        assert_eq!(
            name_of("confluentinc/cp-schema-registry:7.6.0"),
            Some("a JVM service")
        );
    }

    #[test]
    fn lookalikes_do_not_match() {
        for image in [
            "ghcr.io/acme/redis:1",
            "acme/postgres",
            "curlimages/curl:8.5.0",
            "redis-exporter",
            "oliver006/redis_exporter",
            "alpine/git",
            "nodejs",
            "confluentinc",
            "mcr.microsoft.com/dotnet",
            "",
            "::::",
        ] {
            assert_eq!(name_of(image), None, "{image}");
        }
    }
}
