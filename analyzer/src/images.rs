//! The image knowledge base (`rules/data/images.toml`): what a well-known container image or
//! base image is, and the one matcher every caller uses to find it.
//!
//! Both places an image appears are judged by the same entry: a container's `image:` (the image
//! rules) and a Dockerfile stage's `FROM` (the Dockerfile front-end's runtime classification).
//! References are normalized first ([`normalize`]): registry host, Docker Hub's aliases and
//! `library/`, tag, digest and template placeholders. Users add entries in `.wasm-migrate.toml`
//! (`[[known-image]]`); [`set_user_entries`] installs them ahead of the built-in table, so a
//! user's entry wins.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, RwLock};

use serde::Deserialize;

/// What kind of software an image is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImageKind {
    Database,
    Cache,
    Broker,
    Search,
    Proxy,
    Observability,
    AppServer,
    LanguageRuntime,
    BaseOs,
    /// No runtime: `scratch`, distroless static; a copied (or ko-built) binary runs.
    Static,
    KubernetesComponent,
    Wasm,
    Tool,
}

/// What executes the code in the image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Runtime {
    Jvm,
    Dotnet,
    Python,
    Node,
    Ruby,
    Php,
    Go,
    Rust,
    /// The Erlang VM (Erlang, Elixir).
    Beam,
    /// A native (C, C++, ...) program.
    Native,
    #[default]
    None,
}

/// One entry of the knowledge base.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageEntry {
    /// Repository patterns (see [`lookup`]).
    #[serde(rename = "match")]
    pub patterns: Vec<String>,
    /// What the image is, as a message names it (`PostgreSQL`).
    pub name: String,
    pub kind: ImageKind,
    #[serde(default)]
    pub runtime: Runtime,
    /// Protocols it serves (`postgresql`, `http`, `dns`).
    #[serde(default)]
    pub protocols: Vec<String>,
    /// It keeps data in local files.
    #[serde(default)]
    pub state: bool,
    /// The finding's category (kebab-case, as in docs/categories.md); `None`: no finding.
    #[serde(default)]
    pub category: Option<String>,
    /// `blocker`, `warning` or `note`; `None` with no category.
    #[serde(default)]
    pub severity: Option<String>,
    /// The entry of `rules/data/runtimes.toml` a runtime image is judged by when it is not the
    /// runtime's own (`aspnetcore` for images that carry ASP.NET Core); `None`: the `runtime`.
    #[serde(default)]
    pub runtime_variant: Option<String>,
    /// A noun phrase read after the name: "a native database server that ...".
    pub reason: String,
    /// What to do instead: lower-case, no trailing period.
    #[serde(default)]
    pub alternative: String,
    /// Where the entry's facts come from (an official image page, the project's docs).
    pub source: String,
}

impl ImageEntry {
    /// Whether this entry judges a Dockerfile whose runtime stage is built on the image.
    ///
    /// OS bases, empty bases and shell/tool images only carry the program the Dockerfile adds,
    /// so the program decides there; a Wasm image is reported by the Dockerfile's own Wasm rule.
    pub fn judges_dockerfile(&self) -> bool {
        !matches!(
            self.kind,
            ImageKind::BaseOs | ImageKind::Static | ImageKind::Wasm
        ) && self
            .category
            .as_deref()
            .is_some_and(|c| c != "shell-command")
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    #[serde(default)]
    image: Vec<ImageEntry>,
    /// Words a repository's last segment may be without naming any product (`server`,
    /// `agent`): never matched by name alone (see [`by_name`]).
    #[serde(default, rename = "generic-name")]
    generic_name: Vec<GenericNames>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // `reason` and `source` document the data; the code reads `words`.
struct GenericNames {
    words: Vec<String>,
    reason: String,
    source: String,
}

/// The generic-name words of the built-in table, parsed once.
fn generic_names() -> &'static std::collections::HashSet<String> {
    static G: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    G.get_or_init(|| {
        toml::from_str::<Table>(TABLE_TEXT)
            .map(|t| t.generic_name.into_iter().flat_map(|g| g.words).collect())
            .unwrap_or_default()
    })
}

/// The built-in table's text (also read by the rule docs and tests).
pub const TABLE_TEXT: &str = include_str!("../../rules/data/images.toml");

/// Parse a table in the built-in format (`[[image]]` entries).
pub fn parse_entries(text: &str) -> Result<Vec<ImageEntry>, toml::de::Error> {
    toml::from_str::<Table>(text).map(|t| t.image)
}

/// The built-in entries, parsed once. A test parses the table; were it still broken, matching
/// would only find nothing.
pub fn builtin() -> &'static [ImageEntry] {
    static T: OnceLock<Vec<ImageEntry>> = OnceLock::new();
    T.get_or_init(|| parse_entries(TABLE_TEXT).unwrap_or_default())
}

static USER: RwLock<&'static [ImageEntry]> = RwLock::new(&[]);

/// Install the user's entries (from `.wasm-migrate.toml`), consulted before the built-in ones.
/// Replaces any installed before; the entries live for the rest of the process.
pub fn set_user_entries(entries: Vec<ImageEntry>) {
    let leaked: &'static [ImageEntry] = Box::leak(entries.into_boxed_slice());
    if let Ok(mut user) = USER.write() {
        *user = leaked;
    }
    if let Ok(mut cache) = cache().lock() {
        cache.clear();
    }
}

/// Answers by reference: a scan asks about the same few images thousands of times (every
/// container and every Dockerfile stage), and matching one against every pattern of the table
/// was 40% of a 10k-file scan. Bounded: past [`CACHE_LIMIT`] references, answers are not kept.
fn cache() -> &'static Mutex<HashMap<String, Option<&'static ImageEntry>>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<&'static ImageEntry>>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

const CACHE_LIMIT: usize = 65_536;

fn user_entries() -> &'static [ImageEntry] {
    USER.read().map(|u| *u).unwrap_or(&[])
}

/// An image reference taken apart.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NormalizedRef {
    /// The registry host (lower-case), `None` for Docker Hub under any of its names.
    pub host: Option<String>,
    /// The repository path, lower-case, without host and Docker Hub's `library/`.
    pub path: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
    /// The reference holds a `${VAR}`, `$VAR` or `{{ ... }}` placeholder.
    pub placeholder: bool,
    /// `ko` for `ko://github.com/org/repo/cmd/x` (then `path` is the Go import path).
    pub scheme: Option<String>,
}

impl NormalizedRef {
    /// `host/path`, or `path` for Docker Hub.
    pub fn full(&self) -> String {
        match &self.host {
            Some(h) => format!("{h}/{}", self.path),
            None => self.path.clone(),
        }
    }

    /// Whether the repository path still holds a placeholder: then it names nothing for sure.
    pub fn path_is_open(&self) -> bool {
        self.path.contains(PLACEHOLDER)
    }
}

/// Registry prefixes that serve Docker Hub's namespace under another name.
const DOCKER_HUB_ALIASES: &[&str] = &[
    "docker.io/",
    "index.docker.io/",
    "registry-1.docker.io/",
    "registry.hub.docker.com/",
    "mirror.gcr.io/",
    "public.ecr.aws/docker/",
];

/// Stands for a placeholder while the reference is split: none of `/`, `:`, `@`.
const PLACEHOLDER: char = '\u{1}';

/// Replace `${...}`, `$NAME` and `{{ ... }}` with [`PLACEHOLDER`]; the texts replaced, in order.
fn mask_placeholders(s: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(s.len());
    let mut found = Vec::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let end = if rest.starts_with("{{") {
            rest.find("}}").map(|i| i + 2)
        } else if rest.starts_with("${") {
            rest.find('}').map(|i| i + 1)
        } else if c == '$' {
            let n = rest[1..]
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .unwrap_or(rest.len() - 1);
            (n > 0).then_some(n + 1)
        } else {
            None
        };
        match end {
            Some(e) => {
                found.push(rest[..e].to_string());
                out.push(PLACEHOLDER);
                rest = &rest[e..];
            }
            None => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    (out, found)
}

fn looks_like_host(segment: &str) -> bool {
    segment.contains('.') || segment.contains(':') || segment == "localhost"
}

/// Take a reference apart: `Docker.io/Library/Redis:7@sha256:ab` -> path `redis`, tag `7`.
///
/// A placeholder in the tag or digest is ignored. A placeholder that is the whole first segment
/// is taken for a registry host when the rest has two or more segments (`${REG}/bitnami/redis`)
/// or the placeholder names a registry (`{{ .Values.global.imageRegistry }}/redis`); anywhere
/// else in the path it stays in `path`, and [`lookup`] matches nothing.
pub fn normalize(reference: &str) -> NormalizedRef {
    let trimmed = reference.trim();
    if let Some(rest) = trimmed.strip_prefix("ko://") {
        let (masked, found) = mask_placeholders(rest);
        return NormalizedRef {
            host: None,
            path: masked.to_ascii_lowercase(),
            placeholder: !found.is_empty(),
            scheme: Some("ko".into()),
            ..NormalizedRef::default()
        };
    }
    let (masked, found) = mask_placeholders(trimmed);
    let (rest, digest) = match masked.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (masked.as_str(), None),
    };
    // A ':' after the last '/' starts the tag; one before it belongs to a registry port.
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (repo, tag) = match rest[last_slash..].find(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    let mut repo = repo.to_ascii_lowercase();
    for alias in DOCKER_HUB_ALIASES {
        if let Some(r) = repo.strip_prefix(alias) {
            repo = r.to_string();
            break;
        }
    }
    let mut host = None;
    if let Some((first, after)) = repo.split_once('/') {
        let placeholder_host = first == PLACEHOLDER.to_string()
            && (after.contains('/')
                || found.first().is_some_and(|p| {
                    let p = p.to_ascii_lowercase();
                    ["registry", "host", "mirror", "domain", "server"]
                        .iter()
                        .any(|w| p.contains(w))
                }));
        if looks_like_host(first) || placeholder_host {
            // Report the placeholder as written, not as the mask.
            host = Some(if placeholder_host {
                found.first().cloned().unwrap_or_default()
            } else {
                first.to_string()
            });
            repo = after.to_string();
        }
    }
    let path = repo.strip_prefix("library/").unwrap_or(&repo).to_string();
    // Tag and digest keep their placeholders as written (they are ignored for matching).
    let unmask = |s: &str, at: usize| {
        let mut it = found.iter().skip(masked[..at].matches(PLACEHOLDER).count());
        s.chars()
            .map(|c| match c {
                PLACEHOLDER => it.next().cloned().unwrap_or_default(),
                c => c.to_string(),
            })
            .collect::<String>()
    };
    let tag = tag
        .filter(|t| !t.is_empty())
        .map(|t| unmask(t, rest.len() - t.len()));
    let digest = digest
        .filter(|d| !d.is_empty())
        .map(|d| unmask(d, rest.len() + 1));
    NormalizedRef {
        host,
        path,
        tag,
        digest,
        placeholder: !found.is_empty(),
        scheme: None,
    }
}

fn pattern_has_host(pattern: &str) -> bool {
    pattern
        .split_once('/')
        .is_some_and(|(h, _)| looks_like_host(h))
}

/// `*` matches any run of characters; everything else literally.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if p.get(pi) == Some(&b'*') {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p.get(pi) == t.get(ti) {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == b'*'))
}

/// How well a pattern matches a reference: exact beats any pattern with `*`; among those, more
/// literal characters win. A `dir/*` pattern needs something below `dir/`.
fn score(pattern: &str, r: &NormalizedRef, full: &str) -> Option<usize> {
    if let Some(rest) = pattern.strip_prefix("ko://") {
        return (r.scheme.as_deref() == Some("ko") && glob(rest, &r.path))
            .then(|| rest.len() - rest.matches('*').count());
    }
    if r.scheme.is_some() {
        return None;
    }
    let subject = if pattern_has_host(pattern) {
        full
    } else {
        r.path.as_str()
    };
    if !pattern.contains('*') {
        return (subject == pattern).then_some(usize::MAX);
    }
    if let Some(prefix) = pattern.strip_suffix("/*")
        && !subject
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.len() > 1 && rest.starts_with('/'))
    {
        return None;
    }
    glob(pattern, subject).then(|| pattern.len() - pattern.matches('*').count())
}

fn best_in(entries: &'static [ImageEntry], r: &NormalizedRef) -> Option<&'static ImageEntry> {
    let full = r.full();
    entries
        .iter()
        .flat_map(|e| {
            let full = full.as_str();
            e.patterns
                .iter()
                .filter_map(move |p| score(p, r, full))
                .map(move |s| (s, e))
        })
        // The first of equals wins, so the table's order breaks ties.
        .fold(
            None,
            |best: Option<(usize, &ImageEntry)>, (s, e)| match best {
                Some((b, _)) if b >= s => best,
                _ => Some((s, e)),
            },
        )
        .map(|(_, e)| e)
}

/// The entry for a reference, if the image is a known one: the user's entries first, then the
/// built-in table. Patterns are lower-case repository paths; see the table's header.
pub fn lookup(reference: &str) -> Option<&'static ImageEntry> {
    if let Some(hit) = cache().lock().ok().and_then(|c| c.get(reference).copied()) {
        return hit;
    }
    let found = lookup_uncached(reference);
    if let Ok(mut c) = cache().lock()
        && c.len() < CACHE_LIMIT
    {
        c.insert(reference.to_string(), found);
    }
    found
}

fn lookup_uncached(reference: &str) -> Option<&'static ImageEntry> {
    let r = normalize(reference);
    if r.path.is_empty() || r.path_is_open() {
        return None;
    }
    best_in(user_entries(), &r)
        .or_else(|| builtin_index().best(&r))
        .or_else(|| by_name(&r))
}

/// Shortest repository name recognized by name alone.
const MIN_NAME: usize = 5;

/// An image no pattern matches but whose last path segment is the last segment of exactly one
/// entry's exact patterns (`ghcr.io/acme/platform/pgbouncer` is PgBouncer, as
/// `bitnami/pgbouncer` is): a product's name under a mirror or a private registry. Not for
/// short or generic names (`api`, `server`), and never an already-Wasm entry: a name alone
/// must not make a workload `ready`.
fn by_name(r: &NormalizedRef) -> Option<&'static ImageEntry> {
    if r.scheme.is_some() {
        return None;
    }
    let last = r.path.rsplit('/').next()?;
    if last.len() < MIN_NAME || generic_names().contains(last) {
        return None;
    }
    let i = (*builtin_index().by_last.get(last)?)?;
    builtin().get(i).filter(|e| e.kind != ImageKind::Wasm)
}

/// Whether `reference` is known only by its last segment's name ([`by_name`]), not by a
/// pattern: what is said of it is a recognition by name, to be said so.
pub fn known_by_name_only(reference: &str) -> bool {
    // Most references are unknown: the cached lookup answers those without a pattern scan.
    if lookup(reference).is_none() {
        return false;
    }
    let r = normalize(reference);
    !r.path.is_empty()
        && !r.path_is_open()
        && best_in(user_entries(), &r).is_none()
        && builtin_index().best(&r).is_none()
        && by_name(&r).is_some()
}

/// The built-in table indexed once: exact patterns by text (an exact match beats any pattern
/// with `*`), the rest (`*` and `ko://` patterns) scanned in table order. Same answers as
/// [`best_in`] over the table, without matching every reference against every pattern.
struct Index {
    /// Exact patterns without a registry host, compared with the reference's path: entry index.
    by_path: HashMap<&'static str, usize>,
    /// Exact patterns with a registry host, compared with `host/path`.
    by_full: HashMap<&'static str, usize>,
    /// Patterns with `*` or `ko://`: (entry index, pattern), in table order.
    scanned: Vec<(usize, &'static str)>,
    /// The last segment of exact patterns: the entry, or `None` when two entries share it.
    by_last: HashMap<&'static str, Option<usize>>,
}

fn builtin_index() -> &'static Index {
    static I: OnceLock<Index> = OnceLock::new();
    I.get_or_init(|| {
        let mut ix = Index {
            by_path: HashMap::new(),
            by_full: HashMap::new(),
            scanned: Vec::new(),
            by_last: HashMap::new(),
        };
        for (i, e) in builtin().iter().enumerate() {
            for p in &e.patterns {
                let p = p.as_str();
                if p.contains('*') || p.starts_with("ko://") {
                    ix.scanned.push((i, p));
                } else if pattern_has_host(p) {
                    // The first entry of equals wins, as in the table's order.
                    ix.by_full.entry(p).or_insert(i);
                } else {
                    ix.by_path.entry(p).or_insert(i);
                }
                if !p.contains('*') && !p.starts_with("ko://") {
                    let last = p.rsplit('/').next().unwrap_or(p);
                    let slot = ix.by_last.entry(last).or_insert(Some(i));
                    if *slot != Some(i) {
                        *slot = None;
                    }
                }
            }
        }
        ix
    })
}

impl Index {
    fn best(&self, r: &NormalizedRef) -> Option<&'static ImageEntry> {
        let table = builtin();
        if r.scheme.is_none() {
            let full = r.full();
            let exact = [
                self.by_path.get(r.path.as_str()),
                self.by_full.get(full.as_str()),
            ]
            .into_iter()
            .flatten()
            .min();
            if let Some(&i) = exact {
                return table.get(i);
            }
        }
        let full = r.full();
        let mut best: Option<(usize, usize)> = None;
        for &(i, p) in &self.scanned {
            if let Some(s) = score(p, r, &full)
                && best.is_none_or(|(b, _)| s > b)
            {
                best = Some((s, i));
            }
        }
        best.and_then(|(_, i)| table.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_of(image: &str) -> Option<&'static str> {
        lookup(image).map(|e| e.name.as_str())
    }

    #[test]
    fn a_product_name_under_another_registry_is_recognized_by_name_alone() {
        assert_eq!(
            name_of("ghcr.io/zalando/postgres-operator/pgbouncer:v2.0.1"),
            Some("PgBouncer")
        );
        assert!(known_by_name_only(
            "ghcr.io/zalando/postgres-operator/pgbouncer:v2.0.1"
        ));
        assert!(!known_by_name_only("bitnami/pgbouncer:1.22"));
        // Short, generic or shared last names say nothing.
        assert_eq!(name_of("ghcr.io/acme/api:1.0"), None);
        assert_eq!(name_of("ghcr.io/acme/server:1.0"), None);
        assert_eq!(name_of("ghcr.io/acme/operator:1.0"), None);
        assert!(generic_names().contains("gateway"));
        // A name alone never makes an image an already-Wasm one.
        for e in builtin().iter().filter(|e| e.kind == ImageKind::Wasm) {
            for p in e.patterns.iter().filter(|p| !p.contains('*')) {
                let last = p.rsplit('/').next().unwrap();
                let elsewhere = format!("registry.example.com/mirror/{last}");
                assert!(
                    lookup(&elsewhere).is_none_or(|f| f.kind != ImageKind::Wasm),
                    "{elsewhere}"
                );
            }
        }
    }

    #[test]
    fn the_index_answers_as_a_scan_of_the_whole_table() {
        let table = builtin();
        let mut refs: Vec<String> = Vec::new();
        for e in table {
            for p in &e.patterns {
                let p = p.trim_start_matches("ko://");
                refs.push(p.replace('*', "x"));
                refs.push(format!("{}:1.0", p.replace('*', "abc/def")));
                refs.push(format!("docker.io/{}", p.replace('*', "")));
            }
        }
        refs.extend([
            "ko://github.com/acme/x".to_string(),
            "unknown/thing".to_string(),
        ]);
        for reference in &refs {
            let r = normalize(reference);
            let a = best_in(table, &r).map(|e| &e.name);
            let b = builtin_index().best(&r).map(|e| &e.name);
            assert_eq!(a, b, "{reference}");
        }
    }

    #[test]
    fn normalization_takes_references_apart() {
        let n = normalize("Docker.io/Library/Redis:7.2@sha256:abc");
        assert_eq!(
            (
                n.host,
                n.path.as_str(),
                n.tag.as_deref(),
                n.digest.as_deref()
            ),
            (None, "redis", Some("7.2"), Some("sha256:abc"))
        );
        let n = normalize("index.docker.io/bitnami/redis");
        assert_eq!((n.host, n.path.as_str()), (None, "bitnami/redis"));
        let n = normalize("registry-1.docker.io/library/postgres:16");
        assert_eq!((n.host, n.path.as_str()), (None, "postgres"));
        let n = normalize("registry.corp:5000/library/postgres:16");
        assert_eq!(
            (n.host.as_deref(), n.path.as_str(), n.tag.as_deref()),
            (Some("registry.corp:5000"), "postgres", Some("16"))
        );
        let n = normalize("mcr.microsoft.com/dotnet/aspnet:8.0");
        assert_eq!(n.full(), "mcr.microsoft.com/dotnet/aspnet");
        let n = normalize("localhost:5000/golang");
        assert_eq!((n.host.as_deref(), n.tag), (Some("localhost:5000"), None));
        assert!(!n.placeholder);
    }

    #[test]
    fn placeholders_in_tags_are_ignored_and_in_paths_match_nothing() {
        let n = normalize("redis:${REDIS_TAG}");
        assert!(n.placeholder);
        assert_eq!(
            (n.path.as_str(), n.tag.as_deref()),
            ("redis", Some("${REDIS_TAG}"))
        );
        assert_eq!(name_of("redis:${REDIS_TAG}"), Some("Redis"));
        assert_eq!(name_of("postgres:$PG_VERSION"), Some("PostgreSQL"));
        assert_eq!(
            name_of("docker.io/bitnami/postgresql:{{ .Values.image.tag | default \"16\" }}"),
            Some("PostgreSQL")
        );
        // A registry placeholder before an unambiguous path.
        let n = normalize("{{ .Values.global.imageRegistry }}/bitnami/redis:7");
        assert_eq!(
            (n.host.as_deref(), n.path.as_str()),
            (Some("{{ .Values.global.imageRegistry }}"), "bitnami/redis")
        );
        assert_eq!(name_of("${REGISTRY}/redis:7"), Some("Redis"));
        assert_eq!(name_of("$REGISTRY/library/postgres"), Some("PostgreSQL"));
        assert_eq!(name_of("${X}/bitnami/kafka:3"), Some("Kafka"));
        // Placeholders in the path: the name could be anything.
        assert_eq!(name_of("${ORG}/redis:7"), None);
        assert_eq!(name_of("bitnami/${NAME}:1"), None);
        assert_eq!(
            name_of("{{ .Values.image.repository }}:{{ .Values.image.tag }}"),
            None
        );
        assert_eq!(name_of("redis-${FLAVOUR}"), None);
        assert_eq!(name_of("ghcr.io/${ORG}/api"), None);
    }

    #[test]
    fn ko_references_are_go_programs() {
        let n = normalize("ko://github.com/Org/repo/cmd/x");
        assert_eq!(
            (n.scheme.as_deref(), n.path.as_str()),
            (Some("ko"), "github.com/org/repo/cmd/x")
        );
        let e = lookup("ko://github.com/org/repo/cmd/x").unwrap();
        assert_eq!((e.kind, e.runtime), (ImageKind::Static, Runtime::Go));
        // A plain path that happens to look like a Go import path is not ko.
        assert_eq!(name_of("github.com/org/repo/cmd/x"), None);
    }

    #[test]
    fn patterns_keep_their_semantics() {
        // Exact beats `/*`.
        assert_eq!(name_of("confluentinc/cp-kafka:7.6.0"), Some("Kafka"));
        assert_eq!(
            name_of("confluentinc/cp-schema-registry:7.6.0"),
            Some("Confluent Platform")
        );
        assert_eq!(name_of("confluentinc"), None);
        // A longer glob beats a shorter one.
        assert_eq!(
            name_of("registry.access.redhat.com/ubi9/openjdk-21:1.20"),
            Some("Red Hat UBI OpenJDK")
        );
        assert_eq!(
            name_of("registry.access.redhat.com/ubi9/ubi-minimal"),
            Some("Red Hat UBI")
        );
        assert_eq!(
            name_of("mcr.microsoft.com/dotnet/aspnet:8.0"),
            Some("ASP.NET Core")
        );
        assert_eq!(name_of("mcr.microsoft.com/dotnet/monitor:8"), Some(".NET"));
        assert_eq!(name_of("mcr.microsoft.com/dotnet"), None);
        // Any host matches a host-less pattern's path; a host pattern needs its host.
        assert_eq!(
            name_of("localhost:5000/golang:1.23"),
            Some("the Go toolchain")
        );
        assert_eq!(name_of("myregistry.io/gcr.io/distroless/static"), None);
    }

    #[test]
    fn lookalikes_do_not_match() {
        // `ghcr.io/acme/redis` is Redis and `redis-exporter` the Redis exporter by their names
        // (`known_by_name_only`); these are not.
        assert!(known_by_name_only("ghcr.io/acme/redis:1"));
        assert_eq!(name_of("redis-exporter"), Some("Redis exporter"));
        for image in [
            "nodejs",
            "mcr.microsoft.com/dotnet",
            "ghcr.io/deislabs/containerd-wasm-shims/examples",
            "",
            "::::",
            "@",
            "/",
        ] {
            assert_eq!(name_of(image), None, "{image}");
        }
        // An exporter is not the server it watches.
        assert_eq!(
            name_of("oliver006/redis_exporter:v1"),
            Some("Redis exporter")
        );
    }

    #[test]
    fn user_entries_win() {
        // User entries are process-wide: this is the only test that installs any, and no other
        // test looks up the images it overrides (tests run in parallel).
        let mine = parse_entries(
            r#"
[[image]]
match = ["ghcr.io/user-entry-test/*", "photon"]
name = "Acme service"
kind = "app-server"
runtime = "go"
reason = "our Go service"
source = "https://acme.example/docs"
"#,
        )
        .unwrap();
        set_user_entries(mine);
        assert_eq!(
            name_of("ghcr.io/user-entry-test/api:1"),
            Some("Acme service")
        );
        assert_eq!(name_of("photon:5.0"), Some("Acme service"));
        assert_eq!(name_of("redis"), Some("Redis"));
        set_user_entries(Vec::new());
        assert_eq!(name_of("photon:5.0"), Some("Photon OS"));
    }

    #[test]
    fn the_table_is_big_and_sourced() {
        let t = parse_entries(TABLE_TEXT).unwrap();
        assert!(t.len() >= 150, "{} entries", t.len());
        assert_eq!(builtin().len(), t.len());
        for e in &t {
            assert!(
                e.source.starts_with("https://") && e.source.len() > 12,
                "{}: source {:?}",
                e.name,
                e.source
            );
            assert!(!e.reason.trim().is_empty(), "{}", e.name);
            assert!(!e.patterns.is_empty(), "{}", e.name);
            assert_eq!(e.category.is_some(), e.severity.is_some(), "{}", e.name);
            for p in &e.patterns {
                assert_eq!(p, &p.to_ascii_lowercase(), "{p} must be lower-case");
                assert!(
                    !DOCKER_HUB_ALIASES.iter().any(|a| p.starts_with(a))
                        && !p.starts_with("library/"),
                    "{p}: write Docker Hub patterns without host or library/"
                );
            }
        }
    }
}
