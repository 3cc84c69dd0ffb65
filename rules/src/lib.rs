//! The wasm-migrate rule catalogue: declarations, the [`Rule`] trait, knowledge data and scoring.
//!
//! A rule is a unit struct declared with [`declare_rule!`] in a file of its own; its doc comment is
//! its user documentation (`wasm-migrate explain`, docs/rules/, SARIF help). Rules read analyzer
//! facts and report spans; the engine resolves lines, attaches findings to workloads and scores.

pub mod coverage;
pub mod docs;
pub mod engine;
pub mod knowledge;
pub mod report;
pub mod runtimes;
pub mod score;
pub mod suppress;

pub mod cargo;
pub mod dockerfile;
pub mod golang;
pub mod k8s;
pub mod meta;
pub mod node;
pub mod projects;
pub mod python;
pub mod rust;
pub mod wasm;

use analyzer::Repo;
use analyzer::k8s::{ImageName, K8sObject, PodSpec};
use analyzer::link::{Container, Workload};
use analyzer::source::{FileId, SourceFile};
use analyzer::span::Span;
use analyzer::yaml::{YRef, YamlDoc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What a finding is about (DESIGN §5). A fixed vocabulary: add one only with a doc entry.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    RawSocket,
    Udp,
    NonHttpPort,
    HostNetwork,
    NetCaps,
    Privileged,
    NativeLib,
    SysCrate,
    TlsNative,
    AptNativePkg,
    Cgo,
    PersistentVolume,
    Statefulset,
    Hostpath,
    EmbeddedDb,
    WritesFilesystem,
    ShellCommand,
    ExecProbe,
    ProcessSpawn,
    SignalHandling,
    Threads,
    InitContainer,
    Daemonset,
    Jvm,
    Dotnet,
    PythonNative,
    Gpu,
    LargeMemory,
    LanguageRuntime,
    WasmModule,
    WasiImport,
    ParseError,
    Suppression,
    IncompatibleCrate,
    Grpc,
    Controller,
    HttpListener,
    UnixOnly,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::RawSocket => "raw-socket",
            Category::Udp => "udp",
            Category::NonHttpPort => "non-http-port",
            Category::HostNetwork => "host-network",
            Category::NetCaps => "net-caps",
            Category::Privileged => "privileged",
            Category::NativeLib => "native-lib",
            Category::SysCrate => "sys-crate",
            Category::TlsNative => "tls-native",
            Category::AptNativePkg => "apt-native-pkg",
            Category::Cgo => "cgo",
            Category::PersistentVolume => "persistent-volume",
            Category::Statefulset => "statefulset",
            Category::Hostpath => "hostpath",
            Category::EmbeddedDb => "embedded-db",
            Category::WritesFilesystem => "writes-filesystem",
            Category::ShellCommand => "shell-command",
            Category::ExecProbe => "exec-probe",
            Category::ProcessSpawn => "process-spawn",
            Category::SignalHandling => "signal-handling",
            Category::Threads => "threads",
            Category::InitContainer => "init-container",
            Category::Daemonset => "daemonset",
            Category::Jvm => "jvm",
            Category::Dotnet => "dotnet",
            Category::PythonNative => "python-native",
            Category::Gpu => "gpu",
            Category::LargeMemory => "large-memory",
            Category::LanguageRuntime => "language-runtime",
            Category::WasmModule => "wasm-module",
            Category::WasiImport => "wasi-import",
            Category::ParseError => "parse-error",
            Category::Suppression => "suppression",
            Category::IncompatibleCrate => "incompatible-crate",
            Category::Grpc => "grpc",
            Category::Controller => "controller",
            Category::HttpListener => "http-listener",
            Category::UnixOnly => "unix-only",
        }
    }
}

/// How much a finding stands in the way (DESIGN §4).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Cannot run as Wasm without removing it.
    Blocker,
    /// Needs a realistic code or config change.
    Warning,
    /// Worth knowing; costs nothing.
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Blocker => "blocker",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "blocker" => Some(Severity::Blocker),
            "warning" => Some(Severity::Warning),
            "note" => Some(Severity::Note),
            _ => None,
        }
    }
}

/// Everything declared about a rule. Built by [`declare_rule!`].
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable code: `WM1xx` Dockerfile, `WM2xx` Cargo/Rust, `WM3xx` Kubernetes, `WM4xx` Wasm
    /// modules, `WM5xx` Python, `WM6xx` Go, `WM7xx` Node, `WM9xx` meta.
    pub code: &'static str,
    /// Kebab-case name, equal to the rule's file name with `_` for `-`.
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// Points taken off the workload's score (once per workload, see [`score`]).
    pub penalty: u32,
    /// One line: what it flags (lower-case, no trailing period).
    pub summary: &'static str,
    /// One line: what to do about it.
    pub help: &'static str,
    /// The doc comment, Markdown.
    pub doc: &'static str,
    /// `file!()` of the declaration, checked against `name` by a test.
    pub source_file: &'static str,
}

/// Declare a rule: a unit struct with its [`RuleMeta`] as `Self::META`.
///
/// The doc comment must have the sections `## What it does`, `## Why it matters for Wasm`,
/// `## Example` and `## How to fix`; a test enforces it.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $rname:literal,
            category: $cat:ident,
            severity: $sev:ident,
            penalty: $pen:literal,
            summary: $summary:literal,
            help: $help:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Default, Clone, Copy)]
        $vis struct $name;

        impl $name {
            pub const META: $crate::RuleMeta = $crate::RuleMeta {
                code: $code,
                name: $rname,
                category: $crate::Category::$cat,
                severity: $crate::Severity::$sev,
                penalty: $pen,
                summary: $summary,
                help: $help,
                doc: concat!($($doc, "\n"),*),
                source_file: file!(),
            };
        }
    };
}

/// A rule. Each `check_*` method has a no-op default, so a rule implements only the inputs it
/// reads and the engine needs no dispatch table.
pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;

    /// A Kubernetes workload object (Deployment, CronJob, Pod, SpinApp, ...). Runs once per object,
    /// however many kustomize overlays render it.
    fn check_object(&self, _cx: &ObjectCx<'_>, _sink: &mut Sink<'_>) {}

    /// A container image that no Dockerfile in the repository builds (`redis:7`, `postgres:16`).
    fn check_image(&self, _cx: &ImageCx<'_>, _sink: &mut Sink<'_>) {}

    /// A Cargo package a workload runs: its resolved build and its Rust sources. Runs once per
    /// package, however many workloads run it.
    fn check_crate(&self, _cx: &cargo::CrateCx<'_>, _sink: &mut Sink<'_>) {}

    /// A Dockerfile that parsed. Runs once per Dockerfile; its findings go to every workload
    /// built from it.
    fn check_dockerfile(&self, _cx: &DockerfileCx<'_>, _sink: &mut Sink<'_>) {}

    /// A Go module a workload builds (`analyzer::golang`). Runs once per module, however many
    /// workloads build it.
    fn check_go_module(&self, _cx: &golang::GoCx<'_>, _sink: &mut Sink<'_>) {}

    /// A Node package a workload runs (`analyzer::node`). Runs once per package, however many
    /// workloads run it.
    fn check_node_package(&self, _cx: &node::NodeCx<'_>, _sink: &mut Sink<'_>) {}

    /// A valid `.wasm` module or component among the workload's sources.
    fn check_wasm(&self, _cx: &WasmCx<'_>, _sink: &mut Sink<'_>) {}

    /// A JVM, .NET, Ruby or PHP project a workload builds (`analyzer::projects`). Runs once per
    /// project, however many workloads build it.
    fn check_project(&self, _cx: &projects::ProjectCx<'_>, _sink: &mut Sink<'_>) {}
}

/// What a rule sees of a parsed Dockerfile.
pub struct DockerfileCx<'r> {
    pub repo: &'r Repo,
    pub file: &'r SourceFile,
    pub dockerfile: &'r analyzer::dockerfile::Dockerfile,
}

/// What a rule sees of an inspected `.wasm` module. Spans are byte ranges into the binary.
pub struct WasmCx<'r> {
    pub repo: &'r Repo,
    pub file: FileId,
    pub module: &'r analyzer::wasm::WasmModule,
}

/// What a rule sees of a Kubernetes object.
pub struct ObjectCx<'r> {
    pub repo: &'r Repo,
    pub object: &'r K8sObject,
    pub doc: &'r YamlDoc,
    pub file: &'r SourceFile,
    /// The repository's Services by selector, built once per run.
    pub services: &'r analyzer::services::ServiceIndex<'r>,
    /// RBAC bindings, roles, webhook configurations and ServiceAccount users, built once per run.
    pub rbac: &'r crate::k8s::rbac::RbacIndex<'r>,
    /// The object's pod spec, found once: every pod rule asks for it.
    pub spec: Option<PodSpec<'r>>,
}

impl<'r> ObjectCx<'r> {
    pub fn root(&self) -> YRef<'r> {
        self.object.root(self.doc)
    }

    pub fn pod_spec(&self) -> Option<PodSpec<'r>> {
        self.spec
    }
}

/// What a rule sees of an image not built in the repository.
pub struct ImageCx<'r> {
    pub repo: &'r Repo,
    pub workload: &'r Workload,
    pub container: &'r Container,
    pub image: ImageName,
    /// The file holding the `image:` entry, and its span.
    pub file: FileId,
    pub span: Span,
}

/// A finding as a rule reports it: a span, not yet a line.
#[derive(Clone, Debug)]
pub struct Hit {
    pub rule: &'static RuleMeta,
    pub file: FileId,
    pub span: Span,
    pub message: String,
    /// Overrides the rule's one-line help when set.
    pub help: Option<String>,
    pub related: Vec<(FileId, Span, String)>,
    /// The evidence chain for transitive facts (`app -> reqwest -> native-tls -> openssl-sys`).
    pub chain: Vec<String>,
    /// Overrides the rule's severity (a rule may downgrade when evidence is uncertain).
    pub severity: Option<Severity>,
    /// Overrides the rule's category, for rules whose knowledge table says what each hit is
    /// (a start script's `iptables` is `net-caps`, its `nsenter` `privileged`).
    pub category: Option<Category>,
}

impl Hit {
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    pub fn related(&mut self, file: FileId, span: Span, message: impl Into<String>) -> &mut Self {
        self.related.push((file, span, message.into()));
        self
    }

    pub fn chain(&mut self, chain: Vec<String>) -> &mut Self {
        self.chain = chain;
        self
    }

    pub fn severity(&mut self, severity: Severity) -> &mut Self {
        self.severity = Some(severity);
        self
    }

    pub fn category(&mut self, category: Category) -> &mut Self {
        self.category = Some(category);
        self
    }
}

/// Where a rule reports. The engine sets which rule is running.
pub struct Sink<'a> {
    rule: &'static RuleMeta,
    hits: &'a mut Vec<Hit>,
}

impl<'a> Sink<'a> {
    pub fn new(rule: &'static RuleMeta, hits: &'a mut Vec<Hit>) -> Self {
        Sink { rule, hits }
    }

    /// How many hits were reported so far (for [`Sink::amend_since`]).
    pub(crate) fn count(&self) -> usize {
        self.hits.len()
    }

    /// Change the hits reported since `start` (a count from [`Sink::count`]).
    pub(crate) fn amend_since(&mut self, start: usize, mut f: impl FnMut(&mut Hit)) {
        for h in self.hits.iter_mut().skip(start) {
            f(h);
        }
    }

    pub fn report(&mut self, file: FileId, span: Span, message: impl Into<String>) -> &mut Hit {
        self.hits.push(Hit {
            rule: self.rule,
            file,
            span,
            message: message.into(),
            help: None,
            related: Vec::new(),
            chain: Vec::new(),
            severity: None,
            category: None,
        });
        let last = self.hits.len() - 1;
        &mut self.hits[last]
    }
}

/// Every rule, in code order.
pub fn all_rules() -> Vec<&'static dyn Rule> {
    let mut rules: Vec<&'static dyn Rule> = Vec::new();
    rules.extend(dockerfile::RULES.iter().copied());
    rules.extend(k8s::RULES.iter().copied());
    rules.extend(meta::RULES.iter().copied());
    rules.extend(cargo::RULES.iter().copied());
    rules.extend(rust::RULES.iter().copied());
    rules.extend(python::RULES.iter().copied());
    rules.extend(wasm::RULES.iter().copied());
    rules.extend(golang::RULES.iter().copied());
    rules.extend(node::RULES.iter().copied());
    rules.extend(projects::RULES.iter().copied());
    rules.sort_by_key(|r| r.meta().code);
    rules
}

/// Look a rule up by code (`WM301`) or name (`host-network`).
pub fn find_rule(code_or_name: &str) -> Option<&'static dyn Rule> {
    let wanted = code_or_name.trim();
    all_rules()
        .into_iter()
        .find(|r| r.meta().code.eq_ignore_ascii_case(wanted) || r.meta().name == wanted)
}
