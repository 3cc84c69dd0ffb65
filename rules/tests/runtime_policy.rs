//! A language runtime is judged the same whatever shows it (docs/categories.md, "Severity
//! policy"): every runtime image of the image knowledge base agrees with the runtime table,
//! `rules/data/runtimes.toml`, which the Dockerfile and manifest rules read.

use analyzer::images::{ImageKind, builtin};
use wasm_migrate_rules::runtimes;

#[test]
fn every_runtime_image_agrees_with_the_runtime_table() {
    let mut checked = 0;
    for e in builtin() {
        let Some(cat) = e.category.as_deref() else {
            continue;
        };
        if !matches!(cat, "language-runtime" | "jvm" | "dotnet") {
            continue;
        }
        // Application images (WordPress, Jupyter, the .NET SDK running the app) are judged as
        // the application they are, not as their runtime.
        if matches!(e.kind, ImageKind::AppServer | ImageKind::Tool) {
            continue;
        }
        let language = e
            .runtime_variant
            .clone()
            .unwrap_or_else(|| format!("{:?}", e.runtime).to_lowercase());
        let r = runtimes::runtime(&language)
            .unwrap_or_else(|| panic!("{:?}: no runtime entry `{language}`", e.patterns));
        assert_eq!(
            e.severity.as_deref(),
            Some(r.severity().as_str()),
            "{:?} ({language}) disagrees with rules/data/runtimes.toml",
            e.patterns
        );
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} runtime images checked");
}

#[test]
fn a_variant_names_an_entry_of_the_runtime_table() {
    for e in builtin() {
        if let Some(v) = &e.runtime_variant {
            assert!(runtimes::runtime(v).is_some(), "{:?}: `{v}`", e.patterns);
        }
    }
}
