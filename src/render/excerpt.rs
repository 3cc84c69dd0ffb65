//! Bounded, escaped source excerpts for miette diagnostics, and escaping of every other string the
//! human output prints.
//!
//! A scanned file is hostile input: a 4 MiB one-line Pod, a `RUN` line of 70,000 columns, names
//! holding `ESC ] 8 ;;` (an OSC-8 hyperlink) or raw ESC bytes. Handing miette the whole file made
//! every snippet repeat the whole line (gigabytes of output) and panicked past column 65,535
//! ("Formatting argument out of range"); raw control characters reached the terminal. An
//! [`Excerpt`] holds only the lines around a span, each cut to a window of [`WINDOW`] characters
//! around the span's start, with control characters escaped, so a diagnostic costs O(window)
//! whatever the file, and the location header (`file:line:column`) stays exact.

use std::borrow::Cow;

use analyzer::span::LineIndex;
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// Characters of a line shown around a span.
pub const WINDOW: usize = 160;
/// Characters shown before the span's start when the line is cut.
const LEAD: usize = 40;
/// Lines of a multi-line span shown (the label is cut after them).
const MAX_SPAN_LINES: usize = 8;
/// Longest message or help text printed as is.
pub const MAX_MESSAGE: usize = 600;

/// The lines around a span, ready for miette: `name` is `file:line:column` of the span's start
/// (the header prints it as is), line numbers in the gutter are the file's.
#[derive(Debug)]
pub struct Excerpt {
    name: String,
    text: String,
    /// 1-based file line of the excerpt's first line.
    first_line: usize,
    /// The span inside `text`: offset and length.
    span: (usize, usize),
}

impl Excerpt {
    /// An excerpt of `text` (of file `file`) around the bytes `start..end`. `None` only for an
    /// empty file.
    pub fn new(file: &str, text: &str, start: usize, end: usize) -> Option<Excerpt> {
        Self::with_index(file, text, &LineIndex::new(text), start, end)
    }

    /// [`Excerpt::new`] with the file's line index, so building one costs O(column + window).
    pub fn with_index(
        file: &str,
        text: &str,
        lines: &LineIndex,
        start: usize,
        end: usize,
    ) -> Option<Excerpt> {
        if text.is_empty() {
            return None;
        }
        let start = floor_boundary(text, start.min(text.len()));
        let end = floor_boundary(text, end.clamp(start, text.len()));
        let at = lines.line_col(text, start);
        let end_at = lines.line_col(text, end);
        let last_span_line = end_at.line.min(at.line + MAX_SPAN_LINES - 1);
        let first_line = at.line.saturating_sub(1).max(1);
        let last_line = (last_span_line + 1).min(lines.line_count());
        // One window for every line, so the lines stay aligned; lines are cut on the left only
        // when the span starts too far right to show from column 1.
        let left = if at.column <= WINDOW - LEAD {
            0
        } else {
            at.column - 1 - LEAD
        };
        let mut out = String::new();
        let (mut span_start, mut span_end) = (None, None);
        for line in first_line..=last_line {
            // Straight to the window through the index: O(window) per line, however long it is.
            let from = lines.offset_of(text, line, left + 1);
            let line_end = lines.line_end(text, line).max(from);
            if left > 0 {
                out.push('…');
            }
            let mut cut_right = false;
            for (shown, (b, c)) in text[from..line_end].char_indices().enumerate() {
                let offset = from + b;
                if shown == WINDOW {
                    cut_right = true;
                    break;
                }
                if offset == start && span_start.is_none() {
                    span_start = Some(out.len());
                }
                if offset == end && line <= last_span_line && span_end.is_none() {
                    span_end = Some(out.len());
                }
                push_escaped(&mut out, c);
            }
            if line == at.line && span_start.is_none() {
                span_start = Some(out.len());
            }
            if line == last_span_line && span_end.is_none() {
                span_end = Some(out.len());
            }
            if cut_right {
                out.push('…');
            }
            out.push('\n');
        }
        let s = span_start.unwrap_or(0);
        let e = span_end.unwrap_or(s).max(s);
        Some(Excerpt {
            name: format!("{}:{}:{}", sanitize(file), at.line, at.column),
            text: out,
            first_line,
            span: (s, e - s),
        })
    }

    /// The span inside the excerpt: offset and length, for the diagnostic's label.
    pub fn span(&self) -> (usize, usize) {
        self.span
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line - 1,
            inner.column(),
            inner.line_count(),
        )))
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// True for characters a terminal or log viewer would act on rather than print: C0 controls but
/// tab, DEL, C1 controls, and the invisible formatting characters that reorder or hide text
/// (bidirectional overrides and isolates, zero-width characters, the BOM).
pub fn is_hostile(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{a}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
        || matches!(
            c,
            '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}'
        )
}

fn push_escaped(out: &mut String, c: char) {
    if is_hostile(c) {
        out.push_str(&c.escape_unicode().to_string());
    } else {
        out.push(c);
    }
}

/// `s` with every hostile character (newlines included) written as `\u{..}`: for names, paths,
/// ids and anything else that must print on one line.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hostile) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// A message or help text: newlines kept (ours have them), every other hostile character
/// escaped, and cut after [`MAX_MESSAGE`] characters (messages quote names and values of the
/// scanned files).
pub fn bounded_message(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == MAX_MESSAGE {
            out.push_str("… (cut)");
            break;
        }
        if c == '\n' {
            out.push(c);
        } else {
            push_escaped(&mut out, c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_line_is_shown_whole_and_exact() {
        let text = "a: 1\nb: hostNetwork\nc: 3\n";
        let start = text.find("hostNetwork").unwrap();
        let e = Excerpt::new("k.yaml", text, start, start + 11).unwrap();
        assert_eq!(e.name, "k.yaml:2:4");
        assert_eq!(e.text, "a: 1\nb: hostNetwork\nc: 3\n");
        assert_eq!(&e.text[e.span.0..e.span.0 + e.span.1], "hostNetwork");
        assert_eq!(e.first_line, 1);
    }

    #[test]
    fn a_long_line_is_cut_around_the_span() {
        let mut text = "x".repeat(70_000);
        text.push_str("privileged: true");
        text.push_str(&"y".repeat(70_000));
        let start = text.find("privileged").unwrap();
        let e = Excerpt::new("pod.yaml", &text, start, start + 10).unwrap();
        assert_eq!(e.name, "pod.yaml:1:70001");
        assert!(e.text.chars().count() <= WINDOW + 3, "{}", e.text.len());
        assert_eq!(&e.text[e.span.0..e.span.0 + e.span.1], "privileged");
        assert!(e.text.starts_with('…') && e.text.ends_with("…\n"));
    }

    #[test]
    fn control_characters_are_escaped_and_the_span_follows_them() {
        let text = "name: \u{1b}]8;;http://evil.example/\u{7}x\u{1b}[2J\n";
        let start = text.find("\u{7}x").unwrap() + 1;
        let e = Excerpt::new("a\u{1b}b.yaml", text, start, start + 1).unwrap();
        assert!(!e.text.contains('\u{1b}') && !e.text.contains('\u{7}'));
        assert!(e.text.contains("\\u{1b}]8;;http://evil.example/\\u{7}x"));
        assert_eq!(&e.text[e.span.0..e.span.0 + e.span.1], "x");
        assert_eq!(e.name, "a\\u{1b}b.yaml:1:33");
    }

    #[test]
    fn a_long_multi_line_span_is_cut_after_a_few_lines() {
        let text: String = (0..1000).map(|i| format!("line {i}\n")).collect();
        let e = Excerpt::new("f", &text, 0, text.len()).unwrap();
        assert_eq!(e.text.lines().count(), MAX_SPAN_LINES + 1);
    }

    #[test]
    fn messages_are_bounded_and_escaped() {
        assert_eq!(sanitize("ok"), "ok");
        assert_eq!(sanitize("a\nb"), "a\\u{a}b");
        assert_eq!(bounded_message("a\nb\u{9b}"), "a\nb\\u{9b}");
        let long = bounded_message(&"z".repeat(10_000));
        assert!(long.len() < MAX_MESSAGE + 20);
    }
}
