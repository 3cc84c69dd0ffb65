//! `WM702` node-native-addon: a native addon found by its build evidence, not by its name.

use std::collections::{HashMap, HashSet};

use analyzer::node::manifest::{DepKind, Dependency};

use crate::node::data::{benign_install_script, is_addon_helper, package, platform_only};
use crate::node::{MAX_PER_FILE, NodeCx};
use crate::{Rule, RuleMeta, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Finds native addons the knowledge table does not name, from what builds or loads them:
    /// - the service itself: a `binding.gyp` beside its `package.json`, or `"gypfile": true`;
    /// - an installed package that depends on a loader or build tool of compiled addons
    ///   (`node-gyp-build`, `prebuild-install`, `bindings`, `nan`, `node-addon-api`,
    ///   `@mapbox/node-pre-gyp`: the `[[addon-helper]]` entries of
    ///   `rules/data/node-packages.toml`), as its lockfile entry lists it: a blocker, or a
    ///   warning when the package is optional or lists the helper among its optional
    ///   dependencies (it works without its addon);
    /// - an installed package whose install runs a script (`hasInstallScript` in
    ///   package-lock.json, `requiresBuild` in pnpm-lock.yaml) and that shows no other
    ///   evidence: a warning, since install scripts often compile an addon but may do anything
    ///   (scripts known to compile nothing, `[[benign-install-script]]`, do not count).
    ///
    /// Packages the table names are left to `node-known-package` (WM701); dev-only packages and
    /// packages for another operating system (`"os": ["darwin"]`, `[[platform-only]]`) do not
    /// count. The finding points at the package.json line when the service depends on the
    /// package directly, else at its lockfile entry.
    ///
    /// ## Why it matters for Wasm
    /// A `.node` addon is a native shared library loaded with `dlopen`; a JavaScript component
    /// (ComponentizeJS on StarlingMonkey) runs JavaScript only and loads no native code
    /// (WASM-FACTS.md §5, §8).
    ///
    /// ## Example
    /// ```json
    /// "node_modules/farmhash": { "version": "3.3.1", "hasInstallScript": true,
    ///   "dependencies": { "node-addon-api": "^5.0.0", "prebuild-install": "^7.1.1" } }
    /// ```
    ///
    /// ## How to fix
    /// Replace the package with a pure-JavaScript one (most addons have one, often slower), or
    /// move the work to a service reached over HTTP.
    pub struct NodeNativeAddon {
        code: "WM702",
        name: "node-native-addon",
        category: NativeLib,
        severity: Blocker,
        penalty: 30,
        summary: "the Node service builds or installs a native addon",
        help: "replace the addon with a pure-JavaScript package, or call a service that does the work over HTTP",
    }
}

impl Rule for NodeNativeAddon {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_node_package(&self, cx: &NodeCx<'_>, sink: &mut Sink<'_>) {
        let p = cx.package;
        // The service itself is an addon.
        if let Some(gyp) = p.binding_gyp {
            sink.report(
                gyp,
                Default::default(),
                format!(
                    "`{}` builds a native addon of its own (`binding.gyp`), which a Wasm component cannot load",
                    cx.name()
                ),
            );
        } else if let Some(span) = p.manifest.gypfile {
            sink.report(
                p.file,
                span,
                format!(
                    "`{}` builds a native addon of its own (`\"gypfile\": true`), which a Wasm component cannot load",
                    cx.name()
                ),
            );
        }
        let Some((lock_file, lock)) = &p.lock else {
            return;
        };
        let mut n = 0;
        let mut m = 0;
        // Indexed once: a lockfile and a manifest can each list tens of thousands of packages.
        let mut deps: HashMap<&str, &Dependency> = HashMap::new();
        for d in &p.manifest.dependencies {
            let e = deps.entry(d.name.as_str()).or_insert(d);
            // A runtime listing wins over a dev one.
            if e.kind == DepKind::Dev {
                *e = d;
            }
        }
        let mut seen: HashSet<&str> = HashSet::new();
        for l in &lock.packages {
            if l.dev
                || l.not_for_linux()
                || platform_only(&l.name)
                || package(&l.name).is_some()
                || is_addon_helper(&l.name)
            {
                continue;
            }
            if !seen.insert(l.name.as_str()) {
                continue;
            }
            // A helper among its optional dependencies only: the package works without its
            // native part.
            let required_helper = l.dependencies.iter().find(|d| is_addon_helper(d));
            let helper = required_helper
                .or_else(|| l.optional_dependencies.iter().find(|d| is_addon_helper(d)));
            if helper.is_none() && (!l.install_script || benign_install_script(&l.name)) {
                continue;
            }
            let listed = deps.get(l.name.as_str()).copied();
            if listed.is_some_and(|d| d.kind == DepKind::Dev) {
                continue;
            }
            let direct = listed;
            let (file, span, whose) = match direct {
                Some(d) => (p.file, d.span, "a dependency of the service"),
                None => (*lock_file, l.span, "a dependency of a dependency"),
            };
            let counter = if file == p.file { &mut m } else { &mut n };
            if *counter >= MAX_PER_FILE {
                continue;
            }
            *counter += 1;
            let optional = match direct {
                Some(d) => d.kind == DepKind::Optional,
                None => l.optional,
            } || required_helper.is_none();
            let (message, severity) = match helper {
                Some(h) => (
                    format!(
                        "`{}` ({whose}{}) is a native addon: its lockfile entry depends on `{h}`{}, which only compiled addons use",
                        l.name,
                        if optional { ", optional" } else { "" },
                        if required_helper.is_none() {
                            " optionally"
                        } else {
                            ""
                        },
                    ),
                    if optional {
                        Severity::Warning
                    } else {
                        Severity::Blocker
                    },
                ),
                None => (
                    format!(
                        "`{}` ({whose}) runs an install script (`{}` in the lockfile), which often compiles a native addon: check what it builds",
                        l.name,
                        match lock.kind {
                            analyzer::node::lock::LockKind::Pnpm => "requiresBuild",
                            _ => "hasInstallScript",
                        }
                    ),
                    Severity::Warning,
                ),
            };
            sink.report(file, span, message).severity(severity);
        }
    }
}
