//! The JVM, .NET, Ruby and PHP front-ends end to end: build files are read, linked to the
//! workload that builds them, and judged at the exact `file:line:col` of the line that proves
//! the runtime or names the native dependency; hostile build files get a diagnostic, bounded.

mod common;

use common::{run, stderr};
use serde_json::Value;

fn scan(fixture: &str) -> Value {
    let out = run(&["scan", fixture, "--format", "json"]);
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{}",
        stderr(&out)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn workload(fixture: &str, id: &str) -> Value {
    let v = scan(fixture);
    v["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == id)
        .unwrap_or_else(|| panic!("workload {id} in {v:#}"))
        .clone()
}

/// The one finding of `rule` at `file:line:col`, with its severity and category.
fn finding(w: &Value, rule: &str, at: &str) -> Value {
    let all: Vec<&Value> = w["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect();
    all.iter()
        .find(|f| {
            format!(
                "{}:{}:{}",
                f["file"].as_str().unwrap(),
                f["line"],
                f["column"]
            ) == at
        })
        .copied()
        .cloned()
        .unwrap_or_else(|| panic!("{rule} at {at} in {all:#?}"))
}

fn links(w: &Value) -> Vec<String> {
    w["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["linked_by"].as_str().unwrap().to_string())
        .collect()
}

/// Spring Boot with Maven: blocked at the parent POM's line, rocksdbjni named at its artifactId,
/// the test-scoped sqlite-jdbc left out; linked by the `mvn package` stage.
#[test]
fn spring_boot_maven_is_blocked_at_the_parent_pom() {
    let w = workload(
        "fixtures/projects/spring-maven",
        "Deployment/default/orders",
    );
    assert_eq!(w["verdict"], "blocked", "{w:#}");
    assert_eq!(w["language"], "jvm");
    let f = finding(&w, "WM801", "pom.xml:6:17");
    assert_eq!(f["severity"], "blocker");
    assert_eq!(f["category"], "jvm");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("no production WASI path")
    );
    let r = finding(&w, "WM802", "pom.xml:18:19");
    assert_eq!(r["category"], "embedded-db");
    assert!(
        !w["findings"].to_string().contains("sqlite-jdbc"),
        "test scope is not in the image"
    );
    assert!(
        links(&w).contains(&"Dockerfile:5 (`mvn package` of JVM project `.`)".to_string()),
        "{:?}",
        links(&w)
    );
}

/// Spring Boot with Gradle Kotlin DSL and Jib, no Dockerfile: the Jib image links the project,
/// the Spring Boot plugin line proves the JVM and Netty's epoll transport is native.
#[test]
fn spring_boot_gradle_kts_with_jib_is_blocked_at_the_plugin() {
    let w = workload(
        "fixtures/projects/spring-gradle",
        "Deployment/default/inventory",
    );
    assert_eq!(w["verdict"], "blocked", "{w:#}");
    let f = finding(&w, "WM801", "api/build.gradle.kts:2:9");
    assert_eq!(f["category"], "jvm");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("Spring Boot plugin")
    );
    let n = finding(&w, "WM802", "api/build.gradle.kts:9:21");
    assert_eq!(n["category"], "native-lib");
    assert!(w["coverage"].to_string().contains("dependency-manifest"));
}

/// A jar built by CI and copied from Maven's `target/` (named by a variable): the pom.xml around it
/// is the program's, so its first dependency is the evidence line and grpc-netty-shaded is native.
#[test]
fn a_prebuilt_jar_from_target_links_its_maven_project() {
    let w = workload(
        "fixtures/projects/jvm-prebuilt",
        "dockerfile:billing/Dockerfile",
    );
    assert_eq!(w["verdict"], "blocked", "{w:#}");
    let f = finding(&w, "WM801", "billing/pom.xml:10:19");
    assert_eq!(f["category"], "jvm");
    let n = finding(&w, "WM802", "billing/pom.xml:10:19");
    assert_eq!(n["category"], "native-lib");
    assert!(
        links(&w).contains(
            &"billing/Dockerfile:4 (`COPY target/$APP_FILE` of JVM project `billing`)".to_string()
        ),
        "{:?}",
        links(&w)
    );
}

/// An ASP.NET Core minimal API: blocked at `Sdk="Microsoft.NET.Sdk.Web"` with the runtimes.toml
/// path, linked by `dotnet restore`/`publish`.
#[test]
fn aspnet_minimal_api_is_blocked_at_the_web_sdk() {
    let w = workload("fixtures/projects/aspnet", "dockerfile:Dockerfile");
    assert_eq!(w["verdict"], "blocked", "{w:#}");
    assert_eq!(w["language"], "dotnet");
    let f = finding(&w, "WM811", "Weather.Api.csproj:1:15");
    assert_eq!(f["severity"], "blocker");
    assert_eq!(f["category"], "dotnet");
    assert!(f["message"].as_str().unwrap().contains("net8.0"));
    assert!(links(&w).iter().any(|l| l.contains("of .NET project `.`")));
    // The class library the Dockerfile also restores is linked, but judged through the program.
    assert!(
        links(&w)
            .iter()
            .any(|l| l.contains("of .NET project `Weather.Core`")),
        "{:?}",
        links(&w)
    );
    let runtime: Vec<&Value> = w["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "WM811")
        .collect();
    assert_eq!(runtime.len(), 1, "{runtime:#?}");
}

/// A .NET console worker with SkiaSharp: the plain .NET runtime is a warning with the
/// componentize-dotnet path (needs validation); SkiaSharp blocks at its PackageReference and
/// its native assets at their lockfile line.
#[test]
fn dotnet_with_skiasharp_is_blocked_by_the_native_package() {
    let w = workload("fixtures/projects/skia", "dockerfile:Dockerfile");
    assert_eq!(w["verdict"], "blocked", "{w:#}");
    let rt = finding(&w, "WM811", "Thumbs.Worker.csproj:4:22");
    assert_eq!(rt["severity"], "warning");
    let m = rt["message"].as_str().unwrap();
    assert!(
        m.contains("componentize-dotnet") && m.contains("needs validation"),
        "{m}"
    );
    assert!(m.contains("8.0.204"), "global.json SDK: {m}");
    let s = finding(&w, "WM812", "Thumbs.Worker.csproj:7:32");
    assert_eq!(s["category"], "native-lib");
    assert_eq!(s["severity"], "blocker");
    finding(&w, "WM812", "packages.lock.json:10:8");
    assert!(w["coverage"].to_string().contains("lockfile"));
}

/// Rails: nokogiri (only in Gemfile.lock) and pg (in the Gemfile) block; the Ruby runtime is a
/// warning with the ruby.wasm path.
#[test]
fn rails_gemfile_lock_with_nokogiri() {
    let w = workload("fixtures/projects/rails", "dockerfile:Dockerfile");
    assert_eq!(w["verdict"], "blocked", "{w:#}");
    let n = finding(&w, "WM822", "Gemfile.lock:4:5");
    assert_eq!(n["category"], "native-lib");
    assert!(n["message"].as_str().unwrap().contains("nokogiri"));
    finding(&w, "WM822", "Gemfile:4:6");
    let r = finding(&w, "WM821", "Gemfile:3:6");
    assert_eq!(r["category"], "language-runtime");
    assert_eq!(r["severity"], "warning");
    assert!(r["message"].as_str().unwrap().contains("ruby.wasm"));
}

/// Laravel: `ext-pcntl` blocks (process-spawn), an extension not in the table is a warning that
/// says it needs validation, PHP's WASI build is the path.
#[test]
fn laravel_composer_json() {
    let w = workload("fixtures/projects/laravel", "dockerfile:Dockerfile");
    assert_eq!(w["verdict"], "blocked", "{w:#}");
    let p = finding(&w, "WM823", "composer.json:6:10");
    assert_eq!(p["category"], "process-spawn");
    let i = finding(&w, "WM823", "composer.json:7:10");
    assert_eq!(i["severity"], "warning");
    // An extension the image compiles in with docker-php-ext-install is a requirement too.
    let m = finding(&w, "WM823", "Dockerfile:7:39");
    assert_eq!(m["category"], "raw-socket");
    assert_eq!(m["severity"], "blocker");
    let r = finding(&w, "WM821", "composer.json:8:10");
    assert_eq!(r["category"], "language-runtime");
    assert!(r["message"].as_str().unwrap().contains("PHP"));
    assert!(
        links(&w).contains(&"Dockerfile:4 (`composer install` of PHP project `.`)".to_string())
    );
}

/// A Ruby or PHP project without native parts is `portable` at best, never `ready`.
#[test]
fn pure_ruby_is_portable_not_ready() {
    let dir = tempfile::tempdir().unwrap();
    let w = |p: &str, t: &str| std::fs::write(dir.path().join(p), t).unwrap();
    w(
        "Gemfile",
        "source \"https://rubygems.org\"\ngem \"sinatra\"\n",
    );
    w(
        "Dockerfile",
        "FROM ruby:3.3-slim\nCOPY . .\nRUN bundle install\nCMD [\"ruby\", \"app.rb\"]\n",
    );
    let v = scan(dir.path().to_str().unwrap());
    let wl = &v["workloads"][0];
    assert_eq!(wl["verdict"], "portable", "{wl:#}");
    finding(wl, "WM821", "Gemfile:2:6");
}

/// Hostile build files: a pom.xml with an external entity and a billion-laughs DTD, a csproj
/// nested far too deep, a truncated Gemfile.lock and a broken packages.lock.json all give a
/// diagnostic (a note), nothing is fetched, and the scan ends quickly.
#[test]
fn hostile_build_files_get_a_diagnostic_and_stay_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let w = |p: &str, t: &str| {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, t).unwrap();
    };
    let mut laughs = String::from(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE p [\n<!ENTITY x SYSTEM \"http://127.0.0.1:9/x\">\n<!ENTITY l0 \"lol\">\n",
    );
    for i in 1..10 {
        let prev = format!("&l{};", i - 1);
        laughs.push_str(&format!("<!ENTITY l{i} \"{}\">\n", prev.repeat(10)));
    }
    laughs.push_str("]>\n<project><dependencies><dependency><artifactId>&l9;&x;</artifactId>");
    w("jvm/pom.xml", &laughs);
    w(
        "jvm/Dockerfile",
        "FROM maven:3 AS b\nCOPY . .\nRUN mvn package\nFROM eclipse-temurin:21\nCOPY --from=b /t.jar /t.jar\n",
    );
    w("net/App.csproj", &"<a>".repeat(200_000));
    w(
        "net/packages.lock.json",
        "{\"dependencies\": {\"net8.0\": {\"X\": ",
    );
    w(
        "net/Dockerfile",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY . .\nRUN dotnet publish\n",
    );
    w(
        "rb/Gemfile.lock",
        "GEM\n  specs:\n    nokogiri (1.16\n\u{0}\u{0}garbage",
    );
    w("rb/Gemfile", "gem 'nokogiri\n");
    w(
        "rb/Dockerfile",
        "FROM ruby:3\nCOPY . .\nRUN bundle install\n",
    );
    // 50 MB of pom.xml and a 3 MB Gemfile.lock of 150 000 gems: the first is over the per-file
    // limit (skipped with an error), the second is read with its dependencies capped.
    let mut big = String::from("<project><dependencies>");
    while big.len() < 50 * 1024 * 1024 {
        big.push_str("<dependency><groupId>g</groupId><artifactId>a</artifactId></dependency>\n");
    }
    w("big/pom.xml", &big);
    let mut lock = String::from("GEM\n  specs:\n");
    for i in 0..150_000 {
        lock.push_str(&format!("    g{i} (1.0)\n"));
    }
    w("big/Gemfile.lock", &lock);
    w(
        "big/Dockerfile",
        "FROM ruby:3\nCOPY . .\nRUN bundle install\n",
    );
    let start = std::time::Instant::now();
    let v = scan(dir.path().to_str().unwrap());
    assert!(
        v["errors"].to_string().contains("big/pom.xml"),
        "{}",
        v["errors"]
    );
    let big_rb = v["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == "dockerfile:big/Dockerfile")
        .unwrap();
    assert_eq!(big_rb["verdict"], "portable", "{big_rb:#}");
    assert!(start.elapsed() < std::time::Duration::from_secs(30));
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("jvm/pom.xml could not be fully read"),
        "{notes}"
    );
    assert!(
        !v.to_string().contains("lollollol"),
        "an entity was expanded"
    );
    assert!(
        notes.contains("net/App.csproj could not be fully read"),
        "{notes}"
    );
    assert!(
        notes.contains("net/packages.lock.json could not be fully read")
            || v["errors"].to_string().contains("packages.lock.json"),
        "{notes}"
    );
    // The JVM project is still judged: the runtime blocker stands.
    let jvm = v["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == "dockerfile:jvm/Dockerfile")
        .unwrap();
    assert_eq!(jvm["verdict"], "blocked");
}
