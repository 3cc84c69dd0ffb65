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
///
/// Lines longer than [`CHECKPOINT`] bytes carry checkpoints (byte offset, characters since the
/// line's start) every [`CHECKPOINT`] bytes, so resolving a position costs O(log n + CHECKPOINT)
/// however long the line: a 4 MiB one-line manifest with thousands of findings used to count
/// characters from the line's start for each of them.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// (byte offset, characters from its line's start), sorted by offset; only inside long lines.
    checkpoints: Vec<(usize, usize)>,
}

/// Bytes between checkpoints in a long line.
pub const CHECKPOINT: usize = 4096;

/// A resolved position: 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        let mut checkpoints = Vec::new();
        let mut chars = 0;
        let mut next_checkpoint = CHECKPOINT;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i + 1);
                chars = 0;
                next_checkpoint = i + 1 + CHECKPOINT;
                continue;
            }
            let starts_char = (b & 0xC0) != 0x80;
            if starts_char {
                if i >= next_checkpoint {
                    checkpoints.push((i, chars));
                    next_checkpoint = i + CHECKPOINT;
                }
                chars += 1;
            }
        }
        LineIndex {
            line_starts,
            checkpoints,
        }
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
        let (from, before) = self.checkpoint_before(start, end);
        let column = before + text[from..end].chars().count() + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// The byte offset of the 1-based `line` and `column` (the inverse of [`Self::line_col`]);
    /// a column past the line's end gives the line's end.
    pub fn offset_of(&self, text: &str, line: usize, column: usize) -> usize {
        let start = self.line_start(line).min(text.len());
        let end = self.line_end(text, line);
        let want = column.saturating_sub(1);
        // The last checkpoint of this line at or before the wanted character.
        let lo = self.checkpoints.partition_point(|&(o, _)| o < start);
        let hi = self.checkpoints.partition_point(|&(o, _)| o < end);
        let (from, mut chars) = self.checkpoints[lo..hi]
            .iter()
            .take_while(|&&(_, c)| c <= want)
            .last()
            .copied()
            .unwrap_or((start, 0));
        for (b, _) in text[from..end].char_indices() {
            if chars == want {
                return from + b;
            }
            chars += 1;
        }
        end
    }

    /// Byte offset where the 1-based `line` starts (clamped to the last line).
    pub fn line_start(&self, line: usize) -> usize {
        let i = line.saturating_sub(1).min(self.line_starts.len() - 1);
        self.line_starts[i]
    }

    /// Byte offset where the 1-based `line`'s text ends (before its newline and any `\r`).
    pub fn line_end(&self, text: &str, line: usize) -> usize {
        let i = line.saturating_sub(1).min(self.line_starts.len() - 1);
        let mut end = match self.line_starts.get(i + 1) {
            Some(next) => next - 1,
            None => text.len(),
        };
        end = end.min(text.len());
        if end > self.line_starts[i] && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        end
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The last checkpoint in `[line_start, offset]`, or the line's start.
    fn checkpoint_before(&self, line_start: usize, offset: usize) -> (usize, usize) {
        let i = self.checkpoints.partition_point(|&(o, _)| o <= offset);
        match i.checked_sub(1).map(|j| self.checkpoints[j]) {
            Some((o, c)) if o >= line_start => (o, c),
            _ => (line_start, 0),
        }
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
    fn long_lines_resolve_through_checkpoints_both_ways() {
        // Multi-byte characters straddle checkpoint boundaries; compare with a plain count.
        let line: String = (0..20_000)
            .map(|i| if i % 7 == 0 { 'é' } else { 'a' })
            .collect();
        let text = format!("first\n{line}\r\nlast é\n");
        let idx = LineIndex::new(&text);
        for (col, (b, _)) in line.char_indices().enumerate().step_by(997) {
            let offset = 6 + b;
            let at = idx.line_col(&text, offset);
            assert_eq!(
                at,
                LineCol {
                    line: 2,
                    column: col + 1
                }
            );
            assert_eq!(idx.offset_of(&text, 2, col + 1), offset);
        }
        assert_eq!(idx.line_end(&text, 2), 6 + line.len());
        assert_eq!(idx.offset_of(&text, 2, 1_000_000), 6 + line.len());
        let last = text.rfind('é').unwrap();
        assert_eq!(idx.line_col(&text, last), LineCol { line: 3, column: 6 });
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "# é\né: x\n";
        let idx = LineIndex::new(text);
        let at = text.rfind('x').unwrap();
        assert_eq!(idx.line_col(text, at), LineCol { line: 2, column: 4 });
    }
}
