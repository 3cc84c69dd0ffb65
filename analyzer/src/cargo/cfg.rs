//! A small `cfg(...)` expression parser and evaluator for the WASI targets.
//!
//! Used for `[target.'cfg(...)'.dependencies]` tables in Cargo.toml and for `#[cfg(...)]`
//! attributes in Rust source. Evaluation is three-valued: a predicate whose value cannot be known
//! without a build (`feature = "x"`, custom `--cfg` flags in source) is `None`, and each caller
//! decides what unknown means for it.

/// Which WASI target a cfg is evaluated for. Both are `wasm32`, `target_os = "wasi"`,
/// `target_family = "wasm"`; they differ in `target_env` (`p1` / `p2`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WasiTarget {
    P1,
    P2,
}

impl WasiTarget {
    pub fn triple(self) -> &'static str {
        match self {
            WasiTarget::P1 => "wasm32-wasip1",
            WasiTarget::P2 => "wasm32-wasip2",
        }
    }
}

/// A parsed cfg expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cfg {
    /// `unix`, `test`, `debug_assertions`, `tokio_unstable`.
    Name(String),
    /// `target_os = "wasi"`, `feature = "x"`.
    KeyValue(String, String),
    All(Vec<Cfg>),
    Any(Vec<Cfg>),
    Not(Box<Cfg>),
}

/// Where a predicate is evaluated: Cargo target tables know every cfg the compiler sets (custom
/// names are false unless RUSTFLAGS set them); source attributes may depend on features, which
/// are not known without resolving the build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CfgContext {
    /// `[target.'cfg(..)'.dependencies]`: unknown names are false, as cargo evaluates them.
    Manifest,
    /// `#[cfg(..)]` in Rust source of a normal (non-test) build: `test` is false, features and
    /// custom names are unknown.
    Source,
}

/// Deepest nesting accepted; hostile input gets an error instead of deep recursion.
const MAX_DEPTH: usize = 64;

impl Cfg {
    /// Parse the inside of `cfg(...)` (or the whole `cfg(...)` when given with the wrapper).
    pub fn parse(text: &str) -> Result<Cfg, String> {
        let mut p = Parser {
            toks: lex(text)?,
            pos: 0,
        };
        // Accept both `cfg(unix)` (Cargo target keys) and `unix` (attribute contents).
        let cfg = if p.toks.len() >= 3
            && p.toks.first() == Some(&Tok::Ident("cfg".into()))
            && p.toks.get(1) == Some(&Tok::Open)
        {
            p.pos = 2;
            let c = p.expr(0)?;
            p.expect(&Tok::Close)?;
            c
        } else {
            p.expr(0)?
        };
        if p.pos != p.toks.len() {
            return Err("unexpected tokens after the cfg expression".into());
        }
        Ok(cfg)
    }

    /// Evaluate for a WASI target. `None` means "cannot be known without building".
    pub fn eval(&self, target: WasiTarget, ctx: CfgContext) -> Option<bool> {
        match self {
            Cfg::Name(n) => name_value(n, ctx),
            Cfg::KeyValue(k, v) => key_value(k, v, target, ctx),
            Cfg::Not(c) => c.eval(target, ctx).map(|b| !b),
            Cfg::All(cs) => {
                let mut unknown = false;
                for c in cs {
                    match c.eval(target, ctx) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                if unknown { None } else { Some(true) }
            }
            Cfg::Any(cs) => {
                let mut unknown = false;
                for c in cs {
                    match c.eval(target, ctx) {
                        Some(true) => return Some(true),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                if unknown { None } else { Some(false) }
            }
        }
    }

    /// Evaluate for the Linux targets a container image is built for (`x86_64` / `aarch64`,
    /// `gnu` / `musl`), in a normal source build: what `#[cfg(unix)]` code a container runs.
    /// `None` when it depends on features or custom flags.
    pub fn holds_on_linux(&self) -> Option<bool> {
        match self {
            Cfg::Name(n) => match n.as_str() {
                "unix" => Some(true),
                "windows" | "test" | "miri" | "doc" | "doctest" | "proc_macro" => Some(false),
                _ => None,
            },
            Cfg::KeyValue(k, v) => match k.as_str() {
                "target_os" => Some(v == "linux"),
                "target_family" => Some(v == "unix"),
                "target_arch" => Some(matches!(v.as_str(), "x86_64" | "aarch64")),
                "target_env" => Some(matches!(v.as_str(), "gnu" | "musl")),
                "target_vendor" => Some(v == "unknown"),
                "target_pointer_width" => Some(v == "64"),
                "target_endian" => Some(v == "little"),
                _ => None,
            },
            Cfg::Not(c) => c.holds_on_linux().map(|b| !b),
            Cfg::All(cs) => {
                let vals: Vec<Option<bool>> = cs.iter().map(Cfg::holds_on_linux).collect();
                if vals.contains(&Some(false)) {
                    Some(false)
                } else if vals.contains(&None) {
                    None
                } else {
                    Some(true)
                }
            }
            Cfg::Any(cs) => {
                let vals: Vec<Option<bool>> = cs.iter().map(Cfg::holds_on_linux).collect();
                if vals.contains(&Some(true)) {
                    Some(true)
                } else if vals.contains(&None) {
                    None
                } else {
                    Some(false)
                }
            }
        }
    }

    /// True when the expression mentions `test` outside a `not(...)`: the item exists only in
    /// test builds (`cfg(test)`, `cfg(all(test, unix))`).
    pub fn requires_test(&self) -> bool {
        match self {
            Cfg::Name(n) => n == "test",
            Cfg::KeyValue(..) | Cfg::Not(_) => false,
            Cfg::All(cs) => cs.iter().any(Cfg::requires_test),
            Cfg::Any(cs) => !cs.is_empty() && cs.iter().all(Cfg::requires_test),
        }
    }
}

/// Evaluate a Cargo `[target.X]` key: either `cfg(...)` or a target triple.
pub fn target_key_applies(key: &str, target: WasiTarget) -> Result<bool, String> {
    let key = key.trim();
    if key.starts_with("cfg(") {
        let cfg = Cfg::parse(key)?;
        Ok(cfg.eval(target, CfgContext::Manifest).unwrap_or(false))
    } else {
        // A plain triple applies only to exactly that target (`wasm32-wasi` is the old name of
        // wasip1).
        Ok(key == target.triple() || (target == WasiTarget::P1 && key == "wasm32-wasi"))
    }
}

fn name_value(name: &str, ctx: CfgContext) -> Option<bool> {
    match name {
        // wasm32-wasi targets are neither unix nor windows: `target_family = "wasm"` only.
        "unix" | "windows" | "test" | "miri" | "doc" | "doctest" => Some(false),
        "debug_assertions" | "overflow_checks" => match ctx {
            CfgContext::Manifest => Some(false),
            CfgContext::Source => None,
        },
        "proc_macro" => Some(false),
        _ => match ctx {
            CfgContext::Manifest => Some(false),
            CfgContext::Source => None,
        },
    }
}

fn key_value(key: &str, value: &str, target: WasiTarget, ctx: CfgContext) -> Option<bool> {
    let known = match key {
        "target_os" => value == "wasi",
        "target_family" => value == "wasm",
        "target_arch" => value == "wasm32",
        "target_env" => match target {
            WasiTarget::P1 => value == "p1",
            WasiTarget::P2 => value == "p2",
        },
        "target_vendor" => value == "unknown",
        "target_pointer_width" => value == "32",
        "target_endian" => value == "little",
        "target_abi" => value.is_empty(),
        "target_has_atomic" => matches!(value, "8" | "16" | "32" | "64" | "ptr"),
        "panic" => value == "abort",
        // The default wasm32 feature set; `atomics` (threads) is off unless asked for.
        "target_feature" => matches!(
            value,
            "bulk-memory"
                | "mutable-globals"
                | "sign-ext"
                | "nontrapping-fptoint"
                | "multivalue"
                | "reference-types"
        ),
        _ => {
            return match ctx {
                CfgContext::Manifest => Some(false),
                CfgContext::Source => None,
            };
        }
    };
    Some(known)
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Str(String),
    Eq,
    Comma,
    Open,
    Close,
}

fn lex(text: &str) -> Result<Vec<Tok>, String> {
    let mut toks = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' => toks.push(Tok::Open),
            ')' => toks.push(Tok::Close),
            ',' => toks.push(Tok::Comma),
            '=' => toks.push(Tok::Eq),
            '"' => {
                let mut s = String::new();
                let mut closed = false;
                while let Some((_, c)) = chars.next() {
                    match c {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => {
                            if let Some((_, e)) = chars.next() {
                                s.push(e);
                            }
                        }
                        c => s.push(c),
                    }
                }
                if !closed {
                    return Err("unterminated string in cfg expression".into());
                }
                toks.push(Tok::Str(s));
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_alphanumeric() || d == '_' || d == '-' {
                        end = j + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                toks.push(Tok::Ident(text.get(i..end).unwrap_or_default().to_string()));
            }
            c => return Err(format!("unexpected `{c}` in cfg expression")),
        }
    }
    Ok(toks)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn expect(&mut self, tok: &Tok) -> Result<(), String> {
        match self.next() {
            Some(t) if &t == tok => Ok(()),
            _ => Err("malformed cfg expression".into()),
        }
    }

    fn expr(&mut self, depth: usize) -> Result<Cfg, String> {
        if depth > MAX_DEPTH {
            return Err("cfg expression nested too deeply".into());
        }
        let Some(Tok::Ident(name)) = self.next() else {
            return Err("expected a cfg predicate".into());
        };
        match self.peek() {
            Some(Tok::Open) => {
                self.pos += 1;
                let mut args = Vec::new();
                loop {
                    if self.peek() == Some(&Tok::Close) {
                        self.pos += 1;
                        break;
                    }
                    args.push(self.expr(depth + 1)?);
                    match self.next() {
                        Some(Tok::Comma) => {}
                        Some(Tok::Close) => break,
                        _ => return Err("expected `,` or `)` in cfg expression".into()),
                    }
                }
                match name.as_str() {
                    "all" => Ok(Cfg::All(args)),
                    "any" => Ok(Cfg::Any(args)),
                    "not" if args.len() == 1 => Ok(Cfg::Not(Box::new(args.remove(0)))),
                    "not" => Err("`not` takes exactly one predicate".into()),
                    other => Err(format!("unknown cfg operator `{other}`")),
                }
            }
            Some(Tok::Eq) => {
                self.pos += 1;
                match self.next() {
                    Some(Tok::Str(v)) => Ok(Cfg::KeyValue(name, v)),
                    _ => Err("expected a string after `=` in cfg expression".into()),
                }
            }
            _ => Ok(Cfg::Name(name)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(s: &str, ctx: CfgContext) -> Option<bool> {
        Cfg::parse(s).unwrap().eval(WasiTarget::P2, ctx)
    }

    #[test]
    fn wasi_is_neither_unix_nor_windows() {
        assert_eq!(eval("cfg(unix)", CfgContext::Manifest), Some(false));
        assert_eq!(eval("cfg(windows)", CfgContext::Manifest), Some(false));
        assert_eq!(eval("cfg(not(windows))", CfgContext::Manifest), Some(true));
        assert_eq!(
            eval(r#"cfg(target_os = "wasi")"#, CfgContext::Manifest),
            Some(true)
        );
        assert_eq!(
            eval(r#"cfg(target_family = "wasm")"#, CfgContext::Manifest),
            Some(true)
        );
        assert_eq!(
            eval(r#"cfg(not(target_arch = "wasm32"))"#, CfgContext::Manifest),
            Some(false)
        );
        assert_eq!(
            eval(
                r#"cfg(any(target_os = "linux", target_os = "macos"))"#,
                CfgContext::Manifest
            ),
            Some(false)
        );
        assert_eq!(
            eval(
                r#"cfg(all(target_arch = "wasm32", not(target_os = "unknown")))"#,
                CfgContext::Manifest
            ),
            Some(true)
        );
    }

    #[test]
    fn target_env_tells_p1_from_p2() {
        let c = Cfg::parse(r#"target_env = "p2""#).unwrap();
        assert_eq!(c.eval(WasiTarget::P2, CfgContext::Manifest), Some(true));
        assert_eq!(c.eval(WasiTarget::P1, CfgContext::Manifest), Some(false));
    }

    #[test]
    fn unknown_names_are_false_in_manifests_and_unknown_in_source() {
        assert_eq!(
            eval("cfg(tokio_unstable)", CfgContext::Manifest),
            Some(false)
        );
        assert_eq!(eval("tokio_unstable", CfgContext::Source), None);
        assert_eq!(eval(r#"feature = "tls""#, CfgContext::Source), None);
        assert_eq!(
            eval(r#"any(unix, feature = "tls")"#, CfgContext::Source),
            None
        );
        assert_eq!(
            eval(r#"all(unix, feature = "tls")"#, CfgContext::Source),
            Some(false)
        );
        assert_eq!(eval("test", CfgContext::Source), Some(false));
    }

    #[test]
    fn target_triples_apply_only_to_themselves() {
        assert!(target_key_applies("wasm32-wasip2", WasiTarget::P2).unwrap());
        assert!(!target_key_applies("x86_64-unknown-linux-gnu", WasiTarget::P2).unwrap());
        assert!(target_key_applies("wasm32-wasi", WasiTarget::P1).unwrap());
        assert!(!target_key_applies("cfg(unix)", WasiTarget::P1).unwrap());
    }

    #[test]
    fn requires_test_spots_test_only_items() {
        assert!(Cfg::parse("test").unwrap().requires_test());
        assert!(Cfg::parse("all(test, unix)").unwrap().requires_test());
        assert!(Cfg::parse("any(test, test)").unwrap().requires_test());
        assert!(
            !Cfg::parse("any(test, feature = \"x\")")
                .unwrap()
                .requires_test()
        );
        assert!(!Cfg::parse("not(test)").unwrap().requires_test());
    }

    #[test]
    fn malformed_expressions_are_errors_not_panics() {
        for bad in [
            "",
            "cfg(",
            "all(unix",
            "not(a, b)",
            "x = ",
            "x = \"open",
            "(",
            "cfg(unix))",
            "a $ b",
        ] {
            assert!(Cfg::parse(bad).is_err(), "{bad:?} should not parse");
        }
        let deep = format!("{}unix{}", "not(".repeat(200), ")".repeat(200));
        assert_eq!(
            Cfg::parse(&deep).unwrap_err(),
            "cfg expression nested too deeply"
        );
    }

    #[test]
    fn unix_code_holds_on_linux_but_not_on_wasi() {
        let on = |s: &str| Cfg::parse(s).unwrap().holds_on_linux();
        let wasi = |s: &str| {
            Cfg::parse(s)
                .unwrap()
                .eval(WasiTarget::P2, CfgContext::Source)
        };
        for unix in [
            "unix",
            r#"target_os = "linux""#,
            r#"target_family = "unix""#,
            r#"all(unix, not(target_os = "macos"))"#,
        ] {
            assert_eq!(on(unix), Some(true), "{unix}");
            assert_eq!(wasi(unix), Some(false), "{unix}");
        }
        assert_eq!(on("windows"), Some(false));
        assert_eq!(on(r#"target_os = "wasi""#), Some(false));
        assert_eq!(on(r#"all(unix, feature = "x")"#), None);
        assert_eq!(on(r#"any(unix, feature = "x")"#), Some(true));
    }
}
