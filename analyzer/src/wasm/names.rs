//! Import and export names: parsing `namespace:package/interface@version` and deciding which host
//! API (WASI version, WASI proposal, runtime-specific extension) a name belongs to.

use super::{ImportClass, RuntimeSpecific, WasiVersion, World};

/// WASI 0.2 packages that every component runtime provides (the `wasi:cli/command` and
/// `wasi:http/proxy` worlds). Other `wasi:` packages are proposals a runtime enables by config.
const STANDARD_WASI_PACKAGES: &[&str] = &[
    "cli",
    "clocks",
    "filesystem",
    "http",
    "io",
    "random",
    "sockets",
];

/// A component-model interface name, e.g. `wasi:http/incoming-handler@0.2.3`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InterfaceName {
    pub namespace: String,
    pub package: String,
    /// `None` for a package-level name (`wasi:http@0.2.0`).
    pub interface: Option<String>,
    pub version: Option<String>,
}

impl InterfaceName {
    /// Parses `ns:pkg/iface@ver`; `None` for plain names (`env`, `run`, `_start`).
    pub fn parse(name: &str) -> Option<InterfaceName> {
        let (path, version) = match name.split_once('@') {
            Some((p, v)) if !v.is_empty() => (p, Some(v.to_string())),
            Some(_) => return None,
            None => (name, None),
        };
        let (namespace, rest) = path.split_once(':')?;
        let (package, interface) = match rest.split_once('/') {
            Some((p, i)) => (p, Some(i)),
            None => (rest, None),
        };
        let ok = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':' || c == '.')
        };
        if !ok(namespace) || !ok(package) || interface.is_some_and(|i| !ok(i)) {
            return None;
        }
        Some(InterfaceName {
            namespace: namespace.to_string(),
            package: package.to_string(),
            interface: interface.map(str::to_string),
            version,
        })
    }

    /// `wasi:http/incoming-handler` without the version.
    pub fn unversioned(&self) -> String {
        match &self.interface {
            Some(i) => format!("{}:{}/{}", self.namespace, self.package, i),
            None => format!("{}:{}", self.namespace, self.package),
        }
    }

    /// The WASI version a `wasi:` version string stands for: `0.2.x` (with any pre-release) is
    /// WASI 0.2, `0.3.x` is WASI 0.3.
    pub fn wasi_version(&self) -> Option<WasiVersion> {
        let v = self.version.as_deref()?;
        let mut parts = v.split(['.', '-', '+']);
        match (parts.next(), parts.next()) {
            (Some("0"), Some("2")) => Some(WasiVersion::P2),
            (Some("0"), Some("3")) => Some(WasiVersion::P3),
            _ => None,
        }
    }

    fn is(&self, namespace: &str, package: &str) -> bool {
        self.namespace == namespace && self.package == package
    }
}

/// Classifies a core module's two-level import `module::name`.
pub(crate) fn classify_core_import(module: &str, name: &str) -> ImportClass {
    match module {
        "wasi_snapshot_preview1" => return ImportClass::Wasi(WasiVersion::P1),
        "wasi_unstable" => return ImportClass::Wasi(WasiVersion::Unstable),
        "wasi" if name == "thread-spawn" => return ImportClass::WasiThreads,
        _ => {}
    }
    if module.starts_with("wasi_ephemeral_") || module.starts_with("wasi_experimental_") {
        return ImportClass::WasiProposal(Some(WasiVersion::P1));
    }
    if module.starts_with("wasmedge") {
        return ImportClass::RuntimeSpecific(RuntimeSpecific::WasmEdge);
    }
    if module.starts_with("wasix_") {
        return ImportClass::RuntimeSpecific(RuntimeSpecific::Wasix);
    }
    // Core modules built for WASI 0.2 (before `wasm-tools component new`) import interface names.
    match InterfaceName::parse(module) {
        Some(i) => classify_interface(&i),
        None => ImportClass::Other,
    }
}

/// Classifies a component import by its interface name.
pub(crate) fn classify_interface(i: &InterfaceName) -> ImportClass {
    match i.namespace.as_str() {
        "wasi" => match i.wasi_version() {
            Some(v) if STANDARD_WASI_PACKAGES.contains(&i.package.as_str()) => ImportClass::Wasi(v),
            v => ImportClass::WasiProposal(v),
        },
        "spin" | "fermyon" => ImportClass::RuntimeSpecific(RuntimeSpecific::Spin),
        _ => ImportClass::Other,
    }
}

/// The world a component export makes the component part of.
pub(crate) fn export_world(i: &InterfaceName) -> Option<World> {
    let iface = i.interface.as_deref()?;
    if i.is("wasi", "http") {
        // WASI 0.3 renamed `incoming-handler` to `handler`.
        return match iface {
            "incoming-handler" => Some(World::HttpProxy),
            "handler" if i.wasi_version() == Some(WasiVersion::P3) => Some(World::HttpProxy),
            _ => None,
        };
    }
    if i.is("wasi", "cli") && iface == "run" {
        return Some(World::Command);
    }
    if i.is("fermyon", "spin") && iface.starts_with("inbound-") {
        return Some(World::SpinTrigger);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_interface_names() {
        let i = InterfaceName::parse("wasi:http/incoming-handler@0.2.3").unwrap();
        assert_eq!(i.namespace, "wasi");
        assert_eq!(i.package, "http");
        assert_eq!(i.interface.as_deref(), Some("incoming-handler"));
        assert_eq!(i.version.as_deref(), Some("0.2.3"));
        assert_eq!(i.unversioned(), "wasi:http/incoming-handler");
        assert_eq!(i.wasi_version(), Some(WasiVersion::P2));

        let p = InterfaceName::parse("wasi:http@0.3.0-rc-2025-09-16").unwrap();
        assert_eq!(p.interface, None);
        assert_eq!(p.wasi_version(), Some(WasiVersion::P3));

        for plain in [
            "env", "_start", "run", "wasi:", ":x", "a:b/", "a:b@", "a b:c",
        ] {
            assert_eq!(InterfaceName::parse(plain), None, "{plain}");
        }
    }

    #[test]
    fn classifies_core_imports() {
        use ImportClass::*;
        let cases = [
            ("wasi_snapshot_preview1", "fd_write", Wasi(WasiVersion::P1)),
            ("wasi_unstable", "fd_write", Wasi(WasiVersion::Unstable)),
            ("wasi", "thread-spawn", WasiThreads),
            ("wasi", "other", Other),
            (
                "wasi_ephemeral_nn",
                "load",
                WasiProposal(Some(WasiVersion::P1)),
            ),
            (
                "wasmedge_wasi_socket",
                "sock_open",
                RuntimeSpecific(super::RuntimeSpecific::WasmEdge),
            ),
            (
                "wasmedge_process",
                "run",
                RuntimeSpecific(super::RuntimeSpecific::WasmEdge),
            ),
            (
                "wasix_32v1",
                "thread_spawn_v2",
                RuntimeSpecific(super::RuntimeSpecific::Wasix),
            ),
            (
                "wasix_64v1",
                "fd_pipe",
                RuntimeSpecific(super::RuntimeSpecific::Wasix),
            ),
            ("wasi:cli/stdout@0.2.0", "get-stdout", Wasi(WasiVersion::P2)),
            ("env", "memory", Other),
        ];
        for (module, name, want) in cases {
            assert_eq!(classify_core_import(module, name), want, "{module}::{name}");
        }
    }

    #[test]
    fn classifies_interfaces() {
        use ImportClass::*;
        let cases = [
            ("wasi:io/streams@0.2.0", Wasi(WasiVersion::P2)),
            (
                "wasi:sockets/tcp@0.2.0-rc-2023-11-10",
                Wasi(WasiVersion::P2),
            ),
            ("wasi:http/types@0.3.0", Wasi(WasiVersion::P3)),
            (
                "wasi:keyvalue/store@0.2.0-draft2",
                WasiProposal(Some(WasiVersion::P2)),
            ),
            ("wasi:cli/run", WasiProposal(None)),
            ("wasi:cli/run@1.0.0", WasiProposal(None)),
            (
                "fermyon:spin/key-value@2.0.0",
                RuntimeSpecific(super::RuntimeSpecific::Spin),
            ),
            (
                "spin:postgres/postgres@3.0.0",
                RuntimeSpecific(super::RuntimeSpecific::Spin),
            ),
            ("docs:calc/add@0.1.0", Other),
        ];
        for (name, want) in cases {
            let i = InterfaceName::parse(name).unwrap();
            assert_eq!(classify_interface(&i), want, "{name}");
        }
    }

    #[test]
    fn worlds_from_exports() {
        let world = |n: &str| export_world(&InterfaceName::parse(n).unwrap());
        assert_eq!(
            world("wasi:http/incoming-handler@0.2.0"),
            Some(World::HttpProxy)
        );
        assert_eq!(world("wasi:http/handler@0.3.0"), Some(World::HttpProxy));
        assert_eq!(world("wasi:http/handler@0.2.0"), None);
        assert_eq!(world("wasi:cli/run@0.2.6"), Some(World::Command));
        assert_eq!(
            world("fermyon:spin/inbound-redis"),
            Some(World::SpinTrigger)
        );
        assert_eq!(world("wasi:http/types@0.2.0"), None);
        assert_eq!(world("wasi:http@0.2.0"), None);
    }
}
