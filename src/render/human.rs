//! `--format human`: findings as miette diagnostics with source snippets, grouped by workload,
//! each penalty explained, and a summary table at the end. Colour only on a terminal without
//! `NO_COLOR`.
//!
//! Everything printed that comes from the scanned repository (ids, paths, names, messages,
//! snippets) goes through [`super::excerpt`]: snippets are cut around their span and control
//! characters are escaped, so hostile files can neither flood nor drive the terminal.

use analyzer::Repo;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, Severity as MSeverity,
};
use std::collections::BTreeMap;
use std::fmt::Write;

use super::excerpt::{Excerpt, bounded_message, sanitize};
use rules::Severity;
use rules::report::{Finding, Report, WorkloadReport};

/// Rendering width, fixed so output is the same everywhere (and testable).
const WIDTH: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Color,
    Plain,
}

impl Style {
    /// Colour when writing to a terminal and `NO_COLOR` is unset.
    pub fn detect(to_stdout: bool) -> Style {
        use std::io::IsTerminal;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        if to_stdout && !no_color && std::io::stdout().is_terminal() {
            Style::Color
        } else {
            Style::Plain
        }
    }
}

/// Render the report. `repo` supplies source text for snippets; without it, findings print
/// their location only.
pub fn render(report: &Report, repo: Option<&Repo>, style: Style) -> String {
    let theme = match style {
        Style::Color => GraphicalTheme::unicode(),
        Style::Plain => GraphicalTheme::unicode_nocolor(),
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_links(false)
        .with_context_lines(1)
        .without_primary_span_start();
    let sources = SourceCache::new(repo);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "wasm-migrate {} scanned {}: {} workload(s)\n",
        report.tool.version,
        sanitize(&report.root),
        report.workloads.len()
    );

    for w in &report.workloads {
        workload_header(&mut out, w);
        for f in w.findings.iter().filter(|f| f.suppressed.is_none()) {
            let diag = diagnostic(f, &sources);
            let mut text = String::new();
            if handler.render_report(&mut text, diag.as_ref()).is_err() {
                let _ = writeln!(
                    text,
                    "{}:{}:{} {} {}",
                    sanitize(&f.file),
                    f.line,
                    f.column,
                    f.rule,
                    bounded_message(&f.message)
                );
            }
            for line in text.lines() {
                let _ = writeln!(out, "{}", format!("  {line}").trim_end());
            }
            if !f.chain.is_empty() {
                let _ = writeln!(out, "    chain: {}", sanitize(&f.chain.join(" -> ")));
            }
        }
        // Suppressed findings: one line each, with where and why.
        for f in &w.findings {
            if let Some(s) = &f.suppressed {
                let _ = writeln!(
                    out,
                    "   suppressed: {} {}:{} ({}:{}: {})",
                    f.rule,
                    sanitize(&f.file),
                    f.line,
                    sanitize(&s.file),
                    s.line,
                    sanitize(&bounded_message(&s.reason))
                );
            }
        }
        explain_score(&mut out, w);
        out.push('\n');
    }

    if !report.errors.is_empty() {
        let _ = writeln!(
            out,
            "Files that could not be read ({}):",
            report.errors.len()
        );
        for e in &report.errors {
            let at = match (e.line, e.column) {
                (Some(l), Some(c)) => format!(":{l}:{c}"),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "  {} {}{at}: {}",
                e.rule,
                sanitize(&e.file),
                sanitize(&bounded_message(&e.message))
            );
        }
        out.push('\n');
    }
    if !report.notes.is_empty() {
        let _ = writeln!(out, "Notes:");
        for n in &report.notes {
            let at = n.line.map(|l| format!(":{l}")).unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}{at}: {}",
                sanitize(&n.file),
                sanitize(&bounded_message(&n.message))
            );
        }
        out.push('\n');
    }
    summary_table(&mut out, report);
    out
}

fn workload_header(out: &mut String, w: &WorkloadReport) {
    let runtime = w
        .runtime
        .as_deref()
        .map(|r| format!("  runtime: {}", sanitize(r)))
        .unwrap_or_default();
    let language = w
        .language
        .as_deref()
        .map(|l| format!("  language: {}", sanitize(l)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "━━ {}  {}/100 {}{language}{runtime}",
        sanitize(&w.id),
        super::score_text(w.score),
        w.verdict.as_str()
    );
    let _ = writeln!(out, "   sources: {}", sanitize(&w.sources.join(", ")));
    if !w.coverage.is_empty() || w.confidence.is_some() {
        let inspected: Vec<&str> = w.coverage.iter().map(|c| c.as_str()).collect();
        let confidence = w
            .confidence
            .map(|c| format!("  confidence: {}", c.as_str()))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "   inspected: {}{confidence}",
            if inspected.is_empty() {
                "nothing".to_string()
            } else {
                inspected.join(", ")
            }
        );
    }
    if let Some(r) = &w.confidence_reason {
        let _ = writeln!(out, "   why: {}", sanitize(&bounded_message(r)));
    }
    if let Some(s) = &w.settle {
        let _ = writeln!(out, "   to settle it: {}", sanitize(&bounded_message(s)));
    }
    for l in &w.links {
        let _ = writeln!(
            out,
            "   linked: {} -> {} ({})",
            sanitize(&l.from),
            sanitize(&l.to),
            sanitize(&l.linked_by)
        );
    }
    if w.findings.is_empty() {
        let _ = writeln!(out, "   no findings");
    } else {
        out.push('\n');
    }
}

/// `score: 100 - 60 (WM301) - 15 (WM203) = 25, blocked band 0-49 -> 25`.
fn explain_score(out: &mut String, w: &WorkloadReport) {
    let (Some(score), Some((lo, hi))) = (w.score, rules::score::band(w.verdict)) else {
        let _ = writeln!(
            out,
            "   score: none (unknown: nothing inspected tells what the workload runs)"
        );
        return;
    };
    let charged: Vec<&Finding> = w.findings.iter().filter(|f| f.penalty > 0).collect();
    if charged.is_empty() {
        let _ = writeln!(out, "   score: {score} (no penalties)");
        return;
    }
    let total: u32 = charged.iter().map(|f| f.penalty).sum();
    let raw = 100i64 - i64::from(total);
    let mut s = String::from("   score: 100");
    for f in &charged {
        let _ = write!(s, " - {} ({})", f.penalty, f.rule);
    }
    let _ = write!(s, " = {raw}");
    if raw != i64::from(score) {
        let _ = write!(
            s,
            ", clamped into the {} band {lo}-{hi} -> {score}",
            w.verdict.as_str(),
        );
    }
    let repeats = w
        .findings
        .iter()
        .filter(|f| f.penalty == 0 && f.severity != Severity::Note && f.suppressed.is_none())
        .count();
    if repeats > 0 {
        let _ = write!(
            s,
            " ({repeats} repeat finding(s) of a rule already counted cost nothing)"
        );
    }
    let _ = writeln!(out, "{s}");
}

fn summary_table(out: &mut String, report: &Report) {
    let width = report
        .workloads
        .iter()
        .map(|w| sanitize(&w.id).chars().count())
        .max()
        .unwrap_or(8)
        .clamp(8, 60);
    let _ = writeln!(out, "Summary");
    let _ = writeln!(
        out,
        "  {:<width$}  {:>5}  {:<8}  {:>8}  {:>8}  {:>5}",
        "workload", "score", "verdict", "blockers", "warnings", "notes"
    );
    let mut verdicts: BTreeMap<&str, usize> = BTreeMap::new();
    for w in &report.workloads {
        let count = |s: Severity| w.findings.iter().filter(|f| f.severity == s).count();
        let _ = writeln!(
            out,
            "  {:<width$}  {:>5}  {:<8}  {:>8}  {:>8}  {:>5}",
            sanitize(&w.id),
            super::score_text(w.score),
            w.verdict.as_str(),
            count(Severity::Blocker),
            count(Severity::Warning),
            count(Severity::Note)
        );
        *verdicts.entry(w.verdict.as_str()).or_default() += 1;
    }
    let counts: Vec<String> = ["ready", "portable", "blocked", "unknown"]
        .iter()
        .map(|v| format!("{} {v}", verdicts.get(v).copied().unwrap_or(0)))
        .collect();
    let _ = writeln!(
        out,
        "\n{} workload(s): {}",
        report.workloads.len(),
        counts.join(", ")
    );
}

/// Source text by path, shared between diagnostics.
struct SourceCache<'r> {
    repo: Option<&'r Repo>,
}

impl<'r> SourceCache<'r> {
    fn new(repo: Option<&'r Repo>) -> Self {
        SourceCache { repo }
    }

    /// A bounded excerpt around the finding's region (see [`Excerpt`]).
    fn locate(&self, f: &Finding) -> Option<Excerpt> {
        let file = self.repo?.file_by_path(&f.file)?;
        // Columns count characters; the index finds the byte in O(log n), however long the line.
        let offset = |line: usize, col: usize| file.line_index().offset_of(&file.text, line, col);
        let start = offset(f.line, f.column);
        let end = offset(f.end_line, f.end_column).max(start);
        Excerpt::with_index(&f.file, &file.text, file.line_index(), start, end)
    }
}

fn diagnostic(f: &Finding, sources: &SourceCache<'_>) -> miette::Report {
    let severity = match f.severity {
        Severity::Blocker => MSeverity::Error,
        Severity::Warning => MSeverity::Warning,
        Severity::Note => MSeverity::Advice,
    };
    let cost = if f.penalty > 0 {
        format!(", -{}", f.penalty)
    } else {
        String::new()
    };
    let help = bounded_message(&f.help);
    let mut diag = MietteDiagnostic::new(bounded_message(&f.message))
        .with_code(format!(
            "{} {} [{}{cost}]",
            f.rule,
            f.category.as_str(),
            f.severity.as_str()
        ))
        .with_severity(severity);
    match sources.locate(f) {
        Some(excerpt) => {
            let (start, len) = excerpt.span();
            diag = diag
                .with_help(help)
                .with_labels([LabeledSpan::new_primary_with_span(None, (start, len))]);
            miette::Report::new(diag).with_source_code(excerpt)
        }
        None => miette::Report::new(diag.with_help(format!(
            "{help} (at {}:{}:{})",
            sanitize(&f.file),
            f.line,
            f.column
        ))),
    }
}
