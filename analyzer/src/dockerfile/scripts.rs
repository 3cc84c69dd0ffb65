//! The shell scripts an image starts: which file of the repository a Dockerfile's `ENTRYPOINT`
//! or `CMD` script was copied from, and the simple commands in it.

use std::collections::BTreeMap;

use super::context;
use super::text::{Mapped, shell_commands};
use super::{CommandLine, Dockerfile, Form, InstructionKind, ShellCommand, ShellUseKind, Word};
use crate::discover::FileKind;
use crate::repo::Repo;
use crate::source::FileId;
use crate::span::Span;

/// A script the final image runs as its program, and where the repository has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptRef {
    /// The script's path inside the image, as the start command names it (absolute).
    pub image_path: String,
    /// The word in the Dockerfile that names it (`ENTRYPOINT ["/entrypoint.sh"]`).
    pub word: Span,
    /// `ENTRYPOINT` or `CMD`.
    pub keyword: String,
    /// Repository paths (relative to the scan root) the script may come from, best first: the
    /// `COPY`/`ADD` source read relative to the Dockerfile's folder (the usual build context),
    /// then relative to the scan root.
    pub candidates: Vec<String>,
}

/// The scripts the final image starts, resolved through the runtime chain's `COPY`/`ADD`
/// instructions from the build context (copies `--from` another stage or image are not in the
/// repository and are skipped). `dockerfile_dir` is the Dockerfile's folder, relative to the
/// scan root (`""` at the root).
pub fn entrypoint_scripts(df: &Dockerfile, dockerfile_dir: &str) -> Vec<ScriptRef> {
    let mut out = Vec::new();
    for u in df.shell_uses() {
        let Some(ins) = df.instruction(u.at) else {
            continue;
        };
        let (InstructionKind::Entrypoint(c) | InstructionKind::Cmd(c)) = &ins.kind else {
            continue;
        };
        let words: Vec<&Word> = match u.kind {
            ShellUseKind::Script => script_word(c, u.span).into_iter().collect(),
            // `CMD ./wait.sh && ./init.sh`, `sh -c "./run.sh"`: each script the line runs.
            ShellUseKind::ShellForm | ShellUseKind::DashC => {
                c.commands.iter().filter_map(script_of_command).collect()
            }
            ShellUseKind::Shell => Vec::new(),
        };
        let workdir = context::workdir_before(df, u.at.stage, u.at.index);
        for word in words {
            let image_path = context::absolute(&workdir, &word.value);
            // What the final image holds at that path: copies of its whole chain count.
            let last = df.stages.len().saturating_sub(1);
            let candidates = context::repository_paths(df, last, &image_path, dockerfile_dir);
            if !candidates.is_empty() {
                out.push(ScriptRef {
                    image_path,
                    word: word.span,
                    keyword: u.keyword.clone(),
                    candidates,
                });
            }
        }
    }
    out
}

/// Largest script whose commands are read (docs/security.md).
pub const MAX_SCRIPT_BYTES: usize = 256 * 1024;

/// A script a Dockerfile's final image starts, found in the repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntrypointScript {
    /// The script file.
    pub script: FileId,
    /// Its path inside the image.
    pub image_path: String,
    /// The Dockerfile word that names it.
    pub word: Span,
    /// `ENTRYPOINT` or `CMD`.
    pub keyword: String,
}

/// Link every parsed Dockerfile to the shell scripts (`*.sh`, `*.bash`, read as
/// [`FileKind::ShellScript`]) its final image starts, and read those scripts' commands. Scripts
/// no image starts are read (bounded like any text file) but never lexed.
pub(crate) fn attach_entrypoint_scripts(repo: &mut Repo) {
    let mut links: BTreeMap<FileId, Vec<EntrypointScript>> = BTreeMap::new();
    for (&id, df) in &repo.parsed_dockerfiles {
        let path = &repo.file(id).path;
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        for r in entrypoint_scripts(df, dir) {
            let found = r.candidates.iter().find_map(|c| {
                repo.file_by_path(c)
                    .filter(|f| repo.kind(f.id) == FileKind::ShellScript)
                    .map(|f| f.id)
            });
            if let Some(script) = found {
                links.entry(id).or_default().push(EntrypointScript {
                    script,
                    image_path: r.image_path,
                    word: r.word,
                    keyword: r.keyword,
                });
            }
        }
    }
    let mut commands = BTreeMap::new();
    for s in links.values().flatten() {
        let file = repo.file(s.script);
        if file.text.len() > MAX_SCRIPT_BYTES {
            // Lexing keeps an offset per byte: a huge "script" is not an entrypoint anyone
            // wrote by hand, and reading it would cost eight times its size.
            continue;
        }
        commands
            .entry(s.script)
            .or_insert_with(|| script_commands(&file.text));
    }
    repo.entrypoint_scripts = links;
    repo.script_commands = commands;
}

/// The simple commands of a script's text (comments and quotes handled as
/// [`super::Dockerfile`]'s `RUN` lines are).
pub fn script_commands(text: &str) -> Vec<ShellCommand> {
    shell_commands(&Mapped::original(text, 0))
}

/// The script a simple command runs: `./init.sh`, or `sh init.sh` / `bash -e init.sh`.
fn script_of_command(c: &ShellCommand) -> Option<&Word> {
    let first = c.words.first()?;
    let base = |w: &Word| w.value.rsplit('/').next().unwrap_or(&w.value).to_string();
    let is_script = |w: &Word| {
        let b = base(w);
        b.ends_with(".sh") || b.ends_with(".bash")
    };
    if is_script(first) {
        return Some(first);
    }
    if matches!(base(first).as_str(), "sh" | "bash" | "ash" | "dash" | "zsh") {
        return c
            .words
            .iter()
            .skip(1)
            .find(|w| !w.value.starts_with('-'))
            .filter(|w| is_script(w));
    }
    None
}

fn script_word(c: &CommandLine, span: Span) -> Option<&Word> {
    match c.form {
        Form::Exec => c.argv.iter().find(|w| w.span == span),
        Form::Shell => c
            .commands
            .iter()
            .flat_map(|k| &k.words)
            .find(|w| w.span == span),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn df(text: &str) -> Dockerfile {
        crate::dockerfile::parse(&SourceFile::new(FileId(0), "svc/Dockerfile", text)).unwrap()
    }

    #[test]
    fn a_copied_script_resolves_to_its_context_file() {
        let d = df(
            "FROM alpine:3.20\nCOPY scripts/entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"/usr/local/bin/entrypoint.sh\"]\n",
        );
        let s = entrypoint_scripts(&d, "svc");
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].image_path, "/usr/local/bin/entrypoint.sh");
        assert_eq!(
            s[0].candidates,
            ["svc/scripts/entrypoint.sh", "scripts/entrypoint.sh"]
        );
        assert_eq!(s[0].keyword, "ENTRYPOINT");
    }

    #[test]
    fn every_script_a_shell_form_start_command_runs_resolves() {
        let d = df(
            "FROM python:3.12-alpine\nCOPY wait.sh .\nCOPY init.sh .\nCMD ./wait.sh && sh -e ./init.sh\n",
        );
        let s = entrypoint_scripts(&d, "job");
        let paths: Vec<_> = s.iter().map(|r| r.image_path.as_str()).collect();
        assert_eq!(paths, ["/wait.sh", "/init.sh"]);
        assert_eq!(s[1].candidates, ["job/init.sh", "init.sh"]);
    }

    #[test]
    fn workdir_relative_scripts_and_folder_copies_resolve() {
        let d = df("FROM debian:12\nWORKDIR /app\nCOPY . .\nCMD [\"bash\", \"run.sh\"]\n");
        let s = entrypoint_scripts(&d, "");
        assert_eq!(s[0].image_path, "/app/run.sh");
        assert_eq!(s[0].candidates, ["run.sh"]);
    }

    #[test]
    fn copies_from_other_stages_and_escapes_are_skipped() {
        let d = df(
            "FROM alpine AS b\nRUN echo\nFROM alpine\nCOPY --from=b /e.sh /e.sh\nCOPY ../../etc/x.sh /x.sh\nENTRYPOINT [\"/e.sh\"]\n",
        );
        assert!(entrypoint_scripts(&d, "").is_empty());
        let d = df("FROM alpine\nCOPY ../../etc/x.sh /x.sh\nENTRYPOINT [\"/x.sh\"]\n");
        assert!(entrypoint_scripts(&d, "svc").is_empty());
    }

    #[test]
    fn script_commands_are_simple_commands_with_spans() {
        let text = "#!/bin/sh\nset -e\n# nsenter in a comment\niptables -A INPUT -j DROP && exec /app/server \"$@\"\n";
        let cmds = script_commands(text);
        let names: Vec<_> = cmds
            .iter()
            .filter_map(|c| c.argv0())
            .map(|w| w.value.as_str())
            .collect();
        assert_eq!(names, ["set", "iptables", "exec"]);
        let ipt = cmds[1].argv0().unwrap();
        assert_eq!(&text[ipt.span.start..ipt.span.end], "iptables");
    }
}
