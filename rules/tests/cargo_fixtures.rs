//! End-to-end tests of the Cargo front-end over the mini repositories in `fixtures/cargo/`
//! (described in its README): each fixture is scanned on its own, like `rules/tests/fixtures.rs`
//! does, and the exact findings (rule, file, line, column, message and chain) are asserted, as
//! well as the absence of what must not fire.

use std::path::PathBuf;

use analyzer::Repo;
use wasm_migrate_rules::engine::{Options, run};
use wasm_migrate_rules::report::Report;

fn scan(name: &str) -> (Repo, Report) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/cargo")
        .join(name);
    let repo = analyzer::scan(&dir).unwrap_or_else(|e| panic!("scan {}: {e}", dir.display()));
    let report = run(
        &repo,
        &Options {
            root_display: "fixture".into(),
            ..Default::default()
        },
    );
    (repo, report)
}

/// One finding as asserted: workload, rule, `file:line:column`, message, chain joined by ` -> `
/// and the related locations (`file:line:column message`).
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Got {
    workload: String,
    rule: String,
    at: String,
    message: String,
    chain: String,
    related: Vec<String>,
}

fn got(report: &Report) -> Vec<Got> {
    let mut out: Vec<Got> = report
        .workloads
        .iter()
        .flat_map(|w| {
            w.findings.iter().map(|f| Got {
                workload: w.id.clone(),
                rule: f.rule.clone(),
                at: format!("{}:{}:{}", f.file, f.line, f.column),
                message: f.message.clone(),
                chain: f.chain.join(" -> "),
                related: f
                    .related
                    .iter()
                    .map(|r| format!("{}:{}:{} {}", r.file, r.line, r.column, r.message))
                    .collect(),
            })
        })
        .collect();
    out.sort();
    out
}

fn expect(
    workload: &str,
    rule: &str,
    at: &str,
    message: &str,
    chain: &[&str],
    related: &[&str],
) -> Got {
    Got {
        workload: workload.into(),
        rule: rule.into(),
        at: at.into(),
        message: message.into(),
        chain: chain.join(" -> "),
        related: related.iter().map(|s| s.to_string()).collect(),
    }
}

/// No finding of any workload names `needle` in its file, message or chain.
fn assert_absent(report: &Report, needle: &str) {
    for g in got(report) {
        assert!(
            !g.at.contains(needle) && !g.message.contains(needle) && !g.chain.contains(needle),
            "`{needle}` must not be reported: {g:?}"
        );
    }
}

const OPENSSL_SYS: &str = "which links the system OpenSSL C library, which has no wasm32-wasip2 build; this does not compile for wasm32-wasip2";
const REQWEST: &str = "has no wasm32-wasip2 backend: on wasm32 it compiles its browser backend, which needs JavaScript's fetch and fails at run time";
/// openssl-sys is also `sys-crate` (WM201): one piece of evidence, two categories.
const OPENSSL_SYS_C: &str = "which links the system OpenSSL C library (or builds it with `vendored`); OpenSSL has no WASI port, so a wasm C toolchain does not help; this does not compile for wasm32-wasip2";
const ZSTD_SYS: &str = "which builds zstd from C; zstd is plain C that builds for wasm32-wasi with a wasm C toolchain; this does not compile for wasm32-wasip2";

/// The same app with its Cargo.lock in formats v1, v2 and v3 gives the same findings with the
/// same chains; only the line of the Cargo.lock entry shown as related location differs.
#[test]
fn lockfile_formats_v1_v2_v3_give_the_same_findings() {
    for (name, version, openssl_sys_line, reqwest_line) in [
        ("lock-v1", 1, 37, 42),
        ("lock-v2", 2, 40, 46),
        ("lock-v3", 3, 41, 47),
    ] {
        let (repo, report) = scan(name);
        assert_eq!(repo.cargo.locks.len(), 1, "{name}");
        assert_eq!(repo.cargo.locks[0].version, version, "{name}: lock format");
        // Every dependency entry resolved, whatever its spelling.
        assert!(
            repo.cargo.locks[0]
                .packages
                .iter()
                .all(|p| p.unresolved == 0),
            "{name}: unresolved lock entries"
        );
        assert!(report.errors.is_empty(), "{name}: {:?}", report.errors);
        assert_eq!(
            got(&report),
            vec![
                expect(
                    "crate:app",
                    "WM201",
                    "Cargo.toml:13:1",
                    &format!(
                        "`hyper-tls` (default features) pulls in `openssl-sys`, {OPENSSL_SYS_C}"
                    ),
                    &[
                        "app",
                        "hyper-tls (default features)",
                        "native-tls",
                        "openssl",
                        "openssl-sys",
                    ],
                    &[&format!(
                        "Cargo.lock:{openssl_sys_line}:8 `openssl-sys 0.9.104` in Cargo.lock"
                    )],
                ),
                expect(
                    "crate:app",
                    "WM202",
                    "Cargo.toml:13:1",
                    &format!(
                        "`hyper-tls` (default features) pulls in `openssl-sys`, {OPENSSL_SYS}"
                    ),
                    &[
                        "app",
                        "hyper-tls (default features)",
                        "native-tls",
                        "openssl",
                        "openssl-sys",
                    ],
                    &[&format!(
                        "Cargo.lock:{openssl_sys_line}:8 `openssl-sys 0.9.104` in Cargo.lock"
                    )],
                ),
                expect(
                    "crate:app",
                    "WM212",
                    "Cargo.toml:12:1",
                    &format!("`reqwest` {REQWEST}"),
                    &["app", "reqwest (default features)"],
                    &[&format!(
                        "Cargo.lock:{reqwest_line}:8 `reqwest 0.12.9` in Cargo.lock"
                    )],
                ),
            ],
            "{name}"
        );
        // reqwest -> hyper-tls -> native-tls is in every lock, but reqwest declares that chain
        // only for non-wasm32 targets: no tls-native finding starts at the reqwest line.
        assert!(
            got(&report)
                .iter()
                .all(|g| !(g.rule == "WM202" && g.at == "Cargo.toml:12:1")),
            "{name}"
        );
    }
}

/// `members = ["crates/*"]` with `exclude = ["crates/experimental"]`: api and util are members,
/// experimental is not, and its OpenSSL dependency is reported nowhere (nor is it noted as a
/// package cargo would refuse to build).
#[test]
fn workspace_member_globs_honour_exclude() {
    let (repo, report) = scan("workspace-globs");
    let ws = repo
        .cargo
        .workspaces
        .iter()
        .find(|w| w.root.is_empty())
        .expect("the root workspace");
    let members: Vec<&str> = ws.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(members, ["api", "util"]);
    assert_eq!(
        got(&report),
        vec![expect(
            "crate:api",
            "WM201",
            "crates/api/Cargo.toml:9:1",
            &format!("`zstd` (default features) pulls in `zstd-sys`, {ZSTD_SYS}"),
            &["api", "zstd (default features)", "zstd-safe", "zstd-sys"],
            &["Cargo.lock:35:8 `zstd-sys 2.0.13+zstd.1.5.6` in Cargo.lock"],
        )]
    );
    assert_absent(&report, "experimental");
    assert_absent(&report, "openssl");
    let workloads: Vec<&str> = report.workloads.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(workloads, ["crate:api"]);
    // An excluded package is meant to stand alone: it is not "inside the workspace but not one
    // of its members".
    assert!(
        report.notes.is_empty(),
        "{:?}",
        report.notes.iter().map(|n| &n.message).collect::<Vec<_>>()
    );
}

/// Renamed dependencies (`key = { package = "real" }`, `[dependencies.key] package = "real"`):
/// findings name the real crate, point at the key that declares the rename, and chains follow
/// the real crate through the lock.
#[test]
fn renamed_dependencies_name_the_real_crate_at_the_renaming_line() {
    let (_, report) = scan("renamed");
    assert_eq!(
        got(&report),
        vec![
            // `tls = { package = "hyper-tls", ... }`
            expect(
                "crate:renamer",
                "WM201",
                "Cargo.toml:12:1",
                &format!("`hyper-tls` (default features) pulls in `openssl-sys`, {OPENSSL_SYS_C}"),
                &[
                    "renamer",
                    "hyper-tls (default features)",
                    "native-tls",
                    "openssl",
                    "openssl-sys",
                ],
                &["Cargo.lock:35:8 `openssl-sys 0.9.104` in Cargo.lock"],
            ),
            expect(
                "crate:renamer",
                "WM202",
                "Cargo.toml:12:1",
                &format!("`hyper-tls` (default features) pulls in `openssl-sys`, {OPENSSL_SYS}"),
                &[
                    "renamer",
                    "hyper-tls (default features)",
                    "native-tls",
                    "openssl",
                    "openssl-sys",
                ],
                &["Cargo.lock:35:8 `openssl-sys 0.9.104` in Cargo.lock"],
            ),
            // `[dependencies.db]`: the key inside the table header.
            expect(
                "crate:renamer",
                "WM210",
                "Cargo.toml:14:15",
                "`rusqlite` (default features) pulls in `libsqlite3-sys`, which compiles or links SQLite, a C library, and keeps state in a local database file; this does not compile for wasm32-wasip2",
                &["renamer", "rusqlite (default features)", "libsqlite3-sys"],
                &["Cargo.lock:14:8 `libsqlite3-sys 0.30.1` in Cargo.lock"],
            ),
            // `http = { package = "reqwest", ... }`
            expect(
                "crate:renamer",
                "WM212",
                "Cargo.toml:11:1",
                &format!("`reqwest` {REQWEST}"),
                &["renamer", "reqwest (default features)"],
                &["Cargo.lock:49:8 `reqwest 0.12.9` in Cargo.lock"],
            ),
        ]
    );
    // The aliases are never taken for crate names.
    for alias in ["`http`", "`tls`", "`db`"] {
        assert_absent(&report, alias);
    }
}

/// Target tables are evaluated for wasm32-wasip2 (analyzer/src/cargo/cfg.rs): `cfg(windows)`
/// and `cfg(unix)` are false, `cfg(target_os = "wasi")` is true; dev-dependencies never count.
#[test]
fn target_specific_and_dev_dependencies_follow_the_wasi_target() {
    let (_, report) = scan("target-specific");
    assert_eq!(
        got(&report),
        vec![expect(
            "crate:targets",
            "WM201",
            "Cargo.toml:19:1",
            &format!("`zstd` (default features) pulls in `zstd-sys`, {ZSTD_SYS}"),
            &[
                "targets",
                "zstd (default features)",
                "zstd-safe",
                "zstd-sys"
            ],
            &["Cargo.lock:64:8 `zstd-sys 2.0.13+zstd.1.5.6` in Cargo.lock"],
        )]
    );
    // cfg(windows): windows-sys; cfg(unix): openssl (WASI is not unix); dev: rusqlite.
    for absent in ["windows-sys", "openssl", "rusqlite", "libsqlite3-sys"] {
        assert_absent(&report, absent);
    }
    assert!(
        got(&report)
            .iter()
            .all(|g| !["WM202", "WM210"].contains(&g.rule.as_str()))
    );
}

/// `--cargo-metadata`: cargo's resolved graph decides what the static model cannot. Statically,
/// `acme-client` (no feature data) keeps every locked edge, so its optional openssl is reported;
/// with a graph where cargo left that edge off, it is not, and cargo's features are used.
#[test]
fn a_cargo_metadata_graph_replaces_the_static_feature_resolution() {
    use analyzer::cargo::metadata::{ResolvedGraph, ResolvedPackage};

    let (mut repo, report) = scan("metadata-graph");
    let chain = [
        "gateway",
        "acme-client (default-features = false, rustls)",
        "openssl",
        "openssl-sys",
    ];
    let static_finding = expect(
        "crate:gateway",
        "WM202",
        "Cargo.toml:11:1",
        &format!(
            "`acme-client` (default-features = false, rustls) pulls in `openssl-sys`, {OPENSSL_SYS}"
        ),
        &chain,
        &["Cargo.lock:30:8 `openssl-sys 0.9.104` in Cargo.lock"],
    );
    let static_sys = expect(
        "crate:gateway",
        "WM201",
        "Cargo.toml:11:1",
        &format!(
            "`acme-client` (default-features = false, rustls) pulls in `openssl-sys`, {OPENSSL_SYS_C}"
        ),
        &chain,
        &["Cargo.lock:30:8 `openssl-sys 0.9.104` in Cargo.lock"],
    );
    assert_eq!(got(&report), vec![static_sys, static_finding]);

    let graph = |acme_deps: &[&str]| {
        let pkg = |features: &[&str], deps: &[&str]| ResolvedPackage {
            features: features.iter().map(|s| s.to_string()).collect(),
            deps: deps.iter().map(|s| s.to_string()).collect(),
        };
        let mut g = ResolvedGraph::default();
        for (name, version, p) in [
            ("gateway", "0.1.0", pkg(&[], &["acme-client"])),
            ("acme-client", "1.4.2", pkg(&["rustls"], acme_deps)),
            ("rustls", "0.23.19", pkg(&["std"], &[])),
            ("openssl", "0.10.68", pkg(&[], &["openssl-sys"])),
            ("openssl-sys", "0.9.104", pkg(&[], &[])),
        ] {
            g.packages.insert((name.into(), version.into()), p);
        }
        g
    };
    let rerun = |repo: &Repo| {
        run(
            repo,
            &Options {
                root_display: "fixture".into(),
                ..Default::default()
            },
        )
    };

    // cargo: the `rustls` feature does not turn openssl on.
    repo.cargo.resolved.insert((0, 0), graph(&["rustls"]));
    let report = rerun(&repo);
    assert_eq!(got(&report), vec![]);
    assert_absent(&report, "openssl");

    // cargo: it does (a feature the static model could not see); the same finding as before.
    repo.cargo
        .resolved
        .insert((0, 0), graph(&["rustls", "openssl"]));
    let report = rerun(&repo);
    assert_eq!(got(&report).len(), 2);
    assert!(got(&report).iter().all(|g| g.chain == chain.join(" -> ")));
}
