//! `Cargo.toml` into a span-keeping [`Manifest`]: package, workspace, targets, dependencies.
//!
//! Only what the analysis needs is read; unknown keys are ignored, wrong types are skipped (cargo
//! itself would reject them, and the rules should still see the rest of the file). Every
//! dependency keeps the span of its key so a finding points at the exact line that declares it.

use toml::de::{DeTable, DeValue};

use crate::cargo::cfg::{WasiTarget, target_key_applies};
use crate::cargo::tree::{self, Val, span};
use crate::error::{ErrorKind, FileError};
use crate::source::{FileId, SourceFile};
use crate::span::Span;

/// One parsed `Cargo.toml`.
#[derive(Clone, Debug)]
pub struct Manifest {
    pub file: FileId,
    /// Repo-relative path of the manifest.
    pub path: String,
    /// Repo-relative directory of the manifest (`""` at the root).
    pub dir: String,
    pub package: Option<Package>,
    pub workspace: Option<WorkspaceDecl>,
    /// Every dependency of every section, in source order.
    pub dependencies: Vec<Dependency>,
    /// The `[features]` table, in source order.
    pub features: Vec<FeatureDecl>,
    /// `[lib]`, `[[bin]]`, `[[example]]`, `[[test]]`, `[[bench]]` as declared (autodiscovered
    /// targets are added when the workspace is assembled, because that needs the file list).
    pub targets: Vec<TargetDecl>,
    /// `package.autobins` (default true).
    pub autobins: bool,
}

#[derive(Clone, Debug)]
pub struct Package {
    pub name: String,
    pub name_span: Span,
    /// `None` when absent or inherited (`version.workspace = true`).
    pub version: Option<String>,
    pub build: BuildDecl,
    /// `links = "z"`: the package links a native library (cargo allows one package per name).
    pub links: Option<(String, Span)>,
    /// `package.workspace = "../.."`: an explicit workspace root.
    pub workspace: Option<String>,
    /// The `[package]` header.
    pub span: Span,
}

/// The `build` key: absent means cargo uses `build.rs` next to the manifest if it exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildDecl {
    Auto,
    Disabled,
    Path(String, Span),
}

#[derive(Clone, Debug, Default)]
pub struct WorkspaceDecl {
    pub members: Vec<(String, Span)>,
    pub exclude: Vec<(String, Span)>,
    /// `[workspace.dependencies]`, kind [`DepKind::Normal`], never inheriting.
    pub dependencies: Vec<Dependency>,
    /// The `[workspace]` header.
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DepKind {
    Normal,
    Build,
    Dev,
}

impl DepKind {
    pub fn section(self) -> &'static str {
        match self {
            DepKind::Normal => "dependencies",
            DepKind::Build => "build-dependencies",
            DepKind::Dev => "dev-dependencies",
        }
    }
}

/// Where a dependency comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DepSource {
    /// crates.io or a named registry.
    Registry { registry: Option<String> },
    /// `path = "..."`, as written (relative to the manifest's directory).
    Path(String),
    /// `git = "..."` with the `branch`/`tag`/`rev` if one is given.
    Git {
        url: String,
        reference: Option<String>,
    },
}

/// A `[target.X.*dependencies]` condition and whether it holds on each WASI target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepTarget {
    /// The key as written: `cfg(unix)` or a target triple.
    pub key: String,
    pub span: Span,
    pub wasip1: bool,
    pub wasip2: bool,
    /// Set when the cfg expression does not parse (it then counts as not applying, as cargo
    /// would refuse the manifest).
    pub error: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Dependency {
    /// The name code uses (the table key; differs from `package` when renamed).
    pub key: String,
    /// The crate's real name (`package = "..."`, else the key).
    pub package: String,
    pub kind: DepKind,
    pub target: Option<DepTarget>,
    /// The version requirement as written.
    pub req: Option<String>,
    pub source: DepSource,
    pub features: Vec<String>,
    /// `default-features` as written; `None` when not stated (cargo's default is on).
    pub default_features: Option<bool>,
    pub optional: bool,
    /// `dep.workspace = true`: the rest comes from `[workspace.dependencies]`.
    pub inherits: bool,
    /// The key: the line a chain starting here points at.
    pub span: Span,
    /// Key through the end of the value (or the header for `[dependencies.x]` tables).
    pub entry_span: Span,
}

impl Dependency {
    /// True when this dependency is compiled for the given WASI target in a normal build
    /// (dev-dependencies never are; build-dependencies run on the host).
    pub fn builds_for(&self, target: WasiTarget) -> bool {
        self.kind == DepKind::Normal
            && self.target.as_ref().is_none_or(|t| match target {
                WasiTarget::P1 => t.wasip1,
                WasiTarget::P2 => t.wasip2,
            })
    }

    /// Default features on, as cargo decides when the key is absent.
    pub fn uses_default_features(&self) -> bool {
        self.default_features.unwrap_or(true)
    }
}

#[derive(Clone, Debug)]
pub struct FeatureDecl {
    pub name: String,
    pub span: Span,
    /// The feature's items: `other`, `dep:x`, `x/feat`, `x?/feat`.
    pub enables: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TargetKind {
    Lib,
    Cdylib,
    ProcMacro,
    Bin,
    Example,
    Test,
    Bench,
}

#[derive(Clone, Debug)]
pub struct TargetDecl {
    pub kind: TargetKind,
    pub name: Option<String>,
    /// `path = "..."`, relative to the manifest's directory.
    pub path: Option<String>,
    /// The table header (`[[bin]]`, `[lib]`), or the `crate-type` value for a cdylib.
    pub span: Span,
}

/// Parse one `Cargo.toml`. Fails only when the file is not TOML at all.
pub fn parse_manifest(file: &SourceFile) -> Result<Manifest, FileError> {
    let text: &str = &file.text;
    let doc = DeTable::parse(text).map_err(|e| {
        let (msg, sp) = tree::error_parts(&e, text.len());
        FileError::new(
            file.path.clone(),
            ErrorKind::Toml,
            format!("Cargo.toml does not parse: {msg}"),
        )
        .at(file.id, sp)
    })?;
    let root = doc.get_ref();
    let dir = match file.path.rfind('/') {
        Some(i) => file.path.get(..i).unwrap_or_default().to_string(),
        None => String::new(),
    };
    let mut m = Manifest {
        file: file.id,
        path: file.path.clone(),
        dir,
        package: None,
        workspace: None,
        dependencies: Vec::new(),
        features: Vec::new(),
        targets: Vec::new(),
        autobins: true,
    };

    if let Some(pv) = tree::get(root, "package").or_else(|| tree::get(root, "project"))
        && let Some(p) = pv.get_ref().as_table()
    {
        m.package = Some(read_package(p, pv));
        m.autobins = tree::bool_of(p, &["autobins"]).unwrap_or(true);
    }
    if let Some(wv) = tree::get(root, "workspace")
        && let Some(w) = wv.get_ref().as_table()
    {
        m.workspace = Some(read_workspace(w, wv));
    }

    for kind in [DepKind::Normal, DepKind::Build, DepKind::Dev] {
        read_dep_section(root, kind, None, &mut m.dependencies);
    }
    if let Some(targets) = tree::table(root, "target") {
        for (tk, tv) in targets.iter() {
            let Some(tt) = tv.get_ref().as_table() else {
                continue;
            };
            let key = tk.get_ref().to_string();
            let (wasip1, wasip2, error) = match (
                target_key_applies(&key, WasiTarget::P1),
                target_key_applies(&key, WasiTarget::P2),
            ) {
                (Ok(a), Ok(b)) => (a, b, None),
                (Err(e), _) | (_, Err(e)) => (false, false, Some(e)),
            };
            let target = DepTarget {
                key,
                span: span(tk),
                wasip1,
                wasip2,
                error,
            };
            for kind in [DepKind::Normal, DepKind::Build, DepKind::Dev] {
                read_dep_section(tt, kind, Some(&target), &mut m.dependencies);
            }
        }
    }
    m.dependencies.sort_by_key(|d| d.span);

    if let Some(f) = tree::table(root, "features") {
        for (k, v) in f.iter() {
            m.features.push(FeatureDecl {
                name: k.get_ref().to_string(),
                span: span(k),
                enables: tree::strings(v).into_iter().map(|(s, _)| s).collect(),
            });
        }
        m.features.sort_by_key(|f| f.span);
    }

    read_targets(root, &mut m.targets);
    m.targets.sort_by_key(|t| t.span);
    Ok(m)
}

fn read_package(p: &DeTable<'_>, pv: &Val<'_>) -> Package {
    let (name, name_span) = tree::string(p, "name").unwrap_or_default();
    let build = match tree::get(p, "build").map(|v| v.get_ref()) {
        Some(DeValue::Boolean(false)) => BuildDecl::Disabled,
        Some(DeValue::String(s)) => {
            let sp = tree::get(p, "build").map(span).unwrap_or_default();
            BuildDecl::Path(s.to_string(), sp)
        }
        _ => BuildDecl::Auto,
    };
    Package {
        name,
        name_span,
        version: tree::string(p, "version").map(|(v, _)| v),
        build,
        links: tree::string(p, "links"),
        workspace: tree::string(p, "workspace").map(|(v, _)| v),
        span: span(pv),
    }
}

fn read_workspace(w: &DeTable<'_>, wv: &Val<'_>) -> WorkspaceDecl {
    let mut decl = WorkspaceDecl {
        members: tree::get(w, "members")
            .map(tree::strings)
            .unwrap_or_default(),
        exclude: tree::get(w, "exclude")
            .map(tree::strings)
            .unwrap_or_default(),
        span: span(wv),
        ..Default::default()
    };
    if let Some(deps) = tree::table(w, "dependencies") {
        for (k, v) in deps.iter() {
            if let Some(d) = read_dep(k, v, DepKind::Normal, None) {
                decl.dependencies.push(d);
            }
        }
        decl.dependencies.sort_by_key(|d| d.span);
    }
    decl
}

fn read_dep_section(
    t: &DeTable<'_>,
    kind: DepKind,
    target: Option<&DepTarget>,
    out: &mut Vec<Dependency>,
) {
    let names: &[&str] = match kind {
        DepKind::Normal => &["dependencies"],
        DepKind::Build => &["build-dependencies", "build_dependencies"],
        DepKind::Dev => &["dev-dependencies", "dev_dependencies"],
    };
    for name in names {
        let Some(deps) = tree::table(t, name) else {
            continue;
        };
        for (k, v) in deps.iter() {
            if let Some(d) = read_dep(k, v, kind, target) {
                out.push(d);
            }
        }
    }
}

fn read_dep(
    k: &tree::Key<'_>,
    v: &Val<'_>,
    kind: DepKind,
    target: Option<&DepTarget>,
) -> Option<Dependency> {
    let key = k.get_ref().to_string();
    let key_span = span(k);
    let val_span = span(v);
    let entry_span = if val_span.start >= key_span.start {
        key_span.to(val_span)
    } else {
        key_span
    };
    let mut d = Dependency {
        package: key.clone(),
        key,
        kind,
        target: target.cloned(),
        req: None,
        source: DepSource::Registry { registry: None },
        features: Vec::new(),
        default_features: None,
        optional: false,
        inherits: false,
        span: key_span,
        entry_span,
    };
    match v.get_ref() {
        DeValue::String(s) => d.req = Some(s.to_string()),
        DeValue::Table(t) => {
            if let Some((p, _)) = tree::string(t, "package") {
                d.package = p;
            }
            d.req = tree::string(t, "version").map(|(s, _)| s);
            d.features = tree::get(t, "features")
                .map(tree::strings)
                .unwrap_or_default()
                .into_iter()
                .map(|(s, _)| s)
                .collect();
            d.default_features = tree::bool_of(t, &["default-features", "default_features"]);
            d.optional = tree::bool_of(t, &["optional"]).unwrap_or(false);
            d.inherits = tree::bool_of(t, &["workspace"]).unwrap_or(false);
            if let Some((p, _)) = tree::string(t, "path") {
                d.source = DepSource::Path(p);
            } else if let Some((url, _)) = tree::string(t, "git") {
                let reference = ["rev", "tag", "branch"]
                    .iter()
                    .find_map(|r| tree::string(t, r).map(|(s, _)| s));
                d.source = DepSource::Git { url, reference };
            } else if let Some((r, _)) = tree::string(t, "registry") {
                d.source = DepSource::Registry { registry: Some(r) };
            }
        }
        // Anything else is not a dependency cargo would accept; skip it.
        _ => return None,
    }
    Some(d)
}

fn read_targets(root: &DeTable<'_>, out: &mut Vec<TargetDecl>) {
    if let Some(lv) = tree::get(root, "lib")
        && let Some(lib) = lv.get_ref().as_table()
    {
        let name = tree::string(lib, "name").map(|(s, _)| s);
        let path = tree::string(lib, "path").map(|(s, _)| s);
        let proc_macro = tree::bool_of(lib, &["proc-macro", "proc_macro"]).unwrap_or(false);
        let types = tree::entry(lib, &["crate-type", "crate_type"]);
        let mut kinds = Vec::new();
        if let Some((_, tv)) = types {
            for (ty, sp) in tree::strings(tv) {
                match ty.as_str() {
                    "cdylib" => kinds.push((TargetKind::Cdylib, sp)),
                    "proc-macro" => kinds.push((TargetKind::ProcMacro, sp)),
                    _ => kinds.push((TargetKind::Lib, span(lv))),
                }
            }
        }
        if proc_macro {
            kinds.push((TargetKind::ProcMacro, span(lv)));
        }
        if kinds.is_empty() {
            kinds.push((TargetKind::Lib, span(lv)));
        }
        kinds.dedup_by_key(|(k, _)| *k);
        for (kind, sp) in kinds {
            out.push(TargetDecl {
                kind,
                name: name.clone(),
                path: path.clone(),
                span: sp,
            });
        }
    }
    for (key, kind) in [
        ("bin", TargetKind::Bin),
        ("example", TargetKind::Example),
        ("test", TargetKind::Test),
        ("bench", TargetKind::Bench),
    ] {
        let Some(v) = tree::get(root, key) else {
            continue;
        };
        let DeValue::Array(items) = v.get_ref() else {
            continue;
        };
        for item in items.iter() {
            let Some(t) = item.get_ref().as_table() else {
                continue;
            };
            out.push(TargetDecl {
                kind,
                name: tree::string(t, "name").map(|(s, _)| s),
                path: tree::string(t, "path").map(|(s, _)| s),
                span: span(item),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(path: &str, text: &str) -> (SourceFile, Manifest) {
        let f = SourceFile::new(FileId(0), path, text);
        let m = parse_manifest(&f).unwrap();
        (f, m)
    }

    fn line_of(f: &SourceFile, sp: Span) -> (usize, usize, String) {
        let r = f.region(sp);
        (r.line, r.column, f.slice(sp).to_string())
    }

    #[test]
    fn reads_package_and_every_dependency_form() {
        let text = r#"[package]
name = "app"
version = "0.3.0"
links = "z"
build = "tools/build.rs"

[dependencies]
serde = "1"
reqwest = { version = "0.12", default-features = false, features = ["rustls-tls", "json"] }
http-client = { package = "reqwest", version = "0.11", optional = true }
local = { path = "../local" }
forked = { git = "https://example.invalid/f.git", rev = "abc123" }
shared.workspace = true

[dependencies.tokio]
version = "1"
features = ["full"]

[build-dependencies]
cc = "1"

[dev-dependencies]
tempfile = "3"
"#;
        let (f, m) = parse("svc/app/Cargo.toml", text);
        assert_eq!(m.dir, "svc/app");
        let p = m.package.as_ref().unwrap();
        assert_eq!(p.name, "app");
        assert_eq!(p.version.as_deref(), Some("0.3.0"));
        assert_eq!(p.links.as_ref().map(|l| l.0.as_str()), Some("z"));
        assert_eq!(
            line_of(&f, p.links.as_ref().unwrap().1),
            (4, 9, "\"z\"".into())
        );
        assert!(matches!(&p.build, BuildDecl::Path(s, _) if s == "tools/build.rs"));

        let names: Vec<_> = m
            .dependencies
            .iter()
            .map(|d| (d.key.as_str(), d.package.as_str(), d.kind))
            .collect();
        assert_eq!(
            names,
            vec![
                ("serde", "serde", DepKind::Normal),
                ("reqwest", "reqwest", DepKind::Normal),
                ("http-client", "reqwest", DepKind::Normal),
                ("local", "local", DepKind::Normal),
                ("forked", "forked", DepKind::Normal),
                ("shared", "shared", DepKind::Normal),
                ("tokio", "tokio", DepKind::Normal),
                ("cc", "cc", DepKind::Build),
                ("tempfile", "tempfile", DepKind::Dev),
            ]
        );
        let reqwest = &m.dependencies[1];
        assert_eq!(reqwest.default_features, Some(false));
        assert!(!reqwest.uses_default_features());
        assert_eq!(reqwest.features, vec!["rustls-tls", "json"]);
        assert_eq!(line_of(&f, reqwest.span), (9, 1, "reqwest".into()));
        let renamed = &m.dependencies[2];
        assert!(renamed.optional);
        assert_eq!(renamed.req.as_deref(), Some("0.11"));
        assert_eq!(m.dependencies[3].source, DepSource::Path("../local".into()));
        assert_eq!(
            m.dependencies[4].source,
            DepSource::Git {
                url: "https://example.invalid/f.git".into(),
                reference: Some("abc123".into())
            }
        );
        assert!(m.dependencies[5].inherits);
        let tokio = &m.dependencies[6];
        assert_eq!(tokio.features, vec!["full"]);
        assert!(tokio.uses_default_features());
        assert_eq!(line_of(&f, tokio.span), (15, 15, "tokio".into()));
        assert!(tokio.builds_for(WasiTarget::P2));
        assert!(
            !m.dependencies[7].builds_for(WasiTarget::P2),
            "build-deps run on the host"
        );
        assert!(
            !m.dependencies[8].builds_for(WasiTarget::P2),
            "dev-deps never count"
        );
    }

    #[test]
    fn target_specific_dependencies_are_evaluated_for_wasi() {
        let text = r#"[package]
name = "t"

[target.'cfg(unix)'.dependencies]
nix = "0.29"

[target.'cfg(target_os = "wasi")'.dependencies]
wasi = "0.14"

[target.'cfg(target_env = "p2")'.dependencies]
wasip2 = "1"

[target.x86_64-pc-windows-msvc.dependencies]
windows-sys = "0.59"

[target.'cfg(not(any(unix, windows)))'.dev-dependencies]
fake = "1"

[target.'cfg(oops'.dependencies]
broken = "1"
"#;
        let (f, m) = parse("Cargo.toml", text);
        let by = |n: &str| m.dependencies.iter().find(|d| d.key == n).unwrap();
        assert!(!by("nix").builds_for(WasiTarget::P2));
        assert!(by("wasi").builds_for(WasiTarget::P1) && by("wasi").builds_for(WasiTarget::P2));
        assert!(
            by("wasip2").builds_for(WasiTarget::P2) && !by("wasip2").builds_for(WasiTarget::P1)
        );
        assert!(!by("windows-sys").builds_for(WasiTarget::P2));
        assert!(!by("fake").builds_for(WasiTarget::P2));
        let t = by("fake").target.as_ref().unwrap();
        assert!(t.wasip2 && t.error.is_none());
        assert_eq!(by("fake").kind, DepKind::Dev);
        let b = by("broken");
        assert!(b.target.as_ref().unwrap().error.is_some());
        assert!(!b.builds_for(WasiTarget::P2));
        assert_eq!(line_of(&f, by("nix").span), (5, 1, "nix".into()));
        assert_eq!(line_of(&f, by("nix").target.as_ref().unwrap().span).0, 4);
    }

    #[test]
    fn reads_workspace_members_and_shared_dependencies() {
        let text = r#"[workspace]
members = ["crates/*", "tools/cli"]
exclude = ["crates/experimental"]
resolver = "2"

[workspace.dependencies]
tokio = { version = "1", features = ["rt", "macros"] }
openssl = "0.10"
"#;
        let (f, m) = parse("Cargo.toml", text);
        assert!(m.package.is_none());
        let w = m.workspace.unwrap();
        assert_eq!(
            w.members.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
            ["crates/*", "tools/cli"]
        );
        assert_eq!(w.exclude[0].0, "crates/experimental");
        assert_eq!(w.dependencies.len(), 2);
        assert_eq!(w.dependencies[0].key, "tokio");
        assert_eq!(
            line_of(&f, w.dependencies[1].span),
            (8, 1, "openssl".into())
        );
        assert_eq!(f.region(w.span).line, 1);
    }

    #[test]
    fn reads_declared_targets() {
        let text = r#"[package]
name = "multi"
autobins = false

[lib]
crate-type = ["cdylib", "rlib"]

[[bin]]
name = "server"
path = "src/server.rs"

[[bin]]
name = "worker"

[[example]]
name = "demo"
"#;
        let (f, m) = parse("Cargo.toml", text);
        assert!(!m.autobins);
        let kinds: Vec<_> = m
            .targets
            .iter()
            .map(|t| (t.kind, t.name.as_deref()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (TargetKind::Lib, None),
                (TargetKind::Cdylib, None),
                (TargetKind::Bin, Some("server")),
                (TargetKind::Bin, Some("worker")),
                (TargetKind::Example, Some("demo")),
            ]
        );
        let cdylib = m
            .targets
            .iter()
            .find(|t| t.kind == TargetKind::Cdylib)
            .unwrap();
        assert_eq!(line_of(&f, cdylib.span), (6, 15, "\"cdylib\"".into()));
        assert_eq!(m.targets[2].path.as_deref(), Some("src/server.rs"));
    }

    #[test]
    fn features_and_build_flags() {
        let text = "[package]\nname = \"f\"\nbuild = false\n[features]\ndefault = [\"tls\"]\ntls = [\"reqwest/native-tls\", \"dep:openssl\"]\n";
        let (_, m) = parse("Cargo.toml", text);
        assert_eq!(m.package.unwrap().build, BuildDecl::Disabled);
        assert_eq!(m.features.len(), 2);
        assert_eq!(m.features[0].name, "default");
        assert_eq!(
            m.features[1].enables,
            vec!["reqwest/native-tls", "dep:openssl"]
        );
    }

    #[test]
    fn broken_toml_is_a_file_error_with_a_position() {
        let f = SourceFile::new(
            FileId(3),
            "a/Cargo.toml",
            "[package]\nname = \"x\nversion = 1\n",
        );
        let e = parse_manifest(&f).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Toml);
        assert_eq!(e.path, "a/Cargo.toml");
        assert_eq!(e.file, Some(FileId(3)));
        assert!(
            e.message.starts_with("Cargo.toml does not parse"),
            "{}",
            e.message
        );
        assert_eq!(f.region(e.span.unwrap()).line, 2);
    }

    #[test]
    fn odd_shapes_are_skipped_not_fatal() {
        let text = "package = 3\ndependencies = [1, 2]\n[dev-dependencies]\nx = 5\ny = \"1\"\n[[bin]]\n[target]\nz = 1\n";
        let (_, m) = parse("Cargo.toml", text);
        assert!(m.package.is_none());
        assert_eq!(m.dependencies.len(), 1);
        assert_eq!(m.dependencies[0].key, "y");
        assert_eq!(m.targets.len(), 1);
        assert_eq!(m.targets[0].name, None);
    }
}
