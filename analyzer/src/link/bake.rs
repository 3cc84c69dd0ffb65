//! `docker buildx bake` files: `docker-bake.hcl` and `docker-bake.json` targets as build links.
//!
//! Only the subset that names images is read: `variable "X" { default = "..." }` and
//! `target "NAME" { context, dockerfile, tags, inherits }`; `${X}` in strings is replaced by the
//! variable's default. The HCL reader is a small hand-written tokenizer (no HCL dependency): it
//! never recurses, skips what it does not model (functions, heredocs, nested blocks) and stops at
//! [`MAX_TOKENS`], so a hostile file costs at most one linear pass.

use std::collections::HashMap;

use crate::build_config::{BuildLink, dir_of, join};
use crate::source::SourceFile;
use crate::span::Span;

/// Tokens read from one file at most (a real bake file has a few hundred).
const MAX_TOKENS: usize = 200_000;

/// One target as written (before `inherits` is applied).
#[derive(Clone, Debug, Default)]
struct Target {
    context: Option<String>,
    dockerfile: Option<String>,
    /// Each tag with the span of its string.
    tags: Vec<(String, Span)>,
    inherits: Vec<String>,
}

/// The build links of a bake file (HCL or JSON by its extension).
pub fn links(file: &SourceFile) -> Vec<BuildLink> {
    let (vars, targets) = if file.path.to_ascii_lowercase().ends_with(".json") {
        read_json(&file.text)
    } else {
        read_hcl(&file.text)
    };
    let base = dir_of(&file.path);
    let by_name: HashMap<&str, &Target> = targets.iter().map(|(n, t)| (n.as_str(), t)).collect();
    let mut out = Vec::new();
    for (name, _) in targets.iter() {
        let t = resolve(name, &by_name);
        let Some(ctx) = join(base, &expand(t.context.as_deref().unwrap_or("."), &vars)) else {
            continue;
        };
        // Bake resolves `dockerfile` against the context, as `docker build -f` in it would.
        let Some(df) = join(
            &ctx,
            &expand(t.dockerfile.as_deref().unwrap_or("Dockerfile"), &vars),
        ) else {
            continue;
        };
        for (tag, span) in &t.tags {
            out.push(BuildLink {
                image: expand(tag, &vars),
                dockerfile: df.clone(),
                context: ctx.clone(),
                file: file.id,
                span: *span,
                source: "docker-bake",
            });
        }
    }
    out
}

/// A target with what it inherits filled in (its own values win; at most 8 levels).
fn resolve(name: &str, targets: &HashMap<&str, &Target>) -> Target {
    let get = |n: &str| targets.get(n).copied();
    let Some(mut t) = get(name).cloned() else {
        return Target::default();
    };
    let mut pending = t.inherits.clone();
    let mut seen = vec![name.to_string()];
    let mut steps = 0;
    while let Some(parent) = pending.pop() {
        steps += 1;
        if steps > 8 {
            break;
        }
        if seen.contains(&parent) {
            continue;
        }
        seen.push(parent.clone());
        let Some(p) = get(&parent) else { continue };
        t.context = t.context.or_else(|| p.context.clone());
        t.dockerfile = t.dockerfile.or_else(|| p.dockerfile.clone());
        if t.tags.is_empty() {
            t.tags = p.tags.clone();
        }
        pending.extend(p.inherits.iter().cloned());
    }
    t
}

/// Replace `${NAME}` with the variable's default; unknown names stay as written.
fn expand(s: &str, vars: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find('}') {
            Some(j) if vars.contains_key(after[..j].trim()) => {
                out.push_str(&vars[after[..j].trim()]);
                rest = &after[j + 1..];
            }
            Some(j) => {
                out.push_str(&rest[i..i + 3 + j]);
                rest = &after[j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Punct(char),
}

/// HCL tokens with their spans: identifiers, quoted strings (escapes decoded), punctuation.
/// Comments and heredocs are skipped.
fn tokenize(text: &str) -> Vec<(Tok, Span)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() && out.len() < MAX_TOKENS {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'#' => i = skip_line(b, i),
            b'/' if b.get(i + 1) == Some(&b'/') => i = skip_line(b, i),
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(b.len(), |j| i + 2 + j + 2);
            }
            b'<' if b.get(i + 1) == Some(&b'<') => {
                // A heredoc: skip to the line holding only its marker.
                let line_end = skip_line(b, i);
                let marker = text[i + 2..line_end.min(b.len())]
                    .trim()
                    .trim_start_matches('-')
                    .to_string();
                let mut j = line_end;
                while j < b.len() {
                    let e = skip_line(b, j);
                    if text[j..e.min(b.len())].trim() == marker {
                        break;
                    }
                    j = e;
                }
                i = skip_line(b, j);
            }
            b'"' => {
                let start = i;
                let mut s = String::new();
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    if b[i] == b'\\' && i + 1 < b.len() {
                        s.push(match b[i + 1] {
                            b'n' => '\n',
                            b't' => '\t',
                            other => other as char,
                        });
                        i += 2;
                        continue;
                    }
                    // Multi-byte UTF-8 is copied whole.
                    let ch = text[i..].chars().next().unwrap_or('\u{fffd}');
                    s.push(ch);
                    i += ch.len_utf8();
                }
                i = (i + 1).min(b.len());
                out.push((Tok::Str(s), Span::new(start, i)));
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.' => {
                let start = i;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'-' | b'.'))
                {
                    i += 1;
                }
                out.push((Tok::Ident(text[start..i].to_string()), Span::new(start, i)));
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('?');
                out.push((Tok::Punct(ch), Span::new(i, i + ch.len_utf8())));
                i += ch.len_utf8();
            }
        }
    }
    out
}

fn skip_line(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |j| i + j + 1)
}

type Read = (HashMap<String, String>, Vec<(String, Target)>);

/// Top-level `variable` and `target` blocks of an HCL bake file.
fn read_hcl(text: &str) -> Read {
    let toks = tokenize(text);
    let mut vars = HashMap::new();
    let mut targets: Vec<(String, Target)> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        // `KIND "LABEL" {` at the top level.
        let (Tok::Ident(kind), Some((Tok::Str(label), _)), Some((Tok::Punct('{'), _))) =
            (&toks[i].0, toks.get(i + 1), toks.get(i + 2))
        else {
            i += 1;
            continue;
        };
        let body_start = i + 3;
        let body_end = matching_close(&toks, body_start);
        let body = &toks[body_start..body_end];
        match kind.as_str() {
            "variable" => {
                if let Some(Value::Str(v)) = attribute(body, "default") {
                    vars.insert(label.clone(), v);
                }
            }
            "target" => {
                let mut t = Target::default();
                if let Some(Value::Str(v)) = attribute(body, "context") {
                    t.context = Some(v);
                }
                if let Some(Value::Str(v)) = attribute(body, "dockerfile") {
                    t.dockerfile = Some(v);
                }
                if let Some(Value::List(l)) = attribute(body, "tags") {
                    t.tags = l;
                }
                if let Some(Value::List(l)) = attribute(body, "inherits") {
                    t.inherits = l.into_iter().map(|(s, _)| s).collect();
                }
                targets.push((label.clone(), t));
            }
            _ => {}
        }
        i = body_end + 1;
    }
    // Variables may refer to each other (`IMAGE = "${REGISTRY}/api"`): one more pass resolves
    // the common case.
    let snapshot = vars.clone();
    for v in vars.values_mut() {
        *v = expand(v, &snapshot);
    }
    (vars, targets)
}

/// Index of the `}` closing the block whose body starts at `start` (or the end).
fn matching_close(toks: &[(Tok, Span)], start: usize) -> usize {
    let mut depth = 1usize;
    for (j, (t, _)) in toks.iter().enumerate().skip(start) {
        match t {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    toks.len()
}

enum Value {
    Str(String),
    List(Vec<(String, Span)>),
}

/// `NAME = "x"` or `NAME = ["a", "b"]` at the top level of a block body.
fn attribute(body: &[(Tok, Span)], name: &str) -> Option<Value> {
    let mut depth = 0usize;
    for (j, (t, _)) in body.iter().enumerate() {
        match t {
            Tok::Punct('{') | Tok::Punct('[') | Tok::Punct('(') => depth += 1,
            Tok::Punct('}') | Tok::Punct(']') | Tok::Punct(')') => depth = depth.saturating_sub(1),
            Tok::Ident(n) if depth == 0 && n == name => {
                if body.get(j + 1).map(|t| &t.0) != Some(&Tok::Punct('=')) {
                    continue;
                }
                return match body.get(j + 2) {
                    Some((Tok::Str(s), _)) => Some(Value::Str(s.clone())),
                    Some((Tok::Punct('['), _)) => {
                        let mut items = Vec::new();
                        for (t, sp) in &body[j + 3..] {
                            match t {
                                Tok::Str(s) => items.push((s.clone(), *sp)),
                                Tok::Punct(']') => break,
                                _ => {}
                            }
                        }
                        Some(Value::List(items))
                    }
                    _ => None,
                };
            }
            _ => {}
        }
    }
    None
}

/// The JSON form: `{"variable": {"X": {"default": ".."}}, "target": {"NAME": {...}}}`. Spans
/// point at the first occurrence of each tag string in the text.
fn read_json(text: &str) -> Read {
    let mut vars = HashMap::new();
    let mut targets = Vec::new();
    let Ok(serde_json::Value::Object(root)) = serde_json::from_str::<serde_json::Value>(text)
    else {
        return (vars, targets);
    };
    if let Some(serde_json::Value::Object(vs)) = root.get("variable") {
        for (k, v) in vs {
            if let Some(d) = v.get("default").and_then(|d| d.as_str()) {
                vars.insert(k.clone(), d.to_string());
            }
        }
    }
    let at = |s: &str| {
        let quoted = format!("\"{s}\"");
        text.find(&quoted)
            .map_or(Span::new(0, 0), |i| Span::new(i, i + quoted.len()))
    };
    let strings = |v: Option<&serde_json::Value>| -> Vec<String> {
        v.and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    if let Some(serde_json::Value::Object(ts)) = root.get("target") {
        for (name, t) in ts {
            let s = |k: &str| t.get(k).and_then(|v| v.as_str()).map(str::to_string);
            targets.push((
                name.clone(),
                Target {
                    context: s("context"),
                    dockerfile: s("dockerfile"),
                    tags: strings(t.get("tags"))
                        .into_iter()
                        .map(|tag| {
                            let sp = at(&tag);
                            (tag, sp)
                        })
                        .collect(),
                    inherits: strings(t.get("inherits")),
                },
            ));
        }
    }
    (vars, targets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn hcl_targets_with_variables_and_inherits() {
        let text = r#"# bake
variable "REGISTRY" { default = "ghcr.io/acme" }
variable "TAG" {
  default = "1.0"
}
group "default" { targets = ["api", "worker"] }
target "_common" {
  context = "services"
  args = { GO_VERSION = "1.22" }
}
target "api" {
  inherits = ["_common"]
  dockerfile = "api/Dockerfile"
  tags = [
    "${REGISTRY}/api:${TAG}",
    "${REGISTRY}/api:latest",
  ]
}
/* target "gone" { tags = ["x"] } */
target "worker" {
  context = "./worker"
  tags = ["${REGISTRY}/worker:${UNKNOWN}"]
  dockerfile-inline = <<EOT
FROM scratch
EOT
}
"#;
        let f = SourceFile::new(FileId(0), "build/docker-bake.hcl", text);
        let l = links(&f);
        let got: Vec<(&str, &str, usize)> = l
            .iter()
            .map(|l| {
                (
                    l.image.as_str(),
                    l.dockerfile.as_str(),
                    f.region(l.span).line,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("ghcr.io/acme/api:1.0", "build/services/api/Dockerfile", 15),
                (
                    "ghcr.io/acme/api:latest",
                    "build/services/api/Dockerfile",
                    16
                ),
                (
                    "ghcr.io/acme/worker:${UNKNOWN}",
                    "build/worker/Dockerfile",
                    22
                ),
            ]
        );
    }

    #[test]
    fn json_targets() {
        let text = r#"{"variable": {"TAG": {"default": "2"}},
 "target": {"web": {"context": "web", "dockerfile": "Dockerfile.prod", "tags": ["acme/web:${TAG}"]}}}"#;
        let f = SourceFile::new(FileId(0), "docker-bake.json", text);
        let l = links(&f);
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].image, "acme/web:2");
        assert_eq!(l[0].dockerfile, "web/Dockerfile.prod");
        assert_eq!(f.region(l[0].span).line, 2);
    }

    #[test]
    fn hostile_input_is_bounded() {
        for text in [
            "target \"a\" {".repeat(10_000),
            "\"".repeat(1000),
            "<<".to_string(),
            "target \"a\" { tags = [".to_string(),
            "/*".to_string(),
            // Many targets inheriting each other: each resolves in at most 8 steps.
            (0..20_000)
                .map(|i| format!("target \"t{i}\" {{ inherits = [\"t{}\"] }}\n", i + 1))
                .collect(),
        ] {
            let f = SourceFile::new(FileId(0), "docker-bake.hcl", text.as_str());
            let _ = links(&f);
        }
    }
}
