//! End-to-end tests of the report formats (SARIF, Markdown, HTML) and `wasm-migrate report`.

mod common;

use common::{run, stderr};

/// `file:line:col` of every diagnostic the human output shows (`╭─[file:line:col]`).
fn human_locations(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let start = l.find("╭─[")? + "╭─[".len();
            let end = l[start..].find(']')? + start;
            Some(l[start..end].to_string())
        })
        .collect()
}

#[test]
fn sarif_regions_are_the_lines_the_human_output_and_json_show() {
    let dir = tempfile::tempdir().unwrap();
    let (h, j, s) = (
        dir.path().join("out.txt"),
        dir.path().join("out.json"),
        dir.path().join("out.sarif"),
    );
    let out = run(&[
        "scan",
        "fixtures/demo",
        "--format",
        "human",
        "--output",
        h.to_str().unwrap(),
        "--format",
        "json",
        "--output",
        j.to_str().unwrap(),
        "--format",
        "sarif",
        "--output",
        s.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let human = human_locations(&std::fs::read_to_string(&h).unwrap());
    let report: rules::report::Report =
        serde_json::from_str(&std::fs::read_to_string(&j).unwrap()).unwrap();
    let sarif: serde_sarif::sarif::Sarif =
        serde_json::from_str(&std::fs::read_to_string(&s).unwrap()).unwrap();
    let results = sarif.runs[0].results.as_deref().unwrap_or_default();

    let findings: Vec<_> = report.workloads.iter().flat_map(|w| &w.findings).collect();
    assert!(!findings.is_empty(), "the demo has findings");
    for f in &findings {
        let at = format!("{}:{}:{}", f.file, f.line, f.column);
        assert!(human.contains(&at), "human output lacks {at}: {human:?}");
        let hit = results.iter().any(|r| {
            let loc = r.locations.as_ref().unwrap()[0]
                .physical_location
                .as_ref()
                .unwrap();
            let region = loc.region.as_ref().unwrap();
            r.rule_id.as_deref() == Some(f.rule.as_str())
                && loc.artifact_location.as_ref().unwrap().uri.as_deref() == Some(f.file.as_str())
                && region.start_line == Some(f.line as i64)
                && region.start_column == Some(f.column as i64)
        });
        assert!(hit, "no SARIF result at {at} for {}", f.rule);
    }
    // Every result is a finding or an input error: nothing invented.
    for r in results {
        let loc = r.locations.as_ref().unwrap()[0]
            .physical_location
            .as_ref()
            .unwrap();
        let uri = loc.artifact_location.as_ref().unwrap().uri.clone().unwrap();
        let line = loc.region.as_ref().unwrap().start_line.unwrap() as usize;
        let known = findings.iter().any(|f| f.file == uri && f.line == line)
            || report
                .errors
                .iter()
                .any(|e| e.file == uri && e.line.unwrap_or(1) == line);
        assert!(
            known,
            "SARIF result at {uri}:{line} matches nothing in the JSON"
        );
    }
}

fn read_report(path: &std::path::Path) -> rules::report::Report {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Scan a copy of the demo, change it (a finding added, one removed, lines shifted), scan again
/// with `--baseline`: the Markdown names exactly the new and the fixed finding, and the deltas.
#[test]
fn baseline_round_trip_shows_exactly_the_new_and_fixed_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("demo");
    common::copy_tree(&common::fixture("demo"), &repo);
    let base = tmp.path().join("base.json");
    let out = common::run(&[
        "scan",
        repo.to_str().unwrap(),
        "--format",
        "json",
        "--output",
        base.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // frontend (the one demo workload with no blocker, so its score has room to drop) gains
    // `hostNetwork: true` (new); node-exporter loses `hostPID: true` (fixed) and gets
    // three comment lines on top, which moves its remaining finding without making it new.
    let api = repo.join("k8s/base/frontend.yaml");
    let text = std::fs::read_to_string(&api).unwrap();
    let text = text.replacen(
        "      containers:\n",
        "      hostNetwork: true\n      containers:\n",
        1,
    );
    std::fs::write(&api, text).unwrap();
    let ne = repo.join("k8s/base/node-exporter.yaml");
    let text = std::fs::read_to_string(&ne).unwrap();
    assert!(text.contains("      hostPID: true\n"));
    let text = format!(
        "# a\n# b\n# c\n{}",
        text.replacen("      hostPID: true\n", "", 1)
    );
    std::fs::write(&ne, text).unwrap();

    let md_path = tmp.path().join("pr.md");
    let cur = tmp.path().join("cur.json");
    let out = common::run(&[
        "scan",
        repo.to_str().unwrap(),
        "--baseline",
        base.to_str().unwrap(),
        "--format",
        "markdown",
        "--output",
        md_path.to_str().unwrap(),
        "--format",
        "json",
        "--output",
        cur.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = std::fs::read_to_string(&md_path).unwrap();
    let (b, c) = (read_report(&base), read_report(&cur));

    // Exactly one new finding, the hostNetwork in frontend.yaml.
    let new_items: Vec<&str> = md.lines().filter(|l| l.contains("🆕 **new**")).collect();
    assert_eq!(new_items.len(), 1, "{md}");
    assert!(new_items[0].contains("**WM301**"), "{}", new_items[0]);
    let api_line = c
        .workloads
        .iter()
        .find(|w| w.id == "Deployment/shop/frontend")
        .and_then(|w| w.findings.iter().find(|f| f.rule == "WM301"))
        .map(|f| f.line)
        .unwrap();
    assert!(
        new_items[0].contains(&format!("k8s/base/frontend.yaml#L{api_line})")),
        "{}",
        new_items[0]
    );
    // Exactly one fixed finding, the hostPID in node-exporter.yaml.
    assert!(md.contains("**1 new** finding(s), **1 fixed**"), "{md}");
    let fixed: Vec<&str> = md.lines().filter(|l| l.starts_with("- ~~")).collect();
    assert_eq!(fixed.len(), 1, "{md}");
    assert!(fixed[0].contains("`hostPID: true`"), "{}", fixed[0]);

    // Deltas: each workload's row shows current minus base score (`–` when either is unknown).
    for w in &c.workloads {
        let before = b.workloads.iter().find(|x| x.id == w.id).unwrap().score;
        let shown = match (w.score, before) {
            (Some(now), Some(before)) => {
                let d = i64::from(now) - i64::from(before);
                if d > 0 {
                    format!("+{d}")
                } else {
                    d.to_string()
                }
            }
            _ => "–".to_string(),
        };
        let row = md
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", w.id)))
            .unwrap_or_else(|| panic!("no row for {}", w.id));
        assert!(
            row.contains(&format!(" {shown} |")),
            "{} expected delta {shown}: {row}",
            w.id
        );
    }
    let score_of = |r: &rules::report::Report| {
        r.workloads
            .iter()
            .find(|w| w.id == "Deployment/shop/frontend")
            .and_then(|w| w.score)
            .map(i64::from)
            .expect("the frontend is scored")
    };
    let api_delta = score_of(&c) - score_of(&b);
    assert!(api_delta < 0, "a new blocker lowers the frontend's score");

    // --new-only with --fail-on blocker trips on the new blocker, and lists only it.
    let out = common::run(&[
        "scan",
        repo.to_str().unwrap(),
        "--baseline",
        base.to_str().unwrap(),
        "--new-only",
        "--fail-on",
        "blocker",
        "--format",
        "markdown",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let md = common::stdout(&out);
    assert_eq!(md.matches("\n- ⛔").count(), 1, "{md}");

    // Against itself, --new-only finds nothing new: the gate stays open.
    let out = common::run(&[
        "scan",
        repo.to_str().unwrap(),
        "--baseline",
        cur.to_str().unwrap(),
        "--new-only",
        "--fail-on",
        "blocker",
        "--format",
        "sarif",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 0);
}

#[test]
fn report_re_renders_a_saved_json_report() {
    let tmp = tempfile::tempdir().unwrap();
    let json = tmp.path().join("r.json");
    let out = run(&[
        "scan",
        "fixtures/demo",
        "--format",
        "json",
        "--output",
        json.to_str().unwrap(),
        "--format",
        "markdown",
        "--output",
        tmp.path().join("direct.md").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&["report", json.to_str().unwrap(), "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let direct = std::fs::read_to_string(tmp.path().join("direct.md")).unwrap();
    assert_eq!(common::stdout(&out), direct);

    // A report that is not one is a usage error (exit 2), not a crash.
    std::fs::write(&json, "{\"schema_version\": 7}").unwrap();
    let out = run(&["report", json.to_str().unwrap(), "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("schema_version 7"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn html_from_a_saved_report_equals_html_from_the_scan() {
    let tmp = tempfile::tempdir().unwrap();
    let (json, html) = (tmp.path().join("r.json"), tmp.path().join("r.html"));
    let out = run(&[
        "scan",
        "fixtures/demo",
        "--format",
        "json",
        "--output",
        json.to_str().unwrap(),
        "--format",
        "html",
        "--output",
        html.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let again = run(&["report", json.to_str().unwrap(), "--format", "html"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(
        common::stdout(&again),
        std::fs::read_to_string(&html).unwrap()
    );
}

#[test]
fn merge_builds_a_portfolio_and_refuses_single_report_formats() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("demo.json");
    let b = tmp.path().join("basic.json");
    for (dir, file) in [("fixtures/demo", &a), ("fixtures/reports/basic", &b)] {
        let out = run(&[
            "scan",
            dir,
            "--format",
            "json",
            "--output",
            file.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let (md, html) = (tmp.path().join("p.md"), tmp.path().join("p.html"));
    let out = run(&[
        "report",
        "--merge",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--format",
        "markdown",
        "--output",
        md.to_str().unwrap(),
        "--format",
        "html",
        "--output",
        html.to_str().unwrap(),
        "--fail-on",
        "blocker",
    ]);
    // Both repositories have blockers: the gate trips across the portfolio.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let md = std::fs::read_to_string(&md).unwrap();
    assert!(md.contains("| `fixtures/demo` |"), "{md}");
    assert!(md.contains("| `fixtures/reports/basic` |"), "{md}");
    let html = std::fs::read_to_string(&html).unwrap();
    assert!(html.contains("id=\"portfolio\""));

    let out = run(&[
        "report",
        "--merge",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--format",
        "sarif",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--merge renders markdown or html"),
        "{}",
        stderr(&out)
    );
    let out = run(&["report", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("give --merge"), "{}", stderr(&out));
}

/// Snapshots of each format on the demo repository, rendered by the real binary. The tool
/// version is replaced by `VERSION`, the HTML stylesheet and SARIF rule indices (which shift
/// whenever the catalogue grows) are left out.
#[test]
fn demo_snapshots_of_every_format() {
    let render = |format: &str| {
        let out = run(&["scan", "fixtures/demo", "--format", format]);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
        common::stdout(&out).replace(env!("CARGO_PKG_VERSION"), "VERSION")
    };
    insta::assert_snapshot!("demo_markdown", render("markdown"));

    let html = render("html");
    let (head, rest) = html.split_once("<style>").unwrap();
    let (_, tail) = rest.split_once("</style>").unwrap();
    insta::assert_snapshot!("demo_html", format!("{head}<style>…</style>{tail}"));

    let mut sarif: serde_json::Value = serde_json::from_str(&render("sarif")).unwrap();
    let run0 = &mut sarif["runs"][0];
    for r in run0["results"].as_array_mut().unwrap() {
        r.as_object_mut().unwrap().remove("ruleIndex");
    }
    let shown = serde_json::json!({"results": run0["results"], "invocations": run0["invocations"]});
    insta::assert_snapshot!("demo_sarif", serde_json::to_string_pretty(&shown).unwrap());
}
