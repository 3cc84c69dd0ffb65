//! The `unknown` verdict end to end: a workload whose manifest names an image nothing in the
//! repository places is `unknown` with no score in every output, in baseline deltas, in
//! `report --merge` of a version-1 and a version-2 report, and trips `--fail-on unknown`.

mod common;

use std::path::Path;

use common::{run_in, stderr, stdout};

const MYSTERY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: mystery\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: ghcr.io/acme/mystery:1.2\n";

/// A repository with one workload nobody can place, and a saved version-1 report of it from
/// before this verdict existed (when it was "ready 100").
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let k8s = dir.path().join("repo/k8s");
    std::fs::create_dir_all(&k8s).unwrap();
    std::fs::write(k8s.join("mystery.yaml"), MYSTERY).unwrap();
    std::fs::write(
        dir.path().join("v1.json"),
        r#"{"schema_version": 1, "tool": {"name": "wasm-migrate", "version": "0.1.0"},
            "root": "old", "errors": [], "notes": [],
            "workloads": [{"id": "Deployment/shop/mystery", "kind": "Deployment",
              "name": "mystery", "namespace": "shop", "sources": ["k8s/mystery.yaml"],
              "links": [], "language": null, "score": 100, "verdict": "ready", "runtime": null,
              "findings": []}]}"#,
    )
    .unwrap();
    dir
}

fn scan(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["scan", "repo"];
    args.extend_from_slice(extra);
    run_in(dir, &args)
}

#[test]
fn json_says_unknown_with_no_score_what_was_inspected_and_what_would_settle_it() {
    let dir = repo();
    let out = scan(dir.path(), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema_version"], 2);
    let w = &v["workloads"][0];
    assert_eq!(w["id"], "Deployment/shop/mystery");
    assert_eq!(w["verdict"], "unknown");
    assert!(w["score"].is_null(), "{w}");
    assert_eq!(
        w["coverage"],
        serde_json::json!(["manifest", "image-reference"])
    );
    assert_eq!(w["confidence"], "low");
    assert!(
        w["settle"]
            .as_str()
            .unwrap()
            .contains("link the Dockerfile that builds `ghcr.io/acme/mystery:1.2`"),
        "{w}"
    );
}

#[test]
fn human_markdown_html_and_sarif_count_it_apart() {
    let dir = repo();
    let human = stdout(&scan(dir.path(), &[]));
    assert!(
        human.contains("━━ Deployment/shop/mystery  -/100 unknown"),
        "{human}"
    );
    assert!(
        human.contains("to settle it: link the Dockerfile"),
        "{human}"
    );
    assert!(
        human.contains("1 workload(s): 0 ready, 0 portable, 0 blocked, 1 unknown"),
        "{human}"
    );

    let md = stdout(&scan(dir.path(), &["--format", "markdown"]));
    assert!(
        md.contains("🟢 0 ready · 🟡 0 portable · 🔴 0 blocked · ❔ 1 unknown"),
        "{md}"
    );
    assert!(
        md.contains("| `Deployment/shop/mystery` | - | ❔ unknown | none |"),
        "{md}"
    );
    assert!(md.contains("To settle it: link the Dockerfile"), "{md}");

    let html = stdout(&scan(dir.path(), &["--format", "html"]));
    assert!(html.contains(r#"<span class="badge unknown">unknown</span>"#));
    assert!(html.contains("aria-label=\"no score: unknown\""));
    assert!(html.contains("to settle it"));

    let sarif: serde_json::Value =
        serde_json::from_slice(&scan(dir.path(), &["--format", "sarif"]).stdout).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["properties"]["verdicts"]["unknown"], 1);
    assert_eq!(run["properties"]["verdicts"]["ready"], 0);
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(
        notes.iter().any(|n| n["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Deployment/shop/mystery is unknown")),
        "{notes:?}"
    );
}

#[test]
fn fail_on_unknown_is_a_gate_and_fail_under_ignores_unknown() {
    let dir = repo();
    assert_eq!(
        scan(dir.path(), &["--format", "json"]).status.code(),
        Some(0)
    );
    assert_eq!(
        scan(dir.path(), &["--format", "json", "--fail-on", "unknown"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        scan(dir.path(), &["--format", "json", "--fail-under", "90"])
            .status
            .code(),
        Some(0),
        "an unknown workload has no score to be under"
    );
}

#[test]
fn a_version_1_baseline_shows_the_change_to_unknown() {
    let dir = repo();
    let out = scan(
        dir.path(),
        &["--baseline", "v1.json", "--format", "markdown"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = stdout(&out);
    // The row has no score delta (no score now), and the verdict shows.
    assert!(
        md.contains("| `Deployment/shop/mystery` | - | ❔ unknown | – |"),
        "{md}"
    );
    // With --new-only, a workload that became unknown since the baseline trips the gate.
    let out = scan(
        dir.path(),
        &[
            "--baseline",
            "v1.json",
            "--new-only",
            "--fail-on",
            "unknown",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn report_merges_a_version_1_and_a_version_2_report() {
    let dir = repo();
    let out = scan(dir.path(), &["--format", "json", "--output", "v2.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run_in(
        dir.path(),
        &[
            "report", "v1.json", "v2.json", "--merge", "--format", "markdown",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = stdout(&out);
    assert!(
        md.contains("🟢 1 ready · 🟡 0 portable · 🔴 0 blocked · ❔ 1 unknown"),
        "{md}"
    );
    assert!(md.contains("| `old` | 1 | 1 | 0 | 0 | 0 | 100 |"), "{md}");
    assert!(md.contains("| `repo` | 1 | 0 | 0 | 0 | 1 | - |"), "{md}");
    // And one report of each version re-renders on its own.
    for f in ["v1.json", "v2.json"] {
        let out = run_in(dir.path(), &["report", f, "--format", "html"]);
        assert_eq!(out.status.code(), Some(0), "{f}: {}", stderr(&out));
    }
}

#[test]
fn convert_leaves_an_unknown_workload_alone_unless_the_user_vouches_for_it() {
    let dir = repo();
    let out = run_in(dir.path(), &["convert", "repo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "Deployment/shop/mystery: unknown: the scan could not tell what this workload runs"
        ),
        "{text}"
    );
    assert!(text.contains("to settle it: link the Dockerfile"), "{text}");
    assert!(!text.contains("runtimeClassName"), "{text}");

    std::fs::write(
        dir.path().join("repo/.wasm-migrate.toml"),
        "[images]\n\"ghcr.io/acme/mystery\" = \"ghcr.io/acme/mystery-wasm:1.2\"\n\n[convert]\nthreshold = \"unknown\"\n",
    )
    .unwrap();
    let text = stdout(&run_in(dir.path(), &["convert", "repo"]));
    assert!(
        text.contains("Deployment/shop/mystery (unknown, score -): to spin"),
        "{text}"
    );
}
