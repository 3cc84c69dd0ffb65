//! The image knowledge base end to end: one entry judges a container's `image:` and the runtime
//! stage of a linked Dockerfile alike, the build stages do not decide, and a known Wasm image is
//! noted as Wasm. Fixtures under `fixtures/image-kb/`.

use std::path::PathBuf;

use wasm_migrate_rules::engine::{Options, run};
use wasm_migrate_rules::report::Report;

fn scan(name: &str) -> Report {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/image-kb")
        .join(name);
    let repo = analyzer::scan(&dir).unwrap_or_else(|e| panic!("scan {}: {e}", dir.display()));
    run(
        &repo,
        &Options {
            root_display: "fixture".into(),
            ..Default::default()
        },
    )
}

#[test]
fn a_tomcat_runtime_stage_blocks_the_linked_workload_at_its_from_line() {
    let report = scan("tomcat-multistage");
    let w = report
        .workloads
        .iter()
        .find(|w| w.id == "Deployment/default/billing")
        .unwrap_or_else(|| {
            panic!(
                "no billing workload: {:?}",
                report.workloads.iter().map(|w| &w.id).collect::<Vec<_>>()
            )
        });
    assert_eq!(w.verdict.as_str(), "blocked", "{w:?}");
    let jvm: Vec<_> = w
        .findings
        .iter()
        .filter(|f| f.category.as_str() == "jvm")
        .collect();
    assert_eq!(jvm.len(), 1, "{jvm:?}");
    let f = jvm[0];
    // The same rule a container running `tomcat:10.1-jre21` gets, at the runtime stage's FROM
    // (line 9), not the build stage's (line 3).
    assert_eq!(f.rule, "WM322");
    assert_eq!(
        (f.file.as_str(), f.line, f.column),
        ("billing/Dockerfile", 9, 6)
    );
    assert_eq!(f.severity.as_str(), "blocker");
    assert!(
        f.message
            .starts_with("the final image starts from `tomcat:10.1-jre21` (Apache Tomcat)"),
        "{}",
        f.message
    );
    // Nothing reports the Maven build stage.
    assert!(
        w.findings
            .iter()
            .all(|f| f.line != 3 || f.file != "billing/Dockerfile"),
        "{:?}",
        w.findings
    );
}

#[test]
fn a_known_wasm_image_is_noted_as_wasm() {
    let report = scan("wasm-image");
    let w = &report.workloads[0];
    let f = w
        .findings
        .iter()
        .find(|f| f.rule == "WM111")
        .unwrap_or_else(|| panic!("{:?}", w.findings));
    assert_eq!(f.category.as_str(), "wasm-module");
    assert_eq!((f.file.as_str(), f.line, f.column), ("spin.yaml", 18, 11));
}
