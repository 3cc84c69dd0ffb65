//! `go.mod`: the module path, the `go` and `toolchain` lines, `require` (with `// indirect`) and
//! `replace` directives, each with its byte span. Line-based and bounded; never fails: a line it
//! does not understand is skipped.

use crate::span::Span;

/// At most this many `require` / `replace` entries are kept: a real go.mod has a few hundred.
pub const MAX_ENTRIES: usize = 10_000;

/// A parsed `go.mod`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GoMod {
    /// The module path and the span of the path.
    pub module: Option<(String, Span)>,
    /// `go 1.22`: the language version and its span.
    pub go_version: Option<(String, Span)>,
    /// `toolchain go1.23.1`.
    pub toolchain: Option<(String, Span)>,
    pub requires: Vec<Require>,
    pub replaces: Vec<Replace>,
}

/// One required module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Require {
    pub path: String,
    pub version: String,
    /// Marked `// indirect`: a dependency of a dependency.
    pub indirect: bool,
    /// The module path as written.
    pub span: Span,
}

/// `replace old [v] => new [v]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replace {
    pub old: String,
    pub new: String,
    pub new_version: Option<String>,
    pub span: Span,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    None,
    Require,
    Replace,
    /// `exclude (`, `retract (`, `tool (`, `godebug (`...: read past, not kept.
    Other,
}

/// Parse a go.mod. Offsets in spans are into `text`.
pub fn parse(text: &str) -> GoMod {
    let mut out = GoMod::default();
    let mut block = Block::None;
    let mut offset = 0usize;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let (code, comment) = match raw.find("//") {
            Some(i) => (&raw[..i], &raw[i + 2..]),
            None => (raw, ""),
        };
        let indirect = comment.trim().starts_with("indirect");
        let words = words(code, start);
        let Some((first, _)) = words.first() else {
            continue;
        };
        if block != Block::None {
            if *first == ")" {
                block = Block::None;
                continue;
            }
            match block {
                Block::Require => push_require(&mut out, &words, indirect),
                Block::Replace => push_replace(&mut out, &words),
                _ => {}
            }
            continue;
        }
        let rest = &words[1..];
        let opens = rest.first().is_some_and(|(w, _)| *w == "(");
        match *first {
            "module" => {
                if let Some((w, s)) = rest.first() {
                    out.module.get_or_insert((unquote(w).to_string(), *s));
                }
            }
            "go" => {
                if let Some((w, s)) = rest.first() {
                    out.go_version.get_or_insert((w.to_string(), *s));
                }
            }
            "toolchain" => {
                if let Some((w, s)) = rest.first() {
                    out.toolchain.get_or_insert((w.to_string(), *s));
                }
            }
            "require" if opens => block = Block::Require,
            "require" => push_require(&mut out, rest, indirect),
            "replace" if opens => block = Block::Replace,
            "replace" => push_replace(&mut out, rest),
            _ if opens => block = Block::Other,
            _ => {}
        }
    }
    out
}

fn push_require(out: &mut GoMod, words: &[(&str, Span)], indirect: bool) {
    if out.requires.len() >= MAX_ENTRIES {
        return;
    }
    if let [(path, span), (version, _), ..] = words {
        out.requires.push(Require {
            path: unquote(path).to_string(),
            version: unquote(version).to_string(),
            indirect,
            span: *span,
        });
    }
}

fn push_replace(out: &mut GoMod, words: &[(&str, Span)]) {
    if out.replaces.len() >= MAX_ENTRIES {
        return;
    }
    let Some(arrow) = words.iter().position(|(w, _)| *w == "=>") else {
        return;
    };
    let (Some((old, span)), Some((new, _))) = (words.first(), words.get(arrow + 1)) else {
        return;
    };
    out.replaces.push(Replace {
        old: unquote(old).to_string(),
        new: unquote(new).to_string(),
        new_version: words.get(arrow + 2).map(|(v, _)| unquote(v).to_string()),
        span: *span,
    });
}

/// Whitespace-separated words of a line with their spans (`(` and `)` split off on their own).
fn words(line: &str, base: usize) -> Vec<(&str, Span)> {
    let mut out = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b == b'(' || b == b')' {
            out.push((&line[i..i + 1], Span::new(base + i, base + i + 1)));
            i += 1;
            continue;
        }
        let s = i;
        if b == b'"' || b == b'`' {
            // A quoted module path; an unterminated quote ends at the line's end.
            i += 1;
            while i < bytes.len() && bytes[i] != b {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(bytes.len());
        } else {
            while i < bytes.len()
                && !bytes[i].is_ascii_whitespace()
                && bytes[i] != b'('
                && bytes[i] != b')'
            {
                i += 1;
            }
        }
        out.push((&line[s..i], Span::new(base + s, base + i)));
    }
    out
}

fn unquote(w: &str) -> &str {
    w.trim_matches(|c| c == '"' || c == '`')
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOD: &str = "// the shop\nmodule github.com/acme/shop\n\ngo 1.22\ntoolchain go1.23.1\n\nrequire github.com/lib/pq v1.10.9\n\nrequire (\n\tgithub.com/mattn/go-sqlite3 v1.14.22\n\tgolang.org/x/sys v0.20.0 // indirect\n)\n\nexclude (\n\tgithub.com/bad/mod v1.0.0\n)\n\nreplace github.com/old/x => ../x\nreplace (\n\tgithub.com/a/b v1.0.0 => github.com/c/b v1.1.0\n)\n";

    #[test]
    fn reads_every_directive_with_spans() {
        let m = parse(MOD);
        let (module, span) = m.module.clone().unwrap();
        assert_eq!(module, "github.com/acme/shop");
        assert_eq!(&MOD[span.start..span.end], "github.com/acme/shop");
        assert_eq!(m.go_version.as_ref().unwrap().0, "1.22");
        assert_eq!(m.toolchain.as_ref().unwrap().0, "go1.23.1");
        let paths: Vec<(&str, bool)> = m
            .requires
            .iter()
            .map(|r| (r.path.as_str(), r.indirect))
            .collect();
        assert_eq!(
            paths,
            vec![
                ("github.com/lib/pq", false),
                ("github.com/mattn/go-sqlite3", false),
                ("golang.org/x/sys", true)
            ]
        );
        let r = &m.requires[1];
        assert_eq!(
            &MOD[r.span.start..r.span.end],
            "github.com/mattn/go-sqlite3"
        );
        assert_eq!(r.version, "v1.14.22");
        assert_eq!(m.replaces.len(), 2);
        assert_eq!(m.replaces[0].new, "../x");
        assert_eq!(m.replaces[1].new_version.as_deref(), Some("v1.1.0"));
    }

    #[test]
    fn excluded_modules_and_comments_are_not_requires() {
        let m = parse(
            "module x\n// require github.com/lib/pq v1\nexclude (\n github.com/lib/pq v1.0.0\n)\n",
        );
        assert!(m.requires.is_empty());
    }

    #[test]
    fn garbage_does_not_panic() {
        for t in [
            "require (",
            "module",
            "replace a =>",
            "\"unterminated",
            "require \"a\\",
            ")))",
        ] {
            let _ = parse(t);
        }
        let m = parse("module \"quoted/mod\"\n");
        assert_eq!(m.module.unwrap().0, "quoted/mod");
    }
}
