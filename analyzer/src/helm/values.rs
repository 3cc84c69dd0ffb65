//! A chart's values the way Helm computes them: the chart's `values.yaml`, the user's
//! `--helm-values` files over it, and for a subchart its own defaults under what the parent sets
//! for it (`<alias or name>:`) and the parent's `global:`. Also the `condition:`/`tags:` that
//! enable a subchart.

use super::chart::{Chart, Dependency};
use super::template::{Val, Value};
use crate::repo::Repo;
use crate::source::FileId;

/// A chart's `values.yaml` as a value (an empty map when there is none or it is not a map).
pub fn defaults(repo: &Repo, chart: &Chart) -> Val {
    chart
        .values
        .and_then(|id| from_file(repo, id))
        .unwrap_or_else(empty_map)
}

/// A YAML file's first document as a value, when it is a map.
pub fn from_file(repo: &Repo, id: FileId) -> Option<Val> {
    let doc = repo.yaml.get(&id)?.docs.first()?;
    let v = Val::from_yaml(doc, id);
    matches!(v.v, Value::Map(_)).then_some(v)
}

pub fn empty_map() -> Val {
    Val::map(Vec::<(String, Val)>::new())
}

/// `over` onto `base`, the way Helm coalesces values: maps merge key by key, anything else in
/// `over` replaces, and a `null` in `over` deletes the key.
pub fn merge(base: &mut Val, over: Val) {
    match over.v {
        Value::Map(o) if matches!(base.v, Value::Map(_)) => {
            let Value::Map(b) = &mut base.v else { return };
            for (k, v) in o {
                if matches!(v.v, Value::Null) {
                    b.remove(&k);
                    continue;
                }
                match b.get_mut(&k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        _ => *base = over,
    }
}

/// The values a subchart sees: its defaults, then what the parent sets under its key, with the
/// parent's `global` merged over its own.
pub fn for_subchart(defaults: Val, parent: &Val, dep_key: &str) -> Val {
    let mut v = defaults;
    if let Some(over) = get(parent, &[dep_key])
        && matches!(over.v, Value::Map(_))
    {
        merge(&mut v, over.clone());
    }
    if let Some(global) = get(parent, &["global"]) {
        let mut g = Val::map([("global", global.clone())]);
        // The subchart's own `global:` defaults stay under the parent's.
        if let Some(own) = get(&v, &["global"]).cloned() {
            let mut merged = own;
            merge(&mut merged, global.clone());
            g = Val::map([("global", merged)]);
        }
        merge(&mut v, g);
    }
    v
}

/// The value at a path of keys.
pub fn get<'v>(v: &'v Val, path: &[&str]) -> Option<&'v Val> {
    let mut cur = v;
    for k in path {
        match &cur.v {
            Value::Map(m) => cur = m.get(*k)?,
            _ => return None,
        }
    }
    Some(cur)
}

/// Whether the parent's values enable a dependency: the first `condition` path that resolves to
/// a boolean decides, else any listed tag set true/false under `tags:`, else enabled.
pub fn enabled(dep: &Dependency, parent_values: &Val) -> bool {
    if let Some(cond) = &dep.condition {
        for path in cond.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let keys: Vec<&str> = path.split('.').collect();
            if let Some(Val {
                v: Value::Bool(b), ..
            }) = get(parent_values, &keys)
            {
                return *b;
            }
        }
    }
    if !dep.tags.is_empty() {
        let set: Vec<bool> = dep
            .tags
            .iter()
            .filter_map(|t| match get(parent_values, &["tags", t]) {
                Some(Val {
                    v: Value::Bool(b), ..
                }) => Some(*b),
                _ => None,
            })
            .collect();
        if !set.is_empty() {
            return set.iter().any(|b| *b);
        }
    }
    true
}
