//! setuptools metadata read statically: `[options] install_requires` of a `setup.cfg`, and the
//! literal list a `setup.py` passes to `setup(install_requires=...)` (directly, or through a
//! module-level name it assigns once). A `setup.py` is never executed: a list it computes
//! (a call, a comprehension, a concatenation, an imported name) is reported as not read.

use crate::dockerfile::Requirement;
use crate::span::Span;

use super::project::{normalise, pep508_name};

/// What a `setup.py` says about its dependencies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetupPy {
    /// `install_requires` is a literal list (or absent: no dependencies).
    Read(Vec<Requirement>),
    /// The list is computed or cannot be found without running the file: where, and why.
    Unread { span: Span, why: String },
}

/// Environment-marker names: after a `;` in a one-line `install_requires`, not packages.
const MARKERS: &[&str] = &[
    "python_version",
    "python_full_version",
    "os_name",
    "sys_platform",
    "platform_release",
    "platform_system",
    "platform_version",
    "platform_machine",
    "platform_python_implementation",
    "implementation_name",
    "implementation_version",
    "extra",
];

fn requirement(text: &str, at: usize) -> Option<Requirement> {
    let lead = text.len() - text.trim_start().len();
    let name = pep508_name(text.trim_start());
    (!name.is_empty() && !MARKERS.contains(&name)).then(|| Requirement {
        name: normalise(name),
        span: Span::new(at + lead, at + lead + name.len()),
    })
}

/// `install_requires` of a `setup.cfg`'s `[options]` section: a dangling list (one requirement
/// per indented line) or a one-line value separated by `;`. A `file:` value names other files:
/// they come back separately (not followed here).
pub fn setup_cfg(text: &str) -> (Vec<Requirement>, Vec<(String, Span)>) {
    let mut out = Vec::new();
    let mut files = Vec::new();
    let mut section = String::new();
    let mut active = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end();
        let t = body.trim_start();
        if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        let indented = body.len() > t.len();
        if indented {
            if active {
                let code = t.split(" #").next().unwrap_or("");
                out.extend(requirement(code, start + (body.len() - t.len())));
            }
            continue;
        }
        active = false;
        if t.starts_with('[') {
            section = t.trim_matches(['[', ']']).trim().to_ascii_lowercase();
            continue;
        }
        let Some(eq) = t.find(['=', ':']) else {
            continue;
        };
        let key = t[..eq].trim().to_ascii_lowercase().replace('-', "_");
        if section != "options" || key != "install_requires" {
            continue;
        }
        active = true;
        let value = &t[eq + 1..];
        let mut at = start + (body.len() - t.len()) + eq + 1;
        if let Some(paths) = value.trim_start().strip_prefix("file:") {
            let base = at + (value.len() - value.trim_start().len()) + "file:".len();
            let mut pos = 0;
            for p in paths.split(',') {
                let name = p.trim();
                if !name.is_empty() {
                    let s = base + pos + (p.len() - p.trim_start().len());
                    files.push((name.to_string(), Span::new(s, s + name.len())));
                }
                pos += p.len() + 1;
            }
            continue;
        }
        for part in value.split(';') {
            out.extend(requirement(part, at));
            at += part.len() + 1;
        }
    }
    (out, files)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Name,
    /// A string literal; `true` when it is an f-string (computed).
    Str(bool),
    Op(u8),
    Newline,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    tok: Tok,
    span: Span,
}

/// Python tokens, enough to find calls and literal lists: names, string literals (the span is
/// the body between the quotes), single-byte operators and newlines. Comments are dropped.
fn tokens(text: &str) -> Vec<Token> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => {
                out.push(Token {
                    tok: Tok::Newline,
                    span: Span::new(i, i + 1),
                });
                i += 1;
            }
            b' ' | b'\t' | b'\r' | b'\x0c' => i += 1,
            b'\\' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'\'' | b'"' => i = string(b, i, false, &mut out),
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80)
                {
                    i += 1;
                }
                let word = &text[start..i];
                // A string prefix (`r"..."`, `f'...'`, `rb"..."`) glued to its quote.
                if word.len() <= 2
                    && word.bytes().all(|c| b"rRbBuUfF".contains(&c))
                    && matches!(b.get(i), Some(b'\'' | b'"'))
                {
                    let f = word.bytes().any(|c| c == b'f' || c == b'F');
                    i = string(b, i, f, &mut out);
                } else {
                    out.push(Token {
                        tok: Tok::Name,
                        span: Span::new(start, i),
                    });
                }
            }
            c if c.is_ascii_digit() => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_')
                {
                    i += 1;
                }
                out.push(Token {
                    tok: Tok::Name,
                    span: Span::new(start, i),
                });
            }
            c => {
                out.push(Token {
                    tok: Tok::Op(c),
                    span: Span::new(i, i + 1),
                });
                i += 1;
            }
        }
    }
    out
}

/// One string literal starting at the quote `b[i]`; returns the index after it.
fn string(b: &[u8], mut i: usize, f: bool, out: &mut Vec<Token>) -> usize {
    let q = b[i];
    let triple = b.get(i..i + 3) == Some(&[q, q, q][..]);
    let close: &[u8] = if triple { &[q, q, q] } else { &[q] };
    i += close.len();
    let body = i;
    let mut end = b.len();
    while i < b.len() {
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if !triple && b[i] == b'\n' {
            end = i;
            break;
        }
        if b[i..].starts_with(close) {
            end = i;
            i += close.len();
            break;
        }
        i += 1;
    }
    let i = i.min(b.len());
    out.push(Token {
        tok: Tok::Str(f),
        span: Span::new(body, end.min(b.len()).max(body)),
    });
    i
}

/// The requirements of a literal list or tuple opening at `toks[i]`, and the index after its
/// close; `None` when anything in it is not a plain string.
fn literal_list(text: &str, toks: &[Token], i: usize) -> Option<(Vec<Requirement>, usize)> {
    let close = match toks.get(i)?.tok {
        Tok::Op(b'[') => b']',
        Tok::Op(b'(') => b')',
        _ => return None,
    };
    let mut out = Vec::new();
    let mut after_item = false;
    let mut j = i + 1;
    while let Some(t) = toks.get(j) {
        match t.tok {
            Tok::Op(c) if c == close => return Some((out, j + 1)),
            Tok::Op(b',') if after_item => after_item = false,
            Tok::Newline => {}
            Tok::Str(false) if !after_item => {
                let body = &text[t.span.start..t.span.end];
                if !body.contains('\\') {
                    out.extend(requirement(body, t.span.start));
                }
                after_item = true;
            }
            _ => return None,
        }
        j += 1;
    }
    None
}

fn next_code(toks: &[Token], mut j: usize) -> Option<Token> {
    while let Some(t) = toks.get(j) {
        if t.tok != Tok::Newline {
            return Some(*t);
        }
        j += 1;
    }
    None
}

fn is_name(text: &str, t: Option<&Token>, name: &str) -> bool {
    t.is_some_and(|t| t.tok == Tok::Name && &text[t.span.start..t.span.end] == name)
}

/// The dependencies a `setup.py` declares, read without running it.
pub fn setup_py(text: &str) -> SetupPy {
    let toks = tokens(text);
    // `setup(` or `setuptools.setup(`, not `def setup(`.
    let call = (0..toks.len()).find(|&i| {
        is_name(text, toks.get(i), "setup")
            && toks.get(i + 1).is_some_and(|t| t.tok == Tok::Op(b'('))
            && !(i > 0 && is_name(text, toks.get(i - 1), "def"))
    });
    let Some(call) = call else {
        return SetupPy::Unread {
            span: Span::default(),
            why: "no `setup(...)` call was found".into(),
        };
    };
    let unread = |t: &Token, why: &str| SetupPy::Unread {
        span: t.span,
        why: why.to_string(),
    };
    // The call's top-level arguments: `install_requires=` or a `**kwargs` splat.
    let mut depth = 1usize;
    let mut arg_start = true;
    let mut j = call + 2;
    while let Some(t) = toks.get(j) {
        match t.tok {
            Tok::Op(b'(' | b'[' | b'{') => depth += 1,
            Tok::Op(b')' | b']' | b'}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return SetupPy::Read(Vec::new());
                }
            }
            Tok::Op(b',') if depth == 1 => {
                arg_start = true;
                j += 1;
                continue;
            }
            Tok::Newline => {
                j += 1;
                continue;
            }
            Tok::Op(b'*') if depth == 1 && arg_start => {
                return unread(
                    &toks[call],
                    "its arguments come from a `*`/`**` splat, which only running it would tell",
                );
            }
            Tok::Name
                if depth == 1
                    && arg_start
                    && &text[t.span.start..t.span.end] == "install_requires"
                    && toks.get(j + 1).is_some_and(|n| n.tok == Tok::Op(b'=')) =>
            {
                return install_requires(text, &toks, j + 2, t);
            }
            _ => {}
        }
        arg_start = false;
        j += 1;
    }
    unread(&toks[call], "its `setup(` call does not end")
}

/// The value of `install_requires=` starting at `toks[v]`.
fn install_requires(text: &str, toks: &[Token], v: usize, key: &Token) -> SetupPy {
    let computed = SetupPy::Unread {
        span: key.span,
        why: "`install_requires` is computed, and a setup.py is never run".into(),
    };
    let ends_arg =
        |j: usize| next_code(toks, j).is_none_or(|t| matches!(t.tok, Tok::Op(b',' | b')')));
    if let Some((reqs, after)) = literal_list(text, toks, v) {
        return if ends_arg(after) {
            SetupPy::Read(reqs)
        } else {
            computed
        };
    }
    let Some(name) = toks.get(v).filter(|t| t.tok == Tok::Name) else {
        return computed;
    };
    if !ends_arg(v + 1) {
        return computed;
    }
    let ident = &text[name.span.start..name.span.end];
    // A module-level `NAME = [...]` (at column 0), assigned once and never changed in place.
    let mut found = None;
    for (i, t) in toks.iter().enumerate() {
        if !is_name(text, Some(t), ident) {
            continue;
        }
        let next = toks.get(i + 1).map(|n| n.tok);
        let at_col0 = t.span.start == 0 || text.as_bytes()[t.span.start - 1] == b'\n';
        let assign =
            next == Some(Tok::Op(b'=')) && toks.get(i + 2).map(|n| n.tok) != Some(Tok::Op(b'='));
        if assign && at_col0 {
            if found.is_some() {
                return computed;
            }
            found = Some(i + 2);
        } else if matches!(next, Some(Tok::Op(b'+' | b'.' | b'|' | b'-' | b'[')))
            || (assign && !at_col0)
        {
            // `NAME += [...]`, `NAME.append(...)`, `NAME[0] = ...`: changed after the literal.
            return computed;
        }
    }
    let Some(start) = found else {
        return SetupPy::Unread {
            span: name.span,
            why: format!(
                "`install_requires={ident}` names a list that is not assigned in the file"
            ),
        };
    };
    match literal_list(text, toks, start) {
        Some((reqs, after)) if toks.get(after).is_none_or(|t| t.tok == Tok::Newline) => {
            SetupPy::Read(reqs)
        }
        _ => SetupPy::Unread {
            span: name.span,
            why: format!(
                "`{ident}`, passed as `install_requires`, is computed, and a setup.py is never run"
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str, reqs: &[Requirement]) -> Vec<String> {
        reqs.iter()
            .map(|r| format!("{}@{}", r.name, &text[r.span.start..r.span.end]))
            .collect()
    }

    #[test]
    fn setup_cfg_dangling_and_one_line_lists() {
        let text = "[metadata]\nname = svc\n\n[options]\npackages = find:\ninstall_requires =\n    Flask>=3  # web\n    numpy; python_version > \"3.9\"\n\n    # comment\n    psycopg2_binary\npython_requires = >=3.9\n\n[options.extras_require]\ndev =\n    pytest\n";
        let (reqs, files) = setup_cfg(text);
        assert_eq!(
            names(text, &reqs),
            [
                "flask@Flask",
                "numpy@numpy",
                "psycopg2-binary@psycopg2_binary"
            ]
        );
        assert!(files.is_empty());
        let one = "[options]\ninstall_requires = requests; lxml ; python_version<'3.12'\n";
        assert_eq!(
            names(one, &setup_cfg(one).0),
            ["requests@requests", "lxml@lxml"]
        );
        let f = "[options]\ninstall_requires = file: requirements.in\n";
        let (reqs, files) = setup_cfg(f);
        assert!(reqs.is_empty());
        assert_eq!(files[0].0, "requirements.in");
        assert_eq!(&f[files[0].1.start..files[0].1.end], "requirements.in");
    }

    #[test]
    fn setup_py_literal_and_named_lists() {
        let direct = "from setuptools import setup\nsetup(\n    name='svc',\n    install_requires=[\n        'Flask>=3',  # web\n        \"numpy\",\n    ],\n    extras_require={'dev': ['pytest']},\n)\n";
        let SetupPy::Read(r) = setup_py(direct) else {
            panic!("not read")
        };
        assert_eq!(names(direct, &r), ["flask@Flask", "numpy@numpy"]);

        let named = "import setuptools\n\nREQUIRES = (\n    'lxml',\n)\n\ndef setup():\n    pass\n\nsetuptools.setup(name='x', install_requires=REQUIRES)\n";
        let SetupPy::Read(r) = setup_py(named) else {
            panic!("not read")
        };
        assert_eq!(names(named, &r), ["lxml@lxml"]);

        let none = "from setuptools import setup\nsetup(name='x', packages=['a'])\n";
        assert_eq!(setup_py(none), SetupPy::Read(vec![]));
    }

    #[test]
    fn computed_lists_are_not_read() {
        for text in [
            "setup(install_requires=open('requirements.txt').read().splitlines())\n",
            "setup(install_requires=[r for r in reqs])\n",
            "setup(install_requires=['a'] + extra)\n",
            "REQ = ['a']\nREQ.append('b')\nsetup(install_requires=REQ)\n",
            "from deps import REQ\nsetup(install_requires=REQ)\n",
            "setup(install_requires=[f'pkg=={V}'])\n",
            "setup(**config)\n",
            "print('hello')\n",
            "setup(name='x',\n",
        ] {
            assert!(matches!(setup_py(text), SetupPy::Unread { .. }), "{text}");
        }
        let SetupPy::Unread { span, .. } =
            setup_py("setup(\n  install_requires=parse('r.txt'),\n)\n")
        else {
            panic!()
        };
        assert_eq!(span.start, 9);
    }

    #[test]
    fn hostile_setup_py_is_linear_and_total() {
        let deep = "setup(".repeat(10_000) + &"[".repeat(10_000) + "'\\";
        let _ = setup_py(&deep);
        let _ = setup_py("setup(install_requires=['unterminated");
        let _ = setup_cfg("[options]\ninstall_requires=;;;\n\t\n");
    }
}
