//! `WM111` wasm-image: the final image already packages a Wasm module.

use analyzer::dockerfile::Language;

use crate::k8s::images::judge;
use crate::{DockerfileCx, ImageCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Notes a final image that already holds a Wasm module: its ENTRYPOINT or CMD names a
    /// `*.wasm` file, or it is built `FROM scratch` and copies a `*.wasm` file in (the usual
    /// packaging for the runwasi shims; a Spin image also copies its `spin.toml`).
    ///
    /// It also notes a container whose image is a known Wasm image that no Dockerfile in the
    /// repository builds: the `wasm-module` entries of the image knowledge base
    /// (`rules/data/images.toml`), each backed by a source that says the image is Wasm (the
    /// containerd-shim-spin and containerd-wasm-shims examples, the runwasi demo app).
    ///
    /// ## Why it matters for Wasm
    /// This is the goal: the image runs under a Wasm shim as it is, given a RuntimeClass whose
    /// handler is such a shim. The finding costs nothing; it says why the workload is ready.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM scratch
    /// COPY --chmod=0755 target/wasm32-wasip2/release/api.wasm /api.wasm
    /// ENTRYPOINT ["/api.wasm"]
    /// ```
    ///
    /// ## How to fix
    /// Nothing to fix. Run the workload with a Wasm RuntimeClass (`wasm-migrate convert`), and
    /// check that the runtime you pick supports what the module imports.
    pub struct WasmImage {
        code: "WM111",
        name: "wasm-image",
        category: WasmModule,
        severity: Note,
        penalty: 0,
        summary: "the final image already packages a Wasm module",
        help: "run it with a Wasm RuntimeClass (`wasm-migrate convert`) and check that the runtime supports what the module imports",
    }
}

impl Rule for WasmImage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_dockerfile(&self, cx: &DockerfileCx<'_>, sink: &mut Sink<'_>) {
        let lr = cx.dockerfile.language_runtime();
        if lr.language == Language::Wasm {
            sink.report(
                cx.file.id,
                lr.span,
                format!("the final image is already Wasm: {}", lr.reason),
            );
        }
    }

    fn check_image(&self, cx: &ImageCx<'_>, sink: &mut Sink<'_>) {
        judge(cx, sink, &Self::META);
    }
}
