//! Cargo manifest front-end: `analyzer::cargo::parse_manifest` on any text (lossy UTF-8).
//! Property: nothing panics.
#![no_main]

use analyzer::cargo::parse_manifest;
use analyzer::source::{FileId, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = SourceFile::new(FileId(0), "Cargo.toml", text.as_ref());
    if let Ok(m) = parse_manifest(&file) {
        let _ = format!("{m:?}");
    }
});
