//! `WM603` go-os-package: standard-library packages and members a WASI build does not have.

use crate::golang::data::{GoEntry, imports};
use crate::golang::{GoCx, MAX_PER_FILE};
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags the uses of operating-system packages listed in `rules/data/go-imports.toml`, at
    /// the exact call: `os/exec` (process-spawn), `os/signal` (signal-handling), `syscall`'s
    /// fork/exec and raw system calls, `golang.org/x/sys/unix` and `plugin` (native-lib), `net`'s
    /// own listeners and dialers (`net.Listen`: raw-socket; `net.ListenUDP`: udp) and `net/http`'s
    /// `ListenAndServe` (http-listener, a note: the good path). An entry without members counts
    /// any use of the package, and the import itself when nothing of it is used by name. Each
    /// finding takes its category, severity, reason and alternative from the table.
    ///
    /// ## Why it matters for Wasm
    /// WASI has no processes, no signals, no raw or Unix-domain sockets, and loads no native code;
    /// Go's `wasip1` port cannot open network listeners, and a wasi:http component has no sockets
    /// at all (WASM-FACTS.md §5, §8).
    ///
    /// ## Example
    /// ```go
    /// out, err := exec.Command("convert", in, "out.png").Output()
    /// ```
    ///
    /// ## How to fix
    /// Do the work in-process, drop signal handlers, and serve HTTP through a wasi:http handler
    /// (`go.bytecodealliance.org/wasi`'s wasihttp or the Spin Go SDK) instead of a listener.
    pub struct GoOsPackage {
        code: "WM603",
        name: "go-os-package",
        category: ProcessSpawn,
        severity: Warning,
        penalty: 20,
        summary: "the Go code uses an operating-system package WASI does not provide",
        help: "do the work in-process, or keep the workload as a container",
    }
}

impl Rule for GoOsPackage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_go_module(&self, cx: &GoCx<'_>, sink: &mut Sink<'_>) {
        for (file, src) in &cx.module.sources {
            let f = cx.repo.file(*file);
            let mut n = 0;
            // Whether the file uses a `with` condition, asked once per file and condition: a
            // file with many `net.Listen` uses must not scan its uses once per use.
            let mut uses_memo: Vec<(&str, bool)> = Vec::new();
            let mut file_uses_once = |w: &'static str| match uses_memo.iter().find(|(k, _)| *k == w)
            {
                Some((_, v)) => *v,
                None => {
                    let v = file_uses(src, w);
                    uses_memo.push((w, v));
                    v
                }
            };
            for (idx, import) in src.imports.iter().enumerate() {
                let entries: Vec<&GoEntry> =
                    imports().iter().filter(|e| e.path == import.path).collect();
                if entries.is_empty() {
                    continue;
                }
                let mut used = false;
                for u in src.uses.iter().filter(|u| u.import == idx) {
                    let Some(e) = entries.iter().find(|e| {
                        (e.members.is_empty() || e.members.contains(&u.member))
                            && (e.with.is_empty()
                                || e.with.iter().any(|w| file_uses_once(w.as_str())))
                    }) else {
                        continue;
                    };
                    used = true;
                    if n < MAX_PER_FILE {
                        n += 1;
                        let shown = f.slice(u.span);
                        report(
                            sink,
                            *file,
                            u.span,
                            e,
                            format!("`{shown}` (`{}`)", import.path),
                        );
                    }
                }
                // A package counted whatever is used of it, used by no name (a `_` import, or
                // only through a type): the import is the evidence.
                if !used
                    && n < MAX_PER_FILE
                    && let Some(e) = entries.iter().find(|e| e.members.is_empty())
                    && !src.uses.iter().any(|u| u.import == idx)
                {
                    n += 1;
                    report(
                        sink,
                        *file,
                        import.span,
                        e,
                        format!("imports `{}`", import.path),
                    );
                }
            }
        }
    }
}

/// Whether a source file uses `IMPORT-PATH.Member` (`net/http.Serve`).
fn file_uses(src: &analyzer::golang::source::GoSource, what: &str) -> bool {
    let Some((path, member)) = what.rsplit_once('.') else {
        return false;
    };
    src.imports
        .iter()
        .enumerate()
        .filter(|(_, i)| i.path == path)
        .any(|(idx, _)| {
            src.uses
                .iter()
                .any(|u| u.import == idx && u.member == member)
        })
}

fn report(
    sink: &mut Sink<'_>,
    file: analyzer::source::FileId,
    span: analyzer::span::Span,
    e: &GoEntry,
    what: String,
) {
    let hit = sink.report(file, span, format!("{what}: {}", e.reason));
    hit.category(e.category).severity(e.severity);
    if let Some(alt) = &e.alternative {
        hit.help(alt.clone());
    }
}
