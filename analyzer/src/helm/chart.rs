//! The charts of a scan: which files belong to which chart, their `Chart.yaml` metadata, and the
//! parent/subchart tree (vendored `charts/<name>/` directories and `charts/*.tgz` archives, which
//! are unpacked here into virtual files).

use std::collections::HashMap;

use crate::discover::FileKind;
use crate::repo::{Note, Repo};
use crate::source::FileId;
use crate::yaml::YRef;

/// One `dependencies:` entry of a `Chart.yaml`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dependency {
    pub name: String,
    pub alias: Option<String>,
    /// `condition: redis.enabled` (comma-separated paths; the first that resolves decides).
    pub condition: Option<String>,
    pub tags: Vec<String>,
    /// `repository:` (where `helm dependency update` would fetch it from).
    pub repository: Option<String>,
}

impl Dependency {
    /// The key the parent's values use for this subchart.
    pub fn key(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }
}

/// One chart of the scan.
#[derive(Clone, Debug)]
pub struct Chart {
    /// Repo-relative directory (`""` at the root); for a chart from an archive,
    /// `<archive path>/<its top directory>`.
    pub dir: String,
    pub chart_file: FileId,
    pub name: String,
    pub version: String,
    pub app_version: Option<String>,
    pub api_version: String,
    /// `type: library` charts only hold `define`s.
    pub library: bool,
    pub dependencies: Vec<Dependency>,
    pub values: Option<FileId>,
    /// Every file under `templates/` (helpers included), in path order.
    pub templates: Vec<FileId>,
    /// Other files of the chart, for `.Files.Get` (paths relative to the chart directory).
    pub files: Vec<(String, FileId)>,
    /// The chart that vendors this one under its `charts/`.
    pub parent: Option<usize>,
    pub children: Vec<usize>,
}

/// Unpack the packaged subcharts into virtual files (so templates have a path and spans like
/// any file), then collect every chart and link subcharts to parents.
pub fn collect(repo: &mut Repo) -> Vec<Chart> {
    unpack_archives(repo);
    let mut charts: Vec<Chart> = Vec::new();
    for (i, kind) in repo.kinds.iter().enumerate() {
        if *kind != FileKind::HelmChart {
            continue;
        }
        let id = FileId(i as u32);
        let path = &repo.files[i].path;
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        let Some(root) = repo
            .yaml
            .get(&id)
            .and_then(|s| s.docs.first())
            .and_then(|d| d.root())
        else {
            continue;
        };
        let text = |k: &str| root.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let name = text("name").unwrap_or_else(|| {
            dir.rsplit('/')
                .next()
                .unwrap_or_default()
                .trim_end_matches(".tgz")
                .to_string()
        });
        charts.push(Chart {
            dir,
            chart_file: id,
            name,
            version: text("version").unwrap_or_default(),
            app_version: text("appVersion"),
            api_version: text("apiVersion").unwrap_or_else(|| "v2".into()),
            library: text("type").as_deref() == Some("library"),
            dependencies: root
                .get("dependencies")
                .into_iter()
                .flat_map(|d| d.items())
                .filter_map(dependency)
                .collect(),
            values: None,
            templates: Vec::new(),
            files: Vec::new(),
            parent: None,
            children: Vec::new(),
        });
    }
    // Files to charts: the deepest chart directory holding a file owns it.
    let by_dir: HashMap<String, usize> = charts
        .iter()
        .enumerate()
        .map(|(i, c)| (c.dir.clone(), i))
        .collect();
    for (i, kind) in repo.kinds.iter().enumerate() {
        if !matches!(
            kind,
            FileKind::HelmTemplate | FileKind::HelmValues | FileKind::HelmFile
        ) {
            continue;
        }
        let path = &repo.files[i].path;
        let Some((dir, rel)) = deepest_owner(path, |d| by_dir.contains_key(d)) else {
            continue;
        };
        let id = FileId(i as u32);
        let chart = &mut charts[by_dir[dir]];
        match kind {
            FileKind::HelmTemplate => chart.templates.push(id),
            FileKind::HelmValues => chart.values = Some(id),
            _ => chart.files.push((rel.to_string(), id)),
        }
    }
    // Subcharts: `<parent>/charts/<x>` (a directory, or `<archive>.tgz/<top>`); the parent is
    // the deepest chart directory such a `charts/` segment of the chart's own path leaves.
    for c in 0..charts.len() {
        let dir = charts[c].dir.clone();
        let mut above: Vec<&str> = dir
            .match_indices("/charts/")
            .map(|(i, _)| &dir[..i])
            .collect();
        above.reverse();
        if dir.starts_with("charts/") {
            above.push("");
        }
        if let Some(p) = above
            .into_iter()
            .find_map(|d| by_dir.get(d).copied().filter(|&p| p != c))
        {
            charts[c].parent = Some(p);
            charts[p].children.push(c);
        }
    }
    for c in &mut charts {
        c.templates
            .sort_by_key(|id| repo.files[id.0 as usize].path.clone());
    }
    charts
}

/// The deepest directory of `path` (its own directories, innermost first, then the root `""`)
/// that `is_chart` accepts, and the path relative to it: linear in the path's length, however
/// many charts the tree holds.
pub fn deepest_owner(path: &str, is_chart: impl Fn(&str) -> bool) -> Option<(&str, &str)> {
    let mut end = path.len();
    while let Some(i) = path[..end].rfind('/') {
        let dir = &path[..i];
        if is_chart(dir) {
            return Some((dir, &path[i + 1..]));
        }
        end = i;
    }
    is_chart("").then_some(("", path))
}

fn dependency(d: YRef<'_>) -> Option<Dependency> {
    let text = |k: &str| d.get(k).and_then(|v| v.as_str()).map(str::to_string);
    Some(Dependency {
        name: text("name")?,
        alias: text("alias"),
        condition: text("condition"),
        tags: d
            .get("tags")
            .into_iter()
            .flat_map(|t| t.items())
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect(),
        repository: text("repository"),
    })
}

/// Turn each `charts/*.tgz` into virtual files `<archive>/<entry>` with chart kinds, parsing
/// their `Chart.yaml` and `values.yaml` like files read from the tree.
fn unpack_archives(repo: &mut Repo) {
    let archives: Vec<(FileId, Vec<u8>)> = std::mem::take(&mut repo.archives).into_iter().collect();
    for (id, bytes) in archives {
        let archive_path = repo.file(id).path.clone();
        let entries = match super::archive::unpack(&bytes) {
            Ok(e) => e,
            Err(e) => {
                repo.notes.push(Note {
                    path: archive_path.clone(),
                    location: None,
                    message: format!(
                        "packaged subchart `{archive_path}` is not read ({e}): its workloads are missing"
                    ),
                });
                continue;
            }
        };
        for entry in entries {
            let path = format!("{archive_path}/{}", entry.path);
            // Inside the archive: `<top>/Chart.yaml`, `<top>/templates/...`; nested archives
            // (`<top>/charts/x.tgz`) are not unpacked again.
            let inner = entry.path.split_once('/').map_or("", |(_, r)| r);
            let kind = match inner {
                "Chart.yaml" => FileKind::HelmChart,
                "values.yaml" => FileKind::HelmValues,
                r if r.starts_with("templates/") => FileKind::HelmTemplate,
                r if r.starts_with("charts/") && r.contains("/templates/") => {
                    FileKind::HelmTemplate
                }
                r if r.starts_with("charts/") && (r.ends_with("/Chart.yaml")) => {
                    FileKind::HelmChart
                }
                r if r.starts_with("charts/") && (r.ends_with("/values.yaml")) => {
                    FileKind::HelmValues
                }
                _ => FileKind::HelmFile,
            };
            let parse = matches!(kind, FileKind::HelmChart | FileKind::HelmValues);
            let text = entry.text;
            let stream = parse.then(|| crate::yaml::parse(&text));
            let fid = repo.add_virtual_file(path, text, kind);
            if let Some(s) = stream {
                repo.yaml.insert(fid, s);
            }
        }
    }
}
