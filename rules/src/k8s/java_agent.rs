//! `WM328` java-agent: a container loads a Java agent (`-javaagent:`), so a JVM runs in it.

use crate::k8s::common::{container_label, shorten};
use crate::k8s::manifest_signals::{signals, span_of, texts, words_starting_with};
use crate::{ObjectCx, Rule, RuleMeta, Sink, declare_rule};

const FLAG: &str = "-javaagent:";

declare_rule! {
    /// ## What it does
    /// Flags a container that passes `-javaagent:<jar>` in an env value (`JAVA_TOOL_OPTIONS`,
    /// `JAVA_OPTS`, ...), its `command` or its `args`, and names the agent when its jar is a
    /// known one (the OpenTelemetry, Datadog, Elastic APM, New Relic, Application Insights,
    /// SkyWalking agents, the Prometheus JMX exporter, ...: the `java-agent` entries of
    /// `rules/data/manifest-signals.toml`, each with its source).
    ///
    /// ## Why it matters for Wasm
    /// A Java agent is loaded by a Java virtual machine, and only by one: the workload runs on
    /// the JVM, which has no production WASI path. The agent itself instruments bytecode at run
    /// time, which no Wasm runtime offers either.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: JAVA_TOOL_OPTIONS
    ///     value: "-javaagent:/otel/opentelemetry-javaagent.jar"
    /// ```
    ///
    /// ## How to fix
    /// Keep the service as a Linux workload, or rewrite it in a language with a WASI target; a
    /// Wasm service exports telemetry through its runtime (Spin's OpenTelemetry support) or
    /// over OTLP/HTTP instead of an agent.
    pub struct JavaAgent {
        code: "WM328",
        name: "java-agent",
        category: Jvm,
        severity: Blocker,
        penalty: 60,
        summary: "a container loads a Java agent",
        help: "keep the service as a Linux workload; rewrite it in a language with a WASI target if it should move to Wasm",
    }
}

impl Rule for JavaAgent {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let Some(spec) = cx.pod_spec() else { return };
        let t = signals();
        for c in spec.containers() {
            let who = container_label(&c);
            for text in texts(&c) {
                let Some(word) = words_starting_with(text.value, FLAG).first().copied() else {
                    continue;
                };
                let arg = &word[FLAG.len()..];
                // `-javaagent:/a/agent.jar=opt1,opt2`: the options follow the `=`.
                let jar = arg.split_once('=').map_or(arg, |(j, _)| j);
                let file = jar.rsplit(['/', '\\']).next().unwrap_or(jar);
                let known = t
                    .java_agent
                    .iter()
                    .find(|a| analyzer::images::glob(&a.jar, &file.to_ascii_lowercase()));
                let what = match known {
                    Some(a) => format!("`{}` ({})", shorten(jar, 80), a.name),
                    None => format!("`{}`", shorten(jar, 80)),
                };
                sink.report(
                    cx.object.file,
                    span_of(cx.file, text.node, word),
                    format!(
                        "{who} loads the Java agent {what} in {}, so a JVM runs in it",
                        text.place
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::k8s::manifest_signals::testing::{deployment, findings, places};

    #[test]
    fn agents_fire_at_their_line_and_column_and_are_named() {
        let yaml = deployment(
            "env:\n  - name: JAVA_TOOL_OPTIONS\n    value: \"-Xss1m -javaagent:/otel/opentelemetry-javaagent-2.4.jar\"\ncommand: [\"java\", \"-javaagent:/opt/agent.jar=port=9000\", \"-jar\", \"app.jar\"]",
        );
        let got = findings("WM328", &yaml);
        let at = places(&got);
        assert_eq!(
            at,
            [("WM328", 13, 30, "jvm"), ("WM328", 14, 30, "jvm")],
            "{got:#?}"
        );
        assert!(
            got[0]
                .4
                .contains("`/otel/opentelemetry-javaagent-2.4.jar` (the OpenTelemetry Java agent) in env `JAVA_TOOL_OPTIONS`"),
            "{}",
            got[0].4
        );
        assert!(
            got[1]
                .4
                .contains("the Java agent `/opt/agent.jar` in `command`"),
            "{}",
            got[1].4
        );
    }

    #[test]
    fn no_agent_no_finding() {
        let yaml = deployment("args: [\"-jar\", \"app.jar\", \"--javaagent-docs\"]");
        assert!(findings("WM328", &yaml).is_empty());
    }
}
