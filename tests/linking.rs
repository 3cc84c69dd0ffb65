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

/// A file a kustomization applies as a patch holds a partial object: it is not a workload of its
/// own (it used to be reported as one, with no image, next to the real one).
#[test]
fn kustomize_patch_files_are_not_workloads() {
    let dir = tempfile::tempdir().unwrap();
    let w = |p: &str, t: &str| {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, t).unwrap();
    };
    w(
        "base/deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: redis:7\n",
    );
    w("base/kustomization.yaml", "resources:\n- deploy.yaml\n");
    w(
        "prod/kustomization.yaml",
        "resources:\n- ../base\npatches:\n- path: replicas.yaml\npatchesStrategicMerge:\n- memory.yaml\n",
    );
    let partial = |what: &str| {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  {what}\n")
    };
    w("prod/replicas.yaml", &partial("replicas: 3"));
    w("prod/memory.yaml", &partial("minReadySeconds: 5"));
    let out = common::run_in(dir.path(), &["scan", ".", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = v["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["Deployment/default/web"], "{v:#}");
    assert_eq!(
        v["workloads"][0]["sources"],
        serde_json::json!(["base/deploy.yaml", "prod/kustomization.yaml"])
    );
}
