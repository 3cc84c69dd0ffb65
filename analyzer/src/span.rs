//! Byte spans and the one place where byte offsets become 1-based lines and columns.
//!
//! Every front-end records byte ranges into the original text; rules report those ranges and the
//! engine resolves them here, so line numbers are computed in exactly one way across all formats.

use serde::{Deserialize, Serialize};

/// A half-open byte range `[start, end)` into a [`SourceFile`](crate::source::SourceFile)'s text.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Shift a span found in a substring that starts at `offset` of the file.
    pub fn offset(self, offset: usize) -> Span {
        Span::new(self.start + offset, self.end + offset)
    }
}

/// Maps byte offsets to 1-based line and column numbers. Columns count Unicode scalar values
/// (SARIF `columnKind: unicodeCodePoints`), so a non-ASCII character before a key counts as one.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

/// A resolved position: 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { line_starts }
    }

    /// The 1-based line and column of `offset`. Offsets past the end clamp to the end, and an
    /// offset inside a multi-byte character resolves to that character.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = offset.min(text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let mut end = offset;
        while end > start && !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = text[start..end].chars().count() + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// Byte offset where the 1-based `line` starts (clamped to the last line).
    pub fn line_start(&self, line: usize) -> usize {
        let i = line.saturating_sub(1).min(self.line_starts.len() - 1);
        self.line_starts[i]
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_lines_and_columns() {
        let text = "a: 1\n  hostNetwork: true\n";
        let idx = LineIndex::new(text);
        let at = text.find("hostNetwork").unwrap();
        assert_eq!(idx.line_col(text, at), LineCol { line: 2, column: 3 });
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 999), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "# é\né: x\n";
        let idx = LineIndex::new(text);
        let at = text.rfind('x').unwrap();
        assert_eq!(idx.line_col(text, at), LineCol { line: 2, column: 4 });
    }
}
