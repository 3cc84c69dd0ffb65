//! The Go front-end end to end: go.mod and Go sources are read, linked to the workload that builds
//! them, and judged with the exact `file:line:col` of each import or call.

mod common;

use common::{findings_of as findings, location as at, scanned_workload as workload};
use serde_json::Value;

/// A Go service that shells out to ImageMagick: `os/exec` blocks it at the call, its signal
/// handler and its PostgreSQL driver are warnings at theirs, and nothing in comments, strings or
/// `_test.go` files counts.
#[test]
fn a_go_service_that_starts_processes_is_blocked_at_the_call() {
    let w = workload("fixtures/go/worker", "Deployment/default/thumbnailer");
    assert_eq!(w["verdict"], "blocked", "{w:#}");
    assert_eq!(w["language"], "go");
    let cov: Vec<&str> = w["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        cov.contains(&"dependency-manifest") && cov.contains(&"source"),
        "{cov:?}"
    );
    let links: Vec<&str> = w["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["linked_by"].as_str().unwrap())
        .collect();
    assert!(
        links.contains(
            &"Dockerfile:6 (`go build` of Go module `github.com/acme/thumbnailer` copied from `.`)"
        ),
        "{links:?}"
    );
    let os = findings(&w, "WM603");
    let spawn: Vec<&&Value> = os
        .iter()
        .filter(|f| f["category"] == "process-spawn")
        .collect();
    assert_eq!(spawn.len(), 1, "only the real call counts: {os:#?}");
    assert_eq!(at(spawn[0]), "cmd/worker/main.go:19:14");
    assert_eq!(spawn[0]["severity"], "blocker");
    let signal = os
        .iter()
        .find(|f| f["category"] == "signal-handling")
        .unwrap();
    assert_eq!(at(signal), "cmd/worker/main.go:28:15");
    assert_eq!(signal["severity"], "warning");
    let pgx = findings(&w, "WM602");
    assert_eq!(pgx.len(), 1, "{pgx:#?}");
    assert_eq!(pgx[0]["category"], "raw-socket");
    assert_eq!(at(pgx[0]), "cmd/worker/main.go:13:2");
    // `main_test.go` is not part of the build.
    assert!(
        !w["sources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s.as_str().unwrap().ends_with("_test.go")),
        "{w:#}"
    );
}

/// The clean twin, a plain `net/http` service: its code was read and nothing stands in the way,
/// so it is `portable` (a toolchain change, WM604 names the path), never `ready`.
#[test]
fn a_pure_net_http_service_is_portable_with_high_confidence_and_a_wasi_http_path() {
    let w = workload("fixtures/go/clean", "Deployment/default/hello");
    assert_eq!(w["verdict"], "portable", "{w:#}");
    assert_eq!(w["language"], "go");
    assert_eq!(w["confidence"], "high", "{w:#}");
    let tc = findings(&w, "WM604");
    assert_eq!(tc.len(), 1);
    assert_eq!(tc[0]["category"], "language-runtime");
    assert_eq!(at(tc[0]), "go.mod:3:4");
    assert!(
        tc[0]["message"]
            .as_str()
            .unwrap()
            .contains("wasi:http component"),
        "{:#}",
        tc[0]
    );
    assert!(
        tc[0]["help"]
            .as_str()
            .unwrap()
            .starts_with("first try `tinygo build -target=wasip2"),
        "{:#}",
        tc[0]
    );
    assert!(
        w["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] != "blocker"),
        "{w:#}"
    );
    let listener = findings(&w, "WM603");
    assert_eq!(listener.len(), 1);
    assert_eq!(listener[0]["category"], "http-listener");
    assert_eq!(listener[0]["severity"], "note");
    assert_eq!(at(listener[0]), "main.go:17:12");
}

/// A `ko://` image links the module without a Dockerfile; `import "C"` and go-sqlite3 block it.
#[test]
fn a_ko_built_cgo_service_is_blocked_by_cgo() {
    let w = workload("fixtures/go/ko", "Deployment/default/store");
    assert_eq!(w["verdict"], "blocked", "{w:#}");
    assert_eq!(w["confidence"], "high");
    let cgo = findings(&w, "WM601");
    assert_eq!(cgo.len(), 1);
    assert_eq!(cgo[0]["category"], "cgo");
    assert_eq!(at(cgo[0]), "cmd/store/main.go:7:8");
    assert!(
        cgo[0]["message"]
            .as_str()
            .unwrap()
            .contains("#cgo CFLAGS: -O2")
    );
    // Reported at the import, once per category: cgo and the embedded database it is.
    let sqlite = findings(&w, "WM602");
    let got: Vec<String> = sqlite
        .iter()
        .map(|f| format!("{} {}", f["category"].as_str().unwrap(), at(f)))
        .collect();
    assert_eq!(
        got,
        [
            "cgo cmd/store/main.go:13:4",
            "embedded-db cmd/store/main.go:13:4"
        ],
        "{sqlite:#?}"
    );
}

/// A monorepo: two Dockerfiles under `build/`, built from the repository root, each copying one
/// service's directory: each workload is linked to its own `go.mod`, and an inline suppression in
/// Go source works like one in Rust.
#[test]
fn each_service_of_a_monorepo_links_to_its_own_module() {
    let api = workload("fixtures/go/monorepo", "Deployment/default/api");
    let links: Vec<&str> = api["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["linked_by"].as_str().unwrap())
        .collect();
    assert!(
        links.contains(&"build/api.Dockerfile:4 (`go build` of Go module `example.com/shop/api` copied from `services/api`)"),
        "{links:?}"
    );
    assert_eq!(api["verdict"], "portable", "{api:#}");
    let signal = findings(&api, "WM603")
        .into_iter()
        .find(|f| f["category"] == "signal-handling")
        .unwrap();
    assert_eq!(at(signal), "services/api/main.go:12:2");
    assert!(!signal["suppressed"].is_null(), "{signal:#}");

    let watcher = workload("fixtures/go/monorepo", "Deployment/default/watcher");
    assert_eq!(watcher["verdict"], "blocked", "{watcher:#}");
    let sources: Vec<&str> = watcher["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        !sources.iter().any(|s| s.starts_with("services/api/")),
        "{sources:?}"
    );
    let known = findings(&watcher, "WM602");
    let ctrl = known.iter().find(|f| f["severity"] == "blocker").unwrap();
    assert_eq!(ctrl["category"], "controller");
    assert_eq!(at(ctrl), "services/watcher/main.go:4:7");
    // client-go is required but not imported by the module's own code: reported at go.mod.
    let client = known
        .iter()
        .find(|f| f["file"] == "services/watcher/go.mod")
        .unwrap();
    assert_eq!(at(client), "services/watcher/go.mod:6:2");
    assert_eq!(client["severity"], "warning");
}

/// A TinyGo project whose Dockerfile builds a wasip2 component into a `FROM scratch` image, run
/// under a Wasm runtime class: the build itself is the positive evidence, so it is `ready`.
#[test]
fn a_tinygo_component_image_is_ready_on_its_build() {
    let w = workload("fixtures/go/tinygo", "Deployment/default/app");
    assert_eq!(w["verdict"], "ready", "{w:#}");
    assert_eq!(w["language"], "wasm", "{w:#}");
    let wasm = findings(&w, "WM111");
    assert_eq!(wasm.len(), 1, "{w:#}");
    assert_eq!(at(wasm[0]), "app/Dockerfile:9:13");
    assert_eq!(wasm[0]["category"], "wasm-module");
}

#[test]
fn gorms_sqlite_driver_is_cgo_and_an_embedded_database_at_its_import() {
    let w = workload("fixtures/go/gorm", "Deployment/default/inventory");
    assert_eq!(w["verdict"], "blocked");
    let got: Vec<String> = findings(&w, "WM602")
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["category"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                at(f)
            )
        })
        .collect();
    // The import is the evidence for both categories; go-sqlite3's `// indirect` require is
    // what the driver pulls in, not a second, uncertain finding.
    assert_eq!(
        got,
        [
            "cgo blocker store/store.go:8:2",
            "embedded-db blocker store/store.go:8:2"
        ]
    );
}

/// `net.Listen` in a file that hands the listener to its own HTTP server is that server's socket
/// (an `http-listener` note); `net.DialTimeout` elsewhere is a raw TCP connection.
#[test]
fn a_listener_served_by_the_files_own_http_server_is_not_a_raw_socket() {
    let w = workload("fixtures/go/listeners", "Deployment/default/api");
    let os = findings(&w, "WM603");
    let listen = os
        .iter()
        .find(|f| at(f) == "cmd/api/main.go:13:14")
        .unwrap_or_else(|| panic!("{os:#?}"));
    assert_eq!(listen["category"], "http-listener");
    assert_eq!(listen["severity"], "note");
    let dial = os
        .iter()
        .find(|f| at(f) == "internal/probe/probe.go:10:12")
        .unwrap_or_else(|| panic!("{os:#?}"));
    assert_eq!(dial["category"], "raw-socket");
    assert_eq!(w["verdict"], "portable", "{w:#}");
}
