//! `WM309` exec-probe: a probe or lifecycle hook runs a command inside the container.

use crate::k8s::common::{container_label, shorten};
use crate::{ObjectCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `exec` in `livenessProbe`, `readinessProbe` and `startupProbe`, and in the
    /// `postStart` and `preStop` lifecycle hooks, of every container (init containers included).
    /// `httpGet`, `tcpSocket` and `grpc` probes are not flagged.
    ///
    /// ## Why it matters for Wasm
    /// An exec probe asks the runtime to start a second process inside the container. A Wasm
    /// module is one component instance, not a filesystem of programs: there is no `cat`, no
    /// shell, and WASI has no way to spawn a process. The SpinApp CRD only accepts `httpGet`
    /// checks for readiness and liveness.
    ///
    /// ## Example
    /// ```yaml
    /// livenessProbe:
    ///   exec:
    ///     command: ["cat", "/tmp/healthy"]
    /// ```
    ///
    /// ## How to fix
    /// Serve a health endpoint and probe it with `httpGet` (`path: /healthz`). Replace exec hooks
    /// with logic in the application (graceful shutdown on request drain) or drop them.
    pub struct ExecProbe {
        code: "WM309",
        name: "exec-probe",
        category: ExecProbe,
        severity: Warning,
        penalty: 10,
        summary: "a probe or lifecycle hook runs a command inside the container",
        help: "serve a health endpoint and use an `httpGet` probe; Wasm modules cannot run a second process",
    }
}

impl Rule for ExecProbe {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let Some(spec) = cx.pod_spec() else { return };
        for c in spec.containers() {
            let mut found = Vec::new();
            for (key, what) in [
                ("livenessProbe", "its liveness probe"),
                ("readinessProbe", "its readiness probe"),
                ("startupProbe", "its startup probe"),
            ] {
                if let Some(exec) = c.node.path(&[key, "exec"]) {
                    found.push((exec, what));
                }
            }
            for (key, what) in [
                ("postStart", "its postStart hook"),
                ("preStop", "its preStop hook"),
            ] {
                if let Some(exec) = c.node.path(&["lifecycle", key, "exec"]) {
                    found.push((exec, what));
                }
            }
            for (exec, what) in found {
                let command: Vec<&str> = exec
                    .get("command")
                    .into_iter()
                    .flat_map(|c| c.str_items())
                    .map(|(s, _)| s)
                    .collect();
                let msg = if command.is_empty() {
                    format!("{} runs a command as {what}", container_label(&c))
                } else {
                    format!(
                        "{} runs `{}` as {what}",
                        container_label(&c),
                        shorten(&command.join(" "), 60)
                    )
                };
                sink.report(cx.object.file, exec.entry_span(), msg);
            }
        }
    }
}
