//! `WM307` daemonset: the workload is a DaemonSet, one pod per node (a node agent).

use crate::{ObjectCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags objects of kind `DaemonSet`. What the agent needs from the node (`hostPath`,
    /// `hostNetwork`, capabilities) is reported by its own rules.
    ///
    /// ## Why it matters for Wasm
    /// A DaemonSet runs one pod on every node: log shippers, metrics exporters, CNI and CSI
    /// plugins, security agents. Such agents exist to watch or change the node, and a Wasm module
    /// sees only what WASI grants it: no processes, no devices, no raw sockets. A RuntimeClass
    /// also limits where pods can run (its `scheduling.nodeSelector` is merged into every pod), so
    /// a per-node agent under a Wasm runtime class only reaches the nodes that have the shim.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata:
    ///   name: log-agent
    /// ```
    ///
    /// ## How to fix
    /// If the workload serves requests and only runs everywhere for locality, make it a
    /// Deployment. A real node agent stays a Linux container.
    pub struct Daemonset {
        code: "WM307",
        name: "daemonset",
        category: Daemonset,
        severity: Warning,
        penalty: 20,
        summary: "the workload is a DaemonSet, a per-node agent",
        help: "make it a Deployment if it only serves requests; node agents stay Linux containers",
    }
}

impl Rule for Daemonset {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        if cx.object.kind != "DaemonSet" {
            return;
        }
        let Some(kind) = cx.root().get("kind") else {
            return;
        };
        sink.report(
            cx.object.file,
            kind.entry_span(),
            format!(
                "DaemonSet `{}` runs one pod on every node, like a node agent",
                cx.object.name
            ),
        );
    }
}
