//! `--emit spinapp`: a SpinApp (spin-operator `core.spinkube.dev/v1alpha1`) in place of a
//! Deployment that fits one, and the list of every field that does not fit when it does not.

use analyzer::Repo;

use crate::config::Runtime;
use crate::emit::node_of;
use crate::json;
use crate::plan::WorkloadPlan;
use crate::verify;
use crate::yamledit::NewValue;

/// `--emit spinapp` for one plan: the SpinApp and what a person must still decide, or, when it does
/// not fit, the decision lines that say why (every field a SpinApp cannot hold, with file:line);
/// the workload is then rewritten in place as a Deployment with `runtimeClassName`.
pub fn decide(repo: &Repo, p: &WorkloadPlan) -> Result<(NewValue, Vec<String>), Vec<String>> {
    let kind = &p.object.kind;
    let instead = format!("rewritten as a {kind} with runtimeClassName instead");
    // Whole-workload reasons first: the field list is about a Deployment running Spin.
    if p.runtime != Runtime::Spin || kind != "Deployment" {
        let why = p.spinapp_fit.clone().err().unwrap_or_default();
        return Err(vec![format!("not emitted as a SpinApp: {why}; {instead}")]);
    }
    let misfits = crate::spinapp_fit::misfits(repo, p)
        .map_err(|e| vec![format!("not emitted as a SpinApp ({e}); {instead}")])?;
    if p.spinapp_fit.is_err() || !misfits.is_empty() {
        let mut why: Vec<String> = p.spinapp_fit.clone().err().into_iter().collect();
        if !misfits.is_empty() {
            why.push(format!(
                "{} field{} a SpinApp cannot hold, listed below",
                misfits.len(),
                if misfits.len() == 1 { "" } else { "s" }
            ));
        }
        let mut lines = vec![format!(
            "not emitted as a SpinApp: {}; {instead}",
            why.join("; ")
        )];
        lines.extend(
            misfits
                .iter()
                .map(|m| format!("does not fit a SpinApp: {m}")),
        );
        return Err(lines);
    }
    spinapp(repo, p).map_err(|e| vec![format!("not emitted as a SpinApp ({e}); {instead}")])
}

/// The SpinApp that replaces a Deployment (WASM-FACTS §4), and what a person must still do.
pub fn spinapp(repo: &Repo, p: &WorkloadPlan) -> Result<(NewValue, Vec<String>), String> {
    let (doc, root) = node_of(repo, &p.object).ok_or("its manifest could not be read")?;
    let text: &str = &repo.file(p.object.file).text;
    let copy = |r: Option<analyzer::yaml::YRef<'_>>| -> Result<Option<NewValue>, String> {
        r.map(|n| NewValue::from_node(doc, n.id, text)).transpose()
    };
    let tmpl = root.path(&["spec", "template"]).ok_or("no pod template")?;
    let pod = tmpl.get("spec").ok_or("no pod spec")?;
    let container = pod
        .get("containers")
        .into_iter()
        .flat_map(|c| c.items())
        .find(|c| c.get("name").and_then(|n| n.as_str()) == Some(p.container.as_str()))
        .ok_or("the converted container is gone")?;
    let mut decisions = Vec::new();

    let mut meta = vec![("name".to_string(), NewValue::str(&p.object.name))];
    if let Some(ns) = &p.object.namespace {
        meta.push(("namespace".into(), NewValue::str(ns)));
    }
    for k in ["labels", "annotations"] {
        if let Some(v) = copy(root.path(&["metadata", k]))? {
            meta.push((k.into(), v));
        }
    }
    let mut spec = vec![
        ("image".to_string(), NewValue::str(&p.wasm_image)),
        ("executor".into(), NewValue::str("containerd-shim-spin")),
    ];
    // A Deployment without `replicas` runs one pod; said explicitly, whatever the operator's
    // own default.
    let replicas = copy(root.path(&["spec", "replicas"]))?.unwrap_or_else(|| NewValue::int(1));
    spec.push(("replicas".into(), replicas));
    let mut checks = Vec::new();
    for (probe, check) in [
        ("readinessProbe", "readiness"),
        ("livenessProbe", "liveness"),
    ] {
        let Some(pr) = container.get(probe) else {
            continue;
        };
        let path = pr
            .path(&["httpGet", "path"])
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .or_else(|| p.health_path.clone());
        let Some(path) = path else { continue };
        let mut get = vec![("path".to_string(), NewValue::str(&path))];
        if let Some(h) = copy(pr.path(&["httpGet", "httpHeaders"]))? {
            get.push(("httpHeaders".into(), h));
        }
        let mut hp = vec![("httpGet".to_string(), NewValue::Map(get))];
        for k in [
            "initialDelaySeconds",
            "timeoutSeconds",
            "periodSeconds",
            "successThreshold",
            "failureThreshold",
        ] {
            if let Some(v) = copy(pr.get(k))? {
                hp.push((k.into(), v));
            }
        }
        checks.push((check.to_string(), NewValue::Map(hp)));
    }
    if !checks.is_empty() {
        spec.push(("checks".into(), NewValue::Map(checks)));
    }
    if let Some(r) = copy(container.get("resources"))? {
        spec.push(("resources".into(), r));
    }
    for (k, from) in [
        ("imagePullSecrets", pod.get("imagePullSecrets")),
        ("volumes", pod.get("volumes")),
        ("volumeMounts", container.get("volumeMounts")),
    ] {
        if let Some(v) = copy(from)? {
            spec.push((k.into(), v));
        }
    }
    let mut annotations = match copy(tmpl.path(&["metadata", "annotations"]))? {
        Some(NewValue::Map(m)) => m,
        _ => Vec::new(),
    };
    let port = p.port.map_or(String::new(), |p| p.to_string());
    let ns = p
        .object
        .namespace
        .clone()
        .unwrap_or_else(|| "default".into());
    let vars = [
        ("app", p.object.name.as_str()),
        ("namespace", ns.as_str()),
        ("container", p.container.as_str()),
        ("image", p.image.as_str()),
        ("port", port.as_str()),
    ];
    for s in &p.sidecars {
        for (k, v) in &s.annotations {
            annotations.retain(|(ek, _)| ek != k);
            annotations.push((k.clone(), NewValue::str(crate::catalogue::fill(v, &vars))));
        }
    }
    if !annotations.is_empty() {
        spec.push(("podAnnotations".into(), NewValue::Map(annotations)));
    }
    if let Some(l) = copy(tmpl.path(&["metadata", "labels"]))? {
        spec.push(("podLabels".into(), l));
    }
    if let Some(sa) = copy(pod.get("serviceAccountName"))? {
        spec.push(("serviceAccountName".into(), sa));
    }
    // env becomes `variables` (name, value or valueFrom: the same EnvVarSource); names that
    // cannot be Spin variable names were refused by `spinapp_fit`.
    let mut variables = Vec::new();
    let mut renamed = Vec::new();
    for e in container.get("env").into_iter().flat_map(|e| e.items()) {
        let name = e.get("name").and_then(|n| n.as_str()).unwrap_or_default();
        let var = crate::spinapp_fit::spin_variable(name)
            .ok_or_else(|| format!("`{name}` cannot become a Spin variable"))?;
        let mut m = vec![("name".to_string(), NewValue::str(&var))];
        for k in ["value", "valueFrom"] {
            if let Some(v) = copy(e.get(k))? {
                m.push((k.into(), v));
            }
        }
        renamed.push(format!("{name} -> {var}"));
        variables.push(NewValue::Map(m));
    }
    if !variables.is_empty() {
        spec.push(("variables".into(), NewValue::Seq(variables)));
        decisions.push(format!(
            "the environment variables are carried as SpinApp variables ({}): the app reads them with Spin's variables API, declared in spin.toml `[variables]` and mapped into its component; they are no longer process environment variables",
            renamed.join(", ")
        ));
    }
    let ns_key = p.object.namespace.as_deref().unwrap_or("default");
    if let Some(svc) = repo.objects.iter().find(|o| {
        o.kind == "Service"
            && o.name == p.object.name
            && o.namespace.as_deref().unwrap_or("default") == ns_key
    }) {
        decisions.push(format!(
            "the spin-operator creates a Service named `{}` (port 80 to the pod's `http-app` port); the Service `{}` in `{}` has the same name: delete it or rename one",
            p.object.name,
            svc.name,
            repo.file(svc.file).path
        ));
    }
    let value = NewValue::map([
        ("apiVersion", NewValue::str("core.spinkube.dev/v1alpha1")),
        ("kind", NewValue::str("SpinApp")),
        ("metadata", NewValue::Map(meta)),
        ("spec", NewValue::Map(spec)),
    ]);
    match verify::typed_roundtrip("SpinApp", &json::from_new(&value)) {
        Some(Err(e)) => Err(format!("the SpinApp would not match its schema: {e}")),
        _ => Ok((value, decisions)),
    }
}
