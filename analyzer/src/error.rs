//! Problems with input files: each becomes an entry in the report's `errors` and a `WM9xx` finding.

use crate::source::FileId;
use crate::span::Span;

/// What went wrong with a file. The rules crate maps each kind to its `WM9xx` rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorKind {
    /// YAML that does not parse (syntax, nesting too deep, unknown alias).
    Yaml,
    /// A Dockerfile that cannot be read as one.
    Dockerfile,
    /// A TOML file (Cargo.toml, Cargo.lock, config) that does not parse.
    Toml,
    /// A JSON file (`Pipfile.lock`) that does not parse.
    Json,
    /// A Rust source file that `syn` cannot parse.
    Rust,
    /// A `.wasm` file that is not a valid module or component.
    Wasm,
    /// A file over the size limit for its kind; skipped.
    TooLarge,
    /// A file that should be text but holds NUL bytes; skipped.
    Binary,
    /// A text file that is not UTF-8; skipped.
    InvalidUtf8,
    /// A file or directory that could not be read (permissions, symlink loop, link out of the root).
    Io,
    /// A kustomization that refers to something that cannot be resolved.
    Kustomize,
}

/// Something worth telling the user that is neither a finding nor an error (a Helm chart that is
/// not rendered, a symlink not followed, kustomize patches not applied).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub path: String,
    pub location: Option<(FileId, Span)>,
    pub message: String,
}

/// A file the scan could not (fully) use. `span` is set when the position is known.
#[derive(Clone, Debug)]
pub struct FileError {
    pub path: String,
    pub file: Option<FileId>,
    pub kind: ErrorKind,
    pub message: String,
    pub span: Option<Span>,
}

impl FileError {
    pub fn new(path: impl Into<String>, kind: ErrorKind, message: impl Into<String>) -> Self {
        FileError {
            path: path.into(),
            file: None,
            kind,
            message: message.into(),
            span: None,
        }
    }

    pub fn at(mut self, file: FileId, span: Span) -> Self {
        self.file = Some(file);
        self.span = Some(span);
        self
    }

    pub fn in_file(mut self, file: FileId) -> Self {
        self.file = Some(file);
        self
    }
}

/// Map a `toml` parse error into a message and a span (any front-end reading TOML: Cargo
/// manifests and locks, Python lockfiles).
pub(crate) fn toml_error_parts(e: &toml::de::Error, len: usize) -> (String, Span) {
    let msg = e.message().trim().to_string();
    let span = e
        .span()
        .map(|r| Span::new(r.start.min(len), r.end.min(len)))
        .unwrap_or_default();
    (msg, span)
}
