//! Physical lines to instructions: parser directives, comments, continuation lines and heredocs.
//!
//! Follows BuildKit's frontend: directives are read only until the first line that is not one;
//! a line ending in the escape character (optionally followed by blanks) continues on the next
//! line; comment lines and blank lines inside a continued instruction are skipped; heredoc
//! bodies of RUN/COPY/ADD follow the instruction's last line. Every line is visited once.

use super::text::Mapped;
use crate::span::Span;

/// A parser directive (`# syntax=...`, `# escape=...`, `# check=...`) at the top of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Lower-case name.
    pub name: String,
    pub value: String,
    /// The whole directive line.
    pub span: Span,
    pub value_span: Span,
}

/// A comment line; `text` is what follows the `#`, trimmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

/// A heredoc attached to a RUN, COPY or ADD instruction (`<<EOF` ... `EOF`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    pub delimiter: String,
    /// `<<-EOF`: leading tabs are removed from body lines and the terminator.
    pub strip_tabs: bool,
    /// `<<"EOF"` / `<<'EOF'`: the body is taken literally, without variable expansion.
    pub quoted: bool,
    /// The `<<EOF` marker on the instruction line.
    pub marker_span: Span,
    /// The body (tabs stripped for `<<-`), each line ending in `\n`.
    pub body: String,
    /// From the first body line to the end of the last one.
    pub body_span: Span,
    /// False when the file ended before the terminator line.
    pub terminated: bool,
    pub(crate) mapped: Mapped,
}

/// An instruction as lines give it, before its arguments are read.
#[derive(Clone, Debug)]
pub(crate) struct RawInstruction {
    /// Upper-case.
    pub keyword: String,
    pub keyword_span: Span,
    /// The arguments after the keyword, continuation lines joined, trailing blanks removed.
    pub args: Mapped,
    pub span: Span,
    pub heredocs: Vec<Heredoc>,
}

#[derive(Debug)]
pub(crate) struct Lexed {
    pub directives: Vec<Directive>,
    pub escape: char,
    pub comments: Vec<Comment>,
    pub instructions: Vec<RawInstruction>,
}

#[derive(Clone, Copy)]
struct Line<'a> {
    start: usize,
    /// Without its `\n` and a trailing `\r`.
    text: &'a str,
}

impl Line<'_> {
    fn end(&self) -> usize {
        self.start + self.text.len()
    }
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split_inclusive('\n') {
        let body = piece.strip_suffix('\n').unwrap_or(piece);
        let body = body.strip_suffix('\r').unwrap_or(body);
        out.push(Line { start, text: body });
        start += piece.len();
    }
    out
}

const KNOWN_DIRECTIVES: &[&str] = &["syntax", "escape", "check"];

/// `#\s*name\s*=\s*value` with a known name.
fn directive(line: Line<'_>) -> Option<Directive> {
    let rest = line.text.strip_prefix('#')?;
    let name_at = rest.len() - rest.trim_start().len();
    let after = rest.get(name_at..)?;
    let name_len = after
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(after.len());
    let name = after.get(..name_len)?;
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let after_name = after.get(name_len..)?.trim_start();
    let value_part = after_name.strip_prefix('=')?;
    let value = value_part.trim();
    if value.is_empty() {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    if !KNOWN_DIRECTIVES.contains(&lower.as_str()) {
        return None;
    }
    let value_start = line.start + line.text.len() - value_part.len()
        + (value_part.len() - value_part.trim_start().len());
    Some(Directive {
        name: lower,
        value: value.to_string(),
        span: Span::new(line.start, line.end()),
        value_span: Span::new(value_start, value_start + value.len()),
    })
}

/// Where the continuation escape starts, if the line ends with one (trailing blanks allowed).
fn continuation(text: &str, escape: char) -> Option<usize> {
    let trimmed = text.trim_end_matches([' ', '\t']);
    trimmed.strip_suffix(escape).map(str::len)
}

pub(crate) fn lex(text: &str) -> Lexed {
    let lines = lines(text);
    let mut directives: Vec<Directive> = Vec::new();
    let mut escape = '\\';
    let mut i = 0;
    while let Some(&line) = lines.get(i) {
        let Some(d) = directive(line) else { break };
        if directives.iter().any(|x| x.name == d.name) {
            break;
        }
        if d.name == "escape" {
            match d.value.as_str() {
                "`" => escape = '`',
                "\\" => escape = '\\',
                _ => {}
            }
        }
        directives.push(d);
        i += 1;
    }

    let mut comments = Vec::new();
    let mut instructions = Vec::new();
    while let Some(&line) = lines.get(i) {
        i += 1;
        let trimmed = line.text.trim_start();
        let lead = line.text.len() - trimmed.len();
        if trimmed.is_empty() {
            continue;
        }
        if let Some(c) = trimmed.strip_prefix('#') {
            comments.push(Comment {
                text: c.trim().to_string(),
                span: Span::new(line.start + lead, line.end()),
            });
            continue;
        }
        let start = line.start + lead;
        let mut logical = Mapped::empty_at(start);
        let mut end: usize;
        let mut piece = (trimmed, start);
        loop {
            let (t, at) = piece;
            match continuation(t, escape) {
                None => {
                    logical.push_original(t, at);
                    end = at + t.len();
                    break;
                }
                Some(cut) => {
                    logical.push_original(t.get(..cut).unwrap_or(""), at);
                    end = at + t.len();
                }
            }
            // The next line that is neither blank nor a comment continues the instruction.
            let mut next = None;
            while let Some(&l) = lines.get(i) {
                i += 1;
                let tt = l.text.trim_start();
                if tt.is_empty() {
                    continue;
                }
                if let Some(c) = tt.strip_prefix('#') {
                    let lead = l.text.len() - tt.len();
                    comments.push(Comment {
                        text: c.trim().to_string(),
                        span: Span::new(l.start + lead, l.end()),
                    });
                    continue;
                }
                next = Some((l.text, l.start));
                break;
            }
            match next {
                Some(p) => piece = p,
                None => break,
            }
        }

        let text = logical.as_str();
        let kw_len = text.find(char::is_whitespace).unwrap_or(text.len());
        let keyword = text.get(..kw_len).unwrap_or("").to_ascii_uppercase();
        let keyword_span = logical.span(0, kw_len);
        let rest = text.get(kw_len..).unwrap_or("");
        let args_at = kw_len + (rest.len() - rest.trim_start().len());
        let args = logical.sub(args_at, logical.len()).trim_end();
        let args = if args.len() == 0 {
            Mapped::empty_at(logical.span(0, logical.len()).end)
        } else {
            args
        };

        let mut heredocs = Vec::new();
        if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") {
            for m in heredoc_markers(&args) {
                let mut body = Mapped::empty_at(lines.get(i).map_or(text_end(&lines), |l| l.start));
                let mut terminated = false;
                let body_start = body.full_span().start;
                let mut body_end = body_start;
                while let Some(&l) = lines.get(i) {
                    i += 1;
                    let stripped = if m.strip_tabs {
                        l.text.trim_start_matches('\t')
                    } else {
                        l.text
                    };
                    if stripped == m.delimiter {
                        terminated = true;
                        end = l.end();
                        break;
                    }
                    let at = l.start + (l.text.len() - stripped.len());
                    body.push_original(stripped, at);
                    body.push_original("\n", l.end());
                    body_end = l.end();
                    end = l.end();
                }
                heredocs.push(Heredoc {
                    delimiter: m.delimiter,
                    strip_tabs: m.strip_tabs,
                    quoted: m.quoted,
                    marker_span: args.span(m.start, m.end),
                    body: body.as_str().to_string(),
                    body_span: Span::new(body_start, body_end.max(body_start)),
                    terminated,
                    mapped: body,
                });
            }
        }
        instructions.push(RawInstruction {
            keyword,
            keyword_span,
            args,
            span: Span::new(start, end.max(start)),
            heredocs,
        });
    }
    Lexed {
        directives,
        escape,
        comments,
        instructions,
    }
}

fn text_end(lines: &[Line<'_>]) -> usize {
    lines.last().map_or(0, |l| l.end())
}

pub(crate) struct Marker {
    /// Text range of `<<EOF` in the instruction's arguments.
    pub start: usize,
    pub end: usize,
    pub delimiter: String,
    pub strip_tabs: bool,
    pub quoted: bool,
}

/// Heredoc markers (`<<EOF`, `<<-EOF`, `<<"EOF"`) outside quotes, in order. `<<<` is a here-string.
pub(crate) fn heredoc_markers(args: &Mapped) -> Vec<Marker> {
    let bytes = args.as_str().as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while let Some(&b) = bytes.get(i) {
        if let Some(q) = quote {
            if b == b'\\' && q == b'"' {
                i += 2;
                continue;
            }
            if b == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        match b {
            b'\'' | b'"' => quote = Some(b),
            b'\\' => i += 1,
            b'<' if bytes.get(i + 1) == Some(&b'<')
                && bytes.get(i + 2) != Some(&b'<')
                && (i == 0 || bytes.get(i - 1) != Some(&b'<')) =>
            {
                let start = i;
                let mut j = i + 2;
                let strip_tabs = bytes.get(j) == Some(&b'-');
                if strip_tabs {
                    j += 1;
                }
                while matches!(bytes.get(j), Some(b' ') | Some(b'\t')) {
                    j += 1;
                }
                let (delimiter, quoted, end) = match bytes.get(j) {
                    Some(&q @ (b'\'' | b'"')) => {
                        let open = j + 1;
                        let mut k = open;
                        while bytes.get(k).is_some_and(|&c| c != q) {
                            k += 1;
                        }
                        (
                            args.as_str().get(open..k).unwrap_or("").to_string(),
                            true,
                            (k + 1).min(bytes.len()),
                        )
                    }
                    _ => {
                        let mut k = j;
                        while bytes
                            .get(k)
                            .is_some_and(|&c| !c.is_ascii_whitespace() && !b";&|<>()".contains(&c))
                        {
                            k += 1;
                        }
                        (args.as_str().get(j..k).unwrap_or("").to_string(), false, k)
                    }
                };
                if !delimiter.is_empty() {
                    out.push(Marker {
                        start,
                        end,
                        delimiter,
                        strip_tabs,
                        quoted,
                    });
                }
                i = end.max(i + 2);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn directives_stop_at_the_first_other_line() {
        let text = "# syntax=docker/dockerfile:1.7\n#escape = `\n# check=skip=all\n\n# escape=\\\nFROM x\n";
        let lx = lex(text);
        let names: Vec<&str> = lx.directives.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["syntax", "escape", "check"]);
        assert_eq!(lx.escape, '`');
        assert_eq!(
            at(text, lx.directives[0].value_span),
            "docker/dockerfile:1.7"
        );
        assert_eq!(at(text, lx.directives[1].value_span), "`");
        // The escape directive after the blank line is an ordinary comment.
        assert_eq!(lx.comments.len(), 1);
        assert_eq!(lx.comments[0].text, "escape=\\");
    }

    #[test]
    fn unknown_directive_ends_directives() {
        let lx = lex("# foo=bar\n# escape=`\nFROM x\n");
        assert!(lx.directives.is_empty());
        assert_eq!(lx.escape, '\\');
    }

    #[test]
    fn continuation_skips_comment_and_blank_lines() {
        let text = "FROM x\nRUN apt-get update \\\n  # why we need libpq\n\n  && apt-get install -y libpq5  \\  \n     curl\nCMD [\"a\"]\n";
        let lx = lex(text);
        assert_eq!(lx.instructions.len(), 3);
        let run = &lx.instructions[1];
        assert_eq!(run.keyword, "RUN");
        assert_eq!(
            run.args.as_str(),
            "apt-get update   && apt-get install -y libpq5       curl"
        );
        assert_eq!(
            at(text, run.span),
            "RUN apt-get update \\\n  # why we need libpq\n\n  && apt-get install -y libpq5  \\  \n     curl"
        );
        let p = run.args.as_str().find("curl").unwrap();
        assert_eq!(at(text, run.args.span(p, p + 4)), "curl");
        assert_eq!(lx.comments[0].text, "why we need libpq");
    }

    #[test]
    fn backtick_escape_continues_lines() {
        let text = "# escape=`\nFROM x\nRUN a `\n  b \\\nCOPY c:\\ d\n";
        let lx = lex(text);
        assert_eq!(lx.instructions[1].args.as_str(), "a   b \\");
        assert_eq!(lx.instructions[2].keyword, "COPY");
    }

    #[test]
    fn heredocs_follow_the_instruction() {
        let text = "FROM x\nRUN <<EOF bash -e <<-'TWO'\napt-get install -y libpq5\nEOF\n\tuseradd app\n\tTWO\nCOPY <<conf /etc/app.conf\nport=1\nconf\nUSER app\n";
        let lx = lex(text);
        let kws: Vec<&str> = lx.instructions.iter().map(|r| r.keyword.as_str()).collect();
        assert_eq!(kws, ["FROM", "RUN", "COPY", "USER"]);
        let run = &lx.instructions[1];
        assert_eq!(run.heredocs.len(), 2);
        assert_eq!(run.heredocs[0].delimiter, "EOF");
        assert_eq!(run.heredocs[0].body, "apt-get install -y libpq5\n");
        assert_eq!(
            at(text, run.heredocs[0].body_span),
            "apt-get install -y libpq5"
        );
        assert_eq!(at(text, run.heredocs[0].marker_span), "<<EOF");
        assert!(run.heredocs[1].strip_tabs && run.heredocs[1].quoted);
        assert_eq!(run.heredocs[1].body, "useradd app\n");
        assert_eq!(at(text, run.heredocs[1].marker_span), "<<-'TWO'");
        assert!(at(text, run.span).ends_with("\tTWO"));
        let copy = &lx.instructions[2];
        assert_eq!(copy.heredocs[0].body, "port=1\n");
        assert!(copy.heredocs[0].terminated);
    }

    #[test]
    fn unterminated_heredoc_runs_to_the_end() {
        let text = "FROM x\nRUN <<EOF\necho hi\n";
        let lx = lex(text);
        let h = &lx.instructions[1].heredocs[0];
        assert!(!h.terminated);
        assert_eq!(h.body, "echo hi\n");
    }

    #[test]
    fn quoted_and_triple_angles_are_not_heredocs() {
        let args = Mapped::original("grep x <<< \"$a\" && echo '<<EOF' \"<<B\"", 0);
        assert!(heredoc_markers(&args).is_empty());
    }

    #[test]
    fn crlf_lines_and_trailing_escape_at_eof() {
        let text = "FROM x\r\nRUN a \\\r\n  b\r\nRUN c \\";
        let lx = lex(text);
        assert_eq!(lx.instructions[1].args.as_str(), "a   b");
        assert_eq!(lx.instructions[2].args.as_str(), "c");
    }
}
