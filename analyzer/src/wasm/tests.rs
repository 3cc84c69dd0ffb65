//! Facts and runtime verdicts on the committed fixtures in `fixtures/wasm/` (see its README for how
//! each was built), exact error messages for broken input, and small inline modules for edge cases.

use super::*;
use crate::error::ErrorKind;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/wasm");

fn bytes(name: &str) -> Vec<u8> {
    let path = format!("{FIXTURES}/{name}");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn fixture(name: &str) -> WasmModule {
    inspect(name, &bytes(name)).unwrap_or_else(|e| panic!("{name}: {}", e.message))
}

fn from_wat(text: &str) -> WasmModule {
    let bytes = wat::parse_str(text).expect("test wat parses");
    inspect("inline.wasm", &bytes).unwrap_or_else(|e| panic!("{}", e.message))
}

fn error(name: &str, bytes: &[u8]) -> String {
    let err = inspect(name, bytes).expect_err("must be rejected");
    assert_eq!(err.kind, ErrorKind::Wasm);
    assert_eq!(err.path, name);
    err.message
}

/// `family=support` for every family, in `RuntimeFamily::ALL` order: one string to compare.
fn fits(m: &WasmModule) -> String {
    m.runtime_fits()
        .iter()
        .map(|f| format!("{}={}", f.family.as_str(), f.support.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn recommended(m: &WasmModule) -> Option<(&'static str, Support)> {
    m.recommended_runtime()
        .map(|f| (f.family.as_str(), f.support))
}

fn worlds(m: &WasmModule) -> Vec<(World, String)> {
    m.worlds()
        .into_iter()
        .map(|(w, e)| (w, e.name.clone()))
        .collect()
}

fn import_names(m: &WasmModule) -> Vec<String> {
    m.imports.iter().map(Import::display_name).collect()
}

#[test]
fn wasip1_command() {
    let m = fixture("wasip1-command.wasm");
    assert_eq!(m.kind, ModuleKind::Core);
    assert_eq!(m.size, 261);
    assert_eq!(m.wasi_version(), Some(WasiVersion::P1));
    assert_eq!(
        import_names(&m),
        [
            "wasi_snapshot_preview1::fd_write",
            "wasi_snapshot_preview1::proc_exit"
        ]
    );
    // Offsets point at the import entries: the first one right after the section header.
    assert_eq!(m.imports[0].offset, 29);
    assert_eq!(m.wasi_evidence(WasiVersion::P1).map(|i| i.offset), Some(29));
    assert_eq!(worlds(&m), [(World::Command, "_start".to_string())]);
    assert!(m.runtime_specific().is_empty());
    assert_eq!(m.threads, Threads::default());
    assert_eq!(m.memories.len(), 1);
    assert_eq!(m.initial_memory_bytes(), 65536);
    assert_eq!(m.max_memory_bytes(), Some(16 * 65536));
    assert_eq!(m.languages, ["Rust"]);
    assert_eq!(m.processed_by, ["rustc"]);
    assert_eq!(
        fits(&m),
        "wasmtime=yes, spin=needs validation, wasmedge=yes, wasmer=yes, wamr=yes"
    );
    assert_eq!(recommended(&m), Some(("wasmtime", Support::Yes)));
    let spin = m.runtime_fit(RuntimeFamily::Spin);
    assert_eq!(
        spin.reasons,
        [
            "Spin runs a WASI command module only as a WAGI handler (`executor = { type = \"wagi\" }`)"
        ]
    );
}

#[test]
fn wasmedge_socket_ties_to_wasmedge() {
    let m = fixture("wasmedge-socket.wasm");
    assert_eq!(m.kind, ModuleKind::Core);
    assert_eq!(m.wasi_version(), Some(WasiVersion::P1));
    let tied: Vec<_> = m
        .runtime_specific_imports()
        .map(|(r, i)| (r, i.display_name(), i.offset))
        .collect();
    assert_eq!(
        tied,
        [
            (
                RuntimeSpecific::WasmEdge,
                "wasmedge_wasi_socket::sock_open".to_string(),
                66
            ),
            (
                RuntimeSpecific::WasmEdge,
                "wasmedge_wasi_socket::sock_bind".to_string(),
                99
            ),
        ]
    );
    assert_eq!(
        fits(&m),
        "wasmtime=no, spin=no, wasmedge=yes, wasmer=no, wamr=no"
    );
    assert_eq!(
        m.runtime_fit(RuntimeFamily::Wasmtime).reasons,
        [
            "imports `wasmedge_wasi_socket::sock_open`, a WasmEdge extension that only wasmedge provides"
        ]
    );
    assert_eq!(
        m.runtime_fit(RuntimeFamily::Wasmedge).reasons,
        [
            "the wasmedge shim runs WASI preview 1 core modules through `_start`",
            "the wasmedge shim provides the WasmEdge extension (`wasmedge_wasi_socket`)",
        ]
    );
    assert_eq!(recommended(&m), Some(("wasmedge", Support::Yes)));
    // No maximum declared: the memory may grow to the 32-bit limit.
    assert_eq!(m.max_memory_bytes(), None);
}

#[test]
fn wasix_ties_to_wasmer() {
    let m = fixture("wasix.wasm");
    assert_eq!(m.runtime_specific(), [RuntimeSpecific::Wasix].into());
    // WASIX's own thread API counts as threading.
    assert_eq!(m.threads.thread_spawn, Some(65));
    assert!(m.threads.uses_threads());
    assert_eq!(
        fits(&m),
        "wasmtime=no, spin=no, wasmedge=no, wasmer=yes, wamr=no"
    );
    assert_eq!(
        m.runtime_fit(RuntimeFamily::Wasmer).reasons,
        [
            "the wasmer shim runs WASI preview 1 core modules through `_start`",
            "the wasmer shim provides the WASIX API (`wasix_32v1`)",
            "WASIX threads run on Wasmer",
        ]
    );
    assert_eq!(recommended(&m), Some(("wasmer", Support::Yes)));
}

#[test]
fn wasi_threads_module() {
    let m = fixture("wasi-threads.wasm");
    assert_eq!(m.kind, ModuleKind::Core);
    assert_eq!(m.wasi_version(), Some(WasiVersion::P1));
    assert_eq!(
        m.imports
            .iter()
            .map(|i| (i.display_name(), i.class.clone()))
            .collect::<Vec<_>>(),
        [
            ("env::memory".to_string(), ImportClass::WasiThreads),
            ("wasi::thread-spawn".to_string(), ImportClass::WasiThreads),
            (
                "wasi_snapshot_preview1::proc_exit".to_string(),
                ImportClass::Wasi(WasiVersion::P1)
            ),
        ]
    );
    assert_eq!(
        m.threads,
        Threads {
            shared_memory: Some(31),
            thread_spawn: Some(46),
            atomic_instructions: 3
        }
    );
    assert_eq!(m.threads.evidence(), Some(46));
    let mem = &m.memories[0];
    assert!(mem.shared && mem.imported && !mem.nested);
    assert_eq!((mem.initial_pages, mem.maximum_pages), (2, Some(64)));
    assert_eq!(m.max_memory_bytes(), Some(64 * 65536));
    assert_eq!(
        fits(&m),
        "wasmtime=needs validation, spin=no, wasmedge=needs validation, wasmer=needs validation, wamr=needs validation"
    );
    assert_eq!(
        m.runtime_fit(RuntimeFamily::Wasmtime).reasons,
        [
            "threads (shared memory or wasi-threads `thread-spawn`) in the wasmtime shim are unconfirmed"
        ]
    );
    assert_eq!(
        m.runtime_fit(RuntimeFamily::Spin).reasons,
        ["Spin does not run multi-threaded modules"]
    );
    assert_eq!(
        recommended(&m),
        Some(("wasmtime", Support::NeedsValidation))
    );
}

#[test]
fn http_proxy_component() {
    let m = fixture("http-proxy.component.wasm");
    assert_eq!(m.kind, ModuleKind::Component);
    assert_eq!(m.wasi_version(), Some(WasiVersion::P2));
    assert_eq!(import_names(&m), ["wasi:http/types@0.2.3"]);
    let iface = m.imports[0].interface.as_ref().expect("interface name");
    assert_eq!(iface.unversioned(), "wasi:http/types");
    assert_eq!(
        worlds(&m),
        [(
            World::HttpProxy,
            "wasi:http/incoming-handler@0.2.3".to_string()
        )]
    );
    assert_eq!(m.http_handler().map(|e| e.offset), Some(262));
    assert_eq!(m.nested_modules, 1);
    assert_eq!(
        fits(&m),
        "wasmtime=yes, spin=yes, wasmedge=no, wasmer=no, wamr=no"
    );
    assert_eq!(
        m.runtime_fit(RuntimeFamily::Wasmtime).reasons,
        ["the wasmtime shim serves `wasi:http/incoming-handler` on 0.0.0.0:8080"]
    );
    assert_eq!(
        m.runtime_fit(RuntimeFamily::Spin).reasons,
        [
            "the Spin HTTP trigger serves `wasi:http/incoming-handler` on 0.0.0.0:80",
            "the image needs a spin.toml beside the module",
        ]
    );
    assert_eq!(
        m.runtime_fit(RuntimeFamily::Wasmedge).reasons,
        ["the wasmedge shim runs core modules only, not components"]
    );
    assert_eq!(recommended(&m), Some(("wasmtime", Support::Yes)));
}

#[test]
fn spin_http_component() {
    let m = fixture("spin-http.component.wasm");
    assert_eq!(m.kind, ModuleKind::Component);
    assert_eq!(m.wasi_version(), Some(WasiVersion::P2));
    assert!(m.has_world(World::HttpProxy));
    let tied: Vec<_> = m
        .runtime_specific_imports()
        .map(|(r, i)| (r, i.module.clone()))
        .collect();
    assert_eq!(
        tied,
        [(
            RuntimeSpecific::Spin,
            "fermyon:spin/key-value@2.0.0".to_string()
        )]
    );
    assert_eq!(
        fits(&m),
        "wasmtime=no, spin=yes, wasmedge=no, wasmer=no, wamr=no"
    );
    assert_eq!(
        m.runtime_fit(RuntimeFamily::Wasmtime).reasons,
        ["imports `fermyon:spin/key-value@2.0.0`, a Spin API that only spin provides"]
    );
    assert_eq!(recommended(&m), Some(("spin", Support::Yes)));
}

#[test]
fn cli_command_component() {
    let m = fixture("cli-command.component.wasm");
    assert_eq!(m.kind, ModuleKind::Component);
    assert_eq!(m.wasi_version(), Some(WasiVersion::P2));
    assert_eq!(
        worlds(&m),
        [(World::Command, "wasi:cli/run@0.2.6".to_string())]
    );
    // The memory belongs to the nested core module and has no maximum.
    assert_eq!(m.memories.len(), 1);
    assert!(m.memories[0].nested && !m.memories[0].imported);
    assert_eq!(m.initial_memory_bytes(), 17 * 65536);
    assert_eq!(m.max_memory_bytes(), None);
    assert_eq!(
        fits(&m),
        "wasmtime=yes, spin=needs validation, wasmedge=no, wasmer=no, wamr=no"
    );
    assert_eq!(
        m.runtime_fit(RuntimeFamily::Spin).reasons,
        [
            "Spin runs `wasi:cli/run` only through the command trigger, which the Spin shim may not include"
        ]
    );
    assert_eq!(recommended(&m), Some(("wasmtime", Support::Yes)));
}

#[test]
fn threaded_component_fits_nothing() {
    let m = fixture("threads.component.wasm");
    assert_eq!(m.kind, ModuleKind::Component);
    assert_eq!(m.threads.shared_memory, Some(96));
    assert_eq!(m.threads.atomic_instructions, 1);
    assert!(m.memories[0].shared && m.memories[0].nested);
    assert_eq!(
        fits(&m),
        "wasmtime=no, spin=no, wasmedge=no, wasmer=no, wamr=no"
    );
    assert_eq!(
        m.runtime_fit(RuntimeFamily::Wasmtime).reasons,
        [
            "a multi-threaded component (shared memory or thread spawn): no shim runs threads in components"
        ]
    );
    assert_eq!(recommended(&m), None);
    assert!(m.compatible_runtimes().is_empty());
}

#[test]
fn rust_built_wasip1_module() {
    let m = fixture("rust-hello.wasip1.wasm");
    assert_eq!(m.kind, ModuleKind::Core);
    assert_eq!(m.wasi_version(), Some(WasiVersion::P1));
    assert_eq!(
        import_names(&m),
        [
            "wasi_snapshot_preview1::environ_get",
            "wasi_snapshot_preview1::environ_sizes_get",
            "wasi_snapshot_preview1::fd_write",
            "wasi_snapshot_preview1::proc_exit",
        ]
    );
    assert!(m.has_world(World::Command));
    assert!(!m.threads.uses_threads());
    assert_eq!(m.threads.atomic_instructions, 0);
    assert_eq!(
        fits(&m),
        "wasmtime=yes, spin=needs validation, wasmedge=yes, wasmer=yes, wamr=yes"
    );
}

#[test]
fn rust_built_wasip2_component() {
    let m = fixture("rust-hello.wasip2.wasm");
    assert_eq!(m.kind, ModuleKind::Component);
    assert_eq!(m.wasi_versions(), [WasiVersion::P2].into());
    assert_eq!(m.imports.len(), 13);
    assert!(
        m.imports
            .iter()
            .all(|i| i.module.starts_with("wasi:") && i.module.ends_with("@0.2.6"))
    );
    // wit-component exports the `run` version the adapter was built against, not the imports'.
    assert_eq!(
        worlds(&m),
        [(World::Command, "wasi:cli/run@0.2.0".to_string())]
    );
    // rustc's core module and the wasip1 adapter are nested; their `wasi_snapshot_preview1`
    // imports are satisfied inside the component and do not make it a wasip1 module.
    assert!(m.nested_modules >= 2, "{}", m.nested_modules);
    assert!(m.processed_by.iter().any(|p| p == "wit-component"));
    assert_eq!(
        fits(&m),
        "wasmtime=yes, spin=needs validation, wasmedge=no, wasmer=no, wamr=no"
    );
}

#[test]
fn malformed_inputs_have_exact_errors() {
    assert_eq!(
        error("truncated.wasm", &bytes("truncated.wasm")),
        "truncated wasm module: unexpected end-of-file (at byte offset 10)"
    );
    assert_eq!(
        error("invalid.wasm", &bytes("invalid.wasm")),
        "invalid wasm module: type mismatch: expected i32 but nothing on stack (at byte offset 36)"
    );
    assert_eq!(
        error("not-wasm.wasm", &bytes("not-wasm.wasm")),
        "not a wasm module: the file does not start with the `\\0asm` magic bytes"
    );
    assert_eq!(error("empty.wasm", b""), "empty file, not a wasm module");
    assert_eq!(
        error("cut.wasm", b"\0as"),
        "truncated wasm file: it ends inside the `\\0asm` magic bytes"
    );
    assert_eq!(
        error("header.wasm", b"\0asm\x01\0"),
        "truncated wasm module: unexpected end-of-file (at byte offset 4)"
    );
    assert_eq!(
        error("version.wasm", b"\0asm\x09\0\0\0"),
        "invalid wasm module: unknown binary version: 0x9 (at byte offset 4)"
    );
}

/// Every prefix and every single-byte corruption of every fixture gives a module or an error,
/// never a panic. (A prefix that ends on a section boundary can be a valid module, since sections
/// are optional, so prefixes are not all errors.)
#[test]
fn hostile_bytes_never_panic() {
    for name in [
        "wasip1-command.wasm",
        "wasi-threads.wasm",
        "http-proxy.component.wasm",
        "spin-http.component.wasm",
        "threads.component.wasm",
    ] {
        let good = bytes(name);
        let known = [
            "truncated wasm",
            "invalid wasm module: ",
            "not a wasm module",
            "empty file",
        ];
        let mut errors = 0;
        for len in 0..good.len() {
            if let Err(e) = inspect(name, &good[..len]) {
                assert!(
                    known.iter().any(|k| e.message.starts_with(k)),
                    "{}",
                    e.message
                );
                errors += 1;
            }
        }
        assert!(
            errors > good.len() * 9 / 10,
            "{name}: only {errors} of {} prefixes rejected",
            good.len()
        );
        for at in 0..good.len() {
            for flip in [0xff_u8, 0x80, 0x01] {
                let mut bad = good.clone();
                bad[at] ^= flip;
                let _ = inspect(name, &bad);
            }
        }
    }
}

/// The `.wat` sources the `build_wasm_fixtures` example compiles.
fn wat_sources() -> Vec<std::path::PathBuf> {
    let list = |dir: &std::path::Path| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    };
    let root = std::path::Path::new(FIXTURES);
    let mut dirs = vec![root.to_path_buf()];
    for rule in list(&root.join("../rules")) {
        if rule
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("WM4"))
        {
            dirs.push(rule.join("fires"));
            dirs.push(rule.join("clean"));
        }
    }
    let mut pending = vec![root.join("../wasm-linked")];
    while let Some(dir) = pending.pop() {
        pending.extend(list(&dir).into_iter().filter(|p| p.is_dir()));
        dirs.push(dir);
    }
    let mut wat: Vec<_> = dirs
        .iter()
        .flat_map(|d| list(d))
        .filter(|p| p.extension().is_some_and(|e| e == "wat"))
        .collect();
    wat.sort();
    wat
}

#[test]
fn committed_binaries_match_their_sources() {
    let sources = wat_sources();
    for path in &sources {
        let built = wat::parse_file(path).expect("fixture source parses");
        let committed = std::fs::read(path.with_extension("wasm")).expect("committed .wasm");
        assert!(
            built == committed,
            "{} is stale: run `cargo run -p wasm-migrate-analyzer --example build_wasm_fixtures`",
            path.display()
        );
    }
    // 9 in fixtures/wasm, 9 under fixtures/rules/WM4*, 2 in fixtures/wasm-linked.
    assert_eq!(sources.len(), 20);
    let command = bytes("wasip1-command.wasm");
    assert!(command.starts_with(&bytes("truncated.wasm")));
}

#[test]
fn reactor_without_start_needs_an_entrypoint() {
    let m = from_wat(
        r#"(module
            (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
            (func (export "_initialize"))
            (func (export "handle")))"#,
    );
    assert_eq!(worlds(&m), [(World::Reactor, "_initialize".to_string())]);
    assert_eq!(
        fits(&m),
        "wasmtime=needs validation, spin=no, wasmedge=needs validation, wasmer=needs validation, wamr=needs validation"
    );
    assert_eq!(
        m.runtime_fit(RuntimeFamily::Wasmtime).reasons,
        [
            "no `_start` export: the container entrypoint must name an exported function (`/app.wasm#name`)"
        ]
    );
}

#[test]
fn env_imports_are_unresolved() {
    let m = from_wat(
        r#"(module
            (import "env" "emscripten_memcpy_big" (func (param i32 i32 i32)))
            (func (export "_start")))"#,
    );
    assert_eq!(m.unresolved_imports().count(), 1);
    assert_eq!(m.wasi_version(), None);
    assert_eq!(
        fits(&m),
        "wasmtime=no, spin=no, wasmedge=no, wasmer=no, wamr=no"
    );
    assert_eq!(
        m.runtime_fit(RuntimeFamily::Wamr).reasons,
        [
            "imports `env::emscripten_memcpy_big`, which no runtime provides: link or compose the module first"
        ]
    );
}

#[test]
fn pure_module_runs_everywhere_but_spin() {
    let m = from_wat(r#"(module (func (export "_start")))"#);
    assert_eq!(m.wasi_version(), None);
    assert!(m.memories.is_empty());
    assert_eq!(m.max_memory_bytes(), None);
    assert_eq!(
        fits(&m),
        "wasmtime=yes, spin=needs validation, wasmedge=yes, wasmer=yes, wamr=yes"
    );
}

#[test]
fn wasi_proposals_need_validation() {
    let m = from_wat(
        r#"(module
            (import "wasi_ephemeral_nn" "load" (func (param i32 i32 i32 i32 i32) (result i32)))
            (func (export "_start")))"#,
    );
    assert_eq!(
        fits(&m),
        "wasmtime=needs validation, spin=needs validation, wasmedge=needs validation, wasmer=needs validation, wamr=needs validation"
    );
    assert_eq!(
        m.runtime_fit(RuntimeFamily::Wasmedge).reasons,
        ["imports `wasi_ephemeral_nn::load`, a WASI proposal the wasmedge shim may not enable"]
    );
}

#[test]
fn core_module_with_wasip2_imports_must_be_componentized() {
    let m = from_wat(
        r#"(module
            (import "wasi:cli/environment@0.2.0" "get-arguments" (func (param i32)))
            (func (export "_start")))"#,
    );
    assert_eq!(m.kind, ModuleKind::Core);
    assert_eq!(m.wasi_version(), Some(WasiVersion::P2));
    assert_eq!(
        fits(&m),
        "wasmtime=no, spin=no, wasmedge=no, wasmer=no, wamr=no"
    );
    assert_eq!(
        m.runtime_fit(RuntimeFamily::Wasmtime).reasons,
        [
            "a core module importing `wasi:cli/environment@0.2.0::get-arguments` must be made a component first (`wasm-tools component new`)"
        ]
    );
}

#[test]
fn wasip3_http_component_needs_validation() {
    let m = from_wat(
        r#"(component
            (import "wasi:http/types@0.3.0" (instance $t
                (export "request" (type (sub resource)))))
            (alias export $t "request" (type $request))
            (core module $m (func (export "handle") (param i32)))
            (core instance $i (instantiate $m))
            (func $handle (param "request" (own $request)) (canon lift (core func $i "handle")))
            (instance $h (export "handle" (func $handle)))
            (export "wasi:http/handler@0.3.0" (instance $h)))"#,
    );
    assert_eq!(m.wasi_version(), Some(WasiVersion::P3));
    assert!(m.has_world(World::HttpProxy));
    assert_eq!(
        fits(&m),
        "wasmtime=needs validation, spin=needs validation, wasmedge=no, wasmer=no, wamr=no"
    );
    assert_eq!(
        m.runtime_fit(RuntimeFamily::Wasmtime).reasons,
        ["WASI 0.3 support in the wasmtime shim is unconfirmed"]
    );
    assert_eq!(
        recommended(&m),
        Some(("wasmtime", Support::NeedsValidation))
    );
}

#[test]
fn component_without_entry_point() {
    let m = from_wat(
        r#"(component
            (core module $m (func (export "f")))
            (core instance $i (instantiate $m))
            (func $f (canon lift (core func $i "f")))
            (instance $add (export "f" (func $f)))
            (export "docs:calc/add@0.1.0" (instance $add)))"#,
    );
    assert!(m.worlds().is_empty());
    assert_eq!(
        fits(&m),
        "wasmtime=no, spin=no, wasmedge=no, wasmer=no, wamr=no"
    );
    assert_eq!(
        m.runtime_fit(RuntimeFamily::Wasmtime).reasons,
        [
            "exports neither `wasi:cli/run` nor `wasi:http/incoming-handler`: the shim has nothing to call"
        ]
    );
    assert_eq!(
        m.runtime_fit(RuntimeFamily::Spin).reasons,
        ["exports no HTTP handler or Spin trigger"]
    );
}

#[test]
fn wasi_unstable_needs_validation() {
    let m = from_wat(
        r#"(module
            (import "wasi_unstable" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
            (func (export "_start")))"#,
    );
    assert_eq!(m.wasi_version(), Some(WasiVersion::Unstable));
    assert_eq!(
        m.runtime_fit(RuntimeFamily::Wasmtime).reasons,
        ["imports legacy `wasi_unstable` (older than preview 1)"]
    );
}

#[test]
fn import_lists_are_capped_but_counted() {
    let mut text = String::from("(module\n");
    for i in 0..MAX_RECORDED_ITEMS + 5 {
        text.push_str(&format!("(import \"env\" \"f{i}\" (func))\n"));
    }
    text.push(')');
    let m = from_wat(&text);
    assert_eq!(m.imports.len(), MAX_RECORDED_ITEMS);
    assert_eq!(m.imports_total, MAX_RECORDED_ITEMS + 5);
}

#[test]
fn runtime_family_names_round_trip() {
    for family in RuntimeFamily::ALL {
        assert_eq!(RuntimeFamily::from_name(family.as_str()), Some(family));
    }
    assert_eq!(
        RuntimeFamily::Wasmtime.runtime_type(),
        "io.containerd.wasmtime.v1"
    );
    assert_eq!(RuntimeFamily::Spin.runtime_type(), "io.containerd.spin.v2");
    assert_eq!(RuntimeFamily::Wasmtime.http_port(), Some(8080));
    assert_eq!(RuntimeFamily::Spin.http_port(), Some(80));
    assert_eq!(RuntimeFamily::from_name("docker"), None);
}
