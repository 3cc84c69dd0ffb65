//! Linking a workload to everything that builds what it runs, end to end.

mod common;

use common::{run, stderr};

/// A Deployment's image is built (under another registry, by a Makefile variable) from a Dockerfile
/// that starts FROM a base image built here too: the base's Dockerfile joins the workload, and its
/// JRE install decides the verdict.
#[test]
fn a_base_image_built_here_joins_the_workload() {
    let out = run(&["scan", "fixtures/link/base-built-here", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let w = v["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == "Deployment/default/operator")
        .expect("the operator workload");
    assert_eq!(w["verdict"], "blocked", "{w:#}");
    assert_eq!(w["language"], "jvm");
    let links: Vec<&str> = w["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["linked_by"].as_str().unwrap())
        .collect();
    // `quay.io/acme/operator` (the Makefile's variable expanded) is `acme/operator` on another
    // registry: the same repository path links explicitly.
    assert_eq!(links[0], "Makefile:7", "{links:?}");
    assert!(
        links[1].starts_with(
            "docker-images/operator/Dockerfile:2: FROM `acme/base:latest`, built here (Makefile:4)"
        ),
        "{links:?}"
    );
    let jvm = w["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["category"] == "jvm")
        .expect("a jvm finding");
    assert_eq!(jvm["file"], "docker-images/base/Dockerfile");
    assert_eq!(jvm["line"], 5);
}
