//! Go source files: the imports (with byte spans), the cgo preamble's `#cgo` directives, and the
//! uses of each imported package (`exec.Command`, `net.Listen`, `signal.Notify`...).
//!
//! A small bounded lexer, not a parser: it skips comments, interpreted and raw strings and rune
//! literals, so text inside them never becomes a fact. It reads the import declarations at the
//! top of the file, then every `name.Member` selector whose `name` is an imported package's local
//! name. It never panics and keeps at most [`MAX_IMPORTS`] imports and [`MAX_USES`] uses per
//! file.

use crate::span::Span;

/// Imports kept per file.
pub const MAX_IMPORTS: usize = 1_000;
/// Package uses kept per file (the first ones locate a problem; the rest would repeat it).
pub const MAX_USES: usize = 4_096;

/// The facts of one Go source file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GoSource {
    /// `package main` (the package clause's name), when found.
    pub package: Option<String>,
    pub imports: Vec<Import>,
    /// `#cgo` lines of the comment right before `import "C"`.
    pub cgo_directives: Vec<Span>,
    pub uses: Vec<Use>,
}

/// One import spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub path: String,
    /// The name it is used by in the file: the alias, or the path's last element (without a
    /// `/vN` major-version suffix or a `.vN` gopkg.in suffix). `_` and `.` imports are kept.
    pub local: String,
    /// The quoted path as written.
    pub span: Span,
}

/// `pkg.Member` where `pkg` is an imported package's local name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Use {
    /// Index into [`GoSource::imports`].
    pub import: usize,
    pub member: String,
    /// `pkg.Member` as written.
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Ident,
    /// An interpreted or raw string literal.
    Str,
    Punct(u8),
    /// A comment (line or block).
    Comment,
    Other,
}

/// A token with its span.
#[derive(Clone, Copy, Debug)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

struct Lexer<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Lexer<'a> {
    /// The next token, comments included; `None` at the end.
    fn next(&mut self) -> Option<Token> {
        let b = self.b;
        while self.i < b.len() && b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
        let start = self.i;
        let c = *b.get(self.i)?;
        let tok = match c {
            b'/' if b.get(self.i + 1) == Some(&b'/') => {
                self.i = find(b, self.i, b"\n").unwrap_or(b.len());
                Tok::Comment
            }
            b'/' if b.get(self.i + 1) == Some(&b'*') => {
                self.i = find(b, self.i + 2, b"*/").map_or(b.len(), |e| e + 2);
                Tok::Comment
            }
            b'"' | b'\'' => {
                self.i += 1;
                while self.i < b.len() && b[self.i] != c && b[self.i] != b'\n' {
                    self.i += if b[self.i] == b'\\' { 2 } else { 1 };
                }
                self.i = (self.i + 1).min(b.len());
                if c == b'"' { Tok::Str } else { Tok::Other }
            }
            b'`' => {
                self.i = find(b, self.i + 1, b"`").map_or(b.len(), |e| e + 1);
                Tok::Str
            }
            c if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => {
                while self.i < b.len()
                    && (b[self.i] == b'_' || b[self.i].is_ascii_alphanumeric() || b[self.i] >= 0x80)
                {
                    self.i += 1;
                }
                Tok::Ident
            }
            c if c.is_ascii_digit() => {
                while self.i < b.len() && (b[self.i].is_ascii_alphanumeric() || b[self.i] == b'_') {
                    self.i += 1;
                }
                Tok::Other
            }
            c => {
                self.i += 1;
                Tok::Punct(c)
            }
        };
        Some(Token {
            tok,
            start,
            end: self.i,
        })
    }
}

/// The first index at or after `from` where `needle` starts.
fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Tokens without comments; remembers the last comment seen (a cgo preamble).
struct Toks<'a> {
    lx: Lexer<'a>,
    last_comment: Option<Token>,
}

impl Toks<'_> {
    fn next(&mut self) -> Option<Token> {
        loop {
            let t = self.lx.next()?;
            if t.tok != Tok::Comment {
                return Some(t);
            }
            // Consecutive `//` lines form one comment group (a cgo preamble is often one).
            let joined = self.last_comment.filter(|p| {
                self.lx.b.get(p.end..t.start).is_some_and(|gap| {
                    gap.iter().all(u8::is_ascii_whitespace)
                        && gap.iter().filter(|b| **b == b'\n').count() <= 1
                })
            });
            self.last_comment = Some(match joined {
                Some(p) => Token {
                    start: p.start,
                    ..t
                },
                None => t,
            });
        }
    }
}

/// Read a Go source file.
pub fn parse(text: &str) -> GoSource {
    let mut out = GoSource::default();
    let mut ts = Toks {
        lx: Lexer {
            b: text.as_bytes(),
            i: 0,
        },
        last_comment: None,
    };
    let slice = |t: &Token| text.get(t.start..t.end).unwrap_or("");
    // Header: `package name`, then import declarations.
    let mut tok = ts.next();
    if let Some(t) = tok
        && slice(&t) == "package"
    {
        out.package = ts
            .next()
            .filter(|n| n.tok == Tok::Ident)
            .map(|n| slice(&n).to_string());
        ts.last_comment = None;
        tok = ts.next();
    }
    let mut body_start = None;
    while let Some(t) = tok {
        match (t.tok, slice(&t)) {
            (Tok::Punct(b';'), _) => {}
            (Tok::Ident, "import") => {
                let preamble = ts.last_comment.take();
                let Some(n) = ts.next() else {
                    break;
                };
                if n.tok == Tok::Punct(b'(') {
                    while let Some(s) = ts.next() {
                        match s.tok {
                            Tok::Punct(b')') => break,
                            Tok::Punct(b';') => {}
                            _ => import_spec(text, &mut out, s, &mut ts, preamble),
                        }
                    }
                } else {
                    import_spec(text, &mut out, n, &mut ts, preamble);
                }
            }
            _ => {
                body_start = Some(t);
                break;
            }
        }
        ts.last_comment = None;
        tok = ts.next();
    }
    if out.imports.is_empty() {
        return out;
    }
    // Body: `name.Member` where `name` is an import's local name.
    let mut prev: [Option<Token>; 2] = [None, body_start];
    while let Some(t) = ts.next() {
        if out.uses.len() >= MAX_USES {
            break;
        }
        if t.tok == Tok::Ident
            && let [Some(p), Some(dot)] = prev
            && dot.tok == Tok::Punct(b'.')
            && p.tok == Tok::Ident
            && dot.start == p.end
            && let Some(i) = out.imports.iter().position(|im| im.local == slice(&p))
            // `x.pkg.Member` is a field, not the package: the token before `pkg` is not a `.`.
            && !preceded_by_dot(text, p.start)
        {
            out.uses.push(Use {
                import: i,
                member: slice(&t).to_string(),
                span: Span::new(p.start, t.end),
            });
        }
        prev = [prev[1], Some(t)];
    }
    out
}

/// True when the last non-blank byte before `at` is a `.`.
fn preceded_by_dot(text: &str, at: usize) -> bool {
    text.as_bytes()
        .get(..at)
        .and_then(|b| b.iter().rev().find(|b| !b.is_ascii_whitespace()))
        == Some(&b'.')
}

/// One import spec starting at `first`: `[name] "path"`.
fn import_spec(
    text: &str,
    out: &mut GoSource,
    first: Token,
    ts: &mut Toks<'_>,
    preamble: Option<Token>,
) {
    let (alias, path_tok) = match first.tok {
        Tok::Str => (None, first),
        Tok::Ident | Tok::Punct(b'.') => match ts.next() {
            Some(p) if p.tok == Tok::Str => (text.get(first.start..first.end), p),
            _ => return,
        },
        _ => return,
    };
    let raw = text.get(path_tok.start..path_tok.end).unwrap_or("");
    let path = raw.trim_matches(|c| c == '"' || c == '`').to_string();
    if path == "C" {
        // The preamble is the comment right before `import "C"` (or before its group).
        if let Some(c) = ts.last_comment.take().or(preamble) {
            cgo_lines(text, c, &mut out.cgo_directives);
        }
    }
    if out.imports.len() >= MAX_IMPORTS {
        return;
    }
    let local = alias.map_or_else(|| default_name(&path), str::to_string);
    out.imports.push(Import {
        path,
        local,
        span: Span::new(path_tok.start, path_tok.end),
    });
}

/// The `#cgo` lines of a preamble comment.
fn cgo_lines(text: &str, c: Token, out: &mut Vec<Span>) {
    let Some(body) = text.get(c.start..c.end) else {
        return;
    };
    let mut off = c.start;
    for line in body.split_inclusive('\n') {
        let t = line.trim_start_matches(|ch: char| ch == '/' || ch == '*' || ch.is_whitespace());
        if t.starts_with("#cgo ") && out.len() < MAX_IMPORTS {
            let s = off + (line.len() - t.len());
            out.push(Span::new(s, off + line.trim_end().len()));
        }
        off += line.len();
    }
}

/// The name a package is used by when imported without an alias.
pub fn default_name(path: &str) -> String {
    let mut segs = path.rsplit('/');
    let mut last = segs.next().unwrap_or(path);
    // `github.com/x/y/v2` is package `y`.
    if last.len() > 1
        && last.starts_with('v')
        && last[1..].bytes().all(|b| b.is_ascii_digit())
        && let Some(prev) = segs.next()
    {
        last = prev;
    }
    // `gopkg.in/yaml.v3` is package `yaml`.
    let last = match last.rsplit_once(".v") {
        Some((name, v)) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => last,
    };
    // `github.com/mattn/go-sqlite3` is package `sqlite3` by convention.
    last.strip_prefix("go-").unwrap_or(last).replace('-', "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"// Package main is the api.
package main

/*
#cgo LDFLAGS: -lsqlite3
#include <sqlite3.h>
*/
import "C"

import (
	"fmt"
	"net/http"
	osexec "os/exec"
	_ "github.com/lib/pq"
	"gopkg.in/yaml.v3"
)

func main() {
	// exec.Command("not", "a", "fact")
	s := "osexec.Command(`nope`)"
	r := `osexec.Command("raw")`
	_ = '"'
	cmd := osexec.Command("convert", s, r)
	fmt.Println(cmd, yaml.Marshal)
	http.ListenAndServe(":8080", nil)
}
"#;

    fn at(span: Span) -> &'static str {
        &SRC[span.start..span.end]
    }

    #[test]
    fn reads_imports_cgo_and_uses() {
        let g = parse(SRC);
        assert_eq!(g.package.as_deref(), Some("main"));
        let paths: Vec<(&str, &str)> = g
            .imports
            .iter()
            .map(|i| (i.path.as_str(), i.local.as_str()))
            .collect();
        assert_eq!(
            paths,
            vec![
                ("C", "C"),
                ("fmt", "fmt"),
                ("net/http", "http"),
                ("os/exec", "osexec"),
                ("github.com/lib/pq", "_"),
                ("gopkg.in/yaml.v3", "yaml"),
            ]
        );
        assert_eq!(at(g.imports[3].span), "\"os/exec\"");
        assert_eq!(g.cgo_directives.len(), 1);
        assert_eq!(at(g.cgo_directives[0]), "#cgo LDFLAGS: -lsqlite3");
        let uses: Vec<&str> = g.uses.iter().map(|u| at(u.span)).collect();
        // Comments, strings, raw strings and rune literals produce nothing.
        assert_eq!(
            uses,
            vec![
                "osexec.Command",
                "fmt.Println",
                "yaml.Marshal",
                "http.ListenAndServe"
            ]
        );
    }

    #[test]
    fn imports_in_comments_and_strings_are_not_facts() {
        let g = parse("package x\n// import \"os/exec\"\nvar s = \"import \\\"C\\\"\"\n");
        assert!(g.imports.is_empty());
        assert!(g.cgo_directives.is_empty());
    }

    #[test]
    fn default_names() {
        assert_eq!(default_name("github.com/redis/go-redis/v9"), "redis");
        assert_eq!(default_name("golang.org/x/sys/unix"), "unix");
        assert_eq!(default_name("gopkg.in/yaml.v3"), "yaml");
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for t in [
            "",
            "package",
            "package main\nimport",
            "package main\nimport (",
            "import \"C",
            "/* never closed",
            "package é\nimport é \"x\"\nfunc f() { é.x }",
            "\"\\",
            "`",
            "x.",
            "package p\nimport \"a\"\n a.\u{301}b a . b",
        ] {
            let _ = parse(t);
        }
    }
}
