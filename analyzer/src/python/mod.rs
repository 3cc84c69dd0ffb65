//! The Python front-end ([`PythonFrontend`]): which `.py` files an image holds (copied from the
//! build context by its Dockerfile, [`link`]) and the imports and attribute calls in them that
//! matter for Wasm, with byte spans ([`source`]); the requirements files its `pip install -r`
//! installs (`crate::dockerfile::requirements`) and the project files and locks it copies in
//! ([`project`]). What they mean is data in the rules crate (`rules/data/python-modules.toml`).
//!
//! Python facts are kept by the Dockerfile that brings the files into an image: a workload holds
//! them through its Dockerfiles, so this front-end has no link step of its own, and the
//! workload's language is the one of its image's runtime (`crate::dockerfile::runtime`).

pub mod link;
pub mod manifests;
pub mod pipenv;
pub mod project;
pub mod setuptools;
pub mod source;

use std::collections::BTreeMap;

use crate::discover::FileKind;
use crate::dockerfile::{Language, RequirementsFile};
use crate::frontend::{Diagnostics, Facts, Frontend, FrontendCtx};
use crate::source::FileId;

/// The Python front-end (requirements files, project files and locks, `*.py`).
pub struct PythonFrontend;

impl Frontend for PythonFrontend {
    fn language(&self) -> Language {
        Language::Python
    }

    fn claims(&self) -> &'static [FileKind] {
        &[
            FileKind::PythonRequirements,
            FileKind::PythonProject,
            FileKind::Python,
        ]
    }

    fn parse(&self, ctx: &FrontendCtx<'_>, diags: &mut Diagnostics) -> Facts {
        // Requirements first: the project files found beside the sources add to them.
        let mut index = PythonIndex {
            requirements: crate::dockerfile::attach_requirements(ctx),
            ..Default::default()
        };
        attach_python_sources(ctx, &mut index, diags);
        Facts::Python(index)
    }
}

/// What the Python front-end found, by the Dockerfile whose image holds it.
#[derive(Debug, Default)]
pub struct PythonIndex {
    /// The requirements files each image installs (`pip install -r`, and the dependencies of a
    /// `pyproject.toml` it copies in).
    pub requirements: BTreeMap<FileId, Vec<RequirementsFile>>,
    /// The `.py` files each image holds.
    pub sources: BTreeMap<FileId, Vec<FileId>>,
    /// Source facts of those files, by file.
    pub facts: BTreeMap<FileId, PythonFacts>,
    /// The `poetry.lock` / `uv.lock` files each image copies in.
    pub locks: BTreeMap<FileId, Vec<LockFile>>,
}

pub use link::{LockFile, attach_python_sources};
pub use project::{LockedPackage, lock_packages, pyproject_dependencies};
pub use source::{PythonFacts, Use, facts};
