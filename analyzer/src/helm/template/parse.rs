//! The parse tree of one template file (Go's text/template grammar), and its `define`s.

use super::lex::{Tok, Token};
use crate::span::Span;

/// Deepest nesting of control structures and parentheses accepted (the parser and evaluator
/// recurse on it; real charts stay under 15).
pub const MAX_NEST: usize = 100;

#[derive(Clone, Debug)]
pub enum Node {
    /// Template text (already trimmed), copied to the output byte-for-byte.
    Text(Span),
    /// `{{ pipeline }}`; `span` covers the delimiters.
    Action {
        span: Span,
        pipe: Pipe,
    },
    If(Branch),
    With(Branch),
    Range(Branch),
    Template {
        span: Span,
        name: String,
        pipe: Option<Pipe>,
    },
    Break(Span),
    Continue(Span),
}

/// `if`/`with`/`range`: the condition, the body and the `else` part (where a chained
/// `else if` is a nested branch).
#[derive(Clone, Debug)]
pub struct Branch {
    pub span: Span,
    pub pipe: Pipe,
    pub body: Vec<Node>,
    pub els: Vec<Node>,
}

#[derive(Clone, Debug)]
pub struct Pipe {
    pub span: Span,
    /// Variables declared (`:=`) or assigned (`=`).
    pub decl: Vec<String>,
    pub assign: bool,
    pub cmds: Vec<Cmd>,
}

#[derive(Clone, Debug)]
pub struct Cmd {
    pub span: Span,
    pub args: Vec<Operand>,
}

#[derive(Clone, Debug)]
pub struct Operand {
    pub span: Span,
    pub kind: Arg,
}

#[derive(Clone, Debug)]
pub enum Arg {
    Dot,
    Nil,
    Bool(bool),
    Num(String),
    Char(char),
    Str(String),
    /// `.a.b`
    Field(Vec<String>),
    /// `$x.a.b` (`$` is the empty name)
    Var(String, Vec<String>),
    /// A function name.
    Ident(String),
    /// `(pipeline)` and fields read from its result.
    Paren(Box<Pipe>, Vec<String>),
}

/// A template `define`d (or `block`ed) in a file.
#[derive(Clone, Debug)]
pub struct Define {
    pub name: String,
    pub span: Span,
    pub body: Vec<Node>,
}

#[derive(Clone, Debug)]
pub struct ParseError {
    pub span: Span,
    pub message: String,
}

pub struct Parsed {
    pub root: Vec<Node>,
    pub defines: Vec<Define>,
}

pub fn parse(toks: &[Token]) -> Result<Parsed, ParseError> {
    let mut p = Parser {
        toks,
        i: 0,
        defines: Vec::new(),
        end: toks.last().map_or(0, |t| t.span.end),
    };
    let (root, stop) = p.list(0)?;
    match stop {
        Stop::Eof => Ok(Parsed {
            root,
            defines: p.defines,
        }),
        Stop::End(s) => Err(perr(s, "unexpected {{end}}")),
        Stop::Else(s, _) => Err(perr(s, "unexpected {{else}}")),
    }
}

enum Stop {
    Eof,
    End(Span),
    /// `{{else}}` (None) or `{{else if/with ...` (the keyword, its tokens not yet read).
    Else(Span, Option<Tok>),
}

struct Parser<'a> {
    toks: &'a [Token],
    i: usize,
    defines: Vec<Define>,
    end: usize,
}

fn perr(span: Span, m: &str) -> ParseError {
    ParseError {
        span,
        message: m.to_string(),
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.i)
    }

    fn next(&mut self) -> Result<&Token, ParseError> {
        let end = self.end;
        let t = self
            .toks
            .get(self.i)
            .ok_or_else(|| perr(Span::new(end, end), "unexpected end of template"))?;
        self.i += 1;
        Ok(t)
    }

    fn expect_close(&mut self) -> Result<Span, ParseError> {
        let t = self.next()?;
        if t.tok == Tok::Close {
            Ok(t.span)
        } else {
            Err(perr(t.span, "expected }}"))
        }
    }

    fn list(&mut self, depth: usize) -> Result<(Vec<Node>, Stop), ParseError> {
        if depth > MAX_NEST {
            let s = self
                .peek()
                .map_or(Span::new(self.end, self.end), |t| t.span);
            return Err(perr(s, "control structures nested too deeply"));
        }
        let mut out = Vec::new();
        while let Some(t) = self.peek() {
            let t = t.clone();
            self.i += 1;
            match t.tok {
                Tok::Text => out.push(Node::Text(t.span)),
                Tok::Open => {
                    if let Some(stop) = self.action(t.span, depth, &mut out)? {
                        return Ok((out, stop));
                    }
                }
                _ => return Err(perr(t.span, "unexpected token outside an action")),
            }
        }
        Ok((out, Stop::Eof))
    }

    /// One action after `{{`; pushes its node, or returns the `end`/`else` that stops a list.
    fn action(
        &mut self,
        open: Span,
        depth: usize,
        out: &mut Vec<Node>,
    ) -> Result<Option<Stop>, ParseError> {
        let kw = self.next()?.clone();
        match kw.tok {
            Tok::End => {
                let c = self.expect_close()?;
                Ok(Some(Stop::End(open.to(c))))
            }
            Tok::Else => {
                let t = self.peek().map(|t| t.tok.clone());
                match t {
                    Some(Tok::Close) => {
                        let c = self.expect_close()?;
                        Ok(Some(Stop::Else(open.to(c), None)))
                    }
                    Some(k @ (Tok::If | Tok::With)) => {
                        self.i += 1;
                        Ok(Some(Stop::Else(open, Some(k))))
                    }
                    _ => Err(perr(kw.span, "expected }} or if/with after else")),
                }
            }
            Tok::If | Tok::With | Tok::Range => {
                out.push(self.branch(open, kw.tok, depth)?);
                Ok(None)
            }
            Tok::Break | Tok::Continue => {
                let c = self.expect_close()?;
                let span = open.to(c);
                out.push(if kw.tok == Tok::Break {
                    Node::Break(span)
                } else {
                    Node::Continue(span)
                });
                Ok(None)
            }
            Tok::Define => {
                let name = self.name()?;
                let c = self.expect_close()?;
                let (body, stop) = self.list(depth + 1)?;
                match stop {
                    Stop::End(e) => {
                        self.defines.push(Define {
                            name,
                            span: open.to(c).to(e),
                            body,
                        });
                        Ok(None)
                    }
                    _ => Err(perr(open.to(c), "define without {{end}}")),
                }
            }
            Tok::Template | Tok::Block => {
                let name = self.name()?;
                let pipe = if self.peek().map(|t| &t.tok) == Some(&Tok::Close) {
                    None
                } else {
                    Some(self.pipeline(depth, false)?)
                };
                let c = self.expect_close()?;
                let span = open.to(c);
                if kw.tok == Tok::Block {
                    let (body, stop) = self.list(depth + 1)?;
                    let Stop::End(e) = stop else {
                        return Err(perr(span, "block without {{end}}"));
                    };
                    self.defines.push(Define {
                        name: name.clone(),
                        span: span.to(e),
                        body,
                    });
                }
                out.push(Node::Template { span, name, pipe });
                Ok(None)
            }
            _ => {
                self.i -= 1;
                let pipe = self.pipeline(depth, true)?;
                let c = self.expect_close()?;
                out.push(Node::Action {
                    span: open.to(c),
                    pipe,
                });
                Ok(None)
            }
        }
    }

    fn name(&mut self) -> Result<String, ParseError> {
        let t = self.next()?;
        match &t.tok {
            Tok::Str(s) => Ok(s.clone()),
            _ => Err(perr(t.span, "expected a quoted template name")),
        }
    }

    /// `if`/`with`/`range` after the keyword, up to and including its `{{end}}`.
    fn branch(&mut self, open: Span, kw: Tok, depth: usize) -> Result<Node, ParseError> {
        let pipe = self.pipeline(depth, true)?;
        let c = self.expect_close()?;
        let span = open.to(c);
        let (body, stop) = self.list(depth + 1)?;
        let els = match stop {
            Stop::End(_) => Vec::new(),
            Stop::Else(_, None) => {
                let (els, stop) = self.list(depth + 1)?;
                match stop {
                    Stop::End(_) => els,
                    _ => return Err(perr(span, "expected {{end}} after {{else}}")),
                }
            }
            // `{{else if x}}` is `{{else}}{{if x}}...{{end}}` sharing the outer `{{end}}`.
            Stop::Else(s, Some(k)) => vec![self.branch(s, k, depth + 1)?],
            Stop::Eof => return Err(perr(span, "missing {{end}}")),
        };
        let b = Branch {
            span,
            pipe,
            body,
            els,
        };
        Ok(match kw {
            Tok::If => Node::If(b),
            Tok::With => Node::With(b),
            _ => Node::Range(b),
        })
    }

    /// A pipeline up to (not including) `}}` or `)`.
    fn pipeline(&mut self, depth: usize, allow_decl: bool) -> Result<Pipe, ParseError> {
        if depth > MAX_NEST {
            let s = self
                .peek()
                .map_or(Span::new(self.end, self.end), |t| t.span);
            return Err(perr(s, "pipeline nested too deeply"));
        }
        let start = self.peek().map_or(self.end, |t| t.span.start);
        let mut decl = Vec::new();
        let mut assign = false;
        if allow_decl {
            // `$x :=`, `$x =`, `$i, $v :=`
            let save = self.i;
            let mut vars = Vec::new();
            while let Some(Tok::Var(v)) = self.peek().map(|t| t.tok.clone()) {
                self.i += 1;
                vars.push(v);
                match self.peek().map(|t| t.tok.clone()) {
                    Some(Tok::Comma) if vars.len() < 2 => self.i += 1,
                    Some(Tok::Declare) => {
                        self.i += 1;
                        decl = vars;
                        break;
                    }
                    Some(Tok::Assign) => {
                        self.i += 1;
                        decl = vars;
                        assign = true;
                        break;
                    }
                    _ => break,
                }
            }
            if decl.is_empty() {
                self.i = save;
            }
        }
        let mut cmds = Vec::new();
        loop {
            cmds.push(self.command(depth)?);
            match self.peek().map(|t| &t.tok) {
                Some(Tok::Pipe) => self.i += 1,
                _ => break,
            }
        }
        let end = self
            .toks
            .get(self.i.saturating_sub(1))
            .map_or(start, |t| t.span.end);
        Ok(Pipe {
            span: Span::new(start, end.max(start)),
            decl,
            assign,
            cmds,
        })
    }

    fn command(&mut self, depth: usize) -> Result<Cmd, ParseError> {
        let mut args = Vec::new();
        while let Some(t) = self.peek() {
            if matches!(t.tok, Tok::Close | Tok::RParen | Tok::Pipe) {
                break;
            }
            args.push(self.operand(depth)?);
        }
        let Some(first) = args.first() else {
            let s = self
                .peek()
                .map_or(Span::new(self.end, self.end), |t| t.span);
            return Err(perr(s, "missing value for command"));
        };
        let span = first.span.to(args.last().map_or(first.span, |a| a.span));
        Ok(Cmd { span, args })
    }

    fn operand(&mut self, depth: usize) -> Result<Operand, ParseError> {
        let t = self.next()?.clone();
        let mut span = t.span;
        let mut kind = match t.tok {
            Tok::Dot => Arg::Dot,
            Tok::Nil => Arg::Nil,
            Tok::Bool(b) => Arg::Bool(b),
            Tok::Num(n) => Arg::Num(n),
            Tok::Char(c) => Arg::Char(c),
            Tok::Str(s) => Arg::Str(s),
            Tok::Field(f) => Arg::Field(vec![f]),
            Tok::Var(v) => Arg::Var(v, Vec::new()),
            Tok::Ident(i) => Arg::Ident(i),
            Tok::LParen => {
                let p = self.pipeline(depth + 1, true)?;
                let r = self.next()?;
                if r.tok != Tok::RParen {
                    return Err(perr(r.span, "unclosed left paren"));
                }
                span = span.to(r.span);
                Arg::Paren(Box::new(p), Vec::new())
            }
            _ => return Err(perr(t.span, "unexpected token in operand")),
        };
        // Fields touching the term chain onto it: `.a.b`, `$x.y`, `(f).z`.
        while let Some(n) = self.peek() {
            let Tok::Field(f) = &n.tok else { break };
            if n.space_before {
                break;
            }
            let f = f.clone();
            span = span.to(n.span);
            self.i += 1;
            match &mut kind {
                Arg::Field(c) | Arg::Var(_, c) | Arg::Paren(_, c) => c.push(f),
                _ => return Err(perr(span, "unexpected field after a constant or function")),
            }
        }
        Ok(Operand { span, kind })
    }
}
