//! `WM327` jvm-options: a container's env, command or args carry JVM options, so a JVM runs in it.

use crate::k8s::common::{container_label, shorten};
use crate::k8s::manifest_signals::{env_vars, signals, span_of, texts, words_starting_with};
use crate::{ObjectCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a container that sets an environment variable only a JVM or its start scripts read
    /// (`JAVA_OPTS`, `JAVA_TOOL_OPTIONS`, `_JAVA_OPTIONS`, `JDK_JAVA_OPTIONS`, `CATALINA_OPTS`,
    /// and the `SPRING_*` variables Spring Boot binds to its configuration), probes a Spring Boot
    /// Actuator path (`/actuator/health`), or passes a JVM flag (`-Xmx`, `-Xms`, `-Xss`, `-XX:`) in an env value, its `command` or
    /// its `args`. The names and flags are data: the `jvm-env` and `jvm-flag` entries of
    /// `rules/data/manifest-signals.toml`, each with its source. It tells a JVM service apart
    /// when its image is built elsewhere and says nothing.
    ///
    /// ## Why it matters for Wasm
    /// These options are read by a Java virtual machine, and only by one. The JVM compiles
    /// bytecode to machine code at run time, runs its own threads and loads native libraries;
    /// there is no production WASI path for JVM bytecode, so the service cannot move to Wasm
    /// without a rewrite.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: billing
    ///     image: ghcr.io/acme/billing:1.4
    ///     env:
    ///       - name: JAVA_OPTS
    ///         value: "-Xmx512m -XX:+UseG1GC"
    /// ```
    ///
    /// ## How to fix
    /// Keep the service as a Linux workload. If it should move to Wasm, rewrite it (or its hot
    /// paths) in a language with a WASI target: Rust, Go, JavaScript or Python.
    pub struct JvmOptions {
        code: "WM327",
        name: "jvm-options",
        category: Jvm,
        severity: Blocker,
        penalty: 60,
        summary: "a container's env, command or args carry JVM options",
        help: "keep the service as a Linux workload; rewrite it in a language with a WASI target if it should move to Wasm",
    }
}

impl Rule for JvmOptions {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let Some(spec) = cx.pod_spec() else { return };
        let t = signals();
        for c in spec.containers() {
            let who = container_label(&c);
            // A value already reported through its variable's name is not reported again.
            let mut covered = Vec::new();
            // A prefix entry (`SPRING_`) is reported once per container, at its first variable.
            let mut prefixes_seen: Vec<&str> = Vec::new();
            for v in env_vars(&c) {
                if let Some(e) = t.jvm_env.iter().find(|e| e.matches(v.name)) {
                    if let Some(p) = e.prefix.as_deref() {
                        if prefixes_seen.contains(&p) {
                            continue;
                        }
                        prefixes_seen.push(p);
                    }
                    sink.report(
                        cx.object.file,
                        v.name_node.span(),
                        format!(
                            "{who} sets `{}` ({}), so a JVM runs in it",
                            v.name, e.reason
                        ),
                    );
                    covered.extend(v.value.map(|(_, node)| node.span()));
                }
            }
            // A probe on a path only a JVM framework serves, when nothing above said JVM already.
            if prefixes_seen.is_empty() && covered.is_empty() {
                for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
                    let Some(path) = c
                        .node
                        .get(probe)
                        .and_then(|p| p.get("httpGet"))
                        .and_then(|h| h.get("path"))
                    else {
                        continue;
                    };
                    let Some(value) = path.as_str() else { continue };
                    if let Some(e) = t
                        .jvm_probe_path
                        .iter()
                        .find(|e| value.starts_with(e.prefix.as_str()))
                    {
                        sink.report(
                            cx.object.file,
                            path.entry_span(),
                            format!(
                                "{who}'s {probe} asks `{}` ({}), so a JVM runs in it",
                                shorten(value, 60),
                                e.reason
                            ),
                        );
                        break;
                    }
                }
            }
            for text in texts(&c) {
                if covered.contains(&text.node.span()) {
                    continue;
                }
                let flag = t.jvm_flag.iter().find_map(|e| {
                    words_starting_with(text.value, &e.prefix)
                        .first()
                        .map(|w| (*w, e))
                });
                if let Some((word, e)) = flag {
                    sink.report(
                        cx.object.file,
                        span_of(cx.file, text.node, word),
                        format!(
                            "{who} passes `{}` in {} ({}), so a JVM runs in it",
                            shorten(word, 60),
                            text.place,
                            e.reason
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::k8s::manifest_signals::testing::{deployment, findings, places};

    #[test]
    fn jvm_variables_and_flags_fire_at_their_line_and_column() {
        let yaml = deployment(
            "env:\n  - name: JAVA_TOOL_OPTIONS\n    value: \"-XX:MaxRAMPercentage=75\"\n  - name: OPTS\n    value: -Dx=1 -Xmx512m\nargs: [\"--port\", \"8080\", \"-XX:+UseG1GC\"]",
        );
        let got = findings("WM327", &yaml);
        let at = places(&got);
        assert_eq!(
            at,
            [
                ("WM327", 12, 21, "jvm"),
                ("WM327", 15, 28, "jvm"),
                ("WM327", 16, 37, "jvm"),
            ],
            "{got:#?}"
        );
        assert!(
            got[0]
                .4
                .starts_with("container `app` sets `JAVA_TOOL_OPTIONS`")
        );
        assert!(
            got[1].4.contains("passes `-Xmx512m` in env `OPTS`"),
            "{}",
            got[1].4
        );
        assert!(got[2].4.contains("in `args`"), "{}", got[2].4);
    }

    #[test]
    fn spring_variables_say_jvm_once_per_container() {
        let yaml = deployment(
            "env:\n  - name: LOG_LEVEL\n    value: info\n  - name: SPRING_PROFILES_ACTIVE\n    value: kubernetes\n  - name: SPRING_DATASOURCE_URL\n    value: jdbc:mysql://db/petclinic",
        );
        let got = findings("WM327", &yaml);
        assert_eq!(got.len(), 1, "{got:#?}");
        assert_eq!((got[0].1, got[0].2, got[0].3.as_str()), (14, 21, "jvm"));
        assert!(
            got[0].4.contains("sets `SPRING_PROFILES_ACTIVE`"),
            "{}",
            got[0].4
        );
        // `SPRING_` alone is not a Spring variable.
        assert!(
            findings(
                "WM327",
                &deployment("env:\n  - name: SPRING_\n    value: x")
            )
            .is_empty()
        );
    }

    #[test]
    fn an_actuator_probe_says_jvm() {
        let yaml = deployment(
            "livenessProbe:\n  httpGet:\n    path: /actuator/health/liveness\n    port: 8080\nreadinessProbe:\n  httpGet:\n    path: /actuator/health/readiness\n    port: 8080",
        );
        let got = findings("WM327", &yaml);
        assert_eq!(got.len(), 1, "{got:#?}");
        assert_eq!((got[0].1, got[0].3.as_str()), (13, "jvm"));
        assert!(
            got[0]
                .4
                .contains("livenessProbe asks `/actuator/health/liveness`"),
            "{}",
            got[0].4
        );
        let plain = deployment("livenessProbe:\n  httpGet:\n    path: /healthz\n    port: 8080");
        assert!(findings("WM327", &plain).is_empty());
    }

    #[test]
    fn other_options_do_not_fire() {
        let yaml = deployment(
            "env:\n  - name: OPTS\n    value: \"--no-Xmx -X\"\n  - name: GOGC\n    value: \"50\"\nargs: [\"-Xmx\"]",
        );
        assert!(findings("WM327", &yaml).is_empty());
    }
}
