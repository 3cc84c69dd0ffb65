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
}

impl PortTable {
    pub fn by_number(&self, port: u16) -> Option<&PortInfo> {
        self.port.iter().find(|p| p.port == port)
    }

    /// Whether a port name says the port speaks something other than HTTP.
    pub fn name_is_non_http(&self, name: &str) -> bool {
        let n = name.to_ascii_lowercase();
        if self
            .http_names
            .iter()
            .any(|h| n == *h || n.starts_with(&format!("{h}-")))
        {
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
    }
}
