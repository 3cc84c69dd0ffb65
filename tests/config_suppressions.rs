//! End-to-end tests of `.wasm-migrate.toml` and inline suppressions.

mod common;

use common::{fixture, run, stderr, stdout};
use rules::report::Report;

fn scan_json(args: &[&str]) -> (Option<i32>, Report) {
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let out = run(&all);
    let report =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    (out.status.code(), report)
}

fn workload<'r>(r: &'r Report, id: &str) -> &'r rules::report::WorkloadReport {
    r.workloads
        .iter()
        .find(|w| w.id == id)
        .unwrap_or_else(|| panic!("no workload {id}"))
}

#[test]
fn suppressed_findings_stay_in_json_marked_and_do_not_count() {
    let (code, r) = scan_json(&["fixtures/suppressions"]);
    assert_eq!(code, Some(0));
    let agent = workload(&r, "DaemonSet/ops/agent");
    let by_rule = |rule: &str| {
        agent
            .findings
            .iter()
            .filter(|f| f.rule == rule)
            .collect::<Vec<_>>()
    };
    let host = by_rule("WM301");
    let s = host[0].suppressed.as_ref().expect("WM301 suppressed");
    assert_eq!(
        (s.file.as_str(), s.line, s.reason.as_str()),
        ("k8s/agent.yaml", 16, "node agent, stays a Linux container")
    );
    assert_eq!(host[0].penalty, 0);
    let privileged = by_rule("WM302");
    let s = privileged[0].suppressed.as_ref().expect("WM302 suppressed");
    assert_eq!((s.line, host[0].line, privileged[0].line), (21, 16, 23));
    // No reason: not applied, and reported where it is written.
    assert!(by_rule("WM303")[0].suppressed.is_none());
    let invalid = by_rule("WM921");
    assert_eq!((invalid[0].line, invalid[0].column), (25, 32));
    let unused = by_rule("WM920");
    assert_eq!((unused[0].line, unused[0].column), (12, 3));
    assert_eq!(
        unused[0].message,
        "suppression of WM301 matched no finding (this line has no WM301 finding)"
    );
    // 100 - 50 (WM303) - 20 (WM307): the suppressed blockers cost nothing.
    assert_eq!(agent.score, Some(30));

    // The annotation covers the Job's finding; a suppressed blocker does not block, and with
    // nothing else known about `ghcr.io/acme/ping:1` the Job is unknown, not ready.
    let job = workload(&r, "Job/default/ping");
    assert!(job.findings.iter().all(|f| f.suppressed.is_some()));
    assert_eq!((job.score, job.verdict.as_str()), (None, "unknown"));

    // In a Dockerfile, an own-line comment covers the instruction below it.
    let exporter = workload(&r, "dockerfile:exporter/Dockerfile");
    let expose = exporter
        .findings
        .iter()
        .find(|f| f.rule == "WM108")
        .unwrap();
    assert_eq!(expose.line, 5);
    let s = expose.suppressed.as_ref().expect("EXPOSE suppressed");
    assert_eq!(
        (s.line, s.reason.as_str()),
        (4, "the Postgres port is only probed, never served")
    );
    // The suppressed EXPOSE does not count; what remains is `alpine` plus a copied prebuilt
    // binary, which proves nothing about Wasm: unknown, not ready.
    assert_eq!(exporter.verdict.as_str(), "unknown");
}

#[test]
fn no_suppressions_makes_every_finding_count() {
    let (_, r) = scan_json(&["fixtures/suppressions", "--no-suppressions"]);
    let findings = r.workloads.iter().flat_map(|w| &w.findings);
    assert!(findings.clone().all(|f| f.suppressed.is_none()));
    assert!(
        findings
            .clone()
            .all(|f| f.rule != "WM920" && f.rule != "WM921")
    );
    assert_eq!(workload(&r, "Job/default/ping").verdict.as_str(), "blocked");
}

#[test]
fn suppressed_findings_are_left_out_of_sarif_markdown_and_gates() {
    let out = run(&["scan", "fixtures/suppressions", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(
        !rules.contains(&"WM301") && !rules.contains(&"WM302"),
        "{rules:?}"
    );
    assert!(rules.contains(&"WM303") && rules.contains(&"WM920"));

    let out = run(&["scan", "fixtures/suppressions", "--format", "markdown"]);
    let md = stdout(&out);
    assert!(
        !md.contains("**WM301**") && !md.contains("**WM302**"),
        "{md}"
    );

    // Only the Job: its one blocker is suppressed, so --fail-on blocker passes, unless
    // suppressions are disallowed.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("k8s")).unwrap();
    std::fs::copy(
        fixture("suppressions/k8s/job.yaml"),
        tmp.path().join("k8s/job.yaml"),
    )
    .unwrap();
    let dir = tmp.path().to_str().unwrap();
    let out = run(&["scan", dir, "--fail-on", "blocker"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = run(&["scan", dir, "--fail-on", "blocker", "--no-suppressions"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn config_overrides_severities_disables_rules_ignores_paths_and_sets_thresholds() {
    let tmp = tempfile::tempdir().unwrap();
    common::copy_tree(&fixture("suppressions"), tmp.path());
    std::fs::write(
        tmp.path().join(".wasm-migrate.toml"),
        "ignore = [\"k8s/job.yaml\"]\n[rules]\ndaemonset = \"off\"\nWM303 = \"warning\"\n[thresholds]\nfail-on = \"unknown\"\n",
    )
    .unwrap();
    let dir = tmp.path().to_str().unwrap();
    let (code, r) = scan_json(&[dir]);
    assert_eq!(code, Some(1), "fail-on unknown from the config trips");
    assert!(
        r.workloads.iter().all(|w| w.id != "Job/default/ping"),
        "job.yaml ignored"
    );
    let agent = workload(&r, "DaemonSet/ops/agent");
    assert!(agent.findings.iter().all(|f| f.rule != "WM307"));
    let caps = agent.findings.iter().find(|f| f.rule == "WM303").unwrap();
    assert_eq!(caps.severity.as_str(), "warning");
    // Its blockers are off or suppressed and what it runs is not known: unknown, no score.
    assert_eq!((agent.verdict.as_str(), agent.score), ("unknown", None));
    // A flag wins over the config.
    let (code, _) = scan_json(&[dir, "--fail-on", "blocker"]);
    assert_eq!(code, Some(0));
}

#[test]
fn a_bad_config_is_exit_2_pointing_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join(".wasm-migrate.toml"),
        "[rules]\nWM301 = \"warning\"\nWM3O1 = \"off\"\n",
    )
    .unwrap();
    let out = run(&["scan", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(".wasm-migrate.toml:3:1: unknown rule `WM3O1`"),
        "{err}"
    );
    assert!(err.contains("3 │ WM3O1 = \"off\""), "{err}");

    let out = run(&["scan", "fixtures/demo", "--config", "no/such/file.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read config no/such/file.toml"));
}
