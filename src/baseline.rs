//! Comparing a report with a baseline (`--baseline BASE.json`): score deltas per workload and
//! which findings are new and which are fixed.
//!
//! Findings are matched by [`workload_key`] (workload, rule, file, message), never by line, so a
//! finding that only moved is neither new nor fixed. Keys are matched as a multiset: two identical
//! findings in the base and three now means one new. Suppressed findings take part in matching
//! (a finding suppressed since the base is not "fixed", and one suppressed now is not "new") but
//! are never listed.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, bail};
use rules::report::{Finding, READABLE_SCHEMA_VERSIONS, Report, Verdict};

use crate::fingerprint::{hash, normalize};

/// The identity of a finding within a workload.
pub fn workload_key(workload: &str, f: &Finding) -> u64 {
    hash(&[workload, &f.rule, &f.file, &normalize(&f.message)])
}

/// Read a saved JSON report of this schema version or the previous one (a version-1 report reads
/// as one with no coverage or confidence); any other version is refused (exit 2).
pub fn load(path: &Path) -> anyhow::Result<Report> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read report {}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    let version = value.get("schema_version").and_then(|v| v.as_u64());
    if !version.is_some_and(|v| READABLE_SCHEMA_VERSIONS.iter().any(|r| u64::from(*r) == v)) {
        bail!(
            "{} has schema_version {}, this build reads {}; re-run the scan with this version",
            path.display(),
            version.map_or("(none)".to_string(), |v| v.to_string()),
            READABLE_SCHEMA_VERSIONS
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(" and ")
        );
    }
    serde_json::from_value(value)
        .with_context(|| format!("{} is not a wasm-migrate report", path.display()))
}

/// How one workload changed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkloadDelta {
    /// The base's score (`None` when it was `unknown`) and verdict; `None` for a workload the
    /// base did not have.
    pub base: Option<(Option<u32>, Verdict)>,
    /// Indices into the current workload's `findings` of findings the base did not have.
    pub new: Vec<usize>,
    /// Findings the base had and the current report does not.
    pub fixed: Vec<Finding>,
}

/// The whole comparison.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Comparison {
    /// By current workload id.
    pub workloads: HashMap<String, WorkloadDelta>,
    /// Workloads only the base had, with their score, verdict and (unsuppressed) findings.
    pub removed: Vec<(String, Option<u32>, Verdict, Vec<Finding>)>,
}

impl Comparison {
    pub fn delta(&self, id: &str) -> Option<&WorkloadDelta> {
        self.workloads.get(id)
    }

    /// Whether finding `index` of workload `id` is new.
    pub fn is_new(&self, id: &str, index: usize) -> bool {
        self.workloads
            .get(id)
            .is_some_and(|d| d.new.contains(&index))
    }

    pub fn new_count(&self) -> usize {
        self.workloads.values().map(|d| d.new.len()).sum()
    }

    pub fn fixed_count(&self) -> usize {
        self.workloads
            .values()
            .map(|d| d.fixed.len())
            .sum::<usize>()
            + self.removed.iter().map(|r| r.3.len()).sum::<usize>()
    }
}

pub fn compare(current: &Report, base: &Report) -> Comparison {
    let base_by_id: HashMap<&str, &rules::report::WorkloadReport> =
        base.workloads.iter().map(|w| (w.id.as_str(), w)).collect();
    let mut out = Comparison::default();
    for w in &current.workloads {
        let mut delta = WorkloadDelta::default();
        let mut pool: BTreeMap<u64, Vec<&Finding>> = BTreeMap::new();
        if let Some(b) = base_by_id.get(w.id.as_str()) {
            delta.base = Some((b.score, b.verdict));
            for f in &b.findings {
                pool.entry(workload_key(&b.id, f)).or_default().push(f);
            }
        }
        for (i, f) in w.findings.iter().enumerate() {
            let matched = pool
                .get_mut(&workload_key(&w.id, f))
                .and_then(|v| v.pop())
                .is_some();
            if !matched && f.suppressed.is_none() {
                delta.new.push(i);
            }
        }
        delta.fixed = pool
            .into_values()
            .flatten()
            .filter(|f| f.suppressed.is_none())
            .cloned()
            .collect();
        delta
            .fixed
            .sort_by(|a, b| (&a.file, a.line, &a.rule).cmp(&(&b.file, b.line, &b.rule)));
        out.workloads.insert(w.id.clone(), delta);
    }
    let current_ids: std::collections::HashSet<&str> =
        current.workloads.iter().map(|w| w.id.as_str()).collect();
    for b in &base.workloads {
        if !current_ids.contains(b.id.as_str()) {
            let findings = b
                .findings
                .iter()
                .filter(|f| f.suppressed.is_none())
                .cloned()
                .collect();
            out.removed
                .push((b.id.clone(), b.score, b.verdict, findings));
        }
    }
    out
}

/// The report restricted to what `--new-only` shows: each workload keeps only its new findings.
/// Scores and verdicts stay those of the full scan (they describe the workload, not the diff).
pub fn new_only(report: &Report, cmp: &Comparison) -> Report {
    let mut out = report.clone();
    for w in &mut out.workloads {
        let new = cmp.delta(&w.id).map(|d| d.new.clone()).unwrap_or_default();
        w.findings = std::mem::take(&mut w.findings)
            .into_iter()
            .enumerate()
            .filter(|(i, _)| new.contains(i))
            .map(|(_, f)| f)
            .collect();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{fixture, scan};

    #[test]
    fn identical_reports_have_nothing_new_or_fixed() {
        let r = scan(&fixture("reports/basic"));
        let c = compare(&r, &r);
        assert_eq!((c.new_count(), c.fixed_count()), (0, 0));
        assert!(c.removed.is_empty());
        for w in &r.workloads {
            assert_eq!(c.delta(&w.id).unwrap().base, Some((w.score, w.verdict)));
        }
    }

    #[test]
    fn moved_findings_are_not_new_and_duplicates_count_as_a_multiset() {
        let base = scan(&fixture("reports/basic"));
        let mut cur = base.clone();
        let ping = cur
            .workloads
            .iter_mut()
            .find(|w| w.id == "Job/default/ping")
            .unwrap();
        // Shift every line, and add a third copy of an existing finding.
        for f in &mut ping.findings {
            f.line += 10;
        }
        let extra = ping.findings[0].clone();
        ping.findings.push(extra);
        let c = compare(&cur, &base);
        assert_eq!(c.delta("Job/default/ping").unwrap().new, vec![2]);
        assert_eq!(c.fixed_count(), 0);
    }

    #[test]
    fn removed_workloads_and_fixed_findings_are_reported() {
        let base = scan(&fixture("reports/basic"));
        let mut cur = base.clone();
        cur.workloads.retain(|w| w.id != "Job/default/ping");
        let agent = cur
            .workloads
            .iter_mut()
            .find(|w| w.id == "DaemonSet/ops/agent")
            .unwrap();
        let gone = agent.findings.remove(0);
        let c = compare(&cur, &base);
        assert_eq!(c.delta("DaemonSet/ops/agent").unwrap().fixed, vec![gone]);
        assert_eq!(c.removed.len(), 1);
        assert_eq!(c.removed[0].0, "Job/default/ping");
        assert_eq!(c.fixed_count(), 1 + c.removed[0].3.len());
    }

    #[test]
    fn a_version_1_report_still_loads_and_compares() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("v1.json");
        std::fs::write(
            &p,
            r#"{"schema_version": 1, "tool": {"name": "wasm-migrate", "version": "0.1.0"},
                "root": ".", "errors": [], "notes": [],
                "workloads": [{"id": "Deployment/default/web", "kind": "Deployment",
                  "name": "web", "namespace": null, "sources": ["k8s/web.yaml"], "links": [],
                  "language": null, "score": 100, "verdict": "ready", "runtime": null,
                  "findings": []}]}"#,
        )
        .unwrap();
        let base = load(&p).expect("a version-1 report is read");
        let w = &base.workloads[0];
        assert_eq!((w.score, w.verdict), (Some(100), Verdict::Ready));
        assert!(w.coverage.is_empty() && w.confidence.is_none());
        // The same workload is unknown now: the delta has no number, the verdict change shows.
        let mut cur = base.clone();
        cur.workloads[0].score = None;
        cur.workloads[0].verdict = Verdict::Unknown;
        let c = compare(&cur, &base);
        assert_eq!(
            c.delta("Deployment/default/web").unwrap().base,
            Some((Some(100), Verdict::Ready))
        );
    }

    #[test]
    fn load_refuses_other_schema_versions() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.json");
        std::fs::write(&p, r#"{"schema_version": 3}"#).unwrap();
        let err = load(&p).unwrap_err().to_string();
        assert!(err.contains("schema_version 3"), "{err}");
        assert!(err.contains("reads 1 and 2"), "{err}");
        std::fs::write(&p, "not json").unwrap();
        assert!(load(&p).unwrap_err().to_string().contains("is not JSON"));
    }
}
