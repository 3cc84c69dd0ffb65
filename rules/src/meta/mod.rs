//! Meta rules (`WM9xx`): inputs the scan could not use. They never change a score.

use analyzer::error::ErrorKind;

use crate::{Rule, RuleMeta};

mod binary_file;
mod dockerfile_syntax;
mod file_too_large;
mod invalid_suppression;
mod invalid_utf8;
mod json_syntax;
mod kustomize_unresolved;
mod rust_syntax;
mod toml_syntax;
mod unreadable_file;
mod unused_suppression;
mod wasm_invalid;
mod yaml_syntax;

pub use binary_file::BinaryFile;
pub use dockerfile_syntax::DockerfileSyntax;
pub use file_too_large::FileTooLarge;
pub use invalid_suppression::InvalidSuppression;
pub use invalid_utf8::InvalidUtf8;
pub use json_syntax::JsonSyntax;
pub use kustomize_unresolved::KustomizeUnresolved;
pub use rust_syntax::RustSyntax;
pub use toml_syntax::TomlSyntax;
pub use unreadable_file::UnreadableFile;
pub use unused_suppression::UnusedSuppression;
pub use wasm_invalid::WasmInvalid;
pub use yaml_syntax::YamlSyntax;

pub static RULES: &[&dyn Rule] = &[
    &YamlSyntax,
    &DockerfileSyntax,
    &TomlSyntax,
    &JsonSyntax,
    &RustSyntax,
    &WasmInvalid,
    &FileTooLarge,
    &BinaryFile,
    &InvalidUtf8,
    &UnreadableFile,
    &KustomizeUnresolved,
    &UnusedSuppression,
    &InvalidSuppression,
];

/// The rule an input problem is reported under.
pub fn rule_for(kind: ErrorKind) -> &'static RuleMeta {
    match kind {
        ErrorKind::Yaml => &YamlSyntax::META,
        ErrorKind::Dockerfile => &DockerfileSyntax::META,
        ErrorKind::Toml => &TomlSyntax::META,
        ErrorKind::Json => &JsonSyntax::META,
        ErrorKind::Rust => &RustSyntax::META,
        ErrorKind::Wasm => &WasmInvalid::META,
        ErrorKind::TooLarge => &FileTooLarge::META,
        ErrorKind::Binary => &BinaryFile::META,
        ErrorKind::InvalidUtf8 => &InvalidUtf8::META,
        ErrorKind::Io => &UnreadableFile::META,
        ErrorKind::Kustomize => &KustomizeUnresolved::META,
    }
}
