//! The pip requirements files a Dockerfile installs (`pip install -r requirements.txt`): which
//! repository file each one is, through the `COPY` that put it into the image, and the
//! distributions it names.

use std::collections::BTreeMap;

use super::context;
use crate::discover::FileKind;
use crate::frontend::FrontendCtx;
use crate::source::FileId;
use crate::span::Span;

/// Nested `-r` files followed from one requirements file, at most.
const MAX_DEPTH: usize = 4;

/// One distribution a requirements file names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// Normalised as pip does: lower-case, `_` and `.` -> `-`.
    pub name: String,
    /// The name as written, in the requirements file.
    pub span: Span,
}

/// A requirements file installed by a `pip install -r` whose result is in the final image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequirementsFile {
    pub file: FileId,
    /// The `-r` word in the Dockerfile.
    pub word: Span,
    pub requirements: Vec<Requirement>,
}

/// Read a requirements file's distributions: one per line, before any version specifier,
/// extras, marker or `@ url`; comments, options and paths or URLs skipped. `-r other.txt`
/// names come back separately, to follow.
pub fn parse(text: &str) -> (Vec<Requirement>, Vec<String>) {
    let mut reqs = Vec::new();
    let mut nested = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.split(" #").next().unwrap_or("").trim_end();
        let lead = body.len() - body.trim_start().len();
        let t = body.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if let Some(rest) = t
            .strip_prefix("-r ")
            .or_else(|| t.strip_prefix("--requirement "))
            .or_else(|| t.strip_prefix("--requirement="))
        {
            nested.push(rest.trim().to_string());
            continue;
        }
        let first = t.split_whitespace().next().unwrap_or("");
        if t.starts_with('-') || t.starts_with('.') || t.starts_with('/') || first.contains("://") {
            continue;
        }
        let end = t
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(t.len());
        let name = &t[..end];
        if name.is_empty() {
            continue;
        }
        let at = start + lead;
        reqs.push(Requirement {
            name: name.to_ascii_lowercase().replace(['_', '.'], "-"),
            span: Span::new(at, at + name.len()),
        });
    }
    (reqs, nested)
}

/// Link every parsed Dockerfile to the requirements files its image installs (read as
/// [`FileKind::PythonRequirements`]), following nested `-r` files a few levels deep.
pub(crate) fn attach_requirements(
    repo: &FrontendCtx<'_>,
) -> BTreeMap<FileId, Vec<RequirementsFile>> {
    let mut out: BTreeMap<FileId, Vec<RequirementsFile>> = BTreeMap::new();
    for (&id, df) in repo.dockerfiles {
        let path = &repo.file(id).path;
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        for (pip, _) in df.runtime_pip_installs() {
            let workdir = context::workdir_before(df, pip.at.stage, pip.at.index);
            for word in &pip.requirements {
                let image_path = context::absolute(&workdir, &word.value);
                let found = context::repository_paths(df, pip.at.stage, &image_path, dir)
                    .iter()
                    .find_map(|c| file_of(repo, c));
                let Some(file) = found else { continue };
                let mut queue = vec![(file, 0)];
                let mut seen = Vec::new();
                while let Some((f, depth)) = queue.pop() {
                    if seen.contains(&f) || depth > MAX_DEPTH {
                        continue;
                    }
                    seen.push(f);
                    let (requirements, nested) = parse(&repo.file(f).text);
                    let here = repo.file(f).path.rsplit_once('/').map_or("", |(d, _)| d);
                    for n in nested {
                        let p = if here.is_empty() {
                            n
                        } else {
                            format!("{here}/{n}")
                        };
                        if let Some(nf) = context::normalize(&p).and_then(|p| file_of(repo, &p)) {
                            queue.push((nf, depth + 1));
                        }
                    }
                    out.entry(id).or_default().push(RequirementsFile {
                        file: f,
                        word: word.span,
                        requirements,
                    });
                }
            }
        }
    }
    out
}

fn file_of(repo: &FrontendCtx<'_>, path: &str) -> Option<FileId> {
    repo.file_by_path(path)
        .filter(|f| repo.kind(f.id) == FileKind::PythonRequirements)
        .map(|f| f.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_before_specifiers_extras_and_markers() {
        let text = "# app\nFlask==3.0.3\ngrpcio>=1.60 ; python_version >= \"3.9\"\n  uvicorn[standard]~=0.30\nzope.interface\n-r base.txt\n--index-url https://x\n./local-pkg\nrequests @ https://x/r.whl  # pinned\n";
        let (reqs, nested) = parse(text);
        let names: Vec<_> = reqs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["flask", "grpcio", "uvicorn", "zope-interface", "requests"]
        );
        assert_eq!(&text[reqs[2].span.start..reqs[2].span.end], "uvicorn");
        assert_eq!(nested, ["base.txt"]);
    }
}
