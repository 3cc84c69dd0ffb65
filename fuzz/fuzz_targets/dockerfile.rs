//! Dockerfile front-end: `analyzer::dockerfile::parse` on any text (lossy UTF-8), and the
//! image-reference helper on every base image. Property: nothing panics.
#![no_main]

use analyzer::dockerfile;
use analyzer::source::{FileId, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = SourceFile::new(FileId(0), "Dockerfile", text.as_ref());
    if let Ok(parsed) = dockerfile::parse(&file) {
        // Debug-format everything: walks every field the parser filled in.
        let _ = format!("{parsed:?}");
    }
    let _ = dockerfile::image_repository(&text);
});
