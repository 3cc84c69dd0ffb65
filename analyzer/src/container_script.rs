//! The shell script a container's `command` starts, and whether it replaces the program of the
//! container's image.
//!
//! A container that runs `sh -c "..."` or `sh /scripts/backup.sh` (a script a ConfigMap mounts)
//! runs that script, not what its image would start: a backup CronJob in the `podinfo` image
//! runs `podcli` and `sleep`, never the podinfo server; an `nginx` container whose command is a
//! `while ...; sleep 1; done` loop serves nothing. The script is found in the manifest (`-c`) or
//! as a ConfigMap's `data` entry, or the file a Kustomize `configMapGenerator` builds it from.
//! Used by linking (the image's code is not the container's, `crate::link`) and by the rules
//! that read the script (container-script-program, WM340).

use crate::dockerfile::{MAX_SCRIPT_BYTES, script_commands};
use crate::k8s::{ContainerRef, PodSpec};
use crate::repo::Repo;
use crate::source::FileId;
use crate::yaml::YRef;

/// Programs that are shells: `sh -c TEXT`, `sh FILE`.
pub const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh"];

/// What the container's shell runs.
pub enum Script<'a> {
    /// `sh -c "<text>"`: the YAML string.
    Inline(YRef<'a>),
    /// `sh /path/script.sh` or `/path/script.sh`: the path and the word naming it.
    File(&'a str, YRef<'a>),
}

/// The script a container's `command`/`args` start, if they start a shell or a `.sh` file.
pub fn script_of<'a>(c: &ContainerRef<'a>) -> Option<Script<'a>> {
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
pub fn mounted_config_map<'a>(
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
pub enum Source<'a> {
    Data(FileId, YRef<'a>),
    File(FileId),
}

/// Where the scan holds ConfigMap `name`'s key `key`.
pub fn find_config_map<'r>(repo: &'r Repo, name: &str, key: &str) -> Option<Source<'r>> {
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

/// The text of the script a container's `command` starts, with how to name it, when the scan
/// holds it and it is not too large to read.
fn command_script<'r>(
    repo: &'r Repo,
    spec: &PodSpec<'r>,
    c: &ContainerRef<'r>,
) -> Option<(String, &'r str)> {
    // `args` alone go to the image's ENTRYPOINT, which may be the program itself.
    c.node.get("command")?;
    let (what, text) = match script_of(c)? {
        Script::Inline(node) => ("a `sh -c` script".to_string(), node.as_str()?),
        Script::File(path, _) => {
            let (cm, key) = mounted_config_map(spec, c, path)?;
            let text = match find_config_map(repo, cm, &key)? {
                Source::Data(_, node) => node.as_str()?,
                Source::File(f) => &*repo.file(f).text,
            };
            (format!("`{path}` (ConfigMap `{cm}`)"), text)
        }
    };
    (text.len() <= MAX_SCRIPT_BYTES).then_some((what, text))
}

/// Whether container `c` runs a shell script of its own instead of its image's program: its
/// `command` starts a script the scan holds, and the script never names any of `programs` (the
/// image's start programs, its repository's last name) and runs nothing through a variable
/// (`"$APP"` could be the program). `Some` says what it runs instead.
pub fn replaces_program(
    repo: &Repo,
    spec: &PodSpec<'_>,
    c: &ContainerRef<'_>,
    programs: &[&str],
) -> Option<String> {
    let (what, text) = command_script(repo, spec, c)?;
    if programs
        .iter()
        .filter(|p| p.len() >= 2)
        .any(|p| runs_word(text, p))
    {
        return None;
    }
    let hidden = script_commands(text).iter().any(|cmd| {
        cmd.words
            .iter()
            .find(|w| !w.value.contains('='))
            .is_some_and(|w| w.value.starts_with('$') || w.value.starts_with('`'))
    });
    (!hidden).then_some(what)
}

/// Whether `word` stands in `text` where a command could name it: after a space, a quote, a
/// `/` (a path), `(`, a backtick or a shell operator, and before a space, a quote, `)`, a
/// backtick or an operator. `exec /app/bin/server --port 80` names `server`;
/// `http://server:8080` and `LOGGER=com.acme.server.Job` do not.
fn runs_word(text: &str, word: &str) -> bool {
    let starts = |b: u8| b.is_ascii_whitespace() || b"\"'/(`;&|".contains(&b);
    let ends = |b: u8| b.is_ascii_whitespace() || b"\"')`;&|".contains(&b);
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(pos) = text.get(from..).and_then(|t| t.find(word)) {
        let at = from + pos;
        let end = at + word.len();
        if (at == 0 || starts(bytes[at - 1])) && (end == bytes.len() || ends(bytes[end])) {
            return true;
        }
        from = at + 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replaced(manifest: &str, programs: &[&str]) -> Option<String> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("job.yaml"), manifest).unwrap();
        let repo = crate::repo::scan(dir.path()).unwrap();
        let obj = repo.objects.iter().find(|o| o.kind == "Job").unwrap();
        let doc = repo.doc_of(obj).unwrap();
        let spec = obj.pod_spec(doc).unwrap();
        let c = spec.containers().next().unwrap();
        replaces_program(&repo, &spec, &c, programs)
    }

    const JOB: &str = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: backup\nspec:\n  template:\n    spec:\n      containers:\n        - name: backup\n          image: ghcr.io/acme/server:1\n";

    #[test]
    fn a_script_that_never_names_the_program_replaces_it() {
        let m = format!(
            "{JOB}          command: [\"/bin/sh\", \"/scripts/backup.sh\"]\n          volumeMounts:\n            - {{name: scripts, mountPath: /scripts}}\n      volumes:\n        - name: scripts\n          configMap: {{name: backup-script}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: backup-script\ndata:\n  backup.sh: |\n    #!/bin/sh\n    cli check http db:3306/readyz\n    sleep 60\n"
        );
        assert_eq!(
            replaced(&m, &["server"]).as_deref(),
            Some("`/scripts/backup.sh` (ConfigMap `backup-script`)")
        );
    }

    #[test]
    fn the_program_named_a_variable_or_args_alone_do_not() {
        let inline =
            |script: &str| format!("{JOB}          command: [\"sh\", \"-c\", \"{script}\"]\n");
        assert_eq!(
            replaced(&inline("sleep 1"), &["server"]).as_deref(),
            Some("a `sh -c` script")
        );
        assert_eq!(
            replaced(&inline("envsubst < t > c && exec /app/server"), &["server"]),
            None
        );
        assert_eq!(replaced(&inline("$APP --port 80"), &["server"]), None);
        // A URL or a dotted name holding the word does not start it.
        assert_eq!(
            replaced(
                &inline("curl http://server:8080/ && echo com.acme.server.Job"),
                &["server"]
            )
            .as_deref(),
            Some("a `sh -c` script")
        );
        // `args` go to the image's ENTRYPOINT.
        let args = format!("{JOB}          args: [\"sh\", \"-c\", \"sleep 1\"]\n");
        assert_eq!(replaced(&args, &["server"]), None);
        // A script in the image itself cannot be read: not known to replace anything.
        let file = format!("{JOB}          command: [\"sh\", \"/app/start.sh\"]\n");
        assert_eq!(replaced(&file, &["server"]), None);
    }
}
