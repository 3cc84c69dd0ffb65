//! Which workloads a JVM, .NET, Ruby or PHP project belongs to.
//!
//! Three sources: a Jib or Spring Boot image built from the project's build file (already a
//! `Program` of the workload); a Dockerfile stage reaching the final image that builds or
//! installs the project (`mvn package`, `gradle bootJar`, `dotnet publish`, `bundle install`,
//! `composer install`), whose project is the one its `COPY` sources come from (read against the
//! Dockerfile's directory, then the repository root; `COPY . .` falls back to the innermost
//! project around the Dockerfile, or the only one under it); and a `*.jar` copied from the build
//! context into the final image (built by CI outside the Dockerfile), which belongs to the JVM
//! project around the jar's path (a `*.jar`/`*.war`, Gradle's `build/libs/`, or Maven's
//! `target/` with a pom.xml around it).

use crate::build_config::{dir_of, join};
use crate::dockerfile::Dockerfile;
use crate::golang::within;
use crate::link::Link;
use crate::repo::Repo;
use crate::source::FileId;
use crate::span::Span;

use super::Ecosystem;

/// A Dockerfile's build of a project: the projects, the command and how to name it.
struct Built {
    project: usize,
    span: Span,
    what: String,
}

/// Attach projects to the workloads (`Workload::projects`), with `linked_by`.
pub fn link(repo: &mut Repo) {
    if repo.projects.projects.is_empty() {
        return;
    }
    let mut per_df: std::collections::BTreeMap<FileId, Vec<Built>> = Default::default();
    for &df in &repo.dockerfiles {
        per_df.insert(df, built_by(repo, df));
    }
    // PHP extensions the image installs are requirements of the PHP project it installs.
    for (df, built) in &per_df {
        let exts = php_extensions_installed(repo, *df);
        for b in built {
            let p = &mut repo.projects.projects[b.project];
            if p.ecosystem != Ecosystem::Php {
                continue;
            }
            for d in &exts {
                if !p.dependencies.contains(d) {
                    p.dependencies.push(d.clone());
                }
            }
        }
    }
    let mut found: Vec<Vec<(usize, Option<Link>)>> = Vec::new();
    for w in &repo.workloads {
        let mut here: Vec<(usize, Option<Link>)> = Vec::new();
        for p in &w.programs {
            if p.builder.language_of(&repo.file(p.build_file).path) != Some("jvm") {
                continue;
            }
            for (i, proj) in repo.projects.projects.iter().enumerate() {
                if proj.files.contains(&p.build_file) && !here.iter().any(|(m, _)| *m == i) {
                    // `crate::link` recorded the manifest -> build file link already.
                    here.push((i, None));
                }
            }
        }
        for df in &w.dockerfiles {
            let file = repo.file(*df);
            for b in per_df.get(df).into_iter().flatten() {
                if here.iter().any(|(m, _)| *m == b.project) {
                    continue;
                }
                let p = &repo.projects.projects[b.project];
                let shown = if p.dir.is_empty() { "." } else { &p.dir };
                here.push((
                    b.project,
                    Some(Link {
                        from: *df,
                        to: p.file,
                        linked_by: format!(
                            "{}:{} ({} of {} project `{shown}`)",
                            file.path,
                            file.line_col(b.span.start).line,
                            b.what,
                            label(p.ecosystem)
                        ),
                    }),
                ));
            }
        }
        found.push(here);
    }
    for (w, here) in repo.workloads.iter_mut().zip(found) {
        for (i, link) in here {
            let p = &repo.projects.projects[i];
            w.sources.extend(p.files.iter().copied());
            if let Some(l) = link
                && !w.links.contains(&l)
            {
                w.links.push(l);
            }
            if !w.projects.contains(&i) {
                w.projects.push(i);
            }
        }
    }
}

fn label(e: Ecosystem) -> &'static str {
    match e {
        Ecosystem::Jvm => "JVM",
        Ecosystem::Dotnet => ".NET",
        Ecosystem::Ruby => "Ruby",
        Ecosystem::Php => "PHP",
    }
}

/// The build command's ecosystem: `mvn`/`mvnw`/`gradle`/`gradlew` with a goal, `dotnet
/// publish|build|restore`, `bundle install`, `composer install`.
fn build_command(words: &[crate::dockerfile::Word]) -> Option<Ecosystem> {
    let prog = words.first()?.value.rsplit('/').next().unwrap_or("");
    let sub = words.get(1).map(|w| w.value.as_str()).unwrap_or("");
    match prog {
        "mvn" | "mvnw" | "gradle" | "gradlew" => Some(Ecosystem::Jvm),
        "dotnet" if matches!(sub, "publish" | "build" | "restore") => Some(Ecosystem::Dotnet),
        "bundle" if matches!(sub, "install" | "") => Some(Ecosystem::Ruby),
        "composer" if matches!(sub, "install" | "update") => Some(Ecosystem::Php),
        _ => None,
    }
}

/// The projects a Dockerfile builds or copies in.
fn built_by(repo: &Repo, df: FileId) -> Vec<Built> {
    let Some(parsed) = repo.parsed_dockerfiles.get(&df) else {
        return Vec::new();
    };
    let file = repo.file(df);
    let df_dir = dir_of(&file.path);
    let mut out: Vec<Built> = Vec::new();
    let push = |out: &mut Vec<Built>, project: usize, span: Span, what: String| {
        if !out.iter().any(|b| b.project == project) {
            out.push(Built {
                project,
                span,
                what,
            });
        }
    };
    for i in parsed.contributing_stages() {
        let Some(stage) = parsed.stages.get(i) else {
            continue;
        };
        let Some((eco, span, what)) = stage.commands().find_map(|(_, c)| {
            let eco = build_command(&c.words)?;
            // The program and its first goal or subcommand (`mvn package`, not `mvn -q`).
            let shown: Vec<&str> = c
                .words
                .iter()
                .enumerate()
                .filter(|(i, w)| *i == 0 || !w.value.starts_with('-'))
                .take(2)
                .map(|(_, w)| w.value.as_str())
                .collect();
            Some((eco, c.span, format!("`{}`", shown.join(" "))))
        }) else {
            continue;
        };
        let sources = copied(parsed, i);
        for p in projects_copied(repo, eco, df_dir, &sources) {
            push(&mut out, p, span, what.clone());
        }
    }
    // A jar copied from the context into the final image.
    if let Some(last) = parsed.stages.last() {
        for (_, ins, copy) in last.copies() {
            if copy.from.is_some() {
                continue;
            }
            for s in copy
                .sources
                .iter()
                .filter(|s| jvm_artifact(&s.value).is_some())
            {
                let maven_only = jvm_artifact(&s.value) == Some(false);
                for ctx in [df_dir, ""] {
                    let Some(path) = join(ctx, &s.value) else {
                        continue;
                    };
                    let owner = innermost(repo, Ecosystem::Jvm, dir_of(&path)).filter(|&p| {
                        // `target/` is Cargo's output directory too: only a Maven project
                        // (a pom.xml read) claims it.
                        !maven_only
                            || repo.projects.projects[p]
                                .files
                                .iter()
                                .any(|f| repo.file(*f).path.ends_with("pom.xml"))
                    });
                    if let Some(p) = owner {
                        push(&mut out, p, ins.span, format!("`COPY {}`", s.value));
                        break;
                    }
                }
            }
        }
    }
    out
}

/// `docker-php-ext-install pdo_mysql zip`, `docker-php-ext-enable redis`, `pecl install redis` in
/// the stages reaching the final image, as `ext-*` requirements at the Dockerfile word.
fn php_extensions_installed(repo: &Repo, df: FileId) -> Vec<super::Dependency> {
    let Some(parsed) = repo.parsed_dockerfiles.get(&df) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for i in parsed.contributing_stages() {
        let Some(stage) = parsed.stages.get(i) else {
            continue;
        };
        for (_, c) in stage.commands() {
            let prog = c.words.first().map_or("", |w| w.value.as_str());
            let args = match prog {
                "docker-php-ext-install" | "docker-php-ext-enable" => c.words.get(1..),
                "pecl" if c.words.get(1).is_some_and(|w| w.value == "install") => c.words.get(2..),
                _ => None,
            };
            for w in args.into_iter().flatten() {
                // `-j$(nproc)`, `redis-5.3.7` (a pecl version), `$EXTS`: only plain names.
                let name = w.value.split('-').next().unwrap_or("");
                if w.value.starts_with('-')
                    || name.is_empty()
                    || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                    || out.len() >= 64
                {
                    continue;
                }
                out.push(super::Dependency {
                    name: format!("ext-{name}"),
                    version: None,
                    file: df,
                    span: Span::new(w.span.start, w.span.start + name.len()),
                    locked: false,
                });
            }
        }
    }
    out
}

/// Whether a COPY source is a JVM build's output: `Some(true)` for a `*.jar` / `*.war` or
/// Gradle's `build/libs/`, `Some(false)` for Maven's `target/` (also Cargo's, so it needs a
/// pom.xml around it), `None` otherwise. `COPY target/$APP_FILE` counts: the variable is the jar.
fn jvm_artifact(source: &str) -> Option<bool> {
    if source.ends_with(".jar") || source.ends_with(".war") || source.contains("build/libs/") {
        Some(true)
    } else if source.starts_with("target/") || source.contains("/target/") {
        Some(false)
    } else {
        None
    }
}

/// The COPY sources (from the build context) of stage `i` and the stages it is built FROM.
fn copied(parsed: &Dockerfile, i: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut next = Some(i);
    let mut hops = 0;
    while let Some(s) = next {
        let Some(stage) = parsed.stages.get(s) else {
            break;
        };
        for (_, _, copy) in stage.copies() {
            if copy.from.is_none() {
                out.extend(copy.sources.iter().map(|w| w.value.clone()));
            }
        }
        hops += 1;
        next = stage.base_stage.filter(|b| *b < s && hops < 16);
    }
    out
}

/// The projects of `eco` the COPY sources come from, else the one around the Dockerfile, else
/// the only one under it.
fn projects_copied(repo: &Repo, eco: Ecosystem, df_dir: &str, sources: &[String]) -> Vec<usize> {
    let projects = &repo.projects.projects;
    for ctx in [df_dir, ""] {
        let mut out = Vec::new();
        for s in sources {
            let Some(p) = join(ctx, s.trim_end_matches('/')) else {
                continue;
            };
            if p.is_empty() || p == ctx {
                continue;
            }
            for (i, proj) in projects.iter().enumerate() {
                if proj.ecosystem != eco || out.contains(&i) {
                    continue;
                }
                // The project's own files copied (`COPY pom.xml .`), or its directory (or one
                // above it) copied whole.
                let named = proj.files.iter().any(|f| repo.file(*f).path == p);
                let whole = !proj.dir.is_empty() && within(&proj.dir, &p);
                if named || whole {
                    out.push(i);
                }
            }
        }
        if !out.is_empty() {
            return out;
        }
        if ctx.is_empty() {
            break;
        }
    }
    if let Some(i) = innermost(repo, eco, df_dir) {
        return vec![i];
    }
    let under: Vec<usize> = projects
        .iter()
        .enumerate()
        .filter(|(_, p)| p.ecosystem == eco && within(&p.dir, df_dir))
        .map(|(i, _)| i)
        .collect();
    if under.len() == 1 { under } else { Vec::new() }
}

/// The innermost project of `eco` whose directory holds `dir`.
fn innermost(repo: &Repo, eco: Ecosystem, dir: &str) -> Option<usize> {
    repo.projects
        .projects
        .iter()
        .enumerate()
        .filter(|(_, p)| p.ecosystem == eco && within(dir, &p.dir))
        .max_by_key(|(_, p)| p.dir.len())
        .map(|(i, _)| i)
}
