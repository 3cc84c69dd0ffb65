//! The knowledge tables of the JVM, .NET, Ruby and PHP rules: `rules/data/jvm-artifacts.toml`,
//! `dotnet-packages.toml`, `ruby-gems.toml` and `php-extensions.toml`, one entry format.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::knowledge::parse_table;
use crate::{Category, Severity};

/// A dependency that is native, or needs what WASI lacks.
#[derive(Clone, Debug, Deserialize)]
pub struct PackageEntry {
    /// The name; a trailing `*` matches a prefix.
    pub name: String,
    pub category: Category,
    pub severity: Severity,
    pub reason: String,
    #[serde(default)]
    pub alternative: Option<String>,
    pub source: String,
}

impl PackageEntry {
    /// Whether `name` is this entry (ASCII case-insensitive: NuGet ids are).
    pub fn matches(&self, name: &str) -> bool {
        match self.name.strip_suffix('*') {
            Some(prefix) => name
                .get(..prefix.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(prefix)),
            None => name.eq_ignore_ascii_case(&self.name),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct Table {
    #[serde(default)]
    package: Vec<PackageEntry>,
}

macro_rules! table {
    ($fn:ident, $file:literal) => {
        pub fn $fn() -> &'static [PackageEntry] {
            static T: OnceLock<Table> = OnceLock::new();
            &T.get_or_init(|| parse_table($file, include_str!(concat!("../../data/", $file))))
                .package
        }
    };
}

table!(jvm_artifacts, "jvm-artifacts.toml");
table!(dotnet_packages, "dotnet-packages.toml");
table!(ruby_gems, "ruby-gems.toml");
table!(php_extensions, "php-extensions.toml");

/// The entry for `name`: an exact entry before a prefix one.
pub fn lookup<'t>(table: &'t [PackageEntry], name: &str) -> Option<&'t PackageEntry> {
    table
        .iter()
        .filter(|e| e.matches(name))
        .max_by_key(|e| (!e.name.ends_with('*'), e.name.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse_with_sources() {
        for t in [
            jvm_artifacts(),
            dotnet_packages(),
            ruby_gems(),
            php_extensions(),
        ] {
            assert!(t.len() >= 8);
            for e in t {
                assert!(e.source.trim().len() > 5, "{}: source", e.name);
                assert!(!e.reason.trim().is_empty(), "{}: reason", e.name);
            }
        }
    }

    #[test]
    fn exact_before_prefix_and_case_insensitive() {
        let sni = lookup(dotnet_packages(), "microsoft.data.sqlclient.sni.runtime").unwrap();
        assert_eq!(sni.name, "Microsoft.Data.SqlClient.SNI*");
        let client = lookup(dotnet_packages(), "Microsoft.Data.SqlClient").unwrap();
        assert_eq!(client.severity, Severity::Warning);
        assert!(lookup(ruby_gems(), "pgx").is_none());
        assert!(lookup(jvm_artifacts(), "io.netty:netty-tcnative-boringssl-static").is_some());
    }
}
