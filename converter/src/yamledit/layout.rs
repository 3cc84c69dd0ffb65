//! Where each node really sits in the text, computed from leaf spans and the bytes around them.
//!
//! The parser's collection spans are not trusted for edits: a compact block sequence's span starts
//! at its first item (after the dash), an anchored flow collection is reported as block and ends
//! before its bracket, and a flow collection with a trailing comma ends at the comma. So ends are
//! derived from the last descendant, dashes and colons are found by scanning, closing brackets are
//! found by scanning, and properties (`&anchor`, `!tag`) are read from the text.
//! This module also detects a document's indentation unit and sequence style.

use std::collections::HashMap;

use analyzer::yaml::{NodeId, Style, Value, YamlDoc};

use super::error::EditError;
use super::route::Route;
use super::text::Text;

pub(crate) struct Layout<'a> {
    pub t: &'a Text<'a>,
    pub doc: &'a YamlDoc,
}

/// A node's properties as written.
pub(crate) struct Props {
    pub anchor: Option<String>,
    /// First byte after the properties: the scalar token, `[`, `{`, a key, or a dash.
    pub content_start: usize,
}

/// The indentation conventions of one document, detected from its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DocStyle {
    /// Columns a nested mapping is indented under its key (2 or 4 in practice).
    pub unit: usize,
    /// Columns a block sequence's dashes are indented under its key: 0 for the compact style
    /// (`containers:\n- name: x`), usually 2 for the indented one.
    pub seq_indent: usize,
}

impl Default for DocStyle {
    /// Used when a document gives no evidence: 2-space indentation and indented sequences, as in
    /// the Kubernetes documentation's examples.
    fn default() -> Self {
        DocStyle {
            unit: 2,
            seq_indent: 2,
        }
    }
}

fn unsupported(detail: impl Into<String>) -> EditError {
    EditError::Unsupported {
        doc: 0,
        route: Route::root(),
        detail: detail.into(),
    }
}

impl<'a> Layout<'a> {
    pub fn new(t: &'a Text<'a>, doc: &'a YamlDoc) -> Self {
        Layout { t, doc }
    }

    fn b(&self, pos: usize) -> Option<u8> {
        self.t.s.as_bytes().get(pos).copied()
    }

    pub fn value(&self, id: NodeId) -> &'a Value {
        &self.doc.node(id).value
    }

    pub fn entries(&self, id: NodeId) -> &'a [(NodeId, NodeId)] {
        match self.value(id) {
            Value::Map { entries, .. } => entries,
            _ => &[],
        }
    }

    pub fn items(&self, id: NodeId) -> &'a [NodeId] {
        match self.value(id) {
            Value::Seq { items, .. } => items,
            _ => &[],
        }
    }

    pub fn key_text(&self, k: NodeId) -> Option<&'a str> {
        match self.value(k) {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    fn skip_space(&self, mut pos: usize, newlines: bool) -> usize {
        while let Some(c) = self.b(pos) {
            match c {
                b' ' | b'\t' => pos += 1,
                b'\r' | b'\n' if newlines => pos += 1,
                b'#' if newlines => pos = self.t.next_line(pos),
                _ => break,
            }
        }
        pos
    }

    /// Properties start the node's span when present (scalars and anchored collections). The
    /// parser also starts a compact sequence's span at its first item, and a block mapping's at
    /// its first key, so properties found there belong to that item or key, not to the node.
    pub fn props(&self, id: NodeId) -> Props {
        let node = self.doc.node(id);
        let start = node.span.start;
        let is_scalar = matches!(node.value, Value::Scalar { .. } | Value::Alias(_));
        let mut pos = start;
        let mut anchor = None;
        while let Some(c @ (b'&' | b'!')) = self.b(pos) {
            let tok_end = self.t.s[pos..]
                .find(|ch: char| ch.is_whitespace() || matches!(ch, ',' | '[' | ']' | '{' | '}'))
                .map_or(self.t.s.len(), |i| pos + i);
            if c == b'&' {
                anchor = Some(self.t.s[pos + 1..tok_end].to_string());
            }
            pos = self.skip_space(tok_end, !is_scalar);
        }
        let own = match &node.value {
            Value::Seq { items, .. } => {
                let first = items.first().map(|i| self.doc.node(*i).span.start);
                let flow = self.b(pos) == Some(b'[') && first.is_none_or(|f| pos < f);
                flow || first.is_none_or(|f| f > start)
            }
            Value::Map { entries, .. } => {
                let first = entries.first().map(|(k, _)| self.doc.node(*k).span.start);
                let flow = self.b(pos) == Some(b'{') && first.is_none_or(|f| pos < f);
                flow || first.is_none_or(|f| self.t.line_start(f) > start)
            }
            _ => true,
        };
        if own {
            Props {
                anchor,
                content_start: pos,
            }
        } else {
            Props {
                anchor: None,
                content_start: start,
            }
        }
    }

    pub fn is_flow(&self, id: NodeId) -> bool {
        let cs = self.props(id).content_start;
        match self.value(id) {
            Value::Seq { items, .. } => {
                self.b(cs) == Some(b'[')
                    && items
                        .first()
                        .is_none_or(|i| cs < self.doc.node(*i).span.start)
            }
            Value::Map { entries, .. } => {
                self.b(cs) == Some(b'{')
                    && entries
                        .first()
                        .is_none_or(|(k, _)| cs < self.doc.node(*k).span.start)
            }
            _ => false,
        }
    }

    /// The byte just after the node's last character (block scalars: after their last content
    /// line's text, unless trailing blank lines are part of the value).
    pub fn end(&self, id: NodeId) -> Result<usize, EditError> {
        let mut cur = id;
        // Iterative walk down the last child: no input nests deep enough to matter, but a loop
        // cannot overflow the stack.
        for _ in 0..=analyzer::yaml::MAX_DEPTH + 1 {
            let node = self.doc.node(cur);
            match &node.value {
                Value::Scalar {
                    text,
                    style: Style::Literal | Style::Folded,
                } => {
                    if text.ends_with("\n\n") {
                        return Ok(node.span.end);
                    }
                    let body = &self.t.s[node.span.start..node.span.end.min(self.t.s.len())];
                    return Ok(node.span.start + body.trim_end().len());
                }
                Value::Scalar { .. } | Value::Alias(_) => return Ok(node.span.end),
                Value::Seq { .. } | Value::Map { .. } if self.is_flow(cur) => {
                    return Ok(self.flow_close(cur)? + 1);
                }
                Value::Seq { items, .. } => match items.last() {
                    Some(i) => cur = *i,
                    None => return Ok(node.span.end),
                },
                Value::Map { entries, .. } => match entries.last() {
                    Some((_, v)) => cur = *v,
                    None => return Ok(node.span.end),
                },
            }
        }
        Err(unsupported("nesting too deep"))
    }

    /// Position of the `]` or `}` closing a flow collection.
    pub fn flow_close(&self, id: NodeId) -> Result<usize, EditError> {
        let last_child = match self.value(id) {
            Value::Seq { items, .. } => items.last().copied(),
            Value::Map { entries, .. } => entries.last().map(|(_, v)| *v),
            _ => None,
        };
        let mut pos = match last_child {
            Some(c) => self.end(c)?,
            None => self.props(id).content_start + 1,
        };
        loop {
            pos = self.skip_space(pos, true);
            match self.b(pos) {
                Some(b',') => pos += 1,
                Some(b']' | b'}') => return Ok(pos),
                _ => return Err(unsupported("cannot find the end of a flow collection")),
            }
        }
    }

    /// The `:` after a mapping key.
    pub fn colon_after(&self, key: NodeId) -> Result<usize, EditError> {
        let pos = self.skip_space(self.doc.node(key).span.end, false);
        match self.b(pos) {
            Some(b':') => Ok(pos),
            _ => Err(unsupported(
                "a mapping key that is not followed by `:` (complex `?` keys are not supported)",
            )),
        }
    }

    /// The `-` of a block sequence item.
    pub fn dash_of(&self, item: NodeId) -> Result<usize, EditError> {
        let mut pos = self.doc.node(item).span.start;
        while pos > 0 {
            pos -= 1;
            match self.b(pos) {
                Some(b' ' | b'\r' | b'\n') => {}
                Some(b'-') => return Ok(pos),
                _ => break,
            }
        }
        Err(unsupported("cannot find the dash of a sequence item"))
    }

    /// Column of a block mapping's keys (a mapping with complex `? key` entries is refused:
    /// the column of its first key is not the column of its entries).
    pub fn map_col(&self, id: NodeId) -> Result<usize, EditError> {
        match self.entries(id).first() {
            Some((k, _)) => {
                self.colon_after(*k)?;
                self.t.col(self.doc.node(*k).span.start)
            }
            None => Err(unsupported("an empty block mapping")),
        }
    }

    /// Column of a block sequence's dashes.
    pub fn seq_col(&self, id: NodeId) -> Result<usize, EditError> {
        match self.items(id).first() {
            Some(i) => self.t.col(self.dash_of(*i)?),
            None => Err(unsupported("an empty block sequence")),
        }
    }

    /// Detect the document's indentation unit and sequence style from its nested block nodes;
    /// the most frequent value wins, ties go to the smaller one.
    pub fn style(&self) -> DocStyle {
        let mut units: HashMap<usize, usize> = HashMap::new();
        let mut seqs: HashMap<usize, usize> = HashMap::new();
        let Some(root) = self.doc.root() else {
            return DocStyle::default();
        };
        let mut stack = vec![root.id];
        let mut seen = 0usize;
        while let Some(id) = stack.pop() {
            seen += 1;
            if seen > 100_000 {
                break;
            }
            match self.value(id) {
                Value::Map { entries, .. } => {
                    for (k, v) in entries {
                        stack.push(*v);
                        if self.is_flow(*v) {
                            continue;
                        }
                        let Ok(kcol) = self.t.col(self.doc.node(*k).span.start) else {
                            continue;
                        };
                        match self.value(*v) {
                            Value::Map { entries: inner, .. } => {
                                if let Some((ik, _)) = inner.first() {
                                    let p = self.doc.node(*ik).span.start;
                                    if let (true, Ok(c)) = (self.t.starts_line(p), self.t.col(p))
                                        && c > kcol
                                    {
                                        *units.entry(c - kcol).or_default() += 1;
                                    }
                                }
                            }
                            Value::Seq { .. } => {
                                if let Ok(c) = self.seq_col(*v)
                                    && c >= kcol
                                {
                                    *seqs.entry(c - kcol).or_default() += 1;
                                }
                            }
                            _ => {}
                        }
                    }
                }
                Value::Seq { items, .. } => stack.extend(items.iter().copied()),
                _ => {}
            }
        }
        let pick = |h: &HashMap<usize, usize>| {
            h.iter()
                .max_by_key(|(v, n)| (**n, std::cmp::Reverse(**v)))
                .map(|(v, _)| *v)
        };
        let unit = pick(&units).unwrap_or(2);
        DocStyle {
            unit,
            seq_indent: pick(&seqs).unwrap_or(unit),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use analyzer::yaml;

    fn style_of(s: &str) -> DocStyle {
        let t = Text::new(s);
        let st = yaml::parse(s);
        Layout::new(&t, &st.docs[0]).style()
    }

    #[test]
    fn detects_indentation_and_sequence_style() {
        assert_eq!(
            style_of("a:\n  b:\n    c: 1\n  d:\n  - x\n"),
            DocStyle {
                unit: 2,
                seq_indent: 0
            }
        );
        assert_eq!(
            style_of("a:\n    b:\n        c: 1\n    d:\n        - x\n"),
            DocStyle {
                unit: 4,
                seq_indent: 4
            }
        );
        assert_eq!(
            style_of("a:\n  b:\n    - x\n"),
            DocStyle {
                unit: 2,
                seq_indent: 2
            }
        );
        assert_eq!(style_of("a: 1\n"), DocStyle::default());
    }

    #[test]
    fn ends_and_brackets_are_found_in_the_text() {
        let s = "a: &x [1, 2]\nb: {c: 1, d: [x,\n   y],}\nz:\r\n- 2\n";
        let t = Text::new(s);
        let st = yaml::parse(s);
        let l = Layout::new(&t, &st.docs[0]);
        let root = st.docs[0].root().unwrap();
        let a = root.get("a").unwrap().id;
        assert!(l.is_flow(a));
        assert_eq!(l.props(a).anchor.as_deref(), Some("x"));
        assert_eq!(&s[..l.end(a).unwrap()], "a: &x [1, 2]");
        let b = root.get("b").unwrap().id;
        assert!(l.is_flow(b));
        assert_eq!(
            &s[..l.end(b).unwrap()],
            "a: &x [1, 2]\nb: {c: 1, d: [x,\n   y],}"
        );
        let z = root.get("z").unwrap().id;
        assert!(!l.is_flow(z));
        assert!(l.props(z).anchor.is_none());
        assert_eq!(l.seq_col(z).unwrap(), 0);
    }
}
