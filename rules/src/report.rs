//! The report: the JSON wire format (DESIGN §6, `schema_version` 2) every output renders.
//!
//! Keys are never removed within a schema version; new optional keys may be added. The JSON
//! Schema published by `wasm-migrate schema` is derived from these types. Version 2 added
//! `coverage`, `confidence`, `confidence_reason`, `settle`, the verdict `unknown` and a nullable
//! `score`; readers (`report`, `--baseline`, `report --merge`) still accept version 1, whose keys
//! all keep their meaning (the new ones default to empty).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Category, Severity};

pub const SCHEMA_VERSION: u32 = 2;

/// Versions the readers accept.
pub const READABLE_SCHEMA_VERSIONS: &[u32] = &[1, 2];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    /// The scan root as given on the command line.
    pub root: String,
    pub workloads: Vec<WorkloadReport>,
    /// Files that could not be (fully) read, each with the `WM9xx` rule it corresponds to.
    pub errors: Vec<ErrorEntry>,
    /// Things the scan did not do and says so (Helm charts not rendered, symlinks not followed).
    #[serde(default)]
    pub notes: Vec<NoteEntry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// Blocked: at least one blocker. Otherwise, when nothing the tool inspected tells what the
/// workload runs (only a manifest and an image it cannot place): unknown. Otherwise portable
/// with warnings, and ready only with positive evidence that the code builds to Wasm or already
/// is Wasm (DESIGN §4).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Ready,
    Portable,
    Blocked,
    Unknown,
}

impl Verdict {
    pub const ALL: [Verdict; 4] = [
        Verdict::Ready,
        Verdict::Portable,
        Verdict::Blocked,
        Verdict::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ready => "ready",
            Verdict::Portable => "portable",
            Verdict::Blocked => "blocked",
            Verdict::Unknown => "unknown",
        }
    }
}

/// What the tool inspected for a workload (schema 2).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Coverage {
    /// The Kubernetes object (or SpinApp) itself.
    Manifest,
    /// A container image reference.
    ImageReference,
    /// The image knowledge base placed an image (a container's or a Dockerfile stage's).
    ImageKnowledge,
    /// A Dockerfile linked to the workload, its stages read.
    Dockerfile,
    /// A dependency manifest (`Cargo.toml`).
    DependencyManifest,
    /// A lockfile (`Cargo.lock`).
    Lockfile,
    /// The service's source code.
    Source,
    /// A `.wasm` module or component.
    WasmModule,
    /// A container image's configuration (`--resolve-images`).
    ImageConfig,
    /// Helm values resolved into the templates.
    HelmValues,
}

impl Coverage {
    pub fn as_str(self) -> &'static str {
        match self {
            Coverage::Manifest => "manifest",
            Coverage::ImageReference => "image-reference",
            Coverage::ImageKnowledge => "image-knowledge",
            Coverage::Dockerfile => "dockerfile",
            Coverage::DependencyManifest => "dependency-manifest",
            Coverage::Lockfile => "lockfile",
            Coverage::Source => "source",
            Coverage::WasmModule => "wasm-module",
            Coverage::ImageConfig => "image-config",
            Coverage::HelmValues => "helm-values",
        }
    }
}

/// How much the verdict rests on (schema 2).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    High,
    Medium,
    Low,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WorkloadReport {
    /// `Kind/namespace/name`, `dockerfile:<path>` or `crate:<package>`.
    pub id: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    /// Repo-relative paths of every file the workload's facts come from.
    pub sources: Vec<String>,
    pub links: Vec<LinkEntry>,
    /// Language of the code the workload runs, when known (`rust`, `go`, `jvm`, ...).
    pub language: Option<String>,
    /// 0-100, see DESIGN §4: `100 - sum(penalty)` clamped into the verdict's band; `null` when
    /// the verdict is `unknown`.
    pub score: Option<u32>,
    pub verdict: Verdict,
    /// Recommended Wasm runtime family (`wasmtime`, `spin`, `wasmedge`), when one can be told.
    pub runtime: Option<String>,
    /// What was inspected (schema 2; empty in a version-1 report).
    #[serde(default)]
    pub coverage: Vec<Coverage>,
    /// How much the verdict rests on (schema 2; absent in a version-1 report).
    #[serde(default)]
    pub confidence: Option<Confidence>,
    /// Why that confidence, in words.
    #[serde(default)]
    pub confidence_reason: Option<String>,
    /// For `unknown` (and low confidence): what would settle the verdict.
    #[serde(default)]
    pub settle: Option<String>,
    pub findings: Vec<Finding>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LinkEntry {
    pub from: String,
    pub to: String,
    /// Why: `skaffold.yaml:12`, or `convention: ...`.
    pub linked_by: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    /// Points this finding takes off the score (0 for a rule already counted in this workload).
    pub penalty: u32,
    pub message: String,
    pub help: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub related: Vec<RelatedLocation>,
    /// Evidence chain for transitive facts, outermost first.
    pub chain: Vec<String>,
    /// The text of the finding's first line (at most [`SNIPPET_MAX_CHARS`] characters), so a
    /// saved report renders evidence without the repository at hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// Set when an inline suppression silenced this finding: it stays in the report, carries no
    /// penalty, does not change the verdict, and SARIF and Markdown leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
}

/// Where a finding was suppressed, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Suppression {
    /// The reason written after the rule code.
    pub reason: String,
    /// The file and 1-based line of the suppression comment or annotation.
    pub file: String,
    pub line: usize,
}

/// Longest [`Finding::snippet`] kept; a minified manifest's single line can be megabytes.
pub const SNIPPET_MAX_CHARS: usize = 240;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RelatedLocation {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorEntry {
    /// The `WM9xx` rule for this kind of problem.
    pub rule: String,
    pub file: String,
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NoteEntry {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

/// The JSON Schema of [`Report`], pretty-printed.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Report);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}
