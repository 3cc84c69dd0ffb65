//! Chart-deployed workloads (`--emit helm-values`). A chart's template is not the manifest the
//! cluster gets, so it is never edited in place. When the chart takes the pod's
//! `runtimeClassName` from its values (and the image, if it changes, too) and nothing else has to
//! change, a values override file does it: `helm upgrade -f <chart>/values-wasm.yaml`. Otherwise
//! a Kustomize overlay for `helm --post-renderer` patches the rendered objects, and the report
//! says which and why.

use std::collections::BTreeMap;

use analyzer::Repo;
use analyzer::helm::chart::Chart;
use analyzer::helm::reader::Rendering;
use analyzer::source::FileId;
use analyzer::span::Span;
use analyzer::yaml::{YRef, YamlDoc};

use crate::convert::{Conversion, FileChange};
use crate::emit;
use crate::plan::{ObjectEdit, WorkloadPlan};
use crate::yamledit::{NewValue, Seg};

/// File name of the values override, in the root chart's directory.
pub const VALUES_FILE: &str = "values-wasm.yaml";
/// Suffix of the post-renderer directory, a sibling of the chart's.
pub const POST_RENDERER_SUFFIX: &str = "-wasm-post-renderer";

/// A plan whose object comes from a chart template.
pub fn is_helm(repo: &Repo, p: &WorkloadPlan) -> bool {
    repo.helm.is_template(p.object.file)
}

/// How one workload's changes reach its chart.
enum Route {
    /// Values to set, as key paths from the root chart's values.
    Values(Vec<(Vec<String>, String)>),
    /// Why values cannot do it: the overlay patches the rendered object instead.
    PostRenderer(String),
}

/// The values overrides and post-renderer overlays of every chart-deployed plan.
pub fn emit(repo: &Repo, conv: &Conversion) -> (Vec<FileChange>, Vec<String>) {
    let mut notes = Vec::new();
    // Root chart index -> (values, workloads) and -> post-rendered plans.
    let mut values: BTreeMap<usize, (NewValue, Vec<String>)> = BTreeMap::new();
    let mut post: BTreeMap<usize, Vec<&WorkloadPlan>> = BTreeMap::new();
    for p in conv.plans().filter(|p| is_helm(repo, p)) {
        let Some(r) = repo.helm.rendered.get(&p.object.file) else {
            continue;
        };
        let root = r.root;
        match route(repo, p, r) {
            Route::Values(sets) => {
                let slot = values
                    .entry(root)
                    .or_insert_with(|| (NewValue::Map(Vec::new()), Vec::new()));
                for (path, v) in sets {
                    set_path(&mut slot.0, &path, NewValue::str(&v));
                }
                slot.1.push(p.id.clone());
            }
            Route::PostRenderer(why) => {
                notes.push(format!(
                    "{}: {why}, so it is patched by a Helm post-renderer instead of values",
                    p.id
                ));
                post.entry(root).or_default().push(p);
            }
        }
    }
    let mut out = Vec::new();
    for (root, (v, workloads)) in values {
        let chart = &repo.helm.charts[root];
        let path = join(&chart.dir, VALUES_FILE);
        let shown = if chart.dir.is_empty() {
            "."
        } else {
            &chart.dir
        };
        let mut text = format!(
            "# Helm values that move {} to Wasm, {}.\n# Apply: helm upgrade --install <release> {shown} -f {path}\n",
            workloads.join(", "),
            emit::GENERATED_MARK
        );
        text.push_str(&crate::yamledit::render_document(&v, emit::STYLE));
        notes.push(format!(
            "chart `{}`: values override `{path}` (helm upgrade --install <release> {shown} -f {path})",
            chart.name
        ));
        out.push(FileChange {
            path,
            original: None,
            text,
            edits: Vec::new(),
            workloads,
        });
    }
    for (root, plans) in post {
        let (files, n) = post_renderer(repo, &repo.helm.charts[root], &plans);
        out.extend(files);
        notes.extend(n);
    }
    (out, notes)
}

/// The keys that lead from the root chart's values to the values of chart `owner`, an
/// ancestor of the rendered template's chart (or that chart itself) in the release's tree.
fn keys_to(repo: &Repo, r: &Rendering, owner: usize) -> Vec<String> {
    let charts = &repo.helm.charts;
    let mut up = 0;
    let mut c = r.chart;
    while c != owner {
        match charts[c].parent {
            Some(p) => {
                c = p;
                up += 1;
            }
            None => break,
        }
    }
    r.keys[..r.keys.len().saturating_sub(up)].to_vec()
}

/// Decide how `p` reaches its chart.
fn route(repo: &Repo, p: &WorkloadPlan, r: &Rendering) -> Route {
    let mut sets = Vec::new();
    for c in &p.object.changes {
        let last = c.route.segs().last();
        let is = |k: &str| matches!(last, Some(Seg::Key(x)) if x == k);
        if is("runtimeClassName") {
            let Some(keys) = runtime_class_key(&repo.file(p.object.file).text) else {
                return Route::PostRenderer(
                    "its template does not take `runtimeClassName` from the chart's values".into(),
                );
            };
            let mut path = r.keys.clone();
            path.extend(keys);
            sets.push((path, p.runtime_class.clone()));
        } else if is("image") {
            match image_keys(repo, p, r) {
                Ok(s) => sets.extend(s),
                Err(why) => return Route::PostRenderer(why),
            }
        } else {
            return Route::PostRenderer(format!(
                "it also needs `{}`, which the chart's values do not control",
                c.summary
            ));
        }
    }
    for rel in &p.related {
        if !rel.changes.is_empty() {
            return Route::PostRenderer(format!(
                "{} {} changes with it, which values do not reach",
                rel.kind, rel.name
            ));
        }
    }
    Route::Values(sets)
}

/// The values key a template writes `runtimeClassName:` from: `.Values.a.b` on that line, or
/// the `with .Values.a.b` that opens a few lines above it (`{{- with .Values.x }}` /
/// `runtimeClassName: {{ . }}`).
pub fn runtime_class_key(template: &str) -> Option<Vec<String>> {
    let lines: Vec<&str> = template.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(at) = line.find("runtimeClassName") else {
            continue;
        };
        if let Some(k) = values_ref(&line[at..]) {
            return Some(k);
        }
        if line[at..].contains("{{") {
            for prev in lines[i.saturating_sub(3)..i].iter().rev() {
                if prev.contains("with")
                    && let Some(k) = values_ref(prev)
                {
                    return Some(k);
                }
            }
        }
    }
    None
}

/// The key path of the first `.Values.a.b` reference in `text`.
fn values_ref(text: &str) -> Option<Vec<String>> {
    let at = text.find(".Values.")? + ".Values.".len();
    let keys: Vec<String> = text[at..]
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))
        .next()?
        .split('.')
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .collect();
    (!keys.is_empty()).then_some(keys)
}

/// The values keys that spell the converted container's image, and what to set them to: the
/// values the static reader traced into the `image:` line (`image.repository` + `image.tag`,
/// with `image.registry` when the chart splits it out, or one key holding the whole reference).
fn image_keys(
    repo: &Repo,
    p: &WorkloadPlan,
    r: &Rendering,
) -> Result<Vec<(Vec<String>, String)>, String> {
    let unknown = || {
        Err(format!(
            "the values that spell its image `{}` could not be traced",
            p.image
        ))
    };
    let Some(span) = image_span(repo, &p.object, &p.container) else {
        return unknown();
    };
    let origins: Vec<(FileId, Span)> = repo.helm.origins_in(p.object.file, span).collect();
    let mut keyed = Vec::new();
    for (file, s) in origins {
        let Some(owner) = values_owner(repo, file, r.chart) else {
            continue;
        };
        let Some(doc) = repo.yaml.get(&file).and_then(|st| st.docs.first()) else {
            continue;
        };
        if let Some(mut keys) = key_path(doc, s) {
            let mut path = keys_to(repo, r, owner);
            path.append(&mut keys);
            keyed.push((path, doc, s));
        }
    }
    let (repo_part, tag) = split_image(&p.wasm_image);
    match keyed.as_slice() {
        [(path, _, _)] if path.last().is_some_and(|k| k != "repository") => {
            Ok(vec![(path.clone(), p.wasm_image.clone())])
        }
        [] => unknown(),
        _ => {
            let Some((base, _, _)) = keyed
                .iter()
                .find(|(path, _, _)| path.last().is_some_and(|k| k == "repository"))
            else {
                return unknown();
            };
            let parent = &base[..base.len() - 1];
            let with = |k: &str| {
                let mut v = parent.to_vec();
                v.push(k.to_string());
                v
            };
            let has_registry = keyed.iter().any(|(p, _, _)| *p == with("registry"));
            let mut sets = Vec::new();
            match (has_registry, repo_part.split_once('/')) {
                (true, Some((registry, rest))) if registry.contains('.') => {
                    sets.push((with("registry"), registry.to_string()));
                    sets.push((with("repository"), rest.to_string()));
                }
                (true, _) => return unknown(),
                _ => sets.push((with("repository"), repo_part.to_string())),
            }
            sets.push((with("tag"), tag.to_string()));
            Ok(sets)
        }
    }
}

/// `repo:tag` -> (`repo`, `tag`); `latest` when there is none.
fn split_image(image: &str) -> (&str, &str) {
    let name_end = image.rfind('/').map_or(0, |i| i + 1);
    match image[name_end..].rfind(':') {
        Some(i) => (&image[..name_end + i], &image[name_end + i + 1..]),
        None => (image, "latest"),
    }
}

/// The chart (in `chart`'s ancestry) whose values file is `file`.
fn values_owner(repo: &Repo, file: FileId, mut chart: usize) -> Option<usize> {
    loop {
        if repo.helm.charts[chart].values == Some(file) {
            return Some(chart);
        }
        chart = repo.helm.charts[chart].parent?;
    }
}

/// The template span of the converted container's `image:` value.
fn image_span(repo: &Repo, oe: &ObjectEdit, container: &str) -> Option<Span> {
    let doc = repo.yaml.get(&oe.file)?.docs.get(oe.doc)?;
    let root = crate::plan::lookup(doc.root()?, &oe.prefix)?;
    let spec = ["spec", "template", "spec"];
    let pod = root
        .path(&spec)
        .or_else(|| root.path(&["spec", "jobTemplate", "spec", "template", "spec"]))
        .or_else(|| root.get("spec"))?;
    let c = pod
        .get("containers")?
        .items()
        .find(|c| c.get("name").and_then(|n| n.as_str()) == Some(container))?;
    Some(c.get("image")?.span())
}

/// The mapping keys that lead to the node spanning `s` in a values document.
fn key_path(doc: &YamlDoc, s: Span) -> Option<Vec<String>> {
    fn walk(node: YRef<'_>, s: Span, keys: &mut Vec<String>) -> bool {
        if node.span() == s {
            return true;
        }
        if !node.is_map() {
            return false;
        }
        for (k, v) in node.entries() {
            if v.span().start <= s.start && s.end <= v.span().end.max(s.end) {
                keys.push(k.to_string());
                if walk(v, s, keys) {
                    return true;
                }
                keys.pop();
            }
        }
        false
    }
    let mut keys = Vec::new();
    walk(doc.root()?, s, &mut keys).then_some(keys)
}

/// `set_path(v, [a, b], x)`: `v.a.b = x`, creating maps on the way.
fn set_path(v: &mut NewValue, path: &[String], x: NewValue) {
    let Some((first, rest)) = path.split_first() else {
        *v = x;
        return;
    };
    if !matches!(v, NewValue::Map(_)) {
        *v = NewValue::Map(Vec::new());
    }
    let NewValue::Map(entries) = v else { return };
    let slot = match entries.iter().position(|(k, _)| k == first) {
        Some(i) => &mut entries[i].1,
        None => {
            entries.push((first.clone(), NewValue::Map(Vec::new())));
            &mut entries.last_mut().expect("just pushed").1
        }
    };
    set_path(slot, rest, x);
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// A Kustomize overlay beside the chart that `helm --post-renderer` runs on the rendered
/// output: the script saves stdin as the overlay's resource and builds it.
fn post_renderer(
    repo: &Repo,
    chart: &Chart,
    plans: &[&WorkloadPlan],
) -> (Vec<FileChange>, Vec<String>) {
    let mut notes = Vec::new();
    let dir = if chart.dir.is_empty() {
        format!("{}{POST_RENDERER_SUFFIX}", chart.name)
    } else {
        format!("{}{POST_RENDERER_SUFFIX}", chart.dir)
    };
    let mut out = Vec::new();
    let mut patches = Vec::new();
    let mut workloads = Vec::new();
    for p in plans {
        match emit::patch_file(repo, &p.object, &dir, std::slice::from_ref(&p.id)) {
            Ok((file, entry)) => {
                out.push(file);
                patches.push(entry);
                workloads.push(p.id.clone());
            }
            Err(e) => notes.push(format!("{}: not patched: {e}", p.id)),
        }
    }
    if patches.is_empty() {
        return (out, notes);
    }
    let kust = NewValue::map([
        (
            "apiVersion",
            NewValue::str("kustomize.config.k8s.io/v1beta1"),
        ),
        ("kind", NewValue::str("Kustomization")),
        (
            "resources",
            NewValue::Seq(vec![NewValue::str("helm-output.yaml")]),
        ),
        ("patches", NewValue::Seq(patches)),
    ]);
    let mut text = format!(
        "# Kustomize overlay for `helm --post-renderer {dir}/post-render.sh`, {}.\n",
        emit::GENERATED_MARK
    );
    text.push_str(&crate::yamledit::render_document(&kust, emit::STYLE));
    out.push(FileChange {
        path: join(&dir, "kustomization.yaml"),
        original: None,
        text,
        edits: Vec::new(),
        workloads: workloads.clone(),
    });
    out.push(FileChange {
        path: join(&dir, "post-render.sh"),
        original: None,
        text: format!(
            "#!/bin/sh\n# Helm post-renderer: helm pipes the rendered manifests in, the overlay beside this\n# script patches the Wasm workloads, {}.\nset -eu\ncd \"$(dirname \"$0\")\"\ncat > helm-output.yaml\nif command -v kustomize >/dev/null 2>&1; then exec kustomize build .; fi\nexec kubectl kustomize .\n",
            emit::GENERATED_MARK
        ),
        edits: Vec::new(),
        workloads: workloads.clone(),
    });
    notes.push(format!(
        "chart `{}`: post-renderer `{dir}` (helm upgrade --install <release> {} --post-renderer {dir}/post-render.sh; needs kustomize or kubectl; make the script executable)",
        chart.name,
        if chart.dir.is_empty() { "." } else { &chart.dir }
    ));
    (out, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_class_key_on_the_line_or_from_a_with() {
        assert_eq!(
            runtime_class_key("spec:\n  runtimeClassName: {{ .Values.pod.runtimeClassName }}\n"),
            Some(vec!["pod".into(), "runtimeClassName".into()])
        );
        assert_eq!(
            runtime_class_key(
                "      {{- with .Values.runtimeClassName }}\n      runtimeClassName: {{ . }}\n      {{- end }}\n"
            ),
            Some(vec!["runtimeClassName".into()])
        );
        assert_eq!(runtime_class_key("spec:\n  containers: []\n"), None);
        assert_eq!(runtime_class_key("  runtimeClassName: fixed\n"), None);
    }

    #[test]
    fn images_split_at_the_tag_not_the_registry_port() {
        assert_eq!(split_image("ghcr.io/a/b:1.2"), ("ghcr.io/a/b", "1.2"));
        assert_eq!(
            split_image("localhost:5000/a"),
            ("localhost:5000/a", "latest")
        );
    }

    #[test]
    fn set_path_creates_maps_once() {
        let mut v = NewValue::Map(Vec::new());
        set_path(&mut v, &["a".into(), "b".into()], NewValue::str("x"));
        set_path(&mut v, &["a".into(), "c".into()], NewValue::str("y"));
        let NewValue::Map(e) = &v else { panic!() };
        assert_eq!(e.len(), 1);
    }
}
