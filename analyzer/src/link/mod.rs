//! Linking: Kubernetes workloads -> their container images -> what builds them.
//!
//! In order (docs/linking.md): `[links]` in .wasm-migrate.toml, `ko://` references, explicit build
//! config naming a Dockerfile (skaffold, compose, docker-bake, build-push-action, `docker build`
//! in workflows and Makefiles), builds without a Dockerfile (Jib, Spring Boot, buildpacks), the
//! same image name pushed elsewhere, then the scored name matcher (`matcher.rs`), which links only
//! a unique best match and leaves a note naming the candidates of a tie, then the compose service
//! a container was written from ([`compose`]) and the Dockerfile beside its manifest ([`beside`]).
//! A container whose command runs a script of its own instead of its image's program links
//! nothing (`crate::container_script`). Every link records why it
//! was made. Linear: explicit links are looked up per image, names through the matcher's index,
//! and each distinct image reference is resolved once.
//!
//! One module per source: [`bake`], [`program`] (Jib, buildpacks, ko); skaffold, compose,
//! workflows and Makefiles are read by [`crate::build_config`]. What a workload's images are built
//! from (Cargo packages, Go modules) is linked afterwards by the language front-ends
//! ([`crate::frontend`]).

pub mod bake;
mod beside;
mod compose;
mod matcher;
pub mod program;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::k8s::{ContainerRole, ImageName};
use crate::kustomize::Rendering;
use crate::repo::{Note, Repo};
use crate::source::FileId;
use crate::span::Span;
use matcher::{Match, Matcher};
use program::Builder;

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
    /// Cargo packages the workload runs (see `crate::cargo::pipeline`).
    pub crates: Vec<CrateRef>,
    /// Programs its images are built from without a Dockerfile (Jib, buildpacks, ko).
    pub programs: Vec<Program>,
    /// Go modules it runs: indices into `Repo::go` (see `crate::golang::link`).
    pub go_modules: Vec<usize>,
    /// Node packages it runs: indices into `Repo::node` (see `crate::node::link`).
    pub node_packages: Vec<usize>,
    /// JVM, .NET, Ruby and PHP projects it runs: indices into `Repo::projects` (see
    /// `crate::projects::link`).
    pub projects: Vec<usize>,
}

/// A program a container's image is built from without a Dockerfile: the build file was read
/// (it is among the workload's sources), the program's code was not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// The container whose image it is.
    pub container: String,
    pub builder: Builder,
    /// Repo-relative directory of the program (`cmd/api` for `ko://.../cmd/api`).
    pub dir: String,
    /// The build file read: pom.xml, build.gradle(.kts), project.toml or go.mod.
    pub build_file: FileId,
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
    /// What the container runs instead of its image's program (`sh -c` or a mounted script
    /// that never starts it, `crate::container_script`): the image's code and what the
    /// knowledge base says of the image are not this container's.
    pub replaced: Option<String>,
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
    let mut workloads = workloads_of_objects(repo);
    let images: Vec<&str> = workloads
        .iter()
        .flat_map(|w| w.containers.iter().filter_map(|c| c.image.as_deref()))
        .collect();
    let resolver = DockerfileResolver::new(repo, images);
    let beside = beside::Beside::new(repo);
    let compose = compose::Compose::new(repo);
    let mut used_dockerfiles = BTreeSet::new();
    let mut ties: BTreeMap<String, Note> = BTreeMap::new();
    let mut replaced_notes: BTreeMap<(String, Option<(FileId, Span)>), Note> = BTreeMap::new();
    for w in &mut workloads {
        let Some(obj_file) = w.object.map(|i| repo.objects[i].file) else {
            continue;
        };
        for ci in 0..w.containers.len() {
            let Some(image) = w.containers[ci].image.clone() else {
                continue;
            };
            let mut resolved = resolver.find(repo, &image);
            // Made from a compose service: only for what nothing else linked (a tie included,
            // whose note then goes).
            if matches!(resolved, Resolved::None | Resolved::Tie(_))
                && let Some(i) = w.object
                && let Some((df, why)) =
                    compose.link_container(repo, &repo.objects[i], &w.containers[ci].name, &image)
            {
                resolved = Resolved::Dockerfile(df, why);
            }
            if matches!(resolved, Resolved::None)
                && let Some((df, why)) =
                    beside.link_container(repo, obj_file, &image, &w.containers)
            {
                resolved = Resolved::Dockerfile(df, why);
            }
            if let Some(i) = w.object
                && let Some((what, note)) = replaced_program(
                    repo,
                    &repo.objects[i],
                    &w.containers[ci].name,
                    &image,
                    &resolved,
                )
            {
                w.containers[ci].replaced = Some(what);
                if let Resolved::Dockerfile(df, _) = &resolved {
                    // Built here, but not what this container runs: not a workload of its own.
                    used_dockerfiles.insert(*df);
                }
                if let Some(note) = note {
                    replaced_notes
                        .entry((note.path.clone(), note.location))
                        .or_insert(note);
                }
                continue;
            }
            match resolved {
                Resolved::Dockerfile(df, why) => {
                    w.containers[ci].dockerfile = Some(df);
                    used_dockerfiles.insert(df);
                    if !w.dockerfiles.contains(&df) {
                        w.dockerfiles.push(df);
                    }
                    w.sources.insert(df);
                    w.links.push(Link {
                        from: obj_file,
                        to: df,
                        linked_by: why,
                    });
                    follow_base_images(repo, &resolver, df, w, &mut used_dockerfiles);
                    if repo.generated.contains(&df) {
                        linux_build_beside(repo, df, w, &mut used_dockerfiles);
                    }
                }
                Resolved::Program {
                    builder,
                    dir,
                    build_file,
                    why,
                } => {
                    let container = w.containers[ci].name.clone();
                    w.sources.insert(build_file);
                    w.links.push(Link {
                        from: obj_file,
                        to: build_file,
                        linked_by: why,
                    });
                    w.programs.push(Program {
                        container,
                        builder,
                        dir,
                        build_file,
                    });
                }
                Resolved::Tie(candidates) => {
                    let span = w.containers[ci].image_span;
                    ties.entry(image.clone()).or_insert_with(|| Note {
                        path: repo.file(obj_file).path.clone(),
                        location: span.map(|s| (obj_file, s)),
                        message: tie_message(&image, &candidates),
                    });
                }
                Resolved::None => {}
            }
        }
    }
    repo.notes.extend(ties.into_values());
    repo.notes.extend(replaced_notes.into_values());

    for &df in &repo.dockerfiles {
        // A `Dockerfile.wasm` convert wrote builds the image of a workload that is already here.
        if used_dockerfiles.contains(&df) || repo.generated.contains(&df) {
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
            programs: Vec::new(),
            go_modules: Vec::new(),
            node_packages: Vec::new(),
            projects: Vec::new(),
        });
    }
    let modules = crate::wasm::link_modules(repo, &mut workloads);
    workloads.extend(modules);
    repo.workloads = workloads;
}

/// Whether container `name` of `obj` runs a script of its own instead of its image's program
/// (the programs its Dockerfile starts, when linked, and the image's last name): what it runs
/// instead, and for an image built here a note saying its code is not judged for the container.
fn replaced_program(
    repo: &Repo,
    obj: &crate::k8s::K8sObject,
    name: &str,
    image: &str,
    resolved: &Resolved,
) -> Option<(String, Option<Note>)> {
    let doc = repo.doc_of(obj)?;
    let spec = obj.pod_spec(doc)?;
    let c = spec.containers().find(|c| c.name() == name)?;
    c.node.get("command")?;
    // An OS or shell image (`busybox`, `ubuntu`) has no program of its own: the script is it.
    let known = crate::images::lookup(image);
    if known.is_some_and(|e| !e.judges_dockerfile()) {
        return None;
    }
    let short = ImageName::parse(image).short_name().to_string();
    let mut programs: Vec<&str> = vec![short.as_str()];
    let built = match resolved {
        Resolved::Dockerfile(df, _) => {
            if let Some(d) = repo.parsed_dockerfiles.get(df) {
                for p in d.start_programs() {
                    if !programs.contains(&p) {
                        programs.push(p);
                    }
                }
            }
            Some(repo.file(*df).path.as_str())
        }
        Resolved::Program { dir, .. } => Some(dir.as_str()),
        _ => None,
    };
    let what = crate::container_script::replaces_program(repo, &spec, &c, &programs)?;
    let command = c.node.get("command").map(|n| (obj.file, n.entry_span()));
    let named = programs
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let judged = match (built, known.map(|e| e.name.as_str())) {
        (Some(from), _) => Some(format!("{named}, built from `{from}`): that code")),
        (None, Some(k)) => Some(format!("{named}): what the image is ({k})")),
        (None, None) => None,
    };
    let note = judged.map(|j| Note {
        path: repo.file(obj.file).path.clone(),
        location: command,
        message: format!(
            "container `{name}` of {} `{}` runs {what}, which never starts its image's program ({j} is not judged for it",
            obj.kind, obj.name
        ),
    });
    Some((what, note))
}

/// A workload converted in place runs the image of a generated `Dockerfile.wasm`; the Dockerfile
/// beside it is the Linux build of the same code, which convert replaced: it stays this
/// workload's (so its build steps still link the code, e.g. the Cargo package), not a new one.
fn linux_build_beside(repo: &Repo, wasm_df: FileId, w: &mut Workload, used: &mut BTreeSet<FileId>) {
    let dir = crate::build_config::dir_of(&repo.file(wasm_df).path);
    for &df in &repo.dockerfiles {
        if repo.generated.contains(&df) || crate::build_config::dir_of(&repo.file(df).path) != dir {
            continue;
        }
        used.insert(df);
        if !w.dockerfiles.contains(&df) {
            w.dockerfiles.push(df);
        }
        w.sources.insert(df);
        w.links.push(Link {
            from: wasm_df,
            to: df,
            linked_by: "the Linux build this Dockerfile.wasm replaced (same directory)".into(),
        });
    }
}

/// The note for an image two Dockerfiles match equally well: nothing is linked, and the user is
/// told how to settle it.
fn tie_message(image: &str, candidates: &[(String, String)]) -> String {
    let named: Vec<String> = candidates
        .iter()
        .map(|(path, why)| format!("`{path}` ({why})"))
        .collect();
    format!(
        "image `{image}` is not linked to a Dockerfile: {} match it equally well; name the one \
         that builds it in a build config (skaffold, compose, docker-bake, a `docker build -t` \
         command) or in `[links]` of .wasm-migrate.toml (docs/linking.md)",
        named.join(" and ")
    )
}

/// The workloads of the Kubernetes objects, with their containers' images (kustomize overrides
/// applied); nothing is linked yet.
fn workloads_of_objects(repo: &Repo) -> Vec<Workload> {
    let mut workloads = Vec::new();
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
                programs: Vec::new(),
                go_modules: Vec::new(),
                node_packages: Vec::new(),
                projects: Vec::new(),
            };
            if let Some(r) = &rendering {
                w.sources.insert(r.top);
            }
            // Rendered chart output: the template the document came from (docs/helm.md).
            if let Some(template) = repo.rendered_from.get(&(obj.file, obj.doc)) {
                w.sources.insert(*template);
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
                w.containers.push(Container {
                    name: cname,
                    role,
                    image: written.map(|i| apply_overrides(i, rendering.as_ref())),
                    image_span: image_node.map(|n| n.entry_span()),
                    dockerfile: None,
                    replaced: None,
                });
            }
            workloads.push(w);
        }
    }
    workloads
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
        let Resolved::Dockerfile(parent, why) = resolver.find(repo, &base) else {
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

/// What an image resolved to.
#[derive(Clone)]
enum Resolved {
    Dockerfile(FileId, String),
    /// Built without a Dockerfile, from the program in `dir` described by `build_file`.
    Program {
        builder: Builder,
        dir: String,
        build_file: FileId,
        why: String,
    },
    /// Dockerfiles that match equally well: (path, why), none linked.
    Tie(Vec<(String, String)>),
    None,
}

/// Finds the Dockerfile that builds an image, and says why: explicit build links first, then
/// the scored matcher (docs/linking.md has the order).
struct DockerfileResolver {
    /// `[links]` of .wasm-migrate.toml whose file exists in the scan.
    user: Vec<(ImageName, FileId)>,
    /// Build links whose Dockerfile exists in the scan.
    explicit: Vec<(ImageName, FileId, String)>,
    /// Images built without a Dockerfile, whose build file exists in the scan.
    programs: Vec<(ImageName, usize, FileId)>,
    /// `go.mod` directories and module paths, for `ko://`.
    go_modules: Vec<(String, String, FileId)>,
    matcher: Matcher<FileId>,
    /// Answers by image reference: a base image (`FROM distroless`) or an image that thousands
    /// of workloads share is resolved once.
    cache: RefCell<HashMap<String, Resolved>>,
}

impl DockerfileResolver {
    fn new(repo: &Repo, images: Vec<&str>) -> Self {
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
        let user = repo
            .user_links
            .iter()
            .filter_map(|(image, path)| {
                let f = repo.file_by_path(path.trim_start_matches("./"))?;
                Some((ImageName::parse(image), f.id))
            })
            .collect();
        let programs = repo
            .program_builds
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let f = repo.file_by_path(&p.build_file)?;
                Some((ImageName::parse(&p.image), i, f.id))
            })
            .collect();
        let go_modules = repo
            .go_modules
            .iter()
            .map(|(f, m)| {
                let dir = crate::build_config::dir_of(&repo.file(*f).path).to_string();
                (dir, m.clone(), *f)
            })
            .collect();
        // A generated `Dockerfile.wasm` sits beside the Dockerfile of the original image: as a
        // candidate by name it would tie with it. Explicit build links still reach it.
        let dockerfiles = repo
            .dockerfiles
            .iter()
            .filter(|df| !repo.generated.contains(df))
            .map(|&df| (df, repo.file(df).path.clone()))
            .collect();
        let matcher = Matcher::new(dockerfiles, &repo_names(repo), images);
        DockerfileResolver {
            user,
            explicit,
            programs,
            go_modules,
            matcher,
            cache: RefCell::new(HashMap::new()),
        }
    }

    fn find(&self, repo: &Repo, image: &str) -> Resolved {
        if let Some(r) = self.cache.borrow().get(image) {
            return r.clone();
        }
        let r = self.resolve(repo, image);
        self.cache.borrow_mut().insert(image.to_string(), r.clone());
        r
    }

    fn resolve(&self, repo: &Repo, image: &str) -> Resolved {
        let name = ImageName::parse(image);
        if let Some((_, f)) = self.user.iter().find(|(n, _)| n.same_repository(&name)) {
            return self.user_link(repo, *f);
        }
        if let Some(r) = self.ko(repo, image) {
            return r;
        }
        if let Some((_, df, why)) = self
            .explicit
            .iter()
            .find(|(n, _, _)| n.same_repository(&name))
        {
            return Resolved::Dockerfile(*df, why.clone());
        }
        if let Some((_, i, f)) = self
            .programs
            .iter()
            .find(|(n, _, _)| n.same_repository(&name))
        {
            let p = &repo.program_builds[*i];
            return Resolved::Program {
                builder: p.builder,
                dir: p.dir.clone(),
                build_file: *f,
                why: format!(
                    "{} ({} builds it from `{}`)",
                    repo.file_line(p.file, p.span),
                    p.builder.as_str(),
                    p.build_file
                ),
            };
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
            return Resolved::Dockerfile(
                *df,
                format!(
                    "convention: image name `{short}` is built as `{}` ({why})",
                    built.repository
                ),
            );
        }
        match self.matcher.find(image) {
            Match::Linked(s) => {
                let d = &self.matcher.dockerfiles[s.index];
                Resolved::Dockerfile(
                    d.item,
                    format!(
                        "convention: {} matches `{}` ({}, score {})",
                        s.how, d.path, s.what, s.score
                    ),
                )
            }
            Match::Tie(c) => Resolved::Tie(
                c.into_iter()
                    .map(|s| {
                        let why = format!("{}, score {}", s.what, s.score);
                        (self.matcher.dockerfiles[s.index].path.clone(), why)
                    })
                    .collect(),
            ),
            Match::None => Resolved::None,
        }
    }
}

impl DockerfileResolver {
    /// A `[links]` entry: a Dockerfile, or another build file (then the program is its directory).
    fn user_link(&self, repo: &Repo, f: FileId) -> Resolved {
        let why = ".wasm-migrate.toml [links]".to_string();
        if repo.dockerfiles.contains(&f) {
            return Resolved::Dockerfile(f, why);
        }
        let path = &repo.file(f).path;
        let builder = match path.rsplit('/').next().unwrap_or(path) {
            "go.mod" => Builder::Ko,
            "project.toml" => Builder::Buildpacks,
            _ => Builder::Jib,
        };
        Resolved::Program {
            builder,
            dir: crate::build_config::dir_of(path).to_string(),
            build_file: f,
            why,
        }
    }

    /// `ko://IMPORTPATH`: the Go main package under the `go.mod` whose module path prefixes it,
    /// when that directory exists in the scanned tree.
    fn ko(&self, repo: &Repo, image: &str) -> Option<Resolved> {
        if !image.starts_with("ko://") {
            return None;
        }
        let modules: Vec<(String, String)> = self
            .go_modules
            .iter()
            .map(|(d, m, _)| (d.clone(), m.clone()))
            .collect();
        let (dir, i) = program::ko_package_dir(image, &modules)?;
        // Only the directory's existence is checked (no file of it is read): `symlink_metadata`
        // does not follow a link out of the root.
        let on_disk = repo.root.join(&dir);
        if !std::fs::symlink_metadata(&on_disk).is_ok_and(|m| m.is_dir()) {
            return None;
        }
        let (_, module, go_mod) = &self.go_modules[i];
        let shown = if dir.is_empty() { "." } else { dir.as_str() };
        Some(Resolved::Program {
            builder: Builder::Ko,
            dir: dir.clone(),
            build_file: *go_mod,
            why: format!(
                "`{image}` is the Go main package `{shown}` of module `{module}` ({}:1)",
                repo.file(*go_mod).path
            ),
        })
    }
}

/// The names the repository goes by, for its root Dockerfile: the scan root's directory name
/// (a clone is named after its repository), the last segment of the `go.mod` module path at the
/// root (`github.com/acme/shop` -> `shop`) and the root Cargo package's name.
fn repo_names(repo: &Repo) -> Vec<String> {
    let mut names = Vec::new();
    let root = std::fs::canonicalize(&repo.root).unwrap_or_else(|_| repo.root.clone());
    if let Some(n) = root.file_name().and_then(|n| n.to_str()) {
        names.push(n.to_string());
    }
    let root_module = repo
        .go_modules
        .iter()
        .find(|(f, _)| repo.file(*f).path == "go.mod")
        .map(|(_, m)| m);
    if let Some(m) = root_module {
        let mut segs: Vec<&str> = m.split('/').collect();
        // `example.com/shop/v2`: the major version suffix is not a name.
        if segs.len() > 1 && segs.last().is_some_and(|s| strip_major(s)) {
            segs.pop();
        }
        if let Some(last) = segs.last() {
            names.push(last.to_string());
        }
    }
    if let Some(p) = repo
        .cargo
        .manifests
        .iter()
        .find(|m| m.path == "Cargo.toml")
        .and_then(|m| m.package.as_ref())
    {
        names.push(p.name.clone());
    }
    names.sort();
    names.dedup();
    names
}

/// `v2`, `v3`...: a Go module's major version segment.
fn strip_major(seg: &str) -> bool {
    seg.strip_prefix('v')
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}
