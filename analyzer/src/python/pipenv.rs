//! Pipenv's files: the `[packages]` of a `Pipfile` (TOML; `[dev-packages]` is not shipped) and
//! the `default` section of a `Pipfile.lock` (JSON; `develop` is not shipped), each package at
//! its name in the file. The lock is scanned as JSON tokens, without building a tree, so a
//! malformed one still yields what precedes the fault; [`json_error`] says where it is.

use crate::dockerfile::Requirement;
use crate::span::Span;

use super::project::{LockedPackage, dependency_key, normalise};

/// Containers nested deeper than this end the scan (a `Pipfile.lock` is 3 levels deep).
const MAX_DEPTH: usize = 64;
/// Packages read from one lock, at most.
const MAX_PACKAGES: usize = 100_000;

/// The packages a `Pipfile`'s `[packages]` table names.
pub fn pipfile_packages(text: &str) -> Vec<Requirement> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let t = line.split('#').next().unwrap_or("").trim();
        if t.starts_with('[') {
            section = t.trim_matches(['[', ']']).trim().to_string();
            continue;
        }
        if section == "packages" {
            out.extend(dependency_key(line, start));
        }
    }
    out
}

/// The packages of a `Pipfile.lock`'s top-level `default` object, each at its key. Pipenv locks
/// hashes, not wheel file names, so whether only platform wheels exist is not known here.
pub fn pipfile_lock_packages(text: &str) -> Vec<LockedPackage> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    // For each open container: is it an object (`true`) or an array.
    let mut stack: Vec<bool> = Vec::new();
    let mut expect_key = false;
    let mut top_key = String::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' | b'[' => {
                if stack.len() >= MAX_DEPTH {
                    break;
                }
                stack.push(b[i] == b'{');
                expect_key = b[i] == b'{';
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                expect_key = false;
                i += 1;
            }
            b',' => {
                expect_key = stack.last() == Some(&true);
                i += 1;
            }
            b'"' => {
                let start = i + 1;
                let mut j = start;
                let mut escaped = false;
                while j < b.len() && b[j] != b'"' {
                    if b[j] == b'\\' {
                        escaped = true;
                        j += 1;
                    }
                    j += 1;
                }
                let end = j.min(b.len());
                if expect_key {
                    let key = &text[start..end];
                    if stack.len() == 1 {
                        top_key = key.to_string();
                    } else if stack.len() == 2
                        && top_key == "default"
                        && !escaped
                        && !key.is_empty()
                        && out.len() < MAX_PACKAGES
                    {
                        out.push(LockedPackage {
                            name: normalise(key),
                            span: Span::new(start, end),
                            only_platform_wheels: false,
                        });
                    }
                    expect_key = false;
                }
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// Where a `Pipfile.lock` stops being JSON, if it does: the message and the offending byte.
pub fn json_error(text: &str) -> Option<(String, Span)> {
    let e = serde_json::from_str::<serde::de::IgnoredAny>(text).err()?;
    // serde_json counts lines and columns from 1; turn them back into a byte offset.
    let at = text
        .split_inclusive('\n')
        .take(e.line().saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        + e.column().saturating_sub(1);
    let at = at.min(text.len());
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    Some((msg, Span::new(at, (at + 1).min(text.len()))))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"{
    "_meta": {"hash": {"sha256": "ab"}, "requires": {"python_version": "3.12"}},
    "default": {
        "flask": {"hashes": ["sha256:1"], "version": "==3.0.3"},
        "psycopg2": {
            "hashes": ["sha256:2", "sha256:3"],
            "markers": "python_version >= '3.7'",
            "version": "==2.9.9"
        },
        "svc": {"editable": true, "path": "."}
    },
    "develop": {"pytest": {"version": "==8.2"}}
}
"#;

    #[test]
    fn default_packages_at_their_keys_develop_left_out() {
        let p = pipfile_lock_packages(LOCK);
        let names: Vec<_> = p.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["flask", "psycopg2", "svc"]);
        assert_eq!(&LOCK[p[1].span.start..p[1].span.end], "psycopg2");
        assert!(json_error(LOCK).is_none());
    }

    #[test]
    fn a_malformed_lock_says_where_and_keeps_what_precedes() {
        let bad = "{\n  \"default\": {\n    \"lxml\": {\"version\": \"==5\"},\n    \"numpy\" {}\n";
        let (msg, span) = json_error(bad).expect("an error");
        assert!(!msg.is_empty());
        assert_eq!(bad[..span.start].matches('\n').count(), 3, "{msg}");
        let names: Vec<_> = pipfile_lock_packages(bad)
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names[0], "lxml");
        // Hostile nesting ends the scan instead of growing the stack.
        let deep = "[".repeat(1_000_000);
        assert!(pipfile_lock_packages(&deep).is_empty());
        assert!(json_error(&deep).is_some());
    }

    #[test]
    fn pipfile_packages_not_dev_packages() {
        let text = "[[source]]\nurl = \"https://pypi.org/simple\"\nname = \"pypi\"\n\n[packages]\nflask = \"*\"\n\"psycopg2-binary\" = {version = \"==2.9\"}\n\n[dev-packages]\npytest = \"*\"\n\n[requires]\npython_version = \"3.12\"\n";
        let p = pipfile_packages(text);
        let names: Vec<_> = p.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["flask", "psycopg2-binary"]);
        assert_eq!(&text[p[1].span.start..p[1].span.end], "psycopg2-binary");
    }
}
