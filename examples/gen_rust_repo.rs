//! Generate a synthetic Cargo workspace for the Rust-depth benchmark:
//! `cargo run --release --example gen_rust_repo -- OUT [LOCK_PACKAGES] [RUST_LINES] [MEMBERS]`
//! (defaults 500, 100000, 25).
//!
//! The workspace has MEMBERS binary packages, one `Cargo.lock` of at least LOCK_PACKAGES entries
//! (real crate names with plausible versions and dependency edges, so the knowledge-driven rules
//! walk real chains such as `reqwest -> hyper-tls -> native-tls -> openssl -> openssl-sys`, padded
//! with synthetic registry crates that depend on each other), and at least RUST_LINES lines of
//! Rust spread over many files, some of which use `std::net::TcpStream`, `std::thread::spawn`,
//! `std::process::Command`, `UdpSocket`, `std::fs::write` and `#[tokio::main]` so every
//! source rule has something to find. Nothing here is built or run; it only has to be scanned.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Real crates with a plausible version and their dependencies (by name, all listed here).
/// Chains the rules know about are spelled out; the rest are realistic leaves.
const REAL: &[(&str, &str, &[&str])] = &[
    (
        "tokio",
        "1.41.1",
        &[
            "bytes",
            "libc",
            "mio",
            "pin-project-lite",
            "socket2",
            "tokio-macros",
            "parking_lot",
            "signal-hook-registry",
        ],
    ),
    ("tokio-macros", "2.4.0", &["proc-macro2", "quote", "syn"]),
    ("mio", "1.0.2", &["libc", "log"]),
    ("socket2", "0.5.7", &["libc"]),
    ("bytes", "1.8.0", &[]),
    ("libc", "0.2.164", &[]),
    ("pin-project-lite", "0.2.15", &[]),
    ("parking_lot", "0.12.3", &["lock_api", "parking_lot_core"]),
    (
        "parking_lot_core",
        "0.9.10",
        &["cfg-if", "libc", "smallvec"],
    ),
    ("lock_api", "0.4.12", &["scopeguard"]),
    ("scopeguard", "1.2.0", &[]),
    ("signal-hook-registry", "1.4.2", &["libc"]),
    ("smallvec", "1.13.2", &[]),
    ("cfg-if", "1.0.0", &[]),
    ("log", "0.4.22", &[]),
    ("proc-macro2", "1.0.92", &["unicode-ident"]),
    ("quote", "1.0.37", &["proc-macro2"]),
    ("syn", "2.0.89", &["proc-macro2", "quote", "unicode-ident"]),
    ("unicode-ident", "1.0.14", &[]),
    (
        "reqwest",
        "0.12.9",
        &[
            "base64",
            "bytes",
            "futures-core",
            "http",
            "http-body",
            "hyper",
            "hyper-tls",
            "hyper-util",
            "native-tls",
            "serde",
            "serde_json",
            "tokio",
            "tokio-native-tls",
            "url",
            "encoding_rs",
            "mime",
        ],
    ),
    (
        "hyper",
        "1.5.1",
        &[
            "bytes",
            "futures-channel",
            "http",
            "http-body",
            "httparse",
            "itoa",
            "pin-project-lite",
            "tokio",
            "want",
            "h2",
        ],
    ),
    (
        "hyper-tls",
        "0.6.0",
        &[
            "bytes",
            "hyper",
            "hyper-util",
            "native-tls",
            "tokio",
            "tokio-native-tls",
        ],
    ),
    (
        "hyper-util",
        "0.1.10",
        &[
            "bytes",
            "futures-util",
            "http",
            "hyper",
            "pin-project-lite",
            "socket2",
            "tokio",
            "tower-service",
            "tracing",
        ],
    ),
    (
        "h2",
        "0.4.7",
        &[
            "bytes",
            "fnv",
            "futures-core",
            "http",
            "indexmap",
            "slab",
            "tokio",
            "tokio-util",
            "tracing",
        ],
    ),
    (
        "native-tls",
        "0.2.12",
        &[
            "log",
            "openssl",
            "openssl-probe",
            "openssl-sys",
            "schannel",
            "security-framework",
            "tempfile",
        ],
    ),
    ("tokio-native-tls", "0.3.1", &["native-tls", "tokio"]),
    (
        "openssl",
        "0.10.68",
        &[
            "bitflags",
            "cfg-if",
            "foreign-types",
            "libc",
            "once_cell",
            "openssl-macros",
            "openssl-sys",
        ],
    ),
    (
        "openssl-sys",
        "0.9.104",
        &["cc", "libc", "pkg-config", "vcpkg"],
    ),
    ("openssl-macros", "0.1.1", &["proc-macro2", "quote", "syn"]),
    ("openssl-probe", "0.1.5", &[]),
    ("schannel", "0.1.27", &["windows-sys"]),
    (
        "security-framework",
        "2.11.1",
        &[
            "bitflags",
            "core-foundation",
            "libc",
            "security-framework-sys",
        ],
    ),
    (
        "security-framework-sys",
        "2.12.1",
        &["core-foundation-sys", "libc"],
    ),
    ("core-foundation", "0.9.4", &["core-foundation-sys", "libc"]),
    ("core-foundation-sys", "0.8.7", &[]),
    ("windows-sys", "0.52.0", &["windows-targets"]),
    ("windows-targets", "0.52.6", &[]),
    ("foreign-types", "0.3.2", &["foreign-types-shared"]),
    ("foreign-types-shared", "0.1.1", &[]),
    (
        "tempfile",
        "3.14.0",
        &["cfg-if", "fastrand", "once_cell", "rustix", "windows-sys"],
    ),
    ("fastrand", "2.2.0", &[]),
    (
        "rustix",
        "0.38.41",
        &["bitflags", "errno", "libc", "linux-raw-sys", "windows-sys"],
    ),
    ("errno", "0.3.9", &["libc", "windows-sys"]),
    ("linux-raw-sys", "0.4.14", &[]),
    ("cc", "1.2.1", &["shlex"]),
    ("shlex", "1.3.0", &[]),
    ("pkg-config", "0.3.31", &[]),
    ("vcpkg", "0.2.15", &[]),
    ("bitflags", "2.6.0", &[]),
    ("once_cell", "1.20.2", &[]),
    ("base64", "0.22.1", &[]),
    ("http", "1.1.0", &["bytes", "fnv", "itoa"]),
    ("http-body", "1.0.1", &["bytes", "http"]),
    ("httparse", "1.9.5", &[]),
    ("itoa", "1.0.13", &[]),
    ("want", "0.3.1", &["try-lock"]),
    ("try-lock", "0.2.5", &[]),
    ("fnv", "1.0.7", &[]),
    ("indexmap", "2.6.0", &["equivalent", "hashbrown"]),
    ("equivalent", "1.0.1", &[]),
    ("hashbrown", "0.15.2", &[]),
    ("slab", "0.4.9", &["autocfg"]),
    ("autocfg", "1.4.0", &[]),
    (
        "tokio-util",
        "0.7.12",
        &[
            "bytes",
            "futures-core",
            "futures-sink",
            "pin-project-lite",
            "tokio",
        ],
    ),
    (
        "tracing",
        "0.1.40",
        &[
            "log",
            "pin-project-lite",
            "tracing-attributes",
            "tracing-core",
        ],
    ),
    (
        "tracing-attributes",
        "0.1.27",
        &["proc-macro2", "quote", "syn"],
    ),
    ("tracing-core", "0.1.32", &["once_cell"]),
    (
        "tracing-subscriber",
        "0.3.18",
        &[
            "nu-ansi-term",
            "sharded-slab",
            "smallvec",
            "thread_local",
            "tracing-core",
            "tracing-log",
        ],
    ),
    (
        "tracing-log",
        "0.2.0",
        &["log", "once_cell", "tracing-core"],
    ),
    ("nu-ansi-term", "0.46.0", &["overload", "winapi"]),
    ("overload", "0.1.1", &[]),
    ("winapi", "0.3.9", &[]),
    ("sharded-slab", "0.1.7", &["lazy_static"]),
    ("lazy_static", "1.5.0", &[]),
    ("thread_local", "1.1.8", &["cfg-if", "once_cell"]),
    ("tower-service", "0.3.3", &[]),
    (
        "tower",
        "0.5.1",
        &[
            "futures-core",
            "futures-util",
            "pin-project-lite",
            "sync_wrapper",
            "tokio",
            "tower-layer",
            "tower-service",
            "tracing",
        ],
    ),
    ("tower-layer", "0.3.3", &[]),
    ("sync_wrapper", "1.0.2", &[]),
    (
        "axum",
        "0.7.9",
        &[
            "async-trait",
            "axum-core",
            "bytes",
            "futures-util",
            "http",
            "http-body",
            "hyper",
            "hyper-util",
            "itoa",
            "matchit",
            "memchr",
            "mime",
            "percent-encoding",
            "serde",
            "serde_json",
            "serde_urlencoded",
            "tokio",
            "tower",
            "tower-layer",
            "tower-service",
            "tracing",
        ],
    ),
    (
        "axum-core",
        "0.4.5",
        &[
            "async-trait",
            "bytes",
            "futures-util",
            "http",
            "http-body",
            "mime",
            "tower-layer",
            "tower-service",
        ],
    ),
    ("async-trait", "0.1.83", &["proc-macro2", "quote", "syn"]),
    ("matchit", "0.7.3", &[]),
    ("memchr", "2.7.4", &[]),
    ("mime", "0.3.17", &[]),
    ("percent-encoding", "2.3.1", &[]),
    ("serde", "1.0.215", &["serde_derive"]),
    ("serde_derive", "1.0.215", &["proc-macro2", "quote", "syn"]),
    ("serde_json", "1.0.133", &["itoa", "memchr", "ryu", "serde"]),
    (
        "serde_urlencoded",
        "0.7.1",
        &["form_urlencoded", "itoa", "ryu", "serde"],
    ),
    ("form_urlencoded", "1.2.1", &["percent-encoding"]),
    ("ryu", "1.0.18", &[]),
    (
        "url",
        "2.5.4",
        &["form_urlencoded", "idna", "percent-encoding"],
    ),
    ("idna", "1.0.3", &["idna_adapter", "smallvec", "utf8_iter"]),
    ("idna_adapter", "1.2.0", &[]),
    ("utf8_iter", "1.0.4", &[]),
    ("encoding_rs", "0.8.35", &["cfg-if"]),
    (
        "futures",
        "0.3.31",
        &[
            "futures-channel",
            "futures-core",
            "futures-executor",
            "futures-io",
            "futures-sink",
            "futures-task",
            "futures-util",
        ],
    ),
    (
        "futures-channel",
        "0.3.31",
        &["futures-core", "futures-sink"],
    ),
    ("futures-core", "0.3.31", &[]),
    (
        "futures-executor",
        "0.3.31",
        &["futures-core", "futures-task", "futures-util"],
    ),
    ("futures-io", "0.3.31", &[]),
    ("futures-sink", "0.3.31", &[]),
    ("futures-task", "0.3.31", &[]),
    (
        "futures-util",
        "0.3.31",
        &[
            "futures-channel",
            "futures-core",
            "futures-io",
            "futures-macro",
            "futures-sink",
            "futures-task",
            "memchr",
            "pin-project-lite",
            "pin-utils",
            "slab",
        ],
    ),
    ("futures-macro", "0.3.31", &["proc-macro2", "quote", "syn"]),
    ("pin-utils", "0.1.0", &[]),
    ("anyhow", "1.0.93", &[]),
    ("thiserror", "2.0.3", &["thiserror-impl"]),
    ("thiserror-impl", "2.0.3", &["proc-macro2", "quote", "syn"]),
    ("clap", "4.5.21", &["clap_builder", "clap_derive"]),
    (
        "clap_builder",
        "4.5.21",
        &["anstream", "anstyle", "clap_lex", "strsim"],
    ),
    (
        "clap_derive",
        "4.5.18",
        &["heck", "proc-macro2", "quote", "syn"],
    ),
    ("clap_lex", "0.7.3", &[]),
    (
        "anstream",
        "0.6.18",
        &[
            "anstyle",
            "anstyle-parse",
            "anstyle-query",
            "colorchoice",
            "utf8parse",
        ],
    ),
    ("anstyle", "1.0.10", &[]),
    ("anstyle-parse", "0.2.6", &["utf8parse"]),
    ("anstyle-query", "1.1.2", &["windows-sys"]),
    ("colorchoice", "1.0.3", &[]),
    ("utf8parse", "0.2.2", &[]),
    ("strsim", "0.11.1", &[]),
    ("heck", "0.5.0", &[]),
    (
        "rusqlite",
        "0.32.1",
        &[
            "bitflags",
            "fallible-iterator",
            "fallible-streaming-iterator",
            "hashlink",
            "libsqlite3-sys",
            "smallvec",
        ],
    ),
    ("libsqlite3-sys", "0.30.1", &["cc", "pkg-config", "vcpkg"]),
    ("fallible-iterator", "0.3.0", &[]),
    ("fallible-streaming-iterator", "0.1.9", &[]),
    ("hashlink", "0.9.1", &["hashbrown"]),
    (
        "redis",
        "0.27.5",
        &[
            "bytes",
            "combine",
            "futures-util",
            "itoa",
            "percent-encoding",
            "pin-project-lite",
            "ryu",
            "sha1_smol",
            "socket2",
            "tokio",
            "tokio-util",
            "url",
        ],
    ),
    ("combine", "4.6.7", &["bytes", "memchr"]),
    ("sha1_smol", "1.0.1", &[]),
    ("rand", "0.8.5", &["libc", "rand_chacha", "rand_core"]),
    ("rand_chacha", "0.3.1", &["ppv-lite86", "rand_core"]),
    ("rand_core", "0.6.4", &["getrandom"]),
    ("ppv-lite86", "0.2.20", &["zerocopy"]),
    ("zerocopy", "0.7.35", &[]),
    ("getrandom", "0.2.15", &["cfg-if", "libc", "wasi"]),
    ("wasi", "0.11.0+wasi-snapshot-preview1", &[]),
    ("chrono", "0.4.38", &["num-traits", "serde"]),
    ("num-traits", "0.2.19", &["autocfg"]),
    ("uuid", "1.11.0", &["getrandom", "serde"]),
    (
        "regex",
        "1.11.1",
        &["aho-corasick", "memchr", "regex-automata", "regex-syntax"],
    ),
    (
        "regex-automata",
        "0.4.9",
        &["aho-corasick", "memchr", "regex-syntax"],
    ),
    ("regex-syntax", "0.8.5", &[]),
    ("aho-corasick", "1.1.3", &["memchr"]),
    ("rayon", "1.10.0", &["either", "rayon-core"]),
    (
        "rayon-core",
        "1.12.1",
        &["crossbeam-deque", "crossbeam-utils"],
    ),
    (
        "crossbeam-deque",
        "0.8.5",
        &["crossbeam-epoch", "crossbeam-utils"],
    ),
    ("crossbeam-epoch", "0.9.18", &["crossbeam-utils"]),
    ("crossbeam-utils", "0.8.20", &[]),
    ("either", "1.13.0", &[]),
    ("prost", "0.13.3", &["bytes", "prost-derive"]),
    (
        "prost-derive",
        "0.13.3",
        &["anyhow", "itertools", "proc-macro2", "quote", "syn"],
    ),
    ("itertools", "0.13.0", &["either"]),
    (
        "toml",
        "0.8.19",
        &["serde", "serde_spanned", "toml_datetime", "toml_edit"],
    ),
    ("serde_spanned", "0.6.8", &["serde"]),
    ("toml_datetime", "0.6.8", &["serde"]),
    (
        "toml_edit",
        "0.22.22",
        &[
            "indexmap",
            "serde",
            "serde_spanned",
            "toml_datetime",
            "winnow",
        ],
    ),
    ("winnow", "0.6.20", &["memchr"]),
    ("sha2", "0.10.8", &["cfg-if", "cpufeatures", "digest"]),
    ("digest", "0.10.7", &["block-buffer", "crypto-common"]),
    ("block-buffer", "0.10.4", &["generic-array"]),
    ("crypto-common", "0.1.6", &["generic-array", "typenum"]),
    ("generic-array", "0.14.7", &["typenum", "version_check"]),
    ("typenum", "1.17.0", &[]),
    ("version_check", "0.9.5", &[]),
    ("cpufeatures", "0.2.16", &["libc"]),
    ("hex", "0.4.3", &[]),
    ("bincode", "1.3.3", &["serde"]),
    (
        "dashmap",
        "6.1.0",
        &[
            "cfg-if",
            "crossbeam-utils",
            "hashbrown",
            "lock_api",
            "once_cell",
            "parking_lot_core",
        ],
    ),
    (
        "notify",
        "7.0.0",
        &["bitflags", "inotify", "libc", "log", "mio", "walkdir"],
    ),
    ("inotify", "0.10.2", &["bitflags", "inotify-sys", "libc"]),
    ("inotify-sys", "0.1.5", &["libc"]),
    ("walkdir", "2.5.0", &["same-file"]),
    ("same-file", "1.0.6", &[]),
    (
        "ring",
        "0.17.8",
        &["cc", "cfg-if", "getrandom", "libc", "spin", "untrusted"],
    ),
    ("spin", "0.9.8", &[]),
    ("untrusted", "0.9.0", &[]),
];

/// Synthetic registry crates pad the lock to the requested size: `<a>-<b>` names.
const WORDS_A: &[&str] = &[
    "fast", "tiny", "async", "lite", "micro", "smart", "quick", "simple", "core", "pure", "safe",
    "lazy", "zero", "flex", "mini", "nano", "hyper", "ultra", "proto", "meta",
];
const WORDS_B: &[&str] = &[
    "cache",
    "config",
    "codec",
    "queue",
    "pool",
    "retry",
    "metrics",
    "trace",
    "hash",
    "buffer",
    "stream",
    "parser",
    "router",
    "limiter",
    "store",
    "shard",
    "graph",
    "ring-buffer",
    "clock",
    "id",
    "semver",
    "glob",
    "table",
    "index",
    "diff",
];

struct Pkg {
    name: String,
    version: String,
    deps: Vec<String>,
    /// Workspace members have no `source`.
    member: bool,
}

/// What each member depends on directly, picked by member number; every member gets serde and
/// anyhow, and the rest rotate so that the Cargo rules (sys crates, native TLS, multi-thread
/// runtime, embedded databases, raw sockets) each fire somewhere.
fn member_deps(m: usize) -> Vec<(&'static str, &'static str)> {
    let mut d = vec![
        ("serde", r#"{ version = "1", features = ["derive"] }"#),
        ("anyhow", r#""1""#),
        ("tracing", r#""0.1""#),
    ];
    let extra: &[(&str, &str)] = match m % 6 {
        0 => &[
            ("tokio", r#"{ version = "1", features = ["full"] }"#),
            ("reqwest", r#"{ version = "0.12", features = ["json"] }"#),
            ("serde_json", r#""1""#),
        ],
        1 => &[
            ("axum", r#""0.7""#),
            (
                "tokio",
                r#"{ version = "1", features = ["rt-multi-thread", "macros", "net"] }"#,
            ),
            (
                "redis",
                r#"{ version = "0.27", features = ["tokio-comp"] }"#,
            ),
        ],
        2 => &[
            (
                "rusqlite",
                r#"{ version = "0.32", features = ["bundled"] }"#,
            ),
            ("clap", r#"{ version = "4", features = ["derive"] }"#),
        ],
        3 => &[
            ("openssl", r#""0.10""#),
            ("chrono", r#""0.4""#),
            ("uuid", r#"{ version = "1", features = ["v4"] }"#),
        ],
        4 => &[
            ("rayon", r#""1""#),
            ("regex", r#""1""#),
            ("notify", r#""7""#),
        ],
        _ => &[
            ("ring", r#""0.17""#),
            ("sha2", r#""0.10""#),
            ("toml", r#""0.8""#),
            ("prost", r#""0.13""#),
        ],
    };
    d.extend_from_slice(extra);
    d
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next() else {
        eprintln!("usage: gen_rust_repo OUT_DIR [LOCK_PACKAGES] [RUST_LINES] [MEMBERS]");
        std::process::exit(2);
    };
    let num = |a: Option<String>, d: usize| a.and_then(|s| s.parse().ok()).unwrap_or(d);
    let lock_packages = num(args.next(), 500);
    let rust_lines = num(args.next(), 100_000);
    let members = num(args.next(), 25).max(1);
    let out = PathBuf::from(out);
    std::fs::create_dir_all(&out)?;

    let mut pkgs: Vec<Pkg> = REAL
        .iter()
        .map(|(n, v, d)| Pkg {
            name: n.to_string(),
            version: v.to_string(),
            deps: d.iter().map(|s| s.to_string()).collect(),
            member: false,
        })
        .collect();
    // Pad with synthetic crates; each depends on a few earlier ones (a DAG, like a real lock).
    let mut i = 0usize;
    while pkgs.len() + members < lock_packages {
        let a = WORDS_A[i % WORDS_A.len()];
        let b = WORDS_B[(i / WORDS_A.len()) % WORDS_B.len()];
        let round = i / (WORDS_A.len() * WORDS_B.len());
        let name = if round == 0 {
            format!("{a}-{b}")
        } else {
            format!("{a}-{b}{round}")
        };
        let n = pkgs.len();
        let deps = (0..i % 5)
            .map(|k| pkgs[(i * 31 + k * 17) % n].name.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        pkgs.push(Pkg {
            name,
            version: format!("{}.{}.{}", i % 3, (i * 7) % 20, (i * 13) % 9),
            deps,
            member: false,
        });
        i += 1;
    }
    let synthetic: Vec<String> = pkgs[REAL.len()..].iter().map(|p| p.name.clone()).collect();

    // The workspace and its members.
    let mut ws = String::from("[workspace]\nresolver = \"2\"\nmembers = [\"crates/*\"]\n");
    ws.push_str("\n[workspace.package]\nedition = \"2021\"\nversion = \"0.1.0\"\n");
    std::fs::write(out.join("Cargo.toml"), ws)?;
    let files_per_member = (rust_lines / LINES_PER_FILE).div_ceil(members).max(1);
    let mut total_lines = 0usize;
    let mut total_files = 0usize;
    for m in 0..members {
        let name = format!("svc-{m:02}");
        let dir = out.join("crates").join(&name);
        std::fs::create_dir_all(dir.join("src"))?;
        let deps = member_deps(m);
        let mut manifest = format!(
            "[package]\nname = \"{name}\"\nversion.workspace = true\nedition.workspace = true\n\n[[bin]]\nname = \"{name}\"\npath = \"src/main.rs\"\n\n[dependencies]\n"
        );
        let mut lock_deps: Vec<String> = Vec::new();
        for (d, spec) in &deps {
            let _ = writeln!(manifest, "{d} = {spec}");
            lock_deps.push(d.to_string());
        }
        // Two synthetic registry crates per member, so the padded part of the lock is reachable.
        for k in 0..2 {
            if synthetic.is_empty() {
                break;
            }
            let s = &synthetic[(m * 2 + k) * 7 % synthetic.len()];
            if !lock_deps.contains(s) {
                let _ = writeln!(manifest, "{s} = \"*\"");
                lock_deps.push(s.clone());
            }
        }
        std::fs::write(dir.join("Cargo.toml"), manifest)?;
        lock_deps.sort();
        pkgs.push(Pkg {
            name: name.clone(),
            version: "0.1.0".into(),
            deps: lock_deps,
            member: true,
        });

        let mut main = format!("//! Entry point of `{name}` (synthetic benchmark service).\n\n");
        for f in 0..files_per_member {
            let _ = writeln!(main, "mod m{f:03};");
        }
        main.push_str(&main_body(m));
        total_lines += main.lines().count();
        std::fs::write(dir.join("src/main.rs"), main)?;
        for f in 0..files_per_member {
            let text = module(m, f);
            total_lines += text.lines().count();
            total_files += 1;
            write(&dir.join(format!("src/m{f:03}.rs")), &text)?;
        }
        total_files += 1;
    }

    pkgs.sort_by(|a, b| a.name.cmp(&b.name));
    let mut lock = String::from(
        "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 4\n",
    );
    for p in &pkgs {
        let _ = write!(
            lock,
            "\n[[package]]\nname = \"{}\"\nversion = \"{}\"\n",
            p.name, p.version
        );
        if !p.member {
            lock.push_str("source = \"registry+https://github.com/rust-lang/crates.io-index\"\n");
            let _ = writeln!(
                lock,
                "checksum = \"{:064x}\"",
                fnv(&p.name) as u128 * 0x9e37_79b9_7f4a_7c15
            );
        }
        if !p.deps.is_empty() {
            lock.push_str("dependencies = [\n");
            for d in &p.deps {
                let _ = writeln!(lock, " \"{d}\",");
            }
            lock.push_str("]\n");
        }
    }
    std::fs::write(out.join("Cargo.lock"), lock)?;
    eprintln!(
        "wrote {members} members, {total_files} .rs files, {total_lines} lines of Rust, {} lock packages under {}",
        pkgs.len(),
        out.display()
    );
    Ok(())
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// Approximate lines of one generated module; used to size the tree.
const LINES_PER_FILE: usize = 200;

fn main_body(m: usize) -> String {
    if m.is_multiple_of(2) {
        format!(
            "\n#[tokio::main]\nasync fn main() -> anyhow::Result<()> {{\n    let port: u16 = std::env::var(\"PORT\").ok().and_then(|p| p.parse().ok()).unwrap_or(8080);\n    tracing::info!(port, \"starting svc-{m:02}\");\n    let total = m000::run_batch(&m000::sample(64));\n    println!(\"{{total}}\");\n    Ok(())\n}}\n"
        )
    } else {
        format!(
            "\nfn main() {{\n    let workers: Vec<_> = (0..4)\n        .map(|i| std::thread::spawn(move || m000::run_batch(&m000::sample(16 * i))))\n        .collect();\n    let sum: u64 = workers.into_iter().map(|w| w.join().unwrap_or(0)).sum();\n    println!(\"svc-{m:02}: {{sum}}\");\n}}\n"
        )
    }
}

/// One module of about [`LINES_PER_FILE`] lines: data types, impls, a state machine and loops,
/// with a system-interface call in some modules.
fn module(m: usize, f: usize) -> String {
    let mut s = format!(
        "//! Module {f} of svc-{m:02}: records, their state machine and batch processing.\n\nuse std::collections::{{BTreeMap, HashMap}};\nuse std::fmt;\n"
    );
    let special = (m * 7 + f) % 10;
    match special {
        0 => s.push_str("use std::io::Write;\nuse std::net::TcpStream;\n"),
        1 => s.push_str("use std::net::UdpSocket;\n"),
        2 => s.push_str("use std::process::Command;\n"),
        _ => {}
    }
    let _ = write!(
        s,
        r#"
/// A record handled by this module.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {{
    pub id: u64,
    pub name: String,
    pub tags: Vec<String>,
    pub weight: f64,
    pub state: State,
}}

/// Where a record is in its life.
#[derive(Debug, Clone, PartialEq)]
pub enum State {{
    New,
    Queued {{ position: usize }},
    Running(u32),
    Done {{ code: i32, note: Option<String> }},
    Failed(String),
}}

impl fmt::Display for State {{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{
        match self {{
            State::New => write!(f, "new"),
            State::Queued {{ position }} => write!(f, "queued at {{position}}"),
            State::Running(n) => write!(f, "running ({{n}})"),
            State::Done {{ code, note }} => match note {{
                Some(n) => write!(f, "done {{code}}: {{n}}"),
                None => write!(f, "done {{code}}"),
            }},
            State::Failed(why) => write!(f, "failed: {{why}}"),
        }}
    }}
}}

impl Record {{
    pub fn new(id: u64, name: &str) -> Self {{
        Record {{
            id,
            name: name.to_string(),
            tags: Vec::new(),
            weight: 1.0,
            state: State::New,
        }}
    }}

    pub fn with_tag(mut self, tag: &str) -> Self {{
        if !self.tags.iter().any(|t| t == tag) {{
            self.tags.push(tag.to_string());
        }}
        self
    }}

    pub fn advance(&mut self) -> bool {{
        self.state = match std::mem::replace(&mut self.state, State::New) {{
            State::New => State::Queued {{ position: (self.id % 17) as usize }},
            State::Queued {{ position }} if position == 0 => State::Running(1),
            State::Queued {{ position }} => State::Queued {{ position: position - 1 }},
            State::Running(n) if n >= 3 => State::Done {{ code: 0, note: None }},
            State::Running(n) => State::Running(n + 1),
            done @ (State::Done {{ .. }} | State::Failed(_)) => {{
                self.state = done;
                return false;
            }}
        }};
        true
    }}

    pub fn score(&self) -> f64 {{
        let base = self.weight * (self.tags.len() as f64 + 1.0);
        match &self.state {{
            State::Done {{ code: 0, .. }} => base * 2.0,
            State::Done {{ .. }} | State::Failed(_) => 0.0,
            _ => base,
        }}
    }}
}}

/// Sample records for tests and warm-up.
pub fn sample(n: usize) -> Vec<Record> {{
    (0..n as u64)
        .map(|i| Record::new(i, &format!("item-{{i}}")).with_tag(if i % 2 == 0 {{ "even" }} else {{ "odd" }}))
        .collect()
}}

/// Run every record to completion and sum the scores.
pub fn run_batch(records: &[Record]) -> u64 {{
    let mut work: Vec<Record> = records.to_vec();
    let mut rounds = 0;
    while work.iter_mut().map(|r| r.advance()).any(|moved| moved) {{
        rounds += 1;
        if rounds > 64 {{
            break;
        }}
    }}
    work.iter().map(|r| r.score() as u64).sum()
}}

/// Group records by their first tag.
pub fn by_tag(records: &[Record]) -> BTreeMap<String, Vec<u64>> {{
    let mut out: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for r in records {{
        let key = r.tags.first().cloned().unwrap_or_else(|| "untagged".into());
        out.entry(key).or_default().push(r.id);
    }}
    for ids in out.values_mut() {{
        ids.sort_unstable();
        ids.dedup();
    }}
    out
}}

/// Count words across record names.
pub fn word_counts(records: &[Record]) -> HashMap<&str, usize> {{
    let mut counts = HashMap::new();
    for r in records {{
        for w in r.name.split(|c: char| !c.is_alphanumeric()) {{
            if w.is_empty() {{
                continue;
            }}
            *counts.entry(w).or_insert(0) += 1;
        }}
    }}
    counts
}}

/// Parse `id=name;tag,tag` lines, skipping bad ones.
pub fn parse_lines(text: &str) -> Vec<Record> {{
    text.lines()
        .filter_map(|line| {{
            let (id, rest) = line.split_once('=')?;
            let id: u64 = id.trim().parse().ok()?;
            let (name, tags) = rest.split_once(';').unwrap_or((rest, ""));
            let mut r = Record::new(id, name.trim());
            for t in tags.split(',').map(str::trim).filter(|t| !t.is_empty()) {{
                r = r.with_tag(t);
            }}
            Some(r)
        }})
        .collect()
}}
"#
    );
    match special {
        0 => s.push_str(
            "\n/// Report a batch to the collector over plain TCP.\npub fn report(total: u64) -> std::io::Result<()> {\n    let mut conn = TcpStream::connect(\"collector:7000\")?;\n    writeln!(conn, \"total {total}\")?;\n    Ok(())\n}\n",
        ),
        1 => s.push_str(
            "\n/// Send a statsd gauge.\npub fn gauge(name: &str, v: u64) -> std::io::Result<()> {\n    let sock = UdpSocket::bind(\"0.0.0.0:0\")?;\n    sock.send_to(format!(\"{name}:{v}|g\").as_bytes(), \"statsd:8125\")?;\n    Ok(())\n}\n",
        ),
        2 => s.push_str(
            "\n/// Ask git for the revision this build runs.\npub fn revision() -> Option<String> {\n    let out = Command::new(\"git\").args([\"rev-parse\", \"HEAD\"]).output().ok()?;\n    String::from_utf8(out.stdout).ok()\n}\n",
        ),
        3 => s.push_str(
            "\n/// Keep a snapshot on local disk.\npub fn snapshot(records: &[Record]) -> std::io::Result<()> {\n    let text: String = records.iter().map(|r| format!(\"{}={}\\n\", r.id, r.name)).collect();\n    std::fs::write(\"/var/lib/app/snapshot.txt\", text)\n}\n",
        ),
        4 => s.push_str(
            "\n/// Warm the cache in the background.\npub fn warm(records: Vec<Record>) -> std::thread::JoinHandle<u64> {\n    std::thread::spawn(move || run_batch(&records))\n}\n",
        ),
        _ => {}
    }
    // Pad with small helpers up to the line budget so every module has the same weight.
    let mut k = 0;
    while s.lines().count() < LINES_PER_FILE {
        let _ = write!(
            s,
            "\n/// Helper {k}: weighted sum over ids above a threshold.\npub fn helper_{k}(records: &[Record], min: u64) -> f64 {{\n    records\n        .iter()\n        .filter(|r| r.id >= min + {k})\n        .map(|r| r.weight * {k}.0 + r.score())\n        .sum()\n}}\n"
        );
        k += 1;
    }
    s.push_str(
        "\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test]\n    fn batch_finishes() {\n        assert!(run_batch(&sample(8)) > 0);\n    }\n}\n",
    );
    s
}
