//! `WM812` dotnet-native-package: a NuGet package with native code (P/Invoke) or a raw-socket
//! protocol.

use analyzer::projects::Ecosystem;

use crate::projects::{ProjectCx, data, report_known};
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags each package of a .NET project a workload builds (`PackageReference` in the csproj
    /// or fsproj, or any package `packages.lock.json` resolved) that is in
    /// `rules/data/dotnet-packages.toml`: packages that ship `runtimes/*/native` libraries called
    /// through P/Invoke (SkiaSharp, Grpc.Core, System.Data.SQLite, e_sqlite3, SqlClient's SNI,
    /// Magick.NET, librdkafka) or speak a database protocol over raw TCP. The category and
    /// severity are the entry's; a package named in the csproj is reported there, one found only
    /// in the lockfile at its lockfile line.
    ///
    /// ## Why it matters for Wasm
    /// componentize-dotnet compiles managed code with NativeAOT-LLVM; P/Invoke native libraries
    /// built for Linux do not come along (WASM-FACTS.md §8), and WASI has no raw sockets
    /// (WASM-FACTS.md §5).
    ///
    /// ## Example
    /// ```xml
    /// <PackageReference Include="SkiaSharp" Version="2.88.6" />
    /// ```
    ///
    /// ## How to fix
    /// Use the managed alternative the finding names, or keep that work in a Linux service.
    pub struct DotnetNativePackage {
        code: "WM812",
        name: "dotnet-native-package",
        category: NativeLib,
        severity: Blocker,
        penalty: 30,
        summary: "a .NET package calls a native library through P/Invoke or needs raw sockets",
        help: "use a managed alternative, or keep that work in a Linux service",
    }
}

impl Rule for DotnetNativePackage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_project(&self, cx: &ProjectCx<'_>, sink: &mut Sink<'_>) {
        report_known(
            cx,
            Ecosystem::Dotnet,
            data::dotnet_packages(),
            "package",
            &Self::META,
            sink,
        );
    }
}
