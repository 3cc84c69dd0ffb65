//! The severity policy for manifest-level evidence, end to end (docs/categories.md, "Severity
//! policy: manifests and images"): each test scans a fixture folder of `fixtures/severity-k8s/`
//! (or a rule fixture) and asserts verdict, category, severity and `file:line`.

mod common;

use common::{run, stderr};
use serde_json::Value;

fn scan(dir: &str) -> Value {
    let out = run(&["scan", dir, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("json report")
}

fn workload<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == id)
        .unwrap_or_else(|| panic!("no workload {id} in {report:#}"))
}

/// `(rule, severity, file:line)` of each finding of `category`.
fn found(w: &Value, category: &str) -> Vec<(String, String, String)> {
    w["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] == category)
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                format!("{}:{}", f["file"].as_str().unwrap(), f["line"]),
            )
        })
        .collect()
}

fn has(w: &Value, category: &str, rule: &str, severity: &str, at: &str) {
    let got = found(w, category);
    assert!(
        got.iter()
            .any(|(r, s, a)| r == rule && s == severity && a == at),
        "{}: expected {rule} {category} {severity} at {at}, got {got:?}",
        w["id"]
    );
}

fn finding<'a>(w: &'a Value, rule: &str) -> &'a Value {
    w["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("{}: no {rule}", w["id"]))
}

#[test]
fn servers_of_non_http_protocols_are_blockers_with_the_state_they_keep() {
    let r = scan("fixtures/severity-k8s/servers");
    let db = workload(&r, "StatefulSet/default/orders-db");
    assert_eq!(db["verdict"], "blocked");
    has(db, "non-http-port", "WM320", "blocker", "postgres.yaml:12");
    has(
        db,
        "persistent-volume",
        "WM305",
        "blocker",
        "postgres.yaml:17",
    );
    // A database image is a server, not an embedded database library.
    assert!(found(db, "embedded-db").is_empty());

    let cache = workload(&r, "Deployment/default/cache");
    assert_eq!(cache["verdict"], "blocked");
    has(cache, "non-http-port", "WM320", "blocker", "redis.yaml:12");
    has(
        cache,
        "writes-filesystem",
        "WM315",
        "warning",
        "redis.yaml:12",
    );

    // The workload's own port: a blocker; `http-admin` on 6379 and the tcpSocket probe: nothing.
    let relay = workload(&r, "Deployment/default/relay");
    assert_eq!(relay["verdict"], "blocked");
    assert_eq!(
        found(relay, "non-http-port"),
        [(
            "WM311".to_string(),
            "blocker".to_string(),
            "relay.yaml:15".to_string()
        )]
    );

    // Redis beside the application is not a sidecar: still a blocker.
    let shop = workload(&r, "Deployment/default/shop");
    assert_eq!(shop["verdict"], "blocked");
    has(shop, "non-http-port", "WM320", "blocker", "shop.yaml:14");
}

#[test]
fn grpc_is_http2_a_warning_never_non_http_port() {
    let r = scan("fixtures/severity-k8s/grpc");
    let api = workload(&r, "Deployment/default/api");
    assert_eq!(api["verdict"], "portable");
    has(api, "grpc", "WM317", "warning", "api.yaml:13");
    has(api, "grpc", "WM317", "warning", "api.yaml:16");
    assert!(found(api, "non-http-port").is_empty(), "{api:#}");
}

#[test]
fn only_recognized_sidecars_are_relieved_and_the_report_says_which_and_why() {
    let r = scan("fixtures/severity-k8s/sidecars");
    let web = workload(&r, "Deployment/default/web");
    assert_eq!(web["verdict"], "portable", "{web:#}");
    has(web, "native-lib", "WM324", "warning", "mesh.yaml:14");
    has(web, "native-lib", "WM324", "warning", "mesh.yaml:16");
    let envoy = web["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["line"] == 14)
        .unwrap();
    let help = envoy["help"].as_str().unwrap();
    assert!(
        help.contains("container `envoy` is treated as a sidecar (Envoy sidecar:")
            && help.contains("beside container `web`"),
        "{help}"
    );

    let gateway = workload(&r, "Deployment/default/gateway");
    assert_eq!(gateway["verdict"], "blocked");
    has(gateway, "non-http-port", "WM321", "blocker", "mesh.yaml:31");

    // An injected mesh: its init step's capabilities and its proxy are warnings.
    let meshed = workload(&r, "Deployment/default/meshed");
    assert_eq!(meshed["verdict"], "portable", "{meshed:#}");
    has(meshed, "net-caps", "WM303", "warning", "mesh.yaml:64");
    has(meshed, "native-lib", "WM324", "warning", "mesh.yaml:69");
    let caps = finding(meshed, "WM303")["help"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        caps.contains("(Istio proxy:") && caps.contains("needs validation"),
        "{caps}"
    );

    // Named like a mesh proxy, but the image is unknown: never relieved.
    let lookalike = workload(&r, "Deployment/default/lookalike");
    assert_eq!(lookalike["verdict"], "blocked");
    has(
        lookalike,
        "non-http-port",
        "WM311",
        "blocker",
        "mesh.yaml:48",
    );
}

#[test]
fn already_wasm_workloads_keep_volumes_sidecars_and_file_writes_as_notes() {
    let r = scan("fixtures/severity-k8s/already-wasm");
    let spin = workload(&r, "Deployment/default/spin-app");
    assert_eq!(spin["verdict"], "ready", "{spin:#}");
    has(spin, "wasm-module", "WM316", "note", "spin.yaml:10");
    has(spin, "persistent-volume", "WM305", "note", "spin.yaml:26");
    // The Redis container beside the Wasm one: its image and its port are notes.
    has(spin, "non-http-port", "WM311", "note", "spin.yaml:23");
    has(spin, "writes-filesystem", "WM315", "note", "spin.yaml:17");
    has(spin, "writes-filesystem", "WM315", "note", "spin.yaml:19");
    has(spin, "non-http-port", "WM320", "note", "spin.yaml:21");

    // A krustlet-style pod: the toleration proves Wasm; a host directory is only a warning.
    let pod = workload(&r, "Pod/default/hello-wasi");
    assert_eq!(pod["verdict"], "portable", "{pod:#}");
    has(pod, "wasm-module", "WM316", "note", "krustlet.yaml:17");
    has(pod, "hostpath", "WM304", "warning", "krustlet.yaml:21");
}

#[test]
fn controllers_are_blocked_by_flag_webhook_or_bound_watch_rbac() {
    let r = scan("fixtures/rules/WM318-controller/fires");
    let manager = workload(&r, "Deployment/ops/manager");
    assert_eq!(manager["verdict"], "blocked");
    assert_eq!(
        found(manager, "controller"),
        [(
            "WM318".to_string(),
            "blocker".to_string(),
            "manager.yaml:17".to_string()
        )],
        "only the manager's flag counts, not the kube-rbac-proxy sidecar's"
    );

    let watcher = workload(&r, "Deployment/ops/watcher");
    assert_eq!(watcher["verdict"], "blocked");
    has(watcher, "controller", "WM318", "blocker", "manager.yaml:30");
    let related = &finding(watcher, "WM318")["related"][0];
    assert_eq!(related["file"], "rbac.yaml");
    assert_eq!(related["line"], 17, "{related}"); // `- watch`

    // A shared ServiceAccount counts for the workload it is named after, not for the other.
    let reconciler = workload(&r, "Deployment/ops/reconciler");
    has(reconciler, "controller", "WM318", "blocker", "rbac.yaml:41");
    let pooler = workload(&r, "Deployment/ops/pooler");
    assert!(found(pooler, "controller").is_empty(), "{pooler:#}");

    let admission = workload(&r, "Deployment/ops/admission");
    assert_eq!(admission["verdict"], "blocked");
    has(
        admission,
        "controller",
        "WM318",
        "blocker",
        "webhook.yaml:37",
    );

    let clean = scan("fixtures/rules/WM318-controller/clean");
    let app = workload(&clean, "Deployment/shop/app");
    assert!(found(app, "controller").is_empty(), "{app:#}");
}

#[test]
fn scratch_writes_are_warnings_and_a_shell_exec_probe_is_two_findings() {
    let r = scan("fixtures/severity-k8s/scratch");
    let render = workload(&r, "Deployment/default/render");
    assert_eq!(render["verdict"], "portable");
    has(
        render,
        "writes-filesystem",
        "WM315",
        "warning",
        "render.yaml:15",
    );
    has(render, "exec-probe", "WM309", "warning", "render.yaml:17");
    has(
        render,
        "shell-command",
        "WM310",
        "warning",
        "render.yaml:18",
    );
}

#[test]
fn a_workload_that_is_only_shell_in_a_utility_image_is_blocked_beside_an_app_a_warning() {
    let report = common::scan_files(&[(
        "k8s/jobs.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: smoke\nspec:\n  containers:\n    - name: wget\n      image: busybox:1.36\n      command: ['wget', 'web:80']\n  restartPolicy: Never\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1\n        - name: tail\n          image: busybox:1.36\n          args: ['tail', '-f', '/logs/app.log']\n",
    )]);
    // The busybox Pod is nothing but commands in a native utility image: no code to build.
    let smoke = workload(&report, "Pod/default/smoke");
    assert_eq!(smoke["verdict"], "blocked");
    has(
        smoke,
        "shell-command",
        "WM325",
        "blocker",
        "k8s/jobs.yaml:8",
    );
    // Beside the application, the same image is a step to move out of the pod: a warning.
    let web = workload(&report, "Deployment/default/web");
    has(web, "shell-command", "WM325", "warning", "k8s/jobs.yaml:23");
}

#[test]
fn a_knative_service_is_a_workload_and_a_core_service_is_not() {
    let report = common::scan_files(&[(
        "k8s/ksvc.yaml",
        "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: resizer\nspec:\n  template:\n    spec:\n      containers:\n        - image: redis:7\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: plain\nspec:\n  selector:\n    app: x\n  ports:\n    - port: 80\n",
    )]);
    let ids: Vec<&str> = report["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["id"].as_str())
        .collect();
    assert_eq!(ids, ["Service/default/resizer"]);
    // Its revision template's containers are judged like a Deployment's.
    let w = workload(&report, "Service/default/resizer");
    assert_eq!(w["verdict"], "blocked");
    has(w, "non-http-port", "WM320", "blocker", "k8s/ksvc.yaml:9");
}
