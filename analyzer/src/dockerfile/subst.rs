//! Variable substitution as the Dockerfile frontend applies it to FROM, EXPOSE and friends:
//! `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`.

/// Nesting of `${A:-${B:-...}}` followed; deeper text is kept literally and marked incomplete.
const MAX_DEPTH: usize = 8;

/// The expanded text, and whether every variable it used had a value (or a default).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Expansion {
    pub value: String,
    pub complete: bool,
}

/// Expand `s` with `lookup` (which returns `None` for an unset variable). An unset variable
/// without a default expands to nothing, as in Docker, and makes the result incomplete.
/// Output longer than `limit` bytes (`ENV A=$A$A` doubling, say) is abandoned: the result is
/// then `s` itself, marked incomplete.
pub(crate) fn expand<'v>(
    s: &str,
    escape: char,
    lookup: &dyn Fn(&str) -> Option<&'v str>,
    limit: usize,
) -> Expansion {
    let mut value = String::new();
    match expand_into(s, escape, lookup, 0, &mut value, limit) {
        Ok(complete) => Expansion { value, complete },
        Err(TooLong) => Expansion {
            value: s.to_string(),
            complete: false,
        },
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Append a variable's value unless that would pass `limit` (checked first, so a huge value is
/// never copied just to be thrown away).
fn push_value(out: &mut String, v: &str, limit: usize) -> Result<(), TooLong> {
    if out.len() + v.len() > limit {
        return Err(TooLong);
    }
    out.push_str(v);
    Ok(())
}

/// The expansion passed its byte limit.
struct TooLong;

fn expand_into<'v>(
    s: &str,
    escape: char,
    lookup: &dyn Fn(&str) -> Option<&'v str>,
    depth: usize,
    out: &mut String,
    limit: usize,
) -> Result<bool, TooLong> {
    if depth > MAX_DEPTH {
        push_value(out, s, limit)?;
        return Ok(false);
    }
    let mut complete = true;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if out.len() > limit {
            return Err(TooLong);
        }
        if c == escape && it.peek().map(|p| p.1) == Some('$') {
            it.next();
            out.push('$');
            continue;
        }
        if c != '$' {
            out.push(c);
            continue;
        }
        match it.peek().map(|p| p.1) {
            Some('{') => {
                it.next();
                // Find the matching `}`; nested `${...}` may appear in the default word.
                let body_start = i + 2;
                let mut level = 1usize;
                let mut body_end = None;
                for (j, d) in it.by_ref() {
                    if d == '{' {
                        level += 1;
                    } else if d == '}' {
                        level -= 1;
                        if level == 0 {
                            body_end = Some(j);
                            break;
                        }
                    }
                }
                let Some(body_end) = body_end else {
                    push_value(out, s.get(i..).unwrap_or(""), limit)?;
                    return Ok(false);
                };
                let body = s.get(body_start..body_end).unwrap_or("");
                let name_len = body.find(|c: char| !is_name_char(c)).unwrap_or(body.len());
                let name = body.get(..name_len).unwrap_or("");
                let rest = body.get(name_len..).unwrap_or("");
                let val = lookup(name);
                let set = val.is_some();
                let nonempty = val.is_some_and(|v| !v.is_empty());
                let (op, word) = if let Some(w) = rest.strip_prefix(":-") {
                    (":-", w)
                } else if let Some(w) = rest.strip_prefix(":+") {
                    (":+", w)
                } else if let Some(w) = rest.strip_prefix('-') {
                    ("-", w)
                } else if let Some(w) = rest.strip_prefix('+') {
                    ("+", w)
                } else {
                    (rest, "")
                };
                match op {
                    ":-" | "-" => {
                        let use_value = if op == ":-" { nonempty } else { set };
                        if use_value {
                            push_value(out, val.unwrap_or(""), limit)?;
                        } else {
                            complete &= expand_into(word, escape, lookup, depth + 1, out, limit)?;
                        }
                    }
                    ":+" | "+" => {
                        let use_word = if op == ":+" { nonempty } else { set };
                        if use_word {
                            complete &= expand_into(word, escape, lookup, depth + 1, out, limit)?;
                        }
                    }
                    _ => {
                        // `${VAR}`; pattern forms (`${VAR#x}`, `${VAR:?msg}`) take the value as is.
                        complete &= set && (op.is_empty() || !name.is_empty());
                        push_value(out, val.unwrap_or(""), limit)?;
                    }
                }
            }
            Some(d) if d.is_ascii_alphabetic() || d == '_' => {
                let start = i + 1;
                let mut end = start;
                while let Some(&(j, d)) = it.peek() {
                    if !is_name_char(d) {
                        break;
                    }
                    end = j + d.len_utf8();
                    it.next();
                }
                let name = s.get(start..end).unwrap_or("");
                match lookup(name) {
                    Some(v) => push_value(out, v, limit)?,
                    None => complete = false,
                }
            }
            _ => out.push('$'),
        }
    }
    Ok(complete)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<&'static str> {
        match name {
            "BASE" => Some("debian"),
            "TAG" => Some("12-slim"),
            "EMPTY" => Some(""),
            _ => None,
        }
    }

    fn x(s: &str) -> (String, bool) {
        let e = expand(s, '\\', &env, 1000);
        (e.value, e.complete)
    }

    #[test]
    fn expands_the_docker_forms() {
        assert_eq!(x("$BASE:${TAG}"), ("debian:12-slim".into(), true));
        assert_eq!(x("${NOPE:-alpine}:${TAG}"), ("alpine:12-slim".into(), true));
        assert_eq!(x("${EMPTY:-a}${EMPTY-b}"), ("a".into(), true));
        assert_eq!(x("${TAG:+x}${NOPE:+y}${EMPTY+z}"), ("xz".into(), true));
        assert_eq!(x("${NOPE:-${BASE}}"), ("debian".into(), true));
        assert_eq!(x("img:$NOPE"), ("img:".into(), false));
        assert_eq!(x("\\$BASE $5 a$"), ("$BASE $5 a$".into(), true));
        assert_eq!(x("${BASE"), ("${BASE".into(), false));
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let s = format!("{}x{}", "${A:-".repeat(5000), "}".repeat(5000));
        let e = expand(&s, '\\', &env, 1 << 20);
        assert!(!e.complete);
    }

    #[test]
    fn output_over_the_limit_is_abandoned() {
        let e = expand("$BASE$BASE$BASE", '\\', &env, 10);
        assert_eq!((e.value.as_str(), e.complete), ("$BASE$BASE$BASE", false));
    }
}
