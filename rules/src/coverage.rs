//! Coverage and confidence (DESIGN §4): what the scan inspected for a workload, whether that
//! places the code its main containers run and proves it Wasm-able, how confident the verdict is,
//! and what would settle it.
//!
//! The point is honesty about what a verdict rests on. "No findings" only means "ready" when a
//! language front-end read the code and found nothing in the way, or the workload already is Wasm;
//! a manifest naming an image the tool cannot place proves nothing, so such a workload is
//! `unknown` and says what would settle it.

use analyzer::Repo;
use analyzer::dockerfile::Language;
use analyzer::k8s::{ContainerRole, ImageName};
use analyzer::link::{Container, Workload};

use crate::Category;
use crate::report::{Confidence, Coverage, Finding};
use crate::score::Evidence;

/// Everything the verdict rests on, for one workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    pub coverage: Vec<Coverage>,
    pub evidence: Evidence,
    /// The language of the code, when the inspected facts tell it.
    pub language: Option<String>,
    pub confidence: Confidence,
    pub reason: String,
    /// What would settle an `unknown` verdict or raise a low confidence.
    pub settle: Option<String>,
}

/// How one main container was placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Placement {
    /// Nothing tells what it runs.
    Unplaced,
    /// Known from its image or its Dockerfile's runtime stage, code not read.
    ByImage,
    /// Its code was read by a language front-end, or it is a `.wasm` module.
    ByCode,
}

/// Assess workload `w` given its (already resolved) findings.
pub fn assess(repo: &Repo, w: &Workload, findings: &[Finding]) -> Assessment {
    let mut cov = Vec::new();
    let add = |c: Coverage, cov: &mut Vec<Coverage>| {
        if !cov.contains(&c) {
            cov.push(c);
        }
    };
    if let Some(o) = w.object {
        add(Coverage::Manifest, &mut cov);
        if repo.helm.is_template(repo.objects[o].file) {
            add(Coverage::HelmValues, &mut cov);
        }
    }
    let modules = analyzer::wasm::workload_modules(repo, w);
    if !modules.is_empty() {
        add(Coverage::WasmModule, &mut cov);
    }
    if !w.dockerfiles.is_empty() {
        add(Coverage::Dockerfile, &mut cov);
    }
    if !w.crates.is_empty() {
        add(Coverage::DependencyManifest, &mut cov);
        if w.crates.iter().any(|c| {
            repo.cargo
                .workspaces
                .get(c.ws)
                .is_some_and(|ws| ws.lock.is_some())
        }) {
            add(Coverage::Lockfile, &mut cov);
        }
        if w.crates
            .iter()
            .any(|c| repo.rust.by_member.contains_key(&(c.ws, c.member)))
        {
            add(Coverage::Source, &mut cov);
        }
    }
    // Python: the requirements files a Dockerfile installs and the `.py` files it copies in.
    if w.dockerfiles
        .iter()
        .any(|d| repo.pip_requirements.contains_key(d))
    {
        add(Coverage::DependencyManifest, &mut cov);
    }
    if w.dockerfiles
        .iter()
        .any(|d| repo.python_sources.contains_key(d))
    {
        add(Coverage::Source, &mut cov);
    }
    if w.dockerfiles
        .iter()
        .any(|d| repo.python_locks.contains_key(d))
    {
        add(Coverage::Lockfile, &mut cov);
    }
    // A Jib/Spring Boot/ko build file (pom.xml, build.gradle, go.mod) was read for the image.
    if !w.programs.is_empty() {
        add(Coverage::DependencyManifest, &mut cov);
    }
    // A linked JVM/.NET/Ruby/PHP project: its build file is the manifest, a lockfile may be read.
    if !w.projects.is_empty() {
        add(Coverage::DependencyManifest, &mut cov);
        if w.projects
            .iter()
            .filter_map(|&i| repo.projects.projects.get(i))
            .any(|p| p.has_lockfile())
        {
            add(Coverage::Lockfile, &mut cov);
        }
    }
    // A linked Go module: its go.mod is the dependency manifest, its `.go` files the source.
    if !w.go_modules.is_empty() {
        add(Coverage::DependencyManifest, &mut cov);
        if go_sources_read(repo, w) {
            add(Coverage::Source, &mut cov);
        }
    }
    // A linked Node package: its package.json is the dependency manifest (when it parsed), its
    // lockfile the lockfile, its `.js`/`.ts` files the source.
    for p in w
        .node_packages
        .iter()
        .filter_map(|&i| repo.node.packages.get(i))
    {
        if p.manifest.error.is_none() {
            add(Coverage::DependencyManifest, &mut cov);
        }
        if p.lock.is_some() {
            add(Coverage::Lockfile, &mut cov);
        }
        if !p.sources.is_empty() {
            add(Coverage::Source, &mut cov);
        }
    }
    // Already Wasm by its kind or runtime class (WM316), or a Wasm image built here.
    let already_wasm = !modules.is_empty()
        || findings
            .iter()
            .any(|f| f.category == Category::WasmModule && f.suppressed.is_none());

    // A pod is judged by its main containers (DESIGN.md §4): a recognized sidecar beside an
    // application container (`rules/data/pod-sidecars.toml`) does not decide what the code is.
    let members = crate::k8s::pod::Member::of_workload(w);
    let main: Vec<&Container> = w
        .containers
        .iter()
        .filter(|c| c.role == ContainerRole::Main)
        .filter(|c| {
            let me = crate::k8s::pod::Member {
                name: &c.name,
                image: c.image.as_deref(),
                role: c.role,
            };
            crate::k8s::pod::sidecar_relief(&members, &me).is_none()
        })
        .collect();
    // The language front-end that linked code to the workload says its language; otherwise
    // its images' runtimes do, below.
    let mut language: Option<String> =
        analyzer::frontend::language_of(w).map(|l| l.as_str().to_string());
    let mut placements = Vec::new();
    let mut unplaced_images = Vec::new();
    let mut wasm_everywhere = true;
    for c in &main {
        if c.image.is_some() {
            add(Coverage::ImageReference, &mut cov);
        }
        let (placement, lang, wasm, known) = place_container(repo, w, c, main.len());
        if known {
            add(Coverage::ImageKnowledge, &mut cov);
        }
        if language.is_none() {
            language = lang;
        }
        wasm_everywhere &= wasm;
        if placement == Placement::Unplaced
            && let Some(img) = &c.image
        {
            unplaced_images.push(img.clone());
        }
        placements.push(placement);
    }
    // Workloads without containers: a Dockerfile or a Cargo package found on its own.
    if main.is_empty() {
        let (placement, lang, wasm) = place_without_containers(repo, w);
        if language.is_none() {
            language = lang;
        }
        wasm_everywhere = wasm;
        placements.push(placement);
    }
    if already_wasm {
        placements.iter_mut().for_each(|p| *p = Placement::ByCode);
        wasm_everywhere = true;
        language.get_or_insert_with(|| "wasm".to_string());
    }
    let weakest = placements
        .iter()
        .copied()
        .min()
        .unwrap_or(Placement::Unplaced);
    let evidence = Evidence {
        placed: weakest > Placement::Unplaced,
        wasm: wasm_everywhere && weakest == Placement::ByCode,
    };
    let blocked = findings
        .iter()
        .any(|f| f.suppressed.is_none() && f.severity == crate::Severity::Blocker);
    let by_convention = w
        .links
        .iter()
        .any(|l| l.linked_by.starts_with("convention"));
    // What of the code was read, in words, from what was really inspected.
    let code_read: Vec<&str> = [
        (Coverage::DependencyManifest, "dependency manifest"),
        (Coverage::Lockfile, "lockfile"),
        (Coverage::Source, "source"),
    ]
    .iter()
    .filter(|(c, _)| cov.contains(c))
    .map(|(_, words)| *words)
    .collect();
    let sources_missing = !w.crates.is_empty() && !crate_sources_read(repo, w);
    let (confidence, reason, settle) = judge(
        weakest,
        blocked,
        by_convention,
        language.as_deref(),
        &unplaced_images,
        already_wasm,
        &code_read,
    );
    // What an operator runs is judged by the operator knowledge base, not by an image.
    let (confidence, reason, settle) = match operator_entry(repo, w) {
        Some(e) if main.is_empty() && !e.finding.is_empty() && !already_wasm => (
            confidence,
            format!(
                "judged by what the operator runs for this {} resource ({}), from the operator \
                 knowledge base; no pod of it is written in the repository",
                e.group, e.runs
            ),
            settle,
        ),
        _ => (confidence, reason, settle),
    };
    // A Cargo package whose sources are not in the scan: its dependencies were judged, its code
    // was not, so nothing proves it builds for Wasm (WM214 says so as a finding).
    let (confidence, reason, settle) = if sources_missing && !already_wasm {
        (
            confidence.max(Confidence::Medium),
            format!(
                "{reason}; its source files are not in the scan, so only its dependencies were judged"
            ),
            settle.or_else(|| Some("scan the package's source files (src/) too".into())),
        )
    } else {
        (confidence, reason, settle)
    };
    // An image placed by its last name only (a product under a mirror or a private registry):
    // likely, not stated.
    let by_name = main
        .iter()
        .filter(|c| c.dockerfile.is_none() && c.replaced.is_none())
        .filter_map(|c| c.image.as_deref())
        .find(|i| analyzer::images::known_by_name_only(i));
    let (confidence, reason, settle) = match by_name {
        Some(image) if !already_wasm => (
            confidence.max(Confidence::Medium),
            format!(
                "{reason}; the image `{image}` was recognized by its name only, not by its registry path"
            ),
            settle.or_else(|| {
                Some(format!(
                    "describe `{image}` with `[[known-image]]` in .wasm-migrate.toml, or link what builds it"
                ))
            }),
        ),
        _ => (confidence, reason, settle),
    };
    // A chart template with values the static reader could not decide: what the cluster gets
    // may differ from what was judged.
    let unresolved = w
        .object
        .and_then(|o| repo.helm.rendered.get(&repo.objects[o].file))
        .and_then(|r| r.unresolved.first());
    let (confidence, reason, settle) = match unresolved {
        Some((_, why)) if !already_wasm => (
            confidence.max(Confidence::Medium),
            format!("{reason}; a Helm value in its template was not resolved statically ({why})"),
            settle.or_else(|| {
                Some("pass the release's values with `--helm-values`, or render with `--helm-render`".into())
            }),
        ),
        _ => (confidence, reason, settle),
    };
    cov.sort();
    Assessment {
        coverage: cov,
        evidence,
        language,
        confidence,
        reason,
        settle,
    }
}

/// (placement, language, positive Wasm evidence, placed by the image knowledge base).
fn place_container(
    repo: &Repo,
    w: &Workload,
    c: &Container,
    main_count: usize,
) -> (Placement, Option<String>, bool, bool) {
    // A Cargo package linked through this container's Dockerfile (or the only container).
    if !w.crates.is_empty() && (c.dockerfile.is_some() || main_count == 1) {
        return (
            Placement::ByCode,
            Some("rust".into()),
            crate_sources_read(repo, w),
            false,
        );
    }
    // A Go module built by this container's Dockerfile or `ko://` image (or the only container).
    // Never positive Wasm evidence: a Go service is a toolchain change away (WM604).
    if !w.go_modules.is_empty()
        && go_sources_read(repo, w)
        && (c.dockerfile.is_some()
            || main_count == 1
            || w.programs.iter().any(|p| p.container == c.name))
    {
        return (Placement::ByCode, Some("go".into()), false, false);
    }
    // A Node package this container's Dockerfile installs (or the only container's). Never
    // positive Wasm evidence: a Node service is a bundling step away (WM704).
    if node_sources_read(repo, w) && (c.dockerfile.is_some() || main_count == 1) {
        return (Placement::ByCode, Some("node".into()), false, false);
    }
    // A JVM, .NET, Ruby or PHP project built by this container's Dockerfile or Jib (or the only
    // container): its build file was read. Never positive Wasm evidence (WM801/WM811/WM821).
    if let Some(lang) = project_language(repo, w)
        && (c.dockerfile.is_some()
            || main_count == 1
            || w.programs.iter().any(|p| p.container == c.name))
    {
        return (Placement::ByCode, Some(lang), false, false);
    }
    // The container's Dockerfile, then the Dockerfiles of the base images it is built FROM.
    for df in c
        .dockerfile
        .map(|df| dockerfile_chain(w, df))
        .unwrap_or_default()
    {
        let Some(parsed) = repo.parsed_dockerfiles.get(&df) else {
            continue;
        };
        match parsed.language_runtime().language {
            Language::Wasm => return (Placement::ByCode, Some("wasm".into()), true, false),
            Language::Unknown | Language::Static => {}
            l => {
                return (
                    Placement::ByImage,
                    Some(l.as_str().to_string()),
                    false,
                    false,
                );
            }
        }
    }
    if let Some(img) = &c.image
        && crate::k8s::images::lookup(&ImageName::parse(img)).is_some()
    {
        return (Placement::ByImage, None, false, true);
    }
    // An image built without a Dockerfile by a tool that says the language (Jib and Spring Boot
    // build JVM programs, ko Go ones): the build file places it, the code was not read.
    if let Some(lang) = w
        .programs
        .iter()
        .filter(|p| p.container == c.name)
        .find_map(|p| p.builder.language_of(&repo.file(p.build_file).path))
    {
        return (Placement::ByImage, Some(lang.to_string()), false, false);
    }
    (Placement::Unplaced, None, false, false)
}

/// The language of the first JVM, .NET, Ruby or PHP project the workload runs.
fn project_language(repo: &Repo, w: &Workload) -> Option<String> {
    w.projects
        .iter()
        .filter_map(|&i| repo.projects.projects.get(i))
        .map(|p| p.ecosystem.as_str().to_string())
        .next()
}

/// `df`, then each Dockerfile it is linked to as its base image (see `analyzer::link`).
fn dockerfile_chain(w: &Workload, df: analyzer::source::FileId) -> Vec<analyzer::source::FileId> {
    let mut chain = vec![df];
    while let Some(next) = w
        .links
        .iter()
        .find(|l| Some(&l.from) == chain.last() && w.dockerfiles.contains(&l.to))
        .map(|l| l.to)
    {
        if chain.contains(&next) || chain.len() > 5 {
            break;
        }
        chain.push(next);
    }
    chain
}

fn place_without_containers(repo: &Repo, w: &Workload) -> (Placement, Option<String>, bool) {
    // A custom resource an operator runs: the operator knowledge base says what runs.
    if let Some(e) = operator_entry(repo, w).filter(|e| !e.finding.is_empty()) {
        let wasm = e.language.as_deref() == Some("wasm");
        let placement = if wasm {
            Placement::ByCode
        } else {
            Placement::ByImage
        };
        return (placement, e.language.clone(), wasm);
    }
    if !w.go_modules.is_empty() && go_sources_read(repo, w) {
        return (Placement::ByCode, Some("go".into()), false);
    }
    if let Some(lang) = project_language(repo, w) {
        return (Placement::ByCode, Some(lang), false);
    }
    if !w.crates.is_empty() {
        return (
            Placement::ByCode,
            Some("rust".into()),
            crate_sources_read(repo, w),
        );
    }
    if node_sources_read(repo, w) {
        return (Placement::ByCode, Some("node".into()), false);
    }
    let mut best = (Placement::Unplaced, None, false);
    for df in &w.dockerfiles {
        if let Some(parsed) = repo.parsed_dockerfiles.get(df) {
            match parsed.language_runtime().language {
                Language::Wasm => return (Placement::ByCode, Some("wasm".into()), true),
                Language::Unknown | Language::Static => {}
                l => best = (Placement::ByImage, Some(l.as_str().to_string()), false),
            }
        }
    }
    best
}

/// The operator knowledge base entry of the workload's custom resource, if any.
fn operator_entry(
    repo: &Repo,
    w: &Workload,
) -> Option<&'static analyzer::operators::OperatorEntry> {
    let o = repo.objects.get(w.object?)?;
    analyzer::operators::entry(o.operator?)
}

/// Whether the Go front-end read source files of a module the workload builds.
fn go_sources_read(repo: &Repo, w: &Workload) -> bool {
    w.go_modules.iter().any(|&i| {
        repo.go
            .modules
            .get(i)
            .is_some_and(|m| !m.sources.is_empty())
    })
}

/// Whether the Node front-end read the package.json and source files of a package the workload
/// runs.
fn node_sources_read(repo: &Repo, w: &Workload) -> bool {
    w.node_packages.iter().any(|&i| {
        repo.node
            .packages
            .get(i)
            .is_some_and(|p| p.manifest.error.is_none() && !p.sources.is_empty())
    })
}

/// Whether the sources of a linked Cargo package are in the scan: a package whose sources are
/// not present is judged by its dependencies only, which proves nothing builds for Wasm.
fn crate_sources_read(repo: &Repo, w: &Workload) -> bool {
    w.crates.iter().any(|c| {
        repo.cargo
            .workspaces
            .get(c.ws)
            .and_then(|ws| ws.members.get(c.member))
            .is_some_and(|m| !m.sources_absent)
    })
}

/// Confidence, its reason in words, and what would settle the verdict.
fn judge(
    weakest: Placement,
    blocked: bool,
    by_convention: bool,
    language: Option<&str>,
    unplaced_images: &[String],
    already_wasm: bool,
    code_read: &[&str],
) -> (Confidence, String, Option<String>) {
    let mut names: Vec<String> = Vec::new();
    for i in unplaced_images {
        let n = format!("`{i}`");
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let images = names.join(", ");
    let settle_unplaced = (!unplaced_images.is_empty()).then(|| {
        format!(
            "link the Dockerfile that builds {images} (skaffold.yaml, a `docker build` in CI, \
             compose), scan the repository that builds it, or describe the image with \
             `[[known-image]]` in `.wasm-migrate.toml`"
        )
    });
    match weakest {
        Placement::Unplaced if blocked => (
            Confidence::Medium,
            match names.len() {
                0 => "a blocker in what was inspected decides it, but what the container runs is \
                      not known (nothing places its code)"
                    .to_string(),
                1 => format!(
                    "a blocker in what was inspected decides it, but what the container runs is \
                     not known (image {images} is not in the knowledge base and no Dockerfile \
                     builds it here)"
                ),
                _ => format!(
                    "a blocker in what was inspected decides it, but what the containers run is \
                     not known (images {images} are not in the knowledge base and no Dockerfile \
                     builds them here)"
                ),
            },
            settle_unplaced,
        ),
        Placement::Unplaced => (
            Confidence::Low,
            if images.is_empty() {
                "only the manifest was inspected: no image, Dockerfile or source tells what the \
                 workload runs"
                    .to_string()
            } else {
                format!(
                    "only the manifest and the image reference {images} were inspected; the image \
                     is not in the knowledge base and no Dockerfile in the repository builds it"
                )
            },
            settle_unplaced.or_else(|| {
                Some("link the Dockerfile or the source of the workload's code".to_string())
            }),
        ),
        Placement::ByImage if !code_read.is_empty() => {
            // A partial front-end read what the image copies in (Python sources, requirements).
            let lang = language.unwrap_or("its runtime");
            let read = match code_read {
                [one] => (*one).to_string(),
                [init @ .., last] => format!("{} and {last}", init.join(", ")),
                [] => String::new(),
            };
            (
                Confidence::Medium,
                format!(
                    "judged by its image or Dockerfile ({lang}) and the {read} it copies in, read for what stands in the way; nothing was built for Wasm{}",
                    if by_convention {
                        ", and the Dockerfile is linked by naming convention only"
                    } else {
                        ""
                    }
                ),
                (!blocked).then(|| {
                    format!(
                        "a build of the service with the {lang} Wasm toolchain (WASM-FACTS.md §8)"
                    )
                }),
            )
        }
        Placement::ByImage => {
            let lang = language.unwrap_or("its runtime");
            (
                Confidence::Medium,
                format!(
                    "judged by its image or Dockerfile ({lang}); the service's dependency \
                     manifests and source were not read{}",
                    if by_convention {
                        ", and the Dockerfile is linked by naming convention only"
                    } else {
                        ""
                    }
                ),
                (!blocked).then(|| {
                    format!(
                        "a {lang} language front-end reading the service's dependencies and \
                         source (not available yet), or a `.wasm` build of it"
                    )
                }),
            )
        }
        Placement::ByCode => {
            let what = if already_wasm {
                "it already runs Wasm (a module, a SpinApp or a Wasm runtime class)".to_string()
            } else {
                format!(
                    "the {} code was read: {}",
                    language.unwrap_or("service's"),
                    match code_read {
                        [] => "its build".to_string(),
                        [one] => (*one).to_string(),
                        [init @ .., last] => format!("{} and {last}", init.join(", ")),
                    }
                )
            };
            if by_convention {
                (
                    Confidence::Medium,
                    format!("{what}, but it is linked by naming convention only"),
                    Some("name the Dockerfile in skaffold.yaml or a `docker build` command".into()),
                )
            } else {
                (Confidence::High, what, None)
            }
        }
    }
}
