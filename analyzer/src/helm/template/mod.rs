//! A Go text/template interpreter for Helm charts, with source maps from output to template.
//!
//! It runs nothing from the repository: templates are parsed ([`lex`], [`parse`]) and evaluated
//! ([`eval`]) over plain values ([`value`]) with the Sprig/Helm functions charts use ([`funcs`],
//! [`yaml_out`] for `toYaml`/`toJson`). Every output byte is recorded in a [`Segment`]: template
//! text byte-for-byte, an action's output at the action's `{{ ... }}` (with the values.yaml node
//! the value came from), and the output of `include`/`template` at the bytes of the `define`
//! that produced it (in `_helpers.tpl`), so a finding can point at the line a user edits.
//!
//! What cannot be decided without a cluster or randomness (`lookup`, `randAlphaNum`, ...)
//! becomes [`Value::Unknown`]: it prints as [`UNRESOLVED`] (a valid YAML scalar), a condition on
//! it takes the false branch, and each case is listed in [`Rendered::unresolved`]. Hostile
//! templates are bounded by [`Limits`]: steps, output size, include depth, regex size.
//!
//! Use: one [`Templates`] per chart (a subchart's files may share it: `define`s are global, as
//! in Helm); [`Templates::add`] every file under `templates/` (`_helpers.tpl` too) with Helm's
//! name `chart/templates/x.yaml` (a subchart's: `parent/charts/sub/templates/x.yaml`); then
//! [`Templates::render`] each file that does not start with `_`, with `dot` a map of:
//! `Values` ([`Val::from_yaml`] of the merged values, so origins point at values.yaml lines),
//! `Chart` (`Name`, `Version`, `AppVersion`... capitalised like Helm's), `Release` (`Name`,
//! `Namespace`, `Service: "Helm"`, `IsInstall`, `Revision`), `Capabilities` (`KubeVersion` with
//! `Version`/`GitVersion`/`Major`/`Minor`; `APIVersions` a list of strings, or absent to make
//! `.Capabilities.APIVersions.Has` true), `Template` (`Name`, `BasePath`). The chart's files go
//! to [`Templates::render_with_files`] (chart path -> content string; give contents an origin
//! to map `.Files.Get` output to the file), not into `dot`, which every `include` copies.
//! helm 3.10.1 adds no `global` key to a chart without dependencies, so neither should `dot`.
//!
//! Where output maps: `include`/`template` output maps to the bytes of the `define` that wrote
//! it (a label written by a helper points into `_helpers.tpl`, where a user would change it);
//! `tpl` output maps to the `tpl` call, with the string's values.yaml origin; `toYaml` output
//! maps to the action, each emitted line with its own values.yaml origin; `printf` marks each
//! argument with its origin.

mod digest;
pub mod eval;
pub mod funcs;
pub mod lex;
pub mod parse;
pub mod value;
pub mod yaml_out;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

pub use value::{Mark, UNRESOLVED, Val, Value};

use crate::source::FileId;
use crate::span::Span;

/// Longest string one `fmt`-style print builds before it is cut (the output cap applies after).
pub(crate) const MAX_PRINT: usize = 4 << 20;

/// Stack of the thread a render runs on: room for [`Limits`]' deepest nesting in a debug
/// build.
pub const RENDER_STACK: usize = 64 << 20;

/// Bounds on one render, so no template can hang or exhaust memory.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Bytes of output per render (and per string built while rendering).
    pub max_output: usize,
    /// Evaluation steps per render (actions, function calls, and values copied, per node).
    pub max_steps: u64,
    /// Nesting of `include`/`template`/`tpl` calls.
    pub max_depth: usize,
    /// Compiled size of one regular expression (`regexMatch`...), in bytes.
    pub max_regex: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_output: 4 << 20,
            max_steps: 5_000_000,
            max_depth: 64,
            max_regex: 1 << 20,
        }
    }
}

/// A parse error, or an execution error that stopped a render (Helm would fail there too).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Something the static reading could not decide, at the template bytes that needed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    pub file: FileId,
    pub span: Span,
    pub reason: String,
}

/// Output bytes `out` came from template bytes `span` of `file`; `origin` is the values.yaml
/// node when a value produced them; `literal` when they are the template's own text
/// (byte-for-byte).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub out: Range<usize>,
    pub file: FileId,
    pub span: Span,
    pub origin: Option<(FileId, Span)>,
    pub literal: bool,
}

/// The output of one template file, its source map, and what was left undecided.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    pub text: String,
    /// Sorted by `out`, not overlapping, covering every output byte.
    pub segments: Vec<Segment>,
    pub unresolved: Vec<Unresolved>,
    /// Set when rendering stopped (`text` then holds the output up to there).
    pub error: Option<TemplateError>,
    /// Evaluation steps used (see [`Limits::max_steps`]).
    pub steps: u64,
}

impl Rendered {
    fn segment_at(&self, out: usize) -> Option<&Segment> {
        let i = self.segments.partition_point(|s| s.out.end <= out);
        self.segments.get(i).filter(|s| s.out.start <= out)
    }

    /// Map an output byte range to (file, span) in a template: start and end are mapped
    /// separately; when both land in the same file the span covers both (inside a literal
    /// segment exactly, otherwise the whole action). When they land in different files (a
    /// range spanning an `include`), the start's segment is returned.
    pub fn map_span(&self, out: Range<usize>) -> Option<(FileId, Span)> {
        let last = out.end.max(out.start + 1) - 1;
        let a = self.segment_at(out.start)?;
        let b = self.segment_at(last).unwrap_or(a);
        let pos = |s: &Segment, o: usize, end: bool| -> Span {
            if s.literal {
                let p = s.span.start + (o - s.out.start);
                Span::new(p, p + usize::from(end))
            } else {
                s.span
            }
        };
        let sa = pos(a, out.start, false);
        if a.file != b.file {
            return Some((
                a.file,
                if a.literal {
                    Span::new(sa.start, a.span.end)
                } else {
                    sa
                },
            ));
        }
        let sb = pos(b, last, true);
        Some((
            a.file,
            Span::new(sa.start.min(sb.start), sa.end.max(sb.end)),
        ))
    }

    /// The values.yaml node that produced the output byte at `out`, if a value did.
    pub fn origin_at(&self, out: usize) -> Option<(FileId, Span)> {
        self.segment_at(out)?.origin
    }
}

/// One parsed template file.
#[derive(Debug)]
pub(crate) struct FileTpl {
    pub name: String,
    pub text: Arc<str>,
    pub root: Arc<Vec<parse::Node>>,
}

/// A `define`d template: its file and body.
#[derive(Clone, Debug)]
pub(crate) struct DefineTpl {
    pub file: FileId,
    pub body: Arc<Vec<parse::Node>>,
}

/// A set of parsed template files and all `define`d templates (global across files, like
/// Helm's: a later file's `define` of the same name wins).
#[derive(Debug)]
pub struct Templates {
    pub(crate) limits: Limits,
    pub(crate) files: HashMap<FileId, FileTpl>,
    pub(crate) defines: HashMap<String, DefineTpl>,
}

impl Templates {
    pub fn new(limits: Limits) -> Self {
        Templates {
            limits,
            files: HashMap::new(),
            defines: HashMap::new(),
        }
    }

    /// `name` is Helm's template name, e.g. "mychart/templates/deployment.yaml" (used by
    /// `.Template.Name`); `define`s are global across files, later files win like Helm. Parse
    /// errors are returned, not panics; a file that fails to parse adds nothing.
    pub fn add(&mut self, file: FileId, name: &str, text: &str) -> Result<(), TemplateError> {
        let e = |span: Span, message: String| TemplateError {
            file,
            span,
            message: format!("template: {name}: {message}"),
        };
        let toks = lex::lex(text).map_err(|le| e(le.span, le.message))?;
        let parsed = parse::parse(&toks).map_err(|pe| e(pe.span, pe.message))?;
        let root = Arc::new(parsed.root);
        // Each file is itself a template named by its path (`include (print
        // $.Template.BasePath "/configmap.yaml") . | sha256sum`).
        self.defines.insert(
            name.to_string(),
            DefineTpl {
                file,
                body: root.clone(),
            },
        );
        for d in parsed.defines {
            self.defines.insert(
                d.name,
                DefineTpl {
                    file,
                    body: Arc::new(d.body),
                },
            );
        }
        self.files.insert(
            file,
            FileTpl {
                name: name.to_string(),
                text: Arc::from(text),
                root,
            },
        );
        Ok(())
    }

    /// Helm's template name of an added file.
    pub fn name(&self, file: FileId) -> Option<&str> {
        self.files.get(&file).map(|f| f.name.as_str())
    }

    /// Names of every `define`d template.
    pub fn defined(&self) -> impl Iterator<Item = &str> {
        self.defines.keys().map(String::as_str)
    }

    /// Execute one file's top-level template with `dot` (a Map: Values, Chart, Release,
    /// Capabilities, Template, Files) and return the output with its source map. `.Files` is a
    /// map from chart-relative path to file content (`.Files.Get`, `.Glob`, `.AsConfig`,
    /// `.Lines` read it). An unknown file renders empty with an error.
    ///
    /// The evaluator recurses on the template's nesting, so it runs on its own thread with a
    /// [`RENDER_STACK`] stack (reserved, not committed, until used): a render never overflows
    /// the caller's stack, whatever thread (a rayon worker...) calls it.
    pub fn render(&self, file: FileId, dot: &Val) -> Rendered {
        self.render_with_files(file, dot, &Val::new(Value::Map(Default::default())))
    }

    /// [`Templates::render`] with the chart's files given apart from `dot`: a map from
    /// chart-relative path to content, read by `.Files.Get`/`.Glob`/`.AsConfig`/`.Lines` when
    /// `dot` has no `Files` key. Preferred over `Files` in `dot`: `dot` is copied into every
    /// `include`, the files are not.
    pub fn render_with_files(&self, file: FileId, dot: &Val, files: &Val) -> Rendered {
        let run = || eval::render(self, file, dot, files);
        std::thread::scope(|s| {
            match std::thread::Builder::new()
                .name("helm-template".into())
                .stack_size(RENDER_STACK)
                .spawn_scoped(s, run)
            {
                Ok(h) => h.join().unwrap_or_else(|_| Rendered {
                    error: Some(TemplateError {
                        file,
                        span: Span::default(),
                        message: "template evaluation failed".into(),
                    }),
                    ..Rendered::default()
                }),
                Err(_) => eval::render(self, file, dot, files),
            }
        })
    }
}
