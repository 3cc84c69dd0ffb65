//! Explicit build configuration: which image is built from which Dockerfile, and where that is said.
//!
//! Read from skaffold.yaml (`build.artifacts`), docker-compose (`build:` + `image:`), GitHub
//! workflows (`docker/build-push-action` steps and `docker build` commands in `run:`) and
//! Makefiles (`docker build -t NAME -f PATH CONTEXT`). Each link keeps the span that states it,
//! so the report can say `linked_by: "skaffold.yaml:12"`. Commands are read as text, never run.

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
pub fn skaffold(file: &SourceFile, stream: &YamlStream) -> Vec<BuildLink> {
    let base = dir_of(&file.path);
    let mut out = Vec::new();
    for doc in &stream.docs {
        let Some(root) = doc.root() else { continue };
        let builds = root.get("build").into_iter().chain(
            root.get("profiles")
                .into_iter()
                .flat_map(|p| p.items())
                .filter_map(|p| p.get("build")),
        );
        for build in builds {
            for art in build.get("artifacts").into_iter().flat_map(|a| a.items()) {
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
        }
    }
    out
}

/// `services.*.build` with an `image:` in a compose file.
pub fn compose(file: &SourceFile, stream: &YamlStream) -> Vec<BuildLink> {
    let base = dir_of(&file.path);
    let mut out = Vec::new();
    for doc in &stream.docs {
        let Some(services) = doc.root().and_then(|r| r.get("services")) else {
            continue;
        };
        for (_, svc) in services.entries() {
            let Some(build) = svc.get("build") else {
                continue;
            };
            let Some((image, image_node)) = str_at(svc, "image") else {
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
            out.push(BuildLink {
                image: image.into(),
                dockerfile: df,
                context: ctx,
                file: file.id,
                span: image_node.entry_span(),
                source: "docker-compose",
            });
        }
    }
    out
}

/// `docker/build-push-action` steps and `docker build` commands in a GitHub workflow.
/// Workflows run at the repository root, so paths are relative to it.
pub fn workflow(file: &SourceFile, stream: &YamlStream) -> Vec<BuildLink> {
    let mut out = Vec::new();
    for doc in &stream.docs {
        let Some(jobs) = doc.root().and_then(|r| r.get("jobs")) else {
            continue;
        };
        for (_, job) in jobs.entries() {
            for step in job.get("steps").into_iter().flat_map(|s| s.items()) {
                if step
                    .get("uses")
                    .and_then(|u| u.as_str())
                    .is_some_and(|u| u.starts_with("docker/build-push-action"))
                {
                    let with = step.get("with");
                    let Some((tags, tags_node)) = with.and_then(|w| str_at(w, "tags")) else {
                        continue;
                    };
                    let context = with
                        .and_then(|w| w.get("context"))
                        .and_then(|c| c.as_str())
                        .unwrap_or(".");
                    let Some(ctx) = join("", context) else {
                        continue;
                    };
                    let df = match with.and_then(|w| w.get("file")).and_then(|f| f.as_str()) {
                        Some(f) => join("", f),
                        None => join(&ctx, "Dockerfile"),
                    };
                    let Some(df) = df else { continue };
                    for tag in tags
                        .split([',', '\n'])
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                    {
                        out.push(BuildLink {
                            image: tag.into(),
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

/// `docker build` commands in a Makefile; paths are relative to the Makefile's directory.
pub fn makefile(file: &SourceFile) -> Vec<BuildLink> {
    docker_build_commands(
        file,
        Span::new(0, file.text.len()),
        dir_of(&file.path),
        "Makefile",
    )
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
    fn join_stays_inside_the_root() {
        assert_eq!(join("a/b", "../c"), Some("a/c".into()));
        assert_eq!(join("a", "../../x"), None);
        assert_eq!(join("", "https://example.com/x"), None);
    }
}
