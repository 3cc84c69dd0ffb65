//! `--helm-render`: the user's `helm template`, fenced in (docs/helm.md).
//!
//! Rendering runs a program on the scanned repository's files, so it is off by default and fenced
//! in; docs/helm.md lists what is left of the risk:
//! - helm's version is checked first (`helm version --short`): a helm older than 3.11.1 can be led
//!   by a chart's templates into DNS lookups (GHSA-pwcw-6f5g-gxf8) and is refused unless
//!   `--helm-allow-old`; a version that does not parse is refused too;
//! - a chart whose `dependencies` are not all vendored under its `charts/` folder is refused
//!   before anything runs: fetching them is `helm dependency update`, network, never done here;
//! - helm renders a copy of the chart (directories and regular files only, symlinks neither
//!   followed nor copied, bounded in files and bytes) in a fresh directory outside the scan root,
//!   with that directory as working directory, an empty `HOME` and the environment cleared but
//!   for `PATH` ([`super::fence`]); `helm template` without `--validate` talks to no cluster;
//! - the run is bounded in time and output, killed as a process group at either bound, and the
//!   scratch directory is removed however the run ends.
//!
//! Each refusal and overrun is a [`RenderError`]: the scan stops with exit code 2 rather than
//! report a chart as if it had no workloads.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::HelmOptions;
use super::fence::{self, CopyLimits, RunError, Scratch};
use super::manifests::{self, Chart};
use crate::build_config;
use crate::fsread;
use crate::repo::{Note, Repo};

/// The first helm release that does not let a template trigger DNS lookups (GHSA-pwcw-6f5g-gxf8).
pub const MIN_HELM: (u64, u64, u64) = (3, 11, 1);

/// How `helm` is run.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// `--helm PATH`; `helm` on PATH when unset.
    pub helm: Option<PathBuf>,
    /// `--helm-allow-old`: run a helm older than 3.11.1 (trusted charts only).
    pub allow_old: bool,
    /// Wall-clock limit of one `helm template`. Default 60 s.
    pub timeout: Duration,
    /// Largest output of one `helm template`. Default 16 MiB (see [`manifests::MAX_MANIFESTS_BYTES`]).
    pub max_output: u64,
    /// Largest output of all charts of a scan together. Default 32 MiB, the scan's YAML budget
    /// (docs/security.md): many charts must not add up to more than the tree may.
    pub max_total_output: u64,
    /// Largest chart copied, in bytes (its vendored subcharts included). Default 64 MiB.
    pub max_chart_bytes: u64,
    /// Most files in a chart copied. Default 10 000.
    pub max_chart_files: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            helm: None,
            allow_old: false,
            timeout: Duration::from_secs(60),
            max_output: manifests::MAX_MANIFESTS_BYTES,
            max_total_output: 32 * 1024 * 1024,
            max_chart_bytes: 64 * 1024 * 1024,
            max_chart_files: 10_000,
        }
    }
}

/// Why a chart was not rendered: the scan stops (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("--helm-render: {0}")]
    Helm(String),
    #[error(
        "--helm-render: refusing to run helm {version} (`{helm}`): versions older than 3.11.1 can be led by a chart's templates into DNS lookups (GHSA-pwcw-6f5g-gxf8); upgrade helm, or pass --helm-allow-old for trusted charts only"
    )]
    TooOld { helm: String, version: String },
    #[error(
        "--helm-render: refusing to run `{helm}`: `helm version --short` printed {printed:?}, not a helm 3 version, so it cannot be checked against GHSA-pwcw-6f5g-gxf8"
    )]
    UnknownVersion { helm: String, printed: String },
    #[error(
        "--helm-render: chart `{chart}` needs network dependencies: {missing} not vendored under `{chart}/charts/` (as a directory or a .tgz); wasm-migrate never runs `helm dependency update`: run `helm dependency build` yourself and scan again"
    )]
    NetworkDependencies { chart: String, missing: String },
    #[error("--helm-render: chart `{chart}`: {why}")]
    Chart { chart: String, why: String },
    #[error(
        "--helm-render: `helm template` on chart `{chart}` did not finish within {secs} s and was stopped"
    )]
    Timeout { chart: String, secs: u64 },
    #[error(
        "--helm-render: `helm template` on chart `{chart}` printed more than {limit} and was stopped"
    )]
    TooMuchOutput { chart: String, limit: String },
    #[error("--helm-render: `helm template` on chart `{chart}` failed ({status}): {why}")]
    Failed {
        chart: String,
        status: String,
        why: String,
    },
    #[error(
        "--helm-render: invalid release name {0:?}: helm wants lowercase letters, digits and `-`, at most 53 characters"
    )]
    Release(String),
}

/// Render every chart of `repo` that is not part of another chart (subcharts render with their
/// parent), adding the output's objects to the repo. The first failure stops the scan.
pub fn render_charts(repo: &mut Repo, opts: &HelmOptions) -> Result<(), RenderError> {
    let dirs: Vec<String> = repo
        .helm_charts
        .iter()
        .map(|&id| build_config::dir_of(&repo.file(id).path).to_string())
        .collect();
    let top: Vec<&String> = dirs
        .iter()
        .filter(|d| !dirs.iter().any(|p| p != *d && is_inside(d, p)))
        .collect();
    for dir in top {
        render_chart(repo, dir, opts)?;
    }
    Ok(())
}

/// True when repo-relative directory `dir` is strictly inside `parent` (`""` is the root).
fn is_inside(dir: &str, parent: &str) -> bool {
    parent.is_empty() && !dir.is_empty()
        || dir
            .strip_prefix(parent)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Render the chart in repo-relative directory `chart_dir` with the user's helm and add its
/// objects to `repo` (one virtual file per template, see [`rendered_path`]). A library chart
/// renders nothing and gets a note.
pub fn render_chart(
    repo: &mut Repo,
    chart_dir: &str,
    opts: &HelmOptions,
) -> Result<(), RenderError> {
    let render = opts.render.clone().unwrap_or_default();
    let shown = if chart_dir.is_empty() { "." } else { chart_dir };
    let chart_err = |why: String| RenderError::Chart {
        chart: shown.to_string(),
        why,
    };
    let chart_yaml = ["Chart.yaml", "Chart.yml"]
        .iter()
        .filter_map(|n| build_config::join(chart_dir, n))
        .find_map(|p| repo.file_by_path(&p))
        .ok_or_else(|| chart_err("no Chart.yaml read by the scan".to_string()))?;
    let chart_file = chart_yaml.id;
    let chart_text = chart_yaml.text.clone();
    let name = manifests::chart_field(&chart_text, "name")
        .ok_or_else(|| chart_err("Chart.yaml has no `name`".to_string()))?;
    if manifests::chart_field(&chart_text, "type").as_deref() == Some("library") {
        repo.notes.push(Note {
            path: repo.file(chart_file).path.clone(),
            location: None,
            message: format!(
                "Helm chart `{shown}` is a library chart: it defines helpers and renders no objects of its own"
            ),
        });
        return Ok(());
    }
    let release = match &opts.release {
        Some(r) if valid_release(r) => r.clone(),
        Some(r) => return Err(RenderError::Release(r.clone())),
        None => release_from_chart_name(&name),
    };
    let root = fsread::Root::new(&repo.root).map_err(|e| chart_err(e.to_string()))?;
    let abs_dir = root.path().join(chart_dir);
    check_dependencies(&root, &abs_dir, &chart_text, shown)?;
    let helm = helm_binary(&render, root.path())?;
    let scratch = Scratch::new(root.path()).map_err(RenderError::Helm)?;
    let version = check_version(&helm, &render, &scratch)?;

    let copy = scratch.path().join("chart").join(name_for_dir(&name));
    let limits = CopyLimits {
        max_bytes: render.max_chart_bytes,
        max_files: render.max_chart_files,
        max_depth: 32,
    };
    let copied = fence::copy_chart(&root, &abs_dir, &copy, limits).map_err(chart_err)?;
    let mut args: Vec<OsString> = vec!["template".into()];
    // Schemas are not copied (see [`fence::Copied::schemas`]); a subchart inside a `.tgz` still
    // carries its own, which helm >= 3.16 can be told to skip.
    if version >= (3, 16, 0) {
        args.push("--skip-schema-validation".into());
    }
    for values in &opts.values_files {
        // helm's working directory is the scratch one: relative paths are the user's.
        let abs = std::path::absolute(values)
            .map_err(|e| chart_err(format!("--helm-values `{}`: {e}", values.display())))?;
        args.push("--values".into());
        args.push(abs.into_os_string());
    }
    // After `--`, nothing can be read as a flag.
    args.extend(["--".into(), release.clone().into(), copy.into_os_string()]);
    // What earlier charts of this scan rendered counts against the total.
    let rendered_so_far: u64 = (0..repo.files.len())
        .map(|i| crate::source::FileId(i as u32))
        .filter(|&id| repo.is_virtual(id) && repo.file(id).path.ends_with(RENDERED_SUFFIX))
        .map(|id| repo.file(id).text.len() as u64)
        .sum();
    let left = render.max_total_output.saturating_sub(rendered_so_far);
    let max_output = render.max_output.min(left);
    let out = fence::run(&helm, &args, &scratch, render.timeout, max_output)
        .map_err(|e| template_error(e, shown, &helm, &render))?;
    drop(scratch);

    let chart = Chart {
        name: name.clone(),
        dir: chart_dir.to_string(),
    };
    let documents = split_documents(&out)
        .iter()
        .filter(|d| !d.trim().is_empty())
        .count();
    for (path, text) in group_by_source(&out, &chart) {
        manifests::add_rendered(repo, path, text, std::slice::from_ref(&chart));
    }
    let mut message = format!(
        "Helm chart `{shown}` rendered by `helm template {release}` ({documents} document(s)); findings point at the rendered output, `<template> (rendered)` (docs/helm.md)"
    );
    if !copied.schemas.is_empty() {
        message.push_str(&format!(
            "; values not validated: {} not given to helm (docs/helm.md)",
            copied.schemas.join(", ")
        ));
    }
    if !copied.skipped.is_empty() {
        message.push_str(&format!(
            "; not copied for helm (symlinks or special files): {}",
            copied.skipped.join(", ")
        ));
    }
    repo.notes.push(Note {
        path: repo.file(chart_file).path.clone(),
        location: None,
        message,
    });
    Ok(())
}

/// Why `helm template` gave no output, for chart `shown`.
fn template_error(e: RunError, shown: &str, helm: &Path, render: &RenderOptions) -> RenderError {
    let chart = shown.to_string();
    match e {
        RunError::Spawn(e) => RenderError::Helm(format!("cannot run `{}`: {e}", helm.display())),
        RunError::Timeout(t) => RenderError::Timeout {
            chart,
            secs: t.as_secs(),
        },
        // Below the per-chart bound, it was the scan's total that ran out.
        RunError::TooMuchOutput(limit) if limit < render.max_output => RenderError::TooMuchOutput {
            chart,
            limit: format!(
                "{limit} bytes (what was left of the {} all charts of a scan may render)",
                fsread::human_bytes(render.max_total_output)
            ),
        },
        RunError::TooMuchOutput(limit) => RenderError::TooMuchOutput {
            chart,
            limit: fsread::human_bytes(limit),
        },
        RunError::Failed { status, stderr } => RenderError::Failed {
            chart,
            status: status.to_string(),
            why: first_error_line(&stderr),
        },
        RunError::InvalidUtf8 => RenderError::Chart {
            chart,
            why: "`helm template` printed invalid UTF-8".to_string(),
        },
    }
}

/// The path of the virtual file holding what helm rendered from template `source` (a `# Source:`
/// path): the template's repo path with ` (rendered)` after it, so the report names the file to
/// edit while its line numbers are those of the output (docs/helm.md).
pub fn rendered_path(source: Option<&str>, chart: &Chart) -> String {
    let base = source
        .and_then(|s| {
            manifests::template_path(s, std::slice::from_ref(chart))
                .into_iter()
                .next()
        })
        .unwrap_or_else(|| {
            if chart.dir.is_empty() {
                ".".to_string()
            } else {
                chart.dir.clone()
            }
        });
    format!("{base}{RENDERED_SUFFIX}")
}

/// What the path of a virtual file of rendered output ends with.
pub const RENDERED_SUFFIX: &str = " (rendered)";

/// Split helm's output into its documents and group them by their `# Source:` template, in the
/// order helm printed them: (virtual path, text).
fn group_by_source(out: &str, chart: &Chart) -> Vec<(String, String)> {
    let mut groups: Vec<(String, String)> = Vec::new();
    for doc in split_documents(out) {
        if doc.trim().is_empty() {
            continue;
        }
        let source = doc
            .lines()
            .find_map(|l| l.trim_end().strip_prefix("# Source: "))
            .map(str::trim);
        let path = rendered_path(source, chart);
        match groups.iter_mut().find(|(p, _)| *p == path) {
            Some((_, text)) => {
                text.push_str("---\n");
                text.push_str(doc);
            }
            None => groups.push((path, format!("---\n{doc}"))),
        }
    }
    groups
}

/// The documents of a YAML stream, split at `---` lines (what helm prints between them).
fn split_documents(text: &str) -> Vec<&str> {
    let mut docs = Vec::new();
    let mut start = 0usize;
    let mut pos = 0usize;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "---" || line.starts_with("--- ") {
            docs.push(&text[start..pos]);
            start = pos + line.len();
        }
        pos += line.len();
    }
    docs.push(&text[start..]);
    docs
}

/// Refuse a chart whose declared dependencies (`dependencies:` in Chart.yaml, or
/// `requirements.yaml` of an apiVersion v1 chart) are not all vendored under `charts/`: as a
/// chart directory of that name, or a `<name>-<version>.tgz` as `helm dependency build` writes.
fn check_dependencies(
    root: &fsread::Root,
    abs_dir: &Path,
    chart_text: &str,
    shown: &str,
) -> Result<(), RenderError> {
    let mut names = dependency_names(chart_text);
    let requirements = abs_dir.join("requirements.yaml");
    if fsread::exists_no_follow(&requirements) {
        let bytes = fsread::read_in_root(root, &requirements, 1024 * 1024).map_err(|e| {
            RenderError::Chart {
                chart: shown.to_string(),
                why: format!("requirements.yaml: {e}"),
            }
        })?;
        names.extend(dependency_names(&String::from_utf8_lossy(&bytes)));
    }
    if names.is_empty() {
        return Ok(());
    }
    let vendored = vendored_charts(root, &abs_dir.join("charts"));
    let missing: Vec<String> = names
        .into_iter()
        .filter(|n| {
            !vendored.iter().any(|v| match v {
                Vendored::Dir(name) => name == n,
                Vendored::Archive(file) => file
                    .strip_prefix(n.as_str())
                    .and_then(|r| r.strip_prefix('-'))
                    .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit())),
            })
        })
        .map(|n| format!("`{n}`"))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(RenderError::NetworkDependencies {
            chart: shown.to_string(),
            missing: missing.join(", "),
        })
    }
}

/// `dependencies[].name` of a Chart.yaml or requirements.yaml.
fn dependency_names(text: &str) -> Vec<String> {
    let stream = crate::yaml::parse(text);
    stream
        .docs
        .first()
        .and_then(|d| d.root())
        .and_then(|r| r.get("dependencies"))
        .into_iter()
        .flat_map(|d| d.items())
        .filter_map(|d| d.get("name")?.as_str().map(str::to_string))
        .collect()
}

enum Vendored {
    /// A subchart directory: its Chart.yaml `name`.
    Dir(String),
    /// A `.tgz` file name.
    Archive(String),
}

fn vendored_charts(root: &fsread::Root, charts: &Path) -> Vec<Vendored> {
    let Ok(entries) = std::fs::read_dir(charts) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries.flatten().take(1000) {
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if meta.is_dir() {
            let Ok(bytes) = fsread::read_in_root(root, &entry.path().join("Chart.yaml"), 1 << 20)
            else {
                continue;
            };
            if let Some(n) = manifests::chart_field(&String::from_utf8_lossy(&bytes), "name") {
                out.push(Vendored::Dir(n));
            }
        } else if meta.is_file() && file_name.ends_with(".tgz") {
            out.push(Vendored::Archive(file_name));
        }
    }
    out
}

/// The helm to run: `--helm PATH`, or the first `helm` on PATH that is not inside the scan root
/// (a repository's `bin/helm` on a PATH with relative entries is never run).
fn helm_binary(render: &RenderOptions, root: &Path) -> Result<PathBuf, RenderError> {
    if let Some(h) = &render.helm {
        return Ok(h.clone());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("helm"))
        .filter(|p| p.is_file())
        .find(|p| {
            p.canonicalize()
                .is_ok_and(|c| !c.starts_with(root) && c.is_absolute())
        })
        .ok_or_else(|| {
            RenderError::Helm(
                "no `helm` found on PATH (outside the scan root); install helm >= 3.11.1 or pass --helm PATH"
                    .to_string(),
            )
        })
}

/// Run `helm version --short` in the fence and refuse an old or unknown version.
fn check_version(
    helm: &Path,
    render: &RenderOptions,
    scratch: &Scratch,
) -> Result<(u64, u64, u64), RenderError> {
    let shown = helm.display().to_string();
    let out = fence::run(
        helm,
        &["version".into(), "--short".into()],
        scratch,
        render.timeout.min(Duration::from_secs(20)),
        64 * 1024,
    )
    .map_err(|e| match e {
        RunError::Spawn(e) => RenderError::Helm(format!("cannot run `{shown}`: {e}")),
        RunError::Failed { status, stderr } => RenderError::Helm(format!(
            "`{shown} version --short` failed ({status}): {}",
            first_error_line(&stderr)
        )),
        RunError::Timeout(t) => RenderError::Helm(format!(
            "`{shown} version --short` did not finish within {} s",
            t.as_secs()
        )),
        RunError::TooMuchOutput(_) | RunError::InvalidUtf8 => RenderError::UnknownVersion {
            helm: shown.clone(),
            printed: "(unreadable output)".to_string(),
        },
    })?;
    let printed = out.lines().next().unwrap_or("").trim().to_string();
    let Some(version) = parse_version(&printed) else {
        return Err(RenderError::UnknownVersion {
            helm: shown,
            printed: printed.chars().take(80).collect(),
        });
    };
    if version < MIN_HELM && !render.allow_old {
        return Err(RenderError::TooOld {
            helm: shown,
            version: format!("{}.{}.{}", version.0, version.1, version.2),
        });
    }
    Ok(version)
}

/// `v3.10.1+g9f88ccb` -> (3, 10, 1). Only helm 3 and later print this; helm 2's `Client: v2...`
/// and anything else is `None`.
pub fn parse_version(printed: &str) -> Option<(u64, u64, u64)> {
    let v = printed.strip_prefix('v')?;
    let end = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(v.len());
    let mut parts = v[..end].split('.').map(|p| p.parse::<u64>().ok());
    let version = (parts.next()??, parts.next()??, parts.next()??);
    (parts.next().is_none() && version.0 >= 3).then_some(version)
}

/// helm's release names: lowercase letters, digits and `-`, starting and ending with a letter or
/// digit, at most 53 characters.
pub fn valid_release(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 53
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// The default release: the chart's name, lowercased, other characters as `-` (helm refuses
/// `My_Chart` as a release name), cut to 53 characters.
pub fn release_from_chart_name(name: &str) -> String {
    let mut r: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(53)
        .collect();
    r = r.trim_matches('-').to_string();
    if r.is_empty() {
        "release".to_string()
    } else {
        r
    }
}

/// A directory name for the copy: helm names `# Source:` paths after the chart's `name`, not its
/// directory, so any safe name works; the chart's own keeps messages readable.
fn name_for_dir(name: &str) -> String {
    let n = release_from_chart_name(name);
    if n == "." || n == ".." {
        "chart".to_string()
    } else {
        n
    }
}

/// helm's `Error: ...` line, or the first line it printed; short, as it may quote the chart.
fn first_error_line(stderr: &str) -> String {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("Error"))
        .or_else(|| stderr.lines().find(|l| !l.trim().is_empty()))
        .unwrap_or("no message");
    line.trim().chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_compare() {
        assert_eq!(parse_version("v3.10.1+g9f88ccb"), Some((3, 10, 1)));
        assert_eq!(parse_version("v3.11.1"), Some((3, 11, 1)));
        assert_eq!(parse_version("v4.0.0-rc.1+gabc"), Some((4, 0, 0)));
        assert!(parse_version("v3.10.1").unwrap() < MIN_HELM);
        assert!(parse_version("v3.11.1").unwrap() >= MIN_HELM);
        assert!(parse_version("v3.12.0").unwrap() >= MIN_HELM);
        for bad in [
            "",
            "3.12.0",
            "Client: v2.16.1+g",
            "v2.16.1",
            "v3.x.1",
            "v3.12",
            "helm",
        ] {
            assert_eq!(parse_version(bad), None, "{bad}");
        }
    }

    #[test]
    fn release_names() {
        assert!(valid_release("shop-frontend"));
        assert!(!valid_release("Shop"));
        assert!(!valid_release("-x"));
        assert!(!valid_release("--set=x"));
        assert!(!valid_release(&"a".repeat(54)));
        assert_eq!(release_from_chart_name("My_Chart"), "my-chart");
        assert_eq!(release_from_chart_name("__"), "release");
    }

    #[test]
    fn output_is_grouped_by_template() {
        let chart = Chart {
            name: "app".into(),
            dir: "charts/app".into(),
        };
        let out = "---\n# Source: app/templates/svc.yaml\nkind: Service\n---\n# Source: app/templates/deploy.yaml\nkind: Deployment\n---\n# Source: app/templates/svc.yaml\nkind: Service\n";
        let groups = group_by_source(out, &chart);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].0, "charts/app/templates/svc.yaml (rendered)");
        assert_eq!(groups[0].1.matches("kind: Service").count(), 2);
        assert_eq!(groups[1].0, "charts/app/templates/deploy.yaml (rendered)");
        assert_eq!(rendered_path(None, &chart), "charts/app (rendered)");
    }

    #[test]
    fn dependencies_must_be_vendored() {
        let dir = tempfile::tempdir().expect("tempdir");
        let chart = dir.path().join("app");
        std::fs::create_dir_all(chart.join("charts/db")).expect("mkdir");
        std::fs::write(chart.join("charts/db/Chart.yaml"), "name: postgresql\n").expect("write");
        std::fs::write(chart.join("charts/cache-1.2.3.tgz"), "").expect("write");
        // A `.tgz` of another name that only starts like one does not count.
        std::fs::write(chart.join("charts/queue-extras-1.0.0.tgz"), "").expect("write");
        let root = fsread::Root::new(dir.path()).expect("root");
        let deps = |names: &[&str]| {
            let mut text = String::from("name: app\ndependencies:\n");
            for n in names {
                text.push_str(&format!(
                    "  - name: {n}\n    repository: https://x.invalid\n"
                ));
            }
            check_dependencies(&root, &chart, &text, "app")
        };
        assert!(deps(&[]).is_ok());
        // Vendored as a directory (matched by its Chart.yaml name) and as a `.tgz`.
        assert!(deps(&["postgresql", "cache"]).is_ok());
        let err = deps(&["postgresql", "queue", "db"])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("needs network dependencies: `queue`, `db`"),
            "{err}"
        );
        // apiVersion v1 charts list them in requirements.yaml.
        std::fs::write(
            chart.join("requirements.yaml"),
            "dependencies:\n  - name: mq\n",
        )
        .expect("write");
        let err = deps(&[]).unwrap_err().to_string();
        assert!(err.contains("`mq`"), "{err}");
    }

    #[test]
    fn subcharts_render_with_their_parent() {
        assert!(is_inside("a/charts/b", "a"));
        assert!(is_inside("a", ""));
        assert!(!is_inside("ab", "a"));
        assert!(!is_inside("", ""));
    }
}
