//! The JVM, .NET, Ruby and PHP front-ends: the build and dependency files of each project, read
//! as text (never run, nothing fetched), with byte spans:
//! - JVM ([`jvm`]): `pom.xml` (dependencies, plugins, parent, modules), `build.gradle(.kts)`
//!   (dependency lines, plugins), `settings.gradle(.kts)` (included modules);
//! - .NET ([`dotnet`]): `*.csproj` / `*.fsproj` (SDK, target framework, package and framework
//!   references), `Directory.Packages.props`, `packages.lock.json`, `global.json`;
//! - Ruby ([`ruby`]): `Gemfile` and `Gemfile.lock`; PHP ([`php`]): `composer.json` and
//!   `composer.lock` (packages and `ext-*` requirements).
//!
//! Data flows one way: discovery hands the files over, [`parse`] groups them into [`Project`]s
//! (one per directory and ecosystem), [`link::link`] attaches projects to the workloads whose
//! Dockerfiles build or copy them (or whose Jib / Spring Boot build file they are), and the rules
//! (`WM8xx`) judge the facts against `rules/data/{jvm-artifacts,dotnet-packages,ruby-gems,php-extensions}.toml`.

pub mod dotnet;
pub mod jvm;
pub mod link;
pub mod php;
pub mod ruby;
pub mod xml;

use std::collections::BTreeMap;

use crate::discover::FileKind;
use crate::repo::{Note, Repo};
use crate::source::FileId;
use crate::span::Span;

/// Most dependencies kept per file: a large lockfile has a few thousand.
pub const MAX_DEPENDENCIES: usize = 20_000;

/// The ecosystem of a project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ecosystem {
    Jvm,
    Dotnet,
    Ruby,
    Php,
}

impl Ecosystem {
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Jvm => "jvm",
            Ecosystem::Dotnet => "dotnet",
            Ecosystem::Ruby => "ruby",
            Ecosystem::Php => "php",
        }
    }

    /// The ecosystem of a file kind this front-end reads.
    pub fn of(kind: FileKind) -> Option<Ecosystem> {
        match kind {
            FileKind::JvmBuild | FileKind::JvmSettings => Some(Ecosystem::Jvm),
            FileKind::DotnetProject | FileKind::DotnetSupport => Some(Ecosystem::Dotnet),
            FileKind::RubyGems => Some(Ecosystem::Ruby),
            FileKind::PhpComposer => Some(Ecosystem::Php),
            _ => None,
        }
    }
}

/// A declared or locked dependency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    /// `group:artifact` (JVM), the package id (.NET), the gem, the Composer package or `ext-x`.
    pub name: String,
    pub version: Option<String>,
    pub file: FileId,
    /// The name as written.
    pub span: Span,
    /// Found only in a lockfile (a dependency of a dependency, or a locked direct one).
    pub locked: bool,
}

/// Something a build file says about the program, with where it says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    pub kind: MarkerKind,
    pub file: FileId,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    /// The Spring Boot Maven/Gradle plugin or parent POM.
    SpringBoot,
    /// Jib (Maven or Gradle plugin).
    Jib,
    /// Another JVM build plugin that names the language (`kotlin("jvm")`, `application`).
    JvmPlugin(String),
    /// `Sdk="Microsoft.NET.Sdk.Web"` or a `Microsoft.AspNetCore.App` framework reference.
    AspNetCore,
    /// `<TargetFramework>` / `<TargetFrameworks>` (the value as written).
    TargetFramework(String),
    /// `<OutputType>Exe</OutputType>` or the Worker SDK: a program, not a class library.
    Executable,
    /// The `sdk.version` of `global.json`.
    SdkVersion(String),
    /// A module of a multi-module build (`<module>`, settings.gradle `include`).
    Module(String),
}

/// One project: the files of one ecosystem in one directory.
#[derive(Clone, Debug)]
pub struct Project {
    pub ecosystem: Ecosystem,
    /// Repo-relative directory (`""` at the root).
    pub dir: String,
    /// The main build file (pom.xml, build.gradle(.kts), the csproj, Gemfile, composer.json), or
    /// the lockfile when it is alone.
    pub file: FileId,
    /// Every file read for it, the main one first.
    pub files: Vec<FileId>,
    pub dependencies: Vec<Dependency>,
    pub markers: Vec<Marker>,
}

impl Project {
    /// Whether a lockfile was read for it.
    pub fn has_lockfile(&self) -> bool {
        self.dependencies.iter().any(|d| d.locked)
    }

    /// The first marker of a kind.
    pub fn marker(&self, pred: impl Fn(&MarkerKind) -> bool) -> Option<&Marker> {
        self.markers.iter().find(|m| pred(&m.kind))
    }
}

/// Every project of the scan.
#[derive(Clone, Debug, Default)]
pub struct ProjectIndex {
    pub projects: Vec<Project>,
}

/// What one file contributed: dependencies, markers, and a diagnostic when it could not be
/// fully read.
#[derive(Debug, Default)]
pub struct FileFacts {
    pub dependencies: Vec<Dependency>,
    pub markers: Vec<Marker>,
    pub problem: Option<(String, Span)>,
}

impl FileFacts {
    pub fn dep(
        &mut self,
        name: &str,
        version: Option<&str>,
        file: FileId,
        span: Span,
        locked: bool,
    ) {
        if self.dependencies.len() >= MAX_DEPENDENCIES || name.is_empty() {
            return;
        }
        self.dependencies.push(Dependency {
            name: name.to_string(),
            version: version.filter(|v| !v.is_empty()).map(str::to_string),
            file,
            span,
            locked,
        });
    }

    pub fn mark(&mut self, kind: MarkerKind, file: FileId, span: Span) {
        if self.markers.len() < 1_000 {
            self.markers.push(Marker { kind, file, span });
        }
    }
}

/// Whether a file name is the main build file of its ecosystem (a lockfile or helper is not).
fn is_main(name: &str) -> bool {
    matches!(
        name,
        "pom.xml" | "build.gradle" | "build.gradle.kts" | "Gemfile" | "composer.json"
    ) || name.ends_with(".csproj")
        || name.ends_with(".fsproj")
}

/// Read every JVM, .NET, Ruby and PHP file of the scan into `repo.projects`.
pub fn parse(repo: &mut Repo) {
    use rayon::prelude::*;
    let facts: Vec<(FileId, Ecosystem, FileFacts)> = repo
        .files
        .par_iter()
        .zip(repo.kinds.par_iter())
        .filter_map(|(f, k)| {
            let eco = Ecosystem::of(*k)?;
            let name = f.path.rsplit('/').next().unwrap_or(&f.path);
            let facts = match eco {
                Ecosystem::Jvm => jvm::read(f.id, name, &f.text),
                Ecosystem::Dotnet => dotnet::read(f.id, name, &f.text),
                Ecosystem::Ruby => ruby::read(f.id, name, &f.text),
                Ecosystem::Php => php::read(f.id, name, &f.text),
            };
            Some((f.id, eco, facts))
        })
        .collect();
    // Group by (ecosystem, directory); a .NET directory with two csproj files has two projects,
    // and its lockfile belongs to both.
    let mut projects: Vec<Project> = Vec::new();
    let mut support: BTreeMap<(Ecosystem, String), Vec<(FileId, FileFacts)>> = BTreeMap::new();
    for (id, eco, f) in facts {
        let path = repo.file(id).path.clone();
        if let Some((msg, span)) = &f.problem {
            repo.notes.push(Note {
                path: path.clone(),
                location: Some((id, *span)),
                message: format!("{path} could not be fully read: {msg}"),
            });
        }
        let name = path.rsplit('/').next().unwrap_or(&path);
        let dir = crate::build_config::dir_of(&path).to_string();
        // A pom.xml beside a build.gradle: one JVM project, both files read.
        let joinable = eco != Ecosystem::Dotnet;
        if is_main(name) {
            if joinable
                && let Some(p) = projects
                    .iter_mut()
                    .find(|p| p.ecosystem == eco && p.dir == dir)
            {
                p.files.push(id);
                p.dependencies.extend(f.dependencies);
                p.markers.extend(f.markers);
                continue;
            }
            projects.push(Project {
                ecosystem: eco,
                dir,
                file: id,
                files: vec![id],
                dependencies: f.dependencies,
                markers: f.markers,
            });
        } else {
            support.entry((eco, dir)).or_default().push((id, f));
        }
    }
    for ((eco, dir), files) in support {
        let owners: Vec<usize> = owners(&projects, eco, &dir);
        if owners.is_empty() {
            // A lockfile alone (Gemfile.lock without its Gemfile) still makes a project; a
            // settings.gradle, props or global.json alone does not.
            let locks: Vec<(FileId, FileFacts)> = files
                .into_iter()
                .filter(|(_, f)| f.dependencies.iter().any(|d| d.locked))
                .collect();
            if let Some((first, _)) = locks.first() {
                let first = *first;
                let mut p = Project {
                    ecosystem: eco,
                    dir,
                    file: first,
                    files: Vec::new(),
                    dependencies: Vec::new(),
                    markers: Vec::new(),
                };
                for (id, f) in locks {
                    p.files.push(id);
                    p.dependencies.extend(f.dependencies);
                    p.markers.extend(f.markers);
                }
                projects.push(p);
            }
            continue;
        }
        for (id, f) in files {
            for &o in &owners {
                let p = &mut projects[o];
                p.files.push(id);
                p.dependencies.extend(f.dependencies.iter().cloned());
                p.markers.extend(f.markers.iter().cloned());
            }
        }
    }
    projects.sort_by(|a, b| (a.ecosystem, &a.dir, a.file).cmp(&(b.ecosystem, &b.dir, b.file)));
    repo.projects = ProjectIndex { projects };
}

/// The projects a support file of `dir` belongs to: those of the same directory, else (for
/// `Directory.Packages.props`, `global.json`, `settings.gradle`) every project under it.
fn owners(projects: &[Project], eco: Ecosystem, dir: &str) -> Vec<usize> {
    let same: Vec<usize> = projects
        .iter()
        .enumerate()
        .filter(|(_, p)| p.ecosystem == eco && p.dir == dir)
        .map(|(i, _)| i)
        .collect();
    if !same.is_empty() {
        return same;
    }
    projects
        .iter()
        .enumerate()
        .filter(|(_, p)| p.ecosystem == eco && crate::golang::within(&p.dir, dir))
        .map(|(i, _)| i)
        .collect()
}

/// Line-based helpers shared by the text readers.
pub(crate) mod text {
    use crate::span::Span;

    /// The quoted string starting at byte `at` of `line` (which starts at `offset`): its value
    /// and span, without quotes.
    pub fn quoted(line: &str, at: usize, offset: usize) -> Option<(&str, Span)> {
        let q = *line.as_bytes().get(at)?;
        if q != b'"' && q != b'\'' {
            return None;
        }
        let end = line[at + 1..].find(q as char)? + at + 1;
        Some((&line[at + 1..end], Span::new(offset + at + 1, offset + end)))
    }

    /// Each line with its start offset.
    pub fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
        let mut offset = 0;
        text.split_inclusive('\n').map(move |l| {
            let start = offset;
            offset += l.len();
            (start, l.trim_end_matches(['\n', '\r']))
        })
    }
}
