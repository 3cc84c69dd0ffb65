//! `WM811` dotnet-project: a workload runs a .NET program built from a csproj / fsproj; ASP.NET
//! Core or plain .NET, with the severity of `rules/data/runtimes.toml`.

use analyzer::projects::{Ecosystem, MarkerKind};
use analyzer::span::Span;

use crate::projects::{ProjectCx, runtime_severity};
use crate::{Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags each .NET project (`*.csproj`, `*.fsproj`) a workload builds (a Dockerfile stage
    /// running `dotnet publish`, `build` or `restore` on it). An ASP.NET Core project
    /// (`Sdk="Microsoft.NET.Sdk.Web"`, a `Microsoft.AspNetCore.App` framework reference, or a
    /// `Microsoft.AspNetCore.*` package) takes the `aspnetcore` entry of
    /// `rules/data/runtimes.toml` and is reported at that line; any other project takes the
    /// `dotnet` entry and is reported at its `<TargetFramework>`, when it is a program
    /// (`<OutputType>Exe</OutputType>` or the Worker SDK): a class library is judged through the
    /// program that uses it. The message names the target framework and the SDK `global.json`
    /// pins.
    ///
    /// ## Why it matters for Wasm
    /// The one WASI path for .NET is componentize-dotnet (NativeAOT-LLVM, .NET 9+, prerelease);
    /// reflection-heavy frameworks such as ASP.NET Core are not supported as such, and whether a
    /// given console service builds *needs validation* (WASM-FACTS.md §8).
    ///
    /// ## Example
    /// ```xml
    /// <Project Sdk="Microsoft.NET.Sdk.Web">
    /// ```
    ///
    /// ## How to fix
    /// For ASP.NET Core: keep the service on Linux, or rewrite the part that should move as a
    /// small handler. For a console service: try componentize-dotnet on .NET 9+ and check every
    /// dependency.
    pub struct DotnetProject {
        code: "WM811",
        name: "dotnet-project",
        category: Dotnet,
        severity: Blocker,
        penalty: 50,
        summary: "the workload runs a .NET program (ASP.NET Core or plain .NET)",
        help: "for ASP.NET Core, keep it on Linux or rewrite the part that should move; a console service: try componentize-dotnet (.NET 9+, prerelease) and check every dependency",
    }
}

impl Rule for DotnetProject {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_project(&self, cx: &ProjectCx<'_>, sink: &mut Sink<'_>) {
        let p = cx.project;
        if p.ecosystem != Ecosystem::Dotnet {
            return;
        }
        let framework = p.marker(|k| matches!(k, MarkerKind::TargetFramework(_)));
        let tfm = match framework.map(|m| &m.kind) {
            Some(MarkerKind::TargetFramework(t)) => format!(", target framework `{t}`"),
            _ => String::new(),
        };
        let sdk = match p
            .marker(|k| matches!(k, MarkerKind::SdkVersion(_)))
            .map(|m| &m.kind)
        {
            Some(MarkerKind::SdkVersion(v)) => format!(", SDK {v} (global.json)"),
            _ => String::new(),
        };
        let aspnet = p
            .marker(|k| *k == MarkerKind::AspNetCore)
            .map(|m| {
                (
                    m.file,
                    m.span,
                    "ASP.NET Core (`Microsoft.NET.Sdk.Web`)".to_string(),
                )
            })
            .or_else(|| {
                p.dependencies
                    .iter()
                    .find(|d| !d.locked && d.name.starts_with("Microsoft.AspNetCore."))
                    .map(|d| {
                        (
                            d.file,
                            d.span,
                            format!("ASP.NET Core (package `{}`)", d.name),
                        )
                    })
            });
        // A class library (neither ASP.NET Core nor an executable) is judged through the program
        // that references it; a Dockerfile that copies every csproj to restore links them all.
        if aspnet.is_none() && p.marker(|k| *k == MarkerKind::Executable).is_none() {
            return;
        }
        let language = if aspnet.is_some() {
            "aspnetcore"
        } else {
            "dotnet"
        };
        let (file, span, what) = aspnet.unwrap_or_else(|| match framework {
            Some(m) => (m.file, m.span, ".NET".to_string()),
            None => (p.file, Span::new(0, 0), ".NET".to_string()),
        });
        let Some(rt) = crate::runtimes::runtime(language) else {
            return;
        };
        let name = cx.repo.file(p.file).path.rsplit('/').next().unwrap_or("");
        let hit = sink.report(
            file,
            span,
            format!(
                "{what} project `{name}`{tfm}{sdk}: Wasm path: {} ({}; needs validation)",
                rt.path, rt.toolchain
            ),
        );
        let severity = runtime_severity(language);
        if severity != Self::META.severity {
            hit.severity(severity);
        }
        hit.help(format!("{} ({})", rt.path, rt.source));
    }
}
