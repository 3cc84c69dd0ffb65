//! `WM501` python-module: the service's Python code imports a module or makes a call that needs
//! what a Wasm component does not have (processes, threads, native libraries, signals).

use std::sync::OnceLock;

use serde::Deserialize;

use crate::knowledge::parse_table;
use crate::{Category, DockerfileCx, Rule, RuleMeta, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reads the `.py` files a Python image holds (what the Dockerfile's stages copy from the
    /// build context, tests left out) and reports each import of a module and each dotted call
    /// listed in `rules/data/python-modules.toml`: `subprocess` and `multiprocessing`
    /// (process-spawn, blocker), `os.system(`/`os.fork(` (process-spawn, blocker),
    /// `threading` (threads, warning), `ctypes`/`cffi` (native-lib, blocker), `signal.signal(`
    /// (signal-handling, warning), raw sockets (raw-socket, warning). The category and
    /// severity come from the entry; the finding is at the import or call, with the Dockerfile's
    /// `COPY` as the reason the file counts. Comments and strings never count.
    ///
    /// ## Why it matters for Wasm
    /// componentize-py runs CPython inside a component: pure-Python code comes along, but not
    /// `subprocess`, `multiprocessing`, threads or native libraries (WASM-FACTS.md §5, §8).
    ///
    /// ## Example
    /// ```python
    /// import subprocess
    /// subprocess.run(["convert", src, dst])
    /// ```
    /// `subprocess` fires at line 1 (process-spawn, blocker).
    ///
    /// ## How to fix
    /// Follow the entry's alternative: do the work in Python or call a service over HTTP.
    pub struct PythonModule {
        code: "WM501",
        name: "python-module",
        category: ProcessSpawn,
        severity: Blocker,
        penalty: 35,
        summary: "the service's Python code uses processes, threads, signals or native libraries",
        help: "do the work in Python or call a service over HTTP; WASI has no processes, threads or dlopen",
    }
}

#[derive(Debug, Deserialize)]
struct Entry {
    #[serde(rename = "match")]
    patterns: Vec<String>,
    category: Category,
    severity: String,
    reason: String,
    alternative: String,
    #[allow(dead_code)] // checked by the tests
    source: String,
}

#[derive(Debug, Default, Deserialize)]
struct Table {
    #[serde(default)]
    import: Vec<Entry>,
    #[serde(default)]
    call: Vec<Entry>,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        parse_table(
            "python-modules.toml",
            include_str!("../../data/python-modules.toml"),
        )
    })
}

fn import_matches(pattern: &str, module: &str) -> bool {
    module == pattern
        || module
            .strip_prefix(pattern)
            .is_some_and(|r| r.starts_with('.'))
}

fn call_matches(pattern: &str, call: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => call.starts_with(prefix),
        None => call == pattern,
    }
}

impl Rule for PythonModule {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_dockerfile(&self, cx: &DockerfileCx<'_>, sink: &mut Sink<'_>) {
        let t = table();
        for &file in cx
            .repo
            .python_sources
            .get(&cx.file.id)
            .into_iter()
            .flatten()
        {
            let Some(facts) = cx.repo.python.get(&file) else {
                continue;
            };
            let uses = facts
                .imports
                .iter()
                .filter_map(|u| {
                    t.import
                        .iter()
                        .find(|e| e.patterns.iter().any(|p| import_matches(p, &u.name)))
                        .map(|e| (u, e, "imports"))
                })
                .chain(facts.calls.iter().filter_map(|u| {
                    t.call
                        .iter()
                        .find(|e| e.patterns.iter().any(|p| call_matches(p, &u.name)))
                        .map(|e| (u, e, "calls"))
                }));
            for (u, e, verb) in uses {
                let hit = sink.report(
                    file,
                    u.span,
                    format!(
                        "`{}` {verb} `{}`, which {}",
                        cx.repo.file(file).path,
                        u.name,
                        e.reason
                    ),
                );
                hit.help(e.alternative.clone());
                if e.category != Self::META.category {
                    hit.category(e.category);
                }
                if let Some(sev) = Severity::parse(&e.severity)
                    && sev != Self::META.severity
                {
                    hit.severity(sev);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_valid_with_a_source() {
        let t = table();
        assert!(!t.import.is_empty() && !t.call.is_empty());
        for e in t.import.iter().chain(&t.call) {
            assert!(Severity::parse(&e.severity).is_some(), "{:?}", e.patterns);
            assert!(!e.source.trim().is_empty(), "{:?}", e.patterns);
        }
    }

    #[test]
    fn matching_by_module_prefix_and_call_glob() {
        assert!(import_matches("multiprocessing", "multiprocessing.pool"));
        assert!(!import_matches("multiprocessing", "multiprocessingx"));
        assert!(call_matches("os.exec*", "os.execvp"));
        assert!(!call_matches("os.system", "os.systemx"));
    }
}
