//! Linking: Kubernetes workloads -> their container images -> the Dockerfiles that build them.
//!
//! In order (DESIGN §3): explicit build config (skaffold, compose, `docker build` in workflows and
//! Makefiles), then conventions (the image's last path segment names the Dockerfile's directory).
//! Every link records why it was made. Linear: images are matched through a map from short name.

use std::collections::{BTreeSet, HashMap};

use crate::build_config::dir_of;
use crate::k8s::{ContainerRole, ImageName};
use crate::kustomize::Rendering;
use crate::repo::Repo;
use crate::source::FileId;
use crate::span::Span;

/// A workload: a Kubernetes object that runs containers, or a Dockerfile no object uses.
#[derive(Clone, Debug)]
pub struct Workload {
    /// `Kind/namespace/name`, or `dockerfile:<path>`.
    pub id: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    /// Index into [`Repo::objects`].
    pub object: Option<usize>,
    /// The kustomization this instance is rendered by, if any.
    pub rendering: Option<Rendering>,
    pub containers: Vec<Container>,
    /// Dockerfiles that are part of the workload (linked through its containers, or itself).
    pub dockerfiles: Vec<FileId>,
    pub links: Vec<Link>,
    /// Every file the workload's facts come from.
    pub sources: BTreeSet<FileId>,
    /// Cargo packages the workload runs (see `cargo::pipeline`).
    pub crates: Vec<CrateRef>,
}

/// A Cargo package: workspace and member indices into `Repo::cargo`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CrateRef {
    pub ws: usize,
    pub member: usize,
}

/// One container of a Kubernetes workload and what it was linked to.
#[derive(Clone, Debug)]
pub struct Container {
    pub name: String,
    pub role: ContainerRole,
    /// The image after kustomize `images:` overrides.
    pub image: Option<String>,
    /// Span of the `image:` entry in the object's file.
    pub image_span: Option<Span>,
    pub dockerfile: Option<FileId>,
}

/// Why two files belong to one workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub from: FileId,
    pub to: FileId,
    /// `skaffold.yaml:12`, or `convention: ...`.
    pub linked_by: String,
}

/// Build every workload of the repository.
pub fn link(repo: &mut Repo) {
    let resolver = DockerfileResolver::new(repo);
    let mut workloads = Vec::new();
    let mut used_dockerfiles = BTreeSet::new();

    // Files kustomizations apply as patches hold partial objects (a `containers` entry to merge,
    // no image): they are part of the workload they patch, not workloads of their own, unless
    // something also lists them as a resource.
    let patch_only: BTreeSet<&str> = repo
        .kustomizations
        .values()
        .flat_map(|k| k.patch_files.iter().map(String::as_str))
        .filter(|p| !repo.kustomize.renderings.contains_key(*p))
        .collect();
    for (idx, obj) in repo.objects.iter().enumerate() {
        if !obj.is_workload() || patch_only.contains(repo.file(obj.file).path.as_str()) {
            continue;
        }
        let file_path = &repo.file(obj.file).path;
        let renderings: Vec<Option<Rendering>> = match repo.kustomize.renderings.get(file_path) {
            Some(rs) => rs.iter().cloned().map(Some).collect(),
            None => vec![None],
        };
        let Some(doc) = repo.doc_of(obj) else {
            continue;
        };
        for rendering in renderings {
            let (ns, name) = match &rendering {
                Some(r) => (
                    r.namespace.clone().or_else(|| obj.namespace.clone()),
                    format!("{}{}{}", r.name_prefix, obj.name, r.name_suffix),
                ),
                None => (obj.namespace.clone(), obj.name.clone()),
            };
            let ns_shown = ns.clone().unwrap_or_else(|| "default".into());
            let mut w = Workload {
                id: format!("{}/{}/{}", obj.kind, ns_shown, name),
                kind: obj.kind.clone(),
                name,
                namespace: ns,
                object: Some(idx),
                rendering: rendering.clone(),
                containers: Vec::new(),
                dockerfiles: Vec::new(),
                links: Vec::new(),
                sources: BTreeSet::from([obj.file]),
                crates: Vec::new(),
            };
            if let Some(r) = &rendering {
                w.sources.insert(r.top);
            }
            let images: Vec<(String, ContainerRole, Option<crate::yaml::YRef<'_>>)> =
                if obj.kind == "SpinApp" {
                    let img = obj.root(doc).path(&["spec", "image"]);
                    vec![(obj.name.clone(), ContainerRole::Main, img)]
                } else {
                    obj.pod_spec(doc)
                        .map(|spec| {
                            spec.containers()
                                .map(|c| (c.name().to_string(), c.role, c.image()))
                                .collect()
                        })
                        .unwrap_or_default()
                };
            for (cname, role, image_node) in images {
                let written = image_node.and_then(|n| n.as_str());
                let image = written.map(|i| apply_overrides(i, rendering.as_ref()));
                let mut c = Container {
                    name: cname,
                    role,
                    image: image.clone(),
                    image_span: image_node.map(|n| n.entry_span()),
                    dockerfile: None,
                };
                if let Some(image) = &image
                    && let Some((df, why)) = resolver.find(repo, image)
                {
                    c.dockerfile = Some(df);
                    used_dockerfiles.insert(df);
                    if !w.dockerfiles.contains(&df) {
                        w.dockerfiles.push(df);
                    }
                    w.sources.insert(df);
                    w.links.push(Link {
                        from: obj.file,
                        to: df,
                        linked_by: why,
                    });
                    follow_base_images(repo, &resolver, df, &mut w, &mut used_dockerfiles);
                }
                w.containers.push(c);
            }
            workloads.push(w);
        }
    }

    for &df in &repo.dockerfiles {
        if used_dockerfiles.contains(&df) {
            continue;
        }
        let path = repo.file(df).path.clone();
        workloads.push(Workload {
            id: format!("dockerfile:{path}"),
            kind: "Dockerfile".into(),
            name: path,
            namespace: None,
            object: None,
            rendering: None,
            containers: Vec::new(),
            dockerfiles: vec![df],
            links: Vec::new(),
            sources: BTreeSet::from([df]),
            crates: Vec::new(),
        });
    }
    let modules = crate::wasm::link_modules(repo, &mut workloads);
    workloads.extend(modules);
    repo.workloads = workloads;
}

/// A Dockerfile whose final stage is `FROM` an image this repository builds (`FROM org/base`,
/// with `org/base` built from `docker-images/base/Dockerfile`) runs what that image holds: the
/// base's Dockerfile joins the workload (its runtime, packages and findings count), linked with
/// the `FROM` line as the reason. Followed at most 4 deep; a cycle stops at the first repeat.
fn follow_base_images(
    repo: &Repo,
    resolver: &DockerfileResolver,
    mut df: FileId,
    w: &mut Workload,
    used: &mut BTreeSet<FileId>,
) {
    for _ in 0..4 {
        let Some(stage) = repo
            .parsed_dockerfiles
            .get(&df)
            .and_then(|d| d.final_stage())
        else {
            return;
        };
        if stage.base_stage.is_some() || stage.base.is_scratch() {
            return;
        }
        let base = stage.base.name().to_string();
        let Some((parent, why)) = resolver.find(repo, &base) else {
            return;
        };
        if parent == df || w.dockerfiles.contains(&parent) {
            return;
        }
        used.insert(parent);
        w.dockerfiles.push(parent);
        w.sources.insert(parent);
        w.links.push(Link {
            from: df,
            to: parent,
            linked_by: format!(
                "{}: FROM `{base}`, built here ({why})",
                repo.file_line(df, stage.from_span)
            ),
        });
        df = parent;
    }
}

/// Apply kustomize `images:` overrides (outermost first wins, as kustomize does).
fn apply_overrides(image: &str, rendering: Option<&Rendering>) -> String {
    let Some(r) = rendering else {
        return image.to_string();
    };
    let parsed = ImageName::parse(image);
    for o in &r.images {
        if ImageName::parse(&o.name).repository == parsed.repository {
            let repo_name = o.new_name.clone().unwrap_or(parsed.repository.clone());
            return match (&o.new_tag, &parsed.tag) {
                (Some(t), _) | (None, Some(t)) => format!("{repo_name}:{t}"),
                (None, None) => repo_name,
            };
        }
    }
    image.to_string()
}

/// Finds the Dockerfile that builds an image, and says why.
struct DockerfileResolver {
    /// Build links whose Dockerfile exists in the scan.
    explicit: Vec<(ImageName, FileId, String)>,
    /// Lower-cased directory name (and `NAME.Dockerfile` / `Dockerfile.NAME` stem) -> Dockerfiles.
    by_name: HashMap<String, Vec<FileId>>,
}

impl DockerfileResolver {
    fn new(repo: &Repo) -> Self {
        let mut explicit = Vec::new();
        for l in &repo.build_links {
            if let Some(f) = repo.file_by_path(&l.dockerfile)
                && repo.dockerfiles.contains(&f.id)
            {
                explicit.push((
                    ImageName::parse(&l.image),
                    f.id,
                    repo.file_line(l.file, l.span),
                ));
            }
        }
        let mut by_name: HashMap<String, Vec<FileId>> = HashMap::new();
        for &df in &repo.dockerfiles {
            let path = &repo.file(df).path;
            let file_name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
            let dir = dir_of(path);
            if let Some(d) = dir.rsplit('/').next().filter(|d| !d.is_empty()) {
                by_name.entry(d.to_ascii_lowercase()).or_default().push(df);
            }
            let stem = file_name
                .strip_suffix(".dockerfile")
                .or_else(|| file_name.strip_prefix("dockerfile."))
                .or_else(|| file_name.strip_suffix(".containerfile"));
            if let Some(stem) = stem {
                by_name.entry(stem.to_string()).or_default().push(df);
            }
        }
        DockerfileResolver { explicit, by_name }
    }

    fn find(&self, repo: &Repo, image: &str) -> Option<(FileId, String)> {
        let name = ImageName::parse(image);
        if let Some((_, df, why)) = self
            .explicit
            .iter()
            .find(|(n, _, _)| n.same_repository(&name))
        {
            return Some((*df, why.clone()));
        }
        let short = name.short_name().to_ascii_lowercase();
        // The same project often pushes to several registries and orgs (`ghcr.io/org/x` in the
        // manifest, `quay.io/other/x` in the Makefile): a build link whose image has the same
        // last name is the next best evidence, when only one Dockerfile is named so.
        let same_name: Vec<&(ImageName, FileId, String)> = self
            .explicit
            .iter()
            .filter(|(n, _, _)| n.short_name().eq_ignore_ascii_case(&short))
            .collect();
        if let Some((built, df, why)) = same_name.first()
            && same_name.iter().all(|(_, d, _)| d == df)
        {
            return Some((
                *df,
                format!(
                    "convention: image name `{short}` is built as `{}` ({why})",
                    built.repository
                ),
            ));
        }
        let candidates = self.by_name.get(&short)?;
        let df = *candidates.first()?;
        let path = &repo.file(df).path;
        let why = if candidates.len() > 1 {
            format!(
                "convention: image name `{short}` matches `{path}` (first of {} candidates)",
                candidates.len()
            )
        } else {
            format!("convention: image name `{short}` matches `{path}`")
        };
        Some((df, why))
    }
}
