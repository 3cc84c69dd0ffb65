//! Python source rules (`WM5xx`): what the `.py` files a Python image copies in use, judged by
//! `rules/data/python-modules.toml`.

use crate::Rule;

mod python_framework;
mod python_module;

pub use python_framework::PythonFramework;
pub use python_module::PythonModule;

pub static RULES: &[&dyn Rule] = &[&PythonModule, &PythonFramework];
