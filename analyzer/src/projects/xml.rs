//! A small bounded XML reader for build files (`pom.xml`, `*.csproj`, `Directory.Packages.props`):
//! elements with their attributes and text, each with its byte span. It is not a conforming XML
//! parser on purpose: a `<!DOCTYPE ...>` is skipped (no DTD, no entity is ever expanded or
//! fetched), entities other than the five predefined ones are left as written, and nesting is
//! capped. A document it cannot follow yields the elements read so far and a diagnostic.

use crate::span::Span;

/// Deepest element nesting followed; a real pom.xml is about 6 deep.
pub const MAX_DEPTH: usize = 64;
/// Most elements kept from one file: a large pom.xml has a few thousand.
pub const MAX_ELEMENTS: usize = 100_000;

/// One element: its name (without namespace prefix), parent, attributes and direct text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub parent: Option<usize>,
    pub depth: usize,
    pub attrs: Vec<Attr>,
    /// The trimmed text directly inside it, and its span (empty when none).
    pub text: String,
    pub text_span: Span,
    /// The start tag.
    pub span: Span,
}

/// `name="value"`: the value's span is inside the quotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attr {
    pub name: String,
    pub value: String,
    pub span: Span,
}

/// A read document: its elements in document order and what went wrong, if anything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    pub elements: Vec<Element>,
    pub error: Option<(String, usize)>,
}

impl Document {
    /// The child of `parent` named `name`.
    pub fn child(&self, parent: usize, name: &str) -> Option<&Element> {
        self.elements
            .iter()
            .skip(parent + 1)
            .take_while(|e| e.depth > self.elements[parent].depth)
            .find(|e| e.parent == Some(parent) && e.name == name)
    }

    /// The names of `i`'s ancestors, innermost first.
    pub fn ancestors(&self, i: usize) -> impl Iterator<Item = &str> {
        let mut next = self.elements[i].parent;
        std::iter::from_fn(move || {
            let p = next?;
            next = self.elements[p].parent;
            Some(self.elements[p].name.as_str())
        })
    }
}

/// Read `text`.
pub fn parse(text: &str) -> Document {
    let b = text.as_bytes();
    let mut doc = Document::default();
    let mut stack: Vec<usize> = Vec::new();
    let mut i = 0;
    let fail = |doc: &mut Document, msg: &str, at: usize| {
        doc.error.get_or_insert((msg.to_string(), at));
    };
    while i < b.len() {
        if b[i] != b'<' {
            let end = memchr(b, b'<', i).unwrap_or(b.len());
            if let Some(&top) = stack.last() {
                let raw = &text[i..end];
                let trimmed = raw.trim();
                if !trimmed.is_empty() && doc.elements[top].text.is_empty() {
                    let lead = raw.len() - raw.trim_start().len();
                    doc.elements[top].text = unescape(trimmed);
                    doc.elements[top].text_span = Span::new(i + lead, i + lead + trimmed.len());
                }
            }
            i = end;
            continue;
        }
        let rest = &text[i..];
        if rest.starts_with("<!--") {
            match rest.find("-->") {
                Some(e) => i += e + 3,
                None => {
                    fail(&mut doc, "unterminated comment", i);
                    break;
                }
            }
        } else if rest.starts_with("<![CDATA[") {
            match rest.find("]]>") {
                Some(e) => i += e + 3,
                None => {
                    fail(&mut doc, "unterminated CDATA section", i);
                    break;
                }
            }
        } else if rest.starts_with("<?") {
            match rest.find("?>") {
                Some(e) => i += e + 2,
                None => {
                    fail(&mut doc, "unterminated processing instruction", i);
                    break;
                }
            }
        } else if rest.starts_with("<!") {
            // A DOCTYPE (with an internal subset in brackets) is skipped unread: its entities
            // are never defined, so they are never expanded.
            match skip_declaration(b, i) {
                Some(e) => i = e,
                None => {
                    fail(&mut doc, "unterminated declaration", i);
                    break;
                }
            }
        } else if rest.starts_with("</") {
            let Some(e) = memchr(b, b'>', i) else {
                fail(&mut doc, "unterminated end tag", i);
                break;
            };
            let name = local(text[i + 2..e].trim());
            // Close up to the matching element; a stray end tag is an error, not a panic.
            match stack.iter().rposition(|&s| doc.elements[s].name == name) {
                Some(p) => {
                    if p + 1 != stack.len() {
                        fail(&mut doc, "mismatched end tag", i);
                    }
                    stack.truncate(p);
                }
                None => fail(&mut doc, "end tag without a start tag", i),
            }
            i = e + 1;
        } else {
            let Some((el, end, closed)) = start_tag(text, i) else {
                fail(&mut doc, "unterminated start tag", i);
                break;
            };
            if stack.len() >= MAX_DEPTH {
                fail(&mut doc, "elements nested too deep", i);
                break;
            }
            if doc.elements.len() >= MAX_ELEMENTS {
                fail(&mut doc, "too many elements", i);
                break;
            }
            let mut el = el;
            el.parent = stack.last().copied();
            el.depth = stack.len();
            doc.elements.push(el);
            if !closed {
                stack.push(doc.elements.len() - 1);
            }
            i = end;
        }
    }
    if doc.error.is_none()
        && let Some(&open) = stack.last()
    {
        let at = doc.elements[open].span.start;
        fail(&mut doc, "element not closed", at);
    }
    doc
}

/// `<name a="v" ...>` at `i`: the element, the offset after `>`, and whether it is self-closed.
fn start_tag(text: &str, i: usize) -> Option<(Element, usize, bool)> {
    let b = text.as_bytes();
    let mut j = i + 1;
    while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' && b[j] != b'/' {
        j += 1;
    }
    let name = local(&text[i + 1..j]).to_string();
    if name.is_empty() {
        return None;
    }
    let mut attrs = Vec::new();
    loop {
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        match b.get(j)? {
            b'>' => {
                let el = element(name, attrs, Span::new(i, j + 1));
                return Some((el, j + 1, false));
            }
            b'/' => {
                if b.get(j + 1) != Some(&b'>') {
                    return None;
                }
                let el = element(name, attrs, Span::new(i, j + 2));
                return Some((el, j + 2, true));
            }
            _ => {}
        }
        let n0 = j;
        while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'=' && b[j] != b'>' {
            j += 1;
        }
        let aname = local(&text[n0..j]).to_string();
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if b.get(j) != Some(&b'=') {
            // An attribute without a value is not XML; skip the word.
            if j == n0 {
                j += 1;
            }
            continue;
        }
        j += 1;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        let q = *b.get(j)?;
        if q != b'"' && q != b'\'' {
            return None;
        }
        let close = memchr(b, q, j + 1)?;
        attrs.push(Attr {
            name: aname,
            value: unescape(&text[j + 1..close]),
            span: Span::new(j + 1, close),
        });
        j = close + 1;
    }
}

fn element(name: String, attrs: Vec<Attr>, span: Span) -> Element {
    Element {
        name,
        parent: None,
        depth: 0,
        attrs,
        text: String::new(),
        text_span: Span::new(span.end, span.end),
        span,
    }
}

/// Past `<!...>`, counting `[`...`]` of a DOCTYPE's internal subset.
fn skip_declaration(b: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    for (k, &c) in b.iter().enumerate().skip(i + 2) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(c),
            (None, b'[') => depth += 1,
            (None, b']') => depth = depth.saturating_sub(1),
            (None, b'>') if depth == 0 => return Some(k + 1),
            _ => {}
        }
    }
    None
}

fn memchr(b: &[u8], c: u8, from: usize) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|&x| x == c)
        .map(|p| p + from)
}

/// The name without its namespace prefix (`maven:dependency` -> `dependency`).
fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// The five predefined entities and numeric references; anything else is kept as written.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let Some(semi) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let ent = &rest[1..semi];
        let ch = match ent {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ if ent.starts_with("#x") => u32::from_str_radix(&ent[2..], 16)
                .ok()
                .and_then(char::from_u32),
            _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_attributes_and_text_with_spans() {
        let t = "<?xml version=\"1.0\"?>\n<!-- c --><project xmlns=\"x\"><a k='v &amp; w'> hi </a><b/></project>";
        let d = parse(t);
        assert!(d.error.is_none(), "{:?}", d.error);
        let names: Vec<&str> = d.elements.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["project", "a", "b"]);
        let a = &d.elements[1];
        assert_eq!(a.parent, Some(0));
        assert_eq!(a.text, "hi");
        assert_eq!(&t[a.text_span.start..a.text_span.end], "hi");
        assert_eq!(a.attrs[0].value, "v & w");
        assert_eq!(d.child(0, "b").unwrap().name, "b");
    }

    #[test]
    fn doctype_entities_are_never_expanded() {
        let t = "<!DOCTYPE p [<!ENTITY x SYSTEM \"http://example.com/x\"><!ENTITY y \"&x;&x;\">]><p>&y;</p>";
        let d = parse(t);
        assert!(d.error.is_none());
        assert_eq!(d.elements[0].text, "&y;");
    }

    #[test]
    fn broken_and_deep_documents_are_diagnosed_not_panicking() {
        for t in [
            "<a><b>",
            "<a",
            "</a>",
            "<a x=\"1></a>",
            "<!-- x",
            "<a><b></a>",
            "<",
            "<>",
        ] {
            assert!(parse(t).error.is_some(), "{t}");
        }
        let deep = "<a>".repeat(100_000);
        let d = parse(&deep);
        assert_eq!(d.elements.len(), MAX_DEPTH);
        assert!(d.error.unwrap().0.contains("deep"));
    }
}
