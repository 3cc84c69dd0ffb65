//! `package.json`: the dependencies (by kind), `main`, `type`, `scripts.start`, `engines.node`
//! and `gypfile`, each with the span of what shows it.

use crate::span::Span;

use super::json::{self, Json};

/// At most this many dependencies are kept per manifest (real ones list a few hundred).
pub const MAX_DEPENDENCIES: usize = 10_000;

/// Which list of package.json a dependency is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DepKind {
    /// `dependencies`: installed in the image by `npm ci --omit=dev` and by a plain install.
    Prod,
    /// `optionalDependencies`: installed when they build, skipped when they do not.
    Optional,
    /// `peerDependencies`: provided by whoever installs the package.
    Peer,
    /// `devDependencies`: build and test tools, not in a production image.
    Dev,
}

/// One dependency as package.json lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    pub name: String,
    /// The version range as written (`^5.1.1`, `file:../x`, `npm:other@1`).
    pub range: String,
    pub kind: DepKind,
    /// The quoted name.
    pub span: Span,
}

/// A string field with the span of its value.
pub type Field = Option<(String, Span)>;

/// What package.json says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PackageJson {
    pub name: Field,
    pub main: Field,
    /// `"type": "module"`: `.js` files are ES modules.
    pub module_type: Field,
    /// `scripts.start`, what `npm start` runs.
    pub start: Field,
    /// `engines.node`, the Node versions it asks for.
    pub engines_node: Field,
    /// `"gypfile": true`: the package itself is a native addon built by node-gyp.
    pub gypfile: Option<Span>,
    pub dependencies: Vec<Dependency>,
    /// Why the file could not be read as JSON (offset, message); nothing else is then known.
    pub error: Option<(usize, String)>,
}

impl PackageJson {
    /// The span a package-wide finding points at: the name, else the start of the file.
    pub fn anchor(&self) -> Span {
        self.name.as_ref().map(|(_, s)| *s).unwrap_or_default()
    }

    /// The dependency named `name` that reaches the production image (not a dev dependency).
    pub fn runtime_dependency(&self, name: &str) -> Option<&Dependency> {
        self.dependencies
            .iter()
            .find(|d| d.name == name && d.kind != DepKind::Dev)
    }
}

/// Read a package.json.
pub fn parse(text: &str) -> PackageJson {
    let root = match json::parse(text) {
        Ok(r) => r,
        Err(e) => {
            return PackageJson {
                error: Some((e.offset, e.message)),
                ..Default::default()
            };
        }
    };
    let field = |j: Option<&Json>| j.and_then(|v| v.as_str().map(|s| (s.to_string(), v.span)));
    let mut out = PackageJson {
        name: field(root.get("name")),
        main: field(root.get("main")),
        module_type: field(root.get("type")),
        start: field(root.get("scripts").and_then(|s| s.get("start"))),
        engines_node: field(root.get("engines").and_then(|e| e.get("node"))),
        gypfile: root
            .get("gypfile")
            .filter(|g| g.as_bool() == Some(true))
            .map(|g| g.span),
        ..Default::default()
    };
    for (key, kind) in [
        ("dependencies", DepKind::Prod),
        ("optionalDependencies", DepKind::Optional),
        ("peerDependencies", DepKind::Peer),
        ("devDependencies", DepKind::Dev),
    ] {
        for e in root.get(key).map(Json::entries).unwrap_or_default() {
            if out.dependencies.len() >= MAX_DEPENDENCIES {
                break;
            }
            out.dependencies.push(Dependency {
                name: e.key.clone(),
                range: e.value.as_str().unwrap_or("").to_string(),
                kind,
                span: e.key_span,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_fields_and_dependency_lists() {
        let t = r#"{
  "name": "api",
  "main": "server.js",
  "type": "module",
  "scripts": {"start": "node server.js", "test": "jest"},
  "engines": {"node": ">=20"},
  "dependencies": {"express": "^4.19.2", "bcrypt": "^5.1.1"},
  "optionalDependencies": {"bufferutil": "^4"},
  "devDependencies": {"jest": "^29"}
}"#;
        let p = parse(t);
        assert_eq!(p.name.as_ref().unwrap().0, "api");
        assert_eq!(p.start.as_ref().unwrap().0, "node server.js");
        assert_eq!(p.engines_node.as_ref().unwrap().0, ">=20");
        assert_eq!(p.module_type.as_ref().unwrap().0, "module");
        let names: Vec<(&str, DepKind)> = p
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.kind))
            .collect();
        assert_eq!(
            names,
            vec![
                ("express", DepKind::Prod),
                ("bcrypt", DepKind::Prod),
                ("bufferutil", DepKind::Optional),
                ("jest", DepKind::Dev)
            ]
        );
        let b = p.runtime_dependency("bcrypt").unwrap();
        assert_eq!(&t[b.span.start..b.span.end], "\"bcrypt\"");
        assert!(p.runtime_dependency("jest").is_none());
    }

    #[test]
    fn a_broken_manifest_keeps_the_error() {
        let p = parse("{\"name\": \"x\",,}");
        assert!(p.error.is_some());
        assert!(p.dependencies.is_empty());
    }
}
