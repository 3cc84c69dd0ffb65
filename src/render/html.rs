//! `--format html`: the migration report, one self-contained file.
//!
//! The page is rendered with handlebars from templates kept in `templates/` (compiled into the
//! binary, so the report never depends on files at run time). Everything it shows is inline: the
//! CSS, and the charts as SVG computed here. No script, no fonts, no network, and a print layout.
//! This module builds the view model (what to show, already counted and ordered); the templates
//! decide how it looks. Text from the scanned repository reaches the page only through
//! handlebars' HTML escaping or [`inline_html`], which escapes before it adds `<code>`.
//!
//! Source snippets come from each finding's `snippet` (kept in the JSON report), so a report
//! re-rendered with `wasm-migrate report` looks the same as one rendered straight from the scan.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;

use anyhow::Context;
use handlebars::Handlebars;
use rules::Severity;
use rules::report::{Finding, Report, Verdict, WorkloadReport};
use serde::Serialize;

use crate::baseline::Comparison;

const PAGE: &str = include_str!("../../templates/report.hbs");
const WORKLOAD: &str = include_str!("../../templates/workload.hbs");
const FINDING: &str = include_str!("../../templates/finding.hbs");
const CSS: &str = include_str!("../../templates/report.css");

#[derive(Default)]
pub struct Options<'a> {
    pub baseline: Option<&'a Comparison>,
    /// Unified diffs of the migration, by workload id (filled by `convert`).
    pub diffs: Option<&'a BTreeMap<String, String>>,
}

/// One repository's report as an HTML page.
pub fn render(report: &Report, opts: &Options<'_>) -> anyhow::Result<String> {
    let title = "WebAssembly migration report".to_string();
    let subtitle = format!("{} workload(s) in {}", report.workloads.len(), report.root);
    let page = build(&[(None, report)], opts, title, subtitle);
    fill(&page)
}

/// Several repositories' reports as one portfolio page, per repository and overall.
pub fn render_portfolio(reports: &[(String, Report)]) -> anyhow::Result<String> {
    let parts: Vec<(Option<&str>, &Report)> = reports
        .iter()
        .map(|(name, r)| (Some(name.as_str()), r))
        .collect();
    let total: usize = reports.iter().map(|(_, r)| r.workloads.len()).sum();
    let page = build(
        &parts,
        &Options::default(),
        "WebAssembly migration portfolio".to_string(),
        format!("{total} workload(s) in {} repositories", reports.len()),
    );
    fill(&page)
}

fn fill(page: &Page) -> anyhow::Result<String> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(false);
    hb.register_template_string("page", PAGE)
        .context("templates/report.hbs")?;
    hb.register_partial("workload", WORKLOAD)
        .context("templates/workload.hbs")?;
    hb.register_partial("finding", FINDING)
        .context("templates/finding.hbs")?;
    hb.render("page", page).context("rendering the HTML report")
}

#[derive(Serialize)]
struct Page {
    title: String,
    subtitle: String,
    tool: String,
    version: String,
    css: &'static str,
    totals: Totals,
    baseline: Option<BaselineTotals>,
    distribution_svg: String,
    verdict_svg: String,
    top_blockers: Vec<TopRule>,
    repositories: Vec<RepoRow>,
    workloads: Vec<WorkloadView>,
    problems: bool,
    errors: Vec<ProblemView>,
    notes: Vec<ProblemView>,
}

#[derive(Serialize, Default)]
struct Totals {
    workloads: usize,
    ready: usize,
    portable: usize,
    blocked: usize,
    unknown: usize,
    findings: usize,
}

#[derive(Serialize)]
struct BaselineTotals {
    new: usize,
    fixed: usize,
}

#[derive(Serialize)]
struct TopRule {
    code: String,
    name: String,
    summary_html: String,
    workloads: usize,
    findings: usize,
}

#[derive(Serialize)]
struct RepoRow {
    name: String,
    anchor: String,
    workloads: usize,
    ready: usize,
    portable: usize,
    blocked: usize,
    unknown: usize,
    mean_score: String,
}

#[derive(Serialize)]
struct WorkloadView {
    anchor: String,
    repository: Option<String>,
    id: String,
    kind: String,
    /// `-` for `unknown` (no score).
    score: String,
    #[serde(skip)]
    sort_score: Option<u32>,
    #[serde(skip)]
    rank: u8,
    verdict: &'static str,
    delta: Option<String>,
    coverage: Vec<&'static str>,
    confidence: Option<&'static str>,
    confidence_reason: Option<String>,
    settle: Option<String>,
    gauge_svg: String,
    runtime: Option<String>,
    language: Option<String>,
    sources: Vec<String>,
    links: Vec<rules::report::LinkEntry>,
    counts: Counts,
    findings: Vec<FindingView>,
    suppressed: Vec<FindingView>,
    fixed: Vec<FindingView>,
    chains: Vec<String>,
    plan: PlanView,
}

#[derive(Serialize, Default)]
struct Counts {
    blocker: usize,
    warning: usize,
    note: usize,
}

#[derive(Serialize)]
struct FindingView {
    rule: String,
    rule_name: String,
    severity: &'static str,
    penalty: u32,
    location: String,
    line: usize,
    message_html: String,
    help_html: String,
    snippet: Option<String>,
    chain: Option<String>,
    related: Vec<RelatedView>,
    new: bool,
    fixed: bool,
    suppressed: Option<SuppressedView>,
}

#[derive(Serialize)]
struct RelatedView {
    location: String,
    message_html: String,
}

#[derive(Serialize)]
struct SuppressedView {
    at: String,
    reason: String,
}

#[derive(Serialize)]
struct PlanView {
    diff: Option<String>,
    text_html: String,
}

#[derive(Serialize)]
struct ProblemView {
    rule: String,
    location: String,
    message: String,
}

fn build(
    parts: &[(Option<&str>, &Report)],
    opts: &Options<'_>,
    title: String,
    subtitle: String,
) -> Page {
    let mut anchors = Anchors::default();
    let mut workloads = Vec::new();
    let mut repositories = Vec::new();
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let mut totals = Totals::default();
    let mut top: BTreeMap<String, (HashSet<String>, usize)> = BTreeMap::new();

    for (repo, report) in parts {
        let count = |v: Verdict| report.workloads.iter().filter(|w| w.verdict == v).count();
        totals.workloads += report.workloads.len();
        totals.ready += count(Verdict::Ready);
        totals.portable += count(Verdict::Portable);
        totals.blocked += count(Verdict::Blocked);
        totals.unknown += count(Verdict::Unknown);
        let mut first_anchor = None;
        for w in &report.workloads {
            let view = workload_view(*repo, w, opts, &mut anchors);
            first_anchor.get_or_insert_with(|| view.anchor.clone());
            totals.findings += view.findings.len();
            for f in w
                .findings
                .iter()
                .filter(|f| f.suppressed.is_none() && f.severity == Severity::Blocker)
            {
                let e = top.entry(f.rule.clone()).or_default();
                e.0.insert(format!("{}\u{0}{}", repo.unwrap_or(""), w.id));
                e.1 += 1;
            }
            workloads.push(view);
        }
        if let Some(name) = repo {
            let n = report.workloads.len();
            // The mean is over scored workloads: `unknown` has no score.
            let scored: Vec<u64> = report
                .workloads
                .iter()
                .filter_map(|w| w.score.map(u64::from))
                .collect();
            repositories.push(RepoRow {
                name: name.to_string(),
                anchor: first_anchor.unwrap_or_default(),
                workloads: n,
                ready: count(Verdict::Ready),
                portable: count(Verdict::Portable),
                blocked: count(Verdict::Blocked),
                unknown: count(Verdict::Unknown),
                mean_score: if scored.is_empty() {
                    "-".into()
                } else {
                    format!(
                        "{:.0}",
                        scored.iter().sum::<u64>() as f64 / scored.len() as f64
                    )
                },
            });
        }
        let prefix = |file: &str| match repo {
            Some(r) => format!("{r}: {file}"),
            None => file.to_string(),
        };
        for e in &report.errors {
            errors.push(ProblemView {
                rule: e.rule.clone(),
                location: prefix(&match e.line {
                    Some(l) => format!("{}:{l}", e.file),
                    None => e.file.clone(),
                }),
                message: e.message.clone(),
            });
        }
        for n in &report.notes {
            notes.push(ProblemView {
                rule: String::new(),
                location: prefix(&match n.line {
                    Some(l) => format!("{}:{l}", n.file),
                    None => n.file.clone(),
                }),
                message: n.message.clone(),
            });
        }
    }

    // Worst first: the reader of a migration report starts with what stands in the way.
    workloads.sort_by(|a, b| {
        (a.rank, a.sort_score, &a.repository, &a.id).cmp(&(
            b.rank,
            b.sort_score,
            &b.repository,
            &b.id,
        ))
    });
    let scores: Vec<u32> = workloads.iter().filter_map(|w| w.sort_score).collect();

    let mut top_blockers: Vec<TopRule> = top
        .into_iter()
        .map(|(code, (ws, findings))| {
            let meta = rules::find_rule(&code).map(|r| r.meta());
            TopRule {
                name: meta.map(|m| m.name.to_string()).unwrap_or_default(),
                summary_html: meta.map(|m| inline_html(m.summary)).unwrap_or_default(),
                code,
                workloads: ws.len(),
                findings,
            }
        })
        .collect();
    top_blockers.sort_by(|a, b| {
        (b.workloads, b.findings, &a.code).cmp(&(a.workloads, a.findings, &b.code))
    });
    top_blockers.truncate(10);

    let baseline = opts.baseline.map(|c| BaselineTotals {
        new: c.new_count(),
        fixed: c.fixed_count(),
    });
    let verdict_svg = verdict_chart(
        totals.ready,
        totals.portable,
        totals.blocked,
        totals.unknown,
    );
    Page {
        title,
        subtitle,
        tool: parts
            .first()
            .map_or("wasm-migrate".into(), |(_, r)| r.tool.name.clone()),
        version: parts
            .first()
            .map_or(String::new(), |(_, r)| r.tool.version.clone()),
        css: CSS,
        totals,
        baseline,
        distribution_svg: distribution_chart(&scores),
        verdict_svg,
        top_blockers,
        repositories,
        workloads,
        problems: !errors.is_empty() || !notes.is_empty(),
        errors,
        notes,
    }
}

fn workload_view(
    repo: Option<&str>,
    w: &WorkloadReport,
    opts: &Options<'_>,
    anchors: &mut Anchors,
) -> WorkloadView {
    let delta = opts.baseline.and_then(|c| c.delta(&w.id));
    let mut findings = Vec::new();
    let mut suppressed = Vec::new();
    let mut counts = Counts::default();
    let mut chains: Vec<String> = Vec::new();
    for (i, f) in w.findings.iter().enumerate() {
        let new = delta.is_some_and(|d| d.new.contains(&i));
        let view = finding_view(f, new, false);
        if f.suppressed.is_some() {
            suppressed.push(view);
            continue;
        }
        match f.severity {
            Severity::Blocker => counts.blocker += 1,
            Severity::Warning => counts.warning += 1,
            Severity::Note => counts.note += 1,
        }
        if !f.chain.is_empty() {
            let c = f.chain.join(" → ");
            if !chains.contains(&c) {
                chains.push(c);
            }
        }
        findings.push(view);
    }
    let fixed = delta
        .map(|d| {
            d.fixed
                .iter()
                .map(|f| finding_view(f, false, true))
                .collect()
        })
        .unwrap_or_default();
    let diff = opts.diffs.and_then(|d| d.get(&w.id)).cloned();
    let text = match w.verdict {
        Verdict::Ready => format!(
            "Ready: `wasm-migrate convert --only {}` prints the manifest change (RuntimeClass and Wasm image).",
            w.id
        ),
        Verdict::Portable => format!(
            "Portable after the {} warning(s) above are addressed; then `wasm-migrate convert --only {}`.",
            counts.warning, w.id
        ),
        Verdict::Blocked => format!(
            "Blocked by {} blocker(s): keep it a Linux container, or remove what they flag first.",
            counts.blocker
        ),
        Verdict::Unknown => format!(
            "Unknown: the scan could not tell what this workload runs. To settle it: {}.",
            w.settle
                .as_deref()
                .unwrap_or("link the workload's Dockerfile or source")
        ),
    };
    WorkloadView {
        anchor: anchors.make(repo, &w.id),
        repository: repo.map(str::to_string),
        id: w.id.clone(),
        kind: w.kind.clone(),
        score: super::score_text(w.score),
        sort_score: w.score,
        rank: super::verdict_rank(w.verdict),
        verdict: w.verdict.as_str(),
        delta: delta
            .and_then(|d| d.base)
            .map(|(b, _)| match super::score_delta(w.score, b) {
                Some(n) if n > 0 => format!("+{n}"),
                Some(n) => n.to_string(),
                None => "–".to_string(),
            }),
        coverage: w.coverage.iter().map(|c| c.as_str()).collect(),
        confidence: w.confidence.map(|c| c.as_str()),
        confidence_reason: w.confidence_reason.clone(),
        settle: w.settle.clone(),
        gauge_svg: gauge(w.score, w.verdict),
        runtime: w.runtime.clone(),
        language: w.language.clone(),
        sources: w.sources.clone(),
        links: w.links.clone(),
        counts,
        findings,
        suppressed,
        fixed,
        chains,
        plan: PlanView {
            diff,
            text_html: inline_html(&text),
        },
    }
}

fn finding_view(f: &Finding, new: bool, fixed: bool) -> FindingView {
    FindingView {
        rule: f.rule.clone(),
        rule_name: rules::find_rule(&f.rule)
            .map(|r| r.meta().name.to_string())
            .unwrap_or_default(),
        severity: f.severity.as_str(),
        penalty: f.penalty,
        location: format!("{}:{}:{}", f.file, f.line, f.column),
        line: f.line,
        message_html: inline_html(&f.message),
        help_html: inline_html(&f.help),
        snippet: f.snippet.clone(),
        chain: (!f.chain.is_empty()).then(|| f.chain.join(" → ")),
        related: f
            .related
            .iter()
            .map(|r| RelatedView {
                location: format!("{}:{}:{}", r.file, r.line, r.column),
                message_html: inline_html(&r.message),
            })
            .collect(),
        new,
        fixed,
        suppressed: f.suppressed.as_ref().map(|s| SuppressedView {
            at: format!("{}:{}", s.file, s.line),
            reason: s.reason.clone(),
        }),
    }
}

/// Unique element ids: `w-` and the workload id with everything but ASCII letters and digits
/// turned into `-`, with a counter when two ids collapse to the same.
#[derive(Default)]
struct Anchors {
    used: HashMap<String, usize>,
}

impl Anchors {
    fn make(&mut self, repo: Option<&str>, id: &str) -> String {
        let raw = match repo {
            Some(r) => format!("w-{r}-{id}"),
            None => format!("w-{id}"),
        };
        let slug: String = raw
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let n = self.used.entry(slug.clone()).or_insert(0);
        *n += 1;
        if *n == 1 { slug } else { format!("{slug}-{n}") }
    }
}

/// HTML-escape `s`, then turn Markdown code spans (`` `x` ``) into `<code>`.
pub fn inline_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut in_code = false;
    // An odd last backtick stays a character instead of opening a span it cannot close.
    let ticks = s.matches('`').count();
    let delimiters = ticks - ticks % 2;
    let mut seen = 0;
    for ch in s.chars() {
        match ch {
            '`' if seen < delimiters => {
                seen += 1;
                out.push_str(if in_code { "</code>" } else { "<code>" });
                in_code = !in_code;
            }
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

fn verdict_color(v: Verdict) -> &'static str {
    match v {
        Verdict::Ready => "#1a7f37",
        Verdict::Portable => "#9a6700",
        Verdict::Blocked => "#cf222e",
        Verdict::Unknown => "#59636e",
    }
}

fn band_of(score: u32) -> Verdict {
    match score {
        80.. => Verdict::Ready,
        50..=79 => Verdict::Portable,
        _ => Verdict::Blocked,
    }
}

/// A half-circle gauge, 0 on the left, 100 on the right, filled to the score; an empty gauge
/// marked `?` for a workload with no score (`unknown`).
fn gauge(score: Option<u32>, verdict: Verdict) -> String {
    let Some(score) = score else {
        return r##"<svg class="gauge" width="100" height="60" viewBox="0 0 100 60" role="img" aria-label="no score: unknown"><path d="M 10.0 50.0 A 40.0 40.0 0 0 1 90.0 50.0" fill="none" stroke="#d1d9e0" stroke-width="10" stroke-linecap="round"/><text x="50" y="52" text-anchor="middle" font-size="18" font-weight="600" fill="#59636e">?</text></svg>"##.to_string();
    };
    let score = score.min(100);
    let (cx, cy, r) = (50.0_f64, 50.0_f64, 40.0_f64);
    let angle = std::f64::consts::PI * (1.0 - f64::from(score) / 100.0);
    let (x, y) = (cx + r * angle.cos(), cy - r * angle.sin());
    let track = format!(
        "M {:.1} {cy:.1} A {r:.1} {r:.1} 0 0 1 {:.1} {cy:.1}",
        cx - r,
        cx + r
    );
    let fill = if score == 0 {
        String::new()
    } else {
        format!(
            r#"<path d="M {:.1} {cy:.1} A {r:.1} {r:.1} 0 0 1 {x:.2} {y:.2}" fill="none" stroke="{}" stroke-width="10" stroke-linecap="round"/>"#,
            cx - r,
            verdict_color(verdict)
        )
    };
    format!(
        r##"<svg class="gauge" width="100" height="60" viewBox="0 0 100 60" role="img" aria-label="score {score} of 100"><path d="{track}" fill="none" stroke="#d1d9e0" stroke-width="10" stroke-linecap="round"/>{fill}<text x="50" y="52" text-anchor="middle" font-size="18" font-weight="600" fill="#1f2328">{score}</text></svg>"##
    )
}

/// Workloads per score decile (90-100 in the last bar), each bar in its verdict band's colour.
fn distribution_chart(scores: &[u32]) -> String {
    let mut bins = [0usize; 10];
    for s in scores {
        bins[(*s as usize / 10).min(9)] += 1;
    }
    let max = bins.iter().copied().max().unwrap_or(0).max(1);
    let (w, h, left, bottom, bar) = (420.0_f64, 180.0_f64, 10.0_f64, 24.0_f64, 36.0_f64);
    let plot = h - bottom - 16.0;
    let mut svg = format!(
        r#"<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="score distribution">"#
    );
    for (i, n) in bins.iter().enumerate() {
        let x = left + i as f64 * (bar + 4.0);
        let bh = plot * (*n as f64) / (max as f64);
        let y = h - bottom - bh;
        let color = verdict_color(band_of(i as u32 * 10));
        let _ = write!(
            svg,
            r##"<rect x="{x:.1}" y="{y:.1}" width="{bar}" height="{bh:.1}" fill="{color}"><title>{lo}-{hi}: {n}</title></rect><text x="{tx:.1}" y="{ty:.1}" text-anchor="middle" font-size="11" fill="#1f2328">{n}</text><text x="{tx:.1}" y="{ly:.1}" text-anchor="middle" font-size="11" fill="#59636e">{lo}</text>"##,
            lo = i * 10,
            hi = if i == 9 { 100 } else { i * 10 + 9 },
            tx = x + bar / 2.0,
            ty = y - 3.0,
            ly = h - 8.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// One stacked bar of verdict counts with a legend.
fn verdict_chart(ready: usize, portable: usize, blocked: usize, unknown: usize) -> String {
    let total = (ready + portable + blocked + unknown).max(1) as f64;
    let width = 300.0_f64;
    let mut x = 0.0_f64;
    let mut svg = String::from(
        r#"<svg width="300" height="90" viewBox="0 0 300 90" role="img" aria-label="verdict counts">"#,
    );
    for (n, v) in [
        (ready, Verdict::Ready),
        (portable, Verdict::Portable),
        (blocked, Verdict::Blocked),
        (unknown, Verdict::Unknown),
    ] {
        let bw = width * n as f64 / total;
        if n > 0 {
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="8" width="{bw:.1}" height="26" fill="{}"><title>{}: {n}</title></rect>"#,
                verdict_color(v),
                v.as_str()
            );
        }
        x += bw;
    }
    for (i, (n, v)) in [
        (ready, Verdict::Ready),
        (portable, Verdict::Portable),
        (blocked, Verdict::Blocked),
        (unknown, Verdict::Unknown),
    ]
    .iter()
    .enumerate()
    {
        let lx = i as f64 * 100.0;
        let _ = write!(
            svg,
            r##"<rect x="{lx}" y="50" width="12" height="12" fill="{}"/><text x="{}" y="61" font-size="12" fill="#1f2328">{} {n}</text>"##,
            verdict_color(*v),
            lx + 16.0,
            v.as_str()
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::compare;
    use crate::testutil::{fixture, scan, synthetic};
    use rules::report::Suppression;

    fn page(report: &Report) -> String {
        render(report, &Options::default()).unwrap()
    }

    /// The page with its (long, static) stylesheet left out.
    fn without_css(html: &str) -> String {
        let start = html.find("<style>").unwrap();
        let end = html.find("</style>").unwrap();
        format!("{}<style>…</style>{}", &html[..start], &html[end + 8..])
    }

    #[test]
    fn snapshot_of_the_basic_fixture() {
        let mut report = scan(&fixture("reports/basic"));
        report.tool.version = "VERSION".into();
        insta::assert_snapshot!(without_css(&page(&report)));
    }

    #[test]
    fn page_is_self_contained() {
        let html = page(&scan(&fixture("reports/basic")));
        for banned in [
            "<script",
            "<link",
            "@import",
            "url(",
            "src=\"http",
            "href=\"http",
            "<img",
        ] {
            assert!(!html.contains(banned), "page contains {banned}");
        }
        assert!(html.contains("<style>") && html.contains("@media print"));
        assert_eq!(
            html.matches("<svg").count(),
            2 + 3,
            "two charts and a gauge per workload"
        );
    }

    #[test]
    fn every_section_a_reader_needs_is_there() {
        let report = scan(&fixture("reports/basic"));
        let html = page(&report);
        for id in [
            "id=\"overview\"",
            "id=\"score-distribution\"",
            "id=\"verdict-counts\"",
            "id=\"top-blockers\"",
            "id=\"workload-index\"",
            "id=\"workloads\"",
            "id=\"problems\"",
            "id=\"w-daemonset-ops-agent\"",
            "id=\"w-daemonset-ops-agent-plan\"",
        ] {
            assert!(html.contains(id), "missing {id}");
        }
        assert_eq!(
            html.matches("<section class=\"workload\"").count(),
            report.workloads.len()
        );
        // The snippet is the finding's own source line, numbered.
        assert!(html.contains("<span class=\"ln\">12</span>      hostNetwork: true</pre>"));
    }

    #[test]
    fn text_from_scanned_files_is_escaped() {
        let mut report = synthetic(1, 1);
        let f = &mut report.workloads[0].findings[0];
        f.message = "image `<b>x</b>` and <script>alert(1)</script>".into();
        f.snippet = Some("<img src=x onerror=alert(1)>".into());
        report.workloads[0].id = "Deployment/a/<i>".into();
        let html = page(&report);
        assert!(!html.contains("<script>alert"));
        assert!(!html.contains("<img src=x"));
        assert!(!html.contains("<i>"));
        assert!(html.contains("image <code>&lt;b&gt;x&lt;/b&gt;</code> and &lt;script&gt;"));
        assert_eq!(inline_html("a `b` c `d"), "a <code>b</code> c `d");
    }

    #[test]
    fn anchors_are_unique() {
        let mut a = Anchors::default();
        assert_eq!(a.make(None, "Deployment/a/b"), "w-deployment-a-b");
        assert_eq!(a.make(None, "Deployment/a.b"), "w-deployment-a-b-2");
        assert_eq!(a.make(Some("shop"), "Job/x"), "w-shop-job-x");
    }

    #[test]
    fn baseline_suppressions_and_diffs_are_shown() {
        let base = synthetic(1, 3);
        let mut cur = base.clone();
        let w = &mut cur.workloads[0];
        w.findings.remove(0);
        w.findings[0].suppressed = Some(Suppression {
            reason: "accepted for now".into(),
            file: "k8s/app-0.yaml".into(),
            line: 10,
        });
        w.findings.push(Finding {
            message: "brand new".into(),
            ..w.findings[1].clone()
        });
        let cmp = compare(&cur, &base);
        let diffs = BTreeMap::from([(
            cur.workloads[0].id.clone(),
            "+  runtimeClassName: wasmtime\n".to_string(),
        )]);
        let html = render(
            &cur,
            &Options {
                baseline: Some(&cmp),
                diffs: Some(&diffs),
            },
        )
        .unwrap();
        assert_eq!(
            html.matches("<span class=\"badge new\">new</span>").count(),
            1
        );
        assert!(html.contains("<h4>Fixed since the baseline</h4>"));
        assert!(html.contains("<h4>Suppressed</h4>"));
        assert!(html.contains("accepted for now"));
        assert!(html.contains("<pre class=\"diff\">+  runtimeClassName: wasmtime"));
    }

    #[test]
    fn gauge_is_filled_to_the_score() {
        assert!(!gauge(Some(0), Verdict::Blocked).contains("#cf222e"));
        // 100 ends at the right end of the arc, 50 at the top.
        assert!(gauge(Some(100), Verdict::Ready).contains("90.00 50.00"));
        assert!(gauge(Some(50), Verdict::Portable).contains("50.00 10.00"));
    }

    #[test]
    fn portfolio_lists_each_repository() {
        let html = render_portfolio(&[
            ("shop".into(), synthetic(3, 1)),
            ("billing".into(), synthetic(2, 0)),
        ])
        .unwrap();
        assert!(html.contains("id=\"portfolio\""));
        assert!(html.contains("<a href=\"#w-shop-deployment-ns-0-app-0\">shop</a>"));
        assert!(html.contains("5 workload(s) in 2 repositories"));
        assert_eq!(html.matches("<section class=\"workload\"").count(), 5);
    }
}
