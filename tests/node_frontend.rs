//! The Node front-end end to end: package.json, its lockfile (npm, pnpm, yarn) and the JS/TS
//! sources are read, linked to the workload whose Dockerfile installs and runs them, and judged
//! with the exact `file:line:col` of each dependency, lockfile entry or call.

mod common;

use common::{findings_of as findings, location as at, scanned_workload as workload};
use serde_json::Value;

fn strings<'a>(w: &'a Value, key: &str) -> Vec<&'a str> {
    w[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect()
}

fn links(w: &Value) -> Vec<&str> {
    w["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["linked_by"].as_str().unwrap())
        .collect()
}

/// A pure Express service: its package.json, lockfile and sources were read and nothing stands
/// in the way, so it is `portable` with high confidence (WM704 names the wasi:http path through
/// ComponentizeJS), never `ready`. Text in comments, strings, template literals, regular
/// expressions and test files is not code.
#[test]
fn a_pure_express_service_is_portable_with_the_componentize_js_path() {
    let w = workload("fixtures/node/express", "Deployment/default/greeter");
    assert_eq!(w["verdict"], "portable", "{w:#}");
    assert_eq!(w["language"], "node");
    assert_eq!(w["confidence"], "high", "{w:#}");
    let cov = strings(&w, "coverage");
    for c in ["dependency-manifest", "lockfile", "source"] {
        assert!(cov.contains(&c), "{c}: {cov:?}");
    }
    assert!(
        links(&w).contains(&"Dockerfile:4 (`npm ci` of Node package `greeter` copied from `.`)"),
        "{:?}",
        links(&w)
    );
    let tc = findings(&w, "WM704");
    assert_eq!(tc.len(), 1);
    assert_eq!(tc[0]["category"], "language-runtime");
    assert_eq!(tc[0]["severity"], "warning");
    assert_eq!(at(tc[0]), "package.json:2:11");
    let msg = tc[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("Express over `node:http`") && msg.contains("wasi:http component"),
        "{msg}"
    );
    assert!(
        msg.contains("cannot use `child_process`, `worker_threads`"),
        "{msg}"
    );
    assert!(
        tc[0]["help"].as_str().unwrap().contains("jco componentize"),
        "{:#}",
        tc[0]
    );
    for f in w["findings"].as_array().unwrap() {
        assert_ne!(f["severity"], "blocker", "{f:#}");
        assert!(
            !["WM701", "WM702", "WM703"].contains(&f["rule"].as_str().unwrap()),
            "{f:#}"
        );
    }
    assert!(
        !strings(&w, "sources")
            .iter()
            .any(|s| s.starts_with("test/")),
        "{w:#}"
    );
}

/// bcrypt and sharp in a package-lock v3, built by a multi-stage TypeScript Dockerfile: both are
/// blockers at their package.json lines with their pure alternative, and a transitive addon is
/// found by its `node-gyp-build` dependency at its lockfile entry.
#[test]
fn bcrypt_and_sharp_in_a_package_lock_block_at_their_lines() {
    let w = workload("fixtures/node/native-npm", "Deployment/default/avatars");
    assert_eq!(w["verdict"], "blocked", "{w:#}");
    assert_eq!(w["language"], "node");
    let cov = strings(&w, "coverage");
    assert!(
        cov.contains(&"lockfile") && cov.contains(&"source"),
        "{cov:?}"
    );
    assert!(
        links(&w).contains(&"Dockerfile:4 (`npm ci` of Node package `avatars` copied from `.`)"),
        "{:?}",
        links(&w)
    );
    let known = findings(&w, "WM701");
    let got: Vec<(String, &str, &str)> = known
        .iter()
        .map(|f| {
            (
                at(f),
                f["category"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("package.json:11:5".to_string(), "native-lib", "blocker"),
            ("package.json:13:5".to_string(), "native-lib", "blocker"),
        ]
    );
    assert!(
        known[0]["help"].as_str().unwrap().contains("bcryptjs"),
        "{:#}",
        known[0]
    );
    let addon = findings(&w, "WM702");
    assert_eq!(addon.len(), 1, "{addon:#?}");
    assert_eq!(at(addon[0]), "package-lock.json:48:5");
    assert!(
        addon[0]["message"]
            .as_str()
            .unwrap()
            .contains("`murmur-native`"),
        "{:#}",
        addon[0]
    );
    // The TypeScript is named in the path.
    let tc = findings(&w, "WM704");
    assert!(
        tc[0]["message"].as_str().unwrap().contains("TypeScript"),
        "{:#}",
        tc[0]
    );
}

/// The same service on pnpm (lockfile v9): the same blockers at the package.json lines, and the
/// pnpm lockfile counted as the lockfile.
#[test]
fn bcrypt_and_sharp_in_a_pnpm_lock_block_the_same_way() {
    let w = workload(
        "fixtures/node/native-pnpm",
        "Deployment/default/avatars-pnpm",
    );
    assert_eq!(w["verdict"], "blocked", "{w:#}");
    assert!(strings(&w, "coverage").contains(&"lockfile"));
    assert!(strings(&w, "sources").contains(&"pnpm-lock.yaml"));
    assert!(
        links(&w).contains(
            &"Dockerfile:5 (`pnpm install` of Node package `avatars-pnpm` copied from `.`)"
        ),
        "{:?}",
        links(&w)
    );
    let known: Vec<String> = findings(&w, "WM701").iter().map(|f| at(f)).collect();
    assert_eq!(known, vec!["package.json:7:5", "package.json:9:5"]);
    let msg = findings(&w, "WM704")[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("Fastify") && msg.contains("`pnpm-lock.yaml`"),
        "{msg}"
    );
}

/// A worker that shells out to ImageMagick, hashes on a worker thread, writes files and handles
/// SIGTERM, installed with yarn: `child_process` blocks at the call, the rest are warnings at
/// theirs, and its Redis client is a raw-socket warning at its package.json line.
#[test]
fn child_process_blocks_and_worker_threads_warn_at_the_call() {
    let w = workload("fixtures/node/processes", "Deployment/default/thumbnailer");
    assert_eq!(w["verdict"], "blocked", "{w:#}");
    assert_eq!(w["language"], "node");
    assert!(
        links(&w).contains(
            &"Dockerfile:5 (`yarn install` of Node package `thumbnailer` copied from `.`)"
        ),
        "{:?}",
        links(&w)
    );
    let mut builtins: Vec<(String, &str, &str)> = findings(&w, "WM703")
        .iter()
        .map(|f| {
            (
                at(f),
                f["category"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
            )
        })
        .collect();
    builtins.sort();
    assert_eq!(
        builtins,
        vec![
            (
                "src/main.mjs:12:3".to_string(),
                "writes-filesystem",
                "warning"
            ),
            ("src/main.mjs:14:5".to_string(), "process-spawn", "blocker"),
            ("src/main.mjs:17:22".to_string(), "threads", "warning"),
            (
                "src/main.mjs:21:1".to_string(),
                "signal-handling",
                "warning"
            ),
        ]
    );
    let redis = findings(&w, "WM701");
    assert_eq!(redis.len(), 1);
    assert_eq!(at(redis[0]), "package.json:10:5");
    assert_eq!(redis[0]["category"], "raw-socket");
    assert_eq!(redis[0]["severity"], "warning");
    // `hash.mjs` only reads a file and uses `parentPort`: nothing to report there.
    assert!(
        w["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["file"] != "src/hash.mjs"),
        "{w:#}"
    );
    let msg = findings(&w, "WM704")[0]["message"].as_str().unwrap();
    assert!(msg.contains("WASI command component"), "{msg}");
}

/// A Node build stage whose output another runtime serves (a single-page app in nginx) is not a
/// Node workload: its package is not linked.
#[test]
fn a_spa_built_with_node_and_served_by_nginx_is_not_linked() {
    let v = common::scan_files(&[
        (
            "package.json",
            "{\"name\": \"web\", \"dependencies\": {\"sharp\": \"^0.33.5\"}}",
        ),
        ("src/main.js", "import sharp from 'sharp';\n"),
        (
            "Dockerfile",
            "FROM node:20 AS build\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\nCOPY src ./src\nRUN npm run build\n\nFROM nginx:1.27\nCOPY --from=build /app/dist /usr/share/nginx/html\n",
        ),
    ]);
    let w = &v["workloads"][0];
    assert!(w["links"].as_array().unwrap().is_empty(), "{w:#}");
    assert!(
        w["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| !f["rule"].as_str().unwrap().starts_with("WM7")),
        "{w:#}"
    );
}

/// A yarn.lock with merge-conflict markers is a diagnostic at its line, the packages around the
/// conflict are still read, and the scan goes on.
#[test]
fn a_broken_yarn_lock_is_a_note_at_its_line_and_the_rest_is_read() {
    let v = common::scan_files(&[
        (
            "package.json",
            "{\"name\": \"svc\", \"dependencies\": {\"express\": \"^4\"}}",
        ),
        (
            "yarn.lock",
            "# yarn lockfile v1\n\nexpress@^4:\n  version \"4.19.2\"\n<<<<<<< HEAD\nbcrypt@^5:\n  version \"5.1.1\"\n  dependencies:\n    node-addon-api \"^5\"\n=======\n>>>>>>> main\n",
        ),
        ("server.js", "require('express')().listen(3000);\n"),
        (
            "Dockerfile",
            "FROM node:20\nCOPY package.json yarn.lock ./\nRUN yarn install\nCOPY server.js ./\nCMD [\"node\", \"server.js\"]\n",
        ),
    ]);
    let notes: Vec<(String, Value)> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["file"].as_str().unwrap().to_string(), n["line"].clone()))
        .collect();
    assert!(
        notes.contains(&("yarn.lock".to_string(), Value::from(5))),
        "{:#}",
        v["notes"]
    );
    let w = &v["workloads"][0];
    assert_eq!(w["language"], "node", "{w:#}");
    // bcrypt sits inside the conflict and is still read: a transitive blocker at its lock line.
    let known: Vec<String> = findings(w, "WM701").iter().map(|f| at(f)).collect();
    assert_eq!(known, vec!["yarn.lock:6:1"], "{w:#}");
}

/// Without an install in the image (dependencies vendored), the start command links the package;
/// a global tool install (`npm install -g`) is not the package's install.
#[test]
fn the_start_command_links_a_package_without_an_install() {
    let v = common::scan_files(&[
        (
            "package.json",
            "{\"name\": \"plain\", \"main\": \"server.js\"}",
        ),
        (
            "server.js",
            "require('http').createServer((q, s) => s.end('ok')).listen(8080);\n",
        ),
        (
            "Dockerfile",
            "FROM node:20-alpine\nRUN npm install -g pm2\nCOPY . /srv\nWORKDIR /srv\nCMD [\"node\", \"server.js\"]\n",
        ),
    ]);
    let w = &v["workloads"][0];
    assert_eq!(w["verdict"], "portable", "{w:#}");
    assert_eq!(w["language"], "node");
    assert_eq!(
        links(w),
        vec!["Dockerfile:5 (the `CMD` running Node of Node package `plain` copied from `.`)"]
    );
    let listener = findings(w, "WM703");
    assert_eq!(listener.len(), 1, "{w:#}");
    assert_eq!(listener[0]["category"], "http-listener");
    assert_eq!(listener[0]["severity"], "note");
    assert_eq!(at(listener[0]), "server.js:1:1");
    let msg = findings(w, "WM704")[0]["message"].as_str().unwrap();
    assert!(msg.contains("`http.createServer`"), "{msg}");
}
