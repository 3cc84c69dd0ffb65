//! Node inputs: a 50 MB package-lock.json, lockfiles and manifests that are huge, broken or
//! nested without end, minified bundles and sources that are nothing but loads and calls. The
//! scan stays bounded, says what it did not read, and goes on.

use crate::bounded::{notes_and_errors, repo_with_good_workload, run, workload_ids, write};

const DOCKERFILE: &str = "FROM node:20-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY src ./src\nCMD [\"node\", \"src/server.js\"]\n";

/// The service's report, found by its Dockerfile's link.
fn svc(r: &crate::bounded::Run) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_slice(&r.stdout).expect("json report");
    v["workloads"]
        .as_array()
        .expect("workloads")
        .iter()
        .find(|w| w["id"] == "dockerfile:svc/Dockerfile")
        .cloned()
        .unwrap_or_else(|| panic!("no svc workload in {v:#}"))
}

/// A 50 MB package-lock.json is over the text cap: it is refused before it is read (an error
/// that names it), the service is still linked through its package.json and sources, and the
/// lockfile does not count as read.
#[test]
fn a_50_mb_package_lock_is_refused_with_a_diagnostic_and_the_scan_goes_on() {
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    write(&repo.join("svc/Dockerfile"), DOCKERFILE);
    write(
        &repo.join("svc/package.json"),
        "{\"name\": \"svc\", \"dependencies\": {\"express\": \"^4\"}}\n",
    );
    write(
        &repo.join("svc/src/server.js"),
        "require('express')().listen(3000);\n",
    );
    let mut lock =
        String::from("{\"name\": \"svc\", \"lockfileVersion\": 3, \"packages\": {\n\"\": {},\n");
    let entry = |i: usize| {
        format!(
            "\"node_modules/p{i}\": {{\"version\": \"1.0.{i}\", \"hasInstallScript\": true, \"dependencies\": {{\"node-gyp-build\": \"^4\"}}}},\n"
        )
    };
    let mut i = 0;
    while lock.len() < 50 * 1024 * 1024 {
        lock.push_str(&entry(i));
        i += 1;
    }
    lock.push_str("\"node_modules/z\": {}\n}}\n");
    write(&repo.join("svc/package-lock.json"), &lock);
    let r = run(dir.path(), &["scan", "repo", "--format", "json"], &[]);
    r.assert_bounded(0, 512);
    assert!(
        r.elapsed < std::time::Duration::from_secs(30),
        "{:?}",
        r.elapsed
    );
    let notes = notes_and_errors(&r);
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("svc/package-lock.json:") && n.contains("over the 4 MiB limit")),
        "{notes:#?}"
    );
    let w = svc(&r);
    assert_eq!(w["language"], "node", "{w:#}");
    let cov: Vec<&str> = w["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        cov.contains(&"source") && !cov.contains(&"lockfile"),
        "{cov:?}"
    );
    assert!(
        workload_ids(&r).contains(&"Deployment/default/good".to_string()),
        "{:?}",
        workload_ids(&r)
    );
}

/// Everything under the caps but hostile: a 3.9 MiB lockfile of addons, a package.json of
/// 100,000 dependencies, a lockfile nested 100,000 deep, a broken pnpm lock, a minified bundle,
/// a source over 1 MiB, a source of endless `${` nesting and ten 1 MiB files of nothing but loads and calls. Findings
/// stay capped per file, the bundle is left out with a note, and the scan goes on.
#[test]
fn hostile_node_inputs_are_bounded() {
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    write(&repo.join("svc/Dockerfile"), DOCKERFILE);
    let mut pkg = String::from("{\"name\": \"svc\", \"dependencies\": {");
    for i in 0..100_000 {
        pkg.push_str(&format!("\"d{i}\": \"^1\", "));
    }
    pkg.push_str("\"bcrypt\": \"^5\"}}\n");
    write(&repo.join("svc/package.json"), &pkg);
    let mut lock = String::from("{\"lockfileVersion\": 3, \"packages\": {\n");
    let mut i = 0;
    while lock.len() < 3_900_000 {
        lock.push_str(&format!(
            "\"node_modules/a{i}\": {{\"version\": \"1.0.0\", \"hasInstallScript\": true, \"dependencies\": {{\"nan\": \"^2\"}}}},\n"
        ));
        i += 1;
    }
    lock.push_str("\"node_modules/z\": {}\n}}\n");
    write(&repo.join("svc/package-lock.json"), &lock);
    // A workspace package with a lockfile nested far past the depth limit.
    write(&repo.join("svc/deep/package.json"), "{\"name\": \"deep\"}");
    write(
        &repo.join("svc/deep/package-lock.json"),
        &"{\"dependencies\": ".repeat(100_000),
    );
    write(
        &repo.join("svc/web/pnpm-lock.yaml"),
        &"packages:\n\t<<<<<<< HEAD\n  '/a@1':\n    dependencies:\n".repeat(50_000),
    );
    write(&repo.join("svc/web/package.json"), "{\"name\": \"web\"}");
    write(
        &repo.join("svc/src/bundle.js"),
        &format!(
            "!function(){{{}}}();",
            "var a=require('child_process');".repeat(25_000)
        ),
    );
    write(
        &repo.join("svc/src/huge.js"),
        &"require('child_process');\n".repeat(60_000),
    );
    write(&repo.join("svc/src/nest.js"), &"`${\n".repeat(250_000));
    let calls = "const cp = require('child_process'); cp.exec(`x ${y}`); /re/g.test(z) / 2;\n"
        .repeat(1_000_000 / 80);
    for k in 0..10 {
        write(&repo.join(format!("svc/src/calls{k}.js")), &calls);
    }
    write(
        &repo.join("svc/src/server.js"),
        "require('express')().listen(3000);\n",
    );
    let r = run(dir.path(), &["scan", "repo", "--format", "json"], &[]);
    r.assert_bounded(0, 512);
    let w = svc(&r);
    assert_eq!(w["verdict"], "blocked", "{w:#}");
    let per_file = |rule: &str, file: &str| {
        w["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == rule && f["file"] == file)
            .count()
    };
    assert!(per_file("WM702", "svc/package-lock.json") <= 10);
    assert!(per_file("WM703", "svc/src/calls0.js") <= 10);
    assert!(per_file("WM703", "svc/src/calls0.js") >= 1);
    assert_eq!(per_file("WM703", "svc/src/bundle.js"), 0);
    assert_eq!(per_file("WM703", "svc/src/huge.js"), 0);
    let notes = notes_and_errors(&r);
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("svc/src/bundle.js:") && n.contains("minified")),
        "{notes:#?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("svc/src/huge.js:") && n.contains("over 1 MiB not read")),
        "{notes:#?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("svc/web/pnpm-lock.yaml:") && n.contains("malformed")),
        "{notes:#?}"
    );
    assert!(
        workload_ids(&r).contains(&"Deployment/default/good".to_string()),
        "{:?}",
        workload_ids(&r)
    );
}
