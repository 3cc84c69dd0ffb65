//! `WM113` script-program: the image's program is a shell script that does its work by running
//! other programs.

use analyzer::dockerfile::{InstructionKind, ShellUseKind};
use analyzer::source::FileId;
use analyzer::span::Span;

use crate::dockerfile::script_table::{Tool, tools_run};
use crate::{DockerfileCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Judges the start command of the final image when it is shell: the scripts it starts
    /// (read from the repository, as script-command (WM112) does) and a shell-form or `sh -c`
    /// command line itself. A script that hands over to a program (`exec /app/server "$@"`, or
    /// ends by starting one) is a wrapper and is left to shell-entrypoint (WM102). A script that
    /// instead does its work by running command-line tools (`aws`, `curl`, `psql`, `pg_dump`,
    /// `sleep`: the `utilities` list of `rules/data/script-commands.toml`) and ends with one of
    /// them *is* the program: every tool is a child process. The finding points at the first
    /// tool and names the others; the Dockerfile line that starts the script is the related
    /// location.
    ///
    /// The shell's own commands (`echo`, `test`, `read`, `export`, loops) are not processes and
    /// do not count.
    ///
    /// ## Why it matters for Wasm
    /// A Wasm module cannot start processes (WASI has no fork or exec, WASM-FACTS.md §5), and
    /// there is no shell to run the script in. An init Job or a backup CronJob written as a shell
    /// script has no Wasm build: it is rewritten as a program that calls the services' APIs
    /// itself, or stays a Linux container.
    ///
    /// ## Example
    /// ```sh
    /// #!/bin/sh -e
    /// until curl -sf "$ENDPOINT"; do sleep 1; done
    /// aws dynamodb create-table --cli-input-json file://tables.json
    /// ```
    /// `curl` fires (process-spawn, blocker), naming `sleep` and `aws` too.
    ///
    /// ## How to fix
    /// Keep the Job on Linux, or rewrite it as a small program that makes the calls itself (HTTP
    /// through wasi:http; the service's API instead of its command-line client).
    pub struct ScriptProgram {
        code: "WM113",
        name: "script-program",
        category: ProcessSpawn,
        severity: Blocker,
        penalty: 45,
        summary: "the image's program is a shell script that runs other programs",
        help: "keep the job on Linux, or rewrite it as a program that makes the calls itself (HTTP through wasi:http) instead of running command-line tools",
    }
}

fn report(
    sink: &mut Sink<'_>,
    file: FileId,
    tools: &[Tool],
    what: &str,
    start: (FileId, Span, String),
) {
    let Some(first) = tools.first() else {
        return;
    };
    let names: Vec<String> = tools
        .iter()
        .take(6)
        .map(|t| format!("`{}`", t.name))
        .collect();
    let more = tools.len().saturating_sub(6);
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    sink.report(
        file,
        first.span,
        format!(
            "{what} is the image's program and runs {}{more} as child processes; a Wasm module cannot start processes",
            names.join(", ")
        ),
    )
    .related(start.0, start.1, start.2);
}

impl Rule for ScriptProgram {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_dockerfile(&self, cx: &DockerfileCx<'_>, sink: &mut Sink<'_>) {
        let df = cx.dockerfile;
        for s in cx
            .repo
            .entrypoint_scripts
            .get(&cx.file.id)
            .into_iter()
            .flatten()
        {
            let Some(commands) = cx.repo.script_commands.get(&s.script) else {
                continue;
            };
            let tools = tools_run(commands, &cx.repo.file(s.script).text, 0);
            let path = &cx.repo.file(s.script).path;
            report(
                sink,
                s.script,
                &tools,
                &format!("`{path}`"),
                (
                    cx.file.id,
                    s.word,
                    format!("the image starts `{}` here", s.image_path),
                ),
            );
        }
        // A shell-form or `sh -c` start command is a script of its own.
        for u in df.shell_uses() {
            if !matches!(u.kind, ShellUseKind::ShellForm | ShellUseKind::DashC) {
                continue;
            }
            let Some(ins) = df.instruction(u.at) else {
                continue;
            };
            let (InstructionKind::Entrypoint(c) | InstructionKind::Cmd(c)) = &ins.kind else {
                continue;
            };
            // The command line as written (continuations included), where its spans point.
            let (text, base) = c
                .script
                .as_ref()
                .map_or(("", 0), |w| (cx.file.slice(w.span), w.span.start));
            let tools = tools_run(&c.commands, text, base);
            report(
                sink,
                cx.file.id,
                &tools,
                &format!("the `{}` command line", u.keyword),
                (
                    cx.file.id,
                    u.span,
                    format!("`{}` runs a shell here", u.keyword),
                ),
            );
        }
    }
}
