//! What `convert` may be told: the `[convert]` table of `.wasm-migrate.toml`, with documented
//! defaults, and the command-line overrides the binary folds into it.
//!
//! Nothing here is hard-coded into a plan: runtime class names, handlers, the image mapping and
//! the sidecar choices all come from this configuration (docs/convert.md lists every key).

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

use crate::catalogue::SidecarEntry;

/// The Wasm runtime a workload is converted for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Runtime {
    /// The Spin shim (`io.containerd.spin.v2`): serves the HTTP trigger on port 80, needs
    /// `command: ["/"]` and a `/spin.toml` in the image.
    Spin,
    /// The runwasi wasmtime shim (`io.containerd.wasmtime.v1`): serves a `wasi:http` component on
    /// port 8080, runs the image's entrypoint module.
    Wasmtime,
    /// The runwasi WasmEdge shim (`io.containerd.wasmedge.v1`): core modules; no HTTP port
    /// convention, so ports are left as they are.
    Wasmedge,
}

impl Runtime {
    pub fn parse(s: &str) -> Option<Runtime> {
        match s.trim().to_ascii_lowercase().as_str() {
            "spin" => Some(Runtime::Spin),
            "wasmtime" => Some(Runtime::Wasmtime),
            "wasmedge" => Some(Runtime::Wasmedge),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Runtime::Spin => "spin",
            Runtime::Wasmtime => "wasmtime",
            Runtime::Wasmedge => "wasmedge",
        }
    }

    /// The runtime's name as its project writes it.
    pub fn display_name(self) -> &'static str {
        match self {
            Runtime::Spin => "Spin",
            Runtime::Wasmtime => "wasmtime",
            Runtime::Wasmedge => "WasmEdge",
        }
    }

    /// Default RuntimeClass name (WASM-FACTS §1: SpinKube's samples use `wasmtime-spin-v2`,
    /// runtime-class-manager's `wasmtime-v1`, the retired KWasm's `wasmedge`).
    pub fn default_class(self) -> &'static str {
        match self {
            Runtime::Spin => "wasmtime-spin-v2",
            Runtime::Wasmtime => "wasmtime-v1",
            Runtime::Wasmedge => "wasmedge",
        }
    }

    /// Default RuntimeClass `handler` for `--runtime-class-manifest` (the containerd runtime
    /// name configured on the nodes; SpinKube's samples use `spin`).
    pub fn default_handler(self) -> &'static str {
        match self {
            Runtime::Spin => "spin",
            Runtime::Wasmtime => "wasmtime-v1",
            Runtime::Wasmedge => "wasmedge",
        }
    }

    /// The port the shim serves HTTP on (WASM-FACTS §1), if it has a convention.
    pub fn http_port(self) -> Option<i64> {
        match self {
            Runtime::Spin => Some(80),
            Runtime::Wasmtime => Some(8080),
            Runtime::Wasmedge => None,
        }
    }
}

impl fmt::Display for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The lowest verdict that is converted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Threshold {
    Ready,
    Portable,
    /// Also workloads the scan could not place (`unknown`): the user vouches that their code,
    /// built elsewhere, runs as Wasm. Never the default.
    Unknown,
}

/// A toleration for the emitted RuntimeClass's `scheduling.tolerations`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Toleration {
    pub key: String,
    #[serde(default)]
    pub operator: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub effect: Option<String>,
}

/// A Kubernetes minor version (`1.29`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct KubeVersion {
    pub major: u32,
    pub minor: u32,
}

impl KubeVersion {
    /// `1.29`, `v1.29`, `1.29.3`.
    pub fn parse(s: &str) -> Option<KubeVersion> {
        let s = s.trim().trim_start_matches('v');
        let mut parts = s.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        if let Some(p) = parts.next() {
            p.parse::<u32>().ok()?;
        }
        Some(KubeVersion { major, minor })
    }

    /// Native sidecars (`initContainers` with `restartPolicy: Always`) are on by default from 1.29.
    pub fn has_native_sidecars(self) -> bool {
        (self.major, self.minor) >= (1, 29)
    }
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The `[convert]` table of `.wasm-migrate.toml` (kebab-case keys, like the rest of the file).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConvertConfig {
    /// Runtime used when the scan does not name one for a workload. Default `spin`.
    pub runtime: Runtime,
    /// RuntimeClass name for every converted workload. Default: per runtime, see
    /// [`Runtime::default_class`].
    pub runtime_class: Option<String>,
    /// `handler` of the emitted RuntimeClass. Default: per runtime, see [`Runtime::default_handler`].
    pub handler: Option<String>,
    /// `scheduling.nodeSelector` of the emitted RuntimeClass (node selection belongs there, not
    /// in each workload). Default: none.
    pub node_selector: BTreeMap<String, String>,
    /// `scheduling.tolerations` of the emitted RuntimeClass. Default: none.
    pub tolerations: Vec<Toleration>,
    /// Wasm image for a container image, from its parts `{repository}`, `{name}` (last path
    /// segment) and `{tag}` (`latest` when the image has none). Default `{repository}-wasm:{tag}`.
    pub image_template: String,
    /// Explicit Wasm images, by original image (`ghcr.io/acme/api:1.2`) or repository
    /// (`ghcr.io/acme/api`); wins over the template. A container whose image is listed here is
    /// converted even when no Dockerfile in the repository builds it.
    pub images: BTreeMap<String, String>,
    /// Lowest verdict that is converted. Default `portable` (`blocked` is never converted).
    pub threshold: Threshold,
    /// Health-check path used to turn `exec` probes into `httpGet` probes when the workload has
    /// no other HTTP probe to learn it from. Default: none (the plan asks a person instead).
    pub health_path: Option<String>,
    /// Health-check paths by workload id (`Deployment/shop/api`), winning over `health_path`.
    pub health_paths: BTreeMap<String, String>,
    /// Kubernetes version of the target cluster (`1.29`): from 1.29 sidecars are native
    /// sidecars. Default: none (regular containers).
    pub kube_version: Option<String>,
    /// Sidecar choice per catalogue group (`state = "redis-kv"`, `telemetry = "none"`).
    pub sidecars: BTreeMap<String, String>,
    /// Extra catalogue entries; an entry with the name of a built-in one replaces it.
    pub sidecar: Vec<SidecarEntry>,
    /// Suffix of the Kustomize overlay directory written beside a base by `--emit kustomize`
    /// (`deploy/base` -> `deploy/base-wasm`). Default `wasm`.
    pub overlay_suffix: String,
}

impl Default for ConvertConfig {
    fn default() -> Self {
        ConvertConfig {
            runtime: Runtime::Spin,
            runtime_class: None,
            handler: None,
            node_selector: BTreeMap::new(),
            tolerations: Vec::new(),
            image_template: "{repository}-wasm:{tag}".into(),
            images: BTreeMap::new(),
            threshold: Threshold::Portable,
            health_path: None,
            health_paths: BTreeMap::new(),
            kube_version: None,
            sidecars: BTreeMap::new(),
            sidecar: Vec::new(),
            overlay_suffix: "wasm".into(),
        }
    }
}

/// A configuration error, with the 1-based line in the config file when known.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    pub message: String,
    pub line: Option<usize>,
}

/// The whole config file, of which `convert` reads only its own table (serde ignores the rest).
#[derive(Deserialize, Default)]
struct ConfigFile {
    #[serde(default)]
    convert: Option<ConvertConfig>,
}

impl ConvertConfig {
    /// Read the `[convert]` table from the text of `.wasm-migrate.toml` (other tables are left to
    /// the commands that own them). Errors carry the line they point at.
    pub fn from_toml(text: &str) -> Result<ConvertConfig, ConfigError> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| ConfigError {
            message: e.message().to_string(),
            line: e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1),
        })?;
        let cfg = file.convert.unwrap_or_default();
        cfg.validate().map_err(|message| ConfigError {
            message,
            line: None,
        })?;
        Ok(cfg)
    }

    /// Checks serde cannot express; the message names the key.
    pub fn validate(&self) -> Result<(), String> {
        if !self.image_template.contains("{repository}") && !self.image_template.contains("{name}")
        {
            return Err(format!(
                "[convert] image-template `{}` uses neither {{repository}} nor {{name}}; every image would map to the same name",
                self.image_template
            ));
        }
        if let Some(v) = &self.kube_version
            && KubeVersion::parse(v).is_none()
        {
            return Err(format!(
                "[convert] kube-version `{v}` is not a Kubernetes version such as `1.29`"
            ));
        }
        if let Some(c) = &self.runtime_class
            && !is_dns_subdomain(c)
        {
            return Err(format!(
                "[convert] runtime-class `{c}` is not a valid RuntimeClass name (a DNS subdomain)"
            ));
        }
        if let Some(h) = &self.handler
            && !is_dns_label(h)
        {
            return Err(format!(
                "[convert] handler `{h}` is not a DNS label, which a RuntimeClass handler must be"
            ));
        }
        if self.overlay_suffix.is_empty()
            || !self
                .overlay_suffix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(format!(
                "[convert] overlay-suffix `{}` must be a plain name (letters, digits, `-`)",
                self.overlay_suffix
            ));
        }
        Ok(())
    }

    /// RuntimeClass name for a runtime.
    pub fn class_for(&self, runtime: Runtime) -> String {
        self.runtime_class
            .clone()
            .unwrap_or_else(|| runtime.default_class().to_string())
    }

    pub fn handler_for(&self, runtime: Runtime) -> String {
        self.handler
            .clone()
            .unwrap_or_else(|| runtime.default_handler().to_string())
    }

    pub fn kube(&self) -> Option<KubeVersion> {
        self.kube_version.as_deref().and_then(KubeVersion::parse)
    }
}

pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

pub fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns_label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_documented_values() {
        let c = ConvertConfig::default();
        assert_eq!(c.class_for(Runtime::Spin), "wasmtime-spin-v2");
        assert_eq!(c.class_for(Runtime::Wasmtime), "wasmtime-v1");
        assert_eq!(c.handler_for(Runtime::Spin), "spin");
        assert_eq!(c.image_template, "{repository}-wasm:{tag}");
        assert_eq!(c.threshold, Threshold::Portable);
    }

    #[test]
    fn reads_only_the_convert_table_and_points_at_errors() {
        let c = ConvertConfig::from_toml("[rules]\nWM301 = \"off\"\n[convert]\nruntime = \"wasmtime\"\nruntime-class = \"wasm\"\n").unwrap();
        assert_eq!(
            (c.runtime, c.class_for(c.runtime).as_str()),
            (Runtime::Wasmtime, "wasm")
        );
        let e = ConvertConfig::from_toml("[convert]\nruntime = \"spin\"\nruntme-class = \"x\"\n")
            .unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("runtme-class"), "{e}");
        let e = ConvertConfig::from_toml("[convert]\nhandler = \"Spin_V2\"\n").unwrap_err();
        assert!(e.message.contains("DNS label"), "{e}");
        assert!(ConvertConfig::from_toml("").is_ok());
    }

    #[test]
    fn kube_versions() {
        assert_eq!(
            KubeVersion::parse("v1.29.3"),
            Some(KubeVersion {
                major: 1,
                minor: 29
            })
        );
        assert!(KubeVersion::parse("1.29").unwrap().has_native_sidecars());
        assert!(!KubeVersion::parse("1.28").unwrap().has_native_sidecars());
        assert_eq!(KubeVersion::parse("latest"), None);
    }
}
