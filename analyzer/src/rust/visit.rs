//! The syntax walk behind [`super::analyze_source`]: lexical `use` scopes, cfg/test exclusion
//! and fact recording with byte spans.

use std::collections::HashMap;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Attribute, Expr, ImplItem, Item, Meta, Stmt, TraitItem, UseTree};

use super::known;
use super::{ExcludedFact, Exclusion, FactKind, ModDecl, RustFacts, Site, SourceFact};
use crate::cargo::cfg::{Cfg, CfgContext, WasiTarget};
use crate::source::SourceFile;
use crate::span::Span;

const RAYON_METHODS: &[&str] = &[
    "par_iter",
    "par_iter_mut",
    "into_par_iter",
    "par_bridge",
    "par_chunks",
    "par_chunks_mut",
    "par_chunks_exact",
    "par_windows",
    "par_sort",
    "par_sort_unstable",
    "par_sort_by",
    "par_sort_by_key",
    "par_sort_unstable_by",
    "par_extend",
    "par_lines",
    "par_split",
    "par_drain",
];

/// `OpenOptions` methods that make the opened file writable.
const WRITE_OPTIONS: &[&str] = &["write", "append", "create", "create_new", "truncate"];

/// Attributes that make a function test-only.
const TEST_ATTRS: &[&str] = &[
    "test",
    "bench",
    "tokio::test",
    "async_std::test",
    "rstest",
    "test_case",
    "actix_rt::test",
];

/// An exclusion in force and the attribute that put it there.
type Excluded = (Exclusion, Span);

#[derive(Default)]
struct Scope {
    /// `use a::b::C as D;` -> `D` => `[a, b, C]`.
    aliases: HashMap<String, Vec<String>>,
    /// `use a::b::*;` -> `[a, b]`.
    globs: Vec<Vec<String>>,
}

struct Collector<'a> {
    file: &'a SourceFile,
    base: usize,
    scopes: Vec<Scope>,
    /// Innermost exclusion and the attribute that caused it.
    exclusions: Vec<(Exclusion, Span)>,
    out: RustFacts,
    /// Write-mode `OpenOptions` method calls, kept until the file is known to use `OpenOptions`.
    option_calls: Vec<(Span, String, Option<Excluded>)>,
    saw_open_options: bool,
    /// Depth of `mod { }` nesting; `fn main` counts only at the file's top level.
    mod_depth: usize,
}

pub(super) fn collect(ast: &syn::File, file: &SourceFile, base: usize) -> RustFacts {
    let mut c = Collector {
        file,
        base,
        scopes: Vec::new(),
        exclusions: Vec::new(),
        out: RustFacts::default(),
        option_calls: Vec::new(),
        saw_open_options: false,
        mod_depth: 0,
    };
    // Inner attributes of the file (`#![cfg(test)]`) exclude everything in it.
    let file_excl = c.exclusion_of(&ast.attrs);
    if let Some(e) = file_excl.clone() {
        c.exclusions.push(e);
    }
    c.push_scope(ast.items.iter());
    for item in &ast.items {
        c.visit_item(item);
    }
    c.scopes.pop();
    if c.saw_open_options {
        for (span, method, excl) in std::mem::take(&mut c.option_calls) {
            let fact = SourceFact {
                kind: FactKind::FsWrite,
                span,
                path: format!("OpenOptions::{method}"),
                site: Site::Method,
                detail: None,
            };
            match excl {
                Some((reason, by)) => c.out.excluded.push(ExcludedFact { fact, reason, by }),
                None => c.out.facts.push(fact),
            }
        }
    }
    c.out.facts.sort_by_key(|f| (f.span, f.kind));
    c.out.facts.dedup();
    c.out.excluded.sort_by_key(|f| (f.fact.span, f.fact.kind));
    c.out.excluded.dedup();
    c.out
}

impl<'a> Collector<'a> {
    fn span(&self, s: proc_macro2::Span) -> Span {
        let r = s.byte_range();
        let len = self.file.text.len();
        Span::new((r.start + self.base).min(len), (r.end + self.base).min(len))
    }

    fn span_between(&self, a: proc_macro2::Span, b: proc_macro2::Span) -> Span {
        self.span(a).to(self.span(b))
    }

    fn record(
        &mut self,
        kind: FactKind,
        span: Span,
        path: String,
        site: Site,
        detail: Option<String>,
    ) {
        if kind == FactKind::OpenOptions {
            self.saw_open_options = true;
        }
        let fact = SourceFact {
            kind,
            span,
            path,
            site,
            detail,
        };
        match self.exclusions.last() {
            Some((reason, by)) => self.out.excluded.push(ExcludedFact {
                fact,
                reason: reason.clone(),
                by: *by,
            }),
            None => self.out.facts.push(fact),
        }
    }

    // ----- use resolution -----

    fn push_scope<'i>(&mut self, items: impl Iterator<Item = &'i Item>) {
        let mut scope = Scope::default();
        for item in items {
            match item {
                Item::Use(u) => {
                    // A `use` behind a cfg that is off on WASI does not import anything there,
                    // but the code using it is usually behind the same cfg; keep the alias so
                    // those facts resolve (and are excluded by their own cfg).
                    let mut prefix = Vec::new();
                    if u.leading_colon.is_some() {
                        prefix.push(String::new());
                    }
                    collect_use(&u.tree, &mut prefix, &mut scope);
                }
                Item::ExternCrate(e) => {
                    let name = e.ident.to_string();
                    let alias = e
                        .rename
                        .as_ref()
                        .map(|(_, i)| i.to_string())
                        .unwrap_or_else(|| name.clone());
                    if alias != "_" {
                        scope.aliases.insert(alias, vec![name]);
                    }
                }
                _ => {}
            }
        }
        // Absolute markers (leading `::`) are dropped; relative imports that go through an outer
        // alias (`use std::net; use net::TcpStream;`) are expanded now, with a small bound.
        for _ in 0..4 {
            let mut changed = false;
            let snapshot: Vec<(String, Vec<String>)> = scope
                .aliases
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            for (k, v) in snapshot {
                if let Some(expanded) = self.expand(&scope, &v, Some(&k)) {
                    scope.aliases.insert(k, expanded);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let globs = std::mem::take(&mut scope.globs);
        scope.globs = globs
            .into_iter()
            .map(|g| self.expand(&scope, &g, None).unwrap_or(g))
            .collect();
        for v in scope.aliases.values_mut() {
            if v.first().is_some_and(String::is_empty) {
                v.remove(0);
            }
        }
        for g in scope.globs.iter_mut() {
            if g.first().is_some_and(String::is_empty) {
                g.remove(0);
            }
        }
        self.scopes.push(scope);
    }

    /// Expand the first segment of an import path through an alias in scope (not itself).
    fn expand(&self, scope: &Scope, path: &[String], own: Option<&str>) -> Option<Vec<String>> {
        let first = path.first()?;
        if first.is_empty()
            || known::is_known_root(first)
            || matches!(first.as_str(), "std" | "core" | "alloc")
        {
            return None;
        }
        let target = scope
            .aliases
            .get(first)
            .filter(|_| Some(first.as_str()) != own)
            .or_else(|| self.scopes.iter().rev().find_map(|s| s.aliases.get(first)))?;
        if target.first() == Some(first) {
            return None;
        }
        let mut out = target.clone();
        out.extend(path.iter().skip(1).cloned());
        Some(out)
    }

    /// Resolve a path as written to a fully qualified one, if it names anything outside the crate.
    fn resolve(&self, segs: &[String], leading_colon: bool) -> Option<Vec<String>> {
        let first = segs.first()?;
        if leading_colon {
            return Some(segs.to_vec());
        }
        if matches!(first.as_str(), "crate" | "self" | "super" | "Self") {
            return None;
        }
        for scope in self.scopes.iter().rev() {
            if let Some(full) = scope.aliases.get(first) {
                let mut out = full.clone();
                out.extend(segs.iter().skip(1).cloned());
                return Some(out);
            }
        }
        for scope in self.scopes.iter().rev() {
            for g in &scope.globs {
                let mut cand = g.clone();
                cand.extend(segs.iter().cloned());
                // The match must name something inside the glob (`rayon::prelude::*` does not
                // make every `Vec` a rayon path).
                if known::lookup(&cand).is_some_and(|(_, key)| key.split("::").count() > g.len()) {
                    return Some(cand);
                }
            }
        }
        // A bare single identifier is a local name (a variable called `tempfile`), never a crate.
        if segs.len() > 1 || matches!(first.as_str(), "std" | "core") {
            return Some(segs.to_vec());
        }
        None
    }

    fn check_path(&mut self, segs: &[String], leading_colon: bool, span: Span, site: Site) {
        let Some(full) = self.resolve(segs, leading_colon) else {
            return;
        };
        if let Some((kind, _)) = known::lookup(&full) {
            self.record(kind, span, full.join("::"), site, None);
        }
    }

    fn check_syn_path(&mut self, path: &syn::Path, site: Site) {
        let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let (Some(first), Some(last)) = (path.segments.first(), path.segments.last()) else {
            return;
        };
        let span = self.span_between(first.ident.span(), last.ident.span());
        self.check_path(&segs, path.leading_colon.is_some(), span, site);
    }

    // ----- exclusion -----

    fn exclusion_of(&self, attrs: &[Attribute]) -> Option<(Exclusion, Span)> {
        for attr in attrs {
            let path = path_string(attr.path());
            let span = self.span(attr.span());
            if path == "cfg" {
                let Meta::List(list) = &attr.meta else {
                    continue;
                };
                let Ok(cfg) = Cfg::parse(&list.tokens.to_string()) else {
                    continue;
                };
                if cfg.requires_test() {
                    return Some((Exclusion::Test, span));
                }
                if cfg.eval(WasiTarget::P2, CfgContext::Source) == Some(false) {
                    return Some((Exclusion::CfgOff(self.file.slice(span).to_string()), span));
                }
            } else if TEST_ATTRS.contains(&path.as_str()) {
                return Some((Exclusion::Test, span));
            }
        }
        None
    }

    fn with_attrs(&mut self, attrs: &[Attribute], f: impl FnOnce(&mut Self)) {
        match self.exclusion_of(attrs) {
            Some(e) => {
                self.exclusions.push(e);
                f(self);
                self.exclusions.pop();
            }
            None => f(self),
        }
    }

    // ----- attributes that prove something -----

    fn check_fn_attrs(&mut self, attrs: &[Attribute]) {
        for attr in attrs {
            let segs: Vec<String> = attr
                .path()
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let Some(full) = self.resolve(&segs, attr.path().leading_colon.is_some()) else {
                continue;
            };
            let span = self.span(attr.span());
            let joined = full.join("::");
            match joined.as_str() {
                "tokio::main" | "async_std::main" => {
                    let tokens = match &attr.meta {
                        Meta::List(l) => l.tokens.to_string(),
                        _ => String::new(),
                    };
                    let current = tokens
                        .replace(' ', "")
                        .contains("flavor=\"current_thread\"");
                    let kind = if current && joined == "tokio::main" {
                        FactKind::CurrentThreadRuntime
                    } else {
                        FactKind::MultiThreadRuntime
                    };
                    self.record(kind, span, joined, Site::Attr, None);
                }
                _ => {
                    if let Some((kind, _)) = known::lookup(&full) {
                        self.record(kind, span, joined, Site::Attr, None);
                    }
                }
            }
        }
    }

    fn foreign_mod(&mut self, fm: &syn::ItemForeignMod) {
        let mut wasm_module = None;
        let mut links = Vec::new();
        for attr in &fm.attrs {
            if !attr.path().is_ident("link") {
                continue;
            }
            let mut name = None;
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("wasm_import_module") {
                    let v: syn::LitStr = meta.value()?.parse()?;
                    wasm_module = Some(v.value());
                } else if meta.path.is_ident("name") {
                    let v: syn::LitStr = meta.value()?.parse()?;
                    name = Some(v.value());
                } else if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
                Ok(())
            });
            links.push((self.span(attr.span()), name));
        }
        let abi = fm
            .abi
            .name
            .as_ref()
            .map(|n| n.value())
            .unwrap_or_else(|| "C".to_string());
        let end = fm
            .abi
            .name
            .as_ref()
            .map(|n| n.span())
            .unwrap_or(fm.abi.extern_token.span);
        let span = self.span_between(fm.abi.extern_token.span, end);
        if let Some(module) = wasm_module {
            self.record(
                FactKind::WasmImport,
                span,
                format!("extern \"{abi}\""),
                Site::Item,
                Some(module),
            );
            return;
        }
        if abi.starts_with("Rust") || abi == "rust-intrinsic" || fm.items.is_empty() {
            return;
        }
        self.record(
            FactKind::ExternBlock,
            span,
            format!("extern \"{abi}\""),
            Site::Item,
            Some(abi),
        );
        for (lspan, name) in links {
            self.record(
                FactKind::LinkNative,
                lspan,
                "#[link]".into(),
                Site::Attr,
                name,
            );
        }
    }

    // ----- macros -----

    /// Find paths, method names and build-script link directives in a macro's tokens. The walk
    /// is iterative so deeply nested token trees cannot exhaust the stack.
    fn scan_tokens(&mut self, tokens: &TokenStream) {
        let mut stack: Vec<TokenStream> = vec![tokens.clone()];
        while let Some(ts) = stack.pop() {
            let toks: Vec<TokenTree> = ts.into_iter().collect();
            let mut cur: Vec<(String, proc_macro2::Span)> = Vec::new();
            let mut leading = false;
            let mut after_sep = false;
            let mut after_dot = false;
            let mut i = 0usize;
            while let Some(tt) = toks.get(i) {
                match tt {
                    TokenTree::Ident(id) => {
                        let name = id.to_string();
                        if after_dot {
                            if RAYON_METHODS.contains(&name.as_str()) {
                                let sp = self.span(id.span());
                                self.record(
                                    FactKind::Rayon,
                                    sp,
                                    format!("rayon::{name}"),
                                    Site::Macro,
                                    None,
                                );
                            }
                            after_dot = false;
                        } else if after_sep || cur.is_empty() {
                            cur.push((name, id.span()));
                        } else {
                            self.flush_macro_path(&mut cur, leading);
                            leading = false;
                            cur.push((name, id.span()));
                        }
                        after_sep = false;
                    }
                    TokenTree::Punct(p) if p.as_char() == ':' && p.spacing() == Spacing::Joint => {
                        if matches!(toks.get(i + 1), Some(TokenTree::Punct(q)) if q.as_char() == ':')
                        {
                            if cur.is_empty() {
                                leading = true;
                            }
                            after_sep = true;
                            i += 1;
                        } else {
                            self.flush_macro_path(&mut cur, leading);
                            leading = false;
                        }
                    }
                    TokenTree::Punct(p) => {
                        self.flush_macro_path(&mut cur, leading);
                        leading = false;
                        after_sep = false;
                        after_dot = p.as_char() == '.';
                    }
                    TokenTree::Literal(l) => {
                        self.flush_macro_path(&mut cur, leading);
                        leading = false;
                        after_sep = false;
                        after_dot = false;
                        let text = l.to_string();
                        let body = text.trim_matches('"');
                        for prefix in ["cargo:rustc-link-lib=", "cargo::rustc-link-lib="] {
                            if let Some(lib) = body.strip_prefix(prefix) {
                                let sp = self.span(l.span());
                                let lib = lib.rsplit('=').next().unwrap_or(lib).to_string();
                                self.record(
                                    FactKind::LinkNative,
                                    sp,
                                    "cargo:rustc-link-lib".into(),
                                    Site::Macro,
                                    Some(lib),
                                );
                            }
                        }
                    }
                    TokenTree::Group(g) => {
                        // `path::to::f(...)`: the group ends the path; flush first.
                        self.flush_macro_path(&mut cur, leading);
                        leading = false;
                        after_sep = false;
                        after_dot = false;
                        if g.delimiter() != Delimiter::None || !g.stream().is_empty() {
                            stack.push(g.stream());
                        }
                    }
                }
                i += 1;
            }
            self.flush_macro_path(&mut cur, leading);
        }
    }

    fn flush_macro_path(&mut self, cur: &mut Vec<(String, proc_macro2::Span)>, leading: bool) {
        if cur.is_empty() {
            return;
        }
        let segs: Vec<String> = cur.iter().map(|(s, _)| s.clone()).collect();
        let (Some(first), Some(last)) = (cur.first(), cur.last()) else {
            return;
        };
        let span = self.span_between(first.1, last.1);
        cur.clear();
        self.check_path(&segs, leading, span, Site::Macro);
    }

    fn use_facts(&mut self, tree: &UseTree, prefix: &mut Vec<String>, leading: bool) {
        match tree {
            UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_facts(&p.tree, prefix, leading);
                prefix.pop();
            }
            UseTree::Name(n) => {
                let name = n.ident.to_string();
                let mut full = prefix.clone();
                if name != "self" {
                    full.push(name);
                }
                self.use_leaf(&full, leading, self.span(n.ident.span()));
            }
            UseTree::Rename(r) => {
                let mut full = prefix.clone();
                if r.ident != "self" {
                    full.push(r.ident.to_string());
                }
                self.use_leaf(&full, leading, self.span(r.ident.span()));
            }
            UseTree::Glob(g) => {
                self.use_leaf(&prefix.clone(), leading, self.span(g.star_token.span));
            }
            UseTree::Group(g) => {
                for t in &g.items {
                    self.use_facts(t, prefix, leading);
                }
            }
        }
    }

    fn use_leaf(&mut self, full: &[String], leading: bool, leaf_span: Span) {
        // Import paths are resolved against the enclosing scopes (`use net::TcpStream` after
        // `use std::net`), but never through their own alias.
        let resolved = if leading {
            Some(full.to_vec())
        } else {
            match full.first() {
                Some(f) if matches!(f.as_str(), "crate" | "self" | "super") => None,
                Some(f) => self
                    .scopes
                    .iter()
                    .rev()
                    .find_map(|s| s.aliases.get(f).filter(|t| t.first() != Some(f)))
                    .map(|t| {
                        let mut v = t.clone();
                        v.extend(full.iter().skip(1).cloned());
                        v
                    })
                    .or_else(|| Some(full.to_vec())),
                None => None,
            }
        };
        let Some(resolved) = resolved else { return };
        if let Some((kind, _)) = known::lookup(&resolved) {
            self.record(kind, leaf_span, resolved.join("::"), Site::Use, None);
        }
    }
}

fn collect_use(tree: &UseTree, prefix: &mut Vec<String>, scope: &mut Scope) {
    match tree {
        UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            collect_use(&p.tree, prefix, scope);
            prefix.pop();
        }
        UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                if let Some(last) = prefix.last() {
                    scope.aliases.insert(last.clone(), prefix.clone());
                }
            } else {
                let mut full = prefix.clone();
                full.push(name.clone());
                scope.aliases.insert(name, full);
            }
        }
        UseTree::Rename(r) => {
            let alias = r.rename.to_string();
            if alias == "_" {
                return;
            }
            let mut full = prefix.clone();
            if r.ident != "self" {
                full.push(r.ident.to_string());
            }
            scope.aliases.insert(alias, full);
        }
        UseTree::Glob(_) => scope.globs.push(prefix.clone()),
        UseTree::Group(g) => {
            for t in &g.items {
                collect_use(t, prefix, scope);
            }
        }
    }
}

fn path_string(p: &syn::Path) -> String {
    p.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::ExternCrate(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::ForeignMod(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::TraitAlias(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Union(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

fn expr_attrs(e: &Expr) -> &[Attribute] {
    match e {
        Expr::Array(x) => &x.attrs,
        Expr::Assign(x) => &x.attrs,
        Expr::Async(x) => &x.attrs,
        Expr::Await(x) => &x.attrs,
        Expr::Binary(x) => &x.attrs,
        Expr::Block(x) => &x.attrs,
        Expr::Call(x) => &x.attrs,
        Expr::Closure(x) => &x.attrs,
        Expr::ForLoop(x) => &x.attrs,
        Expr::If(x) => &x.attrs,
        Expr::Loop(x) => &x.attrs,
        Expr::Macro(x) => &x.attrs,
        Expr::Match(x) => &x.attrs,
        Expr::MethodCall(x) => &x.attrs,
        Expr::Path(x) => &x.attrs,
        Expr::Try(x) => &x.attrs,
        Expr::Unsafe(x) => &x.attrs,
        Expr::While(x) => &x.attrs,
        _ => &[],
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item(&mut self, item: &'ast Item) {
        let attrs = item_attrs(item);
        self.with_attrs(attrs, |c| match item {
            Item::Mod(m) => {
                let excl = c
                    .exclusion_of(&m.attrs)
                    .map(|(e, _)| e)
                    .or_else(|| c.exclusions.last().map(|(e, _)| e.clone()));
                match &m.content {
                    Some((_, items)) => {
                        c.mod_depth += 1;
                        c.push_scope(items.iter());
                        for i in items {
                            c.visit_item(i);
                        }
                        c.scopes.pop();
                        c.mod_depth -= 1;
                    }
                    None => {
                        let path_attr = m.attrs.iter().find_map(|a| match &a.meta {
                            Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
                                Expr::Lit(syn::ExprLit {
                                    lit: syn::Lit::Str(s),
                                    ..
                                }) => Some(s.value()),
                                _ => None,
                            },
                            _ => None,
                        });
                        let span = c.span(m.ident.span());
                        c.out.mods.push(ModDecl {
                            name: m.ident.to_string(),
                            path_attr,
                            excluded: excl,
                            span,
                        });
                    }
                }
            }
            Item::ForeignMod(fm) => {
                c.foreign_mod(fm);
                visit::visit_item_foreign_mod(c, fm);
            }
            Item::Use(u) => {
                let mut prefix = Vec::new();
                c.use_facts(&u.tree, &mut prefix, u.leading_colon.is_some());
            }
            Item::Fn(f) => {
                if f.sig.ident == "main" && c.mod_depth == 0 {
                    c.out.has_main = true;
                    // Judged once per file (the first unix-only `main` is the one shown).
                    if c.out.unix_main.is_none()
                        && let Some((ex, by)) = c.exclusions.last()
                        && ex.is_unix_only()
                    {
                        c.out.unix_main = Some(*by);
                    }
                }
                c.check_fn_attrs(&f.attrs);
                visit::visit_item_fn(c, f);
            }
            other => visit::visit_item(c, other),
        });
    }

    fn visit_impl_item(&mut self, item: &'ast ImplItem) {
        let attrs: &[Attribute] = match item {
            ImplItem::Const(i) => &i.attrs,
            ImplItem::Fn(i) => &i.attrs,
            ImplItem::Type(i) => &i.attrs,
            ImplItem::Macro(i) => &i.attrs,
            _ => &[],
        };
        self.with_attrs(attrs, |c| {
            if let ImplItem::Fn(f) = item {
                c.check_fn_attrs(&f.attrs);
            }
            visit::visit_impl_item(c, item)
        });
    }

    fn visit_trait_item(&mut self, item: &'ast TraitItem) {
        let attrs: &[Attribute] = match item {
            TraitItem::Const(i) => &i.attrs,
            TraitItem::Fn(i) => &i.attrs,
            TraitItem::Type(i) => &i.attrs,
            TraitItem::Macro(i) => &i.attrs,
            _ => &[],
        };
        self.with_attrs(attrs, |c| visit::visit_trait_item(c, item));
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        let items = block.stmts.iter().filter_map(|s| match s {
            Stmt::Item(i) => Some(i),
            _ => None,
        });
        self.push_scope(items);
        visit::visit_block(self, block);
        self.scopes.pop();
    }

    fn visit_stmt(&mut self, stmt: &'ast Stmt) {
        let attrs: &[Attribute] = match stmt {
            Stmt::Local(l) => &l.attrs,
            Stmt::Macro(m) => &m.attrs,
            Stmt::Expr(e, _) => expr_attrs(e),
            Stmt::Item(_) => &[],
        };
        self.with_attrs(attrs, |c| visit::visit_stmt(c, stmt));
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        self.with_attrs(&arm.attrs, |c| visit::visit_arm(c, arm));
    }

    fn visit_field(&mut self, field: &'ast syn::Field) {
        self.with_attrs(&field.attrs, |c| visit::visit_field(c, field));
    }

    fn visit_expr_path(&mut self, e: &'ast syn::ExprPath) {
        if e.qself.is_none() {
            self.check_syn_path(&e.path, Site::Expr);
        }
        visit::visit_expr_path(self, e);
    }

    fn visit_type_path(&mut self, t: &'ast syn::TypePath) {
        if t.qself.is_none() {
            self.check_syn_path(&t.path, Site::Type);
        }
        visit::visit_type_path(self, t);
    }

    fn visit_expr_struct(&mut self, e: &'ast syn::ExprStruct) {
        self.check_syn_path(&e.path, Site::Expr);
        visit::visit_expr_struct(self, e);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let name = m.method.to_string();
        let span = self.span(m.method.span());
        if RAYON_METHODS.contains(&name.as_str()) {
            self.record(
                FactKind::Rayon,
                span,
                format!("rayon::{name}"),
                Site::Method,
                None,
            );
        }
        if WRITE_OPTIONS.contains(&name.as_str())
            && m.args.len() == 1
            && matches!(m.args.first(), Some(Expr::Lit(syn::ExprLit { lit: syn::Lit::Bool(b), .. })) if b.value)
        {
            let excl = self.exclusions.last().cloned();
            self.option_calls.push((span, name, excl));
        }
        visit::visit_expr_method_call(self, m);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.check_syn_path(&mac.path, Site::Macro);
        self.scan_tokens(&mac.tokens);
    }

    fn visit_attribute(&mut self, _attr: &'ast Attribute) {
        // Attributes are inspected where they matter (cfg, test, #[tokio::main], #[link]);
        // their tokens are not code.
    }
}
