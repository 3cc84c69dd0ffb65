//! A small JSON reader that keeps the byte span of every key and value, for `package.json` and
//! `package-lock.json` (serde_json drops positions, and a finding must name the line).
//!
//! Bounded on any input: nesting deeper than [`MAX_DEPTH`] and more than [`MAX_VALUES`] values
//! stop the file with an error (recursion is limited by the depth, so no input overflows the
//! stack), and the tree costs a small multiple of the text, which the scan already caps.

use crate::span::Span;

/// Deepest nesting accepted; a package-lock v1 nests one level per dependency depth, never 100.
pub const MAX_DEPTH: usize = 128;
/// Most values (of any kind) kept per file: a 4 MiB lockfile holds a few hundred thousand.
pub const MAX_VALUES: usize = 2_000_000;

/// A JSON value and the bytes it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Json {
    pub span: Span,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// Numbers are kept as written: nothing here computes with them.
    Number(String),
    Str(String),
    Array(Vec<Json>),
    /// Entries in file order, each with its key's span (duplicates are kept).
    Object(Vec<Entry>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Json,
}

/// Why a file is not JSON, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub offset: usize,
    pub message: String,
}

impl Json {
    /// The value of `key` in an object (the first, as JSON.parse keeps the last: package
    /// managers never write duplicates, so either is fine).
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Object(es) => es.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Object(es) => es,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }
}

/// Parse a whole JSON text (a leading UTF-8 byte-order mark is skipped).
pub fn parse(text: &str) -> Result<Json, JsonError> {
    let mut p = Parser {
        b: text.as_bytes(),
        text,
        i: if text.starts_with('\u{feff}') { 3 } else { 0 },
        values: 0,
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i < p.b.len() {
        return Err(p.err("text after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    b: &'a [u8],
    text: &'a str,
    i: usize,
    values: usize,
}

impl Parser<'_> {
    fn err(&self, message: &str) -> JsonError {
        JsonError {
            offset: self.i.min(self.b.len()),
            message: message.to_string(),
        }
    }

    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.values += 1;
        if self.values > MAX_VALUES {
            return Err(self.err("too many values"));
        }
        let start = self.i;
        let Some(&c) = self.b.get(self.i) else {
            return Err(self.err("unexpected end of the file"));
        };
        let value = match c {
            b'{' => {
                if depth >= MAX_DEPTH {
                    return Err(self.err("nested too deeply"));
                }
                self.i += 1;
                let mut entries = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        if self.b.get(self.i) != Some(&b'"') {
                            return Err(self.err("expected a quoted key"));
                        }
                        let ks = self.i;
                        let key = self.string()?;
                        let key_span = Span::new(ks, self.i);
                        self.ws();
                        if self.b.get(self.i) != Some(&b':') {
                            return Err(self.err("expected `:` after a key"));
                        }
                        self.i += 1;
                        self.ws();
                        let value = self.value(depth + 1)?;
                        entries.push(Entry {
                            key,
                            key_span,
                            value,
                        });
                        self.ws();
                        match self.b.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(self.err("expected `,` or `}`")),
                        }
                    }
                }
                Value::Object(entries)
            }
            b'[' => {
                if depth >= MAX_DEPTH {
                    return Err(self.err("nested too deeply"));
                }
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        items.push(self.value(depth + 1)?);
                        self.ws();
                        match self.b.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(self.err("expected `,` or `]`")),
                        }
                    }
                }
                Value::Array(items)
            }
            b'"' => Value::Str(self.string()?),
            b't' if self.b[self.i..].starts_with(b"true") => {
                self.i += 4;
                Value::Bool(true)
            }
            b'f' if self.b[self.i..].starts_with(b"false") => {
                self.i += 5;
                Value::Bool(false)
            }
            b'n' if self.b[self.i..].starts_with(b"null") => {
                self.i += 4;
                Value::Null
            }
            b'-' | b'0'..=b'9' => {
                while self.i < self.b.len()
                    && matches!(
                        self.b[self.i],
                        b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
                    )
                {
                    self.i += 1;
                }
                Value::Number(self.text.get(start..self.i).unwrap_or("").to_string())
            }
            _ => return Err(self.err("expected a value")),
        };
        Ok(Json {
            span: Span::new(start, self.i),
            value,
        })
    }

    /// A string at `self.i` (on its opening quote), unescaped.
    fn string(&mut self) -> Result<String, JsonError> {
        self.i += 1;
        let mut out = String::new();
        let mut run = self.i;
        loop {
            let Some(&c) = self.b.get(self.i) else {
                return Err(self.err("unterminated string"));
            };
            match c {
                b'"' => {
                    out.push_str(self.text.get(run..self.i).unwrap_or(""));
                    self.i += 1;
                    return Ok(out);
                }
                b'\\' => {
                    out.push_str(self.text.get(run..self.i).unwrap_or(""));
                    let esc = self.b.get(self.i + 1).copied();
                    self.i += 2;
                    match esc {
                        Some(b'n') => out.push('\n'),
                        Some(b't') => out.push('\t'),
                        Some(b'r') => out.push('\r'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'u') => {
                            let hex = self.text.get(self.i..self.i + 4).unwrap_or("");
                            let ch = u32::from_str_radix(hex, 16)
                                .ok()
                                .and_then(char::from_u32)
                                .unwrap_or('\u{fffd}');
                            out.push(ch);
                            self.i = (self.i + 4).min(self.b.len());
                        }
                        Some(c @ (b'"' | b'\\' | b'/')) => out.push(c as char),
                        _ => return Err(self.err("invalid escape in a string")),
                    }
                    run = self.i;
                }
                b'\n' => return Err(self.err("newline in a string")),
                _ => self.i += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_of_keys_and_values() {
        let t = "{\n  \"name\": \"api\",\n  \"deps\": {\"bcrypt\": \"^5\"},\n  \"n\": [1, true, null]\n}\n";
        let j = parse(t).unwrap();
        assert_eq!(j.get("name").unwrap().as_str(), Some("api"));
        let e = j.get("deps").unwrap().entry("bcrypt").unwrap();
        assert_eq!(&t[e.key_span.start..e.key_span.end], "\"bcrypt\"");
        assert_eq!(&t[e.value.span.start..e.value.span.end], "\"^5\"");
        assert!(matches!(&j.get("n").unwrap().value, Value::Array(a) if a.len() == 3));
    }

    #[test]
    fn escapes_and_unicode() {
        let j = parse(r#"{"a\"b": "\u00e9\n", "é": "x"}"#).unwrap();
        assert_eq!(j.entries()[0].key, "a\"b");
        assert_eq!(j.entries()[0].value.as_str(), Some("é\n"));
        assert_eq!(j.get("é").unwrap().as_str(), Some("x"));
    }

    #[test]
    fn hostile_input_is_an_error_not_a_panic() {
        for t in [
            "",
            "{",
            "{\"a\"",
            "{\"a\":",
            "[1,",
            "\"\\u12",
            "\"\\",
            "{\"a\" 1}",
            "tru",
            "{} x",
            "<<<<<<< HEAD\n{}",
        ] {
            assert!(parse(t).is_err(), "{t}");
        }
        let deep = "[".repeat(100_000);
        assert_eq!(parse(&deep).unwrap_err().message, "nested too deeply");
    }
}
