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
