//! `.wasm` inspector: `analyzer::wasm::inspect` on any bytes, then the runtime verdicts and the
//! derived facts the rules read. Property: nothing panics, offsets stay inside the input.
#![no_main]

use analyzer::wasm;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(m) = wasm::inspect("module.wasm", data) else { return };
    for i in &m.imports {
        assert!(i.offset <= data.len(), "import offset past end");
        let _ = i.display_name();
    }
    for e in &m.exports {
        assert!(e.offset <= data.len(), "export offset past end");
    }
    let _ = m.wasi_version();
    let _ = m.worlds();
    let _ = m.http_handler();
    let _ = m.max_memory_bytes();
    let _ = m.initial_memory_bytes();
    let _ = m.runtime_fits();
    let _ = m.recommended_runtime();
    let _ = m.unresolved_imports().count();
    let _ = m.proposal_imports().count();
});
