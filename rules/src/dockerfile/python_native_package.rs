//! `WM106` python-native-package: the final image holds a Python package with native (C, C++,
//! Rust) extensions.

use crate::dockerfile::common::{image_part, python_os_package, python_package, stage_name};
use crate::{DockerfileCx, ImageCx, Rule, RuleMeta, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags Python distributions with native extensions (`grpcio`, `numpy`, `psycopg2`,
    /// `gevent`, `lxml`, `cryptography`, ...; the list is the `[[python]]` part of
    /// `rules/data/packages.toml`) that end up in the final image:
    /// - `pip install NAME` (also `pip3`, `python -m pip`, `uv pip`, wheel files) in the final
    ///   stage or a stage it is built `FROM`;
    /// - `pip install` in a build stage whose Python environment the final image copies: the
    ///   `--target`/`--prefix` directory, a virtualenv, site-packages, `/usr/local` or
    ///   `~/.local` (`COPY --from=build /opt/venv /opt/venv`);
    /// - OS packages of the same distributions (`python3-numpy`, `py3-lxml`).
    ///
    /// A build stage that only uses pip for tooling (its output copied is a file, not the
    /// environment) does not fire. Requirements files installed with `pip install -r` are read when
    /// the repository has them (found through the `COPY` that put them into the image, nested
    /// `-r` files followed): the finding points at the file's line, with the `-r` as related
    /// location. The project files the image copies in (the file itself, or at the root of a
    /// copied folder) are read too: `pyproject.toml` (PEP 621 and Poetry dependencies),
    /// `Pipfile` `[packages]`, `setup.cfg` `install_requires`, the literal `install_requires`
    /// of a `setup.py` (read, never run), and the locks `poetry.lock`, `uv.lock`, `pdm.lock`
    /// and `Pipfile.lock` (`default` only; a `Pipfile` beside its lock is left to the lock). A
    /// known native package is a blocker at its line in that file; a locked package offered
    /// only as platform-specific wheels (no `none-any` wheel) is a warning, since it may have a
    /// pure fallback.
    ///
    /// An image that buildpacks build from a directory with a `requirements.txt` (a skaffold
    /// `buildpacks:` artifact, `pack build`; docs/linking.md) installs that file: its known
    /// native packages are blockers at their lines, with the build's declaration as related
    /// location.
    ///
    /// ## Why it matters for Wasm
    /// Python becomes a Wasm component with componentize-py, which bundles CPython compiled for
    /// WASI with pure-Python code. A C extension is a native shared object built for Linux; it
    /// cannot be loaded by a WASI interpreter unless the extension itself is rebuilt for WASI,
    /// which few projects do.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir fastapi grpcio psycopg2-binary
    /// ```
    /// `grpcio` and `psycopg2-binary` fire; `fastapi` does not.
    ///
    /// ## How to fix
    /// Replace the package with a pure-Python one where it exists (`pg8000` for `psycopg2`,
    /// `PyMySQL` for `mysqlclient`, `asyncio` for `gevent`, the standard `json` and
    /// `xml.etree`), move the native part into a service the Wasm component calls over HTTP,
    /// or keep the workload on Linux.
    pub struct PythonNativePackage {
        code: "WM106",
        name: "python-native-package",
        category: PythonNative,
        severity: Blocker,
        penalty: 40,
        summary: "the final image holds a Python package with native extensions",
        help: "use a pure-Python replacement, move the native part into a service called over HTTP, or keep the workload on Linux",
    }
}

impl Rule for PythonNativePackage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    /// A buildpacks build installs the `requirements.txt` of the program's directory.
    fn check_image(&self, cx: &ImageCx<'_>, sink: &mut Sink<'_>) {
        for p in cx.workload.programs.iter().filter(|p| {
            p.container == cx.container.name
                && p.builder == analyzer::link::program::Builder::Buildpacks
        }) {
            let file = cx.repo.file(p.build_file);
            if !file.path.ends_with("requirements.txt") {
                continue;
            }
            let (requirements, _) = analyzer::dockerfile::parse_requirements(&file.text);
            for r in &requirements {
                let Some(entry) = python_package(&r.name) else {
                    continue;
                };
                let hit = sink.report(
                    file.id,
                    r.span,
                    format!(
                        "`{}` is required by `{}`, which buildpacks install into the image: {}",
                        r.name, file.path, entry.reason
                    ),
                );
                hit.related(cx.file, cx.span, "the image buildpacks build runs here");
                if let Some(alt) = &entry.alternative {
                    hit.help(format!(
                        "replace it with {alt}, or keep the workload on Linux"
                    ));
                }
            }
        }
    }

    fn check_dockerfile(&self, cx: &DockerfileCx<'_>, sink: &mut Sink<'_>) {
        let df = cx.dockerfile;
        for (pip, via) in df.runtime_pip_installs() {
            for pkg in &pip.packages {
                let Some(entry) = python_package(&pkg.name) else {
                    continue;
                };
                let msg = match &via {
                    None => format!(
                        "`{}` is installed with pip in {}: {}",
                        pkg.name,
                        image_part(df, pip.at.stage),
                        entry.reason
                    ),
                    Some(_) => format!(
                        "`{}` is installed with pip in {}, whose Python environment the final image copies: {}",
                        pkg.name,
                        stage_name(df, pip.at.stage),
                        entry.reason
                    ),
                };
                let hit = sink.report(cx.file.id, pkg.word.span, msg);
                if let Some(src) = &via {
                    hit.related(
                        cx.file.id,
                        src.span,
                        format!("`{}` is copied into the final image here", src.value),
                    );
                }
                if let Some(alt) = &entry.alternative {
                    hit.help(format!(
                        "replace it with {alt}, or keep the workload on Linux"
                    ));
                }
            }
        }
        // `pip install -r requirements.txt`: the file the COPY put there, at its line.
        for req in cx
            .repo
            .pip_requirements
            .get(&cx.file.id)
            .into_iter()
            .flatten()
        {
            let path = &cx.repo.file(req.file).path;
            for r in &req.requirements {
                let Some(entry) = python_package(&r.name) else {
                    continue;
                };
                // A project file the image copies in (pyproject.toml, Pipfile, setup.cfg,
                // setup.py), or a requirements file a `pip install -r` reads.
                let project =
                    cx.repo.kind(req.file) != analyzer::discover::FileKind::PythonRequirements;
                let how = if project {
                    "a dependency of the project the image copies in"
                } else {
                    "installed by the image with pip"
                };
                let hit = sink.report(
                    req.file,
                    r.span,
                    format!(
                        "`{}` is required by `{path}`, {how}: {}",
                        r.name, entry.reason
                    ),
                );
                hit.related(
                    cx.file.id,
                    req.word,
                    if project {
                        format!("`{path}` is copied into the image here")
                    } else {
                        format!("`pip install -r` reads `{path}` here")
                    },
                );
                if let Some(alt) = &entry.alternative {
                    hit.help(format!(
                        "replace it with {alt}, or keep the workload on Linux"
                    ));
                }
            }
        }
        // A lock the image copies in: every pinned package is installed. A
        // known native one is a blocker; one the lock offers only compiled wheels for is a
        // warning (it may have a pure fallback: needs validation).
        for lock in cx.repo.python_locks.get(&cx.file.id).into_iter().flatten() {
            let path = &cx.repo.file(lock.file).path;
            for p in &lock.packages {
                let (msg, help, sev) = match python_package(&p.name) {
                    Some(entry) => (
                        format!("`{}` is pinned by `{path}`: {}", p.name, entry.reason),
                        entry.alternative.as_ref().map(|a| {
                            format!("replace it with {a}, or keep the workload on Linux")
                        }),
                        None,
                    ),
                    None if p.only_platform_wheels => (
                        format!(
                            "`{}` is pinned by `{path}` with only platform-specific wheels (no pure `none-any` wheel): compiled code, unless it has a pure fallback",
                            p.name
                        ),
                        Some("check whether it installs from its source distribution without the extension, or has a WASI build; otherwise replace it".to_string()),
                        Some(Severity::Warning),
                    ),
                    None => continue,
                };
                let hit = sink.report(lock.file, p.span, msg);
                hit.related(
                    cx.file.id,
                    lock.word,
                    format!("`{path}` is copied into the image here"),
                );
                if let Some(h) = help {
                    hit.help(h);
                }
                if let Some(s) = sev {
                    hit.severity(s);
                }
            }
        }
        for (install, pkg) in df.runtime_packages() {
            let Some(entry) = python_os_package(&pkg.name) else {
                continue;
            };
            let msg = format!(
                "`{}` is installed with {} in {}: {}",
                pkg.name,
                install.manager.as_str(),
                image_part(df, install.at.stage),
                entry.reason
            );
            let hit = sink.report(cx.file.id, pkg.word.span, msg);
            if let Some(alt) = &entry.alternative {
                hit.help(format!(
                    "replace it with {alt}, or keep the workload on Linux"
                ));
            }
        }
    }
}
