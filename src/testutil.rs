//! Test helpers shared by the renderers' unit tests: scan a fixture into a report.

use std::path::{Path, PathBuf};

use rules::engine::{Options, run};
use rules::report::Report;

/// `fixtures/<rel>` in the workspace.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// Scan `dir` with default options; the report's root reads `fixture`.
pub fn scan(dir: &Path) -> Report {
    let repo = analyzer::scan(dir).unwrap_or_else(|e| panic!("scan {}: {e}", dir.display()));
    run(
        &repo,
        &Options {
            root_display: "fixture".into(),
            ..Default::default()
        },
    )
}

/// Copy a fixture tree so a test can edit it.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read fixture dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A report of `n` workloads with `per` findings each (mixed severities, a chain, a related
/// location), for size and speed tests; finding `j` of workload `i` is on line `10 + j`.
pub fn synthetic(n: usize, per: usize) -> Report {
    use rules::report::{
        Confidence, Coverage, Finding, RelatedLocation, SCHEMA_VERSION, Tool, Verdict,
        WorkloadReport,
    };
    use rules::score::Evidence;
    use rules::{Category, Severity};
    let workloads = (0..n)
        .map(|i| {
            let file = format!("k8s/app-{i}.yaml");
            let mut findings: Vec<Finding> = (0..per)
                .map(|j| {
                    let severity = [Severity::Blocker, Severity::Warning, Severity::Note][j % 3];
                    Finding {
                        rule: ["WM301", "WM302", "WM303"][j % 3].into(),
                        category: Category::HostNetwork,
                        severity,
                        penalty: 10,
                        message: format!(
                            "container `c{j}` does thing {j} the Wasm runtime cannot do"
                        ),
                        help: "remove the thing and expose the workload through a Service".into(),
                        file: file.clone(),
                        line: 10 + j,
                        column: 7,
                        end_line: 10 + j,
                        end_column: 24,
                        related: vec![RelatedLocation {
                            file: format!("app-{i}/Dockerfile"),
                            line: 3,
                            column: 1,
                            end_line: 3,
                            end_column: 10,
                            message: "built here".into(),
                        }],
                        chain: if j == 1 {
                            vec!["app".into(), "reqwest".into(), "native-tls".into()]
                        } else {
                            vec![]
                        },
                        snippet: Some(format!("      thing{j}: true")),
                        suppressed: None,
                    }
                })
                .collect();
            let (verdict, score) = rules::score::score(&mut findings, Evidence::FULL);
            WorkloadReport {
                id: format!("Deployment/ns-{}/app-{i}", i % 7),
                kind: "Deployment".into(),
                name: format!("app-{i}"),
                namespace: Some(format!("ns-{}", i % 7)),
                sources: vec![file.clone(), format!("app-{i}/Dockerfile")],
                links: vec![],
                language: Some("rust".into()),
                score,
                verdict: if per == 0 { Verdict::Ready } else { verdict },
                runtime: Some("wasmtime".into()),
                coverage: vec![Coverage::Manifest, Coverage::Dockerfile, Coverage::Source],
                confidence: Some(Confidence::High),
                confidence_reason: Some("synthetic".into()),
                settle: None,
                findings,
            }
        })
        .collect();
    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "wasm-migrate".into(),
            version: "0.0.0-test".into(),
        },
        root: "synthetic".into(),
        workloads,
        errors: vec![],
        notes: vec![],
    }
}
