//! The Services of a scanned repository indexed by selector, so that finding the Services that
//! may select a workload's pods costs one hash probe per pod label instead of a pass over every
//! object (which made rules and `convert` quadratic on repositories of thousands of workloads).
//!
//! The index only narrows the search: it yields every Service whose selector *could* match, and
//! each caller applies its own exact matching rule to those candidates.

use std::collections::HashMap;

use crate::Repo;

/// Services by `(namespace, key, value)` of the first string-valued pair of their selector.
#[derive(Debug, Default)]
pub struct ServiceIndex<'a> {
    by_pair: HashMap<(&'a str, &'a str, &'a str), Vec<usize>>,
}

impl<'a> ServiceIndex<'a> {
    /// Index every Service of `repo` that has a selector with at least one string value.
    pub fn new(repo: &'a Repo) -> Self {
        let mut by_pair: HashMap<(&'a str, &'a str, &'a str), Vec<usize>> = HashMap::new();
        for (idx, obj) in repo.objects.iter().enumerate() {
            if obj.kind != "Service" || obj.is_knative_service() {
                continue;
            }
            let Some(doc) = repo.doc_of(obj) else {
                continue;
            };
            let Some(selector) = obj.root(doc).path(&["spec", "selector"]) else {
                continue;
            };
            // Any matching rule needs the selector's string pairs to be among the pod labels,
            // the first one included, so indexing by it loses no candidate.
            let Some((k, v)) = selector
                .entries()
                .find_map(|(k, v)| v.as_str().map(|v| (k, v)))
            else {
                continue;
            };
            let ns = obj.namespace.as_deref().unwrap_or("default");
            by_pair.entry((ns, k, v)).or_default().push(idx);
        }
        ServiceIndex { by_pair }
    }

    /// Indices into [`Repo::objects`] of the Services in `namespace` (`None` is `default`) that
    /// may select pods with `labels`: ascending (repository order), each once.
    pub fn candidates(&self, namespace: Option<&str>, labels: &[(&str, &str)]) -> Vec<usize> {
        let ns = namespace.unwrap_or("default");
        let mut out: Vec<usize> = labels
            .iter()
            .filter_map(|&(k, v)| self.by_pair.get(&(ns, k, v)))
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        // Labels with a repeated key probe one bucket more than once.
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::ServiceIndex;
    use crate::Repo;
    use crate::source::FileId;

    #[test]
    fn candidates_are_services_of_the_namespace_keyed_by_a_label() {
        let text = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {selector: {app: web, tier: fe}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b, namespace: other}\nspec: {selector: {app: web}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: c}\nspec: {}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: d}\nspec: {selector: {app: api}}\n";
        let stream = crate::yaml::parse(text);
        let mut repo = Repo {
            objects: crate::k8s::objects(FileId(0), &stream),
            ..Default::default()
        };
        repo.yaml.insert(FileId(0), stream);
        let index = ServiceIndex::new(&repo);
        let names = |c: Vec<usize>| -> Vec<&str> {
            c.into_iter()
                .map(|i| repo.objects[i].name.as_str())
                .collect()
        };
        assert_eq!(names(index.candidates(None, &[("app", "web")])), ["a"]);
        assert_eq!(
            names(index.candidates(Some("other"), &[("app", "web")])),
            ["b"]
        );
        assert_eq!(
            names(index.candidates(None, &[("app", "api"), ("app", "api")])),
            ["d"]
        );
        // Only the first selector pair is a key; `c` has no selector at all.
        assert!(index.candidates(None, &[("tier", "fe")]).is_empty());
    }
}
