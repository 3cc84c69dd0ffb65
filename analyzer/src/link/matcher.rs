//! The scored token matcher: which Dockerfile of the repository builds an image nobody declared.
//!
//! Each Dockerfile is indexed under the names its path gives it (its own `Dockerfile.NAME`
//! suffix, its non-generic ancestor directories, those joined with `-`, the repository's name
//! when it sits at the root) with a score; each image is looked up under the names it can go by
//! (its last path segment with version suffixes stripped, without the prefix every image of its
//! namespace shares, without a kind word such as `-service`, its tag) with a penalty. Names are
//! compared squashed (`cart_service`, `cart-service` and `cartservice` are one key), so a lookup
//! is a few hash probes: linear in images plus Dockerfiles, never their product.
//!
//! A link needs a **unique** best score of at least [`THRESHOLD`]; when two Dockerfiles tie, the
//! image stays unlinked and the caller reports both (docs/linking.md).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::build_config::dir_of;
use crate::k8s::ImageName;

/// The lowest score that links.
pub const THRESHOLD: i32 = 60;

/// The word lists (rules/data/linking.toml).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Words {
    #[serde(default)]
    generic_dir: Vec<WordList>,
    #[serde(default)]
    variant: Vec<WordList>,
    #[serde(default)]
    image_suffix: Vec<WordList>,
    #[serde(default)]
    generic_env: Vec<WordList>,
    #[serde(default)]
    role_word: Vec<WordList>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)] // `reason` and `source` document the data; the code reads `words`.
struct WordList {
    words: Vec<String>,
    reason: String,
    source: String,
}

/// The table's text, also checked by a test.
pub const TABLE_TEXT: &str = include_str!("../../../rules/data/linking.toml");

/// The lists as sets, built once.
struct Sets {
    generic_dir: HashSet<String>,
    variant: HashSet<String>,
    image_suffix: HashSet<String>,
    generic_env: HashSet<String>,
    role_word: HashSet<String>,
}

fn sets() -> &'static Sets {
    static S: OnceLock<Sets> = OnceLock::new();
    S.get_or_init(|| {
        let w: Words = toml::from_str(TABLE_TEXT).unwrap_or_default();
        let set = |lists: &[WordList]| {
            lists
                .iter()
                .flat_map(|l| l.words.iter().cloned())
                .collect::<HashSet<String>>()
        };
        Sets {
            generic_dir: set(&w.generic_dir),
            variant: set(&w.variant),
            image_suffix: set(&w.image_suffix),
            generic_env: set(&w.generic_env),
            role_word: set(&w.role_word),
        }
    })
}

/// A directory name that says how the repository is laid out, not which program is there.
pub fn is_generic_dir(name: &str) -> bool {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        sets().generic_dir.contains(&name.to_ascii_lowercase())
    } else {
        sets().generic_dir.contains(name)
    }
}

/// An environment variable name too common to tell services apart (`PORT`, `NODE_ENV`).
pub fn is_generic_env(name: &str) -> bool {
    sets().generic_env.contains(name)
}

fn is_variant(name: &str) -> bool {
    sets().variant.contains(name)
}

fn is_image_suffix(name: &str) -> bool {
    sets().image_suffix.contains(name)
}

/// Lower-case tokens of a name: `Cart_Service.v2` -> `cart`, `service`, `v2`.
fn tokens(s: &str) -> Vec<String> {
    s.split(['-', '_', '.'])
        .filter(|t| !t.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// The lookup key: tokens run together (`cart-service` and `cartservice` are one program).
fn squash(tokens: &[String]) -> String {
    tokens.concat()
}

/// `squash(strip_versions(tokens(s)))` in one pass and one allocation: the index key of a name.
fn key(s: &str) -> String {
    let parts = || s.split(['-', '_', '.']).filter(|t| !t.is_empty());
    let n = parts().count();
    let versions = parts()
        .rev()
        .take_while(|t| is_version_token(&t.to_ascii_lowercase()))
        .count();
    let keep = n - versions.min(n.saturating_sub(1));
    let mut out = String::with_capacity(s.len());
    for t in parts().take(keep) {
        out.extend(t.chars().map(|c| c.to_ascii_lowercase()));
    }
    out
}

/// `v2`, `1`, `1.2.3` as separate tokens: `v`, digits.
fn is_version_token(t: &str) -> bool {
    let digits = t.strip_prefix('v').unwrap_or(t);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Drop trailing version tokens (`users-v2` -> `users`), never all of them.
fn strip_versions(mut t: Vec<String>) -> Vec<String> {
    while t.len() > 1 && t.last().is_some_and(|l| is_version_token(l)) {
        t.pop();
    }
    t
}

/// One Dockerfile, indexed.
#[derive(Clone, Debug)]
pub struct Indexed<T> {
    pub item: T,
    pub path: String,
}

/// Why a Dockerfile was chosen: the score and the words for `linked_by`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scored {
    pub index: usize,
    pub score: i32,
    /// The image's name that matched (`image name `cart``).
    pub how: String,
    /// The Dockerfile's name it matched (`directory `cart``).
    pub what: String,
}

/// The matcher's answer for one image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Match {
    /// A unique best candidate.
    Linked(Scored),
    /// Two or more candidates share the best score: nothing is linked.
    Tie(Vec<Scored>),
    None,
}

/// Which of a Dockerfile's names an index entry is; put into words only for an answer.
#[derive(Clone, Copy, Debug)]
enum What {
    FileName,
    /// The named (non-generic) directory this many levels up.
    Dir(usize),
    /// This many nearest named directories, joined.
    Joined(usize),
    /// The Dockerfile's own directory, though its name is generic.
    GenericDir,
    /// The repository name of this index.
    RepoName(usize),
}

/// Dockerfiles by the names their paths give them.
#[derive(Debug)]
pub struct Matcher<T> {
    pub dockerfiles: Vec<Indexed<T>>,
    /// Squashed name -> (Dockerfile index, score, which name it is).
    index: HashMap<String, Vec<(usize, i32, What)>>,
    repo_names: Vec<String>,
    /// Namespace (repository without its last segment) -> tokens every image of it starts with.
    shared_prefix: HashMap<String, Vec<String>>,
}

/// Most ancestor directories a Dockerfile is indexed under (deeper ones are layout, not names).
const MAX_DEPTH: usize = 6;

impl<T: Copy> Matcher<T> {
    /// Index `dockerfiles` (item, repo-relative path). `repo_names` are the names the repository
    /// goes by (docs/linking.md says where they come from); `images` are every image reference of
    /// the repository, for the shared prefixes.
    pub fn new<'a>(
        dockerfiles: Vec<(T, String)>,
        repo_names: &[String],
        images: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let mut m = Matcher {
            dockerfiles: Vec::with_capacity(dockerfiles.len()),
            index: HashMap::new(),
            repo_names: repo_names.to_vec(),
            shared_prefix: shared_prefixes(images),
        };
        for (i, (item, path)) in dockerfiles.into_iter().enumerate() {
            m.index_one(i, &path);
            m.dockerfiles.push(Indexed { item, path });
        }
        m
    }

    fn add(&mut self, key: String, i: usize, score: i32, what: What) {
        if key.is_empty() {
            return;
        }
        let e = self.index.entry(key).or_default();
        match e.iter_mut().find(|(j, _, _)| *j == i) {
            Some(slot) if slot.1 >= score => {}
            Some(slot) => *slot = (i, score, what),
            None => e.push((i, score, what)),
        }
    }

    fn index_one(&mut self, i: usize, path: &str) {
        let file = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
        let stem = file
            .strip_prefix("dockerfile.")
            .or_else(|| file.strip_prefix("containerfile."))
            .or_else(|| file.strip_suffix(".dockerfile"))
            .or_else(|| file.strip_suffix(".containerfile"));
        // A variant (`Dockerfile.dev`) is one point behind the plain Dockerfile beside it.
        let variant = stem.is_some_and(|s| tokens(s).iter().all(|t| is_variant(t)));
        let penalty = if variant { 3 } else { 0 };
        if let Some(stem) = stem.filter(|_| !variant) {
            self.add(key(stem), i, 100, What::FileName);
        }
        let (segs, named) = named_dirs(path);
        for (depth, seg) in named.iter().enumerate() {
            // Nearest first; the sixth ancestor still reaches the threshold.
            let score = 95 - 6 * depth as i32 - penalty;
            self.add(key(seg), i, score, What::Dir(depth));
        }
        // `tools/Dockerfile` still builds an image named `tools`: a generic name of the
        // Dockerfile's own directory counts, below any real name.
        if let Some(seg) = segs
            .first()
            .filter(|s| is_generic_dir(s) && (stem.is_none() || variant))
        {
            self.add(key(seg), i, 72 - penalty, What::GenericDir);
        }
        // `shop/cart` is also `shop-cart`: runs of named directories joined, nearest last.
        for len in 2..=named.len().min(3) {
            let key: String = named[..len]
                .iter()
                .rev()
                .map(|s| squash(&tokens(s)))
                .collect();
            self.add(key, i, 92 - penalty, What::Joined(len));
        }
        // A Dockerfile at the root (or only under generic directories) builds the repository's
        // own program, unless its name says it builds another one (`deploy/billing.Dockerfile`).
        if named.is_empty() && segs.len() <= 2 && (stem.is_none() || variant) {
            for n in 0..self.repo_names.len() {
                // The root itself first: `Dockerfile` beside `docker/Dockerfile` wins.
                let score = 90 - 2 * segs.len() as i32 - penalty;
                self.add(key(&self.repo_names[n]), i, score, What::RepoName(n));
            }
        }
    }

    /// The Dockerfile that builds `image`, a tie, or nothing.
    pub fn find(&self, image: &str) -> Match {
        let name = ImageName::parse(image);
        let queries = self.queries(&name);
        // (score, query, index entry) per Dockerfile; the words are made for the winners only.
        let mut best: BTreeMap<usize, (i32, usize, usize)> = BTreeMap::new();
        for (qi, (key, penalty, _)) in queries.iter().enumerate() {
            let Some(entries) = self.index.get(key) else {
                continue;
            };
            for (ei, (i, score, _)) in entries.iter().enumerate() {
                let s = score - penalty;
                if best.get(i).is_none_or(|b| s > b.0) {
                    best.insert(*i, (s, qi, ei));
                }
            }
        }
        let mut ranked: Vec<(usize, (i32, usize, usize))> =
            best.into_iter().filter(|(_, b)| b.0 >= THRESHOLD).collect();
        ranked.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
        let scored = |&(index, (score, qi, ei)): &(usize, (i32, usize, usize))| {
            let (key, _, how) = &queries[qi];
            Scored {
                index,
                score,
                how: how.describe(&name),
                what: self.describe(index, self.index[key][ei].2),
            }
        };
        match ranked.as_slice() {
            [] => Match::None,
            [one] => Match::Linked(scored(one)),
            [a, b, ..] if a.1.0 > b.1.0 => Match::Linked(scored(a)),
            _ => {
                let top = ranked[0].1.0;
                Match::Tie(ranked.iter().filter(|r| r.1.0 == top).map(scored).collect())
            }
        }
    }

    /// An index entry in words: `directory `cart``.
    fn describe(&self, i: usize, what: What) -> String {
        let path = &self.dockerfiles[i].path;
        let (_, named) = named_dirs(path);
        match what {
            What::FileName => format!(
                "Dockerfile name `{}`",
                path.rsplit('/').next().unwrap_or(path)
            ),
            What::Dir(d) => format!("directory `{}`", named.get(d).copied().unwrap_or("")),
            What::GenericDir => format!(
                "directory `{}`",
                named_dirs(path).0.first().copied().unwrap_or("")
            ),
            What::Joined(len) => {
                let run: Vec<&str> = named.iter().take(len).rev().copied().collect();
                format!("directories `{}` joined", run.join("/"))
            }
            What::RepoName(n) => format!(
                "image named like the repository `{}`, root Dockerfile",
                self.repo_names.get(n).map_or("", String::as_str)
            ),
        }
    }

    /// The names an image can go by: (squashed key, penalty, which name it is).
    fn queries(&self, name: &ImageName) -> Vec<(String, i32, How)> {
        let repo = name.repository.to_ascii_lowercase();
        let short = repo.rsplit('/').next().unwrap_or(&repo);
        let mut out: Vec<(String, i32, How)> = Vec::new();
        let mut push = |t: &[String], penalty: i32, how: How| {
            let key = squash(t);
            if !key.is_empty() && !out.iter().any(|(k, p, _)| *k == key && *p <= penalty) {
                out.push((key, penalty, how));
            }
        };
        let base = strip_versions(tokens(short));
        push(&base, 0, How::Name);
        // `acme-shop-cart` beside `acme-shop-users`: the shared `acme-shop` names no program.
        let mut stripped: &[String] = &base;
        if let Some(prefix) = self.shared_prefix.get(dir_of(&repo))
            && base.len() > prefix.len()
            && base.starts_with(prefix)
        {
            stripped = &base[prefix.len()..];
            push(stripped, 5, How::WithoutPrefix(prefix.join("-")));
        }
        // `k8s-image-awaiter` beside `configurable-http-proxy`: a project prefix only some of
        // the namespace's images carry. Up to two leading words go, at a higher cost than a kind
        // word, and never down to a kind or role word alone (`payments-api` is not the `api`
        // program, `access-operator` not the repository's `operator`).
        // A public image the knowledge base knows is what it is, not a program built here.
        if base.len() > 1 && crate::images::lookup(&repo).is_none() {
            for k in 1..base.len().min(3) {
                let rest = &base[k..];
                let lone_kind = rest.len() == 1
                    && (is_image_suffix(&rest[0]) || sets().role_word.contains(&rest[0]));
                if !lone_kind && squash(rest).len() >= 3 {
                    push(rest, 20 * k as i32, How::WithoutLead(base[..k].join("-")));
                }
            }
        }
        // `cart-service` is the `cart` program's image.
        for t in [&base[..], stripped] {
            if t.len() > 1 && t.last().is_some_and(|l| is_image_suffix(l)) {
                let suffix = t[t.len() - 1].clone();
                push(&t[..t.len() - 1], 15, How::WithoutSuffix(suffix));
            }
        }
        // `ghcr.io/acme/shop/cart` is also `shop-cart`.
        let segs: Vec<&str> = name.path().split('/').collect();
        if segs.len() >= 3 {
            let joined = segs[segs.len() - 2..].join("/");
            push(
                &strip_versions(tokens(&joined.replace('/', "-"))),
                0,
                How::Path(joined),
            );
        }
        // `acme/shop:cart-1.4` names the `cart` variant of one repository.
        if let Some(tag) = &name.tag {
            let t: Vec<String> = tokens(tag)
                .into_iter()
                .filter(|t| !is_version_token(t) && !is_floating_tag(t))
                .collect();
            if !t.is_empty() {
                push(&t, 25, How::Tag);
            }
        }
        out
    }
}

/// Which of an image's names matched, turned into words only for the answer.
#[derive(Clone, Debug)]
enum How {
    Name,
    WithoutPrefix(String),
    WithoutSuffix(String),
    WithoutLead(String),
    Path(String),
    Tag,
}

impl How {
    fn describe(&self, name: &ImageName) -> String {
        let short = name.short_name().to_ascii_lowercase();
        match self {
            How::Name => format!("image name `{short}`"),
            How::WithoutPrefix(p) => {
                format!("image name `{short}` without the shared prefix `{p}`")
            }
            How::WithoutSuffix(s) => format!("image name `{short}` without `-{s}`"),
            How::WithoutLead(p) => format!("image name `{short}` without the leading `{p}-`"),
            How::Path(p) => format!("image path `{p}`"),
            How::Tag => format!("tag `{}`", name.tag.as_deref().unwrap_or("")),
        }
    }
}

/// A path's directories nearest first (at most [`MAX_DEPTH`]), and those of them that are not
/// generic.
fn named_dirs(path: &str) -> (Vec<&str>, Vec<&str>) {
    let segs: Vec<&str> = dir_of(path)
        .split('/')
        .filter(|s| !s.is_empty())
        .rev()
        .take(MAX_DEPTH)
        .collect();
    let named = segs
        .iter()
        .copied()
        .filter(|s| !is_generic_dir(s))
        .collect();
    (segs, named)
}

/// Tags that name no variant: `latest`, `main`, `stable`, a commit-ish.
fn is_floating_tag(t: &str) -> bool {
    matches!(
        t,
        "latest" | "main" | "master" | "stable" | "edge" | "nightly" | "dev" | "snapshot" | "head"
    ) || (t.len() >= 7 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        || t.starts_with('$')
        || t.contains('{')
}

/// Per namespace, the leading tokens every image of it shares, when at least two of its names
/// keep tokens of their own after it.
fn shared_prefixes<'a>(images: impl IntoIterator<Item = &'a str>) -> HashMap<String, Vec<String>> {
    /// Per namespace: the common leading tokens so far (`None` once nothing is shared), and the
    /// distinct names seen, kept only while there is a prefix (thousands of unrelated images
    /// cost one comparison each, no quadratic dedupe and no copies).
    struct Acc {
        prefix: Option<Vec<String>>,
        names: HashSet<String>,
    }
    let mut by_ns: HashMap<String, Acc> = HashMap::new();
    for image in images {
        let name = ImageName::parse(image);
        let repo = name.repository.to_ascii_lowercase();
        let (ns, short) = repo.rsplit_once('/').unwrap_or(("", &repo));
        let acc = by_ns.entry(ns.to_string()).or_insert_with(|| Acc {
            prefix: Some(strip_versions(tokens(short))),
            names: HashSet::new(),
        });
        let Some(prefix) = &mut acc.prefix else {
            continue;
        };
        let t = strip_versions(tokens(short));
        let common = prefix.iter().zip(&t).take_while(|(a, b)| a == b).count();
        prefix.truncate(common);
        if prefix.is_empty() {
            acc.prefix = None;
            acc.names = HashSet::new();
        } else {
            acc.names.insert(squash(&t));
        }
    }
    let mut out = HashMap::new();
    for (ns, acc) in by_ns {
        let Some(prefix) = acc.prefix else { continue };
        // A name that is only the prefix is the repository's main image (`acme/shop` beside
        // `acme/shop-cart`); the prefix is still shared by the others.
        let whole = squash(&prefix);
        let longer = acc.names.iter().filter(|n| **n != whole).count();
        if longer >= 2 {
            out.insert(ns, prefix);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(paths: &[&str], names: &[&str], images: &[&str]) -> Matcher<usize> {
        let dfs = paths
            .iter()
            .enumerate()
            .map(|(i, p)| (i, p.to_string()))
            .collect();
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        Matcher::new(dfs, &names, images.iter().copied())
    }

    fn linked(m: &Matcher<usize>, image: &str) -> Option<String> {
        match m.find(image) {
            Match::Linked(s) => Some(m.dockerfiles[s.index].path.clone()),
            _ => None,
        }
    }

    #[test]
    fn the_table_parses_and_every_list_has_a_source() {
        let w: Words = toml::from_str(TABLE_TEXT).expect("linking.toml parses");
        assert!(!sets().generic_dir.is_empty() && !sets().image_suffix.is_empty());
        for l in w
            .generic_dir
            .iter()
            .chain(&w.variant)
            .chain(&w.image_suffix)
            .chain(&w.generic_env)
            .chain(&w.role_word)
        {
            assert!(l.source.starts_with("https://"), "{l:?}");
            assert!(!l.reason.is_empty() && !l.words.is_empty());
        }
        assert!(is_generic_dir("src") && is_generic_dir("Docker") && !is_generic_dir("cart"));
    }

    #[test]
    fn a_project_prefix_only_some_images_carry_is_dropped_at_a_cost() {
        let images = [
            "quay.io/hub/k8s-image-awaiter:set-by-ci",
            "quay.io/hub/configurable-http-proxy:4",
            "ghcr.io/acme/payments-api",
            "ghcr.io/acme/acme-ledger",
        ];
        let m = matcher(
            &[
                "images/image-awaiter/Dockerfile",
                "api/Dockerfile",
                "ledger/Dockerfile",
                "acme-ledger/Dockerfile",
            ],
            &["hub"],
            &images,
        );
        // Not every image of `quay.io/hub` starts with `k8s-`: the leading word goes, at 20.
        assert_eq!(
            linked(&m, images[0]).as_deref(),
            Some("images/image-awaiter/Dockerfile")
        );
        assert!(
            matches!(m.find(images[0]), Match::Linked(s) if s.score == 75),
            "95 for the directory, 20 for the dropped word"
        );
        // Down to a kind word alone is no program's name.
        assert_eq!(linked(&m, images[2]), None);
        // Nor down to a role: `docker-images/operator` builds one operator, not all of them.
        let role = matcher(
            &["docker-images/operator/Dockerfile"],
            &["x"],
            &["quay.io/acme/access-operator:0.3"],
        );
        assert_eq!(linked(&role, "quay.io/acme/access-operator:0.3"), None);
        // The exact name wins over the shortened one.
        assert_eq!(
            linked(&m, images[3]).as_deref(),
            Some("acme-ledger/Dockerfile")
        );
        // A public image the knowledge base knows is never shortened onto a directory.
        let known = matcher(&["exporter/Dockerfile"], &["x"], &["prom/node-exporter:v1"]);
        assert_eq!(linked(&known, "prom/node-exporter:v1"), None);
    }

    #[test]
    fn names_from_paths_and_images() {
        let images = [
            "ghcr.io/acme/acme-shop-cart:1.0",
            "ghcr.io/acme/acme-shop-users-v2:1.0",
            "ghcr.io/acme/acme-shop-billing",
        ];
        let m = matcher(
            &[
                "src/services/cart/docker/Dockerfile",
                "users/Dockerfile",
                "users/Dockerfile.dev",
                "deploy/billing.Dockerfile",
                "Dockerfile",
                "apps/shop/search/Dockerfile",
                "tools/Dockerfile",
            ],
            &["shop"],
            &images,
        );
        assert_eq!(
            linked(&m, images[0]).as_deref(),
            Some("src/services/cart/docker/Dockerfile")
        );
        // Version suffix and shared prefix stripped; the plain Dockerfile beats the variant.
        assert_eq!(linked(&m, images[1]).as_deref(), Some("users/Dockerfile"));
        assert_eq!(
            linked(&m, images[2]).as_deref(),
            Some("deploy/billing.Dockerfile")
        );
        assert_eq!(
            linked(&m, "acme/shop:latest").as_deref(),
            Some("Dockerfile")
        );
        assert_eq!(
            linked(&m, "acme/shop-search").as_deref(),
            Some("apps/shop/search/Dockerfile")
        );
        assert_eq!(
            linked(&m, "acme/search-service").as_deref(),
            Some("apps/shop/search/Dockerfile")
        );
        assert_eq!(
            linked(&m, "acme/monolith:cart-1.2").as_deref(),
            Some("src/services/cart/docker/Dockerfile")
        );
        assert_eq!(linked(&m, "redis:7"), None);
        // A generic directory name still names its own Dockerfile, below real names.
        assert_eq!(
            linked(&m, "acme/tools").as_deref(),
            Some("tools/Dockerfile")
        );
        assert_eq!(linked(&m, "acme/deploy"), None);
        assert_eq!(linked(&m, "acme/checkout"), None);
    }

    #[test]
    fn key_is_the_squashed_name_without_versions() {
        for s in [
            "Cart_Service-v2",
            "cart-service.1.4",
            "1.2",
            "v3",
            "",
            "--",
            "a-V2-b",
        ] {
            assert_eq!(key(s), squash(&strip_versions(tokens(s))), "{s}");
        }
    }

    #[test]
    fn a_tie_links_nothing_and_names_both() {
        let m = matcher(&["cart/Dockerfile", "legacy/cart/Dockerfile"], &[], &[]);
        match m.find("acme/cart") {
            Match::Tie(c) => {
                assert_eq!(c.len(), 1 + 1, "{c:?}");
            }
            other => panic!("{other:?}"),
        }
    }
}
