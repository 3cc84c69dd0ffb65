//! The meaning of YAML as Kubernetes reads it, as JSON values: used to check that a rewritten
//! object deserializes into its API type and differs from the original only by its plan, and to
//! turn a plan into JSON patch operations for Kustomize.
//!
//! Plain scalars resolve as sigs.k8s.io/yaml does (YAML 1.1: `yes`/`on`/`y` are booleans, a
//! leading `0` is octal); aliases and `<<` merge keys are expanded with a node budget, so an alias
//! bomb is an error, not memory exhaustion.

use analyzer::yaml::{NodeId, Style, Value as Y, YamlDoc};
use serde_json::{Map, Number, Value};

use crate::yamledit::{NewValue, Route, Scalar, Seg};

/// Nodes produced at most when expanding one object (aliases included).
const BUDGET: usize = 1_000_000;

/// The JSON value of a node of a parsed document.
pub fn from_yaml(doc: &YamlDoc, id: NodeId) -> Result<Value, String> {
    let mut budget = BUDGET;
    node(doc, id, 0, &mut budget)
}

fn node(doc: &YamlDoc, id: NodeId, depth: usize, budget: &mut usize) -> Result<Value, String> {
    if depth > 300 {
        return Err("nested too deeply".into());
    }
    *budget = budget
        .checked_sub(1)
        .ok_or("aliases expand to too many nodes")?;
    match &doc.node(id).value {
        Y::Scalar {
            text,
            style: Style::Plain,
        } => Ok(plain(text)),
        Y::Scalar { text, .. } => Ok(Value::String(text.clone())),
        Y::Alias(target) => node(doc, *target, depth + 1, budget),
        Y::Seq { items, .. } => items
            .iter()
            .map(|i| node(doc, *i, depth + 1, budget))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Y::Map { entries, .. } => {
            let mut out = Map::new();
            let mut merged = Map::new();
            for (k, v) in entries {
                let key = match &doc.node(*k).value {
                    Y::Scalar { text, .. } => text.clone(),
                    Y::Alias(t) => match &doc.node(*t).value {
                        Y::Scalar { text, .. } => text.clone(),
                        _ => return Err("a mapping key that is not a scalar".into()),
                    },
                    _ => return Err("a mapping key that is not a scalar".into()),
                };
                let value = node(doc, *v, depth + 1, budget)?;
                if key == "<<"
                    && matches!(
                        doc.node(*k).value,
                        Y::Scalar {
                            style: Style::Plain,
                            ..
                        }
                    )
                {
                    let sources = match value {
                        Value::Array(a) => a,
                        other => vec![other],
                    };
                    for s in sources {
                        if let Value::Object(m) = s {
                            for (mk, mv) in m {
                                merged.entry(mk).or_insert(mv);
                            }
                        }
                    }
                } else {
                    out.insert(key, value);
                }
            }
            for (k, v) in merged {
                out.entry(k).or_insert(v);
            }
            Ok(Value::Object(out))
        }
    }
}

/// A plain scalar resolved the way Kubernetes' YAML reader resolves it.
pub fn plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y" => {
            return Value::Bool(true);
        }
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n" | "N" => {
            return Value::Bool(false);
        }
        _ => {}
    }
    let cleaned: String = s.chars().filter(|c| *c != '_').collect();
    let (neg, digits) = match cleaned.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    let int = if let Some(h) = digits.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()
    } else if let Some(o) = digits.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()
    } else if digits.len() > 1
        && digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        i64::from_str_radix(&digits[1..], 8).ok()
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<i64>().ok()
    } else {
        None
    };
    if let Some(i) = int {
        return Value::Number(Number::from(if neg { -i } else { i }));
    }
    let looks_float = digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if looks_float
        && let Ok(f) = s.replace('_', "").parse::<f64>()
        && let Some(n) = Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(s.to_string())
}

/// The JSON value of new content.
pub fn from_new(v: &NewValue) -> Value {
    match v {
        NewValue::Scalar(Scalar::Str(s)) => Value::String(s.clone()),
        NewValue::Scalar(Scalar::Plain(t)) => plain(t),
        NewValue::Map(es) => {
            Value::Object(es.iter().map(|(k, v)| (k.clone(), from_new(v))).collect())
        }
        NewValue::Seq(items) => Value::Array(items.iter().map(from_new).collect()),
    }
}

/// A change to a JSON object, by route.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonOp {
    Set(Value),
    Append(Value),
    Remove,
}

/// Apply one operation the way the YAML engine does: missing mappings on the route (or empty
/// values) are created, a missing sequence is created for an append.
pub fn apply(target: &mut Value, route: &Route, op: &JsonOp) -> Result<(), String> {
    let segs = route.segs();
    let Some((last, parents)) = segs.split_last() else {
        return Err("an empty route".into());
    };
    let mut cur = target;
    for seg in parents {
        cur = match seg {
            Seg::Key(k) => {
                if cur.is_null() {
                    *cur = Value::Object(Map::new());
                }
                let Value::Object(m) = cur else {
                    return Err(format!("`{route}`: `{k}` is under a non-mapping"));
                };
                m.entry(k.clone()).or_insert(Value::Null)
            }
            Seg::Index(i) => cur
                .get_mut(*i)
                .ok_or_else(|| format!("`{route}`: index {i} is out of range"))?,
        };
    }
    match (last, op) {
        (Seg::Key(k), JsonOp::Set(v)) => {
            if cur.is_null() {
                *cur = Value::Object(Map::new());
            }
            let Value::Object(m) = cur else {
                return Err(format!("`{route}` is under a non-mapping"));
            };
            m.insert(k.clone(), v.clone());
        }
        (Seg::Key(k), JsonOp::Append(v)) => {
            if cur.is_null() {
                *cur = Value::Object(Map::new());
            }
            let Value::Object(m) = cur else {
                return Err(format!("`{route}` is under a non-mapping"));
            };
            let slot = m.entry(k.clone()).or_insert(Value::Null);
            if slot.is_null() {
                *slot = Value::Array(Vec::new());
            }
            let Value::Array(a) = slot else {
                return Err(format!("`{route}` is not a sequence"));
            };
            a.push(v.clone());
        }
        (Seg::Key(k), JsonOp::Remove) => {
            let Value::Object(m) = cur else {
                return Err(format!("`{route}` is under a non-mapping"));
            };
            m.remove(k)
                .ok_or_else(|| format!("`{route}` does not exist"))?;
        }
        (Seg::Index(i), JsonOp::Set(v)) => {
            let slot = cur
                .get_mut(*i)
                .ok_or_else(|| format!("`{route}` is out of range"))?;
            *slot = v.clone();
        }
        (Seg::Index(i), JsonOp::Append(v)) => {
            let slot = cur
                .get_mut(*i)
                .ok_or_else(|| format!("`{route}` is out of range"))?;
            if slot.is_null() {
                *slot = Value::Array(Vec::new());
            }
            let Value::Array(a) = slot else {
                return Err(format!("`{route}` is not a sequence"));
            };
            a.push(v.clone());
        }
        (Seg::Index(i), JsonOp::Remove) => {
            let Value::Array(a) = cur else {
                return Err(format!("`{route}` is under a non-sequence"));
            };
            if *i >= a.len() {
                return Err(format!("`{route}` is out of range"));
            }
            a.remove(*i);
        }
    }
    Ok(())
}

/// RFC 6901 pointer of a route.
pub fn pointer(route: &Route) -> String {
    let mut out = String::new();
    for seg in route.segs() {
        out.push('/');
        match seg {
            Seg::Key(k) => out.push_str(&k.replace('~', "~0").replace('/', "~1")),
            Seg::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

/// Drop `null` members (Kubernetes treats them as absent; typed clients omit them).
pub fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// `without_nulls(a) == without_nulls(b)`, without building either copy.
pub fn eq_ignoring_nulls(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let present = |m: &'_ Map<String, Value>| m.values().filter(|v| !v.is_null()).count();
            present(x) == present(y)
                && x.iter()
                    .filter(|(_, v)| !v.is_null())
                    .all(|(k, v)| y.get(k).is_some_and(|w| eq_ignoring_nulls(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| eq_ignoring_nulls(v, w))
        }
        _ => a == b,
    }
}

/// Routes of members present in `original` but missing from `typed` (fields the API type does
/// not know, dropped by a typed round trip).
pub fn missing_members(original: &Value, typed: &Value, at: &str, out: &mut Vec<String>) {
    // The route is kept as a stack of segments and only spelled out for a missing member: a
    // string per visited member would be most of the cost of checking a large object.
    let mut stack: Vec<Step<'_>> = Vec::new();
    missing_in(original, typed, at, &mut stack, out);
}

#[derive(Clone, Copy)]
enum Step<'v> {
    Key(&'v str),
    Index(usize),
}

fn spell(at: &str, stack: &[Step<'_>]) -> String {
    let mut s = at.to_string();
    for seg in stack {
        match seg {
            Step::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Step::Index(i) => {
                s.push('[');
                s.push_str(&i.to_string());
                s.push(']');
            }
        }
    }
    s
}

fn missing_in<'v>(
    original: &'v Value,
    typed: &Value,
    at: &str,
    stack: &mut Vec<Step<'v>>,
    out: &mut Vec<String>,
) {
    match (original, typed) {
        (Value::Object(o), Value::Object(t)) => {
            for (k, v) in o {
                stack.push(Step::Key(k));
                match t.get(k) {
                    None if !v.is_null() => out.push(spell(at, stack)),
                    None => {}
                    Some(tv) => missing_in(v, tv, at, stack, out),
                }
                stack.pop();
            }
        }
        (Value::Array(o), Value::Array(t)) => {
            for (i, (ov, tv)) in o.iter().zip(t).enumerate() {
                stack.push(Step::Index(i));
                missing_in(ov, tv, at, stack, out);
                stack.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plain_scalars_resolve_like_kubernetes() {
        assert_eq!(plain("yes"), json!(true));
        assert_eq!(plain("80"), json!(80));
        assert_eq!(plain("0777"), json!(511));
        assert_eq!(plain("0x1F"), json!(31));
        assert_eq!(plain("1.5"), json!(1.5));
        assert_eq!(plain("~"), Value::Null);
        assert_eq!(plain("500m"), json!("500m"));
        assert_eq!(plain("1.2.3"), json!("1.2.3"));
        assert_eq!(plain("-"), json!("-"));
    }

    #[test]
    fn aliases_and_merge_keys_expand_within_a_budget() {
        let text = "base: &b {image: nginx, port: 80}\nweb:\n  <<: *b\n  port: 8080\n";
        let s = analyzer::yaml::parse(text);
        let d = &s.docs[0];
        let v = from_yaml(d, d.root().unwrap().id).unwrap();
        assert_eq!(v["web"], json!({"image": "nginx", "port": 8080}));
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let p = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            bomb.push_str(&format!(
                "l{i}: &l{i} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            ));
        }
        let s = analyzer::yaml::parse(&bomb);
        let d = &s.docs[0];
        assert_eq!(
            from_yaml(d, d.root().unwrap().id).unwrap_err(),
            "aliases expand to too many nodes"
        );
    }

    #[test]
    fn equality_ignoring_nulls_matches_comparing_without_nulls() {
        let cases = [
            (json!({"a": 1, "b": null}), json!({"a": 1})),
            (
                json!({"a": {"x": null, "y": [1, null]}}),
                json!({"a": {"y": [1, null]}}),
            ),
            (json!({"a": 1, "b": null}), json!({"a": 1, "c": 2})),
            (json!({"a": [1, null]}), json!({"a": [1]})),
            (json!({"a": null}), json!({})),
            (json!([{"a": null}]), json!([{}])),
            (json!({"a": 1}), json!({"a": "1"})),
        ];
        for (a, b) in cases {
            let want = without_nulls(&a) == without_nulls(&b);
            assert_eq!(eq_ignoring_nulls(&a, &b), want, "{a} vs {b}");
            assert_eq!(eq_ignoring_nulls(&b, &a), want, "{b} vs {a}");
        }
    }

    #[test]
    fn missing_members_are_spelled_as_routes() {
        let original = json!({"spec": {"a": 1, "x": null, "list": [{"b": 1, "zz": 2}], "deep": {"q": 1}}, "top": 3});
        let typed = json!({"spec": {"a": 1, "list": [{"b": 1}], "deep": {}}});
        let mut out = Vec::new();
        missing_members(&original, &typed, "", &mut out);
        assert_eq!(out, ["spec.deep.q", "spec.list[0].zz", "top"]);
        let mut out = Vec::new();
        missing_members(&original["spec"], &typed["spec"], "spec", &mut out);
        assert_eq!(out, ["spec.deep.q", "spec.list[0].zz"]);
    }

    #[test]
    fn operations_create_missing_parents() {
        let mut v = json!({"spec": {"template": null}});
        apply(
            &mut v,
            &Route::keys(&["spec", "template", "spec", "runtimeClassName"]),
            &JsonOp::Set(json!("wasm")),
        )
        .unwrap();
        apply(
            &mut v,
            &Route::keys(&["spec", "template", "spec", "initContainers"]),
            &JsonOp::Append(json!({"name": "x"})),
        )
        .unwrap();
        assert_eq!(
            v,
            json!({"spec": {"template": {"spec": {"runtimeClassName": "wasm", "initContainers": [{"name": "x"}]}}}})
        );
        apply(
            &mut v,
            &Route::keys(&["spec", "template", "spec", "initContainers"]).index(0),
            &JsonOp::Remove,
        )
        .unwrap();
        assert_eq!(v["spec"]["template"]["spec"]["initContainers"], json!([]));
        assert_eq!(
            pointer(&Route::keys(&["metadata", "annotations", "dapr.io/app-id"])),
            "/metadata/annotations/dapr.io~1app-id"
        );
    }
}
