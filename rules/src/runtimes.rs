//! The language-runtime table (`rules/data/runtimes.toml`): one severity and one Wasm path per
//! runtime, whatever evidence shows the runtime.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::Severity;
use crate::knowledge::parse_table;

/// A language runtime and its path to Wasm.
#[derive(Clone, Debug, Deserialize)]
pub struct RuntimeEntry {
    /// The analyzer's language id (`go`, `node`, `jvm`, ...) or a variant (`aspnetcore`).
    pub language: String,
    pub name: String,
    severity: String,
    pub toolchain: String,
    pub path: String,
    pub source: String,
}

impl RuntimeEntry {
    /// The severity the table gives; an unreadable one counts as a blocker (never understated).
    pub fn severity(&self) -> Severity {
        Severity::parse(&self.severity).unwrap_or(Severity::Blocker)
    }
}

#[derive(Debug, Default, Deserialize)]
struct RuntimeTable {
    #[serde(default)]
    runtime: Vec<RuntimeEntry>,
}

fn table() -> &'static RuntimeTable {
    static T: OnceLock<RuntimeTable> = OnceLock::new();
    T.get_or_init(|| parse_table("runtimes.toml", include_str!("../data/runtimes.toml")))
}

/// Every entry, in file order.
pub fn all() -> &'static [RuntimeEntry] {
    &table().runtime
}

/// The entry of a language id or variant.
pub fn runtime(language: &str) -> Option<&'static RuntimeEntry> {
    table().runtime.iter().find(|r| r.language == language)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_parses_with_a_severity_and_a_source() {
        assert!(all().len() >= 10);
        for r in all() {
            assert!(
                Severity::parse(&r.severity).is_some(),
                "{}: severity",
                r.language
            );
            assert!(!r.source.trim().is_empty(), "{}: source", r.language);
            assert!(!r.path.trim().is_empty(), "{}: path", r.language);
        }
    }

    #[test]
    fn every_dockerfile_language_with_a_path_has_an_entry() {
        use analyzer::dockerfile::Language::*;
        for l in [Go, Node, Python, Ruby, Php, Rust, Static, Jvm, Dotnet] {
            assert!(runtime(l.as_str()).is_some(), "{}", l.as_str());
        }
    }
}
