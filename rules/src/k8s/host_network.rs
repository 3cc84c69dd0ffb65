//! `WM301` host-network: the pod shares a host namespace (`hostNetwork`, `hostPID`, `hostIPC`).

use crate::{ObjectCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a pod spec with `hostNetwork: true`, `hostPID: true` or `hostIPC: true`.
    ///
    /// ## Why it matters for Wasm
    /// These settings hand the pod the node's network, process or IPC namespace. A Wasm module sees
    /// only what WASI gives it: sockets through `wasi:sockets`, no processes, no shared memory with
    /// other processes. A workload that needs the node's namespaces is a node agent, not a
    /// candidate for a Wasm shim.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       hostNetwork: true
    /// ```
    ///
    /// ## How to fix
    /// Remove the setting and expose the workload through a Service. If it must watch the node
    /// (a CNI plugin, a metrics agent), keep it as a Linux container.
    pub struct HostNetwork {
        code: "WM301",
        name: "host-network",
        category: HostNetwork,
        severity: Blocker,
        penalty: 60,
        summary: "the pod shares the node's network, process or IPC namespace",
        help: "remove `hostNetwork`/`hostPID`/`hostIPC` and expose the workload through a Service; node agents stay Linux containers",
    }
}

impl Rule for HostNetwork {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let Some(spec) = cx.pod_spec() else { return };
        for (key, what) in [
            ("hostNetwork", "network"),
            ("hostPID", "process"),
            ("hostIPC", "IPC"),
        ] {
            if let Some(v) = spec.get(key)
                && v.as_bool() == Some(true)
            {
                sink.report(
                    cx.object.file,
                    v.entry_span(),
                    format!("`{key}: true` gives the pod the node's {what} namespace"),
                );
            }
        }
    }
}
