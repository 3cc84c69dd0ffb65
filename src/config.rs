//! `.wasm-migrate.toml`: per-repository settings, found at the scan root (or given with
//! `--config`). Parsed with spans, so every error points at the line and column in the file,
//! rendered as a diagnostic with the offending line (exit 2).
//!
//! ```toml
//! ignore = ["legacy/**", "*.generated.yaml"]   # gitignore-style, relative to the scan root
//! allow-suppressions = true                    # false: like --no-suppressions
//! runtime-class = "wasmtime-spin-v2"           # RuntimeClass `convert` writes
//!
//! [rules]                                      # by code or name
//! WM301 = "warning"                            # blocker | warning | note
//! statefulset = "off"                          # the rule does not run
//!
//! [thresholds]                                 # used when the flags are not given
//! fail-on = "blocker"
//! fail-under = 50
//!
//! [images]                                     # container image -> its Wasm build, for `convert`
//! "ghcr.io/acme/api" = "ghcr.io/acme/api-wasm:1.0"
//!
//! [links]                                      # container image -> the file that builds it
//! "ghcr.io/acme/cart" = "services/cart/Dockerfile"  # (docs/linking.md; wins over every guess)
//!
//! [[known-image]]                              # image knowledge, before the built-in table
//! match = ["registry.corp/platform/jre-*"]     # (same fields as rules/data/images.toml)
//! name = "the platform JRE"
//! kind = "language-runtime"
//! runtime = "jvm"
//! category = "jvm"
//! severity = "blocker"
//! reason = "the company's OpenJDK base image"
//! alternative = "keep the service as a Linux workload"
//! source = "https://wiki.corp/platform/images"
//!
//! [convert]                                    # everything else `convert` reads: docs/convert.md
//! runtime = "spin"
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use rules::Severity;
use serde::Deserialize;
use toml::Spanned;

use crate::cli::FailOn;

pub const FILE_NAME: &str = ".wasm-migrate.toml";

/// The settings, validated. Defaults when there is no file.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Where it was read from, if anywhere.
    pub path: Option<PathBuf>,
    pub ignore: Vec<String>,
    pub disabled: HashSet<String>,
    pub severity: HashMap<String, Severity>,
    pub fail_on: Option<FailOn>,
    pub fail_under: Option<u32>,
    pub allow_suppressions: bool,
    pub runtime_class: Option<String>,
    pub images: BTreeMap<String, String>,
    /// `[links]`: image -> repo-relative Dockerfile or build file that builds it.
    pub links: BTreeMap<String, String>,
    /// `[[known-image]]` entries: image knowledge that wins over the built-in table.
    pub known_images: Vec<analyzer::images::ImageEntry>,
    /// The `[convert]` table (top-level `runtime-class` and `[images]` fold into it for `convert`).
    pub convert: converter::ConvertConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            path: None,
            ignore: Vec::new(),
            disabled: HashSet::new(),
            severity: HashMap::new(),
            fail_on: None,
            fail_under: None,
            allow_suppressions: true,
            runtime_class: None,
            images: BTreeMap::new(),
            links: BTreeMap::new(),
            known_images: Vec::new(),
            convert: converter::ConvertConfig::default(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    allow_suppressions: Option<bool>,
    runtime_class: Option<String>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    thresholds: RawThresholds,
    #[serde(default)]
    images: BTreeMap<String, String>,
    #[serde(default)]
    links: BTreeMap<String, String>,
    #[serde(default)]
    known_image: Vec<Spanned<analyzer::images::ImageEntry>>,
    #[serde(default)]
    convert: Option<converter::ConvertConfig>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawThresholds {
    fail_on: Option<Spanned<String>>,
    fail_under: Option<Spanned<i64>>,
}

/// Largest config read: a real one is a few hundred bytes.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Read `explicit` (must exist), or `root/.wasm-migrate.toml` when present.
///
/// The config found in the scan root comes from the repository, so it is read like any of its
/// files ([`analyzer::fsread`]): never through a symlink that leaves the root (`ln -s
/// /proc/self/environ .wasm-migrate.toml` would otherwise print the runner's environment in the
/// diagnostic), never a FIFO or device, at most 1 MiB. `--config FILE` is the user's own choice,
/// but a FILE inside the scan root is still the repository's and is read the same way.
pub fn load(root: &Path, explicit: Option<&Path>) -> anyhow::Result<Config> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let p = root.join(FILE_NAME);
            if !analyzer::fsread::exists_no_follow(&p) {
                return Ok(Config::default());
            }
            p
        }
    };
    let in_repo = match (std::path::absolute(&path), std::path::absolute(root)) {
        (Ok(p), Ok(r)) => explicit.is_none() || p.starts_with(r),
        _ => true,
    };
    let read = if in_repo {
        analyzer::fsread::Root::new(root)
            .map_err(analyzer::fsread::ReadError::from)
            .and_then(|r| analyzer::fsread::read_in_root(&r, &path, MAX_CONFIG_BYTES))
    } else {
        analyzer::fsread::read_user_file(&path, MAX_CONFIG_BYTES)
    };
    let shown = crate::render::excerpt::sanitize(&path.display().to_string()).into_owned();
    let bytes = read.map_err(|e| anyhow!("cannot read config {shown}: {e}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow!("cannot read config {shown}: it is not UTF-8 text"))?;
    let mut config = parse(&shown, &text).map_err(|e| anyhow!(e))?;
    config.path = Some(path);
    // The matcher is shared by the Dockerfile front-end and the image rules, so the user's
    // entries are installed where both see them.
    analyzer::images::set_user_entries(config.known_images.clone());
    Ok(config)
}

/// Parse and validate; the error is a rendered diagnostic naming `name:line:column`.
pub fn parse(name: &str, text: &str) -> Result<Config, String> {
    let err = |span: Range<usize>, msg: String| diagnostic(name, text, span, &msg);
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        err(span, e.message().trim().to_string())
    })?;
    let mut config = Config {
        allow_suppressions: raw.allow_suppressions.unwrap_or(true),
        runtime_class: raw.runtime_class,
        images: raw.images,
        links: raw.links,
        ..Config::default()
    };
    if let Some(convert) = raw.convert {
        let at = text
            .find("[convert]")
            .map_or(0..0, |i| i..i + "[convert]".len());
        convert.validate().map_err(|m| err(at, m))?;
        config.convert = convert;
    }
    for entry in &raw.known_image {
        known_image(entry.get_ref()).map_err(|m| err(entry.span(), m))?;
        config.known_images.push(entry.get_ref().clone());
    }
    for pattern in &raw.ignore {
        let mut b = ignore::gitignore::GitignoreBuilder::new("");
        if let Err(e) = b.add_line(None, pattern.get_ref()) {
            return Err(err(pattern.span(), format!("invalid ignore pattern: {e}")));
        }
        config.ignore.push(pattern.get_ref().clone());
    }
    for (key, value) in &raw.rules {
        let Some(rule) = rules::find_rule(key.get_ref()) else {
            return Err(err(
                key.span(),
                format!(
                    "unknown rule `{}`; `wasm-migrate rules` lists them",
                    key.get_ref()
                ),
            ));
        };
        let code = rule.meta().code.to_string();
        match value.get_ref().as_str() {
            "off" => {
                config.disabled.insert(code);
            }
            other => match Severity::parse(other) {
                Some(s) => {
                    config.severity.insert(code, s);
                }
                None => {
                    return Err(err(
                        value.span(),
                        format!(
                            "`{other}` is not a setting for a rule: use blocker, warning, note or off"
                        ),
                    ));
                }
            },
        }
    }
    if let Some(v) = &raw.thresholds.fail_on {
        config.fail_on = Some(match v.get_ref().as_str() {
            "blocker" => FailOn::Blocker,
            "warning" => FailOn::Warning,
            "unknown" => FailOn::Unknown,
            other => {
                return Err(err(
                    v.span(),
                    format!("`{other}` is not a fail-on level: use blocker, warning or unknown"),
                ));
            }
        });
    }
    if let Some(v) = &raw.thresholds.fail_under {
        match u32::try_from(*v.get_ref()) {
            Ok(n) if n <= 100 => config.fail_under = Some(n),
            _ => {
                return Err(err(
                    v.span(),
                    format!("fail-under is a score from 0 to 100, not {}", v.get_ref()),
                ));
            }
        }
    }
    Ok(config)
}

/// Check a `[[known-image]]` entry as the built-in table is checked.
fn known_image(e: &analyzer::images::ImageEntry) -> Result<(), String> {
    let what = format!("known-image `{}`", e.name);
    if e.patterns.is_empty() || e.patterns.iter().any(|p| p.trim().is_empty()) {
        return Err(format!(
            "{what}: `match` needs at least one non-empty pattern"
        ));
    }
    if let Some(p) = e.patterns.iter().find(|p| **p != p.to_ascii_lowercase()) {
        return Err(format!("{what}: pattern `{p}` must be lower-case"));
    }
    if e.source.trim().is_empty() {
        return Err(format!(
            "{what}: `source` must say where the entry's facts come from"
        ));
    }
    match (&e.category, &e.severity) {
        (None, None) => Ok(()),
        (Some(c), Some(s)) => {
            let category = rules::k8s::images::category_of(e);
            if !rules::k8s::images::IMAGE_CATEGORIES
                .iter()
                .any(|(k, _)| Some(*k) == category)
            {
                let known: Vec<&str> = rules::k8s::images::IMAGE_CATEGORIES
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect();
                return Err(format!(
                    "{what}: category `{c}` is not reported by an image rule; use one of {}",
                    known.join(", ")
                ));
            }
            if Severity::parse(s).is_none() {
                return Err(format!(
                    "{what}: severity `{s}` is not blocker, warning or note"
                ));
            }
            if e.alternative.trim().is_empty() {
                return Err(format!("{what}: a finding needs an `alternative`"));
            }
            Ok(())
        }
        _ => Err(format!(
            "{what}: give both `category` and `severity`, or neither (no finding)"
        )),
    }
}

/// `name:line:col: message`, then the line with the span underlined (miette, no colour).
fn diagnostic(name: &str, text: &str, span: Range<usize>, message: &str) -> String {
    use crate::render::excerpt;
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    let at = analyzer::span::LineIndex::new(text).line_col(text, start);
    // The message may quote a value of the file (toml does): bounded and escaped like the snippet.
    let message = excerpt::bounded_message(message);
    let mut out = String::new();
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .with_links(false)
            .without_primary_span_start();
    if let Some(source) = excerpt::Excerpt::new(name, text, start, end) {
        let (s, len) = source.span();
        let diag = miette::MietteDiagnostic::new(message.clone())
            .with_labels([miette::LabeledSpan::at(s..s + len, "here")]);
        let report = miette::Report::new(diag).with_source_code(source);
        let _ = handler.render_report(&mut out, report.as_ref());
    }
    format!(
        "invalid config {name}:{}:{}: {message}\n{}",
        at.line,
        at.column,
        out.trim_end()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_config_parses() {
        let c = parse(
            FILE_NAME,
            r#"
ignore = ["legacy/**"]
allow-suppressions = false
runtime-class = "wasmtime-spin-v2"
[rules]
WM301 = "warning"
statefulset = "off"
[thresholds]
fail-on = "warning"
fail-under = 60
[images]
"ghcr.io/acme/api" = "ghcr.io/acme/api-wasm:1"
[links]
"ghcr.io/acme/api" = "api/Dockerfile.prod"
"#,
        )
        .unwrap();
        assert_eq!(c.ignore, vec!["legacy/**"]);
        assert!(!c.allow_suppressions);
        assert_eq!(c.severity.get("WM301"), Some(&Severity::Warning));
        assert!(c.disabled.contains("WM306"));
        assert_eq!((c.fail_on, c.fail_under), (Some(FailOn::Warning), Some(60)));
        assert_eq!(c.runtime_class.as_deref(), Some("wasmtime-spin-v2"));
        assert_eq!(c.images["ghcr.io/acme/api"], "ghcr.io/acme/api-wasm:1");
        assert_eq!(c.links["ghcr.io/acme/api"], "api/Dockerfile.prod");
        assert_eq!(parse(FILE_NAME, "").unwrap(), Config::default());
    }

    #[test]
    fn known_images_parse_and_are_checked() {
        let c = parse(
            FILE_NAME,
            r#"
[[known-image]]
match = ["registry.corp/platform/jre-*"]
name = "the platform JRE"
kind = "language-runtime"
runtime = "jvm"
category = "jvm"
severity = "blocker"
reason = "the company's OpenJDK base image"
alternative = "keep the service as a Linux workload"
source = "https://wiki.corp/platform/images"

[[known-image]]
match = ["registry.corp/platform/static"]
name = "the platform static base"
kind = "static"
reason = "an empty base for copied binaries"
source = "https://wiki.corp/platform/images"
"#,
        )
        .unwrap();
        assert_eq!(c.known_images.len(), 2);
        assert_eq!(c.known_images[0].runtime, analyzer::images::Runtime::Jvm);

        let e = parse(
            FILE_NAME,
            "[[known-image]]\nmatch = [\"a\"]\nname = \"A\"\nkind = \"tool\"\ncategory = \"gpu\"\nseverity = \"note\"\nreason = \"r\"\nalternative = \"x\"\nsource = \"s\"\n",
        )
        .unwrap_err();
        assert!(
            e.contains(".wasm-migrate.toml:1:1: known-image `A`: category `gpu` is not reported by an image rule"),
            "{e}"
        );
        let e = parse(
            FILE_NAME,
            "[[known-image]]\nmatch = [\"a\"]\nname = \"A\"\nkind = \"spaceship\"\nreason = \"r\"\nsource = \"s\"\n",
        )
        .unwrap_err();
        assert!(
            e.contains(".wasm-migrate.toml:4:8: unknown variant `spaceship`"),
            "{e}"
        );
    }

    #[test]
    fn errors_point_at_the_line_and_column() {
        let e = parse(FILE_NAME, "[rules]\nWM301 = \"warning\"\nWM999 = \"off\"\n").unwrap_err();
        assert!(
            e.starts_with("invalid config .wasm-migrate.toml:3:1: unknown rule `WM999`"),
            "{e}"
        );
        assert!(e.contains("3 │ WM999 = \"off\""), "{e}");

        let e = parse(FILE_NAME, "[rules]\nWM301 = \"sometimes\"\n").unwrap_err();
        assert!(
            e.contains(".wasm-migrate.toml:2:9: `sometimes` is not a setting"),
            "{e}"
        );

        let e = parse(FILE_NAME, "[thresholds]\nfail-under = 101\n").unwrap_err();
        assert!(
            e.contains(":2:14: fail-under is a score from 0 to 100, not 101"),
            "{e}"
        );

        let e = parse(FILE_NAME, "ignore = [\"a/**\"]\nignored = 1\n").unwrap_err();
        assert!(
            e.contains(".wasm-migrate.toml:2:1: unknown field `ignored`"),
            "{e}"
        );

        let e = parse(FILE_NAME, "ignore = [\"{a,b\"]\n").unwrap_err();
        assert!(e.contains(":1:11: invalid ignore pattern"), "{e}");

        let e = parse(FILE_NAME, "[rules\n").unwrap_err();
        assert!(e.contains(".wasm-migrate.toml:1:"), "{e}");
    }
}
