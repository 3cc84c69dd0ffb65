//! Cheap signals in a container's `env`, `command` and `args` (`rules/data/manifest-signals.toml`):
//! the table, the strings a container hands its program, and the exact span of a signal inside
//! one of them. Shared by jvm-options (WM327), java-agent (WM328), node-options (WM329) and
//! database-endpoint (WM330).

use std::sync::OnceLock;

use analyzer::k8s::ContainerRef;
use analyzer::source::SourceFile;
use analyzer::span::Span;
use analyzer::yaml::YRef;
use serde::Deserialize;

use crate::knowledge::parse_table;

/// An environment variable that only one runtime reads: by exact `name`, or every name that
/// starts with `prefix` (a framework that binds its whole configuration from the environment).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvEntry {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub prefix: Option<String>,
    pub reason: String,
    pub source: String,
}

impl EnvEntry {
    pub fn matches(&self, var: &str) -> bool {
        match &self.prefix {
            Some(p) => var.starts_with(p.as_str()) && var.len() > p.len(),
            None => var == self.name,
        }
    }
}

/// A command-line flag prefix (`-Xmx`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagEntry {
    pub prefix: String,
    pub reason: String,
    pub source: String,
}

/// A Java agent, by its jar's file name.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentEntry {
    /// File-name pattern; `*` matches any run of characters.
    pub jar: String,
    pub name: String,
    pub source: String,
}

/// A URL scheme of a non-HTTP client connection.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeEntry {
    pub scheme: String,
    pub protocol: String,
    pub source: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SignalTable {
    #[serde(default)]
    pub jvm_env: Vec<EnvEntry>,
    #[serde(default)]
    pub jvm_flag: Vec<FlagEntry>,
    /// `httpGet` probe paths only a JVM framework serves (Spring Boot Actuator's `/actuator/`).
    #[serde(default)]
    pub jvm_probe_path: Vec<FlagEntry>,
    #[serde(default)]
    pub java_agent: Vec<AgentEntry>,
    #[serde(default)]
    pub node_env: Vec<EnvEntry>,
    /// Variables only ASP.NET Core or the .NET host read (`ASPNETCORE_*`, `DOTNET_*`).
    #[serde(default)]
    pub dotnet_env: Vec<EnvEntry>,
    #[serde(default)]
    pub client_scheme: Vec<SchemeEntry>,
    /// Command-line flags of Kubernetes controllers and admission webhook servers
    /// (`--leader-elect`), matched as a whole word or followed by `=` or `-`.
    #[serde(default)]
    pub controller_flag: Vec<FlagEntry>,
    /// Directories that hold Unix sockets, not files (`/var/lib/kubelet/device-plugins`), by
    /// path prefix.
    #[serde(default)]
    pub socket_dir: Vec<FlagEntry>,
}

pub fn signals() -> &'static SignalTable {
    static T: OnceLock<SignalTable> = OnceLock::new();
    T.get_or_init(|| {
        parse_table(
            "manifest-signals.toml",
            include_str!("../../data/manifest-signals.toml"),
        )
    })
}

/// One environment variable with a literal name.
pub struct EnvVar<'a> {
    pub name: &'a str,
    pub name_node: YRef<'a>,
    /// The literal `value`, if any (`valueFrom` has none).
    pub value: Option<(&'a str, YRef<'a>)>,
}

pub fn env_vars<'a>(c: &ContainerRef<'a>) -> Vec<EnvVar<'a>> {
    c.node
        .get("env")
        .into_iter()
        .flat_map(|e| e.items())
        .filter_map(|item| {
            let name_node = item.get("name")?;
            Some(EnvVar {
                name: name_node.as_str()?,
                name_node,
                value: item.get("value").and_then(|v| v.as_str().map(|s| (s, v))),
            })
        })
        .collect()
}

/// A string the container hands its program: an env value or a `command`/`args` item.
pub struct Text<'a> {
    /// How a message names where it is: "env `JAVA_OPTS`", "`args`".
    pub place: String,
    pub value: &'a str,
    pub node: YRef<'a>,
}

pub fn texts<'a>(c: &ContainerRef<'a>) -> Vec<Text<'a>> {
    let mut out: Vec<Text<'a>> = env_vars(c)
        .into_iter()
        .filter_map(|v| {
            let (value, node) = v.value?;
            Some(Text {
                place: format!("env `{}`", v.name),
                value,
                node,
            })
        })
        .collect();
    for key in ["command", "args"] {
        for (value, node) in c.node.get(key).into_iter().flat_map(|l| l.str_items()) {
            out.push(Text {
                place: format!("`{key}`"),
                value,
                node,
            });
        }
    }
    out
}

/// The span of `needle` inside the scalar `node` when its source holds it literally (quotes and
/// escapes can hide it), else the scalar's span.
pub fn span_of(file: &SourceFile, node: YRef<'_>, needle: &str) -> Span {
    let span = node.span();
    file.text
        .get(span.start..span.end)
        .and_then(|src| src.find(needle))
        .map_or(span, |i| {
            Span::new(span.start + i, span.start + i + needle.len())
        })
}

/// Where `prefix` starts a word of `text` (`-Xmx` in `"-Xmx512m -Dx=1"`, not in `--no-Xmx`),
/// with the whole word.
pub fn words_starting_with<'t>(text: &'t str, prefix: &str) -> Vec<&'t str> {
    text.split(|c: char| c.is_whitespace() || c == '"' || c == '\'')
        .filter(|w| w.starts_with(prefix) && w.len() > prefix.len())
        .collect()
}

#[cfg(test)]
pub mod testing {
    //! Run the engine over one manifest and keep the findings of one rule.

    use std::sync::atomic::{AtomicUsize, Ordering};

    use crate::engine::{Options, run};

    /// `(rule, line, column, category, message)` of every finding of `code`.
    pub fn findings(code: &str, yaml: &str) -> Vec<(String, usize, usize, String, String)> {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "wasm-migrate-signals-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("deploy.yaml"), yaml).unwrap();
        let repo = analyzer::scan(&dir).unwrap();
        let report = run(&repo, &Options::default());
        let _ = std::fs::remove_dir_all(&dir);
        let mut out: Vec<_> = report
            .workloads
            .iter()
            .flat_map(|w| &w.findings)
            .filter(|f| f.rule == code)
            .map(|f| {
                (
                    f.rule.clone(),
                    f.line,
                    f.column,
                    f.category.as_str().to_string(),
                    f.message.clone(),
                )
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// `(rule, line, column, category)` of each finding: where a user is sent, and what it is.
    pub fn places(
        got: &[(String, usize, usize, String, String)],
    ) -> Vec<(&str, usize, usize, &str)> {
        got.iter()
            .map(|(r, l, c, cat, _)| (r.as_str(), *l, *c, cat.as_str()))
            .collect()
    }

    /// A Deployment with one container `app` whose body (indented by 10) is `container`.
    pub fn deployment(container: &str) -> String {
        let body: String = container
            .lines()
            .map(|l| format!("          {l}\n"))
            .collect();
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/app:1\n{body}"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_and_every_entry_has_a_source() {
        let text = include_str!("../../data/manifest-signals.toml");
        let t: SignalTable = toml::from_str(text).unwrap();
        assert!(t.jvm_env.len() >= 4 && !t.jvm_flag.is_empty() && !t.java_agent.is_empty());
        assert!(!t.node_env.is_empty() && t.client_scheme.len() >= 7);
        assert!(t.controller_flag.len() >= 4);
        let sources = t
            .jvm_env
            .iter()
            .chain(&t.node_env)
            .chain(&t.dotnet_env)
            .map(|e| &e.source)
            .chain(t.jvm_flag.iter().map(|e| &e.source))
            .chain(t.java_agent.iter().map(|e| &e.source))
            .chain(t.client_scheme.iter().map(|e| &e.source))
            .chain(t.controller_flag.iter().map(|e| &e.source));
        for s in sources {
            assert!(s.starts_with("https://"), "{s}");
        }
        for s in &t.client_scheme {
            assert_eq!(s.scheme, s.scheme.to_ascii_lowercase());
        }
        assert_eq!(signals().client_scheme.len(), t.client_scheme.len());
    }

    #[test]
    fn words_start_at_word_boundaries() {
        assert_eq!(
            words_starting_with("-Xms256m -Xmx1g --no-Xmx", "-Xm"),
            ["-Xms256m", "-Xmx1g"]
        );
        assert!(words_starting_with("-Xmx", "-Xmx").is_empty());
    }
}
