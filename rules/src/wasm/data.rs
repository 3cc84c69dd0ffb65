//! The WASI import table (`rules/data/wasi_imports.toml`): reason and alternative for each class of
//! host API a module can import, and the SDK crates that say which runtime a project targets.

use std::sync::OnceLock;

use analyzer::wasm::{Import, ImportClass, RuntimeSpecific, WasiVersion};
use serde::Deserialize;

use crate::knowledge::parse_table;

/// One entry of `[[api]]`.
#[derive(Clone, Debug, Deserialize)]
pub struct ApiInfo {
    /// Exact key, or a prefix ending in `*`.
    pub name: String,
    /// A name the analyzer classifies as `class` (checked by a test).
    pub example: String,
    pub class: String,
    /// Runtime families that provide it; empty when none is tied to it.
    #[serde(default)]
    pub runtimes: Vec<String>,
    pub reason: String,
    #[serde(default)]
    pub alternative: Option<String>,
}

impl ApiInfo {
    fn matches(&self, key: &str) -> Option<usize> {
        match self.name.strip_suffix('*') {
            Some(prefix) if key.starts_with(prefix) => Some(prefix.len()),
            None if key == self.name => Some(self.name.len() + 1),
            _ => None,
        }
    }
}

/// One entry of `[[sdk]]`.
#[derive(Clone, Debug, Deserialize)]
pub struct SdkCrate {
    #[serde(rename = "crate")]
    pub krate: String,
    pub runtime: String,
    pub reason: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct WasiImportTable {
    #[serde(default)]
    pub api: Vec<ApiInfo>,
    #[serde(default)]
    pub sdk: Vec<SdkCrate>,
}

impl WasiImportTable {
    /// The most specific entry for an import of that class.
    pub fn lookup(&self, import: &Import) -> Option<&ApiInfo> {
        let class = class_name(&import.class);
        let key = import_key(import);
        self.api
            .iter()
            .filter(|a| a.class == class)
            .filter_map(|a| a.matches(&key).map(|len| (len, a)))
            .max_by_key(|(len, _)| *len)
            .map(|(_, a)| a)
    }

    pub fn sdk(&self, krate: &str) -> Option<&SdkCrate> {
        self.sdk.iter().find(|s| s.krate == krate)
    }
}

/// `rules/data/wasi_imports.toml`, parsed once.
pub fn wasi_imports() -> &'static WasiImportTable {
    static T: OnceLock<WasiImportTable> = OnceLock::new();
    T.get_or_init(|| {
        parse_table(
            "wasi_imports.toml",
            include_str!("../../data/wasi_imports.toml"),
        )
    })
}

/// What the table is keyed by: `namespace:package` for interface names, else the module name.
pub fn import_key(import: &Import) -> String {
    match &import.interface {
        Some(i) => format!("{}:{}", i.namespace, i.package),
        None => import.module.clone(),
    }
}

/// The table's name for an analyzer [`ImportClass`].
pub fn class_name(class: &ImportClass) -> &'static str {
    match class {
        ImportClass::RuntimeSpecific(RuntimeSpecific::WasmEdge) => "wasmedge",
        ImportClass::RuntimeSpecific(RuntimeSpecific::Wasix) => "wasix",
        ImportClass::RuntimeSpecific(RuntimeSpecific::Spin) => "spin",
        ImportClass::WasiThreads => "wasi-threads",
        ImportClass::WasiProposal(_) => "wasi-proposal",
        ImportClass::Wasi(WasiVersion::Unstable) => "wasi-unstable",
        ImportClass::Wasi(_) => "wasi",
        ImportClass::Other => "unresolved",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use analyzer::wasm::{InterfaceName, RuntimeFamily};

    /// An import as the analyzer would record it for `example`.
    fn import_for(example: &str) -> Import {
        let interface = InterfaceName::parse(example);
        let bytes = if interface.is_some() {
            format!("(component (import \"{example}\" (instance)))")
        } else {
            format!(
                "(module (import \"{example}\" \"thread-spawn\" (func (param i32) (result i32))))"
            )
        };
        let bytes = wat::parse_str(&bytes).expect("example wat");
        let module = analyzer::wasm::inspect("t.wasm", &bytes).expect("example inspects");
        module.imports.into_iter().next().expect("one import")
    }

    #[test]
    fn table_agrees_with_the_analyzer() {
        let t = wasi_imports();
        assert!(t.api.len() >= 15, "{}", t.api.len());
        for api in &t.api {
            let import = import_for(&api.example);
            assert_eq!(
                class_name(&import.class),
                api.class,
                "class of {}",
                api.example
            );
            assert_eq!(
                t.lookup(&import).map(|a| a.name.as_str()),
                Some(api.name.as_str()),
                "{} is shadowed by a more specific entry",
                api.example
            );
            if let ImportClass::RuntimeSpecific(r) = import.class {
                assert_eq!(api.runtimes, [r.family().as_str()], "{}", api.name);
            } else {
                assert!(api.runtimes.is_empty(), "{} lists runtimes", api.name);
            }
            assert!(
                !api.reason.ends_with('.'),
                "{}: reason ends with a period",
                api.name
            );
        }
        for sdk in &t.sdk {
            assert!(
                RuntimeFamily::from_name(&sdk.runtime).is_some(),
                "{}",
                sdk.krate
            );
        }
    }
}
