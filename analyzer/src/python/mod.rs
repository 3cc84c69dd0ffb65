//! The Python front-end: which `.py` files an image holds (copied from the build context by its
//! Dockerfile, [`link`]) and the imports and attribute calls in them that matter for Wasm, with
//! byte spans ([`source`]). What they mean is data in the rules crate
//! (`rules/data/python-modules.toml`).

pub mod link;
pub mod manifests;
pub mod pipenv;
pub mod project;
pub mod setuptools;
pub mod source;

pub use link::{LockFile, attach_python_sources};
pub use project::{LockedPackage, lock_packages, pyproject_dependencies};
pub use source::{PythonFacts, Use, facts};
