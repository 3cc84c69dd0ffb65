//! Source files as the analyzer sees them: repo-relative path, text, and a line index.

use std::sync::Arc;

use crate::span::{LineCol, LineIndex, Span};

/// Index of a file in [`crate::Repo::files`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// One file of the scanned repository. `path` is repo-relative with `/` separators.
#[derive(Debug)]
pub struct SourceFile {
    pub id: FileId,
    pub path: String,
    pub text: Arc<str>,
    lines: LineIndex,
}

/// A resolved, 1-based region of a file (the wire format of every finding location).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Region {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl SourceFile {
    pub fn new(id: FileId, path: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let text = text.into();
        let lines = LineIndex::new(&text);
        SourceFile {
            id,
            path: path.into(),
            text,
            lines,
        }
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        self.lines.line_col(&self.text, offset)
    }

    pub fn region(&self, span: Span) -> Region {
        let start = self.line_col(span.start);
        let end = self.line_col(span.end.max(span.start));
        Region {
            file: self.path.clone(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start.min(self.text.len())..span.end.min(self.text.len()))
            .unwrap_or("")
    }

    /// The full text of the 1-based `line`, without its newline.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.lines.line_start(line).min(self.text.len());
        let end = self.lines.line_end(&self.text, line).max(start);
        &self.text[start..end]
    }

    pub fn line_index(&self) -> &LineIndex {
        &self.lines
    }
}
