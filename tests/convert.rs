//! End-to-end tests of `wasm-migrate convert`: the diff on stdout, `--check` and `--write` exit
//! codes, atomic writes that keep file modes, and usage errors (exit 2) that name what is wrong.

mod common;

use common::{copy_tree, fixture, run, run_in, stderr, stdout};

#[test]
fn default_output_is_a_header_per_workload_then_a_git_diff() {
    let out = run(&["convert", "fixtures/convert/spin-compact"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "wasm-migrate convert: 1 workload to convert, 0 unchanged, 0 not converted\n"
        ),
        "{text}"
    );
    assert!(text.contains(
        "\nDeployment/default/web (portable, score 79): to spin, RuntimeClass wasmtime-spin-v2\n"
    ));
    assert!(text.contains("  ~ Service web: targetPort 8080 -> 80\n      why: it pointed at container port 8080, which moved to 80\n"));
    assert!(text.contains(
        "\ndiff --git a/k8s/web.yaml b/k8s/web.yaml\n--- a/k8s/web.yaml\n+++ b/k8s/web.yaml\n"
    ));
    assert!(text.contains("\ndiff --git a/web/Dockerfile.wasm b/web/Dockerfile.wasm\nnew file mode 100644\n--- /dev/null\n"));
}

#[test]
fn check_then_write_then_check_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    copy_tree(&fixture("convert/wasmtime-crlf"), &root);
    let manifest = root.join("deploy/api.yaml");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&manifest, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let before = std::fs::read(&manifest).expect("read");

    let check = run_in(dir.path(), &["convert", "repo", "--check"]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    assert_eq!(
        std::fs::read(&manifest).expect("read"),
        before,
        "--check writes nothing"
    );

    let write = run_in(dir.path(), &["convert", "repo", "--write"]);
    assert_eq!(write.status.code(), Some(0), "{}", stderr(&write));
    assert!(
        stdout(&write).contains("\nwrote 2 files:\n  api/Dockerfile.wasm\n  deploy/api.yaml\n"),
        "{}",
        stdout(&write)
    );
    let after = std::fs::read_to_string(&manifest).expect("read");
    assert!(
        after.starts_with('\u{feff}') && after.contains("runtimeClassName: wasm\r\n"),
        "BOM and CRLF kept"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&manifest)
            .expect("stat")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "the file mode is kept");
    }

    let again = run_in(dir.path(), &["convert", "repo", "--check"]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "converting twice changes nothing:\n{}",
        stdout(&again)
    );
    assert!(
        stdout(&again)
            .contains("Deployment/default/api: already converted (runtimeClassName: wasm)")
    );
}

#[test]
fn command_line_overrides_the_configuration() {
    let out = run(&[
        "convert",
        "fixtures/convert/spin-compact",
        "--runtime",
        "wasmtime",
        "--runtime-class",
        "wasm",
        "--only",
        "web",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("to wasmtime, RuntimeClass wasm\n"), "{text}");
    assert!(text.contains("+      runtimeClassName: wasm\n"));
    assert!(
        !text.contains("containerPort 8080 ->") && !text.contains("targetPort"),
        "8080 is already wasmtime's port:\n{text}"
    );
    assert!(text.contains("  ~ container web: livenessProbe httpGet /healthz on port 8080\n"));
    assert!(text.contains("  ~ container web: remove command\n"));
}

#[test]
fn usage_errors_exit_2_and_say_what_to_do() {
    let out = run(&["convert", "fixtures/convert/spin-compact", "--only", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no workload `nope`"),
        "{}",
        stderr(&out)
    );

    let out = run(&[
        "convert",
        "fixtures/convert/spin-compact",
        "--runtime-class",
        "Not_A_Name",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--runtime-class `Not_A_Name` is not a valid RuntimeClass name"),
        "{}",
        stderr(&out)
    );

    let out = run(&[
        "convert",
        "fixtures/convert/spin-compact",
        "--kube-version",
        "latest",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--kube-version `latest` is not a Kubernetes version"),
        "{}",
        stderr(&out)
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("bad.toml");
    std::fs::write(
        &cfg,
        "[convert]\nruntime = \"spin\"\nruntme-class = \"x\"\n",
    )
    .expect("write");
    let out = run(&[
        "convert",
        "fixtures/convert/spin-compact",
        "--config",
        cfg.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("bad.toml:3:1: unknown field `runtme-class`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_fails_when_a_plan_cannot_be_applied() {
    let out = run(&["convert", "fixtures/convert/anchors", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("failed (nothing written for these):\n  Deployment/default/billing:"),
        "{}",
        stdout(&out)
    );
}

/// A Go service is not given cargo's recipe: the plan names its language's toolchain as a
/// decision and writes no Dockerfile.wasm for it.
#[test]
fn a_go_service_gets_its_toolchain_as_a_decision_never_a_cargo_recipe() {
    let out = common::run(&["convert", "fixtures/frontends/polyglot"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    let gateway = text
        .split("\n\n")
        .find(|s| s.starts_with("Deployment/default/gateway"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(!gateway.contains("cargo build"), "{gateway}");
    assert!(
        gateway.contains("its code is go: build the Wasm image")
            && gateway.contains("tinygo build -target=wasip2"),
        "{gateway}"
    );
    assert!(!text.contains("services/gateway/Dockerfile.wasm"), "{text}");
}

/// A file that does not parse is named by `convert` as by `scan`, and `--check` cannot vouch for
/// a tree it did not read (exit 2); a file path is refused with the way to convert one workload.
#[test]
fn unreadable_inputs_are_said_and_check_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let k8s = dir.path().join("repo/k8s");
    std::fs::create_dir_all(&k8s).expect("mkdir");
    std::fs::write(
        k8s.join("bad.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a\n",
    )
    .expect("write");
    let out = run_in(dir.path(), &["convert", "repo", "--check"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("input problem: k8s/bad.yaml:4:"),
        "{}",
        stderr(&out)
    );
    let out = run_in(dir.path(), &["convert", "repo/k8s/bad.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("pass its folder"), "{}", stderr(&out));
}

/// The section of `convert`'s header about one workload.
fn section<'t>(text: &'t str, id: &str) -> &'t str {
    text.split("\n\n")
        .find(|s| s.starts_with(id))
        .unwrap_or_else(|| panic!("no section for {id}:\n{text}"))
}

/// `--write` into a copy, then `--check` and `--write` again: nothing changes the second time.
fn write_then_converged(fixture_name: &str, extra: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&fixture(fixture_name), &dir.path().join("repo"));
    let args = |mode: &'static str| {
        let mut a = vec!["convert", "repo", mode];
        a.extend_from_slice(extra);
        a
    };
    let write = run_in(dir.path(), &args("--write"));
    assert_eq!(write.status.code(), Some(0), "{}", stderr(&write));
    let check = run_in(dir.path(), &args("--check"));
    assert_eq!(
        check.status.code(),
        Some(0),
        "a second run changes nothing:\n{}",
        stdout(&check)
    );
    let again = run_in(dir.path(), &args("--write"));
    assert!(
        stdout(&again).contains("\nnothing to write\n"),
        "{}",
        stdout(&again)
    );
    dir
}

/// A gRPC server is not moved to Spin's HTTP port behind the user's back: the scan's warning
/// (WM317, category grpc, at the port's line) becomes a "needs a decision" and nothing is
/// written; `--allow-grpc` moves it like an HTTP port and says what that assumes.
#[test]
fn a_grpc_service_is_not_moved_to_the_http_shim_unless_allowed() {
    let scan = run(&["scan", "fixtures/convert/grpc", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&scan.stdout).expect("json");
    let w = report["workloads"]
        .as_array()
        .expect("workloads")
        .iter()
        .find(|w| w["name"] == "catalog")
        .expect("catalog");
    assert_eq!(w["verdict"], "portable");
    assert!(
        w["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["rule"] == "WM317"
                && f["category"] == "grpc"
                && f["file"] == "k8s/catalog.yaml"
                && f["line"] == 21),
        "{w}"
    );

    let out = run(&["convert", "fixtures/convert/grpc", "--check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "nothing to change: {}",
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(
        text.contains("\nnot converted:\n  Deployment/shop/catalog: needs a decision: container catalog serves gRPC on port 9090; the Spin shim would serve it through its HTTP trigger on port 80"),
        "{text}"
    );
    assert!(
        text.contains("    - k8s/catalog.yaml:21: the port is named `grpc`\n    - k8s/catalog.yaml:38: Service catalog port has `appProtocol: grpc`\n    - k8s/catalog.yaml:24: a gRPC readinessProbe\n"),
        "{text}"
    );
    assert!(!text.contains("diff --git"), "{text}");
    // Plain TCP has no switch: no Wasm shim routes a Service's TCP port to a module.
    let relay = report["workloads"]
        .as_array()
        .expect("workloads")
        .iter()
        .find(|w| w["name"] == "relay")
        .expect("relay");
    assert_eq!(relay["verdict"], "portable");
    assert!(
        relay["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["rule"] == "WM311"
                && f["category"] == "non-http-port"
                && f["file"] == "k8s/relay.yaml"
                && f["line"] == 20),
        "{relay}"
    );
    assert!(
        text.contains("  Deployment/shop/relay: needs a decision: container relay serves the protocol its port name `tcp-relay` announces on port 7000, which is not HTTP; the Spin shim serves only HTTP (on port 80), so nothing would answer this port's clients. Not converted: keep it a Linux workload\n    - k8s/relay.yaml:20: the port is named `tcp-relay`\n"),
        "{text}"
    );

    let out = run(&["convert", "fixtures/convert/grpc", "--allow-grpc"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let catalog = section(&text, "Deployment/shop/catalog (portable, score 79)");
    assert!(catalog.contains("  ~ container catalog: containerPort 9090 -> 80\n"));
    assert!(catalog.contains("  ~ Service catalog: targetPort 9090 -> 80\n"));
    assert!(
        catalog.contains("  assumes:\n    - container catalog serves gRPC on port 9090 (k8s/catalog.yaml:21: the port is named `grpc`;"),
        "{catalog}"
    );
    assert!(
        text.contains("-      targetPort: 9090\n+      targetPort: 80\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "  Deployment/shop/relay: needs a decision: container relay serves the protocol"
        ),
        "--allow-grpc is about gRPC only:\n{text}"
    );
    write_then_converged("convert/grpc", &["--allow-grpc"]);
}

/// Dapr calls the application on `dapr.io/app-port`: when the serving port moves to Spin's 80,
/// the annotation moves with it (the comment on its line stays), as does a Service's
/// `prometheus.io/port` naming it; a separate metrics port keeps its number.
#[test]
fn a_dapr_app_port_follows_the_serving_port() {
    let out = run(&[
        "convert",
        "fixtures/convert/dapr-probes",
        "--only",
        "orders",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let orders = section(&text, "Deployment/shop/orders (ready, score 100)");
    assert!(
        orders.contains("  ~ pod annotation dapr.io/app-port: 3000 -> 80\n      why: it names container port 3000 (the port the Dapr sidecar calls the application on; https://docs.dapr.io/reference/arguments-annotations-overview/), which moved to 80\n"),
        "{orders}"
    );
    assert!(
        orders.contains("  = container orders: livenessProbe port `http` names the container port, so it follows it from 3000 to 80 unchanged\n"),
        "{orders}"
    );
    assert!(
        text.contains(
            "         dapr.io/app-id: orders\n-        dapr.io/app-port: \"3000\" # the port the sidecar calls\n+        dapr.io/app-port: \"80\" # the port the sidecar calls\n         prometheus.io/scrape: \"true\"\n         prometheus.io/port: \"9464\"\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("-    prometheus.io/port: \"3000\"\n+    prometheus.io/port: \"80\"\n"),
        "{text}"
    );
    assert!(
        orders.contains("  ~ NetworkPolicy orders-ingress: ingress port 3000 -> 80\n"),
        "{orders}"
    );
    assert!(
        text.contains("diff --git a/k8s/netpol.yaml b/k8s/netpol.yaml\n--- a/k8s/netpol.yaml\n+++ b/k8s/netpol.yaml\n@@ -14,7 +14,7 @@\n         - namespaceSelector: {}\n       ports:\n         - protocol: TCP\n-          port: 3000\n+          port: 80\n"),
        "{text}"
    );
    assert!(
        orders.contains("  > allowed_outbound_hosts: http://localhost:3500 (the Dapr sidecar, `dapr.io/enabled: \"true\"`;"),
        "{orders}"
    );
    let dir = write_then_converged("convert/dapr-probes", &[]);
    let spin =
        std::fs::read_to_string(dir.path().join("repo/orders/spin.toml")).expect("spin.toml");
    assert!(
        spin.ends_with("allowed_outbound_hosts = [\n    \"http://localhost:3500\",\n]\n"),
        "{spin}"
    );
}

/// A probe on a port the container does not declare is not retargeted behind the user's back:
/// it is a "needs a decision" line with the probe's file:line.
#[test]
fn a_probe_on_an_undeclared_port_is_flagged_with_its_line() {
    let out = run(&["convert", "fixtures/convert/dapr-probes", "--only", "gaps"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let gaps = section(&text, "Deployment/shop/gaps (ready, score 100)");
    assert!(
        gaps.contains("  needs a decision:\n    - container gaps: the livenessProbe (tcpSocket) at k8s/gaps.yaml:28 names port `admin`, which no port of the container is named, so the kubelet cannot resolve it: name the serving port `admin` or give the probe a number\n"),
        "{gaps}"
    );
    assert!(
        gaps.contains("    - container gaps: the readinessProbe (httpGet) at k8s/gaps.yaml:25 checks port 8081, which the container does not declare, so it is not moved with the serving port; the Spin shim serves HTTP on port 80: point the probe at 80, or declare the port it checks\n"),
        "{gaps}"
    );
    assert!(
        !text.contains("+              port: 80\n"),
        "no probe retargeted:\n{text}"
    );
}

/// A service whose env names its peers gets them in spin.toml's allowed_outbound_hosts (each
/// listed in the header with the var and line that named it); a peer from a ConfigMap ref or
/// without a port is a decision, never a wildcard; paths, numbers and booleans are not hosts.
#[test]
fn outbound_hosts_are_filled_from_the_env() {
    let out = run(&["convert", "fixtures/convert/outbound"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let frontend = section(&text, "Deployment/shop/frontend (ready, score 100)");
    assert!(
        frontend.contains("  > allowed_outbound_hosts: http://payments:8080 (PAYMENTS_URL at k8s/frontend.yaml:25)\n  > allowed_outbound_hosts: *://cart:7070 (CART_ADDR at k8s/frontend.yaml:27)\n  > allowed_outbound_hosts: http://currency:80 (CURRENCY_HOST at k8s/frontend.yaml:29)\n"),
        "{frontend}"
    );
    assert!(
        frontend.contains("    - env DB_HOST at k8s/frontend.yaml:33 takes its value from a configMapKeyRef `frontend-db`, which is not read here"),
        "{frontend}"
    );
    assert!(
        frontend.contains("    - env SEARCH_HOST at k8s/frontend.yaml:31 = `search` names a host with no port and no scheme"),
        "{frontend}"
    );
    for not_a_peer in [
        "/var/cache",
        "0.0.0.0",
        "\"*\"",
        "RETRIES",
        "FEATURE_ENABLED",
    ] {
        assert!(!frontend.contains(not_a_peer), "{not_a_peer}:\n{frontend}");
    }
    let report = section(&text, "CronJob/shop/report (ready, score 100)");
    assert!(
        report.contains("    - the module calls https://reports.example.com (UPLOAD_ENDPOINT at k8s/report.yaml:18): the wasmtime runtime must give it outbound network access"),
        "{report}"
    );

    let dir = write_then_converged("convert/outbound", &[]);
    let spin =
        std::fs::read_to_string(dir.path().join("repo/frontend/spin.toml")).expect("spin.toml");
    assert!(
        spin.ends_with("allowed_outbound_hosts = [\n    \"http://payments:8080\",\n    \"*://cart:7070\",\n    \"http://currency:80\",\n]\n"),
        "{spin}"
    );
}

/// Python and Node services get their language's toolchain as a decision, never cargo's recipe
/// or a Dockerfile.wasm (WASM-FACTS.md §8: componentize-py, ComponentizeJS/jco).
#[test]
fn python_and_node_services_get_their_toolchains_never_cargo() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files: &[(&str, &str)] = &[
        (
            "k8s/apps.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: quotes\nspec:\n  selector:\n    matchLabels: {app: quotes}\n  template:\n    metadata:\n      labels: {app: quotes}\n    spec:\n      containers:\n        - name: quotes\n          image: ghcr.io/acme/quotes:1\n          ports:\n            - containerPort: 5000\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cards\nspec:\n  selector:\n    matchLabels: {app: cards}\n  template:\n    metadata:\n      labels: {app: cards}\n    spec:\n      containers:\n        - name: cards\n          image: ghcr.io/acme/cards:1\n          ports:\n            - containerPort: 3000\n",
        ),
        (
            "quotes/Dockerfile",
            "FROM python:3.12-slim\nWORKDIR /srv\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY app.py .\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:5000\", \"app:app\"]\n",
        ),
        (
            "quotes/requirements.txt",
            "flask==3.0.3\ngunicorn==22.0.0\n",
        ),
        (
            "quotes/app.py",
            "from flask import Flask\napp = Flask(__name__)\n\n@app.get('/')\ndef index():\n    return 'a quote'\n",
        ),
        (
            "cards/Dockerfile",
            "FROM node:20-slim\nWORKDIR /app\nCOPY package.json .\nRUN npm install --omit=dev\nCOPY index.js .\nCMD [\"node\", \"index.js\"]\n",
        ),
        (
            "cards/package.json",
            "{\"name\": \"cards\", \"version\": \"1.0.0\", \"dependencies\": {\"express\": \"^4.19.2\"}}\n",
        ),
        (
            "cards/index.js",
            "const express = require('express');\nconst app = express();\napp.get('/', (req, res) => res.send('a card'));\napp.listen(3000);\n",
        ),
    ];
    for (path, text) in files {
        let p = dir.path().join("repo").join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let out = run_in(dir.path(), &["convert", "repo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains("cargo build"), "{text}");
    assert!(!text.contains("/Dockerfile.wasm"), "{text}");
    assert!(!text.contains("see Dockerfile.wasm"), "{text}");
    let quotes = section(&text, "Deployment/default/quotes");
    assert!(
        quotes.contains("its code is python") && quotes.contains("componentize-py"),
        "{quotes}"
    );
    let cards = section(&text, "Deployment/default/cards");
    assert!(
        cards.contains("its code is node") && cards.contains("jco"),
        "{cards}"
    );
}
