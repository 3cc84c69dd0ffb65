//! Manifests kept as templates that a script fills in (`*.tmpl`, `*.yaml.template`, rendered with
//! envsubst or sed) are read as YAML when they parse; a template of another language (Jinja, Go
//! templates) is skipped without an error.

mod common;

use common::{run, stderr};
use serde_json::Value;

#[test]
fn placeholder_manifests_are_workloads_and_other_templates_are_not_errors() {
    let out = run(&["scan", "fixtures/manifest-templates", "--format", "json"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The Jinja page under web/ is not YAML: not reported as a parse error; the Go template
    // `scaffold.yaml.tmpl` is not read as a Deployment named `{{ .Name }}`.
    assert_eq!(r["errors"], serde_json::json!([]), "{r:#}");
    let got: Vec<String> = r["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            let f = &w["findings"][0];
            format!(
                "{} {} {} {}:{}",
                w["id"].as_str().unwrap(),
                w["verdict"].as_str().unwrap(),
                f["category"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"]
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "SpinApp/default/greeter ready wasm-module k8s/app.tmpl:3",
            "Deployment/default/worker blocked host-network k8s/worker.yaml.template:12",
        ]
    );
}
