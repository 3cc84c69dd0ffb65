//! Every rule has a firing and a clean fixture under `fixtures/rules/<CODE>-<name>/{fires,clean}/`.
//!
//! `fires/` must produce the rule at least once, `clean/` must not produce it at all, and the
//! findings in `fires/` are snapshotted with their exact line and column and the source line.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use wasm_migrate_rules::engine::{Options, run};
use wasm_migrate_rules::report::Report;

fn fixtures_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/rules")
}

fn scan(dir: &Path) -> Report {
    let repo = analyzer::scan(dir).unwrap_or_else(|e| panic!("scan {}: {e}", dir.display()));
    run(
        &repo,
        &Options {
            root_display: "fixture".into(),
            ..Default::default()
        },
    )
}

/// `path:line:col-end_line:end_col CODE [severity] message`, then the source line it points at.
fn render(dir: &Path, report: &Report, code: &str) -> String {
    let mut out = String::new();
    let mut seen = std::collections::BTreeSet::new();
    for w in &report.workloads {
        for f in w.findings.iter().filter(|f| f.rule == code) {
            // A `.wasm` file has no lines: its findings name byte offsets in the message instead.
            let line = if f.file.ends_with(".wasm") {
                "(binary)".to_string()
            } else {
                std::fs::read_to_string(dir.join(&f.file))
                    .ok()
                    .and_then(|t| t.lines().nth(f.line - 1).map(str::to_string))
                    .unwrap_or_default()
            };
            let entry = format!(
                "{}:{}:{}-{}:{} {} [{}] {}\n    | {}\n    = help: {}\n",
                f.file,
                f.line,
                f.column,
                f.end_line,
                f.end_column,
                f.rule,
                f.severity.as_str(),
                f.message,
                line.trim_end(),
                f.help
            );
            if seen.insert(entry.clone()) {
                let _ = write!(out, "{entry}");
            }
        }
    }
    out
}

#[test]
fn every_rule_fires_on_its_fixture_and_not_on_its_clean_twin() {
    let mut missing = Vec::new();
    for rule in wasm_migrate_rules::all_rules() {
        let m = rule.meta();
        if m.code.starts_with("WM9") {
            continue; // meta rules are covered by the bad-input tests
        }
        let dir = fixtures_root().join(format!("{}-{}", m.code, m.name));
        let (fires, clean) = (dir.join("fires"), dir.join("clean"));
        if !fires.is_dir() || !clean.is_dir() {
            missing.push(format!("{}-{}", m.code, m.name));
            continue;
        }
        let fired = scan(&fires);
        let text = render(&fires, &fired, m.code);
        assert!(
            !text.is_empty(),
            "{} did not fire on {}",
            m.code,
            fires.display()
        );
        insta::with_settings!({snapshot_suffix => format!("{}-{}", m.code, m.name), prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!("fires", text);
        });
        let clean_report = scan(&clean);
        let text = render(&clean, &clean_report, m.code);
        assert!(
            text.is_empty(),
            "{} fired on its clean fixture:\n{text}",
            m.code
        );
    }
    assert!(
        missing.is_empty(),
        "rules without fires/ and clean/ fixtures: {missing:?}"
    );
}
