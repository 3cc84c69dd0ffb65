//! The patch builder: operations by route are resolved against the original tree, collected per
//! target node (so several keys inserted into one mapping become one edit, and a path created by
//! several operations is created once), turned into byte-range edits, applied in one pass and
//! verified by re-parsing.

use std::cmp::Reverse;

use analyzer::yaml::{self, NodeId, Style, Value, YamlDoc, YamlStream};

use super::error::EditError;
use super::layout::{DocStyle, Layout};
use super::route::{Route, Seg};
use super::text::Text;
use super::value::{self, Fmt, NewValue, Quote};

/// One replacement of the original bytes `start..end` (an insertion when they are equal).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// The edited text and the edits that produced it, ordered by position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edited {
    pub text: String,
    pub edits: Vec<Edit>,
}

/// How a node hangs in its parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Root,
    Key(NodeId),
    Item,
}

#[derive(Clone, Debug)]
enum Kind {
    /// New entries for an existing mapping, in the order they were asked for.
    MapInsert(Vec<(String, NewValue)>),
    /// New items for an existing sequence.
    SeqAppend(Vec<NewValue>),
    /// A new value for an existing node (a scalar, a collection, or an empty `key:`).
    Replace(NewValue),
    /// Entries (or items) of a mapping (or sequence), by index.
    Remove(Vec<usize>),
}

#[derive(Clone, Debug)]
struct Pending {
    doc: usize,
    node: NodeId,
    /// Every node from the document root to `node`, inclusive.
    chain: Vec<NodeId>,
    slot: Slot,
    route: Route,
    kind: Kind,
}

impl Pending {
    fn same_kind(&self, other: &Kind) -> bool {
        std::mem::discriminant(&self.kind) == std::mem::discriminant(other)
    }

    /// Nodes this pending edit replaces or deletes: nothing else may be edited inside them.
    fn killed(&self, l: &Layout<'_>) -> Vec<NodeId> {
        match &self.kind {
            Kind::Replace(_) => vec![self.node],
            Kind::Remove(idx) => {
                let entries = l.entries(self.node);
                let items = l.items(self.node);
                idx.iter()
                    .filter_map(|i| {
                        entries
                            .get(*i)
                            .map(|(_, v)| *v)
                            .or_else(|| items.get(*i).copied())
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }
}

/// What must hold after the edits are applied.
#[derive(Clone, Debug)]
enum Check {
    Value {
        doc: usize,
        route: Route,
        value: NewValue,
    },
    Item {
        doc: usize,
        route: Route,
        index: usize,
        value: NewValue,
    },
    Absent {
        doc: usize,
        route: Route,
    },
    SeqLen {
        doc: usize,
        route: Route,
        len: usize,
    },
}

/// What a route resolved to in the original tree.
struct Resolution {
    /// `(node, slot)` from the root to the deepest existing node of the route; never empty
    /// (`resolve` starts it with the document root).
    steps: Vec<(NodeId, Slot)>,
    /// Keys of the route below the deepest existing node (empty when the whole route exists).
    missing: Vec<String>,
}

impl Resolution {
    fn node(&self) -> NodeId {
        self.steps[self.steps.len() - 1].0
    }

    fn slot(&self) -> Slot {
        self.steps[self.steps.len() - 1].1
    }

    fn chain(&self) -> Vec<NodeId> {
        self.steps.iter().map(|(n, _)| *n).collect()
    }
}

enum Leaf {
    Set(NewValue),
    Append(NewValue),
}

/// Builds the edits for one file. See the module docs of [`crate::yamledit`].
pub struct Patch<'t> {
    t: Text<'t>,
    stream: Stream<'t>,
    /// Pending edits per document (a file may hold thousands of documents; edits never cross one).
    pending: Vec<Vec<Pending>>,
    checks: Vec<Check>,
}

/// The parse a patch works from: its own, or the caller's parse of the same text (the scan has
/// one for every manifest, and parsing is most of what converting costs).
enum Stream<'t> {
    Owned(YamlStream),
    Shared(&'t YamlStream),
}

impl std::ops::Deref for Stream<'_> {
    type Target = YamlStream;
    fn deref(&self) -> &YamlStream {
        match self {
            Stream::Owned(s) => s,
            Stream::Shared(s) => s,
        }
    }
}

fn shape(v: &Value, null: bool) -> &'static str {
    match v {
        _ if null => "empty",
        Value::Scalar { .. } => "a scalar",
        Value::Seq { .. } => "a sequence",
        Value::Map { .. } => "a mapping",
        Value::Alias(_) => "an alias",
    }
}

fn is_null(v: &Value) -> bool {
    matches!(v, Value::Scalar { text, style: Style::Plain } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
}

fn with_route(e: EditError, doc: usize, route: &Route) -> EditError {
    match e {
        EditError::Unsupported { detail, .. } => EditError::Unsupported {
            doc,
            route: route.clone(),
            detail,
        },
        other => other,
    }
}

impl<'t> Patch<'t> {
    /// Parse `text`; a file that does not parse cannot be edited safely.
    pub fn new(text: &'t str) -> Result<Self, EditError> {
        Self::from_stream(text, Stream::Owned(yaml::parse(text)))
    }

    /// Like [`Patch::new`], with `stream` the result of `yaml::parse(text)` made earlier.
    pub fn with_stream(text: &'t str, stream: &'t YamlStream) -> Result<Self, EditError> {
        Self::from_stream(text, Stream::Shared(stream))
    }

    fn from_stream(text: &'t str, stream: Stream<'t>) -> Result<Self, EditError> {
        if let Some(e) = &stream.error {
            return Err(EditError::Parse {
                message: e.message.clone(),
                line: e.line,
                column: e.column,
            });
        }
        let pending = stream.docs.iter().map(|_| Vec::new()).collect();
        Ok(Patch {
            t: Text::new(text),
            stream,
            pending,
            checks: Vec::new(),
        })
    }

    pub fn text(&self) -> &'t str {
        self.t.s
    }

    pub fn docs(&self) -> &[YamlDoc] {
        &self.stream.docs
    }

    /// The indentation conventions detected in document `doc`.
    pub fn style(&self, doc: usize) -> DocStyle {
        self.stream
            .docs
            .get(doc)
            .map_or_else(DocStyle::default, |d| Layout::new(&self.t, d).style())
    }

    /// True when no operation has been recorded.
    pub fn is_empty(&self) -> bool {
        self.pending.iter().all(Vec::is_empty)
    }

    fn doc(&self, doc: usize) -> Result<&YamlDoc, EditError> {
        self.stream.docs.get(doc).ok_or(EditError::NoDocument {
            doc,
            count: self.stream.docs.len(),
        })
    }

    fn resolve(&self, doc: usize, route: &Route) -> Result<Resolution, EditError> {
        let d = self.doc(doc)?;
        let l = Layout::new(&self.t, d);
        let Some(root) = d.root() else {
            return Err(EditError::NotFound {
                doc,
                route: route.clone(),
            });
        };
        let mut steps = vec![(root.id, Slot::Root)];
        let segs = route.segs();
        for (i, seg) in segs.iter().enumerate() {
            let (cur, _) = steps[steps.len() - 1];
            let here = route.prefix(i);
            let node = d.node(cur);
            if let Value::Alias(_) = node.value {
                let alias = self
                    .t
                    .s
                    .get(node.span.start..node.span.end)
                    .unwrap_or("*")
                    .to_string();
                return Err(EditError::ThroughAlias {
                    doc,
                    route: route.clone(),
                    alias,
                });
            }
            if let Some(anchor) = l.props(cur).anchor {
                return Err(EditError::Anchored {
                    doc,
                    route: here,
                    anchor,
                });
            }
            match (seg, &node.value) {
                (Seg::Key(k), Value::Map { entries, .. }) => {
                    let mut found = entries
                        .iter()
                        .filter(|(ek, _)| l.key_text(*ek) == Some(k.as_str()));
                    match (found.next(), found.next()) {
                        (Some(_), Some(_)) => {
                            return Err(EditError::Unsupported {
                                doc,
                                route: route.prefix(i + 1),
                                detail: "the key appears twice".into(),
                            });
                        }
                        (Some((ek, ev)), None) => steps.push((*ev, Slot::Key(*ek))),
                        (None, _) => {
                            let merged = entries.iter().any(|(ek, _)| {
                                matches!(d.node(*ek).value, Value::Scalar { ref text, style: Style::Plain } if text == "<<")
                            });
                            if merged {
                                return Err(EditError::MergeKey {
                                    doc,
                                    route: route.prefix(i + 1),
                                });
                            }
                            return missing_rest(doc, route, i, steps);
                        }
                    }
                }
                (Seg::Key(_), v) if is_null(v) => return missing_rest(doc, route, i, steps),
                (Seg::Index(n), Value::Seq { items, .. }) => match items.get(*n) {
                    Some(item) => steps.push((*item, Slot::Item)),
                    None => {
                        return Err(EditError::NotFound {
                            doc,
                            route: route.prefix(i + 1),
                        });
                    }
                },
                (Seg::Key(_), v) => {
                    return Err(EditError::WrongShape {
                        doc,
                        route: here,
                        expected: "a mapping",
                        found: shape(v, false),
                    });
                }
                (Seg::Index(_), v) => {
                    return Err(EditError::WrongShape {
                        doc,
                        route: here,
                        expected: "a sequence",
                        found: shape(v, is_null(v)),
                    });
                }
            }
        }
        Ok(Resolution {
            steps,
            missing: Vec::new(),
        })
    }

    /// The final node of a fully resolved route must not be an alias or carry an anchor.
    fn check_target(
        &self,
        doc: usize,
        route: &Route,
        node: NodeId,
        allow_alias: bool,
    ) -> Result<(), EditError> {
        let d = self.doc(doc)?;
        let l = Layout::new(&self.t, d);
        let n = d.node(node);
        if !allow_alias && let Value::Alias(_) = n.value {
            let alias = self
                .t
                .s
                .get(n.span.start..n.span.end)
                .unwrap_or("*")
                .to_string();
            return Err(EditError::ThroughAlias {
                doc,
                route: route.clone(),
                alias,
            });
        }
        if let Some(anchor) = l.props(node).anchor {
            return Err(EditError::Anchored {
                doc,
                route: route.clone(),
                anchor,
            });
        }
        Ok(())
    }

    /// Set the value at `route`, replacing what is there or creating the key (and any missing
    /// mappings above it, below the deepest existing one).
    pub fn set(&mut self, doc: usize, route: &Route, value: NewValue) -> Result<(), EditError> {
        self.set_inner(doc, route, value, false)
    }

    /// Like [`Patch::set`], but the key must not exist yet.
    pub fn insert(&mut self, doc: usize, route: &Route, value: NewValue) -> Result<(), EditError> {
        self.set_inner(doc, route, value, true)
    }

    /// Replace the whole content of document `doc` (a block mapping at column 0) by `value`, a
    /// mapping: comment lines before its first key and everything outside the document stay.
    pub fn replace_document(&mut self, doc: usize, value: NewValue) -> Result<(), EditError> {
        let route = Route::root();
        if !matches!(&value, NewValue::Map(m) if !m.is_empty()) {
            return Err(EditError::Unsupported {
                doc,
                route,
                detail: "a document can only be replaced by a mapping".into(),
            });
        }
        let res = self.resolve(doc, &route)?;
        self.check_target(doc, &route, res.node(), false)?;
        self.add(doc, &route, &res, Kind::Replace(value.clone()), None)?;
        self.checks.push(Check::Value { doc, route, value });
        Ok(())
    }

    fn set_inner(
        &mut self,
        doc: usize,
        route: &Route,
        value: NewValue,
        must_be_new: bool,
    ) -> Result<(), EditError> {
        if route.is_empty() {
            return Err(EditError::Unsupported {
                doc,
                route: route.clone(),
                detail: "replacing a whole document".into(),
            });
        }
        let res = self.resolve(doc, route)?;
        if res.missing.is_empty() {
            if must_be_new {
                return Err(EditError::Exists {
                    doc,
                    route: route.clone(),
                });
            }
            self.check_target(doc, route, res.node(), false)?;
            self.add(doc, route, &res, Kind::Replace(value.clone()), None)?;
        } else {
            self.add(
                doc,
                route,
                &res,
                Kind::MapInsert(Vec::new()),
                Some((res.missing.clone(), Leaf::Set(value.clone()))),
            )?;
        }
        self.checks.push(Check::Value {
            doc,
            route: route.clone(),
            value,
        });
        Ok(())
    }

    /// Append `item` to the sequence at `route`, creating the sequence (and missing mappings
    /// above it) when it does not exist.
    pub fn append(&mut self, doc: usize, route: &Route, item: NewValue) -> Result<(), EditError> {
        let res = self.resolve(doc, route)?;
        let index = if res.missing.is_empty() {
            let node = res.node();
            self.check_target(doc, route, node, false)?;
            let d = self.doc(doc)?;
            match &d.node(node).value {
                Value::Seq { items, .. } => {
                    let before = items.len();
                    self.add(doc, route, &res, Kind::SeqAppend(vec![item.clone()]), None)?
                        .map_or(before, |n| before + n)
                }
                v if is_null(v) => self
                    .add(
                        doc,
                        route,
                        &res,
                        Kind::MapInsert(Vec::new()),
                        Some((Vec::new(), Leaf::Append(item.clone()))),
                    )?
                    .unwrap_or(0),
                v => {
                    return Err(EditError::WrongShape {
                        doc,
                        route: route.clone(),
                        expected: "a sequence",
                        found: shape(v, false),
                    });
                }
            }
        } else {
            self.add(
                doc,
                route,
                &res,
                Kind::MapInsert(Vec::new()),
                Some((res.missing.clone(), Leaf::Append(item.clone()))),
            )?
            .unwrap_or(0)
        };
        self.checks.push(Check::Item {
            doc,
            route: route.clone(),
            index,
            value: item,
        });
        Ok(())
    }

    /// Remove the key (or sequence item) at `route`. Comments inside the removed value go with
    /// it; comment lines around it stay.
    pub fn remove(&mut self, doc: usize, route: &Route) -> Result<(), EditError> {
        let Some(last) = route.segs().last().cloned() else {
            return Err(EditError::Unsupported {
                doc,
                route: route.clone(),
                detail: "removing a whole document".into(),
            });
        };
        let res = self.resolve(doc, route)?;
        if !res.missing.is_empty() {
            return Err(EditError::NotFound {
                doc,
                route: route.clone(),
            });
        }
        self.check_target(doc, route, res.node(), true)?;
        let parent_route = route.prefix(route.len() - 1);
        let parent = Resolution {
            steps: res.steps[..res.steps.len() - 1].to_vec(),
            missing: Vec::new(),
        };
        let d = self.doc(doc)?;
        let (index, len) = match &d.node(parent.node()).value {
            Value::Map { entries, .. } => (
                entries.iter().position(|(_, v)| *v == res.node()),
                entries.len(),
            ),
            Value::Seq { items, .. } => (items.iter().position(|i| *i == res.node()), items.len()),
            _ => (None, 0),
        };
        let Some(index) = index else {
            return Err(EditError::NotFound {
                doc,
                route: route.clone(),
            });
        };
        self.add(doc, &parent_route, &parent, Kind::Remove(vec![index]), None)?;
        match last {
            Seg::Key(_) => self.checks.push(Check::Absent {
                doc,
                route: route.clone(),
            }),
            Seg::Index(_) => {
                let removed = self.pending[doc]
                    .iter()
                    .find(|p| p.node == parent.node() && matches!(p.kind, Kind::Remove(_)))
                    .map_or(0, |p| {
                        if let Kind::Remove(v) = &p.kind {
                            v.len()
                        } else {
                            0
                        }
                    });
                self.checks.retain(|c| !matches!(c, Check::SeqLen { doc: cd, route: r, .. } if *cd == doc && *r == parent_route));
                self.checks.push(Check::SeqLen {
                    doc,
                    route: parent_route,
                    len: len - removed,
                });
            }
        }
        Ok(())
    }

    /// Record an edit on `res.node()`, merging with an earlier one on the same node. With `path`,
    /// the edit creates `path` under the node (a missing route below a mapping or an empty value).
    /// Returns the 0-based position of an appended item among the items added to its sequence.
    fn add(
        &mut self,
        doc: usize,
        route: &Route,
        res: &Resolution,
        kind: Kind,
        path: Option<(Vec<String>, Leaf)>,
    ) -> Result<Option<usize>, EditError> {
        let node = res.node();
        let node_is_null = is_null(&self.doc(doc)?.node(node).value);
        let node_route = route.prefix(route.len() - res.missing.len());
        let conflict = |detail: &str| EditError::Conflict {
            doc,
            route: route.clone(),
            detail: detail.to_string(),
        };
        // A missing path under an empty value (`template:` with nothing) replaces that value.
        let (kind, path) = match (kind, path) {
            (Kind::MapInsert(_), Some((p, leaf))) if node_is_null => {
                let v = match (p.is_empty(), leaf) {
                    (true, Leaf::Set(v)) => v,
                    (true, Leaf::Append(item)) => NewValue::Seq(vec![item]),
                    (false, leaf) => build(&p, leaf),
                };
                (Kind::Replace(v), None)
            }
            (k, p) => (k, p),
        };
        let chain = res.chain();
        let list = &mut self.pending[doc];
        let existing = list
            .iter()
            .position(|p| p.node == node && p.same_kind(&kind));
        let mut appended_at = None;
        match existing {
            Some(i) => {
                let p = &mut list[i];
                match (&mut p.kind, kind) {
                    (Kind::MapInsert(entries), Kind::MapInsert(_)) => {
                        if let Some((path, leaf)) = path {
                            appended_at = merge(entries, &path, leaf).map_err(|e| conflict(&e))?;
                        }
                    }
                    (Kind::SeqAppend(items), Kind::SeqAppend(new)) => {
                        items.extend(new);
                        appended_at = Some(items.len() - 1);
                    }
                    (Kind::Replace(old), Kind::Replace(new)) => {
                        // Two operations on one empty value: merge their trees; same value twice is fine.
                        match (old, new) {
                            (NewValue::Map(oe), NewValue::Map(ne)) => {
                                for (k, v) in ne {
                                    appended_at =
                                        merge_value(oe, k, v).map_err(|e| conflict(&e))?;
                                }
                            }
                            (NewValue::Seq(oi), NewValue::Seq(ni))
                                if res.missing.is_empty() && node_is_null =>
                            {
                                oi.extend(ni);
                                appended_at = Some(oi.len() - 1);
                            }
                            (o, n) if *o == n => {}
                            _ => {
                                return Err(conflict("the value is set twice to different values"));
                            }
                        }
                    }
                    (Kind::Remove(idx), Kind::Remove(new)) => {
                        for n in new {
                            if !idx.contains(&n) {
                                idx.push(n);
                            }
                        }
                    }
                    _ => return Err(conflict("incompatible edits")),
                }
            }
            None => {
                let mut kind = kind;
                if let (Kind::MapInsert(entries), Some((path, leaf))) = (&mut kind, path) {
                    appended_at = merge(entries, &path, leaf).map_err(|e| conflict(&e))?;
                }
                if let Kind::SeqAppend(items) = &kind {
                    appended_at = Some(items.len() - 1);
                }
                if let Kind::Replace(NewValue::Seq(items)) = &kind
                    && node_is_null
                {
                    appended_at = Some(items.len().saturating_sub(1));
                }
                list.push(Pending {
                    doc,
                    node,
                    chain: chain.clone(),
                    slot: res.slot(),
                    route: node_route,
                    kind,
                });
            }
        }
        // Nothing may be edited inside a node another edit replaces or removes.
        let d = self.doc(doc)?;
        let l = Layout::new(&self.t, d);
        let list = &self.pending[doc];
        if let Some(mine) = list.iter().find(|p| p.node == node && p.chain == chain) {
            let my_kills = mine.killed(&l);
            for q in list {
                if std::ptr::eq(q, mine) {
                    continue;
                }
                let (p, hit) = if my_kills.iter().any(|k| q.chain.contains(k)) {
                    (mine, true)
                } else {
                    (q, q.killed(&l).iter().any(|k| chain.contains(k)))
                };
                if hit {
                    return Err(EditError::Conflict {
                        doc,
                        route: route.clone(),
                        detail: format!(
                            "`{}` is also replaced or removed by another edit",
                            p.route
                        ),
                    });
                }
            }
        }
        Ok(appended_at)
    }

    /// Turn the recorded operations into edits, apply them and verify the result.
    pub fn finish(self) -> Result<Edited, EditError> {
        self.finish_parsed().map(|(edited, _)| edited)
    }

    /// [`Patch::finish`], also returning the parse of the edited text that verified it.
    pub fn finish_parsed(self) -> Result<(Edited, YamlStream), EditError> {
        let mut edits: Vec<(Edit, usize)> = Vec::new();
        for (doc, list) in self.pending.iter().enumerate() {
            if list.is_empty() {
                continue;
            }
            let d = self.doc(doc)?;
            let l = Layout::new(&self.t, d);
            let style = l.style();
            let fmt = Fmt {
                unit: style.unit,
                seq_indent: style.seq_indent,
                nl: self.t.nl,
            };
            for p in list {
                let removed: &[usize] = list
                    .iter()
                    .find(|q| q.node == p.node && matches!(q.kind, Kind::Remove(_)))
                    .map_or(&[], |q| {
                        if let Kind::Remove(v) = &q.kind {
                            v.as_slice()
                        } else {
                            &[]
                        }
                    });
                let out = match &p.kind {
                    Kind::MapInsert(entries) if !entries.is_empty() => {
                        self.map_insert(&l, p, entries, removed, fmt)
                    }
                    Kind::SeqAppend(items) if !items.is_empty() => {
                        self.seq_append(&l, p, items, removed, fmt)
                    }
                    Kind::Replace(v) => self.replace(&l, p, v, fmt).map(|e| vec![e]),
                    Kind::Remove(idx) => {
                        let inserting = list.iter().any(|q| {
                            q.node == p.node
                                && match &q.kind {
                                    Kind::MapInsert(e) => !e.is_empty(),
                                    Kind::SeqAppend(i) => !i.is_empty(),
                                    _ => false,
                                }
                        });
                        self.remove_edits(&l, p, idx, inserting, fmt)
                    }
                    _ => Ok(Vec::new()),
                }
                .map_err(|e| with_route(e, p.doc, &p.route))?;
                edits.extend(out.into_iter().map(|e| (e, p.chain.len())));
            }
        }
        edits.sort_by_key(|(e, depth)| (e.start, e.end, Reverse(*depth)));
        for w in edits.windows(2) {
            let (a, b) = (&w[0].0, &w[1].0);
            if b.start < a.end {
                return Err(EditError::Overlap {
                    first_start: a.start,
                    first_end: a.end,
                    second_start: b.start,
                    second_end: b.end,
                });
            }
        }
        let edits: Vec<Edit> = edits
            .into_iter()
            .map(|(e, _)| e)
            .filter(|e| !(e.start == e.end && e.text.is_empty()))
            .collect();
        let text = apply(self.t.s, &edits).ok_or(EditError::Overlap {
            first_start: 0,
            first_end: 0,
            second_start: 0,
            second_end: 0,
        })?;
        let stream = self.verify(&text)?;
        Ok((Edited { text, edits }, stream))
    }

    fn map_insert(
        &self,
        l: &Layout<'_>,
        p: &Pending,
        entries: &[(String, NewValue)],
        removed: &[usize],
        fmt: Fmt,
    ) -> Result<Vec<Edit>, EditError> {
        let existing = l.entries(p.node);
        if l.is_flow(p.node) {
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", value::key_repr(k, true), value::flow_repr(v)))
                .collect();
            return Ok(vec![self.flow_insert(
                l,
                p,
                existing.last().map(|(_, v)| *v),
                existing.len() - removed.len().min(existing.len()),
                &parts,
            )?]);
        }
        let Some((_, last)) = existing.last() else {
            return Err(EditError::Unsupported {
                doc: p.doc,
                route: p.route.clone(),
                detail: "an empty block mapping".into(),
            });
        };
        let col = l.map_col(p.node)?;
        if removed.len() == existing.len() {
            // Every entry goes: the new entries take their place (see `remove_edits`).
            let start = l.doc.node(existing[0].0).span.start;
            let mut text = String::new();
            for (i, (k, v)) in entries.iter().enumerate() {
                value::block_entry(&mut text, k, v, col, fmt, i == 0);
            }
            value::trim_nl(&mut text, fmt.nl);
            return Ok(vec![Edit {
                start,
                end: l.end(*last)?,
                text,
            }]);
        }
        let mut text = String::new();
        for (k, v) in entries {
            value::block_entry(&mut text, k, v, col, fmt, false);
        }
        Ok(vec![self.block_insert(l.end(*last)?, col, text)])
    }

    fn seq_append(
        &self,
        l: &Layout<'_>,
        p: &Pending,
        items: &[NewValue],
        removed: &[usize],
        fmt: Fmt,
    ) -> Result<Vec<Edit>, EditError> {
        let existing = l.items(p.node);
        if l.is_flow(p.node) {
            let parts: Vec<String> = items.iter().map(value::flow_repr).collect();
            return Ok(vec![self.flow_insert(
                l,
                p,
                existing.last().copied(),
                existing.len() - removed.len().min(existing.len()),
                &parts,
            )?]);
        }
        let Some(last) = existing.last() else {
            return Err(EditError::Unsupported {
                doc: p.doc,
                route: p.route.clone(),
                detail: "an empty block sequence".into(),
            });
        };
        let col = l.seq_col(p.node)?;
        if removed.len() == existing.len() {
            let start = l.dash_of(existing[0])?;
            let mut text = String::new();
            for (i, item) in items.iter().enumerate() {
                value::block_item(&mut text, item, col, fmt, i == 0);
            }
            value::trim_nl(&mut text, fmt.nl);
            return Ok(vec![Edit {
                start,
                end: l.end(*last)?,
                text,
            }]);
        }
        let mut text = String::new();
        for item in items {
            value::block_item(&mut text, item, col, fmt, false);
        }
        Ok(vec![self.block_insert(l.end(*last)?, col, text)])
    }

    /// Lines for a block collection whose last entry ends at `end`, placed by the comment rule.
    fn block_insert(&self, end: usize, col: usize, mut text: String) -> Edit {
        let at = self.t.insertion_point(end, col);
        if at == self.t.s.len() && !self.t.ends_with_newline() {
            // The file ends without a line break: keep it that way.
            value::trim_nl(&mut text, self.t.nl);
            text.insert_str(0, self.t.nl);
        }
        Edit {
            start: at,
            end: at,
            text,
        }
    }

    /// `, a, b` after the last child of a flow collection (or `a, b` after its opening bracket).
    fn flow_insert(
        &self,
        l: &Layout<'_>,
        p: &Pending,
        last: Option<NodeId>,
        surviving: usize,
        parts: &[String],
    ) -> Result<Edit, EditError> {
        let joined = parts.join(", ");
        match last {
            Some(last) => {
                let at = l.end(last)?;
                let text = if surviving > 0 {
                    format!(", {joined}")
                } else {
                    joined
                };
                Ok(Edit {
                    start: at,
                    end: at,
                    text,
                })
            }
            None => {
                let at = l.props(p.node).content_start + 1;
                Ok(Edit {
                    start: at,
                    end: at,
                    text: joined,
                })
            }
        }
    }

    /// Whether the parent of the pending node is a flow collection.
    fn in_flow(&self, l: &Layout<'_>, p: &Pending) -> bool {
        p.chain.len() >= 2 && l.is_flow(p.chain[p.chain.len() - 2])
    }

    fn replace(
        &self,
        l: &Layout<'_>,
        p: &Pending,
        v: &NewValue,
        fmt: Fmt,
    ) -> Result<Edit, EditError> {
        let node = l.doc.node(p.node);
        let flow_parent = self.in_flow(l, p);
        let unsupported = |detail: &str| EditError::Unsupported {
            doc: p.doc,
            route: p.route.clone(),
            detail: detail.into(),
        };
        // The position right after the indicator (`key:` or `-`) that introduces the value.
        let after_indicator = || -> Result<(usize, usize), EditError> {
            match p.slot {
                Slot::Key(k) => Ok((l.colon_after(k)? + 1, l.t.col(l.doc.node(k).span.start)?)),
                Slot::Item => {
                    let dash = l.dash_of(p.node)?;
                    Ok((dash + 1, l.t.col(dash)?))
                }
                Slot::Root => Err(unsupported("replacing a whole document")),
            }
        };
        if p.slot == Slot::Root {
            // Only reached when every top-level key or item is removed: the document becomes `{}`/`[]`.
            let empty = matches!(v, NewValue::Map(m) if m.is_empty())
                || matches!(v, NewValue::Seq(i) if i.is_empty());
            let first = l
                .entries(p.node)
                .first()
                .map(|(k, _)| l.doc.node(*k).span.start);
            let first = match first {
                Some(f) => Some(f),
                None => l.items(p.node).first().map(|i| l.dash_of(*i)).transpose()?,
            };
            let end = l.t.line_content_end(l.end(p.node)?);
            return match (empty, first, l.is_flow(p.node), v) {
                (true, Some(start), false, _) => Ok(Edit {
                    start,
                    end,
                    text: value::flow_repr(v),
                }),
                // `replace_document`: the new mapping takes the old content's place at column 0;
                // comment lines above the first key stay.
                (false, Some(start), false, NewValue::Map(entries)) if l.t.col(start)? == 0 => {
                    let mut text = String::new();
                    for (i, (k, v)) in entries.iter().enumerate() {
                        value::block_entry(&mut text, k, v, 0, fmt, i == 0);
                    }
                    value::trim_nl(&mut text, fmt.nl);
                    Ok(Edit { start, end, text })
                }
                _ => Err(unsupported("replacing a whole document")),
            };
        }
        let block = |col: usize, f: Fmt| -> String {
            match p.slot {
                Slot::Item => {
                    let mut out = String::new();
                    value::block_item(&mut out, v, col, f, true);
                    value::trim_nl(&mut out, f.nl);
                    out.split_off(1)
                }
                _ => value::block_value_after_key(v, col, f),
            }
        };
        match &node.value {
            Value::Scalar {
                style: Style::Literal | Style::Folded,
                ..
            } => Err(unsupported("replacing a literal or folded block scalar")),
            Value::Scalar { .. } if is_null(&node.value) && node.span.is_empty() => {
                if flow_parent {
                    let at = node.span.start;
                    let text = format!(" {}", value::flow_repr(v));
                    return Ok(Edit {
                        start: at,
                        end: at,
                        text,
                    });
                }
                let (at, col) = after_indicator()?;
                let text = block(col, fmt);
                if text.starts_with(fmt.nl) {
                    // New lines go after anything left on the indicator's line (a comment).
                    let eol = l.t.line_content_end(at);
                    return Ok(Edit {
                        start: eol,
                        end: eol,
                        text,
                    });
                }
                let end = at
                    + l.t
                        .s
                        .get(at..)
                        .map_or(0, |r| r.len() - r.trim_start_matches(' ').len());
                let end = if l.t.line_content_end(at) == end {
                    end
                } else {
                    at
                };
                Ok(Edit {
                    start: at,
                    end,
                    text,
                })
            }
            Value::Scalar { .. } | Value::Alias(_)
                if matches!(v, NewValue::Scalar(_)) || flow_parent =>
            {
                let start = l.props(p.node).content_start;
                let text = match v {
                    NewValue::Scalar(s) => {
                        let pref = match style_of(&node.value) {
                            Some(Style::SingleQuoted) => Quote::Single,
                            Some(Style::DoubleQuoted) => Quote::Double,
                            _ => Quote::Plain,
                        };
                        value::scalar_repr(s, pref, flow_parent)
                    }
                    other => value::flow_repr(other),
                };
                // A quoted scalar's span runs on over a trailing comment: stop at its closing
                // quote so the comment stays.
                let end = match style_of(&node.value) {
                    Some(st @ (Style::SingleQuoted | Style::DoubleQuoted)) => {
                        quoted_end(l.t.s, start, node.span.end, st == Style::DoubleQuoted)
                    }
                    _ => node.span.end,
                };
                Ok(Edit { start, end, text })
            }
            Value::Scalar { .. } | Value::Alias(_) => {
                let (at, col) = after_indicator()?;
                Ok(Edit {
                    start: at,
                    end: node.span.end,
                    text: block(col, fmt),
                })
            }
            Value::Seq { .. } | Value::Map { .. } if l.is_flow(p.node) => {
                let start = l.props(p.node).content_start;
                // Strings keep the quoting of the collection's first quoted scalar.
                let pref = first_scalar_quote(l, p.node);
                let text = match v {
                    NewValue::Scalar(s) => value::scalar_repr(s, pref, flow_parent),
                    other => value::flow_repr_with(other, pref),
                };
                Ok(Edit {
                    start,
                    end: l.end(p.node)?,
                    text,
                })
            }
            Value::Seq { .. } | Value::Map { .. } => {
                let (at, col) = after_indicator()?;
                // Keep the replaced collection's own indentation when the new value has its shape.
                let mut f = fmt;
                match (&node.value, v) {
                    (Value::Map { .. }, NewValue::Map(_)) => {
                        if let Ok(c) = l.map_col(p.node)
                            && c > col
                        {
                            f.unit = c - col;
                        }
                    }
                    (Value::Seq { .. }, NewValue::Seq(_)) => {
                        if let Ok(c) = l.seq_col(p.node)
                            && c >= col
                        {
                            f.seq_indent = c - col;
                        }
                    }
                    _ => {}
                }
                // A trailing comment on the collection's last line goes with it.
                let end = l.t.line_content_end(l.end(p.node)?);
                Ok(Edit {
                    start: at,
                    end,
                    text: block(col, f),
                })
            }
        }
    }

    fn remove_edits(
        &self,
        l: &Layout<'_>,
        p: &Pending,
        idx: &[usize],
        inserting: bool,
        fmt: Fmt,
    ) -> Result<Vec<Edit>, EditError> {
        let unsupported = |detail: &str| EditError::Unsupported {
            doc: p.doc,
            route: p.route.clone(),
            detail: detail.into(),
        };
        // (start of the entry or item, end of its value) for every child.
        let mut spans = Vec::new();
        for (k, v) in l.entries(p.node) {
            spans.push((l.doc.node(*k).span.start, l.end(*v)?));
        }
        let is_seq = matches!(l.value(p.node), Value::Seq { .. });
        let flow = l.is_flow(p.node);
        for i in l.items(p.node) {
            let start = if flow {
                l.doc.node(*i).span.start
            } else {
                l.dash_of(*i)?
            };
            spans.push((start, l.end(*i)?));
        }
        let n = spans.len();
        let mut removed = vec![false; n];
        for i in idx {
            if let Some(r) = removed.get_mut(*i) {
                *r = true;
            }
        }
        if removed.iter().all(|r| *r) {
            if inserting && !flow {
                // The block insertion edit replaces every entry at once (see `map_insert`).
                return Ok(Vec::new());
            }
            if inserting {
                // The flow insertion lands right after the removed entries, without a separator.
                return Ok(vec![Edit {
                    start: spans[0].0,
                    end: spans[n - 1].1,
                    text: String::new(),
                }]);
            }
            // Nothing left: an explicit empty collection keeps the value's type.
            let empty = if is_seq {
                NewValue::Seq(Vec::new())
            } else {
                NewValue::Map(Vec::new())
            };
            let q = Pending {
                kind: Kind::Replace(empty.clone()),
                ..p.clone()
            };
            return self.replace(l, &q, &empty, fmt).map(|e| vec![e]);
        }
        let mut out = Vec::new();
        if flow {
            let mut i = 0;
            while i < n {
                if !removed[i] {
                    i += 1;
                    continue;
                }
                let mut j = i;
                while j + 1 < n && removed[j + 1] {
                    j += 1;
                }
                let (start, end) = if j + 1 < n {
                    (spans[i].0, spans[j + 1].0)
                } else {
                    (spans[i - 1].1, spans[j].1)
                };
                out.push(Edit {
                    start,
                    end,
                    text: String::new(),
                });
                i = j + 1;
            }
            return Ok(out);
        }
        for (i, (start, end)) in spans.iter().enumerate() {
            if !removed[i] {
                continue;
            }
            if l.t.starts_line(*start) {
                let mut from = l.t.line_start(*start);
                let to = l.t.after_line(*end);
                if to == l.t.s.len() && !l.t.ends_with_newline() && from > l.t.bom {
                    from -= l.t.nl.len().min(from);
                }
                out.push(Edit {
                    start: from,
                    end: to,
                    text: String::new(),
                });
            } else {
                // The first entry on a `- ` line: the next entry moves up to take its place.
                let Some(next) = spans
                    .get(i + 1)
                    .filter(|_| !removed.get(i + 1).copied().unwrap_or(true))
                else {
                    return Err(unsupported(
                        "removing the first entry of a sequence item together with the next one",
                    ));
                };
                let gap =
                    l.t.s
                        .get(l.t.after_line(*end).min(next.0)..next.0)
                        .unwrap_or("#");
                if !gap.chars().all(|c| c == ' ') {
                    return Err(unsupported(
                        "removing the first entry of a sequence item that is followed by comments",
                    ));
                }
                out.push(Edit {
                    start: *start,
                    end: next.0,
                    text: String::new(),
                });
            }
        }
        Ok(out)
    }

    fn verify(&self, text: &str) -> Result<YamlStream, EditError> {
        let stream = yaml::parse(text);
        let first = self.checks.first();
        let route0 = || match first {
            Some(
                Check::Value { route, .. }
                | Check::Item { route, .. }
                | Check::Absent { route, .. }
                | Check::SeqLen { route, .. },
            ) => route.clone(),
            None => Route::root(),
        };
        if let Some(e) = &stream.error {
            return Err(EditError::Verify {
                doc: 0,
                route: route0(),
                detail: format!(
                    "the edited file does not parse: {} at line {}",
                    e.message, e.line
                ),
            });
        }
        if stream.docs.len() != self.stream.docs.len() {
            return Err(EditError::Verify {
                doc: 0,
                route: route0(),
                detail: "the edited file has a different number of documents".into(),
            });
        }
        for c in &self.checks {
            let (doc, route) = match c {
                Check::Value { doc, route, .. }
                | Check::Item { doc, route, .. }
                | Check::Absent { doc, route }
                | Check::SeqLen { doc, route, .. } => (*doc, route),
            };
            let Some(d) = stream.docs.get(doc) else {
                continue;
            };
            let found = lookup(d, route);
            let fail = |detail: String| {
                Err(EditError::Verify {
                    doc,
                    route: route.clone(),
                    detail,
                })
            };
            match (c, found) {
                (Check::Value { value, .. }, Some(id)) if value::matches(d, id, value, 0) => {}
                (Check::Value { value, .. }, _) => {
                    return fail(format!("does not hold the expected {}", value.kind()));
                }
                (Check::Item { index, value, .. }, Some(id)) => {
                    let ok = match &d.node(id).value {
                        Value::Seq { items, .. } => items
                            .get(*index)
                            .is_some_and(|i| value::matches(d, *i, value, 0)),
                        _ => false,
                    };
                    if !ok {
                        return fail(format!("does not hold the appended item at index {index}"));
                    }
                }
                (Check::Item { .. }, None) => return fail("does not exist".into()),
                (Check::Absent { .. }, None) => {}
                (Check::Absent { .. }, Some(_)) => return fail("still exists".into()),
                (Check::SeqLen { len, .. }, Some(id)) if matches!(&d.node(id).value, Value::Seq { items, .. } if items.len() == *len) =>
                    {}
                (Check::SeqLen { len, .. }, _) => {
                    return fail(format!("does not have {len} items"));
                }
            }
        }
        Ok(stream)
    }
}

/// The quoting of the first scalar item (or value) of a collection.
fn first_scalar_quote(l: &Layout<'_>, id: NodeId) -> Quote {
    let children: Vec<NodeId> = match l.value(id) {
        Value::Seq { items, .. } => items.clone(),
        Value::Map { entries, .. } => entries.iter().map(|(_, v)| *v).collect(),
        _ => Vec::new(),
    };
    for c in children {
        match l.value(c) {
            Value::Scalar {
                style: Style::DoubleQuoted,
                ..
            } => return Quote::Double,
            Value::Scalar {
                style: Style::SingleQuoted,
                ..
            } => return Quote::Single,
            Value::Scalar { .. } => return Quote::Plain,
            _ => {}
        }
    }
    Quote::Plain
}

fn style_of(v: &Value) -> Option<Style> {
    match v {
        Value::Scalar { style, .. } => Some(*style),
        _ => None,
    }
}

fn missing_rest(
    doc: usize,
    route: &Route,
    from: usize,
    steps: Vec<(NodeId, Slot)>,
) -> Result<Resolution, EditError> {
    let mut missing = Vec::new();
    for seg in &route.segs()[from..] {
        match seg {
            Seg::Key(k) => missing.push(k.clone()),
            Seg::Index(_) => {
                return Err(EditError::NotFound {
                    doc,
                    route: route.clone(),
                });
            }
        }
    }
    Ok(Resolution { steps, missing })
}

/// The new value for a missing path: nested mappings down to the leaf.
fn build(path: &[String], leaf: Leaf) -> NewValue {
    let mut v = match leaf {
        Leaf::Set(v) => v,
        Leaf::Append(item) => NewValue::Seq(vec![item]),
    };
    for k in path.iter().rev() {
        v = NewValue::Map(vec![(k.clone(), v)]);
    }
    v
}

/// Add `path -> leaf` to pending new entries. Returns the index of an appended item.
fn merge(
    entries: &mut Vec<(String, NewValue)>,
    path: &[String],
    leaf: Leaf,
) -> Result<Option<usize>, String> {
    let Some((first, rest)) = path.split_first() else {
        return Err("an empty path".into());
    };
    let Some(pos) = entries.iter().position(|(k, _)| k == first) else {
        let appended = matches!(leaf, Leaf::Append(_)).then_some(0);
        entries.push((first.clone(), build(rest, leaf)));
        return Ok(appended);
    };
    let slot = &mut entries[pos].1;
    match (rest.is_empty(), leaf, slot) {
        (true, Leaf::Set(v), old) if *old == v => Ok(None),
        (true, Leaf::Set(_), _) => Err(format!("`{first}` is set twice to different values")),
        (true, Leaf::Append(item), NewValue::Seq(items)) => {
            items.push(item);
            Ok(Some(items.len() - 1))
        }
        (true, Leaf::Append(_), _) => Err(format!("`{first}` is not a sequence")),
        (false, leaf, NewValue::Map(inner)) => merge(inner, rest, leaf),
        (false, _, _) => Err(format!("`{first}` is not a mapping")),
    }
}

fn merge_value(
    entries: &mut Vec<(String, NewValue)>,
    key: String,
    v: NewValue,
) -> Result<Option<usize>, String> {
    match v {
        NewValue::Map(inner)
            if entries
                .iter()
                .any(|(k, e)| *k == key && matches!(e, NewValue::Map(_))) =>
        {
            let mut last = None;
            for (k, v) in inner {
                let Some((_, NewValue::Map(target))) =
                    entries.iter_mut().find(|(ek, _)| *ek == key)
                else {
                    break;
                };
                last = merge_value(target, k, v)?;
            }
            Ok(last)
        }
        NewValue::Seq(items)
            if entries
                .iter()
                .any(|(k, e)| *k == key && matches!(e, NewValue::Seq(_))) =>
        {
            let Some((_, NewValue::Seq(target))) = entries.iter_mut().find(|(ek, _)| *ek == key)
            else {
                return Ok(None);
            };
            target.extend(items);
            Ok(Some(target.len() - 1))
        }
        v => merge(entries, std::slice::from_ref(&key), Leaf::Set(v)),
    }
}

/// Follow a route in a freshly parsed document (used to verify; no aliases are involved).
fn lookup(d: &YamlDoc, route: &Route) -> Option<NodeId> {
    let mut cur = d.root()?.id;
    for seg in route.segs() {
        cur = match (seg, &d.node(cur).value) {
            (Seg::Key(k), Value::Map { entries, .. }) => entries
                .iter()
                .find(
                    |(ek, _)| matches!(&d.node(*ek).value, Value::Scalar { text, .. } if text == k),
                )?
                .1,
            (Seg::Index(n), Value::Seq { items, .. }) => *items.get(*n)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Apply edits sorted by position and free of overlaps; `None` if an edit is out of order or
/// does not fall on character boundaries (never expected: positions come from the parser's
/// spans and ASCII delimiters).
pub(crate) fn apply(text: &str, edits: &[Edit]) -> Option<String> {
    let extra: usize = edits.iter().map(|e| e.text.len()).sum();
    let mut out = String::with_capacity(text.len() + extra);
    let mut pos = 0;
    for e in edits {
        out.push_str(text.get(pos..e.start)?);
        out.push_str(&e.text);
        pos = e.end;
    }
    out.push_str(text.get(pos..)?);
    Some(out)
}

/// The end of the quoted scalar that starts at `start` (its opening quote), at most `limit`:
/// `\` escapes in double quotes, `''` in single quotes.
fn quoted_end(text: &str, start: usize, limit: usize, double: bool) -> usize {
    let b = text.as_bytes();
    let quote = if double { b'"' } else { b'\'' };
    if b.get(start) != Some(&quote) {
        return limit;
    }
    let mut i = start + 1;
    while i < limit.min(b.len()) {
        match b[i] {
            b'\\' if double => i += 2,
            q if q == quote && !double && b.get(i + 1) == Some(&quote) => i += 2,
            q if q == quote => return i + 1,
            _ => i += 1,
        }
    }
    limit
}
