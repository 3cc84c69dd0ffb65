//! `WM112` script-command: the shell script an image starts runs a command that needs the host.

use crate::dockerfile::script_table::{basename, program, table};
use crate::{DockerfileCx, Rule, RuleMeta, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reads the shell scripts a Dockerfile's final image starts (`ENTRYPOINT
    /// ["/entrypoint.sh"]`, `CMD ["bash", "start.sh"]`), found through the `COPY`/`ADD` that put
    /// them into the image from the build context (the Dockerfile's folder, or the scan root),
    /// and reports each command the table `rules/data/script-commands.toml` lists: `nsenter`,
    /// `chroot`, `mount`, `systemctl`, `iptables`, `kill`, `docker`/`crictl`, and mentions of
    /// the container runtime's socket (`docker.sock`, `containerd.sock`). The category and
    /// severity come from the entry (`iptables` is `net-caps`, `nsenter` is `privileged`). The
    /// finding points at the line of the script; the Dockerfile line that starts it is the
    /// related location.
    ///
    /// Scripts copied from another stage or image are not in the repository and are not read;
    /// that the image starts a script at all is shell-entrypoint's finding (WM102).
    ///
    /// ## Why it matters for Wasm
    /// A start script is part of the workload: whatever it does to the node (namespaces,
    /// packet filters, mounts, the container runtime's socket, init systems) has to be possible
    /// where the workload runs. A Wasm module has no processes, no signals, no Unix sockets and
    /// sees only preopened directories (WASM-FACTS.md §5).
    ///
    /// ## Example
    /// ```sh
    /// #!/bin/sh
    /// iptables -t nat -A PREROUTING -p tcp --dport 80 -j REDIRECT --to-port 8080
    /// exec /app/server
    /// ```
    /// `iptables` fires (`net-caps`, blocker) at line 2 of the script.
    ///
    /// ## How to fix
    /// Move node-level setup out of the workload (a DaemonSet, the CNI, an init container that
    /// stays on Linux), drop the wrapper script and start the program itself.
    pub struct ScriptCommand {
        code: "WM112",
        name: "script-command",
        category: ShellCommand,
        severity: Blocker,
        penalty: 40,
        summary: "the image's start script runs a command that needs the host",
        help: "move node-level setup out of the workload and start the program itself instead of a wrapper script",
    }
}

impl Rule for ScriptCommand {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_dockerfile(&self, cx: &DockerfileCx<'_>, sink: &mut Sink<'_>) {
        let Some(scripts) = cx.repo.entrypoint_scripts.get(&cx.file.id) else {
            return;
        };
        let t = table();
        for s in scripts {
            let Some(commands) = cx.repo.script_commands.get(&s.script) else {
                continue;
            };
            let script_path = &cx.repo.file(s.script).path;
            for c in commands {
                let program = program(c);
                let name = program.map(basename);
                let by_command = program.zip(name).and_then(|(w, n)| {
                    t.command
                        .iter()
                        .find(|e| e.commands.iter().any(|c| c == n))
                        .map(|e| (e, w))
                });
                let hit = by_command.or_else(|| {
                    c.words.iter().find_map(|w| {
                        t.command
                            .iter()
                            .find(|e| e.mentions.iter().any(|m| w.value.contains(m.as_str())))
                            .map(|e| (e, w))
                    })
                });
                let Some((entry, word)) = hit else {
                    continue;
                };
                let what = cx.repo.file(s.script).slice(word.span);
                let h = sink.report(
                    s.script,
                    word.span,
                    format!(
                        "`{what}` in `{script_path}`, which the image starts as its {}: {}",
                        s.keyword, entry.reason
                    ),
                );
                h.category(entry.category).related(
                    cx.file.id,
                    s.word,
                    format!("the image starts `{}` here", s.image_path),
                );
                if let Some(sev) = Severity::parse(&entry.severity)
                    && sev != Self::META.severity
                {
                    h.severity(sev);
                }
            }
        }
    }
}
