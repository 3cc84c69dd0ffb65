//! `WM313` gpu: a container (or a SpinApp) asks for GPUs through extended resources.

use crate::k8s::common::holders;
use crate::k8s::large_memory::parse_quantity;
use crate::{ObjectCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags GPU extended resources in `resources.limits` or `resources.requests` of any
    /// container (init containers included) or of a SpinApp: `nvidia.com/gpu`,
    /// `nvidia.com/mig-*`, `amd.com/gpu` and `gpu.intel.com/*`. A quantity of `0` is not
    /// flagged; a resource in both limits and requests is reported once, at the limit.
    ///
    /// ## Why it matters for Wasm
    /// GPUs reach a container through a device plugin that mounts device files and driver
    /// libraries (CUDA, ROCm) into it. A Wasm module cannot open devices or load native
    /// libraries: WASI has no device access, and the runwasi and Spin shims expose no GPU
    /// interface to modules.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   limits:
    ///     nvidia.com/gpu: 1
    /// ```
    ///
    /// ## How to fix
    /// Keep GPU work (training, inference) in a Linux workload and call it over HTTP from the
    /// Wasm service.
    pub struct Gpu {
        code: "WM313",
        name: "gpu",
        category: Gpu,
        severity: Blocker,
        penalty: 60,
        summary: "a container asks for GPUs",
        help: "keep GPU work in a Linux workload and call it over HTTP from the Wasm service",
    }
}

/// Whether an extended resource name is a GPU.
fn is_gpu(resource: &str) -> bool {
    let r = resource.trim();
    r == "nvidia.com/gpu"
        || r.starts_with("nvidia.com/mig-")
        || r == "amd.com/gpu"
        || r.starts_with("gpu.intel.com/")
}

impl Rule for Gpu {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        for h in holders(cx) {
            let mut seen: Vec<&str> = Vec::new();
            for section in ["limits", "requests"] {
                let Some(block) = h.get("resources").and_then(|r| r.get(section)) else {
                    continue;
                };
                for (name, value) in block.entries() {
                    if !is_gpu(name) || seen.contains(&name) {
                        continue;
                    }
                    let amount = value.as_str().unwrap_or("");
                    if parse_quantity(amount).is_some_and(|q| q <= 0.0) {
                        continue;
                    }
                    seen.push(name);
                    sink.report(
                        cx.object.file,
                        value.entry_span(),
                        format!("{} asks for {amount} `{name}`", h.label()),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn gpu_resources() {
        assert!(super::is_gpu("nvidia.com/gpu"));
        assert!(super::is_gpu("nvidia.com/mig-1g.5gb"));
        assert!(super::is_gpu("gpu.intel.com/i915"));
        assert!(!super::is_gpu("nvidia.com/gpu.shared-not-really"));
        assert!(!super::is_gpu("memory"));
    }
}
