//! `WM329` node-options: a container sets `NODE_OPTIONS`, so Node.js runs in it.

use crate::k8s::common::container_label;
use crate::k8s::manifest_signals::{env_vars, signals};
use crate::{ObjectCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a container that sets an environment variable only Node.js reads (`NODE_OPTIONS`:
    /// the `node-env` entries of `rules/data/manifest-signals.toml`, each with its source). It
    /// tells a Node.js service apart when its image is built elsewhere and says nothing. The
    /// finding is the one `runtime-image` (WM326) gives a container running a `node` image.
    ///
    /// ## Why it matters for Wasm
    /// The service runs on Node.js, a native JavaScript engine with Node-only APIs (`fs`, `net`,
    /// `child_process`, native addons). JavaScript has a path to Wasm (ComponentizeJS / `jco`
    /// on StarlingMonkey, Spin's JavaScript SDK), but it is a rebuild, and the Node-only APIs
    /// have to go.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: NODE_OPTIONS
    ///     value: "--max-old-space-size=512"
    /// ```
    ///
    /// ## How to fix
    /// Build the service as a WASI component with ComponentizeJS/jco or Spin's JavaScript SDK,
    /// and replace Node-only APIs with `fetch` and WASI interfaces.
    pub struct NodeOptions {
        code: "WM329",
        name: "node-options",
        category: LanguageRuntime,
        severity: Warning,
        penalty: 15,
        summary: "a container sets options only Node.js reads",
        help: "build the service as a WASI component with ComponentizeJS/jco or Spin's JavaScript SDK; replace Node-only APIs with fetch and WASI interfaces",
    }
}

impl Rule for NodeOptions {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let Some(spec) = cx.pod_spec() else { return };
        let t = signals();
        for c in spec.containers() {
            let who = container_label(&c);
            for v in env_vars(&c) {
                if let Some(e) = t.node_env.iter().find(|e| e.matches(v.name)) {
                    sink.report(
                        cx.object.file,
                        v.name_node.span(),
                        format!(
                            "{who} sets `{}` ({}), so Node.js runs in it",
                            v.name, e.reason
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::k8s::manifest_signals::testing::{deployment, findings, places};

    #[test]
    fn node_options_fire_at_their_line_and_column() {
        let yaml = deployment(
            "env:\n  - name: PORT\n    value: \"3000\"\n  - name: NODE_OPTIONS\n    value: --max-old-space-size=512",
        );
        let got = findings("WM329", &yaml);
        let at = places(&got);
        assert_eq!(at, [("WM329", 14, 21, "language-runtime")], "{got:#?}");
        assert!(got[0].4.starts_with("container `app` sets `NODE_OPTIONS`"));
    }

    #[test]
    fn other_variables_do_not_fire() {
        let yaml = deployment("env:\n  - name: NODE_ENV\n    value: production");
        assert!(findings("WM329", &yaml).is_empty());
    }
}
