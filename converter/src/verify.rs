//! Verification of a rewritten object: it deserializes into the k8s-openapi type of its kind,
//! carries no field outside that type's schema that the original did not already carry, and
//! differs from the original only by its plan (the plan applied to the original's JSON must equal
//! the rewritten object's JSON).
//!
//! k8s-openapi's version feature is chosen by the binary (and by this crate's dev-dependencies):
//! a library never picks the Kubernetes version.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::json::{self, JsonOp};
use crate::plan::{Change, Op};

/// A typed round trip: `Ok(json of the typed value)`, or why the value is not of that type.
/// `None` for kinds without a typed model here.
pub fn typed_roundtrip(kind: &str, v: &Value) -> Option<Result<Value, String>> {
    use k8s_openapi::api::{
        apps::v1 as apps, batch::v1 as batch, core::v1 as core, networking::v1 as networking,
        node::v1 as node,
    };
    // Deserializing from `&Value` borrows it: no copy of the whole object per round trip.
    fn rt<T: serde::de::DeserializeOwned + Serialize>(v: &Value) -> Result<Value, String> {
        let t = T::deserialize(v).map_err(|e| e.to_string())?;
        serde_json::to_value(&t).map_err(|e| e.to_string())
    }
    Some(match kind {
        "Deployment" => rt::<apps::Deployment>(v),
        "StatefulSet" => rt::<apps::StatefulSet>(v),
        "DaemonSet" => rt::<apps::DaemonSet>(v),
        "ReplicaSet" => rt::<apps::ReplicaSet>(v),
        "ReplicationController" => rt::<core::ReplicationController>(v),
        "Job" => rt::<batch::Job>(v),
        "CronJob" => rt::<batch::CronJob>(v),
        "Pod" => rt::<core::Pod>(v),
        "Service" => rt::<core::Service>(v),
        "NetworkPolicy" => rt::<networking::NetworkPolicy>(v),
        "RuntimeClass" => rt::<node::RuntimeClass>(v),
        "SpinApp" => rt::<SpinApp>(v),
        _ => return None,
    })
}

/// Fields of `v` the type of `kind` does not know.
pub fn unknown_fields(kind: &str, v: &Value) -> Result<Vec<String>, String> {
    let typed = match typed_roundtrip(kind, v) {
        Some(r) => r?,
        None => return Ok(Vec::new()),
    };
    let mut out = Vec::new();
    json::missing_members(v, &typed, "", &mut out);
    Ok(out)
}

/// The JSON operation of a planned change.
pub fn json_op(op: &Op) -> JsonOp {
    match op {
        Op::Set(v) => JsonOp::Set(json::from_new(v)),
        Op::Append(v) => JsonOp::Append(json::from_new(v)),
        Op::Remove => JsonOp::Remove,
    }
}

/// Check a rewritten object against its original and its plan.
pub fn check(
    kind: &str,
    original: &Value,
    rewritten: &Value,
    changes: &[Change],
) -> Result<(), String> {
    let mut expected = original.clone();
    for c in changes {
        json::apply(&mut expected, &c.route, &json_op(&c.op))
            .map_err(|e| format!("the plan does not apply to the original: {e}"))?;
    }
    if !json::eq_ignoring_nulls(&expected, rewritten) {
        return Err(format!(
            "the rewritten {kind} differs from the original by more than its plan{}",
            first_difference(&expected, rewritten, "")
        ));
    }
    // The rewritten object must deserialize and carry no field outside its schema that the
    // original did not carry already. The original's own round trip is only needed when the
    // rewritten one falls short, which is rare: most objects cost one round trip, not two.
    let after = match typed_roundtrip(kind, rewritten) {
        None => return Ok(()),
        Some(Ok(typed)) => {
            let mut out = Vec::new();
            json::missing_members(rewritten, &typed, "", &mut out);
            Ok(out)
        }
        Some(Err(e)) => Err(e),
    };
    if matches!(&after, Ok(unknown) if unknown.is_empty()) {
        return Ok(());
    }
    // Only hold the result to the schema when the original meets it (a CronJob in batch/v1beta1
    // does not deserialize into batch/v1 before or after).
    let Some(Ok(typed)) = typed_roundtrip(kind, original) else {
        return Ok(());
    };
    let after = after.map_err(|e| format!("the rewritten {kind} does not deserialize: {e}"))?;
    let mut before = Vec::new();
    json::missing_members(original, &typed, "", &mut before);
    let new: Vec<&String> = after.iter().filter(|f| !before.contains(f)).collect();
    if !new.is_empty() {
        return Err(format!(
            "the rewritten {kind} has fields outside its schema: {}",
            new.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(())
}

fn first_difference(a: &Value, b: &Value, at: &str) -> String {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                let here = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) if p == q => {}
                    (Some(p), Some(q)) => return first_difference(p, q, &here),
                    _ => return format!(" (at `{here}`)"),
                }
            }
            String::new()
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                if p != q {
                    return first_difference(p, q, &format!("{at}[{i}]"));
                }
            }
            String::new()
        }
        _ => format!(" (at `{at}`)"),
    }
}

// The SpinApp CRD, `core.spinkube.dev/v1alpha1` (spinkube/spin-operator api/v1alpha1/spinapp_types.go,
// plus the fields WASM-FACTS §4 lists for the spinframework release). Unknown fields are errors.

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SpinApp {
    pub api_version: String,
    pub kind: String,
    pub metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    pub spec: SpinAppSpec,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SpinAppSpec {
    pub image: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub executor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_autoscaling: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_pull_secrets: Option<Vec<k8s_openapi::api::core::v1::LocalObjectReference>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checks: Option<HealthChecks>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variables: Option<Vec<SpinVar>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volumes: Option<Vec<k8s_openapi::api::core::v1::Volume>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_mounts: Option<Vec<k8s_openapi::api::core::v1::VolumeMount>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_config: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub components: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_annotations: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment_annotations: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_annotations: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_labels: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthChecks {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readiness: Option<HealthProbe>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub liveness: Option<HealthProbe>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HealthProbe {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_get: Option<HttpHealthProbe>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_delay_seconds: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_seconds: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success_threshold: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_threshold: Option<i32>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpHealthProbe {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_headers: Option<Vec<NameValue>>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameValue {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limits: Option<BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests: Option<BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SpinVar {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_from: Option<k8s_openapi::api::core::v1::EnvVarSource>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yamledit::{NewValue, Route};
    use serde_json::json;

    fn deployment() -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "creationTimestamp": null},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx", "resources": {"limits": {"cpu": 1}}}]}}}})
    }

    #[test]
    fn unknown_fields_are_named() {
        let mut d = deployment();
        d["spec"]["template"]["spec"]["containers"][0]["imagePolicy"] = json!("x");
        assert_eq!(
            unknown_fields("Deployment", &d).unwrap(),
            vec!["spec.template.spec.containers[0].imagePolicy"]
        );
        assert_eq!(
            unknown_fields("Deployment", &deployment()).unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_rewrite_must_equal_its_plan() {
        let before = deployment();
        let change = Change {
            route: Route::keys(&["spec", "template", "spec", "runtimeClassName"]),
            op: Op::Set(NewValue::str("wasmtime-spin-v2")),
            summary: String::new(),
            why: String::new(),
        };
        let mut after = before.clone();
        after["spec"]["template"]["spec"]["runtimeClassName"] = json!("wasmtime-spin-v2");
        assert_eq!(
            check("Deployment", &before, &after, std::slice::from_ref(&change)),
            Ok(())
        );
        after["spec"]["replicas"] = json!(3);
        assert_eq!(
            check("Deployment", &before, &after, std::slice::from_ref(&change)),
            Err("the rewritten Deployment differs from the original by more than its plan (at `spec.replicas`)".into())
        );
        let mut bad = before.clone();
        bad["spec"]["template"]["spec"]["runtimeClass"] = json!("x");
        let c2 = Change {
            route: Route::keys(&["spec", "template", "spec", "runtimeClass"]),
            op: Op::Set(NewValue::str("x")),
            ..change
        };
        let e = check("Deployment", &before, &bad, &[c2]).unwrap_err();
        assert_eq!(
            e,
            "the rewritten Deployment has fields outside its schema: spec.template.spec.runtimeClass"
        );
    }

    #[test]
    fn spinapp_schema_rejects_unknown_fields() {
        let ok = json!({"apiVersion": "core.spinkube.dev/v1alpha1", "kind": "SpinApp", "metadata": {"name": "a"},
            "spec": {"image": "x", "executor": "containerd-shim-spin", "replicas": 2, "checks": {"liveness": {"httpGet": {"path": "/h"}}}}});
        assert!(typed_roundtrip("SpinApp", &ok).unwrap().is_ok());
        let mut bad = ok.clone();
        bad["spec"]["containers"] = json!([]);
        assert!(
            typed_roundtrip("SpinApp", &bad)
                .unwrap()
                .unwrap_err()
                .contains("unknown field `containers`")
        );
    }
}
