//! `WM105` dotnet-runtime: the final image runs on the .NET runtime.

use analyzer::dockerfile::Language;

use crate::runtimes;
use crate::{DockerfileCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a final image whose language runtime is .NET, recognised from the program the
    /// container starts (`dotnet Api.dll`) or a .NET runtime installed with the OS package
    /// manager on a base that is not itself a .NET image. The SDK image used only to build does
    /// not fire.
    ///
    /// A plain .NET runtime is a warning (a small console service may build with
    /// componentize-dotnet); ASP.NET Core (`aspnetcore-runtime-*` installed) is a blocker, as the
    /// `mcr.microsoft.com/dotnet/aspnet` image is: both from the runtime table,
    /// `rules/data/runtimes.toml`.
    ///
    /// A runtime stage built on a known .NET image (`mcr.microsoft.com/dotnet/*`: `aspnet`,
    /// `runtime`, `runtime-deps`, `sdk`; Red Hat UBI .NET images: the image knowledge base,
    /// `rules/data/images.toml`) is reported by `dotnet-image` (WM323) instead, the same finding
    /// a container running that image gets.
    ///
    /// ## Why it matters for Wasm
    /// A .NET service runs on the CLR with a JIT, which Wasm runtimes do not provide. Building
    /// .NET for WASI exists (the `wasi-experimental` workload, componentize-dotnet with
    /// NativeAOT-LLVM) but is experimental: ASP.NET Core, reflection-heavy libraries and
    /// threads do not come along.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM mcr.microsoft.com/dotnet/aspnet:8.0
    /// COPY --from=build /out /app
    /// ENTRYPOINT ["dotnet", "/app/Api.dll"]
    /// ```
    ///
    /// ## How to fix
    /// Try an experimental WASI build of a small, self-contained service (componentize-dotnet)
    /// and check every dependency; otherwise keep the workload on Linux.
    pub struct DotnetRuntime {
        code: "WM105",
        name: "dotnet-runtime",
        category: Dotnet,
        severity: Warning,
        penalty: 35,
        summary: "the final image runs on the .NET runtime",
        help: "try an experimental WASI build (componentize-dotnet) for a small self-contained service and check every dependency; otherwise keep it on Linux",
    }
}

impl Rule for DotnetRuntime {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_dockerfile(&self, cx: &DockerfileCx<'_>, sink: &mut Sink<'_>) {
        let df = cx.dockerfile;
        let lr = df.language_runtime();
        if lr.language != Language::Dotnet || lr.judged_by_image_entry() {
            return;
        }
        // ASP.NET Core is judged as the `mcr.microsoft.com/dotnet/aspnet` image is: the same
        // runtime-table entry, whichever evidence shows it.
        let aspnet = df
            .runtime_packages()
            .into_iter()
            .find(|(_, p)| p.name.starts_with("aspnetcore-runtime"));
        let variant = if aspnet.is_some() {
            "aspnetcore"
        } else {
            "dotnet"
        };
        let Some(entry) = runtimes::runtime(variant) else {
            return;
        };
        let hit = sink.report(
            cx.file.id,
            lr.span,
            format!("the final image runs on {}: {}", entry.name, lr.reason),
        );
        hit.help(entry.path.clone());
        if entry.severity() != Self::META.severity {
            hit.severity(entry.severity());
        }
        if let Some((_, p)) = &aspnet {
            hit.related(cx.file.id, p.word.span, "ASP.NET Core is installed here");
        }
    }
}
