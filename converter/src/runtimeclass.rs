//! `--runtime-class-manifest`: the RuntimeClass each converted workload names, written next to
//! the first manifest converted to it (or inside the overlay), unless the repository defines it.

use std::collections::BTreeMap;

use analyzer::Repo;
use analyzer::kustomize::Kustomization;

use crate::config::ConvertConfig;
use crate::convert::{Conversion, FileChange};
use crate::emit::{STYLE, dir_of, header, join};
use crate::json;
use crate::plan::WorkloadPlan;
use crate::verify;
use crate::yamledit::{NewValue, Patch, Route, render_document};

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

/// What `--runtime-class-manifest` adds to an in-place conversion.
#[derive(Default)]
pub struct RuntimeClasses {
    /// The RuntimeClass files (new, or rewritten when convert wrote them before).
    pub files: Vec<FileChange>,
    /// Kustomizations that now list a RuntimeClass file in their `resources`.
    pub kustomizations: Vec<FileChange>,
    pub notes: Vec<String>,
}

/// RuntimeClass manifests for an in-place conversion: one per class, next to the first manifest
/// converted to it, and listed in the `resources` of the kustomization that lists that manifest
/// (so `kubectl apply -k` creates it before the pods that need it are admitted).
pub fn runtime_classes(repo: &Repo, cfg: &ConvertConfig, conv: &Conversion) -> RuntimeClasses {
    let mut first: BTreeMap<String, String> = BTreeMap::new();
    for p in conv.plans() {
        first
            .entry(p.runtime_class.clone())
            .or_insert_with(|| p.object.path.clone());
    }
    let mut out = RuntimeClasses::default();
    for (class, manifest) in first {
        match runtime_class_file(repo, cfg, conv, &class, dir_of(&manifest)) {
            Some((fc, note)) => {
                out.notes.extend(note);
                match include_in_kustomization(repo, &fc.path, &manifest) {
                    Ok(Some(k)) => {
                        out.notes.push(format!(
                            "`{}` now lists `{}` in its resources, so `kubectl apply -k` creates the RuntimeClass with the workloads",
                            k.path, fc.path
                        ));
                        out.kustomizations.push(k);
                    }
                    Ok(None) => {}
                    Err(note) => out.notes.push(note),
                }
                out.files.push(fc);
            }
            None => out.notes.push(format!(
                "RuntimeClass `{class}` is already defined in this repository: not written"
            )),
        }
    }
    out
}

/// The kustomization that deploys `manifest`: the nearest one (deepest directory) listing it in
/// `resources`, `bases` or `components`. Generated overlays do not count.
fn kustomization_of<'r>(repo: &'r Repo, manifest: &str) -> Option<&'r Kustomization> {
    repo.kustomizations
        .values()
        .filter(|k| k.generated.is_none())
        .filter(|k| {
            k.resources
                .iter()
                .any(|(r, _)| analyzer::build_config::join(&k.dir, r).as_deref() == Some(manifest))
        })
        .max_by_key(|k| k.dir.len())
}

/// Add `rc_path` to the `resources` of the kustomization that lists `manifest`, as a minimal
/// edit that keeps everything else byte for byte. `Ok(None)` when it is listed already; `Err`
/// is a note that says where to add it by hand.
fn include_in_kustomization(
    repo: &Repo,
    rc_path: &str,
    manifest: &str,
) -> Result<Option<FileChange>, String> {
    let Some(k) = kustomization_of(repo, manifest) else {
        return Err(format!(
            "no kustomization lists `{manifest}`: apply `{rc_path}` with the manifests (`kubectl apply -f {rc_path}`) before the converted pods, or the API server refuses them (RuntimeClass not found)"
        ));
    };
    let file = repo.file(k.file);
    let entry = match k.dir.as_str() {
        "" => rc_path,
        dir => rc_path
            .strip_prefix(dir)
            .and_then(|r| r.strip_prefix('/'))
            .unwrap_or(rc_path),
    };
    let listed = k
        .resources
        .iter()
        .any(|(r, _)| r.trim_start_matches("./") == entry);
    if listed {
        return Ok(None);
    }
    let by_hand = |why: &str| {
        let at = k.resources.last().map_or(String::new(), |(_, span)| {
            format!(":{}", file.line_col(span.start).line)
        });
        format!(
            "`{rc_path}` is not listed in a kustomization ({why}): add `- {entry}` to `resources:` in {}{at}",
            file.path
        )
    };
    let text: &str = &file.text;
    let stream = repo.yaml.get(&k.file);
    let patch = match stream {
        Some(s) => Patch::with_stream(text, s),
        None => Patch::new(text),
    };
    let mut patch = patch.map_err(|e| by_hand(&e.to_string()))?;
    patch
        .append(0, &Route::keys(&["resources"]), NewValue::str(entry))
        .map_err(|e| by_hand(&e.to_string()))?;
    let (edited, _) = patch.finish_parsed().map_err(|e| by_hand(&e.to_string()))?;
    crate::yamledit::check_preserved(text, &edited.text, &edited.edits).map_err(|e| by_hand(&e))?;
    Ok(Some(FileChange {
        path: file.path.clone(),
        original: Some(text.to_string()),
        text: edited.text,
        edits: edited.edits,
        workloads: Vec::new(),
    }))
}
