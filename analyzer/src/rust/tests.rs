//! Tests of the Rust front-end: every fact kind firing and not firing, with exact spans.

use super::*;

/// `(kind, line, column, exact text, site)` of each counted fact.
fn facts(src: &str) -> Vec<(FactKind, usize, usize, String, Site)> {
    facts_at("src/lib.rs", src)
}

fn facts_at(path: &str, src: &str) -> Vec<(FactKind, usize, usize, String, Site)> {
    let f = SourceFile::new(FileId(7), path, src);
    let r = analyze_source(&f).unwrap_or_else(|e| panic!("{}", e.message));
    r.facts
        .iter()
        .map(|x| {
            let reg = f.region(x.span);
            (
                x.kind,
                reg.line,
                reg.column,
                f.slice(x.span).to_string(),
                x.site,
            )
        })
        .collect()
}

fn kinds(src: &str) -> Vec<FactKind> {
    facts(src).into_iter().map(|f| f.0).collect()
}

fn excluded(src: &str) -> Vec<(FactKind, Exclusion, String)> {
    let f = SourceFile::new(FileId(0), "src/lib.rs", src);
    let r = analyze_source(&f).unwrap();
    r.excluded
        .iter()
        .map(|x| (x.fact.kind, x.reason.clone(), f.slice(x.by).to_string()))
        .collect()
}

use FactKind::*;

#[test]
fn std_net_with_every_import_style() {
    let src = r#"use std::net::TcpStream;
use std::net::UdpSocket as Udp;
use std::net;
use std::{io, net::{TcpListener as L}};

fn a() { let _ = TcpStream::connect("db:5432"); }
fn b() { let _ = Udp::bind("0.0.0.0:0"); }
fn c() { let _ = net::TcpStream::connect("x:1"); }
fn d() { let _ = L::bind("0.0.0.0:80"); }
fn e() { let _ = std::net::UdpSocket::bind("y:2"); }
fn f() { let _ = ::std::net::TcpListener::bind("z:3"); }
"#;
    let got: Vec<_> = facts(src)
        .into_iter()
        .filter(|f| f.4 != Site::Use)
        .collect();
    assert_eq!(
        got,
        vec![
            (TcpStream, 6, 18, "TcpStream::connect".into(), Site::Expr),
            (UdpSocket, 7, 18, "Udp::bind".into(), Site::Expr),
            (
                TcpStream,
                8,
                18,
                "net::TcpStream::connect".into(),
                Site::Expr
            ),
            (TcpListener, 9, 18, "L::bind".into(), Site::Expr),
            (
                UdpSocket,
                10,
                18,
                "std::net::UdpSocket::bind".into(),
                Site::Expr
            ),
            (
                TcpListener,
                11,
                20,
                "std::net::TcpListener::bind".into(),
                Site::Expr
            ),
        ]
    );
    let uses: Vec<_> = facts(src)
        .into_iter()
        .filter(|f| f.4 == Site::Use)
        .map(|f| (f.0, f.1, f.3))
        .collect();
    assert_eq!(
        uses,
        vec![
            (TcpStream, 1, "TcpStream".into()),
            (UdpSocket, 2, "UdpSocket".into()),
            (TcpListener, 4, "TcpListener".into())
        ]
    );
}

#[test]
fn glob_imports_and_relative_imports_resolve() {
    let src = "use std::net::*;\nfn a() { TcpStream::connect(\"a:1\"); }\n";
    assert_eq!(
        facts(src)
            .iter()
            .filter(|f| f.4 == Site::Expr)
            .map(|f| (f.0, f.1, f.2))
            .collect::<Vec<_>>(),
        vec![(TcpStream, 2, 10)]
    );
    let src = "use std::net;\nuse net::UdpSocket;\nfn a() { UdpSocket::bind(\"a:1\"); }\n";
    assert_eq!(kinds(src), vec![UdpSocket, UdpSocket]);
    let src = "use tokio::net as tn;\nasync fn a() { tn::UnixStream::connect(\"/s\").await; }\n";
    assert_eq!(kinds(src), vec![UnixSocket]);
}

#[test]
fn local_names_are_not_crates() {
    // A local struct or variable named like a std type or a crate does not fire.
    let src = r#"struct TcpStream;
impl TcpStream { fn connect(_: &str) {} }
fn a(tempfile: u8) -> u8 { TcpStream::connect("x"); tempfile }
mod socket2 { pub fn f() {} }
fn b() { crate::socket2::f(); self::socket2::f(); }
"#;
    assert_eq!(kinds(src), vec![]);
}

#[test]
fn tokio_main_flavours() {
    let src = "#[tokio::main]\nasync fn main() {}\n";
    assert_eq!(
        facts_at("src/main.rs", src),
        vec![(
            MultiThreadRuntime,
            1,
            1,
            "#[tokio::main]".into(),
            Site::Attr
        )]
    );
    let src = "#[tokio::main(flavor = \"current_thread\")]\nasync fn main() {}\n";
    assert_eq!(kinds(src), vec![CurrentThreadRuntime]);
    let src = "#[tokio::main(flavor = \"multi_thread\", worker_threads = 4)]\nasync fn main() {}\n";
    assert_eq!(kinds(src), vec![MultiThreadRuntime]);
    let src = "use tokio::runtime::Builder;\nfn main() { Builder::new_multi_thread().build(); Builder::new_current_thread().build(); }\n";
    assert_eq!(
        facts(src)
            .into_iter()
            .map(|f| (f.0, f.3))
            .collect::<Vec<_>>(),
        vec![(MultiThreadRuntime, "Builder::new_multi_thread".into())]
    );
    let f = SourceFile::new(
        FileId(0),
        "src/main.rs",
        "#[tokio::main]\nasync fn main() {}\n",
    );
    assert!(analyze_source(&f).unwrap().has_main);
}

#[test]
fn threads_and_rayon() {
    let src = r#"use rayon::prelude::*;
use std::thread;
fn a(v: Vec<u32>) -> u32 {
    thread::spawn(|| ());
    std::thread::Builder::new().spawn(|| ());
    v.par_iter().sum()
}
"#;
    assert_eq!(
        facts(src)
            .into_iter()
            .map(|f| (f.0, f.1, f.3, f.4))
            .collect::<Vec<_>>(),
        vec![
            (Rayon, 1, "*".into(), Site::Use),
            (ThreadSpawn, 4, "thread::spawn".into(), Site::Expr),
            (
                ThreadSpawn,
                5,
                "std::thread::Builder::new".into(),
                Site::Expr
            ),
            (Rayon, 6, "par_iter".into(), Site::Method),
        ]
    );
    // thread::sleep is not a thread.
    assert_eq!(
        kinds("fn a() { std::thread::sleep(std::time::Duration::from_millis(1)); }"),
        vec![]
    );
}

#[test]
fn processes_signals_and_unix_sockets() {
    let src = r#"use std::process::Command;
fn a() {
    Command::new("sh").arg("-c").status();
    unsafe { libc::fork(); }
    nix::unistd::execv(&c, &[]);
    ctrlc::set_handler(|| {});
    let s = std::os::unix::net::UnixStream::connect("/run/x.sock");
}
async fn b() { tokio::signal::ctrl_c().await; }
"#;
    assert_eq!(
        facts(src)
            .into_iter()
            .filter(|f| f.4 != Site::Use)
            .map(|f| (f.0, f.1, f.3))
            .collect::<Vec<_>>(),
        vec![
            (ProcessSpawn, 3, "Command::new".into()),
            (Fork, 4, "libc::fork".into()),
            (Exec, 5, "nix::unistd::execv".into()),
            (Signal, 6, "ctrlc::set_handler".into()),
            (
                UnixSocket,
                7,
                "std::os::unix::net::UnixStream::connect".into()
            ),
            (Signal, 9, "tokio::signal::ctrl_c".into()),
        ]
    );
}

#[test]
fn filesystem_writes_including_open_options() {
    let src = r#"use std::fs::{self, OpenOptions, File};
fn a() {
    fs::write("out.txt", b"x");
    File::create("y");
    File::open("read-only-is-fine");
    OpenOptions::new().append(true).open("log");
    OpenOptions::new().read(true).open("in");
    let mut o = OpenOptions::new();
    o.create(true);
}
"#;
    let got: Vec<_> = facts(src)
        .into_iter()
        .filter(|f| f.0 == FsWrite)
        .map(|f| (f.1, f.2, f.3))
        .collect();
    assert_eq!(
        got,
        vec![
            (3, 5, "fs::write".into()),
            (4, 5, "File::create".into()),
            (6, 24, "append".into()),
            (9, 7, "create".into())
        ]
    );
    // Without OpenOptions in the file, `.create(true)` is someone else's method.
    assert_eq!(kinds("fn a(b: B) { b.create(true); }"), vec![]);
}

#[test]
fn extern_blocks_links_and_dlopen() {
    let src = r#"#[link(name = "ssl")]
extern "C" {
    fn SSL_new() -> *mut u8;
}
unsafe extern "C" { fn other(); }
#[link(wasm_import_module = "host")]
extern "C" { fn host_call(); }
extern "C" fn exported() {}
extern "C" {}
fn load() { unsafe { libloading::Library::new("libx.so"); } }
"#;
    let f = SourceFile::new(FileId(0), "src/lib.rs", src);
    let r = analyze_source(&f).unwrap();
    let got: Vec<_> = r
        .facts
        .iter()
        .map(|x| {
            (
                x.kind,
                f.region(x.span).line,
                f.slice(x.span).to_string(),
                x.detail.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                LinkNative,
                1,
                "#[link(name = \"ssl\")]".into(),
                Some("ssl".into())
            ),
            (ExternBlock, 2, "extern \"C\"".into(), Some("C".into())),
            (ExternBlock, 5, "extern \"C\"".into(), Some("C".into())),
            (WasmImport, 7, "extern \"C\"".into(), Some("host".into())),
            (Dlopen, 10, "libloading::Library::new".into(), None),
        ]
    );
}

#[test]
fn build_scripts() {
    let src = r#"fn main() {
    cc::Build::new().file("src/x.c").compile("x");
    let dst = cmake::Config::new("vendor").build();
    bindgen::Builder::default().header("x.h").generate();
    pkg_config::probe_library("zlib").unwrap();
    println!("cargo:rustc-link-lib=static=foo");
    println!("cargo:rerun-if-changed=build.rs");
}
"#;
    let got: Vec<_> = facts_at("build.rs", src)
        .into_iter()
        .map(|f| (f.0, f.1, f.3))
        .collect();
    assert_eq!(
        got,
        vec![
            (BuildCc, 2, "cc::Build::new".into()),
            (BuildCmake, 3, "cmake::Config::new".into()),
            (BuildBindgen, 4, "bindgen::Builder::default".into()),
            (BuildPkgConfig, 5, "pkg_config::probe_library".into()),
            (LinkNative, 6, "\"cargo:rustc-link-lib=static=foo\"".into()),
        ]
    );
}

#[test]
fn test_code_does_not_count() {
    let src = r#"fn prod() {}

#[cfg(test)]
mod tests {
    use std::process::Command;
    #[test]
    fn t() { Command::new("ls"); }
}

#[test]
fn top_level_test() { std::thread::spawn(|| ()); }

#[tokio::test]
async fn async_test() { tokio::net::TcpStream::connect("x").await; }

#[cfg(all(test, feature = "slow"))]
fn helper() { std::fs::write("x", "y"); }
"#;
    assert_eq!(kinds(src), vec![]);
    let ex = excluded(src);
    assert_eq!(ex.len(), 5);
    assert!(ex.iter().all(|(_, r, _)| *r == Exclusion::Test));
    assert_eq!(ex[0].2, "#[cfg(test)]");
    assert_eq!(ex[2].2, "#[test]");
    let f = SourceFile::new(
        FileId(0),
        "src/lib.rs",
        "#![cfg(test)]\nfn a() { std::thread::spawn(|| ()); }\n",
    );
    assert!(analyze_source(&f).unwrap().facts.is_empty());
}

#[test]
fn cfg_that_is_off_on_wasi_does_not_count() {
    let src = r#"#[cfg(unix)]
fn shutdown() { tokio::signal::unix::signal(kind); }

#[cfg(not(target_arch = "wasm32"))]
fn pool() { std::thread::spawn(|| ()); }

#[cfg(target_os = "wasi")]
fn wasi_only() { std::fs::write("a", "b"); }

#[cfg(feature = "native")]
fn maybe() { std::process::Command::new("x"); }

fn stmt() {
    #[cfg(windows)]
    let _ = std::net::UdpSocket::bind("x");
}
"#;
    assert_eq!(
        kinds(src),
        vec![FsWrite, ProcessSpawn],
        "cfg(target_os = wasi) and unknown features count"
    );
    let ex = excluded(src);
    assert_eq!(
        ex,
        vec![
            (
                Signal,
                Exclusion::CfgOff("#[cfg(unix)]".into()),
                "#[cfg(unix)]".into()
            ),
            (
                ThreadSpawn,
                Exclusion::CfgOff("#[cfg(not(target_arch = \"wasm32\"))]".into()),
                "#[cfg(not(target_arch = \"wasm32\"))]".into()
            ),
            (
                UdpSocket,
                Exclusion::CfgOff("#[cfg(windows)]".into()),
                "#[cfg(windows)]".into()
            ),
        ]
    );
}

#[test]
fn macros_are_scanned_for_paths() {
    let src = r#"use tokio::net::TcpListener;
async fn a(v: Vec<u8>) {
    tokio::select! {
        r = TcpListener::bind("0.0.0.0:9000") => {},
    }
    println!("{}", v.par_iter().count());
    assert!(std::fs::write("x", "y").is_ok());
}
"#;
    let got: Vec<_> = facts(src)
        .into_iter()
        .filter(|f| f.4 == Site::Macro)
        .map(|f| (f.0, f.1, f.2, f.3))
        .collect();
    assert_eq!(
        got,
        vec![
            (TcpListener, 4, 13, "TcpListener::bind".into()),
            (Rayon, 6, 22, "par_iter".into()),
            (FsWrite, 7, 13, "std::fs::write".into()),
        ]
    );
}

#[test]
fn wasm_entry_points() {
    let src = "use spin_sdk::http_component;\n#[http_component]\nfn handle(r: Request) -> Response { todo!() }\n";
    assert_eq!(
        facts(src)
            .into_iter()
            .map(|f| (f.0, f.4))
            .collect::<Vec<_>>(),
        vec![(SpinComponent, Site::Use), (SpinComponent, Site::Attr)]
    );
    assert_eq!(
        kinds("#[wstd::http_server]\nasync fn main(r: Request) {}\n"),
        vec![WasiHttpHandler]
    );
}

#[test]
fn spans_are_bytes_after_multibyte_text_bom_and_shebang() {
    let src = "\u{feff}#!/usr/bin/env run-cargo-script\n// é ü 日本\nfn a() { let s = \"日本\"; std::process::Command::new(s); }\n";
    let f = SourceFile::new(FileId(0), "src/main.rs", src);
    let r = analyze_source(&f).unwrap();
    assert_eq!(r.facts.len(), 1);
    let sp = r.facts[0].span;
    assert_eq!(f.slice(sp), "std::process::Command::new");
    let reg = f.region(sp);
    assert_eq!((reg.line, reg.column), (3, 24));
}

#[test]
fn modules_and_test_modules_in_other_files() {
    let src = "mod net;\n#[cfg(test)]\nmod tests;\n#[path = \"impl/x.rs\"]\nmod x;\nmod inline { fn f() {} }\n";
    let f = SourceFile::new(FileId(0), "src/server.rs", src);
    let r = analyze_source(&f).unwrap();
    let m: Vec<_> = r
        .mods
        .iter()
        .map(|m| (m.name.as_str(), m.excluded.clone(), m.path_attr.as_deref()))
        .collect();
    assert_eq!(
        m,
        vec![
            ("net", None, None),
            ("tests", Some(Exclusion::Test), None),
            ("x", None, Some("impl/x.rs"))
        ]
    );
    assert_eq!(
        mod_file_candidates("src/server.rs", &r.mods[0]),
        vec!["src/server/net.rs", "src/server/net/mod.rs"]
    );
    assert_eq!(
        mod_file_candidates("src/lib.rs", &r.mods[1]),
        vec!["src/tests.rs", "src/tests/mod.rs"]
    );
    assert_eq!(
        mod_file_candidates("src/lib.rs", &r.mods[2]),
        vec!["src/impl/x.rs"]
    );
}

#[test]
fn suppression_comments() {
    let src = "fn a() {\n    // wasm-migrate: ignore[WM205, WM206] runs only in the CLI\n    std::process::Command::new(\"x\");\n    let s = \"// wasm-migrate: ignore[WM1] not a comment\";\n}\n";
    let f = SourceFile::new(FileId(0), "src/lib.rs", src);
    let r = analyze_source(&f).unwrap();
    assert_eq!(r.suppressions.len(), 1);
    let s = &r.suppressions[0];
    assert_eq!(s.codes, vec!["WM205", "WM206"]);
    assert_eq!(s.reason, "runs only in the CLI");
    assert_eq!(s.line, 2);
    assert!(f.slice(s.span).starts_with("// wasm-migrate"));
}

#[test]
fn unparsable_and_hostile_files_are_errors() {
    let f = SourceFile::new(FileId(4), "src/bad.rs", "fn main() {\n    let x = ;\n}\n");
    let e = analyze_source(&f).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Rust);
    assert_eq!(e.file, Some(FileId(4)));
    assert!(
        e.message.starts_with("Rust source does not parse"),
        "{}",
        e.message
    );
    assert_eq!(f.region(e.span.unwrap()).line, 2);

    let deep = format!(
        "fn f() {{ let x = {}1{}; }}",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let e = analyze_source(&SourceFile::new(FileId(0), "src/deep.rs", deep)).unwrap_err();
    assert_eq!(
        e.message,
        "Rust file nests brackets more than 256; not parsed"
    );
    let bangs = format!("fn f() -> bool {{ {}true }}", "!".repeat(100_000));
    assert!(analyze_source(&SourceFile::new(FileId(0), "src/b.rs", bangs)).is_err());
    // Brackets inside strings, comments and char literals are not nesting.
    let fine = format!(
        "fn f() {{ let s = \"{}\"; let c = '('; }} // {}\n/* {} */",
        "(".repeat(1000),
        "[".repeat(1000),
        "{".repeat(1000)
    );
    assert!(analyze_source(&SourceFile::new(FileId(0), "src/ok.rs", fine)).is_ok());
    let raw = format!(
        "fn f() {{ let s = r#\"{}\"#; let l: &'static str = s; }}",
        "(".repeat(1000)
    );
    assert!(analyze_source(&SourceFile::new(FileId(0), "src/raw.rs", raw)).is_ok());
}

#[test]
fn facts_are_independent_of_the_thread_and_order() {
    // The proc-macro2 source map is per thread and is cleared after each file: parsing many files
    // on one thread keeps spans exact.
    let a = "fn a() { std::thread::spawn(|| ()); }\n";
    let b = "\n\n\nfn b() { std::process::Command::new(\"x\"); }\n";
    for _ in 0..3 {
        assert_eq!(facts(a)[0].1, 1);
        assert_eq!(facts(b)[0].1, 4);
    }
}

/// Shapes that make a recursive-descent parser (or the recursive walk and drop of its tree) need
/// a deep stack. Each must come back as a result, never a stack overflow, even on a thread with
/// rayon's default 2 MiB stack.
#[test]
fn pathological_shapes_never_overflow_the_stack() {
    type Make = Box<dyn Fn(usize) -> String>;
    let shapes: Vec<(&str, Make)> = vec![
        (
            "else-if",
            Box::new(|n| {
                format!(
                    "fn f(x: u32) {{ if x == 0 {{}} {} }}",
                    "else if x == 1 {} ".repeat(n)
                )
            }),
        ),
        (
            "generics",
            Box::new(|n| format!("type T = {}u8{};", "Vec<".repeat(n), ">".repeat(n))),
        ),
        (
            "generic-commas",
            Box::new(|n| format!("type T = {}u8{};", "HashMap<u8, ".repeat(n), ">".repeat(n))),
        ),
        (
            "binop",
            Box::new(|n| format!("fn f() -> u32 {{ {}1 }}", "1 + ".repeat(n))),
        ),
        (
            "assign",
            Box::new(|n| format!("fn f() {{ {}1; }}", "a = ".repeat(n))),
        ),
        (
            "cast",
            Box::new(|n| format!("fn f() {{ 1{}; }}", " as u8".repeat(n))),
        ),
        (
            "method",
            Box::new(|n| format!("fn f() {{ x{}; }}", ".a()".repeat(n))),
        ),
        (
            "refs",
            Box::new(|n| format!("type T = {}u8;", "& ".repeat(n))),
        ),
        (
            "ptrs",
            Box::new(|n| format!("type T = {}u8;", "*const ".repeat(n))),
        ),
        (
            "return",
            Box::new(|n| format!("fn f() {{ {}1; }}", "return ".repeat(n))),
        ),
        (
            "fn-types",
            Box::new(|n| format!("type T = {}u8;", "fn() -> ".repeat(n))),
        ),
        (
            "dyn",
            Box::new(|n| {
                format!(
                    "type T = {}u8{};",
                    "Box<dyn Fn() -> ".repeat(n),
                    ">".repeat(n)
                )
            }),
        ),
        (
            "await",
            Box::new(|n| format!("fn f() {{ x{}; }}", ".await".repeat(n))),
        ),
        (
            "try",
            Box::new(|n| format!("fn f() {{ x{}; }}", "?".repeat(n))),
        ),
        (
            "closures",
            Box::new(|n| format!("fn f() {{ {}1; }}", "|| ".repeat(n))),
        ),
        (
            "blocks",
            Box::new(|n| format!("fn f() {{ {}1{} }}", "unsafe { ".repeat(n), " }".repeat(n))),
        ),
        (
            "mods",
            Box::new(|n| format!("{}{}", "mod a { ".repeat(n), "}".repeat(n))),
        ),
    ];
    for (name, make) in &shapes {
        for n in [100, 3_000, 60_000] {
            let src = make(n);
            let outcome = std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn(move || {
                    analyze_source(&SourceFile::new(FileId(0), "src/x.rs", src))
                        .map(|_| ())
                        .map_err(|e| e.message)
                })
                .unwrap()
                .join()
                .unwrap();
            if n == 100 {
                assert!(outcome.is_ok(), "{name} x{n}: {outcome:?}");
            }
        }
    }
}

#[test]
fn a_unix_only_main_is_recorded_and_unix_cfgs_are_unix_only() {
    let src = "#[cfg(unix)]\nmod server;\n\n#[cfg(unix)]\nfn main() { server::run(); }\n\n#[cfg(not(unix))]\nfn main() { eprintln!(\"unix only\"); }\n";
    let f = SourceFile::new(FileId(0), "src/main.rs", src);
    let facts = analyze_source(&f).unwrap();
    assert!(facts.has_main);
    let by = facts.unix_main.expect("the unix-only main is recorded");
    assert_eq!(f.slice(by), "#[cfg(unix)]");
    // The module the unix main runs is compiled out for the same reason.
    assert!(
        facts.mods[0]
            .excluded
            .as_ref()
            .is_some_and(Exclusion::is_unix_only)
    );

    // A main that exists on every target is not unix-only; a wasm-only cfg is not unix.
    let f = SourceFile::new(FileId(0), "src/main.rs", "fn main() {}\n");
    assert_eq!(analyze_source(&f).unwrap().unix_main, None);
    let f = SourceFile::new(
        FileId(0),
        "src/main.rs",
        "#[cfg(windows)]\nfn main() {}\n#[cfg(not(windows))]\nfn main() {}\n",
    );
    assert_eq!(analyze_source(&f).unwrap().unix_main, None);
    assert!(Exclusion::CfgOff("#[cfg(target_os = \"linux\")]".into()).is_unix_only());
    assert!(Exclusion::CfgOff("#![cfg(unix)]".into()).is_unix_only());
    assert!(!Exclusion::CfgOff("#[cfg(windows)]".into()).is_unix_only());
    // Native-only code (on for Linux, off for wasm32) counts the same way.
    assert!(Exclusion::CfgOff("#[cfg(not(target_arch = \"wasm32\"))]".into()).is_unix_only());
    assert!(!Exclusion::Test.is_unix_only());
}

#[test]
fn unix_sockets_of_every_runtime_are_facts() {
    let src = "async fn a() {\n    let s = tokio::net::UnixSocket::new_stream();\n    let c = hyperlocal::UnixClientExt::unix();\n}\n";
    assert_eq!(kinds(src), vec![UnixSocket, UnixSocket]);
}
