//! `--runtime-class-manifest`: the RuntimeClass each converted workload names, written next to
//! the first manifest converted to it (or inside the overlay), unless the repository defines it.

use std::collections::BTreeMap;

use analyzer::Repo;

use crate::config::ConvertConfig;
use crate::convert::{Conversion, FileChange};
use crate::emit::{STYLE, dir_of, header, join};
use crate::json;
use crate::plan::WorkloadPlan;
use crate::verify;
use crate::yamledit::{NewValue, render_document};

/// The RuntimeClass manifest for `class`, in `dir`; `None` when the repository already defines it.
pub(crate) fn runtime_class_file(
    repo: &Repo,
    cfg: &ConvertConfig,
    conv: &Conversion,
    class: &str,
    dir: &str,
) -> Option<(FileChange, Option<String>)> {
    let path = join(dir, &format!("runtimeclass-{class}.yaml"));
    // Defined by hand somewhere in the repository: leave it there. Defined in a file this tool
    // wrote (a previous run): write it again, so a second run changes nothing.
    if repo.objects.iter().any(|o| {
        o.kind == "RuntimeClass"
            && o.name == class
            && !analyzer::generated::is_marked(&repo.file(o.file).text)
    }) {
        return None;
    }
    let plans: Vec<&WorkloadPlan> = conv.plans().filter(|p| p.runtime_class == class).collect();
    let runtime = plans.first().map_or(cfg.runtime, |p| p.runtime);
    let handler = cfg.handler_for(runtime);
    let mut m = vec![
        ("apiVersion".to_string(), NewValue::str("node.k8s.io/v1")),
        ("kind".into(), NewValue::str("RuntimeClass")),
        (
            "metadata".into(),
            NewValue::map([("name", NewValue::str(class))]),
        ),
        ("handler".into(), NewValue::str(&handler)),
    ];
    let mut scheduling = Vec::new();
    if !cfg.node_selector.is_empty() {
        scheduling.push((
            "nodeSelector".to_string(),
            NewValue::Map(
                cfg.node_selector
                    .iter()
                    .map(|(k, v)| (k.clone(), NewValue::str(v)))
                    .collect(),
            ),
        ));
    }
    if !cfg.tolerations.is_empty() {
        let tols = cfg
            .tolerations
            .iter()
            .map(|t| {
                let mut e = vec![("key".to_string(), NewValue::str(&t.key))];
                for (k, v) in [
                    ("operator", &t.operator),
                    ("value", &t.value),
                    ("effect", &t.effect),
                ] {
                    if let Some(v) = v {
                        e.push((k.to_string(), NewValue::str(v)));
                    }
                }
                NewValue::Map(e)
            })
            .collect();
        scheduling.push(("tolerations".into(), NewValue::Seq(tols)));
    }
    if !scheduling.is_empty() {
        m.push(("scheduling".into(), NewValue::Map(scheduling)));
    }
    let value = NewValue::Map(m);
    let note = match verify::typed_roundtrip("RuntimeClass", &json::from_new(&value)) {
        Some(Err(e)) => Some(format!(
            "the RuntimeClass `{class}` does not match its schema: {e}"
        )),
        _ => None,
    };
    let mut text = header(&format!(
        "RuntimeClass `{class}` for the workloads converted to {runtime}"
    ));
    text.push_str(&format!(
        "# `handler` must equal the containerd runtime configured on the Wasm nodes ({} by default for {runtime}; set [convert] handler).\n",
        runtime.default_handler()
    ));
    if cfg.node_selector.is_empty() {
        text.push_str("# No scheduling.nodeSelector is set: pods may land on nodes without the shim; set [convert] node-selector.\n");
    }
    text.push_str(&render_document(&value, STYLE));
    let workloads = plans.iter().map(|p| p.id.clone()).collect();
    Some((
        FileChange {
            path,
            original: None,
            text,
            edits: Vec::new(),
            workloads,
        },
        note,
    ))
}

/// RuntimeClass manifests for an in-place conversion: one per class, next to the first manifest
/// converted to it.
pub fn runtime_classes(
    repo: &Repo,
    cfg: &ConvertConfig,
    conv: &Conversion,
) -> (Vec<FileChange>, Vec<String>) {
    let mut first_dir: BTreeMap<String, String> = BTreeMap::new();
    for p in conv.plans() {
        first_dir
            .entry(p.runtime_class.clone())
            .or_insert_with(|| dir_of(&p.object.path).to_string());
    }
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for (class, dir) in first_dir {
        match runtime_class_file(repo, cfg, conv, &class, &dir) {
            Some((fc, note)) => {
                out.push(fc);
                notes.extend(note);
            }
            None => notes.push(format!(
                "RuntimeClass `{class}` is already defined in this repository: not written"
            )),
        }
    }
    (out, notes)
}
