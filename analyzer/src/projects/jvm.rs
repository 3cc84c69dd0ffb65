//! JVM build files: `pom.xml` through the bounded [`super::xml`] reader, `build.gradle(.kts)` and
//! `settings.gradle(.kts)` line by line (Groovy and Kotlin DSL alike). Test-only dependencies
//! (`<scope>test</scope>`, `testImplementation`) are left out: they are not in the image.

use crate::source::FileId;
use crate::span::Span;

use super::text::{lines, quoted};
use super::{FileFacts, MarkerKind, xml};

/// Read one JVM build file.
pub fn read(file: FileId, name: &str, text: &str) -> FileFacts {
    match name {
        "pom.xml" => pom(file, text),
        n if n.starts_with("settings.gradle") => settings(file, text),
        _ => gradle(file, text),
    }
}

/// `pom.xml`: `<dependency>`, `<plugin>`, `<parent>` and `<module>` elements.
pub fn pom(file: FileId, text: &str) -> FileFacts {
    let doc = xml::parse(text);
    let mut out = FileFacts::default();
    if let Some((msg, at)) = &doc.error {
        out.problem = Some((format!("pom.xml: {msg}"), Span::new(*at, *at)));
    }
    for (i, e) in doc.elements.iter().enumerate() {
        match e.name.as_str() {
            "dependency" => {
                let Some(artifact) = doc.child(i, "artifactId") else {
                    continue;
                };
                let scope = doc.child(i, "scope").map(|s| s.text.as_str());
                if matches!(scope, Some("test")) {
                    continue;
                }
                // `<dependencyManagement>` only pins versions; it adds nothing to the build.
                if doc.ancestors(i).any(|a| a == "dependencyManagement") {
                    continue;
                }
                let group = doc.child(i, "groupId").map_or("", |g| g.text.as_str());
                let version = doc.child(i, "version").map(|v| v.text.as_str());
                let name = format!("{group}:{}", artifact.text);
                out.dep(&name, version, file, artifact.text_span, false);
            }
            "plugin" => {
                let Some(artifact) = doc.child(i, "artifactId") else {
                    continue;
                };
                let kind = match artifact.text.as_str() {
                    "spring-boot-maven-plugin" => MarkerKind::SpringBoot,
                    "jib-maven-plugin" => MarkerKind::Jib,
                    _ => continue,
                };
                out.mark(kind, file, artifact.text_span);
            }
            "parent" if e.depth == 1 => {
                if let Some(a) = doc.child(i, "artifactId")
                    && a.text.starts_with("spring-boot-starter-parent")
                {
                    out.mark(MarkerKind::SpringBoot, file, a.text_span);
                }
            }
            "module" if doc.ancestors(i).next() == Some("modules") => {
                out.mark(MarkerKind::Module(e.text.clone()), file, e.text_span);
            }
            _ => {}
        }
    }
    out
}

/// Configurations whose dependencies end up in the running program.
const CONFIGURATIONS: &[&str] = &[
    "implementation",
    "api",
    "compile",
    "runtimeOnly",
    "runtime",
    "compileOnly",
    "developmentOnly",
];

/// `build.gradle(.kts)`: `implementation("g:a:v")` / `implementation 'g:a:v'` lines and the
/// plugins (`id("org.springframework.boot")`, `id 'com.google.cloud.tools.jib'`,
/// `apply plugin: '...'`, `kotlin("jvm")`).
pub fn gradle(file: FileId, text: &str) -> FileFacts {
    let mut out = FileFacts::default();
    for (offset, line) in lines(text) {
        let code = line.split("//").next().unwrap_or("");
        let trimmed = code.trim_start();
        let lead = code.len() - trimmed.len();
        // Dependencies: `<configuration>(` or `<configuration> ` then a quoted coordinate.
        if let Some(conf) = CONFIGURATIONS.iter().find(|c| {
            trimmed.starts_with(**c)
                && matches!(trimmed.as_bytes().get(c.len()), Some(b'(' | b' ' | b'\t'))
        }) {
            let after = lead + conf.len();
            let rest = &code[after..];
            let skip = rest.len() - rest.trim_start_matches(['(', ' ', '\t']).len();
            if let Some((coord, span)) = quoted(code, after + skip, offset) {
                let mut parts = coord.split(':');
                let (g, a, v) = (parts.next(), parts.next(), parts.next());
                if let (Some(g), Some(a)) = (g, a) {
                    out.dep(&format!("{g}:{a}"), v, file, span, false);
                }
            }
            continue;
        }
        for (pat, kind) in [
            ("id", None),
            ("apply plugin:", None),
            ("kotlin", Some("kotlin")),
        ] {
            let Some(rest) = trimmed.strip_prefix(pat) else {
                continue;
            };
            let skip = rest.len() - rest.trim_start_matches(['(', ' ', '\t']).len();
            let at = lead + pat.len() + skip;
            let Some((id, span)) = quoted(code, at, offset) else {
                continue;
            };
            let marker = match (kind, id) {
                (Some(_), lang) => MarkerKind::JvmPlugin(format!("kotlin(\"{lang}\")")),
                (None, "org.springframework.boot") => MarkerKind::SpringBoot,
                (None, "com.google.cloud.tools.jib") => MarkerKind::Jib,
                (None, "application" | "java" | "scala" | "groovy") => {
                    MarkerKind::JvmPlugin(id.to_string())
                }
                (None, other) if other.starts_with("org.jetbrains.kotlin.") => {
                    MarkerKind::JvmPlugin(other.to_string())
                }
                _ => break,
            };
            out.mark(marker, file, span);
            break;
        }
    }
    out
}

/// `settings.gradle(.kts)`: the `include` modules (`include(":api", ":core")`, `include 'web'`).
pub fn settings(file: FileId, text: &str) -> FileFacts {
    let mut out = FileFacts::default();
    for (offset, line) in lines(text) {
        let code = line.split("//").next().unwrap_or("");
        let trimmed = code.trim_start();
        if !trimmed.starts_with("include") || trimmed.starts_with("includeBuild") {
            continue;
        }
        let lead = code.len() - trimmed.len();
        let mut at = lead + "include".len();
        while at < code.len() {
            match code.as_bytes()[at] {
                b'"' | b'\'' => {
                    let Some((m, span)) = quoted(code, at, offset) else {
                        break;
                    };
                    let m = m.trim_start_matches(':').replace(':', "/");
                    at = span.end - offset + 1;
                    out.mark(MarkerKind::Module(m), file, span);
                }
                _ => at += 1,
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: FileId = FileId(0);

    #[test]
    fn pom_dependencies_plugins_and_parent() {
        let t = r#"<project>
  <parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId></parent>
  <modules><module>api</module></modules>
  <dependencyManagement><dependencies><dependency><groupId>x</groupId><artifactId>managed</artifactId></dependency></dependencies></dependencyManagement>
  <dependencies>
    <dependency><groupId>org.rocksdb</groupId><artifactId>rocksdbjni</artifactId><version>8.0</version></dependency>
    <dependency><groupId>junit</groupId><artifactId>junit</artifactId><scope>test</scope></dependency>
  </dependencies>
  <build><plugins><plugin><groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build>
</project>"#;
        let f = pom(F, t);
        assert!(f.problem.is_none());
        let deps: Vec<&str> = f.dependencies.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(deps, ["org.rocksdb:rocksdbjni"]);
        let d = &f.dependencies[0];
        assert_eq!(&t[d.span.start..d.span.end], "rocksdbjni");
        assert_eq!(d.version.as_deref(), Some("8.0"));
        let kinds: Vec<&MarkerKind> = f.markers.iter().map(|m| &m.kind).collect();
        assert_eq!(
            kinds,
            [
                &MarkerKind::SpringBoot,
                &MarkerKind::Module("api".into()),
                &MarkerKind::SpringBoot
            ]
        );
    }

    #[test]
    fn gradle_kotlin_and_groovy_lines() {
        let t = "plugins {\n  id(\"org.springframework.boot\") version \"3.2.0\"\n  id 'com.google.cloud.tools.jib'\n  kotlin(\"jvm\")\n}\ndependencies {\n  implementation(\"io.netty:netty-transport-native-epoll:4.1.100.Final:linux-x86_64\")\n  implementation 'org.xerial:sqlite-jdbc:3.45.0'\n  testImplementation(\"org.rocksdb:rocksdbjni:8\")\n  // implementation(\"a:b:c\")\n}\n";
        let f = gradle(F, t);
        let deps: Vec<&str> = f.dependencies.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            deps,
            [
                "io.netty:netty-transport-native-epoll",
                "org.xerial:sqlite-jdbc"
            ]
        );
        assert_eq!(f.markers[0].kind, MarkerKind::SpringBoot);
        assert_eq!(
            &t[f.markers[0].span.start..f.markers[0].span.end],
            "org.springframework.boot"
        );
        assert_eq!(f.markers[1].kind, MarkerKind::Jib);
        assert!(matches!(f.markers[2].kind, MarkerKind::JvmPlugin(_)));
    }

    #[test]
    fn settings_includes() {
        let f = settings(
            F,
            "rootProject.name = \"x\"\ninclude(\":api\", \":lib:core\")\ninclude 'web'\n",
        );
        let m: Vec<MarkerKind> = f.markers.into_iter().map(|m| m.kind).collect();
        assert_eq!(
            m,
            [
                MarkerKind::Module("api".into()),
                MarkerKind::Module("lib/core".into()),
                MarkerKind::Module("web".into())
            ]
        );
    }
}
