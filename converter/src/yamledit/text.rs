//! Line geometry of the original text: line starts, columns, the file's line break and BOM, and
//! the rule that decides which trailing comment lines belong to a collection.

use super::error::EditError;

pub(crate) struct Text<'a> {
    pub s: &'a str,
    /// Length of a UTF-8 byte order mark at the start (0 or 3); column 0 of line 1 is after it.
    pub bom: usize,
    /// The line break new lines are written with: the one that ends the file's first line.
    pub nl: &'static str,
}

impl<'a> Text<'a> {
    pub fn new(s: &'a str) -> Self {
        let bom = if s.starts_with('\u{feff}') { 3 } else { 0 };
        let nl = match s.find('\n') {
            Some(i) if i > 0 && s.as_bytes().get(i - 1) == Some(&b'\r') => "\r\n",
            _ => "\n",
        };
        Text { s, bom, nl }
    }

    fn bytes(&self) -> &'a [u8] {
        self.s.as_bytes()
    }

    /// Start of the line holding `pos`.
    pub fn line_start(&self, pos: usize) -> usize {
        let pos = pos.min(self.s.len());
        let start = self.bytes()[..pos]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        if start == 0 { self.bom.min(pos) } else { start }
    }

    /// Start of the line after the one holding `pos` (the text's end on the last line).
    pub fn next_line(&self, pos: usize) -> usize {
        let pos = pos.min(self.s.len());
        self.bytes()[pos..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(self.s.len(), |i| pos + i + 1)
    }

    /// End of the line holding `pos`, before its line break.
    pub fn line_content_end(&self, pos: usize) -> usize {
        if pos > 0 && self.bytes().get(pos - 1) == Some(&b'\n') {
            return pos;
        }
        let next = self.next_line(pos);
        let body = &self.s[pos.min(next)..next];
        pos.min(next) + body.trim_end_matches(['\n', '\r']).len()
    }

    /// Start of the line after the one `end` finishes: `end` itself when it already is a line
    /// start (a block scalar's span ends after its line break).
    pub fn after_line(&self, end: usize) -> usize {
        if end > 0 && self.bytes().get(end - 1) == Some(&b'\n') {
            end.min(self.s.len())
        } else {
            self.next_line(end)
        }
    }

    /// 1-based line number of `pos`, for messages.
    pub fn line_no(&self, pos: usize) -> usize {
        let pos = pos.min(self.s.len());
        self.bytes()[..pos].iter().filter(|b| **b == b'\n').count() + 1
    }

    /// Column (bytes from the line start) of `pos`; a tab before it on its line is an error
    /// because the column would not be the indentation YAML sees.
    pub fn col(&self, pos: usize) -> Result<usize, EditError> {
        let start = self.line_start(pos);
        let prefix = &self.bytes()[start..pos.min(self.s.len()).max(start)];
        if prefix.contains(&b'\t') {
            return Err(EditError::Tab {
                line: self.line_no(pos),
            });
        }
        Ok(prefix.len())
    }

    /// True when only spaces precede `pos` on its line.
    pub fn starts_line(&self, pos: usize) -> bool {
        let start = self.line_start(pos);
        self.bytes()[start..pos.min(self.s.len()).max(start)]
            .iter()
            .all(|b| *b == b' ')
    }

    /// Where lines may be inserted after a collection whose last entry ends at `end`, for a
    /// collection whose keys (or dashes) sit at column `indent`. See the module docs for the rule.
    pub fn insertion_point(&self, end: usize, indent: usize) -> usize {
        let mut pos = self.after_line(end);
        let mut cand = pos;
        let mut blank_seen = false;
        while pos < self.s.len() {
            let next = self.next_line(pos);
            let line = &self.s[pos..next];
            let body = line.trim_end_matches(['\n', '\r']);
            let trimmed = body.trim_start_matches(' ');
            let ind = body.len() - trimmed.len();
            if trimmed.trim().is_empty() {
                blank_seen = true;
            } else if trimmed.starts_with('#') && (ind > indent || (ind == indent && !blank_seen)) {
                cand = next;
                blank_seen = false;
            } else {
                break;
            }
            pos = next;
        }
        cand
    }

    pub fn ends_with_newline(&self) -> bool {
        self.s.ends_with('\n')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newline_and_bom_detection() {
        let t = Text::new("a: 1\r\nb: 2\r\n");
        assert_eq!(t.nl, "\r\n");
        let t = Text::new("\u{feff}a: 1\n");
        assert_eq!((t.bom, t.nl), (3, "\n"));
        assert_eq!(t.col(3).ok(), Some(0));
        assert_eq!(t.line_start(4), 3);
    }

    #[test]
    fn tabs_in_indentation_are_refused() {
        let t = Text::new("a:\n\tb: 1\n");
        assert_eq!(t.col(4), Err(EditError::Tab { line: 2 }));
    }

    #[test]
    fn comment_ownership_rule() {
        let s = "m:\n  a: 1 # own line\n  # belongs to m\n    # deeper, belongs\n\n  # after blank, same col: next\nz: 1\n";
        let t = Text::new(s);
        let end = s.find("1 #").unwrap() + 1;
        let p = t.insertion_point(end, 2);
        assert_eq!(&s[p..], "\n  # after blank, same col: next\nz: 1\n");
        let s2 = "m:\n  a: 1\n# next key's comment\nz: 1\n";
        let t2 = Text::new(s2);
        let p2 = t2.insertion_point(s2.find("1\n").unwrap() + 1, 2);
        assert_eq!(&s2[p2..], "# next key's comment\nz: 1\n");
        let s3 = "m:\n  a: 1\n\n    # deeper after blank\nz: 1\n";
        let t3 = Text::new(s3);
        let p3 = t3.insertion_point(s3.find("1\n").unwrap() + 1, 2);
        assert_eq!(&s3[p3..], "z: 1\n");
    }
}
