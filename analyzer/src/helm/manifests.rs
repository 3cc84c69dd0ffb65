//! Pre-rendered manifests (`--manifests`): `# Source:` comments mapped back to chart files.
//!
//! Rendered YAML (from `helm template`, `kustomize build`, `kubectl get -o yaml`) is added to the
//! scan as a virtual file, so its objects meet every rule like any manifest and evidence points at
//! its lines. Each document `helm template` printed starts with `# Source: <chart>/templates/x.yaml`;
//! when a chart of that name is in the scan root, the template file joins the sources of the
//! workloads that document holds ([`crate::Repo::rendered_from`]), so a report names the file a
//! user edits. `--helm-render` output goes through the same mapping ([`add_rendered`]).

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::build_config;
use crate::discover::FileKind;
use crate::error::{ErrorKind, FileError};
use crate::k8s;
use crate::repo::Repo;
use crate::source::FileId;
use crate::span::Span;
use crate::yaml::{self, YamlStream};

/// Largest `--manifests` input read. Default 16 MiB: a parsed byte of YAML costs about 50 bytes
/// of memory, and the whole scan reads at most 32 MiB of YAML from the tree.
pub const MAX_MANIFESTS_BYTES: u64 = 16 * 1024 * 1024;

/// Where `--manifests` reads from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ManifestsInput {
    /// `--manifests -`.
    Stdin,
    File(PathBuf),
}

impl ManifestsInput {
    /// `-` is stdin, anything else a file path.
    pub fn from_arg(arg: &Path) -> ManifestsInput {
        if arg == Path::new("-") {
            ManifestsInput::Stdin
        } else {
            ManifestsInput::File(arg.to_path_buf())
        }
    }

    /// The virtual file's path in the report: the path as given, or `(stdin)`.
    fn shown(&self) -> String {
        match self {
            ManifestsInput::Stdin => "(stdin)".to_string(),
            ManifestsInput::File(p) => p.display().to_string(),
        }
    }
}

/// `--manifests` could not be read (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ManifestsError {
    #[error("--manifests `{path}`: {why}")]
    Read { path: String, why: String },
}

/// Read `input` (bounded) and add its objects to `repo`, mapped back to the charts in the scan
/// root. A file inside the scan root that the scan already read is not added twice: only its
/// `# Source:` comments are mapped.
pub fn read_manifests(
    repo: &mut Repo,
    input: &ManifestsInput,
    limit: u64,
) -> Result<(), ManifestsError> {
    let shown = input.shown();
    let fail = |why: String| ManifestsError::Read {
        path: shown.clone(),
        why,
    };
    if let ManifestsInput::File(p) = input
        && let Some(id) = already_scanned(repo, p)
    {
        let charts = charts_in_root(repo);
        if let Some(stream) = repo.yaml.get(&id) {
            let map = attribute(repo, id, stream, &charts);
            repo.rendered_from.extend(map);
        }
        return Ok(());
    }
    let bytes = match input {
        ManifestsInput::Stdin => {
            let mut buf = Vec::new();
            std::io::stdin()
                .lock()
                .take(limit.saturating_add(1))
                .read_to_end(&mut buf)
                .map_err(|e| fail(format!("cannot read stdin: {e}")))?;
            buf
        }
        ManifestsInput::File(p) => {
            crate::fsread::read_user_file(p, limit).map_err(|e| fail(e.to_string()))?
        }
    };
    if bytes.len() as u64 > limit {
        return Err(fail(format!(
            "more than {} of input; split it or scan the chart instead",
            crate::fsread::human_bytes(limit)
        )));
    }
    if bytes.contains(&0) {
        return Err(fail("binary content (a NUL byte), not YAML".to_string()));
    }
    let text = String::from_utf8(bytes).map_err(|_| fail("not valid UTF-8".to_string()))?;
    let charts = charts_in_root(repo);
    // A path given relative to elsewhere can spell a file of the scan root: keep them apart.
    let path = if repo.file_by_path(&shown).is_some() {
        format!("{shown} (--manifests)")
    } else {
        shown
    };
    add_rendered(repo, path, text, &charts);
    Ok(())
}

/// The file `path` names when it is inside the scan root and was read as YAML by the scan.
fn already_scanned(repo: &Repo, path: &Path) -> Option<FileId> {
    let root = repo.root.canonicalize().ok()?;
    let real = path.canonicalize().ok()?;
    let rel = real.strip_prefix(&root).ok()?;
    let rel = rel.to_str()?.replace(std::path::MAIN_SEPARATOR, "/");
    let file = repo.file_by_path(&rel)?;
    (repo.kind(file.id) == FileKind::Yaml && repo.yaml.contains_key(&file.id)).then_some(file.id)
}

/// Add rendered YAML as a virtual file named `path`: parse it, report a parse error like any
/// file's, push its objects, and map its documents to the chart templates they came from.
pub fn add_rendered(repo: &mut Repo, path: String, text: String, charts: &[Chart]) -> FileId {
    let stream = yaml::parse(&text);
    let id = repo.add_virtual_file(path.clone(), text, FileKind::Yaml);
    if let Some(e) = &stream.error {
        repo.errors.push(
            FileError::new(path, ErrorKind::Yaml, e.message.clone())
                .at(id, Span::new(e.offset, e.offset)),
        );
    }
    repo.objects.extend(k8s::objects(id, &stream));
    let map = attribute(repo, id, &stream, charts);
    repo.rendered_from.extend(map);
    repo.yaml.insert(id, stream);
    id
}

/// A chart in the scan root: its name (`name:` in Chart.yaml, the first segment of the
/// `# Source:` paths helm prints for it) and its repo-relative directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chart {
    pub name: String,
    pub dir: String,
}

/// The charts of the scan root, in path order.
pub fn charts_in_root(repo: &Repo) -> Vec<Chart> {
    repo.helm_charts
        .iter()
        .filter_map(|&id| {
            let file = repo.file(id);
            Some(Chart {
                name: chart_field(&file.text, "name")?,
                dir: build_config::dir_of(&file.path).to_string(),
            })
        })
        .collect()
}

/// A top-level string field of a Chart.yaml (`name`, `type`).
pub fn chart_field(chart_yaml: &str, key: &str) -> Option<String> {
    let stream = yaml::parse(chart_yaml);
    let doc = stream.docs.first()?;
    Some(doc.root()?.get(key)?.as_str()?.to_string())
}

/// For each document of `stream` that a `# Source:` comment introduces and whose template file
/// the scan holds: (file, document index) -> template file.
fn attribute(
    repo: &Repo,
    file: FileId,
    stream: &YamlStream,
    charts: &[Chart],
) -> Vec<((FileId, usize), FileId)> {
    let text = &repo.file(file).text;
    let mut out = Vec::new();
    let mut prev_end = 0usize;
    for (i, doc) in stream.docs.iter().enumerate() {
        let Some(root) = doc.root() else {
            continue;
        };
        let start = root.span().start.min(text.len());
        let from = prev_end.min(start);
        prev_end = doc.span.end.max(start);
        let Some(source) = text.get(from..start).and_then(last_source_comment) else {
            continue;
        };
        if let Some(template) = template_file(repo, source, charts) {
            out.push(((file, i), template));
        }
    }
    out
}

/// The path of the last `# Source: PATH` line of `text`.
fn last_source_comment(text: &str) -> Option<&str> {
    text.lines()
        .rev()
        .find_map(|l| l.trim_end().strip_prefix("# Source: "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// The repo path a `# Source:` path names: `<chart>/rest` under the directory of the chart of
/// that name. Only a file the scan holds counts (nothing is opened here).
pub fn template_path(source: &str, charts: &[Chart]) -> Vec<String> {
    let Some((name, rest)) = source.split_once('/') else {
        return Vec::new();
    };
    charts
        .iter()
        .filter(|c| c.name == name)
        .filter_map(|c| build_config::join(&c.dir, rest))
        .collect()
}

fn template_file(repo: &Repo, source: &str, charts: &[Chart]) -> Option<FileId> {
    template_path(source, charts)
        .iter()
        .find_map(|p| repo.file_by_path(p))
        .map(|f| f.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_source_comment_before_a_document_names_it() {
        assert_eq!(
            last_source_comment("---\n# Source: app/templates/a.yaml\n"),
            Some("app/templates/a.yaml")
        );
        assert_eq!(last_source_comment("---\n# a comment\n"), None);
        assert_eq!(last_source_comment("# Source: \n"), None);
    }

    #[test]
    fn source_paths_map_under_the_chart_of_that_name() {
        let charts = vec![
            Chart {
                name: "app".into(),
                dir: "deploy/app".into(),
            },
            Chart {
                name: "root".into(),
                dir: String::new(),
            },
        ];
        assert_eq!(
            template_path("app/templates/a.yaml", &charts),
            vec!["deploy/app/templates/a.yaml".to_string()]
        );
        assert_eq!(
            template_path("app/charts/db/templates/s.yaml", &charts),
            vec!["deploy/app/charts/db/templates/s.yaml".to_string()]
        );
        assert_eq!(
            template_path("root/templates/a.yaml", &charts),
            vec!["templates/a.yaml".to_string()]
        );
        assert!(template_path("other/templates/a.yaml", &charts).is_empty());
        // A path that climbs out of the root names nothing.
        assert!(template_path("root/../../etc/passwd", &charts).is_empty());
    }
}
