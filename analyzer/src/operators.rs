//! Custom resources that run code: an operator turns a `Kafka`, a `postgresql` or a wasmCloud
//! `Application` into pods the repository never writes down, and a `Rollout` or a `CloneSet`
//! carries a pod template of its own. Which resources do so is data, `rules/data/operator-workloads.toml`;
//! this module matches objects against it. The rule `operator-workload` (WM342) reports what each
//! entry says the operator runs.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::yaml::YRef;

/// One `[[operator]]` entry.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorEntry {
    /// API group of the resource (`kafka.strimzi.io`), matched against `apiVersion`.
    pub group: String,
    pub kinds: Vec<String>,
    /// What the operator runs for it, in words ("Apache Kafka brokers on the JVM").
    pub runs: String,
    /// The language of what runs, when one is known (`java`, `wasm`).
    #[serde(default)]
    pub language: Option<String>,
    /// Dotted route to a pod spec inside the resource (`spec.template.spec`): ordinary pod rules
    /// apply to it.
    #[serde(default)]
    pub pod_template: Option<String>,
    /// A condition the resource must meet to be this entry (`core.oam.dev` Applications are
    /// wasmCloud's only when their components are wasmCloud component types).
    #[serde(default)]
    pub require: Option<Require>,
    #[serde(default)]
    pub finding: Vec<OperatorFinding>,
    pub source: String,
}

/// Every item of the list at `list` has a `field` whose value is one of `one_of`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Require {
    pub list: String,
    pub field: String,
    pub one_of: Vec<String>,
}

/// A finding the entry implies.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorFinding {
    /// A category of docs/categories.md.
    pub category: String,
    /// blocker | warning | note
    pub severity: String,
    pub reason: String,
    /// Dotted routes (`*` for any list item) to the field that shows it, first present wins;
    /// the finding points at the resource's `kind` when none is present.
    #[serde(default)]
    pub at: Vec<String>,
    /// Report only when one of `at` is present.
    #[serde(default)]
    pub only_at: bool,
    /// Values of the `at` field that mean the opposite (a storage `type: ephemeral`).
    #[serde(default)]
    pub unless: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    #[serde(default)]
    operator: Vec<OperatorEntry>,
}

/// The table's text (also read by the rule docs and tests).
pub const TABLE_TEXT: &str = include_str!("../../rules/data/operator-workloads.toml");

struct Loaded {
    entries: Vec<OperatorEntry>,
    /// `pod_template` split into keys, per entry (leaked once: the table is fixed data).
    routes: Vec<Option<&'static [&'static str]>>,
}

fn loaded() -> &'static Loaded {
    static T: OnceLock<Loaded> = OnceLock::new();
    T.get_or_init(|| {
        let entries = toml::from_str::<Table>(TABLE_TEXT)
            .map(|t| t.operator)
            .unwrap_or_default();
        let routes = entries
            .iter()
            .map(|e| {
                e.pod_template.as_ref().map(|r| {
                    let keys: Vec<&'static str> = r
                        .split('.')
                        .map(|k| &*Box::leak(k.to_string().into_boxed_str()))
                        .collect();
                    &*Box::leak(keys.into_boxed_slice())
                })
            })
            .collect();
        Loaded { entries, routes }
    })
}

/// Parse the table, for its test.
pub fn parse(text: &str) -> Result<Vec<OperatorEntry>, toml::de::Error> {
    toml::from_str::<Table>(text).map(|t| t.operator)
}

pub fn entries() -> &'static [OperatorEntry] {
    &loaded().entries
}

pub fn entry(i: u16) -> Option<&'static OperatorEntry> {
    loaded().entries.get(usize::from(i))
}

/// The pod spec route of entry `i`, when it has a pod template.
pub fn pod_template(i: u16) -> Option<&'static [&'static str]> {
    loaded().routes.get(usize::from(i)).copied().flatten()
}

/// The entry an object of `api_version`/`kind` rooted at `node` matches.
pub fn match_object(api_version: &str, kind: &str, node: YRef<'_>) -> Option<u16> {
    let group = api_version.split_once('/').map(|(g, _)| g)?;
    let i = loaded().entries.iter().position(|e| {
        e.group == group
            && e.kinds.iter().any(|k| k == kind)
            && e.require.as_ref().is_none_or(|r| meets(node, r))
    })?;
    u16::try_from(i).ok()
}

fn meets(node: YRef<'_>, r: &Require) -> bool {
    let Some(list) = node.path(&r.list.split('.').collect::<Vec<_>>()) else {
        return false;
    };
    let mut any = false;
    for item in list.items() {
        any = true;
        let ok = item
            .get(&r.field)
            .and_then(|v| v.as_str())
            .is_some_and(|v| r.one_of.iter().any(|o| o == v));
        if !ok {
            return false;
        }
    }
    any
}

/// The node at a dotted route, `*` standing for any item of a list (the first that leads on).
pub fn find<'a>(node: YRef<'a>, route: &str) -> Option<YRef<'a>> {
    fn walk<'a>(node: YRef<'a>, keys: &[&str], depth: usize) -> Option<YRef<'a>> {
        let Some((first, rest)) = keys.split_first() else {
            return Some(node);
        };
        if depth > 32 {
            return None;
        }
        if *first == "*" {
            // Bounded: a hostile list is walked for at most 64 items.
            return node
                .items()
                .take(64)
                .find_map(|item| walk(item, rest, depth + 1));
        }
        walk(node.get(first)?, rest, depth + 1)
    }
    walk(node, &route.split('.').collect::<Vec<_>>(), 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_and_every_entry_has_a_source() {
        let entries = parse(TABLE_TEXT).expect("operator-workloads.toml parses");
        assert!(entries.len() >= 10);
        for e in &entries {
            assert!(
                e.source.starts_with("https://"),
                "{} has no source",
                e.group
            );
            assert!(!e.kinds.is_empty());
            assert!(
                e.pod_template.is_some() || !e.finding.is_empty(),
                "{} says nothing about what runs",
                e.group
            );
        }
    }
}
