//! `WM343` dotnet-env: a container sets variables only ASP.NET Core or the .NET host read, so
//! .NET runs in it.

use crate::k8s::common::container_label;
use crate::k8s::manifest_signals::{env_vars, signals};
use crate::runtimes;
use crate::{ObjectCx, Rule, RuleMeta, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a container that sets an environment variable only ASP.NET Core (`ASPNETCORE_URLS`,
    /// `ASPNETCORE_ENVIRONMENT`, any `ASPNETCORE_*`) or the .NET runtime host (`DOTNET_*`)
    /// reads: the `dotnet-env` entries of `rules/data/manifest-signals.toml`, each with its
    /// source. It tells a .NET service apart when its image is built elsewhere and says nothing.
    /// Once per container, at the first such variable; `ASPNETCORE_*` wins over `DOTNET_*`.
    /// Category and severity come from the runtime table (`rules/data/runtimes.toml`), as for a
    /// .NET image or project: ASP.NET Core is a blocker (`aspnetcore`), a plain .NET host is
    /// judged by the `dotnet` entry.
    ///
    /// ## Why it matters for Wasm
    /// .NET reaches WASI only through componentize-dotnet, which is experimental, and ASP.NET
    /// Core's server (Kestrel) and its reflection-heavy frameworks do not run there
    /// (WASM-FACTS.md §8).
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: catalog
    ///     image: acme.azurecr.io/catalog-api:2.1
    ///     env:
    ///       - name: ASPNETCORE_URLS
    ///         value: http://+:80
    /// ```
    ///
    /// ## How to fix
    /// Keep the service as a Linux workload; rewrite the part that should move in a language with
    /// a production WASI target.
    pub struct DotnetEnv {
        code: "WM343",
        name: "dotnet-env",
        category: Dotnet,
        severity: Blocker,
        penalty: 60,
        summary: "a container sets variables only ASP.NET Core or the .NET host read",
        help: "keep the service as a Linux workload; rewrite the part that should move in a language with a production WASI target",
    }
}

impl Rule for DotnetEnv {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let Some(spec) = cx.pod_spec() else { return };
        let t = signals();
        for c in spec.containers() {
            let vars = env_vars(&c);
            // ASP.NET Core says more than the .NET host: its entry first, whatever the order.
            let hit = t
                .dotnet_env
                .iter()
                .find_map(|e| vars.iter().find(|v| e.matches(v.name)).map(|v| (v, e)));
            let Some((v, e)) = hit else { continue };
            let variant = if v.name.starts_with("ASPNETCORE_") {
                "aspnetcore"
            } else {
                "dotnet"
            };
            let Some(entry) = runtimes::runtime(variant) else {
                continue;
            };
            let hit = sink.report(
                cx.object.file,
                v.name_node.span(),
                format!(
                    "{} sets `{}` ({}), so it runs on {}",
                    container_label(&c),
                    v.name,
                    e.reason,
                    entry.name
                ),
            );
            hit.help(entry.path.clone());
            if entry.severity() != Severity::Blocker {
                hit.severity(entry.severity());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::k8s::manifest_signals::testing::{deployment, findings, places};

    #[test]
    fn aspnetcore_settings_fire_once_at_the_first_variable() {
        let yaml = deployment(
            "env:\n  - name: DOTNET_RUNNING_IN_CONTAINER\n    value: \"true\"\n  - name: ASPNETCORE_URLS\n    value: http://+:80\n  - name: ASPNETCORE_ENVIRONMENT\n    value: Production",
        );
        let got = findings("WM343", &yaml);
        assert_eq!(places(&got), [("WM343", 14, 21, "dotnet")], "{got:#?}");
        assert!(got[0].4.contains("sets `ASPNETCORE_URLS`"), "{got:#?}");
    }

    #[test]
    fn other_variables_do_not_fire() {
        let yaml = deployment(
            "env:\n  - name: ASPNET_URLS\n    value: x\n  - name: DOTNETX\n    value: y",
        );
        assert!(findings("WM343", &yaml).is_empty());
    }
}
