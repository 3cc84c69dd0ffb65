//! Rust front-end: `analyzer::rust::analyze_source` on any valid UTF-8 text (the scan only reads
//! UTF-8 files). Called outside `with_parser_pool`, so each input is parsed on its own
//! large-stack thread, the analyzer's fallback path.
//!
//! Note: libFuzzer's panic hook aborts on *any* panic, including a syn/proc-macro2 panic that
//! `analyze_source` would catch and turn into a "the Rust parser failed" error. Such a crash is
//! still worth reading (the parser panicked), but it is not a crash of `wasm-migrate` itself.
#![no_main]

use analyzer::rust;
use analyzer::source::{FileId, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let file = SourceFile::new(FileId(0), "src/lib.rs", text);
    if let Ok(facts) = rust::analyze_source(&file) {
        for m in &facts.mods {
            let _ = rust::mod_file_candidates("src/lib.rs", m);
        }
        let _ = format!("{facts:?}");
    }
});
