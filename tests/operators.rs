//! Custom resources an operator runs (`rules/data/operator-workloads.toml`, WM342), end to end on
//! `fixtures/operators/`: each is a workload, judged by what the operator runs, with its
//! category, severity and `file:line`; an OAM Application of another platform is not claimed.

mod common;

use common::{scan_fixture, workload};
use serde_json::Value;

fn scan() -> Value {
    scan_fixture("fixtures/operators")
}

/// `category severity file:line` of each finding of rule `rule`.
fn found(w: &Value, rule: &str) -> Vec<String> {
    w["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            format!(
                "{} {} {}:{}",
                f["category"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"]
            )
        })
        .collect()
}

#[test]
fn strimzi_brokers_are_blocked_jvm_servers_of_the_kafka_protocol() {
    let r = scan();
    let pool = workload(&r, "KafkaNodePool/default/brokers");
    assert_eq!(pool["verdict"], "blocked");
    assert_eq!(pool["language"], "java");
    assert_eq!(
        found(pool, "WM342"),
        [
            "jvm blocker kafka.yaml:3",
            "non-http-port blocker kafka.yaml:10",
            "persistent-volume blocker kafka.yaml:13",
            "statefulset warning kafka.yaml:3",
        ]
    );
    // Ephemeral storage keeps no volume: no persistent-volume finding.
    let kafka = workload(&r, "Kafka/default/events");
    assert_eq!(kafka["verdict"], "blocked");
    let cats = found(kafka, "WM342");
    assert!(
        cats.contains(&"non-http-port blocker kafka.yaml:23".to_string()),
        "{cats:?}"
    );
    assert!(
        !cats.iter().any(|c| c.starts_with("persistent-volume")),
        "{cats:?}"
    );
    assert!(
        kafka["confidence_reason"]
            .as_str()
            .unwrap()
            .contains("what the operator runs"),
        "{kafka:#}"
    );
}

#[test]
fn a_zalando_postgresql_and_a_kaito_workspace_are_blocked_at_their_evidence() {
    let r = scan();
    let db = workload(&r, "postgresql/default/orders-db");
    assert_eq!(db["verdict"], "blocked");
    assert_eq!(
        found(db, "WM342"),
        [
            "non-http-port blocker db.yaml:2",
            "persistent-volume blocker db.yaml:8",
            "statefulset warning db.yaml:2",
        ]
    );
    let ws = workload(&r, "Workspace/default/summarizer");
    assert_eq!(ws["verdict"], "blocked");
    assert_eq!(found(ws, "WM342"), ["gpu blocker inference.yaml:6"]);
}

#[test]
fn a_wasmcloud_application_is_ready_and_a_kubevela_one_is_not_claimed() {
    let r = scan();
    let app = workload(&r, "Application/default/greeter");
    assert_eq!(app["verdict"], "ready", "{app:#}");
    assert_eq!(found(app, "WM342"), ["wasm-module note apps.yaml:7"]);
    assert!(
        !r["workloads"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["name"] == "storefront"),
        "a KubeVela Application is not a wasmCloud one"
    );
}

#[test]
fn a_rollout_is_judged_by_its_pod_template() {
    let r = scan();
    let edge = workload(&r, "Rollout/default/edge");
    assert_eq!(edge["verdict"], "blocked");
    assert!(found(edge, "WM342").is_empty());
    let host: Vec<_> = edge["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] == "host-network")
        .map(|f| format!("{}:{}", f["file"].as_str().unwrap(), f["line"]))
        .collect();
    assert_eq!(host, ["apps.yaml:40"]);
}
