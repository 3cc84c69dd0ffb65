//! The Dockerfile beside a workload's manifest, when nothing else linked its image.
//!
//! Samples and small services keep a program's Dockerfile and its manifest together
//! (`deploy-agent/Dockerfile` next to `deploy-agent/deploy-agent.yaml`, or `app/Dockerfile`
//! above `app/k8s/deployment.yaml`), and push the image under a name that says nothing
//! (`us-docker.pkg.dev/<PROJECT_ID>/repo/agent`). The manifest's directory, then its parent, is
//! looked at: the first with a plain `Dockerfile` links it, when
//! - it is the only plain Dockerfile there (named ones, `Dockerfile.api`, are other programs),
//! - the image is the workload's only one the knowledge base does not know (two would be a guess
//!   between them),
//! - no build config says that Dockerfile builds another image,
//! - and the directory is not the scan root (a root Dockerfile is the repository's, matched by
//!   the repository's name).

use std::collections::HashMap;

use crate::k8s::ImageName;
use crate::repo::Repo;
use crate::source::FileId;

use super::Container;
use crate::build_config::dir_of;

/// How many directories up from the manifest are looked at.
const LEVELS: usize = 2;

/// The plain Dockerfiles of the scan by directory, and the images build configs say each builds:
/// built once per scan, so each lookup is a few hash probes.
pub(super) struct Beside {
    by_dir: HashMap<String, Vec<FileId>>,
    built_as: HashMap<String, Vec<ImageName>>,
}

impl Beside {
    pub(super) fn new(repo: &Repo) -> Self {
        let mut by_dir: HashMap<String, Vec<FileId>> = HashMap::new();
        for &df in &repo.dockerfiles {
            let p = &repo.file(df).path;
            if !repo.generated.contains(&df) && is_plain(p) {
                by_dir.entry(dir_of(p).to_string()).or_default().push(df);
            }
        }
        let mut built_as: HashMap<String, Vec<ImageName>> = HashMap::new();
        for l in &repo.build_links {
            built_as
                .entry(l.dockerfile.clone())
                .or_default()
                .push(ImageName::parse(&l.image));
        }
        Beside { by_dir, built_as }
    }

    /// The Dockerfile beside the manifest `manifest` that builds `image`, and why.
    pub(super) fn link_container(
        &self,
        repo: &Repo,
        manifest: FileId,
        image: &str,
        containers: &[Container],
    ) -> Option<(FileId, String)> {
        if self.by_dir.is_empty() || crate::images::lookup(image).is_some() {
            return None;
        }
        let unknown = containers
            .iter()
            .filter_map(|c| c.image.as_deref())
            .filter(|i| *i != image && crate::images::lookup(i).is_none())
            .count();
        if unknown > 0 {
            return None;
        }
        let path = &repo.file(manifest).path;
        let mut dir = dir_of(path);
        for _ in 0..LEVELS {
            if dir.is_empty() {
                return None;
            }
            match self.by_dir.get(dir).map(Vec::as_slice) {
                Some([df]) => {
                    let df_path = &repo.file(*df).path;
                    let wanted = ImageName::parse(image);
                    let builds_other = self
                        .built_as
                        .get(df_path)
                        .is_some_and(|imgs| imgs.iter().any(|i| !i.same_repository(&wanted)));
                    if builds_other {
                        return None;
                    }
                    return Some((
                        *df,
                        format!(
                            "convention: `{df_path}` is the only Dockerfile beside the manifest `{path}` (the image `{}` is named nowhere else)",
                            wanted.short_name()
                        ),
                    ));
                }
                Some(_) => return None,
                None => dir = dir_of(dir),
            }
        }
        None
    }
}

/// `Dockerfile` or `Containerfile`, not a named one.
fn is_plain(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.eq_ignore_ascii_case("Dockerfile") || name.eq_ignore_ascii_case("Containerfile")
}
