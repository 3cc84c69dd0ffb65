//! Scoring (DESIGN §4): verdict from the worst severity, score `100 - sum(penalty)` clamped into
//! the verdict's band (ready 80-100, portable 50-79, blocked 0-49).
//!
//! A rule costs its penalty once per workload: the first finding of a rule carries the penalty and
//! repeats carry 0, so ten native packages in one image do not count ten times, and the JSON still
//! sums to the score.

use std::collections::HashSet;

use crate::Severity;
use crate::report::{Finding, Verdict};

pub fn verdict(findings: &[Finding]) -> Verdict {
    let counted = || findings.iter().filter(|f| f.suppressed.is_none());
    if counted().any(|f| f.severity == Severity::Blocker) {
        Verdict::Blocked
    } else if counted().any(|f| f.severity == Severity::Warning) {
        Verdict::Portable
    } else {
        Verdict::Ready
    }
}

/// The band a verdict's score is clamped into.
pub fn band(v: Verdict) -> (u32, u32) {
    match v {
        Verdict::Ready => (80, 100),
        Verdict::Portable => (50, 79),
        Verdict::Blocked => (0, 49),
    }
}

/// Zero the penalty of every repeat of a rule (findings must already be in report order), of
/// notes and of suppressed findings; return the verdict and the clamped score.
pub fn score(findings: &mut [Finding]) -> (Verdict, u32) {
    let mut seen = HashSet::new();
    for f in findings.iter_mut() {
        if f.suppressed.is_some() || f.severity == Severity::Note || !seen.insert(f.rule.clone()) {
            f.penalty = 0;
        }
    }
    let v = verdict(findings);
    let total: u32 = findings.iter().map(|f| f.penalty).sum();
    let (lo, hi) = band(v);
    (v, 100u32.saturating_sub(total).clamp(lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Category;

    fn f(rule: &str, severity: Severity, penalty: u32) -> Finding {
        Finding {
            rule: rule.into(),
            category: Category::Udp,
            severity,
            penalty,
            message: String::new(),
            help: String::new(),
            file: String::new(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            related: vec![],
            chain: vec![],
            snippet: None,
            suppressed: None,
        }
    }

    #[test]
    fn clamps_into_the_verdict_band() {
        assert_eq!(score(&mut []), (Verdict::Ready, 100));
        assert_eq!(
            score(&mut [f("WM1", Severity::Warning, 5)]),
            (Verdict::Portable, 79)
        );
        assert_eq!(
            score(&mut [
                f("WM1", Severity::Warning, 30),
                f("WM2", Severity::Warning, 40)
            ]),
            (Verdict::Portable, 50)
        );
        assert_eq!(
            score(&mut [f("WM1", Severity::Blocker, 10)]),
            (Verdict::Blocked, 49)
        );
        assert_eq!(
            score(&mut [
                f("WM1", Severity::Blocker, 80),
                f("WM2", Severity::Blocker, 80)
            ]),
            (Verdict::Blocked, 0)
        );
    }

    #[test]
    fn a_rule_costs_once_per_workload() {
        let mut fs = [
            f("WM1", Severity::Warning, 20),
            f("WM1", Severity::Warning, 20),
            f("WM3", Severity::Note, 9),
        ];
        assert_eq!(score(&mut fs), (Verdict::Portable, 79));
        assert_eq!(
            fs.iter().map(|f| f.penalty).collect::<Vec<_>>(),
            vec![20, 0, 0]
        );
    }

    #[test]
    fn suppressed_findings_do_not_count() {
        let mut blocker = f("WM1", Severity::Blocker, 60);
        blocker.suppressed = Some(crate::report::Suppression {
            reason: "node agent by design".into(),
            file: "k8s/a.yaml".into(),
            line: 3,
        });
        let mut fs = [blocker, f("WM2", Severity::Warning, 10)];
        assert_eq!(score(&mut fs), (Verdict::Portable, 79));
        assert_eq!(fs[0].penalty, 0);
    }
}
