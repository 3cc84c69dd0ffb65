//! Values to write: a small tree of new YAML content, how scalars are quoted so they read back as
//! the same value, and rendering in block style (at a column, with the document's indentation
//! unit and sequence style) or flow style.

use analyzer::yaml::{self, Style, Value};

use super::error::EditError;
use super::route::Route;

/// A scalar to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scalar {
    /// A string: written plain when that reads back as the same string, quoted otherwise.
    Str(String),
    /// A plain token written as is: numbers, booleans, `null`. Must be a single line.
    Plain(String),
}

/// New YAML content. Mappings keep their key order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewValue {
    Scalar(Scalar),
    Map(Vec<(String, NewValue)>),
    Seq(Vec<NewValue>),
}

impl NewValue {
    pub fn str(s: impl Into<String>) -> Self {
        NewValue::Scalar(Scalar::Str(s.into()))
    }

    pub fn int(n: i64) -> Self {
        NewValue::Scalar(Scalar::Plain(n.to_string()))
    }

    pub fn bool(b: bool) -> Self {
        NewValue::Scalar(Scalar::Plain(b.to_string()))
    }

    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, NewValue)>) -> Self {
        NewValue::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn seq(items: impl IntoIterator<Item = NewValue>) -> Self {
        NewValue::Seq(items.into_iter().collect())
    }

    /// A value written as a YAML fragment (a sidecar container, a probe). Plain scalars keep
    /// their token, quoted and block scalars become strings; comments in the fragment are not
    /// kept; anchors, aliases and tags are refused because they would not survive re-indenting.
    pub fn from_yaml(fragment: &str) -> Result<NewValue, EditError> {
        let stream = yaml::parse(fragment);
        if let Some(e) = stream.error {
            return Err(EditError::Parse {
                message: e.message,
                line: e.line,
                column: e.column,
            });
        }
        let bad = |detail: &str| EditError::Unsupported {
            doc: 0,
            route: Route::root(),
            detail: format!("in a fragment: {detail}"),
        };
        let [doc] = stream.docs.as_slice() else {
            return Err(bad("expected exactly one document"));
        };
        let Some(root) = doc.root() else {
            return Err(bad("the fragment is empty"));
        };
        convert(doc, root.id, fragment, 0).map_err(|d| bad(&d))
    }

    pub(crate) fn kind(&self) -> &'static str {
        match self {
            NewValue::Scalar(_) => "a scalar",
            NewValue::Map(_) => "a mapping",
            NewValue::Seq(_) => "a sequence",
        }
    }
}

fn convert(
    doc: &yaml::YamlDoc,
    id: yaml::NodeId,
    src: &str,
    depth: usize,
) -> Result<NewValue, String> {
    if depth > 64 {
        return Err("nested too deeply".into());
    }
    let node = doc.node(id);
    let raw = src.get(node.span.start..node.span.end).unwrap_or("");
    if node.tag.is_some() || raw.starts_with('&') {
        return Err(format!("anchors and tags are not supported (`{raw}`)"));
    }
    match &node.value {
        Value::Alias(_) => Err("aliases are not supported".into()),
        Value::Scalar {
            text,
            style: Style::Plain,
        } if !text.contains('\n') => Ok(NewValue::Scalar(Scalar::Plain(text.clone()))),
        Value::Scalar { text, .. } => Ok(NewValue::Scalar(Scalar::Str(text.clone()))),
        Value::Seq { items, .. } => items
            .iter()
            .map(|i| convert(doc, *i, src, depth + 1))
            .collect::<Result<Vec<_>, _>>()
            .map(NewValue::Seq),
        Value::Map { entries, .. } => {
            let mut out = Vec::new();
            for (k, v) in entries {
                let key = match &doc.node(*k).value {
                    Value::Scalar { text, .. } => text.clone(),
                    _ => return Err("only scalar keys are supported".into()),
                };
                out.push((key, convert(doc, *v, src, depth + 1)?));
            }
            Ok(NewValue::Map(out))
        }
    }
}

/// How an existing scalar was quoted, so a replacement keeps the author's style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Quote {
    Plain,
    Single,
    Double,
}

/// The text of a scalar. `flow` is true inside `[...]`/`{...}`, where `,[]{}` need quoting.
pub(crate) fn scalar_repr(s: &Scalar, pref: Quote, flow: bool) -> String {
    match s {
        Scalar::Plain(tok) if plain_token_ok(tok, flow) => tok.clone(),
        Scalar::Plain(tok) => double_quoted(tok),
        Scalar::Str(s) => match pref {
            Quote::Plain if plain_safe(s, flow) => s.clone(),
            Quote::Single if !s.chars().any(char::is_control) => {
                format!("'{}'", s.replace('\'', "''"))
            }
            _ => double_quoted(s),
        },
    }
}

/// A plain token can be written as is unless it is empty, spans lines, or holds flow indicators
/// inside a flow collection.
fn plain_token_ok(tok: &str, flow: bool) -> bool {
    let bad_in_flow = flow && tok.contains([',', '[', ']', '{', '}']);
    !(tok.is_empty() || tok.contains(['\n', '\r']) || bad_in_flow)
}

/// A mapping key as written; keys are strings.
pub(crate) fn key_repr(k: &str, flow: bool) -> String {
    scalar_repr(&Scalar::Str(k.to_string()), Quote::Plain, flow)
}

fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{feff}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `s` written plain reads back as exactly the string `s` under YAML 1.1 and 1.2
/// (Kubernetes reads YAML 1.1: `yes`, `on`, `0777`, `1:20` are not strings there).
pub(crate) fn plain_safe(s: &str, flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s || s.chars().any(|c| c.is_control() || c == '\u{feff}') {
        return false;
    }
    if "#&*!|>'\"%@`{}[],".contains(first) {
        return false;
    }
    if matches!(first, '-' | '?' | ':') {
        let second = s[first.len_utf8()..].chars().next();
        if second.is_none_or(|c| c == ' ') {
            return false;
        }
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    if flow && s.contains([',', '[', ']', '{', '}']) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    const RESERVED: &[&str] = &[
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", "<<", "=", ".inf",
        "-.inf", "+.inf", ".nan",
    ];
    if RESERVED.contains(&lower.as_str()) {
        return false;
    }
    // Anything that starts like a number (ints, floats, octal, hex, sexagesimal, dates) is quoted.
    let mut chars = s.chars();
    let c0 = chars.next();
    let c1 = chars.next();
    let numeric_start = match (c0, c1) {
        (Some(c), _) if c.is_ascii_digit() => true,
        (Some('+' | '-' | '.'), Some(c)) if c.is_ascii_digit() || c == '.' => true,
        _ => false,
    };
    !numeric_start
}

/// Style parameters of the document receiving new content.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fmt {
    pub unit: usize,
    /// Column of a sequence's dashes minus the column of its key (0 = compact `- ` under the key).
    pub seq_indent: usize,
    pub nl: &'static str,
}

pub(crate) fn flow_repr(v: &NewValue) -> String {
    match v {
        NewValue::Scalar(s) => scalar_repr(s, Quote::Plain, true),
        NewValue::Map(es) => {
            let parts: Vec<String> = es
                .iter()
                .map(|(k, v)| format!("{}: {}", key_repr(k, true), flow_repr(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        NewValue::Seq(items) => {
            let parts: Vec<String> = items.iter().map(flow_repr).collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

fn spaces(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// `key: value` lines at column `col`; each line ends with the line break. With `inline`, the
/// first line starts without indentation (it continues a `- ` already written).
pub(crate) fn block_entry(
    out: &mut String,
    key: &str,
    v: &NewValue,
    col: usize,
    f: Fmt,
    inline: bool,
) {
    if !inline {
        spaces(out, col);
    }
    out.push_str(&key_repr(key, false));
    out.push(':');
    block_after_indicator(out, v, col, f, true);
}

/// The rest of a block node after `key:` (`in_map`) or after `-`.
fn block_after_indicator(out: &mut String, v: &NewValue, col: usize, f: Fmt, in_map: bool) {
    match v {
        NewValue::Scalar(s) => {
            out.push(' ');
            out.push_str(&scalar_repr(s, Quote::Plain, false));
            out.push_str(f.nl);
        }
        NewValue::Map(es) if es.is_empty() => {
            out.push_str(" {}");
            out.push_str(f.nl);
        }
        NewValue::Seq(items) if items.is_empty() => {
            out.push_str(" []");
            out.push_str(f.nl);
        }
        NewValue::Map(es) if in_map => {
            out.push_str(f.nl);
            for (k, v) in es {
                block_entry(out, k, v, col + f.unit, f, false);
            }
        }
        NewValue::Seq(items) if in_map => {
            out.push_str(f.nl);
            for item in items {
                block_item(out, item, col + f.seq_indent, f, false);
            }
        }
        NewValue::Map(es) => {
            out.push(' ');
            for (i, (k, v)) in es.iter().enumerate() {
                block_entry(out, k, v, col + 2, f, i == 0);
            }
        }
        NewValue::Seq(items) => {
            out.push(' ');
            for (i, item) in items.iter().enumerate() {
                block_item(out, item, col + 2, f, i == 0);
            }
        }
    }
}

/// `- item` lines with the dash at column `dash_col`.
pub(crate) fn block_item(out: &mut String, v: &NewValue, dash_col: usize, f: Fmt, inline: bool) {
    if !inline {
        spaces(out, dash_col);
    }
    out.push('-');
    block_after_indicator(out, v, dash_col, f, false);
}

/// The value after `key:` as block content: ` scalar`, or a line break and lines indented under
/// a key at `key_col`. Used when a whole value is replaced; ends without a final line break.
pub(crate) fn block_value_after_key(v: &NewValue, key_col: usize, f: Fmt) -> String {
    let mut out = String::new();
    block_after_indicator(&mut out, v, key_col, f, true);
    trim_nl(&mut out, f.nl);
    out
}

pub(crate) fn trim_nl(s: &mut String, nl: &str) {
    if s.ends_with(nl) {
        s.truncate(s.len() - nl.len());
    }
}

/// Whether a parsed node reads as the value `v` (used to verify edits after re-parsing).
pub(crate) fn matches(doc: &yaml::YamlDoc, id: yaml::NodeId, v: &NewValue, depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    match (&doc.node(id).value, v) {
        (Value::Scalar { text, .. }, NewValue::Scalar(Scalar::Str(s))) => text == s,
        (Value::Scalar { text, style }, NewValue::Scalar(Scalar::Plain(tok))) => {
            text == tok && *style == Style::Plain
        }
        (Value::Seq { items, .. }, NewValue::Seq(want)) => {
            items.len() == want.len()
                && items
                    .iter()
                    .zip(want)
                    .all(|(i, w)| matches(doc, *i, w, depth + 1))
        }
        (Value::Map { entries, .. }, NewValue::Map(want)) => {
            entries.len() == want.len()
                && want.iter().all(|(k, w)| {
                    entries.iter().any(|(ek, ev)| {
                        matches!(&doc.node(*ek).value, Value::Scalar { text, .. } if text == k)
                            && matches(doc, *ev, w, depth + 1)
                    })
                })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f() -> Fmt {
        Fmt {
            unit: 2,
            seq_indent: 0,
            nl: "\n",
        }
    }

    #[test]
    fn quoting_keeps_the_string_a_string() {
        for s in [
            "true", "yes", "On", "80", "0777", "1:20", "-1", ".5", "", " x", "a: b", "a #b", "x:",
            "*a", "&a", "- x", "null", "~",
        ] {
            assert!(!plain_safe(s, false), "{s:?} must be quoted");
        }
        for s in [
            "nginx",
            "ghcr.io/acme/app:1.2",
            "/",
            "/healthz",
            "-x",
            "wasmtime-spin-v2",
            "a:b",
            "dapr.io/app-id",
        ] {
            assert!(plain_safe(s, false), "{s:?} can stay plain");
        }
        assert!(!plain_safe("a,b", true));
        assert_eq!(
            scalar_repr(&Scalar::Str("it's".into()), Quote::Single, false),
            "'it''s'"
        );
        assert_eq!(
            scalar_repr(&Scalar::Str("a\"b\n".into()), Quote::Plain, false),
            "\"a\\\"b\\n\""
        );
        assert_eq!(
            scalar_repr(&Scalar::Str("80".into()), Quote::Plain, false),
            "\"80\""
        );
        assert_eq!(
            scalar_repr(&Scalar::Plain("80".into()), Quote::Double, false),
            "80"
        );
    }

    #[test]
    fn block_rendering_nests_with_the_unit_and_sequence_style() {
        let v = NewValue::from_yaml("name: otel\nimage: otel/collector:0.1\nports:\n- containerPort: 4317\n  protocol: TCP\nargs: [a, b]\n").unwrap();
        let mut out = String::new();
        block_item(
            &mut out,
            &v,
            4,
            Fmt {
                unit: 2,
                seq_indent: 2,
                nl: "\n",
            },
            false,
        );
        assert_eq!(
            out,
            "    - name: otel\n      image: otel/collector:0.1\n      ports:\n        - containerPort: 4317\n          protocol: TCP\n      args:\n        - a\n        - b\n"
        );
        let mut out = String::new();
        block_entry(
            &mut out,
            "spec",
            &NewValue::map([("template", NewValue::map([("x", NewValue::int(1))]))]),
            0,
            Fmt { unit: 4, ..f() },
            false,
        );
        assert_eq!(out, "spec:\n    template:\n        x: 1\n");
    }

    #[test]
    fn flow_rendering() {
        let v = NewValue::map([
            ("path", NewValue::str("/healthz")),
            ("port", NewValue::int(80)),
            ("x", NewValue::str("a,b")),
        ]);
        assert_eq!(flow_repr(&v), "{path: /healthz, port: 80, x: \"a,b\"}");
        assert_eq!(flow_repr(&NewValue::seq([])), "[]");
    }

    #[test]
    fn fragments_refuse_anchors() {
        assert!(NewValue::from_yaml("a: &x 1\nb: *x\n").is_err());
        assert!(NewValue::from_yaml("a: !!str 1\n").is_err());
        assert_eq!(
            NewValue::from_yaml("a: '1'\n").unwrap(),
            NewValue::map([("a", NewValue::str("1"))])
        );
    }
}
