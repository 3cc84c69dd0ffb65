//! `WM323` dotnet-image: a container runs a .NET image.

use crate::k8s::images::{judge, judge_dockerfile};
use crate::{DockerfileCx, ImageCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a container whose image is a Microsoft .NET image (`mcr.microsoft.com/dotnet/*`:
    /// `aspnet`, `runtime`, `runtime-deps`, `sdk`) that no Dockerfile in the repository builds:
    /// the `dotnet` entries of `rules/data/images.toml`. ASP.NET Core and the SDK are blockers;
    /// `runtime` and `runtime-deps` (console workers, self-contained apps) are warnings, since a
    /// small worker may build with the experimental componentize-dotnet.
    ///
    /// The same entry judges a Dockerfile: when the base of its runtime stage (the final stage,
    /// or the stage it is built `FROM`) is such an image, the rule reports that `FROM` reference,
    /// and every workload built from the Dockerfile gets the finding. Build stages do not count.
    ///
    /// ## Why it matters for Wasm
    /// A .NET service runs on CoreCLR, a JIT-compiling runtime, or as a NativeAOT native binary
    /// on `runtime-deps`; neither runs under a Wasm shim. Compiling .NET to WASI components
    /// (componentize-dotnet, built on NativeAOT-LLVM) is experimental and needs validation for
    /// any real service.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: orders
    ///     image: mcr.microsoft.com/dotnet/aspnet:8.0
    /// ```
    ///
    /// ## How to fix
    /// Keep the service as a Linux workload, or try componentize-dotnet on a small service and
    /// validate it before planning a migration.
    pub struct DotnetImage {
        code: "WM323",
        name: "dotnet-image",
        category: Dotnet,
        severity: Blocker,
        penalty: 50,
        summary: "a container runs a .NET image",
        help: "keep the service as a Linux workload; componentize-dotnet is experimental and needs validation",
    }
}

impl Rule for DotnetImage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_image(&self, cx: &ImageCx<'_>, sink: &mut Sink<'_>) {
        judge(cx, sink, &Self::META);
    }

    fn check_dockerfile(&self, cx: &DockerfileCx<'_>, sink: &mut Sink<'_>) {
        judge_dockerfile(cx, sink, &Self::META);
    }
}
