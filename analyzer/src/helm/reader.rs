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
    /// The chart the release installs (the top of the tree it was rendered in).
    pub root: usize,
    /// The values keys that lead from the release's values to the chart's (`["cache"]` for a
    /// subchart installed as `cache`; empty for the root).
    pub keys: Vec<String>,
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

/// One chart of the tree to render: its values, its name as Helm names its templates, the
/// values keys that lead to it from the release's values, and its templates' files (virtual
/// copies when the same chart is rendered again: through an alias, or as a `file://`
/// dependency of an umbrella chart and on its own).
struct Member {
    chart: usize,
    values: Val,
    prefix: String,
    keys: Vec<String>,
    templates: Vec<FileId>,
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
    let top = Member {
        chart: root,
        values: vals,
        prefix: charts[root].name.clone(),
        keys: Vec::new(),
        templates: Vec::new(),
    };
    let mut budget = MAX_MEMBERS;
    enabled_members(
        repo,
        charts,
        top,
        &mut vec![root],
        &mut budget,
        &mut members,
    );
    // A template already rendered (by another release, or earlier in this one) is rendered
    // again from a virtual copy: same path and text, its own spans and objects.
    let mut used: std::collections::BTreeSet<FileId> = repo.helm.rendered.keys().copied().collect();
    for m in &mut members {
        for &t in &charts[m.chart].templates {
            let id = if used.insert(t) {
                t
            } else {
                let f = repo.file(t);
                let (path, text) = (f.path.clone(), f.text.to_string());
                repo.add_virtual_file(path, text, FileKind::HelmTemplate)
            };
            m.templates.push(id);
        }
    }

    // One template set for the whole tree: `define`s are global across parent and subcharts.
    let mut set = Templates::new(Default::default());
    for m in &members {
        let chart = &charts[m.chart];
        for &t in &m.templates {
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
    // `.Files` is handed to the interpreter beside `.`, not inside it: every `include` copies
    // `.`, and a chart's files can be large.
    let files: BTreeMap<usize, Val> = members
        .iter()
        .map(|m| (m.chart, chart_files(repo, &charts[m.chart])))
        .collect();
    for m in &members {
        let chart = &charts[m.chart];
        if chart.library {
            continue;
        }
        for &t in &m.templates {
            let path = repo.file(t).path.clone();
            let file_name = path.rsplit('/').next().unwrap_or_default();
            if file_name.starts_with('_') || file_name == "NOTES.txt" {
                continue;
            }
            let name = template_name(repo, chart, &m.prefix, t);
            let dot = dot(repo, chart, &m.values, &release, &name, &m.prefix);
            let rendered = set.render_with_files(t, &dot, &files[&m.chart]);
            let at = Rendering {
                chart: m.chart,
                root,
                keys: m.keys.clone(),
                release: release.clone(),
                unresolved: Vec::new(),
            };
            take_rendering(repo, t, at, rendered);
        }
    }
}

/// Subcharts deeper than this are not followed.
const MAX_CHART_DEPTH: usize = 16;
/// Most charts one release renders (a parent and its subcharts, aliases counted each time).
const MAX_MEMBERS: usize = 256;

/// The charts of a tree that the values enable, depth first, each with its values: vendored
/// subcharts (`charts/<name>/`, `charts/*.tgz`) and `file://` dependencies found in the scan.
fn enabled_members(
    repo: &mut Repo,
    charts: &[Chart],
    m: Member,
    ancestry: &mut Vec<usize>,
    budget: &mut usize,
    out: &mut Vec<Member>,
) {
    let chart = &charts[m.chart];
    let mut children: Vec<(usize, String)> = Vec::new();
    for dep in &chart.dependencies {
        if !values::enabled(dep, &m.values) {
            continue;
        }
        let vendored = chart
            .children
            .iter()
            .copied()
            .find(|&k| charts[k].name == dep.name);
        let local = || {
            let rel = dep.repository.as_deref()?.strip_prefix("file://")?;
            let dir = crate::build_config::join(&chart.dir, rel.trim_end_matches('/'))?;
            charts
                .iter()
                .position(|c| c.dir == dir && c.name == dep.name)
        };
        match vendored.or_else(local) {
            Some(k) => children.push((k, dep.key().to_string())),
            None => {
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
    }
    // A vendored chart that no dependency names is installed too.
    for &k in &chart.children {
        if !chart.dependencies.iter().any(|d| d.name == charts[k].name) {
            children.push((k, charts[k].name.clone()));
        }
    }
    for (k, key) in children {
        // A stranger's chart may depend on itself (`file://.`) or fan out under aliases: a
        // chart already on the path is a cycle, and a release renders at most MAX_MEMBERS
        // charts and MAX_CHART_DEPTH levels.
        if ancestry.contains(&k) || ancestry.len() >= MAX_CHART_DEPTH || *budget == 0 {
            let path = repo.file(chart.chart_file).path.clone();
            note(
                repo,
                &path,
                None,
                format!(
                    "Helm dependency `{}` of chart `{}` is not rendered: a dependency cycle, or more than {MAX_MEMBERS} charts or {MAX_CHART_DEPTH} levels in one release",
                    charts[k].name, chart.name
                ),
            );
            continue;
        }
        *budget -= 1;
        let child = &charts[k];
        let child_vals = values::for_subchart(values::defaults(repo, child), &m.values, &key);
        let mut keys = m.keys.clone();
        keys.push(key);
        let sub = Member {
            chart: k,
            values: child_vals,
            prefix: format!("{}/charts/{}", m.prefix, child.name),
            keys,
            templates: Vec::new(),
        };
        ancestry.push(k);
        enabled_members(repo, charts, sub, ancestry, budget, out);
        ancestry.pop();
    }
    out.push(m);
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

/// The template's `.`: Values, Chart, Release, Capabilities, Template (`.Files` goes beside it).
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
    ])
}

/// A chart's non-template files, by chart-relative path, for `.Files`.
fn chart_files(repo: &Repo, chart: &Chart) -> Val {
    Val::map(
        chart
            .files
            .iter()
            .map(|(rel, id)| (rel.clone(), s(&repo.file(*id).text))),
    )
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
fn take_rendering(repo: &mut Repo, t: FileId, mut at: Rendering, r: Rendered) {
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
    at.unresolved = unresolved;
    repo.helm.rendered.insert(t, at);
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
    // `helm template` prints `helm test` hooks too, and they run in the cluster on `helm
    // test`: they are workloads of the release like any other.
    repo.objects.extend(k8s::objects(t, &stream));
    repo.yaml.insert(t, stream);
    if !origins.is_empty() {
        repo.helm.origins.insert(t, origins);
    }
}

/// Output offsets -> template offsets, through the rendering's segments.
struct SpanMap<'r> {
    r: &'r Rendered,
    t: FileId,
    len: usize,
    /// The template's own segments, in output order: (output start, template span).
    own: Vec<(usize, Span)>,
}

impl<'r> SpanMap<'r> {
    fn new(r: &'r Rendered, t: FileId, len: usize) -> Self {
        let own = r
            .segments
            .iter()
            .filter(|s| s.file == t)
            .map(|s| (s.out.start, s.span))
            .collect();
        SpanMap { r, t, len, own }
    }

    /// The segment holding output byte `pos`: segments are sorted and cover every output
    /// byte, so it is the last one starting at or before `pos`.
    fn segment(&self, pos: usize) -> Option<&super::template::Segment> {
        let segs = &self.r.segments;
        let i = segs.partition_point(|s| s.out.start <= pos);
        i.checked_sub(1).map(|j| &segs[j])
    }

    /// The template span of the action that produced output `pos` when that output came from
    /// another file (an `include` of a helper): between the template's own segments around it.
    /// Two binary searches, so mapping every node of a large output stays linear-logarithmic.
    fn call_site(&self, pos: usize) -> Span {
        let k = self.own.partition_point(|(o, _)| *o <= pos);
        let before = k.checked_sub(1).map(|j| self.own[j].1.end);
        let after = self.own.get(k).map(|(_, sp)| sp.start);
        match (before, after) {
            (Some(a), Some(b)) if a <= b => Span::new(a, b),
            (Some(a), _) => Span::new(a, a),
            (None, Some(b)) => Span::new(b, b),
            _ => Span::default(),
        }
    }

    fn point(&self, pos: usize, end: bool) -> usize {
        let Some(seg) = self.segment(pos) else {
            return 0;
        };
        if seg.file != self.t {
            let site = self.call_site(pos);
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
