//! The default output of `convert`: a header per workload saying what changes and why (what a
//! person must decide, what the result assumes, how to build the Wasm image), then a git-style
//! unified diff of every file, which `git apply` accepts as is.

use std::fmt::Write as _;

use rayon::prelude::*;
use similar::TextDiff;

use crate::convert::{Conversion, FileChange};
use crate::plan::Outcome;

/// The whole report: headers, then diffs.
pub fn render(conv: &Conversion) -> String {
    let mut out = summary(conv);
    // Each file's diff is independent of the others: computed in parallel, joined in path order.
    let diffs: Vec<String> = conv.files.par_iter().map(file_diff).collect();
    out.reserve(diffs.iter().map(|d| d.len() + 1).sum());
    for d in diffs {
        out.push('\n');
        out.push_str(&d);
    }
    out
}

/// The per-workload headers and the run's notes.
pub fn summary(conv: &Conversion) -> String {
    let mut out = String::new();
    let planned = conv.plans().count();
    let unchanged = conv
        .outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Unchanged { .. }))
        .count();
    let skipped = conv
        .outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Skipped { .. }))
        .count();
    let _ = writeln!(
        out,
        "wasm-migrate convert: {planned} workload{} to convert, {unchanged} unchanged, {skipped} not converted{}",
        if planned == 1 { "" } else { "s" },
        if conv.failures.is_empty() {
            String::new()
        } else {
            format!(", {} failed", conv.failures.len())
        }
    );
    for p in conv.plans() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{} ({}, score {}): to {}, RuntimeClass {}",
            p.id,
            p.verdict.as_str(),
            p.score.map_or_else(|| "-".to_string(), |s| s.to_string()),
            p.runtime,
            p.runtime_class
        );
        let as_spinapp = conv.spinapps.contains(&p.id);
        if as_spinapp {
            let _ = writeln!(
                out,
                "  ~ {} {} replaced by a SpinApp (core.spinkube.dev/v1alpha1) running {}",
                p.object.kind, p.object.name, p.wasm_image
            );
            let _ = writeln!(
                out,
                "      why: the spin-operator renders it as a Deployment with the executor's runtime class, command [\"/\"] and a port `http-app` on 80"
            );
        }
        let objects = std::iter::once(&p.object)
            .filter(|_| !as_spinapp)
            .chain(&p.related);
        for c in objects.flat_map(|o| &o.changes) {
            let _ = writeln!(out, "  ~ {}", c.summary);
            let _ = writeln!(out, "      why: {}", c.why);
        }
        for k in &p.kept {
            let _ = writeln!(out, "  = {k}");
        }
        for peer in &p.outbound {
            let _ = writeln!(
                out,
                "  > allowed_outbound_hosts: {} ({})",
                peer.host, peer.from
            );
        }
        if !p.decisions.is_empty() {
            let _ = writeln!(out, "  needs a decision:");
            for d in &p.decisions {
                let _ = writeln!(out, "    - {d}");
            }
        }
        if !p.assumptions.is_empty() {
            let _ = writeln!(out, "  assumes:");
            for a in &p.assumptions {
                let _ = writeln!(out, "    - {a}");
            }
        }
        if let Some(r) = &p.recipe {
            let _ = writeln!(out, "  build the module: {}", r.build);
            let _ = writeln!(out, "  build the image:  {}", r.image_build);
        }
    }
    if !conv.failures.is_empty() {
        let _ = writeln!(out, "\nfailed (nothing written for these):");
        for (id, e) in &conv.failures {
            let _ = writeln!(out, "  {id}: {e}");
        }
    }
    let skipped: Vec<&Outcome> = conv
        .outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Skipped { .. }))
        .collect();
    if !skipped.is_empty() {
        let _ = writeln!(out, "\nnot converted:");
        for o in skipped {
            if let Outcome::Skipped {
                id,
                reason,
                details,
            } = o
            {
                let _ = writeln!(out, "  {id}: {reason}");
                for d in details {
                    let _ = writeln!(out, "    - {d}");
                }
            }
        }
    }
    let unchanged: Vec<&Outcome> = conv
        .outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Unchanged { .. }))
        .collect();
    if !unchanged.is_empty() {
        let _ = writeln!(out, "\nunchanged:");
        for o in unchanged {
            if let Outcome::Unchanged { id, reason } = o {
                let _ = writeln!(out, "  {id}: {reason}");
            }
        }
    }
    if !conv.notes.is_empty() {
        let _ = writeln!(out, "\nnotes:");
        for n in &conv.notes {
            let _ = writeln!(out, "  - {n}");
        }
    }
    out
}

/// A git-style diff of one file.
pub fn file_diff(f: &FileChange) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "diff --git a/{0} b/{0}", f.path);
    let old = f.original.as_deref().unwrap_or("");
    let (from, to) = match &f.original {
        Some(_) => (format!("a/{}", f.path), format!("b/{}", f.path)),
        None => {
            let _ = writeln!(out, "new file mode 100644");
            ("/dev/null".to_string(), format!("b/{}", f.path))
        }
    };
    let diff = TextDiff::from_lines(old, f.text.as_str());
    let _ = write!(
        out,
        "{}",
        diff.unified_diff().context_radius(3).header(&from, &to)
    );
    out
}
