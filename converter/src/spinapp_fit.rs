//! Which fields of a Deployment a SpinApp cannot hold: every one is listed with its file:line, and
//! one is enough for the workload to stay a Deployment (the table is `rules/data/spinapp-fields.toml`,
//! checked against spin-operator `api/v1alpha1/spinapp_types.go`; WASM-FACTS.md §4).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use analyzer::Repo;
use analyzer::yaml::YRef;
use serde::Deserialize;

use crate::emit::node_of;
use crate::plan::WorkloadPlan;
use crate::yamledit::Route;

const TABLE: &str = include_str!("../../rules/data/spinapp-fields.toml");

#[derive(Deserialize, Default)]
struct Table {
    field: Vec<Field>,
}

#[derive(Deserialize)]
struct Field {
    at: String,
    key: String,
    fate: Fate,
    #[serde(default)]
    default: Option<String>,
    #[serde(default)]
    why: String,
    #[allow(dead_code)] // read by people and the data tests: each entry names its source
    source: String,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
enum Fate {
    Carried,
    Implied,
    Default,
    Refused,
}

fn table() -> &'static BTreeMap<(String, String), Field> {
    static T: OnceLock<BTreeMap<(String, String), Field>> = OnceLock::new();
    T.get_or_init(|| {
        rules::knowledge::parse_table::<Table>("spinapp-fields.toml", TABLE)
            .field
            .into_iter()
            .map(|f| ((f.at.clone(), f.key.clone()), f))
            .collect()
    })
}

/// A field a SpinApp cannot hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Misfit {
    /// Where in the Deployment, by key and container name: `spec.template.spec.initContainers`.
    pub field: String,
    /// `file:line` of the key.
    pub at: String,
    pub why: String,
}

impl std::fmt::Display for Misfit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` ({}): {}", self.field, self.at, self.why)
    }
}

/// The Spin variable an environment variable becomes, when its name can be one: Spin variable
/// names are lower-case ASCII letters, digits and single underscores, starting with a letter.
pub fn spin_variable(env: &str) -> Option<String> {
    let v = env.to_ascii_lowercase();
    let ok = v.starts_with(|c: char| c.is_ascii_lowercase())
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !v.contains("__")
        && !v.ends_with('_');
    ok.then_some(v)
}

/// Empty values (`[]`, `{}`, null) change nothing: they pass whatever the key.
fn is_empty(v: YRef<'_>) -> bool {
    v.is_null()
        || (v.is_seq() && v.items().next().is_none())
        || (v.is_map() && v.entries().next().is_none())
}

struct Checker<'a> {
    repo: &'a Repo,
    file: analyzer::source::FileId,
    out: Vec<Misfit>,
}

impl Checker<'_> {
    fn misfit(&mut self, field: String, node: YRef<'_>, why: impl Into<String>) {
        self.out.push(Misfit {
            field,
            at: self.repo.file_line(self.file, node.key_span()),
            why: why.into(),
        });
    }

    /// Check every key of a mapping against the table; `special` keys are checked by the caller.
    fn keys(&mut self, at: &str, node: YRef<'_>, prefix: &str, special: &[&str]) {
        for (key, v) in node.entries() {
            if special.contains(&key) || is_empty(v) {
                continue;
            }
            let field = format!("{prefix}.{key}");
            match table().get(&(at.to_string(), key.to_string())) {
                None => self.misfit(field, v, "no SpinApp field holds it"),
                Some(f) => match f.fate {
                    Fate::Carried | Fate::Implied => {}
                    Fate::Refused => self.misfit(field, v, f.why.clone()),
                    Fate::Default => {
                        let default = f.default.as_deref().unwrap_or_default();
                        if v.as_str() != Some(default) {
                            let why = format!("{} (only the default `{default}` fits)", f.why);
                            self.misfit(field, v, why);
                        }
                    }
                },
            }
        }
    }
}

/// The default `imagePullPolicy` of an image: `Always` for `:latest` or no tag, else
/// `IfNotPresent` (kubernetes.io/docs/concepts/containers/images/#imagepullpolicy-defaulting).
fn default_pull_policy(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, tag)) if tag != "latest" => "IfNotPresent",
        _ => "Always",
    }
}

/// Every field of the planned Deployment that a SpinApp cannot hold. Empty when it fits.
pub fn misfits(repo: &Repo, p: &WorkloadPlan) -> Result<Vec<Misfit>, String> {
    let (_, root) = node_of(repo, &p.object).ok_or("its manifest could not be read")?;
    let spec = root.get("spec").ok_or("no spec")?;
    let tmpl = spec.get("template").ok_or("no pod template")?;
    let pod = tmpl.get("spec").ok_or("no pod spec")?;
    let mut c = Checker {
        repo,
        file: p.object.file,
        out: Vec::new(),
    };
    c.keys("deployment", spec, "spec", &[]);
    let pod_at = "spec.template.spec";
    c.keys("pod", pod, pod_at, &[]);
    let containers: Vec<YRef<'_>> = pod
        .get("containers")
        .into_iter()
        .flat_map(|c| c.items())
        .collect();
    for (ci, container) in containers.iter().enumerate() {
        let name = container
            .get("name")
            .and_then(|n| n.as_str())
            .unwrap_or("?");
        let at = format!("{pod_at}.containers[{name}]");
        if name != p.container {
            c.misfit(
                at,
                *container,
                "a SpinApp runs one Spin app container and has no field for another (WASM-FACTS.md §2)",
            );
            continue;
        }
        let base = Route::keys(&["spec", "template", "spec", "containers"]).index(ci);
        check_container(&mut c, p, *container, &at, &base);
    }
    Ok(c.out)
}

/// The converted container: its keys, the ports besides the serving one, env names, probes.
fn check_container(c: &mut Checker<'_>, p: &WorkloadPlan, ct: YRef<'_>, at: &str, base: &Route) {
    c.keys(
        "container",
        ct,
        at,
        &[
            "ports",
            "env",
            "imagePullPolicy",
            "resources",
            "readinessProbe",
            "livenessProbe",
        ],
    );
    let moved = |route: &Route| p.object.changes.iter().any(|ch| &ch.route == route);

    // Ports: the serving one moves to the SpinApp's `http-app` port; any other would be closed.
    let ports: Vec<YRef<'_>> = ct
        .get("ports")
        .into_iter()
        .flat_map(|p| p.items())
        .collect();
    let mut serving_numbers = Vec::new();
    let mut serving_names = Vec::new();
    for (pi, port) in ports.iter().enumerate() {
        let number = port.get("containerPort").and_then(|n| n.as_i64());
        let serving = ports.len() == 1
            || number.is_some() && number == p.port
            || moved(&base.clone().key("ports").index(pi).key("containerPort"));
        let udp = port.get("protocol").and_then(|v| v.as_str()) == Some("UDP");
        if serving && !udp {
            serving_numbers.extend(number);
            serving_names.extend(port.get("name").and_then(|n| n.as_str()));
        } else {
            let n = number.map_or("?".to_string(), |n| n.to_string());
            c.misfit(
                format!("{at}.ports[{n}]"),
                *port,
                "a SpinApp serves HTTP on its `http-app` port 80 only: this port would be closed",
            );
        }
    }

    // env: carried as Spin variables when the name can be one, and the value is not a
    // `$(VAR)` reference Kubernetes would expand from the container's env (which a SpinApp does
    // not have).
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for e in ct.get("env").into_iter().flat_map(|e| e.items()) {
        let name = e.get("name").and_then(|n| n.as_str()).unwrap_or_default();
        let field = format!("{at}.env[{name}]");
        match spin_variable(name) {
            None => c.misfit(
                field,
                e,
                format!("`{name}` cannot become a Spin variable name (lower-case letters, digits and single underscores, starting with a letter)"),
            ),
            Some(v) => {
                if let Some(other) = seen.insert(v.clone(), name.to_string()) {
                    c.misfit(field, e, format!("`{name}` and `{other}` both become the Spin variable `{v}`"));
                } else if e.get("value").and_then(|v| v.as_str()).is_some_and(|s| s.contains("$(")) {
                    c.misfit(field, e, "its value refers to another variable with `$(...)`, which Kubernetes expands only in a container's env");
                }
            }
        }
    }

    if let Some(policy) = ct.get("imagePullPolicy") {
        let default = default_pull_policy(&p.wasm_image);
        if policy.as_str() != Some(default) {
            c.misfit(
                format!("{at}.imagePullPolicy"),
                policy,
                format!("a SpinApp has no imagePullPolicy: `{}` is pulled with the default `{default}` for its tag", p.wasm_image),
            );
        }
    }
    if let Some(claims) = ct.path(&["resources", "claims"]).filter(|v| !is_empty(*v)) {
        c.misfit(
            format!("{at}.resources.claims"),
            claims,
            "SpinApp resources are limits and requests only",
        );
    }

    for probe in ["readinessProbe", "livenessProbe"] {
        let Some(pr) = ct.get(probe).filter(|v| !is_empty(*v)) else {
            continue;
        };
        let pat = format!("{at}.{probe}");
        c.keys("probe", pr, &pat, &[]);
        let Some(hg) = pr.get("httpGet") else {
            continue;
        };
        c.keys("http-get", hg, &format!("{pat}.httpGet"), &[]);
        let Some(port) = hg.get("port") else { continue };
        let ok = match port.as_i64() {
            Some(n) => serving_numbers.contains(&n) || Some(n) == p.port,
            None => port.as_str().is_some_and(|s| serving_names.contains(&s)),
        } || moved(&base.clone().key(probe).key("httpGet").key("port"));
        if !ok {
            c.misfit(
                format!("{pat}.httpGet.port"),
                port,
                "SpinApp checks call the app's `http-app` port: a probe of another port cannot be kept",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_become_spin_variables_only_when_spin_accepts_them() {
        assert_eq!(spin_variable("REDIS_ADDR").as_deref(), Some("redis_addr"));
        assert_eq!(spin_variable("greeting").as_deref(), Some("greeting"));
        for bad in ["1ST", "_X", "A__B", "A_", "my.var", "x-y", ""] {
            assert_eq!(spin_variable(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_table_parses_and_every_entry_has_a_source() {
        let t: Table = toml::from_str(TABLE).expect("spinapp-fields.toml");
        assert!(t.field.len() > 40);
        for f in &t.field {
            assert!(f.source.starts_with("https://"), "{}", f.key);
            assert!(
                f.fate != Fate::Default || f.default.is_some() || f.key == "imagePullPolicy",
                "{} needs a default",
                f.key
            );
            assert!(
                !matches!(f.fate, Fate::Refused | Fate::Default) || !f.why.is_empty(),
                "{} needs a why",
                f.key
            );
        }
    }

    #[test]
    fn pull_policy_defaults_follow_the_tag() {
        assert_eq!(default_pull_policy("ghcr.io/a/b-wasm:1.0"), "IfNotPresent");
        assert_eq!(default_pull_policy("ghcr.io/a/b-wasm:latest"), "Always");
        assert_eq!(default_pull_policy("localhost:5000/b-wasm"), "Always");
        assert_eq!(default_pull_policy("b@sha256:abc"), "IfNotPresent");
    }
}
