//! `WM340` container-script-program: a container's program is a shell script (inline with `sh -c`
//! or mounted from a ConfigMap) that does its work by running command-line tools.

use analyzer::container_script::{Script, Source, find_config_map, mounted_config_map, script_of};
use analyzer::dockerfile::{MAX_SCRIPT_BYTES, ShellCommand, script_commands};
use analyzer::source::FileId;
use analyzer::span::Span;

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
                        match find_config_map(cx.repo, cm, &key) {
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
