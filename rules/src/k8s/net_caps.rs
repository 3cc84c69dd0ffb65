//! `WM303` net-caps: a container adds network or system capabilities.

use crate::{ObjectCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `securityContext.capabilities.add` entries `NET_RAW`, `NET_ADMIN` and any `SYS_*`
    /// capability (and `ALL`) on any container. `NET_BIND_SERVICE` is not flagged: binding a low
    /// port is something a Wasm runtime does for the module.
    ///
    /// ## Why it matters for Wasm
    /// Raw sockets, interface configuration and system administration calls do not exist in WASI.
    /// `wasi:sockets` offers TCP, UDP and name lookup only.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     add: ["NET_ADMIN", "NET_BIND_SERVICE"]
    /// ```
    ///
    /// ## How to fix
    /// Remove the capability and the code that needs it (ping via raw sockets, iptables changes).
    /// A workload that must manage the node's network stays a Linux container.
    pub struct NetCaps {
        code: "WM303",
        name: "net-caps",
        category: NetCaps,
        severity: Blocker,
        penalty: 50,
        summary: "a container adds raw-network or system capabilities",
        help: "drop the capability; WASI has no raw sockets or system administration calls",
    }
}

/// Whether a capability needs kernel features WASI does not have.
fn is_kernel_capability(cap: &str) -> bool {
    let cap = cap.trim().to_ascii_uppercase();
    let cap = cap.strip_prefix("CAP_").unwrap_or(&cap);
    matches!(cap, "NET_RAW" | "NET_ADMIN" | "ALL" | "BPF" | "PERFMON") || cap.starts_with("SYS_")
}

impl Rule for NetCaps {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let Some(spec) = cx.pod_spec() else { return };
        for c in spec.containers() {
            let Some(add) = c.node.path(&["securityContext", "capabilities", "add"]) else {
                continue;
            };
            for (cap, node) in add.str_items() {
                if is_kernel_capability(cap) {
                    sink.report(
                        cx.object.file,
                        node.span(),
                        format!("container `{}` adds capability `{cap}`", c.name()),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn net_bind_service_is_not_a_kernel_capability() {
        assert!(!super::is_kernel_capability("NET_BIND_SERVICE"));
        assert!(super::is_kernel_capability("CAP_NET_RAW"));
        assert!(super::is_kernel_capability("sys_admin"));
    }
}
