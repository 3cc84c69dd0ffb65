//! The static chart reader end to end: a chart of our own (helpers, `range`, conditionals,
//! `.Files` + `tpl`, a vendored subchart and a packaged one) is scanned without running anything,
//! and its workloads, images and findings point at the template lines (and the values lines).

mod common;

use std::path::Path;

use common::{copy_tree, fixture, run_in, stderr};
use serde_json::Value;

/// The packaged subchart `charts/metrics-0.2.0.tgz`, built here from text so the fixture holds
/// no binary file.
fn write_metrics_tgz(chart_dir: &Path) {
    let files = [
        (
            "metrics/Chart.yaml",
            "apiVersion: v2\nname: metrics\nversion: 0.2.0\nappVersion: \"1.8.0\"\n",
        ),
        ("metrics/values.yaml", "port: 9100\n"),
        (
            "metrics/templates/deployment.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-metrics\nspec:\n  template:\n    spec:\n      containers:\n        - name: exporter\n          image: \"quay.io/prometheus/node-exporter:v{{ .Chart.AppVersion }}\"\n          ports:\n            - containerPort: {{ .Values.port }}\n",
        ),
    ];
    let mut b = tar::Builder::new(Vec::new());
    for (p, t) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(t.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, p, t.as_bytes()).expect("tar");
    }
    let tar = b.into_inner().expect("tar");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &tar).expect("gzip");
    let bytes = gz.finish().expect("gzip");
    std::fs::write(chart_dir.join("charts/metrics-0.2.0.tgz"), bytes).expect("write tgz");
}

/// Scan a copy of the shop chart (with its packaged subchart) with extra flags.
fn scan_shop(extra: &[&str]) -> (Value, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = dir.path().join("repo/charts/shop");
    copy_tree(&fixture("helm/shop"), &chart);
    write_metrics_tgz(&chart);
    let mut args = vec!["scan", "repo", "--format", "json"];
    args.extend_from_slice(extra);
    let out = run_in(dir.path(), &args);
    assert!(
        matches!(out.status.code(), Some(0)),
        "exit {:?}: {}",
        out.status.code(),
        stderr(&out)
    );
    (serde_json::from_slice(&out.stdout).expect("JSON"), dir)
}

fn workloads(report: &Value) -> Vec<String> {
    let mut ids: Vec<String> = report["workloads"]
        .as_array()
        .expect("workloads")
        .iter()
        .map(|w| w["id"].as_str().unwrap_or_default().to_string())
        .collect();
    ids.sort();
    ids
}

fn by_name<'v>(report: &'v Value, name: &str) -> &'v Value {
    report["workloads"]
        .as_array()
        .expect("workloads")
        .iter()
        .find(|w| w["name"] == name)
        .unwrap_or_else(|| panic!("no workload named {name}: {:?}", workloads(report)))
}

fn finding<'v>(w: &'v Value, category: &str) -> &'v Value {
    w["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["category"] == category)
        .unwrap_or_else(|| panic!("no {category} finding in {}", w["findings"]))
}

#[test]
fn every_workload_of_the_chart_and_its_subcharts_is_found_without_running_anything() {
    let (report, _dir) = scan_shop(&[]);
    // The names `helm template shop charts/shop` gives them (release = the chart's name),
    // the `helm test` Pod included: helm prints it and runs it in the cluster.
    assert_eq!(
        workloads(&report),
        [
            "Deployment/default/shop",
            "Deployment/default/shop-metrics",
            "Deployment/default/shop-worker",
            "Pod/default/shop-test-connection",
            "StatefulSet/default/shop-cache",
        ]
    );
    // Chart files are chart files: no template, helper or `files/` fragment is a parse error.
    assert_eq!(
        report["errors"],
        serde_json::json!([]),
        "{}",
        report["errors"]
    );
    let web = by_name(&report, "shop");
    assert_eq!(
        web["sources"],
        serde_json::json!(["charts/shop/templates/deployment.yaml"])
    );
    assert!(
        web["coverage"]
            .as_array()
            .expect("coverage")
            .iter()
            .any(|c| c == "helm-values")
    );
}

#[test]
fn findings_point_at_the_template_line_and_the_value_that_decided_them() {
    let (report, _dir) = scan_shop(&[]);
    let worker = by_name(&report, "shop-worker");
    assert_eq!(worker["verdict"], "blocked");
    let host = finding(worker, "host-network");
    assert_eq!(
        common::location(host),
        "charts/shop/templates/worker.yaml:17:7"
    );
    let related = &host["related"][0];
    assert_eq!(related["file"], "charts/shop/values.yaml");
    assert_eq!(related["line"], 33, "worker.hostNetwork in values.yaml");

    // A vendored subchart sees the parent's values under its key: the port comes from the
    // parent's `cache.port`, and the finding says so.
    let cache = by_name(&report, "shop-cache");
    assert_eq!(cache["verdict"], "blocked");
    let port = cache["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "WM311")
        .expect("WM311 on the Redis port");
    assert_eq!(
        common::location(port),
        "charts/shop/charts/cache/templates/statefulset.yaml:20:15"
    );
    assert_eq!(port["related"][0]["file"], "charts/shop/values.yaml");
    assert_eq!(port["related"][0]["line"], 40);
    // The image is resolved from the subchart's values and its appVersion.
    let image = finding(cache, "non-http-port");
    assert!(
        image["message"]
            .as_str()
            .unwrap_or_default()
            .contains("redis:7.2"),
        "{image}"
    );

    // `range` over the ports and `include` of the helpers resolve in the main template.
    let web = by_name(&report, "shop");
    let probe = finding(web, "exec-probe");
    assert_eq!(
        common::location(probe),
        "charts/shop/templates/deployment.yaml:27:13"
    );
    let pvc = finding(web, "persistent-volume");
    assert!(
        pvc["message"]
            .as_str()
            .unwrap_or_default()
            .contains("`shop-data`"),
        "{pvc}"
    );

    // The packaged subchart's template is read from inside the archive.
    let metrics = by_name(&report, "shop-metrics");
    assert_eq!(
        metrics["sources"][0],
        "charts/shop/charts/metrics-0.2.0.tgz/metrics/templates/deployment.yaml"
    );
}

#[test]
fn release_name_and_values_files_change_what_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let values = dir.path().join("prod.yaml");
    std::fs::write(
        &values,
        "worker:\n  enabled: false\ncache:\n  enabled: false\n",
    )
    .expect("write");
    let (report, _d) = scan_shop(&[
        "--helm-release",
        "prod",
        "--helm-values",
        values.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        workloads(&report),
        [
            "Deployment/default/prod-metrics",
            "Deployment/default/prod-shop",
            "Pod/default/prod-shop-test-connection"
        ]
    );
}

#[test]
fn an_umbrella_chart_renders_its_file_dependencies_with_its_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path().join("repo");
    copy_tree(&fixture("helm/shop"), &repo.join("charts/shop"));
    write_metrics_tgz(&repo.join("charts/shop"));
    std::fs::create_dir_all(repo.join("charts/platform")).expect("mkdir");
    std::fs::write(
        repo.join("charts/platform/Chart.yaml"),
        "apiVersion: v2\nname: platform\nversion: 1.0.0\ndependencies:\n  - name: shop\n    version: 0.3.1\n    repository: file://../shop\n",
    )
    .expect("write");
    std::fs::write(
        repo.join("charts/platform/values.yaml"),
        "shop:\n  fullnameOverride: storefront\n  worker:\n    enabled: false\n  cache:\n    enabled: false\n  metrics:\n    enabled: false\n",
    )
    .expect("write");
    let out = run_in(dir.path(), &["scan", "repo", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    // The shop chart on its own (release `shop`), and again inside the platform release with
    // the platform's values for it: the same template file, two objects.
    let ids = workloads(&report);
    assert!(
        ids.contains(&"Deployment/default/shop".to_string()),
        "{ids:?}"
    );
    assert!(
        ids.contains(&"Deployment/default/storefront".to_string()),
        "{ids:?}"
    );
    assert!(
        !ids.contains(&"Deployment/default/platform-storefront-worker".to_string()),
        "{ids:?}"
    );
    let storefront = by_name(&report, "storefront");
    assert_eq!(
        storefront["sources"][0],
        "charts/shop/templates/deployment.yaml"
    );
    let probe = finding(storefront, "exec-probe");
    assert_eq!(
        common::location(probe),
        "charts/shop/templates/deployment.yaml:27:13"
    );
}
