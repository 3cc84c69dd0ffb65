//! `WM302` privileged: a container runs privileged, or may escalate with added capabilities.

use crate::{ObjectCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `securityContext.privileged: true` on any container (init containers included), and
    /// `allowPrivilegeEscalation: true` on a container that also adds capabilities.
    ///
    /// ## Why it matters for Wasm
    /// A privileged container reaches every device and kernel interface of the node. A Wasm module
    /// has none of them: its only way out is the WASI interfaces the runtime grants. Whatever needed
    /// privilege will not work.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: agent
    ///   securityContext:
    ///     privileged: true
    /// ```
    ///
    /// ## How to fix
    /// Drop `privileged` and find which device or kernel call needed it. If the workload really
    /// needs it (a storage or network driver), it stays a Linux container.
    pub struct Privileged {
        code: "WM302",
        name: "privileged",
        category: Privileged,
        severity: Blocker,
        penalty: 60,
        summary: "a container runs privileged or escalates privileges with added capabilities",
        help: "remove `privileged: true`; Wasm modules reach no devices or kernel interfaces, so privileged workloads stay Linux containers",
    }
}

impl Rule for Privileged {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let Some(spec) = cx.pod_spec() else { return };
        for c in spec.containers() {
            let Some(sc) = c.node.get("securityContext") else {
                continue;
            };
            if let Some(p) = sc.get("privileged")
                && p.as_bool() == Some(true)
            {
                sink.report(
                    cx.object.file,
                    p.entry_span(),
                    format!("container `{}` runs privileged", c.name()),
                );
            }
            let adds_caps = sc
                .path(&["capabilities", "add"])
                .is_some_and(|a| a.items().next().is_some());
            if let Some(e) = sc.get("allowPrivilegeEscalation")
                && e.as_bool() == Some(true)
                && adds_caps
            {
                sink.report(
                    cx.object.file,
                    e.entry_span(),
                    format!(
                        "container `{}` may escalate privileges and adds capabilities",
                        c.name()
                    ),
                );
            }
        }
    }
}
