//! The Go knowledge tables: `rules/data/go-modules.toml` (modules and packages) and
//! `rules/data/go-imports.toml` (standard-library packages and their members).

use std::sync::OnceLock;

use serde::Deserialize;

use crate::knowledge::parse_table;
use crate::{Category, Severity};

/// One entry of either table.
#[derive(Clone, Debug, Deserialize)]
pub struct GoEntry {
    pub path: String,
    /// go-imports.toml only: the members that count; empty: any use.
    #[serde(default)]
    pub members: Vec<String>,
    pub category: Category,
    pub severity: Severity,
    pub reason: String,
    #[serde(default)]
    pub alternative: Option<String>,
    /// go-modules.toml only: modules this package is known to bring into the build (gorm's
    /// SQLite driver pulls `github.com/mattn/go-sqlite3`); their `require` lines are then not
    /// reported again as uncertain indirect dependencies.
    #[serde(default)]
    pub pulls: Vec<String>,
    /// go-imports.toml only: the entry holds only in a file that also uses one of these
    /// (`IMPORT-PATH.Member`, `net/http.Serve`): a listener that file hands to its HTTP or gRPC
    /// server is that server's. Empty: always.
    #[serde(default)]
    pub with: Vec<String>,
    pub source: String,
}

impl GoEntry {
    /// Whether module or package `path` is this entry's path or under it.
    pub fn covers(&self, path: &str) -> bool {
        path == self.path
            || (path.len() > self.path.len()
                && path.starts_with(&self.path)
                && path.as_bytes()[self.path.len()] == b'/')
    }
}

#[derive(Debug, Default, Deserialize)]
struct ModuleTable {
    #[serde(default)]
    module: Vec<GoEntry>,
}

#[derive(Debug, Default, Deserialize)]
struct ImportTable {
    #[serde(default)]
    import: Vec<GoEntry>,
}

pub fn modules() -> &'static [GoEntry] {
    static T: OnceLock<ModuleTable> = OnceLock::new();
    &T.get_or_init(|| {
        parse_table(
            "go-modules.toml",
            include_str!("../../data/go-modules.toml"),
        )
    })
    .module
}

pub fn imports() -> &'static [GoEntry] {
    static T: OnceLock<ImportTable> = OnceLock::new();
    &T.get_or_init(|| {
        parse_table(
            "go-imports.toml",
            include_str!("../../data/go-imports.toml"),
        )
    })
    .import
}

/// The most specific module entry covering `path`.
pub fn module_entry(path: &str) -> Option<&'static GoEntry> {
    modules()
        .iter()
        .filter(|e| e.covers(path))
        .max_by_key(|e| e.path.len())
}

/// Every entry of the most specific path covering `path`: one piece of evidence can mean
/// several categories (go-sqlite3 is `cgo` and `embedded-db`).
pub fn module_entries(path: &str) -> Vec<&'static GoEntry> {
    let Some(best) = module_entry(path) else {
        return Vec::new();
    };
    modules().iter().filter(|e| e.path == best.path).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse_and_every_entry_has_a_source() {
        assert!(modules().len() >= 10);
        assert!(imports().len() >= 8);
        for e in modules().iter().chain(imports()) {
            assert!(e.source.trim().len() > 5, "{}: source", e.path);
            assert!(!e.reason.trim().is_empty(), "{}: reason", e.path);
        }
        assert!(imports().iter().all(|e| !e.path.contains('*')));
    }

    #[test]
    fn covers_subpackages_and_major_versions_only() {
        let pgx = module_entry("github.com/jackc/pgx/v5/pgxpool").unwrap();
        assert_eq!(pgx.path, "github.com/jackc/pgx");
        assert!(module_entry("github.com/jackc/pgxmock").is_none());
        // The most specific entry wins.
        assert!(module_entry("github.com/google/gopacket").is_none());
        assert_eq!(
            module_entry("github.com/google/gopacket/pcap")
                .unwrap()
                .category,
            Category::Cgo
        );
    }
}
