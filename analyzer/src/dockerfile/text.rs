//! Instruction text with the byte offset of every byte, and the three readers that run over it:
//! Dockerfile word splitting, a small shell lexer, and the JSON array of the exec form.
//!
//! Continuation lines are joined and JSON escapes decoded before anything is read, so a token can
//! span two physical lines or be spelled `\u002d`; [`Mapped`] keeps the original offset of each
//! byte, so every word still maps back to the exact bytes the user wrote.

use crate::span::Span;

/// Text assembled from pieces of a file, with the original byte offset of every byte.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapped {
    pub(crate) text: String,
    /// `map[i]` is the file offset of `text`'s byte `i`; always `text.len()` long.
    map: Vec<usize>,
    /// File offset just past the text, for empty ranges at the end.
    end: usize,
}

impl Mapped {
    pub(crate) fn empty_at(at: usize) -> Self {
        Mapped {
            text: String::new(),
            map: Vec::new(),
            end: at,
        }
    }

    /// `s` as it stands in the file at offset `at`.
    pub(crate) fn original(s: &str, at: usize) -> Self {
        let mut m = Mapped::empty_at(at);
        m.push_original(s, at);
        m
    }

    pub(crate) fn push_original(&mut self, s: &str, at: usize) {
        self.text.push_str(s);
        self.map.extend(at..at + s.len());
        self.end = at + s.len();
    }

    /// A character that the file spells as the bytes `orig` (an escape sequence, say).
    pub(crate) fn push_decoded(&mut self, c: char, orig: Span) {
        let n = c.len_utf8();
        let last = orig.end.saturating_sub(1).max(orig.start);
        for k in 0..n {
            self.map.push(if k + 1 == n {
                last
            } else {
                (orig.start + k).min(last)
            });
        }
        self.text.push(c);
        self.end = orig.end;
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    pub(crate) fn len(&self) -> usize {
        self.text.len()
    }

    /// File offset of text byte `i` (the end offset when `i` is past the text).
    pub(crate) fn offset(&self, i: usize) -> usize {
        self.map.get(i).copied().unwrap_or(self.end)
    }

    /// The file span covering text bytes `a..b`.
    pub(crate) fn span(&self, a: usize, b: usize) -> Span {
        let s = self.offset(a);
        if b <= a {
            return Span::new(s, s);
        }
        let e = self.map.get(b - 1).map_or(self.end, |o| o + 1);
        Span::new(s, e.max(s))
    }

    /// The whole text's file span.
    pub(crate) fn full_span(&self) -> Span {
        self.span(0, self.len())
    }

    /// Text bytes `a..b` with their offsets (empty when the range is not on character boundaries).
    pub(crate) fn sub(&self, a: usize, b: usize) -> Mapped {
        match (self.text.get(a..b), self.map.get(a..b)) {
            (Some(t), Some(m)) if b > a => Mapped {
                text: t.to_string(),
                map: m.to_vec(),
                end: self.span(a, b).end,
            },
            _ => Mapped::empty_at(self.offset(a)),
        }
    }

    /// The text with trailing whitespace removed.
    pub(crate) fn trim_end(&self) -> Mapped {
        let n = self.text.trim_end().len();
        self.sub(0, n)
    }
}

/// A word of an instruction or a shell command: its value after quote removal and the exact
/// bytes it was written as (quotes included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub value: String,
    pub span: Span,
}

/// A word with its range in the [`Mapped`] text it was read from.
#[derive(Clone, Debug)]
pub(crate) struct RawWord {
    pub value: String,
    pub start: usize,
    pub end: usize,
}

impl RawWord {
    pub(crate) fn word(&self, m: &Mapped) -> Word {
        Word {
            value: self.value.clone(),
            span: m.span(self.start, self.end),
        }
    }
}

/// Split instruction arguments into words the way the Dockerfile frontend does for
/// COPY/EXPOSE/ENV/...: whitespace separates, quotes group, `escape` escapes the next character.
pub(crate) fn split_words(m: &Mapped, escape: char) -> Vec<RawWord> {
    let mut out = Vec::new();
    let mut cur: Option<RawWord> = None;
    let mut it = m.as_str().char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let end = i + c.len_utf8();
        if c.is_whitespace() {
            if let Some(w) = cur.take() {
                out.push(w);
            }
            continue;
        }
        let w = cur.get_or_insert_with(|| RawWord {
            value: String::new(),
            start: i,
            end: i,
        });
        match c {
            '\'' | '"' => {
                w.end = end;
                while let Some((j, d)) = it.next() {
                    w.end = j + d.len_utf8();
                    if d == c {
                        break;
                    }
                    if c == '"'
                        && d == escape
                        && let Some(&(k, e)) = it.peek()
                        && (e == '"' || e == escape)
                    {
                        it.next();
                        w.end = k + e.len_utf8();
                        w.value.push(e);
                        continue;
                    }
                    w.value.push(d);
                }
            }
            _ if c == escape => {
                w.end = end;
                if let Some((j, d)) = it.next() {
                    w.end = j + d.len_utf8();
                    w.value.push(d);
                }
            }
            _ => {
                w.end = end;
                w.value.push(c);
            }
        }
    }
    if let Some(w) = cur.take() {
        out.push(w);
    }
    out
}

/// One simple command of a shell script: its words (leading `VAR=value` assignments and
/// redirections removed) and the span from its first to its last word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellCommand {
    pub words: Vec<Word>,
    pub span: Span,
}

impl ShellCommand {
    pub fn argv0(&self) -> Option<&Word> {
        self.words.first()
    }
}

/// Shell reserved words and wrappers that precede the real command name.
const LEADING_KEYWORDS: &[&str] = &[
    "then", "do", "else", "elif", "if", "while", "until", "!", "{", "time",
];

/// Read a shell script into simple commands. This is a lexer, not a shell: it separates commands
/// at `;`, `&&`, `||`, `|`, `&`, newlines and parentheses, removes quotes, keeps `$(...)` and
/// `${...}` inside their word, drops comments and redirections (with their targets, so
/// `> /dev/null` is never read as an argument). Linear in the text.
pub(crate) fn shell_commands(m: &Mapped) -> Vec<ShellCommand> {
    let mut lx = ShellLexer {
        m,
        out: Vec::new(),
        words: Vec::new(),
        cur: None,
        skip_next: false,
    };
    lx.run();
    lx.out
}

struct ShellLexer<'a> {
    m: &'a Mapped,
    out: Vec<ShellCommand>,
    words: Vec<RawWord>,
    cur: Option<RawWord>,
    /// The next word is a redirection target or heredoc delimiter, not an argument.
    skip_next: bool,
}

impl ShellLexer<'_> {
    fn end_word(&mut self) {
        if let Some(w) = self.cur.take() {
            if self.skip_next {
                self.skip_next = false;
            } else {
                self.words.push(w);
            }
        }
    }

    fn end_command(&mut self) {
        self.end_word();
        self.skip_next = false;
        let words = std::mem::take(&mut self.words);
        let mut start = 0;
        // Leading reserved words (`then apt-get ...`) and assignments (`DEBIAN_FRONTEND=x apt-get`).
        while let Some(w) = words.get(start) {
            if LEADING_KEYWORDS.contains(&w.value.as_str()) || is_assignment(&w.value) {
                start += 1;
            } else {
                break;
            }
        }
        let words: Vec<Word> = words.iter().skip(start).map(|w| w.word(self.m)).collect();
        if let (Some(first), Some(last)) = (words.first(), words.last()) {
            let span = first.span.to(last.span);
            self.out.push(ShellCommand { words, span });
        }
    }

    fn word_mut(&mut self, i: usize) -> &mut RawWord {
        self.cur.get_or_insert_with(|| RawWord {
            value: String::new(),
            start: i,
            end: i,
        })
    }

    fn run(&mut self) {
        let text = self.m.as_str();
        let bytes = text.as_bytes();
        let mut it = text.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            let end = i + c.len_utf8();
            match c {
                ' ' | '\t' | '\r' => self.end_word(),
                '\n' => self.end_command(),
                '#' if self.cur.is_none() => {
                    // A comment runs to the end of the line.
                    while let Some(&(_, d)) = it.peek() {
                        if d == '\n' {
                            break;
                        }
                        it.next();
                    }
                }
                ';' | '(' | ')' => self.end_command(),
                '&' | '|' => {
                    if c == '&' && it.peek().map(|p| p.1) == Some('>') {
                        // `&>file` redirects both streams.
                        self.end_word();
                        it.next();
                        if it.peek().map(|p| p.1) == Some('>') {
                            it.next();
                        }
                        self.skip_next = true;
                        continue;
                    }
                    if it.peek().map(|p| p.1) == Some(c) {
                        it.next();
                    }
                    self.end_command();
                }
                '<' | '>' => {
                    // A word made of digits right before the operator is a file descriptor.
                    if self.cur.as_ref().is_some_and(|w| {
                        !w.value.is_empty()
                            && w.value.bytes().all(|b| b.is_ascii_digit())
                            && w.end == i
                    }) {
                        self.cur = None;
                    } else {
                        self.end_word();
                    }
                    while let Some(&(_, d)) = it.peek() {
                        if d == '<' || d == '>' || d == '&' || d == '-' || d == '|' {
                            it.next();
                        } else {
                            break;
                        }
                    }
                    self.skip_next = true;
                }
                '\'' => {
                    let w = self.word_mut(i);
                    w.end = end;
                    for (j, d) in it.by_ref() {
                        w.end = j + d.len_utf8();
                        if d == '\'' {
                            break;
                        }
                        w.value.push(d);
                    }
                }
                '"' => {
                    let w = self.word_mut(i);
                    w.end = end;
                    while let Some((j, d)) = it.next() {
                        w.end = j + d.len_utf8();
                        if d == '"' {
                            break;
                        }
                        if d == '\\'
                            && let Some(&(k, e)) = it.peek()
                            && matches!(e, '"' | '\\' | '$' | '`' | '\n')
                        {
                            it.next();
                            w.end = k + e.len_utf8();
                            if e != '\n' {
                                w.value.push(e);
                            }
                            continue;
                        }
                        w.value.push(d);
                    }
                }
                '\\' => {
                    match it.next() {
                        // A backslash-newline joins lines.
                        Some((_, '\n')) => {}
                        Some((j, d)) => {
                            let w = self.word_mut(i);
                            w.value.push(d);
                            w.end = j + d.len_utf8();
                        }
                        None => {}
                    }
                }
                '$' if matches!(bytes.get(i + 1), Some(b'(') | Some(b'{')) => {
                    // `$(...)` and `${...}` stay inside the word, nested parentheses included.
                    let (open, close) = if bytes.get(i + 1) == Some(&b'(') {
                        ('(', ')')
                    } else {
                        ('{', '}')
                    };
                    let w = self.word_mut(i);
                    w.value.push('$');
                    w.end = end;
                    let mut depth = 0usize;
                    for (j, d) in it.by_ref() {
                        w.value.push(d);
                        w.end = j + d.len_utf8();
                        if d == open {
                            depth += 1;
                        } else if d == close {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                    }
                }
                '`' => {
                    let w = self.word_mut(i);
                    w.value.push('`');
                    w.end = end;
                    for (j, d) in it.by_ref() {
                        w.value.push(d);
                        w.end = j + d.len_utf8();
                        if d == '`' {
                            break;
                        }
                    }
                }
                _ => {
                    let w = self.word_mut(i);
                    w.value.push(c);
                    w.end = end;
                }
            }
        }
        self.end_command();
    }
}

/// `NAME=value` as a shell assignment.
pub(crate) fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            let mut chars = name.chars();
            chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => false,
    }
}

/// Parse the exec form: a JSON array of strings, nothing else. Returns each string decoded,
/// with its offsets (the span of an element includes its quotes). `None` when the text is not
/// such an array, in which case the Dockerfile frontend reads the instruction as shell form.
pub(crate) fn json_array(m: &Mapped) -> Option<Vec<(Word, Mapped)>> {
    let text = m.as_str();
    let mut it = text.char_indices().peekable();
    let skip_ws = |it: &mut std::iter::Peekable<std::str::CharIndices>| {
        while it.peek().is_some_and(|p| p.1.is_whitespace()) {
            it.next();
        }
    };
    skip_ws(&mut it);
    if it.next()?.1 != '[' {
        return None;
    }
    let mut out = Vec::new();
    skip_ws(&mut it);
    if it.peek()?.1 == ']' {
        it.next();
    } else {
        loop {
            skip_ws(&mut it);
            let (start, q) = it.next()?;
            if q != '"' {
                return None;
            }
            let mut value = Mapped::empty_at(m.offset(start + 1));
            let end;
            loop {
                let (j, d) = it.next()?;
                match d {
                    '"' => {
                        end = j + 1;
                        break;
                    }
                    '\\' => {
                        let (k, e) = it.next()?;
                        let decoded = match e {
                            '"' => '"',
                            '\\' => '\\',
                            '/' => '/',
                            'b' => '\u{8}',
                            'f' => '\u{c}',
                            'n' => '\n',
                            'r' => '\r',
                            't' => '\t',
                            'u' => {
                                let (hi, hend) = hex4(&mut it)?;
                                let (cp, cend) = if (0xD800..0xDC00).contains(&hi) {
                                    // A surrogate pair: `\uD83D\uDE00`.
                                    if it.next()?.1 != '\\' || it.next()?.1 != 'u' {
                                        return None;
                                    }
                                    let (lo, lend) = hex4(&mut it)?;
                                    if !(0xDC00..0xE000).contains(&lo) {
                                        return None;
                                    }
                                    (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00), lend)
                                } else {
                                    (hi, hend)
                                };
                                let c = char::from_u32(cp)?;
                                value.push_decoded(c, m.span(j, cend));
                                continue;
                            }
                            _ => return None,
                        };
                        value.push_decoded(decoded, m.span(j, k + e.len_utf8()));
                    }
                    c if (c as u32) < 0x20 => return None,
                    c => {
                        let mut buf = [0u8; 4];
                        value.push_original(c.encode_utf8(&mut buf), m.offset(j));
                    }
                }
            }
            out.push((
                Word {
                    value: value.text.clone(),
                    span: m.span(start, end),
                },
                value,
            ));
            skip_ws(&mut it);
            match it.next()?.1 {
                ',' => continue,
                ']' => break,
                _ => return None,
            }
        }
    }
    skip_ws(&mut it);
    if it.next().is_some() {
        return None;
    }
    Some(out)
}

/// Four hex digits after `\u`; returns the value and the text index just past them.
fn hex4(it: &mut std::iter::Peekable<std::str::CharIndices>) -> Option<(u32, usize)> {
    let mut v = 0u32;
    let mut end = 0;
    for _ in 0..4 {
        let (i, c) = it.next()?;
        v = v * 16 + c.to_digit(16)?;
        end = i + 1;
    }
    Some((v, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(ws: &[RawWord]) -> Vec<&str> {
        ws.iter().map(|w| w.value.as_str()).collect()
    }

    #[test]
    fn mapped_keeps_offsets_across_joined_pieces() {
        let mut m = Mapped::original("apt-get install ", 10);
        m.push_original("  libpq5", 40);
        let at = m.as_str().find("libpq5").unwrap();
        assert_eq!(m.span(at, at + 6), Span::new(42, 48));
        assert_eq!(m.span(0, 7), Span::new(10, 17));
        assert_eq!(m.span(5, 5), Span::new(15, 15));
        assert_eq!(m.sub(at, at + 6).full_span(), Span::new(42, 48));
        assert_eq!(m.sub(3, 2).full_span(), Span::new(13, 13));
    }

    #[test]
    fn words_remove_quotes_and_keep_written_spans() {
        let m = Mapped::original(r#"a "b c" 'd'e f\ g"#, 0);
        let ws = split_words(&m, '\\');
        assert_eq!(vals(&ws), ["a", "b c", "de", "f g"]);
        assert_eq!((ws[1].start, ws[1].end), (2, 7));
        let m = Mapped::original(r#""a`"b" c`d"#, 0);
        assert_eq!(vals(&split_words(&m, '`')), ["a\"b", "cd"]);
    }

    #[test]
    fn shell_lexer_splits_commands_and_drops_redirections() {
        let m = Mapped::original(
            "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \"libpq5\" 2>&1 >/dev/null; rm -rf /x | tee log || true",
            0,
        );
        let cmds = shell_commands(&m);
        let words: Vec<Vec<&str>> = cmds
            .iter()
            .map(|c| c.words.iter().map(|w| w.value.as_str()).collect())
            .collect();
        assert_eq!(
            words,
            vec![
                vec!["apt-get", "update"],
                vec!["apt-get", "install", "-y", "libpq5"],
                vec!["rm", "-rf", "/x"],
                vec!["tee", "log"],
                vec!["true"],
            ]
        );
        let libpq = &cmds[1].words[3];
        assert_eq!(&m.as_str()[libpq.span.start..libpq.span.end], "\"libpq5\"");
    }

    #[test]
    fn shell_lexer_keeps_substitutions_in_words_and_skips_comments() {
        let m = Mapped::original(
            "echo \"$(lsb_release -cs) x\" ${A:-b c} `uname -r` # apt-get install x\nif true; then apk add curl; fi",
            0,
        );
        let cmds = shell_commands(&m);
        let words: Vec<Vec<&str>> = cmds
            .iter()
            .map(|c| c.words.iter().map(|w| w.value.as_str()).collect())
            .collect();
        assert_eq!(
            words,
            vec![
                vec!["echo", "$(lsb_release -cs) x", "${A:-b c}", "`uname -r`"],
                vec!["true"],
                vec!["apk", "add", "curl"],
                vec!["fi"],
            ]
        );
    }

    #[test]
    fn json_array_decodes_and_maps_escapes() {
        let text = r#"  ["sh", "-c", "a\"b\u00e9", "\ud83d\ude00"] "#;
        let m = Mapped::original(text, 100);
        let arr = json_array(&m).unwrap();
        let values: Vec<&str> = arr.iter().map(|(w, _)| w.value.as_str()).collect();
        assert_eq!(values, ["sh", "-c", "a\"bé", "😀"]);
        assert_eq!(arr[0].0.span, Span::new(103, 107));
        // The decoded `é` maps to its whole `\u00e9` escape.
        let inner = &arr[2].1;
        let at = inner.as_str().find('é').unwrap();
        assert_eq!(inner.span(at, at + 2), Span::new(100 + 20, 100 + 26));
        assert!(json_array(&Mapped::original("[\"a\" \"b\"]", 0)).is_none());
        assert!(json_array(&Mapped::original("[\"a\"] x", 0)).is_none());
        assert!(json_array(&Mapped::original("[a]", 0)).is_none());
        assert!(json_array(&Mapped::original("[\"\\ud83d\"]", 0)).is_none());
        assert_eq!(json_array(&Mapped::original("[ ]", 0)).unwrap().len(), 0);
    }
}
