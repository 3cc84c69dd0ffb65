//! The Rust source front-end: `syn` over one `.rs` file into [`RustFacts`] with byte spans.
//!
//! A fact is a use of something that matters on Wasm (sockets, processes, threads, signals,
//! filesystem writes, native code, build-script C compilation) proven by a resolved path: `use`
//! aliases, grouped and glob imports and fully qualified paths all resolve to the same
//! `std::net::TcpStream`. Code that is not part of a normal wasm build (`#[cfg(test)]`, `#[test]`
//! functions, items behind a cfg that is false on WASI such as `#[cfg(unix)]`) is kept apart in
//! [`RustFacts::excluded`] so it never counts against a workload but can still be explained.
//!
//! [`analyze_source`] is a pure function of one file, safe to call from a rayon iterator.

mod known;
mod visit;

use crate::error::{ErrorKind, FileError};
use crate::source::{FileId, SourceFile};
use crate::span::Span;

/// What a piece of source proves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FactKind {
    /// An outgoing TCP connection (`std::net::TcpStream`, `tokio::net::TcpStream`).
    TcpStream,
    /// A TCP listener the program binds itself.
    TcpListener,
    UdpSocket,
    /// Unix-domain sockets: not in WASI at all.
    UnixSocket,
    /// `socket2`: socket options and raw sockets beyond what WASI offers.
    Socket2,
    /// `libc::socket` and friends, `nix::sys::socket`.
    RawSocket,
    /// Adopting raw file descriptors (`FromRawFd`).
    RawFd,
    /// `std::process::Command` and other ways to start a process.
    ProcessSpawn,
    Fork,
    Exec,
    /// `std::thread::spawn`, `thread::scope`, `thread::Builder`, crossbeam scoped threads.
    ThreadSpawn,
    /// Any use of rayon, including `.par_iter()`.
    Rayon,
    /// A multi-thread async runtime (`#[tokio::main]` default flavour, `new_multi_thread`).
    MultiThreadRuntime,
    /// `#[tokio::main(flavor = "current_thread")]`: the Wasm-friendly flavour (a note, not a problem).
    CurrentThreadRuntime,
    /// `spawn_blocking` / `block_in_place`: need the blocking thread pool.
    SpawnBlocking,
    Signal,
    /// A call that writes to the filesystem.
    FsWrite,
    /// `OpenOptions` itself (a write is recorded separately when write/create/append is set).
    OpenOptions,
    /// An `extern` block importing native functions.
    ExternBlock,
    /// `#[link(name = ...)]` or `cargo:rustc-link-lib=` in a build script.
    LinkNative,
    /// Loading a shared library at run time.
    Dlopen,
    BuildCc,
    BuildCmake,
    BuildBindgen,
    BuildPkgConfig,
    /// `#[spin_sdk::http_component]`.
    SpinComponent,
    /// A `wasi:http` handler (wstd, waki, the `wasi` crate's proxy export).
    WasiHttpHandler,
    /// `#[wstd::main]`: a `wasi:cli` command.
    WasiCliMain,
    /// WasmEdge's socket extension crates.
    WasmEdgeSocket,
    /// An `extern` block with `#[link(wasm_import_module = ...)]`: imports from the Wasm host.
    WasmImport,
}

/// Where in the syntax the fact was seen; rules prefer calls over imports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Site {
    /// A path in an expression (call, value).
    Expr,
    /// A path in a type.
    Type,
    /// A method call (`.par_iter()`, `.create(true)`).
    Method,
    /// A path found in a macro's tokens (`tokio::select!`, `println!`).
    Macro,
    /// An attribute (`#[tokio::main]`, `#[link]`).
    Attr,
    /// An item (`extern "C" { ... }`).
    Item,
    /// A `use` declaration.
    Use,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFact {
    pub kind: FactKind,
    /// The exact tokens: `TcpStream::connect`, `#[tokio::main]`, `extern "C"`.
    pub span: Span,
    /// The fully qualified path it resolved to (`std::net::TcpStream::connect`), or a short
    /// description for facts without one (`extern "C"`, `.par_iter()`).
    pub path: String,
    pub site: Site,
    /// Extra detail: the library of `#[link(name = "ssl")]`, the ABI of an extern block.
    pub detail: Option<String>,
}

/// Why a fact does not count against a normal wasm build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exclusion {
    /// Test-only code: `#[cfg(test)]`, `#[test]` / `#[tokio::test]` functions.
    Test,
    /// Behind a cfg that is false on `wasm32-wasip2` (`#[cfg(unix)]`,
    /// `#[cfg(not(target_arch = "wasm32"))]`); the cfg as written.
    CfgOff(String),
}

impl Exclusion {
    /// Code behind a cfg that is off on WASI but on for the Linux a container runs
    /// (`#[cfg(unix)]`, `#[cfg(target_os = "linux")]`): unix-only code.
    pub fn is_unix_only(&self) -> bool {
        let Exclusion::CfgOff(attr) = self else {
            return false;
        };
        // The attribute as written: `#[cfg(unix)]` (or `#![cfg(unix)]`).
        let inner = attr
            .trim()
            .trim_start_matches('#')
            .trim_start_matches('!')
            .trim_start_matches('[')
            .trim_end_matches(']');
        crate::cargo::Cfg::parse(inner).is_ok_and(|c| c.holds_on_linux() == Some(true))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExcludedFact {
    pub fact: SourceFact,
    pub reason: Exclusion,
    /// The attribute that excludes it.
    pub by: Span,
}

/// A `mod name;` declaration (the module lives in another file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModDecl {
    pub name: String,
    /// `#[path = "..."]` when given.
    pub path_attr: Option<String>,
    /// The module is test-only or compiled out on WASI: everything in its file is excluded.
    pub excluded: Option<Exclusion>,
    pub span: Span,
}

/// A `// wasm-migrate: ignore[WM202] reason` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub codes: Vec<String>,
    pub reason: String,
    /// The comment itself.
    pub span: Span,
    /// 1-based line the comment is on; it applies to this line and the next.
    pub line: usize,
}

/// Everything one `.rs` file proves.
#[derive(Clone, Debug, Default)]
pub struct RustFacts {
    pub file: Option<FileId>,
    /// Facts that count, in source order.
    pub facts: Vec<SourceFact>,
    /// Facts in test-only or cfg'd-out code.
    pub excluded: Vec<ExcludedFact>,
    pub mods: Vec<ModDecl>,
    pub suppressions: Vec<Suppression>,
    /// True when the file has `fn main`.
    pub has_main: bool,
    /// The attribute that compiles the file's top-level `fn main` only on unix
    /// (`#[cfg(unix)] fn main`): the real program is unix-only, and a WASI build gets the other
    /// `main`, if any.
    pub unix_main: Option<Span>,
}

impl RustFacts {
    pub fn of_kind(&self, kind: FactKind) -> impl Iterator<Item = &SourceFact> {
        self.facts.iter().filter(move |f| f.kind == kind)
    }
}

/// Limits on the lexical shape of a file, so syn's recursive descent (and the recursive walk and
/// drop of its tree) stays within a bounded stack. Hand-written code is far below all three;
/// generated or hostile files above them are reported and skipped.
pub const MAX_NESTING: usize = 256;
/// Tokens in one unseparated run (no `;`, `,`, `}` at that level), summed along the open
/// brackets: bounds chains such as `1 + 1 + ...`, `a.b().c()...`, `x = y = ...`.
pub const MAX_RUN: usize = 2048;
/// `<` in one statement: bounds nested generics such as `HashMap<u8, HashMap<u8, ...>>`.
pub const MAX_ANGLES: usize = 256;

/// The parser runs on its own thread with this much stack (reserved, committed only as used):
/// enough for the deepest tree the limits above allow, even in a debug build, whatever stack the
/// calling thread (a rayon worker: 2 MiB) has.
const PARSER_STACK: usize = 256 << 20;

thread_local! {
    /// Set on the threads of [`with_parser_pool`], whose stacks are [`PARSER_STACK`] deep.
    static ON_PARSER_STACK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f` (typically a rayon `par_iter` over [`analyze_source`]) on a rayon pool whose threads
/// have [`PARSER_STACK`] stacks, so each file is parsed in place instead of on a thread of its
/// own: spawning one per file cost more than parsing small files. Falls back to the current pool
/// (and a thread per file) when the pool cannot be built.
pub fn with_parser_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    match rayon::ThreadPoolBuilder::new()
        .stack_size(PARSER_STACK)
        .start_handler(|_| ON_PARSER_STACK.set(true))
        .build()
    {
        Ok(pool) => pool.install(f),
        Err(_) => f(),
    }
}

/// Parse one Rust file and collect its facts. A file syn cannot parse is a [`FileError`] of kind
/// [`ErrorKind::Rust`] with the position syn reports.
pub fn analyze_source(file: &SourceFile) -> Result<RustFacts, FileError> {
    let text: &str = &file.text;
    let err = |msg: String, span: Span| {
        FileError::new(file.path.clone(), ErrorKind::Rust, msg).at(file.id, span)
    };
    let shape = measure(text);
    if let Some((what, limit, at)) = shape.over_limit() {
        return Err(err(
            format!("Rust file {what} more than {limit}; not parsed"),
            Span::new(at, at),
        ));
    }
    let failed = || (String::from("the Rust parser failed on this file"), 0);
    let result = if ON_PARSER_STACK.get() {
        // Already on a thread of [`with_parser_pool`]: no thread per file.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse_and_collect(file)))
            .unwrap_or_else(|_| Err(failed()))
    } else {
        std::thread::scope(|s| {
            std::thread::Builder::new()
                .stack_size(PARSER_STACK)
                .spawn_scoped(s, || parse_and_collect(file))
                .map_err(|e| (format!("cannot start the Rust parser thread: {e}"), 0))
                .and_then(|h| h.join().unwrap_or_else(|_| Err(failed())))
        })
    };
    let mut facts = result.map_err(|(msg, at)| err(msg, Span::new(at, at)))?;
    facts.file = Some(file.id);
    facts.suppressions = suppressions(file);
    Ok(facts)
}

/// syn over the text, then the fact walk. Errors are a message and a byte offset.
fn parse_and_collect(file: &SourceFile) -> Result<RustFacts, (String, usize)> {
    let text: &str = &file.text;
    // syn strips a BOM and a shebang line before parsing; spans are relative to what it saw.
    let mut base = 0usize;
    if text.starts_with('\u{feff}') {
        base = '\u{feff}'.len_utf8();
    }
    let result = match syn::parse_file(text.get(base..).unwrap_or_default()) {
        Ok(ast) => {
            if let Some(sb) = &ast.shebang {
                base += sb.len();
            }
            Ok(visit::collect(&ast, file, base))
        }
        Err(e) => {
            let r = e.span().byte_range();
            Err((
                format!("Rust source does not parse: {e}"),
                (r.start + base).min(text.len()),
            ))
        }
    };
    // proc-macro2 keeps every parsed file in a thread-local source map; spans were all turned
    // into byte offsets above, so drop it before the next file on this thread.
    proc_macro2::extra::invalidate_current_thread_spans();
    result
}

/// The lexical shape of a file: bracket depth, longest unseparated run, most `<` in a statement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Shape {
    depth: usize,
    depth_at: usize,
    run: usize,
    run_at: usize,
    angles: usize,
    angles_at: usize,
}

impl Shape {
    fn over_limit(&self) -> Option<(&'static str, usize, usize)> {
        if self.depth > MAX_NESTING {
            Some(("nests brackets", MAX_NESTING, self.depth_at))
        } else if self.run > MAX_RUN {
            Some(("chains tokens without a separator", MAX_RUN, self.run_at))
        } else if self.angles > MAX_ANGLES {
            Some(("nests generics", MAX_ANGLES, self.angles_at))
        } else {
            None
        }
    }
}

/// Measure [`Shape`] in one pass, skipping comments, strings and char literals. Stops early
/// once a hard limit is exceeded.
fn measure(text: &str) -> Shape {
    let b = text.as_bytes();
    let mut shape = Shape::default();
    // Run length at each open bracket level and their sum along the stack.
    let mut runs: Vec<usize> = vec![0];
    let mut chain = 0usize;
    let mut angles = 0usize;
    let mut in_word = false;
    let mut i = 0usize;
    while let Some(&c) = b.get(i) {
        let word = c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
        let mut atom = false;
        match c {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while b.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
                in_word = false;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                // Block comments nest in Rust.
                let mut level = 0usize;
                while i < b.len() {
                    if b.get(i) == Some(&b'/') && b.get(i + 1) == Some(&b'*') {
                        level += 1;
                        i += 2;
                    } else if b.get(i) == Some(&b'*') && b.get(i + 1) == Some(&b'/') {
                        level = level.saturating_sub(1);
                        i += 2;
                        if level == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                in_word = false;
                continue;
            }
            b'r' if !in_word && matches!(b.get(i + 1), Some(b'"') | Some(b'#')) => {
                // Raw string: r"..." or r#"..."#.
                let mut j = i + 1;
                let mut hashes = 0usize;
                while b.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if b.get(j) == Some(&b'"') {
                    j += 1;
                    loop {
                        match b.get(j) {
                            None => break,
                            Some(b'"') if (1..=hashes).all(|k| b.get(j + k) == Some(&b'#')) => {
                                j += 1 + hashes;
                                break;
                            }
                            _ => j += 1,
                        }
                    }
                    i = j;
                    chain += 1;
                    if let Some(r) = runs.last_mut() {
                        *r += 1;
                    }
                    in_word = false;
                    continue;
                }
                atom = true;
            }
            b'"' => {
                i += 1;
                while let Some(&c) = b.get(i) {
                    i += 1;
                    if c == b'\\' {
                        i += 1;
                    } else if c == b'"' {
                        break;
                    }
                }
                chain += 1;
                if let Some(r) = runs.last_mut() {
                    *r += 1;
                }
                in_word = false;
                continue;
            }
            b'\'' => {
                // A char literal ('a', '\n', '\u{..}') or a lifetime ('a); skip only literals.
                if b.get(i + 1) == Some(&b'\\') {
                    i += 2;
                    while b.get(i).is_some_and(|&c| c != b'\'') {
                        i += 1;
                    }
                    i += 1;
                    in_word = false;
                    continue;
                }
                let ch_len = text
                    .get(i + 1..)
                    .and_then(|s| s.chars().next())
                    .map_or(1, char::len_utf8);
                if b.get(i + 1 + ch_len) == Some(&b'\'') {
                    i += 2 + ch_len;
                    in_word = false;
                    continue;
                }
                atom = true;
            }
            b'(' | b'[' | b'{' => {
                // The group is one atom of the enclosing run; its contents start a new level.
                chain += 1;
                if let Some(r) = runs.last_mut() {
                    *r += 1;
                }
                runs.push(0);
                if c == b'{' {
                    angles = 0;
                }
                if runs.len() - 1 > shape.depth {
                    shape.depth = runs.len() - 1;
                    shape.depth_at = i;
                }
            }
            b')' | b']' | b'}' => {
                if runs.len() > 1
                    && let Some(r) = runs.pop()
                {
                    chain = chain.saturating_sub(r);
                }
                if c == b'}' && !followed_by_else(b, i + 1) {
                    // An item or block ends here: the enclosing run starts over (but not inside
                    // an `if .. {} else if .. {}` chain, which nests).
                    if let Some(r) = runs.last_mut() {
                        chain = chain.saturating_sub(*r);
                        *r = 0;
                    }
                    angles = 0;
                }
            }
            b';' | b',' => {
                if let Some(r) = runs.last_mut() {
                    chain = chain.saturating_sub(*r);
                    *r = 0;
                }
                if c == b';' {
                    angles = 0;
                }
            }
            b'<' => {
                angles += 1;
                atom = true;
                if angles > shape.angles {
                    shape.angles = angles;
                    shape.angles_at = i;
                }
            }
            c if c.is_ascii_whitespace() => {}
            _ => atom = !word || !in_word,
        }
        if atom {
            chain += 1;
            if let Some(r) = runs.last_mut() {
                *r += 1;
            }
            if chain > shape.run {
                shape.run = chain;
                shape.run_at = i;
            }
        }
        if shape.over_limit().is_some() {
            return shape;
        }
        in_word = word;
        i += 1;
    }
    shape
}

fn followed_by_else(b: &[u8], mut i: usize) -> bool {
    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    b.get(i..i + 4) == Some(b"else")
        && !b
            .get(i + 4)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// `// wasm-migrate: ignore[WM202, WM205] reason` comments. Found lexically (syn drops
/// comments); a match inside a string literal is unlikely enough not to matter.
fn suppressions(file: &SourceFile) -> Vec<Suppression> {
    const MARK: &str = "wasm-migrate: ignore[";
    let text: &str = &file.text;
    let mut out = Vec::new();
    let mut from = 0usize;
    while let Some(pos) = text.get(from..).and_then(|t| t.find(MARK)) {
        let at = from + pos;
        from = at + MARK.len();
        let line_start = text
            .get(..at)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        let before = text.get(line_start..at).unwrap_or_default();
        let Some(slashes) = before.rfind("//") else {
            continue;
        };
        // Text after `//` before the marker, or an open string literal before `//`, means this
        // is not a suppression comment.
        let open_string = before
            .get(..slashes)
            .unwrap_or_default()
            .matches('"')
            .count()
            % 2
            == 1;
        if open_string
            || !before
                .get(slashes + 2..)
                .unwrap_or_default()
                .trim()
                .is_empty()
        {
            continue;
        }
        let rest = text.get(from..).unwrap_or_default();
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let rest = rest.get(..line_end).unwrap_or_default();
        let Some(close) = rest.find(']') else {
            continue;
        };
        let codes: Vec<String> = rest
            .get(..close)
            .unwrap_or_default()
            .split(',')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        let reason = rest.get(close + 1..).unwrap_or_default().trim().to_string();
        let start = line_start + slashes;
        let span = Span::new(start, from + line_end);
        out.push(Suppression {
            codes,
            reason,
            span,
            line: file.line_col(start).line,
        });
    }
    out
}

/// The files a `mod` declaration can live in, relative to the declaring file (`a/b.rs` declares
/// `mod c;` -> `a/b/c.rs` or `a/b/c/mod.rs`; `lib.rs`, `main.rs` and `mod.rs` declare siblings).
pub fn mod_file_candidates(declaring: &str, decl: &ModDecl) -> Vec<String> {
    let dir = crate::cargo::paths::parent(declaring);
    if let Some(p) = &decl.path_attr {
        return crate::cargo::paths::join(dir, p).into_iter().collect();
    }
    let file = declaring.rsplit('/').next().unwrap_or(declaring);
    let base = if matches!(file, "lib.rs" | "main.rs" | "mod.rs") {
        dir.to_string()
    } else {
        let stem = file.strip_suffix(".rs").unwrap_or(file);
        if dir.is_empty() {
            stem.to_string()
        } else {
            format!("{dir}/{stem}")
        }
    };
    let join = |rel: &str| {
        if base.is_empty() {
            rel.to_string()
        } else {
            format!("{base}/{rel}")
        }
    };
    vec![
        join(&format!("{}.rs", decl.name)),
        join(&format!("{}/mod.rs", decl.name)),
    ]
}

#[cfg(test)]
mod tests;
