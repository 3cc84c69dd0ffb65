//! .NET project files: `*.csproj` / `*.fsproj` and `Directory.Packages.props` through the bounded
//! [`super::xml`] reader; `packages.lock.json` (every package the restore resolved, direct and
//! transitive) and `global.json` (the SDK version) as JSON. Spans of JSON keys are found by
//! searching the key's quoted text after its parent's, so they point at the line that names it.

use crate::source::FileId;
use crate::span::Span;

use super::{FileFacts, MarkerKind, xml};

/// Read one .NET file.
pub fn read(file: FileId, name: &str, text: &str) -> FileFacts {
    match name {
        "packages.lock.json" => lock(file, text),
        "global.json" => global(file, text),
        _ => project(file, name, text),
    }
}

/// A csproj / fsproj or `Directory.Packages.props`: the SDK, target framework(s), package and
/// framework references (`PackageVersion` of central package management only adds versions).
pub fn project(file: FileId, name: &str, text: &str) -> FileFacts {
    let doc = xml::parse(text);
    let mut out = FileFacts::default();
    if let Some((msg, at)) = &doc.error {
        out.problem = Some((format!("{name}: {msg}"), Span::new(*at, *at)));
    }
    let attr = |e: &xml::Element, n: &str| e.attrs.iter().find(|a| a.name == n).cloned();
    for e in &doc.elements {
        match e.name.as_str() {
            "Project" | "Sdk" => {
                let Some(sdk) = attr(e, "Sdk").or_else(|| attr(e, "Name")) else {
                    continue;
                };
                if sdk.value.starts_with("Microsoft.NET.Sdk.Web") {
                    out.mark(MarkerKind::AspNetCore, file, sdk.span);
                } else if sdk.value.starts_with("Microsoft.NET.Sdk.Worker") {
                    out.mark(MarkerKind::Executable, file, sdk.span);
                }
            }
            "TargetFramework" | "TargetFrameworks" if !e.text.is_empty() => {
                out.mark(
                    MarkerKind::TargetFramework(e.text.clone()),
                    file,
                    e.text_span,
                );
            }
            "OutputType" if matches!(e.text.as_str(), "Exe" | "WinExe") => {
                out.mark(MarkerKind::Executable, file, e.text_span);
            }
            "FrameworkReference" => {
                if let Some(a) = attr(e, "Include")
                    && a.value == "Microsoft.AspNetCore.App"
                {
                    out.mark(MarkerKind::AspNetCore, file, a.span);
                }
            }
            "PackageReference" => {
                let Some(inc) = attr(e, "Include").or_else(|| attr(e, "Update")) else {
                    continue;
                };
                let version = attr(e, "Version").map(|v| v.value).or_else(|| {
                    // `<PackageReference Include="x"><Version>1.0</Version></PackageReference>`
                    let i = doc.elements.iter().position(|x| std::ptr::eq(x, e))?;
                    doc.child(i, "Version").map(|v| v.text.clone())
                });
                out.dep(&inc.value, version.as_deref(), file, inc.span, false);
            }
            _ => {}
        }
    }
    out
}

/// `packages.lock.json`: `{"dependencies": {"<tfm>": {"<package>": {"type": ..., "resolved": ...}}}}`.
pub fn lock(file: FileId, text: &str) -> FileFacts {
    let mut out = FileFacts::default();
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            out.problem = Some((format!("packages.lock.json: {e}"), Span::default()));
            return out;
        }
    };
    let Some(frameworks) = value.get("dependencies").and_then(|d| d.as_object()) else {
        out.problem = Some((
            "packages.lock.json has no `dependencies` object".into(),
            Span::default(),
        ));
        return out;
    };
    let mut seen = std::collections::HashSet::new();
    for packages in frameworks.values().filter_map(|p| p.as_object()) {
        for (name, info) in packages {
            if !seen.insert(name.clone()) {
                continue;
            }
            let version = info.get("resolved").and_then(|v| v.as_str());
            let span = key_span(text, name).unwrap_or_default();
            out.dep(name, version, file, span, true);
        }
    }
    out
}

/// `global.json`: `{"sdk": {"version": "8.0.100"}}`.
pub fn global(file: FileId, text: &str) -> FileFacts {
    let mut out = FileFacts::default();
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            out.problem = Some((format!("global.json: {e}"), Span::default()));
            return out;
        }
    };
    if let Some(v) = value.pointer("/sdk/version").and_then(|v| v.as_str()) {
        let span = text
            .find("\"version\"")
            .and_then(|k| {
                let at = text[k + 9..].find(&format!("\"{v}\""))? + k + 10;
                Some(Span::new(at, at + v.len()))
            })
            .unwrap_or_default();
        out.mark(MarkerKind::SdkVersion(v.to_string()), file, span);
    }
    out
}

/// The span of the first `"key":` in a JSON text (the key without its quotes).
pub fn key_span(text: &str, key: &str) -> Option<Span> {
    let needle = format!("\"{key}\"");
    let mut from = 0;
    while let Some(p) = text.get(from..)?.find(&needle) {
        let at = from + p;
        let after = text[at + needle.len()..].trim_start();
        if after.starts_with(':') {
            return Some(Span::new(at + 1, at + 1 + key.len()));
        }
        from = at + needle.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: FileId = FileId(0);

    #[test]
    fn csproj_sdk_framework_and_packages() {
        let t = r#"<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="SkiaSharp" Version="2.88.6" />
    <PackageReference Include="Serilog"><Version>3.1.1</Version></PackageReference>
  </ItemGroup>
</Project>"#;
        let f = project(F, "a.csproj", t);
        assert!(f.problem.is_none());
        assert_eq!(f.markers[0].kind, MarkerKind::AspNetCore);
        assert_eq!(
            &t[f.markers[0].span.start..f.markers[0].span.end],
            "Microsoft.NET.Sdk.Web"
        );
        assert_eq!(
            f.markers[1].kind,
            MarkerKind::TargetFramework("net8.0".into())
        );
        assert_eq!(f.dependencies[0].name, "SkiaSharp");
        assert_eq!(f.dependencies[1].version.as_deref(), Some("3.1.1"));
    }

    #[test]
    fn lock_lists_transitive_packages_and_broken_json_is_a_problem() {
        let t = r#"{"version": 1, "dependencies": {"net8.0": {
  "SkiaSharp": {"type": "Direct", "resolved": "2.88.6"},
  "SkiaSharp.NativeAssets.Linux": {"type": "Transitive", "resolved": "2.88.6"}}}}"#;
        let f = lock(F, t);
        assert_eq!(f.dependencies.len(), 2);
        let d = &f.dependencies[1];
        assert_eq!(&t[d.span.start..d.span.end], "SkiaSharp.NativeAssets.Linux");
        assert!(d.locked);
        assert!(lock(F, "{\"dependencies\": {").problem.is_some());
    }

    #[test]
    fn global_json_sdk() {
        let f = global(F, "{ \"sdk\": { \"version\": \"8.0.100\" } }");
        assert_eq!(f.markers[0].kind, MarkerKind::SdkVersion("8.0.100".into()));
    }
}
