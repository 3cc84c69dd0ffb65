//! The static chart reader (the default): every chart's templates are evaluated with its values
//! by [`super::template`], which runs nothing from the repository, and the output is parsed as
//! YAML whose spans point back into the templates. The objects join `repo.objects` like any
//! manifest's, so every rule judges them; what could not be decided without a cluster or a
//! function the interpreter does not model is a note at the template line, and lowers the
//! confidence of the workloads in that template (`rules::coverage`).

use std::collections::BTreeMap;

use super::HelmOptions;
use super::chart::{self, Chart};
use super::template::{Rendered, Templates, Val};
use super::values;
use crate::discover::FileKind;
use crate::k8s;
use crate::repo::{Note, Repo};
use crate::source::FileId;
use crate::span::Span;

/// What the reader did, for the rules and the converter.
#[derive(Debug, Default)]
pub struct HelmIndex {
    pub charts: Vec<Chart>,
    /// Templates rendered statically, with the release and what was not resolved.
    pub rendered: BTreeMap<FileId, Rendering>,
    /// Template spans whose text came from a values file: (template file) -> sorted
    /// (template span, values file, values span).
    pub origins: BTreeMap<FileId, Vec<(Span, FileId, Span)>>,
    /// Undecided values already reported (file, offset, reason): one note each.
    pub noted: std::collections::BTreeSet<(FileId, usize, String)>,
}

/// One template's static rendering.
#[derive(Clone, Debug)]
pub struct Rendering {
    /// Index into [`HelmIndex::charts`] of the chart the template belongs to.
    pub chart: usize,
    pub release: String,
    /// What the interpreter could not decide, at the template span.
    pub unresolved: Vec<(Span, String)>,
}

impl HelmIndex {
    /// Values-file locations whose values produced text inside `span` of template `file`.
    pub fn origins_in(
        &self,
        file: FileId,
        span: Span,
    ) -> impl Iterator<Item = (FileId, Span)> + '_ {
        self.origins
            .get(&file)
            .into_iter()
            .flatten()
            .filter(move |(s, _, _)| s.start >= span.start && s.end <= span.end)
            .map(|(_, f, s)| (*f, *s))
    }

    /// True when `file` is a chart template the reader rendered: its objects cannot be edited
    /// in place (`convert` writes values instead).
    pub fn is_template(&self, file: FileId) -> bool {
        self.rendered.contains_key(&file)
    }
}

/// Read every chart of the scan statically.
pub fn read(repo: &mut Repo, opts: &HelmOptions) {
    let charts = chart::collect(repo);
    let user = user_values(repo, opts);
    let roots: Vec<usize> = (0..charts.len())
        .filter(|&c| charts[c].parent.is_none())
        .collect();
    // Templates `--manifests` already brought in, rendered by the user: their charts are not
    // read a second time.
    let given: std::collections::BTreeSet<FileId> = repo.rendered_from.values().copied().collect();
    for root in roots {
        if tree_templates(&charts, root).any(|t| given.contains(&t)) {
            let path = repo.file(charts[root].chart_file).path.clone();
            note(
                repo,
                &path,
                None,
                format!(
                    "Helm chart `{}` is read from the `--manifests` input, not statically",
                    charts[root].name
                ),
            );
            continue;
        }
        render_tree(repo, &charts, root, &user, opts);
    }
    repo.helm.charts = charts;
}

/// Every template of a chart and its subcharts.
fn tree_templates(charts: &[Chart], root: usize) -> impl Iterator<Item = FileId> + '_ {
    let mut stack = vec![root];
    let mut all = Vec::new();
    while let Some(c) = stack.pop() {
        all.extend(charts[c].templates.iter().copied());
        stack.extend(charts[c].children.iter().copied());
    }
    all.into_iter()
}

/// `--helm-values` files, read bounded from wherever they are and kept as virtual files so
/// findings can point at them.
fn user_values(repo: &mut Repo, opts: &HelmOptions) -> Vec<Val> {
    let mut out = Vec::new();
    for path in &opts.values_files {
        let shown = path.display().to_string();
        let text = match crate::fsread::read_user_file(path, 4 * 1024 * 1024) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(_) => {
                    note(
                        repo,
                        &shown,
                        None,
                        "--helm-values file is not UTF-8: not applied".into(),
                    );
                    continue;
                }
            },
            Err(e) => {
                note(
                    repo,
                    &shown,
                    None,
                    format!("--helm-values file not read ({e}): not applied"),
                );
                continue;
            }
        };
        let stream = crate::yaml::parse(&text);
        let id = repo.add_virtual_file(shown.clone(), text, FileKind::HelmValues);
        if stream.error.is_some() {
            note(
                repo,
                &shown,
                None,
                "--helm-values file is not valid YAML: not applied".into(),
            );
        }
        repo.yaml.insert(id, stream);
        match values::from_file(repo, id) {
            Some(v) => out.push(v),
            None => note(
                repo,
                &shown,
                None,
                "--helm-values file is not a map: not applied".into(),
            ),
        }
    }
    out
}

/// One chart of the tree to render: its values and its name as Helm names its templates.
struct Member {
    chart: usize,
    values: Val,
    prefix: String,
}

fn render_tree(repo: &mut Repo, charts: &[Chart], root: usize, user: &[Val], opts: &HelmOptions) {
    let release = opts
        .release
        .clone()
        .unwrap_or_else(|| super::render::release_from_chart_name(&charts[root].name));
    let mut vals = values::defaults(repo, &charts[root]);
    for u in user {
        values::merge(&mut vals, u.clone());
    }
    // Helm always gives templates a `global` map, so `.Values.global.x` is empty, not an error.
    if values::get(&vals, &["global"]).is_none() {
        values::merge(&mut vals, Val::map([("global", values::empty_map())]));
    }
    let mut members = Vec::new();
    enabled_members(
        repo,
        charts,
        root,
        vals,
        charts[root].name.clone(),
        &mut members,
    );

    // One template set for the whole tree: `define`s are global across parent and subcharts.
    let mut set = Templates::new(Default::default());
    for m in &members {
        let chart = &charts[m.chart];
        for &t in &chart.templates {
            let name = template_name(repo, chart, &m.prefix, t);
            let text = repo.file(t).text.clone();
            if let Err(e) = set.add(t, &name, &text) {
                let path = repo.file(e.file).path.clone();
                note(
                    repo,
                    &path,
                    Some((e.file, e.span)),
                    format!(
                        "Helm template does not parse ({}): its objects are missing",
                        e.message
                    ),
                );
            }
        }
    }
    for m in &members {
        let chart = &charts[m.chart];
        if chart.library {
            continue;
        }
        for &t in &chart.templates {
            let path = repo.file(t).path.clone();
            let file_name = path.rsplit('/').next().unwrap_or_default();
            if file_name.starts_with('_') || file_name == "NOTES.txt" {
                continue;
            }
            let name = template_name(repo, chart, &m.prefix, t);
            let dot = dot(repo, chart, &m.values, &release, &name, &m.prefix);
            let rendered = set.render(t, &dot);
            take_rendering(repo, t, m.chart, &release, rendered);
        }
    }
}

/// The charts of a tree that the values enable, depth first, each with its values.
fn enabled_members(
    repo: &mut Repo,
    charts: &[Chart],
    c: usize,
    vals: Val,
    prefix: String,
    out: &mut Vec<Member>,
) {
    let chart = &charts[c];
    for dep in &chart.dependencies {
        let vendored = chart.children.iter().any(|&k| charts[k].name == dep.name);
        if !vendored && values::enabled(dep, &vals) {
            let path = repo.file(chart.chart_file).path.clone();
            note(
                repo,
                &path,
                None,
                format!(
                    "Helm dependency `{}` of chart `{}` is not vendored under `charts/`: its workloads are missing (run `helm dependency build` and scan again)",
                    dep.name, chart.name
                ),
            );
        }
    }
    for &k in &chart.children {
        let child = &charts[k];
        let deps: Vec<_> = chart
            .dependencies
            .iter()
            .filter(|d| d.name == child.name)
            .collect();
        // A vendored chart not listed is still installed; a listed one may be aliased
        // (installed once per alias) and switched off by its condition or tags.
        let keys: Vec<String> = if deps.is_empty() {
            vec![child.name.clone()]
        } else {
            deps.iter()
                .filter(|d| values::enabled(d, &vals))
                .map(|d| d.key().to_string())
                .collect()
        };
        for key in keys {
            let child_vals = values::for_subchart(values::defaults(repo, child), &vals, &key);
            enabled_members(
                repo,
                charts,
                k,
                child_vals,
                format!("{prefix}/charts/{}", child.name),
                out,
            );
            // The same files rendered twice would overwrite each other's spans: one alias.
            break;
        }
    }
    out.push(Member {
        chart: c,
        values: vals,
        prefix,
    });
}

/// Helm's name for a template: `<chart path>/templates/x.yaml`.
fn template_name(repo: &Repo, chart: &Chart, prefix: &str, t: FileId) -> String {
    let path = &repo.file(t).path;
    let rel = if chart.dir.is_empty() {
        path.as_str()
    } else {
        path.strip_prefix(&format!("{}/", chart.dir))
            .unwrap_or(path)
    };
    format!("{prefix}/{rel}")
}

fn map(entries: Vec<(&str, Val)>) -> Val {
    Val::map(entries)
}

fn s(text: &str) -> Val {
    Val::str(text)
}

fn b(v: bool) -> Val {
    Val::bool(v)
}

/// The template's `.`: Values, Chart, Release, Capabilities, Template, Files.
fn dot(repo: &Repo, chart: &Chart, values: &Val, release: &str, name: &str, prefix: &str) -> Val {
    let mut meta = vec![
        ("Name", s(&chart.name)),
        ("Version", s(&chart.version)),
        ("APIVersion", s(&chart.api_version)),
        ("IsRoot", b(chart.parent.is_none())),
    ];
    if let Some(a) = &chart.app_version {
        meta.push(("AppVersion", s(a)));
    }
    if let Some(root) = repo
        .yaml
        .get(&chart.chart_file)
        .and_then(|st| st.docs.first())
        .and_then(|d| d.root())
    {
        for (key, field) in [
            ("description", "Description"),
            ("type", "Type"),
            ("home", "Home"),
            ("kubeVersion", "KubeVersion"),
        ] {
            if let Some(v) = root.get(key).and_then(|v| v.as_str()) {
                meta.push((field, s(v)));
            }
        }
    }
    let files: BTreeMap<String, Val> = chart
        .files
        .iter()
        .map(|(rel, id)| (rel.clone(), s(&repo.file(*id).text)))
        .collect();
    map(vec![
        ("Values", values.clone()),
        ("Chart", map(meta)),
        (
            "Release",
            map(vec![
                ("Name", s(release)),
                ("Namespace", s("default")),
                ("Service", s("Helm")),
                ("IsInstall", b(true)),
                ("IsUpgrade", b(false)),
                ("Revision", Val::int(1)),
            ]),
        ),
        (
            "Capabilities",
            map(vec![
                (
                    "KubeVersion",
                    map(vec![
                        ("Version", s(KUBE_VERSION)),
                        ("GitVersion", s(KUBE_VERSION)),
                        ("Major", s("1")),
                        ("Minor", s("31")),
                    ]),
                ),
                ("HelmVersion", map(vec![("Version", s("v3.16.0"))])),
            ]),
        ),
        (
            "Template",
            map(vec![
                ("Name", s(name)),
                ("BasePath", s(&format!("{prefix}/templates"))),
            ]),
        ),
        ("Files", Val::map(files)),
    ])
}

/// The Kubernetes version templates see, as `helm template` without a cluster would report its
/// built-in default (a recent minor, so `semverCompare ">=1.x"` gates take the current API).
const KUBE_VERSION: &str = "v1.31.0";

fn note(repo: &mut Repo, path: &str, location: Option<(FileId, Span)>, message: String) {
    repo.notes.push(Note {
        path: path.to_string(),
        location,
        message,
    });
}

/// Parse a template's output, point its spans back at the template, and add its objects.
fn take_rendering(repo: &mut Repo, t: FileId, chart: usize, release: &str, r: Rendered) {
    let path = repo.file(t).path.clone();
    // Each undecided value once, where it is written (a helper in `_helpers.tpl` is reported
    // there, not at every template that includes it); the template keeps the first reason for
    // its workloads' confidence.
    let mut unresolved: Vec<(Span, String)> = Vec::new();
    for u in &r.unresolved {
        let span = if u.file == t { u.span } else { Span::new(0, 0) };
        if !unresolved.iter().any(|(_, m)| *m == u.reason) {
            unresolved.push((span, u.reason.clone()));
        }
        if repo
            .helm
            .noted
            .insert((u.file, u.span.start, u.reason.clone()))
        {
            let at = repo.file(u.file).path.clone();
            note(
                repo,
                &at,
                Some((u.file, u.span)),
                format!(
                    "Helm value not resolved statically: {}; findings that depend on it may be missing (`--helm-values` or `--helm-render` settles it)",
                    u.reason
                ),
            );
        }
    }
    if let Some(e) = &r.error {
        let span = if e.file == t { e.span } else { Span::new(0, 0) };
        note(
            repo,
            &path,
            Some((t, span)),
            format!(
                "Helm template stopped while rendered statically ({}): objects after it are missing",
                e.message
            ),
        );
    }
    repo.helm.rendered.insert(
        t,
        super::reader::Rendering {
            chart,
            release: release.to_string(),
            unresolved,
        },
    );
    if r.text.trim().is_empty() {
        return;
    }
    let mut stream = crate::yaml::parse(&r.text);
    let template_len = repo.file(t).text.len();
    let mapper = SpanMap::new(&r, t, template_len);
    if let Some(e) = &stream.error {
        let at = mapper.map(Span::new(e.offset, e.offset));
        note(
            repo,
            &path,
            Some((t, at)),
            format!(
                "Helm template's static rendering is not valid YAML ({}): objects from the broken document on are missing",
                e.message
            ),
        );
    }
    // Values that produced text, keyed by their template span, for related locations.
    let mut origins: Vec<(Span, FileId, Span)> = r
        .segments
        .iter()
        .filter_map(|seg| {
            let (of, os) = seg.origin?;
            (seg.file == t).then_some((seg.span, of, os))
        })
        .collect();
    origins.sort_by_key(|(s, _, _)| (s.start, s.end));
    origins.dedup();
    for doc in &mut stream.docs {
        doc.map_spans(|s| mapper.map(s));
    }
    let objects: Vec<_> = k8s::objects(t, &stream)
        .into_iter()
        .filter(|o| !is_test_hook(&stream, o))
        .collect();
    repo.objects.extend(objects);
    repo.yaml.insert(t, stream);
    if !origins.is_empty() {
        repo.helm.origins.insert(t, origins);
    }
}

/// `helm.sh/hook: test` objects run only on `helm test`: not workloads of the release.
fn is_test_hook(stream: &crate::yaml::YamlStream, o: &k8s::K8sObject) -> bool {
    let Some(doc) = stream.docs.get(o.doc) else {
        return false;
    };
    o.root(doc)
        .path(&["metadata", "annotations", "helm.sh/hook"])
        .and_then(|h| h.as_str())
        .is_some_and(|h| h.split(',').any(|x| x.trim().starts_with("test")))
}

/// The template span of the action that produced output position `pos` when that output came
/// from another file (an `include` of a helper): the gap between the template's own segments
/// around it.
fn call_site(r: &Rendered, t: FileId, pos: usize) -> Option<Span> {
    let before = r
        .segments
        .iter()
        .filter(|s| s.file == t && s.out.start <= pos)
        .map(|s| s.span.end)
        .max();
    let after = r
        .segments
        .iter()
        .filter(|s| s.file == t && s.out.start >= pos)
        .map(|s| s.span.start)
        .min();
    match (before, after) {
        (Some(a), Some(b)) if a <= b => Some(Span::new(a, b)),
        (Some(a), _) => Some(Span::new(a, a)),
        (None, Some(b)) => Some(Span::new(b, b)),
        _ => None,
    }
}

/// Output offsets -> template offsets, through the rendering's segments.
struct SpanMap<'r> {
    r: &'r Rendered,
    t: FileId,
    len: usize,
}

impl<'r> SpanMap<'r> {
    fn new(r: &'r Rendered, t: FileId, len: usize) -> Self {
        SpanMap { r, t, len }
    }

    /// The segment holding output byte `pos` (the last one starting at or before it).
    fn segment(&self, pos: usize) -> Option<&super::template::Segment> {
        let segs = &self.r.segments;
        let i = segs.partition_point(|s| s.out.start <= pos);
        segs[..i]
            .iter()
            .rev()
            .find(|s| s.out.start <= pos && pos < s.out.end.max(s.out.start + 1))
            .or_else(|| i.checked_sub(1).map(|j| &segs[j]))
    }

    fn point(&self, pos: usize, end: bool) -> usize {
        let Some(seg) = self.segment(pos) else {
            return 0;
        };
        if seg.file != self.t {
            let site = call_site(self.r, self.t, pos).unwrap_or_default();
            return if end { site.end } else { site.start };
        }
        if seg.literal {
            (seg.span.start + pos.saturating_sub(seg.out.start)).min(seg.span.end)
        } else if end {
            seg.span.end
        } else {
            seg.span.start
        }
    }

    fn map(&self, s: Span) -> Span {
        let start = self.point(s.start, false).min(self.len);
        let end = if s.end > s.start {
            let e = self.point(s.end - 1, true);
            // `end - 1` mapped inside a literal is one byte short of the end.
            let e = match self.segment(s.end - 1) {
                Some(seg) if seg.literal && seg.file == self.t => e + 1,
                _ => e,
            };
            e.min(self.len)
        } else {
            start
        };
        Span::new(start, end.max(start))
    }
}
