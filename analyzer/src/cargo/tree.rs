//! Thin, span-keeping accessors over `toml`'s `DeTable` tree, shared by the manifest and lock
//! readers so both report exact byte spans and never panic on unexpected shapes.

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use crate::span::Span;

pub(crate) type Key<'i> = Spanned<DeString<'i>>;
pub(crate) type Val<'i> = Spanned<DeValue<'i>>;

pub(crate) fn span<T>(s: &Spanned<T>) -> Span {
    let r = s.span();
    Span::new(r.start, r.end)
}

/// The entry for `key`, trying each spelling (`default-features` / `default_features`).
pub(crate) fn entry<'a, 'i>(
    t: &'a DeTable<'i>,
    keys: &[&str],
) -> Option<(&'a Key<'i>, &'a Val<'i>)> {
    keys.iter()
        .find_map(|want| t.iter().find(|(k, _)| k.get_ref().as_ref() == *want))
}

pub(crate) fn get<'a, 'i>(t: &'a DeTable<'i>, key: &str) -> Option<&'a Val<'i>> {
    entry(t, &[key]).map(|(_, v)| v)
}

pub(crate) fn table<'a, 'i>(t: &'a DeTable<'i>, key: &str) -> Option<&'a DeTable<'i>> {
    get(t, key).and_then(|v| v.get_ref().as_table())
}

pub(crate) fn str_of<'a>(v: &'a Val<'_>) -> Option<&'a str> {
    v.get_ref().as_str()
}

pub(crate) fn string(t: &DeTable<'_>, key: &str) -> Option<(String, Span)> {
    let v = get(t, key)?;
    str_of(v).map(|s| (s.to_string(), span(v)))
}

pub(crate) fn bool_of(t: &DeTable<'_>, keys: &[&str]) -> Option<bool> {
    entry(t, keys).and_then(|(_, v)| v.get_ref().as_bool())
}

/// The strings of an array value (non-strings are skipped), each with its span.
pub(crate) fn strings(v: &Val<'_>) -> Vec<(String, Span)> {
    match v.get_ref() {
        DeValue::Array(a) => a
            .iter()
            .filter_map(|e| e.get_ref().as_str().map(|s| (s.to_string(), span(e))))
            .collect(),
        _ => Vec::new(),
    }
}

pub(crate) use crate::error::toml_error_parts as error_parts;
