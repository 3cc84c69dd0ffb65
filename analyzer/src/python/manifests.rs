//! The Python project files an image copies in, found through the Dockerfile's `COPY` sources
//! (the file itself, or the root of a copied folder), and what each one declares: requirement
//! lists (`pyproject.toml`, `Pipfile`, `setup.cfg`, `setup.py`) and locks (`poetry.lock`,
//! `uv.lock`, `pdm.lock`, `Pipfile.lock`). Copying one is taken as installing it, the way
//! `pip install .`, `poetry install`, `pipenv install --deploy` or `pdm install` do. A file that
//! does not parse gets a diagnostic and is still read as far as it goes; a `setup.py` whose list
//! only running it would tell gets a note.

use crate::discover::FileKind;
use crate::dockerfile::RequirementsFile;
use crate::error::{ErrorKind, FileError};
use crate::frontend::FrontendCtx as Repo;
use crate::repo::Note;
use crate::source::{FileId, SourceFile};
use crate::span::Span;

use super::link::LockFile;
use super::pipenv::{json_error, pipfile_lock_packages, pipfile_packages};
use super::project::{lock_packages, pyproject_dependencies};
use super::setuptools::{SetupPy, setup_cfg, setup_py};

/// The project files read, by file name.
pub const NAMES: &[&str] = &[
    "pyproject.toml",
    "poetry.lock",
    "uv.lock",
    "pdm.lock",
    "Pipfile",
    "Pipfile.lock",
    "setup.cfg",
    "setup.py",
];

/// A project file an image copies in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copied {
    pub file: FileId,
    pub name: &'static str,
    /// The Dockerfile's `COPY` source that brings it in.
    pub word: Span,
}

/// What one project file gave.
#[derive(Debug, Default)]
pub struct Manifest {
    pub requirements: Option<RequirementsFile>,
    pub lock: Option<LockFile>,
    pub errors: Vec<FileError>,
    pub notes: Vec<Note>,
}

fn file_of<'r>(repo: &Repo<'r>, path: &str, name: &str) -> Option<&'r SourceFile> {
    // `setup.py` is Python source to discovery; the rest are project files.
    let kind = if name == "setup.py" {
        FileKind::Python
    } else {
        FileKind::PythonProject
    };
    repo.file_by_path(path).filter(|f| repo.kind(f.id) == kind)
}

/// The project files that copies of `(repository path, COPY word)` bring in, each once. A
/// `Pipfile` beside a `Pipfile.lock` is left out: `pipenv install --deploy` installs the lock.
pub fn copied(repo: &Repo<'_>, copies: &[(String, Span)]) -> Vec<Copied> {
    let mut out: Vec<Copied> = Vec::new();
    let add = |path: &str, name: &'static str, word: Span, out: &mut Vec<Copied>| {
        if let Some(f) = file_of(repo, path, name)
            && !out.iter().any(|c| c.file == f.id)
        {
            out.push(Copied {
                file: f.id,
                name,
                word,
            });
        }
    };
    for (path, word) in copies {
        let base = path.rsplit('/').next().unwrap_or(path);
        if let Some(&name) = NAMES.iter().find(|&&n| n == base) {
            add(path, name, *word, &mut out);
            continue;
        }
        for &name in NAMES {
            let p = if path.is_empty() {
                name.to_string()
            } else {
                format!("{path}/{name}")
            };
            add(&p, name, *word, &mut out);
        }
    }
    let locked: Vec<String> = out
        .iter()
        .filter(|c| c.name == "Pipfile.lock")
        .map(|c| dir_of(&repo.file(c.file).path).to_string())
        .collect();
    out.retain(|c| {
        c.name != "Pipfile" || !locked.iter().any(|d| d == dir_of(&repo.file(c.file).path))
    });
    out
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Read one copied project file.
pub fn read(repo: &Repo<'_>, c: &Copied) -> Manifest {
    let f = repo.file(c.file);
    let text: &str = &f.text;
    let mut m = Manifest::default();
    let requirements = |requirements| {
        Some(RequirementsFile {
            file: c.file,
            word: c.word,
            requirements,
        })
    };
    let lock = |packages| {
        Some(LockFile {
            file: c.file,
            word: c.word,
            packages,
        })
    };
    // TOML files that do not parse are still read line by line; the user hears it (WM903).
    if matches!(
        c.name,
        "pyproject.toml" | "poetry.lock" | "uv.lock" | "pdm.lock" | "Pipfile"
    ) && let Err(e) = toml::de::DeTable::parse(text)
    {
        let (msg, sp) = crate::cargo::tree::error_parts(&e, text.len());
        m.errors.push(
            FileError::new(
                f.path.clone(),
                ErrorKind::Toml,
                format!(
                    "{} does not parse: {msg}; its packages were read line by line",
                    c.name
                ),
            )
            .at(c.file, sp),
        );
    }
    match c.name {
        "pyproject.toml" => m.requirements = requirements(pyproject_dependencies(text)),
        "Pipfile" => m.requirements = requirements(pipfile_packages(text)),
        "poetry.lock" | "uv.lock" | "pdm.lock" => m.lock = lock(lock_packages(text)),
        "Pipfile.lock" => {
            if let Some((msg, sp)) = json_error(text) {
                m.errors.push(
                    FileError::new(
                        f.path.clone(),
                        ErrorKind::Json,
                        format!(
                            "Pipfile.lock does not parse: {msg}; the packages before that point were read"
                        ),
                    )
                    .at(c.file, sp),
                );
            }
            m.lock = lock(pipfile_lock_packages(text));
        }
        "setup.cfg" => {
            let (reqs, files) = setup_cfg(text);
            for (name, span) in files {
                m.notes.push(Note {
                    path: f.path.clone(),
                    location: Some((c.file, span)),
                    message: format!(
                        "`install_requires` of `{}` reads `{name}` (`file:`), which is not followed: its packages were not checked",
                        f.path
                    ),
                });
            }
            m.requirements = requirements(reqs);
        }
        "setup.py" => match setup_py(text) {
            SetupPy::Read(reqs) => m.requirements = requirements(reqs),
            // Nothing was read: no requirements entry, so the coverage does not claim one.
            SetupPy::Unread { span, why } => m.notes.push(Note {
                path: f.path.clone(),
                location: Some((c.file, span)),
                message: format!(
                    "the dependencies of `{}` were not read: {why}; list them in pyproject.toml, setup.cfg or a requirements file to have them checked",
                    f.path
                ),
            }),
        },
        _ => {}
    }
    m
}
