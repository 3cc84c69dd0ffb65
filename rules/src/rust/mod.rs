//! Rust rules (`WM2xx` on source code): facts from the package's `.rs` files, resolved through
//! `use` aliases, with test-only and cfg'd-out code already left out by the analyzer. Each rule
//! also reports the crates of its category from the knowledge table, so one rule covers both
//! `std::thread::spawn` and a `rayon` dependency.

use std::collections::BTreeMap;

use analyzer::cargo::FileRole;
use analyzer::rust::{FactKind, Site, SourceFact};
use analyzer::source::FileId;

use crate::cargo::CrateCx;
use crate::{Rule, Sink};

mod file_writes;
mod http_listener;
mod native_lib;
mod process_spawn;
mod raw_socket;
mod signal_handling;
mod threads;
mod udp_socket;
mod unix_only_program;

pub use file_writes::FileWrites;
pub use http_listener::HttpListener;
pub use native_lib::NativeLib;
pub use process_spawn::ProcessSpawn;
pub use raw_socket::RawSocket;
pub use signal_handling::SignalHandling;
pub use threads::Threads;
pub use udp_socket::UdpSocket;
pub use unix_only_program::UnixOnlyProgram;

pub static RULES: &[&dyn Rule] = &[
    &Threads,
    &RawSocket,
    &HttpListener,
    &UdpSocket,
    &ProcessSpawn,
    &SignalHandling,
    &FileWrites,
    &NativeLib,
    &UnixOnlyProgram,
];

/// At most this many findings per rule and file: the first ones locate the problem, the rest
/// would only repeat it.
const MAX_PER_FILE: usize = 10;

/// Report the facts of `kinds` in the package's sources (and its build script when
/// `build_scripts`: build scripts run on the build host, so only native-code facts count there).
/// Within a file, a `use` is reported only when nothing else in the file shows the fact (the call
/// is the better evidence).
pub(crate) fn report_facts(
    cx: &CrateCx<'_>,
    sink: &mut Sink<'_>,
    kinds: &[FactKind],
    build_scripts: bool,
    mut report: impl FnMut(&mut Sink<'_>, FileId, &SourceFact, &str) -> Option<()>,
) {
    let mut per_file: BTreeMap<FileId, Vec<&SourceFact>> = BTreeMap::new();
    for (file, role, facts) in cx.sources() {
        if role == FileRole::BuildScript && !build_scripts {
            continue;
        }
        let v = per_file.entry(file).or_default();
        v.extend(facts.facts.iter().filter(|f| kinds.contains(&f.kind)));
    }
    report_per_file(cx, sink, per_file, &mut report);
    // A program whose real `main` is unix-only: its code is compiled out of a WASI build, which
    // would be judged clean; count it, saying why.
    let Some((main_file, by)) = cx.unix_program() else {
        return;
    };
    let mut per_file: BTreeMap<FileId, Vec<&SourceFact>> = BTreeMap::new();
    for (file, f) in cx.unix_only_facts() {
        if kinds.contains(&f.kind) {
            per_file.entry(file).or_default().push(f);
        }
    }
    let main_at = cx.repo.file(main_file);
    let line = main_at.line_col(by.start).line;
    let note = format!(
        "; this is unix-only code (`{}` on `fn main` at {}:{line}): a WASI target is not unix, so a wasm build would not even compile the real program",
        main_at.slice(by).trim(),
        main_at.path
    );
    let start = sink.count();
    report_per_file(cx, sink, per_file, &mut report);
    sink.amend_since(start, |h| h.message.push_str(&note));
}

fn report_per_file(
    cx: &CrateCx<'_>,
    sink: &mut Sink<'_>,
    per_file: BTreeMap<FileId, Vec<&SourceFact>>,
    report: &mut impl FnMut(&mut Sink<'_>, FileId, &SourceFact, &str) -> Option<()>,
) {
    for (file, facts) in per_file {
        let has_use_free = facts.iter().any(|f| f.site != Site::Use);
        let text = cx.repo.file(file);
        for f in facts
            .into_iter()
            .filter(|f| !has_use_free || f.site != Site::Use)
            .take(MAX_PER_FILE)
        {
            let shown = text.slice(f.span).to_string();
            let _ = report(sink, file, f, &shown);
        }
    }
}

/// "`Command::new` (`std::process::Command::new`)" when the text differs from the resolved path.
pub(crate) fn evidence(f: &SourceFact, shown: &str) -> String {
    let shown = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    if f.site == Site::Use || shown == f.path || f.path.is_empty() {
        format!("`{shown}`")
    } else {
        format!("`{shown}` (`{}`)", f.path)
    }
}

/// Report the dependency hits of a category (skipping crates another rule owns).
pub(crate) fn report_dependencies(
    cx: &CrateCx<'_>,
    sink: &mut Sink<'_>,
    category: &str,
    skip: &[&str],
) {
    for hit in cx.dependency_hits(category) {
        if skip.contains(&hit.name.as_str()) {
            continue;
        }
        cx.report_dependency(sink, &hit);
    }
}
