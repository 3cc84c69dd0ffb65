//! Defects 3, 5, 7 and 8: what the scanned files can do to the output. A span past column 65,535
//! panicked miette (exit 101); a 4 MiB one-line Pod with many findings printed 3.79 GB (each
//! snippet repeated the whole line); names and snippets carried terminal escapes (OSC-8 links,
//! screen clearing) to the terminal; a newline in a workload id broke out of its Markdown code span.

use crate::bounded::{repo_with_good_workload, run, write};

/// A one-line (flow-style) Pod whose `hostNetwork` sits past column `pad`.
fn one_line_pod(pad: usize, containers: usize) -> String {
    let cs: Vec<String> = (0..containers)
        .map(|i| {
            format!(
                "{{\"name\":\"c{i}\",\"image\":\"postgres:16\",\"ports\":[{{\"containerPort\":5432}}],\"securityContext\":{{\"privileged\":true}}}}"
            )
        })
        .collect();
    format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{{\"name\":\"p\",\"annotations\":{{\"pad\":\"{}\"}}}},\"spec\":{{\"hostNetwork\":true,\"containers\":[{}]}}}}\n",
        "x".repeat(pad),
        cs.join(",")
    )
}

#[test]
fn a_finding_past_column_65535_renders_without_panicking() {
    let dir = repo_with_good_workload();
    write(
        &dir.path().join("repo/k8s/pod.yaml"),
        &one_line_pod(66_000, 1),
    );
    let r = run(dir.path(), &["scan", "repo"], &[]);
    r.assert_bounded(0, 512);
    let out = r.stdout();
    // The header names the exact place; the snippet is cut around it.
    assert!(
        out.contains("[k8s/pod.yaml:1:660"),
        "{}",
        &out[..out.len().min(4000)]
    );
    assert!(out.len() < 64 * 1024, "{} bytes of output", out.len());
}

#[test]
fn a_four_mib_one_line_pod_with_many_findings_prints_bounded_output() {
    let dir = repo_with_good_workload();
    let text = one_line_pod(4 * 1024 * 1024 - 200_000, 1_000);
    assert!(text.len() < 4 * 1024 * 1024);
    write(&dir.path().join("repo/k8s/pod.yaml"), &text);
    let r = run(dir.path(), &["scan", "repo"], &[]);
    r.assert_bounded(0, 1024);
    // Before: 3.79 GB. Each snippet is now at most a few hundred bytes per line shown.
    assert!(
        r.stdout.len() < 16 * 1024 * 1024,
        "{} bytes of output",
        r.stdout.len()
    );
}

const OSC8: &str = "\u{1b}]8;;http://evil.example/\u{7}click\u{1b}]8;;\u{7}";

#[test]
fn terminal_escapes_in_names_paths_and_snippets_are_printed_escaped() {
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    // An escape in the file name, in metadata.name (YAML double-quoted escapes) and raw in the
    // snippet line of a finding.
    let name = "k8s/evil\u{1b}[2J.yaml";
    write(
        &repo.join(name),
        &format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: \"x\\e]8;;http://evil.example/\\aclick\"\nspec:\n  template:\n    spec:\n      hostNetwork: true # {OSC8}\n      containers:\n      - name: a\n        image: redis:7\n"
        ),
    );
    let r = run(dir.path(), &["scan", "repo"], &[]);
    r.assert_bounded(0, 512);
    let out = r.stdout();
    assert!(out.contains("hostNetwork"), "{out}");
    for c in ['\u{1b}', '\u{7}'] {
        assert!(!out.contains(c), "raw {c:?} in the output:\n{out:?}");
    }
    assert!(
        out.contains("\\u{1b}]8;;http://evil.example/\\u{7}"),
        "{out}"
    );
    assert!(out.contains("evil\\u{1b}[2J.yaml"), "{out}");
}

#[test]
fn a_newline_in_a_workload_id_cannot_break_out_of_the_markdown_comment() {
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    write(
        &repo.join("k8s/forged.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: \"x`\\n\\n| forged | ready |\\n@org/admins <img src=x> <!-- wasm-migrate:report -->\"\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: redis:7\n",
    );
    let r = run(dir.path(), &["scan", "repo", "--format", "markdown"], &[]);
    r.assert_bounded(0, 512);
    let md = r.stdout();
    for line in md.lines() {
        assert!(!line.starts_with("| forged"), "forged table row: {line}");
        assert!(!line.starts_with("@org"), "raw mention: {line}");
    }
    assert!(md.contains("\\u{a}"), "{md}");
    // The real marker opens the comment; a forged one may only appear as text in a code span.
    assert!(md.starts_with("<!-- wasm-migrate:report -->"));
    for line in md.lines().skip(1) {
        if line.contains("<!-- wasm-migrate:report -->") {
            assert!(line.contains('`'), "marker outside a code span: {line}");
        }
    }
}
