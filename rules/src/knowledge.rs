//! Knowledge tables: data in `rules/data/*.toml`, compiled in and parsed once on first use.
//!
//! Each entry carries its reason and, where one is known, the Wasm-friendly alternative, so the
//! data documents itself and a finding can quote it. A test parses every table, so a broken data
//! file fails CI instead of a scan.

use std::sync::OnceLock;

use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Parse a built-in table. Built-in data is checked by tests; should it still be broken, the
/// table is empty rather than the scan aborting.
pub fn parse_table<T: DeserializeOwned + Default>(name: &str, text: &str) -> T {
    match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            debug_assert!(false, "built-in table {name} does not parse: {e}");
            T::default()
        }
    }
}

/// A well-known port and what speaks on it.
#[derive(Clone, Debug, Deserialize)]
pub struct PortInfo {
    pub port: u16,
    /// Protocol spoken (`postgresql`, `redis`, `dns`).
    pub protocol: String,
    /// `tcp` or `udp`.
    #[serde(default = "tcp")]
    pub transport: String,
    pub reason: String,
    #[serde(default)]
    pub alternative: Option<String>,
    /// Where the port assignment is documented.
    #[serde(default)]
    pub source: Option<String>,
}

fn tcp() -> String {
    "tcp".into()
}

#[derive(Debug, Default, Deserialize)]
pub struct PortTable {
    #[serde(default)]
    pub port: Vec<PortInfo>,
    /// Port-name prefixes that announce a non-HTTP protocol (`redis`, `amqp`, `tcp-`).
    #[serde(default)]
    pub non_http_names: Vec<String>,
    /// Port names that announce HTTP (`http`, `https`, `grpc-web`, `http-*`).
    #[serde(default)]
    pub http_names: Vec<String>,
    /// Port-name prefixes that announce gRPC, which is HTTP/2 (WASM-FACTS.md §7): `grpc`,
    /// `grpc-*`, `grpcs`. `grpc-web` is HTTP/1 and listed among the HTTP names.
    #[serde(default)]
    pub grpc_names: Vec<String>,
    /// `appProtocol` values that announce HTTP/2 or gRPC (`grpc`, `kubernetes.io/h2c`).
    #[serde(default)]
    pub grpc_app_protocols: Vec<String>,
}

impl PortTable {
    pub fn by_number(&self, port: u16) -> Option<&PortInfo> {
        self.port.iter().find(|p| p.port == port)
    }

    /// Whether a port name announces HTTP (`http`, `https-admin`, `metrics`, `grpc-web`).
    pub fn name_is_http(&self, name: &str) -> bool {
        let n = name.to_ascii_lowercase();
        self.http_names
            .iter()
            .any(|h| n == *h || n.starts_with(&format!("{h}-")))
    }

    /// Whether a port name announces gRPC (`grpc`, `grpc-api`, `grpcs`), which is HTTP/2 and
    /// never a non-HTTP protocol. HTTP names (`grpc-web`) win.
    pub fn name_is_grpc(&self, name: &str) -> bool {
        let n = name.to_ascii_lowercase();
        !self.name_is_http(&n)
            && self
                .grpc_names
                .iter()
                .any(|g| n == *g || n.starts_with(&format!("{g}-")))
    }

    /// Whether an `appProtocol` value announces gRPC or cleartext HTTP/2.
    pub fn app_protocol_is_grpc(&self, value: &str) -> bool {
        let v = value.trim().to_ascii_lowercase();
        self.grpc_app_protocols.contains(&v)
    }

    /// Whether a port name says the port speaks something other than HTTP. HTTP and gRPC names
    /// never do, whatever else they contain.
    pub fn name_is_non_http(&self, name: &str) -> bool {
        let n = name.to_ascii_lowercase();
        if self.name_is_http(&n) || self.name_is_grpc(&n) {
            return false;
        }
        self.non_http_names.iter().any(|p| {
            if p.ends_with('-') {
                n.starts_with(p.as_str())
            } else {
                n == *p || n.starts_with(&format!("{p}-"))
            }
        })
    }
}

/// Well-known ports (`rules/data/ports.toml`).
pub fn ports() -> &'static PortTable {
    static T: OnceLock<PortTable> = OnceLock::new();
    T.get_or_init(|| parse_table("ports.toml", include_str!("../data/ports.toml")))
}

/// A container recognized as a sidecar (`rules/data/pod-sidecars.toml`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SidecarEntry {
    pub name: String,
    /// Image repository patterns (as in `images.toml`).
    pub images: Vec<String>,
    /// Container-name patterns, which count only for an image the knowledge base knows.
    #[serde(default)]
    pub containers: Vec<String>,
    pub reason: String,
    pub source: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct SidecarTable {
    #[serde(default)]
    pub sidecar: Vec<SidecarEntry>,
}

/// Recognized sidecars (`rules/data/pod-sidecars.toml`).
pub fn sidecars() -> &'static SidecarTable {
    static T: OnceLock<SidecarTable> = OnceLock::new();
    T.get_or_init(|| {
        parse_table(
            "pod-sidecars.toml",
            include_str!("../data/pod-sidecars.toml"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_table_parses_and_answers() {
        let p = ports();
        assert!(p.port.len() >= 15);
        assert_eq!(
            p.by_number(5432).map(|i| i.protocol.as_str()),
            Some("postgresql")
        );
        assert!(p.name_is_non_http("redis"));
        assert!(p.name_is_non_http("tcp-metrics"));
        assert!(!p.name_is_non_http("http-metrics"));
        assert!(!p.name_is_non_http("http"));
        // gRPC is HTTP/2 (WASM-FACTS.md §7): its own category, never non-HTTP.
        for n in ["grpc", "grpc-api", "GRPC", "grpcs"] {
            assert!(p.name_is_grpc(n), "{n}");
            assert!(!p.name_is_non_http(n), "{n}");
        }
        assert!(!p.name_is_grpc("grpc-web"));
        assert!(!p.name_is_grpc("grpcurl-tcp"));
        assert!(p.app_protocol_is_grpc("kubernetes.io/h2c"));
        assert!(p.app_protocol_is_grpc("GRPC"));
        assert!(!p.app_protocol_is_grpc("http"));
    }

    #[test]
    fn sidecar_table_parses_and_every_entry_has_a_source() {
        let t = sidecars();
        assert!(t.sidecar.len() >= 10);
        for e in &t.sidecar {
            assert!(e.source.starts_with("https://"), "{}", e.name);
            assert!(!e.images.is_empty(), "{}: images", e.name);
            for p in e.images.iter().chain(&e.containers) {
                assert_eq!(*p, p.to_ascii_lowercase(), "{}", e.name);
            }
        }
    }
}
