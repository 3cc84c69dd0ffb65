//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning ingests it.
//!
//! Choices, and why:
//! - One `reportingDescriptor` per rule of the catalogue (plus any code a saved report names that
//!   this build does not know), with the rule's doc as `help.markdown`, so an alert shows the same
//!   text as `wasm-migrate explain`.
//! - `security-severity` on every rule (blocker 8.0, warning 5.0, note 2.0): GitHub sorts and
//!   filters alerts by it.
//! - URIs are repo-relative with `uriBaseId: %SRCROOT%`; GitHub resolves them against the checkout.
//! - A finding shared by several workloads (one Dockerfile used by two Deployments) is ONE result
//!   at its location, its workloads listed as logical locations: code scanning keys alerts by
//!   location, and two identical alerts on one line are noise.
//! - `partialFingerprints` hash rule + file + message, not the line, so an alert survives lines
//!   inserted above it; an occurrence counter separates identical messages in one file.
//! - Evidence chains go into the message text (they have no locations); related locations become
//!   `relatedLocations`.
//! - Suppressed findings are left out: GitHub ignores SARIF `suppressions`, and would show them.
//! - Input problems (`errors`, WM9xx) are results too, so a broken manifest in a PR is annotated
//!   where it breaks; `notes` (what the scan did not do) are tool notifications.

use std::collections::{BTreeMap, HashMap};

use rules::report::{Finding, Report};
use rules::{RuleMeta, Severity, all_rules, find_rule};
use serde_json::{Value, json};

use crate::fingerprint;

pub const URI_BASE_ID: &str = "%SRCROOT%";
const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// SARIF `level` for a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Blocker => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// GitHub's `security-severity` (0.0-10.0; 7.0+ is "high", 4.0+ "medium", else "low").
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Blocker => "8.0",
        Severity::Warning => "5.0",
        Severity::Note => "2.0",
    }
}

/// Tells whether finding `index` of workload `id` is new against a baseline.
pub type IsNew<'a> = &'a dyn Fn(&str, usize) -> bool;

/// The report as a pretty-printed SARIF 2.1.0 log. With a baseline, each result carries `baselineState` (`new` or `unchanged`).
pub fn render_with(report: &Report, is_new: Option<IsNew<'_>>) -> String {
    let log = sarif_log(report, is_new);
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}

fn sarif_log(report: &Report, is_new: Option<IsNew<'_>>) -> Value {
    let mut rules = Rules::catalogue();
    let results = results(report, &mut rules, is_new);
    let notifications: Vec<Value> = report
        .notes
        .iter()
        .map(|n| {
            let mut region = json!({});
            if let Some(line) = n.line {
                region = json!({"startLine": line.max(1)});
            }
            let mut loc = json!({"physicalLocation": {
                "artifactLocation": {"uri": uri(&n.file), "uriBaseId": URI_BASE_ID}
            }});
            if region != json!({}) {
                loc["physicalLocation"]["region"] = region;
            }
            json!({"level": "note", "message": {"text": n.message}, "locations": [loc]})
        })
        .collect();
    // `unknown` workloads have no finding to carry them: each is a notification, and the run's
    // properties count every verdict apart (code scanning shows run properties with the analysis).
    let mut notifications = notifications;
    let mut verdicts = serde_json::Map::new();
    for v in rules::report::Verdict::ALL {
        let n = report.workloads.iter().filter(|w| w.verdict == v).count();
        verdicts.insert(v.as_str().to_string(), json!(n));
    }
    let mut workloads = Vec::new();
    for w in &report.workloads {
        workloads.push(json!({
            "id": w.id,
            "verdict": w.verdict.as_str(),
            "score": w.score,
            "confidence": w.confidence.map(|c| c.as_str()),
            "coverage": w.coverage.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        }));
        if w.verdict == rules::report::Verdict::Unknown {
            let settle = w
                .settle
                .as_deref()
                .map(|s| format!(" To settle it: {s}."))
                .unwrap_or_default();
            notifications.push(json!({
                "level": "warning",
                "message": {"text": format!(
                    "{} is unknown: nothing inspected tells what it runs, so it has no score.{settle}",
                    w.id
                )},
            }));
        }
    }
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "rules": rules.descriptors,
            }},
            "originalUriBaseIds": {
                URI_BASE_ID: {"description": {"text": "the scanned repository's root"}}
            },
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
            "properties": {"verdicts": verdicts, "workloads": workloads},
        }]
    })
}

/// Rule descriptors in catalogue order, with an index for `ruleIndex`.
struct Rules {
    descriptors: Vec<Value>,
    index: HashMap<String, usize>,
}

impl Rules {
    fn catalogue() -> Rules {
        let mut rules = Rules {
            descriptors: Vec::new(),
            index: HashMap::new(),
        };
        for r in all_rules() {
            rules.push(r.meta().code.to_string(), descriptor(r.meta()));
        }
        rules
    }

    fn push(&mut self, code: String, d: Value) -> usize {
        let i = self.descriptors.len();
        self.descriptors.push(d);
        self.index.insert(code, i);
        i
    }

    /// The index of `code`, adding a bare descriptor for a code this build does not know (a
    /// report saved by another version).
    fn index_of(&mut self, code: &str, severity: Severity) -> usize {
        if let Some(&i) = self.index.get(code) {
            return i;
        }
        let d = json!({
            "id": code,
            "shortDescription": {"text": format!("{code} (not in this version's catalogue)")},
            "defaultConfiguration": {"level": level(severity)},
            "properties": {"security-severity": security_severity(severity), "tags": ["wasm-migrate"]},
        });
        self.push(code.to_string(), d)
    }
}

fn descriptor(m: &RuleMeta) -> Value {
    let doc = rules::docs::doc_markdown(m);
    json!({
        "id": m.code,
        "name": m.name,
        "shortDescription": {"text": m.summary},
        "fullDescription": {"text": section_text(&doc, "What it does").unwrap_or_else(|| m.summary.to_string())},
        "help": {"text": m.help, "markdown": doc},
        "defaultConfiguration": {"level": level(m.severity)},
        "properties": {
            "security-severity": security_severity(m.severity),
            "precision": "high",
            "tags": ["wasm-migrate", "portability", m.category.as_str(), m.severity.as_str()],
        },
    })
}

/// The plain text of a `## name` section of a rule doc, lines joined.
fn section_text(doc: &str, name: &str) -> Option<String> {
    let header = format!("## {name}");
    let start = doc.lines().position(|l| l.trim() == header)?;
    let body: Vec<&str> = doc
        .lines()
        .skip(start + 1)
        .take_while(|l| !l.starts_with("## "))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    (!body.is_empty()).then(|| body.join(" "))
}

/// A result's location key: one result per (rule, place, message).
type Place = (String, String, usize, usize, usize, usize, String);

fn place(f: &Finding) -> Place {
    (
        f.rule.clone(),
        f.file.clone(),
        f.line,
        f.column,
        f.end_line,
        f.end_column,
        f.message.clone(),
    )
}

fn results(report: &Report, rules: &mut Rules, is_new: Option<IsNew<'_>>) -> Vec<Value> {
    // Group findings by place, keeping first-seen order and every workload they belong to.
    let mut order: Vec<(Place, &Finding)> = Vec::new();
    let mut workloads: BTreeMap<Place, Vec<&str>> = BTreeMap::new();
    let mut new_places: std::collections::BTreeSet<Place> = Default::default();
    for w in &report.workloads {
        for (i, f) in w.findings.iter().enumerate() {
            if f.suppressed.is_some() {
                continue;
            }
            let p = place(f);
            if is_new.is_some_and(|n| n(&w.id, i)) {
                new_places.insert(p.clone());
            }
            let ws = workloads.entry(p.clone()).or_default();
            if ws.is_empty() {
                order.push((p, f));
            }
            if !ws.contains(&w.id.as_str()) {
                ws.push(&w.id);
            }
        }
    }
    // Input problems in files that no workload finding already reports at that place.
    let error_findings: Vec<Finding> = report
        .errors
        .iter()
        .filter_map(|e| {
            let meta = find_rule(&e.rule).map(|r| r.meta());
            let line = e.line.unwrap_or(1).max(1);
            let column = e.column.unwrap_or(1).max(1);
            let f = Finding {
                rule: e.rule.clone(),
                category: meta.map_or(rules::Category::ParseError, |m| m.category),
                severity: meta.map_or(Severity::Note, |m| m.severity),
                penalty: 0,
                message: e.message.clone(),
                help: meta.map(|m| m.help.to_string()).unwrap_or_default(),
                file: e.file.clone(),
                line,
                column,
                end_line: line,
                end_column: column,
                related: Vec::new(),
                chain: Vec::new(),
                snippet: None,
                suppressed: None,
            };
            let dup = order
                .iter()
                .any(|(p, _)| p.0 == f.rule && p.1 == f.file && p.2 == f.line);
            (!dup).then_some(f)
        })
        .collect();

    let mut occurrences: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(order.len() + error_findings.len());
    let all = order
        .iter()
        .map(|(p, f)| (*f, workloads.get(p).map(Vec::as_slice).unwrap_or(&[])))
        .chain(error_findings.iter().map(|f| (f, &[][..])));
    for (f, ws) in all {
        let key = fingerprint::location_key(f);
        let n = occurrences.entry(key.clone()).or_insert(0);
        *n += 1;
        let mut r = result(f, ws, rules, format!("{key}:{n}"));
        if is_new.is_some() {
            let state = if new_places.contains(&place(f)) {
                "new"
            } else {
                "unchanged"
            };
            r["baselineState"] = json!(state);
        }
        out.push(r);
    }
    out
}

fn result(f: &Finding, workloads: &[&str], rules: &mut Rules, fp: String) -> Value {
    let mut text = f.message.clone();
    if !f.chain.is_empty() {
        text.push_str(&format!("\nchain: {}", f.chain.join(" -> ")));
    }
    if !f.help.is_empty() {
        text.push_str(&format!("\nhelp: {}", f.help));
    }
    let mut location =
        json!({"physicalLocation": physical(&f.file, f.line, f.column, f.end_line, f.end_column)});
    if !workloads.is_empty() {
        location["logicalLocations"] = workloads
            .iter()
            .map(|w| json!({"fullyQualifiedName": w, "kind": "resource"}))
            .collect();
    }
    let mut r = json!({
        "ruleId": f.rule,
        "ruleIndex": rules.index_of(&f.rule, f.severity),
        "level": level(f.severity),
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {"wasmMigrate/v1": fp},
        "properties": {"category": f.category.as_str(), "severity": f.severity.as_str()},
    });
    if !f.chain.is_empty() {
        r["properties"]["chain"] = json!(f.chain);
    }
    if !workloads.is_empty() {
        r["properties"]["workloads"] = json!(workloads);
    }
    if !f.related.is_empty() {
        r["relatedLocations"] = f
            .related
            .iter()
            .enumerate()
            .map(|(i, rl)| {
                json!({
                    "id": i + 1,
                    "physicalLocation": physical(&rl.file, rl.line, rl.column, rl.end_line, rl.end_column),
                    "message": {"text": rl.message},
                })
            })
            .collect();
    }
    r
}

fn physical(file: &str, line: usize, column: usize, end_line: usize, end_column: usize) -> Value {
    // SARIF needs 1-based positions and an end not before the start; a hand-edited report might
    // have neither.
    let line = line.max(1);
    let column = column.max(1);
    let (end_line, end_column) = if (end_line, end_column) < (line, column) {
        (line, column)
    } else {
        (end_line, end_column.max(1))
    };
    json!({
        "artifactLocation": {"uri": uri(file), "uriBaseId": URI_BASE_ID},
        "region": {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column},
    })
}

/// A repo-relative path as a URI reference: `/` separators, and the characters URI syntax
/// reserves percent-encoded (a space in a file name would otherwise make the URI invalid).
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.trim_start_matches("./").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b'\\' => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{fixture, scan};
    use rules::report::Suppression;
    use serde_sarif::sarif::{ReportingDescriptor, Result as SarifResult, Sarif};

    fn parse(report: &Report) -> Sarif {
        serde_json::from_str(&render_with(report, None))
            .expect("typed SARIF model parses the output")
    }

    fn results(s: &Sarif) -> &[SarifResult] {
        s.runs[0].results.as_deref().unwrap_or_default()
    }

    fn rules_of(s: &Sarif) -> &[ReportingDescriptor] {
        s.runs[0].tool.driver.rules.as_deref().unwrap_or_default()
    }

    #[test]
    fn log_has_the_structure_code_scanning_needs() {
        let report = scan(&fixture("reports/basic"));
        let s = parse(&report);
        assert_eq!(s.version, json!("2.1.0"));
        assert_eq!(s.runs.len(), 1);
        let run = &s.runs[0];
        assert_eq!(run.column_kind, Some(json!("unicodeCodePoints")));
        assert_eq!(run.tool.driver.name, "wasm-migrate");
        assert!(
            run.original_uri_base_ids
                .as_ref()
                .unwrap()
                .contains_key(URI_BASE_ID)
        );

        // One descriptor per catalogue rule, each documented and with a security severity.
        assert_eq!(rules_of(&s).len(), all_rules().len());
        for d in rules_of(&s) {
            let meta = find_rule(&d.id)
                .expect("descriptor id is a catalogue code")
                .meta();
            assert_eq!(d.short_description.as_ref().unwrap().text, meta.summary);
            assert!(!d.full_description.as_ref().unwrap().text.is_empty());
            let help = d.help.as_ref().unwrap();
            assert!(
                help.markdown.as_deref().unwrap().contains("## How to fix"),
                "{}",
                d.id
            );
            let props = &d.properties.as_ref().unwrap().additional_properties;
            assert_eq!(
                props["security-severity"],
                json!(security_severity(meta.severity))
            );
            let tags = d.properties.as_ref().unwrap().tags.as_ref().unwrap();
            assert!(tags.contains(&meta.category.as_str().to_string()));
        }
    }

    #[test]
    fn every_finding_is_a_result_at_the_json_line_and_column() {
        let report = scan(&fixture("reports/basic"));
        let s = parse(&report);
        let findings: Vec<&Finding> = report.workloads.iter().flat_map(|w| &w.findings).collect();
        assert!(
            findings.len() >= 5,
            "fixture should produce findings: {findings:?}"
        );
        for f in findings {
            let hit = results(&s).iter().find(|r| {
                let loc = r.locations.as_ref().unwrap()[0]
                    .physical_location
                    .as_ref()
                    .unwrap();
                let region = loc.region.as_ref().unwrap();
                r.rule_id.as_deref() == Some(f.rule.as_str())
                    && loc.artifact_location.as_ref().unwrap().uri.as_deref()
                        == Some(f.file.as_str())
                    && region.start_line == Some(f.line as i64)
                    && region.start_column == Some(f.column as i64)
                    && region.end_line == Some(f.end_line as i64)
                    && region.end_column == Some(f.end_column as i64)
            });
            let r = hit.unwrap_or_else(|| panic!("no result for {f:?}"));
            assert_eq!(
                r.level.as_ref().map(|l| l.to_string()).as_deref(),
                Some(level(f.severity))
            );
            let loc = &r.locations.as_ref().unwrap()[0];
            let art = loc
                .physical_location
                .as_ref()
                .unwrap()
                .artifact_location
                .as_ref()
                .unwrap();
            assert_eq!(art.uri_base_id.as_deref(), Some(URI_BASE_ID));
            let idx = r.rule_index.unwrap() as usize;
            assert_eq!(rules_of(&s)[idx].id, f.rule);
            assert!(
                r.partial_fingerprints
                    .as_ref()
                    .unwrap()
                    .contains_key("wasmMigrate/v1")
            );
        }
    }

    #[test]
    fn columns_count_characters() {
        // `NET_ADMIN` in agent.yaml follows a non-ASCII "é" on its line; its column counts the
        // "é" as one character.
        let report = scan(&fixture("reports/basic"));
        let s = parse(&report);
        let text = std::fs::read_to_string(fixture("reports/basic/k8s/agent.yaml")).unwrap();
        let line = text
            .lines()
            .position(|l| l.contains("add: [NET_ADMIN]"))
            .unwrap()
            + 1;
        let l = text.lines().nth(line - 1).unwrap();
        let col = l[..l.find("NET_ADMIN").unwrap()].chars().count() + 1;
        let r = results(&s)
            .iter()
            .find(|r| r.rule_id.as_deref() == Some("WM303"))
            .expect("WM303 result");
        let region = r.locations.as_ref().unwrap()[0]
            .physical_location
            .as_ref()
            .unwrap()
            .region
            .as_ref()
            .unwrap();
        assert_eq!(region.start_line, Some(line as i64));
        assert_eq!(region.start_column, Some(col as i64));
        assert_eq!(
            region.end_column,
            Some(col as i64 + "NET_ADMIN".len() as i64)
        );
    }

    #[test]
    fn fingerprints_survive_lines_inserted_above() {
        let dir = tempfile::tempdir().unwrap();
        crate::testutil::copy_dir(&fixture("reports/basic"), dir.path());
        let before = parse(&scan(dir.path()));
        let agent = dir.path().join("k8s/agent.yaml");
        let text = std::fs::read_to_string(&agent).unwrap();
        std::fs::write(&agent, format!("# one\n# two\n# three\n{text}")).unwrap();
        let after = parse(&scan(dir.path()));
        let key = |s: &Sarif| -> Vec<(String, String, i64)> {
            let mut v: Vec<_> = results(s)
                .iter()
                .map(|r| {
                    let loc = r.locations.as_ref().unwrap()[0]
                        .physical_location
                        .as_ref()
                        .unwrap();
                    (
                        r.rule_id.clone().unwrap(),
                        r.partial_fingerprints.as_ref().unwrap()["wasmMigrate/v1"].clone(),
                        loc.region.as_ref().unwrap().start_line.unwrap(),
                    )
                })
                .collect();
            v.sort();
            v
        };
        let (b, a) = (key(&before), key(&after));
        assert_eq!(b.len(), a.len());
        for (b, a) in b.iter().zip(&a) {
            assert_eq!(
                (&b.0, &b.1),
                (&a.0, &a.1),
                "fingerprint moved with the line"
            );
            if b.0 != "WM901" {
                // Findings in agent.yaml moved three lines down; others stayed.
                assert!(a.2 == b.2 + 3 || a.2 == b.2);
            }
        }
        assert!(a.iter().zip(&b).any(|(a, b)| a.2 == b.2 + 3));
    }

    #[test]
    fn identical_messages_in_one_file_get_distinct_fingerprints() {
        let report = scan(&fixture("reports/basic"));
        let s = parse(&report);
        let mut fps: Vec<&String> = results(&s)
            .iter()
            .map(|r| &r.partial_fingerprints.as_ref().unwrap()["wasmMigrate/v1"])
            .collect();
        let n = fps.len();
        fps.sort();
        fps.dedup();
        assert_eq!(fps.len(), n, "fingerprints must be unique within a run");
    }

    #[test]
    fn suppressed_findings_are_left_out_and_shared_findings_appear_once() {
        let mut report = scan(&fixture("reports/basic"));
        let agent = report
            .workloads
            .iter()
            .position(|w| w.id == "DaemonSet/ops/agent")
            .expect("agent workload");
        // Pretend a second workload shares the agent's manifest findings.
        let mut twin = report.workloads[agent].clone();
        twin.id = "DaemonSet/ops/agent-twin".into();
        report.workloads.push(twin);
        let total_before = results(&parse(&report)).len();
        let r = results(&parse(&report))
            .iter()
            .find(|r| r.rule_id.as_deref() == Some("WM301"))
            .map(|r| {
                r.locations.as_ref().unwrap()[0]
                    .logical_locations
                    .clone()
                    .unwrap()
            })
            .unwrap();
        let names: Vec<_> = r
            .iter()
            .filter_map(|l| l.fully_qualified_name.clone())
            .collect();
        assert_eq!(
            names,
            vec!["DaemonSet/ops/agent", "DaemonSet/ops/agent-twin"]
        );

        for w in &mut report.workloads {
            for f in w.findings.iter_mut().filter(|f| f.rule == "WM301") {
                f.suppressed = Some(Suppression {
                    reason: "node agent by design".into(),
                    file: f.file.clone(),
                    line: f.line - 1,
                });
            }
        }
        let s = parse(&report);
        assert!(
            results(&s)
                .iter()
                .all(|r| r.rule_id.as_deref() != Some("WM301"))
        );
        assert_eq!(results(&s).len(), total_before - 1);
    }

    #[test]
    fn input_errors_are_results_and_notes_are_notifications() {
        let mut report = scan(&fixture("reports/basic"));
        report.notes.push(rules::report::NoteEntry {
            file: "charts/web/Chart.yaml".into(),
            line: None,
            message: "Helm chart not rendered".into(),
        });
        let s = parse(&report);
        let e = results(&s)
            .iter()
            .find(|r| r.rule_id.as_deref() == Some("WM901"))
            .expect("WM901 result for k8s/broken.yaml");
        let loc = e.locations.as_ref().unwrap()[0]
            .physical_location
            .as_ref()
            .unwrap();
        assert_eq!(
            loc.artifact_location.as_ref().unwrap().uri.as_deref(),
            Some("k8s/broken.yaml")
        );
        let err = &report.errors[0];
        assert_eq!(
            loc.region.as_ref().unwrap().start_line,
            err.line.map(|l| l as i64)
        );
        let inv = &s.runs[0].invocations.as_ref().unwrap()[0];
        let all = inv.tool_execution_notifications.as_ref().unwrap();
        // Notes of the scan, then one warning per `unknown` workload.
        let notes: Vec<_> = all
            .iter()
            .filter(|n| {
                !n.message
                    .text
                    .as_deref()
                    .unwrap_or_default()
                    .contains(" is unknown: ")
            })
            .collect();
        assert_eq!(notes.len(), 1);
        assert_eq!(
            notes[0].message.text.as_deref(),
            Some("Helm chart not rendered")
        );
    }

    #[test]
    fn unknown_rule_codes_get_a_descriptor() {
        let mut report = scan(&fixture("reports/basic"));
        report.workloads[0].findings[0].rule = "WM999".into();
        let s = parse(&report);
        let r = results(&s)
            .iter()
            .find(|r| r.rule_id.as_deref() == Some("WM999"))
            .unwrap();
        assert_eq!(rules_of(&s)[r.rule_index.unwrap() as usize].id, "WM999");
    }

    /// The results and notifications on the fixture, with `ruleIndex` (which shifts whenever a
    /// rule is added to the catalogue) and the tool version left out.
    #[test]
    fn snapshot_of_results() {
        let report = scan(&fixture("reports/basic"));
        let mut v: Value = serde_json::from_str(&render_with(&report, None)).unwrap();
        let run = &mut v["runs"][0];
        for r in run["results"].as_array_mut().unwrap() {
            r.as_object_mut().unwrap().remove("ruleIndex");
        }
        let shown = json!({"results": run["results"], "invocations": run["invocations"]});
        insta::assert_snapshot!(serde_json::to_string_pretty(&shown).unwrap());
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(uri("k8s/a b.yaml"), "k8s/a%20b.yaml");
        assert_eq!(uri("./x/é.yaml"), "x/%C3%A9.yaml");
        assert_eq!(uri("dir\\file"), "dir/file");
    }
}
