//! Kustomize, statically: which objects a kustomization pulls in, and the names it gives them.
//!
//! Resolves local `resources:` / `bases:` (files, and directories holding a kustomization),
//! applies `namespace:`, `namePrefix:` / `nameSuffix:` and `images:` so workload ids match what
//! `kubectl apply -k` would create. Remote resources are not fetched and patches are not applied:
//! both are reported as notes, never silently dropped.

use std::collections::{BTreeMap, HashSet};

use crate::build_config::{dir_of, join};
use crate::source::{FileId, SourceFile};
use crate::span::Span;
use crate::yaml::YamlStream;

/// The parts of a kustomization this tool understands, with spans for reporting.
#[derive(Clone, Debug, Default)]
pub struct Kustomization {
    pub file: FileId,
    pub dir: String,
    /// Each entry of `resources:` and `bases:` (and `components:`) as written, with its span.
    pub resources: Vec<(String, Span)>,
    pub namespace: Option<String>,
    pub name_prefix: String,
    pub name_suffix: String,
    /// `images:` overrides: name -> (newName, newTag).
    pub images: Vec<ImageOverride>,
    /// Keys whose effect is not modelled (patches, generators, helmCharts), with their spans.
    pub unmodelled: Vec<(String, Span)>,
    /// Files this kustomization applies as patches (`patchesStrategicMerge`, `patches[].path`),
    /// relative to the scan root: partial objects, not workloads of their own.
    pub patch_files: Vec<String>,
    /// Set when `wasm-migrate convert` wrote it ([`crate::generated`]): it is never a top-level
    /// rendering, so its base's workloads are not reported twice.
    pub generated: Option<crate::generated::GeneratedKustomization>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ImageOverride {
    pub name: String,
    pub new_name: Option<String>,
    pub new_tag: Option<String>,
}

const UNMODELLED: &[&str] = &[
    "patches",
    "patchesStrategicMerge",
    "patchesJson6902",
    "replacements",
    "helmCharts",
    "configMapGenerator",
    "secretGenerator",
    "transformers",
    "generators",
];

pub fn parse(file: &SourceFile, stream: &YamlStream) -> Kustomization {
    let mut k = Kustomization {
        file: file.id,
        dir: dir_of(&file.path).to_string(),
        ..Default::default()
    };
    let Some(root) = stream.docs.first().and_then(|d| d.root()) else {
        return k;
    };
    k.generated = crate::generated::kustomization(&k.dir, &file.text, root);
    for key in ["resources", "bases", "components"] {
        for (s, node) in root.get(key).into_iter().flat_map(|r| r.str_items()) {
            k.resources.push((s.to_string(), node.span()));
        }
    }
    k.namespace = root
        .get("namespace")
        .and_then(|n| n.as_str())
        .map(str::to_string);
    k.name_prefix = root
        .get("namePrefix")
        .and_then(|n| n.as_str())
        .unwrap_or_default()
        .to_string();
    k.name_suffix = root
        .get("nameSuffix")
        .and_then(|n| n.as_str())
        .unwrap_or_default()
        .to_string();
    for img in root.get("images").into_iter().flat_map(|i| i.items()) {
        let Some(name) = img.get("name").and_then(|n| n.as_str()) else {
            continue;
        };
        k.images.push(ImageOverride {
            name: name.to_string(),
            new_name: img
                .get("newName")
                .and_then(|n| n.as_str())
                .map(str::to_string),
            new_tag: img
                .get("newTag")
                .and_then(|n| n.as_str())
                .map(str::to_string),
        });
    }
    let patch_paths = root
        .get("patchesStrategicMerge")
        .into_iter()
        .flat_map(|p| {
            p.str_items()
                .map(|(s, _)| s.to_string())
                .collect::<Vec<_>>()
        })
        .chain(
            ["patches", "patchesJson6902"]
                .iter()
                .filter_map(|key| root.get(key))
                .flat_map(|p| p.items().collect::<Vec<_>>())
                .filter_map(|item| {
                    item.get("path")
                        .and_then(|n| n.as_str())
                        .map(str::to_string)
                }),
        );
    for path in patch_paths {
        if let Some(p) = join(&k.dir, &path) {
            k.patch_files.push(p);
        }
    }
    for key in UNMODELLED {
        if let Some(v) = root.get(key) {
            k.unmodelled.push((key.to_string(), v.entry_span()));
        }
    }
    k
}

/// How a kustomization renders one file's objects.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rendering {
    /// The top-level kustomization this rendering belongs to.
    pub top: FileId,
    pub namespace: Option<String>,
    pub name_prefix: String,
    pub name_suffix: String,
    /// Image overrides, outermost first.
    pub images: Vec<ImageOverride>,
}

/// A resource entry that could not be resolved.
#[derive(Clone, Debug)]
pub struct Unresolved {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

/// Result of resolving every kustomization of a repository.
#[derive(Debug, Default)]
pub struct Resolution {
    /// For each resource file, every way a top-level kustomization renders it.
    pub renderings: BTreeMap<String, Vec<Rendering>>,
    pub unresolved: Vec<Unresolved>,
}

/// Resolve all kustomizations. `kustomizations` maps the directory of each to its parse;
/// `is_file` tells whether a repo-relative path is a scanned YAML file.
pub fn resolve(
    kustomizations: &BTreeMap<String, Kustomization>,
    is_file: &dyn Fn(&str) -> bool,
) -> Resolution {
    let mut res = Resolution::default();
    // A kustomization that another one includes is a base, not a top.
    // One wasm-migrate generated does not count, so its base stays the top it was before
    // convert, unless a hand-written kustomization builds on the generated one: then it is part
    // of that rendering like any base (a second pass, as a generated overlay includes only
    // hand-written bases).
    let mut included: HashSet<String> = HashSet::new();
    for pass in 0..2 {
        for k in kustomizations.values() {
            let counts = k.generated.is_none() || (pass == 1 && included.contains(&k.dir));
            if !counts {
                continue;
            }
            for (r, _) in &k.resources {
                if let Some(p) = join(&k.dir, r)
                    && kustomizations.contains_key(&p)
                {
                    included.insert(p);
                }
            }
        }
    }
    let mut walker = Walker {
        all: kustomizations,
        is_file,
        stack: Vec::new(),
        seen: HashSet::new(),
        pushed: HashSet::new(),
        steps: 0,
        res: &mut res,
    };
    for (dir, k) in kustomizations {
        if included.contains(dir) || k.generated.is_some() {
            continue;
        }
        let base = Rendering {
            top: k.file,
            namespace: None,
            name_prefix: String::new(),
            name_suffix: String::new(),
            images: Vec::new(),
        };
        walker.seen.clear();
        walker.walk(dir, &base);
        if walker.steps > MAX_STEPS {
            walker.res.unresolved.push(Unresolved {
                file: k.file,
                span: Span::default(),
                message: format!(
                    "kustomize resolution stopped after {MAX_STEPS} steps (the kustomizations \
                     include each other too many ways); workloads past that point are not reported"
                ),
            });
            break;
        }
    }
    res
}

/// Most (kustomization, rendering) pairs resolved, plus renderings recorded, in one scan. Each pair is resolved once per
/// top-level kustomization, so a DAG of n kustomizations costs O(n x distinct renderings); the cap
/// bounds the case where every path through the DAG renders differently (prefixes that add up),
/// which kustomize itself would also expand exponentially.
pub const MAX_STEPS: usize = 100_000;

/// Depth-first resolution with a cycle stack and a memo of what was already resolved.
struct Walker<'a> {
    all: &'a BTreeMap<String, Kustomization>,
    is_file: &'a dyn Fn(&str) -> bool,
    stack: Vec<String>,
    /// (kustomization dir, rendering it is resolved under) already done for the current top: a
    /// diamond (two overlays including the same base with the same transforms) resolves once.
    seen: HashSet<(String, Rendering)>,
    /// (resource file, rendering) already recorded, across tops.
    pushed: HashSet<(String, Rendering)>,
    steps: usize,
    res: &'a mut Resolution,
}

impl Walker<'_> {
    fn walk(&mut self, dir: &str, outer: &Rendering) {
        let Some(k) = self.all.get(dir) else { return };
        if self.stack.iter().any(|d| d == dir) || self.stack.len() > 32 || self.steps > MAX_STEPS {
            return; // a cycle: reported once by the caller that closes it
        }
        let here = Rendering {
            top: outer.top,
            namespace: outer.namespace.clone().or_else(|| k.namespace.clone()),
            name_prefix: format!("{}{}", outer.name_prefix, k.name_prefix),
            name_suffix: format!("{}{}", k.name_suffix, outer.name_suffix),
            images: outer
                .images
                .iter()
                .cloned()
                .chain(k.images.iter().cloned())
                .collect(),
        };
        if !self.seen.insert((dir.to_string(), here.clone())) {
            return;
        }
        self.steps += 1;
        self.stack.push(dir.to_string());
        for (r, span) in &k.resources {
            let Some(path) = join(&k.dir, r) else {
                self.res.unresolved.push(Unresolved {
                    file: k.file,
                    span: *span,
                    message: format!(
                        "resource `{r}` is remote or outside the scan root; it is not fetched"
                    ),
                });
                continue;
            };
            if self.all.contains_key(&path) {
                if self.stack.contains(&path) {
                    self.res.unresolved.push(Unresolved {
                        file: k.file,
                        span: *span,
                        message: format!(
                            "resource `{r}` includes a kustomization that includes this one (a cycle)"
                        ),
                    });
                    continue;
                }
                self.walk(&path, &here);
            } else if (self.is_file)(&path) {
                // Every rendering is a step too, so the output is bounded as well as the walk.
                self.steps += 1;
                if self.steps <= MAX_STEPS && self.pushed.insert((path.clone(), here.clone())) {
                    self.res
                        .renderings
                        .entry(path)
                        .or_default()
                        .push(here.clone());
                }
            } else {
                self.res.unresolved.push(Unresolved {
                    file: k.file,
                    span: *span,
                    message: format!("resource `{r}` was not found in the scanned files"),
                });
            }
        }
        self.stack.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn kust(id: u32, path: &str, text: &str) -> Kustomization {
        let f = SourceFile::new(FileId(id), path, text);
        parse(&f, &yaml::parse(text))
    }

    #[test]
    fn overlays_rename_and_namespace_base_objects() {
        let mut all = BTreeMap::new();
        all.insert(
            "base".to_string(),
            kust(
                0,
                "base/kustomization.yaml",
                "resources:\n- deploy.yaml\nnamePrefix: app-\n",
            ),
        );
        all.insert(
            "overlays/prod".to_string(),
            kust(1, "overlays/prod/kustomization.yaml", "resources:\n- ../../base\n- https://example.com/x.yaml\nnamespace: prod\nnamePrefix: prod-\npatches:\n- path: p.yaml\n"),
        );
        let res = resolve(&all, &|p| p == "base/deploy.yaml");
        let r = &res.renderings["base/deploy.yaml"];
        assert_eq!(
            r.len(),
            1,
            "the base is not a top of its own once an overlay includes it"
        );
        assert_eq!(
            (r[0].namespace.as_deref(), r[0].name_prefix.as_str()),
            (Some("prod"), "prod-app-")
        );
        assert_eq!(res.unresolved.len(), 1);
        assert!(res.unresolved[0].message.contains("not fetched"));
        assert_eq!(all["overlays/prod"].unmodelled[0].0, "patches");
    }

    /// A generated overlay renders nothing on its own and leaves its base the top it was; a
    /// hand-written overlay building on the generated one renders through it, once.
    #[test]
    fn generated_overlays_are_not_tops_unless_a_hand_written_one_builds_on_them() {
        let head = "# Kustomize overlay, written by `wasm-migrate convert`.\n";
        let mut all = BTreeMap::new();
        all.insert(
            "k8s/base".to_string(),
            kust(
                0,
                "k8s/base/kustomization.yaml",
                "resources:\n- app.yaml\nnamespace: shop\n",
            ),
        );
        all.insert(
            "k8s/base-wasm".to_string(),
            kust(
                1,
                "k8s/base-wasm/kustomization.yaml",
                &format!("{head}resources:\n- ../base\npatches:\n- path: deployment-app.yaml\n  target:\n    kind: Deployment\n    name: app\n"),
            ),
        );
        assert!(all["k8s/base-wasm"].generated.is_some());
        let res = resolve(&all, &|p| p == "k8s/base/app.yaml");
        let r = &res.renderings["k8s/base/app.yaml"];
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(
            (r[0].top, r[0].namespace.as_deref()),
            (FileId(0), Some("shop"))
        );

        all.insert(
            "k8s/prod".to_string(),
            kust(
                2,
                "k8s/prod/kustomization.yaml",
                "resources:\n- ../base-wasm\nnamespace: prod\n",
            ),
        );
        let res = resolve(&all, &|p| p == "k8s/base/app.yaml");
        let r = &res.renderings["k8s/base/app.yaml"];
        assert_eq!(r.len(), 1, "only through prod: {r:?}");
        assert_eq!(
            (r[0].top, r[0].namespace.as_deref()),
            (FileId(2), Some("prod"))
        );
    }

    #[test]
    fn cycles_terminate() {
        let mut all = BTreeMap::new();
        all.insert(
            "a".to_string(),
            kust(0, "a/kustomization.yaml", "resources:\n- ../b\n"),
        );
        all.insert(
            "b".to_string(),
            kust(1, "b/kustomization.yaml", "resources:\n- ../a\n"),
        );
        all.insert(
            "top".to_string(),
            kust(2, "top/kustomization.yaml", "resources:\n- ../a\n"),
        );
        let res = resolve(&all, &|_| false);
        assert!(res.unresolved.iter().any(|u| u.message.contains("cycle")));
    }
}
