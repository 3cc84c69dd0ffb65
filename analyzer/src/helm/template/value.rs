//! Template values: what `.Values`, variables and function results hold, each remembering the
//! values.yaml node it came from, and Go's rules for truthiness and printing.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::source::FileId;
use crate::span::Span;
use crate::yaml::{Style, YRef, YamlDoc};

/// A value as Helm's Go code sees it after `values.yaml` went through `sigs.k8s.io/yaml`
/// (so every number read from YAML is a `Float`, like Go's `float64`).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Val>),
    Map(BTreeMap<String, Val>),
    /// Not decidable statically (a cluster lookup, randomness, an unknown function...): the
    /// string says why. It propagates through functions and prints as [`UNRESOLVED`].
    Unknown(String),
}

/// What an Unknown prints as: a plain YAML scalar, so the output still parses.
pub const UNRESOLVED: &str = "wasm-migrate-unresolved";

/// A part of a string value whose bytes came from somewhere known: a template's own text (the
/// body of an `include`d `define`) or a values.yaml node (a scalar written by `toYaml`).
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// Byte range in the string.
    pub range: Range<usize>,
    /// Template bytes they came from, and whether they are that text byte-for-byte. `None`:
    /// the action that prints the string.
    pub src: Option<(FileId, Span, bool)>,
    pub origin: Option<(FileId, Span)>,
}

/// A value and the values.yaml node it came from, if it came from one.
#[derive(Clone, Debug, PartialEq)]
pub struct Val {
    pub v: Value,
    pub origin: Option<(FileId, Span)>,
    /// For strings built from other sources (`include`, `toYaml`): where each part came from.
    /// Empty for most values; build values with [`Val::new`] and friends.
    pub marks: Vec<Mark>,
}

impl Default for Val {
    fn default() -> Self {
        Val::new(Value::Null)
    }
}

impl From<Value> for Val {
    fn from(v: Value) -> Self {
        Val::new(v)
    }
}

/// Most nodes one `values.yaml` may expand to (aliases are expanded here, so an alias bomb
/// stops at this many nodes and the rest becomes Unknown).
pub const MAX_YAML_NODES: usize = 1_000_000;
const MAX_YAML_DEPTH: usize = 300;

impl Val {
    pub fn new(v: Value) -> Val {
        Val {
            v,
            origin: None,
            marks: Vec::new(),
        }
    }
    pub fn with_origin(v: Value, origin: Option<(FileId, Span)>) -> Val {
        Val {
            v,
            origin,
            marks: Vec::new(),
        }
    }
    pub fn null() -> Val {
        Val::new(Value::Null)
    }
    pub fn str(s: impl Into<String>) -> Val {
        Val::new(Value::Str(s.into()))
    }
    pub fn bool(b: bool) -> Val {
        Val::new(Value::Bool(b))
    }
    pub fn int(i: i64) -> Val {
        Val::new(Value::Int(i))
    }
    pub fn float(f: f64) -> Val {
        Val::new(Value::Float(f))
    }
    pub fn list(items: Vec<Val>) -> Val {
        Val::new(Value::List(items))
    }
    pub fn unknown(why: impl Into<String>) -> Val {
        Val::new(Value::Unknown(why.into()))
    }
    /// A map from (key, value) pairs.
    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Val)>) -> Val {
        Val::new(Value::Map(
            entries.into_iter().map(|(k, v)| (k.into(), v)).collect(),
        ))
    }

    /// Key of a map (None for anything else or a missing key).
    pub fn get(&self, key: &str) -> Option<&Val> {
        match &self.v {
            Value::Map(m) => m.get(key),
            _ => None,
        }
    }

    /// Follow a route of map keys.
    pub fn path(&self, route: &[&str]) -> Option<&Val> {
        route.iter().try_fold(self, |cur, k| cur.get(k))
    }

    /// Insert into a map (turning a non-map into an empty map first).
    pub fn insert(&mut self, key: impl Into<String>, val: Val) {
        if !matches!(self.v, Value::Map(_)) {
            self.v = Value::Map(BTreeMap::new());
        }
        if let Value::Map(m) = &mut self.v {
            m.insert(key.into(), val);
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.v {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.v, Value::Unknown(_))
    }

    /// Go's truthiness: false, 0, "", nil, empty list and empty map are false. Unknown is
    /// `None`: the caller decides (and records) what to do.
    pub fn truth(&self) -> Option<bool> {
        Some(match &self.v {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Unknown(_) => return None,
        })
    }

    /// Go's type name for `kindOf`/`typeOf`-style checks, as Helm values have them.
    pub fn kind(&self) -> &'static str {
        match &self.v {
            Value::Null => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float64",
            Value::Str(_) => "string",
            Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Unknown(_) => "unknown",
        }
    }

    /// The value read from one YAML document, the way Helm reads `values.yaml`: YAML 1.1
    /// booleans, every number a float, aliases and `<<` merges expanded (bounded), and every
    /// node's span recorded as its origin.
    pub fn from_yaml(doc: &YamlDoc, file: FileId) -> Val {
        Val::from_yaml_at(doc, Some(file))
    }

    /// [`Val::from_yaml`], without origins when `file` is None (`fromYaml` of a string).
    pub fn from_yaml_at(doc: &YamlDoc, file: Option<FileId>) -> Val {
        let mut budget = MAX_YAML_NODES;
        match doc.root() {
            Some(root) => from_node(root, file, &mut budget, 0),
            None => Val::null(),
        }
    }

    /// Go's `fmt.Sprint` of the value, the way text/template prints an action (Helm then drops
    /// `<no value>`, so a top-level nil prints as nothing).
    pub fn to_go_string(&self) -> String {
        let mut s = String::new();
        match &self.v {
            Value::Null => {}
            _ => go_fmt(self, &mut s, true),
        }
        s
    }
}

fn from_node(node: YRef<'_>, file: Option<FileId>, budget: &mut usize, depth: usize) -> Val {
    let origin = file.map(|f| (f, node.span()));
    if *budget == 0 || depth > MAX_YAML_DEPTH {
        return Val::with_origin(
            Value::Unknown("values too large or too deep to expand".into()),
            origin,
        );
    }
    *budget -= 1;
    if node.is_map() {
        let mut m = BTreeMap::new();
        // `<<` merge keys first, so the map's own keys win.
        for (k, v) in node.entries() {
            if k == "<<" {
                let merged = from_node(v, file, budget, depth + 1);
                match merged.v {
                    Value::Map(mm) => m.extend(mm),
                    Value::List(items) => {
                        for it in items {
                            if let Value::Map(mm) = it.v {
                                for (k2, v2) in mm {
                                    m.entry(k2).or_insert(v2);
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        for (k, v) in node.entries() {
            if k == "<<" {
                continue;
            }
            let val = from_node(v, file, budget, depth + 1);
            m.insert(k.to_string(), val);
        }
        return Val::with_origin(Value::Map(m), origin);
    }
    if node.is_seq() {
        let items = node
            .items()
            .map(|i| from_node(i, file, budget, depth + 1))
            .collect();
        return Val::with_origin(Value::List(items), origin);
    }
    let text = node.as_str().unwrap_or("");
    let v = if node.style() == Some(Style::Plain) {
        if node.is_null() {
            Value::Null
        } else if let Some(b) = node.as_bool() {
            Value::Bool(b)
        } else if let Some(f) = yaml_number(text) {
            Value::Float(f)
        } else {
            Value::Str(text.to_string())
        }
    } else {
        Value::Str(text.to_string())
    };
    Val::with_origin(v, origin)
}

/// A plain YAML scalar read as a number the way go-yaml v2 resolves it (decimal, `0x`, `0o`,
/// legacy octal `0755`, floats, `.inf`, `.nan`), as the float64 Helm ends up with.
pub fn yaml_number(s: &str) -> Option<f64> {
    let t = s.replace('_', "");
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(&t)),
    };
    let sign = if neg { -1.0 } else { 1.0 };
    if body.is_empty() {
        return None;
    }
    if let Some(h) = body.strip_prefix("0x") {
        return i64::from_str_radix(h, 16).ok().map(|i| sign * i as f64);
    }
    if let Some(o) = body.strip_prefix("0o") {
        return i64::from_str_radix(o, 8).ok().map(|i| sign * i as f64);
    }
    if let Some(b) = body.strip_prefix("0b") {
        return i64::from_str_radix(b, 2).ok().map(|i| sign * i as f64);
    }
    if body.len() > 1 && body.starts_with('0') && body.bytes().all(|b| b.is_ascii_digit()) {
        return i64::from_str_radix(body, 8).ok().map(|i| sign * i as f64);
    }
    match body {
        ".inf" | ".Inf" | ".INF" => return Some(sign * f64::INFINITY),
        ".nan" | ".NaN" | ".NAN" if !neg => return Some(f64::NAN),
        _ => {}
    }
    let first = body.as_bytes()[0];
    if !(first.is_ascii_digit() || first == b'.') {
        return None;
    }
    if !body
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    body.parse::<f64>().ok().map(|f| sign * f)
}

/// Go's `%v` of a float64: shortest digits, exponent form when the exponent is < -4 or >= 6
/// (strconv's 'g' with shortest precision), as Helm users know from `replicas: 1000000`
/// printing `1e+06`.
pub fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "1.234567e6".
    let e = format!("{f:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mant}e{sign}{:02}", exp.abs())
    } else {
        format!("{f}")
    }
}

/// A float as `encoding/json` writes it (used by toJson, and by toYaml, which goes through JSON).
pub fn json_float(f: f64) -> String {
    if !f.is_finite() {
        return "null".into();
    }
    let a = f.abs();
    if a != 0.0 && !(1e-6..1e21).contains(&a) {
        // encoding/json writes `1e+21` and `1e-7` (no zero padding of a negative exponent).
        let e = format!("{f:e}");
        let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        if exp < 0 {
            format!("{mant}e-{}", exp.abs())
        } else {
            format!("{mant}e+{exp:02}")
        }
    } else {
        format!("{f}")
    }
}

fn go_fmt(v: &Val, out: &mut String, top: bool) {
    if out.len() > super::MAX_PRINT {
        return;
    }
    match &v.v {
        Value::Null => out.push_str(if top { "<no value>" } else { "<nil>" }),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&go_float(*f)),
        Value::Str(s) => out.push_str(s),
        Value::Unknown(_) => out.push_str(UNRESOLVED),
        Value::List(items) => {
            out.push('[');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                go_fmt(it, out, false);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push_str("map[");
            for (i, (k, it)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                go_fmt(it, out, false);
            }
            out.push(']');
        }
    }
}

/// Go's `%v` of a value nested anywhere (nil prints `<nil>`).
pub fn go_sprint(v: &Val) -> String {
    let mut s = String::new();
    go_fmt(v, &mut s, false);
    s
}

/// Number of nodes in a value, capped at `cap` (work done is bounded by `cap` too).
pub fn size_capped(v: &Val, cap: u64) -> u64 {
    let mut n = 0u64;
    let mut stack = vec![v];
    while let Some(x) = stack.pop() {
        n += 1;
        if n >= cap {
            return cap;
        }
        match &x.v {
            Value::List(items) => stack.extend(items.iter()),
            Value::Map(m) => stack.extend(m.values()),
            // A string costs a step per 64 bytes: copies of long strings bound memory too.
            Value::Str(s) => n += (s.len() / 64) as u64,
            _ => {}
        }
    }
    n
}

/// Depth of nesting, capped at `cap`.
pub fn depth_capped(v: &Val, cap: usize) -> usize {
    fn go(v: &Val, d: usize, cap: usize) -> usize {
        if d >= cap {
            return cap;
        }
        match &v.v {
            Value::List(items) => items
                .iter()
                .map(|i| go(i, d + 1, cap))
                .max()
                .unwrap_or(d + 1),
            Value::Map(m) => m.values().map(|i| go(i, d + 1, cap)).max().unwrap_or(d + 1),
            _ => d + 1,
        }
    }
    go(v, 0, cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_go() {
        assert_eq!(go_float(8080.0), "8080");
        assert_eq!(go_float(1000000.0), "1e+06");
        assert_eq!(go_float(123456.0), "123456");
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(0.00001), "1e-05");
        assert_eq!(go_float(1234567.0), "1.234567e+06");
        assert_eq!(json_float(1000000.0), "1000000");
        assert_eq!(json_float(1.5), "1.5");
        assert_eq!(json_float(1.5e-7), "1.5e-7");
        assert_eq!(json_float(1e21), "1e+21");
    }

    #[test]
    fn yaml_scalars_resolve_like_helm() {
        let text = "a: 1\nb: yes\nc: '1'\nd: ~\ne: 0x10\nf: 1.5e3\ng: text\n";
        let s = crate::yaml::parse(text);
        let v = Val::from_yaml(&s.docs[0], FileId(3));
        assert_eq!(v.get("a").unwrap().v, Value::Float(1.0));
        assert_eq!(v.get("b").unwrap().v, Value::Bool(true));
        assert_eq!(v.get("c").unwrap().v, Value::Str("1".into()));
        assert_eq!(v.get("d").unwrap().v, Value::Null);
        assert_eq!(v.get("e").unwrap().v, Value::Float(16.0));
        assert_eq!(v.get("f").unwrap().v, Value::Float(1500.0));
        assert_eq!(v.get("g").unwrap().v, Value::Str("text".into()));
        assert_eq!(
            v.get("g").unwrap().origin,
            Some((FileId(3), Span::new(44, 48)))
        );
        assert_eq!(&text[44..48], "text");
    }

    #[test]
    fn alias_bomb_is_bounded() {
        let mut y = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for c in 'b'..='k' {
            y.push_str(&format!(
                "{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
            prev = c;
        }
        let s = crate::yaml::parse(&y);
        let v = Val::from_yaml(&s.docs[0], FileId(0));
        assert!(size_capped(&v, u64::MAX) <= MAX_YAML_NODES as u64 + 20);
    }
}
