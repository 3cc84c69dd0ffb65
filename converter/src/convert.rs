//! The conversion run: plans become lossless edits per file (in parallel), every rewritten object
//! is verified, and the result is a set of file changes (edited manifests, or a SpinApp, or a
//! Kustomize overlay; plus the Wasm image recipes and RuntimeClass manifests) that the binary
//! renders as a diff, writes, or checks.
//!
//! A plan whose edits or verification fail is dropped as a whole (in every file it touches) and
//! reported as a failure; the others go ahead.

use std::collections::{BTreeMap, BTreeSet};

use analyzer::Repo;
use analyzer::yaml;
use rayon::prelude::*;
use rules::report::Report;

use crate::config::ConvertConfig;
use crate::emit;
use crate::plan::{self, ObjectEdit, Op, Outcome, PlanOptions, WorkloadPlan};
use crate::verify;
use crate::yamledit::{Edit, NewValue, Patch};

/// What `convert` writes instead of (or beside) the edited manifests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Emit {
    /// Rewrite the workloads in place (default).
    #[default]
    Deployment,
    /// Replace workloads that fit a SpinApp by one; the others are rewritten in place.
    SpinApp,
    /// Leave the base untouched and write a Kustomize overlay next to it.
    Kustomize,
    /// Chart-deployed workloads through a values override (or a post-renderer overlay when
    /// values cannot do it); other workloads are rewritten in place.
    HelmValues,
}

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub emit: Emit,
    /// Also write the RuntimeClass each converted workload uses.
    pub runtime_class_manifest: bool,
    pub plan: PlanOptions,
}

/// A file to change or create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileChange {
    /// Repo-relative, with `/`.
    pub path: String,
    /// The current text; `None` for a new file.
    pub original: Option<String>,
    pub text: String,
    /// The byte-range edits that turn `original` into `text` (empty for new files).
    pub edits: Vec<Edit>,
    /// Workloads this change belongs to.
    pub workloads: Vec<String>,
}

/// Everything a conversion run decided and produced.
#[derive(Clone, Debug, Default)]
pub struct Conversion {
    pub outcomes: Vec<Outcome>,
    /// Sorted by path; only files whose content changes.
    pub files: Vec<FileChange>,
    /// `(workload id, why its plan was dropped)`.
    pub failures: Vec<(String, String)>,
    /// Things said once for the run (Helm charts not rewritten, files left as they are).
    pub notes: Vec<String>,
    /// Workloads emitted as a SpinApp (with `--emit spinapp`).
    pub spinapps: BTreeSet<String>,
}

impl Conversion {
    pub fn plans(&self) -> impl Iterator<Item = &WorkloadPlan> {
        self.outcomes.iter().filter_map(|o| match o {
            Outcome::Planned(p) if !self.failures.iter().any(|(id, _)| *id == p.id) => {
                Some(p.as_ref())
            }
            _ => None,
        })
    }

    /// True when applying the conversion would change or create a file.
    pub fn has_changes(&self) -> bool {
        !self.files.is_empty()
    }
}

/// A file's edits, or the `(workload, why)` pairs that made them fail.
type FileResult = Result<FileChange, Vec<(String, String)>>;

/// One thing to do to a document of a manifest file, borrowed from its plan.
#[derive(Clone, Copy, Debug)]
enum DocOp<'p> {
    Edit(&'p ObjectEdit),
    /// Replace the whole document by a SpinApp (the kind it replaces, for the message).
    ReplaceWithSpinApp {
        doc: usize,
        value: &'p NewValue,
        kind: &'p str,
    },
}

/// Run the conversion over a scanned and judged repository.
pub fn convert(repo: &Repo, report: &Report, cfg: &ConvertConfig, opts: &Options) -> Conversion {
    let mut outcomes = plan::plan_all(repo, report, cfg, &opts.plan);
    let notes = Vec::new();
    // SpinApp emission: decide per plan before edits are computed.
    let mut spinapps: BTreeMap<String, NewValue> = BTreeMap::new();
    if opts.emit == Emit::SpinApp {
        for o in &mut outcomes {
            let Outcome::Planned(p) = o else { continue };
            match crate::spinapp::decide(repo, p) {
                Ok((mut value, decisions)) => {
                    apply_moved_annotations(&mut value, &p.moved_pod_annotations);
                    p.decisions.extend(decisions);
                    spinapps.insert(p.id.clone(), value);
                }
                Err(lines) => {
                    p.decisions.splice(0..0, lines);
                }
            }
        }
    }

    // Apply, dropping failing plans until every remaining plan applies and verifies.
    let mut failures: Vec<(String, String)> = Vec::new();
    let mut edited: BTreeMap<String, FileChange> = BTreeMap::new();
    for _round in 0..4 {
        let failed: BTreeSet<&str> = failures.iter().map(|(id, _)| id.as_str()).collect();
        let mut by_file: BTreeMap<&str, Vec<(&str, DocOp<'_>)>> = BTreeMap::new();
        for o in &outcomes {
            let Outcome::Planned(p) = o else { continue };
            if failed.contains(p.id.as_str()) || crate::helm::is_helm(repo, p) {
                continue;
            }
            match spinapps.get(&p.id) {
                Some(v) => by_file.entry(&p.object.path).or_default().push((
                    &p.id,
                    DocOp::ReplaceWithSpinApp {
                        doc: p.object.doc,
                        value: v,
                        kind: &p.object.kind,
                    },
                )),
                None if !p.object.changes.is_empty() => by_file
                    .entry(&p.object.path)
                    .or_default()
                    .push((&p.id, DocOp::Edit(&p.object))),
                None => {}
            }
            for r in &p.related {
                by_file
                    .entry(&r.path)
                    .or_default()
                    .push((&p.id, DocOp::Edit(r)));
            }
        }
        let results: Vec<(String, FileResult)> = by_file
            .into_par_iter()
            .map(|(path, ops)| {
                let r = apply_file(repo, path, &ops);
                (path.to_string(), r)
            })
            .collect();
        let mut new_failures = Vec::new();
        edited.clear();
        for (path, r) in results {
            match r {
                Ok(fc) => {
                    edited.insert(path, fc);
                }
                Err(f) => new_failures.extend(f),
            }
        }
        if new_failures.is_empty() {
            break;
        }
        for f in new_failures {
            if !failures.iter().any(|(id, _)| *id == f.0) {
                failures.push(f);
            }
        }
    }

    let mut conv = Conversion {
        outcomes,
        files: Vec::new(),
        failures,
        notes,
        spinapps: spinapps.keys().cloned().collect(),
    };
    let mut files: BTreeMap<String, FileChange> = BTreeMap::new();
    let mut generated: Vec<FileChange> = Vec::new();
    match opts.emit {
        Emit::Deployment | Emit::SpinApp | Emit::HelmValues => {
            for (path, fc) in edited {
                if fc.original.as_deref() != Some(fc.text.as_str()) {
                    files.insert(path, fc);
                }
            }
            if opts.runtime_class_manifest {
                let rc = emit::runtime_classes(repo, cfg, &conv);
                generated.extend(rc.files);
                conv.notes.extend(rc.notes);
                for k in rc.kustomizations {
                    if files.contains_key(&k.path) {
                        // A plan edits it too (never today): say it rather than merge edits.
                        conv.notes.push(format!("`{}` changes for a workload too: add the RuntimeClass file to its `resources:` by hand", k.path));
                    } else {
                        files.insert(k.path.clone(), k);
                    }
                }
            }
            if opts.emit == Emit::HelmValues {
                let (fcs, h_notes) = crate::helm::emit(repo, &conv);
                generated.extend(fcs);
                conv.notes.extend(h_notes);
            }
        }
        Emit::Kustomize => {
            let (fcs, k_notes) = emit::kustomize(repo, cfg, &conv, opts.runtime_class_manifest);
            generated.extend(fcs);
            conv.notes.extend(k_notes);
        }
    }
    for p in conv.plans() {
        if let Some(r) = &p.recipe {
            generated.push(new_file(&r.dockerfile_path, r.dockerfile.clone(), &p.id));
            if let Some((path, text)) = &r.spin_toml {
                generated.push(new_file(path, text.clone(), &p.id));
            }
        }
    }
    // What is on disk already, looked up in parallel (a stat per generated file).
    let existing: Vec<Option<Result<String, String>>> = generated
        .par_iter()
        .map(|g| existing_text(repo, &g.path))
        .collect();
    for (g, existing) in generated.into_iter().zip(existing) {
        match existing {
            Some(Err(why)) => conv.notes.push(format!("`{}` {why}: left as it is", g.path)),
            Some(Ok(existing)) if existing == g.text => {}
            Some(Ok(existing)) if !analyzer::generated::is_marked(&existing) => {
                conv.notes.push(format!("`{}` exists and was not written by wasm-migrate: left as it is", g.path));
            }
            Some(Ok(existing)) => {
                let edits = whole_file_edit(&existing, &g.text);
                files.insert(g.path.clone(), FileChange { original: Some(existing), edits, ..g });
            }
            None => match files.get_mut(&g.path) {
                Some(f) if f.text == g.text => f.workloads.extend(g.workloads),
                Some(f) => conv.notes.push(format!(
                    "`{}` is needed with different content by {} and {} (one image converted for different runtimes): written for the first; give the others their own Wasm image in [convert.images]",
                    g.path,
                    f.workloads.join(", "),
                    g.workloads.join(", ")
                )),
                None => {
                    files.insert(g.path.clone(), g);
                }
            },
        }
    }
    conv.files = files.into_values().collect();
    let mut seen = BTreeSet::new();
    conv.notes.retain(|n| seen.insert(n.clone()));
    conv
}

/// A SpinApp's `podAnnotations` are copied from the original pod template: the annotations that
/// moved with the serving port (`dapr.io/app-port`) get their new value there too.
fn apply_moved_annotations(value: &mut NewValue, moved: &[(String, String)]) {
    let NewValue::Map(top) = value else { return };
    let Some((_, NewValue::Map(spec))) = top.iter_mut().find(|(k, _)| k == "spec") else {
        return;
    };
    let Some((_, NewValue::Map(ann))) = spec.iter_mut().find(|(k, _)| k == "podAnnotations") else {
        return;
    };
    for (k, v) in moved {
        if let Some((_, old)) = ann.iter_mut().find(|(ek, _)| ek == k) {
            *old = NewValue::str(v);
        }
    }
}

/// The current text of a file `convert` would generate: from the scan, or from disk for kinds the
/// scan does not read (`spin.toml`). `Some(Err)` when it exists but cannot be compared.
fn existing_text(repo: &Repo, path: &str) -> Option<Result<String, String>> {
    if let Some(f) = repo.file_by_path(path) {
        return Some(Ok(f.text.to_string()));
    }
    let abs = repo.root.join(path);
    let meta = std::fs::symlink_metadata(&abs).ok()?;
    if !meta.is_file() {
        return Some(Err("exists and is not a regular file".into()));
    }
    // Read like every repository file: within the root, regular, bounded (analyzer::fsread).
    let read = analyzer::fsread::Root::new(&repo.root)
        .map_err(analyzer::fsread::ReadError::from)
        .and_then(|root| analyzer::fsread::read_in_root(&root, &abs, 1024 * 1024));
    Some(match read {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| "exists and is not UTF-8".to_string()),
        Err(
            analyzer::fsread::ReadError::TooLarge { .. } | analyzer::fsread::ReadError::Grew { .. },
        ) => Err("exists and is over 1 MiB".into()),
        Err(e) => Err(format!("exists and cannot be read ({e})")),
    })
}

fn new_file(path: &str, text: String, workload: &str) -> FileChange {
    FileChange {
        path: path.to_string(),
        original: None,
        text,
        edits: Vec::new(),
        workloads: vec![workload.to_string()],
    }
}

fn whole_file_edit(old: &str, new: &str) -> Vec<Edit> {
    vec![Edit {
        start: 0,
        end: old.len(),
        text: new.to_string(),
    }]
}

/// Apply every operation on one manifest file, then verify each object it touched. On failure,
/// name the workloads whose operations caused it.
fn apply_file(
    repo: &Repo,
    path: &str,
    ops: &[(&str, DocOp<'_>)],
) -> Result<FileChange, Vec<(String, String)>> {
    let all = |msg: String| {
        ops.iter()
            .map(|(id, _)| (id.to_string(), msg.clone()))
            .collect::<Vec<_>>()
    };
    let Some(file) = repo.file_by_path(path) else {
        return Err(all(format!("`{path}` is not part of the scan")));
    };
    let text: &str = &file.text;
    // The scan parsed this file already; a patch and the verification below share that parse.
    let scanned = repo.yaml.get(&file.id);
    let patch = match scanned {
        Some(stream) => Patch::with_stream(text, stream),
        None => Patch::new(text),
    };
    let mut patch = match patch {
        Ok(p) => p,
        Err(e) => return Err(all(format!("`{path}`: {e}"))),
    };
    let mut errors = Vec::new();
    for (id, op) in ops {
        let r = match op {
            DocOp::Edit(oe) => oe.changes.iter().try_for_each(|c| {
                let route = oe.prefix.join(&c.route);
                match &c.op {
                    Op::Set(v) => patch.set(oe.doc, &route, v.clone()),
                    Op::Append(v) => patch.append(oe.doc, &route, v.clone()),
                    Op::Remove => patch.remove(oe.doc, &route),
                }
            }),
            DocOp::ReplaceWithSpinApp { doc, value, .. } => {
                patch.replace_document(*doc, (*value).clone())
            }
        };
        if let Err(e) = r {
            errors.push((id.to_string(), format!("`{path}`: {e}")));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let (out, after) = match patch.finish_parsed() {
        Ok(o) => o,
        Err(e) => return Err(all(format!("`{path}`: {e}"))),
    };
    if let Err(e) = crate::yamledit::check_preserved(text, &out.text, &out.edits) {
        return Err(all(format!(
            "`{path}`: bytes outside the edits changed: {e}"
        )));
    }
    // Verify every touched object against the original and its plan, from the same parses
    // (`after` is the one `finish_parsed` checked the edited text with).
    let reparsed;
    let before = match scanned {
        Some(stream) => stream,
        None => {
            reparsed = yaml::parse(text);
            &reparsed
        }
    };
    let mut failures = Vec::new();
    for (id, op) in ops {
        if let Err(e) = verify_op(before, &after, op) {
            failures.push((id.to_string(), format!("`{path}`: {e}")));
        }
    }
    if !failures.is_empty() {
        return Err(failures);
    }
    let mut workloads: Vec<String> = ops.iter().map(|(id, _)| id.to_string()).collect();
    workloads.dedup();
    Ok(FileChange {
        path: path.to_string(),
        original: Some(text.to_string()),
        text: out.text,
        edits: out.edits,
        workloads,
    })
}

fn verify_op(
    before: &yaml::YamlStream,
    after: &yaml::YamlStream,
    op: &DocOp<'_>,
) -> Result<(), String> {
    let node_json = |s: &yaml::YamlStream,
                     doc: usize,
                     prefix: &crate::yamledit::Route|
     -> Result<serde_json::Value, String> {
        let d = s.docs.get(doc).ok_or("the document is gone")?;
        let root = d.root().ok_or("the document is empty")?;
        let n = plan::lookup(root, prefix).ok_or("the object is gone")?;
        crate::json::from_yaml(d, n.id)
    };
    match op {
        DocOp::Edit(oe) => {
            let a = node_json(before, oe.doc, &oe.prefix)?;
            let b = node_json(after, oe.doc, &oe.prefix)?;
            verify::check(&oe.kind, &a, &b, &oe.changes)
                .map_err(|e| format!("{} {}: {e}", oe.kind, oe.name))
        }
        DocOp::ReplaceWithSpinApp { doc, value, kind } => {
            let b = node_json(after, *doc, &crate::yamledit::Route::root())?;
            if b != crate::json::from_new(value) {
                return Err(format!(
                    "the SpinApp replacing the {kind} does not read back as written"
                ));
            }
            match verify::typed_roundtrip("SpinApp", &b) {
                Some(Ok(_)) | None => Ok(()),
                Some(Err(e)) => Err(format!("the SpinApp does not match its schema: {e}")),
            }
        }
    }
}
