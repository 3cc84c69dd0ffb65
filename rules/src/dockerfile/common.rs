//! What the Dockerfile rules share: the package table (`rules/data/packages.toml`) and how a
//! finding names the part of the image a fact comes from.

use std::sync::OnceLock;

use analyzer::dockerfile::Dockerfile;
use serde::Deserialize;

use crate::knowledge::parse_table;

/// One entry of `rules/data/packages.toml`.
#[derive(Clone, Debug, Deserialize)]
pub struct PackageEntry {
    /// Package name; `*` matches any run of characters.
    pub name: String,
    pub reason: String,
    #[serde(default)]
    pub alternative: Option<String>,
    /// `warning` for a native library the program's own language replaces with a local change
    /// (OpenSSL by rustls or the host's TLS); absent: a blocker.
    #[serde(default)]
    pub severity: Option<String>,
    /// Where the entry's judgement comes from (required with `severity`; checked by the
    /// table's test, not shown).
    #[serde(default)]
    #[allow(dead_code)]
    pub source: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PackageTable {
    #[serde(default)]
    pub benign: Vec<PackageEntry>,
    #[serde(default)]
    pub native: Vec<PackageEntry>,
    #[serde(default)]
    pub python: Vec<PackageEntry>,
}

/// The package table, parsed once.
pub fn packages() -> &'static PackageTable {
    static T: OnceLock<PackageTable> = OnceLock::new();
    T.get_or_init(|| parse_table("packages.toml", include_str!("../../data/packages.toml")))
}

/// `*` matches any run of characters; everything else literally (one matcher for every table:
/// the image knowledge base's).
pub use analyzer::images::glob;

fn find<'a>(entries: &'a [PackageEntry], name: &str) -> Option<&'a PackageEntry> {
    entries.iter().find(|e| glob(&e.name, name))
}

/// What an OS package installed in the image is.
#[derive(Debug)]
pub enum OsPackage {
    /// Listed as harmless.
    Benign,
    /// A Python distribution packaged by the OS (`python3-numpy`, `py3-lxml`): judged by
    /// python-native-package, not here.
    Python,
    /// A known native library or program.
    Native(&'static PackageEntry),
    /// Not listed, but named like a shared library (`lib*`).
    Library,
    /// Not listed, but a development headers package (`*-dev`, `*-devel`).
    Headers,
    /// Nothing known: not reported.
    Unknown,
}

/// Classify an OS package name (lower-case, version removed).
pub fn classify_os_package(name: &str) -> OsPackage {
    let t = packages();
    if find(&t.benign, name).is_some() {
        return OsPackage::Benign;
    }
    if python_os_package(name).is_some() {
        return OsPackage::Python;
    }
    if let Some(e) = find(&t.native, name) {
        return OsPackage::Native(e);
    }
    if name.ends_with("-dev") || name.ends_with("-devel") {
        return OsPackage::Headers;
    }
    if name.len() > 3 && name.starts_with("lib") {
        return OsPackage::Library;
    }
    OsPackage::Unknown
}

/// The Python entry for a pip distribution name (normalised).
pub fn python_package(name: &str) -> Option<&'static PackageEntry> {
    find(&packages().python, name)
}

/// `python3-numpy` (Debian) or `py3-numpy` (Alpine) -> the entry for `numpy`.
pub fn python_os_package(name: &str) -> Option<&'static PackageEntry> {
    let rest = name
        .strip_prefix("python3-")
        .or_else(|| name.strip_prefix("py3-"))?;
    python_package(rest)
}

/// How a finding names where a fact is: `the final image`, or `stage `base`, which the final
/// image is built on`.
pub fn image_part(df: &Dockerfile, stage: usize) -> String {
    if df.stages.len().checked_sub(1) == Some(stage) {
        return "the final image".into();
    }
    format!(
        "{}, which the final image is built on",
        stage_name(df, stage)
    )
}

/// `stage `build`` or `stage 0`.
pub fn stage_name(df: &Dockerfile, stage: usize) -> String {
    match df.stage(stage).and_then(|s| s.name.as_ref()) {
        Some(n) => format!("stage `{}`", n.value),
        None => format!("stage {stage}"),
    }
}

/// Long text shortened for a message, on a character boundary.
pub fn shorten(text: &str, max: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_table_parses_and_every_entry_says_why() {
        let text = include_str!("../../data/packages.toml");
        let t: PackageTable = toml::from_str(text).unwrap();
        assert!(t.benign.len() >= 10 && t.native.len() >= 40 && t.python.len() >= 30);
        for e in t.benign.iter().chain(&t.native).chain(&t.python) {
            assert!(!e.reason.trim().is_empty(), "{} has no reason", e.name);
            assert_eq!(
                e.name,
                e.name.to_ascii_lowercase(),
                "{} is not lower-case",
                e.name
            );
        }
        assert_eq!(packages().native.len(), t.native.len());
    }

    #[test]
    fn os_packages_classify() {
        let kind = |n: &str| {
            format!("{:?}", classify_os_package(n))
                .split('(')
                .next()
                .unwrap_or("")
                .to_string()
        };
        assert_eq!(kind("ca-certificates"), "Benign");
        assert_eq!(kind("curl"), "Benign");
        assert_eq!(kind("libc6"), "Benign");
        assert_eq!(kind("libstdc++6"), "Benign");
        assert_eq!(kind("libpq5"), "Native");
        assert_eq!(kind("libpq-dev"), "Native");
        assert_eq!(kind("imagemagick"), "Native");
        assert_eq!(kind("postgresql-client-16"), "Native");
        assert_eq!(kind("python3-numpy"), "Python");
        assert_eq!(kind("py3-lxml"), "Python");
        assert_eq!(kind("libnss3"), "Library");
        assert_eq!(kind("zlib-devel"), "Headers");
        assert_eq!(kind("libavahi-client3"), "Library");
        assert_eq!(kind("git"), "Unknown");
        assert_eq!(kind("python3"), "Unknown");
        assert_eq!(kind("lib"), "Unknown");
    }

    #[test]
    fn glob_matches() {
        assert!(glob("libpq*", "libpq5"));
        assert!(glob("postgresql*-client*", "postgresql-client"));
        assert!(glob("postgresql*-client*", "postgresql16-client"));
        assert!(!glob("libpq*", "xlibpq"));
        assert!(glob("a", "a") && !glob("a", "ab"));
    }

    #[test]
    fn shorten_keeps_characters_whole() {
        assert_eq!(shorten("a  b\n c", 10), "a b c");
        assert_eq!(shorten("ééééé", 3), "éé…");
    }

    #[test]
    fn a_lowered_package_severity_is_valid_and_has_a_source() {
        let lowered: Vec<_> = packages()
            .native
            .iter()
            .filter(|e| e.severity.is_some())
            .collect();
        assert!(lowered.iter().any(|e| e.name == "libssl*"));
        for e in lowered {
            let sev = e.severity.as_deref().and_then(crate::Severity::parse);
            assert!(sev.is_some(), "{}: severity", e.name);
            assert!(
                e.source.as_deref().is_some_and(|s| !s.trim().is_empty()),
                "{}: a lowered severity needs a source",
                e.name
            );
        }
    }
}
