//! Scoring (DESIGN §4): verdict from the worst severity and from what the tool could place,
//! score `100 - sum(penalty)` clamped into the verdict's band (ready 80-100, portable 50-79,
//! blocked 0-49; `unknown` has no score).
//!
//! A rule costs its penalty once per workload: the first finding of a rule carries the penalty and
//! repeats carry 0, so ten native packages in one image do not count ten times, and the JSON still
//! sums to the score.

use std::collections::HashSet;

use crate::Severity;
use crate::report::{Finding, Verdict};

/// What the inspected facts say about the code a workload runs (see `crate::coverage`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Every main container is placed: its language or image is known (a linked Cargo package, a
    /// Dockerfile whose runtime stage tells the language, an image in the knowledge base, Wasm).
    pub placed: bool,
    /// Positive evidence that the code builds to Wasm or already is Wasm: a language front-end
    /// that read the code (Rust today), a `.wasm` module, a SpinApp or a Wasm runtime class, a
    /// known Wasm image.
    pub wasm: bool,
}

impl Evidence {
    /// Evidence that settles everything: for tests and for reports without coverage.
    pub const FULL: Evidence = Evidence {
        placed: true,
        wasm: true,
    };
}

/// `blocked` on any blocker (a blocker is positive evidence of its own); otherwise `unknown` when
/// the workload's code could not be placed; `portable` on a warning; `ready` only with positive
/// evidence that it is or builds to Wasm, else `unknown`.
pub fn verdict(findings: &[Finding], evidence: Evidence) -> Verdict {
    let counted = || findings.iter().filter(|f| f.suppressed.is_none());
    if counted().any(|f| f.severity == Severity::Blocker) {
        Verdict::Blocked
    } else if !evidence.placed {
        Verdict::Unknown
    } else if counted().any(|f| f.severity == Severity::Warning) {
        Verdict::Portable
    } else if evidence.wasm {
        Verdict::Ready
    } else {
        Verdict::Unknown
    }
}

/// The band a verdict's score is clamped into; `None` for `unknown`, which has no score.
pub fn band(v: Verdict) -> Option<(u32, u32)> {
    match v {
        Verdict::Ready => Some((80, 100)),
        Verdict::Portable => Some((50, 79)),
        Verdict::Blocked => Some((0, 49)),
        Verdict::Unknown => None,
    }
}

/// Zero the penalty of every repeat of a rule (findings must already be in report order), of
/// notes and of suppressed findings; return the verdict and the clamped score (`None` when the
/// verdict is `unknown`).
pub fn score(findings: &mut [Finding], evidence: Evidence) -> (Verdict, Option<u32>) {
    let mut seen = HashSet::new();
    for f in findings.iter_mut() {
        if f.suppressed.is_some() || f.severity == Severity::Note || !seen.insert(f.rule.clone()) {
            f.penalty = 0;
        }
    }
    let v = verdict(findings, evidence);
    let total: u32 = findings.iter().map(|f| f.penalty).sum();
    let score = band(v).map(|(lo, hi)| 100u32.saturating_sub(total).clamp(lo, hi));
    (v, score)
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
        assert_eq!(score(&mut [], Evidence::FULL), (Verdict::Ready, Some(100)));
        assert_eq!(
            score(&mut [f("WM1", Severity::Warning, 5)], Evidence::FULL),
            (Verdict::Portable, Some(79))
        );
        assert_eq!(
            score(
                &mut [
                    f("WM1", Severity::Warning, 30),
                    f("WM2", Severity::Warning, 40)
                ],
                Evidence::FULL
            ),
            (Verdict::Portable, Some(50))
        );
        assert_eq!(
            score(&mut [f("WM1", Severity::Blocker, 10)], Evidence::FULL),
            (Verdict::Blocked, Some(49))
        );
        assert_eq!(
            score(
                &mut [
                    f("WM1", Severity::Blocker, 80),
                    f("WM2", Severity::Blocker, 80)
                ],
                Evidence::FULL
            ),
            (Verdict::Blocked, Some(0))
        );
    }

    #[test]
    fn a_rule_costs_once_per_workload() {
        let mut fs = [
            f("WM1", Severity::Warning, 20),
            f("WM1", Severity::Warning, 20),
            f("WM3", Severity::Note, 9),
        ];
        assert_eq!(
            score(&mut fs, Evidence::FULL),
            (Verdict::Portable, Some(79))
        );
        assert_eq!(
            fs.iter().map(|f| f.penalty).collect::<Vec<_>>(),
            vec![20, 0, 0]
        );
    }

    #[test]
    fn without_evidence_nothing_is_ready_and_unknown_has_no_score() {
        let none = Evidence::default();
        let placed = Evidence {
            placed: true,
            wasm: false,
        };
        // Only a manifest and an image nobody can place: unknown, whatever the notes say.
        assert_eq!(score(&mut [], none), (Verdict::Unknown, None));
        assert_eq!(
            score(&mut [f("WM1", Severity::Warning, 10)], none),
            (Verdict::Unknown, None)
        );
        // A blocker is evidence enough on its own.
        assert_eq!(
            score(&mut [f("WM1", Severity::Blocker, 60)], none),
            (Verdict::Blocked, Some(40))
        );
        // Placed but with nothing proving it builds to Wasm: portable with warnings, else unknown.
        assert_eq!(
            score(&mut [f("WM1", Severity::Warning, 10)], placed),
            (Verdict::Portable, Some(79))
        );
        assert_eq!(score(&mut [], placed), (Verdict::Unknown, None));
        assert_eq!(band(Verdict::Unknown), None);
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
        assert_eq!(
            score(&mut fs, Evidence::FULL),
            (Verdict::Portable, Some(79))
        );
        assert_eq!(fs[0].penalty, 0);
    }
}
