//! What a Dockerfile's build context puts where: the `WORKDIR` in effect, and which repository
//! files a path inside the image was copied from (`COPY`/`ADD` from the context, following a
//! stage's chain of `FROM` stages).

use super::{Dockerfile, InstructionKind, Stage};

/// Stage `index` and the stages it is built `FROM`, oldest first.
fn chain(df: &Dockerfile, index: usize) -> Vec<&Stage> {
    let mut out = Vec::new();
    let mut next = Some(index);
    while let Some(i) = next {
        let Some(s) = df.stages.get(i) else { break };
        out.push(s);
        next = s.base_stage.filter(|b| *b < i);
    }
    out.reverse();
    out
}

/// The `WORKDIR` in effect before instruction `index` of stage `stage` (`/` when none is set;
/// variables are kept as written and will not match).
pub(crate) fn workdir_before(df: &Dockerfile, stage: usize, index: usize) -> String {
    let mut wd = "/".to_string();
    for s in chain(df, stage) {
        for (i, ins) in s.instructions.iter().enumerate() {
            if s.index == stage && i >= index {
                return wd;
            }
            if let InstructionKind::Workdir(w) = &ins.kind {
                wd = absolute(&wd, &w.value);
            }
        }
    }
    wd
}

/// Repository paths (relative to the scan root) a file at `image_path` in stage `stage` may
/// come from, best first: each `COPY`/`ADD` source that puts a file there, read relative to the
/// Dockerfile's folder (the usual build context), then relative to the scan root. Copies
/// `--from` another stage or image are not in the repository and are skipped.
pub(crate) fn repository_paths(
    df: &Dockerfile,
    stage: usize,
    image_path: &str,
    dockerfile_dir: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    for src in copied_from_context(df, stage, image_path) {
        for base in [dockerfile_dir, ""] {
            if let Some(p) = normalize(&join(base, &src))
                && !out.contains(&p)
            {
                out.push(p);
            }
        }
    }
    out
}

/// The context paths that `COPY`/`ADD` put at `image_path`: a file copied there, into a folder
/// that holds it, or a folder copied over one of its ancestors. The last copy wins in an image,
/// so later instructions come first.
fn copied_from_context(df: &Dockerfile, stage: usize, image_path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut wd = "/".to_string();
    let mut copies = Vec::new();
    for s in chain(df, stage) {
        for ins in &s.instructions {
            match &ins.kind {
                InstructionKind::Workdir(w) => wd = absolute(&wd, &w.value),
                InstructionKind::Copy(c) | InstructionKind::Add(c) if c.from.is_none() => {
                    if let Some(dest) = &c.dest {
                        copies.push((absolute(&wd, &dest.value), c));
                    }
                }
                _ => {}
            }
        }
    }
    for (dest, c) in copies.into_iter().rev() {
        for src in &c.sources {
            let src = src.value.trim_start_matches("./");
            if src.contains("://") || src.contains('*') || src.contains('$') {
                continue;
            }
            // Whether the destination is a folder depends on the image, which the scan cannot
            // see: every reading that puts a file at the path is a candidate, and the
            // repository decides which one exists.
            let base = src.rsplit('/').find(|s| !s.is_empty()).unwrap_or(src);
            if join(&dest, base) == image_path || dest == image_path {
                out.push(src.to_string());
            } else if let Some(rest) = image_path
                .strip_prefix(dest.trim_end_matches('/'))
                // Folders are `.`, `dir/` or names without an extension.
                .filter(|_| {
                    src.is_empty() || src == "." || src.ends_with('/') || !base.contains('.')
                })
                .and_then(|r| r.strip_prefix('/'))
            {
                // A folder copied over an ancestor of the path (`COPY . /app`).
                out.push(join(src.trim_end_matches('/'), rest));
            }
        }
    }
    out
}

/// `p` made absolute against `workdir`.
pub(crate) fn absolute(workdir: &str, p: &str) -> String {
    if p.starts_with('/') {
        p.to_string()
    } else {
        join(workdir, p)
    }
}

fn join(a: &str, b: &str) -> String {
    let b = b.trim_start_matches("./");
    let b = if b == "." { "" } else { b };
    let rooted = a.starts_with('/');
    match (a.trim_end_matches('/'), b) {
        ("", "") if rooted => "/".to_string(),
        ("", b) if rooted => format!("/{b}"),
        ("", b) => b.to_string(),
        (a, "") => a.to_string(),
        (a, b) => format!("{a}/{b}"),
    }
}

/// A repository-relative path without `.` and `..` segments; `None` if it leaves the root.
pub(crate) fn normalize(p: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}
