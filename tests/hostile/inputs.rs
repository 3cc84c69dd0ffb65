//! Defect 6 (no total budget: six 4 MiB Dockerfiles took 3.0 GB) and the hostile inputs that
//! already held: alias bombs, deep nesting, symlink loops and escapes, FIFOs, binary and invalid
//! UTF-8, huge and sparse files, hostile ignore globs in the config.

use crate::bounded::{notes_and_errors, repo_with_good_workload, run, workload_ids, write};

fn big_dockerfile(bytes: usize) -> String {
    let line = "RUN apk add --no-cache curl git make && echo built\n";
    let mut s = String::from("FROM alpine:3.20\n");
    while s.len() + line.len() < bytes {
        s.push_str(line);
    }
    s
}

#[test]
fn dockerfiles_over_their_cap_are_skipped_and_the_total_is_budgeted() {
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    // Six 4 MiB Dockerfiles: each is over the 1 MiB Dockerfile cap.
    for i in 0..6 {
        write(
            &repo.join(format!("big{i}/Dockerfile")),
            &big_dockerfile(4 * 1024 * 1024 - 1),
        );
    }
    // Twelve of 0.9 MiB: under the cap, over the 8 MiB Dockerfile budget together.
    for i in 0..12 {
        write(
            &repo.join(format!("mid{i:02}/Dockerfile")),
            &big_dockerfile(900 * 1024),
        );
    }
    let r = run(dir.path(), &["scan", "repo", "--format", "json"], &[]);
    r.assert_bounded(0, 1536);
    // The 9 Dockerfiles read (8 MiB / 0.9 MiB) are workloads of their own; the rest are not.
    let ids = workload_ids(&r);
    assert!(
        ids.contains(&"dockerfile:mid08/Dockerfile".to_string()),
        "{ids:?}"
    );
    assert!(
        !ids.iter().any(|i| i.contains("mid09") || i.contains("big")),
        "{ids:?}"
    );
    let notes = notes_and_errors(&r);
    assert_eq!(
        notes
            .iter()
            .filter(|n| n.contains("over the 1 MiB limit"))
            .count(),
        6,
        "{notes:#?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("mid09/Dockerfile: scan budget: 3 Dockerfile file(s)")),
        "{notes:#?}"
    );
}

#[test]
fn many_large_yaml_files_stop_at_the_yaml_budget() {
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n---\n";
    let big = doc.repeat(3_900_000 / doc.len());
    for i in 0..12 {
        write(&repo.join(format!("z{i:02}/all.yaml")), &big);
    }
    let r = run(dir.path(), &["scan", "repo", "--format", "json"], &[]);
    r.assert_bounded(0, 3072);
    assert_eq!(workload_ids(&r), ["Deployment/default/good"]);
    let notes = notes_and_errors(&r);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("scan budget:") && n.contains("YAML")),
        "{notes:#?}"
    );
}

#[test]
fn alias_bombs_and_deep_nesting_are_parse_errors() {
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..12 {
        let prev = (b'a' + (i - 1) as u8) as char;
        let cur = (b'a' + i as u8) as char;
        bomb.push_str(&format!(
            "{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    write(&repo.join("k8s/bomb.yaml"), &bomb);
    write(
        &repo.join("k8s/deep.yaml"),
        &format!("{}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
    );
    let r = run(dir.path(), &["scan", "repo", "--format", "json"], &[]);
    r.assert_bounded(0, 512);
    assert_eq!(workload_ids(&r), ["Deployment/default/good"]);
    let notes = notes_and_errors(&r);
    assert!(
        notes.iter().any(|n| n.starts_with("k8s/deep.yaml:")),
        "{notes:#?}"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_fifos_binary_invalid_utf8_and_sparse_files_are_reported_not_followed() {
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    std::os::unix::fs::symlink("loop", repo.join("k8s/loop")).unwrap();
    std::os::unix::fs::symlink("/etc/shadow", repo.join("k8s/shadow.yaml")).unwrap();
    std::os::unix::fs::symlink("../..", repo.join("k8s/up")).unwrap();
    crate::bounded::mkfifo(&repo.join("k8s/fifo.yaml"));
    write(&repo.join("k8s/bin.yaml"), "kind: Pod\n\u{0}\u{1}\u{2}");
    std::fs::write(repo.join("k8s/latin1.yaml"), b"kind: Pod\nname: caf\xe9\n").unwrap();
    let sparse = std::fs::File::create(repo.join("k8s/sparse.yaml")).unwrap();
    sparse.set_len(1 << 40).unwrap(); // 1 TiB of holes
    let r = run(dir.path(), &["scan", "repo", "--format", "json"], &[]);
    r.assert_bounded(0, 512);
    assert_eq!(workload_ids(&r), ["Deployment/default/good"]);
    let notes = notes_and_errors(&r);
    for (file, says) in [
        ("k8s/shadow.yaml", "symbolic link not followed"),
        ("k8s/bin.yaml", "binary content"),
        ("k8s/latin1.yaml", "not valid UTF-8"),
        ("k8s/sparse.yaml", "over the 4 MiB limit"),
    ] {
        assert!(
            notes
                .iter()
                .any(|n| n.starts_with(&format!("{file}: ")) && n.contains(says)),
            "{file}: {says}: {notes:#?}"
        );
    }
    assert!(
        !r.stdout().contains("root:"),
        "a file outside the root was read"
    );
}

#[test]
fn hostile_ignore_globs_in_the_config_are_rejected_or_harmless() {
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    let glob = format!("{}a", "*".repeat(5_000));
    write(
        &repo.join(".wasm-migrate.toml"),
        &format!("ignore = [\"{glob}\", \"**/**/**/**/**/**/**/**/**/x\", \"[z-a]\"]\n"),
    );
    let r = run(dir.path(), &["scan", "repo", "--format", "json"], &[]);
    assert!(!r.timed_out);
    assert!(
        matches!(r.code, Some(0) | Some(2)),
        "{:?}: {}",
        r.code,
        r.stderr()
    );
    assert!(r.stderr.len() < 8192, "{} bytes of stderr", r.stderr.len());
}

/// Go sources: an unterminated block comment, a file of nothing but package uses, a go.mod of
/// 200,000 requires and more Go source than the Go budget. The scan stays bounded, says which
/// Go files it did not read, and goes on.
#[test]
fn hostile_go_sources_are_bounded_by_the_go_budget() {
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    write(
        &repo.join("svc/Dockerfile"),
        "FROM golang:1.23 AS build\nCOPY . .\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n",
    );
    let mut gomod = String::from("module example.com/svc\n\ngo 1.22\n\nrequire (\n");
    for i in 0..200_000 {
        gomod.push_str(&format!("\texample.com/m{i} v1.0.0 // indirect\n"));
    }
    gomod.push_str(")\n");
    write(&repo.join("svc/go.mod"), &gomod);
    write(
        &repo.join("svc/a_comment.go"),
        &format!(
            "package main\n/* {}",
            "import \"os/exec\"\n".repeat(200_000)
        ),
    );
    let uses = format!(
        "package main\nimport \"os/exec\"\nfunc main() {{\n{}}}\n",
        "exec.Command(\"x\")\n".repeat(3_900_000 / 18)
    );
    for i in 0..18 {
        write(&repo.join(format!("svc/z{i:02}.go")), &uses);
    }
    let r = run(dir.path(), &["scan", "repo", "--format", "json"], &[]);
    r.assert_bounded(0, 3072);
    let ids = workload_ids(&r);
    assert!(
        ids.contains(&"Deployment/default/good".to_string()),
        "{ids:?}"
    );
    assert!(
        ids.contains(&"dockerfile:svc/Dockerfile".to_string()),
        "{ids:?}"
    );
    let notes = notes_and_errors(&r);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("scan budget:") && n.contains("Go source")),
        "{notes:#?}"
    );
}

#[test]
fn hostile_python_project_files_are_read_in_one_bounded_pass() {
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    write(
        &repo.join("py/Dockerfile"),
        "FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nRUN pip install pipenv && pipenv install --deploy --system && pip install .\nCMD [\"python\", \"-m\", \"svc\"]\n",
    );
    // Nesting far past any real lock, then a key: the token scan stops, serde_json refuses it.
    write(
        &repo.join("py/Pipfile.lock"),
        &format!("{{\"default\": {{\"numpy\": {}", "[".repeat(3_500_000)),
    );
    // A setup.py of nothing but open calls and an unterminated string.
    write(
        &repo.join("py/setup.py"),
        &format!("{}install_requires=['lxml", "setup(".repeat(600_000)),
    );
    // A setup.cfg of one requirement per line, and a pdm.lock of many packages.
    write(
        &repo.join("py/setup.cfg"),
        &format!(
            "[options]\ninstall_requires =\n{}",
            "    a\n".repeat(600_000)
        ),
    );
    write(
        &repo.join("py/pdm.lock"),
        &"[[package]]\nname = \"p\"\ngroups = [\"default\"]\n".repeat(80_000),
    );
    let r = run(dir.path(), &["scan", "repo", "--format", "json"], &[]);
    r.assert_bounded(0, 1024);
    let ids = workload_ids(&r);
    assert!(
        ids.contains(&"Deployment/default/good".to_string())
            && ids.contains(&"dockerfile:py/Dockerfile".to_string()),
        "{ids:?}"
    );
    let notes = notes_and_errors(&r);
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("py/Pipfile.lock: Pipfile.lock does not parse")),
        "{notes:#?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("py/setup.py: the dependencies of `py/setup.py` were not read")),
        "{notes:#?}"
    );
}

/// A stranger's chart: a dependency on itself, a helper that includes itself forever, a `range` over a huge list built
/// by `until`, a template of nothing but `{{`, and a gzip bomb as a packaged subchart. The scan
/// ends in bounded time and memory with notes, and the chart's honest workload is still read.
#[test]
fn hostile_helm_charts_are_bounded_and_noted() {
    let dir = repo_with_good_workload();
    let repo = dir.path().join("repo");
    let chart = repo.join("charts/evil");
    write(
        &chart.join("Chart.yaml"),
        "apiVersion: v2\nname: evil\nversion: 0.1.0\ndependencies:\n  - name: evil\n    alias: a\n    repository: file://.\n  - name: evil\n    alias: b\n    repository: file://.\n",
    );
    write(&chart.join("values.yaml"), "image: nginx:1.27\n");
    write(
        &chart.join("templates/_helpers.tpl"),
        "{{- define \"evil.loop\" -}}{{ include \"evil.loop\" . }}{{- end }}\n",
    );
    write(
        &chart.join("templates/loop.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: loop\ndata:\n  x: {{ include \"evil.loop\" . }}\n",
    );
    write(
        &chart.join("templates/spin.yaml"),
        "{{- range $i := until 100000000 }}{{ range $j := until 100000000 }}x{{ end }}{{ end }}\n",
    );
    write(&chart.join("templates/braces.yaml"), &"{{".repeat(500_000));
    write(
        &chart.join("templates/app.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: evil-app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: {{ .Values.image }}\n",
    );
    // 256 MiB of zeros compress to about 256 KiB.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..256 {
        std::io::Write::write_all(&mut gz, &zeros).expect("gzip");
    }
    let bomb = gz.finish().expect("gzip");
    std::fs::create_dir_all(chart.join("charts")).expect("mkdir");
    std::fs::write(chart.join("charts/bomb-1.0.0.tgz"), bomb).expect("write");

    let r = run(dir.path(), &["scan", "repo", "--format", "json"], &[]);
    r.assert_bounded(0, 512);
    let ids = workload_ids(&r);
    assert!(
        ids.contains(&"Deployment/default/evil-app".to_string()),
        "{ids:?}"
    );
    let notes = notes_and_errors(&r);
    assert!(
        notes.iter().any(|n| n.contains("templates/loop.yaml")),
        "{notes:#?}"
    );
    // A chart that depends on itself (twice, under aliases) is a cycle, not 2^16 renders.
    assert!(
        notes.iter().any(|n| n.contains("a dependency cycle")),
        "{notes:#?}"
    );
}
