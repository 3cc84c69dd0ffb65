//! The severity policy of docs/categories.md end to end, for the Dockerfile side: a start script's
//! host commands, OS libraries the Wasm build replaces, and .NET judged the same whatever shows it.
//! Each test writes its own small repository and asserts verdict, category, severity and
//! `file:line:col`.

mod common;

use common::{finding_at as finding, scan_files as scan, workload};

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: NAME\nspec:\n  template:\n    spec:\n      containers:\n      - name: NAME\n        image: ghcr.io/acme/NAME:1.0\n";

fn manifest(name: &str) -> String {
    DEPLOYMENT.replace("NAME", name)
}

const GO_BUILD: &str = "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/agent ./cmd/agent\n\n";

#[test]
fn a_start_script_that_changes_the_nodes_packet_filter_blocks_at_its_line() {
    let dockerfile = format!(
        "{GO_BUILD}FROM alpine:3.20\nCOPY --from=build /out/agent /usr/local/bin/agent\nCOPY scripts/entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"/usr/local/bin/entrypoint.sh\"]\n"
    );
    let script = "#!/bin/sh\nset -e\n# route port 80 to the agent\niptables -t nat -A PREROUTING -p tcp --dport 80 -j REDIRECT --to-port 8080\nexec /usr/local/bin/agent --runtime-socket /run/containerd/containerd.sock\n";
    let r = scan(&[
        ("k8s/agent.yaml", &manifest("agent")),
        ("agent/Dockerfile", &dockerfile),
        ("agent/scripts/entrypoint.sh", script),
    ]);
    let w = workload(&r, "Deployment/default/agent");
    assert_eq!(w["verdict"], "blocked", "{w}");
    let f = finding(w, "WM112", "agent/scripts/entrypoint.sh:4:1");
    assert_eq!(f["category"], "net-caps");
    assert_eq!(f["severity"], "blocker");
    let f = finding(w, "WM112", "agent/scripts/entrypoint.sh:5:44");
    assert_eq!(f["category"], "hostpath");
    assert_eq!(f["severity"], "blocker");
}

#[test]
fn a_wrapper_script_that_only_forwards_signals_is_a_warning_and_other_scripts_are_not_read() {
    // `kill` in a wrapper is signal forwarding: a warning. The unrelated script beside it, which
    // no image starts, is never judged, though it runs nsenter.
    let dockerfile = format!(
        "{GO_BUILD}FROM alpine:3.20\nCOPY --from=build /out/agent /agent\nWORKDIR /app\nCOPY run.sh .\nCMD [\"sh\", \"run.sh\"]\n"
    );
    let script = "#!/bin/sh\n/agent &\nchild=$!\nkill -0 \"$child\"\nwait \"$child\"\n";
    let r = scan(&[
        ("k8s/agent.yaml", &manifest("agent")),
        ("agent/Dockerfile", &dockerfile),
        ("agent/run.sh", script),
        ("agent/debug.sh", "nsenter -t 1 -m -u -i -n -p sh\n"),
    ]);
    let w = workload(&r, "Deployment/default/agent");
    assert_eq!(w["verdict"], "portable", "{w}");
    let f = finding(w, "WM112", "agent/run.sh:4:1");
    assert_eq!(f["category"], "signal-handling");
    assert_eq!(f["severity"], "warning");
    let wm112: Vec<_> = w["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "WM112")
        .collect();
    assert_eq!(wm112.len(), 1, "{w}");
}

#[test]
fn openssl_installed_for_the_program_is_a_warning_a_database_client_library_a_blocker() {
    let tls = "FROM golang:1.23 AS build\nRUN go build -o /out/api .\nFROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends libssl3 ca-certificates\nCOPY --from=build /out/api /api\nENTRYPOINT [\"/api\"]\n";
    let r = scan(&[("k8s/api.yaml", &manifest("api")), ("api/Dockerfile", tls)]);
    let w = workload(&r, "Deployment/default/api");
    let f = finding(w, "WM101", "api/Dockerfile:4:66");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["category"], "apt-native-pkg");
    assert_eq!(w["verdict"], "portable", "{w}");

    let pq = tls.replace("libssl3", "libpq5 ");
    let r = scan(&[("k8s/api.yaml", &manifest("api")), ("api/Dockerfile", &pq)]);
    let w = workload(&r, "Deployment/default/api");
    assert_eq!(
        finding(w, "WM101", "api/Dockerfile:4:66")["severity"],
        "blocker"
    );
    assert_eq!(w["verdict"], "blocked", "{w}");
}

#[test]
fn aspnet_core_is_a_blocker_from_an_os_package_as_from_its_image() {
    let dockerfile = |pkg: &str| {
        format!(
            "FROM debian:12-slim\nRUN apt-get update && apt-get install -y {pkg}\nCOPY out/ /app/\nENTRYPOINT [\"dotnet\", \"/app/Api.dll\"]\n"
        )
    };
    let r = scan(&[
        ("k8s/api.yaml", &manifest("api")),
        ("api/Dockerfile", &dockerfile("aspnetcore-runtime-8.0")),
    ]);
    let w = workload(&r, "Deployment/default/api");
    let f = finding(w, "WM105", "api/Dockerfile:4:13");
    assert_eq!(f["severity"], "blocker", "{f}");
    assert_eq!(f["category"], "dotnet");
    assert_eq!(w["verdict"], "blocked");

    let r = scan(&[
        ("k8s/api.yaml", &manifest("api")),
        ("api/Dockerfile", &dockerfile("dotnet-runtime-8.0")),
    ]);
    let w = workload(&r, "Deployment/default/api");
    assert_eq!(
        finding(w, "WM105", "api/Dockerfile:4:13")["severity"],
        "warning"
    );

    // The image says the same as the package: mcr.microsoft.com/dotnet/aspnet is a blocker.
    let r = scan(&[
        ("k8s/api.yaml", &manifest("api")),
        (
            "api/Dockerfile",
            "FROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY out/ /app/\nENTRYPOINT [\"dotnet\", \"/app/Api.dll\"]\n",
        ),
    ]);
    let w = workload(&r, "Deployment/default/api");
    assert_eq!(
        finding(w, "WM323", "api/Dockerfile:1:6")["severity"],
        "blocker"
    );
}

const JOB: &str = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: init-tables\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: init\n        image: registry.example.com/shop/init-tables:2\n";

#[test]
fn a_job_whose_program_is_a_shell_script_running_tools_is_blocked_at_the_scripts_line() {
    let dockerfile = "FROM python:3.12-alpine\nRUN pip install awscli\nCOPY wait.sh create.sh ./\nCMD ./wait.sh && ./create.sh\n";
    let wait = "#!/bin/sh\nwhile ! curl -sf \"$ENDPOINT\"; do\n  echo -n .\n  sleep 1\ndone\n";
    let create =
        "#!/bin/sh -e\naws dynamodb create-table --cli-input-json file://t.json\ntouch /done\n";
    let r = scan(&[
        ("k8s/job.yaml", JOB),
        ("init-tables/Dockerfile", dockerfile),
        ("init-tables/wait.sh", wait),
        ("init-tables/create.sh", create),
    ]);
    let w = workload(&r, "Job/default/init-tables");
    assert_eq!(w["verdict"], "blocked", "{w}");
    let f = finding(w, "WM113", "init-tables/wait.sh:2:9");
    assert_eq!(f["category"], "process-spawn");
    assert_eq!(f["severity"], "blocker");
    assert!(
        f["message"].as_str().unwrap().contains("`curl`, `sleep`"),
        "{f}"
    );
    let f = finding(w, "WM113", "init-tables/create.sh:2:1");
    assert!(
        f["message"].as_str().unwrap().contains("`aws`, `touch`"),
        "{f}"
    );
    assert_eq!(f["related"][0]["file"], "init-tables/Dockerfile");
    assert_eq!(f["related"][0]["line"], 4);
}

#[test]
fn a_wrapper_that_execs_the_application_is_not_the_program() {
    let dockerfile = "FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nENTRYPOINT [\"./docker-entrypoint.sh\"]\nCMD [\"node\", \"server.js\"]\n";
    let script =
        "#!/bin/sh\nset -e\ncurl -sf http://config/app.json -o /tmp/app.json\nexec \"$@\"\n";
    let r = scan(&[
        ("k8s/web.yaml", &manifest("web")),
        ("web/Dockerfile", dockerfile),
        ("web/docker-entrypoint.sh", script),
        (
            "web/server.js",
            "require('http').createServer(() => {}).listen(8080)\n",
        ),
    ]);
    let w = workload(&r, "Deployment/default/web");
    let rules: Vec<_> = w["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(!rules.contains(&"WM113"), "{w}");
    assert!(rules.contains(&"WM102"), "{w}");
    assert_eq!(w["verdict"], "portable", "{w}");
}

#[test]
fn a_cronjob_running_a_generated_configmap_script_is_blocked_at_the_scripts_line() {
    let cronjob = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: report\nspec:\n  schedule: \"@daily\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n          - name: report\n            image: alpine:3.20\n            command: [\"/bin/sh\", \"/scripts/report.sh\"]\n            volumeMounts:\n            - name: scripts\n              mountPath: /scripts\n          volumes:\n          - name: scripts\n            configMap:\n              name: report-script\n";
    let kustomization = "resources:\n  - cronjob.yaml\nconfigMapGenerator:\n  - name: report-script\n    files:\n      - scripts/report.sh\n    options:\n      disableNameSuffixHash: true\n";
    let script = "#!/bin/sh\nset -e\nTODAY=\"$(date +%F)\"\npsql \"$DATABASE_URL\" -c 'select 1' > \"/tmp/$TODAY.csv\"\n";
    let r = scan(&[
        ("deploy/cronjob.yaml", cronjob),
        ("deploy/kustomization.yaml", kustomization),
        ("deploy/scripts/report.sh", script),
    ]);
    let w = workload(&r, "CronJob/default/report");
    assert_eq!(w["verdict"], "blocked", "{w}");
    let f = finding(w, "WM340", "deploy/scripts/report.sh:3:10");
    assert_eq!(f["category"], "process-spawn");
    assert!(
        f["message"].as_str().unwrap().contains("`date`, `psql`"),
        "{f}"
    );
    assert_eq!(f["related"][0]["file"], "deploy/cronjob.yaml");
    assert_eq!(f["related"][0]["line"], 15);
}

#[test]
fn a_jib_built_service_is_a_jvm_blocker_like_a_jvm_image() {
    let skaffold = "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n    - image: orders\n      context: orders\n      jib: {}\n";
    let pom = "<project>\n  <build><plugins><plugin>\n    <artifactId>jib-maven-plugin</artifactId>\n  </plugin></plugins></build>\n</project>\n";
    let r = scan(&[
        ("skaffold.yaml", skaffold),
        ("orders/pom.xml", pom),
        (
            "k8s/orders.yaml",
            &manifest("orders").replace("ghcr.io/acme/orders:1.0", "orders"),
        ),
    ]);
    let w = workload(&r, "Deployment/default/orders");
    assert_eq!(w["verdict"], "blocked", "{w}");
    assert_eq!(w["language"], "jvm", "{w}");
    let f = finding(w, "WM341", "skaffold.yaml:5:7");
    assert_eq!(f["category"], "jvm");
    assert_eq!(f["severity"], "blocker");
    assert_eq!(f["related"][0]["file"], "k8s/orders.yaml");
}
