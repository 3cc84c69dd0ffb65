//! Defect 2: Kustomize resolution walked every path through a DAG of kustomizations: a
//! "diamond" chain (two folders per level, each listing both folders of the next) cost 4x per
//! level; 40 levels (80 tiny files) never finished.

use crate::bounded::{run, workload_ids, write};

fn diamond(levels: usize, prefixed: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path().join("repo");
    for level in 0..levels {
        for side in ["a", "b"] {
            let next = if level + 1 == levels {
                "  - ../../base\n".to_string()
            } else {
                format!("  - ../../l{}/a\n  - ../../l{}/b\n", level + 1, level + 1)
            };
            let prefix = if prefixed {
                format!("namePrefix: {side}-\n")
            } else {
                String::new()
            };
            write(
                &repo.join(format!("l{level}/{side}/kustomization.yaml")),
                &format!("resources:\n{next}{prefix}"),
            );
        }
    }
    write(
        &repo.join("kustomization.yaml"),
        "resources:\n  - l0/a\n  - l0/b\n",
    );
    write(
        &repo.join("base/kustomization.yaml"),
        "resources:\n  - deploy.yaml\n",
    );
    write(
        &repo.join("base/deploy.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: ghcr.io/acme/app:1\n",
    );
    dir
}

#[test]
fn a_forty_level_diamond_resolves_once_per_rendering() {
    let dir = diamond(40, false);
    let r = run(dir.path(), &["scan", "repo", "--format", "json"], &[]);
    r.assert_bounded(0, 512);
    // Every path renders the base the same way: one workload, not 2^40.
    assert_eq!(workload_ids(&r), ["Deployment/default/app"]);
}

#[test]
fn a_diamond_whose_paths_all_differ_stops_at_the_documented_bound() {
    // Each path adds its own prefixes: 2^40 distinct renderings, as kustomize itself would make.
    let dir = diamond(40, true);
    let r = run(dir.path(), &["scan", "repo", "--format", "json"], &[]);
    r.assert_bounded(0, 2048);
    let notes = crate::bounded::notes_and_errors(&r);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("kustomize resolution stopped after 100000 steps")),
        "{notes:#?}"
    );
}
