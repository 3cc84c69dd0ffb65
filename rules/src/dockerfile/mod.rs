//! Dockerfile rules (`WM1xx`).

use crate::Rule;

pub static RULES: &[&dyn Rule] = &[];
