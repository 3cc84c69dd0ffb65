//! `WM342` operator-workload: a custom resource an operator runs as pods (a Strimzi `Kafka`, a
//! Zalando `postgresql`, a KAITO `Workspace`, a wasmCloud `Application`) and what runs for it.

use analyzer::operators::{self, OperatorFinding};
use serde::Deserialize;
use serde::de::value::{Error as DeError, StrDeserializer};

use crate::{Category, ObjectCx, Rule, RuleMeta, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports what an operator runs for a custom resource listed in
    /// `rules/data/operator-workloads.toml`: each entry names the software (Kafka brokers on the
    /// JVM, a PostgreSQL StatefulSet, a GPU inference server, wasmCloud components) and the
    /// findings that follow from it, each with its category, severity and reason. A finding
    /// points at the field that shows it (the storage a `Kafka` claims, the GPU instance type of
    /// a `Workspace`), else at the resource's `kind`.
    ///
    /// Such a resource is a workload: the pods exist only once the operator reads it, so the
    /// manifests never show them, and a scan that skipped it would miss a database or a broker.
    /// Resources that carry a pod template of their own (an Argo `Rollout`, a KEDA `ScaledJob`)
    /// are judged by the ordinary pod rules instead and get no finding from this rule.
    ///
    /// ## Why it matters for Wasm
    /// What the operator runs is third-party software with a known shape: a broker or a database
    /// serves a binary protocol and keeps state on volumes, Elasticsearch and Kafka run on the
    /// JVM, model inference needs GPUs. None of it is rebuilt for Wasm; it stays a Linux
    /// workload (WASM-FACTS.md §5, §8). A wasmCloud application, on the other hand, already runs
    /// WebAssembly components.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kafka.strimzi.io/v1beta2
    /// kind: Kafka
    /// metadata:
    ///   name: events
    /// ```
    ///
    /// ## How to fix
    /// Keep the operator-managed service on Linux nodes (or use a managed service) and let the
    /// Wasm services reach it through a platform binding or over the network.
    pub struct OperatorWorkload {
        code: "WM342",
        name: "operator-workload",
        category: NonHttpPort,
        severity: Blocker,
        penalty: 50,
        summary: "a custom resource that an operator runs as pods of known software",
        help: "keep what the operator runs as a Linux workload or a managed service; reach it from Wasm services over the network",
    }
}

impl Rule for OperatorWorkload {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let Some(entry) = cx.object.operator.and_then(operators::entry) else {
            return;
        };
        let root = cx.root();
        let Some(kind) = root.get("kind") else { return };
        for f in &entry.finding {
            let (Some(category), Some(severity)) =
                (category(&f.category), Severity::parse(&f.severity))
            else {
                continue;
            };
            let Some(at) = evidence(root, f) else {
                continue;
            };
            let node = at.unwrap_or(kind);
            let hit = sink.report(
                cx.object.file,
                node.entry_span(),
                format!(
                    "{} `{}` ({}): the operator runs {}; {}",
                    cx.object.kind, cx.object.name, entry.group, entry.runs, f.reason
                ),
            );
            hit.category(category).severity(severity);
            if category == Category::WasmModule {
                hit.help("nothing to migrate: it already runs WebAssembly");
            }
        }
    }
}

/// Where finding `f` shows: `Some(Some(node))` at a field, `Some(None)` at the resource's `kind`,
/// `None` when it does not apply.
fn evidence<'a>(
    root: analyzer::yaml::YRef<'a>,
    f: &OperatorFinding,
) -> Option<Option<analyzer::yaml::YRef<'a>>> {
    let found = f.at.iter().find_map(|route| operators::find(root, route));
    match found {
        Some(node) => {
            let value = node.as_str();
            if value.is_some_and(|v| f.unless.iter().any(|u| u == v)) {
                None
            } else {
                Some(Some(node))
            }
        }
        None if f.only_at => None,
        None => Some(None),
    }
}

/// A category name of the table as the enum.
pub fn category(name: &str) -> Option<Category> {
    Category::deserialize(StrDeserializer::<DeError>::new(name)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_names_known_categories_and_severities() {
        for e in operators::entries() {
            for f in &e.finding {
                assert!(
                    category(&f.category).is_some(),
                    "{}: {}",
                    e.group,
                    f.category
                );
                assert!(
                    Severity::parse(&f.severity).is_some(),
                    "{}: {}",
                    e.group,
                    f.severity
                );
            }
        }
    }
}
