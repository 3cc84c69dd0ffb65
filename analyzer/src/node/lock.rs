//! Lockfiles: `package-lock.json` (v1, v2, v3), `yarn.lock` (v1 and berry) and `pnpm-lock.yaml`.
//! Each gives the packages the install puts in `node_modules`, with the span of the entry that
//! names them, whether the install runs their scripts (`hasInstallScript`, `requiresBuild`),
//! whether they are dev-only or optional, and the names of what they depend on (an addon helper
//! such as `node-gyp-build` among them is evidence of native code).
//!
//! The yarn and pnpm files are read line by line in the shape their package managers write, not
//! as general YAML: a bad line is recorded as the file's error and skipped, so a broken or
//! merge-conflicted lockfile still yields what it can, in linear time.

use crate::span::Span;

use super::json::{self, Json};

/// At most this many packages are kept per lockfile (large monorepos lock about 5,000).
pub const MAX_PACKAGES: usize = 50_000;
/// At most this many dependency names are kept per package.
pub const MAX_DEPS_PER_PACKAGE: usize = 1_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockKind {
    Npm,
    Yarn,
    Pnpm,
}

impl LockKind {
    /// Which lockfile a file name is, if any.
    pub fn of(name: &str) -> Option<LockKind> {
        match name {
            "package-lock.json" | "npm-shrinkwrap.json" => Some(LockKind::Npm),
            "yarn.lock" => Some(LockKind::Yarn),
            "pnpm-lock.yaml" => Some(LockKind::Pnpm),
            _ => None,
        }
    }
}

/// One locked package.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LockedPackage {
    pub name: String,
    pub version: String,
    /// The entry's key or header, where the package is named.
    pub span: Span,
    /// The install runs a script of it (`hasInstallScript`, pnpm's `requiresBuild`).
    pub install_script: bool,
    pub dev: bool,
    /// Installed only as an optional dependency (marked so, or, in yarn and pnpm locks, only
    /// ever listed among other packages' `optionalDependencies`): the install goes on without it.
    pub optional: bool,
    /// Names of the packages it depends on.
    pub dependencies: Vec<String>,
    /// Names of the packages it depends on optionally (it works without them).
    pub optional_dependencies: Vec<String>,
    /// The operating systems it installs on (`os` in package-lock and pnpm-lock); empty: any.
    pub os: Vec<String>,
}

impl LockedPackage {
    /// Whether the `os` field keeps it off Linux (`["darwin"]`; `["!win32"]` does not).
    pub fn not_for_linux(&self) -> bool {
        !self.os.is_empty()
            && self.os.iter().all(|o| !o.starts_with('!'))
            && !self.os.iter().any(|o| o == "linux")
    }
}

/// A read lockfile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lock {
    pub kind: LockKind,
    pub packages: Vec<LockedPackage>,
    /// The first thing that did not read (offset, message): the file is malformed there, and
    /// what follows may be missing.
    pub error: Option<(usize, String)>,
}

impl Lock {
    pub fn find(&self, name: &str) -> Option<&LockedPackage> {
        self.packages.iter().find(|p| p.name == name)
    }

    /// Mark as dev-only every package the production dependencies `roots` (a package.json's
    /// `dependencies`, `optionalDependencies` and `peerDependencies`) do not reach through the
    /// lock's own edges. Yarn v1 locks say nothing of dev, and pnpm's newer ones not per
    /// package: without this, a test tool's native addon (`ssh2` under testcontainers) would be
    /// blamed on the service. Only when every root is in the lock: a root it does not hold (a
    /// workspace sibling, a `link:`) hides what it pulls in, and nothing is marked then.
    pub fn mark_dev_only<'a>(&mut self, roots: impl IntoIterator<Item = &'a str>) {
        let mut by_name: std::collections::HashMap<&str, Vec<usize>> = Default::default();
        for (i, p) in self.packages.iter().enumerate() {
            by_name.entry(p.name.as_str()).or_default().push(i);
        }
        let mut reached = vec![false; self.packages.len()];
        let mut stack: Vec<usize> = Vec::new();
        let mut any = false;
        for r in roots {
            let Some(found) = by_name.get(r) else { return };
            any = true;
            stack.extend(found.iter().copied());
        }
        if !any {
            return;
        }
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut reached[i], true) {
                continue;
            }
            let p = &self.packages[i];
            for d in p.dependencies.iter().chain(&p.optional_dependencies) {
                if let Some(found) = by_name.get(d.as_str()) {
                    stack.extend(found.iter().copied().filter(|j| !reached[*j]));
                }
            }
        }
        for (p, r) in self.packages.iter_mut().zip(reached) {
            p.dev |= !r;
        }
    }
}

/// Read a lockfile of `kind`.
pub fn parse(kind: LockKind, text: &str) -> Lock {
    match kind {
        LockKind::Npm => npm(text),
        LockKind::Yarn => infer_optional(yarn(text)),
        LockKind::Pnpm => infer_optional(pnpm(text)),
    }
}

/// yarn and pnpm do not mark optional packages: one that some package lists among its
/// `optionalDependencies` and none among its `dependencies` is optional.
fn infer_optional(mut lock: Lock) -> Lock {
    use std::collections::HashSet;
    let required: HashSet<&str> = lock
        .packages
        .iter()
        .flat_map(|p| p.dependencies.iter().map(String::as_str))
        .collect();
    let optional: HashSet<String> = lock
        .packages
        .iter()
        .flat_map(|p| p.optional_dependencies.iter())
        .filter(|d| !required.contains(d.as_str()))
        .cloned()
        .collect();
    for p in &mut lock.packages {
        p.optional |= optional.contains(&p.name);
    }
    lock
}

/// package-lock.json: `packages` (v2, v3), else the nested `dependencies` (v1).
fn npm(text: &str) -> Lock {
    let mut lock = Lock {
        kind: LockKind::Npm,
        packages: Vec::new(),
        error: None,
    };
    let root = match json::parse(text) {
        Ok(r) => r,
        Err(e) => {
            lock.error = Some((e.offset, format!("not valid JSON: {}", e.message)));
            return lock;
        }
    };
    if let Some(packages) = root.get("packages") {
        for e in packages.entries() {
            if lock.packages.len() >= MAX_PACKAGES {
                break;
            }
            // `node_modules/a/node_modules/@s/b` is `@s/b`; "" is the root project and other
            // keys are workspace folders, which package.json files of their own describe.
            let Some(at) = e.key.rfind("node_modules/") else {
                continue;
            };
            let name = e
                .value
                .get("name")
                .and_then(Json::as_str)
                .unwrap_or(&e.key[at + "node_modules/".len()..]);
            lock.packages
                .push(npm_entry(name, e.key_span, &e.value, "dependencies"));
        }
    } else if let Some(deps) = root.get("dependencies") {
        npm_v1(deps, &mut lock.packages, 0);
    }
    lock
}

fn npm_entry(name: &str, span: Span, v: &Json, deps_key: &str) -> LockedPackage {
    let flag = |k: &str| v.get(k).and_then(Json::as_bool) == Some(true);
    let names = |key: &str| -> Vec<String> {
        v.get(key)
            .map(Json::entries)
            .unwrap_or_default()
            .iter()
            .take(MAX_DEPS_PER_PACKAGE)
            .map(|d| d.key.clone())
            .collect()
    };
    let os = match v.get("os").map(|o| &o.value) {
        Some(json::Value::Array(items)) => items
            .iter()
            .take(64)
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    LockedPackage {
        name: name.to_string(),
        version: v
            .get("version")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string(),
        span,
        install_script: flag("hasInstallScript"),
        dev: flag("dev") || flag("devOptional"),
        optional: flag("optional"),
        dependencies: names(deps_key),
        optional_dependencies: names("optionalDependencies"),
        os,
    }
}

/// v1: `dependencies: {name: {version, requires, dependencies: {...}}}`, nested.
fn npm_v1(deps: &Json, out: &mut Vec<LockedPackage>, depth: usize) {
    for e in deps.entries() {
        if out.len() >= MAX_PACKAGES {
            return;
        }
        out.push(npm_entry(&e.key, e.key_span, &e.value, "requires"));
        if let Some(nested) = e.value.get("dependencies")
            && depth < json::MAX_DEPTH
        {
            npm_v1(nested, out, depth + 1);
        }
    }
}

/// `"@s/a@^1", "@s/a@^2":` (v1) or `"@s/a@npm:^1":` (berry) -> `@s/a`.
fn spec_name(spec: &str) -> &str {
    let spec = spec.trim().trim_matches('"').trim_matches('\'');
    let spec = spec.strip_prefix('/').unwrap_or(spec);
    match spec.get(1..).and_then(|s| s.find('@')) {
        Some(i) => &spec[..i + 1],
        None => spec,
    }
}

/// Lines with their start offsets and indentation.
fn lines(text: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |raw| {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let indent = line.len() - line.trim_start_matches(' ').len();
        (start, indent, line)
    })
}

/// yarn.lock, v1 or berry (same layout: a header per package at column 0, fields indented).
fn yarn(text: &str) -> Lock {
    let mut lock = Lock {
        kind: LockKind::Yarn,
        packages: Vec::new(),
        error: None,
    };
    let mut current: Option<LockedPackage> = None;
    let mut in_deps: Option<bool> = None;
    // Berry's `dependenciesMeta:` block, and the dependency it is describing.
    let mut in_meta = false;
    let mut meta_name = String::new();
    let bad = |lock: &mut Lock, at: usize, what: &str| {
        if lock.error.is_none() {
            lock.error = Some((at, what.to_string()));
        }
    };
    for (start, indent, line) in lines(text) {
        let body = line.trim();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        if indent == 0 {
            if let Some(p) = current.take() {
                push(&mut lock.packages, p);
            }
            in_deps = None;
            let Some(header) = body.strip_suffix(':') else {
                bad(
                    &mut lock,
                    start,
                    "a line that is neither a package header nor one of its fields",
                );
                continue;
            };
            if header == "__metadata" {
                continue;
            }
            let first = header.split(", ").next().unwrap_or(header);
            let name = spec_name(first);
            if name.is_empty() {
                bad(&mut lock, start, "a package header without a name");
                continue;
            }
            let lead = line.len() - line.trim_start_matches('"').len();
            current = Some(LockedPackage {
                name: name.to_string(),
                span: Span::new(start + lead, start + lead + name.len()),
                ..Default::default()
            });
            continue;
        }
        let Some(p) = current.as_mut() else {
            // Fields of `__metadata` and of a header that did not read.
            continue;
        };
        let (key, value) = match body.split_once(':') {
            Some((k, v)) if !k.contains(' ') || k.starts_with('"') => (k, v.trim()),
            _ => body.split_once(' ').unwrap_or((body, "")),
        };
        let key = key.trim_matches('"');
        let value = value.trim().trim_matches('"');
        if indent <= 2 {
            in_deps = match key {
                "dependencies" => Some(false),
                "optionalDependencies" => Some(true),
                _ => None,
            };
            in_meta = key == "dependenciesMeta";
            if key == "version" {
                p.version = value.to_string();
            }
        } else if let Some(optional) = in_deps {
            push_dep(p, key, optional);
        } else if in_meta && indent == 4 {
            meta_name = key.to_string();
        } else if in_meta && key == "optional" && value == "true" {
            // Berry lists optional dependencies among `dependencies` and marks them here.
            if let Some(i) = p.dependencies.iter().position(|d| *d == meta_name) {
                let name = p.dependencies.remove(i);
                push_dep(p, &name, true);
            }
        }
    }
    if let Some(p) = current.take() {
        push(&mut lock.packages, p);
    }
    lock
}

/// Add a dependency name to the list it belongs to, bounded.
fn push_dep(p: &mut LockedPackage, name: &str, optional: bool) {
    let list = if optional {
        &mut p.optional_dependencies
    } else {
        &mut p.dependencies
    };
    if list.len() < MAX_DEPS_PER_PACKAGE {
        list.push(name.to_string());
    }
}

fn push(out: &mut Vec<LockedPackage>, p: LockedPackage) {
    if out.len() < MAX_PACKAGES {
        out.push(p);
    }
}

/// pnpm-lock.yaml (v5 to v9): the `packages:` and `snapshots:` sections, keyed `name@version`
/// (`/name@version` in v6, `/name/version` in v5).
fn pnpm(text: &str) -> Lock {
    let mut lock = Lock {
        kind: LockKind::Pnpm,
        packages: Vec::new(),
        error: None,
    };
    // Index of a key's package, so `snapshots:` adds to what `packages:` said.
    let mut by_key: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut section = "";
    let mut current: Option<usize> = None;
    let mut in_deps: Option<bool> = None;
    let mut saw_version = false;
    for (start, indent, line) in lines(text) {
        let body = line.trim();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        if line.starts_with('\t') || body.starts_with("<<<<<<<") || body.starts_with(">>>>>>>") {
            if lock.error.is_none() {
                lock.error = Some((start, "not in the shape pnpm writes".to_string()));
            }
            continue;
        }
        if indent == 0 {
            saw_version |= body.starts_with("lockfileVersion:");
            section = body.strip_suffix(':').unwrap_or("");
            current = None;
            continue;
        }
        if section != "packages" && section != "snapshots" {
            continue;
        }
        if indent == 2 {
            in_deps = None;
            // `name@1.0.0:`, or `name@1.0.0: {}` for an entry with no fields (v9 snapshots).
            let key = body
                .strip_suffix(':')
                .or_else(|| body.split_once(": ").map(|(k, _)| k))
                .unwrap_or(body);
            let key = key.trim_matches('\'').trim_matches('"');
            let key = key.split('(').next().unwrap_or(key);
            let (name, version) = pnpm_key(key);
            if name.is_empty() {
                current = None;
                continue;
            }
            let lead = line.len() - line.trim_start_matches([' ', '\'', '"', '/']).len();
            current = match by_key.get(key) {
                Some(i) => Some(*i),
                None if lock.packages.len() < MAX_PACKAGES => {
                    lock.packages.push(LockedPackage {
                        name: name.to_string(),
                        version: version.to_string(),
                        span: Span::new(start + lead, start + lead + name.len()),
                        ..Default::default()
                    });
                    by_key.insert(key.to_string(), lock.packages.len() - 1);
                    Some(lock.packages.len() - 1)
                }
                None => None,
            };
            continue;
        }
        let Some(p) = current.and_then(|i| lock.packages.get_mut(i)) else {
            continue;
        };
        let (key, value) = body.split_once(':').unwrap_or((body, ""));
        let key = key.trim_matches('\'').trim_matches('"');
        let value = value.trim();
        if indent == 4 {
            in_deps = match key {
                "dependencies" => Some(false),
                "optionalDependencies" => Some(true),
                _ => None,
            };
            match key {
                "requiresBuild" => p.install_script |= value == "true",
                "dev" => p.dev |= value == "true",
                "optional" => p.optional |= value == "true",
                // `os: [darwin]`
                "os" => {
                    p.os = value
                        .trim_matches(['[', ']'])
                        .split(',')
                        .map(|o| o.trim().trim_matches(['\'', '"']).to_string())
                        .filter(|o| !o.is_empty())
                        .take(64)
                        .collect();
                }
                _ => {}
            }
        } else if let (Some(optional), true) = (in_deps, indent >= 6) {
            push_dep(p, key, optional);
        }
    }
    if !saw_version && lock.error.is_none() {
        lock.error = Some((0, "no `lockfileVersion:` line".to_string()));
    }
    lock
}

/// `bcrypt@5.1.1`, `@s/a@1.0.0`, `/bcrypt@5.1.1`, `/bcrypt/5.1.1`, `/@s/a/1.0.0` -> name, version.
fn pnpm_key(key: &str) -> (&str, &str) {
    let key = key.strip_prefix('/').unwrap_or(key);
    if let Some(i) = key.get(1..).and_then(|s| s.find('@')) {
        return (&key[..i + 1], &key[i + 2..]);
    }
    // v5: the version is the last path segment.
    match key.rsplit_once('/') {
        Some((name, version)) if !name.is_empty() => (name, version),
        _ => (key, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(t: &str, s: Span) -> &str {
        &t[s.start..s.end]
    }

    #[test]
    fn package_lock_v3() {
        let t = r#"{
  "name": "api", "lockfileVersion": 3,
  "packages": {
    "": {"name": "api", "dependencies": {"bcrypt": "^5.1.1"}},
    "node_modules/bcrypt": {"version": "5.1.1", "hasInstallScript": true,
      "dependencies": {"@mapbox/node-pre-gyp": "^1.0.11", "node-addon-api": "^5.0.0"}},
    "node_modules/jest": {"version": "29.0.0", "dev": true},
    "node_modules/a/node_modules/@s/b": {"version": "1.0.0", "optional": true},
    "node_modules/fsevents": {"version": "2.3.3", "optional": true, "os": ["darwin"]}
  }
}"#;
        let l = parse(LockKind::Npm, t);
        assert!(l.error.is_none());
        let names: Vec<&str> = l.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["bcrypt", "jest", "@s/b", "fsevents"]);
        assert!(l.find("fsevents").unwrap().not_for_linux());
        assert!(!l.find("bcrypt").unwrap().not_for_linux());
        let b = l.find("bcrypt").unwrap();
        assert!(b.install_script && !b.dev);
        assert!(b.dependencies.contains(&"node-addon-api".to_string()));
        assert_eq!(at(t, b.span), "\"node_modules/bcrypt\"");
        assert!(l.find("jest").unwrap().dev);
        assert!(l.find("@s/b").unwrap().optional);
    }

    #[test]
    fn what_production_dependencies_do_not_reach_is_dev_only() {
        let text = "# yarn lockfile v1\n\nexpress@^4:\n  version \"4.19.2\"\n  dependencies:\n    body-parser \"1.20.2\"\n\nbody-parser@1.20.2:\n  version \"1.20.2\"\n\ntestcontainers@^10:\n  version \"10.9.0\"\n  dependencies:\n    dockerode \"^4\"\n\ndockerode@^4:\n  version \"4.0.2\"\n  optionalDependencies:\n    ssh2 \"^1\"\n\nssh2@^1:\n  version \"1.15.0\"\n";
        let mut l = parse(LockKind::Yarn, text);
        assert_eq!(l.packages.len(), 5, "{l:?}");
        let mut unresolved = l.clone();
        // A root the lock does not hold (a workspace sibling): nothing is marked.
        unresolved.mark_dev_only(["express", "@acme/shared"]);
        assert!(unresolved.packages.iter().all(|p| !p.dev));
        l.mark_dev_only(["express"]);
        let dev = |n: &str| l.find(n).unwrap().dev;
        assert!(!dev("express") && !dev("body-parser"));
        assert!(dev("testcontainers") && dev("dockerode") && dev("ssh2"));
    }

    #[test]
    fn package_lock_v1_is_nested() {
        let t = r#"{"lockfileVersion": 1, "dependencies": {"a": {"version": "1.0.0", "requires": {"nan": "^2"},
          "dependencies": {"nan": {"version": "2.0.0"}}}}}"#;
        let l = parse(LockKind::Npm, t);
        let names: Vec<&str> = l.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["a", "nan"]);
        assert_eq!(l.packages[0].dependencies, vec!["nan".to_string()]);
    }

    #[test]
    fn yarn_v1_and_berry() {
        let v1 = "# yarn lockfile v1\n\n\"@s/a@^1.0.0\", \"@s/a@^1.1.0\":\n  version \"1.1.0\"\n  dependencies:\n    node-gyp-build \"^4\"\n  optionalDependencies:\n    sharp \"^0.33.0\"\n\nsharp@^0.33.0:\n  version \"0.33.5\"\n";
        let l = parse(LockKind::Yarn, v1);
        assert!(l.error.is_none(), "{:?}", l.error);
        assert_eq!(l.packages.len(), 2);
        assert_eq!(l.packages[0].name, "@s/a");
        assert_eq!(l.packages[0].version, "1.1.0");
        assert_eq!(l.packages[0].dependencies, vec!["node-gyp-build"]);
        assert_eq!(at(v1, l.packages[0].span), "@s/a");
        assert_eq!(at(v1, l.packages[1].span), "sharp");
        assert_eq!(l.packages[0].optional_dependencies, vec!["sharp"]);
        // Only ever an optional dependency: optional.
        assert!(l.packages[1].optional && !l.packages[0].optional);
        let berry = "__metadata:\n  version: 8\n\n\"bcrypt@npm:^5.1.1\":\n  version: 5.1.1\n  dependencies:\n    nan: \"npm:^2\"\n    node-addon-api: \"npm:^5.0.0\"\n  dependenciesMeta:\n    nan:\n      optional: true\n  languageName: node\n";
        let l = parse(LockKind::Yarn, berry);
        assert!(l.error.is_none());
        assert_eq!(l.packages.len(), 1);
        assert_eq!(l.packages[0].name, "bcrypt");
        assert_eq!(l.packages[0].version, "5.1.1");
        assert_eq!(l.packages[0].dependencies, vec!["node-addon-api"]);
        assert_eq!(l.packages[0].optional_dependencies, vec!["nan"]);
    }

    #[test]
    fn a_broken_yarn_lock_has_an_error_and_keeps_the_rest() {
        let t = "sharp@^0.33.0:\n  version \"0.33.5\"\n<<<<<<< HEAD\nbcrypt@^5:\n  version \"5.1.1\"\n=======\n>>>>>>> main\n";
        let l = parse(LockKind::Yarn, t);
        let (off, _) = l.error.clone().unwrap();
        assert_eq!(&t[off..off + 7], "<<<<<<<");
        assert_eq!(l.packages.len(), 2);
    }

    #[test]
    fn pnpm_v6_and_v9() {
        let v6 = "lockfileVersion: '6.0'\n\ndependencies:\n  bcrypt:\n    specifier: ^5.1.1\n    version: 5.1.1\n\npackages:\n\n  /bcrypt@5.1.1:\n    resolution: {integrity: sha512-x}\n    requiresBuild: true\n    dependencies:\n      node-addon-api: 5.1.0\n    dev: false\n\n  /@img/sharp-linux-x64@0.33.5:\n    optional: true\n\n  /fsevents@2.3.3:\n    os: [darwin]\n";
        let l = parse(LockKind::Pnpm, v6);
        assert!(l.error.is_none());
        assert_eq!(l.packages.len(), 3);
        assert!(l.find("fsevents").unwrap().not_for_linux());
        let b = l.find("bcrypt").unwrap();
        assert!(b.install_script);
        assert_eq!(b.dependencies, vec!["node-addon-api"]);
        assert_eq!(at(v6, b.span), "bcrypt");
        assert!(l.find("@img/sharp-linux-x64").unwrap().optional);
        let v9 = "lockfileVersion: '9.0'\n\npackages:\n\n  sharp@0.33.5:\n    resolution: {integrity: sha512-y}\n\n  '@s/a@1.0.0':\n    resolution: {integrity: sha512-z}\n\nsnapshots:\n\n  sharp@0.33.5:\n    dependencies:\n      detect-libc: 2.0.3\n\n  '@s/a@1.0.0': {}\n";
        let l = parse(LockKind::Pnpm, v9);
        assert_eq!(l.packages.len(), 2, "{:?}", l.packages);
        assert_eq!(l.packages[0].dependencies, vec!["detect-libc"]);
        assert_eq!(pnpm_key("/@s/a/1.0.0"), ("@s/a", "1.0.0"));
    }

    #[test]
    fn garbage_does_not_panic() {
        for t in [
            "",
            ":",
            "\"",
            "a@",
            "@",
            "  x",
            "\t:",
            "'/':\n  /:\n    :\n      :",
        ] {
            for k in [LockKind::Npm, LockKind::Yarn, LockKind::Pnpm] {
                let _ = parse(k, t);
            }
        }
    }
}
