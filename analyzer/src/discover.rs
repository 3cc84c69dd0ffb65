//! Discovery: walk the scan root and classify every file worth reading.
//!
//! Honours `.gitignore` (even outside a git checkout) and `.wasm-migrate-ignore`, skips `.git/`,
//! `target/`, `node_modules/` and `vendor/`, and never follows symbolic links, so a symlink loop or
//! a link pointing out of the root cannot make the scan hang or read foreign files.
//!
//! The ignore files are read here, through [`crate::fsread`], not by the `ignore` crate's walker:
//! it reads them with a plain `open` and no size limit, so `ln -s /dev/zero .gitignore` grew the
//! process until the OOM killer and a FIFO named `.gitignore` hung the scan. Each directory's
//! matchers are built once, lazily, and applied the way git does: the deepest directory with a
//! matching pattern decides, and `.wasm-migrate-ignore` wins over `.gitignore` in the same one.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::WalkBuilder;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::fsread;

/// Directories never entered, whatever the ignore files say.
pub const SKIPPED_DIRS: &[&str] = &[".git", "target", "node_modules", "vendor"];

/// The per-repo ignore file, gitignore syntax.
pub const IGNORE_FILE: &str = ".wasm-migrate-ignore";

/// Largest ignore file read; a real one is a few KiB.
pub const MAX_IGNORE_BYTES: u64 = 256 * 1024;

/// Most ignore-file bytes read in one scan: one file per directory could otherwise add up to
/// gigabytes outside the scan budget. Past it, further ignore files are not read (a note says so).
pub const MAX_IGNORE_TOTAL: u64 = 8 * 1024 * 1024;

/// What a file is, by its name and place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    Dockerfile,
    /// Any other YAML file; may hold Kubernetes objects.
    Yaml,
    /// A manifest with placeholders a script fills in before `kubectl apply` (`*.tmpl`,
    /// `*.yaml.template`, rendered with envsubst or sed): read as YAML when it parses, skipped
    /// without an error when it does not (it may be any template language).
    ManifestTemplate,
    Kustomization,
    Skaffold,
    Compose,
    /// A GitHub Actions workflow (scanned for `docker build` commands and as YAML).
    Workflow,
    /// `Chart.yaml`: the root of a Helm chart.
    HelmChart,
    /// A file under a Helm chart's `templates/`: Go templates, not YAML; evaluated by the static
    /// chart reader (`crate::helm`), never parsed as plain YAML.
    HelmTemplate,
    /// A chart's `values.yaml`: the defaults its templates see as `.Values`.
    HelmValues,
    /// Any other YAML inside a chart (`files/`, `ci/` values, fragments templates pull in with
    /// `.Files.Get`): read for `.Files`, never parsed as Kubernetes YAML.
    HelmFile,
    /// A packaged subchart, `charts/*.tgz` inside a chart: unpacked in memory, bounded.
    HelmArchive,
    Makefile,
    /// A shell script (`*.sh`, `*.bash`): read only for the scripts an image starts.
    ShellScript,
    /// A pip requirements file (`requirements*.txt`, `requirements/*.txt`): read for the
    /// `pip install -r` of a Dockerfile.
    PythonRequirements,
    /// Python source (`*.py`): lexed only when a Python image copies it in.
    Python,
    /// `pyproject.toml`, `poetry.lock`, `uv.lock`, `pdm.lock`, `Pipfile`, `Pipfile.lock`,
    /// `setup.cfg`: read when a Python image copies them in (`setup.py` is [`FileKind::Python`]).
    PythonProject,
    CargoToml,
    CargoLock,
    Rust,
    Wasm,
    /// `go.mod`: the module path (for `ko://` references and the repository's name), the Go
    /// front-end's requires (`crate::golang`).
    GoMod,
    /// `vendor/modules.txt` beside a `go.mod`: the modules and packages `go mod vendor` copied,
    /// which are the ones the build compiles. The only file read under `vendor/`.
    GoVendorModules,
    /// A Go source file (`*.go`, not `_test.go`, not under `testdata/`): read by the Go
    /// front-end for its imports and package uses.
    GoSource,
    /// `docker-bake.hcl` / `docker-bake.json` (and their `.override` files): Buildx bake targets.
    Bake,
    /// `pom.xml`, `build.gradle`, `build.gradle.kts`: read for Jib and Spring Boot image builds.
    JvmBuild,
    /// `settings.gradle(.kts)`: the modules of a multi-project Gradle build (`crate::projects`).
    JvmSettings,
    /// `*.csproj`, `*.fsproj`: a .NET project (`crate::projects::dotnet`).
    DotnetProject,
    /// `Directory.Packages.props`, `packages.lock.json`, `global.json`: read beside .NET projects.
    DotnetSupport,
    /// `Gemfile`, `Gemfile.lock` (`crate::projects::ruby`).
    RubyGems,
    /// `composer.json`, `composer.lock` (`crate::projects::php`).
    PhpComposer,
    /// `project.toml`: a Cloud Native Buildpacks project descriptor.
    BuildpacksProject,
    /// `package.json`: a Node package (`crate::node`).
    NodePackageJson,
    /// `package-lock.json`, `npm-shrinkwrap.json`, `yarn.lock`, `pnpm-lock.yaml`.
    NodeLock,
    /// `binding.gyp`: the package beside it builds a native addon.
    NodeBindingGyp,
    /// JavaScript or TypeScript source (`*.js`, `*.mjs`, `*.cjs`, `*.ts`, `*.mts`, `*.cts`), not
    /// a type declaration, a test, a tool's config or a `*.min.js` bundle.
    NodeSource,
}

/// A file found by the walk that is not read, and why (reported as a note, never silently).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Discovery {
    /// Repo-relative path (with `/`), absolute path, kind; sorted by path.
    pub files: Vec<(String, PathBuf, FileKind)>,
    pub skipped: Vec<Skipped>,
    /// Directories or entries the walk could not read.
    pub walk_errors: Vec<(String, String)>,
}

/// Classify a repo-relative path. `None` for files the scan has no use for.
pub fn classify(rel: &str) -> Option<FileKind> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let lower = name.to_ascii_lowercase();
    if is_under_templates_dir(rel)
        && (lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".tpl"))
    {
        return Some(FileKind::HelmTemplate);
    }
    if lower == "dockerfile"
        || lower == "containerfile"
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
        || (lower.starts_with("dockerfile.") && !lower.ends_with(".dockerignore"))
    {
        return Some(FileKind::Dockerfile);
    }
    if lower == "makefile" || lower == "gnumakefile" || lower.ends_with(".mk") {
        return Some(FileKind::Makefile);
    }
    match name {
        "Cargo.toml" => return Some(FileKind::CargoToml),
        "Cargo.lock" => return Some(FileKind::CargoLock),
        "Chart.yaml" | "Chart.yml" => return Some(FileKind::HelmChart),
        "go.mod" => return Some(FileKind::GoMod),
        "pom.xml" | "build.gradle" | "build.gradle.kts" => return Some(FileKind::JvmBuild),
        "project.toml" => return Some(FileKind::BuildpacksProject),
        "settings.gradle" | "settings.gradle.kts" => return Some(FileKind::JvmSettings),
        "Directory.Packages.props" | "packages.lock.json" | "global.json" => {
            return Some(FileKind::DotnetSupport);
        }
        "Gemfile" | "Gemfile.lock" => return Some(FileKind::RubyGems),
        "composer.json" | "composer.lock" => return Some(FileKind::PhpComposer),
        _ => {}
    }
    if lower.ends_with(".csproj") || lower.ends_with(".fsproj") {
        return Some(FileKind::DotnetProject);
    }
    if lower.starts_with("docker-bake") && (lower.ends_with(".hcl") || lower.ends_with(".json")) {
        return Some(FileKind::Bake);
    }
    if lower.ends_with(".tgz") && rel.contains("charts/") {
        // Confirmed against the chart directories after the walk ([`in_chart`]).
        return Some(FileKind::HelmArchive);
    }
    if lower.ends_with(".rs") {
        return Some(FileKind::Rust);
    }
    // Go's own rules: tests and `testdata/` are not part of the build (`vendor/` is skipped).
    if name.ends_with(".go") {
        let testdata = rel.split('/').any(|s| s == "testdata");
        return (!name.ends_with("_test.go") && !testdata).then_some(FileKind::GoSource);
    }
    if lower.ends_with(".sh") || lower.ends_with(".bash") {
        return Some(FileKind::ShellScript);
    }
    if let Some(kind) = classify_node(rel, name, &lower) {
        return Some(kind);
    }
    if lower.ends_with(".py") {
        return Some(FileKind::Python);
    }
    if matches!(
        name,
        "pyproject.toml"
            | "poetry.lock"
            | "uv.lock"
            | "pdm.lock"
            | "Pipfile"
            | "Pipfile.lock"
            | "setup.cfg"
    ) {
        return Some(FileKind::PythonProject);
    }
    if lower.ends_with(".txt")
        && (lower.starts_with("requirements") || rel.contains("requirements/"))
    {
        return Some(FileKind::PythonRequirements);
    }
    if lower.ends_with(".wasm") {
        return Some(FileKind::Wasm);
    }
    if lower.ends_with(".tmpl")
        || lower.ends_with(".yaml.template")
        || lower.ends_with(".yml.template")
    {
        return Some(FileKind::ManifestTemplate);
    }
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        let stem = lower.trim_end_matches(".yaml").trim_end_matches(".yml");
        return Some(match stem {
            "kustomization" => FileKind::Kustomization,
            "skaffold" => FileKind::Skaffold,
            // `docker compose -f` takes any name; variants such as `docker-compose-load.yaml`
            // and `docker-compose_prod.yml` are common beside the default names.
            s if s == "docker-compose"
                || s == "compose"
                || s.starts_with("docker-compose.")
                || s.starts_with("docker-compose-")
                || s.starts_with("docker-compose_")
                || s.starts_with("compose.") =>
            {
                FileKind::Compose
            }
            _ if rel.starts_with(".github/workflows/") || rel.contains("/.github/workflows/") => {
                FileKind::Workflow
            }
            _ => FileKind::Yaml,
        });
    }
    None
}

/// Whether a source at `rel` is under a directory holding a package.json (the root included).
fn in_package(rel: &str, package_dirs: &std::collections::HashSet<String>) -> bool {
    let mut dir = rel;
    while let Some((d, _)) = dir.rsplit_once('/') {
        if package_dirs.contains(d) {
            return true;
        }
        dir = d;
    }
    package_dirs.contains("")
}

/// Directories whose JavaScript is tests or fixtures, not what the service runs.
const NODE_TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "__mocks__",
    "e2e",
    "spec",
    "cypress",
    "fixtures",
];

/// The Node front-end's files (`crate::node`).
fn classify_node(rel: &str, name: &str, lower: &str) -> Option<FileKind> {
    match name {
        "package.json" => return Some(FileKind::NodePackageJson),
        "package-lock.json" | "npm-shrinkwrap.json" | "yarn.lock" | "pnpm-lock.yaml" => {
            return Some(FileKind::NodeLock);
        }
        "binding.gyp" => return Some(FileKind::NodeBindingGyp),
        _ => {}
    }
    let (stem, ext) = lower.rsplit_once('.')?;
    if !matches!(ext, "js" | "mjs" | "cjs" | "ts" | "mts" | "cts") {
        return None;
    }
    // Declarations, tests, bundles and tool configs (`jest.config.js`, `gulpfile.js`) do not
    // run in the service.
    let tool = stem.ends_with(".d")
        || stem.ends_with(".test")
        || stem.ends_with(".spec")
        || stem.ends_with(".min")
        || stem.ends_with(".config")
        || stem.starts_with('.')
        || matches!(stem, "gulpfile" | "gruntfile");
    let test_dir = rel.split('/').any(|s| NODE_TEST_DIRS.contains(&s));
    (!tool && !test_dir).then_some(FileKind::NodeSource)
}

/// True when a directory of `rel` is named `templates`. The walk then confirms a `Chart.yaml`
/// beside that directory (see [`discover`]) before treating the file as a Helm template.
fn is_under_templates_dir(rel: &str) -> bool {
    let mut segs: Vec<&str> = rel.split('/').collect();
    segs.pop();
    segs.contains(&"templates")
}

/// Walk `root`. Paths in the result are relative to `root`.
pub fn discover(root: &Path) -> Discovery {
    discover_with(root, &[])
}

/// [`discover`], also skipping paths that match the gitignore-style `ignore` patterns. Invalid
/// patterns are skipped here; the binary validates them when it reads the config.
pub fn discover_with(root: &Path, ignore: &[String]) -> Discovery {
    let mut out = Discovery::default();
    let extra = {
        let mut b = GitignoreBuilder::new(root);
        for pattern in ignore {
            let _ = b.add_line(None, pattern);
        }
        b.build().unwrap_or_else(|_| Gitignore::empty())
    };
    let ignores = match fsread::Root::new(root) {
        Ok(r) => Arc::new(IgnoreFiles::new(root, r)),
        Err(e) => {
            out.walk_errors.push((String::new(), e.to_string()));
            return out;
        }
    };
    let filter = Arc::clone(&ignores);
    let extra_vendor = extra.clone();
    let mut walker = WalkBuilder::new(root);
    walker
        .standard_filters(false)
        .hidden(false)
        .follow_links(false)
        .filter_entry(move |e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if e.depth() == 0 {
                return true;
            }
            if extra.matched(e.path(), is_dir).is_ignore() {
                return false;
            }
            if is_dir
                && e.file_name()
                    .to_str()
                    .is_some_and(|n| SKIPPED_DIRS.contains(&n))
            {
                return false;
            }
            !filter.is_ignored(e.path(), is_dir)
        })
        .sort_by_file_name(|a, b| a.cmp(b));
    let mut chart_dirs: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut candidates = Vec::new();
    for entry in walker.build() {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = match &err {
                    ignore::Error::WithPath { path, .. } => rel_path(root, path),
                    _ => String::new(),
                };
                out.walk_errors.push((path, err.to_string()));
                continue;
            }
        };
        let Some(ft) = entry.file_type() else {
            continue;
        };
        let rel = rel_path(root, entry.path());
        if ft.is_symlink() {
            if classify(&rel).is_some() {
                out.skipped.push(Skipped {
                    path: rel,
                    reason: "symbolic link not followed".into(),
                });
            }
            continue;
        }
        if !ft.is_file() {
            continue;
        }
        if let Some(kind) = classify(&rel) {
            if kind == FileKind::HelmChart {
                chart_dirs.insert(
                    rel.rsplit_once('/')
                        .map_or(String::new(), |(d, _)| d.to_string()),
                );
            }
            candidates.push((rel, entry.into_path(), kind));
        }
    }
    // `vendor/` is never entered, but the list of what it holds is worth reading for each Go
    // module: checked without following links, like everything else.
    let vendored: Vec<(String, PathBuf)> = candidates
        .iter()
        .filter(|(_, _, k)| *k == FileKind::GoMod)
        .filter_map(|(rel, abs, _)| {
            let list = abs.parent()?.join("vendor/modules.txt");
            let is_file = std::fs::symlink_metadata(&list).is_ok_and(|m| m.file_type().is_file())
                && std::fs::symlink_metadata(list.parent()?).is_ok_and(|m| m.is_dir());
            let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
            let rel = if dir.is_empty() {
                "vendor/modules.txt".to_string()
            } else {
                format!("{dir}/vendor/modules.txt")
            };
            (is_file && !extra_vendor.matched(&list, false).is_ignore()).then_some((rel, list))
        })
        .collect();
    for (rel, abs) in vendored {
        candidates.push((rel, abs, FileKind::GoVendorModules));
    }
    // JavaScript outside any Node package (static assets of a Go or Python service, scripts) is
    // never lexed (`crate::node` lexes what a package owns): leave it unread.
    let package_dirs: std::collections::HashSet<String> = candidates
        .iter()
        .filter(|(_, _, k)| *k == FileKind::NodePackageJson)
        .map(|(rel, _, _)| rel.rsplit_once('/').map_or("", |(d, _)| d).to_string())
        .collect();
    candidates.retain(|(rel, _, k)| *k != FileKind::NodeSource || in_package(rel, &package_dirs));
    for (path, reason) in ignores.refused() {
        out.skipped.push(Skipped {
            path: rel_path(root, &path),
            reason,
        });
    }
    for (rel, abs, kind) in candidates {
        if let Some(kind) = in_chart(&rel, kind, &chart_dirs) {
            out.files.push((rel, abs, kind));
        }
    }
    out.files.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The ignore files of every directory the walk enters, read safely and parsed once each.
struct IgnoreFiles {
    /// The root as the walk spells it (its paths are joined onto this one).
    walk_root: PathBuf,
    root: fsread::Root,
    /// Directory -> its matchers, `.wasm-migrate-ignore` first.
    by_dir: Mutex<HashMap<PathBuf, Arc<Vec<Gitignore>>>>,
    /// Ignore files not read, and why (reported as notes).
    refused: Mutex<Vec<(PathBuf, String)>>,
    /// Ignore-file bytes read so far (see [`MAX_IGNORE_TOTAL`]).
    spent: std::sync::atomic::AtomicU64,
}

impl IgnoreFiles {
    fn new(walk_root: &Path, root: fsread::Root) -> Self {
        IgnoreFiles {
            walk_root: walk_root.to_path_buf(),
            root,
            by_dir: Mutex::new(HashMap::new()),
            refused: Mutex::new(Vec::new()),
            spent: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Git's rule: the deepest directory whose patterns match decides (a `!` pattern re-includes).
    fn is_ignored(&self, path: &Path, is_dir: bool) -> bool {
        let mut dir = path.parent();
        while let Some(d) = dir {
            for m in self.matchers(d).iter() {
                let r = m.matched(path, is_dir);
                if r.is_ignore() {
                    return true;
                }
                if r.is_whitelist() {
                    return false;
                }
            }
            if d == self.walk_root || !d.starts_with(&self.walk_root) {
                break;
            }
            dir = d.parent();
        }
        false
    }

    fn matchers(&self, dir: &Path) -> Arc<Vec<Gitignore>> {
        if let Some(m) = self
            .by_dir
            .lock()
            .map(|g| g.get(dir).cloned())
            .ok()
            .flatten()
        {
            return m;
        }
        let mut list = Vec::new();
        for name in [IGNORE_FILE, ".gitignore"] {
            let path = dir.join(name);
            if !fsread::exists_no_follow(&path) {
                continue;
            }
            let spent = self.spent.load(std::sync::atomic::Ordering::Relaxed);
            let read = if spent >= MAX_IGNORE_TOTAL {
                Err(format!(
                    "ignore file not read: the scan reads at most {} of ignore files",
                    fsread::human_bytes(MAX_IGNORE_TOTAL)
                ))
            } else {
                fsread::read_in_root(&self.root, &path, MAX_IGNORE_BYTES)
                    .map_err(|e| format!("ignore file {e}"))
            };
            match read {
                Ok(bytes) => {
                    self.spent
                        .fetch_add(bytes.len() as u64, std::sync::atomic::Ordering::Relaxed);
                    let mut b = GitignoreBuilder::new(dir);
                    for line in String::from_utf8_lossy(&bytes).lines() {
                        let _ = b.add_line(Some(path.clone()), line);
                    }
                    if let Ok(g) = b.build() {
                        list.push(g);
                    }
                }
                Err(e) => {
                    if let Ok(mut r) = self.refused.lock() {
                        r.push((path, format!("{e}; its patterns are not applied")));
                    }
                }
            }
        }
        let list = Arc::new(list);
        if let Ok(mut g) = self.by_dir.lock() {
            g.insert(dir.to_path_buf(), Arc::clone(&list));
        }
        list
    }

    fn refused(&self) -> Vec<(PathBuf, String)> {
        let mut v = self.refused.lock().map(|r| r.clone()).unwrap_or_default();
        v.sort();
        v
    }
}

/// What a file is once the chart directories are known: inside a chart, only `crds/` holds plain
/// Kubernetes YAML; templates, `values.yaml`, packaged subcharts and every other YAML file (files
/// templates pull in, CI values) are chart files, read by `crate::helm` and never reported as
/// YAML that does not parse. `None` for a `.tgz` that is not a chart's subchart.
fn in_chart(
    rel: &str,
    kind: FileKind,
    chart_dirs: &std::collections::HashSet<String>,
) -> Option<FileKind> {
    // The deepest chart holding the file decides: a subchart's files are its own. Walking the
    // file's own directories keeps this linear in the path, however many charts a tree holds.
    let sub = crate::helm::chart::deepest_owner(rel, |d| chart_dirs.contains(d)).map(|(_, s)| s);
    let Some(sub) = sub else {
        return match kind {
            // A `.tpl` outside a chart is some other template language (Django, Jinja...).
            FileKind::HelmTemplate if rel.ends_with(".tpl") => None,
            FileKind::HelmTemplate => Some(classify_without_templates(rel)),
            FileKind::HelmArchive => None,
            k => Some(k),
        };
    };
    Some(match kind {
        FileKind::HelmChart => kind,
        FileKind::HelmTemplate if sub.starts_with("templates/") => kind,
        FileKind::HelmArchive => {
            let name = sub.strip_prefix("charts/")?;
            if name.contains('/') {
                return None;
            }
            kind
        }
        _ if sub == "values.yaml" || sub == "values.yml" => FileKind::HelmValues,
        _ if sub.starts_with("crds/") => match kind {
            FileKind::HelmTemplate => FileKind::Yaml,
            k => k,
        },
        FileKind::HelmTemplate
        | FileKind::Yaml
        | FileKind::ManifestTemplate
        | FileKind::Kustomization
        | FileKind::Skaffold
        | FileKind::Compose => FileKind::HelmFile,
        k => k,
    })
}

/// A `templates/` directory outside any chart is ordinary: classify by name alone.
fn classify_without_templates(rel: &str) -> FileKind {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    match classify(name) {
        Some(FileKind::HelmTemplate) | None => FileKind::Yaml,
        Some(k) => k,
    }
}

fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut s = String::new();
    for (i, c) in rel.components().enumerate() {
        if i > 0 {
            s.push('/');
        }
        s.push_str(&c.as_os_str().to_string_lossy());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_name() {
        assert_eq!(classify("Dockerfile"), Some(FileKind::Dockerfile));
        assert_eq!(classify("svc/api.Dockerfile"), Some(FileKind::Dockerfile));
        assert_eq!(classify("Dockerfile.prod"), Some(FileKind::Dockerfile));
        assert_eq!(classify("Containerfile"), Some(FileKind::Dockerfile));
        assert_eq!(classify("k8s/app.yaml"), Some(FileKind::Yaml));
        assert_eq!(
            classify("k8s/kustomization.yaml"),
            Some(FileKind::Kustomization)
        );
        assert_eq!(classify("docker-compose.prod.yml"), Some(FileKind::Compose));
        assert_eq!(
            classify("docker-compose-load.yaml"),
            Some(FileKind::Compose)
        );
        assert_eq!(
            classify("deploy/docker-compose_prod.yml"),
            Some(FileKind::Compose)
        );
        assert_eq!(
            classify(".github/workflows/ci.yml"),
            Some(FileKind::Workflow)
        );
        assert_eq!(classify("README.md"), None);
        assert_eq!(classify("Cargo.lock"), Some(FileKind::CargoLock));
        assert_eq!(
            classify("svc/docker-entrypoint.sh"),
            Some(FileKind::ShellScript)
        );
        assert_eq!(
            classify("api/requirements-prod.txt"),
            Some(FileKind::PythonRequirements)
        );
        assert_eq!(
            classify("api/requirements/base.txt"),
            Some(FileKind::PythonRequirements)
        );
        assert_eq!(classify("api/notes.txt"), None);
        assert_eq!(classify("cmd/api/main.go"), Some(FileKind::GoSource));
        assert_eq!(classify("cmd/api/main_test.go"), None);
        assert_eq!(classify("pkg/testdata/x.go"), None);
        assert_eq!(classify("svc/go.mod"), Some(FileKind::GoMod));
        assert_eq!(classify("web/pnpm-lock.yaml"), Some(FileKind::NodeLock));
        assert_eq!(classify("api/src/index.mts"), Some(FileKind::NodeSource));
        assert_eq!(classify("api/src/index.d.ts"), None);
        assert_eq!(classify("api/.eslintrc.js"), None);
        assert_eq!(classify("api/__tests__/a.js"), None);
    }
}
