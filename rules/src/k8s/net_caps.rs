//! `WM303` net-caps: a container adds network or system capabilities.

use crate::k8s::pod::{Member, helper_init_relief};
use crate::{ObjectCx, Rule, RuleMeta, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `securityContext.capabilities.add` entries `NET_RAW`, `NET_ADMIN` and any `SYS_*`
    /// capability (and `ALL`) on any container. `NET_BIND_SERVICE` is not flagged: binding a low
    /// port is something a Wasm runtime does for the module.
    ///
    /// The init container of a recognized service mesh (`istio-init`, `linkerd-init` on the
    /// mesh's own image, `rules/data/pod-sidecars.toml`) beside an application container gets a
    /// warning instead: it redirects the pod's traffic to the mesh proxy with iptables and
    /// belongs to the mesh, and whether that works under a Wasm shim is unconfirmed and needs
    /// validation (WASM-FACTS.md §2).
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
        let members = Member::of_spec(&spec);
        for c in spec.containers() {
            let Some(add) = c.node.path(&["securityContext", "capabilities", "add"]) else {
                continue;
            };
            let me = Member {
                name: c.name(),
                image: c.image().and_then(|i| i.as_str()),
                role: c.role,
            };
            // A mesh's init step (istio-init, linkerd-init) beside the application belongs to
            // the mesh, not to the code that moves.
            let relief = helper_init_relief(&members, &me);
            for (cap, node) in add.str_items() {
                if is_kernel_capability(cap) {
                    let hit = sink.report(
                        cx.object.file,
                        node.span(),
                        format!("container `{}` adds capability `{cap}`", c.name()),
                    );
                    if let Some(r) = &relief {
                        hit.severity(Severity::Warning).help(r.help(
                            c.name(),
                            "whether a mesh's traffic redirection works for a pod under a Wasm shim is unconfirmed and needs validation (WASM-FACTS.md §2)",
                        ));
                    }
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
