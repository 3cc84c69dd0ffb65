//! Inline suppressions: a finding the team has accepted, silenced where it occurs, with a reason.
//!
//! Forms (DESIGN §7):
//! - `# wasm-migrate: ignore[WM301] reason` in YAML, Dockerfiles, TOML (and any `#`-comment file);
//! - `// wasm-migrate: ignore[WM202] reason` in Rust;
//! - the annotation `wasm-migrate.dev/ignore: "WM301: reason"` on a Kubernetes object, which
//!   covers every finding of the workloads that object defines, in any file.
//!
//! A comment after code on a line covers that line; a comment on a line of its own covers the
//! next line that is neither blank nor a comment. Several codes may share one reason
//! (`ignore[WM301, WM302]`), and rule names work as well as codes. A suppression without a reason
//! or naming an unknown rule is not applied and is reported (`invalid-suppression`); one that
//! silenced nothing is reported as `unused-suppression`. Suppressed findings stay in the report,
//! marked, and do not count in the score.

use analyzer::Repo;
use analyzer::discover::FileKind;
use analyzer::source::{FileId, SourceFile};
use analyzer::span::Span;

use crate::find_rule;
use crate::report::{Finding, Suppression};

const MARKER: &str = "wasm-migrate:";
/// The annotation key on a Kubernetes object.
pub const ANNOTATION: &str = "wasm-migrate.dev/ignore";

/// What a suppression covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Findings in `file` whose lines include this 1-based line.
    Line(usize),
    /// Every finding of the workloads built from this object (index into `Repo::objects`).
    Object(usize),
}

/// One parsed suppression.
#[derive(Clone, Debug)]
pub struct Entry {
    pub file: FileId,
    /// The comment or annotation value, for reporting it.
    pub span: Span,
    /// 1-based line of the comment or annotation.
    pub line: usize,
    pub target: Target,
    /// Rule codes (`WM301`).
    pub codes: Vec<String>,
    pub reason: String,
}

/// A suppression that cannot be applied, and why.
#[derive(Clone, Debug)]
pub struct Invalid {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, Default)]
pub struct Suppressions {
    pub entries: Vec<Entry>,
    pub invalid: Vec<Invalid>,
}

/// Every suppression in the repository's text files and Kubernetes objects.
pub fn collect(repo: &Repo) -> Suppressions {
    let mut out = Suppressions::default();
    for file in &repo.files {
        let kind = repo.kinds.get(file.id.0 as usize).copied();
        let comment = match kind {
            // Go sources and go.mod comment with `//` too.
            Some(FileKind::Rust | FileKind::GoSource | FileKind::GoMod) => "//",
            Some(FileKind::Wasm) | None => continue,
            Some(_) => "#",
        };
        if file.text.contains(MARKER) {
            scan_comments(file, comment, &mut out);
        }
    }
    for (idx, object) in repo.objects.iter().enumerate() {
        let Some(doc) = repo.doc_of(object) else {
            continue;
        };
        let Some(value) = object
            .root(doc)
            .path(&["metadata", "annotations"])
            .and_then(|a| a.get(ANNOTATION))
        else {
            continue;
        };
        let file = repo.file(object.file);
        let span = value.span();
        let line = file.line_col(span.start).line;
        let Some(text) = value.as_str() else {
            out.invalid.push(Invalid {
                file: object.file,
                span,
                message: format!("`{ANNOTATION}` must be a string `CODE: reason`"),
            });
            continue;
        };
        // One `CODES: reason` per line or `;`-separated part.
        for part in text
            .split(['\n', ';'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (codes, reason) = part.split_once(':').unwrap_or((part, ""));
            push(
                &mut out,
                object.file,
                span,
                line,
                Target::Object(idx),
                codes,
                reason,
            );
        }
    }
    out
}

fn scan_comments(file: &SourceFile, comment: &str, out: &mut Suppressions) {
    let lines: Vec<&str> = file.text.split('\n').collect();
    let mut offset = 0;
    for (i, raw) in lines.iter().enumerate() {
        let line_start = offset;
        offset += raw.len() + 1;
        let Some(at) = raw.find(MARKER) else {
            continue;
        };
        // The marker must sit in a comment: the comment token, then only spaces, before it.
        let before = &raw[..at];
        let Some(c) = before.rfind(comment) else {
            continue;
        };
        if !before[c + comment.len()..].trim().is_empty() {
            continue;
        }
        let rest = raw[at + MARKER.len()..].trim_start();
        let Some(rest) = rest.strip_prefix("ignore") else {
            continue;
        };
        let span = Span::new(line_start + c, line_start + raw.trim_end().len());
        let own_line = before[..c].trim().is_empty();
        let target_line = if own_line {
            // The next line that is neither blank nor a comment.
            lines
                .iter()
                .enumerate()
                .skip(i + 1)
                .find(|(_, l)| {
                    let t = l.trim();
                    !t.is_empty() && !t.starts_with(comment)
                })
                .map_or(i + 2, |(j, _)| j + 1)
        } else {
            i + 1
        };
        let Some((codes, reason)) = rest.strip_prefix('[').and_then(|r| r.split_once(']')) else {
            out.invalid.push(Invalid {
                file: file.id,
                span,
                message: "suppression is not `ignore[CODE] reason`".into(),
            });
            continue;
        };
        push(
            out,
            file.id,
            span,
            i + 1,
            Target::Line(target_line),
            codes,
            reason,
        );
    }
}

fn push(
    out: &mut Suppressions,
    file: FileId,
    span: Span,
    line: usize,
    target: Target,
    codes: &str,
    reason: &str,
) {
    let reason = reason
        .trim()
        .trim_start_matches([':', '-', '—'])
        .trim()
        .trim_end_matches(['"', '\''])
        .trim();
    let mut resolved = Vec::new();
    for c in codes.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        match find_rule(c) {
            Some(r) => resolved.push(r.meta().code.to_string()),
            None => {
                out.invalid.push(Invalid {
                    file,
                    span,
                    message: format!("suppression names unknown rule `{c}`"),
                });
                return;
            }
        }
    }
    if resolved.is_empty() {
        out.invalid.push(Invalid {
            file,
            span,
            message: "suppression names no rule".into(),
        });
        return;
    }
    if reason.is_empty() {
        out.invalid.push(Invalid {
            file,
            span,
            message: format!(
                "suppression of {} has no reason; write why after the `]`",
                resolved.join(", ")
            ),
        });
        return;
    }
    out.entries.push(Entry {
        file,
        span,
        line,
        target,
        codes: resolved,
        reason: reason.to_string(),
    });
}

/// Mark the findings of one workload that a suppression covers. `object` is the workload's
/// Kubernetes object, if any. Returns the indices of the entries that matched.
pub fn apply(
    repo: &Repo,
    findings: &mut [Finding],
    object: Option<usize>,
    sups: &Suppressions,
) -> Vec<usize> {
    let mut used = Vec::new();
    for f in findings.iter_mut() {
        let hit = sups.entries.iter().enumerate().find(|(_, e)| {
            e.codes.contains(&f.rule)
                && match e.target {
                    Target::Line(l) => {
                        repo.file(e.file).path == f.file
                            && f.line <= l
                            && l <= f.end_line.max(f.line)
                    }
                    Target::Object(o) => object == Some(o),
                }
        });
        if let Some((i, e)) = hit {
            f.suppressed = Some(Suppression {
                reason: e.reason.clone(),
                file: repo.file(e.file).path.clone(),
                line: e.line,
            });
            used.push(i);
        }
    }
    used
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(path: &str, kind: FileKind, text: &str) -> Suppressions {
        let file = SourceFile::new(FileId(0), path, text);
        let mut out = Suppressions::default();
        let comment = if kind == FileKind::Rust { "//" } else { "#" };
        scan_comments(&file, comment, &mut out);
        out
    }

    #[test]
    fn trailing_comments_cover_their_line_and_own_line_comments_the_next_code_line() {
        let s = entries(
            "k.yaml",
            FileKind::Yaml,
            "spec:\n  hostNetwork: true # wasm-migrate: ignore[WM301] node agent by design\n  # wasm-migrate: ignore[WM302, net-caps] needs the host\n\n  # another comment\n  privileged: true\n",
        );
        assert!(s.invalid.is_empty(), "{:?}", s.invalid);
        assert_eq!(s.entries.len(), 2);
        assert_eq!(s.entries[0].target, Target::Line(2));
        assert_eq!(s.entries[0].codes, vec!["WM301"]);
        assert_eq!(s.entries[0].reason, "node agent by design");
        assert_eq!(s.entries[1].target, Target::Line(6));
        assert_eq!(s.entries[1].line, 3);
        assert_eq!(s.entries[1].codes, vec!["WM302", "WM303"]);
    }

    #[test]
    fn rust_uses_line_comments_and_hash_is_not_a_comment_there() {
        let s = entries(
            "src/main.rs",
            FileKind::Rust,
            "#[derive(Debug)] // wasm-migrate: ignore[WM301] test\n// wasm-migrate: ignore[WM302]: reason here\nfn main() {}\n",
        );
        assert_eq!(s.entries.len(), 2, "{:?}", s.invalid);
        assert_eq!(s.entries[1].target, Target::Line(3));
        assert_eq!(s.entries[1].reason, "reason here");
    }

    #[test]
    fn markers_outside_comments_are_ignored() {
        let s = entries(
            "k.yaml",
            FileKind::Yaml,
            "note: \"wasm-migrate: ignore[WM301] not a comment\"\n",
        );
        assert!(s.entries.is_empty() && s.invalid.is_empty());
    }

    #[test]
    fn missing_reasons_and_unknown_rules_are_invalid() {
        let s = entries(
            "Dockerfile",
            FileKind::Dockerfile,
            "# wasm-migrate: ignore[WM301]\nFROM x\n# wasm-migrate: ignore[WM999] because\nRUN y\n# wasm-migrate: ignore WM301 oops\n",
        );
        assert!(s.entries.is_empty());
        let msgs: Vec<&str> = s.invalid.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(
            msgs,
            vec![
                "suppression of WM301 has no reason; write why after the `]`",
                "suppression names unknown rule `WM999`",
                "suppression is not `ignore[CODE] reason`",
            ]
        );
    }
}
