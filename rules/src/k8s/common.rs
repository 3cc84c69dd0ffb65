//! Shared reading of pod specs for the Kubernetes rules: container labels, volumes and their
//! sources, resources, pod labels and the Services that select a workload.
//!
//! A SpinApp has no pod spec but carries `volumes`, `volumeMounts` and `resources` of its own;
//! the helpers here present both shapes the same way, so each rule reads one view.

use analyzer::k8s::{ContainerRef, ContainerRole, K8sObject};
use analyzer::yaml::{YRef, YamlDoc};

use crate::ObjectCx;

/// How a finding names a container: `container `web``, `init container `setup``.
pub fn container_label(c: &ContainerRef<'_>) -> String {
    format!("{} `{}`", role_word(c.role), c.name())
}

pub fn role_word(role: ContainerRole) -> &'static str {
    match role {
        ContainerRole::Main => "container",
        ContainerRole::Init => "init container",
        ContainerRole::NativeSidecar => "sidecar container",
        ContainerRole::Ephemeral => "ephemeral container",
    }
}

pub fn is_spin_app(cx: &ObjectCx<'_>) -> bool {
    cx.object.kind == "SpinApp"
}

/// Something that mounts volumes and asks for resources: a container, or a SpinApp as a whole.
#[derive(Clone, Copy)]
pub struct Holder<'a> {
    /// The container, or for a SpinApp its `spec`: the node holding `volumeMounts` and
    /// `resources`.
    pub spec: YRef<'a>,
    pub label_kind: &'static str,
    pub name: &'a str,
}

impl<'a> Holder<'a> {
    pub fn label(&self) -> String {
        format!("{} `{}`", self.label_kind, self.name)
    }

    pub fn get(&self, key: &str) -> Option<YRef<'a>> {
        self.spec.get(key)
    }
}

/// Every container of the pod spec (init and ephemeral ones included), or the SpinApp itself.
pub fn holders<'a>(cx: &ObjectCx<'a>) -> Vec<Holder<'a>> {
    if is_spin_app(cx) {
        let root = cx.root();
        return root
            .get("spec")
            .map(|spec| Holder {
                spec,
                label_kind: "SpinApp",
                name: cx.object.name.as_str(),
            })
            .into_iter()
            .collect();
    }
    let Some(spec) = cx.pod_spec() else {
        return Vec::new();
    };
    spec.containers()
        .map(|c| Holder {
            spec: c.node,
            label_kind: role_word(c.role),
            name: c.name(),
        })
        .collect()
}

/// The `volumes` list of the pod spec, or of a SpinApp's spec.
pub fn volumes<'a>(cx: &ObjectCx<'a>) -> impl Iterator<Item = YRef<'a>> + 'a {
    let list = if is_spin_app(cx) {
        cx.root().path(&["spec", "volumes"])
    } else {
        cx.pod_spec().and_then(|s| s.get("volumes"))
    };
    list.into_iter().flat_map(|l| l.items())
}

/// A volume by name.
pub fn volume<'a>(cx: &ObjectCx<'a>, name: &str) -> Option<YRef<'a>> {
    volumes(cx).find(|v| v.get("name").and_then(|n| n.as_str()) == Some(name))
}

/// The volume source types a pod volume can have, as the API names them. Only the first one
/// present counts (the API allows exactly one).
const SOURCES: &[&str] = &[
    "emptyDir",
    "persistentVolumeClaim",
    "hostPath",
    "ephemeral",
    "configMap",
    "secret",
    "projected",
    "downwardAPI",
    "nfs",
    "csi",
    "image",
    "iscsi",
    "cephfs",
    "rbd",
    "glusterfs",
    "awsElasticBlockStore",
    "gcePersistentDisk",
    "azureDisk",
    "azureFile",
    "fc",
    "flexVolume",
    "flocker",
    "portworxVolume",
    "quobyte",
    "scaleIO",
    "storageos",
    "vsphereVolume",
    "photonPersistentDisk",
    "cinder",
    "gitRepo",
];

/// The source type of a volume and its node (`("hostPath", {path: /var/log})`).
pub fn volume_source<'a>(volume: YRef<'a>) -> Option<(&'static str, YRef<'a>)> {
    SOURCES
        .iter()
        .find_map(|k| volume.get(k).map(|node| (*k, node)))
}

/// Names of a StatefulSet's `volumeClaimTemplates`, with the template node.
pub fn claim_templates<'a>(cx: &ObjectCx<'a>) -> Vec<(&'a str, YRef<'a>)> {
    if cx.object.kind != "StatefulSet" {
        return Vec::new();
    }
    cx.root()
        .path(&["spec", "volumeClaimTemplates"])
        .into_iter()
        .flat_map(|l| l.items())
        .filter_map(|t| {
            let name = t.path(&["metadata", "name"])?.as_str()?;
            Some((name, t))
        })
        .collect()
}

/// Labels of the pods a workload creates: `spec.template.metadata.labels` and its equivalents.
pub fn pod_labels<'a>(cx: &ObjectCx<'a>) -> Option<YRef<'a>> {
    let route = cx.object.pod_spec_route()?;
    // The pod template is the parent of the pod spec; its metadata holds the labels.
    let parent = route.split_last().map(|(_, p)| p)?;
    cx.root().path(parent)?.path(&["metadata", "labels"])
}

/// A Service in the repository whose selector matches the workload's pod labels.
pub struct SelectingService<'a> {
    pub object: &'a K8sObject,
    pub doc: &'a YamlDoc,
    pub selector: YRef<'a>,
}

impl<'a> SelectingService<'a> {
    pub fn root(&self) -> YRef<'a> {
        self.object.root(self.doc)
    }
}

/// Services in the same namespace whose non-empty selector is a subset of the pod labels. A
/// Service without a selector routes to hand-made endpoints and is never matched. Candidates
/// come from the run's [`analyzer::services::ServiceIndex`], so this stays linear in the size of
/// the repository.
pub fn selecting_services<'a>(cx: &ObjectCx<'a>) -> Vec<SelectingService<'a>> {
    let Some(labels) = pod_labels(cx) else {
        return Vec::new();
    };
    let labels: Vec<(&str, &str)> = labels
        .entries()
        .filter_map(|(k, v)| Some((k, v.as_str()?)))
        .collect();
    if labels.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for idx in cx
        .services
        .candidates(cx.object.namespace.as_deref(), &labels)
    {
        let obj = &cx.repo.objects[idx];
        let Some(doc) = cx.repo.doc_of(obj) else {
            continue;
        };
        let Some(selector) = obj.root(doc).path(&["spec", "selector"]) else {
            continue;
        };
        let mut wanted = selector.entries().peekable();
        if wanted.peek().is_none() {
            continue;
        }
        let matches = wanted.all(|(k, v)| {
            v.as_str()
                .is_some_and(|v| labels.iter().any(|(lk, lv)| *lk == k && *lv == v))
        });
        if matches {
            out.push(SelectingService {
                object: obj,
                doc,
                selector,
            });
        }
    }
    out
}

/// Shorten a value quoted in a message, on a character boundary.
pub fn shorten(s: &str, max: usize) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let cut: String = one_line.chars().take(max.saturating_sub(3)).collect();
    format!("{}...", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn shorten_cuts_on_characters() {
        assert_eq!(shorten("echo  hi\n  there", 40), "echo hi there");
        assert_eq!(shorten("ééééééééééé", 6), "ééé...");
    }
}
