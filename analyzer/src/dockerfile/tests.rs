//! Whole-file tests of the Dockerfile front-end: each construct, with the exact text and the
//! line/column every span resolves to.

use super::*;
use crate::source::FileId;

fn file(text: &str) -> SourceFile {
    SourceFile::new(FileId(0), "svc/Dockerfile", text)
}

fn parsed(text: &str) -> (SourceFile, Dockerfile) {
    let f = file(text);
    let d = match parse(&f) {
        Ok(d) => d,
        Err(e) => panic!("parse failed: {}", e.message),
    };
    (f, d)
}

/// The text a span covers and its 1-based start line and column.
fn at(f: &SourceFile, span: Span) -> (&str, usize, usize) {
    let r = f.region(span);
    (f.slice(span), r.line, r.column)
}

fn run(ins: &Instruction) -> &CommandLine {
    match &ins.kind {
        InstructionKind::Run(c) => c,
        other => panic!("not RUN: {other:?}"),
    }
}

fn words(c: &ShellCommand) -> Vec<&str> {
    c.words.iter().map(|w| w.value.as_str()).collect()
}

#[test]
fn no_from_is_not_a_dockerfile() {
    let f = file("# just a comment\nRUN echo hi\n");
    let err = parse(&f).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Dockerfile);
    assert_eq!(
        err.message,
        "no `FROM` instruction: this file does not read as a Dockerfile"
    );
    assert_eq!(f.region(err.span.unwrap()).line, 2);
    assert_eq!(err.path, "svc/Dockerfile");
    let err = parse(&file("")).unwrap_err();
    assert_eq!((err.kind, err.span), (ErrorKind::Dockerfile, None));
    let err = parse(&file("\u{0}\u{1}ELF\u{2}\n\u{7f}")).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Dockerfile);
}

#[test]
fn unknown_instructions_are_kept() {
    let (f, d) =
        parsed("from alpine\nFROBNICATE the thing\nonbuild RUN make\nSTOPSIGNAL SIGTERM\n");
    let kws: Vec<&str> = d.stages[0]
        .instructions
        .iter()
        .map(|i| i.keyword.as_str())
        .collect();
    assert_eq!(kws, ["FROBNICATE", "ONBUILD", "STOPSIGNAL"]);
    assert!(
        d.stages[0]
            .instructions
            .iter()
            .all(|i| matches!(i.kind, InstructionKind::Other))
    );
    assert_eq!(
        at(&f, d.stages[0].instructions[0].args_span),
        ("the thing", 2, 12)
    );
    assert_eq!(at(&f, d.stages[0].base.span), ("alpine", 1, 6));
}

#[test]
fn directives_and_escape_change_continuations() {
    let text = "# syntax=docker/dockerfile:1\n# escape=`\n\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN mkdir C:\\app `\n    && echo done\nCOPY app C:\\app\\\n";
    let (f, d) = parsed(text);
    assert_eq!(d.escape, '`');
    assert_eq!(d.directives.len(), 2);
    assert_eq!(
        at(&f, d.directives[0].value_span),
        ("docker/dockerfile:1", 1, 10)
    );
    let s = &d.stages[0];
    let r = run(&s.instructions[0]);
    assert_eq!(
        r.script.as_ref().unwrap().value,
        "mkdir C:\\app     && echo done"
    );
    assert_eq!(at(&f, s.instructions[0].span).1, 5);
    assert_eq!(f.region(s.instructions[0].span).end_line, 6);
    // The trailing backslash is not a continuation under `escape=\``.
    assert_eq!(s.instructions[1].keyword, "COPY");
}

#[test]
fn continuation_with_comment_lines_inside_run() {
    let text = "FROM debian:12\nRUN apt-get update \\\n    # the client library only\n    && apt-get install -y --no-install-recommends \\\n       libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\nUSER app\n";
    let (f, d) = parsed(text);
    let s = &d.stages[0];
    assert_eq!(s.instructions.len(), 2);
    let r = run(&s.instructions[0]);
    let cmds: Vec<Vec<&str>> = r.commands.iter().map(words).collect();
    assert_eq!(
        cmds,
        vec![
            vec!["apt-get", "update"],
            vec![
                "apt-get",
                "install",
                "-y",
                "--no-install-recommends",
                "libpq5"
            ],
            vec!["rm", "-rf", "/var/lib/apt/lists/*"],
        ]
    );
    assert_eq!(at(&f, r.commands[1].words[4].span), ("libpq5", 5, 8));
    assert_eq!(d.comments[0].text, "the client library only");
    assert_eq!(
        at(&f, d.comments[0].span),
        ("# the client library only", 3, 5)
    );
    let installs = s.package_installs();
    assert_eq!(installs.len(), 1);
    assert_eq!(installs[0].manager, PackageManager::Apt);
    let p = &installs[0].packages[0];
    assert_eq!((p.name.as_str(), p.removed_later), ("libpq5", false));
    assert_eq!(at(&f, p.word.span), ("libpq5", 5, 8));
    assert_eq!(at(&f, installs[0].span).1, 4);
}

#[test]
fn exec_and_shell_forms() {
    let text = concat!(
        "FROM python:3.12-slim\n",
        "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n",
        "RUN [\"pip\", \"install\", \"grpcio==1.66\"]\n",
        "RUN [\"sh\", \"-c\", \"apt-get install -y libpq5 && echo ok\"]\n",
        "RUN [\"oops\" \"no comma\"]\n",
        "CMD gunicorn app:app\n",
        "ENTRYPOINT [\"/usr/bin/tini\", \"--\"]\n",
    );
    let (f, d) = parsed(text);
    let s = &d.stages[0];
    match &s.instructions[0].kind {
        InstructionKind::Shell(w) => assert_eq!(
            w.iter().map(|w| w.value.as_str()).collect::<Vec<_>>(),
            ["/bin/bash", "-o", "pipefail", "-c"]
        ),
        k => panic!("{k:?}"),
    }
    let exec = run(&s.instructions[1]);
    assert_eq!(exec.form, Form::Exec);
    assert_eq!(at(&f, exec.argv[2].span), ("\"grpcio==1.66\"", 3, 24));
    assert_eq!(words(&exec.commands[0]), ["pip", "install", "grpcio==1.66"]);
    // The string after `sh -c` is read as a script, with spans inside the JSON string.
    let shc = run(&s.instructions[2]);
    assert_eq!(shc.form, Form::Exec);
    assert_eq!(
        words(&shc.commands[0]),
        ["apt-get", "install", "-y", "libpq5"]
    );
    assert_eq!(at(&f, shc.commands[0].words[3].span), ("libpq5", 4, 38));
    // Invalid JSON falls back to the shell form, as in BuildKit.
    let bad = run(&s.instructions[3]);
    assert_eq!(bad.form, Form::Shell);
    match &s.instructions[4].kind {
        InstructionKind::Cmd(c) => {
            assert_eq!(c.form, Form::Shell);
            assert_eq!(
                at(&f, c.script.as_ref().unwrap().span),
                ("gunicorn app:app", 6, 5)
            );
        }
        k => panic!("{k:?}"),
    }
    let pips = s.pip_installs();
    assert_eq!(pips[0].packages[0].name, "grpcio");
    assert_eq!(
        at(&f, pips[0].packages[0].word.span),
        ("\"grpcio==1.66\"", 3, 24)
    );
    let pkgs = s.package_installs();
    assert_eq!(at(&f, pkgs[0].packages[0].word.span), ("libpq5", 4, 38));
}

#[test]
fn heredocs_run_and_copy() {
    let text = concat!(
        "# syntax=docker/dockerfile:1.7\n",
        "FROM debian:12-slim\n",
        "RUN <<EOF\n",
        "set -eux\n",
        "apt-get update\n",
        "apt-get install -y libvips42\n",
        "EOF\n",
        "RUN python3 <<PY\n",
        "import os; os.system('apt-get install -y ffmpeg')\n",
        "PY\n",
        "RUN <<-'SH' bash -e\n",
        "\tapk add imagemagick\n",
        "\tSH\n",
        "COPY --chmod=0644 <<CONF /etc/app.conf\n",
        "listen=8080\n",
        "CONF\n",
        "CMD [\"app\"]\n",
    );
    let (f, d) = parsed(text);
    let s = &d.stages[0];
    let kws: Vec<&str> = s.instructions.iter().map(|i| i.keyword.as_str()).collect();
    assert_eq!(kws, ["RUN", "RUN", "RUN", "COPY", "CMD"]);
    let first = &s.instructions[0];
    assert_eq!(first.heredocs[0].delimiter, "EOF");
    assert_eq!(
        at(&f, first.span),
        (
            "RUN <<EOF\nset -eux\napt-get update\napt-get install -y libvips42\nEOF",
            3,
            1
        )
    );
    let installs = s.package_installs();
    // The python heredoc is not a shell script; the tab-stripped bash heredoc is.
    assert_eq!(installs.len(), 2);
    assert_eq!(
        at(&f, installs[0].packages[0].word.span),
        ("libvips42", 6, 20)
    );
    assert_eq!(installs[1].manager, PackageManager::Apk);
    assert_eq!(
        at(&f, installs[1].packages[0].word.span),
        ("imagemagick", 12, 10)
    );
    let copy = &s.instructions[3];
    match &copy.kind {
        InstructionKind::Copy(c) => {
            assert!(c.sources.is_empty());
            assert_eq!(c.dest.as_ref().unwrap().value, "/etc/app.conf");
            assert_eq!(c.chmod.as_ref().unwrap().value, "0644");
            assert_eq!(at(&f, c.chmod.as_ref().unwrap().span), ("0644", 14, 14));
        }
        k => panic!("{k:?}"),
    }
    assert_eq!(copy.heredocs[0].body, "listen=8080\n");
    assert_eq!(
        at(&f, copy.flag("chmod").unwrap().span),
        ("--chmod=0644", 14, 6)
    );
}

#[test]
fn global_args_resolve_in_from() {
    let text = concat!(
        "ARG REGISTRY=docker.io\n",
        "ARG BASE=${REGISTRY}/library/rust\n",
        "ARG RUST_VERSION=1.82\n",
        "ARG RUNTIME\n",
        "FROM --platform=$BUILDPLATFORM ${BASE}:${RUST_VERSION}-bookworm AS build\n",
        "FROM ${RUNTIME:-gcr.io/distroless/cc-debian12}\n",
        "FROM $RUNTIME\n",
    );
    let (f, d) = parsed(text);
    assert_eq!(d.preamble.len(), 4);
    let b = &d.stages[0].base;
    assert_eq!(b.written, "${BASE}:${RUST_VERSION}-bookworm");
    // A global ARG default is expanded with the ARGs before it, as BuildKit does.
    assert_eq!(
        b.resolved.as_deref(),
        Some("docker.io/library/rust:1.82-bookworm")
    );
    assert_eq!(at(&f, b.span), ("${BASE}:${RUST_VERSION}-bookworm", 5, 32));
    assert_eq!(
        at(&f, d.stages[0].platform.as_ref().unwrap().span),
        ("$BUILDPLATFORM", 5, 17)
    );
    assert_eq!(
        at(&f, d.stages[0].name.as_ref().unwrap().span),
        ("build", 5, 68)
    );
    assert_eq!(
        d.stages[1].base.resolved.as_deref(),
        Some("gcr.io/distroless/cc-debian12")
    );
    assert_eq!(
        d.stages[1].base.repository(),
        "gcr.io/distroless/cc-debian12"
    );
    assert_eq!(d.stages[2].base.resolved, None);
    assert_eq!(d.stages[2].base.name(), "$RUNTIME");
}

#[test]
fn arg_defaults_use_earlier_args_and_unknown_ones_stay_unknown() {
    let (_, d) = parsed(concat!(
        "ARG TAG\n",
        "ARG IMG=alpine:${TAG}\n",
        "ARG OK=${TAG:-3.20}\n",
        "FROM $IMG\n",
        "FROM alpine:$OK AS b\n",
        "ARG PORT=80${TAG:-80}\n",
        "EXPOSE $PORT\n",
    ));
    assert_eq!(d.stages[0].base.resolved, None);
    assert_eq!(d.stages[1].base.resolved.as_deref(), Some("alpine:3.20"));
    assert_eq!(d.exposed_ports()[0].1.number, Some(8080));
}

#[test]
fn multi_stage_chain_and_copy_sources() {
    let text = concat!(
        "FROM rust:1.82 AS Builder\n",
        "RUN apt-get update && apt-get install -y libssl-dev pkg-config\n",
        "RUN cargo build --release --locked --bin api -p api-server --target x86_64-unknown-linux-musl\n",
        "FROM debian:12-slim AS base\n",
        "RUN apt-get update && apt-get install -y ca-certificates libssl3\n",
        "FROM base\n",
        "COPY --from=builder /src/target/x86_64-unknown-linux-musl/release/api /usr/local/bin/api\n",
        "COPY --from=0 /src/Cargo.lock /\n",
        "COPY --from=nginx:1.27 /etc/nginx/mime.types /etc/\n",
        "COPY --from=later /x /y\n",
        "FROM alpine AS later\n",
    );
    let (f, d) = parsed(text);
    assert_eq!(d.stages.len(), 4);
    assert_eq!(d.final_stage().unwrap().index, 3);
    let s2 = &d.stages[2];
    assert_eq!(s2.base_stage, Some(1));
    let chain: Vec<usize> = d.runtime_stage_chain().iter().map(|s| s.index).collect();
    assert_eq!(chain, [3]);
    let froms: Vec<CopySource> = s2
        .copies()
        .map(|(_, _, c)| c.from.clone().unwrap().source)
        .collect();
    assert_eq!(
        froms,
        [
            CopySource::Stage(0),
            CopySource::Stage(0),
            CopySource::Image("nginx:1.27".into()),
            CopySource::Image("later".into())
        ]
    );
    let (_, ins, c) = s2.copies().next().unwrap();
    assert_eq!(
        at(&f, c.from.as_ref().unwrap().word.span),
        ("builder", 7, 13)
    );
    assert_eq!(at(&f, ins.keyword_span), ("COPY", 7, 1));
    assert_eq!(
        d.stages[2].span,
        d.stages[2].from_span.to(d.stages[2].instructions[3].span)
    );

    // Without the trailing stage, the final image is built FROM base: its installs are runtime.
    let (f, d) = parsed(text.rsplit_once("FROM alpine").unwrap().0);
    let chain: Vec<usize> = d.runtime_stage_chain().iter().map(|s| s.index).collect();
    assert_eq!(chain, [1, 2]);
    assert_eq!(d.contributing_stages(), [0, 1, 2]);
    let runtime: Vec<&str> = d
        .runtime_packages()
        .iter()
        .map(|(_, p)| f.slice(p.word.span))
        .collect::<Vec<_>>();
    assert_eq!(runtime, ["ca-certificates", "libssl3"]);
    let builds = d.stages[0].cargo_builds();
    assert_eq!(builds.len(), 1);
    let b = &builds[0];
    assert!(b.release);
    assert_eq!(at(&f, b.bins[0].span), ("api", 3, 42));
    assert_eq!(at(&f, b.packages[0].span), ("api-server", 3, 49));
    assert_eq!(
        b.target.as_ref().unwrap().value,
        "x86_64-unknown-linux-musl"
    );
    let links = d.cargo_links();
    let links: Vec<(&str, CargoLinkKind, usize)> = links
        .iter()
        .map(|l| (l.name.as_str(), l.kind, f.region(l.span).line))
        .collect();
    assert_eq!(
        links,
        [
            ("api", CargoLinkKind::Bin, 7),
            ("api-server", CargoLinkKind::Package, 3)
        ]
    );
    let art = &d.stages[2].cargo_artifacts()[0];
    assert_eq!((art.name.as_str(), art.from_stage), ("api", 0));
    assert_eq!(
        at(&f, art.word.span),
        ("/src/target/x86_64-unknown-linux-musl/release/api", 7, 21)
    );
    assert_eq!(d.language_runtime().language, Language::Rust);
}

#[test]
fn build_stage_installs_are_not_runtime() {
    let text = concat!(
        "FROM python:3.12 AS build\n",
        "RUN apt-get install -y libpq-dev gcc\n",
        "RUN pip install --no-cache-dir -r requirements.txt psycopg2==2.9.9\n",
        "FROM python:3.12-slim\n",
        "COPY --from=build /usr/local/lib/python3.12 /usr/local/lib/python3.12\n",
        "RUN apt-get update && apt-get install -y curl ca-certificates\n",
        "CMD [\"python\", \"-m\", \"app\"]\n",
    );
    let (f, d) = parsed(text);
    let names: Vec<String> = d
        .runtime_packages()
        .into_iter()
        .map(|(_, p)| p.name)
        .collect();
    assert_eq!(names, ["curl", "ca-certificates"]);
    // pip installs reach the image through the copied site-packages.
    let pips = d.runtime_pip_installs();
    assert_eq!(pips.len(), 1);
    let (pip, via) = &pips[0];
    assert_eq!(
        at(&f, pip.packages[0].word.span),
        ("psycopg2==2.9.9", 3, 52)
    );
    assert_eq!(pip.requirements[0].value, "requirements.txt");
    assert_eq!(
        at(&f, via.as_ref().unwrap().span),
        ("/usr/local/lib/python3.12", 5, 19)
    );
    assert_eq!(d.language_runtime().language, Language::Python);
}

#[test]
fn pip_installs_reach_the_image_only_through_a_copied_environment() {
    let pips = |text: &str| {
        let (f, d) = parsed(text);
        d.runtime_pip_installs()
            .into_iter()
            .map(|(p, via)| {
                (
                    p.packages
                        .iter()
                        .map(|p| p.name.clone())
                        .collect::<Vec<_>>(),
                    via.map(|w| f.slice(w.span).to_string()),
                )
            })
            .collect::<Vec<_>>()
    };
    // A tool installed in a build stage whose output is a file: not in the image.
    assert!(pips("FROM python:3 AS b\nRUN pip install poetry && poetry export -o /req.txt\nFROM python:3-slim\nCOPY --from=b /req.txt /\n").is_empty());
    // `--prefix` directory copied.
    assert_eq!(
        pips(
            "FROM python:3 AS b\nRUN pip install --prefix=/install numpy\nFROM python:3-slim\nCOPY --from=b /install /usr/local\n"
        ),
        [(vec!["numpy".to_string()], Some("/install".to_string()))]
    );
    // A virtualenv, in a stage built on the one that creates it.
    assert_eq!(
        pips(
            "FROM python:3 AS v\nRUN python -m venv /opt/venv\nFROM v AS b\nRUN /opt/venv/bin/pip install grpcio\nFROM python:3-slim\nCOPY --from=b /opt/venv /opt/venv\n"
        ),
        [(vec!["grpcio".to_string()], Some("/opt/venv".to_string()))]
    );
    // In the final stage itself.
    assert_eq!(
        pips("FROM python:3\nRUN python3 -m pip install --no-cache-dir gevent\n"),
        [(vec!["gevent".to_string()], None)]
    );
}

#[test]
fn package_managers_flags_and_removals() {
    let text = concat!(
        "FROM alpine:3.20\n",
        "RUN apk add --no-cache --virtual .build-deps gcc musl-dev \\\n",
        " && apk add --no-cache -X http://x/edge libpq=16.1-r0 \\\n",
        " && make && apk del .build-deps\n",
        "RUN apt-get -o Dpkg::Options::=--force-confold -t bookworm-backports install -y libmysqlclient21/bookworm && apt-get purge -y libmysqlclient21\n",
        "RUN dnf install -y --setopt=tsflags=nodocs --enablerepo crb ImageMagick && microdnf install -y ffmpeg\n",
        "RUN sudo yum -y install libvips && DEBIAN_FRONTEND=noninteractive apt install -qq tzdata\n",
        "RUN zypper --non-interactive in libxml2 && echo apt-get install nope && apk update\n",
        "RUN apt-get install -y $EXTRA lib${X} $(cat /pkgs.txt) java-${V}-openjdk-headless\n",
    );
    let (f, d) = parsed(text);
    let installs = d.stages[0].package_installs();
    let got: Vec<(PackageManager, &str, bool)> = installs
        .iter()
        .flat_map(|i| {
            i.packages
                .iter()
                .map(move |p| (i.manager, p.name.as_str(), p.removed_later))
        })
        .collect();
    assert_eq!(
        got,
        [
            (PackageManager::Apk, "gcc", true),
            (PackageManager::Apk, "musl-dev", true),
            (PackageManager::Apk, "libpq", false),
            (PackageManager::Apt, "libmysqlclient21", true),
            (PackageManager::Dnf, "imagemagick", false),
            (PackageManager::Microdnf, "ffmpeg", false),
            (PackageManager::Yum, "libvips", false),
            (PackageManager::Apt, "tzdata", false),
            (PackageManager::Zypper, "libxml2", false),
            (PackageManager::Apt, "java-${v}-openjdk-headless", false),
        ]
    );
    assert_eq!(
        at(&f, installs[0].virtual_name.as_ref().unwrap().span),
        (".build-deps", 2, 34)
    );
    assert_eq!(
        at(&f, installs[1].packages[0].word.span),
        ("libpq=16.1-r0", 3, 41)
    );
    let runtime: Vec<String> = d
        .runtime_packages()
        .into_iter()
        .map(|(_, p)| p.name)
        .collect();
    assert_eq!(
        runtime,
        [
            "libpq",
            "imagemagick",
            "ffmpeg",
            "libvips",
            "tzdata",
            "libxml2",
            "java-${v}-openjdk-headless"
        ]
    );
}

fn shell_uses(text: &str) -> Vec<(ShellUseKind, String, String)> {
    let (f, d) = parsed(text);
    d.shell_uses()
        .into_iter()
        .map(|u| (u.kind, u.keyword.clone(), f.slice(u.span).to_string()))
        .collect()
}

#[test]
fn shell_entrypoints() {
    use ShellUseKind::*;
    assert_eq!(
        shell_uses("FROM x\nCMD node server.js\n"),
        [(ShellForm, "CMD".into(), "node server.js".into())]
    );
    assert_eq!(
        shell_uses("FROM x\nENTRYPOINT [\"/bin/sh\", \"-ec\", \"exec app\"]\n"),
        [(DashC, "ENTRYPOINT".into(), "\"/bin/sh\", \"-ec\"".into())]
    );
    assert_eq!(
        shell_uses("FROM x\nENTRYPOINT [\"/docker-entrypoint.sh\"]\nCMD [\"app\"]\n"),
        [(
            Script,
            "ENTRYPOINT".into(),
            "\"/docker-entrypoint.sh\"".into()
        )]
    );
    assert_eq!(
        shell_uses("FROM x\nCMD [\"bash\", \"-x\", \"start\"]\n"),
        [(Script, "CMD".into(), "\"start\"".into())]
    );
    assert_eq!(
        shell_uses("FROM x\nENTRYPOINT [\"tini\", \"-g\", \"--\"]\nCMD [\"/run.sh\"]\n"),
        [(Script, "CMD".into(), "\"/run.sh\"".into())]
    );
    // A binary in exec form runs no shell; a shell-form CMD behind an exec ENTRYPOINT is only args.
    assert!(shell_uses("FROM x\nENTRYPOINT [\"/app\"]\nCMD --port 80\n").is_empty());
    assert!(shell_uses("FROM x\nCMD [\"/app\", \"-c\", \"cfg.toml\"]\n").is_empty());
    // The final stage inherits CMD from the stage it is built on, until an ENTRYPOINT resets it.
    assert_eq!(
        shell_uses("FROM x AS a\nCMD ./run\nFROM a\n"),
        [(ShellForm, "CMD".into(), "./run".into())]
    );
    assert!(shell_uses("FROM x AS a\nCMD ./run\nFROM a\nENTRYPOINT [\"/app\"]\n").is_empty());
    // Not the final stage's business.
    assert!(shell_uses("FROM x AS a\nCMD ./run\nFROM y\n").is_empty());
}

#[test]
fn expose_volume_user_workdir_env_healthcheck() {
    let text = concat!(
        "FROM node:22\n",
        "ARG PORT=3000\n",
        "ENV METRICS=9100 LOG_DIR=\"/var/log/my app\"\n",
        "ENV LEGACY some value\n",
        "EXPOSE $PORT 5432/tcp 53/UDP 8000-8010 ${METRICS}/tcp ${NOPE} 99999 abc/xyz\n",
        "VOLUME [\"/data\", \"/var/lib/postgresql/data\"]\n",
        "VOLUME /cache /tmp/x\n",
        "WORKDIR /srv/app\n",
        "USER 10001:10001\n",
        "LABEL org.opencontainers.image.source=\"https://x\"\n",
        "HEALTHCHECK --interval=30s CMD curl -f http://localhost:3000/health || exit 1\n",
        "FROM node:22 AS other\n",
        "HEALTHCHECK NONE\n",
    );
    let (f, d) = parsed(text);
    let s = &d.stages[0];
    let ports: Vec<(&str, Option<u16>, Option<u16>, Protocol)> = match &s.instructions[3].kind {
        InstructionKind::Expose(p) => p
            .iter()
            .map(|p| (f.slice(p.word.span), p.number, p.end, p.protocol))
            .collect(),
        k => panic!("{k:?}"),
    };
    assert_eq!(
        ports,
        [
            ("$PORT", Some(3000), None, Protocol::Tcp),
            ("5432/tcp", Some(5432), None, Protocol::Tcp),
            ("53/UDP", Some(53), None, Protocol::Udp),
            ("8000-8010", Some(8000), Some(8010), Protocol::Tcp),
            ("${METRICS}/tcp", Some(9100), None, Protocol::Tcp),
            ("${NOPE}", None, None, Protocol::Tcp),
            ("99999", None, None, Protocol::Tcp),
            ("abc/xyz", None, None, Protocol::Unknown),
        ]
    );
    match &s.instructions[1].kind {
        InstructionKind::Env(kv) => {
            assert_eq!(at(&f, kv[1].key.span), ("LOG_DIR", 3, 18));
            assert_eq!(kv[1].value.as_ref().unwrap().value, "/var/log/my app");
            assert_eq!(
                at(&f, kv[1].value.as_ref().unwrap().span),
                ("\"/var/log/my app\"", 3, 26)
            );
        }
        k => panic!("{k:?}"),
    }
    match &s.instructions[2].kind {
        InstructionKind::Env(kv) => {
            assert_eq!(kv[0].key.value, "LEGACY");
            assert_eq!(
                at(&f, kv[0].value.as_ref().unwrap().span),
                ("some value", 4, 12)
            );
        }
        k => panic!("{k:?}"),
    }
    match &s.instructions[0].kind {
        InstructionKind::Arg(kv) => assert_eq!(kv[0].value.as_ref().unwrap().value, "3000"),
        k => panic!("{k:?}"),
    }
    // Only the final stage's facts count: the first stage is not in the runtime chain.
    assert!(d.exposed_ports().is_empty());
    assert!(matches!(d.healthcheck(), Some((_, Healthcheck::None))));
    let vols: Vec<(&str, usize, usize)> = d.stages[0]
        .instructions
        .iter()
        .filter_map(|i| match &i.kind {
            InstructionKind::Volume(v) => {
                Some(v.iter().map(|w| at(&f, w.span)).collect::<Vec<_>>())
            }
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(
        vols,
        [
            ("\"/data\"", 6, 9),
            ("\"/var/lib/postgresql/data\"", 6, 18),
            ("/cache", 7, 8),
            ("/tmp/x", 7, 15)
        ]
    );
    assert!(
        matches!(&s.instructions[6].kind, InstructionKind::Workdir(w) if w.value == "/srv/app")
    );
    assert!(
        matches!(&s.instructions[7].kind, InstructionKind::User(w) if at(&f, w.span) == ("10001:10001", 9, 6))
    );
    assert!(
        matches!(&s.instructions[8].kind, InstructionKind::Label(kv) if kv[0].key.value == "org.opencontainers.image.source")
    );
    match &s.instructions[9].kind {
        InstructionKind::Healthcheck(Healthcheck::Cmd(c)) => {
            assert_eq!(c.form, Form::Shell);
            assert_eq!(
                at(&f, c.script.as_ref().unwrap().span),
                ("curl -f http://localhost:3000/health || exit 1", 11, 32)
            );
            assert_eq!(
                words(&c.commands[0]),
                ["curl", "-f", "http://localhost:3000/health"]
            );
        }
        k => panic!("{k:?}"),
    }
    assert_eq!(
        s.instructions[9]
            .flag("interval")
            .unwrap()
            .value
            .as_ref()
            .unwrap()
            .value,
        "30s"
    );

    // Built on the first stage: its ports, volumes, user and health check are the image's.
    let (f, d) = parsed(
        &text
            .replace("FROM node:22 AS other\nHEALTHCHECK NONE\n", "FROM base\n")
            .replace("FROM node:22\n", "FROM node:22 AS base\n"),
    );
    let ports: Vec<&str> = d
        .exposed_ports()
        .iter()
        .map(|(_, p)| f.slice(p.word.span))
        .collect();
    assert_eq!(ports.len(), 8);
    assert_eq!(d.volumes().len(), 4);
    assert_eq!(d.user().map(|(_, u)| u.value.as_str()), Some("10001:10001"));
    assert!(matches!(d.healthcheck(), Some((_, Healthcheck::Cmd(_)))));
}

#[test]
fn expose_resolves_variables_inherited_from_a_base_stage() {
    let (_, d) = parsed("ARG P=7000\nFROM x AS a\nARG P\nENV Q=${P}1\nFROM a\nEXPOSE $Q $P\n");
    let ports: Vec<Option<u16>> = d.exposed_ports().iter().map(|(_, p)| p.number).collect();
    // `70001` is no port; `P` is an ARG of stage `a` and ARGs do not carry over to `FROM a`.
    assert_eq!(ports, [None, None]);
    let (_, d) = parsed("ARG P=7000\nFROM x AS a\nARG P\nENV Q=${P}\nFROM a\nEXPOSE $Q/udp\n");
    let p = d.exposed_ports()[0].1.clone();
    assert_eq!(
        (p.number, p.protocol, p.resolved.as_str()),
        (Some(7000), Protocol::Udp, "7000/udp")
    );
}

#[test]
fn shared_libraries_copied_into_the_image() {
    let text = concat!(
        "FROM rust:1 AS build\n",
        "COPY vendor/libfoo.so /usr/lib/\n",
        "FROM debian:12-slim\n",
        "COPY --from=build /usr/lib/x86_64-linux-gnu/libpq.so.5 /usr/lib/x86_64-linux-gnu/libssl.so.3 /usr/lib/\n",
        "ADD plugins/ /opt/plugins/libplugin.so\n",
        "COPY app.sock.conf /etc/\n",
    );
    let (f, d) = parsed(text);
    let libs: Vec<(&str, usize, usize)> = d
        .shared_libraries()
        .iter()
        .map(|l| at(&f, l.word.span))
        .collect();
    assert_eq!(
        libs,
        [
            ("/usr/lib/x86_64-linux-gnu/libpq.so.5", 4, 19),
            ("/usr/lib/x86_64-linux-gnu/libssl.so.3", 4, 56),
            ("/opt/plugins/libplugin.so", 5, 14),
        ]
    );
}

fn language(text: &str) -> (Language, String, String) {
    let (f, d) = parsed(text);
    let l = d.language_runtime();
    (l.language, f.slice(l.span).to_string(), l.reason)
}

#[test]
fn language_runtime_classification() {
    let l = language(
        "FROM eclipse-temurin:21-jre\nCOPY app.jar /\nENTRYPOINT [\"java\", \"-jar\", \"/app.jar\"]\n",
    );
    assert_eq!(
        (l.0, l.1.as_str()),
        (Language::Jvm, "eclipse-temurin:21-jre")
    );
    assert!(
        l.2.starts_with("base image `eclipse-temurin:21-jre` (Eclipse Temurin): a JIT"),
        "{}",
        l.2
    );
    assert_eq!(
        language(
            "FROM mcr.microsoft.com/dotnet/aspnet:8.0\nENTRYPOINT [\"dotnet\", \"Api.dll\"]\n"
        )
        .0,
        Language::Dotnet
    );
    assert_eq!(
        language("FROM maven:3.9-eclipse-temurin-21 AS b\nFROM b\n").0,
        Language::Jvm
    );
    let l = language(
        "FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y openjdk-17-jre-headless\nCMD [\"./run\"]\n",
    );
    assert_eq!(
        (l.0, l.1.as_str()),
        (Language::Jvm, "openjdk-17-jre-headless")
    );
    let l = language("FROM debian:12\nCOPY app.jar /\nCMD java -jar /app.jar\n");
    assert_eq!((l.0, l.1.as_str()), (Language::Jvm, "java"));
    assert_eq!(
        language("FROM node:22-alpine\nCMD [\"node\", \"server.js\"]\n").0,
        Language::Node
    );
    assert_eq!(
        language("FROM alpine\nRUN apk add python3 py3-pip && pip install flask\n").0,
        Language::Python
    );
    let l = language(
        "FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n",
    );
    assert_eq!((l.0, l.1.as_str()), (Language::Go, "/out/app"));
    assert_eq!(
        l.2,
        "`/out/app` is copied from stage `build`, which runs `go build`"
    );
    let l = language(
        "FROM golang:1.23 AS build\nRUN make\nFROM gcr.io/distroless/static\nCOPY --from=build /src/bin/app /app\n",
    );
    assert_eq!(l.0, Language::Go);
    assert_eq!(
        l.2,
        "`/src/bin/app` is copied from stage `build`, a Go build on `golang:1.23`"
    );
    let l = language(
        "FROM rust:1.82 AS build\nRUN cargo build --release\nFROM debian:12-slim\nCOPY --from=build /app/target/release/api /api\nCMD [\"/api\"]\n",
    );
    assert_eq!(l.0, Language::Rust);
    let l = language("FROM scratch\nCOPY app /app\nENTRYPOINT [\"/app\"]\n");
    assert_eq!((l.0, l.1.as_str()), (Language::Static, "scratch"));
    let l = language(
        "FROM scratch\nCOPY --chmod=0755 target/wasm32-wasip2/release/app.wasm /app.wasm\nENTRYPOINT [\"/app.wasm\"]\n",
    );
    assert_eq!((l.0, l.1.as_str()), (Language::Wasm, "\"/app.wasm\""));
    let l = language("FROM scratch\nCOPY spin.toml app.wasm /\n");
    assert_eq!((l.0, l.1.as_str()), (Language::Wasm, "app.wasm"));
    let l = language("FROM acme/base:1\nCMD [\"/app\"]\n");
    assert_eq!(
        (l.0, l.2.as_str()),
        (
            Language::Unknown,
            "base image `acme/base:1` is not a known runtime image"
        )
    );
    assert_eq!(
        language("FROM debian:12\nCMD [\"/app\"]\n").0,
        Language::Unknown
    );
    assert_eq!(language("FROM php:8.3-fpm\n").0, Language::Php);
    assert_eq!(language("FROM ruby:3.3\n").0, Language::Ruby);
}

#[test]
fn cargo_install_and_copied_cargo_bin() {
    let text = concat!(
        "FROM rust:1 AS tools\n",
        "RUN cargo install --locked --path crates/worker --root /out && cargo +nightly build -pweb --profile=release\n",
        "FROM debian:12-slim\n",
        "COPY --from=tools /usr/local/cargo/bin/worker /usr/local/bin/\n",
    );
    let (f, d) = parsed(text);
    let b = d.stages[0].cargo_builds();
    assert_eq!(b.len(), 2);
    assert_eq!(
        (
            b[0].subcommand.as_str(),
            b[0].install_path.as_ref().unwrap().value.as_str()
        ),
        ("install", "crates/worker")
    );
    assert_eq!(
        (
            b[1].subcommand.as_str(),
            b[1].packages[0].value.as_str(),
            b[1].release
        ),
        ("build", "web", true)
    );
    let links = d.cargo_links();
    let links: Vec<(&str, CargoLinkKind, &str)> = links
        .iter()
        .map(|l| (l.name.as_str(), l.kind, f.slice(l.span)))
        .collect();
    assert_eq!(
        links,
        [
            ("worker", CargoLinkKind::Bin, "/usr/local/cargo/bin/worker"),
            ("web", CargoLinkKind::Package, "-pweb")
        ]
    );
}

#[test]
fn copy_json_form_and_flags() {
    let (f, d) = parsed(
        "FROM x\nCOPY --link --chown=app:app [\"a b.txt\", \"c\", \"/dst/\"]\nADD https://x/y.tar.gz /opt/\n",
    );
    let (_, ins, c) = d.stages[0].copies().next().unwrap();
    assert_eq!(
        c.sources
            .iter()
            .map(|w| w.value.as_str())
            .collect::<Vec<_>>(),
        ["a b.txt", "c"]
    );
    assert_eq!(at(&f, c.dest.as_ref().unwrap().span), ("\"/dst/\"", 2, 46));
    assert_eq!(c.chown.as_ref().unwrap().value, "app:app");
    assert!(ins.flag("link").is_some_and(|f| f.value.is_none()));
    assert!(
        matches!(&d.stages[0].instructions[1].kind, InstructionKind::Add(a) if a.sources[0].value == "https://x/y.tar.gz")
    );
}

#[test]
fn non_ascii_text_maps_to_character_columns() {
    let text = "FROM debian\n# héllo wörld\nRUN echo \"ünïcode\" && apt-get install -y libpq5 # trailing\n";
    let (f, d) = parsed(text);
    let p = &d.stages[0].package_installs()[0].packages[0];
    assert_eq!(at(&f, p.word.span), ("libpq5", 3, 42));
}

/// Robustness: every prefix of a file using every construct parses or errors, never panics.
#[test]
fn every_prefix_is_handled() {
    let text = concat!(
        "# syntax=docker/dockerfile:1\n# escape=\\\nARG B=${X:-alpine}\n",
        "FROM --platform=$P ${B} AS é\nRUN <<EOF bash\napk add --virtual .v gcc \\\n # c\n && apk del .v\nEOF\n",
        "RUN [\"sh\", \"-c\", \"apt-get install -y \\u0041 x\"]\nCOPY --from=é [\"a\", \"/b\"]\n",
        "EXPOSE ${P:-80}/udp 1-2\nENTRYPOINT [\"tini\", \"--\", \"/e.sh\"]\nHEALTHCHECK CMD [\"x\"]\n",
        "FROM é\nRUN cargo build --bin=x -p\nCOPY --from=0 target/release/x /\n",
    );
    for end in (0..=text.len()).filter(|i| text.is_char_boundary(*i)) {
        let f = file(&text[..end]);
        if let Ok(d) = parse(&f) {
            let _ = (
                d.language_runtime(),
                d.shell_uses(),
                d.cargo_links(),
                d.runtime_packages(),
                d.shared_libraries(),
            );
            let _ = (
                d.exposed_ports(),
                d.volumes(),
                d.runtime_pip_installs(),
                d.user(),
                d.healthcheck(),
            );
        }
    }
}

/// Robustness: pseudo-random bytes made of Dockerfile punctuation.
#[test]
fn random_soup_never_panics() {
    let alphabet: Vec<char> =
        "FROM RUN COPY --from=a AS \\`$\"'{}[],<<-EOF\n\t #=:/-c sh .so 80/udp é"
            .chars()
            .collect();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..300 {
        let mut s = String::from("FROM x\n");
        for _ in 0..200 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        if let Ok(d) = parse(&file(&s)) {
            let _ = (
                d.language_runtime(),
                d.shell_uses(),
                d.cargo_links(),
                d.runtime_packages(),
                d.shared_libraries(),
            );
        }
    }
}

/// Inputs that would be quadratic or explode with a naive implementation finish and stay bounded.
#[test]
fn hostile_inputs_stay_linear_and_bounded() {
    // Variable doubling: each ENV doubles the value.
    let mut s = String::from("FROM x\nENV A=0123456789\n");
    for _ in 0..64 {
        s.push_str("ENV A=$A$A\n");
    }
    s.push_str("EXPOSE ");
    for _ in 0..20_000 {
        s.push_str("$A ");
    }
    s.push('\n');
    let (_, d) = parsed(&s);
    let total: usize = d
        .exposed_ports()
        .iter()
        .map(|(_, p)| p.resolved.len())
        .sum();
    assert!(total < 4 << 20, "expansions are bounded, got {total}");

    // Thousands of stages, each built on the previous one.
    let mut s = String::from("FROM x AS s0\n");
    for i in 1..5_000 {
        s.push_str(&format!(
            "FROM s{} AS s{i}\nENV V{i}=1\nEXPOSE $V{i}\n",
            i - 1
        ));
    }
    let (_, d) = parsed(&s);
    assert_eq!(d.runtime_stage_chain().len(), 5_000);
    assert_eq!(d.exposed_ports().len(), 4_999);

    // One instruction continued over 50k lines, and an unterminated heredoc.
    let mut s = String::from("FROM x\nRUN apt-get install -y \\\n");
    for i in 0..50_000 {
        s.push_str(&format!("  pkg{i} \\\n"));
    }
    s.push_str("  last\nRUN <<EOF\n");
    s.push_str(&"x\n".repeat(50_000));
    let (_, d) = parsed(&s);
    assert_eq!(d.stages[0].package_installs()[0].packages.len(), 50_001);
    assert!(!d.stages[0].instructions[1].heredocs[0].terminated);

    // Nested `${` that never closes.
    let s = format!("FROM {}\n", "${A:-".repeat(100_000));
    let (_, d) = parsed(&s);
    assert_eq!(d.stages[0].base.resolved, None);
}
