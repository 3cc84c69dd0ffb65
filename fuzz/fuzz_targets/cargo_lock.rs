//! Cargo.lock front-end: `analyzer::cargo::parse_lock` on any text (lossy UTF-8).
//! Property: nothing panics.
#![no_main]

use analyzer::cargo::parse_lock;
use analyzer::source::{FileId, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = SourceFile::new(FileId(0), "Cargo.lock", text.as_ref());
    if let Ok(l) = parse_lock(&file) {
        let _ = format!("{l:?}");
    }
});
