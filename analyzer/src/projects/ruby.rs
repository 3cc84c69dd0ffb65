//! Ruby: `Gemfile` (`gem "name"` lines) and `Gemfile.lock` (the `specs:` of its `GEM` section:
//! every gem Bundler resolved, direct and transitive). Line-based and bounded; a lockfile
//! without a `GEM` section is a diagnostic.

use crate::source::FileId;
use crate::span::Span;

use super::FileFacts;
use super::text::{lines, quoted};

/// Read one Ruby file.
pub fn read(file: FileId, name: &str, text: &str) -> FileFacts {
    if name == "Gemfile.lock" {
        lock(file, text)
    } else {
        gemfile(file, text)
    }
}

/// `gem "rails", "~> 7.1"` lines (groups `:test` / `:development` are kept: the Gemfile does not
/// say which groups the image installs; the lockfile's gems are what it can install).
pub fn gemfile(file: FileId, text: &str) -> FileFacts {
    let mut out = FileFacts::default();
    for (offset, line) in lines(text) {
        let code = line.split('#').next().unwrap_or("");
        let trimmed = code.trim_start();
        let Some(rest) = trimmed.strip_prefix("gem") else {
            continue;
        };
        if !rest.starts_with([' ', '(']) {
            continue;
        }
        let at = code.len() - rest.trim_start_matches([' ', '(']).len();
        if let Some((name, span)) = quoted(code, at, offset) {
            out.dep(name, None, file, span, false);
        }
    }
    out
}

/// The `GEM` section's `specs:`: four-space lines `name (version)`; six-space lines are their
/// dependencies and are listed again on their own.
pub fn lock(file: FileId, text: &str) -> FileFacts {
    let mut out = FileFacts::default();
    let mut section = "";
    let mut in_specs = false;
    let mut saw_gem = false;
    for (offset, line) in lines(text) {
        if !line.starts_with(' ') {
            section = line.trim();
            in_specs = false;
            saw_gem |= section == "GEM";
            continue;
        }
        if line.trim() == "specs:" {
            in_specs = true;
            continue;
        }
        if !in_specs || !matches!(section, "GEM" | "GIT" | "PATH") {
            continue;
        }
        let is_spec = line.starts_with("    ") && !line.starts_with("     ");
        if !is_spec {
            continue;
        }
        let body = &line[4..];
        let name_end = body.find([' ', '(']).unwrap_or(body.len());
        let name = &body[..name_end];
        let version = body[name_end..]
            .trim()
            .strip_prefix('(')
            .and_then(|v| v.strip_suffix(')'));
        // `nokogiri (1.16.0-x86_64-linux)`: a platform gem, precompiled for that platform.
        let start = offset + 4;
        out.dep(
            name,
            version,
            file,
            Span::new(start, start + name.len()),
            true,
        );
    }
    if !saw_gem && out.dependencies.is_empty() {
        out.problem = Some((
            "Gemfile.lock: no `GEM` section with `specs:`".into(),
            Span::default(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemfile_and_lock() {
        let g = gemfile(
            FileId(0),
            "source 'https://rubygems.org'\ngem \"rails\", \"~> 7.1\"\n  gem 'pg'\n# gem 'x'\n",
        );
        let names: Vec<&str> = g.dependencies.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["rails", "pg"]);
        let t = "GEM\n  remote: https://rubygems.org/\n  specs:\n    nokogiri (1.16.0)\n      racc (~> 1.4)\n    racc (1.7.3)\n\nPLATFORMS\n  ruby\n";
        let l = lock(FileId(0), t);
        let names: Vec<&str> = l.dependencies.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["nokogiri", "racc"]);
        let d = &l.dependencies[0];
        assert_eq!(&t[d.span.start..d.span.end], "nokogiri");
        assert_eq!(d.version.as_deref(), Some("1.16.0"));
        assert!(lock(FileId(0), "garbage\n\0\n").problem.is_some());
    }
}
