//! Test helpers shared by the renderers' unit tests: scan a fixture into a report.

use std::path::{Path, PathBuf};

use rules::engine::{Options, run};
use rules::report::Report;

/// `fixtures/<rel>` in the workspace.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// Scan `dir` with default options; the report's root reads `fixture`.
pub fn scan(dir: &Path) -> Report {
    let repo = analyzer::scan(dir).unwrap_or_else(|e| panic!("scan {}: {e}", dir.display()));
    run(
        &repo,
        &Options {
            root_display: "fixture".into(),
            ..Default::default()
        },
    )
}

/// Copy a fixture tree so a test can edit it.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read fixture dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
