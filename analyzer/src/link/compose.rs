//! Containers made from a docker-compose service that the repository builds, when nothing
//! else linked their image: a kompose label, the same environment variables, or the same name.
//!
//! Many repositories build with compose for local runs (`build: ./services/server`, often with
//! no `image:`) and deploy to Kubernetes under a pushed image name that no build file states
//! (`mjhea0/flask-kubernetes`). The manifest was usually written from the compose file, by hand
//! or by `kompose convert`, and keeps what identifies the service:
//! 1. kompose's `io.kompose.service: NAME` label (on the object or its pod template): the tool
//!    wrote it from the service NAME, so the link is stated, not guessed;
//! 2. the container's environment variable names, when at least [`MIN_SHARED_ENV`] of those not
//!    too common to tell services apart (`rules/data/linking.toml`) are the service's, covering
//!    most of the container's, and no other service shares as many;
//! 3. the container's or the workload's name, when it is one service's name.
//!
//! Only for images the knowledge base does not know: a `postgres:16` container is PostgreSQL
//! whatever a compose service builds on top of it. Each answer must be unique; the service's
//! Dockerfile must be in the scan.

use std::collections::BTreeSet;

use crate::build_config::ComposeService;
use crate::k8s::K8sObject;
use crate::repo::Repo;
use crate::source::FileId;

use super::matcher::is_generic_env;

/// Compose services kept per scan: a real repository has tens; each unlinked container is
/// compared with every one, so a generated file with thousands must not make that quadratic.
pub const MAX_SERVICES: usize = 1_000;

/// Environment names a container must share with a compose service to be linked by them.
pub const MIN_SHARED_ENV: usize = 2;

/// The label `kompose convert` puts on every object it writes.
const KOMPOSE_LABEL: &str = "io.kompose.service";

/// The compose services whose Dockerfile is in the scan, one per (name, Dockerfile): built once
/// per scan, so each container's lookup does not search the Dockerfiles again.
pub(super) struct Compose<'r> {
    services: Vec<(&'r ComposeService, FileId)>,
}

impl<'r> Compose<'r> {
    pub(super) fn new(repo: &'r Repo) -> Self {
        let dockerfiles: BTreeSet<FileId> = repo.dockerfiles.iter().copied().collect();
        let mut seen = BTreeSet::new();
        let services = repo
            .compose_services
            .iter()
            .filter_map(|s| {
                let f = repo.file_by_path(&s.dockerfile)?;
                (dockerfiles.contains(&f.id) && seen.insert((s.name.as_str(), f.id)))
                    .then_some((s, f.id))
            })
            .take(MAX_SERVICES)
            .collect();
        Compose { services }
    }

    /// The Dockerfile of the compose service container `container` of `obj` was made from, and
    /// why.
    pub(super) fn link_container(
        &self,
        repo: &Repo,
        obj: &K8sObject,
        container: &str,
        image: &str,
    ) -> Option<(FileId, String)> {
        if self.services.is_empty() || crate::images::lookup(image).is_some() {
            return None;
        }
        by_signals(repo, &self.services, obj, container)
    }
}

/// The kompose label, then the environment, then the name (see the module doc).
fn by_signals(
    repo: &Repo,
    services: &[(&ComposeService, FileId)],
    obj: &K8sObject,
    container: &str,
) -> Option<(FileId, String)> {
    let doc = repo.doc_of(obj)?;
    let root = obj.root(doc);
    let built = |s: &ComposeService| {
        format!(
            "{} service `{}`, built from `{}`",
            repo.file_line(s.file, s.span),
            s.name,
            s.dockerfile
        )
    };

    // 1. kompose's label.
    let label = [
        &["metadata", "labels", KOMPOSE_LABEL][..],
        &["spec", "template", "metadata", "labels", KOMPOSE_LABEL][..],
    ]
    .iter()
    .find_map(|route| root.path(route).and_then(|n| n.as_str().map(|v| (v, n))));
    if let Some((name, node)) = label
        && let Some((s, df)) = unique(services.iter().filter(|(s, _)| s.name == name))
    {
        return Some((
            df,
            format!(
                "{} (kompose label `{KOMPOSE_LABEL}: {name}` names {})",
                repo.file_line(obj.file, node.entry_span()),
                built(s)
            ),
        ));
    }

    // 2. The same environment.
    let spec = obj.pod_spec(doc)?;
    let c = spec.containers().find(|c| c.name() == container)?;
    let env: BTreeSet<&str> = c
        .node
        .get("env")
        .into_iter()
        .flat_map(|e| e.items())
        .filter_map(|e| e.get("name").and_then(|n| n.as_str()))
        .filter(|n| !is_generic_env(n))
        .take(crate::build_config::MAX_COMPOSE_ENV)
        .collect();
    if env.len() >= MIN_SHARED_ENV {
        let mut scored: Vec<(usize, &ComposeService, FileId)> = services
            .iter()
            .map(|(s, df)| {
                let shared = s.env.iter().filter(|n| env.contains(n.as_str())).count();
                (shared, *s, *df)
            })
            .filter(|(shared, _, _)| *shared >= MIN_SHARED_ENV)
            .collect();
        scored.sort_by_key(|s| std::cmp::Reverse(s.0));
        if let Some(&(best, s, df)) = scored.first()
            // Most of the container's own names, and no runner-up as good.
            && best * 3 >= env.len() * 2
            && scored.iter().filter(|(n, _, d)| *n == best && *d != df).count() == 0
        {
            let names: Vec<String> = env
                .iter()
                .filter(|n| s.env.iter().any(|e| e == *n))
                .take(4)
                .map(|n| format!("`{n}`"))
                .collect();
            return Some((
                df,
                format!(
                    "convention: container `{container}` sets {}{} like {}",
                    names.join(", "),
                    if best > names.len() { ", ..." } else { "" },
                    built(s)
                ),
            ));
        }
    }

    // 3. The same name.
    let norm = |s: &str| s.to_ascii_lowercase().replace(['-', '_'], "");
    for (what, name) in [("container", container), ("workload", obj.name.as_str())] {
        if let Some((s, df)) = unique(services.iter().filter(|(s, _)| norm(&s.name) == norm(name)))
        {
            return Some((
                df,
                format!("convention: {what} `{name}` has the name of {}", built(s)),
            ));
        }
    }
    None
}

/// The one Dockerfile the services build, if they agree on one.
fn unique<'a>(
    mut it: impl Iterator<Item = &'a (&'a ComposeService, FileId)>,
) -> Option<(&'a ComposeService, FileId)> {
    let (s, df) = *it.next()?;
    it.all(|(_, d)| *d == df).then_some((s, df))
}
