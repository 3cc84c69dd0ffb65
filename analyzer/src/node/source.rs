//! JavaScript and TypeScript sources: the modules a file loads (`require('x')`, `import ... from
//! 'x'`, `import('x')`, `export ... from 'x'`) and the uses of what it loaded
//! (`child_process.exec(...)`, `new Worker(...)` after `const { Worker } = require(...)`,
//! `process.on('SIGTERM', ...)`), each with its byte span.
//!
//! A tokenizer, not a parser: it knows strings, template literals (with `${}` nesting), comments,
//! regular expression literals (told from division by the token before them) and numbers, so text
//! inside them never becomes a fact. Bindings are file-wide (scopes are not modelled): a name bound
//! to a module anywhere in the file is that module everywhere in it. Linear in the text, never
//! panics, and keeps at most [`MAX_IMPORTS`] imports and [`MAX_USES`] uses per file.

use std::collections::HashMap;

use crate::span::Span;

/// Imports kept per file.
pub const MAX_IMPORTS: usize = 1_000;
/// Uses kept per file (the first ones locate a problem; the rest would repeat it).
pub const MAX_USES: usize = 4_096;

/// How a module is loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportKind {
    Require,
    Import,
    /// `import('x')`.
    Dynamic,
    /// `export ... from 'x'`.
    Reexport,
}

/// One module load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// The specifier as written (`node:fs`, `./db`, `@aws-sdk/client-s3`).
    pub spec: String,
    pub kind: ImportKind,
    /// The string literal of the specifier.
    pub span: Span,
}

impl Import {
    /// The package or built-in module the specifier names: `node:fs/promises` -> `fs/promises`,
    /// `@s/a/lib/x` -> `@s/a`, `lodash/get` -> `lodash`; `None` for a relative or absolute path.
    pub fn package(&self) -> Option<&str> {
        package_of(&self.spec)
    }
}

/// The package a specifier names (see [`Import::package`]); built-ins keep their sub-path
/// (`fs/promises`), which names a module of its own.
pub fn package_of(spec: &str) -> Option<&str> {
    if let Some(b) = spec.strip_prefix("node:") {
        return Some(b);
    }
    if spec.is_empty() || spec.starts_with('.') || spec.starts_with('/') {
        return None;
    }
    let mut parts = spec.splitn(3, '/');
    let first = parts.next()?;
    let end = if first.starts_with('@') {
        first.len() + 1 + parts.next().map_or(0, str::len)
    } else if matches!(
        first,
        "fs" | "dns" | "stream" | "timers" | "util" | "path" | "readline"
    ) {
        // `fs/promises`, `dns/promises`...: built-in sub-modules.
        spec.len()
    } else {
        first.len()
    };
    spec.get(..end)
}

/// A use of something a module exports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Use {
    /// The module's specifier as loaded (`process` for the global).
    pub module: String,
    /// The member used: `exec`, `Worker`, `on`.
    pub member: String,
    /// What was written: `cp.exec`, `Worker`, `process.on`.
    pub span: Span,
    /// The first argument when it is a string literal (`'SIGTERM'` of `process.on`), unquoted.
    pub first_arg: Option<String>,
}

/// The facts of one source file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSource {
    pub imports: Vec<Import>,
    pub uses: Vec<Use>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Ident,
    /// A string literal, quotes included.
    Str,
    /// A template literal's text (a whole one, or a part between `${}`s).
    Template,
    Num,
    Regex,
    Punct(u8),
}

#[derive(Clone, Copy, Debug)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

/// Keywords after which a `/` starts a regular expression, not a division.
const BEFORE_EXPRESSION: &[&str] = &[
    "return",
    "typeof",
    "instanceof",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "case",
    "do",
    "else",
    "yield",
    "await",
];

/// The tokens of a file, comments dropped.
fn tokens(text: &str) -> Vec<Token> {
    let b = text.as_bytes();
    let mut out: Vec<Token> = Vec::new();
    // Brace depth at each open `${`: the `}` that closes it resumes the template.
    let mut templates: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let tok = match c {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = memchr(b, i, b'\n').unwrap_or(b.len());
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = find(b, i + 2, b"*/").map_or(b.len(), |e| e + 2);
                continue;
            }
            b'/' if regex_allowed(text, out.last()) => match regex_end(b, i) {
                Some(e) => {
                    i = e;
                    Tok::Regex
                }
                None => {
                    i += 1;
                    Tok::Punct(b'/')
                }
            },
            b'"' | b'\'' => {
                i += 1;
                while i < b.len() && b[i] != c && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(b.len());
                Tok::Str
            }
            b'`' => {
                i = template_part(b, i + 1, &mut templates, depth);
                Tok::Template
            }
            b'}' if templates.last() == Some(&depth) => {
                templates.pop();
                i = template_part(b, i + 1, &mut templates, depth);
                Tok::Template
            }
            c if c == b'_' || c == b'$' || c.is_ascii_alphabetic() || c >= 0x80 => {
                while i < b.len()
                    && (b[i] == b'_'
                        || b[i] == b'$'
                        || b[i].is_ascii_alphanumeric()
                        || b[i] >= 0x80)
                {
                    i += 1;
                }
                Tok::Ident
            }
            c if c.is_ascii_digit() => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.')
                {
                    i += 1;
                }
                Tok::Num
            }
            c => {
                i += 1;
                match c {
                    b'{' => depth += 1,
                    b'}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                Tok::Punct(c)
            }
        };
        out.push(Token {
            tok,
            start,
            end: i.min(b.len()),
        });
    }
    out
}

/// Scan template text from `i` (after a backtick or a closing `}`) to its closing backtick, or
/// to a `${`, which is pushed on `templates` at the current brace depth. Returns the end.
fn template_part(b: &[u8], mut i: usize, templates: &mut Vec<usize>, depth: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'`' => return i + 1,
            b'$' if b.get(i + 1) == Some(&b'{') => {
                templates.push(depth);
                return i + 2;
            }
            _ => i += 1,
        }
    }
    b.len()
}

/// Whether a `/` after `prev` starts a regular expression.
fn regex_allowed(text: &str, prev: Option<&Token>) -> bool {
    let Some(p) = prev else { return true };
    match p.tok {
        Tok::Num | Tok::Str | Tok::Regex | Tok::Template => false,
        Tok::Punct(c) => !matches!(c, b')' | b']'),
        Tok::Ident => BEFORE_EXPRESSION.contains(&text.get(p.start..p.end).unwrap_or("")),
    }
}

/// The end of a regular expression literal starting at `i` (a `/`), or `None` when the line
/// ends first (then it was a division after all).
fn regex_end(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    let mut class = false;
    while i < b.len() {
        match b[i] {
            b'\n' | b'\r' => return None,
            b'\\' => i += 1,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => {
                i += 1;
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                return Some(i);
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn memchr(b: &[u8], from: usize, c: u8) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|x| *x == c)
        .map(|p| p + from)
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// What a local name is bound to.
#[derive(Clone, Debug)]
struct Binding {
    module: String,
    /// `Some` for a named import (`{ exec }`); `None` for the module object.
    member: Option<String>,
}

struct Reader<'a> {
    text: &'a str,
    toks: Vec<Token>,
    out: NodeSource,
    bindings: HashMap<String, Binding>,
}

impl Reader<'_> {
    fn s(&self, i: usize) -> &str {
        self.toks
            .get(i)
            .and_then(|t| self.text.get(t.start..t.end))
            .unwrap_or("")
    }

    fn is(&self, i: usize, tok: Tok) -> bool {
        self.toks.get(i).is_some_and(|t| t.tok == tok)
    }

    fn punct(&self, i: usize, c: u8) -> bool {
        self.is(i, Tok::Punct(c))
    }

    /// The unquoted value of string token `i`.
    fn str_value(&self, i: usize) -> Option<String> {
        let t = self.toks.get(i)?;
        if t.tok != Tok::Str {
            return None;
        }
        Some(
            self.text
                .get(t.start + 1..t.end.saturating_sub(1).max(t.start + 1))?
                .to_string(),
        )
    }

    fn push_import(&mut self, at: usize, kind: ImportKind) -> Option<String> {
        let spec = self.str_value(at)?;
        let t = self.toks[at];
        if self.out.imports.len() < MAX_IMPORTS {
            self.out.imports.push(Import {
                spec: spec.clone(),
                kind,
                span: Span::new(t.start, t.end),
            });
        }
        Some(spec)
    }

    fn bind(&mut self, name: &str, module: &str, member: Option<&str>) {
        if name.is_empty() || self.bindings.len() >= MAX_IMPORTS {
            return;
        }
        self.bindings.insert(
            name.to_string(),
            Binding {
                module: module.to_string(),
                member: member.map(str::to_string),
            },
        );
    }

    fn push_use(&mut self, module: &str, member: &str, from: usize, to: usize) {
        if self.out.uses.len() >= MAX_USES {
            return;
        }
        let (Some(a), Some(b)) = (self.toks.get(from), self.toks.get(to)) else {
            return;
        };
        // `f('x', ...)`: the first argument when it is a string literal.
        let first_arg = (self.punct(to + 1, b'('))
            .then(|| self.str_value(to + 2))
            .flatten();
        self.out.uses.push(Use {
            module: module.to_string(),
            member: member.to_string(),
            span: Span::new(a.start, b.end),
            first_arg,
        });
    }

    /// `import ... from 'm'` starting at token `i` (`import`); returns the next token to read.
    fn import_decl(&mut self, i: usize) -> usize {
        let mut j = i + 1;
        // `import 'm'`
        if self.is(j, Tok::Str) {
            self.push_import(j, ImportKind::Import);
            return j + 1;
        }
        // `import type { X } from 'm'`: types only, nothing runs.
        if self.s(j) == "type" && !self.punct(j + 1, b',') && self.s(j + 1) != "from" {
            return j + 1;
        }
        let mut names: Vec<(String, Option<String>)> = Vec::new();
        // Bounded: an import clause is short; give up past 512 tokens.
        let limit = (j + 512).min(self.toks.len());
        while j < limit {
            if self.s(j) == "from" && self.is(j + 1, Tok::Str) {
                if let Some(m) = self.push_import(j + 1, ImportKind::Import) {
                    for (local, member) in names {
                        self.bind(&local, &m, member.as_deref());
                    }
                }
                return j + 2;
            }
            // TS `import x = require('m')`
            if self.punct(j, b'=') && self.s(j + 1) == "require" {
                return j;
            }
            if self.punct(j, b'*') && self.s(j + 1) == "as" {
                names.push((self.s(j + 2).to_string(), None));
                j += 3;
                continue;
            }
            if self.punct(j, b'{') {
                j = self.named(j + 1, limit, &mut names, "as");
                continue;
            }
            if self.is(j, Tok::Ident) && self.s(j) != "type" {
                names.push((self.s(j).to_string(), None));
            } else if !self.punct(j, b',') && !self.is(j, Tok::Ident) {
                return j;
            }
            j += 1;
        }
        j
    }

    /// `{ a, b as c, type d }` (or `{ a, b: c }` with `sep` ":"), from after the `{`; returns
    /// the index after the `}`.
    fn named(
        &self,
        mut j: usize,
        limit: usize,
        names: &mut Vec<(String, Option<String>)>,
        sep: &str,
    ) -> usize {
        while j < limit && !self.punct(j, b'}') {
            if self.is(j, Tok::Ident) || self.is(j, Tok::Str) {
                let mut imported = self.s(j).trim_matches(['"', '\'']).to_string();
                if imported == "type" && self.is(j + 1, Tok::Ident) && self.s(j + 1) != sep {
                    j += 1;
                    imported = self.s(j).to_string();
                }
                let local = if self.s(j + 1) == sep && self.is(j + 2, Tok::Ident) {
                    j += 2;
                    self.s(j).to_string()
                } else {
                    imported.clone()
                };
                names.push((local, Some(imported)));
            }
            j += 1;
        }
        j + 1
    }

    /// `require('m')` at token `i` (`require`): binds what it is assigned to.
    fn require(&mut self, i: usize) {
        let Some(m) = self.push_import(i + 2, ImportKind::Require) else {
            return;
        };
        // `require('m').member`
        if self.punct(i + 3, b')') && self.punct(i + 4, b'.') && self.is(i + 5, Tok::Ident) {
            let member = self.s(i + 5).to_string();
            self.push_use(&m, &member, i, i + 5);
            return;
        }
        if i < 2 || !self.punct(i - 1, b'=') {
            return;
        }
        // `x = require('m')`, `const x = require('m')`, `import x = require('m')`
        if self.is(i - 2, Tok::Ident) {
            let name = self.s(i - 2).to_string();
            self.bind(&name, &m, None);
            return;
        }
        // `const { a, b: c } = require('m')`: walk back to the `{`.
        if self.punct(i - 2, b'}') {
            let mut open = i - 2;
            let stop = open.saturating_sub(512);
            while open > stop && !self.punct(open, b'{') {
                open -= 1;
            }
            if self.punct(open, b'{') {
                let mut names = Vec::new();
                self.named(open + 1, i - 1, &mut names, ":");
                for (local, member) in names {
                    self.bind(&local, &m, member.as_deref());
                }
            }
        }
    }
}

/// Read a JavaScript or TypeScript file.
pub fn parse(text: &str) -> NodeSource {
    let mut r = Reader {
        text,
        toks: tokens(text),
        out: NodeSource::default(),
        bindings: HashMap::new(),
    };
    let n = r.toks.len();
    // First pass: loads and bindings (a binding may follow its first use in the file).
    let mut i = 0;
    while i < n {
        let after_dot = i > 0 && r.punct(i - 1, b'.');
        if r.is(i, Tok::Ident) && !after_dot {
            match r.s(i) {
                "import" if r.punct(i + 1, b'(') && r.is(i + 2, Tok::Str) => {
                    r.push_import(i + 2, ImportKind::Dynamic);
                }
                "import" if !r.punct(i + 1, b'.') && !r.punct(i + 1, b'(') => {
                    i = r.import_decl(i).max(i + 1);
                    continue;
                }
                "export" => {
                    // `export * from 'm'`, `export { a } from 'm'`
                    let stop = (i + 512).min(n);
                    let mut j = i + 1;
                    while j < stop && (r.punct(j, b'*') || r.punct(j, b'{') || r.s(j) == "as") {
                        if r.punct(j, b'{') {
                            while j < stop && !r.punct(j, b'}') {
                                j += 1;
                            }
                        } else if r.s(j) == "as" {
                            j += 1;
                        }
                        j += 1;
                    }
                    if r.s(j) == "from" && r.is(j + 1, Tok::Str) {
                        r.push_import(j + 1, ImportKind::Reexport);
                    }
                }
                "require" if r.punct(i + 1, b'(') && r.is(i + 2, Tok::Str) => r.require(i),
                _ => {}
            }
        }
        i += 1;
    }
    // Second pass: uses of what was bound, and of the `process` global.
    for i in 0..n {
        if r.out.uses.len() >= MAX_USES {
            break;
        }
        if !r.is(i, Tok::Ident) || (i > 0 && r.punct(i - 1, b'.')) {
            continue;
        }
        let name = r.s(i);
        let binding = match r.bindings.get(name) {
            Some(b) => b.clone(),
            None if name == "process" => Binding {
                module: "process".into(),
                member: None,
            },
            None => continue,
        };
        match binding.member {
            // `cp.exec`, `process.on`
            None if r.punct(i + 1, b'.') && r.is(i + 2, Tok::Ident) => {
                let member = r.s(i + 2).to_string();
                r.push_use(&binding.module, &member, i, i + 2);
            }
            // `exec(...)`, `new Worker(...)` for a named import.
            Some(member) if r.punct(i + 1, b'(') || (i > 0 && r.s(i - 1) == "new") => {
                r.push_use(&binding.module, &member, i, i);
            }
            _ => {}
        }
    }
    r.out
}

/// Whether a file looks minified or generated: long lines on average, which hand-written code
/// does not have. Such files are not lexed (a bundle repeats what its sources say).
pub fn looks_minified(text: &str) -> bool {
    let lines = text.bytes().filter(|b| *b == b'\n').count() + 1;
    text.len() > 4096 && text.len() / lines > 300
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"'use strict';
// const cp = require('child_process')
const cp = require('node:child_process');
const { Worker, isMainThread: main } = require("worker_threads");
import express from 'express';
import * as fs from 'fs/promises';
import { createServer as server } from 'net';
import type { Foo } from './types';
const s = "require('cluster')";
const t = `cluster ${ `nested ${"}"}` } require('dgram')`;
const re = /require\('x'\)/g, half = 10 / 2 / 1;
cp.exec(`convert ${s}`);
new Worker('./w.js');
await fs.writeFile('/tmp/x', re);
server(() => {}).listen(7000);
process.on('SIGTERM', () => process.exit(0));
const lazy = await import('sharp');
export { thing } from "./thing.js";
a.cp.exec('no');
"#;

    fn at(span: Span) -> &'static str {
        &SRC[span.start..span.end]
    }

    #[test]
    fn reads_loads_bindings_and_uses() {
        let f = parse(SRC);
        let specs: Vec<(&str, ImportKind)> = f
            .imports
            .iter()
            .map(|i| (i.spec.as_str(), i.kind))
            .collect();
        assert_eq!(
            specs,
            vec![
                ("node:child_process", ImportKind::Require),
                ("worker_threads", ImportKind::Require),
                ("express", ImportKind::Import),
                ("fs/promises", ImportKind::Import),
                ("net", ImportKind::Import),
                ("sharp", ImportKind::Dynamic),
                ("./thing.js", ImportKind::Reexport),
            ]
        );
        assert_eq!(at(f.imports[0].span), "'node:child_process'");
        let uses: Vec<(&str, &str, &str)> = f
            .uses
            .iter()
            .map(|u| (u.module.as_str(), u.member.as_str(), at(u.span)))
            .collect();
        assert_eq!(
            uses,
            vec![
                ("node:child_process", "exec", "cp.exec"),
                ("worker_threads", "Worker", "Worker"),
                ("fs/promises", "writeFile", "fs.writeFile"),
                ("net", "createServer", "server"),
                ("process", "on", "process.on"),
                ("process", "exit", "process.exit"),
            ]
        );
        assert_eq!(f.uses[4].first_arg.as_deref(), Some("SIGTERM"));
    }

    #[test]
    fn package_names() {
        assert_eq!(package_of("node:fs/promises"), Some("fs/promises"));
        assert_eq!(package_of("fs/promises"), Some("fs/promises"));
        assert_eq!(
            package_of("@aws-sdk/client-s3/dist"),
            Some("@aws-sdk/client-s3")
        );
        assert_eq!(package_of("lodash/get"), Some("lodash"));
        assert_eq!(package_of("./db"), None);
    }

    #[test]
    fn division_and_regex_are_told_apart() {
        let f =
            parse("const a = b / c; const d = e / require('x'); const r = (1) / 2 / require('y');");
        let specs: Vec<&str> = f.imports.iter().map(|i| i.spec.as_str()).collect();
        assert_eq!(specs, vec!["x", "y"]);
        let f = parse("if (/require\\('z'\\)/.test(s)) {}\nx = [/a/, /b'/]; require('w')");
        let specs: Vec<&str> = f.imports.iter().map(|i| i.spec.as_str()).collect();
        assert_eq!(specs, vec!["w"]);
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for t in [
            "",
            "`",
            "`${",
            "`${`${",
            "}}}}`",
            "/",
            "/[",
            "'\\",
            "require(",
            "require('",
            "import",
            "import {",
            "import { a as",
            "export {",
            "} = require('x')",
            "const { = require('x')",
            "é.é('x')",
            "/* never closed",
            "x = /a\\",
        ] {
            let _ = parse(t);
        }
        let deep = "`${".repeat(50_000);
        let _ = parse(&deep);
        assert!(looks_minified(&"a".repeat(10_000)));
        assert!(!looks_minified("const a = 1;\n"));
    }
}
