//! The Kubernetes front-end: objects in YAML streams, and one pod-spec view across workload kinds.
//!
//! Objects are read from the span-keeping YAML tree, so every fact a rule reads is a [`YRef`] that
//! knows its key and value spans. The route to the pod spec differs by kind (a CronJob nests it
//! three levels deeper than a Deployment, a Pod holds it directly), and lives only here.

use crate::source::FileId;
use crate::yaml::{NodeId, YRef, YamlDoc, YamlStream};

/// Kinds that run containers and so become workloads.
pub const WORKLOAD_KINDS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "Pod",
    "SpinApp",
];

/// A Kubernetes object found in a YAML file.
#[derive(Clone, Debug)]
pub struct K8sObject {
    pub file: FileId,
    /// Index of the document in the file's stream.
    pub doc: usize,
    /// The object's root node (a document root, or an item of a `kind: List`).
    pub node: NodeId,
    pub api_version: String,
    pub kind: String,
    /// `metadata.name` as written (empty when missing).
    pub name: String,
    /// `metadata.namespace` as written.
    pub namespace: Option<String>,
    /// The entry of `rules/data/operator-workloads.toml` this custom resource matches: an
    /// operator runs pods for it, or it carries a pod template of its own.
    pub operator: Option<u16>,
}

impl K8sObject {
    pub fn root<'a>(&self, doc: &'a YamlDoc) -> YRef<'a> {
        YRef {
            doc,
            id: self.node,
            key: None,
        }
    }

    pub fn is_workload(&self) -> bool {
        WORKLOAD_KINDS.contains(&self.kind.as_str())
            || self.is_knative_service()
            || self.operator.is_some()
    }

    /// A Knative Service (`serving.knative.dev`): a workload whose pods Knative runs from its
    /// `spec.template`, not a core Service.
    pub fn is_knative_service(&self) -> bool {
        self.kind == "Service" && self.api_version.starts_with("serving.knative.dev/")
    }

    /// Route from the object root to its pod spec, by kind. `None` for kinds without one
    /// (SpinApp has its own spec; Services and ConfigMaps have none).
    pub fn pod_spec_route(&self) -> Option<&'static [&'static str]> {
        Some(match self.kind.as_str() {
            "Pod" => &["spec"],
            "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
            "Deployment"
            | "StatefulSet"
            | "DaemonSet"
            | "ReplicaSet"
            | "ReplicationController"
            | "Job" => &["spec", "template", "spec"],
            "Service" if self.is_knative_service() => &["spec", "template", "spec"],
            _ => return self.operator.and_then(crate::operators::pod_template),
        })
    }

    pub fn pod_spec<'a>(&self, doc: &'a YamlDoc) -> Option<PodSpec<'a>> {
        let spec = self.root(doc).path(self.pod_spec_route()?)?;
        spec.is_map().then_some(PodSpec { node: spec })
    }
}

/// All objects in a stream. Documents without a string `kind` are not Kubernetes objects and are
/// ignored; `kind: List` contributes its items.
pub fn objects(file: FileId, stream: &YamlStream) -> Vec<K8sObject> {
    let mut out = Vec::new();
    for doc in &stream.docs {
        let Some(root) = doc.root() else { continue };
        if root.get("kind").and_then(|k| k.as_str()) == Some("List")
            || root
                .get("kind")
                .and_then(|k| k.as_str())
                .is_some_and(|k| k.ends_with("List") && root.get("items").is_some())
        {
            for item in root.get("items").into_iter().flat_map(|i| i.items()) {
                if let Some(o) = object(file, doc, item) {
                    out.push(o);
                }
            }
        } else if let Some(o) = object(file, doc, root) {
            out.push(o);
        }
    }
    out
}

fn object(file: FileId, doc: &YamlDoc, node: YRef<'_>) -> Option<K8sObject> {
    let kind = node.get("kind")?.as_str()?.to_string();
    let api_version = node.get("apiVersion")?.as_str()?.to_string();
    let meta = node.get("metadata");
    let name = meta
        .and_then(|m| m.get("name"))
        .and_then(|n| n.as_str())
        .unwrap_or_default()
        .to_string();
    let namespace = meta
        .and_then(|m| m.get("namespace"))
        .and_then(|n| n.as_str())
        .map(str::to_string);
    let operator = crate::operators::match_object(&api_version, &kind, node);
    Some(K8sObject {
        file,
        doc: doc.index,
        node: node.id,
        api_version,
        kind,
        operator,
        name,
        namespace,
    })
}

/// A pod spec, wherever it sits in its object.
#[derive(Clone, Copy, Debug)]
pub struct PodSpec<'a> {
    pub node: YRef<'a>,
}

/// A container of a pod spec, with its role.
#[derive(Clone, Copy, Debug)]
pub struct ContainerRef<'a> {
    pub node: YRef<'a>,
    pub role: ContainerRole,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerRole {
    Main,
    Init,
    /// An init container with `restartPolicy: Always` (a Kubernetes native sidecar).
    NativeSidecar,
    Ephemeral,
}

impl<'a> PodSpec<'a> {
    pub fn get(&self, key: &str) -> Option<YRef<'a>> {
        self.node.get(key)
    }

    /// Every container: main containers first, then init containers, then ephemeral ones.
    pub fn containers(&self) -> impl Iterator<Item = ContainerRef<'a>> + 'a {
        let main = self
            .node
            .get("containers")
            .into_iter()
            .flat_map(|c| c.items())
            .map(|n| ContainerRef {
                node: n,
                role: ContainerRole::Main,
            });
        let init = self
            .node
            .get("initContainers")
            .into_iter()
            .flat_map(|c| c.items())
            .map(|n| {
                let sidecar = n.get("restartPolicy").and_then(|r| r.as_str()) == Some("Always");
                ContainerRef {
                    node: n,
                    role: if sidecar {
                        ContainerRole::NativeSidecar
                    } else {
                        ContainerRole::Init
                    },
                }
            });
        let eph = self
            .node
            .get("ephemeralContainers")
            .into_iter()
            .flat_map(|c| c.items())
            .map(|n| ContainerRef {
                node: n,
                role: ContainerRole::Ephemeral,
            });
        main.chain(init).chain(eph)
    }

    /// Volumes by name.
    pub fn volume(&self, name: &str) -> Option<YRef<'a>> {
        self.node
            .get("volumes")?
            .items()
            .find(|v| v.get("name").and_then(|n| n.as_str()) == Some(name))
    }
}

impl<'a> ContainerRef<'a> {
    pub fn name(&self) -> &'a str {
        self.node.get("name").and_then(|n| n.as_str()).unwrap_or("")
    }

    pub fn image(&self) -> Option<YRef<'a>> {
        self.node.get("image")
    }

    pub fn is_init(&self) -> bool {
        matches!(
            self.role,
            ContainerRole::Init | ContainerRole::NativeSidecar
        )
    }
}

/// A container image reference split into its parts: `registry/path/name:tag@digest`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageName {
    /// Everything before the tag and digest, as written (`ghcr.io/acme/api`).
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageName {
    pub fn parse(image: &str) -> ImageName {
        let image = image.trim();
        let (rest, digest) = match image.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (image, None),
        };
        // A ':' after the last '/' is a tag; one before it belongs to a registry port.
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (repository, tag) = match rest[last_slash..].find(':') {
            Some(i) => (
                &rest[..last_slash + i],
                Some(rest[last_slash + i + 1..].to_string()),
            ),
            None => (rest, None),
        };
        ImageName {
            repository: repository.to_string(),
            tag,
            digest,
        }
    }

    /// The last path segment: `api` for `ghcr.io/acme/api`.
    pub fn short_name(&self) -> &str {
        self.repository
            .rsplit('/')
            .next()
            .unwrap_or(&self.repository)
    }

    /// The repository without a registry host and without Docker Hub's `library/`:
    /// `redis` for `docker.io/library/redis`, `acme/api` for `ghcr.io/acme/api`.
    pub fn path(&self) -> &str {
        let repo = self.repository.as_str();
        let repo = match repo.split_once('/') {
            Some((host, rest))
                if host.contains('.') || host.contains(':') || host == "localhost" =>
            {
                rest
            }
            _ => repo,
        };
        repo.strip_prefix("library/").unwrap_or(repo)
    }

    /// Whether two references name the same repository, allowing one to omit the registry.
    pub fn same_repository(&self, other: &ImageName) -> bool {
        let (a, b) = (self.repository.as_str(), other.repository.as_str());
        a == b
            || self.path() == other.path()
            || a.ends_with(&format!("/{b}"))
            || b.ends_with(&format!("/{a}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    #[test]
    fn pod_spec_route_differs_by_kind() {
        let text = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          hostPID: true\n          containers:\n          - name: a\n            image: busybox\n          initContainers:\n          - name: b\n            image: alpine\n            restartPolicy: Always\n";
        let stream = yaml::parse(text);
        let objs = objects(FileId(0), &stream);
        assert_eq!(objs.len(), 1);
        let spec = objs[0].pod_spec(&stream.docs[0]).unwrap();
        assert_eq!(spec.get("hostPID").unwrap().as_bool(), Some(true));
        let roles: Vec<_> = spec.containers().map(|c| (c.name(), c.role)).collect();
        assert_eq!(
            roles,
            vec![
                ("a", ContainerRole::Main),
                ("b", ContainerRole::NativeSidecar)
            ]
        );
    }

    #[test]
    fn list_items_are_objects() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p, namespace: x}\n  spec: {containers: []}\n";
        let stream = yaml::parse(text);
        let objs = objects(FileId(0), &stream);
        assert_eq!(
            (
                objs[0].kind.as_str(),
                objs[0].name.as_str(),
                objs[0].namespace.as_deref()
            ),
            ("Pod", "p", Some("x"))
        );
    }

    #[test]
    fn image_names() {
        let i = ImageName::parse("localhost:5000/acme/api:1.2@sha256:abc");
        assert_eq!(i.repository, "localhost:5000/acme/api");
        assert_eq!(i.tag.as_deref(), Some("1.2"));
        assert_eq!(i.short_name(), "api");
        assert_eq!(i.path(), "acme/api");
        assert_eq!(
            ImageName::parse("docker.io/library/redis:7").path(),
            "redis"
        );
        assert!(
            ImageName::parse("ghcr.io/acme/api:2").same_repository(&ImageName::parse("acme/api"))
        );
        assert!(
            !ImageName::parse("ghcr.io/acme/api").same_repository(&ImageName::parse("acme/web"))
        );
    }
}
