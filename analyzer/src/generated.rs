//! Files `wasm-migrate convert` wrote, recognised so a later scan does not count them again.
//!
//! Every file convert generates starts with a comment line holding [`MARK`]. The mark alone is
//! not trusted: anyone can write it into any file, and a file taken for generated is left out of
//! workload discovery. So it is honoured only where convert writes, in the shape convert writes:
//!
//! - `Dockerfile.wasm` (the Wasm image of a converted workload): still parsed and linked through
//!   explicit build links, but neither a candidate for another image by name nor a workload of
//!   its own;
//! - a `kustomization.yaml` that is either an overlay `D-<suffix>/` building on `../D` (plus
//!   `runtimeclass-*.yaml` files beside it, and patch files in the same directory) or a base
//!   listing only manifests of its own directory: never a top-level rendering, so its base's
//!   workloads are not reported a second time (a hand-written kustomization that includes it
//!   still renders through it).
//!
//! Anything else carrying the mark is scanned as usual. Each recognised file is named in a note,
//! so nothing leaves the inventory unsaid (docs/convert.md, "Generated files").

use crate::yaml::YRef;

/// The words every generated file's first line holds.
pub const MARK: &str = "written by `wasm-migrate convert`";

/// Whether the first line of `text` (after a byte-order mark) is a comment holding [`MARK`].
pub fn is_marked(text: &str) -> bool {
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or_default();
    first.starts_with('#') && first.contains(MARK)
}

/// A `Dockerfile.wasm` convert wrote (by its name and its mark).
pub fn is_wasm_dockerfile(path: &str, text: &str) -> bool {
    path.rsplit('/').next() == Some("Dockerfile.wasm") && is_marked(text)
}

/// The image a generated `Dockerfile.wasm` builds, as its first line names it
/// (`# Wasm image IMAGE (RUNTIME runtime), written by ...`), with its byte range in `text`: an
/// explicit build link, so the converted workload (whose manifest now names that image) is linked
/// to it as a workflow's `docker build -t IMAGE -f Dockerfile.wasm` would link it.
pub fn wasm_image_of(text: &str) -> Option<(&str, std::ops::Range<usize>)> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let first = text[bom..].lines().next()?;
    let rest = first.strip_prefix("# Wasm image ")?;
    let image = rest.split_once(" (")?.0;
    let start = bom + "# Wasm image ".len();
    (!image.is_empty() && !image.contains(char::is_whitespace))
        .then_some((image, start..start + image.len()))
}

/// What a marked kustomization is, when its shape is one convert writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GeneratedKustomization {
    /// An overlay converting the workloads of the base directory (repo-relative).
    Overlay { base: String },
    /// A base listing the manifests of its own directory, so an overlay can build on it.
    BaseListing,
}

/// Recognise a kustomization convert wrote: `dir` is its directory, `text` its content, `root`
/// its parsed mapping.
pub fn kustomization(dir: &str, text: &str, root: YRef<'_>) -> Option<GeneratedKustomization> {
    if !is_marked(text) || !root.is_map() {
        return None;
    }
    let keys: Vec<&str> = root.entries().map(|(k, _)| k).collect();
    let resources: Vec<&str> = root.get("resources")?.str_items().map(|(s, _)| s).collect();
    let plain_name = |s: &str| !s.is_empty() && !s.contains('/') && !s.starts_with('.');
    let yaml_name = |s: &str| plain_name(s) && (s.ends_with(".yaml") || s.ends_with(".yml"));
    let (parent, name) = dir.rsplit_once('/').unwrap_or(("", dir));
    // An overlay: `D-<suffix>/` with `../D` first, RuntimeClass files and patches beside it.
    if let Some(base_name) = resources.first().and_then(|r| r.strip_prefix("../"))
        && plain_name(base_name)
        && name
            .strip_prefix(base_name)
            .and_then(|s| s.strip_prefix('-'))
            .is_some_and(|suffix| !suffix.is_empty())
        && keys
            .iter()
            .all(|k| matches!(*k, "apiVersion" | "kind" | "resources" | "patches"))
        && resources[1..]
            .iter()
            .all(|r| yaml_name(r) && r.starts_with("runtimeclass-"))
        && root
            .get("patches")
            .into_iter()
            .flat_map(|p| p.items())
            .all(|p| {
                p.get("path")
                    .and_then(|v| v.as_str())
                    .is_some_and(yaml_name)
            })
    {
        let base = if parent.is_empty() {
            base_name.to_string()
        } else {
            format!("{parent}/{base_name}")
        };
        return Some(GeneratedKustomization::Overlay { base });
    }
    // A base listing: manifests of its own directory, nothing else.
    if keys
        .iter()
        .all(|k| matches!(*k, "apiVersion" | "kind" | "resources"))
        && !resources.is_empty()
        && resources.iter().all(|r| yaml_name(r))
    {
        return Some(GeneratedKustomization::BaseListing);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kust(dir: &str, text: &str) -> Option<GeneratedKustomization> {
        let s = crate::yaml::parse(text);
        kustomization(dir, text, s.docs[0].root().unwrap())
    }

    const HEAD: &str = "# Kustomize overlay, written by `wasm-migrate convert`.\n";

    #[test]
    fn overlays_and_base_listings_in_the_shape_convert_writes() {
        let overlay = format!(
            "{HEAD}resources:\n- ../base\n- runtimeclass-x.yaml\npatches:\n- path: deployment-a.yaml\n  target:\n    kind: Deployment\n    name: a\n"
        );
        assert_eq!(
            kust("k8s/base-wasm", &overlay),
            Some(GeneratedKustomization::Overlay {
                base: "k8s/base".into()
            })
        );
        let listing = format!("{HEAD}kind: Kustomization\nresources:\n- a.yaml\n- b.yml\n");
        assert_eq!(
            kust("k8s/plain", &listing),
            Some(GeneratedKustomization::BaseListing)
        );
    }

    #[test]
    fn the_mark_elsewhere_or_in_another_shape_is_not_honoured() {
        // Not on the first line.
        let late = format!("# hand-written\n{HEAD}resources:\n- ../base\n");
        assert_eq!(kust("k8s/base-wasm", &late), None);
        // A directory that is not `<base>-<suffix>`.
        let other = format!("{HEAD}resources:\n- ../base\n");
        assert_eq!(kust("k8s/prod", &other), None);
        // More than convert writes: a namespace, a remote or foreign resource.
        let namespaced = format!("{HEAD}namespace: shop\nresources:\n- ../base\n");
        assert_eq!(kust("k8s/base-wasm", &namespaced), None);
        let remote = format!("{HEAD}resources:\n- ../base\n- https://example.com/x.yaml\n");
        assert_eq!(kust("k8s/base-wasm", &remote), None);
        let foreign = format!("{HEAD}resources:\n- ../base\n- ../other/app.yaml\n");
        assert_eq!(kust("k8s/base-wasm", &foreign), None);
        let listing_out = format!("{HEAD}resources:\n- ../app.yaml\n");
        assert_eq!(kust("k8s/plain", &listing_out), None);
        assert!(!is_wasm_dockerfile("api/Dockerfile", HEAD));
        assert!(is_wasm_dockerfile("api/Dockerfile.wasm", HEAD));
        assert!(!is_wasm_dockerfile("api/Dockerfile.wasm", "FROM scratch\n"));
        let df = "# Wasm image ghcr.io/a/api-wasm:2 (spin runtime), written by `wasm-migrate convert`.\n";
        let (image, range) = wasm_image_of(df).unwrap();
        assert_eq!(
            (image, &df[range]),
            ("ghcr.io/a/api-wasm:2", "ghcr.io/a/api-wasm:2")
        );
        assert_eq!(wasm_image_of("# Wasm image  (spin runtime)\n"), None);
    }
}
