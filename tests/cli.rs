//! End-to-end tests of the command line on the demo repository: outputs, schema, exit codes.

mod common;

use common::{run, stderr, stdout};

#[test]
fn json_report_validates_against_the_published_schema() {
    let schema_out = run(&["schema"]);
    assert!(schema_out.status.success(), "{}", stderr(&schema_out));
    let schema: serde_json::Value =
        serde_json::from_slice(&schema_out.stdout).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");

    let out = run(&["scan", "fixtures/demo", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report does not match its schema: {errors:#?}"
    );
    assert_eq!(report["schema_version"], 2);
    assert_eq!(report["root"], "fixtures/demo");
}

#[test]
fn json_report_links_workloads_and_explains_why() {
    let out = run(&["scan", "fixtures/demo", "--format", "json"]);
    let report: rules::report::Report =
        serde_json::from_slice(&out.stdout).expect("report parses into the wire model");
    let w = |id: &str| {
        report
            .workloads
            .iter()
            .find(|w| w.id == id)
            .unwrap_or_else(|| panic!("no workload {id}"))
    };

    // kustomize overlay applies namespace `shop`; skaffold links the frontend image.
    let frontend = w("Deployment/shop/frontend");
    assert_eq!(frontend.links.len(), 2);
    assert_eq!(frontend.links[0].to, "frontend/Dockerfile");
    assert_eq!(frontend.links[0].linked_by, "skaffold.yaml:7");
    // the Dockerfile builds the `frontend` binary, so the workload runs that Cargo package.
    assert_eq!(frontend.links[1].to, "frontend/Cargo.toml");
    assert_eq!(
        frontend.links[1].linked_by,
        "frontend/Dockerfile:11 (builds binary `frontend`)"
    );
    assert_eq!(frontend.language.as_deref(), Some("rust"));
    // the workflow's `docker build -t ... -f api/Dockerfile` links the api image.
    assert_eq!(
        w("Deployment/shop/api").links[0].linked_by,
        ".github/workflows/build.yml:10"
    );

    let exporter = w("DaemonSet/shop/node-exporter");
    let host_net = exporter
        .findings
        .iter()
        .find(|f| f.rule == "WM301")
        .expect("WM301 on the node exporter");
    assert_eq!(
        (host_net.file.as_str(), host_net.line, host_net.column),
        ("k8s/base/node-exporter.yaml", 15, 7)
    );
    assert_eq!(exporter.verdict, rules::report::Verdict::Blocked);
    let total: u32 = exporter.findings.iter().map(|f| f.penalty).sum();
    assert_eq!(
        exporter.score,
        Some(100u32.saturating_sub(total).min(49)),
        "the score is recomputable from the penalties"
    );

    // The Helm chart is read statically: its Deployment, named by the release (the chart's
    // name), runs the image its values and appVersion spell, and is judged at the template line.
    let legacy = w("Deployment/default/legacy-db");
    assert_eq!(legacy.verdict, rules::report::Verdict::Blocked);
    let db = legacy
        .findings
        .iter()
        .find(|f| f.category == rules::Category::NonHttpPort)
        .expect("the MySQL image is a non-HTTP server");
    assert_eq!(
        (db.file.as_str(), db.line),
        ("charts/legacy/templates/deployment.yaml", 11)
    );
    assert!(db.message.contains("mysql:8.0"), "{}", db.message);
    assert_eq!(db.related[0].file, "charts/legacy/values.yaml");
}

#[test]
fn human_output_shows_snippets_links_and_summary() {
    let out = run(&["scan", "fixtures/demo"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("━━ DaemonSet/shop/node-exporter"), "{text}");
    assert!(
        text.contains("linked: k8s/base/frontend.yaml -> frontend/Dockerfile (skaffold.yaml:7)"),
        "{text}"
    );
    assert!(
        text.contains("╭─[k8s/base/node-exporter.yaml:15:7]"),
        "{text}"
    );
    assert!(text.contains("15 │       hostNetwork: true"), "{text}");
    assert!(
        text.contains("score: 100 - 60 (WM301) - 40 (WM324) - 50 (WM304)"),
        "{text}"
    );
    assert!(text.contains("Summary"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "NO_COLOR output has no escape codes"
    );
}

#[test]
fn gates_set_exit_code_one() {
    assert_eq!(
        run(&[
            "scan",
            "fixtures/demo",
            "--fail-on",
            "blocker",
            "--format",
            "json"
        ])
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        run(&[
            "scan",
            "fixtures/demo",
            "--fail-under",
            "50",
            "--format",
            "json"
        ])
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        run(&[
            "scan",
            "fixtures/rules/WM301-host-network/clean",
            "--fail-on",
            "warning",
            "--format",
            "json"
        ])
        .status
        .code(),
        Some(0)
    );
}

#[test]
fn tool_failures_exit_two() {
    let out = run(&["scan", "fixtures/does-not-exist"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read scan root"),
        "{}",
        stderr(&out)
    );
    assert_eq!(run(&["scan", "--bogus-flag"]).status.code(), Some(2));
    assert_eq!(run(&["explain", "WM999"]).status.code(), Some(2));
    let out = run(&[
        "scan",
        "fixtures/demo",
        "--output",
        "a.json",
        "--output",
        "b.json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "more outputs than formats is a usage error"
    );
}

#[test]
fn several_formats_in_one_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let json = dir.path().join("r.json");
    let human = dir.path().join("r.txt");
    let out = run(&[
        "scan",
        "fixtures/demo",
        "--format",
        "json",
        "--output",
        json.to_str().unwrap(),
        "--format",
        "human",
        "--output",
        human.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    let report: rules::report::Report =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(!report.workloads.is_empty());
    assert!(std::fs::read_to_string(&human).unwrap().contains("Summary"));
}

#[test]
fn rules_and_explain_come_from_the_declarations() {
    let out = run(&["rules"]);
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.starts_with("WM301") && l.contains("host-network") && l.contains("blocker")),
        "{text}"
    );
    let out = run(&["explain", "host-network"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.starts_with("# WM301 host-network"), "{text}");
    assert!(text.contains("## Why it matters for Wasm"));
}

#[test]
fn scan_module_inspects_one_file_and_names_its_runtime() {
    let out = run(&[
        "scan",
        "--module",
        "fixtures/wasm/wasmedge-socket.wasm",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report is JSON");
    let workloads = report["workloads"].as_array().expect("workloads");
    assert_eq!(workloads.len(), 1);
    let w = &workloads[0];
    assert_eq!(w["id"], "wasm:wasmedge-socket.wasm");
    assert_eq!(w["kind"], "WasmModule");
    assert_eq!(w["runtime"], "wasmedge");
    let rules: Vec<&str> = w["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule"))
        .collect();
    assert!(rules.contains(&"WM401"), "{rules:?}");
    assert!(rules.contains(&"WM402"), "{rules:?}");

    let out = run(&[
        "scan",
        "--module",
        "fixtures/wasm/spin-http.component.wasm",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report is JSON");
    assert_eq!(report["workloads"][0]["runtime"], "spin");
}

#[test]
fn scan_module_refuses_what_is_not_a_module() {
    // A broken module given alone is an answer the tool cannot give: exit 2 with the reason,
    // never a 100/ready workload.
    let out = run(&["scan", "--module", "fixtures/wasm/truncated.wasm"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not a WebAssembly module")
            && stderr(&out).contains("unexpected end-of-file (at byte offset 10)"),
        "{}",
        stderr(&out)
    );
    let out = run(&["scan", "--module", "fixtures/wasm"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("needs a .wasm file, not a directory"),
        "{}",
        stderr(&out)
    );
    // The io error is printed once, not twice.
    let out = run(&["scan", "--module", "fixtures/wasm/missing.wasm"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).matches("No such file").count(),
        1,
        "{}",
        stderr(&out)
    );
    assert_eq!(
        run(&[
            "scan",
            "fixtures/demo",
            "--module",
            "fixtures/wasm/wasix.wasm"
        ])
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn scan_cargo_metadata_notes_how_each_workspace_was_resolved() {
    let out = run(&[
        "scan",
        "fixtures/cargo/metadata-offline",
        "--cargo-metadata",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let notes: Vec<(String, String)> = report["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .map(|n| {
            (
                n["file"].as_str().unwrap_or_default().to_string(),
                n["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        notes.iter().any(|(p, m)| p == "ws/Cargo.toml"
            && m.starts_with(
                "dependency features resolved by cargo (`cargo tree --target wasm32-wasip2`)"
            )),
        "{notes:?}"
    );
    // Without the flag cargo is never run, and nothing says it was.
    let out = run(&[
        "scan",
        "fixtures/cargo/metadata-offline",
        "--format",
        "json",
    ]);
    assert!(!stdout(&out).contains("cargo tree"), "{}", stdout(&out));
    // A single module has no Cargo project to resolve.
    let out = run(&[
        "scan",
        "--module",
        "fixtures/wasm/wasip1-command.wasm",
        "--cargo-metadata",
    ]);
    assert_eq!(out.status.code(), Some(2));
}
