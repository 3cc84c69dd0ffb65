//! Tokens of Go text/template, with Go's `{{- -}}` trimming and comments, each with its byte span.

use crate::span::Span;

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// Template text, already trimmed by neighbouring `{{-` / `-}}`.
    Text,
    /// `{{` (or `{{- `); the span covers the delimiter.
    Open,
    /// `}}` (or ` -}}`).
    Close,
    Ident(String),
    /// `.Name` (the name without the dot).
    Field(String),
    /// `$name` (`$` alone is the empty name).
    Var(String),
    Dot,
    Str(String),
    Char(char),
    Num(String),
    Bool(bool),
    Nil,
    Pipe,
    LParen,
    RParen,
    Comma,
    Declare,
    Assign,
    If,
    Else,
    End,
    Range,
    With,
    Define,
    Template,
    Block,
    Break,
    Continue,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
    /// Whitespace separates it from the previous token (Go chains `.a.b` and `$x.y` only when
    /// they touch).
    pub space_before: bool,
}

#[derive(Clone, Debug)]
pub struct LexError {
    pub span: Span,
    pub message: String,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Tokenize a whole template.
pub fn lex(text: &str) -> Result<Vec<Token>, LexError> {
    let b = text.as_bytes();
    let mut toks = Vec::new();
    let mut pos = 0;
    // Set by `-}}`: the next text starts after leading whitespace.
    let mut trim_next = false;
    loop {
        let open = find(b, pos, b"{{");
        let text_end = open.unwrap_or(b.len());
        let mut start = pos;
        if trim_next {
            while start < text_end && is_space(b[start]) {
                start += 1;
            }
        }
        let mut end = text_end;
        let Some(open) = open else {
            if start < end {
                toks.push(tok(Tok::Text, start, end, false));
            }
            return Ok(toks);
        };
        let trim_left =
            b.get(open + 2) == Some(&b'-') && b.get(open + 3).is_some_and(|c| is_space(*c));
        if trim_left {
            while end > start && is_space(b[end - 1]) {
                end -= 1;
            }
        }
        if start < end {
            toks.push(tok(Tok::Text, start, end, false));
        }
        let mut p = open + 2 + if trim_left { 2 } else { 0 };
        // A comment: `{{/* ... */}}`, only right after the delimiter (and trim marker), and
        // only followed by the closing delimiter (Go's rules).
        if b[p..].starts_with(b"/*") {
            let Some(close) = find(b, p + 2, b"*/") else {
                return Err(err(open, b.len(), "unclosed comment"));
            };
            let r = close + 2;
            if at_trim_close(b, r) {
                pos = r + 4;
                trim_next = true;
            } else if b[r..].starts_with(b"}}") {
                pos = r + 2;
                trim_next = false;
            } else {
                return Err(err(open, r, "comment ends before closing delimiter"));
            }
            continue;
        }
        toks.push(tok(Tok::Open, open, p, false));
        // Inside the action.
        let mut space = true;
        loop {
            if at_trim_close(b, p) {
                toks.push(tok(Tok::Close, p, p + 4, true));
                pos = p + 4;
                trim_next = true;
                break;
            }
            if p < b.len() && is_space(b[p]) {
                p += 1;
                space = true;
                continue;
            }
            if p >= b.len() {
                return Err(err(open, b.len(), "unclosed action"));
            }
            if b[p..].starts_with(b"}}") {
                toks.push(tok(Tok::Close, p, p + 2, space));
                pos = p + 2;
                trim_next = false;
                break;
            }
            let (t, e) = lex_one(text, p)?;
            toks.push(tok(t, p, e, space));
            space = false;
            p = e;
        }
    }
}

/// A space, `-` and `}}`: a closing delimiter that trims the text after it.
fn at_trim_close(b: &[u8], r: usize) -> bool {
    b.get(r).is_some_and(|c| is_space(*c)) && b[r + 1..].starts_with(b"-}}")
}

fn tok(tok: Tok, s: usize, e: usize, space_before: bool) -> Token {
    Token {
        tok,
        span: Span::new(s, e),
        space_before,
    }
}

fn err(s: usize, e: usize, m: &str) -> LexError {
    LexError {
        span: Span::new(s, e),
        message: m.to_string(),
    }
}

fn find(h: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from >= h.len() {
        return None;
    }
    h[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// One token starting at `p` (not whitespace, not `}}`).
fn lex_one(text: &str, p: usize) -> Result<(Tok, usize), LexError> {
    let b = text.as_bytes();
    let rest = &text[p..];
    let c = rest.chars().next().unwrap_or('\0');
    let word_end = |from: usize| {
        let mut e = from;
        for ch in text[from..].chars() {
            if !is_alnum(ch) {
                break;
            }
            e += ch.len_utf8();
        }
        e
    };
    Ok(match c {
        '|' => (Tok::Pipe, p + 1),
        '(' => (Tok::LParen, p + 1),
        ')' => (Tok::RParen, p + 1),
        ',' => (Tok::Comma, p + 1),
        '=' => (Tok::Assign, p + 1),
        ':' => {
            if b.get(p + 1) == Some(&b'=') {
                (Tok::Declare, p + 2)
            } else {
                return Err(err(p, p + 1, "expected :="));
            }
        }
        '"' => {
            let mut i = p + 1;
            let mut s = String::new();
            loop {
                let Some(ch) = text[i..].chars().next() else {
                    return Err(err(p, i, "unterminated quoted string"));
                };
                match ch {
                    '"' => break,
                    '\n' => return Err(err(p, i, "unterminated quoted string")),
                    '\\' => {
                        let (ch2, n) = unescape(text, i)?;
                        if let Some(ch2) = ch2 {
                            s.push(ch2);
                        }
                        i += n;
                    }
                    _ => {
                        s.push(ch);
                        i += ch.len_utf8();
                    }
                }
            }
            (Tok::Str(s), i + 1)
        }
        '`' => match text[p + 1..].find('`') {
            Some(e) => (Tok::Str(text[p + 1..p + 1 + e].to_string()), p + e + 2),
            None => return Err(err(p, b.len(), "unterminated raw quoted string")),
        },
        '\'' => {
            let mut i = p + 1;
            let ch = match text[i..].chars().next() {
                Some('\\') => {
                    let (c2, n) = unescape(text, i)?;
                    i += n;
                    c2.unwrap_or('\0')
                }
                Some(c2) if c2 != '\'' && c2 != '\n' => {
                    i += c2.len_utf8();
                    c2
                }
                _ => return Err(err(p, i, "malformed character constant")),
            };
            if b.get(i) != Some(&b'\'') {
                return Err(err(p, i, "malformed character constant"));
            }
            (Tok::Char(ch), i + 1)
        }
        '$' => {
            let e = word_end(p + 1);
            (Tok::Var(text[p + 1..e].to_string()), e)
        }
        '.' => {
            if b.get(p + 1).is_some_and(|d| d.is_ascii_digit()) {
                number(text, p)?
            } else {
                let e = word_end(p + 1);
                if e == p + 1 {
                    (Tok::Dot, p + 1)
                } else {
                    (Tok::Field(text[p + 1..e].to_string()), e)
                }
            }
        }
        '+' | '-' | '0'..='9' => number(text, p)?,
        c if is_alnum(c) => {
            let e = word_end(p);
            let w = &text[p..e];
            let t = match w {
                "true" => Tok::Bool(true),
                "false" => Tok::Bool(false),
                "nil" => Tok::Nil,
                "if" => Tok::If,
                "else" => Tok::Else,
                "end" => Tok::End,
                "range" => Tok::Range,
                "with" => Tok::With,
                "define" => Tok::Define,
                "template" => Tok::Template,
                "block" => Tok::Block,
                "break" => Tok::Break,
                "continue" => Tok::Continue,
                _ => Tok::Ident(w.to_string()),
            };
            (t, e)
        }
        _ => {
            return Err(err(
                p,
                p + c.len_utf8(),
                &format!("unexpected {c:?} in command"),
            ));
        }
    })
}

fn number(text: &str, p: usize) -> Result<(Tok, usize), LexError> {
    let b = text.as_bytes();
    let mut e = p;
    if matches!(b.get(e), Some(b'+' | b'-')) {
        e += 1;
    }
    while e < b.len()
        && (b[e].is_ascii_alphanumeric()
            || b[e] == b'.'
            || b[e] == b'_'
            || (matches!(b[e], b'+' | b'-') && matches!(b[e - 1], b'e' | b'E' | b'p' | b'P')))
    {
        e += 1;
    }
    let s = &text[p..e];
    if s == "+" || s == "-" || s.is_empty() {
        return Err(err(p, e, "bad number syntax"));
    }
    Ok((Tok::Num(s.to_string()), e))
}

/// A backslash escape at `i`; returns the char (None for nothing) and the bytes consumed.
fn unescape(text: &str, i: usize) -> Result<(Option<char>, usize), LexError> {
    let b = text.as_bytes();
    let Some(&c) = b.get(i + 1) else {
        return Err(err(i, i + 1, "unterminated escape"));
    };
    let simple = match c {
        b'n' => Some('\n'),
        b't' => Some('\t'),
        b'r' => Some('\r'),
        b'\\' => Some('\\'),
        b'"' => Some('"'),
        b'\'' => Some('\''),
        b'a' => Some('\x07'),
        b'b' => Some('\x08'),
        b'f' => Some('\x0c'),
        b'v' => Some('\x0b'),
        b'0'..=b'7' => {
            let d = text
                .get(i + 1..i + 4)
                .ok_or_else(|| err(i, i + 1, "bad escape"))?;
            let n = u32::from_str_radix(d, 8).map_err(|_| err(i, i + 4, "bad escape"))?;
            return Ok((char::from_u32(n), 4));
        }
        b'x' | b'u' | b'U' => {
            let len = match c {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let d = text
                .get(i + 2..i + 2 + len)
                .ok_or_else(|| err(i, i + 2, "bad escape"))?;
            let n = u32::from_str_radix(d, 16).map_err(|_| err(i, i + 2 + len, "bad escape"))?;
            return Ok((char::from_u32(n), 2 + len));
        }
        _ => None,
    };
    match simple {
        Some(ch) => Ok((Some(ch), 2)),
        None => Err(err(i, i + 2, "unknown escape sequence")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Tok> {
        lex(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn trims_like_go() {
        let s = "a  \n{{- 1 -}}\n  b";
        let t = lex(s).unwrap();
        assert_eq!(&s[t[0].span.start..t[0].span.end], "a");
        assert_eq!(
            &s[t.last().unwrap().span.start..t.last().unwrap().span.end],
            "b"
        );
        // `{{-3}}` is the number -3, not a trim.
        assert_eq!(
            kinds("{{-3}}"),
            vec![Tok::Open, Tok::Num("-3".into()), Tok::Close]
        );
    }

    #[test]
    fn comments_vanish_and_trim() {
        let s = "x \n{{- /* note */ -}}\n y{{/* c */}}z";
        let t = lex(s).unwrap();
        let texts: Vec<&str> = t.iter().map(|t| &s[t.span.start..t.span.end]).collect();
        assert_eq!(texts, vec!["x", "y", "z"]);
    }

    #[test]
    fn tokens_of_an_action() {
        assert_eq!(
            kinds(r#"{{ $x := .a.b | default "q\n" `r` 'c' 1.5 }}"#),
            vec![
                Tok::Open,
                Tok::Var("x".into()),
                Tok::Declare,
                Tok::Field("a".into()),
                Tok::Field("b".into()),
                Tok::Pipe,
                Tok::Ident("default".into()),
                Tok::Str("q\n".into()),
                Tok::Str("r".into()),
                Tok::Char('c'),
                Tok::Num("1.5".into()),
                Tok::Close
            ]
        );
    }

    #[test]
    fn hostile_input_errors() {
        assert!(lex("{{").is_err());
        assert!(lex("{{ \"abc").is_err());
        assert!(lex("{{ 'ab' }}").is_err());
        assert!(lex("{{/* x").is_err());
        assert!(lex(&"{{".repeat(1000)).is_err());
    }
}
