//! `WM102` shell-entrypoint: the image's start command runs a shell or a shell script.

use analyzer::dockerfile::{CommandLine, Form, InstrRef, InstructionKind, ShellUseKind};

use crate::dockerfile::common::shorten;
use crate::{DockerfileCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Looks at the ENTRYPOINT and CMD the final image really starts with (the last ones of the
    /// final stage and the stages it is built `FROM`; an exec-form ENTRYPOINT makes CMD mere
    /// arguments) and flags:
    /// - the shell form (`CMD node server.js` runs `/bin/sh -c "node server.js"`);
    /// - a shell in the exec form: `["sh", "-c", "..."]`, `["bash", "start.sh"]`, `["bash"]`,
    ///   also behind `tini --` or `dumb-init`;
    /// - a shell script as the program (`["/docker-entrypoint.sh"]`).
    ///
    /// An exec-form ENTRYPOINT or CMD that starts a program directly does not fire, and neither
    /// does a shell-form CMD behind an exec-form ENTRYPOINT (it only becomes arguments).
    ///
    /// ## Why it matters for Wasm
    /// A Wasm image has no shell: the module is the program, and WASI has no processes, so there
    /// is nothing to interpret a script or to `exec` what it starts. A start command that relies
    /// on a shell (variable expansion, `&&` chains, setup steps in an entrypoint script) has to
    /// become the module's own start-up code or its arguments.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY . /app
    /// CMD cd /app && node server.js
    /// ```
    ///
    /// ## How to fix
    /// Use the exec form with the program itself (`ENTRYPOINT ["/app.wasm"]`) and pass settings
    /// as arguments or environment variables. Move what an entrypoint script does (migrations,
    /// templating a config file, waiting for a dependency) into the application, an init
    /// container or a Job.
    pub struct ShellEntrypoint {
        code: "WM102",
        name: "shell-entrypoint",
        category: ShellCommand,
        severity: Warning,
        penalty: 15,
        summary: "the image starts through a shell or a shell script",
        help: "use the exec form with the program itself and pass settings as arguments or environment; move entrypoint-script steps into the application or a Job",
    }
}

impl Rule for ShellEntrypoint {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_dockerfile(&self, cx: &DockerfileCx<'_>, sink: &mut Sink<'_>) {
        let df = cx.dockerfile;
        for u in df.shell_uses() {
            let kw = u.keyword.as_str();
            let written = cx.file.slice(u.span);
            let msg = match u.kind {
                ShellUseKind::ShellForm => {
                    let shell = shell_of(cx, u.at.stage);
                    // The script as the shell gets it: continuation lines joined.
                    let script = command_line(cx, u.at)
                        .and_then(|c| c.script.as_ref())
                        .map_or(written, |s| s.value.as_str());
                    format!(
                        "`{kw}` in shell form runs `{shell} \"{}\"`",
                        shorten(script, 60)
                    )
                }
                ShellUseKind::DashC => {
                    let script = command_after_dash_c(cx, u.at);
                    match script {
                        Some(s) => format!("`{kw}` runs a shell command: `{}`", shorten(&s, 60)),
                        None => format!("`{kw}` runs a shell command through `-c`"),
                    }
                }
                ShellUseKind::Script => {
                    format!(
                        "`{kw}` runs the shell script `{}`",
                        written.trim_matches('"')
                    )
                }
                ShellUseKind::Shell => {
                    format!("`{kw}` starts the shell `{}`", written.trim_matches('"'))
                }
            };
            sink.report(cx.file.id, u.span, msg);
        }
    }
}

/// The shell a shell-form command runs under: the stage's last `SHELL`, else `/bin/sh -c`.
fn shell_of(cx: &DockerfileCx<'_>, stage: usize) -> String {
    let shell = cx
        .dockerfile
        .runtime_stage_chain()
        .into_iter()
        .filter(|s| s.index <= stage)
        .flat_map(|s| s.instructions.iter())
        .filter_map(|i| match &i.kind {
            InstructionKind::Shell(argv) if !argv.is_empty() => Some(argv),
            _ => None,
        })
        .next_back()
        .map(|argv| {
            argv.iter()
                .map(|w| w.value.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        });
    shell.unwrap_or_else(|| "/bin/sh -c".to_string())
}

/// The ENTRYPOINT or CMD at `at`.
fn command_line<'a>(cx: &DockerfileCx<'a>, at: InstrRef) -> Option<&'a CommandLine> {
    match &cx.dockerfile.instruction(at)?.kind {
        InstructionKind::Entrypoint(c) | InstructionKind::Cmd(c) => Some(c),
        _ => None,
    }
}

/// The script after `-c` in an exec-form command, for the message.
fn command_after_dash_c(cx: &DockerfileCx<'_>, at: InstrRef) -> Option<String> {
    let cmd = command_line(cx, at)?;
    if cmd.form != Form::Exec {
        return None;
    }
    let pos = cmd.argv.iter().position(|w| {
        w.value.strip_prefix('-').is_some_and(|f| {
            !f.starts_with('-') && f.contains('c') && f.chars().all(|c| c.is_ascii_alphabetic())
        })
    })?;
    let shell = cmd
        .argv
        .iter()
        .take(pos + 1)
        .map(|w| w.value.as_str())
        .collect::<Vec<_>>();
    let script = cmd.argv.get(pos + 1)?;
    Some(format!("{} \"{}\"", shell.join(" "), script.value))
}
