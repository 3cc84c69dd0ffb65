//! The start-script table (`rules/data/script-commands.toml`) shared by script-command (WM112)
//! and script-program (WM113).

use std::sync::OnceLock;

use analyzer::dockerfile::{ShellCommand, Word};
use serde::Deserialize;

use crate::Category;
use crate::knowledge::parse_table;

/// A command that needs the host.
#[derive(Debug, Deserialize)]
pub struct CommandEntry {
    pub commands: Vec<String>,
    #[serde(default)]
    pub mentions: Vec<String>,
    pub category: Category,
    pub severity: String,
    pub reason: String,
    #[allow(dead_code)] // checked by the tests: every entry has one
    pub source: String,
}

/// What tells a script that is the program from a wrapper.
#[derive(Debug, Default, Deserialize)]
pub struct ProgramTable {
    #[serde(default)]
    pub builtins: Vec<String>,
    #[allow(dead_code)] // checked by the tests
    #[serde(default)]
    pub builtins_source: String,
    #[serde(default)]
    pub utilities: Vec<String>,
    #[allow(dead_code)] // checked by the tests
    #[serde(default)]
    pub utilities_source: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ScriptTable {
    #[serde(default)]
    pub command: Vec<CommandEntry>,
    #[serde(default)]
    pub program: ProgramTable,
}

pub fn table() -> &'static ScriptTable {
    static T: OnceLock<ScriptTable> = OnceLock::new();
    T.get_or_init(|| {
        parse_table(
            "script-commands.toml",
            include_str!("../../data/script-commands.toml"),
        )
    })
}

/// Prefixes that run the next word as the command.
pub const WRAPPERS: &[&str] = &["exec", "sudo", "env", "command", "nohup", "time"];

/// The word naming the program a simple command runs, after wrappers and their options.
pub fn program(c: &ShellCommand) -> Option<&Word> {
    c.words
        .iter()
        .find(|w| !WRAPPERS.contains(&w.value.as_str()) && !w.value.starts_with('-'))
}

/// A program word's basename (`/usr/bin/curl` -> `curl`).
pub fn basename(w: &Word) -> &str {
    w.value.rsplit('/').next().unwrap_or(&w.value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;

    #[test]
    fn every_entry_has_a_valid_severity_and_a_source() {
        let t = table();
        assert!(t.command.len() >= 7);
        for e in &t.command {
            assert!(Severity::parse(&e.severity).is_some(), "{:?}", e.commands);
            assert!(!e.source.trim().is_empty(), "{:?}", e.commands);
            assert!(!e.commands.is_empty() || !e.mentions.is_empty());
        }
        assert!(t.program.builtins.iter().any(|b| b == "echo"));
        assert!(t.program.utilities.iter().any(|b| b == "curl"));
        assert!(!t.program.builtins_source.is_empty());
        assert!(!t.program.utilities_source.is_empty());
    }
}
