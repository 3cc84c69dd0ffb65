//! A YAML tree that remembers where every node came from.
//!
//! Built from `saphyr-parser` events (the maintained continuation of yaml-rust2's parser) so each
//! node keeps its byte span in the original text: rules point at the exact key, and the converter
//! edits the original bytes instead of re-serializing. Hostile input is bounded here: aliases are
//! never expanded (an alias is a reference to its anchored node, so an alias bomb costs nothing),
//! nesting deeper than [`MAX_DEPTH`] stops the file with an error, and the tree builder is
//! iterative, so no input can overflow the stack.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as YSpan};

use crate::span::Span;

/// Deepest nesting of collections accepted in one document. Real manifests stay under 30.
pub const MAX_DEPTH: usize = 256;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NodeId(u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Clone, Debug)]
pub enum Value {
    Scalar {
        text: String,
        style: Style,
    },
    /// `flow` is true for `[a, b]`.
    Seq {
        items: Vec<NodeId>,
        flow: bool,
    },
    /// `flow` is true for `{a: 1}`.
    Map {
        entries: Vec<(NodeId, NodeId)>,
        flow: bool,
    },
    Alias(NodeId),
}

#[derive(Clone, Debug)]
pub struct Node {
    pub value: Value,
    pub span: Span,
    pub tag: Option<String>,
}

/// One document of a YAML stream.
#[derive(Debug)]
pub struct YamlDoc {
    nodes: Vec<Node>,
    root: Option<NodeId>,
    /// From the first byte of the document's content (or `---`) to the end of its last node.
    pub span: Span,
    /// Index of the document in its stream, 0-based.
    pub index: usize,
}

/// A parse error with its byte offset and 1-based line/column as the parser reported them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

/// Every document that parsed, and the error that stopped the stream if one did.
#[derive(Debug, Default)]
pub struct YamlStream {
    pub docs: Vec<YamlDoc>,
    pub error: Option<YamlError>,
}

/// saphyr-parser reports character indices; spans here are byte offsets.
struct CharToByte<'a> {
    text: &'a str,
    table: Option<Vec<u32>>,
}

impl<'a> CharToByte<'a> {
    fn new(text: &'a str) -> Self {
        let table = (!text.is_ascii()).then(|| {
            let mut t: Vec<u32> = text.char_indices().map(|(b, _)| b as u32).collect();
            t.push(text.len() as u32);
            t
        });
        CharToByte { text, table }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.table {
            None => char_index.min(self.text.len()),
            Some(t) => t.get(char_index).map_or(self.text.len(), |b| *b as usize),
        }
    }

    fn span(&self, s: &YSpan) -> Span {
        Span::new(self.byte(s.start.index()), self.byte(s.end.index()))
    }
}

enum Frame {
    Seq {
        start: usize,
        items: Vec<NodeId>,
        anchor: usize,
        tag: Option<String>,
        flow: bool,
    },
    Map {
        start: usize,
        entries: Vec<(NodeId, NodeId)>,
        pending_key: Option<NodeId>,
        anchor: usize,
        tag: Option<String>,
        flow: bool,
    },
}

/// Files up to this size get the lenient retry of [`parse`].
const LENIENT_MAX: usize = 256 * 1024;
/// Most closing brackets the lenient retry re-indents in one file.
const LENIENT_FIXES: usize = 64;

/// Parse a YAML stream. Never panics; returns what parsed before the first error.
///
/// One leniency, the one go-yaml (and so kubectl and helm) has and the YAML spec does not: a
/// flow collection whose closing `]` or `}` sits at its key's indentation (`args: [` ... `]`
/// on a line of its own). The stream is parsed again with that line indented one more space,
/// at most [`LENIENT_FIXES`] times and for files up to [`LENIENT_MAX`], and every span is moved
/// back to the text as written.
pub fn parse(text: &str) -> YamlStream {
    let first = parse_strict(text);
    if text.len() > LENIENT_MAX || !first.error.as_ref().is_some_and(|e| flow_close_at(text, e)) {
        return first;
    }
    let mut fixed = text.to_string();
    // Where spaces were inserted, in `fixed`'s offsets.
    let mut inserted: Vec<usize> = Vec::new();
    let mut stream = first;
    for _ in 0..LENIENT_FIXES {
        let Some(e) = stream.error.as_ref().filter(|e| flow_close_at(&fixed, e)) else {
            break;
        };
        let at = e.offset;
        for q in &mut inserted {
            if *q >= at {
                *q += 1;
            }
        }
        inserted.push(at);
        fixed.insert(at, ' ');
        stream = parse_strict(&fixed);
    }
    let back = |off: usize| off - inserted.iter().filter(|q| **q < off).count();
    for doc in &mut stream.docs {
        doc.map_spans(|s| Span::new(back(s.start), back(s.end)));
    }
    if let Some(e) = &mut stream.error {
        e.offset = back(e.offset).min(text.len());
        let (line, column) = line_col(text, e.offset);
        e.line = line;
        e.column = column;
    }
    stream
}

/// The error is "invalid indentation" at a `]`/`}` that opens its line (after spaces).
fn flow_close_at(text: &str, e: &YamlError) -> bool {
    let before = &text[..e.offset.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    e.message == "invalid indentation"
        && matches!(text.as_bytes().get(e.offset), Some(b']' | b'}'))
        && before[line_start..].bytes().all(|b| b == b' ')
}

fn parse_strict(text: &str) -> YamlStream {
    let conv = CharToByte::new(text);
    let mut out = YamlStream::default();
    let mut parser = Parser::new_from_str(text);
    let mut doc: Option<(YamlDoc, HashMap<usize, NodeId>, usize)> = None;
    let mut stack: Vec<Frame> = Vec::new();

    let fail = |out: &mut YamlStream, message: String, offset: usize| {
        let (line, column) = line_col(text, offset);
        out.error = Some(YamlError {
            message,
            offset,
            line,
            column,
        });
    };

    loop {
        let (event, yspan) = match parser.next_event() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(e)) => {
                let offset = conv.byte(e.marker().index());
                fail(&mut out, e.info().to_string(), offset);
                break;
            }
        };
        let span = conv.span(&yspan);
        match event {
            Event::StreamStart | Event::Nothing => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                let index = out.docs.len();
                doc = Some((
                    YamlDoc {
                        nodes: Vec::new(),
                        root: None,
                        span: Span::new(span.start, span.start),
                        index,
                    },
                    HashMap::new(),
                    span.start,
                ));
            }
            Event::DocumentEnd => {
                if let Some((mut d, _, _)) = doc.take() {
                    if let Some(root) = d.root {
                        d.span.end = d.span.end.max(d.nodes[root.0 as usize].span.end);
                    }
                    out.docs.push(d);
                }
            }
            Event::SequenceStart(anchor, tag) => {
                if stack.len() >= MAX_DEPTH {
                    fail(
                        &mut out,
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                        span.start,
                    );
                    break;
                }
                let flow = text.as_bytes().get(span.start) == Some(&b'[');
                stack.push(Frame::Seq {
                    start: span.start,
                    items: Vec::new(),
                    anchor,
                    tag: tag.map(|t| t.to_string()),
                    flow,
                });
            }
            Event::MappingStart(anchor, tag) => {
                if stack.len() >= MAX_DEPTH {
                    fail(
                        &mut out,
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                        span.start,
                    );
                    break;
                }
                let flow = text.as_bytes().get(span.start) == Some(&b'{');
                stack.push(Frame::Map {
                    start: span.start,
                    entries: Vec::new(),
                    pending_key: None,
                    anchor,
                    tag: tag.map(|t| t.to_string()),
                    flow,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = stack.pop() else { continue };
                let Some((d, anchors, _)) = doc.as_mut() else {
                    continue;
                };
                let (value, start, anchor, tag) = match frame {
                    Frame::Seq {
                        start,
                        items,
                        anchor,
                        tag,
                        flow,
                    } => (Value::Seq { items, flow }, start, anchor, tag),
                    Frame::Map {
                        start,
                        entries,
                        anchor,
                        tag,
                        flow,
                        ..
                    } => (Value::Map { entries, flow }, start, anchor, tag),
                };
                let end = collection_end(d, &value, span, start, text);
                let id = push(
                    d,
                    Node {
                        value,
                        span: Span::new(start, end),
                        tag,
                    },
                );
                if anchor != 0 {
                    anchors.insert(anchor, id);
                }
                attach(d, &mut stack, id);
            }
            Event::Scalar(value, style, anchor, tag) => {
                let Some((d, anchors, _)) = doc.as_mut() else {
                    continue;
                };
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                let id = push(
                    d,
                    Node {
                        value: Value::Scalar {
                            text: value.into_owned(),
                            style,
                        },
                        span,
                        tag: tag.map(|t| t.to_string()),
                    },
                );
                if anchor != 0 {
                    anchors.insert(anchor, id);
                }
                attach(d, &mut stack, id);
            }
            Event::Alias(anchor) => {
                let Some((d, anchors, _)) = doc.as_mut() else {
                    continue;
                };
                let Some(target) = anchors.get(&anchor).copied() else {
                    fail(&mut out, "alias to an unknown anchor".into(), span.start);
                    break;
                };
                let id = push(
                    d,
                    Node {
                        value: Value::Alias(target),
                        span,
                        tag: None,
                    },
                );
                attach(d, &mut stack, id);
            }
        }
    }
    // A document cut short by an error still yields what parsed, so earlier objects are scanned.
    if let Some((d, _, _)) = doc.take()
        && d.root.is_some()
        && out.error.is_none()
    {
        out.docs.push(d);
    }
    out
}

fn push(d: &mut YamlDoc, node: Node) -> NodeId {
    let id = NodeId(d.nodes.len() as u32);
    d.nodes.push(node);
    id
}

fn attach(d: &mut YamlDoc, stack: &mut [Frame], id: NodeId) {
    match stack.last_mut() {
        None => {
            d.root = Some(id);
            let span = d.nodes[id.0 as usize].span;
            if d.span.start > span.start || d.span.is_empty() && d.nodes.len() == 1 {
                d.span.start = d.span.start.min(span.start);
            }
            d.span.end = d.span.end.max(span.end);
        }
        Some(Frame::Seq { items, .. }) => items.push(id),
        Some(Frame::Map {
            entries,
            pending_key,
            ..
        }) => match pending_key.take() {
            None => *pending_key = Some(id),
            Some(k) => entries.push((k, id)),
        },
    }
}

/// The end of a collection: for flow collections the closing bracket; for block collections the
/// end of their last child (the parser's end event sits at the next token, past comments).
fn collection_end(d: &YamlDoc, value: &Value, end_event: Span, start: usize, text: &str) -> usize {
    let last_child = match value {
        Value::Seq { items, .. } => items.last().map(|i| d.nodes[i.0 as usize].span.end),
        Value::Map { entries, .. } => entries.last().map(|(_, v)| d.nodes[v.0 as usize].span.end),
        _ => None,
    };
    let flow = matches!(
        value,
        Value::Seq { flow: true, .. } | Value::Map { flow: true, .. }
    );
    if flow {
        // The end event's span covers the closing bracket.
        let e = end_event.end.max(end_event.start + 1).min(text.len());
        return e.max(start);
    }
    last_child.unwrap_or(start).max(start)
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let idx = crate::span::LineIndex::new(text);
    let lc = idx.line_col(text, offset);
    (lc.line, lc.column)
}

impl YamlDoc {
    pub fn root(&self) -> Option<YRef<'_>> {
        self.root.map(|id| YRef {
            doc: self,
            id,
            key: None,
        })
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    /// Move every span through `f`: a document parsed from generated text (a rendered Helm
    /// template) points back at the file that generated it.
    pub fn map_spans(&mut self, f: impl Fn(Span) -> Span) {
        for n in &mut self.nodes {
            n.span = f(n.span);
        }
        self.span = f(self.span);
    }

    /// The node itself, or the node an alias points to.
    fn deref(&self, id: NodeId) -> NodeId {
        match self.nodes[id.0 as usize].value {
            Value::Alias(t) => t,
            _ => id,
        }
    }
}

/// A cursor into a document: a node, and the key it was reached through (for locations that
/// should cover `key: value`).
#[derive(Clone, Copy)]
pub struct YRef<'a> {
    pub doc: &'a YamlDoc,
    pub id: NodeId,
    pub key: Option<NodeId>,
}

impl std::fmt::Debug for YRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "YRef({:?} @ {:?})", self.id, self.span())
    }
}

impl<'a> YRef<'a> {
    fn resolved(&self) -> &'a Node {
        self.doc.node(self.doc.deref(self.id))
    }

    pub fn node(&self) -> &'a Node {
        self.doc.node(self.id)
    }

    /// Span of the value as written (an alias's span is the `*name` token).
    pub fn span(&self) -> Span {
        self.node().span
    }

    /// Span of the key this value was reached through, or the value's span.
    pub fn key_span(&self) -> Span {
        self.key.map_or(self.span(), |k| self.doc.node(k).span)
    }

    /// From the key to the end of the value: `hostNetwork: true`.
    pub fn entry_span(&self) -> Span {
        self.key_span().to(self.span())
    }

    pub fn is_alias(&self) -> bool {
        matches!(self.node().value, Value::Alias(_))
    }

    /// Look a key up in a mapping (following aliases and `<<` merge keys).
    pub fn get(&self, key: &str) -> Option<YRef<'a>> {
        self.get_depth(key, 0)
    }

    fn get_depth(&self, key: &str, depth: usize) -> Option<YRef<'a>> {
        let Value::Map { entries, .. } = &self.resolved().value else {
            return None;
        };
        let mut merges = Vec::new();
        for (k, v) in entries {
            match &self.doc.node(self.doc.deref(*k)).value {
                Value::Scalar { text, .. } if text == key => {
                    return Some(YRef {
                        doc: self.doc,
                        id: *v,
                        key: Some(*k),
                    });
                }
                Value::Scalar {
                    text,
                    style: Style::Plain,
                } if text == "<<" => merges.push(*v),
                _ => {}
            }
        }
        if depth > 8 {
            return None;
        }
        for m in merges {
            let mref = YRef {
                doc: self.doc,
                id: m,
                key: None,
            };
            let found = match &mref.resolved().value {
                Value::Seq { items, .. } => items.iter().find_map(|i| {
                    YRef {
                        doc: self.doc,
                        id: *i,
                        key: None,
                    }
                    .get_depth(key, depth + 1)
                }),
                _ => mref.get_depth(key, depth + 1),
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// Follow a route of mapping keys.
    pub fn path(&self, route: &[&str]) -> Option<YRef<'a>> {
        let mut cur = *self;
        for k in route {
            cur = cur.get(k)?;
        }
        Some(cur)
    }

    pub fn as_str(&self) -> Option<&'a str> {
        match &self.resolved().value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn style(&self) -> Option<Style> {
        match &self.resolved().value {
            Value::Scalar { style, .. } => Some(*style),
            _ => None,
        }
    }

    /// A boolean as Kubernetes reads it (sigs.k8s.io/yaml follows YAML 1.1, where `yes`/`on` are true).
    pub fn as_bool(&self) -> Option<bool> {
        if self.style() != Some(Style::Plain) {
            return None;
        }
        match self.as_str()? {
            "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y" => {
                Some(true)
            }
            "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n"
            | "N" => Some(false),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        if self.style() != Some(Style::Plain) {
            return None;
        }
        self.as_str()?.parse().ok()
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.resolved().value, Value::Scalar { text, style: Style::Plain } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    pub fn is_map(&self) -> bool {
        matches!(self.resolved().value, Value::Map { .. })
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.resolved().value, Value::Seq { .. })
    }

    /// Items of a sequence (empty for anything else).
    pub fn items(self) -> impl Iterator<Item = YRef<'a>> + 'a {
        let doc = self.doc;
        let items: &'a [NodeId] = match &self.resolved().value {
            Value::Seq { items, .. } => items,
            _ => &[],
        };
        items.iter().map(move |i| YRef {
            doc,
            id: *i,
            key: None,
        })
    }

    /// Entries of a mapping as (key text, value) pairs; keys that are not scalars are skipped.
    pub fn entries(self) -> impl Iterator<Item = (&'a str, YRef<'a>)> + 'a {
        let doc = self.doc;
        let entries: &'a [(NodeId, NodeId)] = match &self.resolved().value {
            Value::Map { entries, .. } => entries,
            _ => &[],
        };
        entries
            .iter()
            .filter_map(move |(k, v)| match &doc.node(doc.deref(*k)).value {
                Value::Scalar { text, .. } => Some((
                    text.as_str(),
                    YRef {
                        doc,
                        id: *v,
                        key: Some(*k),
                    },
                )),
                _ => None,
            })
    }

    /// Scalar items of a sequence as strings (a list of args, capabilities, ...).
    pub fn str_items(self) -> impl Iterator<Item = (&'a str, YRef<'a>)> + 'a {
        self.items().filter_map(|i| i.as_str().map(|s| (s, i)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// go-yaml's leniency: a flow sequence closed at its key's indentation parses, and spans
    /// after the closing bracket still point at the text as written.
    #[test]
    fn a_flow_sequence_closed_at_its_key_indentation_parses_like_go_yaml() {
        let text = "spec:\n  args: [\n    \"a\"\n  ]\n  after: x\nother: [\n  1\n]\nlast: y\n";
        let s = parse(text);
        assert!(s.error.is_none(), "{:?}", s.error);
        let root = s.docs[0].root().unwrap();
        let after = root.path(&["spec", "after"]).unwrap();
        assert_eq!(&text[after.span().start..after.span().end], "x");
        let last = root.get("last").unwrap();
        assert_eq!(&text[last.span().start..last.span().end], "y");
        assert_eq!(root.path(&["spec", "args"]).unwrap().items().count(), 1);
        // Any other indentation error is still an error, at its place in the text as written.
        let bad = "a:\n  b: 1\n c: 2\n";
        let e = parse(bad).error.expect("still an error");
        assert_eq!(e.line, 3);
    }

    #[test]
    fn keeps_key_and_value_spans() {
        let text = "spec:\n  template:\n    spec:\n      hostNetwork: true\n";
        let s = parse(text);
        assert!(s.error.is_none());
        let root = s.docs[0].root().unwrap();
        let v = root
            .path(&["spec", "template", "spec", "hostNetwork"])
            .unwrap();
        assert_eq!(v.as_bool(), Some(true));
        assert_eq!(
            &text[v.entry_span().start..v.entry_span().end],
            "hostNetwork: true"
        );
    }

    #[test]
    fn multi_document_streams_and_comments() {
        let text = "# first\na: 1\n---\n# second\nb: [x, y]\n...\n---\nc: {d: e}\n";
        let s = parse(text);
        assert_eq!(s.docs.len(), 3);
        let b = s.docs[1].root().unwrap().get("b").unwrap();
        assert_eq!(&text[b.span().start..b.span().end], "[x, y]");
        let c = s.docs[2].root().unwrap().get("c").unwrap();
        assert_eq!(&text[c.span().start..c.span().end], "{d: e}");
    }

    #[test]
    fn aliases_are_references_not_copies() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for i in 0..30 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            text.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let s = parse(&text);
        assert!(s.error.is_none(), "{:?}", s.error);
        assert!(s.docs[0].nodes.len() < 400);
    }

    #[test]
    fn merge_keys_are_followed() {
        let text = "base: &b\n  image: nginx\nc:\n  <<: *b\n  name: web\n";
        let s = parse(text);
        let c = s.docs[0].root().unwrap().get("c").unwrap();
        assert_eq!(c.get("image").unwrap().as_str(), Some("nginx"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        let s = parse(&text);
        let e = s.error.unwrap();
        // saphyr-parser stops first with its own recursion limit; either way it is a clean error.
        assert!(
            e.message.contains("nesting deeper") || e.message.contains("recursion limit"),
            "{}",
            e.message
        );
        assert_eq!(e.line, 1);
    }

    #[test]
    fn invalid_yaml_reports_line_and_column() {
        let text = "a: 1\nb: [unclosed\nc: 2\n";
        let s = parse(text);
        let e = s.error.unwrap();
        assert!(e.line >= 2, "{e:?}");
    }

    #[test]
    fn yaml_1_1_booleans_and_non_ascii_spans() {
        let text = "# ünïcode\nhostPID: yes\nname: \"é\"\n";
        let s = parse(text);
        let r = s.docs[0].root().unwrap();
        assert_eq!(r.get("hostPID").unwrap().as_bool(), Some(true));
        let n = r.get("name").unwrap();
        assert_eq!(&text[n.span().start..n.span().end], "\"é\"");
        assert_eq!(n.get("x").map(|_| ()), None);
    }
}
