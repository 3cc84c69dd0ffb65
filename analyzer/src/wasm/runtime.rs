//! Which RuntimeClass families (containerd shims) can run an inspected module, and which one to
//! recommend.
//!
//! The decisions follow WASM-FACTS §1 (the shims and what they run), §5 (WASI worlds; threads are
//! a blocker for components) and §6 (runtime-specific ABIs). Where no public source confirms a
//! combination the answer is [`Support::NeedsValidation`], never a claim of support.

use super::{ImportClass, ModuleKind, WasiVersion, WasmModule, World};

/// A family of containerd Wasm shims; a RuntimeClass `handler` points at one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuntimeFamily {
    Wasmtime,
    Spin,
    Wasmedge,
    Wasmer,
    Wamr,
}

impl RuntimeFamily {
    /// Every family, in the order a recommendation prefers them when several fit: wasmtime runs
    /// both core modules and components; Spin needs an app manifest; the rest run core modules.
    pub const ALL: [RuntimeFamily; 5] = [
        RuntimeFamily::Wasmtime,
        RuntimeFamily::Spin,
        RuntimeFamily::Wasmedge,
        RuntimeFamily::Wasmer,
        RuntimeFamily::Wamr,
    ];

    /// The name used in the report's `runtime` field.
    pub fn as_str(self) -> &'static str {
        match self {
            RuntimeFamily::Wasmtime => "wasmtime",
            RuntimeFamily::Spin => "spin",
            RuntimeFamily::Wasmedge => "wasmedge",
            RuntimeFamily::Wasmer => "wasmer",
            RuntimeFamily::Wamr => "wamr",
        }
    }

    /// Parses [`RuntimeFamily::as_str`] back.
    pub fn from_name(name: &str) -> Option<RuntimeFamily> {
        RuntimeFamily::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// The containerd `runtime_type` of the family's shim.
    pub fn runtime_type(self) -> &'static str {
        match self {
            RuntimeFamily::Wasmtime => "io.containerd.wasmtime.v1",
            RuntimeFamily::Spin => "io.containerd.spin.v2",
            RuntimeFamily::Wasmedge => "io.containerd.wasmedge.v1",
            RuntimeFamily::Wasmer => "io.containerd.wasmer.v1",
            RuntimeFamily::Wamr => "io.containerd.wamr.v1",
        }
    }

    /// The port the shim serves a `wasi:http` handler on, for the shims that serve one.
    pub fn http_port(self) -> Option<u16> {
        match self {
            RuntimeFamily::Wasmtime => Some(8080),
            RuntimeFamily::Spin => Some(80),
            _ => None,
        }
    }

    /// Whether the family runs components (the others run core modules only).
    pub fn runs_components(self) -> bool {
        matches!(self, RuntimeFamily::Wasmtime | RuntimeFamily::Spin)
    }
}

/// How sure we are that a family runs the module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Support {
    Yes,
    /// No public source confirms it either way: try it before relying on it.
    NeedsValidation,
    No,
}

impl Support {
    pub fn as_str(self) -> &'static str {
        match self {
            Support::Yes => "yes",
            Support::NeedsValidation => "needs validation",
            Support::No => "no",
        }
    }
}

/// One family's verdict on a module, with the reasons for it (lower-case, no trailing period).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimeFit {
    pub family: RuntimeFamily,
    pub support: Support,
    pub reasons: Vec<String>,
}

/// Collects reasons per verdict; the worst verdict with any reason wins.
#[derive(Default)]
struct Verdict {
    yes: Vec<String>,
    unsure: Vec<String>,
    no: Vec<String>,
}

impl Verdict {
    fn finish(self, family: RuntimeFamily) -> RuntimeFit {
        let (support, reasons) = if !self.no.is_empty() {
            (Support::No, self.no)
        } else if !self.unsure.is_empty() {
            (Support::NeedsValidation, self.unsure)
        } else {
            (Support::Yes, self.yes)
        };
        RuntimeFit {
            family,
            support,
            reasons,
        }
    }
}

impl WasmModule {
    /// The verdict of every runtime family, in [`RuntimeFamily::ALL`] order.
    pub fn runtime_fits(&self) -> Vec<RuntimeFit> {
        RuntimeFamily::ALL
            .into_iter()
            .map(|f| self.runtime_fit(f))
            .collect()
    }

    /// The families that run the module or may run it (those marked needs validation).
    pub fn compatible_runtimes(&self) -> Vec<RuntimeFit> {
        self.runtime_fits()
            .into_iter()
            .filter(|f| f.support != Support::No)
            .collect()
    }

    /// The family to put in the workload's `runtime` field: the one a runtime-specific import ties
    /// the module to, else the first family in [`RuntimeFamily::ALL`] order that surely runs it,
    /// else the first that may (its `support` says so). `None` when no family can run it.
    pub fn recommended_runtime(&self) -> Option<RuntimeFit> {
        let fits = self.runtime_fits();
        let tied: Vec<RuntimeFamily> = self.runtime_specific().iter().map(|r| r.family()).collect();
        let mut order: Vec<RuntimeFamily> = tied;
        order.extend(RuntimeFamily::ALL);
        for wanted in [Support::Yes, Support::NeedsValidation] {
            for family in &order {
                if let Some(fit) = fits
                    .iter()
                    .find(|f| f.family == *family && f.support == wanted)
                {
                    return Some(fit.clone());
                }
            }
        }
        None
    }

    /// One family's verdict on the module.
    pub fn runtime_fit(&self, family: RuntimeFamily) -> RuntimeFit {
        let mut v = Verdict::default();
        self.common_checks(family, &mut v);
        match (self.kind, family.runs_components()) {
            (ModuleKind::Component, false) => v.no.push(format!(
                "the {} shim runs core modules only, not components",
                family.as_str()
            )),
            (ModuleKind::Component, true) => self.component_checks(family, &mut v),
            (ModuleKind::Core, _) => self.core_checks(family, &mut v),
        }
        v.finish(family)
    }

    fn common_checks(&self, family: RuntimeFamily, v: &mut Verdict) {
        if let Some(first) = self.unresolved_imports().next() {
            v.no.push(format!(
                "imports `{}`, which no runtime provides: link or compose the module first",
                first.display_name()
            ));
        }
        for (api, import) in self.runtime_specific_imports() {
            if api.family() != family {
                v.no.push(format!(
                    "imports `{}`, a {} that only {} provides",
                    import.display_name(),
                    api.as_str(),
                    api.family().as_str()
                ));
                break;
            }
        }
        if let Some(first) = self.proposal_imports().next() {
            v.unsure.push(format!(
                "imports `{}`, a WASI proposal the {} shim may not enable",
                first.display_name(),
                family.as_str()
            ));
        }
        if self.wasi_versions().contains(&WasiVersion::Unstable) {
            v.unsure
                .push("imports legacy `wasi_unstable` (older than preview 1)".to_string());
        }
    }

    fn component_checks(&self, family: RuntimeFamily, v: &mut Verdict) {
        if self.threads.uses_threads() {
            v.no.push(
                "a multi-threaded component (shared memory or thread spawn): no shim runs threads in components"
                    .to_string(),
            );
        }
        if self.wasi_versions().contains(&WasiVersion::P3) {
            v.unsure.push(format!(
                "WASI 0.3 support in the {} shim is unconfirmed",
                family.as_str()
            ));
        }
        let http = self.has_world(World::HttpProxy);
        let command = self.has_world(World::Command);
        let spin_api = self.has_world(World::SpinTrigger)
            || !self.runtime_specific().is_empty()
                && self
                    .runtime_specific_imports()
                    .all(|(r, _)| r.family() == RuntimeFamily::Spin);
        match family {
            RuntimeFamily::Wasmtime => {
                if http {
                    v.yes.push(
                        "the wasmtime shim serves `wasi:http/incoming-handler` on 0.0.0.0:8080"
                            .to_string(),
                    );
                }
                if command {
                    v.yes
                        .push("the wasmtime shim runs `wasi:cli/run`".to_string());
                }
                if !http && !command {
                    v.no.push(
                        "exports neither `wasi:cli/run` nor `wasi:http/incoming-handler`: the shim has nothing to call"
                            .to_string(),
                    );
                }
            }
            RuntimeFamily::Spin => {
                if spin_api {
                    v.yes.push("uses the Spin API".to_string());
                }
                if http {
                    v.yes.push(
                        "the Spin HTTP trigger serves `wasi:http/incoming-handler` on 0.0.0.0:80"
                            .to_string(),
                    );
                }
                if spin_api || http {
                    v.yes
                        .push("the image needs a spin.toml beside the module".to_string());
                } else if command && !spin_api {
                    v.unsure.push(
                        "Spin runs `wasi:cli/run` only through the command trigger, which the Spin shim may not include"
                            .to_string(),
                    );
                } else if !spin_api {
                    v.no.push("exports no HTTP handler or Spin trigger".to_string());
                }
            }
            _ => {}
        }
    }

    fn core_checks(&self, family: RuntimeFamily, v: &mut Verdict) {
        if let Some(import) = self
            .imports
            .iter()
            .find(|i| i.interface.is_some() && i.class != ImportClass::Other)
        {
            v.no.push(format!(
                "a core module importing `{}` must be made a component first (`wasm-tools component new`)",
                import.display_name()
            ));
        }
        let command = self.has_world(World::Command);
        let tied = self.runtime_specific().iter().any(|r| r.family() == family);
        if family == RuntimeFamily::Spin {
            if self.threads.uses_threads() {
                v.no.push("Spin does not run multi-threaded modules".to_string());
            }
            if tied {
                v.unsure.push(
                    "a core module using the Spin API (Spin 1 style): Spin converts it to a component"
                        .to_string(),
                );
            } else if command {
                v.unsure.push(
                    "Spin runs a WASI command module only as a WAGI handler (`executor = { type = \"wagi\" }`)"
                        .to_string(),
                );
            } else {
                v.no.push(
                    "Spin runs components or WAGI command modules, and this is neither".to_string(),
                );
            }
            return;
        }
        if command {
            v.yes.push(format!(
                "the {} shim runs WASI preview 1 core modules through `_start`",
                family.as_str()
            ));
        } else {
            // runwasi calls `_start` unless the entrypoint says `path#func`
            // (containerd/runwasi crates/containerd-shim-wasm/src/sandbox/context.rs).
            v.unsure.push(
                "no `_start` export: the container entrypoint must name an exported function (`/app.wasm#name`)"
                    .to_string(),
            );
        }
        if let Some((api, import)) = self
            .runtime_specific_imports()
            .find(|(r, _)| r.family() == family)
        {
            v.yes.push(format!(
                "the {} shim provides the {} (`{}`)",
                family.as_str(),
                api.as_str(),
                import.module
            ));
        }
        if self.threads.uses_threads() {
            // WASIX defines its own thread API, which is Wasmer's to provide.
            if family == RuntimeFamily::Wasmer && tied {
                v.yes.push("WASIX threads run on Wasmer".to_string());
            } else {
                v.unsure.push(format!(
                    "threads (shared memory or wasi-threads `thread-spawn`) in the {} shim are unconfirmed",
                    family.as_str()
                ));
            }
        }
    }
}
