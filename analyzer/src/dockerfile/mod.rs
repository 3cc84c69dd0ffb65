//! The Dockerfile front-end: stages, instructions and the facts rules read, all with byte spans.
//!
//! [`parse`] reads a Dockerfile the way BuildKit's frontend does (parser directives, the escape
//! character, continuation lines with comments inside, heredocs, exec and shell forms, global
//! `ARG`s substituted into `FROM`, multi-stage builds). It is tolerant: an instruction it does not
//! know is kept as [`InstructionKind::Other`]; only text with no `FROM` at all is rejected.
//! It never panics and runs in time linear in the file.
//!
//! Derived facts (which stages end up in the image, package installs, shell entrypoints, Cargo
//! binaries, the language runtime) live in `facts` and `runtime` as methods on [`Dockerfile`] and
//! [`Stage`].

mod context;
mod facts;
mod lexer;
mod requirements;
mod runtime;
mod scripts;
mod subst;
mod text;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

pub use facts::{
    CargoArtifact, CargoBuild, CargoLink, CargoLinkKind, InstrRef, Located, Package,
    PackageInstall, PackageManager, PipInstall, SharedLibrary, ShellUse, ShellUseKind,
};
pub use lexer::{Comment, Directive, Heredoc};
pub(crate) use requirements::attach_requirements;
pub use requirements::{Requirement, RequirementsFile, parse as parse_requirements};
pub use runtime::{ImageClass, Language, LanguageRuntime};
pub(crate) use scripts::attach_entrypoint_scripts;
pub use scripts::{
    EntrypointScript, MAX_SCRIPT_BYTES, ScriptRef, entrypoint_scripts, script_commands,
};
pub use text::{ShellCommand, Word};

use crate::error::{ErrorKind, FileError};
use crate::source::SourceFile;
use crate::span::Span;
use lexer::RawInstruction;
use subst::expand;
use text::{Mapped, RawWord, json_array, shell_commands, split_words};

/// A parsed Dockerfile.
#[derive(Clone, Debug)]
pub struct Dockerfile {
    pub directives: Vec<Directive>,
    /// The escape character (`\` unless `# escape=` says otherwise).
    pub escape: char,
    pub comments: Vec<Comment>,
    /// Instructions before the first `FROM`: global `ARG`s (anything else there is kept as is).
    pub preamble: Vec<Instruction>,
    /// At least one stage; the last one is the image that is built by default.
    pub stages: Vec<Stage>,
}

/// One build stage, from its `FROM` to the next.
#[derive(Clone, Debug)]
pub struct Stage {
    pub index: usize,
    /// The `AS name`, as written.
    pub name: Option<Word>,
    pub base: ImageRef,
    /// Set when the stage is built `FROM` an earlier stage.
    pub base_stage: Option<usize>,
    pub platform: Option<Word>,
    /// The `FROM` instruction.
    pub from_span: Span,
    pub instructions: Vec<Instruction>,
    /// From `FROM` to the end of the stage's last instruction.
    pub span: Span,
}

/// The image a stage starts from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// As written (quotes removed), variables unexpanded.
    pub written: String,
    /// With global `ARG` defaults substituted; `None` when a variable has no value.
    pub resolved: Option<String>,
    pub span: Span,
}

impl ImageRef {
    /// The resolved name when known, else the written one.
    pub fn name(&self) -> &str {
        self.resolved.as_deref().unwrap_or(&self.written)
    }

    /// The repository without registry defaults, tag or digest, lower-case:
    /// `docker.io/library/python:3.12` -> `python`, `mcr.microsoft.com/dotnet/aspnet:8.0` ->
    /// `mcr.microsoft.com/dotnet/aspnet`.
    pub fn repository(&self) -> String {
        image_repository(self.name())
    }

    /// The tag, if one is written (`3.12-slim`).
    pub fn tag(&self) -> Option<&str> {
        let name = self.name();
        let no_digest = name.split('@').next().unwrap_or(name);
        let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
        last.split_once(':').map(|(_, t)| t)
    }

    pub fn is_scratch(&self) -> bool {
        self.name().eq_ignore_ascii_case("scratch")
    }
}

/// Normalised repository of an image reference (see [`ImageRef::repository`]).
pub fn image_repository(image: &str) -> String {
    let lower = image.trim().to_ascii_lowercase();
    let no_digest = lower.split('@').next().unwrap_or(&lower);
    let (path, last) = match no_digest.rsplit_once('/') {
        Some((p, l)) => (Some(p), l),
        None => (None, no_digest),
    };
    let last = last.split(':').next().unwrap_or(last);
    let mut repo = match path {
        Some(p) => format!("{p}/{last}"),
        None => last.to_string(),
    };
    for prefix in ["docker.io/", "index.docker.io/", "registry-1.docker.io/"] {
        if let Some(rest) = repo.strip_prefix(prefix) {
            repo = rest.to_string();
        }
    }
    if let Some(rest) = repo.strip_prefix("library/") {
        repo = rest.to_string();
    }
    repo
}

/// One instruction with everything it covers.
#[derive(Clone, Debug)]
pub struct Instruction {
    /// Upper-case (`RUN`).
    pub keyword: String,
    pub keyword_span: Span,
    /// The whole instruction: continuation lines and heredoc bodies included.
    pub span: Span,
    /// The arguments after the keyword (continuations included, heredoc bodies not).
    pub args_span: Span,
    /// `--name=value` flags (RUN, COPY, ADD, FROM, HEALTHCHECK).
    pub flags: Vec<Flag>,
    pub heredocs: Vec<Heredoc>,
    pub kind: InstructionKind,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }
}

/// `--name=value` or `--name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<Word>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum InstructionKind {
    Run(CommandLine),
    Copy(Copy),
    Add(Copy),
    Expose(Vec<Port>),
    Volume(Vec<Word>),
    /// `USER name[:group]` as one word.
    User(Word),
    Workdir(Word),
    Env(Vec<KeyValue>),
    Arg(Vec<KeyValue>),
    Label(Vec<KeyValue>),
    Entrypoint(CommandLine),
    Cmd(CommandLine),
    Healthcheck(Healthcheck),
    Shell(Vec<Word>),
    /// `FROM` outside its stage position never happens; anything unknown or not modelled
    /// (`ONBUILD`, `STOPSIGNAL`, `MAINTAINER`, misspelt keywords) is kept here.
    Other,
}

/// Exec form (`["a", "b"]`) or shell form (`a b`, run by the stage's shell).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    Exec,
    Shell,
}

/// The command of RUN, CMD, ENTRYPOINT or HEALTHCHECK CMD.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandLine {
    pub form: Form,
    /// Exec form: the array's strings. Empty in shell form.
    pub argv: Vec<Word>,
    /// Shell form: the command text (continuations joined), spanning what was written.
    pub script: Option<Word>,
    /// The simple commands this runs, read as a shell would: the shell form's text, the bodies of
    /// heredocs that are scripts (`RUN <<EOF`, `RUN bash <<EOF`), the string after `sh -c` in the
    /// exec form, or the exec form's argv itself.
    pub commands: Vec<ShellCommand>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Healthcheck {
    /// `HEALTHCHECK NONE` disables a check inherited from the base image.
    None,
    Cmd(CommandLine),
}

/// Arguments of COPY and ADD.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copy {
    pub from: Option<CopyFrom>,
    pub chmod: Option<Word>,
    pub chown: Option<Word>,
    /// Source paths (heredoc sources are in [`Instruction::heredocs`]).
    pub sources: Vec<Word>,
    pub dest: Option<Word>,
}

/// `--from=...` of COPY: an earlier stage (by name or index) or an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyFrom {
    pub word: Word,
    pub source: CopySource,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CopySource {
    Stage(usize),
    Image(String),
}

/// One `EXPOSE` entry (`80`, `53/udp`, `8000-8010/tcp`, `${PORT}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    pub word: Word,
    /// The entry with stage variables (`ARG`, `ENV`) substituted.
    pub resolved: String,
    /// First port number, when the entry resolves to one.
    pub number: Option<u16>,
    /// Last port of a range (`8010` in `8000-8010`).
    pub end: Option<u16>,
    pub protocol: Protocol,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
    Unknown,
}

/// `KEY=value` of ENV, ARG and LABEL (`value` is `None` for `ARG NAME`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    pub key: Word,
    pub value: Option<Word>,
}

/// Parse `file` as a Dockerfile.
pub fn parse(file: &SourceFile) -> Result<Dockerfile, FileError> {
    let lexed = lexer::lex(&file.text);
    if !lexed.instructions.iter().any(|r| r.keyword == "FROM") {
        let err = FileError::new(
            file.path.clone(),
            ErrorKind::Dockerfile,
            "no `FROM` instruction: this file does not read as a Dockerfile",
        );
        return Err(match lexed.instructions.first() {
            Some(first) => err.at(file.id, first.keyword_span),
            None => err.in_file(file.id),
        });
    }
    let escape = lexed.escape;
    let mut b = Builder {
        escape,
        globals: HashMap::new(),
        stage_names: HashMap::new(),
        vars: HashMap::new(),
        env: HashMap::new(),
        parent: None,
        done_vars: Vec::new(),
        bases: Vec::new(),
        budget: EXPANSION_BUDGET + file.text.len(),
    };
    let mut preamble = Vec::new();
    let mut stages: Vec<Stage> = Vec::new();
    for raw in &lexed.instructions {
        if raw.keyword == "FROM" {
            if let Some(s) = stages.last_mut() {
                finish_stage(s);
                b.vars.clear();
                let env = std::mem::take(&mut b.env);
                b.done_vars.push(env);
            }
            let stage = b.from(raw, stages.len());
            b.parent = stage.base_stage;
            b.bases.push(stage.base_stage);
            stages.push(stage);
            continue;
        }
        let ins = b.instruction(raw, &stages);
        match stages.last_mut() {
            Some(s) => s.instructions.push(ins),
            None => {
                preamble.push(ins);
            }
        }
    }
    if let Some(s) = stages.last_mut() {
        finish_stage(s);
    }
    Ok(Dockerfile {
        directives: lexed.directives,
        escape,
        comments: lexed.comments,
        preamble,
        stages,
    })
}

fn finish_stage(s: &mut Stage) {
    if let Some(last) = s.instructions.last() {
        s.span = s.span.to(last.span);
    }
}

struct Builder {
    escape: char,
    /// Global `ARG`s (before the first FROM) and their defaults.
    globals: HashMap<String, Option<String>>,
    /// Lower-case stage name -> index.
    stage_names: HashMap<String, usize>,
    /// `ARG` and `ENV` values of the current stage, for EXPOSE.
    vars: HashMap<String, String>,
    /// The `ENV` values alone: they are part of the image, so a stage built on this one sees
    /// them (an `ARG` ends with its stage).
    env: HashMap<String, String>,
    /// The stage the current one is built on; its ENV is inherited.
    parent: Option<usize>,
    /// ENV of finished stages, and the stage each was built on.
    done_vars: Vec<HashMap<String, String>>,
    bases: Vec<Option<usize>>,
    /// Bytes that variable expansion may still produce in this file.
    budget: usize,
}

/// Expansion output allowed per file beyond its own size: bounds memory on `ENV A=$A$A` chains.
const EXPANSION_BUDGET: usize = 1 << 20;

/// How many `FROM earlier-stage` links a variable lookup follows; keeps lookups cheap on
/// hostile files with thousands of chained stages.
const MAX_VAR_INHERITANCE: usize = 16;

/// Leading `--flag[=value]` words and where the rest of the text starts.
fn take_flags(args: &Mapped, words: &[RawWord]) -> (Vec<Flag>, usize, usize) {
    let mut flags = Vec::new();
    let mut rest_at = args.len();
    let mut used = 0;
    for w in words {
        let Some(body) = w.value.strip_prefix("--") else {
            rest_at = w.start;
            break;
        };
        if body.is_empty() {
            rest_at = w.start;
            break;
        }
        let raw = args.as_str().get(w.start..w.end).unwrap_or("");
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => {
                let eq = raw.find('=').map_or(w.end, |p| w.start + p + 1);
                (
                    n.to_string(),
                    Some(Word {
                        value: v.to_string(),
                        span: args.span(eq, w.end),
                    }),
                )
            }
            None => (body.to_string(), None),
        };
        flags.push(Flag {
            name: name.to_ascii_lowercase(),
            value,
            span: args.span(w.start, w.end),
        });
        used += 1;
    }
    (flags, rest_at, used)
}

/// `KEY=value` words; the key is what precedes the first `=` as written.
fn key_values(args: &Mapped, words: &[RawWord]) -> Vec<KeyValue> {
    words
        .iter()
        .map(|w| {
            let raw = args.as_str().get(w.start..w.end).unwrap_or("");
            match (w.value.split_once('='), raw.find('=')) {
                (Some((k, v)), Some(eq)) => KeyValue {
                    key: Word {
                        value: k.to_string(),
                        span: args.span(w.start, w.start + eq),
                    },
                    value: Some(Word {
                        value: v.to_string(),
                        span: args.span(w.start + eq + 1, w.end),
                    }),
                },
                _ => KeyValue {
                    key: w.word(args),
                    value: None,
                },
            }
        })
        .collect()
}

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"];

pub(crate) fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

pub(crate) fn is_shell(program: &str) -> bool {
    SHELLS.contains(&basename(program))
}

/// `-c`, `-ec`, `-xc`: a shell option cluster that takes a command string.
pub(crate) fn is_dash_c(arg: &str) -> bool {
    arg.strip_prefix('-').is_some_and(|o| {
        !o.starts_with('-') && o.contains('c') && o.chars().all(|c| c.is_ascii_alphabetic())
    })
}

/// Whether a heredoc body is a shell script (not, say, Python fed to `python3 <<EOF`).
fn heredoc_is_script(h: &Heredoc) -> bool {
    match h.body.strip_prefix("#!") {
        Some(rest) => {
            let line = rest.lines().next().unwrap_or("");
            let mut parts = line.split_whitespace();
            let prog = parts.next().unwrap_or("");
            let prog = if basename(prog) == "env" {
                parts.next().unwrap_or("")
            } else {
                prog
            };
            is_shell(prog)
        }
        None => true,
    }
}

fn command_line(args: &Mapped, heredocs: &[Heredoc]) -> CommandLine {
    if let Some(arr) = json_array(args) {
        let argv: Vec<Word> = arr.iter().map(|(w, _)| w.clone()).collect();
        let mut commands = Vec::new();
        let shell_c = argv.first().is_some_and(|a| is_shell(&a.value))
            && arr
                .iter()
                .position(|(w, _)| is_dash_c(&w.value))
                .and_then(|i| arr.get(i + 1))
                .is_some();
        if shell_c {
            if let Some(script) = arr
                .iter()
                .position(|(w, _)| is_dash_c(&w.value))
                .and_then(|i| arr.get(i + 1))
            {
                commands = shell_commands(&script.1);
            }
        } else if let (Some(first), Some(last)) = (argv.first(), argv.last()) {
            commands.push(ShellCommand {
                words: argv.clone(),
                span: first.span.to(last.span),
            });
        }
        return CommandLine {
            form: Form::Exec,
            argv,
            script: None,
            commands,
        };
    }
    let mut commands = shell_commands(args);
    if !heredocs.is_empty() {
        // `RUN <<EOF` (nothing but heredocs) or `RUN bash -e <<EOF`: the bodies are the script.
        let feeds_shell = match commands.as_slice() {
            [] => true,
            [one] => {
                one.argv0().is_some_and(|a| is_shell(&a.value))
                    && !one.words.iter().any(|w| is_dash_c(&w.value))
            }
            _ => false,
        };
        if feeds_shell {
            for h in heredocs.iter().filter(|h| heredoc_is_script(h)) {
                commands.extend(shell_commands(&h.mapped));
            }
        }
    }
    CommandLine {
        form: Form::Shell,
        argv: Vec::new(),
        script: Some(Word {
            value: args.as_str().to_string(),
            span: args.full_span(),
        }),
        commands,
    }
}

impl Builder {
    fn lookup_global(&self, name: &str) -> Option<&str> {
        self.globals.get(name).and_then(|v| v.as_deref())
    }

    /// Expand with the global ARGs (FROM) or the stage's variables, within the file's budget.
    fn expand(&mut self, s: &str, globals: bool) -> subst::Expansion {
        let e = if globals {
            expand(s, self.escape, &|n| self.lookup_global(n), self.budget)
        } else {
            expand(s, self.escape, &|n| self.lookup_var(n), self.budget)
        };
        self.budget = self.budget.saturating_sub(e.value.len());
        e
    }

    /// A variable of the current stage or of the stages it is built on.
    fn lookup_var(&self, name: &str) -> Option<&str> {
        if let Some(v) = self.vars.get(name) {
            return Some(v);
        }
        let mut p = self.parent;
        for _ in 0..MAX_VAR_INHERITANCE {
            let i = p?;
            if let Some(v) = self.done_vars.get(i).and_then(|m| m.get(name)) {
                return Some(v);
            }
            p = self.bases.get(i).copied().flatten();
        }
        None
    }

    fn from(&mut self, raw: &RawInstruction, index: usize) -> Stage {
        let args = &raw.args;
        let words = split_words(args, self.escape);
        let (flags, _, used) = take_flags(args, &words);
        let rest: Vec<&RawWord> = words.iter().skip(used).collect();
        let platform = flags
            .iter()
            .find(|f| f.name == "platform")
            .and_then(|f| f.value.clone());
        let base = match rest.first() {
            Some(w) => {
                let e = self.expand(&w.value, true);
                ImageRef {
                    written: w.value.clone(),
                    resolved: e.complete.then_some(e.value),
                    span: args.span(w.start, w.end),
                }
            }
            None => ImageRef {
                written: String::new(),
                resolved: None,
                span: raw.keyword_span,
            },
        };
        let name = match (rest.get(1), rest.get(2)) {
            (Some(kw), Some(n)) if kw.value.eq_ignore_ascii_case("as") => Some(n.word(args)),
            _ => None,
        };
        let base_stage = self
            .stage_names
            .get(&base.name().to_ascii_lowercase())
            .copied();
        if let Some(n) = &name {
            self.stage_names.insert(n.value.to_ascii_lowercase(), index);
        }
        Stage {
            index,
            name,
            base,
            base_stage,
            platform,
            from_span: raw.span,
            instructions: Vec::new(),
            span: raw.span,
        }
    }

    fn instruction(&mut self, raw: &RawInstruction, stages: &[Stage]) -> Instruction {
        let args = &raw.args;
        let words = split_words(args, self.escape);
        let takes_flags = matches!(raw.keyword.as_str(), "RUN" | "COPY" | "ADD" | "HEALTHCHECK");
        let (flags, rest_at, used) = if takes_flags {
            take_flags(args, &words)
        } else {
            (Vec::new(), 0, 0)
        };
        let rest = args.sub(rest_at, args.len());
        let rest_words = words.get(used..).unwrap_or(&[]);
        let kind = match raw.keyword.as_str() {
            "RUN" => InstructionKind::Run(command_line(&rest, &raw.heredocs)),
            "CMD" => InstructionKind::Cmd(command_line(args, &[])),
            "ENTRYPOINT" => InstructionKind::Entrypoint(command_line(args, &[])),
            "COPY" | "ADD" => {
                let copy = self.copy(
                    &flags,
                    &rest,
                    rest_words,
                    args,
                    !raw.heredocs.is_empty(),
                    stages,
                );
                if raw.keyword == "COPY" {
                    InstructionKind::Copy(copy)
                } else {
                    InstructionKind::Add(copy)
                }
            }
            "EXPOSE" => InstructionKind::Expose(
                rest_words.iter().map(|w| self.port(w.word(args))).collect(),
            ),
            "VOLUME" => InstructionKind::Volume(match json_array(args) {
                Some(arr) => arr.into_iter().map(|(w, _)| w).collect(),
                None => words.iter().map(|w| w.word(args)).collect(),
            }),
            "USER" => match words.first() {
                Some(w) => InstructionKind::User(w.word(args)),
                None => InstructionKind::Other,
            },
            "WORKDIR" if !args.as_str().is_empty() => {
                let value = words
                    .iter()
                    .map(|w| w.value.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                InstructionKind::Workdir(Word {
                    value,
                    span: args.full_span(),
                })
            }
            "ENV" => {
                let kvs = match words.first() {
                    Some(first) if !first.value.contains('=') => {
                        // Legacy `ENV KEY value with spaces`.
                        let value = words.get(1).map(|second| {
                            let v = args.sub(second.start, args.len());
                            let value = words
                                .iter()
                                .skip(1)
                                .map(|w| w.value.as_str())
                                .collect::<Vec<_>>()
                                .join(" ");
                            Word {
                                value,
                                span: v.full_span(),
                            }
                        });
                        vec![KeyValue {
                            key: first.word(args),
                            value,
                        }]
                    }
                    _ => key_values(args, &words),
                };
                for kv in &kvs {
                    let v = kv.value.as_ref().map(|v| v.value.as_str()).unwrap_or("");
                    let e = self.expand(v, false);
                    self.env.insert(kv.key.value.clone(), e.value.clone());
                    self.vars.insert(kv.key.value.clone(), e.value);
                }
                InstructionKind::Env(kvs)
            }
            "ARG" => {
                let kvs = key_values(args, &words);
                // Before the first FROM these are the global ARGs FROM lines see. A default is
                // expanded with the ARGs (and, in a stage, ENV) declared before it, as BuildKit
                // does; a default that uses a variable without value leaves the ARG unknown.
                let global = stages.is_empty();
                for kv in &kvs {
                    let key = kv.key.value.clone();
                    let value = match &kv.value {
                        Some(v) => {
                            let e = self.expand(&v.value, global);
                            e.complete.then_some(e.value)
                        }
                        None => self.lookup_global(&key).map(str::to_string),
                    };
                    if global {
                        self.globals.insert(key, value);
                    } else if let Some(v) = value {
                        self.vars.insert(key, v);
                    }
                }
                InstructionKind::Arg(kvs)
            }
            "LABEL" => InstructionKind::Label(key_values(args, &words)),
            "SHELL" => match json_array(args) {
                Some(arr) => InstructionKind::Shell(arr.into_iter().map(|(w, _)| w).collect()),
                None => InstructionKind::Other,
            },
            "HEALTHCHECK" => match rest_words.first() {
                Some(w) if w.value.eq_ignore_ascii_case("none") => {
                    InstructionKind::Healthcheck(Healthcheck::None)
                }
                Some(w) if w.value.eq_ignore_ascii_case("cmd") => {
                    let after = rest_words.get(1).map_or(args.len(), |n| n.start);
                    InstructionKind::Healthcheck(Healthcheck::Cmd(command_line(
                        &args.sub(after, args.len()),
                        &[],
                    )))
                }
                _ => InstructionKind::Other,
            },
            _ => InstructionKind::Other,
        };
        Instruction {
            keyword: raw.keyword.clone(),
            keyword_span: raw.keyword_span,
            span: raw.span,
            args_span: args.full_span(),
            flags,
            heredocs: raw.heredocs.clone(),
            kind,
        }
    }

    fn copy(
        &self,
        flags: &[Flag],
        rest: &Mapped,
        rest_words: &[RawWord],
        args: &Mapped,
        has_heredoc: bool,
        stages: &[Stage],
    ) -> Copy {
        let flag = |n: &str| {
            flags
                .iter()
                .find(|f| f.name == n)
                .and_then(|f| f.value.clone())
        };
        let from = flag("from").map(|word| {
            let current = stages.len();
            let source = match word.value.parse::<usize>().ok().filter(|i| *i < current) {
                Some(i) => CopySource::Stage(i),
                None => match self.stage_names.get(&word.value.to_ascii_lowercase()) {
                    Some(&i) => CopySource::Stage(i),
                    None => CopySource::Image(word.value.clone()),
                },
            };
            CopyFrom { word, source }
        });
        let mut paths: Vec<Word> = match json_array(rest) {
            Some(arr) => arr.into_iter().map(|(w, _)| w).collect(),
            None => rest_words
                .iter()
                .filter(|w| !w.value.starts_with("<<"))
                .map(|w| w.word(args))
                .collect(),
        };
        let dest = if paths.len() >= 2 || (has_heredoc && !paths.is_empty()) {
            paths.pop()
        } else {
            None
        };
        Copy {
            from,
            chmod: flag("chmod"),
            chown: flag("chown"),
            sources: paths,
            dest,
        }
    }

    fn port(&mut self, word: Word) -> Port {
        let e = self.expand(&word.value, false);
        let resolved = e.value;
        let (num, proto) = match resolved.split_once('/') {
            Some((n, p)) => (n, Some(p)),
            None => (resolved.as_str(), None),
        };
        let protocol = match proto.map(str::to_ascii_lowercase).as_deref() {
            None | Some("tcp") => Protocol::Tcp,
            Some("udp") => Protocol::Udp,
            Some("sctp") => Protocol::Sctp,
            Some(_) => Protocol::Unknown,
        };
        let (first, last) = match num.split_once('-') {
            Some((a, b)) => (a, Some(b)),
            None => (num, None),
        };
        let number = first.trim().parse::<u16>().ok();
        let end = last.and_then(|l| l.trim().parse::<u16>().ok());
        Port {
            word,
            resolved: resolved.clone(),
            number,
            end,
            protocol,
        }
    }
}
