//! `WM340` container-script-program: a container's program is a shell script (inline with `sh -c`
//! or mounted from a ConfigMap) that does its work by running command-line tools.

use analyzer::dockerfile::{MAX_SCRIPT_BYTES, ShellCommand, script_commands};
use analyzer::k8s::{ContainerRef, PodSpec};
use analyzer::source::FileId;
use analyzer::span::Span;
use analyzer::yaml::YRef;

use crate::dockerfile::script_table::{Tool, tools_run};
use crate::k8s::common::container_label;
use crate::{ObjectCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reads the shell a container starts with its `command`/`args`: the script of `sh -c
    /// "..."`, or a script file it runs (`sh /scripts/backup.sh`) that a ConfigMap volume
    /// mounts, found as the ConfigMap's `data` entry in the scan or as the file a Kustomize
    /// `configMapGenerator` builds it from. A script that does its work with command-line tools
    /// (`curl`, `psql`, `pg_dump`, `aws`, `sleep`: the `utilities` list of
    /// `rules/data/script-commands.toml`) and never hands over to an application (`exec`) is the
    /// container's program, and every tool is a child process. The finding points at the first
    /// tool, in the manifest or in the script file, and names the others; the container's
    /// `command` is the related location when the script is a file.
    ///
    /// In an init container the finding is a warning: an init step can stay a Linux container
    /// beside the Wasm one in a mixed pod (WASM-FACTS.md §2), as the image rules judge init
    /// images. The same judgement as script-program (WM113) makes for a Dockerfile's start
    /// script.
    /// That a container starts a shell at all is shell-command's finding (WM310).
    ///
    /// ## Why it matters for Wasm
    /// A Wasm module cannot start processes and has no shell (WASM-FACTS.md §5). Backup
    /// CronJobs, cache warmers and init Jobs written as shell scripts are rewritten as programs
    /// or stay on Linux.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: backup
    ///     image: postgres:16
    ///     command: ["sh", "-c", "pg_dump \"$DATABASE_URL\" | gzip > /backup/db.sql.gz"]
    /// ```
    /// `pg_dump` fires (process-spawn, blocker), naming `gzip` too.
    ///
    /// ## How to fix
    /// Keep the job on Linux, or rewrite it as a program that calls the services' APIs itself.
    pub struct ContainerScriptProgram {
        code: "WM340",
        name: "container-script-program",
        category: ProcessSpawn,
        severity: Blocker,
        penalty: 45,
        summary: "a container's program is a shell script that runs other programs",
        help: "keep the job on Linux, or rewrite it as a program that makes the calls itself (HTTP through wasi:http) instead of running command-line tools",
    }
}

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh"];

/// What the container's shell runs.
enum Script<'a> {
    /// `sh -c "<text>"`: the YAML string.
    Inline(YRef<'a>),
    /// `sh /path/script.sh` or `/path/script.sh`: the path and the word naming it.
    File(&'a str, YRef<'a>),
}

fn script_of<'a>(c: &ContainerRef<'a>) -> Option<Script<'a>> {
    let items: Vec<(&str, YRef<'_>)> = ["command", "args"]
        .iter()
        .filter_map(|k| c.node.get(k))
        .flat_map(|l| l.str_items())
        .collect();
    let (first, first_node) = *items.first()?;
    let base = first.rsplit('/').next().unwrap_or(first);
    if SHELLS.contains(&base) {
        let rest = &items[1..];
        if let Some(pos) = rest.iter().position(|(a, _)| {
            a.strip_prefix('-')
                .is_some_and(|f| f.contains('c') && f.chars().all(|c| c.is_ascii_alphabetic()))
        }) {
            return rest.get(pos + 1).map(|(_, n)| Script::Inline(*n));
        }
        return rest
            .iter()
            .find(|(a, _)| !a.starts_with('-'))
            .map(|(a, n)| Script::File(a, *n));
    }
    (base.ends_with(".sh") || base.ends_with(".bash")).then_some(Script::File(first, first_node))
}

/// The ConfigMap key a container's mounted file comes from: (ConfigMap name, key).
fn mounted_config_map<'a>(
    spec: &PodSpec<'a>,
    c: &ContainerRef<'a>,
    path: &str,
) -> Option<(&'a str, String)> {
    for m in c.node.get("volumeMounts")?.items() {
        let mount = m.get("mountPath").and_then(|p| p.as_str())?;
        let rest = path
            .strip_prefix(mount.trim_end_matches('/'))
            .and_then(|r| r.strip_prefix('/'));
        let (Some(rest), Some(vol)) = (rest, m.get("name").and_then(|n| n.as_str())) else {
            continue;
        };
        let sub = m.get("subPath").and_then(|s| s.as_str());
        let cm = spec.volume(vol)?.get("configMap")?;
        let name = cm.get("name").and_then(|n| n.as_str())?;
        let rest = sub.map_or(rest.to_string(), |s| format!("{s}/{rest}"));
        let key = cm
            .get("items")
            .into_iter()
            .flat_map(|i| i.items())
            .find(|i| i.get("path").and_then(|p| p.as_str()) == Some(rest.as_str()))
            .and_then(|i| i.get("key").and_then(|k| k.as_str()))
            .map_or(rest.clone(), str::to_string);
        return Some((name, key));
    }
    None
}

/// The script text of a ConfigMap key: a `data` entry of a ConfigMap in the scan (file, node),
/// or the file a Kustomize `configMapGenerator` reads (file id).
enum Source<'a> {
    Data(FileId, YRef<'a>),
    File(FileId),
}

fn find_config_map<'r>(cx: &ObjectCx<'r>, name: &str, key: &str) -> Option<Source<'r>> {
    let repo = cx.repo;
    for o in repo
        .objects
        .iter()
        .filter(|o| o.kind == "ConfigMap" && o.name == name)
    {
        let Some(doc) = repo.doc_of(o) else { continue };
        if let Some(v) = o.root(doc).get("data").and_then(|d| d.get(key)) {
            return Some(Source::Data(o.file, v));
        }
    }
    for k in repo.kustomizations.values() {
        let Some(stream) = repo.yaml.get(&k.file) else {
            continue;
        };
        for doc in &stream.docs {
            let Some(gens) = doc.root().and_then(|r| r.get("configMapGenerator")) else {
                continue;
            };
            for g in gens.items() {
                if g.get("name").and_then(|n| n.as_str()) != Some(name) {
                    continue;
                }
                for (f, _) in g.get("files").into_iter().flat_map(|f| f.str_items()) {
                    let (k2, p) = f.split_once('=').unwrap_or((f.rsplit('/').next()?, f));
                    if k2 != key {
                        continue;
                    }
                    let path = if k.dir.is_empty() {
                        p.to_string()
                    } else {
                        format!("{}/{p}", k.dir)
                    };
                    if let Some(file) = repo.file_by_path(&path) {
                        return Some(Source::File(file.id));
                    }
                }
            }
        }
    }
    None
}

/// The span of `word` as a whole word inside `within` of `text`, else `within` itself.
fn locate(text: &str, within: Span, word: &str) -> Span {
    let slice = text.get(within.start..within.end).unwrap_or("");
    let bytes = slice.as_bytes();
    let boundary = |i: usize| {
        i >= bytes.len()
            || !(bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'-')
    };
    let mut from = 0;
    while let Some(pos) = slice.get(from..).and_then(|s| s.find(word)) {
        let at = from + pos;
        if (at == 0 || boundary(at - 1)) && boundary(at + word.len()) {
            return Span::new(within.start + at, within.start + at + word.len());
        }
        from = at + word.len();
    }
    within
}

/// An init step only has to start as a Linux container beside the Wasm one.
fn lower_for_init(hit: &mut crate::Hit) {
    hit.severity(crate::Severity::Warning).help(
        "as an init step it can stay a Linux container beside the Wasm one if your shim runs mixed pods (runwasi and the Spin shim do); or drop a wait-for loop and let the module retry",
    );
}

fn message(what: &str, tools: &[Tool]) -> String {
    let names: Vec<String> = tools
        .iter()
        .take(6)
        .map(|t| format!("`{}`", t.name))
        .collect();
    format!(
        "{what} is the container's program and runs {} as child processes; a Wasm module cannot start processes",
        names.join(", ")
    )
}

impl Rule for ContainerScriptProgram {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let Some(spec) = cx.pod_spec() else { return };
        for c in spec.containers() {
            let who = container_label(&c);
            // An init step (a wait-for loop, a schema load) can stay a Linux container beside the
            // Wasm one in a mixed pod (WASM-FACTS.md §2), as the image rules judge init images.
            let init = c.is_init() || c.role == analyzer::k8s::ContainerRole::Ephemeral;
            match script_of(&c) {
                Some(Script::Inline(node)) => {
                    let Some(text) = node.as_str().filter(|t| t.len() <= MAX_SCRIPT_BYTES) else {
                        continue;
                    };
                    let commands = script_commands(text);
                    let tools = tools_run(&commands, text, 0);
                    let Some(first) = tools.first() else { continue };
                    let span = locate(&cx.file.text, node.span(), &first.name);
                    let hit = sink.report(
                        cx.object.file,
                        span,
                        message(&format!("the `sh -c` script of {who}"), &tools),
                    );
                    if init {
                        lower_for_init(hit);
                    }
                }
                Some(Script::File(path, word)) => {
                    let Some((cm, key)) = mounted_config_map(&spec, &c, path) else {
                        continue;
                    };
                    let (file, text, within): (FileId, &str, Option<Span>) =
                        match find_config_map(cx, cm, &key) {
                            Some(Source::Data(file, node)) => {
                                let Some(text) = node.as_str() else { continue };
                                (file, text, Some(node.span()))
                            }
                            Some(Source::File(file)) => (file, &*cx.repo.file(file).text, None),
                            None => continue,
                        };
                    // Lexing keeps an offset per byte: a huge "script" is not read (as for
                    // the start scripts of images, docs/security.md).
                    if text.len() > MAX_SCRIPT_BYTES {
                        continue;
                    }
                    let commands: Vec<ShellCommand> = script_commands(text);
                    let tools = tools_run(&commands, text, 0);
                    let Some(first) = tools.first() else { continue };
                    let span = match within {
                        Some(w) => locate(&cx.repo.file(file).text, w, &first.name),
                        None => first.span,
                    };
                    let hit = sink
                        .report(
                            file,
                            span,
                            message(
                                &format!("`{path}` (ConfigMap `{cm}`, key `{key}`), run by {who},"),
                                &tools,
                            ),
                        )
                        .related(
                            cx.object.file,
                            word.span(),
                            format!("{who} runs `{path}` here"),
                        );
                    if init {
                        lower_for_init(hit);
                    }
                }
                None => {}
            }
        }
    }
}
