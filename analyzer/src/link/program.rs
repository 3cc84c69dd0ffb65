//! Images built without a Dockerfile: Jib (Maven and Gradle), Spring Boot `build-image`,
//! Cloud Native Buildpacks (`pack build`, `project.toml`) and `ko://` Go programs.
//!
//! Each becomes a [`ProgramBuild`]: the image, the build file that makes it and the program's
//! directory. Build files are read as text (never run); Maven `${property}` values are resolved
//! from the pom's own `<properties>` and `artifactId`, nothing else.

use std::collections::HashMap;

use crate::build_config::{dir_of, join, skaffold_artifacts};
use crate::source::{FileId, SourceFile};
use crate::span::Span;
use crate::yaml::YamlStream;

/// What makes the image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builder {
    /// Jib (`jib-maven-plugin`, the `jib { to { image } }` Gradle block).
    Jib,
    /// Spring Boot's `build-image` / `bootBuildImage` (buildpacks under the hood).
    SpringBoot,
    /// `pack build` of a directory (with or without a `project.toml`).
    Buildpacks,
    /// `ko://IMPORTPATH`: ko builds the Go `main` package at that import path.
    Ko,
}

impl Builder {
    pub fn as_str(self) -> &'static str {
        match self {
            Builder::Jib => "jib",
            Builder::SpringBoot => "spring-boot",
            Builder::Buildpacks => "buildpacks",
            Builder::Ko => "ko",
        }
    }

    /// The language the builder implies: Jib and Spring Boot build JVM programs, ko Go ones;
    /// buildpacks detect any.
    pub fn language(self) -> Option<&'static str> {
        match self {
            Builder::Jib | Builder::SpringBoot => Some("jvm"),
            Builder::Ko => Some("go"),
            Builder::Buildpacks => None,
        }
    }

    /// The language of a program this builder makes from `build_file` (a repo-relative path):
    /// the builder's own, else, for buildpacks, the one the build file detects.
    pub fn language_of(self, build_file: &str) -> Option<&'static str> {
        self.language().or_else(|| {
            let name = build_file.rsplit('/').next().unwrap_or(build_file);
            BUILDPACK_FILES
                .iter()
                .find(|(f, _)| *f == name)
                .and_then(|(_, l)| *l)
        })
    }
}

/// The files a buildpacks build detects its language by, in the order the Paketo and Google
/// builders try their language buildpacks (JVM, Go, Python, Node.js, Ruby, PHP; Rust has a
/// community buildpack), with the language each says. `project.toml` only configures the build:
/// it is the build file when the directory has none of the others.
/// Sources: https://paketo.io/docs/howto/ and https://cloud.google.com/docs/buildpacks/builders
pub const BUILDPACK_FILES: &[(&str, Option<&str>)] = &[
    ("pom.xml", Some("jvm")),
    ("build.gradle", Some("jvm")),
    ("build.gradle.kts", Some("jvm")),
    ("go.mod", Some("go")),
    ("requirements.txt", Some("python")),
    ("pyproject.toml", Some("python")),
    ("Pipfile", Some("python")),
    ("setup.py", Some("python")),
    ("package.json", Some("node")),
    ("Gemfile", Some("ruby")),
    ("composer.json", Some("php")),
    ("Cargo.toml", Some("rust")),
    ("project.toml", None),
];

/// "Image `image` is built by `builder` from the program in `dir`, described by `build_file`",
/// said at `file`/`span`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramBuild {
    pub image: String,
    pub builder: Builder,
    /// Repo-relative path of the build file (pom.xml, build.gradle, project.toml, go.mod).
    pub build_file: String,
    /// Repo-relative directory of the program.
    pub dir: String,
    pub file: FileId,
    pub span: Span,
}

/// Jib and Spring Boot images of a `pom.xml`.
pub fn pom(file: &SourceFile) -> Vec<ProgramBuild> {
    let text = &file.text;
    let props = maven_properties(text);
    let mut out = Vec::new();
    for (plugin, builder, tags) in [
        ("jib-maven-plugin", Builder::Jib, &["to", "image"][..]),
        (
            "spring-boot-maven-plugin",
            Builder::SpringBoot,
            &["imageName"][..],
        ),
        (
            "spring-boot-maven-plugin",
            Builder::SpringBoot,
            &["image", "name"][..],
        ),
    ] {
        let Some(at) = text.find(plugin) else {
            continue;
        };
        let end = text[at..].find("</plugin>").map_or(text.len(), |e| at + e);
        let region = &text[at..end];
        let Some((value, start)) = nested_element(region, tags) else {
            continue;
        };
        let image = expand_maven(value.trim(), &props);
        if image.is_empty() || out.iter().any(|p: &ProgramBuild| p.image == image) {
            continue;
        }
        out.push(ProgramBuild {
            image,
            builder,
            build_file: file.path.clone(),
            dir: dir_of(&file.path).to_string(),
            file: file.id,
            span: Span::new(at + start, at + start + value.len()),
        });
    }
    out
}

/// The text of `<a><b>TEXT</b></a>` (each nested in the previous) and its offset in `region`.
fn nested_element<'t>(region: &'t str, path: &[&str]) -> Option<(&'t str, usize)> {
    let mut from = 0;
    let mut limit = region.len();
    for (k, tag) in path.iter().enumerate() {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        let s = region[from..limit].find(&open)? + from + open.len();
        let e = region[s..limit].find(&close)? + s;
        if k + 1 == path.len() {
            return Some((&region[s..e], s));
        }
        from = s;
        limit = e;
    }
    None
}

/// `<properties>` entries, `project.artifactId`, `project.version` and `project.groupId` (the
/// project's own, not its parent's).
fn maven_properties(text: &str) -> HashMap<String, String> {
    let mut props = HashMap::new();
    // The parent's coordinates come first in most poms: cut them out before reading the project's.
    let own = match (text.find("<parent>"), text.find("</parent>")) {
        (Some(s), Some(e)) if s < e => format!("{}{}", &text[..s], &text[e..]),
        _ => text.to_string(),
    };
    for key in ["artifactId", "version", "groupId"] {
        if let Some((v, _)) = nested_element(&own, &[key]) {
            props.insert(format!("project.{key}"), v.trim().to_string());
        }
    }
    if let Some((body, _)) = nested_element(text, &["properties"]) {
        let mut rest = body;
        while let Some(i) = rest.find('<') {
            let after = &rest[i + 1..];
            let Some(gt) = after.find('>') else { break };
            let name = &after[..gt];
            if name.starts_with(['/', '!', '?']) || name.contains(' ') || name.ends_with('/') {
                rest = &after[gt + 1..];
                continue;
            }
            let close = format!("</{name}>");
            // An element that is never closed ends the reading: looking on for each of many
            // unclosed tags would scan the rest of the file once per tag.
            let Some(e) = after[gt + 1..].find(&close) else {
                break;
            };
            props
                .entry(name.to_string())
                .or_insert_with(|| after[gt + 1..gt + 1 + e].trim().to_string());
            rest = &after[gt + 1 + e + close.len()..];
        }
    }
    props
}

/// `${name}` from the pom's properties (two levels; unknown names stay as written).
fn expand_maven(s: &str, props: &HashMap<String, String>) -> String {
    let mut v = s.to_string();
    for _ in 0..2 {
        if !v.contains("${") {
            break;
        }
        let mut out = String::new();
        let mut rest = v.as_str();
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            match after.find('}') {
                Some(j) => {
                    match props.get(&after[..j]) {
                        Some(p) if p.len() < 1024 => out.push_str(p),
                        _ => out.push_str(&rest[i..i + 3 + j]),
                    }
                    rest = &after[j + 1..];
                }
                None => {
                    out.push_str(&rest[i..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        v = out;
    }
    v
}

/// Jib (`jib { to { image = ".." } }`, `jib.to.image = ".."`) and Spring Boot
/// (`bootBuildImage { imageName = ".." }`) images of a `build.gradle(.kts)`.
pub fn gradle(file: &SourceFile) -> Vec<ProgramBuild> {
    let text = &file.text;
    let mut out = Vec::new();
    let mut push = |builder, found: Option<(String, usize, usize)>| {
        if let Some((image, s, e)) = found
            && !image.is_empty()
            && !image.contains('$')
        {
            out.push(ProgramBuild {
                image,
                builder,
                build_file: file.path.clone(),
                dir: dir_of(&file.path).to_string(),
                file: file.id,
                span: Span::new(s, e),
            });
        }
    };
    let jib = block(text, "jib")
        .and_then(|(s, e)| block(&text[s..e], "to").map(|(a, b)| (s + a, s + b)))
        .and_then(|(s, e)| assigned_string(text, s, e, "image"))
        .or_else(|| assigned_string(text, 0, text.len(), "jib.to.image"));
    push(Builder::Jib, jib);
    let boot = block(text, "bootBuildImage")
        .or_else(|| block(text, "tasks.named<BootBuildImage>(\"bootBuildImage\")"))
        .and_then(|(s, e)| assigned_string(text, s, e, "imageName"));
    push(Builder::SpringBoot, boot);
    out
}

/// The body (start, end offsets) of the first `NAME {` block, braces balanced.
fn block(text: &str, name: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(i) = text[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        // A whole word: `jib {` but not `myjib {` or `jibVersion`.
        let before_ok = at == 0
            || !text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
        let rest = text[from..].trim_start();
        if !before_ok || !rest.starts_with('{') {
            continue;
        }
        let open = text.len() - rest.len();
        let mut depth = 0usize;
        for (j, c) in text[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some((open + 1, open + j));
                    }
                }
                _ => {}
            }
        }
        return Some((open + 1, text.len()));
    }
    None
}

/// `KEY = "value"`, `KEY = 'value'`, `KEY.set("value")` or `KEY "value"` within `[s, e)`.
fn assigned_string(text: &str, s: usize, e: usize, key: &str) -> Option<(String, usize, usize)> {
    let region = &text[s..e];
    let mut from = 0;
    while let Some(i) = region[from..].find(key) {
        let at = from + i;
        from = at + key.len();
        let rest = region[from..].trim_start_matches([' ', '\t', '=', '(']);
        let rest = rest.strip_prefix(".set(").unwrap_or(rest);
        let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let body = &rest[1..];
        // The value ends on its line: an unclosed quote must not make each occurrence scan on.
        let line = &body[..body.find('\n').unwrap_or(body.len())];
        let Some(end) = line.find(q) else { continue };
        let value_start = s + (region.len() - body.len());
        return Some((body[..end].to_string(), value_start, value_start + end));
    }
    None
}

/// `pack build NAME [--path DIR]` commands in a Makefile or workflow; `dir` is where the command
/// runs. The build file is the first of [`BUILDPACK_FILES`] the directory holds (`has_file`).
pub fn pack_builds(
    file: &SourceFile,
    region: Span,
    dir: &str,
    has_file: &dyn Fn(&str) -> bool,
) -> Vec<ProgramBuild> {
    let text = file.slice(region);
    let mut out = Vec::new();
    let mut offset = region.start;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let words: Vec<&str> = line
            .split_whitespace()
            .map(|w| w.trim_matches(['"', '\'']))
            .collect();
        let Some(p) = words.windows(2).position(|w| w == ["pack", "build"]) else {
            continue;
        };
        let mut image = None;
        let mut path = ".";
        let mut i = p + 2;
        while i < words.len() {
            match words[i] {
                "--path" | "-p" => {
                    path = words.get(i + 1).copied().unwrap_or(".");
                    i += 2;
                    continue;
                }
                w if w.starts_with("--path=") => path = &w[7..],
                "&&" | ";" | "|" | "\\" => break,
                // Flags with a separate value (`--builder x`, `-B x`); `--env=K=V` has it inline.
                w if w.starts_with('-') && !w.contains('=') => i += 1,
                w if w.starts_with('-') => {}
                w if image.is_none() => image = Some(w.to_string()),
                _ => {}
            }
            i += 1;
        }
        let (Some(image), Some(pdir)) = (image, join(dir, path)) else {
            continue;
        };
        if image.contains('$') {
            continue;
        }
        let in_dir = |name: &str| {
            if pdir.is_empty() {
                name.to_string()
            } else {
                format!("{pdir}/{name}")
            }
        };
        let Some(build_file) = BUILDPACK_FILES
            .iter()
            .map(|(n, _)| in_dir(n))
            .find(|p| has_file(p))
        else {
            continue;
        };
        let lead = line.len() - line.trim_start().len();
        out.push(ProgramBuild {
            image,
            builder: Builder::Buildpacks,
            build_file,
            dir: pdir,
            file: file.id,
            span: Span::new(start + lead, start + line.trim_end().len()),
        });
    }
    out
}

/// The module path of a `go.mod` (`module github.com/acme/shop`).
pub fn go_module(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let m = l.trim().strip_prefix("module")?;
        let m = m.trim().trim_matches('"');
        (!m.is_empty() && !m.contains(char::is_whitespace)).then(|| m.to_string())
    })
}

/// The directory of the Go package a `ko://IMPORTPATH` names: the longest module path that
/// prefixes it, then the rest of the import path under that `go.mod`'s directory.
/// `modules` are (go.mod's repo-relative directory, module path).
pub fn ko_package_dir(image: &str, modules: &[(String, String)]) -> Option<(String, usize)> {
    let path = image.strip_prefix("ko://")?.split([':', '@']).next()?;
    let (i, (dir, module)) = modules
        .iter()
        .enumerate()
        .filter(|(_, (_, m))| path == m || path.starts_with(&format!("{m}/")))
        .max_by_key(|(_, (_, m))| m.len())?;
    let rest = path[module.len()..].trim_start_matches('/');
    Some((join(dir, rest)?, i))
}

/// Skaffold artifacts built without a Dockerfile: `jib: {}` (Maven or Gradle in the artifact's
/// `context`), `ko: {}` (the Go module there) and `buildpacks: {...}`. The build file must be in
/// the scan; the statement is the artifact's `image:` entry.
pub fn skaffold_programs(
    file: &SourceFile,
    stream: &YamlStream,
    has_file: &dyn Fn(&str) -> bool,
) -> Vec<ProgramBuild> {
    let base = dir_of(&file.path);
    let mut out = Vec::new();
    let buildpack_names: Vec<&str> = BUILDPACK_FILES.iter().map(|(n, _)| *n).collect();
    for art in skaffold_artifacts(stream) {
        let Some(image_node) = art.get("image") else {
            continue;
        };
        let Some(image) = image_node.as_str() else {
            continue;
        };
        let (builder, names): (Builder, &[&str]) = if art.get("jib").is_some() {
            (
                Builder::Jib,
                &["pom.xml", "build.gradle", "build.gradle.kts"],
            )
        } else if art.get("ko").is_some() {
            (Builder::Ko, &["go.mod"])
        } else if art.get("buildpacks").is_some() {
            (Builder::Buildpacks, &buildpack_names)
        } else {
            continue;
        };
        let context = art.get("context").and_then(|c| c.as_str()).unwrap_or(".");
        let Some(dir) = join(base, context) else {
            continue;
        };
        let in_dir = |n: &str| {
            if dir.is_empty() {
                n.to_string()
            } else {
                format!("{dir}/{n}")
            }
        };
        let Some(build_file) = names.iter().map(|n| in_dir(n)).find(|p| has_file(p)) else {
            continue;
        };
        out.push(ProgramBuild {
            image: image.to_string(),
            builder,
            build_file,
            dir,
            file: file.id,
            span: image_node.entry_span(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(path: &str, text: &str) -> SourceFile {
        SourceFile::new(FileId(0), path, text)
    }

    #[test]
    fn jib_and_spring_boot_in_a_pom() {
        let f = src(
            "orders/pom.xml",
            "<project>\n  <parent><artifactId>spring-parent</artifactId></parent>\n  <artifactId>orders</artifactId>\n  <properties>\n    <registry>ghcr.io/acme</registry>\n  </properties>\n  <build><plugins>\n    <plugin>\n      <artifactId>jib-maven-plugin</artifactId>\n      <configuration>\n        <from><image>eclipse-temurin:21</image></from>\n        <to>\n          <image>${registry}/${project.artifactId}</image>\n        </to>\n      </configuration>\n    </plugin>\n  </plugins></build>\n</project>\n",
        );
        let b = pom(&f);
        assert_eq!(b.len(), 1, "{b:?}");
        assert_eq!(b[0].image, "ghcr.io/acme/orders");
        assert_eq!(b[0].builder, Builder::Jib);
        assert_eq!(f.region(b[0].span).line, 13);
        assert_eq!(b[0].dir, "orders");

        let boot = src(
            "pom.xml",
            "<project><artifactId>billing</artifactId><build><plugins><plugin><artifactId>spring-boot-maven-plugin</artifactId><configuration><image><name>acme/${project.artifactId}:1</name></image></configuration></plugin></plugins></build></project>",
        );
        let b = pom(&boot);
        assert_eq!(b[0].image, "acme/billing:1");
        assert_eq!(b[0].builder, Builder::SpringBoot);
    }

    #[test]
    fn jib_in_gradle() {
        let f = src(
            "api/build.gradle.kts",
            "plugins { id(\"com.google.cloud.tools.jib\") }\njib {\n  from { image = \"eclipse-temurin:21\" }\n  to {\n    image = \"ghcr.io/acme/api\"\n  }\n}\n",
        );
        let b = gradle(&f);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].image, "ghcr.io/acme/api");
        assert_eq!(f.region(b[0].span).line, 5);
        let g = src("build.gradle", "jib.to.image = 'acme/web'\n");
        assert_eq!(gradle(&g)[0].image, "acme/web");
        let boot = src(
            "build.gradle",
            "bootBuildImage {\n  imageName = \"acme/boot\"\n}\n",
        );
        assert_eq!(gradle(&boot)[0].builder, Builder::SpringBoot);
        assert!(gradle(&src("build.gradle", "jib {")).is_empty());
    }

    #[test]
    fn hostile_build_files_cost_one_pass() {
        let unclosed = format!("jib {{ to {{ {} }} }}", "image = \"x\n".repeat(100_000));
        assert!(gradle(&src("build.gradle", &unclosed)).is_empty());
        let nested = "<plugin><artifactId>jib-maven-plugin".repeat(50_000);
        assert!(pom(&src("pom.xml", &nested)).is_empty());
        let props = format!("<properties>{}</properties>", "<a>".repeat(100_000));
        assert!(pom(&src("pom.xml", &props)).is_empty());
    }

    #[test]
    fn pack_build_and_ko() {
        let f = src(
            "Makefile",
            "images:\n\tpack build acme/catalog --builder paketobuildpacks/builder-jammy-base --path ./catalog\n\tpack build $(IMG)\n",
        );
        let b = pack_builds(&f, Span::new(0, f.text.len()), "", &|p| {
            p == "catalog/project.toml"
        });
        assert_eq!(b.len(), 1);
        assert_eq!(
            (b[0].image.as_str(), b[0].build_file.as_str()),
            ("acme/catalog", "catalog/project.toml")
        );
        assert_eq!(f.region(b[0].span).line, 2);

        assert_eq!(
            go_module("// x\nmodule github.com/acme/shop\n\ngo 1.22\n").as_deref(),
            Some("github.com/acme/shop")
        );
        let mods = vec![
            (String::new(), "github.com/acme/shop".to_string()),
            (
                "tools".to_string(),
                "github.com/acme/shop/tools".to_string(),
            ),
        ];
        assert_eq!(
            ko_package_dir("ko://github.com/acme/shop/cmd/api", &mods),
            Some(("cmd/api".to_string(), 0))
        );
        assert_eq!(
            ko_package_dir("ko://github.com/acme/shop/tools/gen", &mods),
            Some(("tools/gen".to_string(), 1))
        );
        assert_eq!(ko_package_dir("ko://github.com/other/x", &mods), None);
        assert_eq!(ko_package_dir("ghcr.io/acme/shop", &mods), None);
    }
}
