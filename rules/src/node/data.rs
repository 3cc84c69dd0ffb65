//! The Node knowledge table, `rules/data/node-packages.toml`: known packages, the helpers only
//! native addons depend on, built-in modules and HTTP frameworks.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::knowledge::parse_table;
use crate::{Category, Severity};

/// A package known to stand in the way.
#[derive(Clone, Debug, Deserialize)]
pub struct PackageEntry {
    pub name: String,
    pub category: Category,
    pub severity: Severity,
    pub reason: String,
    #[serde(default)]
    pub alternative: Option<String>,
    pub source: String,
}

/// A package only native addons depend on.
#[derive(Clone, Debug, Deserialize)]
pub struct AddonHelper {
    pub name: String,
    pub source: String,
}

/// A built-in module and the members that count.
#[derive(Clone, Debug, Deserialize)]
pub struct BuiltinEntry {
    pub module: String,
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub first_arg: Option<String>,
    pub category: Category,
    pub severity: Severity,
    pub reason: String,
    #[serde(default)]
    pub alternative: Option<String>,
    pub source: String,
}

/// An HTTP framework.
#[derive(Clone, Debug, Deserialize)]
pub struct Framework {
    pub name: String,
    pub display: String,
    /// Fetch-style handlers (Request in, Response out), not `node:http`.
    pub fetch: bool,
    pub source: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct Table {
    #[serde(default)]
    pub package: Vec<PackageEntry>,
    #[serde(default, rename = "addon-helper")]
    pub addon_helper: Vec<AddonHelper>,
    #[serde(default)]
    pub builtin: Vec<BuiltinEntry>,
    #[serde(default)]
    pub framework: Vec<Framework>,
    #[serde(default, rename = "benign-install-script")]
    pub benign_install_script: Vec<BenignScript>,
    #[serde(default, rename = "platform-only")]
    pub platform_only: Vec<BenignScript>,
}

/// A package whose install script compiles nothing, or that installs only on another platform.
#[derive(Clone, Debug, Deserialize)]
pub struct BenignScript {
    pub name: String,
    pub reason: String,
    pub source: String,
}

pub fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        parse_table(
            "node-packages.toml",
            include_str!("../../data/node-packages.toml"),
        )
    })
}

pub fn package(name: &str) -> Option<&'static PackageEntry> {
    table().package.iter().find(|e| e.name == name)
}

pub fn benign_install_script(name: &str) -> bool {
    table().benign_install_script.iter().any(|b| b.name == name)
}

/// Whether a Linux image never has package `name` (`[[platform-only]]`).
pub fn platform_only(name: &str) -> bool {
    table().platform_only.iter().any(|b| b.name == name)
}

pub fn is_addon_helper(name: &str) -> bool {
    table().addon_helper.iter().any(|h| h.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_parses_and_every_entry_has_a_source() {
        let t = table();
        assert!(t.package.len() >= 20);
        assert!(t.addon_helper.len() >= 5);
        assert!(t.builtin.len() >= 10);
        assert!(t.framework.len() >= 5);
        for e in &t.package {
            assert!(e.source.trim().len() > 5, "{}: source", e.name);
            assert!(!e.reason.trim().is_empty(), "{}: reason", e.name);
        }
        for e in &t.builtin {
            assert!(e.source.trim().len() > 5, "{}: source", e.module);
            assert!(!e.module.starts_with("node:"), "{}", e.module);
        }
        assert!(t.addon_helper.iter().all(|h| h.source.len() > 5));
        assert!(t.framework.iter().all(|f| f.source.len() > 5));
        assert!(
            t.benign_install_script
                .iter()
                .all(|b| b.source.len() > 5 && !b.reason.is_empty())
        );
        assert!(package("bcrypt").is_some() && package("bcryptjs").is_none());
        assert!(is_addon_helper("node-gyp-build"));
    }
}
