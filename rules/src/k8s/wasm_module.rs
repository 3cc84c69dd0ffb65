//! `WM316` wasm-module: the workload already runs Wasm (a Wasm `runtimeClassName`, or a SpinApp).

use crate::{ObjectCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports, as a note, workloads that already run WebAssembly:
    /// - a pod spec whose `runtimeClassName` names a Wasm runtime class: a name with a part
    ///   containing `wasm` (`wasmtime-v1`, `wasmedge`, `wasmer`, `wasm`) or a part equal to `spin`,
    ///   `wamr`, `wws`, `slight` or `runwasi` (`wasmtime-spin-v2`), or a RuntimeClass defined in
    ///   the repository whose `handler` is such a name;
    /// - an object of kind `SpinApp` (`core.spinkube.dev`);
    /// - a pod whose `nodeSelector` asks for a `wasm32-*` architecture on `kubernetes.io/arch`
    ///   (a Wasm kubelet such as krustlet registers its nodes with `wasm32-wasi`), or tolerates
    ///   the taint such a node carries (a `tolerations` entry with key `kubernetes.io/arch` and a
    ///   `wasm32-*` value: krustlet taints its nodes so that only Wasm pods land there).
    ///
    /// ## Why it matters for Wasm
    /// These workloads are already on a Wasm shim: the RuntimeClass `handler` selects a
    /// containerd runtime such as `io.containerd.spin.v2` or `io.containerd.wasmtime.v1`, and the
    /// spin-operator renders a SpinApp into a Deployment with the executor's runtime class. Their
    /// other findings describe what they still rely on. Runtime class names differ between
    /// installations (`wasmtime-spin-v2`, `wasm`, `wasmedge`), so a name this rule does not
    /// recognise is reported as nothing rather than guessed at.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   runtimeClassName: wasmtime-spin-v2
    /// ```
    ///
    /// ## How to fix
    /// Nothing to fix. Check that every node the RuntimeClass selects has the shim installed.
    pub struct WasmModule {
        code: "WM316",
        name: "wasm-module",
        category: WasmModule,
        severity: Note,
        penalty: 0,
        summary: "the workload already runs WebAssembly",
        help: "nothing to fix; check that every node the RuntimeClass selects has the shim installed",
    }
}

/// Whether a runtime class name or handler names a Wasm runtime. Parts are split on `-`, `_`,
/// `.`, so `spinnaker` is not `spin`.
pub fn is_wasm_runtime_name(name: &str) -> bool {
    name.to_ascii_lowercase()
        .split(['-', '_', '.'])
        .any(|part| {
            part.contains("wasm") || matches!(part, "spin" | "wamr" | "wws" | "slight" | "runwasi")
        })
}

impl Rule for WasmModule {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        if cx.object.kind == "SpinApp" {
            if let Some(kind) = cx.root().get("kind") {
                let executor = cx
                    .root()
                    .path(&["spec", "executor"])
                    .and_then(|e| e.as_str())
                    .map(|e| format!(" on executor `{e}`"))
                    .unwrap_or_default();
                sink.report(
                    cx.object.file,
                    kind.entry_span(),
                    format!(
                        "SpinApp `{}` already runs as a Spin application{executor}",
                        cx.object.name
                    ),
                );
            }
            return;
        }
        let Some(spec) = cx.pod_spec() else { return };
        let Some(node) = spec.get("runtimeClassName") else {
            if !wasm_node_selector(cx, spec.get("nodeSelector"), sink) {
                wasm_toleration(cx, spec.get("tolerations"), sink);
            }
            return;
        };
        let Some(class) = node.as_str() else { return };
        // A RuntimeClass of that name defined in the repository tells us its handler.
        let defined = cx.repo.objects.iter().find_map(|o| {
            if o.kind != "RuntimeClass" || o.name != class {
                return None;
            }
            let handler = o.root(cx.repo.doc_of(o)?).get("handler")?;
            Some((o.file, handler))
        });
        let handler_is_wasm = defined
            .as_ref()
            .and_then(|(_, h)| h.as_str())
            .is_some_and(is_wasm_runtime_name);
        if !is_wasm_runtime_name(class) && !handler_is_wasm {
            return;
        }
        let hit = sink.report(
            cx.object.file,
            node.entry_span(),
            format!("`runtimeClassName: {class}` runs the pod on a Wasm shim"),
        );
        if let Some((file, handler)) = defined {
            hit.related(
                file,
                handler.entry_span(),
                format!("RuntimeClass `{class}` selects this containerd handler"),
            );
        }
    }
}

/// Node labels whose value names the node's architecture (a Wasm kubelet registers its node
/// with a `wasm32-*` architecture: krustlet's `wasm32-wasi`, `wasm32-wagi`, `wasm32-wasmcloud`).
const ARCH_LABELS: &[&str] = &["kubernetes.io/arch", "beta.kubernetes.io/arch"];

/// Pods scheduled onto Wasm nodes by a `nodeSelector` on the architecture label (the krustlet
/// style, before RuntimeClasses were used for Wasm) already run Wasm too.
fn wasm_node_selector(
    cx: &ObjectCx<'_>,
    selector: Option<analyzer::yaml::YRef<'_>>,
    sink: &mut Sink<'_>,
) -> bool {
    let Some(selector) = selector else {
        return false;
    };
    for label in ARCH_LABELS {
        let Some(value) = selector.get(label) else {
            continue;
        };
        if let Some(arch) = value.as_str().filter(|a| a.starts_with("wasm32-")) {
            sink.report(
                cx.object.file,
                value.entry_span(),
                format!(
                    "`nodeSelector` `{label}: {arch}` schedules the pod on a Wasm node (a Wasm kubelet such as krustlet)"
                ),
            );
            return true;
        }
    }
    false
}

/// A toleration of a Wasm node's architecture taint (`kubernetes.io/arch=wasm32-wasi`): only a
/// pod built for such a node tolerates it (krustlet's demos).
pub fn wasm_toleration_value<'a>(
    tolerations: Option<analyzer::yaml::YRef<'a>>,
) -> Option<(&'a str, analyzer::yaml::YRef<'a>)> {
    tolerations?.items().find_map(|t| {
        let key = t.get("key")?.as_str()?;
        let value = t.get("value")?;
        let arch = value.as_str().filter(|a| a.starts_with("wasm32-"))?;
        ARCH_LABELS.contains(&key).then_some((arch, value))
    })
}

fn wasm_toleration(
    cx: &ObjectCx<'_>,
    tolerations: Option<analyzer::yaml::YRef<'_>>,
    sink: &mut Sink<'_>,
) {
    if let Some((arch, value)) = wasm_toleration_value(tolerations) {
        sink.report(
            cx.object.file,
            value.entry_span(),
            format!(
                "the pod tolerates the `{arch}` architecture taint of a Wasm node (a Wasm kubelet such as krustlet)"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::is_wasm_runtime_name as w;

    #[test]
    fn wasm_runtime_names() {
        for n in [
            "wasmtime-spin-v2",
            "wasmtime-v1",
            "wasm",
            "wasmedge",
            "spin",
            "spin-v2",
            "wasmer",
            "wamr",
            "kwasm",
        ] {
            assert!(w(n), "{n}");
        }
        for n in ["spinnaker", "runc", "gvisor", "kata-qemu", "nvidia", ""] {
            assert!(!w(n), "{n}");
        }
    }
}
