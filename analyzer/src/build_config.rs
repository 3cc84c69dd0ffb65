//! Explicit build configuration: which image is built from which Dockerfile, and where that is said.
//!
//! Read from skaffold.yaml (`build.artifacts`), docker-compose (`build:` + `image:`), GitHub
//! workflows (`docker/build-push-action` steps and `docker build` commands in `run:`), Google
//! Cloud Build configs (`docker build` and kaniko steps) and Makefiles
//! (`docker build -t NAME -f PATH CONTEXT`). Each link keeps the span that states it,
//! so the report can say `linked_by: "skaffold.yaml:12"`. Commands are read as text, never run.

use std::collections::HashMap;

use crate::source::{FileId, SourceFile};
use crate::span::Span;
use crate::yaml::{YRef, YamlStream};

/// "Image `image` is built from `dockerfile` with context `context`", said at `file`/`span`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildLink {
    /// The image as named by the build config (a repository, maybe with a tag).
    pub image: String,
    /// Repo-relative path of the Dockerfile.
    pub dockerfile: String,
    /// Repo-relative build context directory (`""` for the root).
    pub context: String,
    pub file: FileId,
    pub span: Span,
    /// What kind of config said it, for the human output.
    pub source: &'static str,
}

/// Directory of a repo-relative path (`""` for files at the root).
pub fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Join a relative path onto a repo-relative directory, resolving `.` and `..`.
/// `None` when the result would leave the scan root or the path is absolute or a URL.
pub fn join(dir: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') || rel.contains("://") || rel.starts_with("git@") {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn str_at<'a>(node: YRef<'a>, key: &str) -> Option<(&'a str, YRef<'a>)> {
    let v = node.get(key)?;
    Some((v.as_str()?, v))
}

/// `build.artifacts[]` (and each profile's) of a skaffold.yaml.
/// Every `build.artifacts[]` entry of a skaffold file, the profiles' included.
pub fn skaffold_artifacts(stream: &YamlStream) -> impl Iterator<Item = crate::yaml::YRef<'_>> {
    stream
        .docs
        .iter()
        .filter_map(|doc| doc.root())
        .flat_map(|root| {
            root.get("build").into_iter().chain(
                root.get("profiles")
                    .into_iter()
                    .flat_map(|p| p.items())
                    .filter_map(|p| p.get("build")),
            )
        })
        .flat_map(|build| build.get("artifacts").into_iter().flat_map(|a| a.items()))
}

pub fn skaffold(file: &SourceFile, stream: &YamlStream) -> Vec<BuildLink> {
    let base = dir_of(&file.path);
    let mut out = Vec::new();
    for art in skaffold_artifacts(stream) {
        let Some((image, image_node)) = str_at(art, "image") else {
            continue;
        };
        let context = art.get("context").and_then(|c| c.as_str()).unwrap_or(".");
        let dockerfile = art
            .path(&["docker", "dockerfile"])
            .and_then(|d| d.as_str())
            .unwrap_or("Dockerfile");
        let Some(ctx) = join(base, context) else {
            continue;
        };
        let Some(df) = join(&ctx, dockerfile) else {
            continue;
        };
        out.push(BuildLink {
            image: image.into(),
            dockerfile: df,
            context: ctx,
            file: file.id,
            span: image_node.entry_span(),
            source: "skaffold",
        });
    }
    out
}

/// `services.*.build` with an `image:` in a compose file.
pub fn compose(file: &SourceFile, stream: &YamlStream) -> Vec<BuildLink> {
    compose_services(file, stream)
        .into_iter()
        .filter_map(|s| {
            let (image, span) = s.image?;
            Some(BuildLink {
                image,
                dockerfile: s.dockerfile,
                context: s.context,
                file: file.id,
                span,
                source: "docker-compose",
            })
        })
        .collect()
}

/// A compose service the repository builds (`build:`), with what a Kubernetes container made
/// from it would share: its name and its environment variables' names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComposeService {
    pub name: String,
    /// Repo-relative path of the Dockerfile and the build context.
    pub dockerfile: String,
    pub context: String,
    /// `image:` and the span of its entry, when the service names the image it builds.
    pub image: Option<(String, Span)>,
    /// Names of `environment:` variables (list `K=V` / `K` or map form), at most
    /// [`MAX_COMPOSE_ENV`].
    pub env: Vec<String>,
    pub file: FileId,
    /// The service's key.
    pub span: Span,
}

/// Environment names kept per compose service: enough to recognize a service, bounded.
pub const MAX_COMPOSE_ENV: usize = 64;

/// Every `services.*` with a `build:` in a compose file.
pub fn compose_services(file: &SourceFile, stream: &YamlStream) -> Vec<ComposeService> {
    let base = dir_of(&file.path);
    let mut out = Vec::new();
    for doc in &stream.docs {
        let Some(services) = doc.root().and_then(|r| r.get("services")) else {
            continue;
        };
        for (name, svc) in services.entries() {
            let Some(build) = svc.get("build") else {
                continue;
            };
            let (context, dockerfile) = match build.as_str() {
                Some(ctx) => (ctx, "Dockerfile"),
                None => (
                    build.get("context").and_then(|c| c.as_str()).unwrap_or("."),
                    build
                        .get("dockerfile")
                        .and_then(|d| d.as_str())
                        .unwrap_or("Dockerfile"),
                ),
            };
            let Some(ctx) = join(base, context) else {
                continue;
            };
            let Some(df) = join(&ctx, dockerfile) else {
                continue;
            };
            let env = svc
                .get("environment")
                .map(|e| {
                    let names: Vec<String> = if e.is_map() {
                        e.entries().map(|(k, _)| k.to_string()).collect()
                    } else {
                        e.items()
                            .filter_map(|i| i.as_str())
                            .map(|kv| kv.split('=').next().unwrap_or("").trim().to_string())
                            .collect()
                    };
                    names
                        .into_iter()
                        .filter(|n| !n.is_empty())
                        .take(MAX_COMPOSE_ENV)
                        .collect()
                })
                .unwrap_or_default();
            out.push(ComposeService {
                name: name.to_string(),
                dockerfile: df,
                context: ctx,
                image: str_at(svc, "image").map(|(i, n)| (i.to_string(), n.entry_span())),
                env,
                file: file.id,
                span: svc.key_span(),
            });
        }
    }
    out
}

/// Whether a YAML file is a Google Cloud Build config by its name (`cloudbuild.yaml`,
/// `cloudbuild-release.yml`...).
pub fn is_cloudbuild(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name.starts_with("cloudbuild") && (name.ends_with(".yaml") || name.ends_with(".yml"))
}

/// Steps of a Google Cloud Build config that build an image: the `docker` builder with
/// `build` args (every `-t` tag is a link) and kaniko's executor (`--destination`,
/// `--context`, `--dockerfile`). A step's `dir` is relative to the build's source root, which is
/// the repository root when a trigger runs it and the config's own directory when
/// `gcloud builds submit` is run there: both are tried, and only a Dockerfile that exists links.
pub fn cloudbuild(file: &SourceFile, stream: &YamlStream) -> Vec<BuildLink> {
    // A stranger's config can list thousands of steps and tags: the links of one file are
    // bounded (each image is later compared with every link).
    const MAX_LINKS: usize = 512;
    let mut out = Vec::new();
    for doc in &stream.docs {
        let Some(steps) = doc.root().and_then(|r| r.get("steps")) else {
            continue;
        };
        for step in steps.items().take(256) {
            let name = step.get("name").and_then(|n| n.as_str()).unwrap_or("");
            let entry = step
                .get("entrypoint")
                .and_then(|e| e.as_str())
                .unwrap_or("");
            let args: Vec<(&str, YRef<'_>)> = step
                .get("args")
                .into_iter()
                .flat_map(|a| a.items())
                .take(256)
                .filter_map(|a| Some((a.as_str()?, a)))
                .collect();
            let dir = step.get("dir").and_then(|d| d.as_str()).unwrap_or("");
            let bases: Vec<String> = [Some(dir.to_string()), join(dir_of(&file.path), dir)]
                .into_iter()
                .flatten()
                .collect();
            let docker = name.contains("cloud-builders/docker")
                || name == "docker"
                || name.starts_with("docker:")
                || entry == "docker";
            let kaniko = name.contains("kaniko-project/executor");
            let builds = if docker {
                docker_build_args(&args)
            } else if kaniko {
                kaniko_args(&args)
            } else {
                continue;
            };
            let Some((tags, dockerfile, context)) = builds else {
                continue;
            };
            for base in &bases {
                let Some(ctx) = join(base, &context) else {
                    continue;
                };
                let df = match &dockerfile {
                    // Docker reads `-f` from the working directory, kaniko from the context.
                    Some(f) if kaniko => join(&ctx, f),
                    Some(f) => join(base, f),
                    None => join(&ctx, "Dockerfile"),
                };
                let Some(df) = df else { continue };
                for (tag, node) in &tags {
                    if out.len() >= MAX_LINKS {
                        return out;
                    }
                    out.push(BuildLink {
                        image: (*tag).to_string(),
                        dockerfile: df.clone(),
                        context: ctx.clone(),
                        file: file.id,
                        span: node.entry_span(),
                        source: "cloudbuild",
                    });
                }
            }
        }
    }
    out
}

type StepBuild<'a> = (Vec<(&'a str, YRef<'a>)>, Option<String>, String);

/// `build -t A -t B -f F CONTEXT` as a list of args.
fn docker_build_args<'a>(args: &[(&'a str, YRef<'a>)]) -> Option<StepBuild<'a>> {
    let mut i = match args.first().map(|a| a.0) {
        Some("build") => 1,
        Some("buildx") if args.get(1).map(|a| a.0) == Some("build") => 2,
        _ => return None,
    };
    let (mut tags, mut file, mut context) = (Vec::new(), None, None);
    while i < args.len() {
        let (w, node) = args[i];
        match w {
            "-t" | "--tag" => {
                if let Some(&(t, n)) = args.get(i + 1) {
                    tags.push((t, n));
                }
                i += 2;
                continue;
            }
            "-f" | "--file" => {
                file = args.get(i + 1).map(|a| a.0.to_string());
                i += 2;
                continue;
            }
            "--build-arg" | "--target" | "--platform" | "--label" | "--cache-from"
            | "--network" => {
                i += 2;
                continue;
            }
            _ => {}
        }
        if let Some(t) = w.strip_prefix("--tag=").or_else(|| w.strip_prefix("-t=")) {
            tags.push((t, node));
        } else if let Some(f) = w.strip_prefix("--file=") {
            file = Some(f.to_string());
        } else if !w.starts_with('-') && context.is_none() {
            context = Some(w.to_string());
        }
        i += 1;
    }
    (!tags.is_empty()).then(|| (tags, file, context.unwrap_or_else(|| ".".into())))
}

/// kaniko's `--destination=IMAGE`, `--context=dir://DIR`, `--dockerfile=F`.
fn kaniko_args<'a>(args: &[(&'a str, YRef<'a>)]) -> Option<StepBuild<'a>> {
    let (mut tags, mut file, mut context) = (Vec::new(), None, None);
    for (i, &(w, node)) in args.iter().enumerate() {
        let value = |flag: &str| -> Option<(&'a str, YRef<'a>)> {
            if let Some(v) = w.strip_prefix(flag).and_then(|r| r.strip_prefix('=')) {
                return Some((v, node));
            }
            (w == flag).then(|| args.get(i + 1).copied()).flatten()
        };
        if let Some(d) = value("--destination").or_else(|| value("-d")) {
            tags.push(d);
        } else if let Some((f, _)) = value("--dockerfile").or_else(|| value("-f")) {
            file = Some(f.to_string());
        } else if let Some((c, _)) = value("--context").or_else(|| value("-c")) {
            context = Some(c.trim_start_matches("dir://").to_string());
        }
    }
    (!tags.is_empty()).then(|| (tags, file, context.unwrap_or_else(|| ".".into())))
}

/// `docker/build-push-action` steps and `docker build` commands in a GitHub workflow.
/// Workflows run at the repository root, so paths are relative to it.
pub fn workflow(file: &SourceFile, stream: &YamlStream) -> Vec<BuildLink> {
    let mut out = Vec::new();
    for doc in &stream.docs {
        let Some(jobs) = doc.root().and_then(|r| r.get("jobs")) else {
            continue;
        };
        let workflow_env = env_of(doc.root(), &HashMap::new());
        for (_, job) in jobs.entries() {
            let job_env = env_of(Some(job), &workflow_env);
            // `docker/metadata-action` steps by id: their `images` are what a later
            // build-push step tags when its `tags` are `${{ steps.ID.outputs.tags }}`.
            let mut meta_images: HashMap<String, Vec<String>> = HashMap::new();
            for step in job.get("steps").into_iter().flat_map(|s| s.items()) {
                let is_meta = step
                    .get("uses")
                    .and_then(|u| u.as_str())
                    .is_some_and(|u| u.starts_with("docker/metadata-action"));
                if let (true, Some(id)) = (is_meta, step.get("id").and_then(|i| i.as_str())) {
                    let env = env_of(Some(step), &job_env);
                    let images = step
                        .get("with")
                        .and_then(|w| w.get("images"))
                        .and_then(|i| i.as_str())
                        .map(|i| metadata_action_images(&subst_env(i, &env)))
                        .unwrap_or_default();
                    meta_images.insert(id.to_string(), images);
                }
            }
            for step in job.get("steps").into_iter().flat_map(|s| s.items()) {
                if step
                    .get("uses")
                    .and_then(|u| u.as_str())
                    .is_some_and(|u| u.starts_with("docker/build-push-action"))
                {
                    let env = env_of(Some(step), &job_env);
                    let with = step.get("with");
                    let Some((tags, tags_node)) = with.and_then(|w| str_at(w, "tags")) else {
                        continue;
                    };
                    let tags = subst_env(tags, &env);
                    let input = |k: &str| {
                        with.and_then(|w| w.get(k))
                            .and_then(|c| c.as_str())
                            .map(|v| subst_env(v, &env))
                    };
                    let context = input("context").unwrap_or_else(|| ".".into());
                    let Some(ctx) = join("", &context) else {
                        continue;
                    };
                    // `file` is relative to the workspace (the repository root), not the context.
                    let df = match input("file") {
                        Some(f) => join("", &f),
                        None => join(&ctx, "Dockerfile"),
                    };
                    let Some(df) = df else { continue };
                    let mut images: Vec<String> = tags
                        .split([',', '\n'])
                        .map(str::trim)
                        .filter(|t| !t.is_empty() && !t.contains("${{"))
                        .map(str::to_string)
                        .collect();
                    for (id, listed) in &meta_images {
                        if tags.contains(&format!("steps.{id}.outputs.tags")) {
                            images.extend(listed.iter().cloned());
                        }
                    }
                    for tag in images {
                        out.push(BuildLink {
                            image: tag,
                            dockerfile: df.clone(),
                            context: ctx.clone(),
                            file: file.id,
                            span: tags_node.entry_span(),
                            source: "workflow",
                        });
                    }
                }
                if let Some(run) = step.get("run").filter(|r| r.as_str().is_some()) {
                    // The block scalar's text is not the file's bytes; scan the file slice instead so
                    // spans stay exact.
                    out.extend(docker_build_commands(file, run.span(), "", "workflow"));
                }
            }
        }
    }
    out
}

/// The `env:` map of a workflow, job or step node on top of `outer` (inner wins); values that
/// are not plain strings are left out.
fn env_of(node: Option<YRef<'_>>, outer: &HashMap<String, String>) -> HashMap<String, String> {
    let mut env = outer.clone();
    if let Some(e) = node.and_then(|n| n.get("env")) {
        for (k, v) in e.entries() {
            if let Some(v) = v.as_str() {
                env.insert(k.to_string(), subst_env(v, outer));
            }
        }
    }
    env
}

/// Replace `${{ env.NAME }}` with the workflow's value; other expressions stay as written (and
/// the tags holding them are then left out: they cannot be known statically).
fn subst_env(text: &str, env: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("${{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 3..];
        let Some(j) = after.find("}}") else {
            out.push_str(&rest[i..]);
            return out;
        };
        let expr = after[..j].trim();
        match expr.strip_prefix("env.").and_then(|n| env.get(n.trim())) {
            Some(v) if out.len() + v.len() <= MAX_EXPANSION => out.push_str(v),
            _ => out.push_str(&rest[i..i + 3 + j + 2]),
        }
        rest = &after[j + 2..];
    }
    out.push_str(rest);
    out
}

/// The image names of a `docker/metadata-action` `images:` input: one per line, either the name
/// or `name=NAME,enable=...` (lines with a `${{ }}` expression cannot be known statically).
fn metadata_action_images(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.contains("${{"))
        .filter_map(|l| {
            let first = l.split(',').next()?.trim();
            let name = first.strip_prefix("name=").unwrap_or(first).trim();
            (!name.is_empty() && !name.contains('=')).then(|| name.to_string())
        })
        .collect()
}

/// `docker build` commands in a Makefile; paths are relative to the Makefile's directory. Image
/// tags built from the Makefile's own simple variables (`NAME := api`, `IMAGE ?= $(REPO)/$(NAME)`)
/// are expanded; what cannot be (`$(shell ...)`) stays as written and only its tag is lost.
pub fn makefile(file: &SourceFile) -> Vec<BuildLink> {
    let vars = make_variables(&file.text);
    let mut links = docker_build_commands(
        file,
        Span::new(0, file.text.len()),
        dir_of(&file.path),
        "Makefile",
    );
    for l in &mut links {
        l.image = expand_make(&l.image, &vars, 0);
    }
    links
}

/// `NAME = value`, `NAME := value`, `NAME ::= value`, `NAME ?= value` at the start of a line
/// (recipe lines start with a tab and are not assignments). The first assignment wins, as `?=`
/// would; that is enough to name an image.
fn make_variables(text: &str) -> HashMap<String, String> {
    let mut vars = HashMap::new();
    for line in text.lines() {
        if line.starts_with('\t') || line.trim_start().starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some(eq) = line.find('=') else { continue };
        let (lhs, rhs) = line.split_at(eq);
        let name = lhs.trim_end_matches([':', '?', '+', ' ', '\t']).trim();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
            || lhs.trim_end().ends_with('+')
        {
            continue;
        }
        let value = rhs[1..].split(" #").next().unwrap_or("").trim();
        vars.entry(name.to_string())
            .or_insert_with(|| value.to_string());
    }
    vars
}

/// Longest expansion kept: an image name is short, and `A = $(B)$(B)$(B)`, `B = $(C)$(C)...`
/// would otherwise grow exponentially with the depth.
const MAX_EXPANSION: usize = 1024;

/// Expand `$(NAME)` and `${NAME}` from `vars`, at most 8 levels deep (a variable that refers to
/// itself stops there) and at most [`MAX_EXPANSION`] bytes (the rest stays unexpanded).
fn expand_make(s: &str, vars: &HashMap<String, String>, depth: usize) -> String {
    if depth > 8 || !s.contains('$') || s.len() > MAX_EXPANSION {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let close = match after.chars().next() {
            Some('(') => ')',
            Some('{') => '}',
            _ => {
                out.push('$');
                rest = after;
                continue;
            }
        };
        match after.find(close) {
            Some(j) => {
                let name = &after[1..j];
                match vars.get(name) {
                    Some(v) if out.len() < MAX_EXPANSION => {
                        out.push_str(&expand_make(v, vars, depth + 1));
                    }
                    _ => out.push_str(&rest[i..i + 2 + j]),
                }
                rest = &after[j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Find `docker build` / `docker buildx build` / `podman build` commands inside `region` of a file,
/// joining backslash-continued lines, and read their `-t`, `-f` and context arguments.
fn docker_build_commands(
    file: &SourceFile,
    region: Span,
    base: &str,
    source: &'static str,
) -> Vec<BuildLink> {
    let text = file.slice(region);
    let mut out = Vec::new();
    let mut offset = 0;
    let mut logical = String::new();
    let mut logical_start = 0;
    for line in text.split_inclusive('\n') {
        if logical.is_empty() {
            logical_start = offset;
        }
        offset += line.len();
        let trimmed = line.trim_end_matches(['\n', '\r']);
        if let Some(cont) = trimmed.strip_suffix('\\') {
            logical.push_str(cont);
            logical.push(' ');
            continue;
        }
        logical.push_str(trimmed);
        if let Some(link) = parse_build_command(&logical, base) {
            let start = region.start + logical_start;
            let end = region.start + offset - (line.len() - trimmed.len());
            let (image, dockerfile, context) = link;
            out.push(BuildLink {
                image,
                dockerfile,
                context,
                file: file.id,
                span: Span::new(start, end).trim_to_text(&file.text),
                source,
            });
        }
        logical.clear();
    }
    out
}

trait TrimToText {
    fn trim_to_text(self, text: &str) -> Span;
}

impl TrimToText for Span {
    /// Skip leading white space so a span starts at the command.
    fn trim_to_text(self, text: &str) -> Span {
        let s = text.get(self.start..self.end).unwrap_or("");
        let lead = s.len() - s.trim_start().len();
        Span::new(self.start + lead, self.end)
    }
}

fn parse_build_command(line: &str, base: &str) -> Option<(String, String, String)> {
    let words: Vec<String> = line
        .split_whitespace()
        .map(|w| w.trim_matches(['"', '\'']).to_string())
        .collect();
    let pos = words.windows(2).position(|w| {
        (w[0] == "docker" || w[0] == "podman") && (w[1] == "build" || w[1] == "buildx")
    })?;
    let mut i = pos + 2;
    if words.get(i).map(String::as_str) == Some("build") {
        i += 1;
    }
    let (mut tag, mut file, mut context) = (None, None, None);
    while i < words.len() {
        let w = &words[i];
        if matches!(w.as_str(), "&&" | ";" | "|" | "||") || w.starts_with('#') {
            break;
        }
        match w.as_str() {
            "-t" | "--tag" => {
                tag = tag.or(words.get(i + 1).cloned());
                i += 2;
                continue;
            }
            "-f" | "--file" => {
                file = words.get(i + 1).cloned();
                i += 2;
                continue;
            }
            _ => {}
        }
        if let Some(v) = w.strip_prefix("--tag=").or_else(|| w.strip_prefix("-t=")) {
            tag = tag.or(Some(v.to_string()));
        } else if let Some(v) = w.strip_prefix("--file=") {
            file = Some(v.to_string());
        } else if w.starts_with('-') {
            // Flags with a separate value that are not ours: skip the value too.
            if matches!(
                w.as_str(),
                "--build-arg"
                    | "--target"
                    | "--platform"
                    | "--label"
                    | "--cache-from"
                    | "--secret"
                    | "--ssh"
                    | "--network"
                    | "-o"
                    | "--output"
            ) {
                i += 1;
            }
        } else if context.is_none() {
            context = Some(w.clone());
        }
        i += 1;
    }
    let tag = tag?;
    let ctx = join(base, context.as_deref().unwrap_or("."))?;
    let df = match file {
        Some(f) => join(base, &f)?,
        None => join(&ctx, "Dockerfile")?,
    };
    Some((tag, df, ctx))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn src(path: &str, text: &str) -> SourceFile {
        SourceFile::new(FileId(0), path, text)
    }

    #[test]
    fn cloudbuild_docker_and_kaniko_steps() {
        let f = src(
            "web/cloudbuild.yaml",
            "steps:\n- name: 'gcr.io/cloud-builders/docker'\n  args: ['build', '-t', 'gcr.io/acme/web:v1', '-t', 'us-docker.pkg.dev/acme/c/web:v1', '.']\n  dir: 'web'\n- name: gcr.io/kaniko-project/executor:latest\n  args: ['--destination=gcr.io/acme/api', '--context=dir://api', '--dockerfile=Dockerfile.prod']\n- name: bash\n  args: ['-c', 'echo']\n",
        );
        let links = cloudbuild(&f, &yaml::parse(&f.text));
        let got: Vec<(&str, &str, &str)> = links
            .iter()
            .map(|l| (l.image.as_str(), l.dockerfile.as_str(), l.context.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("gcr.io/acme/web:v1", "web/Dockerfile", "web"),
                ("us-docker.pkg.dev/acme/c/web:v1", "web/Dockerfile", "web"),
                ("gcr.io/acme/web:v1", "web/web/Dockerfile", "web/web"),
                (
                    "us-docker.pkg.dev/acme/c/web:v1",
                    "web/web/Dockerfile",
                    "web/web"
                ),
                ("gcr.io/acme/api", "api/Dockerfile.prod", "api"),
                ("gcr.io/acme/api", "web/api/Dockerfile.prod", "web/api"),
            ]
        );
        assert!(is_cloudbuild("deploy/cloudbuild-release.yml"));
        // Bounded: a flood of tags gives at most 512 links.
        let step = format!(
            "- name: docker\n  args: [build, {} .]\n",
            "-t, x:1, ".repeat(120)
        );
        let flood = format!("steps:\n{}", step.repeat(10));
        let f = src("cloudbuild.yaml", &flood);
        assert_eq!(cloudbuild(&f, &yaml::parse(&f.text)).len(), 512);
        assert!(!is_cloudbuild("k8s/build.yaml"));
    }

    #[test]
    fn skaffold_artifacts() {
        let f = src(
            "deploy/skaffold.yaml",
            "apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n  - image: acme/api\n    context: ../api\n    docker:\n      dockerfile: Dockerfile.prod\n",
        );
        let links = skaffold(&f, &yaml::parse(&f.text));
        assert_eq!(links.len(), 1);
        assert_eq!(
            (links[0].dockerfile.as_str(), links[0].context.as_str()),
            ("api/Dockerfile.prod", "api")
        );
        assert_eq!(f.region(links[0].span).line, 5);
    }

    #[test]
    fn compose_services() {
        let f = src(
            "docker-compose.yml",
            "services:\n  web:\n    build: ./web\n    image: acme/web:dev\n  db:\n    image: postgres:16\n",
        );
        let links = compose(&f, &yaml::parse(&f.text));
        assert_eq!(links.len(), 1);
        assert_eq!(
            (links[0].image.as_str(), links[0].dockerfile.as_str()),
            ("acme/web:dev", "web/Dockerfile")
        );
    }

    #[test]
    fn compose_services_without_an_image_keep_their_environment_names() {
        let f = src(
            "docker-compose.yml",
            "services:\n  server:\n    build:\n      context: ./services/server\n    environment:\n      - FLASK_ENV=development\n      - APP_SETTINGS\n  worker:\n    build: ./worker\n    environment:\n      QUEUE: jobs\n  db:\n    image: postgres:16\n",
        );
        let s = super::compose_services(&f, &yaml::parse(&f.text));
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(
            (
                s[0].name.as_str(),
                s[0].dockerfile.as_str(),
                s[0].image.is_none()
            ),
            ("server", "services/server/Dockerfile", true)
        );
        assert_eq!(s[0].env, ["FLASK_ENV", "APP_SETTINGS"]);
        assert_eq!(f.region(s[0].span).line, 2);
        assert_eq!(
            (s[1].dockerfile.as_str(), s[1].env.as_slice()),
            ("worker/Dockerfile", &["QUEUE".to_string()][..])
        );
    }

    #[test]
    fn makefile_docker_build() {
        let f = src(
            "svc/Makefile",
            "image:\n\tdocker build \\\n\t  -t acme/worker:$(TAG) \\\n\t  -f docker/Worker.Dockerfile .\n",
        );
        let links = makefile(&f);
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].dockerfile, "svc/docker/Worker.Dockerfile");
        assert_eq!(links[0].context, "svc");
        assert_eq!(f.region(links[0].span).line, 2);
        assert!(f.slice(links[0].span).starts_with("docker build"));
    }

    #[test]
    fn workflow_steps() {
        let f = src(
            ".github/workflows/ci.yml",
            "jobs:\n  build:\n    steps:\n    - uses: docker/build-push-action@v6\n      with:\n        context: api\n        tags: ghcr.io/acme/api:latest\n    - run: |\n        docker build -t acme/web -f web/Dockerfile web\n",
        );
        let links = workflow(&f, &yaml::parse(&f.text));
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].dockerfile, "api/Dockerfile");
        assert_eq!(links[1].dockerfile, "web/Dockerfile");
        assert_eq!(f.region(links[1].span).line, 9);
    }

    #[test]
    fn workflow_tags_from_a_metadata_step_and_makefile_variables() {
        let f = src(
            ".github/workflows/release.yml",
            "jobs:\n  release:\n    steps:\n    - id: meta\n      uses: docker/metadata-action@v5\n      with:\n        images: |\n          ghcr.io/acme/podinfo\n          name=docker.io/acme/podinfo,enable=true\n          ${{ env.EXTRA }}\n    - uses: docker/build-push-action@v6\n      with:\n        file: ./Dockerfile\n        tags: ${{ steps.meta.outputs.tags }}\n",
        );
        let links = workflow(&f, &yaml::parse(&f.text));
        let images: Vec<&str> = links.iter().map(|l| l.image.as_str()).collect();
        assert_eq!(images, ["ghcr.io/acme/podinfo", "docker.io/acme/podinfo"]);
        assert!(links.iter().all(|l| l.dockerfile == "Dockerfile"));

        let m = src(
            "Makefile",
            "NAME:=podinfo\nREPO ?= acme\nIMAGE = $(REPO)/${NAME}\nVERSION:=$(shell cat VERSION)\nbuild:\n\tdocker build -t $(IMAGE):$(VERSION) .\n",
        );
        let links = makefile(&m);
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].image, "acme/podinfo:$(shell cat VERSION)");
        assert_eq!(links[0].dockerfile, "Dockerfile");
        assert_eq!(expand_make("$(A)", &make_variables("A=$(A)\n"), 0), "$(A)");
        // Doubling at every level would reach 2^8 x the value: the expansion stops near the cap.
        let bomb: String = "ABCDEFGHI"
            .chars()
            .zip("BCDEFGHIJ".chars())
            .map(|(a, b)| format!("{a}=$({b})$({b})$({b})$({b})\n"))
            .collect::<String>()
            + &format!("J={}\n", "x".repeat(200));
        let out = expand_make("$(A)", &make_variables(&bomb), 0);
        assert!(out.len() < 4 * MAX_EXPANSION, "{} bytes", out.len());
    }

    #[test]
    fn build_push_tags_on_several_lines_with_workflow_env() {
        let f = src(
            ".github/workflows/images.yml",
            "env:\n  REGISTRY: ghcr.io/acme\njobs:\n  push:\n    env:\n      NAME: cart\n    steps:\n    - uses: docker/build-push-action@v6\n      env:\n        FLAVOUR: slim\n      with:\n        context: ./services/${{ env.NAME }}\n        file: services/${{ env.NAME }}/Dockerfile.${{ env.FLAVOUR }}\n        tags: |\n          ${{ env.REGISTRY }}/${{ env.NAME }}:latest\n          ${{ env.REGISTRY }}/${{env.NAME}}:${{ github.sha }}\n          docker.io/acme/cart\n",
        );
        let links = workflow(&f, &yaml::parse(&f.text));
        let got: Vec<(&str, &str)> = links
            .iter()
            .map(|l| (l.image.as_str(), l.dockerfile.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("ghcr.io/acme/cart:latest", "services/cart/Dockerfile.slim"),
                ("docker.io/acme/cart", "services/cart/Dockerfile.slim"),
            ]
        );
        assert_eq!(f.region(links[0].span).line, 14);
    }

    #[test]
    fn join_stays_inside_the_root() {
        assert_eq!(join("a/b", "../c"), Some("a/c".into()));
        assert_eq!(join("a", "../../x"), None);
        assert_eq!(join("", "https://example.com/x"), None);
    }
}
