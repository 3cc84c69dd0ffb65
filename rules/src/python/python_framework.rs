//! `WM502` python-framework: the service is a WSGI or ASGI web app, and how it maps to a
//! wasi:http handler.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::knowledge::parse_table;
use crate::{DockerfileCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Names the web framework the service's Python code imports (Flask, Django, FastAPI,
    /// Starlette, ...: the `[[framework]]` entries of `rules/data/python-modules.toml`), once per
    /// image at the first import, and says how it maps to a Wasm component: a WSGI or ASGI app
    /// becomes a wasi:http handler through componentize-py and an adapter, and the WSGI/ASGI
    /// server the image starts (gunicorn, uvicorn, with their worker processes) is replaced by
    /// the runtime. A note: it costs nothing by itself; the other rules say what stands in the way.
    ///
    /// ## Why it matters for Wasm
    /// A Wasm HTTP component exports `wasi:http/incoming-handler`; the runtime owns the socket,
    /// the process and the concurrency (WASM-FACTS.md §4-§5, §8).
    ///
    /// ## Example
    /// ```python
    /// from fastapi import FastAPI
    /// app = FastAPI()
    /// ```
    ///
    /// ## How to fix
    /// Build the app with componentize-py behind a wasi:http adapter for its interface, and drop
    /// the server command from the image.
    pub struct PythonFramework {
        code: "WM502",
        name: "python-framework",
        category: LanguageRuntime,
        severity: Note,
        penalty: 0,
        summary: "the service is a WSGI or ASGI web app that maps to a wasi:http handler",
        help: "build the app with componentize-py behind a wasi:http adapter; the runtime replaces the WSGI/ASGI server and its workers",
    }
}

#[derive(Debug, Deserialize)]
struct Framework {
    #[serde(rename = "match")]
    patterns: Vec<String>,
    name: String,
    interface: String,
    #[allow(dead_code)] // checked by the tests
    source: String,
}

#[derive(Debug, Default, Deserialize)]
struct Table {
    #[serde(default)]
    framework: Vec<Framework>,
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

impl Rule for PythonFramework {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_dockerfile(&self, cx: &DockerfileCx<'_>, sink: &mut Sink<'_>) {
        let t = table();
        let first = cx
            .repo
            .python_sources
            .get(&cx.file.id)
            .into_iter()
            .flatten()
            .find_map(|&file| {
                let facts = cx.repo.python.get(&file)?;
                facts.imports.iter().find_map(|u| {
                    t.framework
                        .iter()
                        .find(|f| {
                            f.patterns.iter().any(|p| {
                                u.name == *p
                                    || u.name
                                        .strip_prefix(p.as_str())
                                        .is_some_and(|r| r.starts_with('.'))
                            })
                        })
                        .map(|f| (file, u, f))
                })
            });
        let Some((file, u, f)) = first else { return };
        let interface = f.interface.to_ascii_uppercase();
        sink.report(
            file,
            u.span,
            format!(
                "`{}` imports `{}`: the service is a {} ({interface}) app, which componentize-py can serve as a wasi:http handler through an {interface} adapter",
                cx.repo.file(file).path,
                u.name,
                f.name
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_framework_has_an_interface_and_a_source() {
        let t = table();
        assert!(t.framework.len() >= 4);
        for f in &t.framework {
            assert!(
                matches!(f.interface.as_str(), "wsgi" | "asgi"),
                "{}",
                f.name
            );
            assert!(!f.source.trim().is_empty(), "{}", f.name);
        }
    }
}
