//! `toYaml` and `toJson` as Helm writes them (sigs.k8s.io/yaml: JSON first, so keys sorted and
//! integral numbers as integers; then go-yaml v2's block style), with every emitted line marked
//! with the values.yaml node it came from.
//!
//! go-yaml's folding of long plain and single-quoted values past column 80 is reproduced;
//! long double-quoted values are written on one line (both forms parse to the same value).

use super::value::{Mark, UNRESOLVED, Val, Value, go_float, json_float};

/// Deepest nesting written; deeper values become `null` (no stack overflow on hostile data).
const MAX_DEPTH: usize = 200;

/// `toYaml`: the YAML text without its final newline, marked per line with origins.
pub fn to_yaml(v: &Val) -> Val {
    let mut w = W {
        out: String::new(),
        marks: Vec::new(),
    };
    match &v.v {
        Value::Map(m) if !m.is_empty() => w.map(v, 0, 0),
        Value::List(l) if !l.is_empty() => w.list(v, 0, 0),
        _ => {
            let start = w.out.len();
            w.scalar_inline(v, 2);
            w.mark(start, v);
        }
    }
    while w.out.ends_with('\n') {
        w.out.pop();
    }
    let len = w.out.len();
    for m in &mut w.marks {
        m.range.end = m.range.end.min(len);
    }
    w.marks.retain(|m| m.range.start < m.range.end);
    Val {
        v: Value::Str(w.out),
        origin: v.origin,
        marks: w.marks,
    }
}

struct W {
    out: String,
    marks: Vec<Mark>,
}

impl W {
    fn mark(&mut self, start: usize, v: &Val) {
        if v.origin.is_some() && start < self.out.len() {
            self.marks.push(Mark {
                range: start..self.out.len(),
                src: None,
                origin: v.origin,
            });
        }
    }

    fn pad(&mut self, n: usize) {
        for _ in 0..n {
            self.out.push(' ');
        }
    }

    /// Entries of a non-empty map, each starting on its own line at `indent` (the first one
    /// possibly after `- ` already written, hence `first_done`).
    fn map(&mut self, v: &Val, indent: usize, first_col: usize) {
        let Value::Map(m) = &v.v else { return };
        for (i, (k, item)) in m.iter().enumerate() {
            if i > 0 || first_col == 0 {
                self.pad(if i > 0 {
                    indent
                } else {
                    indent.saturating_sub(first_col)
                });
            }
            let start = self.out.len();
            self.out.push_str(&yaml_str(k, indent, true));
            self.out.push(':');
            self.value_after_key(item, indent, start);
        }
    }

    fn value_after_key(&mut self, item: &Val, indent: usize, start: usize) {
        let depth = indent / 2;
        match &item.v {
            Value::Map(mm) if !mm.is_empty() && depth < MAX_DEPTH => {
                self.out.push('\n');
                self.mark_line(start, item);
                self.map(item, indent + 2, 0);
            }
            // go-yaml v2 does not indent a sequence under its key.
            Value::List(l) if !l.is_empty() && depth < MAX_DEPTH => {
                self.out.push('\n');
                self.mark_line(start, item);
                self.list(item, indent, 0);
            }
            _ => {
                self.out.push(' ');
                self.scalar_inline(item, indent + 2);
                self.out.push('\n');
                self.mark_line(start, item);
            }
        }
    }

    /// Mark from `start` to the end of the output (without the final newline).
    fn mark_line(&mut self, start: usize, v: &Val) {
        if v.origin.is_some() {
            let end = self.out.len() - usize::from(self.out.ends_with('\n'));
            if start < end {
                self.marks.push(Mark {
                    range: start..end,
                    src: None,
                    origin: v.origin,
                });
            }
        }
    }

    fn list(&mut self, v: &Val, indent: usize, first_col: usize) {
        let Value::List(l) = &v.v else { return };
        let depth = indent / 2;
        for (i, item) in l.iter().enumerate() {
            if i > 0 || first_col == 0 {
                self.pad(if i > 0 {
                    indent
                } else {
                    indent.saturating_sub(first_col)
                });
            }
            let start = self.out.len();
            self.out.push_str("- ");
            match &item.v {
                Value::Map(m) if !m.is_empty() && depth < MAX_DEPTH => {
                    self.map(item, indent + 2, indent + 2);
                }
                Value::List(ll) if !ll.is_empty() && depth < MAX_DEPTH => {
                    self.list(item, indent + 2, indent + 2);
                }
                _ => {
                    self.scalar_inline(item, indent + 2);
                    self.out.push('\n');
                    self.mark_line(start, item);
                }
            }
        }
    }

    /// A scalar (or empty collection) on the current line; block scalars continue below at
    /// `indent`.
    fn scalar_inline(&mut self, v: &Val, indent: usize) {
        let s = match &v.v {
            Value::Null => "null".to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => yaml_float(*f),
            Value::Str(s) => {
                let line = &self.out[self.out.rfind('\n').map_or(0, |i| i + 1)..];
                fold(&yaml_str(s, indent, false), line.chars().count(), indent)
            }
            Value::List(_) => "[]".to_string(),
            Value::Map(_) => "{}".to_string(),
            Value::Unknown(_) => UNRESOLVED.to_string(),
        };
        self.out.push_str(&s);
    }
}

/// A float after the JSON round trip: integral values as integers, others as Go's `%g`.
fn yaml_float(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e21 {
        format!("{}", f as i128)
    } else if f.is_nan() {
        ".nan".into()
    } else if f.is_infinite() {
        if f > 0.0 {
            "+.inf".into()
        } else {
            "-.inf".into()
        }
    } else {
        go_float(f)
    }
}

/// Would go-yaml v2 read this plain scalar as something other than a string?
fn resolves_non_string(s: &str) -> bool {
    matches!(
        s,
        "" | "~"
            | "null"
            | "Null"
            | "NULL"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "yes"
            | "Yes"
            | "YES"
            | "no"
            | "No"
            | "NO"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
            | "y"
            | "Y"
            | "n"
            | "N"
            | "<<"
            | "="
    ) || super::value::yaml_number(s).is_some()
        || is_base60(s)
        || is_timestamp(s)
}

/// `2024-01-01`, `2024-1-2T10:00:00Z`...: go-yaml v2 resolves these as timestamps.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |from: usize, min: usize, max: usize| -> Option<usize> {
        let n = b[from.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        (min..=max).contains(&n).then_some(from + n)
    };
    let Some(i) = digits(0, 4, 4) else {
        return false;
    };
    if b.get(i) != Some(&b'-') {
        return false;
    }
    let Some(i) = digits(i + 1, 1, 2) else {
        return false;
    };
    if b.get(i) != Some(&b'-') {
        return false;
    }
    let Some(i) = digits(i + 1, 1, 2) else {
        return false;
    };
    i == b.len() || matches!(b[i], b'T' | b't' | b' ')
}

fn is_base60(s: &str) -> bool {
    let t = s.trim_start_matches(['-', '+']);
    t.contains(':')
        && t.split(':')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
        && t.as_bytes()[0].is_ascii_digit()
}

/// Can the emitter write `s` plain (libyaml's analysis, simplified)?
fn plain_ok(s: &str, key: bool) -> bool {
    let b = s.as_bytes();
    let Some(&first) = b.first() else {
        return false;
    };
    if matches!(
        first,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    ) {
        // `-x`, `?x`, `:x` are fine when followed by a non-space in block context.
        let ok = matches!(first, b'-' | b'?' | b':')
            && b.get(1).is_some_and(|c| !matches!(c, b' ' | b'\t'))
            && s != "---";
        if !ok {
            return false;
        }
    }
    if s.starts_with(' ') || s.ends_with(' ') || s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    let _ = key;
    for (i, c) in s.char_indices() {
        match c {
            ':' => {
                let next = s[i + 1..].chars().next();
                if next.is_none_or(|n| n == ' ') {
                    return false;
                }
            }
            '#' if s[..i].ends_with(' ') => return false,
            '\n' | '\r' | '\t' => return false,
            c if c.is_control() || c == '\u{feff}' => return false,
            _ => {}
        }
    }
    true
}

/// Column after which go-yaml v2 breaks a long plain or single-quoted scalar at a space.
const BEST_WIDTH: usize = 80;

/// go-yaml v2's line folding of a plain or single-quoted value that starts at column `col`:
/// at a single space past column 80, the line breaks and continues at `indent`.
fn fold(scalar: &str, col: usize, indent: usize) -> String {
    let quoted = scalar.starts_with('\'');
    if scalar.starts_with(['"', '|']) || scalar.chars().count() + col <= BEST_WIDTH {
        return scalar.to_string();
    }
    let chars: Vec<char> = scalar.chars().collect();
    let (first, last) = if quoted {
        (1, chars.len() - 1)
    } else {
        (0, chars.len())
    };
    let mut o = String::with_capacity(scalar.len() + 16);
    let mut col = col;
    let mut spaces = false;
    for (i, &c) in chars.iter().enumerate() {
        let inside = i >= first && i < last;
        if c == ' ' && inside {
            let next_space = chars.get(i + 1) == Some(&' ');
            let edge = quoted && (i == first || i + 1 == last);
            if !spaces && col > BEST_WIDTH && !next_space && !edge {
                o.push('\n');
                o.extend(std::iter::repeat_n(' ', indent));
                col = indent;
            } else {
                o.push(' ');
                col += 1;
            }
            spaces = true;
        } else {
            o.push(c);
            col += 1;
            spaces = false;
        }
    }
    o
}

/// A string as go-yaml v2 writes it at block `indent`.
fn yaml_str(s: &str, indent: usize, key: bool) -> String {
    if s.contains('\n') && !key && literal_ok(s) {
        return literal(s, indent);
    }
    if !resolves_non_string(s) && plain_ok(s, key) {
        return s.to_string();
    }
    if !resolves_non_string(s)
        && !s.contains(['\n', '\r', '\t'])
        && !s.chars().any(char::is_control)
    {
        return format!("'{}'", s.replace('\'', "''"));
    }
    double_quoted(s)
}

fn literal_ok(s: &str) -> bool {
    // libyaml refuses a block scalar with trailing spaces or a space before a line break.
    !s.ends_with(' ')
        && !s.contains(" \n")
        && !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
}

fn literal(s: &str, indent: usize) -> String {
    let mut o = String::from("|");
    if s.starts_with(' ') || s.starts_with('\n') {
        o.push('2');
    }
    if !s.ends_with('\n') {
        o.push('-');
    } else if s.ends_with("\n\n") || s == "\n" {
        o.push('+');
    }
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        o.push('\n');
        if !line.is_empty() {
            for _ in 0..indent {
                o.push(' ');
            }
            o.push_str(line);
        }
    }
    o
}

fn double_quoted(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            '\r' => o.push_str("\\r"),
            '\0' => o.push_str("\\0"),
            c if c.is_control() => o.push_str(&format!("\\x{:02X}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// `toJson` (`encoding/json`: keys sorted, `<>&` escaped unless `raw`) or `toPrettyJson`.
pub fn to_json(v: &Val, pretty: bool, raw: bool) -> String {
    let mut o = String::new();
    json(v, &mut o, pretty, raw, 0);
    o
}

fn json(v: &Val, o: &mut String, pretty: bool, raw: bool, depth: usize) {
    if depth > MAX_DEPTH || o.len() > super::MAX_PRINT {
        o.push_str("null");
        return;
    }
    let nl = |o: &mut String, d: usize| {
        if pretty {
            o.push('\n');
            for _ in 0..d {
                o.push_str("  ");
            }
        }
    };
    match &v.v {
        Value::Null => o.push_str("null"),
        Value::Bool(b) => o.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => o.push_str(&i.to_string()),
        Value::Float(f) => o.push_str(&json_float(*f)),
        Value::Str(s) => json_str(s, o, raw),
        Value::Unknown(_) => json_str(UNRESOLVED, o, raw),
        Value::List(l) => {
            o.push('[');
            for (i, it) in l.iter().enumerate() {
                if i > 0 {
                    o.push(',');
                }
                nl(o, depth + 1);
                json(it, o, pretty, raw, depth + 1);
            }
            if !l.is_empty() {
                nl(o, depth);
            }
            o.push(']');
        }
        Value::Map(m) => {
            o.push('{');
            for (i, (k, it)) in m.iter().enumerate() {
                if i > 0 {
                    o.push(',');
                }
                nl(o, depth + 1);
                json_str(k, o, raw);
                o.push(':');
                if pretty {
                    o.push(' ');
                }
                json(it, o, pretty, raw, depth + 1);
            }
            if !m.is_empty() {
                nl(o, depth);
            }
            o.push('}');
        }
    }
}

fn json_str(s: &str, o: &mut String, raw: bool) {
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            '<' | '>' | '&' if !raw => o.push_str(&format!("\\u{:04x}", c as u32)),
            '\u{2028}' | '\u{2029}' => o.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(v: &Val) -> String {
        to_yaml(v).as_str().unwrap().to_string()
    }

    #[test]
    fn block_layout_like_go_yaml_v2() {
        let v = Val::map([
            (
                "b",
                Val::list(vec![
                    Val::str("x"),
                    Val::map([("k", Val::float(1.0)), ("a", Val::str("true"))]),
                ]),
            ),
            (
                "a",
                Val::map([
                    ("c", Val::str("multi\nline")),
                    ("e", Val::map(Vec::<(String, Val)>::new())),
                ]),
            ),
            ("d", Val::null()),
        ]);
        assert_eq!(
            y(&v),
            "a:\n  c: |-\n    multi\n    line\n  e: {}\nb:\n- x\n- a: \"true\"\n  k: 1\nd: null"
        );
    }

    #[test]
    fn strings_are_quoted_when_they_must_be() {
        assert_eq!(y(&Val::str("8080")), "\"8080\"");
        assert_eq!(y(&Val::str("a: b")), "'a: b'");
        assert_eq!(y(&Val::str("-x")), "-x");
        assert_eq!(y(&Val::str("- x")), "'- x'");
        assert_eq!(y(&Val::str("")), "\"\"");
        assert_eq!(y(&Val::str("*")), "'*'");
        assert_eq!(y(&Val::str("2024-01-01")), "\"2024-01-01\"");
        assert_eq!(y(&Val::float(1000000.0)), "1000000");
        assert_eq!(y(&Val::float(0.5)), "0.5");
        // Checked against helm 3.10.1: a long plain value folds past column 80.
        let long = ["long"; 21].join(" ");
        assert_eq!(
            y(&Val::map([("l", Val::str(long))])),
            format!("l: {}\n  {}", ["long"; 16].join(" "), ["long"; 5].join(" "))
        );
    }

    #[test]
    fn json_like_go() {
        let v = Val::map([
            ("b", Val::str("<x>")),
            ("a", Val::list(vec![Val::float(2.0), Val::bool(true)])),
        ]);
        assert_eq!(
            to_json(&v, false, false),
            r#"{"a":[2,true],"b":"\u003cx\u003e"}"#
        );
        assert_eq!(
            to_json(&v, true, true),
            "{\n  \"a\": [\n    2,\n    true\n  ],\n  \"b\": \"<x>\"\n}"
        );
    }
}
