//! Migration plans: for each workload the scan judged `ready` or `portable`, the exact changes
//! (by route, with the reason for each), what a person must still decide, and what the result
//! assumes. `blocked` workloads are never planned; the outcome says why.
//!
//! Plans are computed from the original manifests and are idempotent: a workload already under
//! its target RuntimeClass is left alone, and every change is skipped when the value is already
//! what it would be set to.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use analyzer::Repo;
use analyzer::k8s::{ImageName, K8sObject};
use analyzer::link::Workload;
use analyzer::services::ServiceIndex;
use analyzer::source::FileId;
use analyzer::yaml::{YRef, YamlDoc};
use rayon::prelude::*;
use rules::Severity;
use rules::report::{Finding, Report, Verdict, WorkloadReport};

use crate::catalogue::{self, SidecarEntry};
use crate::config::{ConvertConfig, KubeVersion, Runtime, Threshold};
use crate::outbound::{self, Peer};
use crate::ports;
use crate::recipe::{self, Recipe};
use crate::yamledit::{NewValue, Route, Seg};

/// One change to an object, by route from the object's root.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub route: Route,
    pub op: Op,
    /// What changes, in a few words (`image: a -> b`).
    pub summary: String,
    /// Why, citing the fact that requires it.
    pub why: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Set(NewValue),
    Append(NewValue),
    Remove,
}

/// The changes to one Kubernetes object in one file.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectEdit {
    pub file: FileId,
    pub path: String,
    pub doc: usize,
    /// Route from the document root to the object (empty, or `items[3]` in a `kind: List`).
    pub prefix: Route,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub changes: Vec<Change>,
}

/// A migration plan for one workload.
#[derive(Clone, Debug)]
pub struct WorkloadPlan {
    pub id: String,
    pub verdict: Verdict,
    pub score: Option<u32>,
    pub runtime: Runtime,
    pub runtime_class: String,
    /// The converted container's name, original image and Wasm image.
    pub container: String,
    pub image: String,
    pub wasm_image: String,
    /// The port the runtime serves HTTP on, when it has one.
    pub port: Option<i64>,
    pub object: ObjectEdit,
    /// Other objects that change with it (Services whose `targetPort` pointed at the old port).
    pub related: Vec<ObjectEdit>,
    /// Sidecar catalogue entries added.
    pub sidecars: Vec<SidecarEntry>,
    /// What a person must still decide; the plan does not guess.
    pub decisions: Vec<String>,
    /// What the result relies on and cannot check.
    pub assumptions: Vec<String>,
    /// What is deliberately left as it is, and why (an image that is Wasm already).
    pub kept: Vec<String>,
    pub recipe: Option<Recipe>,
    /// `Ok` when the workload fits a SpinApp, else why not.
    pub spinapp_fit: Result<(), String>,
    /// Health path used for httpGet probes, when known.
    pub health_path: Option<String>,
    /// The peers its env names, as Spin `allowed_outbound_hosts` entries (Spin only; other
    /// runtimes list them among the assumptions).
    pub outbound: Vec<Peer>,
    /// Pod annotations whose value moved with the serving port (`dapr.io/app-port`), so a SpinApp
    /// built from the original template carries the moved value.
    pub moved_pod_annotations: Vec<(String, String)>,
}

/// What `convert` does with a workload.
#[derive(Clone, Debug)]
pub enum Outcome {
    Planned(Box<WorkloadPlan>),
    /// Nothing to do (already converted, or the same manifest as another workload).
    Unchanged {
        id: String,
        reason: String,
    },
    /// Not converted, and why (`details` lists the evidence, e.g. each blocker).
    Skipped {
        id: String,
        reason: String,
        details: Vec<String>,
    },
}

impl Outcome {
    pub fn id(&self) -> &str {
        match self {
            Outcome::Planned(p) => &p.id,
            Outcome::Unchanged { id, .. } | Outcome::Skipped { id, .. } => id,
        }
    }
}

/// Per-run choices from the command line.
#[derive(Clone, Debug, Default)]
pub struct PlanOptions {
    /// Only this workload id (or name).
    pub only: Option<String>,
    /// Plan chart-deployed workloads too (`--emit helm-values`): their changes reach the chart
    /// through values or a post-renderer ([`crate::helm`]), never by editing the template.
    pub helm: bool,
    /// The user confirmed the runtime serves gRPC (HTTP/2 with trailers): a gRPC serving port
    /// moves like an HTTP one (`--allow-grpc`).
    pub allow_grpc: bool,
}

/// Plan every workload of the report.
pub fn plan_all(
    repo: &Repo,
    report: &Report,
    cfg: &ConvertConfig,
    opts: &PlanOptions,
) -> Vec<Outcome> {
    let catalogue = catalogue::effective(cfg);
    // Lookups that run once per workload are hashed up front, so planning stays linear.
    let index = RunIndex::new(repo);
    let by_id: HashMap<&str, &Workload> =
        repo.workloads.iter().map(|w| (w.id.as_str(), w)).collect();
    let selected: Vec<(&WorkloadReport, &Workload)> = report
        .workloads
        .iter()
        .filter(|wr| {
            opts.only
                .as_ref()
                .is_none_or(|only| wr.id == *only || wr.name == *only)
        })
        .filter_map(|wr| by_id.get(wr.id.as_str()).map(|&w| (wr, w)))
        // Dockerfiles and crates no manifest uses have nothing to rewrite: counted, not listed.
        .filter(|(_, w)| w.object.is_some())
        .collect();
    // Workloads are planned independently, in parallel. The one thing they share is "this
    // object is planned already" (two kustomizations rendering the same manifest): resolved
    // afterwards, in report order, so the first workload keeps the object as before.
    let outcomes: Vec<Outcome> = selected
        .par_iter()
        .map(|(wr, w)| plan_one(repo, &index, wr, w, cfg, &catalogue, opts))
        .collect();
    let mut planned_objects: HashMap<usize, &str> = HashMap::new();
    let mut out = Vec::with_capacity(outcomes.len());
    for ((wr, w), outcome) in selected.iter().zip(outcomes) {
        let Some(idx) = w.object else { continue };
        if let Some(first) = planned_objects.get(&idx) {
            out.push(Outcome::Unchanged {
                id: wr.id.clone(),
                reason: format!("same manifest as {first} (rendered by another kustomization)"),
            });
            continue;
        }
        if let Outcome::Planned(_) = &outcome {
            planned_objects.insert(idx, wr.id.as_str());
        }
        out.push(outcome);
    }
    out
}

/// What planning looks up for every workload, indexed once per run: the Services by selector and
/// the `Namespace` objects by name.
struct RunIndex<'r> {
    services: ServiceIndex<'r>,
    namespaces: HashMap<&'r str, Vec<usize>>,
    /// Services by `(namespace, name)`, for peers named in env.
    services_by_name: HashMap<(&'r str, &'r str), usize>,
    /// NetworkPolicies by namespace, whose ingress ports may name the serving port.
    policies: HashMap<&'r str, Vec<usize>>,
}

impl<'r> RunIndex<'r> {
    fn new(repo: &'r Repo) -> Self {
        let mut namespaces: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut services_by_name = HashMap::new();
        let mut policies: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, o) in repo.objects.iter().enumerate() {
            if o.kind == "NetworkPolicy" {
                let ns = o.namespace.as_deref().unwrap_or("default");
                policies.entry(ns).or_default().push(i);
            }
            if o.kind == "Namespace" {
                namespaces.entry(o.name.as_str()).or_default().push(i);
            }
            if o.kind == "Service" {
                let ns = o.namespace.as_deref().unwrap_or("default");
                services_by_name.entry((ns, o.name.as_str())).or_insert(i);
            }
        }
        RunIndex {
            services: ServiceIndex::new(repo),
            namespaces,
            services_by_name,
            policies,
        }
    }
}

fn skipped(id: &str, reason: impl Into<String>) -> Outcome {
    Outcome::Skipped {
        id: id.to_string(),
        reason: reason.into(),
        details: Vec::new(),
    }
}

/// `file:line:column rule message` of a finding.
pub fn finding_line(f: &Finding) -> String {
    format!(
        "{}:{}:{} {} {}",
        f.file, f.line, f.column, f.rule, f.message
    )
}

/// Route from the document root to an object.
pub(crate) fn object_prefix(doc: &YamlDoc, obj: &K8sObject) -> Option<Route> {
    let root = doc.root()?;
    if root.id == obj.node {
        return Some(Route::root());
    }
    let i = root
        .get("items")?
        .items()
        .position(|it| it.id == obj.node)?;
    Some(Route::keys(&["items"]).index(i))
}

fn keys(route: &[&str]) -> Route {
    Route::keys(route)
}

fn str_at<'a>(node: YRef<'a>, key: &str) -> Option<&'a str> {
    node.get(key).and_then(|v| v.as_str())
}

struct Builder<'r> {
    changes: Vec<Change>,
    decisions: Vec<String>,
    assumptions: Vec<String>,
    root: YRef<'r>,
}

impl Builder<'_> {
    /// Set `route` unless it already holds `value` (plans are idempotent) or an earlier change
    /// sets it (a moved `dapr.io/app-port` that the Dapr catalogue entry would set too).
    fn set(&mut self, route: Route, value: NewValue, summary: String, why: &str) {
        if self.holds(&route, &value) || self.changes.iter().any(|c| c.route == route) {
            return;
        }
        self.changes.push(Change {
            route,
            op: Op::Set(value),
            summary,
            why: why.to_string(),
        });
    }

    /// [`Builder::set`], skipped when `keep` says the value stays as it is.
    fn set_unless(
        &mut self,
        keep: bool,
        route: Route,
        value: NewValue,
        summary: String,
        why: &str,
    ) {
        if !keep {
            self.set(route, value, summary, why);
        }
    }

    fn holds(&self, route: &Route, value: &NewValue) -> bool {
        let Some(node) = lookup(self.root, route) else {
            return false;
        };
        crate::json::from_yaml(node.doc, node.id).ok() == Some(crate::json::from_new(value))
    }
}

/// Follow a route with keys and indexes from a node.
pub fn lookup<'a>(from: YRef<'a>, route: &Route) -> Option<YRef<'a>> {
    let mut cur = from;
    for seg in route.segs() {
        cur = match seg {
            Seg::Key(k) => cur.get(k)?,
            Seg::Index(i) => cur.items().nth(*i)?,
        };
    }
    Some(cur)
}

/// Why a chart-deployed workload is not rewritten in place.
fn helm_skip(repo: &Repo, id: &str, file: analyzer::source::FileId) -> Outcome {
    let chart = repo
        .helm
        .rendered
        .get(&file)
        .and_then(|r| repo.helm.charts.get(r.chart))
        .map_or_else(String::new, |c| c.name.clone());
    skipped(
        id,
        format!(
            "deployed by the Helm chart `{chart}`: its manifest is a template, which is never edited in place; `--emit helm-values` writes a values override or a post-renderer for it"
        ),
    )
}

fn plan_one(
    repo: &Repo,
    index: &RunIndex<'_>,
    wr: &WorkloadReport,
    w: &Workload,
    cfg: &ConvertConfig,
    catalogue: &[SidecarEntry],
    opts: &PlanOptions,
) -> Outcome {
    let helm = opts.helm;
    let id = wr.id.as_str();
    let Some(idx) = w.object else {
        return skipped(
            id,
            "not a Kubernetes workload: there is no manifest to rewrite",
        );
    };
    let obj = &repo.objects[idx];
    // A chart template is not the manifest the cluster gets: editing it in place would write
    // Kubernetes YAML into Go-template text. Helm workloads are converted through values.
    if repo.helm.is_template(obj.file) && !helm {
        return helm_skip(repo, id, obj.file);
    }
    if obj.is_knative_service() {
        return skipped(
            id,
            "a Knative Service: its pods are Knative's, so the RuntimeClass goes in its revision template by hand (not rewritten yet)",
        );
    }
    if obj.kind == "SpinApp" {
        return Outcome::Unchanged {
            id: id.into(),
            reason: "already a SpinApp".into(),
        };
    }
    let Some(spec_route) = obj.pod_spec_route() else {
        return skipped(id, format!("a {} has no pod template to rewrite", obj.kind));
    };
    match wr.verdict {
        Verdict::Blocked => {
            let details = wr
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Blocker && f.suppressed.is_none())
                .map(finding_line)
                .collect();
            return Outcome::Skipped {
                id: id.into(),
                reason: "blocked: a blocker finding stands in the way; blocked workloads are never rewritten".into(),
                details,
            };
        }
        Verdict::Unknown if cfg.threshold != Threshold::Unknown => {
            return Outcome::Skipped {
                id: id.into(),
                reason: "unknown: the scan could not tell what this workload runs; it is not \
                         rewritten without evidence (`[convert] threshold = \"unknown\"` vouches \
                         for it)"
                    .into(),
                details: wr
                    .settle
                    .iter()
                    .map(|s| format!("to settle it: {s}"))
                    .collect(),
            };
        }
        Verdict::Portable if cfg.threshold == Threshold::Ready => {
            return skipped(id, "portable, below the configured threshold `ready`");
        }
        _ => {}
    }
    let (Some(doc), Some(prefix)) = (
        repo.doc_of(obj),
        repo.doc_of(obj).and_then(|d| object_prefix(d, obj)),
    ) else {
        return skipped(id, "its manifest could not be read");
    };
    let root = obj.root(doc);
    let Some(spec) = obj.pod_spec(doc) else {
        return skipped(id, format!("no pod spec at `{}`", spec_route.join(".")));
    };
    // The container to convert: a main container whose image is built here (or mapped explicitly).
    let mains: Vec<YRef<'_>> = spec
        .get("containers")
        .map(|c| c.items().collect())
        .unwrap_or_default();
    let main_links: Vec<&analyzer::link::Container> = w
        .containers
        .iter()
        .filter(|c| c.role == analyzer::k8s::ContainerRole::Main)
        .collect();
    let mut candidates = Vec::new();
    for (i, c) in mains.iter().enumerate() {
        let image = str_at(*c, "image").unwrap_or_default();
        let linked = main_links.get(i).is_some_and(|l| l.dockerfile.is_some());
        if linked || explicit_image(cfg, image).is_some() {
            candidates.push(i);
        }
    }
    // An image that already runs a Wasm module is kept as it is; the runtime must then suit it.
    let already = match candidates.as_slice() {
        [one] => already_wasm(repo, w, main_index_in_workload(w, *one)),
        _ => None,
    };
    // A run-to-completion workload is a wasi:cli command, which the wasmtime shim runs to its
    // end; Spin would serve HTTP forever. A plain module image (no /spin.toml) is what runwasi's
    // wasmtime shim runs (WASM-FACTS §3.1). The scan's recommendation wins when it has one.
    let batch = matches!(obj.kind.as_str(), "Job" | "CronJob");
    let plain_module = already.as_ref().is_some_and(|a| !a.spin_toml);
    let default_runtime = if (batch || plain_module) && cfg.runtime == Runtime::Spin {
        Runtime::Wasmtime
    } else {
        cfg.runtime
    };
    let runtime = wr
        .runtime
        .as_deref()
        .and_then(Runtime::parse)
        .unwrap_or(default_runtime);
    let class = cfg.class_for(runtime);
    let rname = runtime.display_name();
    match str_at(spec.node, "runtimeClassName") {
        Some(c) if c == class => {
            return Outcome::Unchanged {
                id: id.into(),
                reason: format!("already converted (runtimeClassName: {class})"),
            };
        }
        Some(other) => {
            return skipped(
                id,
                format!(
                    "already runs under runtimeClassName `{other}`; not changed (the configured class is `{class}`)"
                ),
            );
        }
        None => {}
    }

    let ci = match candidates.as_slice() {
        [] => {
            return skipped(
                id,
                "no container image of this workload is built in this repository, so there is no module to build (map its image in [convert.images] to convert it anyway)",
            );
        }
        [one] => *one,
        many => {
            let names: Vec<&str> = many
                .iter()
                .map(|i| str_at(mains[*i], "name").unwrap_or("?"))
                .collect();
            return skipped(
                id,
                format!(
                    "{} containers are built in this repository ({}); a RuntimeClass applies to every container of a pod and only one can serve the runtime's HTTP port: split them into separate workloads first",
                    many.len(),
                    names.join(", ")
                ),
            );
        }
    };
    let container = mains[ci];
    let cname = str_at(container, "name").unwrap_or("").to_string();
    let image = str_at(container, "image").unwrap_or("").to_string();
    let spec_r = keys(spec_route);
    let c_route = spec_r.clone().key("containers").index(ci);
    let mut b = Builder {
        changes: Vec::new(),
        decisions: Vec::new(),
        assumptions: Vec::new(),
        root,
    };
    if batch && wr.runtime.is_none() && cfg.runtime == Runtime::Spin {
        b.assumptions.push(format!(
            "a {} runs to completion, so it is converted for wasmtime, which runs the module's wasi:cli entry point to its end (the Spin shim would serve HTTP)",
            obj.kind
        ));
    } else if plain_module && wr.runtime.is_none() && cfg.runtime == Runtime::Spin {
        b.assumptions.push(
            "the image holds a plain Wasm module and no /spin.toml, which the Spin shim needs, so it is converted for wasmtime, which runs such an image (WASM-FACTS §3.1)".into(),
        );
    }
    if let Some(a) = &already
        && runtime == Runtime::Spin
        && !a.spin_toml
    {
        b.decisions.push(format!(
            "the image `{image}` ships no /spin.toml, which the Spin shim reads: add one to `{}`, or convert with `--runtime wasmtime`",
            a.dockerfile
        ));
    }

    // 1. The RuntimeClass.
    b.set(
        spec_r.clone().key("runtimeClassName"),
        NewValue::str(&class),
        format!("runtimeClassName: {class}"),
        &format!(
            "selects the {rname} shim on nodes that have it; the name comes from the configuration (default for {runtime}: {})",
            runtime.default_class()
        ),
    );

    // The recipe below is cargo's: code the scan read as another language is built with its own
    // toolchain, named as a decision.
    let other_language = wr
        .language
        .as_deref()
        .filter(|l| !matches!(*l, "rust" | "wasm" | "static"));

    // 2. The image, unless it already runs a Wasm module.
    let mut kept_image = Vec::new();
    let wasm_image = match &already {
        Some(a) => {
            kept_image.push(format!(
                "container {cname}: image {image} kept, it is already a Wasm image ({}); no Dockerfile.wasm is written for it",
                a.evidence
            ));
            image.clone()
        }
        None => {
            let (mapped, image_note) = map_image(cfg, &image);
            if let Some(n) = image_note {
                b.decisions.push(n);
            }
            mapped
        }
    };
    if already.is_none()
        && let Some(rendered) = w
            .containers
            .get(main_index_in_workload(w, ci))
            .and_then(|c| c.image.clone())
        && rendered != image
    {
        b.decisions.push(format!(
            "a kustomization overrides this image (`{image}` renders as `{rendered}`): update its `images:` entry to the Wasm image too"
        ));
    }
    b.set_unless(
        already.is_some(),
        c_route.clone().key("image"),
        NewValue::str(&wasm_image),
        format!("container {cname}: image {image} -> {wasm_image}"),
        if other_language.is_some() {
            "the container now runs the Wasm build of the same code (built with its language's toolchain: see \"needs a decision\")"
        } else {
            "the container now runs the Wasm build of the same code (see Dockerfile.wasm and the build command)"
        },
    );

    // 3. Command and arguments.
    let has_command = container.get("command").is_some();
    match runtime {
        Runtime::Spin => {
            b.set(
                c_route.clone().key("command"),
                NewValue::seq([NewValue::str("/")]),
                format!("container {cname}: command [\"/\"]"),
                "the Spin shim starts the app from /spin.toml in the image when the command is `/`",
            );
            if container.get("args").is_some() {
                b.decisions.push(format!(
                    "container {cname} has `args`; the Spin shim does not pass them to components: move them into spin.toml variables or remove them"
                ));
            }
        }
        Runtime::Wasmtime | Runtime::Wasmedge => {
            if has_command {
                b.changes.push(Change {
                    route: c_route.clone().key("command"),
                    op: Op::Remove,
                    summary: format!("container {cname}: remove command"),
                    why: "the command named a Linux executable; the Wasm image's entrypoint is the module".into(),
                });
            }
        }
    }

    // 4. Ports: the container port the runtime serves on, and the Services that point at it.
    let port = runtime.http_port();
    let mut old_port: Option<i64> = None;
    let mut serving_name: Option<&str> = None;
    let ports: Vec<YRef<'_>> = container
        .get("ports")
        .map(|p| p.items().collect())
        .unwrap_or_default();
    let services: Vec<(&K8sObject, YRef<'_>)> =
        selecting_services(repo, &index.services, obj, root, spec_route)
            .into_iter()
            .map(|(s, _, r)| (s, r))
            .collect();
    let pod_annotations = lookup(root, &pod_meta_route(spec_route).key("annotations"));
    if let Some(p) = port {
        let serving = pick_serving_port(&ports);
        // A gRPC or other non-HTTP serving port is never handed to the HTTP shim silently.
        if serving.is_some() || ports.is_empty() {
            let findings: Vec<&Finding> = wr
                .findings
                .iter()
                .filter(|f| f.suppressed.is_none())
                .collect();
            let input = ports::ProtocolInput {
                repo,
                obj,
                container,
                port: serving.map(|i| ports[i]),
                declared: ports.len(),
                services: &services,
                pod_annotations,
                findings: &findings,
            };
            if let Some(proto) = ports::serving_protocol(&input) {
                let on = serving
                    .and_then(|i| ports[i].get("containerPort"))
                    .and_then(|v| v.as_i64())
                    .map_or_else(
                        || "a port it does not declare".to_string(),
                        |n| format!("port {n}"),
                    );
                match protocol_verdict(&proto, &cname, &on, runtime, p, opts.allow_grpc) {
                    Ok(assumption) => b.assumptions.push(assumption),
                    Err(reason) => {
                        return Outcome::Skipped {
                            id: id.into(),
                            reason,
                            details: proto.evidence,
                        };
                    }
                }
            }
        }
        match serving {
            Some(pi) => {
                serving_name = str_at(ports[pi], "name");
                let cp = ports[pi].get("containerPort").and_then(|v| v.as_i64());
                if cp != Some(p) {
                    old_port = cp;
                    b.set(
                        c_route.clone().key("ports").index(pi).key("containerPort"),
                        NewValue::int(p),
                        format!("container {cname}: containerPort {} -> {p}", cp.map_or("?".into(), |c| c.to_string())),
                        &format!("the {rname} shim serves HTTP on port {p}"),
                    );
                }
                for (i, other) in ports.iter().enumerate() {
                    if i != pi {
                        let n = other.get("containerPort").and_then(|v| v.as_i64()).map_or("?".into(), |v| v.to_string());
                        b.decisions.push(format!(
                            "container {cname} also declares port {n}; the {rname} shim serves only port {p}: drop it or move what serves it to a sidecar"
                        ));
                    }
                }
            }
            None if !ports.is_empty() => b.decisions.push(format!(
                "container {cname} declares no TCP port that looks like HTTP; the {rname} shim serves HTTP on port {p}: align the ports by hand"
            )),
            None => {
                for (svc, t) in
                    undeclared_port_services(repo, &index.services, obj, root, spec_route, p)
                {
                    b.decisions.push(format!(
                        "Service {svc} targets port {t}, but container {cname} declares no port, so which container it meant is not known; the {rname} shim serves HTTP on port {p}: point the Service's targetPort at {p} if it is this container's"
                    ));
                }
            }
        }
    } else if !ports.is_empty() {
        b.assumptions.push(format!(
            "the {rname} runtime has no HTTP port convention; ports are left as they are"
        ));
    }
    let mut related = Vec::new();
    let mut kept = Vec::new();
    let mut moved_pod_annotations = Vec::new();
    if let (Some(p), Some(old)) = (port, old_port) {
        // Annotations that name the old port (Dapr's app-port, Prometheus' port...) follow it.
        let route = pod_meta_route(spec_route).key("annotations");
        for (key, value, change) in
            ports::annotation_changes("pod", pod_annotations, &route, (old, p), "pod")
        {
            moved_pod_annotations.push((key, value));
            b.changes.push(change);
        }
        (related, kept) = service_changes(
            repo,
            &index.services,
            obj,
            root,
            spec_route,
            (old, serving_name),
            p,
        );
        // NetworkPolicies that admit the old port to these pods would shut the new one out.
        let labels: BTreeMap<&str, &str> = lookup(root, &pod_meta_route(spec_route).key("labels"))
            .map(|l| {
                l.entries()
                    .filter_map(|(k, v)| v.as_str().map(|v| (k, v)))
                    .collect()
            })
            .unwrap_or_default();
        let ns = obj.namespace.as_deref().unwrap_or("default");
        let (edits, asks) = ports::network_policy_changes(
            repo,
            index.policies.get(ns).map_or(&[][..], Vec::as_slice),
            &labels,
            (old, p),
        );
        related.extend(edits);
        b.decisions.extend(asks);
    }

    // 5. Probes and lifecycle hooks.
    let health = health_path(cfg, id, container);
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        let Some(pr) = container.get(probe) else {
            continue;
        };
        let route = c_route.clone().key(probe);
        if pr.get("exec").is_some() {
            match (&health, port) {
                (Some(path), Some(p)) => {
                    b.changes.push(Change {
                        route: route.clone().key("exec"),
                        op: Op::Remove,
                        summary: format!("container {cname}: {probe} exec removed"),
                        why: "a Wasm container cannot run a command inside itself".into(),
                    });
                    b.changes.push(Change {
                        route: route.clone().key("httpGet"),
                        op: Op::Set(NewValue::map([("path", NewValue::str(path)), ("port", NewValue::int(p))])),
                        summary: format!("container {cname}: {probe} httpGet {path} on port {p}"),
                        why: "probes the module's HTTP health endpoint on the port the shim serves".into(),
                    });
                }
                (Some(_), None) => b.decisions.push(format!(
                    "container {cname}: the exec {probe} cannot run in a Wasm container, and the {rname} runtime has no HTTP port to probe: replace it with an httpGet probe on the port the module serves, or remove it"
                )),
                (None, _) => b.decisions.push(format!(
                    "container {cname}: the exec {probe} cannot run in a Wasm container and no health path is known: give one in [convert.health-paths] (\"{id}\" = \"/healthz\") or remove the probe"
                )),
            }
        }
        for kind in ["httpGet", "tcpSocket"] {
            // A port given by name follows the container port's name, which does not change.
            if let (Some(old), Some(p), Some(name)) = (old_port, port, serving_name)
                && pr
                    .get(kind)
                    .and_then(|h| h.get("port"))
                    .and_then(|v| v.as_str())
                    == Some(name)
            {
                kept.push(format!(
                    "container {cname}: {probe} port `{name}` names the container port, so it follows it from {old} to {p} unchanged"
                ));
            }
            if let (Some(old), Some(p)) = (old_port, port)
                && pr
                    .get(kind)
                    .and_then(|h| h.get("port"))
                    .and_then(|v| v.as_i64())
                    == Some(old)
            {
                b.set(
                    route.clone().key(kind).key("port"),
                    NewValue::int(p),
                    format!("container {cname}: {probe} port {old} -> {p}"),
                    "the probe pointed at the port that moved",
                );
            }
        }
        if let Some(g) = pr.get("grpc") {
            if opts.allow_grpc {
                if let (Some(old), Some(p)) = (old_port, port)
                    && g.get("port").and_then(|v| v.as_i64()) == Some(old)
                {
                    b.set(
                        route.clone().key("grpc").key("port"),
                        NewValue::int(p),
                        format!("container {cname}: {probe} grpc port {old} -> {p}"),
                        "the probe pointed at the port that moved (gRPC allowed with --allow-grpc)",
                    );
                }
            } else {
                b.decisions.push(format!("container {cname}: the gRPC {probe} needs a gRPC server, which a Wasm HTTP handler is not: replace it with an httpGet probe"));
            }
        }
    }
    b.decisions.extend(ports::undeclared_probe_ports(
        repo,
        obj,
        container,
        &cname,
        port.map(|p| (p, rname)),
    ));
    if let Some(lc) = container.get("lifecycle") {
        for hook in ["postStart", "preStop"] {
            if lc.get(hook).and_then(|h| h.get("exec")).is_some() {
                b.decisions.push(format!("container {cname}: the exec {hook} hook cannot run in a Wasm container: remove it or make it an httpGet hook"));
            }
        }
    }

    // 6. Sidecars from the catalogue.
    // Only findings about the converted container call for sidecars: one inside another
    // container of the pod is about a container that stays Linux.
    let manifest = repo.file(obj.file);
    let mut others: Vec<(usize, usize)> = Vec::new();
    for (i, c) in spec.containers().enumerate() {
        if c.role == analyzer::k8s::ContainerRole::Main && i == ci {
            continue;
        }
        let sp = c.node.span();
        others.push((
            manifest.line_col(sp.start).line,
            manifest.line_col(sp.end).line,
        ));
    }
    let relevant: Vec<&Finding> = wr
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .filter(|f| {
            !(f.file == manifest.path && others.iter().any(|(a, b)| (*a..=*b).contains(&f.line)))
        })
        .collect();
    let chosen = catalogue::choose(catalogue, cfg, &relevant);
    let kube = cfg.kube();
    let port_s = port.map_or_else(
        || old_port.map_or(String::new(), |p| p.to_string()),
        |p| p.to_string(),
    );
    let ns = obj.namespace.clone().unwrap_or_else(|| "default".into());
    let vars: Vec<(&str, &str)> = vec![
        ("app", obj.name.as_str()),
        ("namespace", ns.as_str()),
        ("container", cname.as_str()),
        ("image", image.as_str()),
        ("port", port_s.as_str()),
    ];
    let meta_route = pod_meta_route(spec_route);
    let mut sidecars = Vec::new();
    let mut arbitrary_sidecar = false;
    let existing_names: BTreeSet<String> =
        spec.containers().map(|c| c.name().to_string()).collect();
    for ch in &chosen {
        let e = &ch.entry;
        let because: Vec<String> = ch
            .findings
            .iter()
            .map(|f| format!("{} at {}:{}", f.rule, f.file, f.line))
            .collect();
        let why = format!("{} (called for by {})", e.reason, because.join(", "));
        for (k, v) in &e.annotations {
            let v = catalogue::fill(v, &vars);
            b.set(
                meta_route.clone().key("annotations").key(k.clone()),
                NewValue::str(&v),
                format!("pod annotation {k}: {v}"),
                &why,
            );
        }
        if let Some(c) = &e.container {
            arbitrary_sidecar = true;
            let frag = catalogue::fill(c, &vars);
            match NewValue::from_yaml(&frag) {
                Ok(NewValue::Map(mut entries)) => {
                    let name = entries.iter().find(|(k, _)| k == "name").and_then(|(_, v)| match v {
                        NewValue::Scalar(crate::yamledit::Scalar::Str(s) | crate::yamledit::Scalar::Plain(s)) => Some(s.clone()),
                        _ => None,
                    });
                    if name.as_ref().is_some_and(|n| existing_names.contains(n)) {
                        // Already there (a second run, or the author added it): nothing to add.
                    } else {
                        let native = kube.is_some_and(KubeVersion::has_native_sidecars);
                        let list = if native {
                            entries.push(("restartPolicy".into(), NewValue::str("Always")));
                            "initContainers"
                        } else {
                            "containers"
                        };
                        let how = if native {
                            format!("as a native sidecar (initContainers with restartPolicy: Always; Kubernetes {} has them)", kube.map_or(String::new(), |k| k.to_string()))
                        } else {
                            "as a regular container (pass --kube-version 1.29 or newer for a native sidecar)".to_string()
                        };
                        b.changes.push(Change {
                            route: spec_r.clone().key(list),
                            op: Op::Append(NewValue::Map(entries)),
                            summary: format!("sidecar {} added {how}", name.unwrap_or_else(|| e.name.clone())),
                            why: why.clone(),
                        });
                    }
                }
                Ok(_) | Err(_) => b.decisions.push(format!("the sidecar catalogue entry `{}` is not a container mapping; fix it in the configuration", e.name)),
            }
        }
        if let Some(d) = &e.decision {
            b.decisions.push(catalogue::fill(d, &vars));
        }
        sidecars.push(e.clone());
    }

    // 7. What the result assumes.
    let other_linux = mains.len() > 1
        || spec
            .get("initContainers")
            .is_some_and(|i| i.items().next().is_some())
        || arbitrary_sidecar;
    if other_linux {
        b.assumptions.push(
            "the pod mixes Linux containers with the Wasm container: this needs a shim that runs Linux containers beside Wasm (runwasi's Linux fallback; the Spin shim since deislabs/containerd-wasm-shims PR #121); older shims and legacy AKS WASI node pools reject such pods"
                .into(),
        );
    }
    if let Some(mesh) = mesh_injection(repo, index, obj, root, spec_route) {
        b.decisions.push(format!(
            "{mesh} injects its proxy and iptables init container into this pod: running them under a Wasm shim is unconfirmed, needs validation on a test cluster"
        ));
    }
    if let Some(conflict) = node_selector_conflict(cfg, spec.node) {
        b.decisions.push(conflict);
    }
    if !cfg.node_selector.is_empty() {
        b.assumptions.push("node selection comes from the RuntimeClass's scheduling.nodeSelector; no nodeSelector is added to the workload".into());
    }

    // 8. Outbound hosts: the peers its env names (Spin's allowed_outbound_hosts).
    let wns = obj.namespace.as_deref().unwrap_or("default");
    // The line of the key a value hangs from (`configMapRef:`), or of a sequence item.
    let at = |n: YRef<'_>| repo.file_line(obj.file, n.key_span());
    let service = |name: &str| service_ports(repo, index, wns, name);
    let mut ob = outbound::read(container, wns, &at, &service);
    // Sidecars the pod's annotations inject (as written, or as this plan sets them) that the
    // module calls on localhost: Dapr's HTTP API.
    let ann_route = pod_meta_route(spec_route).key("annotations");
    let annotation = |k: &str| -> Option<String> {
        let route = ann_route.clone().key(k);
        let planned = b.changes.iter().rev().find(|c| c.route == route);
        match planned.map(|c| &c.op) {
            Some(Op::Set(NewValue::Scalar(
                crate::yamledit::Scalar::Str(v) | crate::yamledit::Scalar::Plain(v),
            ))) => Some(v.clone()),
            Some(_) => None,
            None => pod_annotations
                .and_then(|a| a.get(k))
                .and_then(|v| v.as_str())
                .map(str::to_string),
        }
    };
    for peer in outbound::sidecar_peers(&annotation) {
        if !ob.peers.iter().any(|p| p.host == peer.host) {
            ob.peers.push(peer);
        }
    }
    b.decisions.extend(ob.decisions);
    let peers = if runtime == Runtime::Spin {
        ob.peers
    } else {
        if !ob.peers.is_empty() {
            let list: Vec<String> = ob
                .peers
                .iter()
                .map(|p| format!("{} ({})", p.host, p.from))
                .collect();
            b.assumptions.push(format!(
                "the module calls {}: the {rname} runtime must give it outbound network access (wasi:sockets, or wasi:http's outgoing handler); it has no allowed_outbound_hosts list to fill",
                list.join(", ")
            ));
        }
        Vec::new()
    };

    // The recipe is cargo's: a workload whose code the scan read as another language gets no
    // cargo command, but the toolchain of its language, as a decision (issue "Convert:
    // migrations that would actually run", item 1).
    let recipe = if already.is_some() {
        None
    } else if let Some(lang) = other_language {
        let toolchain = rules::runtimes::runtime(lang).map_or_else(
            || format!("the WASI toolchain of {lang}"),
            |r| r.toolchain.clone(),
        );
        b.decisions.push(format!(
            "its code is {lang}: build the Wasm image `{wasm_image}` with {toolchain} (WASM-FACTS.md §8); no Dockerfile.wasm is written for {lang} yet"
        ));
        None
    } else {
        let hosts: Vec<String> = peers.iter().map(|p| p.host.clone()).collect();
        recipe::recipe(
            repo,
            w,
            main_index_in_workload(w, ci),
            runtime,
            (&image, &wasm_image),
            &hosts,
        )
    };
    if recipe.is_none() && !peers.is_empty() {
        b.decisions.push(
            "no spin.toml is written for it here: list the outbound hosts above in its spin.toml's `allowed_outbound_hosts`".into(),
        );
    }
    if recipe.is_none() && already.is_none() && other_language.is_none() {
        b.decisions.push(format!("no Dockerfile in this repository builds `{image}`: build the Wasm image `{wasm_image}` yourself"));
    }

    let spinapp_fit = if runtime != Runtime::Spin {
        Err(format!(
            "SpinApp runs Spin apps; this workload targets {runtime}"
        ))
    } else if arbitrary_sidecar || mains.len() > 1 {
        Err("a SpinApp has no field for extra containers; only annotation-injected sidecars (Dapr) fit".into())
    } else if ["livenessProbe", "readinessProbe"].iter().any(|p| {
        container.get(p).is_some_and(|pr| {
            pr.get("httpGet").is_none() && !(pr.get("exec").is_some() && health.is_some())
        })
    }) {
        Err("SpinApp checks are httpGet probes only".into())
    } else if obj.kind != "Deployment" {
        Err(format!(
            "a SpinApp replaces a Deployment, not a {}",
            obj.kind
        ))
    } else {
        Ok(())
    };

    let object = ObjectEdit {
        file: obj.file,
        path: repo.file(obj.file).path.clone(),
        doc: obj.doc,
        prefix,
        api_version: obj.api_version.clone(),
        kind: obj.kind.clone(),
        name: obj.name.clone(),
        namespace: obj.namespace.clone(),
        changes: b.changes,
    };
    Outcome::Planned(Box::new(WorkloadPlan {
        id: id.into(),
        verdict: wr.verdict,
        // `unknown` (converted only on the user's word) has no score.
        score: wr.score,
        runtime,
        runtime_class: class,
        container: cname,
        image,
        wasm_image,
        port,
        object,
        related,
        sidecars,
        decisions: b.decisions,
        assumptions: b.assumptions,
        kept: kept_image.into_iter().chain(kept).collect(),
        recipe,
        spinapp_fit,
        health_path: health,
        outbound: peers,
        moved_pod_annotations,
    }))
}

/// Evidence that a container's image already runs a Wasm module.
struct AlreadyWasm {
    /// `web/Dockerfile:3: a `scratch` image holding the Wasm module `app.wasm``.
    evidence: String,
    /// The Dockerfile that builds the image.
    dockerfile: String,
    /// The image carries a `spin.toml` (copied by its Dockerfile), as the Spin shim needs.
    spin_toml: bool,
}

/// Whether the image of container `ci` (index into `w.containers`) is Wasm already: the final
/// image of its Dockerfile starts a `.wasm` entrypoint or is `scratch` holding a module (the scan's
/// WM111). A module the Dockerfile copies into a Linux image (a `wasmedge` CLI image) does not
/// count: runwasi runs such a container as Linux (WASM-FACTS §2), so it still needs a Wasm image.
fn already_wasm(repo: &Repo, w: &Workload, ci: usize) -> Option<AlreadyWasm> {
    let df = w.containers.get(ci)?.dockerfile?;
    let file = repo.file(df);
    let parsed = repo.parsed_dockerfiles.get(&df)?;
    let lr = parsed.language_runtime();
    if lr.language != analyzer::dockerfile::Language::Wasm {
        return None;
    }
    let spin_toml = parsed.runtime_stage_chain().iter().any(|s| {
        s.copies().any(|(_, _, c)| {
            c.sources
                .iter()
                .chain(c.dest.iter())
                .any(|w| w.value.ends_with("spin.toml"))
        })
    });
    let mut evidence = format!(
        "{}:{}: {}",
        file.path,
        file.line_col(lr.span.start).line,
        lr.reason
    );
    if let Some(module) = w
        .links
        .iter()
        .find(|l| l.from == df && repo.wasm.contains_key(&l.to))
    {
        evidence.push_str(&format!(
            "; the repository holds the module, `{}`",
            repo.file(module.to).path
        ));
    }
    Some(AlreadyWasm {
        evidence,
        dockerfile: file.path.clone(),
        spin_toml,
    })
}

/// Index in `Workload::containers` of the `i`-th main container.
fn main_index_in_workload(w: &Workload, i: usize) -> usize {
    w.containers
        .iter()
        .enumerate()
        .filter(|(_, c)| c.role == analyzer::k8s::ContainerRole::Main)
        .nth(i)
        .map_or(usize::MAX, |(k, _)| k)
}

/// The pod template's metadata route, beside its spec (a Pod's own metadata).
fn pod_meta_route(spec_route: &[&str]) -> Route {
    match spec_route.split_last() {
        Some((_, parent)) if !parent.is_empty() => Route::keys(parent).key("metadata"),
        _ => Route::keys(&["metadata"]),
    }
}

/// The explicit image mapping for an image (by full reference, then by repository).
fn explicit_image<'c>(cfg: &'c ConvertConfig, image: &str) -> Option<&'c String> {
    cfg.images
        .get(image)
        .or_else(|| cfg.images.get(&ImageName::parse(image).repository))
}

/// The Wasm image for a container image, and a note when a person should check it.
pub fn map_image(cfg: &ConvertConfig, image: &str) -> (String, Option<String>) {
    if let Some(mapped) = explicit_image(cfg, image) {
        return (mapped.clone(), None);
    }
    let parsed = ImageName::parse(image);
    let tag = parsed.tag.clone().unwrap_or_else(|| "latest".into());
    let mapped = cfg
        .image_template
        .replace("{repository}", &parsed.repository)
        .replace("{name}", parsed.short_name())
        .replace("{tag}", &tag);
    let note = parsed.digest.as_ref().map(|d| {
        format!("`{image}` is pinned by digest ({d}); the Wasm image `{mapped}` is not: pin it once it is built")
    });
    (mapped, note)
}

/// The container port that serves HTTP: the only TCP port, or the one named like HTTP.
fn pick_serving_port(ports: &[YRef<'_>]) -> Option<usize> {
    let tcp: Vec<usize> = (0..ports.len())
        .filter(|i| str_at(ports[*i], "protocol").is_none_or(|p| p.eq_ignore_ascii_case("TCP")))
        .collect();
    if let [only] = tcp.as_slice() {
        return Some(*only);
    }
    tcp.into_iter().find(|i| {
        str_at(ports[*i], "name")
            .is_some_and(|n| n == "http" || n.starts_with("http-") || n == "web")
    })
}

fn health_path(cfg: &ConvertConfig, id: &str, container: YRef<'_>) -> Option<String> {
    if let Some(p) = cfg.health_paths.get(id) {
        return Some(p.clone());
    }
    for probe in ["readinessProbe", "livenessProbe", "startupProbe"] {
        if let Some(p) = container
            .get(probe)
            .and_then(|p| p.get("httpGet"))
            .and_then(|h| str_at(h, "path"))
        {
            return Some(p.to_string());
        }
    }
    cfg.health_path.clone()
}

/// Services in the workload's namespace whose selector matches its pod labels and whose
/// `targetPort` (or `port`, when `targetPort` is absent) is the old container port; and, for the
/// header, each one whose `targetPort` names that container port, which follows it unchanged.
fn service_changes(
    repo: &Repo,
    services: &ServiceIndex<'_>,
    obj: &K8sObject,
    root: YRef<'_>,
    spec_route: &[&str],
    (old, old_name): (i64, Option<&str>),
    new: i64,
) -> (Vec<ObjectEdit>, Vec<String>) {
    let mut out = Vec::new();
    let mut kept = Vec::new();
    for (svc, prefix, sroot) in selecting_services(repo, services, obj, root, spec_route) {
        let mut changes = Vec::new();
        for (i, p) in sroot
            .path(&["spec", "ports"])
            .into_iter()
            .flat_map(|p| p.items())
            .enumerate()
        {
            let route = keys(&["spec", "ports"]).index(i).key("targetPort");
            let target = p.get("targetPort");
            let points_at_old = match target {
                Some(t) => t.as_i64() == Some(old),
                None => p.get("port").and_then(|v| v.as_i64()) == Some(old),
            };
            // A named targetPort follows the container port's name, which does not change.
            if let Some(name) = target.and_then(|t| t.as_str())
                && t_is_name(target)
                && Some(name) == old_name
            {
                kept.push(format!(
                    "Service {}: targetPort `{name}` names the container port, so it follows it from {old} to {new} unchanged",
                    svc.name
                ));
            }
            if points_at_old {
                let was = if target.is_some() {
                    format!("{old}")
                } else {
                    format!("unset (so {old})")
                };
                changes.push(Change {
                    route,
                    op: Op::Set(NewValue::int(new)),
                    summary: format!("Service {}: targetPort {was} -> {new}", svc.name),
                    why: format!("it pointed at container port {old}, which moved to {new}"),
                });
            }
        }
        let annotations = ports::annotation_changes(
            "service",
            sroot.path(&["metadata", "annotations"]),
            &keys(&["metadata", "annotations"]),
            (old, new),
            &format!("Service {}", svc.name),
        );
        changes.extend(annotations.into_iter().map(|(_, _, c)| c));
        if !changes.is_empty() {
            out.push(ObjectEdit {
                file: svc.file,
                path: repo.file(svc.file).path.clone(),
                doc: svc.doc,
                prefix,
                api_version: svc.api_version.clone(),
                kind: svc.kind.clone(),
                name: svc.name.clone(),
                namespace: svc.namespace.clone(),
                changes,
            });
        }
    }
    (out, kept)
}

/// The Services in the workload's namespace whose selector matches its pod labels, with the
/// route to each in its document and its root node.
fn selecting_services<'r>(
    repo: &'r Repo,
    services: &ServiceIndex<'_>,
    obj: &K8sObject,
    root: YRef<'_>,
    spec_route: &[&str],
) -> Vec<(&'r K8sObject, Route, YRef<'r>)> {
    let labels_route = pod_meta_route(spec_route).key("labels");
    let labels: BTreeMap<&str, &str> = lookup(root, &labels_route)
        .map(|l| {
            l.entries()
                .filter_map(|(k, v)| v.as_str().map(|v| (k, v)))
                .collect()
        })
        .unwrap_or_default();
    let pairs: Vec<(&str, &str)> = labels.iter().map(|(k, v)| (*k, *v)).collect();
    let mut out = Vec::new();
    for idx in services.candidates(obj.namespace.as_deref(), &pairs) {
        let svc = &repo.objects[idx];
        let Some(doc) = repo.doc_of(svc) else {
            continue;
        };
        let Some(prefix) = object_prefix(doc, svc) else {
            continue;
        };
        let sroot = svc.root(doc);
        let Some(selector) = sroot.path(&["spec", "selector"]) else {
            continue;
        };
        let sel: Vec<(&str, &str)> = selector
            .entries()
            .filter_map(|(k, v)| v.as_str().map(|v| (k, v)))
            .collect();
        if sel.is_empty() || !sel.iter().all(|(k, v)| labels.get(k) == Some(v)) {
            continue;
        }
        out.push((svc, prefix, sroot));
    }
    out
}

/// For a container that declares no port: each Service of the pod whose target port (by number,
/// or its `port` when `targetPort` is unset) is not the one the runtime serves. Which container
/// it meant cannot be known, so a person decides.
fn undeclared_port_services(
    repo: &Repo,
    services: &ServiceIndex<'_>,
    obj: &K8sObject,
    root: YRef<'_>,
    spec_route: &[&str],
    serving: i64,
) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for (svc, _, sroot) in selecting_services(repo, services, obj, root, spec_route) {
        for p in sroot
            .path(&["spec", "ports"])
            .into_iter()
            .flat_map(|p| p.items())
        {
            let target = match p.get("targetPort") {
                Some(t) => t.as_i64(),
                None => p.get("port").and_then(|v| v.as_i64()),
            };
            if let Some(t) = target
                && t != serving
            {
                out.push((svc.name.clone(), t));
            }
        }
    }
    out
}

/// A `targetPort` given as a name (`http`), not as a number (`8080` or `"8080"`).
fn t_is_name(target: Option<YRef<'_>>) -> bool {
    target
        .and_then(|t| t.as_str())
        .is_some_and(|s| !s.is_empty() && !s.bytes().all(|b| b.is_ascii_digit()))
}

/// A service mesh that will inject a proxy into this pod, if the manifests say so.
fn mesh_injection(
    repo: &Repo,
    index: &RunIndex<'_>,
    obj: &K8sObject,
    root: YRef<'_>,
    spec_route: &[&str],
) -> Option<&'static str> {
    let ann = lookup(root, &pod_meta_route(spec_route).key("annotations"));
    let get = |k: &str| ann.and_then(|a| a.get(k)).and_then(|v| v.as_str());
    if get("sidecar.istio.io/inject") == Some("true") {
        return Some("Istio");
    }
    if get("linkerd.io/inject") == Some("enabled") {
        return Some("Linkerd");
    }
    let labels = lookup(root, &pod_meta_route(spec_route).key("labels"));
    if labels
        .and_then(|l| l.get("sidecar.istio.io/inject"))
        .and_then(|v| v.as_str())
        == Some("true")
    {
        return Some("Istio");
    }
    let ns = obj.namespace.as_deref().unwrap_or("default");
    for n in index
        .namespaces
        .get(ns)
        .into_iter()
        .flatten()
        .map(|&i| &repo.objects[i])
    {
        let Some(doc) = repo.doc_of(n) else { continue };
        let r = n.root(doc);
        if r.path(&["metadata", "labels", "istio-injection"])
            .and_then(|v| v.as_str())
            == Some("enabled")
            || r.path(&["metadata", "labels", "istio.io/rev"]).is_some()
        {
            return Some("Istio");
        }
        if r.path(&["metadata", "annotations", "linkerd.io/inject"])
            .and_then(|v| v.as_str())
            == Some("enabled")
        {
            return Some("Linkerd");
        }
    }
    None
}

/// A pod nodeSelector that contradicts the RuntimeClass's: admission would reject the pod.
fn node_selector_conflict(cfg: &ConvertConfig, spec: YRef<'_>) -> Option<String> {
    let ns = spec.get("nodeSelector")?;
    for (k, v) in ns.entries() {
        if let (Some(want), Some(have)) = (cfg.node_selector.get(k), v.as_str())
            && want != have
        {
            return Some(format!(
                "the pod's nodeSelector `{k}: {have}` contradicts the RuntimeClass's `{k}: {want}`, so admission would reject the pod: remove it from the workload"
            ));
        }
    }
    None
}

/// Whether a gRPC or non-HTTP serving port lets the workload be converted: `Ok` with what the
/// plan then assumes (gRPC with `--allow-grpc`), or `Err` with why it is not converted. A half
/// conversion (the shim serving HTTP on its port, the Services still on the old one) would leave
/// a Deployment nothing answers, so the workload is left as it is until a person decides.
fn protocol_verdict(
    proto: &ports::Protocol,
    cname: &str,
    on: &str,
    runtime: Runtime,
    port: i64,
    allow_grpc: bool,
) -> Result<String, String> {
    let rname = runtime.display_name();
    let runtime_fact = match runtime {
        Runtime::Spin => {
            "Spin serves incoming HTTP/2 since spinframework/spin PR #3227, but incoming gRPC (HTTP/2 with trailers) is an open request, spinframework/spin#3244 (WASM-FACTS.md §7)"
        }
        _ => "inbound HTTP/2 on the wasmtime shim (wasi:http) is unconfirmed (WASM-FACTS.md §7)",
    };
    if proto.grpc && allow_grpc {
        return Ok(format!(
            "container {cname} serves gRPC on {on} ({}): with --allow-grpc it moves to port {port} like an HTTP port, on your word that the {rname} runtime serves inbound gRPC; {runtime_fact}",
            proto.evidence.join("; ")
        ));
    }
    if proto.grpc {
        return Err(format!(
            "needs a decision: container {cname} serves gRPC on {on}; the {rname} shim would serve it through its HTTP trigger on port {port}, and {runtime_fact}. Not converted, so no Service is pointed at an HTTP-only port: serve the API over HTTP/1.1 (gRPC-Web, JSON transcoding), or rerun with --allow-grpc once you have confirmed your runtime serves gRPC"
        ));
    }
    let instead = proto
        .alternative
        .clone()
        .unwrap_or_else(|| "keep it a Linux workload".into());
    Err(format!(
        "needs a decision: container {cname} serves {} on {on}, which is not HTTP; the {rname} shim serves only HTTP (on port {port}), so nothing would answer this port's clients. Not converted: {instead}",
        proto.name
    ))
}

/// The ports of the Service `name` in namespace `ns`, with the scheme each port's `appProtocol`
/// or name announces.
fn service_ports(
    repo: &Repo,
    index: &RunIndex<'_>,
    ns: &str,
    name: &str,
) -> Option<outbound::ServicePorts> {
    let &i = index.services_by_name.get(&(ns, name))?;
    let svc = &repo.objects[i];
    let doc = repo.doc_of(svc)?;
    let sroot = svc.root(doc);
    let t = rules::knowledge::ports();
    Some(
        sroot
            .path(&["spec", "ports"])
            .into_iter()
            .flat_map(|p| p.items())
            .take(outbound::MAX_PEERS)
            .filter_map(|sp| {
                let port = sp.get("port")?.as_i64()?;
                let app = sp
                    .get("appProtocol")
                    .and_then(|v| v.as_str())
                    .map(str::to_ascii_lowercase);
                let pname = sp
                    .get("name")
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_ascii_lowercase();
                let scheme = match app.as_deref() {
                    Some("https") => Some("https"),
                    Some("http") => Some("http"),
                    Some(_) => None,
                    None if pname == "https" || pname.starts_with("https-") => Some("https"),
                    None if !pname.is_empty() && t.name_is_http(&pname) => Some("http"),
                    None => None,
                };
                Some((port, scheme))
            })
            .collect(),
    )
}
