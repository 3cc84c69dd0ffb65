//! Python project files an image copies in: `pyproject.toml` dependencies (PEP 621
//! `[project] dependencies`, Poetry's `[tool.poetry.dependencies]`) and the packages a
//! `poetry.lock` or `uv.lock` pins, with whether the lock offers only platform-specific wheels
//! (compiled code) for each. Read as text with spans, never executed.

use crate::dockerfile::Requirement;
use crate::span::Span;

/// A package a lockfile pins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockedPackage {
    /// Normalised as pip does.
    pub name: String,
    /// The `name = "..."` value in the lockfile.
    pub span: Span,
    /// The lock lists wheels for it and none is pure (`py3-none-any` / `py2.py3-none-any`).
    pub only_platform_wheels: bool,
}

pub(super) fn normalise(name: &str) -> String {
    name.to_ascii_lowercase().replace(['_', '.'], "-")
}

/// The name at the start of a PEP 508 string (`"fastapi[all]>=0.110"` -> `fastapi`).
pub(super) fn pep508_name(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(s.len());
    &s[..end]
}

/// Dependencies of a `pyproject.toml`, each at its name in the file.
pub fn pyproject_dependencies(text: &str) -> Vec<Requirement> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut in_array = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let t = line.split('#').next().unwrap_or("").trim();
        if t.starts_with('[') && !in_array {
            section = t.trim_matches(['[', ']']).trim().to_string();
            continue;
        }
        if section == "project" {
            if !in_array && t.starts_with("dependencies") && t.contains('[') {
                in_array = true;
            }
            if in_array {
                // Every quoted string on the line is one requirement.
                let mut rest = line;
                let mut base = start;
                while let Some(q) = rest.find(['"', '\'']) {
                    let quote = rest.as_bytes()[q] as char;
                    let Some(len) = rest[q + 1..].find(quote) else {
                        break;
                    };
                    let value = &rest[q + 1..q + 1 + len];
                    let name = pep508_name(value.trim_start());
                    if !name.is_empty() {
                        let at = base + q + 1 + (value.len() - value.trim_start().len());
                        out.push(Requirement {
                            name: normalise(name),
                            span: Span::new(at, at + name.len()),
                        });
                    }
                    base += q + 2 + len;
                    rest = &rest[q + 2 + len..];
                }
                // The array ends at a `]` outside quotes (`"fastapi[all]"` has one inside).
                let outside: String = t.split(['"', '\'']).step_by(2).collect::<Vec<_>>().concat();
                if outside.contains(']') {
                    in_array = false;
                }
            }
        } else if section == "tool.poetry.dependencies" {
            out.extend(dependency_key(line, start));
        }
    }
    out
}

/// The package a `name = ...` line of a TOML dependency table names (Poetry's
/// `[tool.poetry.dependencies]`, a Pipfile's `[packages]`), at its key; `python` is the
/// interpreter, not a package.
pub(super) fn dependency_key(line: &str, start: usize) -> Option<Requirement> {
    let t = line.split('#').next().unwrap_or("").trim();
    let (key, _) = t.split_once('=')?;
    let key = key.trim().trim_matches(['"', '\'']);
    // A name, not a continuation line of a multi-line array (`{version = "<2", ...}`).
    if key.is_empty() || key == "python" || pep508_name(key) != key {
        return None;
    }
    let lead = line.len() - line.trim_start().len();
    let at = start + lead + line.trim_start().find(key).unwrap_or(0);
    Some(Requirement {
        name: normalise(key),
        span: Span::new(at, at + key.len()),
    })
}

/// Packages of a `poetry.lock`, `uv.lock` or `pdm.lock` (`[[package]]` tables with
/// `name = "..."`), and whether their wheels are all platform-specific. A package whose
/// `groups = [...]` (Poetry 2, PDM) names neither `main` nor `default` is a development tool,
/// not shipped, and left out. At most 100,000 packages.
pub fn lock_packages(text: &str) -> Vec<LockedPackage> {
    let mut out: Vec<LockedPackage> = Vec::new();
    let mut state = Package::default();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let t = line.trim();
        if t == "[[package]]" {
            state.finish(&mut out);
            state = Package {
                expect_name: out.len() < 100_000,
                ..Package::default()
            };
            continue;
        }
        // `[package.dependencies]`, `[package.extras]`: keys there are not the package's own.
        if t.starts_with('[') {
            state.in_subtable = true;
        }
        if state.expect_name
            && !state.in_subtable
            && let Some(name) = t
                .strip_prefix("name = \"")
                .and_then(|v| v.strip_suffix('"'))
        {
            state.expect_name = false;
            let at = start + line.find('"').map_or(0, |q| q + 1);
            state.package = Some(LockedPackage {
                name: normalise(name),
                span: Span::new(at, at + name.len()),
                only_platform_wheels: false,
            });
            continue;
        }
        if !state.in_subtable
            && let Some(list) = t.strip_prefix("groups = [")
        {
            state.shipped = Some(
                list.split(['"', '\'', ',', ']', ' '])
                    .any(|g| g == "main" || g == "default"),
            );
        }
        for (i, _) in t.match_indices(".whl") {
            state.wheels += 1;
            if t[..i].ends_with("-none-any") {
                state.pure = true;
            }
        }
    }
    state.finish(&mut out);
    out
}

/// What has been read of the `[[package]]` table being read.
#[derive(Default)]
struct Package {
    package: Option<LockedPackage>,
    expect_name: bool,
    in_subtable: bool,
    wheels: usize,
    pure: bool,
    /// `groups = [...]` names a group that is installed (`None`: no groups line).
    shipped: Option<bool>,
}

impl Package {
    fn finish(&mut self, out: &mut Vec<LockedPackage>) {
        if let Some(mut p) = self.package.take()
            && self.shipped != Some(false)
        {
            p.only_platform_wheels = self.wheels > 0 && !self.pure;
            out.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep621_and_poetry_dependencies_with_spans() {
        let text = "[project]\nname = \"svc\"\ndependencies = [\n  \"fastapi[all]>=0.110\",\n  \"psycopg2-binary==2.9\",  # db\n]\n\n[tool.poetry.dependencies]\npython = \"^3.12\"\nNumPy = [\n  {version = \"<2\", python = \"<3.9\"},\n]\n";
        let deps = pyproject_dependencies(text);
        let names: Vec<_> = deps.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["fastapi", "psycopg2-binary", "numpy"]);
        assert_eq!(
            &text[deps[1].span.start..deps[1].span.end],
            "psycopg2-binary"
        );
        assert_eq!(&text[deps[2].span.start..deps[2].span.end], "NumPy");
    }

    #[test]
    fn lock_packages_know_platform_only_wheels() {
        let uv = "[[package]]\nname = \"orjson\"\nwheels = [\n  { url = \"https://x/orjson-3.10-cp312-cp312-manylinux_2_17_x86_64.whl\" },\n]\n\n[[package]]\nname = \"anyio\"\ndependencies = [\n  { name = \"idna\" },\n]\nwheels = [\n  { url = \"https://x/anyio-4.4-py3-none-any.whl\" },\n]\n[[package]]\nname = \"svc\"\nsource = { editable = \".\" }\n";
        let p = lock_packages(uv);
        let got: Vec<_> = p
            .iter()
            .map(|p| (p.name.as_str(), p.only_platform_wheels))
            .collect();
        assert_eq!(got, [("orjson", true), ("anyio", false), ("svc", false)]);
        assert_eq!(&uv[p[0].span.start..p[0].span.end], "orjson");
    }

    #[test]
    fn pdm_lock_files_and_development_groups() {
        let pdm = "[metadata]\ngroups = [\"default\", \"dev\"]\n\n[[package]]\nname = \"ruff\"\ngroups = [\"dev\"]\nfiles = [\n    {file = \"ruff-0.5.0-py3-none-manylinux_2_17_x86_64.whl\", hash = \"sha256:1\"},\n]\n\n[[package]]\nname = \"ujson\"\ngroups = [\"default\"]\nfiles = [\n    {file = \"ujson-5.10.0-cp312-cp312-manylinux_2_17_x86_64.whl\", hash = \"sha256:2\"},\n    {file = \"ujson-5.10.0.tar.gz\", hash = \"sha256:3\"},\n]\n\n[[package]]\nname = \"anyio\"\ngroups = [\"default\", \"dev\"]\nfiles = [\n    {file = \"anyio-4.4.0-py3-none-any.whl\", hash = \"sha256:4\"},\n]\n";
        let got: Vec<_> = lock_packages(pdm)
            .into_iter()
            .map(|p| (p.name, p.only_platform_wheels))
            .collect();
        assert_eq!(
            got,
            [("ujson".to_string(), true), ("anyio".to_string(), false)]
        );
        // Poetry 2: `groups` of the package itself, not of its dependencies table.
        let poetry = "[[package]]\nname = \"black\"\ngroups = [\"dev\"]\n\n[[package]]\nname = \"lxml\"\ngroups = [\"main\"]\n\n[package.dependencies]\ngroups = \"1\"\n";
        let got: Vec<_> = lock_packages(poetry).into_iter().map(|p| p.name).collect();
        assert_eq!(got, ["lxml"]);
    }
}
