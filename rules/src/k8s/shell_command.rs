//! `WM310` shell-command: a container's `command`/`args` start a shell or a shell script.

use analyzer::yaml::YRef;

use crate::k8s::common::{container_label, shorten};
use crate::{ObjectCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reads each container's `command` followed by its `args` (init containers included) and
    /// flags a shell (`sh`, `bash`, `/bin/sh`, `ash`, `dash`, `zsh`, `ksh`, also behind `env`,
    /// `tini --` or `dumb-init`) or a `*.sh` script as the program that runs.
    ///
    /// It reads the `exec.command` of liveness, readiness and startup probes and of `postStart`/
    /// `preStop` hooks the same way: an exec probe that runs `sh -c` is both an exec probe
    /// (`exec-probe`, WM309, reported at its `exec` entry) and a shell command (this rule,
    /// reported at the shell), because removing the probe does not remove the shell script it
    /// ran, and the check has to be rewritten without a shell.
    ///
    /// ## Why it matters for Wasm
    /// A shell command line starts a shell that then starts other programs. A Wasm module is a
    /// single program: WASI has no processes, so there is no shell to run the script and nothing
    /// it could `exec`. Under a Wasm shim the entrypoint must be the module itself.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     command: ["/bin/sh", "-c"]
    ///     args: ["./migrate && exec ./api --port 8080"]
    /// ```
    ///
    /// ## How to fix
    /// Run the program directly (`command: ["/api.wasm"]`, flags in `args`). Move setup steps
    /// (migrations, templating a config file) into a Job or into the application, and pass
    /// settings as environment variables instead of expanding them in a shell.
    pub struct ShellCommand {
        code: "WM310",
        name: "shell-command",
        category: ShellCommand,
        severity: Warning,
        penalty: 15,
        summary: "a container runs a shell or a shell script",
        help: "run the program directly with its flags in `args`; move setup steps into a Job or the application, since Wasm modules have no shell",
    }
}

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"];
/// Programs that only start the next argument; the shell behind them is what runs.
const WRAPPERS: &[&str] = &["env", "tini", "dumb-init", "catatonit", "--"];

fn base(arg: &str) -> &str {
    arg.rsplit('/').next().unwrap_or(arg)
}

/// A `-c` style flag: `-c`, `-ec`, `-xc`, `-euxc`.
fn is_command_flag(arg: &str) -> bool {
    arg.strip_prefix('-').is_some_and(|f| {
        !f.starts_with('-') && f.contains('c') && f.chars().all(|c| c.is_ascii_alphabetic())
    })
}

/// What the shell runs, described for the message.
#[derive(Debug, PartialEq, Eq)]
enum ShellUse {
    /// `sh -c '<script>'`
    Inline { shell: String, script: String },
    /// `bash ./run.sh`
    Script { shell: String, script: String },
    /// `./entrypoint.sh`
    DirectScript(String),
    /// `sh` alone, reading from stdin or args the message cannot name.
    Bare(String),
}

/// Find the program that runs and what shell use it is, with the index of the token to report.
fn classify(argv: &[&str]) -> Option<(usize, ShellUse)> {
    // Skip wrappers and, once past one, its options and `VAR=value` assignments (`env -i X=1 sh`).
    let mut i = 0;
    while let Some(arg) = argv.get(i) {
        let skip = WRAPPERS.contains(&base(arg))
            || (i > 0 && (arg.starts_with('-') || (arg.contains('=') && !arg.starts_with('/'))));
        if !skip {
            break;
        }
        i += 1;
    }
    let prog = *argv.get(i)?;
    let b = base(prog);
    if SHELLS.contains(&b) {
        let rest = argv.get(i + 1..).unwrap_or(&[]);
        if let Some(pos) = rest.iter().position(|a| is_command_flag(a)) {
            let script = rest.get(pos + 1).copied().unwrap_or("");
            return Some((
                i,
                ShellUse::Inline {
                    shell: prog.to_string(),
                    script: script.to_string(),
                },
            ));
        }
        if let Some(script) = rest.iter().find(|a| !a.starts_with('-')) {
            return Some((
                i,
                ShellUse::Script {
                    shell: prog.to_string(),
                    script: script.to_string(),
                },
            ));
        }
        return Some((i, ShellUse::Bare(prog.to_string())));
    }
    if b.ends_with(".sh") && b.len() > 3 {
        return Some((i, ShellUse::DirectScript(prog.to_string())));
    }
    None
}

impl Rule for ShellCommand {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let Some(spec) = cx.pod_spec() else { return };
        for c in spec.containers() {
            let who = container_label(&c);
            let items: Vec<(&str, YRef<'_>)> = ["command", "args"]
                .iter()
                .filter_map(|k| c.node.get(k))
                .flat_map(|l| l.str_items())
                .collect();
            report(cx, sink, &items, &who, "");
            for (route, what) in [
                (&["livenessProbe", "exec", "command"][..], "liveness probe"),
                (
                    &["readinessProbe", "exec", "command"][..],
                    "readiness probe",
                ),
                (&["startupProbe", "exec", "command"][..], "startup probe"),
                (
                    &["lifecycle", "postStart", "exec", "command"][..],
                    "postStart hook",
                ),
                (
                    &["lifecycle", "preStop", "exec", "command"][..],
                    "preStop hook",
                ),
            ] {
                let items: Vec<(&str, YRef<'_>)> = c
                    .node
                    .path(route)
                    .into_iter()
                    .flat_map(|l| l.str_items())
                    .collect();
                report(cx, sink, &items, &who, &format!(" in its {what}"));
            }
        }
    }
}

/// Report the shell use of one argv, if any, at the token that starts the shell.
fn report(
    cx: &ObjectCx<'_>,
    sink: &mut Sink<'_>,
    items: &[(&str, YRef<'_>)],
    who: &str,
    place: &str,
) {
    let argv: Vec<&str> = items.iter().map(|(s, _)| *s).collect();
    let Some((i, usage)) = classify(&argv) else {
        return;
    };
    let Some((_, node)) = items.get(i) else {
        return;
    };
    let msg = match usage {
        ShellUse::Inline { shell, script } if script.trim().is_empty() => {
            format!("{who} runs a shell command through `{shell} -c`{place}")
        }
        ShellUse::Inline { shell, script } => {
            format!(
                "{who} runs a shell command{place}: `{shell} -c \"{}\"`",
                shorten(&script, 60)
            )
        }
        ShellUse::Script { shell, script } => {
            format!("{who} runs the script `{script}` with `{shell}`{place}")
        }
        ShellUse::DirectScript(script) if place.is_empty() => {
            format!("{who} runs the shell script `{script}` as its entrypoint")
        }
        ShellUse::DirectScript(script) => {
            format!("{who} runs the shell script `{script}`{place}")
        }
        ShellUse::Bare(shell) => format!("{who} starts the shell `{shell}`{place}"),
    };
    sink.report(cx.object.file, node.span(), msg);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(argv: &[&str]) -> Option<(usize, ShellUse)> {
        classify(argv)
    }

    #[test]
    fn shells_behind_wrappers_and_flags() {
        assert_eq!(
            kind(&["/bin/sh", "-c", "echo hi"]),
            Some((
                0,
                ShellUse::Inline {
                    shell: "/bin/sh".into(),
                    script: "echo hi".into()
                }
            ))
        );
        assert_eq!(
            kind(&["/usr/bin/env", "bash", "-euxc", "x"]).map(|k| k.0),
            Some(1)
        );
        assert_eq!(
            kind(&["tini", "--", "/entrypoint.sh"]).map(|k| k.0),
            Some(2)
        );
        assert_eq!(
            kind(&["bash", "-e", "./run.sh"]),
            Some((
                0,
                ShellUse::Script {
                    shell: "bash".into(),
                    script: "./run.sh".into()
                }
            ))
        );
        assert_eq!(kind(&["sh"]), Some((0, ShellUse::Bare("sh".into()))));
    }

    #[test]
    fn programs_are_not_shells() {
        assert_eq!(kind(&["/app", "--config", "/etc/app.sh.conf"]), None);
        assert_eq!(kind(&["python", "main.py"]), None);
        assert_eq!(kind(&["shellcheck", "x"]), None);
        assert_eq!(kind(&[".sh"]), None);
        assert_eq!(kind(&[]), None);
        assert!(!is_command_flag("--config"));
        assert!(is_command_flag("-ec"));
    }
}
