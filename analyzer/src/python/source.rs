//! Python source facts: the modules a file imports and the dotted names it calls
//! (`os.system(`), each with its span. A line lexer, not a parser: comments, string literals
//! and triple-quoted strings are skipped, so a word in a docstring is never a fact. Linear in
//! the text.

use crate::span::Span;

/// A module import or a dotted call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Use {
    /// `subprocess`, `os.path`, or for a call `os.system`.
    pub name: String,
    pub span: Span,
}

/// What one `.py` file uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PythonFacts {
    /// Every imported module (`import a.b`, `from a.b import c` -> `a.b`), and each name a
    /// `from` import takes (`a.b.c`).
    pub imports: Vec<Use>,
    /// Dotted calls on a name (`os.fork(`, `signal.signal(`), with an `import x as y` alias
    /// resolved to the module.
    pub calls: Vec<Use>,
}

/// Blank out comments and string literals (keeping offsets), so the rest can be searched.
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    out[i] = b' ';
                    i += 1;
                }
            }
            q @ (b'\'' | b'"') => {
                let triple = b.get(i..i + 3) == Some(&[q, q, q][..]);
                let close: &[u8] = if triple { &[q, q, q] } else { &[q] };
                let start = i;
                i += close.len();
                while i < b.len() {
                    if b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if !triple && b[i] == b'\n' {
                        break;
                    }
                    if b[i..].starts_with(close) {
                        i += close.len();
                        break;
                    }
                    i += 1;
                }
                let end = i.min(b.len());
                for c in out.iter_mut().take(end).skip(start) {
                    if *c != b'\n' {
                        *c = b' ';
                    }
                }
            }
            _ => i += 1,
        }
    }
    // Only ASCII bytes were replaced by spaces, and whole multi-byte characters are inside
    // strings or comments or untouched, so this is still UTF-8; fall back to blanking all.
    String::from_utf8(out).unwrap_or_else(|e| " ".repeat(e.as_bytes().len()))
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The dotted name starting at `i` (`a.b.c`), and where it ends.
fn dotted(s: &[u8], i: usize) -> (usize, usize) {
    let mut j = i;
    while j < s.len() && (is_ident(s[j]) || (s[j] == b'.' && j > i)) {
        j += 1;
    }
    while j > i && s[j - 1] == b'.' {
        j -= 1;
    }
    (i, j)
}

/// Read a file's imports and dotted calls.
pub fn facts(text: &str) -> PythonFacts {
    let code = code_only(text);
    let s = code.as_bytes();
    let mut f = PythonFacts::default();
    // `import signal as sg`: `sg.signal(` is `signal.signal(`.
    let mut aliases: Vec<(String, String)> = Vec::new();
    let mut line_start = 0;
    for line in code.split_inclusive('\n') {
        let lead = line.len() - line.trim_start().len();
        let t = line.trim_start();
        let at = line_start + lead;
        if let Some(rest) = t.strip_prefix("import ") {
            // `import a.b as c, d`
            let mut k = at + 7;
            for part in rest.split(',') {
                let skip = part.len() - part.trim_start().len();
                let (a, b) = dotted(s, k + skip);
                if b > a {
                    let module = code[a..b].to_string();
                    if let Some((_, alias)) = part.split_once(" as ") {
                        let alias = alias.trim();
                        if !alias.is_empty() && alias.bytes().all(is_ident) {
                            aliases.push((alias.to_string(), module.clone()));
                        }
                    }
                    f.imports.push(Use {
                        name: module,
                        span: Span::new(a, b),
                    });
                }
                k += part.len() + 1;
            }
        } else if let Some(rest) = t.strip_prefix("from ") {
            let skip = rest.len() - rest.trim_start().len();
            let (a, b) = dotted(s, at + 5 + skip);
            let after = &code[b..];
            let gap = after.len() - after.trim_start().len();
            if b > a && after.trim_start().starts_with("import") {
                let module = code[a..b].to_string();
                f.imports.push(Use {
                    name: module.clone(),
                    span: Span::new(a, b),
                });
                // `from a import b, c as d`: each name as `a.b` at its own span (on this line;
                // a parenthesised list is read up to its first line's end).
                let names_at = b + gap + "import".len();
                let line_end = code[names_at..]
                    .find('\n')
                    .map_or(code.len(), |e| names_at + e);
                let mut k = names_at;
                for part in code[names_at..line_end].split(',') {
                    let lead = part
                        .find(|c: char| !(c.is_whitespace() || c == '('))
                        .unwrap_or(part.len());
                    let (x, y) = dotted(s, (k + lead).min(line_end));
                    if y > x && y <= line_end {
                        let full = format!("{module}.{}", &code[x..y]);
                        // `from concurrent import futures [as f]`: `f.X(` is `concurrent.futures.X(`.
                        let local = part
                            .split_once(" as ")
                            .map_or(&code[x..y], |(_, a)| a.trim().trim_end_matches(')'));
                        if !local.is_empty() && local.bytes().all(is_ident) {
                            aliases.push((local.to_string(), full.clone()));
                        }
                        f.imports.push(Use {
                            name: full,
                            span: Span::new(x, y),
                        });
                    }
                    k += part.len() + 1;
                }
            }
        }
        line_start += line.len();
    }
    // Dotted calls: `name.attr(` where `name` starts an identifier.
    let mut i = 0;
    while i < s.len() {
        if is_ident(s[i]) && (i == 0 || !(is_ident(s[i - 1]) || s[i - 1] == b'.')) {
            let (a, b) = dotted(s, i);
            let name = &code[a..b];
            let mut k = b;
            while k < s.len() && s[k] == b' ' {
                k += 1;
            }
            if name.contains('.') && s.get(k) == Some(&b'(') {
                let (head, tail) = name.split_once('.').unwrap_or((name, ""));
                let name = aliases
                    .iter()
                    .find(|(alias, _)| alias == head)
                    .map_or(name.to_string(), |(_, module)| format!("{module}.{tail}"));
                f.calls.push(Use {
                    name,
                    span: Span::new(a, b),
                });
            }
            i = b.max(i + 1);
        } else {
            i += 1;
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_and_calls_with_spans_skipping_comments_and_strings() {
        let text = "\"\"\"Docs: import subprocess here is prose.\"\"\"\nimport os, signal as sg\nfrom concurrent.futures import ThreadPoolExecutor\nfrom concurrent import futures\nfutures.ProcessPoolExecutor()\n# os.fork() in a comment\nx = 'os.system(1)'\nos.system(\"ls\")\nsg.signal(sg.SIGTERM, h)\n";
        let f = facts(text);
        let imports: Vec<_> = f.imports.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(
            imports,
            [
                "os",
                "signal",
                "concurrent.futures",
                "concurrent.futures.ThreadPoolExecutor",
                "concurrent",
                "concurrent.futures"
            ]
        );
        let calls: Vec<_> = f.calls.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(
            calls,
            [
                "concurrent.futures.ProcessPoolExecutor",
                "os.system",
                "signal.signal"
            ]
        );
        let c = &f.calls[1];
        assert_eq!(&text[c.span.start..c.span.end], "os.system");
    }

    #[test]
    fn unterminated_strings_and_non_ascii_do_not_panic() {
        let f = facts("s = '''never closed\nimport subprocess\n");
        assert!(f.imports.is_empty());
        let f = facts("é = \"ünï\"\nimport json\n");
        assert_eq!(f.imports[0].name, "json");
    }
}
