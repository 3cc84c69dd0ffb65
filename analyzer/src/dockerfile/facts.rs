//! Facts derived from a parsed Dockerfile that rules and linking read: which stages end up in the
//! image, package installs (apt/apk/yum/dnf/microdnf/zypper, pip), Cargo builds and the binaries
//! copied out of them, shell entrypoints, ports, volumes, user, health check, shared libraries.
//!
//! "Runtime" means the final stage and the stages it is built `FROM`: what a build stage installs
//! and only hands over through `COPY --from` is not in the image.

use std::collections::{HashMap, HashSet, VecDeque};

use super::text::ShellCommand;
use super::{
    CommandLine, Copy, CopySource, Dockerfile, Form, Healthcheck, Instruction, InstructionKind,
    Port, Stage, Word, basename, is_dash_c, is_shell,
};
use crate::span::Span;

/// Where an instruction is: stage index and index in [`Stage::instructions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InstrRef {
    pub stage: usize,
    pub index: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PackageManager {
    Apt,
    Apk,
    Yum,
    Dnf,
    Microdnf,
    Zypper,
}

impl PackageManager {
    pub fn as_str(self) -> &'static str {
        match self {
            PackageManager::Apt => "apt",
            PackageManager::Apk => "apk",
            PackageManager::Yum => "yum",
            PackageManager::Dnf => "dnf",
            PackageManager::Microdnf => "microdnf",
            PackageManager::Zypper => "zypper",
        }
    }

    fn from_program(program: &str) -> Option<Self> {
        Some(match basename(program) {
            "apt-get" | "apt" | "aptitude" => PackageManager::Apt,
            "apk" => PackageManager::Apk,
            "yum" => PackageManager::Yum,
            "dnf" | "dnf5" => PackageManager::Dnf,
            "microdnf" => PackageManager::Microdnf,
            "zypper" => PackageManager::Zypper,
            _ => return None,
        })
    }

    fn is_install(self, sub: &str) -> bool {
        match self {
            PackageManager::Apk => sub == "add",
            PackageManager::Zypper => sub == "install" || sub == "in",
            _ => sub == "install",
        }
    }

    fn is_remove(self, sub: &str) -> bool {
        match self {
            PackageManager::Apt => matches!(sub, "remove" | "purge"),
            PackageManager::Apk => sub == "del",
            PackageManager::Zypper => matches!(sub, "remove" | "rm"),
            _ => matches!(sub, "remove" | "erase"),
        }
    }

    /// Options that take the next word as their value (so it is not a package name).
    fn option_takes_value(self, opt: &str) -> bool {
        let common = ["-c", "--config"];
        let specific: &[&str] = match self {
            PackageManager::Apt => &[
                "-o",
                "--option",
                "-t",
                "--target-release",
                "--default-release",
                "--config-file",
            ],
            PackageManager::Apk => &[
                "-t",
                "--virtual",
                "-X",
                "--repository",
                "-p",
                "--root",
                "--arch",
                "--keys-dir",
                "--repositories-file",
                "--cache-dir",
            ],
            PackageManager::Yum | PackageManager::Dnf | PackageManager::Microdnf => &[
                "--enablerepo",
                "--disablerepo",
                "--setopt",
                "--installroot",
                "--releasever",
                "--repo",
                "--repofrompath",
                "-x",
                "--exclude",
            ],
            PackageManager::Zypper => &["-r", "--repo", "--from", "-t", "--type"],
        };
        common.contains(&opt) || specific.contains(&opt)
    }
}

/// A package named on an install command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    /// The name without version pin, release or extras (`libpq5` for `libpq5=15.4-1`), lower-case.
    pub name: String,
    /// The word as written.
    pub word: Word,
    /// A later command of the same stage removes it (`apt-get purge`, `apk del` of its virtual group).
    pub removed_later: bool,
}

/// One `apt-get install` / `apk add` / ... command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageInstall {
    pub manager: PackageManager,
    pub at: InstrRef,
    /// The install command (manager to last word).
    pub span: Span,
    pub packages: Vec<Package>,
    /// `apk add --virtual .build-deps ...`: the group name.
    pub virtual_name: Option<Word>,
}

/// One `pip install` (also `python -m pip install`, `uv pip install`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PipInstall {
    pub at: InstrRef,
    pub span: Span,
    /// Normalised names (lower-case, `_`/`.` -> `-`), extras and versions removed.
    pub packages: Vec<Package>,
    /// `-r requirements.txt` files.
    pub requirements: Vec<Word>,
    /// `--target DIR`, `--prefix DIR` or `--root DIR`: where the packages go instead of the
    /// interpreter's site-packages (multi-stage builds copy that directory).
    pub install_dir: Option<Word>,
}

/// One `cargo build` / `cargo install` / `cargo rustc` / `cargo zigbuild` command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CargoBuild {
    pub at: InstrRef,
    pub span: Span,
    /// `build`, `install`, `rustc`, `zigbuild`.
    pub subcommand: String,
    /// `--bin X`.
    pub bins: Vec<Word>,
    /// `-p X` / `--package X`.
    pub packages: Vec<Word>,
    pub release: bool,
    /// `--target T`.
    pub target: Option<Word>,
    /// `--manifest-path P`.
    pub manifest_path: Option<Word>,
    /// `cargo install --path P`.
    pub install_path: Option<Word>,
    /// `cargo install NAME` (a crate from a registry).
    pub install_crates: Vec<Word>,
}

/// A Cargo-built binary copied out of a stage: `COPY --from=build /app/target/release/api /api`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CargoArtifact {
    /// The binary (or `.wasm`) file name.
    pub name: String,
    /// The source path word.
    pub word: Word,
    pub at: InstrRef,
    pub from_stage: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CargoLinkKind {
    /// A binary target name (`--bin X`, a copied `target/release/X`).
    Bin,
    /// A package name (`-p X`).
    Package,
}

/// Evidence that the image holds Cargo binary or package `name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CargoLink {
    pub name: String,
    pub kind: CargoLinkKind,
    pub span: Span,
    pub at: InstrRef,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShellUseKind {
    /// `CMD node server.js` runs `/bin/sh -c`.
    ShellForm,
    /// `["sh", "-c", "..."]`.
    DashC,
    /// A shell script as the program (`["/entrypoint.sh"]`, `["bash", "start.sh"]`).
    Script,
    /// A bare shell as the program (`["bash"]`).
    Shell,
}

/// The container's start command runs a shell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellUse {
    pub kind: ShellUseKind,
    pub at: InstrRef,
    /// `ENTRYPOINT` or `CMD`.
    pub keyword: String,
    /// The evidence: the shell-form text, `sh ... -c`, or the script word.
    pub span: Span,
}

/// A shared library copied into the image (`COPY libfoo.so.1 /usr/lib/`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedLibrary {
    pub word: Word,
    pub at: InstrRef,
}

/// A value of the Dockerfile and the instruction it comes from.
pub type Located<'a, T> = (InstrRef, &'a T);

/// Process wrappers that run the real program given after them.
const WRAPPERS: &[&str] = &[
    "sudo",
    "env",
    "xargs",
    "nice",
    "nohup",
    "exec",
    "command",
    "eatmydata",
    "stdbuf",
    "timeout",
];
/// Init processes used as ENTRYPOINT in front of the program.
const INITS: &[&str] = &["tini", "tini-static", "dumb-init", "catatonit", "s6-svscan"];

/// The words of a command after wrappers (`sudo`, `env A=b`, `xargs -r`) are removed.
fn unwrap_command(words: &[Word]) -> &[Word] {
    let mut i = 0;
    while let Some(w) = words.get(i) {
        if !WRAPPERS.contains(&basename(&w.value)) {
            break;
        }
        i += 1;
        while words
            .get(i)
            .is_some_and(|w| w.value.starts_with('-') || super::text::is_assignment(&w.value))
        {
            i += 1;
        }
    }
    words.get(i..).unwrap_or(&[])
}

/// Strip version pins, releases and architectures: `libpq5=15.4`, `curl/bookworm-backports`,
/// `musl-dev>1.2`, `libssl3:amd64`.
/// Whether a package word can be judged: `$PKGS`, `$(cat list)` and `lib${X}` cannot; a name
/// with a variable inside whose literal text still says what it is
/// (`java-${JAVA_VERSION}-openjdk-headless`) can.
fn judgeable_package_word(word: &str) -> bool {
    if word.is_empty() || word.starts_with('$') || word.contains('`') || word.contains("$(") {
        return false;
    }
    if !word.contains('$') {
        return true;
    }
    let mut literal = String::new();
    let mut rest = word;
    while let Some(i) = rest.find('$') {
        literal.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        rest = match after.strip_prefix('{') {
            Some(inner) => inner.find('}').map_or("", |j| &inner[j + 1..]),
            None => after.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_'),
        };
    }
    literal.push_str(rest);
    literal.len() >= 8
}

fn os_package_name(word: &str) -> String {
    let end = word.find(['=', '<', '>', '~', '/']).unwrap_or(word.len());
    let name = word.get(..end).unwrap_or(word);
    let name = name.split(':').next().unwrap_or(name);
    name.to_ascii_lowercase()
}

/// `psycopg2-binary==2.9`, `"uvicorn[standard]>=0.30"`, `numpy-1.26.0-cp312-...whl` -> normalised name.
fn pip_package_name(word: &str) -> Option<String> {
    let file = basename(word);
    if file.ends_with(".whl") {
        let name = file.split('-').next()?;
        return Some(normalise_pip(name));
    }
    if word.contains('/')
        || word.starts_with('.')
        || word.contains("://")
        || word.starts_with('$')
        || word.is_empty()
    {
        return None;
    }
    let end = word
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .unwrap_or(word.len());
    let name = word.get(..end)?;
    (!name.is_empty()).then(|| normalise_pip(name))
}

fn normalise_pip(name: &str) -> String {
    name.to_ascii_lowercase().replace(['_', '.'], "-")
}

/// Options of `pip install` that take a value.
const PIP_VALUE_OPTIONS: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--trusted-host",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--src",
    "--cache-dir",
    "--log",
    "--timeout",
    "--retries",
    "--progress-bar",
    "--upgrade-strategy",
    "--only-binary",
    "--no-binary",
    "--python",
    "--report",
    "--config-settings",
];

/// Options of cargo that take a value.
const CARGO_VALUE_OPTIONS: &[&str] = &[
    "--bin",
    "-p",
    "--package",
    "--target",
    "--manifest-path",
    "--path",
    "--features",
    "-F",
    "--profile",
    "--target-dir",
    "--root",
    "-j",
    "--jobs",
    "--config",
    "-Z",
    "--color",
    "--message-format",
    "--example",
    "--test",
    "--bench",
    "--git",
    "--branch",
    "--tag",
    "--rev",
    "--registry",
    "--index",
    "--version",
    "--vers",
    "--exclude",
    "--artifact-dir",
    "--out-dir",
    "-C",
];

/// Everything a stage runs, in order: each RUN's simple commands with where they are.
impl Stage {
    pub fn commands(&self) -> impl Iterator<Item = (InstrRef, &ShellCommand)> {
        let stage = self.index;
        self.instructions
            .iter()
            .enumerate()
            .flat_map(move |(index, ins)| {
                let cmds: &[ShellCommand] = match &ins.kind {
                    InstructionKind::Run(c) => &c.commands,
                    _ => &[],
                };
                cmds.iter().map(move |c| (InstrRef { stage, index }, c))
            })
    }

    /// COPY and ADD instructions with their arguments.
    pub fn copies(&self) -> impl Iterator<Item = (InstrRef, &Instruction, &Copy)> {
        let stage = self.index;
        self.instructions
            .iter()
            .enumerate()
            .filter_map(move |(index, ins)| match &ins.kind {
                InstructionKind::Copy(c) | InstructionKind::Add(c) => {
                    Some((InstrRef { stage, index }, ins, c))
                }
                _ => None,
            })
    }

    /// OS package installs, in order; each package says whether the stage removes it later.
    pub fn package_installs(&self) -> Vec<PackageInstall> {
        let mut installs: Vec<(usize, PackageInstall)> = Vec::new();
        // Name (or virtual group) -> sequence number of its last removal.
        let mut removed: HashMap<(PackageManager, String), usize> = HashMap::new();
        for (seq, (at, cmd)) in self.commands().enumerate() {
            let words = unwrap_command(&cmd.words);
            let Some(manager) = words
                .first()
                .and_then(|w| PackageManager::from_program(&w.value))
            else {
                continue;
            };
            let mut sub: Option<&str> = None;
            let mut virtual_name = None;
            let mut names: Vec<&Word> = Vec::new();
            let mut it = words.iter().skip(1);
            while let Some(w) = it.next() {
                let v = w.value.as_str();
                if v.starts_with('-') {
                    let (opt, inline) = match v.split_once('=') {
                        Some((o, val)) => (o, Some(val)),
                        None => (v, None),
                    };
                    let takes = manager.option_takes_value(opt);
                    let value = match (takes, inline) {
                        (true, None) => it.next().cloned(),
                        (true, Some(val)) => Some(Word {
                            value: val.to_string(),
                            span: w.span,
                        }),
                        _ => None,
                    };
                    if manager == PackageManager::Apk && (opt == "-t" || opt == "--virtual") {
                        virtual_name = value;
                    }
                    continue;
                }
                if sub.is_none() {
                    sub = Some(v);
                } else {
                    names.push(w);
                }
            }
            let Some(sub) = sub else { continue };
            if manager.is_install(sub) {
                let packages = names
                    .into_iter()
                    // `$PKGS`, `$(cat list)`: not names that can be judged; a variable inside a
                    // name (`java-${JAVA_VERSION}-openjdk-headless`) still tells what it is.
                    .filter(|w| judgeable_package_word(&w.value))
                    .map(|w| Package {
                        name: os_package_name(&w.value),
                        word: w.clone(),
                        removed_later: false,
                    })
                    .collect();
                installs.push((
                    seq,
                    PackageInstall {
                        manager,
                        at,
                        span: cmd.span,
                        packages,
                        virtual_name,
                    },
                ));
            } else if manager.is_remove(sub) {
                for w in names {
                    removed.insert((manager, os_package_name(&w.value)), seq);
                }
            }
        }
        installs
            .into_iter()
            .map(|(seq, mut inst)| {
                let gone = |name: &str| {
                    removed
                        .get(&(inst.manager, name.to_ascii_lowercase()))
                        .is_some_and(|r| *r > seq)
                };
                let group_gone = inst.virtual_name.as_ref().is_some_and(|v| gone(&v.value));
                for p in &mut inst.packages {
                    p.removed_later = group_gone || gone(&p.name);
                }
                inst
            })
            .collect()
    }

    /// `pip install` commands, in order.
    pub fn pip_installs(&self) -> Vec<PipInstall> {
        let mut out = Vec::new();
        for (at, cmd) in self.commands() {
            let words = unwrap_command(&cmd.words);
            let rest = pip_install_args(words);
            let Some(rest) = rest else { continue };
            let mut packages = Vec::new();
            let mut requirements = Vec::new();
            let mut install_dir = None;
            let mut it = rest.iter();
            while let Some(w) = it.next() {
                let v = w.value.as_str();
                if v.starts_with('-') {
                    let (opt, inline) = match v.split_once('=') {
                        Some((o, val)) => (o, Some(val)),
                        None => (v, None),
                    };
                    if PIP_VALUE_OPTIONS.contains(&opt) {
                        let value = match inline {
                            Some(val) => Some(Word {
                                value: val.to_string(),
                                span: w.span,
                            }),
                            None => it.next().cloned(),
                        };
                        match opt {
                            "-r" | "--requirement" => requirements.extend(value),
                            "-t" | "--target" | "--prefix" | "--root" => install_dir = value,
                            _ => {}
                        }
                    } else if let Some(file) = v
                        .strip_prefix("-r")
                        .filter(|f| !f.is_empty() && !f.starts_with('-'))
                    {
                        requirements.push(Word {
                            value: file.to_string(),
                            span: w.span,
                        });
                    }
                    continue;
                }
                if let Some(name) = pip_package_name(v) {
                    packages.push(Package {
                        name,
                        word: w.clone(),
                        removed_later: false,
                    });
                }
            }
            out.push(PipInstall {
                at,
                span: cmd.span,
                packages,
                requirements,
                install_dir,
            });
        }
        out
    }

    /// `cargo build` and friends, in order.
    pub fn cargo_builds(&self) -> Vec<CargoBuild> {
        let mut out = Vec::new();
        for (at, cmd) in self.commands() {
            let words = unwrap_command(&cmd.words);
            if words.first().map(|w| basename(&w.value)) != Some("cargo") {
                continue;
            }
            let mut b = CargoBuild {
                at,
                span: cmd.span,
                subcommand: String::new(),
                bins: Vec::new(),
                packages: Vec::new(),
                release: false,
                target: None,
                manifest_path: None,
                install_path: None,
                install_crates: Vec::new(),
            };
            let mut it = words.iter().skip(1).filter(|w| !w.value.starts_with('+'));
            while let Some(w) = it.next() {
                let v = w.value.as_str();
                if let Some(opt) = v.strip_prefix('-') {
                    let (name, inline) = match v.split_once('=') {
                        Some((o, val)) => (
                            o,
                            Some(Word {
                                value: val.to_string(),
                                span: w.span,
                            }),
                        ),
                        None => (v, None),
                    };
                    // `-pname` is `-p name`.
                    let (name, inline) = if !opt.starts_with('-')
                        && v.len() > 2
                        && inline.is_none()
                        && name.starts_with("-p")
                    {
                        (
                            "-p",
                            Some(Word {
                                value: v.get(2..).unwrap_or("").to_string(),
                                span: w.span,
                            }),
                        )
                    } else {
                        (name, inline)
                    };
                    if name == "--release" || name == "-r" {
                        b.release = true;
                        continue;
                    }
                    if !CARGO_VALUE_OPTIONS.contains(&name) {
                        continue;
                    }
                    let value = match inline {
                        Some(val) => Some(val),
                        None => it.next().cloned(),
                    };
                    let Some(value) = value else { continue };
                    match name {
                        "--bin" => b.bins.push(value),
                        "-p" | "--package" => b.packages.push(value),
                        "--target" => b.target = Some(value),
                        "--manifest-path" => b.manifest_path = Some(value),
                        "--path" => b.install_path = Some(value),
                        "--profile" if value.value == "release" => b.release = true,
                        _ => {}
                    }
                    continue;
                }
                if b.subcommand.is_empty() {
                    match v {
                        // `cargo auditable build`: the real subcommand follows.
                        "auditable" => {}
                        "b" => b.subcommand = "build".into(),
                        _ => b.subcommand = v.to_string(),
                    }
                } else if b.subcommand == "install" {
                    b.install_crates.push(w.clone());
                }
            }
            if matches!(
                b.subcommand.as_str(),
                "build" | "install" | "rustc" | "zigbuild"
            ) {
                out.push(b);
            }
        }
        out
    }

    /// Cargo binaries this stage copies out of other stages.
    pub fn cargo_artifacts(&self) -> Vec<CargoArtifact> {
        let mut out = Vec::new();
        for (at, _, copy) in self.copies() {
            let Some(CopySource::Stage(from_stage)) = copy.from.as_ref().map(|f| &f.source) else {
                continue;
            };
            for src in &copy.sources {
                if let Some(name) = cargo_artifact_name(&src.value) {
                    out.push(CargoArtifact {
                        name,
                        word: src.clone(),
                        at,
                        from_stage: *from_stage,
                    });
                }
            }
        }
        out
    }
}

/// The arguments after `install` of a pip command, if this is one.
fn pip_install_args(words: &[Word]) -> Option<&[Word]> {
    let prog = basename(&words.first()?.value);
    let after_pip = if is_pip(prog) {
        1
    } else if prog.starts_with("python")
        && words.get(1)?.value == "-m"
        && is_pip(&words.get(2)?.value)
    {
        3
    } else if prog == "uv" && words.get(1)?.value == "pip" {
        2
    } else {
        return None;
    };
    // Global options before `install` (`pip --no-cache-dir install x`).
    let mut i = after_pip;
    while words.get(i).is_some_and(|w| w.value.starts_with('-')) {
        i += 1;
    }
    (words.get(i)?.value == "install").then(|| words.get(i + 1..).unwrap_or(&[]))
}

fn is_pip(prog: &str) -> bool {
    prog == "pip"
        || prog
            .strip_prefix("pip")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// `.../target/[triple/]release/NAME` or `.../cargo/bin/NAME` -> `NAME`.
fn cargo_artifact_name(path: &str) -> Option<String> {
    let path = path.trim_end_matches('/');
    let segs: Vec<&str> = path.split('/').collect();
    let (name, dirs) = segs.split_last()?;
    if name.is_empty()
        || name.contains(['*', '?', '[', '$'])
        || name.ends_with(".d")
        || name.ends_with(".rlib")
    {
        return None;
    }
    let parent = *dirs.last()?;
    let grand = dirs.len().checked_sub(2).and_then(|i| dirs.get(i)).copied();
    if parent == "bin"
        && (grand == Some("cargo") || grand == Some(".cargo") || grand == Some("$CARGO_HOME"))
    {
        return Some((*name).to_string());
    }
    // `target/<profile>/x` or `target/<triple>/<profile>/x`.
    let n = dirs.len();
    let up = |k: usize| n.checked_sub(k).and_then(|i| dirs.get(i)).copied();
    let under_target = up(2) == Some("target")
        || (up(3) == Some("target") && up(2).is_some_and(|t| t.contains('-')));
    if under_target
        && !matches!(
            parent,
            "deps" | "build" | "incremental" | "examples" | ".fingerprint"
        )
    {
        return Some((*name).to_string());
    }
    None
}

/// Whether copying `path` out of a stage carries what `pip` installed there.
fn copies_python_env(path: &str, pip: &PipInstall) -> bool {
    let path = path.trim_end_matches('/');
    if let Some(dir) = &pip.install_dir {
        let dir = dir.value.trim_end_matches('/');
        return path == dir
            || dir.starts_with(&format!("{path}/"))
            || path.starts_with(&format!("{dir}/"))
            || path.is_empty();
    }
    path.is_empty()
        || [
            "site-packages",
            "dist-packages",
            "venv",
            "/lib/python",
            "/.local",
            "/usr/local",
        ]
        .iter()
        .any(|m| path.contains(m))
}

/// Basename looks like a shared library: `libx.so`, `libx.so.1.2`, `libx.so.*`, `*.so`.
pub(crate) fn is_shared_library(path: &str) -> bool {
    let b = basename(path.trim_end_matches('/'));
    let mut from = 0;
    while let Some(pos) = b.get(from..).and_then(|s| s.find(".so")).map(|p| p + from) {
        let rest = b.get(pos + 3..).unwrap_or("");
        let ok = pos > 0
            && (rest.is_empty()
                || rest == "*"
                || rest.strip_prefix('.').is_some_and(|r| {
                    !r.is_empty()
                        && r.split('.').all(|seg| {
                            !seg.is_empty() && seg.chars().all(|c| c.is_ascii_digit() || c == '*')
                        })
                }));
        if ok {
            return true;
        }
        from = pos + 3;
    }
    false
}

/// Skip init processes and their options at the start of an exec-form argv.
fn after_inits(argv: &[Word]) -> &[Word] {
    let mut i = 0;
    if argv
        .first()
        .is_some_and(|w| INITS.contains(&basename(&w.value)))
    {
        i = 1;
        while let Some(w) = argv.get(i) {
            if w.value == "--" {
                i += 1;
                break;
            }
            if !w.value.starts_with('-') {
                break;
            }
            i += 1;
        }
    }
    argv.get(i..).unwrap_or(&[])
}

fn shell_use_of(cmd: &CommandLine, at: InstrRef, keyword: &str) -> Option<ShellUse> {
    let mk = |kind, span| ShellUse {
        kind,
        at,
        keyword: keyword.to_string(),
        span,
    };
    if cmd.form == Form::Shell {
        return cmd
            .script
            .as_ref()
            .filter(|s| !s.value.is_empty())
            .map(|s| mk(ShellUseKind::ShellForm, s.span));
    }
    let argv = after_inits(&cmd.argv);
    let prog = argv.first()?;
    if is_shell(&prog.value) {
        let rest = argv.get(1..).unwrap_or(&[]);
        if let Some(c) = rest.iter().find(|w| is_dash_c(&w.value)) {
            return Some(mk(ShellUseKind::DashC, prog.span.to(c.span)));
        }
        if let Some(script) = rest.iter().find(|w| !w.value.starts_with('-')) {
            return Some(mk(ShellUseKind::Script, script.span));
        }
        return Some(mk(ShellUseKind::Shell, prog.span));
    }
    basename(&prog.value)
        .ends_with(".sh")
        .then(|| mk(ShellUseKind::Script, prog.span))
}

impl Dockerfile {
    /// The stage `docker build` produces without `--target`: the last one.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    pub fn stage(&self, index: usize) -> Option<&Stage> {
        self.stages.get(index)
    }

    pub fn instruction(&self, at: InstrRef) -> Option<&Instruction> {
        self.stages.get(at.stage)?.instructions.get(at.index)
    }

    /// The final stage and the stages it is built `FROM`, oldest first.
    pub fn runtime_stage_chain(&self) -> Vec<&Stage> {
        let mut chain = Vec::new();
        let mut next = self.stages.len().checked_sub(1);
        while let Some(i) = next {
            let Some(s) = self.stages.get(i) else { break };
            chain.push(s);
            // Earlier stages only, so this ends.
            next = s.base_stage.filter(|b| *b < i);
        }
        chain.reverse();
        chain
    }

    pub fn is_runtime_stage(&self, index: usize) -> bool {
        self.runtime_stage_chain().iter().any(|s| s.index == index)
    }

    /// Stages whose output reaches the final image: the runtime chain, the stages it copies from
    /// (`COPY --from`), their own chains and sources, transitively. Ascending order.
    pub fn contributing_stages(&self) -> Vec<usize> {
        let mut seen = HashSet::new();
        let mut queue: VecDeque<usize> = self.stages.len().checked_sub(1).into_iter().collect();
        while let Some(i) = queue.pop_front() {
            if !seen.insert(i) {
                continue;
            }
            let Some(s) = self.stages.get(i) else {
                continue;
            };
            queue.extend(s.base_stage.filter(|b| *b < i));
            for (_, _, copy) in s.copies() {
                if let Some(CopySource::Stage(f)) = copy.from.as_ref().map(|f| &f.source) {
                    queue.push_back(*f);
                }
            }
        }
        let mut v: Vec<usize> = seen.into_iter().collect();
        v.sort_unstable();
        v
    }

    /// Package installs of the runtime chain that are still installed at its end.
    pub fn runtime_packages(&self) -> Vec<(PackageInstall, Package)> {
        let mut out = Vec::new();
        for s in self.runtime_stage_chain() {
            for inst in s.package_installs() {
                for p in inst.packages.iter().filter(|p| !p.removed_later) {
                    out.push((inst.clone(), p.clone()));
                }
            }
        }
        out
    }

    /// `pip install`s whose result is in the image: those of the runtime chain, and those of a
    /// build stage (or the stages it is built on) when the runtime chain copies its Python
    /// environment (the pip `--target`/`--prefix` directory, a virtualenv, site-packages,
    /// `/usr/local`, `~/.local`). The copied source path comes with the latter.
    pub fn runtime_pip_installs(&self) -> Vec<(PipInstall, Option<Word>)> {
        let chain = self.runtime_stage_chain();
        let mut out: Vec<(PipInstall, Option<Word>)> = Vec::new();
        for s in &chain {
            out.extend(s.pip_installs().into_iter().map(|p| (p, None)));
        }
        let mut taken = HashSet::new();
        for s in &chain {
            for (_, _, copy) in s.copies() {
                let Some(CopySource::Stage(from)) = copy.from.as_ref().map(|f| &f.source) else {
                    continue;
                };
                for stage in self.stage_and_bases(*from) {
                    for pip in stage.pip_installs() {
                        let carried = copy
                            .sources
                            .iter()
                            .find(|src| copies_python_env(&src.value, &pip));
                        if let Some(src) = carried
                            && taken.insert(pip.at)
                        {
                            out.push((pip.clone(), Some(src.clone())));
                        }
                    }
                }
            }
        }
        out
    }

    /// Stage `index` and the stages it is built on, newest first.
    fn stage_and_bases(&self, index: usize) -> Vec<&Stage> {
        let mut out = Vec::new();
        let mut next = Some(index);
        while let Some(i) = next {
            let Some(s) = self.stages.get(i) else { break };
            out.push(s);
            next = s.base_stage.filter(|b| *b < i);
        }
        out
    }

    /// The effective ENTRYPOINT and CMD of the final image (the last in the runtime chain; an
    /// ENTRYPOINT set in a stage built on another resets the CMD inherited from it).
    pub fn entrypoint_and_cmd(
        &self,
    ) -> (
        Option<Located<'_, CommandLine>>,
        Option<Located<'_, CommandLine>>,
    ) {
        let mut entry: Option<Located<'_, CommandLine>> = None;
        let mut cmd: Option<Located<'_, CommandLine>> = None;
        for s in self.runtime_stage_chain() {
            for (index, ins) in s.instructions.iter().enumerate() {
                let at = InstrRef {
                    stage: s.index,
                    index,
                };
                match &ins.kind {
                    InstructionKind::Entrypoint(c) => {
                        if cmd.is_some_and(|(r, _)| r.stage < s.index) {
                            cmd = None;
                        }
                        entry = Some((at, c));
                    }
                    InstructionKind::Cmd(c) => cmd = Some((at, c)),
                    _ => {}
                }
            }
        }
        (entry, cmd)
    }

    /// Whether the container's start command runs a shell, and the evidence.
    pub fn shell_uses(&self) -> Vec<ShellUse> {
        let (entry, cmd) = self.entrypoint_and_cmd();
        let mut out = Vec::new();
        match entry {
            Some((at, e)) => {
                if let Some(u) = shell_use_of(e, at, "ENTRYPOINT") {
                    out.push(u);
                } else if e.form == Form::Exec && after_inits(&e.argv).is_empty() {
                    // `ENTRYPOINT ["tini", "--"]`: the program comes from CMD.
                    out.extend(cmd.and_then(|(at, c)| shell_use_of(c, at, "CMD")));
                }
            }
            None => out.extend(cmd.and_then(|(at, c)| shell_use_of(c, at, "CMD"))),
        }
        out
    }

    fn runtime_instructions(&self) -> impl Iterator<Item = (InstrRef, &Instruction)> {
        self.runtime_stage_chain().into_iter().flat_map(|s| {
            s.instructions.iter().enumerate().map(move |(index, ins)| {
                (
                    InstrRef {
                        stage: s.index,
                        index,
                    },
                    ins,
                )
            })
        })
    }

    /// EXPOSE entries of the runtime chain.
    pub fn exposed_ports(&self) -> Vec<(InstrRef, &Port)> {
        self.runtime_instructions()
            .flat_map(|(at, ins)| match &ins.kind {
                InstructionKind::Expose(ports) => ports.iter().map(|p| (at, p)).collect(),
                _ => Vec::new(),
            })
            .collect()
    }

    /// VOLUME paths of the runtime chain.
    pub fn volumes(&self) -> Vec<(InstrRef, &Word)> {
        self.runtime_instructions()
            .flat_map(|(at, ins)| match &ins.kind {
                InstructionKind::Volume(paths) => paths.iter().map(|p| (at, p)).collect(),
                _ => Vec::new(),
            })
            .collect()
    }

    /// The effective USER of the final image.
    pub fn user(&self) -> Option<(InstrRef, &Word)> {
        self.runtime_instructions()
            .filter_map(|(at, ins)| match &ins.kind {
                InstructionKind::User(u) => Some((at, u)),
                _ => None,
            })
            .last()
    }

    /// The effective HEALTHCHECK of the final image.
    pub fn healthcheck(&self) -> Option<(InstrRef, &Healthcheck)> {
        self.runtime_instructions()
            .filter_map(|(at, ins)| match &ins.kind {
                InstructionKind::Healthcheck(h) => Some((at, h)),
                _ => None,
            })
            .last()
    }

    /// Shared libraries COPY/ADDed into the runtime chain (a source path, or the destination
    /// when no source names one).
    pub fn shared_libraries(&self) -> Vec<SharedLibrary> {
        let mut out = Vec::new();
        for s in self.runtime_stage_chain() {
            for (at, _, copy) in s.copies() {
                let before = out.len();
                for src in copy.sources.iter().filter(|w| is_shared_library(&w.value)) {
                    out.push(SharedLibrary {
                        word: src.clone(),
                        at,
                    });
                }
                if out.len() == before
                    && let Some(d) = copy.dest.as_ref().filter(|w| is_shared_library(&w.value))
                {
                    out.push(SharedLibrary {
                        word: d.clone(),
                        at,
                    });
                }
            }
        }
        out
    }

    /// Cargo binaries and packages that end up in the image, most specific first: binaries copied
    /// into the runtime chain, then `--bin` and `-p` of cargo builds in contributing stages.
    pub fn cargo_links(&self) -> Vec<CargoLink> {
        let mut out: Vec<CargoLink> = Vec::new();
        let mut seen = HashSet::new();
        let mut add = |out: &mut Vec<CargoLink>, name: &str, kind, span, at| {
            let name = name.strip_suffix(".wasm").unwrap_or(name);
            if !name.is_empty() && seen.insert((kind, name.to_string())) {
                out.push(CargoLink {
                    name: name.to_string(),
                    kind,
                    span,
                    at,
                });
            }
        };
        let contributing = self.contributing_stages();
        for &i in &contributing {
            let Some(s) = self.stages.get(i) else {
                continue;
            };
            for a in s.cargo_artifacts() {
                add(&mut out, &a.name, CargoLinkKind::Bin, a.word.span, a.at);
            }
        }
        for &i in &contributing {
            let Some(s) = self.stages.get(i) else {
                continue;
            };
            for b in s.cargo_builds() {
                for w in &b.bins {
                    add(&mut out, &w.value, CargoLinkKind::Bin, w.span, b.at);
                }
                for w in &b.packages {
                    add(&mut out, &w.value, CargoLinkKind::Package, w.span, b.at);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_library_names() {
        for yes in [
            "libpq.so",
            "/usr/lib/libpq.so.5",
            "libssl.so.3.0.2",
            "lib/libfoo.so.*",
            "*.so",
            "x/libz.so*",
        ] {
            assert!(is_shared_library(yes), "{yes}");
        }
        for no in [
            ".so",
            "app.sock",
            "solution.txt",
            "lib.so.x",
            "libfoo.so.",
            "dir/",
            "so",
        ] {
            assert!(!is_shared_library(no), "{no}");
        }
    }

    #[test]
    fn cargo_artifact_paths() {
        let n = |p: &str| cargo_artifact_name(p);
        assert_eq!(n("/app/target/release/api").as_deref(), Some("api"));
        assert_eq!(
            n("target/x86_64-unknown-linux-musl/release/api").as_deref(),
            Some("api")
        );
        assert_eq!(
            n("/build/target/wasm32-wasip2/release/app.wasm").as_deref(),
            Some("app.wasm")
        );
        assert_eq!(n("/usr/local/cargo/bin/worker").as_deref(), Some("worker"));
        assert_eq!(n("/app/target/release/deps/x").as_deref(), None);
        assert_eq!(n("/app/target/release/*").as_deref(), None);
        assert_eq!(n("/app/dist/api").as_deref(), None);
        assert_eq!(n("api").as_deref(), None);
    }

    #[test]
    fn package_names_lose_pins() {
        assert_eq!(os_package_name("libpq5=15.4-1"), "libpq5");
        assert_eq!(os_package_name("curl/bookworm-backports"), "curl");
        assert_eq!(os_package_name("musl-dev>1.2"), "musl-dev");
        assert_eq!(os_package_name("libssl3:amd64"), "libssl3");
        assert_eq!(
            pip_package_name("psycopg2_binary==2.9").as_deref(),
            Some("psycopg2-binary")
        );
        assert_eq!(
            pip_package_name("uvicorn[standard]>=0.30").as_deref(),
            Some("uvicorn")
        );
        assert_eq!(
            pip_package_name("/wheels/numpy-1.26.0-cp312-cp312-manylinux.whl").as_deref(),
            Some("numpy")
        );
        assert_eq!(pip_package_name("./app").as_deref(), None);
        assert_eq!(pip_package_name("git+https://x/y").as_deref(), None);
    }
}
