//! PHP: `composer.json` (`require`: packages, `php` and `ext-*` extensions) and `composer.lock`
//! (every installed package and the `ext-*` each requires). JSON, parsed whole; a file that does
//! not parse is a diagnostic.

use crate::source::FileId;
use crate::span::Span;

use super::FileFacts;
use super::dotnet::key_span;

/// Read one Composer file.
pub fn read(file: FileId, name: &str, text: &str) -> FileFacts {
    let mut out = FileFacts::default();
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            out.problem = Some((format!("{name}: {e}"), Span::default()));
            return out;
        }
    };
    if name == "composer.lock" {
        for pkg in value
            .get("packages")
            .and_then(|p| p.as_array())
            .into_iter()
            .flatten()
        {
            let Some(n) = pkg.get("name").and_then(|n| n.as_str()) else {
                continue;
            };
            let version = pkg.get("version").and_then(|v| v.as_str());
            let span = value_span(text, n).unwrap_or_default();
            out.dep(n, version, file, span, true);
            for ext in requires(pkg).filter(|k| k.starts_with("ext-")) {
                let span = key_span(text, ext).unwrap_or_default();
                out.dep(ext, None, file, span, true);
            }
        }
    } else {
        for name in requires(&value) {
            let version = value
                .pointer(&format!(
                    "/require/{}",
                    name.replace('~', "~0").replace('/', "~1")
                ))
                .and_then(|v| v.as_str());
            let span = key_span(text, name).unwrap_or_default();
            out.dep(name, version, file, span, false);
        }
    }
    out
}

/// The keys of `require` (not `require-dev`: it is not installed with `--no-dev`).
fn requires(v: &serde_json::Value) -> impl Iterator<Item = &str> {
    v.get("require")
        .and_then(|r| r.as_object())
        .into_iter()
        .flat_map(|o| o.keys().map(String::as_str))
}

/// The span of the first `"name": "<value>"` string value.
fn value_span(text: &str, value: &str) -> Option<Span> {
    let needle = format!("\"{value}\"");
    let mut from = 0;
    while let Some(p) = text.get(from..)?.find(&needle) {
        let at = from + p;
        let before = text[..at].trim_end();
        if before.ends_with(':') && before[..before.len() - 1].trim_end().ends_with("\"name\"") {
            return Some(Span::new(at + 1, at + 1 + value.len()));
        }
        from = at + needle.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composer_json_and_lock() {
        let t = "{\n  \"require\": {\n    \"php\": \"^8.2\",\n    \"ext-gd\": \"*\",\n    \"laravel/framework\": \"^11.0\"\n  },\n  \"require-dev\": {\"phpunit/phpunit\": \"^10\"}\n}";
        let f = read(FileId(0), "composer.json", t);
        let mut names: Vec<&str> = f.dependencies.iter().map(|d| d.name.as_str()).collect();
        names.sort();
        assert_eq!(names, ["ext-gd", "laravel/framework", "php"]);
        let d = f.dependencies.iter().find(|d| d.name == "ext-gd").unwrap();
        assert_eq!(&t[d.span.start..d.span.end], "ext-gd");
        let l = "{\"packages\": [{\"name\": \"predis/predis\", \"version\": \"v2\", \"require\": {\"ext-redis\": \"*\"}}]}";
        let f = read(FileId(0), "composer.lock", l);
        let names: Vec<&str> = f.dependencies.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["predis/predis", "ext-redis"]);
        assert!(read(FileId(0), "composer.json", "{").problem.is_some());
    }
}
