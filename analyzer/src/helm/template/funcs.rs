//! The Sprig and text/template functions charts use, as pure functions over [`Val`]s.
//!
//! Errors are Go's (`Err(message)`): the caller turns them into a [`super::TemplateError`].
//! Strings keep their values.yaml origin through functions that only reshape them (quote,
//! default, trunc, indent...), and `nindent`/`indent` keep the marks of included text.

use std::collections::BTreeMap;

use super::Limits;
use super::digest;
use super::value::{Mark, UNRESOLVED, Val, Value, go_float, go_sprint};
use super::yaml_out;

type F = Result<Val, String>;

fn want(args: &[Val], n: usize, name: &str) -> Result<(), String> {
    if args.len() != n {
        return Err(format!(
            "wrong number of args for {name}: want {n} got {}",
            args.len()
        ));
    }
    Ok(())
}

fn want_min(args: &[Val], n: usize, name: &str) -> Result<(), String> {
    if args.len() < n {
        return Err(format!(
            "wrong number of args for {name}: want at least {n} got {}",
            args.len()
        ));
    }
    Ok(())
}

/// Sprig's `strval`: strings as they are, anything else as `fmt.Sprintf("%v")`.
pub fn strval(v: &Val) -> String {
    match &v.v {
        Value::Str(s) => s.clone(),
        Value::Unknown(_) => UNRESOLVED.to_string(),
        _ => go_sprint(v),
    }
}

/// Sprig's `empty`.
pub fn is_empty(v: &Val) -> bool {
    !v.truth().unwrap_or(true)
}

/// `cast.ToInt64`-like conversion Sprig's math uses (strings parsed, floats truncated, nil 0).
pub fn to_i64(v: &Val) -> i64 {
    match &v.v {
        Value::Int(i) => *i,
        Value::Float(f) => *f as i64,
        Value::Bool(b) => i64::from(*b),
        Value::Str(s) => {
            let t = s.trim();
            t.parse::<i64>()
                .ok()
                .or_else(|| t.parse::<f64>().ok().map(|f| f as i64))
                .unwrap_or(0)
        }
        _ => 0,
    }
}

pub fn to_f64(v: &Val) -> f64 {
    match &v.v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Str(s) => s.trim().parse().unwrap_or(0.0),
        _ => 0.0,
    }
}

fn list_of(v: &Val, name: &str) -> Result<Vec<Val>, String> {
    match &v.v {
        Value::List(l) => Ok(l.clone()),
        Value::Null => Ok(Vec::new()),
        _ => Err(format!("cannot {name} on type {}", v.kind())),
    }
}

fn keep(v: Value, from: &Val) -> Val {
    Val::with_origin(v, from.origin)
}

/// A string result that keeps the origin of the string it was made from.
fn str_from(s: String, from: &Val) -> Val {
    keep(Value::Str(s), from)
}

/// Call a function; `None` when no such function is known.
pub fn call(name: &str, mut a: Vec<Val>, limits: &Limits) -> Option<F> {
    let r = match name {
        "default" => default(a),
        "empty" => want(&a, 1, name).map(|_| Val::bool(a[0].truth() == Some(false))),
        "coalesce" => Ok(a
            .iter()
            .find(|v| v.is_unknown() || !is_empty(v))
            .cloned()
            .unwrap_or_default()),
        "ternary" => want(&a, 3, name).map(|_| match a[2].truth() {
            Some(true) => a[0].clone(),
            Some(false) => a[1].clone(),
            None => a[2].clone(),
        }),
        "quote" => Ok(quote_all(&a, true)),
        "squote" => Ok(quote_all(&a, false)),
        "toString" => want(&a, 1, name).map(|_| str_from(strval(&a[0]), &a[0])),
        "toYaml" | "mustToYaml" => want(&a, 1, name).map(|_| yaml_out::to_yaml(&a[0])),
        "toJson" | "mustToJson" | "toRawJson" | "mustToRawJson" => want(&a, 1, name)
            .map(|_| str_from(yaml_out::to_json(&a[0], false, name.contains("Raw")), &a[0])),
        "toPrettyJson" | "mustToPrettyJson" => {
            want(&a, 1, name).map(|_| str_from(yaml_out::to_json(&a[0], true, false), &a[0]))
        }
        "fromYaml" | "fromJson" | "mustFromYaml" | "mustFromJson" => {
            want(&a, 1, name).map(|_| from_yaml(&strval(&a[0]), false))
        }
        "fromYamlArray" | "fromJsonArray" => {
            want(&a, 1, name).map(|_| from_yaml(&strval(&a[0]), true))
        }
        "indent" | "nindent" => want(&a, 2, name).and_then(|_| {
            let n = to_i64(&a[0]);
            if !(0..=10_000).contains(&n) {
                return Err(format!("{name}: bad width {n}"));
            }
            let lines = strval(&a[1]).matches('\n').count() + 1;
            if strval(&a[1]).len() + lines * n as usize + 1 > limits.max_output {
                return Err(format!("{name}: result larger than the output limit"));
            }
            Ok(indent(&a[1], n as usize, name == "nindent"))
        }),
        "trim" => str1(&a, name, |s| s.trim_matches(is_go_space).to_string()),
        "trimAll" => str2(&a, name, |c, s| {
            s.trim_matches(|ch| c.contains(ch)).to_string()
        }),
        "trimSuffix" => want(&a, 2, name).map(|_| {
            let (suf, s) = (strval(&a[0]), strval(&a[1]));
            let t = s.strip_suffix(suf.as_str()).unwrap_or(&s).to_string();
            let mut v = str_from(t, &a[1]);
            v.marks = clip_marks(&a[1].marks, 0, v.as_str().map_or(0, str::len));
            v
        }),
        "trimPrefix" => want(&a, 2, name).map(|_| {
            let (pre, s) = (strval(&a[0]), strval(&a[1]));
            let cut = if s.starts_with(pre.as_str()) {
                pre.len()
            } else {
                0
            };
            let mut v = str_from(s[cut..].to_string(), &a[1]);
            v.marks = shift_marks(&clip_marks(&a[1].marks, cut, s.len()), cut);
            v
        }),
        "trunc" => want(&a, 2, name).map(|_| {
            let n = to_i64(&a[0]);
            let s = strval(&a[1]);
            let l = s.len() as i64;
            let (t, marks) = if n < 0 && l + n > 0 {
                (
                    s[floor_char(&s, (l + n) as usize)..].to_string(),
                    Vec::new(),
                )
            } else if n >= 0 && l > n {
                let cut = floor_char(&s, n as usize);
                (s[..cut].to_string(), clip_marks(&a[1].marks, 0, cut))
            } else {
                (s, a[1].marks.clone())
            };
            let mut v = str_from(t, &a[1]);
            v.marks = marks;
            v
        }),
        "upper" => str1(&a, name, |s| s.to_uppercase()),
        "lower" => str1(&a, name, |s| s.to_lowercase()),
        "title" => str1(&a, name, title),
        "untitle" => str1(&a, name, |s| {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_lowercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }),
        "nospace" => str1(&a, name, |s| {
            s.chars().filter(|c| !c.is_whitespace()).collect()
        }),
        "snakecase" => str1(&a, name, |s| case_words(s, '_')),
        "kebabcase" => str1(&a, name, |s| case_words(s, '-')),
        "replace" => want(&a, 3, name).and_then(|_| {
            let (old, new, s) = (strval(&a[0]), strval(&a[1]), strval(&a[2]));
            if old.is_empty() {
                return Ok(str_from(s, &a[2]));
            }
            let grow = s.matches(old.as_str()).count() * new.len().saturating_sub(old.len());
            if s.len() + grow > limits.max_output {
                return Err("replace: result larger than the output limit".into());
            }
            Ok(str_from(s.replace(old.as_str(), &new), &a[2]))
        }),
        "repeat" => want(&a, 2, name).and_then(|_| {
            let n = to_i64(&a[0]).max(0) as usize;
            let s = strval(&a[1]);
            if s.len().saturating_mul(n) > limits.max_output {
                return Err("repeat: result too large".into());
            }
            Ok(str_from(s.repeat(n), &a[1]))
        }),
        "substr" => want(&a, 3, name).map(|_| {
            let s = strval(&a[2]);
            let (st, en) = (to_i64(&a[0]), to_i64(&a[1]));
            let st = if st < 0 {
                0
            } else {
                floor_char(&s, st as usize)
            };
            let en = if en < 0 || en as usize > s.len() {
                s.len()
            } else {
                floor_char(&s, en as usize)
            };
            str_from(s.get(st..en.max(st)).unwrap_or("").to_string(), &a[2])
        }),
        "contains" => str2b(&a, name, |sub, s| s.contains(sub)),
        "hasPrefix" => str2b(&a, name, |p, s| s.starts_with(p)),
        "hasSuffix" => str2b(&a, name, |p, s| s.ends_with(p)),
        "cat" => Ok(Val::str(
            a.iter()
                .filter(|v| v.v != Value::Null)
                .map(strval)
                .collect::<Vec<_>>()
                .join(" "),
        )),
        "printf" => {
            want_min(&a, 1, name).map(|_| {
                let f = strval(&a[0]);
                let (s, marks) = sprintf_marked(&f, &a[1..]);
                // One argument: the result keeps its origin (`printf "%s" .Values.x`).
                let origin = if a.len() == 2 { a[1].origin } else { None };
                Val {
                    v: Value::Str(s),
                    origin,
                    marks,
                }
            })
        }
        "print" => Ok(Val::str(sprint(&a, false))),
        "println" => Ok(Val::str(sprint(&a, true))),
        "int" | "int64" | "atoi" => {
            want(&a, 1, name).map(|_| keep(Value::Int(to_i64(&a[0])), &a[0]))
        }
        "float64" => want(&a, 1, name).map(|_| keep(Value::Float(to_f64(&a[0])), &a[0])),
        "add" => Ok(Val::int(
            a.iter().fold(0i64, |s, v| s.wrapping_add(to_i64(v))),
        )),
        "add1" => want(&a, 1, name).map(|_| Val::int(to_i64(&a[0]).wrapping_add(1))),
        "sub" => want(&a, 2, name).map(|_| Val::int(to_i64(&a[0]).wrapping_sub(to_i64(&a[1])))),
        "mul" => Ok(Val::int(
            a.iter().fold(1i64, |s, v| s.wrapping_mul(to_i64(v))),
        )),
        "div" => want(&a, 2, name).and_then(|_| {
            to_i64(&a[0])
                .checked_div(to_i64(&a[1]))
                .map(Val::int)
                .ok_or_else(|| "integer divide by zero".to_string())
        }),
        "mod" => want(&a, 2, name).and_then(|_| {
            to_i64(&a[0])
                .checked_rem(to_i64(&a[1]))
                .map(Val::int)
                .ok_or_else(|| "integer divide by zero".to_string())
        }),
        "max" => want_min(&a, 1, name).map(|_| Val::int(a.iter().map(to_i64).max().unwrap_or(0))),
        "min" => want_min(&a, 1, name).map(|_| Val::int(a.iter().map(to_i64).min().unwrap_or(0))),
        "addf" => Ok(Val::float(a.iter().map(to_f64).sum())),
        "subf" => want_min(&a, 1, name)
            .map(|_| Val::float(a[1..].iter().fold(to_f64(&a[0]), |s, v| s - to_f64(v)))),
        "mulf" => Ok(Val::float(a.iter().map(to_f64).product())),
        "divf" => want_min(&a, 1, name)
            .map(|_| Val::float(a[1..].iter().fold(to_f64(&a[0]), |s, v| s / to_f64(v)))),
        "floor" => want(&a, 1, name).map(|_| Val::float(to_f64(&a[0]).floor())),
        "ceil" => want(&a, 1, name).map(|_| Val::float(to_f64(&a[0]).ceil())),
        "round" => want_min(&a, 1, name).map(|_| {
            let p = a.get(1).map_or(0, to_i64).clamp(0, 15) as i32;
            let m = 10f64.powi(p);
            Val::float((to_f64(&a[0]) * m).round() / m)
        }),
        "eq" => want_min(&a, 2, name).and_then(|_| {
            for b in &a[1..] {
                if compare_eq(&a[0], b)? {
                    return Ok(Val::bool(true));
                }
            }
            Ok(Val::bool(false))
        }),
        "ne" => want(&a, 2, name).and_then(|_| Ok(Val::bool(!compare_eq(&a[0], &a[1])?))),
        "lt" | "le" | "gt" | "ge" => want(&a, 2, name).and_then(|_| {
            let o = compare_ord(&a[0], &a[1])?;
            Ok(Val::bool(match name {
                "lt" => o.is_lt(),
                "le" => o.is_le(),
                "gt" => o.is_gt(),
                _ => o.is_ge(),
            }))
        }),
        "not" => want(&a, 1, name).map(|_| match a[0].truth() {
            Some(t) => Val::bool(!t),
            None => a[0].clone(),
        }),
        "len" => want(&a, 1, name).and_then(|_| match &a[0].v {
            Value::Str(s) => Ok(Val::int(s.len() as i64)),
            Value::List(l) => Ok(Val::int(l.len() as i64)),
            Value::Map(m) => Ok(Val::int(m.len() as i64)),
            Value::Unknown(_) => Ok(a[0].clone()),
            _ => Err(format!("len of type {}", a[0].kind())),
        }),
        "index" => want_min(&a, 1, name).and_then(|_| index(&a[0], &a[1..])),
        "list" => Ok(Val::list(a)),
        "dict" => {
            let mut m = BTreeMap::new();
            let mut it = a.into_iter();
            while let Some(k) = it.next() {
                m.insert(strval(&k), it.next().unwrap_or_default());
            }
            Ok(Val::new(Value::Map(m)))
        }
        "set" => want(&a, 3, name).map(|_| {
            let v = a.pop().unwrap_or_default();
            let k = strval(&a[1]);
            let mut d = a.swap_remove(0);
            d.insert(k, v);
            d
        }),
        "unset" => want(&a, 2, name).map(|_| {
            let k = strval(&a[1]);
            let mut d = a.swap_remove(0);
            if let Value::Map(m) = &mut d.v {
                m.remove(&k);
            }
            d
        }),
        "hasKey" => want(&a, 2, name).map(|_| match &a[0].v {
            Value::Map(m) => Val::bool(m.contains_key(&strval(&a[1]))),
            Value::Unknown(_) => a[0].clone(),
            _ => Val::bool(false),
        }),
        "get" => want(&a, 2, name).map(|_| match &a[0].v {
            Value::Map(m) => m
                .get(&strval(&a[1]))
                .cloned()
                .unwrap_or_else(|| Val::str("")),
            Value::Unknown(_) => a[0].clone(),
            _ => Val::str(""),
        }),
        "keys" => {
            let mut ks: Vec<String> = Vec::new();
            for d in &a {
                if let Value::Map(m) = &d.v {
                    ks.extend(m.keys().cloned());
                }
            }
            ks.sort();
            Ok(Val::list(ks.into_iter().map(Val::str).collect()))
        }
        "pluck" => want_min(&a, 1, name).map(|_| {
            let k = strval(&a[0]);
            Val::list(a[1..].iter().filter_map(|d| d.get(&k).cloned()).collect())
        }),
        "values" => want(&a, 1, name).map(|_| match &a[0].v {
            Value::Map(m) => Val::list(m.values().cloned().collect()),
            _ => Val::list(Vec::new()),
        }),
        "pick" | "omit" => want_min(&a, 1, name).map(|_| {
            let ks: Vec<String> = a[1..].iter().map(strval).collect();
            match &a[0].v {
                Value::Map(m) => keep(
                    Value::Map(
                        m.iter()
                            .filter(|(k, _)| ks.contains(k) == (name == "pick"))
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    ),
                    &a[0],
                ),
                _ => Val::new(Value::Map(BTreeMap::new())),
            }
        }),
        "merge" | "mustMerge" | "mergeOverwrite" | "mustMergeOverwrite" => want_min(&a, 1, name)
            .map(|_| {
                let over = name.contains("Overwrite");
                let mut it = a.into_iter();
                let mut dst = it.next().unwrap_or_default();
                for src in it {
                    merge_into(&mut dst, &src, over, 0);
                }
                dst
            }),
        "dig" => want_min(&a, 3, name).map(|_| {
            let d = &a[a.len() - 1];
            let def = &a[a.len() - 2];
            let mut cur = d;
            for k in &a[..a.len() - 2] {
                match cur.get(&strval(k)) {
                    Some(n) => cur = n,
                    None => return def.clone(),
                }
            }
            cur.clone()
        }),
        "deepCopy" | "mustDeepCopy" => want(&a, 1, name).map(|_| a[0].clone()),
        "first" | "mustFirst" => list1(&a, name, |l| l.first().cloned().unwrap_or_default()),
        "last" | "mustLast" => list1(&a, name, |l| l.last().cloned().unwrap_or_default()),
        "rest" | "mustRest" => list1(&a, name, |l| Val::list(l.iter().skip(1).cloned().collect())),
        "initial" | "mustInitial" => list1(&a, name, |l| {
            Val::list(l[..l.len().saturating_sub(1)].to_vec())
        }),
        "reverse" | "mustReverse" => {
            list1(&a, name, |l| Val::list(l.iter().rev().cloned().collect()))
        }
        "compact" | "mustCompact" => list1(&a, name, |l| {
            Val::list(l.iter().filter(|v| !is_empty(v)).cloned().collect())
        }),
        "uniq" | "mustUniq" => list1(&a, name, |l| {
            let mut out: Vec<Val> = Vec::new();
            for v in l {
                if !out.iter().any(|o| o.v == v.v) {
                    out.push(v.clone());
                }
            }
            Val::list(out)
        }),
        "sortAlpha" => list1(&a, name, |l| {
            let mut s: Vec<String> = l.iter().map(strval).collect();
            s.sort();
            Val::list(s.into_iter().map(Val::str).collect())
        }),
        "append" | "push" | "mustAppend" | "mustPush" => want(&a, 2, name).and_then(|_| {
            let mut l = list_of(&a[0], name)?;
            l.push(a[1].clone());
            Ok(Val::list(l))
        }),
        "prepend" | "mustPrepend" => want(&a, 2, name).and_then(|_| {
            let mut l = list_of(&a[0], name)?;
            l.insert(0, a[1].clone());
            Ok(Val::list(l))
        }),
        "concat" => a
            .iter()
            .map(|l| list_of(l, name))
            .collect::<Result<Vec<_>, _>>()
            .map(|ls| Val::list(ls.concat())),
        "has" | "mustHas" => want(&a, 2, name).map(|_| match &a[1].v {
            Value::List(l) => Val::bool(l.iter().any(|x| x.v == a[0].v)),
            _ => Val::bool(false),
        }),
        "without" | "mustWithout" => want_min(&a, 1, name).and_then(|_| {
            let l = list_of(&a[0], name)?;
            Ok(Val::list(
                l.into_iter()
                    .filter(|x| !a[1..].iter().any(|w| w.v == x.v))
                    .collect(),
            ))
        }),
        "join" => want(&a, 2, name).map(|_| {
            let sep = strval(&a[0]);
            // Sprig's strslice drops nils.
            let parts: Vec<String> = match &a[1].v {
                Value::List(l) => l
                    .iter()
                    .filter(|v| v.v != Value::Null)
                    .map(strval)
                    .collect(),
                _ => vec![strval(&a[1])],
            };
            Val::str(parts.join(&sep))
        }),
        "split" => want(&a, 2, name).and_then(|_| {
            let (sep, s) = (strval(&a[0]), strval(&a[1]));
            split_count(&s, &sep)?;
            Ok(Val::new(Value::Map(
                go_split(&s, &sep)
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| (format!("_{i}"), Val::str(p)))
                    .collect(),
            )))
        }),
        "splitList" => want(&a, 2, name).and_then(|_| {
            let (sep, s) = (strval(&a[0]), strval(&a[1]));
            split_count(&s, &sep)?;
            Ok(Val::list(
                go_split(&s, &sep).into_iter().map(Val::str).collect(),
            ))
        }),
        "until" => want(&a, 1, name).and_then(|_| {
            let n = to_i64(&a[0]);
            if n > MAX_ITEMS as i64 {
                return Err(format!("until: more than {MAX_ITEMS} items"));
            }
            Ok(Val::list((0..n.max(0)).map(Val::int).collect()))
        }),
        "kindIs" => want(&a, 2, name).map(|_| {
            if a[1].is_unknown() {
                return a[1].clone();
            }
            Val::bool(strval(&a[0]) == a[1].kind())
        }),
        "kindOf" => want(&a, 1, name).map(|_| Val::str(a[0].kind())),
        "typeIs" => want(&a, 2, name).map(|_| {
            if a[1].is_unknown() {
                return a[1].clone();
            }
            Val::bool(strval(&a[0]) == type_name(&a[1]))
        }),
        "typeOf" => want(&a, 1, name).map(|_| Val::str(type_name(&a[0]))),
        "regexMatch" | "mustRegexMatch" => want(&a, 2, name).and_then(|_| {
            Ok(Val::bool(
                regex(&strval(&a[0]), limits)?.is_match(&strval(&a[1])),
            ))
        }),
        "regexFind" | "mustRegexFind" => want(&a, 2, name).and_then(|_| {
            let s = strval(&a[1]);
            let r = regex(&strval(&a[0]), limits)?;
            Ok(Val::str(r.find(&s).map_or("", |m| m.as_str())))
        }),
        "regexFindAll" | "mustRegexFindAll" => want(&a, 3, name).and_then(|_| {
            let s = strval(&a[1]);
            let r = regex(&strval(&a[0]), limits)?;
            let n = to_i64(&a[2]);
            let it = r
                .find_iter(&s)
                .take(MAX_ITEMS)
                .map(|m| Val::str(m.as_str()));
            Ok(Val::list(if n < 0 {
                it.collect()
            } else {
                it.take(n as usize).collect()
            }))
        }),
        "regexReplaceAll" | "mustRegexReplaceAll" => want(&a, 3, name).and_then(|_| {
            let s = strval(&a[1]);
            let r = regex(&strval(&a[0]), limits)?;
            // Each replacement writes the template, where every `$` may copy a whole match.
            let rep = strval(&a[2]);
            let refs = rep.matches('$').count();
            let (count, longest) = r
                .find_iter(&s)
                .fold((0usize, 0usize), |(c, l), m| (c + 1, l.max(m.len())));
            if s.len() + count * (rep.len() + refs * longest) > limits.max_output {
                return Err("regexReplaceAll: result larger than the output limit".into());
            }
            Ok(str_from(
                r.replace_all(&s, strval(&a[2]).as_str()).into_owned(),
                &a[1],
            ))
        }),
        "regexReplaceAllLiteral" | "mustRegexReplaceAllLiteral" => {
            want(&a, 3, name).and_then(|_| {
                let s = strval(&a[1]);
                let r = regex(&strval(&a[0]), limits)?;
                let rep = strval(&a[2]);
                if s.len() + r.find_iter(&s).count() * rep.len() > limits.max_output {
                    return Err(
                        "regexReplaceAllLiteral: result larger than the output limit".into(),
                    );
                }
                Ok(str_from(
                    r.replace_all(&s, regex::NoExpand(&rep)).into_owned(),
                    &a[1],
                ))
            })
        }
        "regexSplit" | "mustRegexSplit" => want(&a, 3, name).and_then(|_| {
            let s = strval(&a[1]);
            let r = regex(&strval(&a[0]), limits)?;
            let n = to_i64(&a[2]);
            let parts: Vec<Val> = if n < 0 {
                r.split(&s).take(MAX_ITEMS).map(Val::str).collect()
            } else {
                r.splitn(&s, (n as usize).min(MAX_ITEMS))
                    .map(Val::str)
                    .collect()
            };
            Ok(Val::list(parts))
        }),
        "semverCompare" => {
            want(&a, 2, name).map(|_| match semver_compare(&strval(&a[0]), &strval(&a[1])) {
                Some(b) => Val::bool(b),
                None => Val::unknown(format!(
                    "semverCompare {:?} {:?}: constraint form not understood",
                    strval(&a[0]),
                    strval(&a[1])
                )),
            })
        }
        "b64enc" => str1(&a, name, |s| b64enc(s.as_bytes())),
        "b64dec" => str1(&a, name, |s| match digest::b64dec(s) {
            Some(b) => String::from_utf8_lossy(&b).into_owned(),
            None => "illegal base64 data".to_string(),
        }),
        "sha256sum" => str1(&a, name, |s| digest::hex(&digest::sha256(s.as_bytes()))),
        // Go's `path` package (chart paths always use `/`).
        "base" => str1(&a, name, |p| path_base(p).to_string()),
        "dir" => str1(&a, name, path_dir),
        "ext" => str1(&a, name, |p| {
            let b = path_base(p);
            b.rfind('.').map_or(String::new(), |i| b[i..].to_string())
        }),
        "clean" => str1(&a, name, path_clean),
        "isAbs" => want(&a, 1, name).map(|_| Val::bool(strval(&a[0]).starts_with('/'))),
        "camelcase" => str1(&a, name, |s| {
            s.split(['_', '-', ' '])
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                        .unwrap_or_default()
                })
                .collect()
        }),
        "abbrev" => want(&a, 2, name).map(|_| {
            let w = to_i64(&a[0]);
            let s = strval(&a[1]);
            if w < 4 || s.chars().count() as i64 <= w {
                str_from(s, &a[1])
            } else {
                let keep: String = s.chars().take((w - 3) as usize).collect();
                str_from(keep + "...", &a[1])
            }
        }),
        "splitn" => want(&a, 3, name).map(|_| {
            let (sep, n, s) = (strval(&a[0]), to_i64(&a[1]), strval(&a[2]));
            let parts: Vec<String> = if n < 0 {
                go_split(&s, &sep)
            } else if sep.is_empty() {
                go_split(&s, &sep).into_iter().take(n as usize).collect()
            } else {
                s.splitn(n as usize, sep.as_str())
                    .map(str::to_string)
                    .collect()
            };
            Val::new(Value::Map(
                parts
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| (format!("_{i}"), Val::str(p)))
                    .collect(),
            ))
        }),
        "regexQuoteMeta" => str1(&a, name, regex::escape),
        "seq" | "untilStep" => {
            let (start, stop, step) = match (name, a.len()) {
                ("untilStep", 3) => (to_i64(&a[0]), to_i64(&a[1]), to_i64(&a[2])),
                ("seq", 1) => (1, to_i64(&a[0]) + 1, 1),
                ("seq", 2) => {
                    let (x, y) = (to_i64(&a[0]), to_i64(&a[1]));
                    (
                        x,
                        if y >= x { y + 1 } else { y - 1 },
                        if y >= x { 1 } else { -1 },
                    )
                }
                ("seq", 3) => {
                    let (x, st, y) = (to_i64(&a[0]), to_i64(&a[1]), to_i64(&a[2]));
                    (x, if st > 0 { y + 1 } else { y - 1 }, st)
                }
                _ => return Some(Err(format!("wrong number of args for {name}"))),
            };
            let count = if step == 0 {
                0
            } else {
                (stop.saturating_sub(start) / step).max(0)
            };
            if count > MAX_ITEMS as i64 {
                return Some(Err(format!("{name}: too many items")));
            }
            let items: Vec<Val> = (0..count).map(|i| Val::int(start + i * step)).collect();
            if name == "seq" {
                Ok(Val::str(
                    items.iter().map(strval).collect::<Vec<_>>().join(" "),
                ))
            } else {
                Ok(Val::list(items))
            }
        }
        "slice" => want_min(&a, 1, name).and_then(|_| {
            let idx: Vec<i64> = a[1..].iter().map(to_i64).collect();
            let len = match &a[0].v {
                Value::Str(s) => s.len(),
                Value::List(l) => l.len(),
                _ => return Err(format!("can't slice item of type {}", a[0].kind())),
            } as i64;
            let lo = idx.first().copied().unwrap_or(0);
            let hi = idx.get(1).copied().unwrap_or(len);
            if lo < 0 || hi < lo || hi > len {
                return Err(format!("slice index out of range: {lo}:{hi}"));
            }
            Ok(match &a[0].v {
                Value::Str(s) => str_from(
                    s.get(lo as usize..hi as usize).unwrap_or("").to_string(),
                    &a[0],
                ),
                Value::List(l) => Val::list(l[lo as usize..hi as usize].to_vec()),
                _ => Val::null(),
            })
        }),
        "html" => Ok(Val::str(
            sprint(&a, false)
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&#34;")
                .replace('\'', "&#39;"),
        )),
        "toStrings" => want(&a, 1, name).map(|_| match &a[0].v {
            Value::List(l) => Val::list(l.iter().map(|v| Val::str(strval(v))).collect()),
            _ => Val::list(vec![Val::str(strval(&a[0]))]),
        }),
        "urlquery" => Ok(Val::str(
            sprint(&a, false)
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                        (b as char).to_string()
                    } else if b == b' ' {
                        "+".to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect::<String>(),
        )),
        _ => return None,
    };
    Some(r)
}

fn path_base(p: &str) -> &str {
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return if p.is_empty() { "." } else { "/" };
    }
    t.rsplit('/').next().unwrap_or(t)
}

fn path_dir(p: &str) -> String {
    match p.rfind('/') {
        Some(i) => path_clean(&p[..=i]),
        None => ".".to_string(),
    }
}

/// Go's `path.Clean`.
fn path_clean(p: &str) -> String {
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_string(),
        (false, false) => body,
    }
}

fn is_go_space(c: char) -> bool {
    c.is_whitespace()
}

fn str1(a: &[Val], name: &str, f: impl Fn(&str) -> String) -> F {
    want(a, 1, name)?;
    Ok(str_from(f(&strval(&a[0])), &a[0]))
}

fn str2(a: &[Val], name: &str, f: impl Fn(&str, &str) -> String) -> F {
    want(a, 2, name)?;
    Ok(str_from(f(&strval(&a[0]), &strval(&a[1])), &a[1]))
}

fn str2b(a: &[Val], name: &str, f: impl Fn(&str, &str) -> bool) -> F {
    want(a, 2, name)?;
    Ok(Val::bool(f(&strval(&a[0]), &strval(&a[1]))))
}

fn list1(a: &[Val], name: &str, f: impl Fn(&[Val]) -> Val) -> F {
    want(a, 1, name)?;
    Ok(f(&list_of(&a[0], name)?))
}

fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn default(a: Vec<Val>) -> F {
    want_min(&a, 1, "default")?;
    let mut it = a.into_iter();
    let d = it.next().unwrap_or_default();
    match it.next() {
        Some(given) if given.is_unknown() || !is_empty(&given) => Ok(given),
        _ => Ok(d),
    }
}

fn quote_all(a: &[Val], double: bool) -> Val {
    let mut parts = Vec::new();
    for v in a.iter().filter(|v| v.v != Value::Null) {
        let s = strval(v);
        parts.push(if double {
            go_quote(&s)
        } else {
            format!("'{s}'")
        });
    }
    let origin = if a.len() == 1 { a[0].origin } else { None };
    let mut v = Val::with_origin(Value::Str(parts.join(" ")), origin);
    // Quoting without escapes only adds a byte on each side: the marks move by one.
    if a.len() == 1 && v.as_str().map(str::len) == Some(strval(&a[0]).len() + 2) {
        v.marks = shift_marks(&a[0].marks, 1);
    }
    v
}

/// Go's `%q` / `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            '\r' => o.push_str("\\r"),
            '\x07' => o.push_str("\\a"),
            '\x08' => o.push_str("\\b"),
            '\x0c' => o.push_str("\\f"),
            '\x0b' => o.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\x7f' => o.push_str(&format!("\\x{:02x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_letter = false;
    for c in s.chars() {
        if !prev_letter && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        // Go's strings.Title: ASCII letters, digits and `_` continue a word; other ASCII
        // characters and spaces separate words.
        prev_letter = if c.is_ascii() {
            c.is_ascii_alphanumeric() || c == '_'
        } else {
            !c.is_whitespace()
        };
    }
    out
}

fn case_words(s: &str, sep: char) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_uppercase() {
            if prev_lower {
                out.push(sep);
            }
            out.extend(c.to_lowercase());
            prev_lower = false;
        } else if c == '_' || c == '-' || c == ' ' {
            out.push(sep);
            prev_lower = false;
        } else {
            out.push(c);
            prev_lower = c.is_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

/// Most items one function may build (`splitList`, `until`...): a list item costs far more
/// memory than the bytes it came from.
pub const MAX_ITEMS: usize = 100_000;

/// Go's `strings.Split` (an empty separator splits into characters), at most [`MAX_ITEMS`]
/// parts (the rest is dropped: the caller errors first, see [`split_count`]).
fn go_split(s: &str, sep: &str) -> Vec<String> {
    if sep.is_empty() {
        return s.chars().take(MAX_ITEMS).map(String::from).collect();
    }
    s.split(sep).take(MAX_ITEMS).map(str::to_string).collect()
}

/// Parts `go_split` would make, or an error past [`MAX_ITEMS`].
fn split_count(s: &str, sep: &str) -> Result<(), String> {
    let n = if sep.is_empty() {
        s.chars().count()
    } else {
        s.matches(sep).count() + 1
    };
    if n > MAX_ITEMS {
        return Err(format!("more than {MAX_ITEMS} parts"));
    }
    Ok(())
}

/// `indent`/`nindent`, moving marks with the text they cover.
fn indent(v: &Val, n: usize, newline: bool) -> Val {
    let s = strval(v);
    let pad = " ".repeat(n);
    let lead = usize::from(newline) + n;
    let mut out = String::with_capacity(s.len() + lead + n * s.matches('\n').count());
    if newline {
        out.push('\n');
    }
    out.push_str(&pad);
    // new offset of each old line start
    let mut starts = vec![(0usize, lead)];
    for (i, ch) in s.char_indices() {
        out.push(ch);
        if ch == '\n' {
            out.push_str(&pad);
            starts.push((i + 1, out.len()));
        }
    }
    let map = |o: usize| -> usize {
        let k = starts
            .partition_point(|(old, _)| *old <= o)
            .saturating_sub(1);
        let (old, new) = starts[k];
        new + (o - old)
    };
    // Split marks at line starts: padding is inserted there, and a literal mark must stay
    // contiguous to map byte-for-byte.
    let mut marks = Vec::with_capacity(v.marks.len());
    for m in &v.marks {
        let mut p = m.range.start;
        while p < m.range.end {
            let k = starts.partition_point(|(old, _)| *old <= p);
            let e = starts
                .get(k)
                .map_or(m.range.end, |(old, _)| (*old).min(m.range.end));
            let src = m.src.map(|(f, sp, lit)| {
                if lit {
                    let off = p - m.range.start;
                    (
                        f,
                        crate::span::Span::new(sp.start + off, sp.start + off + (e - p)),
                        lit,
                    )
                } else {
                    (f, sp, lit)
                }
            });
            let ns = map(p);
            marks.push(Mark {
                range: ns..ns + (e - p),
                src,
                origin: m.origin,
            });
            p = e;
        }
    }
    Val {
        v: Value::Str(out),
        origin: v.origin,
        marks,
    }
}

fn shift_marks(marks: &[Mark], by: usize) -> Vec<Mark> {
    marks
        .iter()
        .map(|m| Mark {
            range: m.range.start + by..m.range.end + by,
            ..m.clone()
        })
        .collect()
}

/// Marks cut to `[from, to)` (offsets unchanged).
fn clip_marks(marks: &[Mark], from: usize, to: usize) -> Vec<Mark> {
    marks
        .iter()
        .filter_map(|m| {
            let s = m.range.start.max(from);
            let e = m.range.end.min(to);
            (s < e).then(|| Mark {
                range: s..e,
                // A literal mark keeps mapping byte-for-byte.
                src: m.src.map(|(f, sp, lit)| {
                    if lit {
                        let off = s - m.range.start;
                        (
                            f,
                            crate::span::Span::new(sp.start + off, sp.start + off + (e - s)),
                            lit,
                        )
                    } else {
                        (f, sp, lit)
                    }
                }),
                origin: m.origin,
            })
        })
        .collect()
}

fn from_yaml(s: &str, array: bool) -> Val {
    let stream = crate::yaml::parse(s);
    if let Some(e) = stream.error {
        let mut m = BTreeMap::new();
        m.insert("Error".to_string(), Val::str(e.message));
        return Val::new(Value::Map(m));
    }
    let v = stream
        .docs
        .first()
        .map_or_else(Val::null, |d| Val::from_yaml_at(d, None));
    match (&v.v, array) {
        (Value::Map(_), false) | (Value::List(_), true) => v,
        (Value::Null, false) => Val::new(Value::Map(BTreeMap::new())),
        (Value::Null, true) => Val::list(Vec::new()),
        _ => v,
    }
}

/// Go's `fmt.Sprint`: spaces between operands when neither is a string (`Sprintln`: always).
fn sprint(a: &[Val], ln: bool) -> String {
    let mut s = String::new();
    for (i, v) in a.iter().enumerate() {
        let is_str = |v: &Val| matches!(v.v, Value::Str(_));
        if i > 0 && (ln || (!is_str(v) && !is_str(&a[i - 1]))) {
            s.push(' ');
        }
        s.push_str(&go_value(v));
    }
    if ln {
        s.push('\n');
    }
    s
}

/// `%v` of an argument (nil is `<nil>`).
fn go_value(v: &Val) -> String {
    match &v.v {
        Value::Unknown(_) => UNRESOLVED.to_string(),
        _ => go_sprint(v),
    }
}

fn go_type(v: &Val) -> &'static str {
    match &v.v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Float(_) => "float64",
        Value::Str(_) => "string",
        Value::List(_) => "[]interface {}",
        Value::Map(_) => "map[string]interface {}",
        Value::Unknown(_) => "string",
    }
}

fn type_name(v: &Val) -> &'static str {
    go_type(v)
}

/// Go's `fmt.Sprintf` for the verbs charts use: `%s %d %v %q %t %f %x %%`, with flags, width
/// and precision; mismatches print Go's `%!d(float64=1)` forms.
pub fn sprintf(f: &str, args: &[Val]) -> String {
    sprintf_marked(f, args).0
}

/// [`sprintf`], with a mark for each argument that came from values.yaml (so an image built by
/// `printf "%s/%s:%s"` in a helper keeps where each part came from).
pub fn sprintf_marked(f: &str, args: &[Val]) -> (String, Vec<Mark>) {
    let mut marks = Vec::new();
    let mut out = String::new();
    let mut it = f.char_indices().peekable();
    let mut ai = 0;
    while let Some((_, c)) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut minus = false;
        let mut zero = false;
        let mut plus = false;
        while let Some(&(_, fl)) = it.peek() {
            match fl {
                '-' => minus = true,
                '0' => zero = true,
                '+' => plus = true,
                ' ' | '#' => {}
                _ => break,
            }
            it.next();
        }
        let mut width = 0usize;
        while let Some(&(_, d)) = it.peek() {
            let Some(n) = d.to_digit(10) else { break };
            width = (width * 10 + n as usize).min(1000);
            it.next();
        }
        let mut prec: Option<usize> = None;
        if it.peek().map(|p| p.1) == Some('.') {
            it.next();
            let mut p = 0usize;
            while let Some(&(_, d)) = it.peek() {
                let Some(n) = d.to_digit(10) else { break };
                p = (p * 10 + n as usize).min(1000);
                it.next();
            }
            prec = Some(p);
        }
        let Some((_, verb)) = it.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(ai) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        ai += 1;
        let bad = || format!("%!{verb}({}={})", go_type(arg), go_value(arg));
        let body = match (verb, &arg.v) {
            (_, Value::Unknown(_)) => UNRESOLVED.to_string(),
            ('v', _) => go_value(arg),
            ('s', Value::Str(s)) => match prec {
                Some(p) => s.chars().take(p).collect(),
                None => s.clone(),
            },
            ('s', Value::List(_) | Value::Map(_) | Value::Bool(_)) => {
                if matches!(arg.v, Value::Bool(_)) {
                    bad()
                } else {
                    go_value(arg)
                }
            }
            ('q', Value::Str(s)) => go_quote(s),
            // Go quotes an integer as a character literal.
            ('q', Value::Int(i)) => match u32::try_from(*i).ok().and_then(char::from_u32) {
                Some(c) if !c.is_control() && c != '\'' && c != '\\' => format!("'{c}'"),
                Some(c) if (c as u32) < 0x80 => {
                    let q = go_quote(&c.to_string());
                    format!("'{}'", &q[1..q.len() - 1].replace("\\\"", "\""))
                }
                _ => format!("'\\x{:02x}'", i),
            },
            ('d', Value::Int(i)) => {
                if plus && *i >= 0 {
                    format!("+{i}")
                } else {
                    i.to_string()
                }
            }
            ('t', Value::Bool(b)) => b.to_string(),
            ('f' | 'F', Value::Float(x)) => format!("{:.*}", prec.unwrap_or(6), x),
            ('f' | 'F', Value::Int(_)) => bad(),
            ('g', Value::Float(x)) => go_float(*x),
            ('x', Value::Int(i)) => format!("{i:x}"),
            ('X', Value::Int(i)) => format!("{i:X}"),
            ('x', Value::Str(s)) => s.bytes().map(|b| format!("{b:02x}")).collect(),
            ('s' | 'd' | 'q' | 't' | 'x' | 'X' | 'g' | 'e', Value::Null) => {
                format!("%!{verb}(<nil>)")
            }
            _ => bad(),
        };
        let n = body.chars().count();
        let start = out.len();
        if arg.origin.is_some() {
            marks.push(Mark {
                range: start..start + body.len() + width.saturating_sub(n),
                src: None,
                origin: arg.origin,
            });
        }
        if n < width {
            let fill = width - n;
            if minus {
                out.push_str(&body);
                out.push_str(&" ".repeat(fill));
            } else if zero && matches!(verb, 'd' | 'f' | 'x' | 'X') {
                let (sign, digits) = match body.strip_prefix('-') {
                    Some(d) => ("-", d),
                    None => ("", body.as_str()),
                };
                out.push_str(sign);
                out.push_str(&"0".repeat(fill));
                out.push_str(digits);
            } else {
                out.push_str(&" ".repeat(fill));
                out.push_str(&body);
            }
        } else {
            out.push_str(&body);
        }
        if out.len() > super::MAX_PRINT {
            break;
        }
    }
    if ai < args.len() {
        out.push_str("%!(EXTRA ");
        let extra: Vec<String> = args[ai..]
            .iter()
            .map(|a| format!("{}={}", go_type(a), go_value(a)))
            .collect();
        out.push_str(&extra.join(", "));
        out.push(')');
    }
    (out, marks)
}

#[derive(PartialEq, Eq, PartialOrd, Ord, Clone, Copy, Debug)]
enum Kind {
    Nil,
    Bool,
    Num,
    Str,
    Other,
}

fn basic(v: &Val) -> Kind {
    match &v.v {
        Value::Null => Kind::Nil,
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) => Kind::Num,
        Value::Float(_) => Kind::Num,
        Value::Str(_) => Kind::Str,
        _ => Kind::Other,
    }
}

/// Go's `eq`: an int and a float64 do not compare ("incompatible types for comparison").
fn compare_eq(a: &Val, b: &Val) -> Result<bool, String> {
    match (&a.v, &b.v) {
        (Value::Null, _) | (_, Value::Null) => Ok(a.v == b.v),
        (Value::Int(x), Value::Int(y)) => Ok(x == y),
        (Value::Float(x), Value::Float(y)) => Ok(x == y),
        (Value::Int(_), Value::Float(_)) | (Value::Float(_), Value::Int(_)) => {
            Err("incompatible types for comparison".into())
        }
        (Value::Str(x), Value::Str(y)) => Ok(x == y),
        (Value::Bool(x), Value::Bool(y)) => Ok(x == y),
        _ if basic(a) != basic(b) => Err("incompatible types for comparison".into()),
        _ => Err(format!("non-comparable type {}", go_type(a))),
    }
}

fn compare_ord(a: &Val, b: &Val) -> Result<std::cmp::Ordering, String> {
    match (&a.v, &b.v) {
        (Value::Int(x), Value::Int(y)) => Ok(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => x
            .partial_cmp(y)
            .ok_or_else(|| "NaN in comparison".to_string()),
        (Value::Str(x), Value::Str(y)) => Ok(x.cmp(y)),
        (Value::Null, _) | (_, Value::Null) => Err("invalid type for comparison".into()),
        _ if basic(a) == basic(b) && basic(a) != Kind::Other && basic(a) != Kind::Bool => {
            Err("incompatible types for comparison".into())
        }
        _ => Err("invalid type for comparison".into()),
    }
}

/// Go's `index`: maps by key, lists by int.
fn index(base: &Val, keys: &[Val]) -> F {
    let mut cur = base.clone();
    for k in keys {
        cur = match (&cur.v, &k.v) {
            (Value::Unknown(_), _) => return Ok(cur),
            (Value::Map(m), _) => m.get(&strval(k)).cloned().unwrap_or_default(),
            (Value::List(l), Value::Int(_) | Value::Float(_)) => {
                let i = to_i64(k);
                if i < 0 || i as usize >= l.len() {
                    return Err(format!("index out of range: {i}"));
                }
                l[i as usize].clone()
            }
            (Value::Null, _) => return Err("index of untyped nil".into()),
            _ => return Err(format!("can't index item of type {}", cur.kind())),
        };
    }
    Ok(cur)
}

/// Recursive map merge (mergo): `over` lets `src` replace values `dst` has.
fn merge_into(dst: &mut Val, src: &Val, over: bool, depth: usize) {
    let (Value::Map(d), Value::Map(s)) = (&mut dst.v, &src.v) else {
        return;
    };
    for (k, sv) in s {
        match d.get_mut(k) {
            Some(dv)
                if matches!(dv.v, Value::Map(_))
                    && matches!(sv.v, Value::Map(_))
                    && depth < 100 =>
            {
                merge_into(dv, sv, over, depth + 1)
            }
            Some(dv) => {
                if over || is_empty(dv) && !matches!(dv.v, Value::Map(_)) {
                    *dv = sv.clone();
                }
            }
            None => {
                d.insert(k.clone(), sv.clone());
            }
        }
    }
}

fn regex(pat: &str, limits: &Limits) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(pat)
        .size_limit(limits.max_regex)
        .dfa_size_limit(limits.max_regex)
        .build()
        .map_err(|e| e.to_string())
}

pub fn b64enc(b: &[u8]) -> String {
    digest::b64enc(b)
}

/// `Files.Glob` patterns (gobwas/glob with `/` as separator): `*` within a path segment, `**`
/// across segments, `?`, `[abc]`, `{a,b}`.
pub fn glob_match(pat: &str, path: &str) -> bool {
    fn go(p: &[u8], s: &[u8], budget: &mut u32) -> bool {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        match p.first() {
            None => s.is_empty(),
            Some(b'*') => {
                if p.get(1) == Some(&b'*') {
                    (0..=s.len()).any(|i| go(&p[2..], &s[i..], budget))
                } else {
                    for i in 0..=s.len() {
                        if go(&p[1..], &s[i..], budget) {
                            return true;
                        }
                        if s.get(i) == Some(&b'/') {
                            break;
                        }
                    }
                    false
                }
            }
            Some(b'?') => s.first().is_some_and(|c| *c != b'/') && go(&p[1..], &s[1..], budget),
            Some(b'{') => {
                let Some(close) = p.iter().position(|c| *c == b'}') else {
                    return s.first() == Some(&b'{') && go(&p[1..], &s[1..], budget);
                };
                p[1..close].split(|c| *c == b',').any(|alt| {
                    let mut np = alt.to_vec();
                    np.extend_from_slice(&p[close + 1..]);
                    go(&np, s, budget)
                })
            }
            Some(b'[') => {
                let Some(close) = p.iter().position(|c| *c == b']') else {
                    return false;
                };
                let Some(&c) = s.first() else { return false };
                let set = &p[1..close];
                let (neg, set) = match set.first() {
                    Some(b'!' | b'^') => (true, &set[1..]),
                    _ => (false, set),
                };
                let mut hit = false;
                let mut i = 0;
                while i < set.len() {
                    if i + 2 < set.len() && set[i + 1] == b'-' {
                        hit |= set[i] <= c && c <= set[i + 2];
                        i += 3;
                    } else {
                        hit |= set[i] == c;
                        i += 1;
                    }
                }
                hit != neg && go(&p[close + 1..], &s[1..], budget)
            }
            Some(c) => s.first() == Some(c) && go(&p[1..], &s[1..], budget),
        }
    }
    let mut budget = 100_000;
    go(pat.as_bytes(), path.as_bytes(), &mut budget)
}

/// A version as Masterminds/semver reads it: (major, minor, patch, prerelease).
fn parse_version(v: &str) -> Option<(u64, u64, u64, String)> {
    let v = v.trim().trim_start_matches(['v', 'V']);
    let v = v.split('+').next()?;
    let (core, pre) = match v.split_once('-') {
        Some((c, p)) => (c, p.to_string()),
        None => (v, String::new()),
    };
    let mut parts = core.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map_or(Some(0), |p| p.parse().ok())?;
    let patch = parts.next().map_or(Some(0), |p| p.parse().ok())?;
    if parts.next().is_some() {
        return None;
    }
    Some((major, minor, patch, pre))
}

fn cmp_pre(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Equal,
        (true, false) => return Greater,
        (false, true) => return Less,
        _ => {}
    }
    let (mut x, mut y) = (a.split('.'), b.split('.'));
    loop {
        match (x.next(), y.next()) {
            (None, None) => return Equal,
            (None, Some(_)) => return Less,
            (Some(_), None) => return Greater,
            (Some(p), Some(q)) => {
                let o = match (p.parse::<u64>(), q.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n),
                    (Ok(_), Err(_)) => Less,
                    (Err(_), Ok(_)) => Greater,
                    _ => p.cmp(q),
                };
                if o != Equal {
                    return o;
                }
            }
        }
    }
}

type Ver = (u64, u64, u64, String);

fn cmp_ver(a: &Ver, b: &Ver) -> std::cmp::Ordering {
    (a.0, a.1, a.2)
        .cmp(&(b.0, b.1, b.2))
        .then_with(|| cmp_pre(&a.3, &b.3))
}

/// `semverCompare CONSTRAINT VERSION` for the constraint forms charts use: comparisons
/// (`>=`, `>`, `<`, `<=`, `=`, `!=`), `~`, `^`, `x` wildcards, ranges separated by spaces or
/// commas, alternatives by `||`. `None` when the form is not understood.
pub fn semver_compare(constraint: &str, version: &str) -> Option<bool> {
    let v = parse_version(version)?;
    let mut any = false;
    for alt in constraint.split("||") {
        let mut all = true;
        let mut seen = false;
        let norm = alt.replace(',', " ");
        // Join an operator separated from its version: ">= 1.2" -> ">=1.2".
        let mut toks: Vec<String> = Vec::new();
        for t in norm.split_whitespace() {
            match toks.last_mut() {
                Some(l) if l.chars().all(|c| "<>=!~^".contains(c)) => l.push_str(t),
                _ => toks.push(t.to_string()),
            }
        }
        for t in toks {
            seen = true;
            all &= check_one(&t, &v)?;
        }
        if seen && all {
            any = true;
        }
    }
    Some(any)
}

fn check_one(c: &str, v: &Ver) -> Option<bool> {
    use std::cmp::Ordering::*;
    let op_len = c.find(|ch: char| !"<>=!~^".contains(ch)).unwrap_or(c.len());
    let (op, ver) = c.split_at(op_len);
    let ver = ver.trim_start_matches(['v', 'V']);
    if ver == "*" || ver == "x" || ver == "X" {
        return Some(v.3.is_empty() || op == "!=");
    }
    let parts: Vec<&str> = ver.split(['-', '+']).next()?.split('.').collect();
    let wild = parts
        .iter()
        .position(|p| matches!(*p, "x" | "X" | "*"))
        .unwrap_or(parts.len());
    let given = wild.min(parts.len());
    let cv = if given == parts.len() {
        parse_version(ver)?
    } else {
        let nums: Vec<u64> = parts[..given]
            .iter()
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        (
            nums.first().copied().unwrap_or(0),
            nums.get(1).copied().unwrap_or(0),
            0,
            String::new(),
        )
    };
    // A prerelease version satisfies only constraints that carry a prerelease themselves.
    if !v.3.is_empty() && cv.3.is_empty() {
        return Some(false);
    }
    let o = cmp_ver(v, &cv);
    let upper = |level: usize| -> Ver {
        match level {
            0 => (cv.0 + 1, 0, 0, String::new()),
            1 => (cv.0, cv.1 + 1, 0, String::new()),
            _ => (cv.0, cv.1, cv.2 + 1, String::new()),
        }
    };
    let below = |u: Ver| cmp_ver(v, &(u.0, u.1, u.2, "0".into())) == Less;
    Some(match op {
        "" | "=" | "==" => {
            if given < 3 {
                o != Less && below(upper(given.saturating_sub(1)))
            } else {
                o == Equal
            }
        }
        "!=" => o != Equal,
        ">" => {
            if given < 3 {
                !below(upper(given.saturating_sub(1)))
            } else {
                o == Greater
            }
        }
        ">=" | "=>" => o != Less,
        "<" => o == Less,
        "<=" | "=<" => {
            if given < 3 {
                below(upper(given.saturating_sub(1)))
            } else {
                o != Greater
            }
        }
        "~" | "~>" => o != Less && below(upper(if given >= 2 { 1 } else { 0 })),
        "^" => {
            let level = if cv.0 > 0 || given == 1 {
                0
            } else if cv.1 > 0 || given == 2 {
                1
            } else {
                2
            };
            o != Less && below(upper(level))
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printf_like_go() {
        assert_eq!(sprintf("%s-%d", &[Val::str("a"), Val::int(3)]), "a-3");
        assert_eq!(sprintf("%d", &[Val::float(8080.0)]), "%!d(float64=8080)");
        assert_eq!(sprintf("%q", &[Val::str("x\"y")]), "\"x\\\"y\"");
        assert_eq!(
            sprintf("%v %v", &[Val::list(vec![Val::int(1)]), Val::null()]),
            "[1] <nil>"
        );
        assert_eq!(
            sprintf("%05d|%-3s|", &[Val::int(42), Val::str("a")]),
            "00042|a  |"
        );
        assert_eq!(sprintf("%s", &[]), "%!s(MISSING)");
    }

    #[test]
    fn semver_constraints() {
        assert_eq!(semver_compare(">=1.19-0", "v1.25.3"), Some(true));
        assert_eq!(semver_compare(">=1.19-0", "v1.18.0"), Some(false));
        assert_eq!(semver_compare(">=1.19", "v1.25.3-gke.100"), Some(false));
        assert_eq!(semver_compare(">=1.19-0", "v1.25.3-gke.100"), Some(true));
        assert_eq!(semver_compare(">= 1.14, < 1.19", "1.16.0"), Some(true));
        assert_eq!(semver_compare("<1.14 || >=1.20", "1.16.0"), Some(false));
        assert_eq!(semver_compare("^1.2.3", "1.9.0"), Some(true));
        assert_eq!(semver_compare("~1.2.3", "1.3.0"), Some(false));
        assert_eq!(semver_compare("1.20.x", "1.20.7"), Some(true));
        assert_eq!(semver_compare("@@1", "1.0.0"), None);
    }

    #[test]
    fn globs() {
        assert!(glob_match("files/*.yaml", "files/a.yaml"));
        assert!(!glob_match("files/*.yaml", "files/x/a.yaml"));
        assert!(glob_match("files/**.yaml", "files/x/a.yaml"));
        assert!(glob_match("conf/{a,b}.conf", "conf/b.conf"));
    }

    #[test]
    fn indent_moves_marks() {
        let mut v = Val::str("a\nbc");
        v.marks = vec![Mark {
            range: 2..4,
            src: None,
            origin: None,
        }];
        let r = indent(&v, 2, true);
        assert_eq!(r.as_str(), Some("\n  a\n  bc"));
        assert_eq!(&r.as_str().unwrap()[r.marks[0].range.clone()], "bc");
    }
}
