//! The image knowledge base end to end: one entry judges a container's `image:` and the runtime
//! stage of a linked Dockerfile alike, the build stages do not decide, a known Wasm image is
//! noted as Wasm, and public images from the independent lists (a database, an exporter, a CSI
//! sidecar) are judged by what they are. Fixtures under `fixtures/image-kb/`.

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

/// The finding of `rule` on `workload`, which must be `blocked`.
fn blocked_by<'a>(
    report: &'a Report,
    workload: &str,
    rule: &str,
) -> &'a wasm_migrate_rules::report::Finding {
    let w = report
        .workloads
        .iter()
        .find(|w| w.id == workload)
        .unwrap_or_else(|| {
            panic!(
                "no {workload}: {:?}",
                report.workloads.iter().map(|w| &w.id).collect::<Vec<_>>()
            )
        });
    assert_eq!(w.verdict.as_str(), "blocked", "{w:?}");
    w.findings
        .iter()
        .find(|f| f.rule == rule)
        .unwrap_or_else(|| panic!("{workload}: no {rule} in {:?}", w.findings))
}

#[test]
fn public_images_from_the_independent_lists_are_judged_by_what_they_are() {
    let report = scan("public-images");

    // A database from Docker Hub: a server of its own TCP protocol that keeps data locally.
    let db = blocked_by(&report, "StatefulSet/default/cache", "WM320");
    assert_eq!(db.category.as_str(), "non-http-port");
    assert_eq!((db.file.as_str(), db.line, db.column), ("k8s.yaml", 20, 11));
    assert!(db.message.contains("(Aerospike)"), "{}", db.message);

    // An exporter from quay.io/prometheuscommunity: a native agent.
    let exporter = blocked_by(&report, "Deployment/default/es-metrics", "WM324");
    assert_eq!(exporter.category.as_str(), "native-lib");
    assert_eq!(
        (exporter.file.as_str(), exporter.line, exporter.column),
        ("k8s.yaml", 39, 11)
    );
    assert!(
        exporter.message.contains("(Elasticsearch exporter)"),
        "{}",
        exporter.message
    );

    // A CSI sidecar from Microsoft's mirror and the driver beside it: both cluster components.
    let w = report
        .workloads
        .iter()
        .find(|w| w.id == "Deployment/default/disk-csi-controller")
        .expect("CSI controller");
    assert_eq!(w.verdict.as_str(), "blocked", "{w:?}");
    let at = |line: usize| {
        w.findings
            .iter()
            .find(|f| f.rule == "WM324" && f.line == line)
            .unwrap_or_else(|| panic!("no WM324 at line {line}: {:?}", w.findings))
    };
    let sidecar = at(59);
    assert_eq!(sidecar.category.as_str(), "native-lib");
    assert_eq!((sidecar.file.as_str(), sidecar.column), ("k8s.yaml", 11));
    assert!(
        sidecar.message.contains("(CSI sidecars)"),
        "{}",
        sidecar.message
    );
    assert!(
        at(68).message.contains("(CSI driver)"),
        "{}",
        at(68).message
    );
}

/// A product pushed to another registry keeps its name: recognized by it, said so, and with
/// medium confidence; a name that is no product's stays unknown.
#[test]
fn an_image_under_a_private_registry_is_recognized_by_its_name() {
    let report = scan("by-name");
    let w = report
        .workloads
        .iter()
        .find(|w| w.id == "Deployment/default/pooler")
        .expect("pooler");
    assert_eq!(w.verdict.as_str(), "blocked", "{w:?}");
    let f = w
        .findings
        .iter()
        .find(|f| f.rule == "WM320")
        .unwrap_or_else(|| panic!("{w:?}"));
    assert_eq!(f.category.as_str(), "non-http-port");
    assert_eq!((f.file.as_str(), f.line), ("pooler.yaml", 16));
    assert!(
        f.message.contains("(PgBouncer by its name)"),
        "{}",
        f.message
    );
    assert_eq!(w.confidence.map(|c| c.as_str()), Some("medium"), "{w:?}");
    let orders = report
        .workloads
        .iter()
        .find(|w| w.id == "Deployment/default/orders")
        .expect("orders");
    assert_eq!(orders.verdict.as_str(), "unknown", "{orders:?}");
}
