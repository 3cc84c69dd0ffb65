//! `--emit kustomize`: beside each base directory `D` an overlay `D-<suffix>` holding a
//! kustomization.yaml that builds on `../D` and one JSON 6902 patch per changed object; the base
//! stays untouched.

use std::collections::{BTreeMap, BTreeSet};

use analyzer::Repo;
use serde_json::Value;

use crate::config::ConvertConfig;
use crate::convert::{Conversion, FileChange};
use crate::emit::{STYLE, dir_of, header, join, node_of};
use crate::json::{self, JsonOp};
use crate::plan::ObjectEdit;
use crate::runtimeclass::runtime_class_file;
use crate::verify;
use crate::yamledit::{NewValue, Route, Seg, render_document};

/// JSON 6902 operations that turn the original object into the planned one, computed against
/// the evolving object so a created parent is created once.
pub fn json_patch(original: &Value, oe: &ObjectEdit) -> Result<Vec<NewValue>, String> {
    let mut cur = original.clone();
    let mut ops = Vec::new();
    for c in &oe.changes {
        let op = verify::json_op(&c.op);
        let segs = c.route.segs();
        // The deepest prefix of the route that exists (and is not null).
        let mut depth = 0;
        let mut node = &cur;
        for seg in segs {
            let next = match seg {
                Seg::Key(k) => node.get(k),
                Seg::Index(i) => node.get(*i),
            };
            match next {
                Some(n) if !n.is_null() => {
                    node = n;
                    depth += 1;
                }
                _ => break,
            }
        }
        let entry = |op: &str, route: &Route, value: Option<Value>| {
            let mut m = vec![
                ("op".to_string(), NewValue::str(op)),
                ("path".to_string(), NewValue::str(json::pointer(route))),
            ];
            if let Some(v) = value {
                m.push(("value".into(), to_new(&v)));
            }
            NewValue::Map(m)
        };
        match &op {
            JsonOp::Remove => ops.push(entry("remove", &c.route, None)),
            JsonOp::Set(v) if depth == segs.len() => {
                ops.push(entry("replace", &c.route, Some(v.clone())))
            }
            JsonOp::Append(v) if depth == segs.len() => {
                ops.push(entry("add", &c.route, None));
                if let Some(NewValue::Map(m)) = ops.last_mut() {
                    m[1].1 = NewValue::str(format!("{}/-", json::pointer(&c.route)));
                    m.push(("value".into(), to_new(v)));
                }
            }
            JsonOp::Set(_) | JsonOp::Append(_) => {
                // Create the missing part of the route in one `add` (replacing a null there).
                let at = Route(segs[..=depth.min(segs.len() - 1)].to_vec());
                let mut value = match &op {
                    JsonOp::Set(v) => v.clone(),
                    JsonOp::Append(v) => Value::Array(vec![v.clone()]),
                    JsonOp::Remove => Value::Null,
                };
                for seg in segs[depth + 1..].iter().rev() {
                    let Seg::Key(k) = seg else {
                        return Err(format!("`{}` needs an index that does not exist", c.route));
                    };
                    let mut m = serde_json::Map::new();
                    m.insert(k.clone(), value);
                    value = Value::Object(m);
                }
                let exists_as_null = plan_get(&cur, &at).is_some_and(Value::is_null);
                ops.push(entry(
                    if exists_as_null { "replace" } else { "add" },
                    &at,
                    Some(value),
                ));
            }
        }
        json::apply(&mut cur, &c.route, &op)?;
    }
    Ok(ops)
}

fn plan_get<'a>(v: &'a Value, route: &Route) -> Option<&'a Value> {
    let mut cur = v;
    for seg in route.segs() {
        cur = match seg {
            Seg::Key(k) => cur.get(k)?,
            Seg::Index(i) => cur.get(*i)?,
        };
    }
    Some(cur)
}

/// JSON back to new YAML content: strings stay strings (quoted when they would read otherwise).
pub fn to_new(v: &Value) -> NewValue {
    match v {
        Value::Null => NewValue::Scalar(crate::yamledit::Scalar::Plain("null".into())),
        Value::Bool(b) => NewValue::bool(*b),
        Value::Number(n) => NewValue::Scalar(crate::yamledit::Scalar::Plain(n.to_string())),
        Value::String(s) => NewValue::str(s),
        Value::Array(a) => NewValue::Seq(a.iter().map(to_new).collect()),
        Value::Object(m) => NewValue::Map(m.iter().map(|(k, v)| (k.clone(), to_new(v))).collect()),
    }
}

/// `group`/`version` of an apiVersion (`apps/v1` -> (`apps`, `v1`); `v1` -> (``, `v1`)).
fn group_version(api_version: &str) -> (&str, &str) {
    api_version.split_once('/').unwrap_or(("", api_version))
}

/// One object's JSON 6902 patch file in `dir`, and its entry for a kustomization's `patches:`.
pub(crate) fn patch_file(
    repo: &Repo,
    oe: &ObjectEdit,
    dir: &str,
    workloads: &[String],
) -> Result<(FileChange, NewValue), String> {
    let (doc, node) = node_of(repo, oe).ok_or("its manifest could not be read")?;
    let original = json::from_yaml(doc, node.id)?;
    let ops = json_patch(&original, oe)?;
    let name = format!("{}-{}.yaml", oe.kind.to_ascii_lowercase(), oe.name);
    let mut text = header(&format!(
        "JSON patch for {} {} ({})",
        oe.kind,
        oe.name,
        workloads.join(", ")
    ));
    text.push_str(&render_document(&NewValue::Seq(ops), STYLE));
    let (group, version) = group_version(&oe.api_version);
    let mut target = Vec::new();
    if !group.is_empty() {
        target.push(("group".to_string(), NewValue::str(group)));
    }
    target.push(("version".into(), NewValue::str(version)));
    target.push(("kind".into(), NewValue::str(&oe.kind)));
    target.push(("name".into(), NewValue::str(&oe.name)));
    let entry = NewValue::map([
        ("path", NewValue::str(&name)),
        ("target", NewValue::Map(target)),
    ]);
    Ok((
        FileChange {
            path: join(dir, &name),
            original: None,
            text,
            edits: Vec::new(),
            workloads: workloads.to_vec(),
        },
        entry,
    ))
}

/// `(kind, namespace, name)` of an object.
type ObjectKey = (String, String, String);

/// A Kustomize overlay per base directory, beside it (`deploy/base` -> `deploy/base-wasm`): a
/// kustomization.yaml building on the base and one JSON 6902 patch per changed object.
pub fn kustomize(
    repo: &Repo,
    cfg: &ConvertConfig,
    conv: &Conversion,
    runtime_class: bool,
) -> (Vec<FileChange>, Vec<String>) {
    let mut notes = Vec::new();
    // dir -> (object key -> (edit, workloads))
    let mut by_dir: BTreeMap<String, BTreeMap<ObjectKey, (ObjectEdit, Vec<String>)>> =
        BTreeMap::new();
    let mut classes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in conv.plans() {
        let edits = std::iter::once(&p.object)
            .chain(&p.related)
            .filter(|oe| !oe.changes.is_empty());
        for oe in edits {
            let dir = dir_of(&oe.path).to_string();
            classes
                .entry(dir.clone())
                .or_default()
                .insert(p.runtime_class.clone());
            let key = (
                oe.kind.clone(),
                oe.namespace.clone().unwrap_or_default(),
                oe.name.clone(),
            );
            let slot = by_dir
                .entry(dir)
                .or_default()
                .entry(key)
                .or_insert_with(|| {
                    (
                        ObjectEdit {
                            changes: Vec::new(),
                            ..oe.clone()
                        },
                        Vec::new(),
                    )
                });
            for c in &oe.changes {
                if !slot.0.changes.contains(c) {
                    slot.0.changes.push(c.clone());
                }
            }
            slot.1.push(p.id.clone());
        }
    }
    let mut out = Vec::new();
    for (dir, objects) in by_dir {
        // Kustomize refuses an overlay inside its base and files outside the overlay's root, so
        // the overlay is a sibling directory that builds on the base directory.
        let Some((parent, base_name)) =
            (!dir.is_empty()).then(|| dir.rsplit_once('/').unwrap_or(("", dir.as_str())))
        else {
            notes.push(
                "manifests at the repository root cannot get a Kustomize overlay beside them (kustomize refuses an overlay inside its base): move them into a directory".into(),
            );
            continue;
        };
        let overlay = join(parent, &format!("{base_name}-{}", cfg.overlay_suffix));
        let resources: Vec<String> = vec![format!("../{base_name}")];
        if !repo.kustomizations.contains_key(&dir) {
            // A plain directory becomes a base: a kustomization listing its manifests is added.
            let mut files: BTreeSet<&str> = BTreeSet::new();
            for o in &repo.objects {
                let path = &repo.file(o.file).path;
                if dir_of(path) == dir {
                    files.insert(path.rsplit('/').next().unwrap_or(path));
                }
            }
            let kust = NewValue::map([
                (
                    "apiVersion",
                    NewValue::str("kustomize.config.k8s.io/v1beta1"),
                ),
                ("kind", NewValue::str("Kustomization")),
                (
                    "resources",
                    NewValue::Seq(files.iter().map(|f| NewValue::str(*f)).collect()),
                ),
            ]);
            let mut text = header(&format!(
                "Kustomize base listing the manifests of `{dir}`, so `{overlay}` can build on it"
            ));
            text.push_str(&render_document(&kust, STYLE));
            let ws: Vec<String> = objects
                .values()
                .flat_map(|(_, w)| w.iter().cloned())
                .collect();
            out.push(FileChange {
                path: join(&dir, "kustomization.yaml"),
                original: None,
                text,
                edits: Vec::new(),
                workloads: ws,
            });
            notes.push(format!("`{dir}` had no kustomization.yaml: one listing its manifests is added so the overlay `{overlay}` can build on it"));
        }
        let mut resources = resources;
        let mut patches = Vec::new();
        let mut workloads_all = Vec::new();
        for (oe, workloads) in objects.values() {
            match patch_file(repo, oe, &overlay, workloads) {
                Ok((file, entry)) => {
                    out.push(file);
                    patches.push(entry);
                }
                Err(e) => {
                    notes.push(format!(
                        "{} {} in `{}`: not patched: {e}",
                        oe.kind, oe.name, oe.path
                    ));
                    continue;
                }
            }
            workloads_all.extend(workloads.iter().cloned());
        }
        if runtime_class {
            for class in classes.get(&dir).into_iter().flatten() {
                if let Some((fc, note)) = runtime_class_file(repo, cfg, conv, class, &overlay) {
                    resources.push(fc.path.rsplit('/').next().unwrap_or_default().to_string());
                    out.push(fc);
                    notes.extend(note);
                } else {
                    notes.push(format!(
                        "RuntimeClass `{class}` is already defined in this repository: not written"
                    ));
                }
            }
        }
        let kust = NewValue::map([
            (
                "apiVersion",
                NewValue::str("kustomize.config.k8s.io/v1beta1"),
            ),
            ("kind", NewValue::str("Kustomization")),
            (
                "resources",
                NewValue::Seq(resources.iter().map(NewValue::str).collect()),
            ),
            ("patches", NewValue::Seq(patches)),
        ]);
        let mut text = header(&format!(
            "Kustomize overlay converting the workloads of `{}` to Wasm",
            if dir.is_empty() { "." } else { &dir }
        ));
        text.push_str(&format!(
            "# The base stays untouched; render with `kubectl kustomize {overlay}`.\n"
        ));
        text.push_str(&render_document(&kust, STYLE));
        workloads_all.dedup();
        out.push(FileChange {
            path: join(&overlay, "kustomization.yaml"),
            original: None,
            text,
            edits: Vec::new(),
            workloads: workloads_all,
        });
    }
    (out, notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Change, Op};
    use serde_json::json;

    #[test]
    fn json_patches_create_missing_parents_once() {
        let original = json!({"spec": {"template": {"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "a", "image": "x"}]}}}});
        let ch = |route: Route, op: Op| Change {
            route,
            op,
            summary: String::new(),
            why: String::new(),
        };
        let oe = ObjectEdit {
            file: analyzer::source::FileId(0),
            path: "k.yaml".into(),
            doc: 0,
            prefix: Route::root(),
            api_version: "apps/v1".into(),
            kind: "Deployment".into(),
            name: "a".into(),
            namespace: None,
            changes: vec![
                ch(
                    Route::keys(&["spec", "template", "spec", "containers"])
                        .index(0)
                        .key("image"),
                    Op::Set(NewValue::str("x-wasm")),
                ),
                ch(
                    Route::keys(&[
                        "spec",
                        "template",
                        "metadata",
                        "annotations",
                        "dapr.io/enabled",
                    ]),
                    Op::Set(NewValue::str("true")),
                ),
                ch(
                    Route::keys(&[
                        "spec",
                        "template",
                        "metadata",
                        "annotations",
                        "dapr.io/app-id",
                    ]),
                    Op::Set(NewValue::str("a")),
                ),
                ch(
                    Route::keys(&["spec", "template", "spec", "initContainers"]),
                    Op::Append(NewValue::map([("name", NewValue::str("s"))])),
                ),
            ],
        };
        let ops = json_patch(&original, &oe).unwrap();
        let text = render_document(&NewValue::Seq(ops), STYLE);
        assert_eq!(
            text,
            "- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: x-wasm\n- op: add\n  path: /spec/template/metadata/annotations\n  value:\n    dapr.io/enabled: \"true\"\n- op: add\n  path: /spec/template/metadata/annotations/dapr.io~1app-id\n  value: a\n- op: add\n  path: /spec/template/spec/initContainers\n  value:\n  - name: s\n"
        );
    }
}
