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
use crate::k8s::pod::{Member, has_company, sidecar_relief, wasm_evidence};
use crate::{Category, DockerfileCx, ImageCx, RuleMeta, Severity, Sink};

/// The categories image rules report, and the rule code for each (checked by a test).
///
/// `non-http-port` has two rules: brokers (kind `broker`) are WM321, every other server WM320
/// ([`rule_of`]).
pub const IMAGE_CATEGORIES: &[(Category, &str)] = &[
    (Category::NonHttpPort, "WM320"),
    (Category::NonHttpPort, "WM321"),
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

/// The code of the image rule that reports an entry, if its category is one an image rule
/// reports.
pub fn rule_of(entry: &ImageEntry) -> Option<&'static str> {
    let category = category_of(entry)?;
    if category == Category::NonHttpPort {
        return Some(if entry.kind == ImageKind::Broker {
            "WM321"
        } else {
            "WM320"
        });
    }
    IMAGE_CATEGORIES
        .iter()
        .find(|(c, _)| *c == category)
        .map(|(_, code)| *code)
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

/// Report the container's image if the table knows it under the rule.
///
/// A blocker is lowered when the container does not decide where the workload's code can go
/// (DESIGN.md §4): to a warning for an init container (a step before the workload) and for a
/// recognized sidecar beside an application container ([`crate::k8s::pod`]), and to a note for a
/// container beside the Wasm one in a pod that already runs Wasm. A database, broker or any image
/// the sidecar table does not recognize stays a blocker beside the application: it is a server of
/// its own that has to stay on Linux.
pub fn judge(cx: &ImageCx<'_>, sink: &mut Sink<'_>, rule: &RuleMeta) {
    let c = cx.container;
    let written = c.image.as_deref().unwrap_or_default();
    let Some(info) = analyzer::images::lookup(written).filter(|i| rule_of(i) == Some(rule.code))
    else {
        return;
    };
    let severity = severity_of(info).unwrap_or(rule.severity);
    let label = format!("{} `{}`", role_word(c.role), c.name);
    // Known by its last name only (a mirror or a private registry): say it is a recognition.
    let by_name = if analyzer::images::known_by_name_only(written) {
        " by its name"
    } else {
        ""
    };
    let message = format!(
        "{label} runs `{written}` ({}{by_name}), {}",
        info.name, info.reason
    );
    let members = Member::of_workload(cx.workload);
    let me = Member {
        name: &c.name,
        image: c.image.as_deref(),
        role: c.role,
    };
    let wasm = cx.workload.object.and_then(|idx| {
        let object = &cx.repo.objects[idx];
        wasm_evidence(cx.repo, object, cx.repo.doc_of(object)?)
    });
    let not_the_workload = matches!(c.role, ContainerRole::Init | ContainerRole::Ephemeral);
    let hit = sink.report(cx.file, cx.span, message);
    hit.help(info.alternative.clone());
    if severity == Severity::Blocker && not_the_workload {
        hit.severity(Severity::Warning).help(format!(
            "{}; as an init step it only has to start as a Linux container beside the Wasm one",
            info.alternative
        ));
    } else if severity != Severity::Note
        && info.kind != ImageKind::Wasm
        && let Some(why) = wasm.filter(|_| has_company(&members, &me))
    {
        hit.severity(Severity::Note).help(format!(
            "the workload already runs Wasm ({why}); `{}` runs beside it as a Linux container, which runwasi and the Spin shim allow in a mixed pod (WASM-FACTS.md §2)",
            c.name
        ));
    } else if severity == Severity::Blocker
        && let Some(relief) = sidecar_relief(&members, &me)
    {
        hit.severity(Severity::Warning)
            .help(relief.help(&c.name, &info.alternative));
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
        .filter(|i| i.judges_dockerfile() && rule_of(i) == Some(rule.code))
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
            category_of(info).unwrap_or_else(|| panic!("{}: unknown category {cat}", info.name));
            assert!(
                rule_of(info).is_some(),
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
                t.iter().any(|i| rule_of(i) == Some(*code)),
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
