//! Every case under fixtures/convert/: a snapshot of the rendered diff, and on every one the
//! checks users rely on: bytes outside the edits are unchanged, every rewritten object parses and
//! deserializes into its Kubernetes type with no unknown field, CRLF and BOM survive, and
//! converting the written result again changes nothing (idempotence).

use std::fs;
use std::path::{Path, PathBuf};

use analyzer::Repo;
use converter::config::{ConvertConfig, Threshold};
use converter::convert::{Conversion, Emit, Options};
use converter::plan::Outcome;
use rules::report::{Finding, Report};
use serde::Deserialize;
use wasm_migrate_converter as converter;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/convert")
}

/// Findings the Rust-depth rules report for the fixture's code, injected into the scan's report.
#[derive(Deserialize)]
struct Injected {
    #[serde(default)]
    finding: Vec<InjectedFinding>,
}

#[derive(Deserialize)]
struct InjectedFinding {
    workload: String,
    category: rules::Category,
    message: String,
    file: String,
    line: usize,
}

/// Scan and judge; `strict` when every injected finding must find its workload (on a second run a
/// Deployment may have become a SpinApp).
fn judge(root: &Path, label: &str, strict: bool) -> (Repo, Report) {
    let repo = analyzer::scan(root).expect("scan");
    let opts = rules::engine::Options {
        root_display: label.into(),
        ..Default::default()
    };
    let mut report = rules::engine::run(&repo, &opts);
    if let Ok(text) = fs::read_to_string(root.join("test-findings.toml")) {
        let injected: Injected = toml::from_str(&text).expect("test-findings.toml");
        for f in injected.finding {
            let Some(w) = report.workloads.iter_mut().find(|w| w.id == f.workload) else {
                assert!(!strict, "no workload {}", f.workload);
                continue;
            };
            w.findings.push(Finding {
                rule: "T001".into(),
                category: f.category,
                severity: rules::Severity::Warning,
                penalty: 10,
                message: f.message,
                help: "injected by the test harness".into(),
                file: f.file,
                line: f.line,
                column: 1,
                end_line: f.line,
                end_column: 1,
                related: vec![],
                chain: vec![],
                snippet: None,
                suppressed: None,
            });
            let (verdict, score) =
                rules::score::score(&mut w.findings, rules::score::Evidence::FULL);
            w.verdict = verdict;
            w.score = score;
        }
    }
    (repo, report)
}

struct Case {
    name: &'static str,
    fixture: &'static str,
    emit: Emit,
    kube: Option<&'static str>,
    runtime_class_manifest: bool,
    tweak: fn(&mut ConvertConfig),
    /// `--allow-grpc`.
    allow_grpc: bool,
}

const CASE: Case = Case {
    name: "",
    fixture: "",
    emit: Emit::Deployment,
    kube: None,
    runtime_class_manifest: false,
    tweak: |_| {},
    allow_grpc: false,
};

fn config(root: &Path, case: &Case) -> ConvertConfig {
    let mut cfg = match fs::read_to_string(root.join(".wasm-migrate.toml")) {
        Ok(text) => ConvertConfig::from_toml(&text).expect("fixture config"),
        Err(_) => ConvertConfig::default(),
    };
    // These fixtures test how manifests are rewritten, and their images are built elsewhere, so
    // the scan calls most of them `unknown`: the harness vouches for them as a user would with
    // `threshold = "unknown"` (the default, which refuses them, is tested on its own below).
    if cfg.threshold == Threshold::Portable {
        cfg.threshold = Threshold::Unknown;
    }
    if let Some(k) = case.kube {
        cfg.kube_version = Some(k.into());
    }
    (case.tweak)(&mut cfg);
    cfg
}

fn convert_at(root: &Path, case: &Case, strict: bool) -> Conversion {
    let cfg = config(root, case);
    let (repo, report) = judge(root, case.fixture, strict);
    let opts = Options {
        emit: case.emit,
        runtime_class_manifest: case.runtime_class_manifest,
        plan: converter::plan::PlanOptions {
            allow_grpc: case.allow_grpc,
            ..Default::default()
        },
    };
    converter::convert(&repo, &report, &cfg, &opts)
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read_dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The checks every fixture gets.
fn check_files(case: &Case, conv: &Conversion) {
    for f in &conv.files {
        if let Some(orig) = &f.original {
            converter::yamledit::check_preserved(orig, &f.text, &f.edits)
                .unwrap_or_else(|e| panic!("{}: {}: {e}", case.name, f.path));
            if orig.starts_with('\u{feff}') {
                assert!(
                    f.text.starts_with('\u{feff}'),
                    "{}: {} lost its BOM",
                    case.name,
                    f.path
                );
            }
            if orig.contains("\r\n") {
                let bare = f
                    .text
                    .match_indices('\n')
                    .filter(|(i, _)| *i == 0 || f.text.as_bytes()[i - 1] != b'\r')
                    .count();
                assert_eq!(bare, 0, "{}: {} got lines without CR", case.name, f.path);
            }
        }
        if f.path.ends_with(".yaml") || f.path.ends_with(".yml") {
            let stream = analyzer::yaml::parse(&f.text);
            assert!(
                stream.error.is_none(),
                "{}: {} does not parse: {:?}",
                case.name,
                f.path,
                stream.error
            );
            for obj in analyzer::k8s::objects(analyzer::source::FileId(0), &stream) {
                let doc = &stream.docs[obj.doc];
                let json = converter::json::from_yaml(doc, obj.node).expect("json");
                if let Some(r) = converter::verify::typed_roundtrip(&obj.kind, &json) {
                    r.unwrap_or_else(|e| {
                        panic!(
                            "{}: {} {} in {} does not deserialize: {e}",
                            case.name, obj.kind, obj.name, f.path
                        )
                    });
                    let unknown =
                        converter::verify::unknown_fields(&obj.kind, &json).expect("typed");
                    assert!(
                        unknown.is_empty(),
                        "{}: {} {} has unknown fields {unknown:?}",
                        case.name,
                        obj.kind,
                        obj.name
                    );
                }
            }
        }
        if f.path.ends_with("Dockerfile.wasm") {
            assert!(
                f.text.contains("\nFROM scratch\nCOPY --chmod=0755 "),
                "{}: {}",
                case.name,
                f.text
            );
            assert!(
                f.text.contains("\nENTRYPOINT [\""),
                "{}: {}",
                case.name,
                f.text
            );
        }
        if f.path.ends_with("spin.toml") {
            let v: toml::Value = toml::from_str(&f.text).expect("spin.toml parses");
            assert_eq!(v["spin_manifest_version"].as_integer(), Some(2));
        }
    }
}

/// Write the conversion into a copy of the fixture and convert again: nothing may change.
fn check_idempotent(case: &Case, conv: &Conversion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join(case.fixture);
    copy_tree(&fixtures().join(case.fixture), &root);
    converter::write::write_all(&root, &conv.files).expect("write");
    let again = convert_at(&root, case, false);
    let changed: Vec<String> = again.files.iter().map(converter::diff::file_diff).collect();
    assert!(
        changed.is_empty(),
        "{}: converting twice changes files:\n{}",
        case.name,
        changed.join("\n")
    );
    let first: Vec<&String> = conv.failures.iter().map(|(id, _)| id).collect();
    let second: Vec<&String> = again.failures.iter().map(|(id, _)| id).collect();
    assert_eq!(
        first, second,
        "{}: failures differ on the second run",
        case.name
    );
}

fn run(case: &Case) -> Conversion {
    let conv = convert_at(&fixtures().join(case.fixture), case, true);
    check_files(case, &conv);
    check_idempotent(case, &conv);
    // CR is shown so the snapshot proves CRLF lines stay CRLF.
    let text = converter::diff::render(&conv).replace('\r', "\u{240d}");
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(case.name, text);
    });
    conv
}

fn file<'c>(conv: &'c Conversion, path: &str) -> &'c str {
    &conv
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no change to {path}"))
        .text
}

fn skipped_reason<'c>(conv: &'c Conversion, id: &str) -> &'c str {
    conv.outcomes
        .iter()
        .find_map(|o| match o {
            Outcome::Skipped { id: i, reason, .. } if i == id => Some(reason.as_str()),
            Outcome::Unchanged { id: i, reason } if i == id => Some(reason.as_str()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{id} was not skipped"))
}

#[test]
fn spin_compact_sequences_probes_and_service() {
    let conv = run(&Case {
        name: "spin-compact",
        fixture: "spin-compact",
        ..CASE
    });
    let web = file(&conv, "k8s/web.yaml");
    assert!(web.contains("        image: ghcr.io/acme/web-wasm:1.4.0 # bumped by CI\n"));
    assert!(
        web.contains("        command: [\"/\"]\n"),
        "flow command keeps its quoting:\n{web}"
    );
    assert!(web.contains("        # env: none yet\n      # the pod spec ends here\n      runtimeClassName: wasmtime-spin-v2\n"));
    assert!(web.contains("          periodSeconds: 10\n          httpGet:\n            path: /healthz\n            port: 80\n"));
    assert!(file(&conv, "k8s/web-svc.yaml").ends_with("    targetPort: 80\n"));
    assert!(
        file(&conv, "web/Dockerfile.wasm").contains(
            "COPY --chmod=0755 target/wasm32-wasip2/release/web_app.wasm /web_app.wasm\n"
        )
    );
}

#[test]
fn spin_compact_below_a_ready_threshold_is_not_converted() {
    let conv = run(&Case {
        name: "spin-compact-threshold",
        fixture: "spin-compact",
        tweak: |c| c.threshold = Threshold::Ready,
        ..CASE
    });
    assert_eq!(
        skipped_reason(&conv, "Deployment/default/web"),
        "portable, below the configured threshold `ready`"
    );
    assert!(conv.files.is_empty());
}

#[test]
fn wasmtime_crlf_bom_and_four_space_indentation() {
    let conv = run(&Case {
        name: "wasmtime-crlf",
        fixture: "wasmtime-crlf",
        ..CASE
    });
    let api = file(&conv, "deploy/api.yaml");
    assert!(api.starts_with('\u{feff}'));
    assert!(
        api.contains("                  image: \"registry.acme.io/api-wasm:2.3\"\r\n"),
        "quoting kept"
    );
    assert!(!api.contains("command:"), "the Linux command is removed");
    assert!(api.contains("\r\n            runtimeClassName: wasm\r\n---"));
    assert!(api.ends_with("        - port: 3000 # no targetPort: it defaults to port\r\n          targetPort: 8080\r\n"));
}

#[test]
fn multidoc_flow_and_list() {
    let conv = run(&Case {
        name: "multidoc-flow",
        fixture: "multidoc-flow",
        ..CASE
    });
    let shop = file(&conv, "manifests/shop.yaml");
    assert!(shop.contains("containers: [{name: cart, image: ghcr.io/acme/cart-wasm:0.9, ports: [{containerPort: 80}], command: [/]}]\n      runtimeClassName: wasmtime-spin-v2\n  # end of the cart spec\n...\n# Between documents"));
    assert!(shop.contains("        - {name: search, image: 'ghcr.io/acme/search-wasm:3.1', command: [/]}\n        runtimeClassName: wasmtime-spin-v2\n# trailing comment of the stream\n"));
}

#[test]
fn every_workload_kind() {
    let conv = run(&Case {
        name: "kinds",
        fixture: "kinds",
        ..CASE
    });
    let w = file(&conv, "k8s/workloads.yaml");
    // The CronJob's pod spec is three levels deeper than a Deployment's.
    assert!(
        w.contains("              args: [\"--report\"]\n          runtimeClassName: wasmtime-v1\n")
    );
    assert!(w.contains("      ports:\n        - containerPort: 80\n      command:\n        - /\n  runtimeClassName: wasmtime-spin-v2\n"), "a Pod's spec is `spec`:\n{w}");
    let runtimes: Vec<(String, &str)> = conv
        .plans()
        .map(|p| (p.id.clone(), p.runtime.as_str()))
        .collect();
    assert!(runtimes.contains(&("Job/default/migrate".into(), "wasmtime")));
    assert!(runtimes.contains(&("StatefulSet/default/ledger".into(), "spin")));
}

#[test]
fn sidecars_as_regular_containers() {
    let conv = run(&Case {
        name: "sidecars",
        fixture: "sidecars",
        ..CASE
    });
    let apps = file(&conv, "k8s/apps.yaml");
    assert!(apps.contains("      annotations:\n        dapr.io/app-id: cache-user\n        dapr.io/app-port: \"80\"\n        dapr.io/enabled: \"true\"\n    spec:\n"), "{apps}");
    assert!(apps.contains("        - name: otel-collector\n          image: otel/opentelemetry-collector-contrib:0.111.0\n"));
    assert!(apps.contains("      initContainers: []\n      containers:\n        - name: db-client\n          image: ghcr.io/acme/db-client-wasm:1\n          command:\n            - /\n        - name: envoy-egress\n"));
    assert!(
        apps.contains("        - name: imaging-native\n          image: ghcr.io/acme/imaging:1\n")
    );
    let gateway = conv
        .plans()
        .find(|p| p.id == "Deployment/default/gateway")
        .expect("gateway");
    assert!(
        gateway.sidecars.is_empty(),
        "the nginx finding is about a container that stays Linux"
    );
}

#[test]
fn sidecars_as_native_sidecars_from_kubernetes_1_29() {
    let conv = run(&Case {
        name: "sidecars-native",
        fixture: "sidecars",
        kube: Some("1.29"),
        ..CASE
    });
    let apps = file(&conv, "k8s/apps.yaml");
    // An empty flow `initContainers: []` gets its item in flow style.
    assert!(apps.contains("      initContainers: [{name: envoy-egress, image: envoyproxy/envoy:v1.31.2, args: [-c, /etc/envoy/envoy.yaml], ports: [{containerPort: 9901, name: envoy-admin}], restartPolicy: Always}]\n"), "{apps}");
    assert!(apps.contains("      initContainers:\n        - name: otel-collector\n"));
    assert!(apps.contains("          restartPolicy: Always\n"));
}

#[test]
fn sidecars_from_configured_catalogue_choices() {
    let conv = run(&Case {
        name: "sidecars-redis",
        fixture: "sidecars",
        kube: Some("1.30"),
        tweak: |c| {
            c.sidecars.insert("state".into(), "redis-kv".into());
            c.sidecars.insert("telemetry".into(), "none".into());
        },
        ..CASE
    });
    let apps = file(&conv, "k8s/apps.yaml");
    assert!(apps.contains("        - name: redis\n          image: redis:7.4-alpine\n"));
    assert!(!apps.contains("otel-collector") && !apps.contains("dapr.io"));
}

#[test]
fn blocked_and_unconvertible_workloads_say_why() {
    let conv = run(&Case {
        name: "blocked",
        fixture: "blocked",
        ..CASE
    });
    assert!(skipped_reason(&conv, "Deployment/default/agent").starts_with("blocked:"));
    assert!(
        skipped_reason(&conv, "Deployment/default/proxy")
            .starts_with("no container image of this workload is built in this repository")
    );
    assert_eq!(
        skipped_reason(&conv, "Deployment/default/spin-done"),
        "already converted (runtimeClassName: wasmtime-spin-v2)"
    );
    assert!(
        skipped_reason(&conv, "Deployment/default/other-class")
            .starts_with("already runs under runtimeClassName `gvisor`")
    );
    assert_eq!(
        skipped_reason(&conv, "SpinApp/default/hello"),
        "already a SpinApp"
    );
    // A chart's workload is never edited in its template; `--emit helm-values` is the way.
    assert!(
        skipped_reason(&conv, "Deployment/default/old")
            .starts_with("deployed by the Helm chart `old`: its manifest is a template")
    );
    let all = file(&conv, "k8s/all.yaml");
    assert!(all.contains("hostNetwork: true\n      containers:\n        - name: agent\n          image: ghcr.io/acme/agent:1\n"), "blocked stays as it was");
}

#[test]
fn images_that_are_wasm_already_are_kept() {
    let conv = run(&Case {
        name: "already-wasm",
        fixture: "already-wasm",
        ..CASE
    });
    let apps = file(&conv, "k8s/apps.yaml");
    for image in [
        "ghcr.io/acme/hello:1.2 # a Wasm image already\n",
        "ghcr.io/acme/greeter:0.3\n",
        "ghcr.io/acme/edge:2.0\n",
    ] {
        assert!(
            apps.contains(&format!("          image: {image}")),
            "{image} is kept:\n{apps}"
        );
    }
    assert!(!apps.contains("-wasm:"), "{apps}");
    assert!(
        conv.files.iter().all(|f| f.path == "k8s/apps.yaml"),
        "no Dockerfile.wasm or spin.toml: {:?}",
        conv.files.iter().map(|f| &f.path).collect::<Vec<_>>()
    );
    let plan = |id: &str| conv.plans().find(|p| p.id == id).expect(id);
    let hello = plan("Deployment/default/hello");
    assert_eq!(
        hello.runtime.as_str(),
        "wasmtime",
        "a plain module image runs under wasmtime"
    );
    assert!(hello.recipe.is_none());
    assert_eq!(
        hello.kept,
        [
            "container hello: image ghcr.io/acme/hello:1.2 kept, it is already a Wasm image (hello/Dockerfile:4: the entrypoint `/hello.wasm` is a Wasm module); no Dockerfile.wasm is written for it"
        ]
    );
    assert_eq!(
        hello
            .object
            .changes
            .iter()
            .map(|c| c.summary.as_str())
            .collect::<Vec<_>>(),
        ["runtimeClassName: wasmtime-v1"]
    );
    assert_eq!(
        plan("Deployment/default/greeter").runtime.as_str(),
        "spin",
        "it ships /spin.toml"
    );
    assert!(
        plan("Deployment/default/edge").kept[0]
            .contains("the repository holds the module, `edge/edge.wasm`")
    );
}

#[test]
fn ports_follow_the_runtime_and_services_by_number_follow_them() {
    let conv = run(&Case {
        name: "ports",
        fixture: "ports",
        ..CASE
    });
    let plan = |id: &str| conv.plans().find(|p| p.id == id).expect(id);
    let p = plan("Deployment/shop/api");
    let summaries: Vec<&str> = std::iter::once(&p.object)
        .chain(&p.related)
        .flat_map(|o| &o.changes)
        .map(|c| c.summary.as_str())
        .filter(|s| s.contains("Port"))
        .collect();
    assert_eq!(
        summaries,
        [
            "container api: containerPort 3000 -> 80",
            "Service api-internal: targetPort 3000 -> 80"
        ]
    );
    assert_eq!(
        p.kept,
        [
            "Service api: targetPort `http` names the container port, so it follows it from 3000 to 80 unchanged"
        ]
    );
    assert_eq!(
        p.decisions,
        [
            "container api: the exec readinessProbe cannot run in a Wasm container and no health path is known: give one in [convert.health-paths] (\"Deployment/shop/api\" = \"/healthz\") or remove the probe"
        ]
    );
    let text = file(&conv, "k8s/api.yaml");
    assert!(
        text.contains("      port: 80\n      targetPort: http\n---"),
        "the named targetPort stays:\n{text}"
    );
    assert!(
        text.ends_with("  namespace: other\nspec:\n  selector:\n    app: api\n  ports:\n    - port: 3000\n      targetPort: 3000\n"),
        "a Service of another namespace is not touched:\n{text}"
    );
    assert!(
        text.contains("          readinessProbe:\n            exec:\n"),
        "an exec probe with no health path stays for a person to decide"
    );
    let feed = plan("Deployment/shop/feed");
    assert_eq!(
        feed.decisions,
        [
            "Service feed targets port 9000, but container feed declares no port, so which container it meant is not known; the Spin shim serves HTTP on port 80: point the Service's targetPort at 80 if it is this container's"
        ]
    );
    assert!(feed.related.is_empty(), "no guess is written");
}

#[test]
fn an_exec_probe_under_a_runtime_without_an_http_port_is_left_to_a_person() {
    let conv = run(&Case {
        name: "ports-wasmedge",
        fixture: "ports",
        tweak: |c| {
            c.runtime = converter::Runtime::Wasmedge;
            c.health_path = Some("/healthz".into());
        },
        ..CASE
    });
    let p = conv
        .plans()
        .find(|p| p.id == "Deployment/shop/api")
        .expect("api");
    assert_eq!(
        p.decisions,
        [
            "container api: the exec readinessProbe cannot run in a Wasm container, and the WasmEdge runtime has no HTTP port to probe: replace it with an httpGet probe on the port the module serves, or remove it"
        ]
    );
    assert!(p.related.is_empty(), "no port moves, so no Service changes");
}

#[test]
fn every_fixture_has_a_case() {
    // A fixture directory without a test would skip the byte, schema and idempotence checks.
    let source = include_str!("fixtures.rs");
    let mut missing = Vec::new();
    for entry in fs::read_dir(fixtures()).expect("fixtures").flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if entry.path().is_dir() && !source.contains(&format!("fixture: \"{name}\",")) {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "fixtures/convert/ without a Case: {missing:?}"
    );
}

#[test]
fn anchored_containers_are_refused_and_the_rest_converts() {
    let conv = run(&Case {
        name: "anchors",
        fixture: "anchors",
        ..CASE
    });
    assert_eq!(conv.failures.len(), 1);
    assert_eq!(conv.failures[0].0, "Deployment/default/billing");
    assert!(
        conv.failures[0]
            .1
            .contains("may come from a `<<` merge key"),
        "{}",
        conv.failures[0].1
    );
    let apps = file(&conv, "k8s/apps.yaml");
    assert!(
        apps.contains("          image: ghcr.io/acme/billing:4\n"),
        "billing is untouched"
    );
    assert!(apps.contains("          image: ghcr.io/acme/notes-wasm:2\n"));
}

#[test]
fn spinapp_emission() {
    let conv = run(&Case {
        name: "spinapp",
        fixture: "spinapp",
        emit: Emit::SpinApp,
        ..CASE
    });
    let hello = file(&conv, "k8s/hello.yaml");
    assert!(hello.contains("kind: SpinApp\n"));
    assert!(
        hello.contains("  variables:\n    - name: greeting\n      value: hi\n"),
        "env is carried as Spin variables:\n{hello}"
    );
    assert!(hello.contains("  podAnnotations:\n    dapr.io/app-id: hello\n    dapr.io/app-port: \"80\"\n    dapr.io/enabled: \"true\"\n"), "{hello}");
    assert!(hello.contains("    - port: 80\n      targetPort: 80\n"));
    let thumbs = conv
        .plans()
        .find(|p| p.id == "Deployment/web/thumbs")
        .expect("thumbs");
    assert!(
        thumbs.decisions[0]
            .starts_with("not emitted as a SpinApp: a SpinApp has no field for extra containers"),
        "{:?}",
        thumbs.decisions
    );
    assert!(file(&conv, "k8s/thumbs.yaml").contains("kind: Deployment\n"));
    let pinger = conv
        .plans()
        .find(|p| p.id == "Deployment/web/pinger")
        .expect("pinger");
    assert_eq!(
        pinger.decisions[0],
        "not emitted as a SpinApp: SpinApp checks are httpGet probes only; rewritten as a Deployment with runtimeClassName instead"
    );
    assert!(!conv.spinapps.contains("Deployment/web/pinger"));
    assert!(file(&conv, "k8s/pinger.yaml").contains("kind: Deployment\n"));
    assert_eq!(
        conv.spinapps.iter().collect::<Vec<_>>(),
        ["Deployment/web/hello"],
        "only the workload that fits"
    );
}

#[test]
fn kustomize_overlays_beside_their_bases() {
    let conv = run(&Case {
        name: "kustomize",
        fixture: "kustomize",
        emit: Emit::Kustomize,
        runtime_class_manifest: true,
        ..CASE
    });
    assert!(
        conv.files.iter().all(|f| f.original.is_none()),
        "the base stays untouched"
    );
    let k = file(&conv, "deploy/base-wasm/kustomization.yaml");
    assert!(
        k.contains("resources:\n- ../base\n- runtimeclass-wasmtime-spin-v2.yaml\npatches:\n"),
        "{k}"
    );
    assert!(file(&conv, "deploy/plain/kustomization.yaml").contains("resources:\n- tools.yaml\n"));
}

#[test]
fn mesh_node_selector_and_runtime_class_manifest() {
    let conv = run(&Case {
        name: "mesh",
        fixture: "mesh",
        runtime_class_manifest: true,
        ..CASE
    });
    let ticker = conv
        .plans()
        .find(|p| p.id == "Deployment/default/ticker")
        .expect("ticker");
    assert!(
        ticker.decisions.contains(&"Linkerd injects its proxy and iptables init container into this pod: running them under a Wasm shim is unconfirmed, needs validation on a test cluster".to_string()),
        "{:?}",
        ticker.decisions
    );
    let p = conv
        .plans()
        .find(|p| p.id == "Deployment/payments/ledger")
        .expect("ledger");
    assert!(
        p.decisions
            .iter()
            .any(|d| d.starts_with("Istio injects its proxy") && d.contains("needs validation"))
    );
    assert!(
        p.decisions
            .iter()
            .any(|d| d.starts_with("the pod's nodeSelector `wasm: false` contradicts"))
    );
    let ledger = file(&conv, "k8s/ledger.yaml");
    assert!(
        ledger.contains("      nodeSelector:\n        wasm: \"false\"\n"),
        "no nodeSelector is added or changed"
    );
    let rc = file(&conv, "k8s/runtimeclass-wasmtime-spin-v2.yaml");
    assert!(rc.contains("handler: spin\nscheduling:\n  nodeSelector:\n    wasm: \"true\"\n  tolerations:\n  - key: wasm\n"));
}

fn plan<'c>(conv: &'c Conversion, id: &str) -> &'c converter::plan::WorkloadPlan {
    conv.plans()
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("{id} is not planned"))
}

/// The reason and details of a workload the conversion left alone.
fn skipped<'c>(conv: &'c Conversion, id: &str) -> (&'c String, &'c Vec<String>) {
    conv.outcomes
        .iter()
        .find_map(|o| match o {
            Outcome::Skipped {
                id: skipped,
                reason,
                details,
                ..
            } if skipped == id => Some((reason, details)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{id} is converted"))
}

#[test]
fn a_grpc_serving_port_is_not_handed_to_the_http_shim() {
    let conv = run(&Case {
        name: "grpc",
        fixture: "grpc",
        ..CASE
    });
    let (reason, details) = skipped(&conv, "Deployment/shop/catalog");
    assert!(
        reason.starts_with("needs a decision: container catalog serves gRPC on port 9090;")
            && reason.contains("spinframework/spin#3244 (WASM-FACTS.md §7)")
            && reason.contains("--allow-grpc"),
        "{reason}"
    );
    assert_eq!(
        details,
        &[
            "k8s/catalog.yaml:21: the port is named `grpc`",
            "k8s/catalog.yaml:38: Service catalog port has `appProtocol: grpc`",
            "k8s/catalog.yaml:24: a gRPC readinessProbe",
        ]
    );
    assert!(conv.files.is_empty(), "nothing is written for them");
    let relay = skipped(&conv, "Deployment/shop/relay");
    assert!(
        relay.0.starts_with("needs a decision: container relay serves the protocol its port name `tcp-relay` announces on port 7000, which is not HTTP;"),
        "{}",
        relay.0
    );
    assert_eq!(
        relay.1,
        &["k8s/relay.yaml:20: the port is named `tcp-relay`"]
    );
}

#[test]
fn a_grpc_serving_port_moves_with_allow_grpc_and_says_so() {
    let conv = run(&Case {
        name: "grpc-allowed",
        fixture: "grpc",
        allow_grpc: true,
        ..CASE
    });
    let p = plan(&conv, "Deployment/shop/catalog");
    let summaries: Vec<&str> = std::iter::once(&p.object)
        .chain(&p.related)
        .flat_map(|o| &o.changes)
        .map(|c| c.summary.as_str())
        .filter(|s| s.contains("ort"))
        .collect();
    assert_eq!(
        summaries,
        [
            "container catalog: containerPort 9090 -> 80",
            "container catalog: readinessProbe grpc port 9090 -> 80",
            "Service catalog: targetPort 9090 -> 80",
        ]
    );
    assert!(
        p.assumptions[0].starts_with("container catalog serves gRPC on port 9090 (k8s/catalog.yaml:21: the port is named `grpc`;")
            && p.assumptions[0].contains("with --allow-grpc it moves to port 80 like an HTTP port"),
        "{:?}",
        p.assumptions
    );
    assert!(p.decisions.is_empty(), "{:?}", p.decisions);
}

#[test]
fn annotations_naming_the_serving_port_follow_it_and_undeclared_probe_ports_are_flagged() {
    let conv = run(&Case {
        name: "dapr-probes",
        fixture: "dapr-probes",
        ..CASE
    });
    let orders = file(&conv, "k8s/orders.yaml");
    assert!(
        orders.contains("        dapr.io/app-port: \"80\" # the port the sidecar calls\n        prometheus.io/scrape: \"true\"\n        prometheus.io/port: \"9464\"\n"),
        "the Dapr app port follows, the separate metrics port stays:\n{orders}"
    );
    assert!(
        orders.contains(
            "    prometheus.io/scrape: \"true\"\n    prometheus.io/port: \"80\"\nspec:\n"
        ),
        "the Service's scrape port named the serving port:\n{orders}"
    );
    let p = plan(&conv, "Deployment/shop/orders");
    assert_eq!(
        p.kept,
        [
            "container orders: livenessProbe port `http` names the container port, so it follows it from 3000 to 80 unchanged"
        ]
    );
    assert_eq!(
        p.moved_pod_annotations,
        [("dapr.io/app-port".to_string(), "80".to_string())]
    );
    assert_eq!(
        p.outbound
            .iter()
            .map(|o| o.host.as_str())
            .collect::<Vec<_>>(),
        ["http://localhost:3500"],
        "the module calls its Dapr sidecar"
    );
    let netpol = file(&conv, "k8s/netpol.yaml");
    assert!(
        netpol.contains("        - protocol: TCP\n          port: 80\n        - protocol: TCP\n          port: 9464\n---"),
        "the policy admitting the serving port follows it:\n{netpol}"
    );
    assert!(
        netpol.ends_with("        - port: 3000\n          endPort: 3100\n"),
        "{netpol}"
    );
    assert!(
        p.decisions.contains(&"NetworkPolicy shop-range admits ports 3000-3100 at k8s/netpol.yaml:31, which holds the old port 3000 but not 80: widen the range or add port 80".to_string()),
        "{:?}",
        p.decisions
    );
    let gaps = plan(&conv, "Deployment/shop/gaps");
    assert_eq!(
        gaps.decisions,
        [
            "container gaps: the livenessProbe (tcpSocket) at k8s/gaps.yaml:28 names port `admin`, which no port of the container is named, so the kubelet cannot resolve it: name the serving port `admin` or give the probe a number",
            "container gaps: the readinessProbe (httpGet) at k8s/gaps.yaml:25 checks port 8081, which the container does not declare, so it is not moved with the serving port; the Spin shim serves HTTP on port 80: point the probe at 80, or declare the port it checks",
        ]
    );
    assert!(
        file(&conv, "k8s/gaps.yaml").contains("              port: 8081\n"),
        "no silent retarget"
    );
}

#[test]
fn a_spinapp_carries_the_moved_dapr_app_port() {
    let conv = run(&Case {
        name: "dapr-spinapp",
        fixture: "dapr-spinapp",
        emit: Emit::SpinApp,
        ..CASE
    });
    let orders = file(&conv, "k8s/orders.yaml");
    assert!(orders.contains("kind: SpinApp\n"), "{orders}");
    assert!(
        orders.contains("    dapr.io/app-port: \"80\"\n"),
        "{orders}"
    );
    assert!(!orders.contains("\"3000\""), "{orders}");
}

#[test]
fn outbound_hosts_come_from_the_env() {
    let conv = run(&Case {
        name: "outbound",
        fixture: "outbound",
        ..CASE
    });
    let p = plan(&conv, "Deployment/shop/frontend");
    let hosts: Vec<&str> = p.outbound.iter().map(|o| o.host.as_str()).collect();
    assert_eq!(
        hosts,
        [
            "http://payments:8080",
            "*://cart:7070",
            "http://currency:80"
        ]
    );
    let spin = file(&conv, "frontend/spin.toml");
    let v: toml::Value = toml::from_str(spin).expect("spin.toml");
    let allowed: Vec<&str> = v["component"]["frontend"]["allowed_outbound_hosts"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|h| h.as_str())
        .collect();
    assert_eq!(allowed, hosts);
    assert_eq!(p.decisions.len(), 3, "{:?}", p.decisions);
    assert!(p.decisions[0].starts_with(
        "envFrom configMapRef `frontend-config` at k8s/frontend.yaml:45 is not read here"
    ));
    assert!(p.decisions[1].starts_with(
        "env SEARCH_HOST at k8s/frontend.yaml:31 = `search` names a host with no port and no scheme"
    ));
    assert!(p.decisions[2].starts_with(
        "env DB_HOST at k8s/frontend.yaml:33 takes its value from a configMapKeyRef `frontend-db`"
    ));
    let report = plan(&conv, "CronJob/shop/report");
    assert!(report.outbound.is_empty(), "wasmtime has no spin.toml");
    assert!(
        report.assumptions.iter().any(|a| a.starts_with(
            "the module calls https://reports.example.com (UPLOAD_ENDPOINT at k8s/report.yaml:18): the wasmtime runtime must give it outbound network access"
        )),
        "{:?}",
        report.assumptions
    );
}

#[test]
fn spinapp_fields_the_crd_cannot_hold_keep_a_deployment() {
    let conv = run(&Case {
        name: "spinapp-fields",
        fixture: "spinapp-fields",
        emit: Emit::SpinApp,
        ..CASE
    });
    assert_eq!(
        conv.spinapps.iter().collect::<Vec<_>>(),
        ["Deployment/shop/greeter"]
    );
    let greeter = file(&conv, "k8s/greeter.yaml");
    assert!(greeter.contains("  checks:\n    liveness:\n      httpGet:\n        path: /live\n        httpHeaders:\n          - name: X-Probe\n            value: liveness\n      failureThreshold: 4\n"), "{greeter}");
    assert!(greeter.contains("  variables:\n    - name: greeting\n      value: hello\n    - name: api_token\n      valueFrom:\n        secretKeyRef:\n"), "{greeter}");
    let loadgen = conv
        .plans()
        .find(|p| p.id == "Deployment/shop/loadgen")
        .expect("loadgen");
    let misfits: Vec<&str> = loadgen
        .decisions
        .iter()
        .filter_map(|d| d.strip_prefix("does not fit a SpinApp: `"))
        .map(|d| d.split_once(' ').map_or(d, |(f, _)| f))
        .collect();
    assert_eq!(
        misfits,
        [
            "spec.template.spec.terminationGracePeriodSeconds`",
            "spec.template.spec.securityContext`",
            "spec.template.spec.tolerations`",
            "spec.template.spec.initContainers`",
            "spec.template.spec.containers[main].securityContext`",
            "spec.template.spec.containers[main].envFrom`",
        ]
    );
    assert!(file(&conv, "k8s/loadgen.yaml").contains("      runtimeClassName: wasmtime-spin-v2\n"));
}

#[test]
fn runtime_class_manifest_joins_the_kustomization_of_the_manifest() {
    let conv = run(&Case {
        name: "kustomize-rc",
        fixture: "kustomize-rc",
        runtime_class_manifest: true,
        ..CASE
    });
    let k = file(&conv, "deploy/app/kustomization.yaml");
    assert!(
        k.ends_with("resources:\n  - api.yaml # the workload\n  - api-svc.yaml\n  - runtimeclass-wasmtime-spin-v2.yaml\n"),
        "{k}"
    );
    assert!(
        file(&conv, "deploy/app/runtimeclass-wasmtime-spin-v2.yaml")
            .contains("kind: RuntimeClass\n")
    );
}
