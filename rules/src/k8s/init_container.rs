//! `WM308` init-container: the pod runs init containers (or native sidecars) that must work
//! under the workload's runtime class too.

use analyzer::k8s::ContainerRole;

use crate::{ObjectCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags each entry of `initContainers`, naming its image. An init container with
    /// `restartPolicy: Always` (a Kubernetes native sidecar) is reported as a sidecar. Every other
    /// rule judges init containers like main containers: a shell command, a privileged flag or a
    /// well-known image in an init container is reported by its own rule as well.
    ///
    /// ## Why it matters for Wasm
    /// A RuntimeClass applies to every container of the pod, init containers included. Current
    /// runwasi shims and the Spin shim run a container whose entrypoint is a Linux executable or a
    /// `#!` script as an ordinary Linux container beside the Wasm one, so mixed pods can work;
    /// older shims and legacy AKS WASI node pools did not allow them. Init containers are usually
    /// shell steps (waiting for a database, fixing permissions, running migrations) that have no
    /// Wasm build, so whether the pod starts depends on the shim version.
    ///
    /// ## Example
    /// ```yaml
    /// initContainers:
    ///   - name: wait-for-db
    ///     image: busybox:1.36
    ///     command: ["sh", "-c", "until nc -z db 5432; do sleep 1; done"]
    /// ```
    ///
    /// ## How to fix
    /// Move the step out of the pod (a Job for migrations, retries in the application for
    /// waiting on dependencies), or validate that your shim version runs Linux init containers
    /// beside Wasm ones.
    pub struct InitContainer {
        code: "WM308",
        name: "init-container",
        category: InitContainer,
        severity: Warning,
        penalty: 10,
        summary: "the pod runs init containers, which must also start under the Wasm runtime class",
        help: "move the step into a Job or the application, or validate that your shim runs Linux init containers beside Wasm ones (runwasi and the Spin shim do; older shims do not)",
    }
}

impl Rule for InitContainer {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let Some(spec) = cx.pod_spec() else { return };
        for c in spec.containers() {
            let image = c
                .image()
                .and_then(|i| i.as_str())
                .map(|i| format!(" (`{i}`)"))
                .unwrap_or_default();
            let msg = match c.role {
                ContainerRole::Init => {
                    format!(
                        "init container `{}`{image} runs before the workload starts",
                        c.name()
                    )
                }
                ContainerRole::NativeSidecar => format!(
                    "sidecar container `{}`{image} runs beside the workload for the pod's lifetime (`restartPolicy: Always`)",
                    c.name()
                ),
                ContainerRole::Main | ContainerRole::Ephemeral => continue,
            };
            let at = c.node.get("name").map_or(c.node.span(), |n| n.entry_span());
            sink.report(cx.object.file, at, msg);
        }
    }
}
