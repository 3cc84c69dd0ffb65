//! Executing a parsed template: Go's text/template semantics (scopes, `range`, `with`,
//! `template`, method-like `.Files.Get`), Helm's `include`/`tpl`/`required`, and the output
//! buffer that records where each byte came from.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::funcs;
use super::parse::{Arg, Branch, Cmd, Node, Operand, Pipe};
use super::value::{Mark, UNRESOLVED, Val, Value, size_capped};
use super::{Rendered, Segment, TemplateError, Templates, Unresolved};
use crate::source::FileId;
use crate::span::Span;

/// Total recursion of the evaluator (nested control structures, parentheses and includes
/// together), so no template can overflow the stack.
const MAX_RECURSION: usize = 400;

/// Deepest value a function may build (values are copied and dropped recursively).
const MAX_VALUE_DEPTH: usize = 300;

pub(crate) fn render<'t>(t: &'t Templates, file: FileId, dot: &Val, files: &'t Val) -> Rendered {
    let Some(f) = t.files.get(&file) else {
        return Rendered {
            error: Some(TemplateError {
                file,
                span: Span::default(),
                message: "template file was not added".into(),
            }),
            ..Rendered::default()
        };
    };
    let mut ex = Exec {
        t,
        files,
        steps: 0,
        depth: 0,
        nest: 0,
        vars: vec![(String::new(), dot.clone())],
        unresolved: Vec::new(),
    };
    let mut out = Out::new(t.limits.max_output);
    let src = Src::File {
        file,
        text: f.text.clone(),
    };
    let mut d = dot.clone();
    let root = f.root.clone();
    let error = match ex.list(&root, &mut d, &src, &mut out) {
        Ok(Flow::Normal) => None,
        Ok(_) => Some(TemplateError {
            file,
            span: Span::default(),
            message: "break or continue outside range".into(),
        }),
        Err(e) => Some(e),
    };
    let mut unresolved = ex.unresolved;
    unresolved.dedup();
    Rendered {
        text: out.text,
        segments: out.segs,
        unresolved,
        error,
        steps: ex.steps,
    }
}

/// Where the nodes being executed come from: a template file, or a string given to `tpl`
/// (whose output maps to the `tpl` call).
#[derive(Clone)]
pub(crate) enum Src {
    File {
        file: FileId,
        text: Arc<str>,
    },
    Inline {
        text: Arc<str>,
        file: FileId,
        call: Span,
        origin: Option<(FileId, Span)>,
    },
}

impl Src {
    /// The template location of bytes `span` of this source.
    fn at(&self, span: Span) -> (FileId, Span) {
        match self {
            Src::File { file, .. } => (*file, span),
            Src::Inline { file, call, .. } => (*file, *call),
        }
    }
}

/// An output buffer and its segments.
pub(crate) struct Out {
    pub text: String,
    pub segs: Vec<Segment>,
    max: usize,
}

impl Out {
    pub fn new(max: usize) -> Out {
        Out {
            text: String::new(),
            segs: Vec::new(),
            max,
        }
    }

    fn room(&self, n: usize, at: (FileId, Span)) -> Result<(), TemplateError> {
        if self.text.len() + n > self.max {
            return Err(TemplateError {
                file: at.0,
                span: at.1,
                message: format!("output larger than {} bytes", self.max),
            });
        }
        Ok(())
    }

    fn seg(
        &mut self,
        len: usize,
        file: FileId,
        span: Span,
        origin: Option<(FileId, Span)>,
        literal: bool,
    ) {
        if len == 0 {
            return;
        }
        let start = self.text.len() - len;
        // Merge with the previous segment when it continues it exactly.
        if let Some(last) = self.segs.last_mut()
            && last.out.end == start
            && last.file == file
            && last.origin == origin
            && last.literal == literal
            && (if literal {
                last.span.end == span.start
            } else {
                last.span == span
            })
        {
            last.out.end = self.text.len();
            if literal {
                last.span.end = span.end;
            }
            return;
        }
        self.segs.push(Segment {
            out: start..self.text.len(),
            file,
            span,
            origin,
            literal,
        });
    }

    /// Template text, byte-for-byte.
    fn literal(&mut self, src: &Src, span: Span) -> Result<(), TemplateError> {
        let (text, at) = match src {
            Src::File { text, .. } | Src::Inline { text, .. } => (text, src.at(span)),
        };
        let s = text.get(span.start..span.end).unwrap_or("");
        self.room(s.len(), at)?;
        self.text.push_str(s);
        match src {
            Src::File { file, .. } => self.seg(s.len(), *file, span, None, true),
            Src::Inline { origin, .. } => self.seg(s.len(), at.0, at.1, *origin, false),
        }
        Ok(())
    }

    /// A printed value at the action `at`: its marks where it has them, the action elsewhere.
    fn value(&mut self, at: (FileId, Span), text: &str, v: &Val) -> Result<(), TemplateError> {
        self.room(text.len(), at)?;
        let base = self.text.len();
        let mut pos = 0;
        let mut marks: Vec<&Mark> = v
            .marks
            .iter()
            .filter(|m| m.range.start < m.range.end && m.range.end <= text.len())
            .collect();
        marks.sort_by_key(|m| m.range.start);
        for m in marks {
            if m.range.start < pos {
                continue;
            }
            if m.range.start > pos {
                self.text.push_str(&text[pos..m.range.start]);
                self.seg(m.range.start - pos, at.0, at.1, v.origin, false);
            }
            self.text.push_str(&text[m.range.clone()]);
            let (file, span, literal) = m.src.unwrap_or((at.0, at.1, false));
            self.seg(
                m.range.len(),
                file,
                span,
                m.origin.or(if m.src.is_none() { v.origin } else { None }),
                literal,
            );
            pos = m.range.end;
        }
        if pos < text.len() {
            self.text.push_str(&text[pos..]);
            self.seg(text.len() - pos, at.0, at.1, v.origin, false);
        }
        debug_assert_eq!(self.text.len(), base + text.len());
        Ok(())
    }

    /// The output as a string value whose marks keep this buffer's source map.
    fn into_val(self) -> Val {
        let marks = self
            .segs
            .into_iter()
            .map(|s| Mark {
                range: s.out,
                src: Some((s.file, s.span, s.literal)),
                origin: s.origin,
            })
            .collect();
        Val {
            v: Value::Str(self.text),
            origin: None,
            marks,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flow {
    Normal,
    Break,
    Continue,
}

pub(crate) struct Exec<'t> {
    t: &'t Templates,
    /// The chart's files, what `.Files` reads from the top-level context (kept out of `dot` so
    /// passing `.` to an `include` does not copy every file).
    files: &'t Val,
    steps: u64,
    /// `include`/`template`/`tpl` nesting.
    depth: usize,
    /// All recursion.
    nest: usize,
    vars: Vec<(String, Val)>,
    unresolved: Vec<Unresolved>,
}

type R<T> = Result<T, TemplateError>;

fn terr(at: (FileId, Span), message: impl Into<String>) -> TemplateError {
    TemplateError {
        file: at.0,
        span: at.1,
        message: message.into(),
    }
}

/// Functions whose result depends on a cluster, the clock or randomness.
const NOT_STATIC: &[&str] = &[
    "randAlphaNum",
    "randAlpha",
    "randNumeric",
    "randAscii",
    "randBytes",
    "randInt",
    "genCA",
    "genCAWithKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "genPrivateKey",
    "derivePassword",
    "buildCustomCert",
    "encryptAES",
    "decryptAES",
    "now",
    "date",
    "dateInZone",
    "date_in_zone",
    "dateModify",
    "date_modify",
    "ago",
    "unixEpoch",
    "htmlDate",
    "htmlDateInZone",
    "uuidv4",
    "shuffle",
    "env",
    "expandenv",
    "getHostByName",
    "bcrypt",
    "htpasswd",
];

/// Functions that look at an Unknown argument themselves instead of returning it.
const SEES_UNKNOWN: &[&str] = &[
    "default",
    "coalesce",
    "ternary",
    "list",
    "dict",
    "append",
    "mustAppend",
    "push",
    "prepend",
    "concat",
    "set",
    "toYaml",
    "mustToYaml",
    "toJson",
    "mustToJson",
    "toPrettyJson",
    "toRawJson",
    "printf",
    "print",
    "println",
    "cat",
    "required",
    "fail",
];

impl<'t> Exec<'t> {
    fn step(&mut self, n: u64, at: (FileId, Span)) -> R<()> {
        self.steps = self.steps.saturating_add(n);
        if self.steps > self.t.limits.max_steps {
            return Err(terr(
                at,
                format!(
                    "evaluation took more than {} steps",
                    self.t.limits.max_steps
                ),
            ));
        }
        Ok(())
    }

    /// Charge the cost of copying a value.
    fn charge(&mut self, v: &Val, at: (FileId, Span)) -> R<()> {
        let left = self.t.limits.max_steps.saturating_sub(self.steps) + 1;
        let n = size_capped(v, left);
        self.step(n, at)
    }

    fn enter(&mut self, at: (FileId, Span)) -> R<()> {
        self.nest += 1;
        if self.nest > MAX_RECURSION {
            return Err(terr(at, "templates nested too deeply"));
        }
        Ok(())
    }

    fn unresolved(&mut self, at: (FileId, Span), reason: impl Into<String>) {
        if self.unresolved.len() < 10_000 {
            self.unresolved.push(Unresolved {
                file: at.0,
                span: at.1,
                reason: reason.into(),
            });
        }
    }

    pub(crate) fn list(
        &mut self,
        nodes: &[Node],
        dot: &mut Val,
        src: &Src,
        out: &mut Out,
    ) -> R<Flow> {
        let at = src.at(nodes.first().map_or(Span::default(), node_span));
        self.enter(at)?;
        let mark = self.vars.len();
        let mut flow = Flow::Normal;
        for n in nodes {
            flow = self.node(n, dot, src, out)?;
            if flow != Flow::Normal {
                break;
            }
        }
        self.vars.truncate(mark);
        self.nest -= 1;
        Ok(flow)
    }

    fn node(&mut self, n: &Node, dot: &mut Val, src: &Src, out: &mut Out) -> R<Flow> {
        self.step(1, src.at(node_span(n)))?;
        match n {
            Node::Text(span) => out.literal(src, *span)?,
            Node::Action { span, pipe } => {
                let v = self.pipe(pipe, dot, src)?;
                if pipe.decl.is_empty() {
                    self.print(out, src.at(*span), &v)?;
                }
            }
            Node::If(b) => return self.if_with(b, dot, src, out, false),
            Node::With(b) => return self.if_with(b, dot, src, out, true),
            Node::Range(b) => return self.range(b, dot, src, out),
            Node::Break(_) => return Ok(Flow::Break),
            Node::Continue(_) => return Ok(Flow::Continue),
            Node::Template { span, name, pipe } => {
                let at = src.at(*span);
                let mut d = match pipe {
                    Some(p) => self.pipe(p, dot, src)?,
                    None => Val::null(),
                };
                self.call_template(name, &mut d, at, out)?;
            }
        }
        Ok(Flow::Normal)
    }

    fn print(&mut self, out: &mut Out, at: (FileId, Span), v: &Val) -> R<()> {
        if let Value::Unknown(why) = &v.v {
            let why = why.clone();
            self.unresolved(at, why);
            return out.value(at, UNRESOLVED, v);
        }
        let text = v.to_go_string();
        self.step((text.len() / 64) as u64, at)?;
        out.value(at, &text, v)
    }

    fn if_with(
        &mut self,
        b: &Branch,
        dot: &mut Val,
        src: &Src,
        out: &mut Out,
        with: bool,
    ) -> R<Flow> {
        let mark = self.vars.len();
        let at = src.at(b.span);
        let v = self.pipe(&b.pipe, dot, src)?;
        let truth = match v.truth() {
            Some(t) => t,
            None => {
                let why = match &v.v {
                    Value::Unknown(w) => w.clone(),
                    _ => String::new(),
                };
                self.unresolved(at, format!("condition not decided statically: {why}"));
                false
            }
        };
        let flow = if truth {
            if with {
                let mut d = v;
                self.list(&b.body, &mut d, src, out)?
            } else {
                self.list(&b.body, dot, src, out)?
            }
        } else {
            self.list(&b.els, dot, src, out)?
        };
        self.vars.truncate(mark);
        Ok(flow)
    }

    fn range(&mut self, b: &Branch, dot: &mut Val, src: &Src, out: &mut Out) -> R<Flow> {
        let at = src.at(b.span);
        let v = self.cmds(&b.pipe, dot, src)?;
        let items: Vec<(Val, Val)> = match v.v {
            Value::List(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, it)| (Val::int(i as i64), it))
                .collect(),
            Value::Map(m) => m.into_iter().map(|(k, it)| (Val::str(k), it)).collect(),
            Value::Int(n) => {
                self.step(n.max(0) as u64, at)?;
                (0..n).map(|i| (Val::int(i), Val::int(i))).collect()
            }
            Value::Null => Vec::new(),
            Value::Unknown(why) => {
                self.unresolved(
                    at,
                    format!("range over a value not known statically: {why}"),
                );
                Vec::new()
            }
            _ => return Err(terr(at, format!("range can't iterate over {}", v.kind()))),
        };
        if items.is_empty() {
            return self.list(&b.els, dot, src, out);
        }
        let mark = self.vars.len();
        for (k, it) in items {
            self.vars.truncate(mark);
            match b.pipe.decl.len() {
                0 => {}
                1 => self.vars.push((b.pipe.decl[0].clone(), it.clone())),
                _ => {
                    self.vars.push((b.pipe.decl[0].clone(), k));
                    self.vars.push((b.pipe.decl[1].clone(), it.clone()));
                }
            }
            let mut d = it;
            if self.list(&b.body, &mut d, src, out)? == Flow::Break {
                break;
            }
        }
        self.vars.truncate(mark);
        Ok(Flow::Normal)
    }

    /// Execute a `define`d template into `out`.
    fn call_template(
        &mut self,
        name: &str,
        dot: &mut Val,
        at: (FileId, Span),
        out: &mut Out,
    ) -> R<()> {
        let Some(def) = self.t.defines.get(name) else {
            return Err(terr(
                at,
                format!("no template {name:?} associated with template"),
            ));
        };
        if self.depth >= self.t.limits.max_depth {
            return Err(terr(
                at,
                format!(
                    "include/template nested deeper than {} (recursion?)",
                    self.t.limits.max_depth
                ),
            ));
        }
        let Some(f) = self.t.files.get(&def.file) else {
            return Err(terr(at, "template file missing"));
        };
        let src = Src::File {
            file: def.file,
            text: f.text.clone(),
        };
        let body = def.body.clone();
        let root = self.take(dot, at)?;
        let saved = std::mem::replace(&mut self.vars, vec![(String::new(), root)]);
        self.depth += 1;
        let r = self.list(&body, dot, &src, out);
        self.depth -= 1;
        self.vars = saved;
        r.map(|_| ())
    }

    /// A pipeline's value, with its variables declared or assigned.
    fn pipe(&mut self, p: &Pipe, dot: &mut Val, src: &Src) -> R<Val> {
        let v = self.cmds(p, dot, src)?;
        if p.decl.is_empty() {
            return Ok(v);
        }
        if p.assign {
            for name in &p.decl {
                match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
                    Some(slot) => slot.1 = v.clone(),
                    None => {
                        return Err(terr(src.at(p.span), format!("undefined variable: ${name}")));
                    }
                }
            }
        } else {
            self.vars.push((p.decl[0].clone(), v.clone()));
        }
        Ok(v)
    }

    /// A pipeline's commands, each result passed as the last argument of the next.
    fn cmds(&mut self, p: &Pipe, dot: &mut Val, src: &Src) -> R<Val> {
        let at = src.at(p.span);
        self.enter(at)?;
        let mut prev: Option<Val> = None;
        for c in &p.cmds {
            prev = Some(self.cmd(c, dot, src, prev)?);
        }
        self.nest -= 1;
        Ok(prev.unwrap_or_default())
    }

    fn cmd(&mut self, c: &Cmd, dot: &mut Val, src: &Src, piped: Option<Val>) -> R<Val> {
        let at = src.at(c.span);
        self.step(1, at)?;
        let first = &c.args[0];
        let rest = &c.args[1..];
        let is_call = !rest.is_empty() || piped.is_some();
        match &first.kind {
            Arg::Ident(name) => self.call(name, at, rest, piped, dot, src),
            Arg::Field(chain) if is_call => {
                let args = self.args(rest, piped, dot, src)?;
                let recv = walk(dot, &chain[..chain.len() - 1], at, self.files)?;
                self.method(&recv, &chain[chain.len() - 1], args, at)
            }
            Arg::Var(name, chain) if is_call && !chain.is_empty() => {
                let args = self.args(rest, piped, dot, src)?;
                let recv = self.var_path(name, &chain[..chain.len() - 1], at)?;
                self.method(&recv, &chain[chain.len() - 1], args, at)
            }
            Arg::Paren(p, chain) if is_call && !chain.is_empty() => {
                let args = self.args(rest, piped, dot, src)?;
                let base = self.cmds(p, dot, src)?;
                let recv = walk(&base, &chain[..chain.len() - 1], at, self.files)?;
                self.method(&recv, &chain[chain.len() - 1], args, at)
            }
            _ if is_call => Err(terr(at, "can't give argument to non-function")),
            _ => self.arg(first, dot, src),
        }
    }

    fn args(
        &mut self,
        ops: &[Operand],
        piped: Option<Val>,
        dot: &mut Val,
        src: &Src,
    ) -> R<Vec<Val>> {
        let mut v = Vec::with_capacity(ops.len() + 1);
        for o in ops {
            v.push(self.arg(o, dot, src)?);
        }
        v.extend(piped);
        Ok(v)
    }

    fn arg(&mut self, o: &Operand, dot: &mut Val, src: &Src) -> R<Val> {
        let at = src.at(o.span);
        Ok(match &o.kind {
            Arg::Dot => self.take(dot, at)?,
            Arg::Nil => Val::null(),
            Arg::Bool(b) => Val::bool(*b),
            Arg::Str(s) => Val::str(s.clone()),
            Arg::Char(c) => Val::int(*c as i64),
            Arg::Num(n) => number(n).ok_or_else(|| terr(at, format!("bad number syntax: {n}")))?,
            Arg::Field(chain) => match walk(dot, chain, at, self.files)? {
                Cow::Borrowed(v) => self.take(v, at)?,
                Cow::Owned(v) => v,
            },
            Arg::Var(name, chain) => self.var_path(name, chain, at)?,
            Arg::Ident(name) => self.call(name, at, &[], None, dot, src)?,
            Arg::Paren(p, chain) => {
                let base = self.cmds(p, dot, src)?;
                if chain.is_empty() {
                    base
                } else {
                    walk(&base, chain, at, self.files)?.into_owned()
                }
            }
        })
    }

    /// A copy of `v`, charged before it is made (so a value too large to copy is never copied).
    fn take(&mut self, v: &Val, at: (FileId, Span)) -> R<Val> {
        self.charge(v, at)?;
        Ok(v.clone())
    }

    /// `$name.a.b`, copied (and charged) once.
    fn var_path(&mut self, name: &str, chain: &[String], at: (FileId, Span)) -> R<Val> {
        let Some(i) = self.vars.iter().rposition(|(n, _)| n == name) else {
            return Err(terr(at, format!("undefined variable: ${name}")));
        };
        let left = self.t.limits.max_steps.saturating_sub(self.steps) + 1;
        let size = size_capped(walk(&self.vars[i].1, chain, at, self.files)?.as_ref(), left);
        self.step(size, at)?;
        Ok(walk(&self.vars[i].1, chain, at, self.files)?.into_owned())
    }

    /// Methods Helm's objects have: `.Files.Get/Glob/AsConfig/AsSecrets/Lines`,
    /// `.Capabilities.APIVersions.Has`.
    fn method(&mut self, recv: &Val, name: &str, args: Vec<Val>, at: (FileId, Span)) -> R<Val> {
        self.step(1, at)?;
        if let Value::Map(m) = &recv.v
            && let Some(v) = m.get(name)
        {
            if args.is_empty() {
                return Ok(v.clone());
            }
            return Err(terr(
                at,
                format!("{name} is not a method but has arguments"),
            ));
        }
        let arg0 = args.first().and_then(|a| a.as_str().map(str::to_string));
        if let Some(v) = files_method(recv, name, arg0.as_deref()) {
            return Ok(v);
        }
        match (name, &recv.v) {
            ("Has", Value::List(l)) => {
                Ok(Val::bool(arg0.is_some_and(|a| {
                    l.iter().any(|x| x.as_str() == Some(a.as_str()))
                })))
            }
            // Without a list of API versions in `dot`, assume the cluster has them (helm
            // template's built-in set covers the core APIs charts check).
            ("Has", _) => Ok(Val::bool(true)),
            (_, Value::Unknown(w)) => Ok(Val::unknown(w.clone())),
            _ => Ok(Val::unknown(format!(
                "method {name} not supported on {}",
                recv.kind()
            ))),
        }
    }

    /// Call a function by name.
    fn call(
        &mut self,
        name: &str,
        at: (FileId, Span),
        ops: &[Operand],
        piped: Option<Val>,
        dot: &mut Val,
        src: &Src,
    ) -> R<Val> {
        self.step(1, at)?;
        match name {
            // Short-circuit like Go 1.18+: the first decisive argument is the result.
            "and" | "or" => {
                let mut last = Val::null();
                let n = ops.len() + usize::from(piped.is_some());
                if n == 0 {
                    return Err(terr(at, format!("wrong number of args for {name}")));
                }
                let mut piped = piped;
                for i in 0..n {
                    let v = match ops.get(i) {
                        Some(o) => self.arg(o, dot, src)?,
                        None => piped.take().unwrap_or_default(),
                    };
                    match v.truth() {
                        None => return Ok(v),
                        Some(t) if t == (name == "or") => return Ok(v),
                        _ => last = v,
                    }
                }
                return Ok(last);
            }
            _ => {}
        }
        let mut args = self.args(ops, piped, dot, src)?;
        // Unknowns are recorded where they are used (printed, tested, ranged over, or written
        // into a string), so an unused `lookup` reports nothing.
        // `helm template` has no cluster either: its `lookup` returns an empty map, and charts
        // are written for that (a generated secret when none exists yet). Read it the same way,
        // and say so.
        if name == "lookup" {
            self.unresolved(
                at,
                "`lookup` reads the live cluster: read as empty, as `helm template` does",
            );
            return Ok(Val::map(Vec::<(String, Val)>::new()));
        }
        if NOT_STATIC.contains(&name) {
            let why = format!(
                "`{name}` is not known statically (needs a cluster, the clock or randomness)"
            );
            return Ok(Val::unknown(why));
        }
        if EMBEDS.contains(&name)
            && let Some(why) = args.iter().find_map(find_unknown)
        {
            let why = why.to_string();
            self.unresolved(at, why);
        }
        if !SEES_UNKNOWN.contains(&name)
            && let Some(u) = args.iter().find(|a| a.is_unknown())
        {
            return Ok(u.clone());
        }
        let r = match name {
            "include" => {
                let tname = match args.first().map(|a| &a.v) {
                    Some(Value::Str(s)) => s.clone(),
                    _ => return Err(terr(at, "include needs a template name")),
                };
                let mut d = args.get(1).cloned().unwrap_or_default();
                let mut sub = Out::new(self.t.limits.max_output);
                self.call_template(&tname, &mut d, at, &mut sub)?;
                Ok(sub.into_val())
            }
            "tpl" => self.tpl(args, at),
            "required" => {
                let v = args.pop().unwrap_or_default();
                let unset = match &v.v {
                    Value::Null => true,
                    Value::Str(s) => s.is_empty(),
                    Value::Unknown(_) => false,
                    _ => false,
                };
                if unset {
                    let msg = args.first().map(|m| m.to_go_string()).unwrap_or_default();
                    Ok(Val::unknown(format!("required value not set: {msg}")))
                } else {
                    Ok(v)
                }
            }
            "fail" => {
                let msg = args.first().map(|m| m.to_go_string()).unwrap_or_default();
                return Err(terr(at, format!("execution error: {msg}")));
            }
            "set" | "unset" | "merge" | "mergeOverwrite" | "mustMerge" | "mustMergeOverwrite" => {
                let r = funcs::call(name, args, &self.t.limits);
                if let Some(Ok(v)) = &r
                    && let Some(first) = ops.first()
                {
                    // Sprig mutates the map in place: keep the variable (or field) in step.
                    self.write_back(first, v.clone(), dot);
                }
                r.unwrap_or_else(|| Err(format!("function {name} not defined")))
            }
            _ => match funcs::call(name, args, &self.t.limits) {
                Some(r) => r,
                None => {
                    let why = format!("function `{name}` is not supported by the static reader");
                    return Ok(Val::unknown(why));
                }
            },
        };
        let v = r.map_err(|m| terr(at, format!("error calling {name}: {m}")))?;
        if let Value::Str(s) = &v.v
            && s.len() > self.t.limits.max_output
        {
            return Err(terr(
                at,
                format!("{name} built a string larger than the output limit"),
            ));
        }
        self.charge(&v, at)?;
        if super::value::depth_capped(&v, MAX_VALUE_DEPTH + 1) > MAX_VALUE_DEPTH {
            return Err(terr(
                at,
                format!("{name} built a value nested deeper than {MAX_VALUE_DEPTH}"),
            ));
        }
        Ok(v)
    }

    fn write_back(&mut self, target: &Operand, v: Val, dot: &mut Val) {
        let (slot, chain): (&mut Val, &[String]) = match &target.kind {
            Arg::Var(name, chain) => match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
                Some(s) => (&mut s.1, chain),
                None => return,
            },
            Arg::Dot => (dot, &[]),
            Arg::Field(chain) => (dot, chain),
            _ => return,
        };
        let mut cur = slot;
        for k in chain {
            match &mut cur.v {
                Value::Map(m) => match m.get_mut(k) {
                    Some(n) => cur = n,
                    None => return,
                },
                _ => return,
            }
        }
        *cur = v;
    }

    /// Helm's `tpl`: a string evaluated as a template with the given dot.
    fn tpl(&mut self, mut args: Vec<Val>, at: (FileId, Span)) -> Result<Val, String> {
        if args.len() != 2 {
            return Err("tpl needs a string and a context".into());
        }
        let mut d = args.pop().unwrap_or_default();
        let s = args.pop().unwrap_or_default();
        let text = match &s.v {
            Value::Str(t) => t.clone(),
            Value::Null => String::new(),
            other => Val::new(other.clone()).to_go_string(),
        };
        let toks = super::lex::lex(&text).map_err(|e| e.message)?;
        let parsed = super::parse::parse(&toks).map_err(|e| e.message)?;
        if self.depth >= self.t.limits.max_depth {
            return Err("tpl nested too deeply".into());
        }
        let src = Src::Inline {
            text: Arc::from(text.as_str()),
            file: at.0,
            call: at.1,
            origin: s.origin,
        };
        let mut sub = Out::new(self.t.limits.max_output);
        let saved = std::mem::replace(&mut self.vars, vec![(String::new(), d.clone())]);
        self.depth += 1;
        let r = self.list(&parsed.root, &mut d, &src, &mut sub);
        self.depth -= 1;
        self.vars = saved;
        r.map_err(|e| e.message)?;
        let mut v = sub.into_val();
        v.origin = s.origin;
        Ok(v)
    }
}

/// Functions that write their arguments into a string or text: an Unknown inside becomes a
/// placeholder there, recorded at the call.
const EMBEDS: &[&str] = &[
    "toYaml",
    "toJson",
    "toPrettyJson",
    "toRawJson",
    "mustToYaml",
    "mustToJson",
    "printf",
    "print",
    "println",
    "cat",
    "join",
];

/// The reason of the first Unknown inside a value (bounded search).
fn find_unknown(v: &Val) -> Option<&str> {
    let mut stack = vec![v];
    let mut budget = 100_000;
    while let Some(x) = stack.pop() {
        budget -= 1;
        if budget == 0 {
            return None;
        }
        match &x.v {
            Value::Unknown(w) => return Some(w),
            Value::List(l) => stack.extend(l.iter()),
            Value::Map(m) => stack.extend(m.values()),
            _ => {}
        }
    }
    None
}

/// Follow `.a.b` from `base` without copying what is passed through.
fn walk<'a>(
    base: &'a Val,
    chain: &[String],
    at: (FileId, Span),
    files: &'a Val,
) -> R<Cow<'a, Val>> {
    let mut cur = base;
    for (i, name) in chain.iter().enumerate() {
        match &cur.v {
            Value::Map(m) => match m.get(name) {
                Some(v) => cur = v,
                // The top-level context (it has `Values`) reads `.Files` from the render's files.
                None if name == "Files" && m.contains_key("Values") => cur = files,
                None if is_files_method(name) => {
                    let v = files_method(cur, name, None).unwrap_or_default();
                    return walk(&v, &chain[i + 1..], at, files)
                        .map(|c| Cow::Owned(c.into_owned()));
                }
                None => {
                    // Helm's missingkey=zero: a missing key is nil, and a field of nil stops
                    // helm ("nil pointer evaluating interface {}.x"). Such charts expect values
                    // given at install (`-f`, `--set`); rather than lose every object after
                    // that line, the field is unresolved, noted where it is used, and the
                    // workload's confidence says so.
                    if chain.get(i + 1).is_some() {
                        return Ok(Cow::Owned(Val::unknown(format!(
                            "`.{}` is not set: the chart expects it from values given at install (pass them with `--helm-values`)",
                            chain[..=i + 1].join(".")
                        ))));
                    }
                    return Ok(Cow::Owned(Val::null()));
                }
            },
            Value::Unknown(why) => return Ok(Cow::Owned(Val::unknown(why.clone()))),
            // A nil that a pipeline produced (a variable, a function's result) has no fields and
            // gives nil, as in Go; a missing key inside one chain errors above.
            Value::Null => return Ok(Cow::Owned(Val::null())),
            _ => {
                return Err(terr(
                    at,
                    format!("can't evaluate field {name} in type {}", cur.kind()),
                ));
            }
        }
    }
    Ok(Cow::Borrowed(cur))
}

/// `.Files` methods on the map of chart files: `Get`, `GetBytes`, `Lines`, `Glob`,
/// `AsConfig`, `AsSecrets`. `None` when `name` is not one of them.
fn files_method(recv: &Val, name: &str, arg0: Option<&str>) -> Option<Val> {
    let Value::Map(m) = &recv.v else { return None };
    Some(match name {
        "Get" | "GetBytes" => match arg0.and_then(|p| m.get(p)) {
            Some(v) => v.clone(),
            None => Val::str(""),
        },
        "Lines" => match arg0.and_then(|p| m.get(p)) {
            Some(v) => {
                let s = v.as_str().unwrap_or("");
                let s = s.strip_suffix('\n').unwrap_or(s);
                Val::list(
                    s.split('\n')
                        .map(|l| Val::with_origin(Value::Str(l.to_string()), v.origin))
                        .collect(),
                )
            }
            None => Val::list(Vec::new()),
        },
        "Glob" => {
            let pat = arg0.unwrap_or_default();
            Val::new(Value::Map(
                m.iter()
                    .filter(|(k, _)| funcs::glob_match(pat, k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ))
        }
        "AsConfig" | "AsSecrets" => {
            let secrets = name == "AsSecrets";
            let mut out = BTreeMap::new();
            for (k, v) in m {
                let base = k.rsplit('/').next().unwrap_or(k).to_string();
                let s = v.as_str().unwrap_or("");
                let s = if secrets {
                    funcs::b64enc(s.as_bytes())
                } else {
                    s.to_string()
                };
                out.insert(base, Val::with_origin(Value::Str(s), v.origin));
            }
            super::yaml_out::to_yaml(&Val::new(Value::Map(out)))
        }
        _ => return None,
    })
}

fn is_files_method(name: &str) -> bool {
    matches!(name, "AsConfig" | "AsSecrets")
}

fn node_span(n: &Node) -> Span {
    match n {
        Node::Text(s) | Node::Break(s) | Node::Continue(s) => *s,
        Node::Action { span, .. } | Node::Template { span, .. } => *span,
        Node::If(b) | Node::With(b) | Node::Range(b) => b.span,
    }
}

/// A number constant as Go's template parser types it: an int when it reads as one, else float.
fn number(s: &str) -> Option<Val> {
    let t = s.replace('_', "");
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b.to_string()),
        None => (false, t.strip_prefix('+').unwrap_or(&t).to_string()),
    };
    let int = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()
    } else if let Some(o) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
        i64::from_str_radix(o, 8).ok()
    } else if let Some(b) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
        i64::from_str_radix(b, 2).ok()
    } else if body.len() > 1 && body.starts_with('0') && body.bytes().all(|b| b.is_ascii_digit()) {
        i64::from_str_radix(&body, 8).ok()
    } else {
        body.parse::<i64>().ok()
    };
    if let Some(i) = int {
        return Some(Val::int(if neg { -i } else { i }));
    }
    if body
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        let f: f64 = body.parse().ok()?;
        return Some(Val::float(if neg { -f } else { f }));
    }
    None
}
