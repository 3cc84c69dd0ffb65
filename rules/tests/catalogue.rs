//! Conventions every rule declaration keeps (STYLE.md), checked so they cannot erode.

use std::collections::HashSet;

use wasm_migrate_rules::all_rules;

#[test]
fn codes_and_names_are_unique() {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for r in all_rules() {
        assert!(
            codes.insert(r.meta().code),
            "duplicate code {}",
            r.meta().code
        );
        assert!(
            names.insert(r.meta().name),
            "duplicate name {}",
            r.meta().name
        );
    }
}

#[test]
fn names_match_files_and_codes_match_directories() {
    for r in all_rules() {
        let m = r.meta();
        assert!(
            m.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{} is not kebab-case",
            m.name
        );
        let file = m.source_file.rsplit('/').next().unwrap_or_default();
        assert_eq!(
            file,
            format!("{}.rs", m.name.replace('-', "_")),
            "{} is declared in {}",
            m.code,
            m.source_file
        );
        let dir = m.source_file.rsplit('/').nth(1).unwrap_or_default();
        let expected: &[&str] = match &m.code[..3] {
            "WM1" => &["dockerfile"],
            "WM2" => &["cargo", "rust"],
            "WM3" => &["k8s"],
            "WM4" => &["wasm"],
            "WM5" => &["python"],
            "WM6" => &["golang"],
            "WM7" => &["node"],
            "WM8" => &["projects"],
            "WM9" => &["meta"],
            other => panic!("unknown code range {other}"),
        };
        assert!(
            expected.contains(&dir),
            "{} lives in {dir}/, expected one of {expected:?}",
            m.code
        );
        assert!(
            m.code.len() == 5 && m.code[2..].chars().all(|c| c.is_ascii_digit()),
            "bad code {}",
            m.code
        );
    }
}

#[test]
fn messages_follow_the_convention() {
    for r in all_rules() {
        let m = r.meta();
        for (what, text) in [("summary", m.summary), ("help", m.help)] {
            assert!(!text.is_empty(), "{} has no {what}", m.code);
            assert!(
                !text.ends_with('.'),
                "{} {what} ends with a period: {text}",
                m.code
            );
            let first = text.chars().next().unwrap_or('a');
            assert!(
                !first.is_uppercase(),
                "{} {what} starts upper-case: {text}",
                m.code
            );
        }
    }
}

#[test]
fn docs_have_every_section() {
    for r in all_rules() {
        let m = r.meta();
        for section in [
            "## What it does",
            "## Why it matters for Wasm",
            "## Example",
            "## How to fix",
        ] {
            assert!(m.doc.contains(section), "{} doc lacks `{section}`", m.code);
        }
    }
}

#[test]
fn notes_cost_nothing_and_others_cost_something() {
    for r in all_rules() {
        let m = r.meta();
        match m.severity {
            wasm_migrate_rules::Severity::Note => {
                assert_eq!(m.penalty, 0, "{} is a note with a penalty", m.code)
            }
            _ => assert!(
                m.penalty > 0 && m.penalty <= 100,
                "{} penalty {} out of range",
                m.code,
                m.penalty
            ),
        }
    }
}

#[test]
fn every_category_is_documented() {
    use wasm_migrate_rules::Category;
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/categories.md"
    ))
    .expect("docs/categories.md");
    let all = [
        Category::RawSocket,
        Category::Udp,
        Category::NonHttpPort,
        Category::HostNetwork,
        Category::NetCaps,
        Category::Privileged,
        Category::NativeLib,
        Category::SysCrate,
        Category::TlsNative,
        Category::AptNativePkg,
        Category::Cgo,
        Category::PersistentVolume,
        Category::Statefulset,
        Category::Hostpath,
        Category::EmbeddedDb,
        Category::WritesFilesystem,
        Category::ShellCommand,
        Category::ExecProbe,
        Category::ProcessSpawn,
        Category::SignalHandling,
        Category::Threads,
        Category::InitContainer,
        Category::Daemonset,
        Category::Jvm,
        Category::Dotnet,
        Category::PythonNative,
        Category::Gpu,
        Category::LargeMemory,
        Category::LanguageRuntime,
        Category::WasmModule,
        Category::WasiImport,
        Category::ParseError,
        Category::Suppression,
        Category::IncompatibleCrate,
        Category::Grpc,
        Category::Controller,
    ];
    for c in all {
        // the serde name and as_str agree, and the doc has a row for it
        assert_eq!(
            serde_json::to_value(c)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .as_deref(),
            Some(c.as_str())
        );
        assert!(
            doc.contains(&format!("| `{}` |", c.as_str())),
            "docs/categories.md has no row for `{}`",
            c.as_str()
        );
    }
}
