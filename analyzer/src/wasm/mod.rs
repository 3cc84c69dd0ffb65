//! `.wasm` inspection: what a module or component is, what it imports and exports, and which
//! runtime shims can run it.
//!
//! [`inspect`] validates the bytes with `wasmparser` (all proposals enabled, so a module is only
//! rejected when it is malformed, not when it uses a feature some runtime lacks) and records facts
//! with the byte offset of the entry that proves each one. Which runtime families fit is decided in
//! [`runtime`] from those facts and WASM-FACTS §1, §5 and §6.

mod inspect;
mod names;
pub mod runtime;
mod scan;

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

pub use inspect::inspect;
pub use names::InterfaceName;
pub use runtime::{RuntimeFamily, RuntimeFit, Support};
pub use scan::{WORKLOAD_KIND, inspect_repo, link_modules, scan_module, workload_modules};

/// How many imports or exports are kept per module; the totals are still counted. Real modules have
/// a few hundred at most; the cap keeps a hostile file from turning into gigabytes of strings.
pub const MAX_RECORDED_ITEMS: usize = 10_000;

/// Core WebAssembly module or component-model component.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ModuleKind {
    Core,
    Component,
}

impl ModuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ModuleKind::Core => "core module",
            ModuleKind::Component => "component",
        }
    }
}

/// The WASI version an import belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WasiVersion {
    /// `wasi_unstable` (preview 0), older than preview 1.
    Unstable,
    /// `wasi_snapshot_preview1`, core modules (`wasm32-wasip1`).
    P1,
    /// `wasi:*@0.2.x` interfaces, components (`wasm32-wasip2`).
    P2,
    /// `wasi:*@0.3.x` interfaces, components with native async.
    P3,
}

impl WasiVersion {
    /// The name used in OCI configs and Rust target names.
    pub fn as_str(self) -> &'static str {
        match self {
            WasiVersion::Unstable => "wasi_unstable",
            WasiVersion::P1 => "wasip1",
            WasiVersion::P2 => "wasip2",
            WasiVersion::P3 => "wasip3",
        }
    }
}

/// A host API that only one runtime family provides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuntimeSpecific {
    /// `wasmedge_*` modules (sockets, process, TensorFlow, ...): WasmEdge only.
    WasmEdge,
    /// WASIX (`wasix_32v1`, `wasix_64v1`): Wasmer only.
    Wasix,
    /// `spin:*` / `fermyon:*` interfaces: Spin only.
    Spin,
}

impl RuntimeSpecific {
    pub fn family(self) -> RuntimeFamily {
        match self {
            RuntimeSpecific::WasmEdge => RuntimeFamily::Wasmedge,
            RuntimeSpecific::Wasix => RuntimeFamily::Wasmer,
            RuntimeSpecific::Spin => RuntimeFamily::Spin,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RuntimeSpecific::WasmEdge => "WasmEdge extension",
            RuntimeSpecific::Wasix => "WASIX API",
            RuntimeSpecific::Spin => "Spin API",
        }
    }
}

/// What an import asks the host for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ImportClass {
    /// A standard WASI API of that version (`wasi_snapshot_preview1`, `wasi:http/types@0.2.3`,
    /// and the phase-3 packages cli, clocks, filesystem, http, io, random, sockets).
    Wasi(WasiVersion),
    /// A `wasi:` package that is still a proposal (keyvalue, config, nn, ...), a `wasi_ephemeral_*`
    /// core module, or a `wasi:` name without a 0.2/0.3 version: runtimes provide these only when
    /// configured to, if at all.
    WasiProposal(Option<WasiVersion>),
    /// The legacy wasi-threads ABI: the `wasi::thread-spawn` import and the shared `env::memory`
    /// the host creates for it.
    WasiThreads,
    /// An API of one runtime family only.
    RuntimeSpecific(RuntimeSpecific),
    /// Anything else (`env`, a custom `my:pkg/iface`): no runtime shim provides it, so the module
    /// must be linked or composed first.
    Other,
}

/// One import. For a core module `module` and `name` are the two-level import name; for a
/// component `module` is the full import name (`wasi:http/types@0.2.3`) and `name` is empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub module: String,
    pub name: String,
    /// The parsed `namespace:package/interface@version` when the name has that form.
    pub interface: Option<InterfaceName>,
    pub class: ImportClass,
    /// Byte offset of the import entry in the file: the evidence.
    pub offset: usize,
}

impl Import {
    /// `module::name` for core imports, the full name for component imports: how messages quote it.
    pub fn display_name(&self) -> String {
        if self.name.is_empty() {
            self.module.clone()
        } else {
            format!("{}::{}", self.module, self.name)
        }
    }
}

/// One export of the top-level module or component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    pub name: String,
    pub interface: Option<InterfaceName>,
    pub offset: usize,
}

/// The entry point shape the exports give the module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum World {
    /// Exports `wasi:http/incoming-handler` (the `wasi:http/proxy` world): an HTTP handler that the
    /// wasmtime shim serves on 8080 and Spin on 80.
    HttpProxy,
    /// Exports `wasi:cli/run` (component) or `_start` (core module): runs to completion like a CLI.
    Command,
    /// A core module exporting `_initialize` and no `_start`: a library the host calls into.
    Reactor,
    /// Exports a Spin trigger interface (`fermyon:spin/inbound-http`, `fermyon:spin/inbound-redis`).
    SpinTrigger,
}

impl World {
    pub fn as_str(self) -> &'static str {
        match self {
            World::HttpProxy => "wasi:http/proxy",
            World::Command => "wasi:cli/command",
            World::Reactor => "reactor",
            World::SpinTrigger => "spin trigger",
        }
    }
}

/// A linear memory declared or imported by the module or by a core module nested in a component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Memory {
    pub initial_pages: u64,
    pub maximum_pages: Option<u64>,
    /// Bytes per page: 65536 unless the custom-page-sizes proposal says otherwise.
    pub page_size: u64,
    pub shared: bool,
    pub memory64: bool,
    pub imported: bool,
    /// Declared inside a core module nested in a component.
    pub nested: bool,
    pub offset: usize,
}

impl Memory {
    pub fn initial_bytes(&self) -> u64 {
        self.initial_pages.saturating_mul(self.page_size)
    }

    pub fn maximum_bytes(&self) -> Option<u64> {
        self.maximum_pages.map(|p| p.saturating_mul(self.page_size))
    }
}

/// Evidence of multi-threading.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Threads {
    /// Offset of the first shared memory (declared or imported, at any nesting level).
    pub shared_memory: Option<usize>,
    /// Offset of the wasi-threads `thread-spawn` import, a WASIX `thread_spawn*` import, or a
    /// component `thread.spawn*` builtin.
    pub thread_spawn: Option<usize>,
    /// Number of atomic instructions in function bodies (threads proposal). Atomics alone do not
    /// make a module multi-threaded: `wasm32-wasip1` std uses none, `wasm32-wasip1-threads` many.
    pub atomic_instructions: u64,
}

impl Threads {
    pub fn uses_threads(&self) -> bool {
        self.shared_memory.is_some() || self.thread_spawn.is_some()
    }

    /// The offset that best proves threading: the spawn import, else the shared memory.
    pub fn evidence(&self) -> Option<usize> {
        self.thread_spawn.or(self.shared_memory)
    }
}

/// Everything [`inspect`] learned about one `.wasm` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WasmModule {
    pub path: String,
    pub kind: ModuleKind,
    pub size: usize,
    /// Imports of the top-level module or component (what the host must provide), in file order.
    /// Imports of nested core modules are satisfied inside the component and are not listed.
    pub imports: Vec<Import>,
    pub imports_total: usize,
    /// Exports of the top-level module or component, in file order.
    pub exports: Vec<Export>,
    pub exports_total: usize,
    pub memories: Vec<Memory>,
    pub threads: Threads,
    /// Number of core modules nested in a component (0 for a core module).
    pub nested_modules: usize,
    /// Number of components nested in a component.
    pub nested_components: usize,
    /// `language` values of the `producers` custom sections (`Rust`, `C11`, ...), deduplicated.
    pub languages: Vec<String>,
    /// `processed-by` tool names of the `producers` custom sections (`rustc`, `wit-component`, ...).
    pub processed_by: Vec<String>,
}

impl WasmModule {
    /// Every WASI version the imports use, oldest first.
    pub fn wasi_versions(&self) -> BTreeSet<WasiVersion> {
        self.imports
            .iter()
            .filter_map(|i| match i.class {
                ImportClass::Wasi(v) | ImportClass::WasiProposal(Some(v)) => Some(v),
                ImportClass::WasiThreads => Some(WasiVersion::P1),
                _ => None,
            })
            .collect()
    }

    /// The WASI version the module targets: the newest one it imports.
    pub fn wasi_version(&self) -> Option<WasiVersion> {
        self.wasi_versions().into_iter().next_back()
    }

    /// The first import of that WASI version: the evidence for [`WasmModule::wasi_version`].
    pub fn wasi_evidence(&self, version: WasiVersion) -> Option<&Import> {
        self.imports.iter().find(|i| {
            matches!(i.class, ImportClass::Wasi(v) | ImportClass::WasiProposal(Some(v)) if v == version)
        })
    }

    /// Imports that tie the module to one runtime family, in file order.
    pub fn runtime_specific_imports(&self) -> impl Iterator<Item = (RuntimeSpecific, &Import)> {
        self.imports.iter().filter_map(|i| match i.class {
            ImportClass::RuntimeSpecific(r) => Some((r, i)),
            _ => None,
        })
    }

    /// The runtime-specific APIs the module uses, deduplicated.
    pub fn runtime_specific(&self) -> BTreeSet<RuntimeSpecific> {
        self.runtime_specific_imports().map(|(r, _)| r).collect()
    }

    /// Imports no runtime shim provides (`env`, custom interfaces).
    pub fn unresolved_imports(&self) -> impl Iterator<Item = &Import> {
        self.imports
            .iter()
            .filter(|i| i.class == ImportClass::Other)
    }

    /// WASI proposal imports (wasi-nn, wasi:keyvalue, ...).
    pub fn proposal_imports(&self) -> impl Iterator<Item = &Import> {
        self.imports
            .iter()
            .filter(|i| matches!(i.class, ImportClass::WasiProposal(_)))
    }

    /// The worlds the exports make, each with the export that proves it, in file order.
    pub fn worlds(&self) -> Vec<(World, &Export)> {
        let mut found: Vec<(World, &Export)> = Vec::new();
        for export in &self.exports {
            let world = match (self.kind, &export.interface) {
                (ModuleKind::Component, Some(i)) => names::export_world(i),
                (ModuleKind::Core, _) if export.name == "_start" => Some(World::Command),
                (ModuleKind::Core, _) if export.name == "_initialize" => Some(World::Reactor),
                _ => None,
            };
            if let Some(world) = world
                && !found.iter().any(|(w, _)| *w == world)
            {
                found.push((world, export));
            }
        }
        // A core module with both `_start` and `_initialize` is a command.
        if found.iter().any(|(w, _)| *w == World::Command) {
            found.retain(|(w, _)| *w != World::Reactor);
        }
        found
    }

    pub fn has_world(&self, world: World) -> bool {
        self.worlds().iter().any(|(w, _)| *w == world)
    }

    /// The export that makes the module a `wasi:http` handler, if it is one.
    pub fn http_handler(&self) -> Option<&Export> {
        self.worlds()
            .into_iter()
            .find(|(w, _)| *w == World::HttpProxy)
            .map(|(_, e)| e)
    }

    /// The largest declared memory maximum in bytes; `None` when some memory has no maximum
    /// (it may grow to the 4 GiB limit of 32-bit memories) or there is no memory.
    pub fn max_memory_bytes(&self) -> Option<u64> {
        let mut max = None;
        for m in &self.memories {
            let bytes = m.maximum_bytes()?;
            max = Some(max.map_or(bytes, |x: u64| x.max(bytes)));
        }
        max
    }

    /// The memory needed at start: the largest initial memory, in bytes.
    pub fn initial_memory_bytes(&self) -> u64 {
        self.memories
            .iter()
            .map(Memory::initial_bytes)
            .max()
            .unwrap_or(0)
    }
}
