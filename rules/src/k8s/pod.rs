//! Which containers of a pod decide its verdict (DESIGN.md §4): recognized sidecars
//! (`rules/data/pod-sidecars.toml`), the application containers beside them, and pods that
//! already run Wasm. Every rule that lowers a severity for a container's place in the pod asks here,
//! so the relief is the same whatever the evidence.

use analyzer::images::{ImageKind, glob, normalize};
use analyzer::k8s::{ContainerRole, K8sObject, PodSpec};
use analyzer::yaml::YamlDoc;

use crate::k8s::wasm_module::is_wasm_runtime_name;
use crate::knowledge::{SidecarEntry, sidecars};

/// One container of a pod, as far as its place in the pod goes.
#[derive(Clone, Copy, Debug)]
pub struct Member<'a> {
    pub name: &'a str,
    pub image: Option<&'a str>,
    pub role: ContainerRole,
}

impl<'a> Member<'a> {
    pub fn of_spec(spec: &PodSpec<'a>) -> Vec<Member<'a>> {
        spec.containers()
            .map(|c| Member {
                name: c.name(),
                image: c.image().and_then(|i| i.as_str()),
                role: c.role,
            })
            .collect()
    }

    pub fn of_workload(w: &'a analyzer::link::Workload) -> Vec<Member<'a>> {
        w.containers
            .iter()
            .map(|c| Member {
                name: &c.name,
                image: c.image.as_deref(),
                role: c.role,
            })
            .collect()
    }
}

/// The sidecar entry a container is recognized by: its image matches an entry's image pattern,
/// or its name matches an entry's container pattern while its image is in the image knowledge
/// base. An image nobody knows is never recognized, whatever the container is called.
pub fn recognize(name: &str, image: Option<&str>) -> Option<&'static SidecarEntry> {
    let image = image?;
    // Asked for every container by several rules and the coverage: keep each answer (bounded,
    // like the image knowledge base's own cache).
    type Cache = std::sync::Mutex<
        std::collections::HashMap<(String, String), Option<&'static SidecarEntry>>,
    >;
    static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (name.to_string(), image.to_string());
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(&key).copied()) {
        return hit;
    }
    let found = recognize_uncached(name, image);
    if let Ok(mut c) = cache.lock()
        && c.len() < 65_536
    {
        c.insert(key, found);
    }
    found
}

fn recognize_uncached(name: &str, image: &str) -> Option<&'static SidecarEntry> {
    let r = normalize(image);
    if r.path.is_empty() || r.path_is_open() {
        return None;
    }
    let full = r.full();
    let table = &sidecars().sidecar;
    let by_image = table
        .iter()
        .find(|e| e.images.iter().any(|p| glob(p, &r.path) || glob(p, &full)));
    by_image.or_else(|| {
        let name = name.to_ascii_lowercase();
        analyzer::images::lookup(image)?;
        table
            .iter()
            .find(|e| e.containers.iter().any(|p| glob(p, &name)))
    })
}

/// Why a container's blocker is lowered: it is a recognized sidecar and `app` runs beside it.
pub struct Relief {
    pub entry: &'static SidecarEntry,
    pub app: String,
}

impl Relief {
    /// The help text that says which container was treated as a sidecar and why.
    pub fn help(&self, container: &str, alternative: &str) -> String {
        format!(
            "{alternative}; container `{container}` is treated as a sidecar ({}: {}) beside container `{}`, and can stay a Linux container if your shim runs mixed pods (runwasi and the Spin shim do)",
            self.entry.name, self.entry.reason, self.app
        )
    }
}

/// Whether an application container runs beside a container: a main (or native sidecar)
/// container that is not itself a recognized sidecar.
fn application_beside<'a>(members: &[Member<'a>], me: &Member<'_>) -> Option<&'a str> {
    members
        .iter()
        .find(|o| {
            o.role == ContainerRole::Main
                && !(o.name == me.name && o.role == me.role)
                && recognize(o.name, o.image).is_none()
        })
        .map(|o| o.name)
}

/// The relief for container `me` of the pod `members`, if it is a recognized sidecar beside an
/// application container.
pub fn sidecar_relief(members: &[Member<'_>], me: &Member<'_>) -> Option<Relief> {
    if matches!(me.role, ContainerRole::Init | ContainerRole::Ephemeral) {
        return None;
    }
    let entry = recognize(me.name, me.image)?;
    let app = application_beside(members, me)?;
    Some(Relief {
        entry,
        app: app.to_string(),
    })
}

/// The relief for a recognized helper's init container (a mesh's traffic-redirect step) beside
/// an application container, for the rules that judge init containers as blockers.
pub fn helper_init_relief(members: &[Member<'_>], me: &Member<'_>) -> Option<Relief> {
    if me.role != ContainerRole::Init {
        return None;
    }
    let entry = recognize(me.name, me.image)?;
    let app = application_beside(members, me)?;
    Some(Relief {
        entry,
        app: app.to_string(),
    })
}

/// Whether the pod has more than one main container: in an already-Wasm pod, the others run
/// beside the Wasm one.
pub fn has_company(members: &[Member<'_>], me: &Member<'_>) -> bool {
    members
        .iter()
        .any(|o| o.role == ContainerRole::Main && !(o.name == me.name && o.role == me.role))
}

/// Why the workload already runs Wasm, in words, or `None`: a SpinApp, a Wasm `runtimeClassName`
/// (by name, or by the handler of a RuntimeClass defined in the repository), a `wasm32-*`
/// architecture node selector or toleration (krustlet), or a container image the knowledge base knows as Wasm.
/// [`wasm_evidence`] for an object, computed on first use: most objects never need it, and it
/// looks up every container image.
pub struct LazyWasm<'a> {
    repo: &'a analyzer::Repo,
    object: &'a K8sObject,
    doc: &'a YamlDoc,
    cell: std::cell::OnceCell<Option<String>>,
}

impl<'a> LazyWasm<'a> {
    pub fn new(repo: &'a analyzer::Repo, object: &'a K8sObject, doc: &'a YamlDoc) -> Self {
        LazyWasm {
            repo,
            object,
            doc,
            cell: std::cell::OnceCell::new(),
        }
    }

    pub fn get(&self) -> Option<&String> {
        self.cell
            .get_or_init(|| wasm_evidence(self.repo, self.object, self.doc))
            .as_ref()
    }
}

pub fn wasm_evidence(repo: &analyzer::Repo, object: &K8sObject, doc: &YamlDoc) -> Option<String> {
    if object.kind == "SpinApp" {
        return Some(format!("SpinApp `{}` runs on a Spin shim", object.name));
    }
    let spec = object.pod_spec(doc)?;
    if let Some(class) = spec.get("runtimeClassName").and_then(|c| c.as_str()) {
        let handler_is_wasm = repo.objects.iter().any(|o| {
            o.kind == "RuntimeClass"
                && o.name == class
                && repo
                    .doc_of(o)
                    .and_then(|d| o.root(d).get("handler"))
                    .and_then(|h| h.as_str())
                    .is_some_and(is_wasm_runtime_name)
        });
        if is_wasm_runtime_name(class) || handler_is_wasm {
            return Some(format!(
                "`runtimeClassName: {class}` runs it on a Wasm shim"
            ));
        }
    }
    if let Some(selector) = spec.get("nodeSelector") {
        for label in ["kubernetes.io/arch", "beta.kubernetes.io/arch"] {
            if let Some(arch) = selector
                .get(label)
                .and_then(|v| v.as_str())
                .filter(|a| a.starts_with("wasm32-"))
            {
                return Some(format!("`{label}: {arch}` schedules it on a Wasm node"));
            }
        }
    }
    if let Some((arch, _)) = crate::k8s::wasm_module::wasm_toleration_value(spec.get("tolerations"))
    {
        return Some(format!("it tolerates the `{arch}` taint of a Wasm node"));
    }
    spec.containers().find_map(|c| {
        let image = c.image()?.as_str()?;
        let e = analyzer::images::lookup(image)?;
        (e.kind == ImageKind::Wasm)
            .then(|| format!("container `{}` runs the Wasm image `{image}`", c.name()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_of(container: &str, image: &str) -> Option<&'static str> {
        recognize(container, Some(image)).map(|e| e.name.as_str())
    }

    #[test]
    fn recognizes_known_sidecars_and_never_an_unknown_image() {
        assert_eq!(
            name_of("istio-proxy", "docker.io/istio/proxyv2:1.22"),
            Some("Istio proxy")
        );
        assert_eq!(
            name_of("x", "gcr.io/istio-release/proxyv2:1.20"),
            Some("Istio proxy")
        );
        assert_eq!(
            name_of("metrics", "oliver006/redis_exporter:v1.6"),
            Some("Prometheus exporter")
        );
        assert_eq!(
            name_of("daprd", "ghcr.io/dapr/daprd:1.14"),
            Some("Dapr sidecar")
        );
        assert_eq!(
            name_of("proxy", "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11"),
            Some("Cloud SQL Auth Proxy")
        );
        // A sidecar's usual name on an image nobody knows relieves nothing.
        assert_eq!(name_of("istio-proxy", "ghcr.io/acme/proxy:1"), None);
        assert_eq!(name_of("fluent-bit", "ghcr.io/acme/app:1"), None);
        assert_eq!(recognize("envoy", None).map(|e| e.name.as_str()), None);
        // Two helpers side by side: neither is the application, so neither is relieved.
        let pod = [
            Member {
                name: "exporter",
                image: Some("prom/blackbox-exporter:v0.25.0"),
                role: ContainerRole::Main,
            },
            Member {
                name: "reload",
                image: Some("ghcr.io/jimmidyson/configmap-reload:v0.13.1"),
                role: ContainerRole::Main,
            },
        ];
        assert!(sidecar_relief(&pod, &pod[0]).is_none());
        let with_app = [
            pod[0],
            Member {
                name: "app",
                image: Some("ghcr.io/acme/app:1"),
                role: ContainerRole::Main,
            },
        ];
        let relief = sidecar_relief(&with_app, &with_app[0]).expect("relieved");
        assert_eq!(
            (relief.entry.name.as_str(), relief.app.as_str()),
            ("Prometheus exporter", "app")
        );
        // The application's own images are not sidecars.
        assert_eq!(name_of("app", "redis:7"), None);
        assert_eq!(name_of("app", "ghcr.io/acme/shop:1"), None);
    }
}
