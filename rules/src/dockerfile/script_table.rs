//! The start-script table (`rules/data/script-commands.toml`) shared by script-command (WM112)
//! and script-program (WM113).

use std::sync::OnceLock;

use analyzer::dockerfile::{ShellCommand, Word};
use analyzer::span::Span;
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

/// A program a script runs: its name (basename) and where the script names it (a span of the
/// text the commands were read from).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tool {
    pub name: String,
    pub span: Span,
}

/// Whether a word can name a program (not a case pattern, a glob or an assignment).
fn plausible(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '/' || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '/' | '-'))
}

/// Shell functions the script defines (`log() {`, `function log {`): calls to them are not
/// processes.
fn functions(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.lines() {
        let l = line.trim_start();
        let l = l.strip_prefix("function ").map_or(l, str::trim_start);
        let end = l
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(l.len());
        let (name, rest) = l.split_at(end);
        let rest = rest.trim_start();
        if !name.is_empty()
            && (rest.starts_with("()") || line.trim_start().starts_with("function "))
        {
            out.push(name);
        }
    }
    out
}

/// Programs run inside `$(...)` command substitutions, which the lexer keeps inside words.
fn substitutions(text: &str) -> Vec<Tool> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = text.get(from..).and_then(|s| s.find("$(")) {
        let at = from + pos + 2;
        from = at;
        if text[at..].starts_with('(') {
            continue; // `$((` is arithmetic
        }
        let rest = &text[at..];
        let skip = rest.len() - rest.trim_start().len();
        let word_start = at + skip;
        let word = text[word_start..]
            .split(|c: char| c.is_whitespace() || matches!(c, ')' | '|' | ';' | '&' | '"' | '\''))
            .next()
            .unwrap_or("");
        let name = word.rsplit('/').next().unwrap_or(word);
        if !word.is_empty() && plausible(word) {
            out.push(Tool {
                name: name.to_string(),
                span: Span::new(word_start, word_start + word.len()),
            });
        }
    }
    out
}

/// The programs a script runs when it is the program itself (it ends with a command-line tool
/// and never `exec`s), in order of first appearance, one per name; empty for a wrapper, a
/// script that runs no programs, or one that ends by starting something other than a tool (the
/// application). `text` is what `commands` were read from, found at offset `base` of the file
/// their spans point into.
pub fn tools_run(commands: &[ShellCommand], text: &str, base: usize) -> Vec<Tool> {
    let t = &table().program;
    let is = |list: &[String], name: &str| list.iter().any(|b| b == name);
    // `exec prog`: the script hands the process over, so it is a wrapper.
    if commands
        .iter()
        .any(|c| c.words.first().is_some_and(|w| w.value == "exec") && c.words.len() > 1)
    {
        return Vec::new();
    }
    let defined = functions(text);
    let counts = |n: &str| {
        !is(&t.builtins, n) && !defined.contains(&n) && !n.ends_with(".sh") && plausible(n)
    };
    let top: Vec<Tool> = commands
        .iter()
        .filter_map(program)
        .filter(|w| counts(basename(w)) && plausible(&w.value))
        .map(|w| Tool {
            name: basename(w).to_string(),
            span: w.span,
        })
        .collect();
    let Some(last) = top.last() else {
        return Vec::new();
    };
    if !is(&t.utilities, &last.name) {
        // It ends by starting something that is not a tool: the application, without `exec`.
        return Vec::new();
    }
    // Every program it runs is a child process, tools and others alike (`podcli`, `./migrate`).
    let mut all: Vec<Tool> = top;
    all.extend(
        substitutions(text)
            .into_iter()
            .filter(|s| counts(&s.name))
            .map(|s| Tool {
                span: Span::new(s.span.start + base, s.span.end + base),
                ..s
            }),
    );
    all.sort_by_key(|s| s.span.start);
    let mut out: Vec<Tool> = Vec::new();
    for s in all {
        if !out.iter().any(|o| o.name == s.name) {
            out.push(s);
        }
    }
    out
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

    fn tools(text: &str) -> Vec<String> {
        let commands = analyzer::dockerfile::script_commands(text);
        tools_run(&commands, text, 0)
            .into_iter()
            .map(|t| t.name)
            .collect()
    }

    #[test]
    fn a_script_that_ends_with_a_tool_is_the_program() {
        let s = "#!/bin/sh\nlog() {\n  ts=\"$(date +%s)\"\n  printf '%s %s\\n' \"$ts\" \"$*\"\n}\ncase \"$x\" in\n  *%N|*,) x=1 ;;\nesac\nlog start\nINFO=\"$(curl -fsS http://a/api | tr -d x)\"\npodcli check http db:3306\nsleep 60\n";
        assert_eq!(tools(s), ["date", "curl", "podcli", "sleep"]);
    }

    #[test]
    fn wrappers_and_scripts_ending_with_the_application_are_not() {
        assert!(tools("mkdir -p /data\nexec /app/server \"$@\"\n").is_empty());
        assert!(tools("envsubst < a > b\n/app/server --config b\n").is_empty());
        assert!(tools("echo hi\nexit 0\n").is_empty());
    }
}
