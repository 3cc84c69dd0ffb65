//! Repo-relative path arithmetic and the glob matching of `[workspace] members`.

/// Join a repo-relative directory and a relative path written in a manifest, resolving `.` and
/// `..`. `None` when the result would leave the repository (or the path is absolute).
pub fn join(dir: &str, rel: &str) -> Option<String> {
    let rel = rel.replace('\\', "/");
    if rel.starts_with('/') || rel.get(1..3) == Some(":/") {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The parent directory of a repo-relative path (`""` for a top-level entry).
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => path.get(..i).unwrap_or_default(),
        None => "",
    }
}

/// True when `path` is `dir` or inside it.
pub fn is_within(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path == dir
        || (path.starts_with(dir) && path.as_bytes().get(dir.len()) == Some(&b'/'))
}

/// Match a repo-relative path against a glob as cargo's `members` use them: `*`, `?` and `[...]`
/// within one segment, `**` across segments.
pub fn glob_match(pattern: &str, path: &str) -> bool {
    let pat: Vec<&str> = pattern
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if pat.len() > 64 || segs.len() > 64 {
        return false;
    }
    // dp[i][j]: pat[i..] matches segs[j..]; filled from the end, so `**` costs no backtracking
    // and any pattern is matched in O(pattern * path^2).
    let (np, ns) = (pat.len(), segs.len());
    let mut dp = vec![vec![false; ns + 1]; np + 1];
    if let Some(last) = dp.get_mut(np).and_then(|row| row.get_mut(ns)) {
        *last = true;
    }
    for i in (0..np).rev() {
        for j in (0..=ns).rev() {
            let v = match pat.get(i) {
                Some(&"**") => (j..=ns).any(|k| dp[i + 1][k]),
                Some(p) => {
                    j < ns && match_segment(p.as_bytes(), segs[j].as_bytes()) && dp[i + 1][j + 1]
                }
                None => false,
            };
            dp[i][j] = v;
        }
    }
    dp[0][0]
}

/// Segment matching with `*`, `?` and `[abc]` / `[!abc]` / `[a-z]`, iterative with a single
/// backtrack point, so it is linear-ish and cannot blow the stack.
fn match_segment(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, si));
                pi += 1;
                continue;
            }
            Some(b'?') => {
                pi += 1;
                si += 1;
                continue;
            }
            Some(b'[') => {
                if let Some((matched, next)) = class(p, pi, s.get(si).copied().unwrap_or(0))
                    && matched
                {
                    pi = next;
                    si += 1;
                    continue;
                }
            }
            Some(&c) if Some(&c) == s.get(si) => {
                pi += 1;
                si += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, ss)) => {
                pi = sp + 1;
                si = ss + 1;
                star = Some((sp, ss + 1));
            }
            None => return false,
        }
    }
    while p.get(pi) == Some(&b'*') {
        pi += 1;
    }
    pi == p.len()
}

/// Match one character against the class starting at `p[start] == '['`; returns whether it
/// matched and the index after the class.
fn class(p: &[u8], start: usize, c: u8) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = matches!(p.get(i), Some(b'!') | Some(b'^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let &b = p.get(i)?;
        if b == b']' && !first {
            break;
        }
        first = false;
        if p.get(i + 1) == Some(&b'-') && p.get(i + 2).is_some_and(|e| *e != b']') {
            let &e = p.get(i + 2)?;
            if b <= c && c <= e {
                matched = true;
            }
            i += 3;
        } else {
            if b == c {
                matched = true;
            }
            i += 1;
        }
    }
    Some((matched != negate, i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_relative_paths_inside_the_repo() {
        assert_eq!(join("svc/app", "../lib").as_deref(), Some("svc/lib"));
        assert_eq!(join("", "./crates/a/").as_deref(), Some("crates/a"));
        assert_eq!(join("a", "..").as_deref(), Some(""));
        assert_eq!(join("", "../outside"), None);
        assert_eq!(join("a", "/etc"), None);
        assert_eq!(join("a", "C:/x"), None);
    }

    #[test]
    fn within_and_parent() {
        assert!(is_within("crates/a/src/x.rs", "crates/a"));
        assert!(!is_within("crates/ab/x.rs", "crates/a"));
        assert!(is_within("anything", ""));
        assert_eq!(parent("a/b/Cargo.toml"), "a/b");
        assert_eq!(parent("Cargo.toml"), "");
    }

    #[test]
    fn member_globs() {
        assert!(glob_match("crates/*", "crates/api"));
        assert!(!glob_match("crates/*", "crates/api/nested"));
        assert!(glob_match("crates/**", "crates/api/nested"));
        assert!(glob_match("**/svc-*", "a/b/svc-x"));
        assert!(glob_match("svc-?", "svc-1"));
        assert!(!glob_match("svc-?", "svc-10"));
        assert!(glob_match("tools/[ab]*", "tools/bench"));
        assert!(!glob_match("tools/[!ab]*", "tools/bench"));
        assert!(glob_match("v[0-9]", "v7"));
        assert!(glob_match("./app", "app"));
        assert!(glob_match("*a*b*c", "xxaxxbxxc"));
        assert!(!glob_match("*a*b*c", "xxaxxbxx"));
        assert!(!glob_match("[unclosed", "u"));
        let hostile = "**/".repeat(60) + "x";
        assert!(!glob_match(&hostile, "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/y"));
    }
}
