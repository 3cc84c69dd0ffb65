//! `Cargo.lock` (format v1 to v4) into the resolved package graph.
//!
//! The lock lists every package cargo resolved for any platform, with the features the workspace
//! asked for applied (an optional dependency nobody enables is not in it). Dependency entries are
//! `name`, `name version` or `name version (source)` depending on the format version and on
//! ambiguity; all forms are resolved to package indices here, so the graph is plain indices.

use toml::de::{DeTable, DeValue};

use crate::cargo::tree;
use crate::error::{ErrorKind, FileError};
use crate::source::{FileId, SourceFile};
use crate::span::Span;

#[derive(Clone, Debug)]
pub struct Lockfile {
    pub file: FileId,
    pub path: String,
    /// Repo-relative directory of the lock (the workspace root it belongs to).
    pub dir: String,
    /// 1 to 4. Files without a `version` key are v1 when they carry a `[metadata]` table of
    /// checksums (the v1 layout) and v2 otherwise.
    pub version: u32,
    pub packages: Vec<LockPackage>,
}

#[derive(Clone, Debug)]
pub struct LockPackage {
    pub name: String,
    pub version: String,
    /// `registry+https://...`, `git+https://...#rev`; `None` for workspace members and path
    /// dependencies.
    pub source: Option<String>,
    /// Indices into [`Lockfile::packages`]. Entries that name no package in the file are dropped
    /// (and counted in `unresolved`).
    pub dependencies: Vec<usize>,
    pub unresolved: usize,
    /// The `name = "..."` value of the `[[package]]` entry.
    pub span: Span,
}

impl LockPackage {
    pub fn is_local(&self) -> bool {
        self.source.is_none()
    }

    pub fn is_registry(&self) -> bool {
        self.source
            .as_deref()
            .is_some_and(|s| s.starts_with("registry+") || s.starts_with("sparse+"))
    }
}

impl Lockfile {
    /// All packages with this name (several versions can coexist).
    pub fn find<'a>(&'a self, name: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.packages
            .iter()
            .enumerate()
            .filter(move |(_, p)| p.name == name)
            .map(|(i, _)| i)
    }

    /// The local (path / workspace) package with this name, if any.
    pub fn local(&self, name: &str) -> Option<usize> {
        self.find(name)
            .find(|&i| self.packages.get(i).is_some_and(LockPackage::is_local))
    }
}

/// Parse one `Cargo.lock`. Fails only when the file is not TOML at all.
pub fn parse_lock(file: &SourceFile) -> Result<Lockfile, FileError> {
    let text: &str = &file.text;
    let doc = DeTable::parse(text).map_err(|e| {
        let (msg, sp) = tree::error_parts(&e, text.len());
        FileError::new(
            file.path.clone(),
            ErrorKind::Toml,
            format!("Cargo.lock does not parse: {msg}"),
        )
        .at(file.id, sp)
    })?;
    let root = doc.get_ref();
    let declared = tree::get(root, "version").and_then(|v| match v.get_ref() {
        DeValue::Integer(i) => i.as_str().parse::<u32>().ok(),
        _ => None,
    });
    let version = declared.unwrap_or(if tree::table(root, "metadata").is_some() {
        1
    } else {
        2
    });

    struct Raw {
        deps: Vec<String>,
    }
    let mut packages = Vec::new();
    let mut raws = Vec::new();
    if let Some(v) = tree::get(root, "package")
        && let DeValue::Array(items) = v.get_ref()
    {
        for item in items.iter() {
            let Some(t) = item.get_ref().as_table() else {
                continue;
            };
            let Some((name, name_span)) = tree::string(t, "name") else {
                continue;
            };
            let version = tree::string(t, "version")
                .map(|(s, _)| s)
                .unwrap_or_default();
            let source = tree::string(t, "source").map(|(s, _)| s);
            let deps = tree::get(t, "dependencies")
                .map(tree::strings)
                .unwrap_or_default()
                .into_iter()
                .map(|(s, _)| s)
                .collect();
            packages.push(LockPackage {
                name,
                version,
                source,
                dependencies: Vec::new(),
                unresolved: 0,
                span: name_span,
            });
            raws.push(Raw { deps });
        }
    }

    // Index by name once so resolution is linear in the number of entries.
    let mut by_name: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
    for (i, p) in packages.iter().enumerate() {
        by_name.entry(p.name.as_str()).or_default().push(i);
    }
    let resolved: Vec<(Vec<usize>, usize)> = raws
        .iter()
        .map(|raw| {
            let mut out = Vec::with_capacity(raw.deps.len());
            let mut unresolved = 0;
            for d in &raw.deps {
                match resolve(d, &packages, &by_name) {
                    Some(i) => out.push(i),
                    None => unresolved += 1,
                }
            }
            (out, unresolved)
        })
        .collect();
    for (p, (deps, unresolved)) in packages.iter_mut().zip(resolved) {
        p.dependencies = deps;
        p.unresolved = unresolved;
    }

    let dir = match file.path.rfind('/') {
        Some(i) => file.path.get(..i).unwrap_or_default().to_string(),
        None => String::new(),
    };
    Ok(Lockfile {
        file: file.id,
        path: file.path.clone(),
        dir,
        version,
        packages,
    })
}

/// Resolve `name`, `name version` or `name version (source)`.
fn resolve(
    entry: &str,
    packages: &[LockPackage],
    by_name: &std::collections::HashMap<&str, Vec<usize>>,
) -> Option<usize> {
    let mut parts = entry.splitn(3, ' ');
    let name = parts.next()?;
    let version = parts.next();
    let source = parts
        .next()
        .map(|s| s.trim_start_matches('(').trim_end_matches(')'));
    let candidates = by_name.get(name)?;
    let pick = |i: &&usize| {
        let Some(p) = packages.get(**i) else {
            return false;
        };
        version.is_none_or(|v| p.version == v)
            && source.is_none_or(|s| p.source.as_deref() == Some(s))
    };
    candidates.iter().find(pick).copied().or_else(|| {
        // A v1 source string may differ in spelling (a trailing `#rev` on git sources); fall
        // back to name + version.
        candidates
            .iter()
            .find(|i| {
                packages
                    .get(**i)
                    .is_some_and(|p| version.is_none_or(|v| p.version == v))
            })
            .copied()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Lockfile {
        parse_lock(&SourceFile::new(FileId(1), "Cargo.lock", text)).unwrap()
    }

    fn names(l: &Lockfile, i: usize) -> Vec<String> {
        l.packages[i]
            .dependencies
            .iter()
            .map(|&d| format!("{} {}", l.packages[d].name, l.packages[d].version))
            .collect()
    }

    const V1: &str = r#"[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "openssl 0.10.66 (registry+https://github.com/rust-lang/crates.io-index)",
 "cfg-if 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)",
]

[[package]]
name = "cfg-if"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "openssl"
version = "0.10.66"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "cfg-if 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)",
]

[metadata]
"checksum cfg-if 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)" = "abc"
"#;

    #[test]
    fn reads_v1_with_full_dependency_strings() {
        let l = parse(V1);
        assert_eq!(l.version, 1);
        assert_eq!(l.packages.len(), 3);
        assert_eq!(names(&l, 0), ["openssl 0.10.66", "cfg-if 1.0.0"]);
        assert_eq!(names(&l, 2), ["cfg-if 1.0.0"]);
        assert!(l.packages[0].is_local());
        assert!(l.packages[1].is_registry());
        assert_eq!(l.local("app"), Some(0));
    }

    #[test]
    fn reads_v2_v3_v4_with_short_entries_and_multiple_versions() {
        for (header, want) in [
            ("", 2),
            ("version = 3\n\n", 3),
            ("# comment\nversion = 4\n\n", 4),
        ] {
            let text = format!(
                r#"{header}[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "hyper 0.14.30",
 "hyper 1.4.1",
 "missing",
]

[[package]]
name = "hyper"
version = "0.14.30"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "abc"

[[package]]
name = "hyper"
version = "1.4.1"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["bytes"]

[[package]]
name = "bytes"
version = "1.7.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#
            );
            let f = SourceFile::new(FileId(0), "ws/Cargo.lock", text.as_str());
            let l = parse_lock(&f).unwrap();
            assert_eq!(l.version, want);
            assert_eq!(l.dir, "ws");
            assert_eq!(names(&l, 0), ["hyper 0.14.30", "hyper 1.4.1"]);
            assert_eq!(l.packages[0].unresolved, 1);
            assert_eq!(names(&l, 2), ["bytes 1.7.0"]);
            assert_eq!(l.find("hyper").count(), 2);
            let r = f.region(l.packages[3].span);
            assert_eq!((f.slice(l.packages[3].span), r.column), ("\"bytes\"", 8));
        }
    }

    #[test]
    fn not_toml_is_an_error_and_odd_entries_are_skipped() {
        let e = parse_lock(&SourceFile::new(
            FileId(0),
            "Cargo.lock",
            "[[package]\nname=",
        ))
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Toml);
        let l = parse("package = 5\n");
        assert!(l.packages.is_empty());
        let l = parse(
            "[[package]]\nversion = \"1\"\n[[package]]\nname = \"ok\"\ndependencies = [3, \"ok\"]\n",
        );
        assert_eq!(l.packages.len(), 1);
        assert_eq!(l.packages[0].dependencies, vec![0]);
    }
}
