//! Which `.py` files of the repository an image holds: what the Dockerfile's stages that make
//! the final image copy from the build context (`COPY . /app`, `COPY src/ /app/src/`), read
//! relative to the Dockerfile's folder. Bounded: at most [`MAX_FILES`] files and
//! [`MAX_BYTES`] of source per Dockerfile.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::manifests;
use super::project::LockedPackage;
use super::source::{PythonFacts, facts};
use crate::discover::FileKind;
use crate::dockerfile::RequirementsFile;
use crate::dockerfile::{InstructionKind, Language};
use crate::error::FileError;
use crate::frontend::{Diagnostics, FrontendCtx};
use crate::source::FileId;

/// A `poetry.lock`, `uv.lock`, `pdm.lock` or `Pipfile.lock` an image copies in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockFile {
    pub file: FileId,
    /// The Dockerfile's `COPY` source that brings it in.
    pub word: crate::span::Span,
    pub packages: Vec<LockedPackage>,
}

/// Python files read per Dockerfile, at most.
pub const MAX_FILES: usize = 2_000;
/// Python source read per Dockerfile, at most.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;

/// Link every Dockerfile whose final image runs Python to the `.py` files it copies in, and read
/// their facts (each file once, in parallel), into `out`: its sources, facts and locks, and the
/// pyproject dependencies added to its requirements.
pub fn attach_python_sources(
    repo: &FrontendCtx<'_>,
    out: &mut super::PythonIndex,
    diags: &mut Diagnostics,
) {
    let mut by_df: BTreeMap<FileId, Vec<FileId>> = BTreeMap::new();
    let mut projects: BTreeMap<FileId, Vec<RequirementsFile>> = BTreeMap::new();
    let mut locks: BTreeMap<FileId, Vec<LockFile>> = BTreeMap::new();
    let mut errors: Vec<FileError> = Vec::new();
    let mut notes: Vec<crate::repo::Note> = Vec::new();
    let mut checked: Vec<FileId> = Vec::new();
    let py: Vec<(usize, &str)> = repo
        .files
        .iter()
        .enumerate()
        .filter(|(i, _)| repo.kinds[*i] == FileKind::Python)
        .map(|(i, f)| (i, f.path.as_str()))
        .collect();
    for (&id, df) in repo.dockerfiles {
        if df.language_runtime().language != Language::Python {
            continue;
        }
        let path = &repo.file(id).path;
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        let mut prefixes: Vec<String> = Vec::new();
        // The COPY word each prefix comes from, for the project files found under it.
        let mut words: Vec<crate::span::Span> = Vec::new();
        for i in df.contributing_stages() {
            let Some(stage) = df.stage(i) else { continue };
            for ins in &stage.instructions {
                let (InstructionKind::Copy(c) | InstructionKind::Add(c)) = &ins.kind else {
                    continue;
                };
                if c.from.is_some() {
                    continue;
                }
                for src in &c.sources {
                    let v = src.value.trim_start_matches("./").trim_end_matches('/');
                    if v.contains('$') || v.contains("://") || v.contains('*') {
                        continue;
                    }
                    let joined = match (dir, v) {
                        ("", "." | "") => String::new(),
                        (d, "." | "") => d.to_string(),
                        ("", v) => v.to_string(),
                        (d, v) => format!("{d}/{v}"),
                    };
                    if !joined.split('/').any(|s| s == "..") {
                        prefixes.push(joined);
                        words.push(src.span);
                    }
                }
            }
        }
        // Project files a copy brings in: the file itself, or one at the root of a copied
        // folder (`COPY . .` with a pyproject.toml). Diagnostics and notes once per file.
        let copies: Vec<(String, crate::span::Span)> = prefixes
            .iter()
            .cloned()
            .zip(words.iter().copied())
            .collect();
        for found in manifests::copied(repo, &copies) {
            let m = manifests::read(repo, &found);
            if !checked.contains(&found.file) {
                checked.push(found.file);
                errors.extend(m.errors);
                notes.extend(m.notes);
            }
            if let Some(r) = m.requirements {
                projects.entry(id).or_default().push(r);
            }
            if let Some(l) = m.lock {
                locks.entry(id).or_default().push(l);
            }
        }
        let mut files = Vec::new();
        let mut bytes = 0;
        for (i, p) in &py {
            let under = prefixes.iter().any(|pre| {
                pre.is_empty()
                    || *p == pre.as_str()
                    || p.strip_prefix(pre.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            });
            if !under || is_test_path(p) {
                continue;
            }
            let len = repo.files[*i].text.len();
            if files.len() >= MAX_FILES || bytes + len > MAX_BYTES {
                break;
            }
            bytes += len;
            files.push(FileId(*i as u32));
        }
        if !files.is_empty() {
            by_df.insert(id, files);
        }
    }
    let mut wanted: Vec<FileId> = by_df.values().flatten().copied().collect();
    wanted.sort();
    wanted.dedup();
    let read: Vec<(FileId, PythonFacts)> = wanted
        .par_iter()
        .map(|&f| (f, facts(&repo.file(f).text)))
        .collect();
    out.facts = read.into_iter().collect();
    out.sources = by_df;
    for (df, list) in projects {
        out.requirements.entry(df).or_default().extend(list);
    }
    out.locks = locks;
    diags.errors.extend(errors);
    diags.notes.extend(notes);
}

/// Tests and test helpers are not the service's code.
fn is_test_path(p: &str) -> bool {
    let name = p.rsplit('/').next().unwrap_or(p);
    name.starts_with("test_")
        || name.ends_with("_test.py")
        || name == "conftest.py"
        || p.split('/').any(|s| s == "tests" || s == "test")
}
