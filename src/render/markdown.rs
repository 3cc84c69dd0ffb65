//! `--format markdown`: the pull-request comment.
//!
//! Layout: a marker line (so a bot can find and update its one comment), a summary table
//! (workload, score, verdict, delta), then a section per workload that has something to say: its
//! top findings with links to `file#Lline`, the rest folded in `<details>`, the findings fixed
//! since the baseline, and the migration diff for ready workloads when one is given.
//!
//! The comment must fit GitHub's limit of 65,536 characters on any repository, so rendering works
//! against a budget: workloads are ordered by what a reviewer needs first (new findings, then
//! blocked, then lowest score) and whatever does not fit is cut with a note saying how much was
//! left out. Sizes are counted in bytes, which is never less than characters.

use std::collections::BTreeMap;
use std::fmt::Write;

use rules::Severity;
use rules::report::{Finding, Report, Verdict, WorkloadReport};

use crate::baseline::Comparison;

/// The first line of every comment: `action.yml` finds the comment to update by it.
pub const MARKER: &str = "<!-- wasm-migrate:report -->";
/// GitHub's limit on a comment body.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;
/// Findings shown per workload before the rest are folded.
pub const TOP_FINDINGS: usize = 5;

pub struct Options<'a> {
    /// Prefix for file links (`https://github.com/o/r/blob/SHA/`); relative links without it.
    pub link_base: Option<&'a str>,
    pub baseline: Option<&'a Comparison>,
    /// Show only findings that are new against the baseline.
    pub new_only: bool,
    /// Unified diffs of the migration, by workload id, shown for ready workloads.
    pub diffs: &'a BTreeMap<String, String>,
    /// Size budget in bytes.
    pub max_bytes: usize,
}

impl Default for Options<'_> {
    fn default() -> Self {
        static NO_DIFFS: BTreeMap<String, String> = BTreeMap::new();
        Options {
            link_base: None,
            baseline: None,
            new_only: false,
            diffs: &NO_DIFFS,
            max_bytes: GITHUB_COMMENT_LIMIT,
        }
    }
}

/// Room kept for the truncation note and the footer.
const RESERVE: usize = 1_000;

pub fn render(report: &Report, opts: &Options<'_>) -> String {
    let budget = opts.max_bytes.saturating_sub(RESERVE);
    let mut out = String::new();
    let _ = writeln!(out, "{MARKER}");
    let _ = writeln!(out, "## wasm-migrate: WebAssembly readiness\n");
    summary_line(&mut out, report, opts);

    let order = ordered(report, opts);
    let shown: Vec<&WorkloadReport> = if opts.new_only {
        order
            .iter()
            .copied()
            .filter(|w| changed(w, opts.baseline))
            .collect()
    } else {
        order.clone()
    };
    let mut cut = Cut::default();

    // The table gets at most half the budget, so workload sections always have room.
    let mut table = String::new();
    table.push_str(if opts.baseline.is_some() {
        "| workload | score | verdict | delta | findings |\n|---|---:|---|---:|---|\n"
    } else {
        "| workload | score | verdict | findings |\n|---|---:|---|---|\n"
    });
    let mut rows = 0;
    for w in &shown {
        let row = table_row(w, opts);
        if out.len() + table.len() + row.len() > budget / 2 {
            break;
        }
        table.push_str(&row);
        rows += 1;
    }
    if let Some(cmp) = opts.baseline {
        for (id, score, verdict, _) in &cmp.removed {
            let row = format!(
                "| {} | ~~{}~~ | removed (was {}) | | |\n",
                code(id),
                super::score_text(*score),
                verdict.as_str()
            );
            if out.len() + table.len() + row.len() > budget / 2 {
                cut.rows += 1;
                continue;
            }
            table.push_str(&row);
        }
    }
    cut.rows += shown.len() - rows;
    if !shown.is_empty() || opts.baseline.is_some_and(|c| !c.removed.is_empty()) {
        out.push_str(&table);
    }
    if cut.rows > 0 {
        let _ = writeln!(
            out,
            "\n_{} more workload(s) not listed: the comment would pass GitHub's size limit._",
            cut.rows
        );
    }
    if opts.new_only && shown.len() < order.len() {
        let _ = writeln!(
            out,
            "\n_{} workload(s) without new findings or score changes are not listed (`--new-only`)._",
            order.len() - shown.len()
        );
    }
    out.push('\n');

    for w in &shown {
        let section = workload_section(w, opts);
        if section.is_empty() {
            continue;
        }
        if out.len() + section.len() > budget {
            cut.sections += 1;
            continue;
        }
        out.push_str(&section);
    }
    let problems = problems_section(report);
    if out.len() + problems.len() <= budget {
        out.push_str(&problems);
    } else if !problems.is_empty() {
        cut.sections += 1;
    }
    if cut.sections > 0 {
        let _ = writeln!(
            out,
            "> [!NOTE]\n> {} section(s) left out to stay under GitHub's {GITHUB_COMMENT_LIMIT}-character comment limit; the full report is in the SARIF and JSON outputs.\n",
            cut.sections
        );
    }
    let _ = writeln!(
        out,
        "<sub>{} {} · `wasm-migrate explain CODE` documents each rule</sub>",
        report.tool.name, report.tool.version
    );
    out
}

/// Several repositories' reports in one comment or document: per repository and overall, then
/// each repository's workload table (worst first), within the same size budget.
pub fn render_portfolio(reports: &[(String, Report)], max_bytes: usize) -> String {
    let budget = max_bytes.saturating_sub(RESERVE);
    let opts = Options::default();
    let all = || reports.iter().flat_map(|(_, r)| &r.workloads);
    let count = |v: Verdict| all().filter(|w| w.verdict == v).count();
    let mut out = String::new();
    let _ = writeln!(out, "{MARKER}");
    let _ = writeln!(out, "## wasm-migrate: WebAssembly readiness portfolio\n");
    let _ = writeln!(
        out,
        "**{} workload(s)** in {} repositories: {} {} ready · {} {} portable · {} {} blocked · {} {} unknown\n",
        all().count(),
        reports.len(),
        verdict_icon(Verdict::Ready),
        count(Verdict::Ready),
        verdict_icon(Verdict::Portable),
        count(Verdict::Portable),
        verdict_icon(Verdict::Blocked),
        count(Verdict::Blocked),
        verdict_icon(Verdict::Unknown),
        count(Verdict::Unknown),
    );
    out.push_str("| repository | workloads | ready | portable | blocked | unknown | mean score |\n|---|---:|---:|---:|---:|---:|---:|\n");
    for (name, r) in reports {
        let c = |v: Verdict| r.workloads.iter().filter(|w| w.verdict == v).count();
        let n = r.workloads.len();
        // The mean is over scored workloads: `unknown` has no score.
        let scored: Vec<u32> = r.workloads.iter().filter_map(|w| w.score).collect();
        let mean = if scored.is_empty() {
            "-".to_string()
        } else {
            let sum: u64 = scored.iter().map(|s| u64::from(*s)).sum();
            format!("{:.0}", sum as f64 / scored.len() as f64)
        };
        let _ = writeln!(
            out,
            "| {} | {n} | {} | {} | {} | {} | {mean} |",
            code(name),
            c(Verdict::Ready),
            c(Verdict::Portable),
            c(Verdict::Blocked),
            c(Verdict::Unknown)
        );
    }
    out.push('\n');

    // Rules that block the most workloads across the portfolio.
    let mut top: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for w in all() {
        let mut rules_here: Vec<&str> = w
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none() && f.severity == Severity::Blocker)
            .map(|f| f.rule.as_str())
            .collect();
        for r in &rules_here {
            top.entry(r).or_default().1 += 1;
        }
        rules_here.sort_unstable();
        rules_here.dedup();
        for r in rules_here {
            top.entry(r).or_default().0 += 1;
        }
    }
    let mut top: Vec<_> = top.into_iter().collect();
    top.sort_by(|a, b| (b.1, a.0).cmp(&(a.1, b.0)));
    if !top.is_empty() {
        out.push_str("### Top blockers\n\n| rule | workloads | findings |\n|---|---:|---:|\n");
        for (rule, (ws, fs)) in top.iter().take(10) {
            let name = rules::find_rule(rule).map(|r| r.meta().name).unwrap_or("");
            let _ = writeln!(out, "| **{rule}** {name} | {ws} | {fs} |");
        }
        out.push('\n');
    }

    let mut cut = 0;
    for (name, r) in reports {
        let mut section = format!(
            "### {}\n\n| workload | score | verdict | findings |\n|---|---:|---|---|\n",
            code(name)
        );
        for w in ordered(r, &opts) {
            section.push_str(&table_row(w, &opts));
        }
        section.push('\n');
        if out.len() + section.len() > budget {
            cut += 1;
            continue;
        }
        out.push_str(&section);
    }
    if cut > 0 {
        let _ = writeln!(
            out,
            "> [!NOTE]\n> {cut} repository section(s) left out to stay under the size limit.\n"
        );
    }
    let version = reports.first().map_or("", |(_, r)| r.tool.version.as_str());
    let _ = writeln!(out, "<sub>wasm-migrate {version}</sub>");
    out
}

#[derive(Default)]
struct Cut {
    rows: usize,
    sections: usize,
}

fn summary_line(out: &mut String, report: &Report, opts: &Options<'_>) {
    let count = |v: Verdict| report.workloads.iter().filter(|w| w.verdict == v).count();
    let _ = writeln!(
        out,
        "**{} workload(s)** in {}: {} {} ready · {} {} portable · {} {} blocked · {} {} unknown\n",
        report.workloads.len(),
        code(&report.root),
        verdict_icon(Verdict::Ready),
        count(Verdict::Ready),
        verdict_icon(Verdict::Portable),
        count(Verdict::Portable),
        verdict_icon(Verdict::Blocked),
        count(Verdict::Blocked),
        verdict_icon(Verdict::Unknown),
        count(Verdict::Unknown),
    );
    if let Some(cmp) = opts.baseline {
        let _ = writeln!(
            out,
            "Compared with the baseline: **{} new** finding(s), **{} fixed**.\n",
            cmp.new_count(),
            cmp.fixed_count()
        );
    }
}

/// What a reviewer needs first: workloads with new findings, then the worst verdict, the lowest
/// score, the biggest drop.
fn ordered<'r>(report: &'r Report, opts: &Options<'_>) -> Vec<&'r WorkloadReport> {
    let mut ws: Vec<&WorkloadReport> = report.workloads.iter().collect();
    ws.sort_by_key(|w| {
        let new = opts
            .baseline
            .and_then(|c| c.delta(&w.id))
            .map_or(0, |d| d.new.len());
        (
            std::cmp::Reverse(new),
            super::verdict_rank(w.verdict),
            w.score,
            w.id.clone(),
        )
    });
    ws
}

/// Under `--new-only`, a workload is listed when it gained or lost findings or changed score.
fn changed(w: &WorkloadReport, cmp: Option<&Comparison>) -> bool {
    match cmp.and_then(|c| c.delta(&w.id)) {
        Some(d) => {
            !d.new.is_empty() || !d.fixed.is_empty() || d.base.is_none_or(|(s, _)| s != w.score)
        }
        None => true,
    }
}

fn table_row(w: &WorkloadReport, opts: &Options<'_>) -> String {
    let delta = opts
        .baseline
        .map(|c| match c.delta(&w.id).and_then(|d| d.base) {
            Some((base, _)) => {
                super::score_delta(w.score, base).map_or_else(|| "–".to_string(), signed)
            }
            None => "new".to_string(),
        });
    let active: Vec<&Finding> = w
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .collect();
    let mut parts = Vec::new();
    for (sev, word) in [
        (Severity::Blocker, "blocker"),
        (Severity::Warning, "warning"),
        (Severity::Note, "note"),
    ] {
        let n = active.iter().filter(|f| f.severity == sev).count();
        if n > 0 {
            parts.push(format!("{n} {word}{}", if n == 1 { "" } else { "s" }));
        }
    }
    if let Some(d) = opts.baseline.and_then(|c| c.delta(&w.id)) {
        if !d.new.is_empty() {
            parts.push(format!("**{} new**", d.new.len()));
        }
        if !d.fixed.is_empty() {
            parts.push(format!("{} fixed", d.fixed.len()));
        }
    }
    let findings = if parts.is_empty() {
        "none".to_string()
    } else {
        parts.join(", ")
    };
    let delta = delta.map(|d| format!(" {d} |")).unwrap_or_default();
    format!(
        "| {} | {} | {} {} |{delta} {findings} |\n",
        code(&w.id),
        super::score_text(w.score),
        verdict_icon(w.verdict),
        w.verdict.as_str(),
    )
}

fn workload_section(w: &WorkloadReport, opts: &Options<'_>) -> String {
    let delta = opts.baseline.and_then(|c| c.delta(&w.id));
    let is_new = |i: usize| delta.is_some_and(|d| d.new.contains(&i));
    // New findings first, then by severity (the report's order within a severity).
    let mut findings: Vec<(usize, &Finding)> = w
        .findings
        .iter()
        .enumerate()
        .filter(|(i, f)| f.suppressed.is_none() && (!opts.new_only || is_new(*i)))
        .collect();
    findings.sort_by_key(|(i, f)| (!is_new(*i), f.severity));
    let fixed = delta.map(|d| d.fixed.as_slice()).unwrap_or_default();
    let diff = (w.verdict == Verdict::Ready)
        .then(|| opts.diffs.get(&w.id))
        .flatten();
    // An unknown workload gets its section even without findings: it says what would settle it.
    if findings.is_empty()
        && fixed.is_empty()
        && diff.is_none()
        && (w.verdict != Verdict::Unknown || opts.new_only)
    {
        return String::new();
    }

    let mut s = String::new();
    let score_delta = delta
        .and_then(|d| d.base)
        .and_then(|(b, _)| super::score_delta(w.score, b))
        .filter(|d| *d != 0)
        .map(|d| format!(" ({})", signed(d)))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "### {} {}: {}/100 {}{score_delta}\n",
        verdict_icon(w.verdict),
        code(&w.id),
        super::score_text(w.score),
        w.verdict.as_str()
    );
    if let Some(settle) = w
        .settle
        .as_deref()
        .filter(|_| w.verdict == Verdict::Unknown)
    {
        let _ = writeln!(s, "To settle it: {}\n", text(settle));
    }
    for (i, f) in findings.iter().take(TOP_FINDINGS) {
        finding_item(&mut s, f, is_new(*i), opts);
    }
    if findings.len() > TOP_FINDINGS {
        let rest = findings.len() - TOP_FINDINGS;
        let _ = writeln!(s, "\n<details><summary>{rest} more finding(s)</summary>\n");
        for (i, f) in findings.iter().skip(TOP_FINDINGS) {
            finding_item(&mut s, f, is_new(*i), opts);
        }
        s.push_str("\n</details>\n");
    }
    if !fixed.is_empty() {
        let _ = writeln!(
            s,
            "\n<details><summary>✅ {} fixed since the baseline</summary>\n",
            fixed.len()
        );
        for f in fixed {
            // No link: the line is gone from the current version of the file.
            let _ = writeln!(
                s,
                "- ~~**{}** {}~~ {}",
                f.rule,
                code(&format!("{}:{}", f.file, f.line)),
                text(&f.message)
            );
        }
        s.push_str("\n</details>\n");
    }
    if let Some(diff) = diff {
        let fence = fence_for(diff);
        let _ = writeln!(
            s,
            "\n<details><summary>Migration diff (`wasm-migrate convert`)</summary>\n\n{fence}diff\n{}\n{fence}\n\n</details>",
            diff.trim_end()
        );
    }
    s.push('\n');
    s
}

fn finding_item(s: &mut String, f: &Finding, new: bool, opts: &Options<'_>) {
    let rule_name = rules::find_rule(&f.rule).map(|r| r.meta().name);
    // Lines of one list item, joined by Markdown hard breaks (two trailing spaces).
    let mut lines = vec![
        format!(
            "- {} **{}**{} {}{}",
            severity_icon(f.severity),
            f.rule,
            rule_name.map(|n| format!(" {n}")).unwrap_or_default(),
            location_link(f, opts),
            if new { " 🆕 **new**" } else { "" },
        ),
        format!("  {}", text(&f.message)),
    ];
    if !f.chain.is_empty() {
        lines.push(format!("  via {}", code(&f.chain.join(" → "))));
    }
    if !f.help.is_empty() {
        lines.push(format!("  _help:_ {}", text(&f.help)));
    }
    let _ = writeln!(s, "{}", lines.join("  \n"));
}

fn problems_section(report: &Report) -> String {
    if report.errors.is_empty() && report.notes.is_empty() {
        return String::new();
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<details><summary>{} input problem(s), {} note(s)</summary>\n",
        report.errors.len(),
        report.notes.len()
    );
    for e in &report.errors {
        let at = match e.line {
            Some(l) => format!("{}:{l}", e.file),
            None => e.file.clone(),
        };
        let _ = writeln!(s, "- **{}** {} {}", e.rule, code(&at), text(&e.message));
    }
    for n in &report.notes {
        let _ = writeln!(s, "- {} {}", code(&n.file), text(&n.message));
    }
    s.push_str("\n</details>\n\n");
    s
}

/// `[`file:line`](base/file#Lline)`, with a line range for multi-line findings.
fn location_link(f: &Finding, opts: &Options<'_>) -> String {
    let anchor = if f.end_line > f.line && f.end_column > 1 {
        format!("#L{}-L{}", f.line, f.end_line)
    } else {
        format!("#L{}", f.line)
    };
    let target = format!(
        "{}{}{anchor}",
        opts.link_base.unwrap_or(""),
        super::sarif::uri(&f.file)
    );
    format!("[{}]({target})", code(&format!("{}:{}", f.file, f.line)))
}

fn verdict_icon(v: Verdict) -> &'static str {
    match v {
        Verdict::Ready => "🟢",
        Verdict::Portable => "🟡",
        Verdict::Blocked => "🔴",
        Verdict::Unknown => "❔",
    }
}

fn severity_icon(s: Severity) -> &'static str {
    match s {
        Severity::Blocker => "⛔",
        Severity::Warning => "⚠️",
        Severity::Note => "ℹ️",
    }
}

fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    }
}

/// A code span that holds any text: the fence is one backtick longer than the longest run inside,
/// a `|` is escaped so the span can sit in a table cell, and line breaks and other control
/// characters are written as `\u{..}`: a newline in a workload id (from `metadata.name`) would
/// otherwise end the span and the table, and what followed would be raw Markdown in the comment.
pub fn code(s: &str) -> String {
    let s = &*super::excerpt::sanitize(s);
    let longest = longest_run(s, '`');
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", s.replace('|', "\\|"))
}

fn fence_for(s: &str) -> String {
    "`".repeat(longest_run(s, '`').max(2) + 1)
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for ch in s.chars() {
        cur = if ch == c { cur + 1 } else { 0 };
        best = best.max(cur);
    }
    best
}

/// Message text as Markdown: code spans (the rule messages quote keys and values in backticks)
/// are kept; outside them, characters Markdown or GitHub would act on are neutralised, so a
/// scanned file cannot inject links, HTML, tables or @-mentions into the comment.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_code = false;
    for ch in s.chars() {
        match ch {
            '`' => {
                in_code = !in_code;
                out.push(ch);
            }
            '\n' | '\r' => out.push(' '),
            _ if super::excerpt::is_hostile(ch) => out.push_str(&ch.escape_unicode().to_string()),
            _ if in_code => {
                if ch == '|' {
                    out.push_str("\\|");
                } else {
                    out.push(ch);
                }
            }
            '\\' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("&#64;"),
            _ => out.push(ch),
        }
    }
    if in_code {
        // An unbalanced backtick would swallow the rest of the comment into a code span.
        out.push('`');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::compare;
    use crate::testutil::{fixture, scan, synthetic};

    #[test]
    fn snapshot_of_the_basic_fixture() {
        let mut report = scan(&fixture("reports/basic"));
        report.tool.version = "VERSION".into();
        insta::assert_snapshot!(render(&report, &Options::default()));
    }

    #[test]
    fn stays_under_the_comment_limit_and_says_what_it_left_out() {
        let report = synthetic(1_000, 12);
        let md = render(&report, &Options::default());
        assert!(md.len() <= GITHUB_COMMENT_LIMIT, "{} bytes", md.len());
        assert!(md.starts_with(MARKER));
        assert!(
            md.contains("more workload(s) not listed"),
            "table cut is announced"
        );
        assert!(
            md.contains("section(s) left out"),
            "section cut is announced"
        );
        assert!(md.trim_end().ends_with("</sub>"), "footer survives the cut");
        // The workloads shown first are the worst ones.
        let first = md.lines().find(|l| l.starts_with("| `")).unwrap();
        assert!(first.contains("blocked"), "{first}");
    }

    #[test]
    fn a_small_budget_still_yields_a_valid_comment() {
        let report = synthetic(50, 3);
        let md = render(
            &report,
            &Options {
                max_bytes: 4_000,
                ..Default::default()
            },
        );
        assert!(md.len() <= 4_000, "{}", md.len());
        assert_eq!(
            md.matches("<details>").count(),
            md.matches("</details>").count()
        );
    }

    #[test]
    fn links_use_the_base_and_line_anchors() {
        let mut report = synthetic(1, 1);
        report.workloads[0].findings[0].end_line = 14;
        let md = render(
            &report,
            &Options {
                link_base: Some("https://github.com/o/r/blob/abc/"),
                ..Default::default()
            },
        );
        assert!(
            md.contains("(https://github.com/o/r/blob/abc/k8s/app-0.yaml#L10-L14)"),
            "{md}"
        );
        let md = render(&synthetic(1, 1), &Options::default());
        assert!(
            md.contains("[`k8s/app-0.yaml:10`](k8s/app-0.yaml#L10)"),
            "{md}"
        );
    }

    #[test]
    fn top_findings_are_shown_and_the_rest_folded() {
        let md = render(&synthetic(1, 8), &Options::default());
        let (top, rest) = md
            .split_once("<details><summary>3 more finding(s)</summary>")
            .unwrap();
        assert_eq!(top.matches("\n- ").count(), TOP_FINDINGS);
        let rest = rest.split("</details>").next().unwrap();
        assert_eq!(rest.matches("\n- ").count(), 3);
    }

    #[test]
    fn baseline_marks_new_and_fixed_findings_and_deltas() {
        let base = synthetic(2, 3);
        let mut cur = base.clone();
        let w = &mut cur.workloads[0];
        let fixed = w.findings.remove(0); // the blocker is fixed
        w.findings.push(rules::report::Finding {
            message: "a brand new problem".into(),
            ..w.findings[0].clone()
        });
        let (v, s) = rules::score::score(&mut w.findings, rules::score::Evidence::FULL);
        (w.verdict, w.score) = (v, s);
        let cmp = compare(&cur, &base);
        let md = render(
            &cur,
            &Options {
                baseline: Some(&cmp),
                ..Default::default()
            },
        );
        assert!(md.contains("**1 new** finding(s), **1 fixed**"), "{md}");
        assert_eq!(md.matches("🆕 **new**").count(), 1);
        assert!(md.contains("a brand new problem"));
        assert!(md.contains(&format!("~~**{}** ", fixed.rule)));
        let base_score = base.workloads[0].score;
        let delta = crate::render::score_delta(cur.workloads[0].score, base_score).unwrap();
        assert!(md.contains(&format!("| {} |", signed(delta))), "{md}");

        // --new-only: only the new finding and only the changed workload.
        let md = render(
            &cur,
            &Options {
                baseline: Some(&cmp),
                new_only: true,
                ..Default::default()
            },
        );
        assert_eq!(
            md.matches("\n- ⛔").count()
                + md.matches("\n- ⚠️").count()
                + md.matches("\n- ℹ️").count(),
            1,
            "{md}"
        );
        assert!(!md.contains("app-1`"), "unchanged workload listed: {md}");
        assert!(md.contains("1 workload(s) without new findings"));
    }

    #[test]
    fn ready_workloads_show_their_migration_diff() {
        let report = synthetic(1, 0);
        let diffs = BTreeMap::from([(
            report.workloads[0].id.clone(),
            "--- a/k8s/app-0.yaml\n+++ b/k8s/app-0.yaml\n+      runtimeClassName: wasmtime-spin-v2\n".to_string(),
        )]);
        let md = render(
            &report,
            &Options {
                diffs: &diffs,
                ..Default::default()
            },
        );
        assert!(md.contains("```diff\n--- a/k8s/app-0.yaml"), "{md}");
        assert!(md.contains("Migration diff"));
    }

    #[test]
    fn portfolio_has_a_row_per_repository_and_overall_counts() {
        let md = render_portfolio(
            &[
                ("shop".into(), synthetic(3, 1)),
                ("billing".into(), synthetic(2, 0)),
            ],
            GITHUB_COMMENT_LIMIT,
        );
        assert!(
            md.contains(
                "**5 workload(s)** in 2 repositories: 🟢 2 ready · 🟡 0 portable · 🔴 3 blocked · ❔ 0 unknown"
            ),
            "{md}"
        );
        assert!(md.contains("| `shop` | 3 | 0 | 0 | 3 | 0 |"), "{md}");
        assert!(
            md.contains("| `billing` | 2 | 2 | 0 | 0 | 0 | 100 |"),
            "{md}"
        );
        assert!(md.contains("| **WM301** host-network | 3 | 3 |"), "{md}");
        assert!(md.contains("### `billing`"));
        let big = render_portfolio(
            &[
                ("a".into(), synthetic(2_000, 1)),
                ("b".into(), synthetic(2_000, 1)),
            ],
            GITHUB_COMMENT_LIMIT,
        );
        assert!(big.len() <= GITHUB_COMMENT_LIMIT);
        assert!(big.contains("repository section(s) left out"));
    }

    #[test]
    fn the_ci_integrations_find_the_comment_by_the_same_marker() {
        let js = include_str!("../../ci/sticky-comment.js");
        assert!(js.contains(&format!("const MARKER = '{MARKER}';")));
        let docs = include_str!("../../docs/ci.md");
        assert!(docs.contains(&format!("startswith(\"{MARKER}\")")));
    }

    #[test]
    fn text_from_scanned_files_cannot_inject_markdown() {
        assert_eq!(
            text("image `a|b` by @someone <img src=x> [x](y) *bold*"),
            "image `a\\|b` by &#64;someone &lt;img src=x&gt; \\[x\\](y) \\*bold\\*"
        );
        assert_eq!(text("unbalanced `tick"), "unbalanced `tick`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("a|b"), "`a\\|b`");
    }
}
