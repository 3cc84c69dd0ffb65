//! `WM304` hostpath: the pod mounts a directory, file or socket of the node (`hostPath`).

use crate::k8s::common::{holders, volume_source, volumes};
use crate::k8s::pod::LazyWasm;
use crate::{ObjectCx, Rule, RuleMeta, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags every `hostPath` volume of a pod spec (or a SpinApp's `volumes`), naming the node
    /// path and the containers that mount it.
    ///
    /// In a workload that already runs Wasm (a Wasm `runtimeClassName`, a SpinApp, a `wasm32-*`
    /// node selector, a Wasm image), a host *directory* or file is a warning instead: every shim
    /// preopens the container root filesystem, mounts included (WASM-FACTS.md §1), so the module
    /// reads and writes it through WASI; what remains is the tie to one node's files. A socket,
    /// a device, `/proc` or `/sys` stays a blocker: WASI cannot open those at all.
    ///
    /// ## Why it matters for Wasm
    /// A `hostPath` ties the workload to the files of one node: its logs, its container runtime
    /// socket, `/proc` or `/sys`, or data that only exists there. The Wasm shims preopen the
    /// container's root filesystem, so a mounted directory is visible to a module, but WASI has no
    /// Unix-domain sockets, no devices and no kernel interfaces, and `wasi:http/proxy` components
    /// have no filesystem at all. State that lives on a node is local persistent state, which a
    /// Wasm service cannot keep.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: docker
    ///     hostPath:
    ///       path: /var/run/docker.sock
    /// ```
    ///
    /// ## How to fix
    /// Move the data to a service the module reaches over HTTP (object storage, a database behind
    /// a binding) or to a key-value store. A workload that must read the node (a log shipper, a
    /// CSI or CNI agent) stays a Linux container.
    pub struct Hostpath {
        code: "WM304",
        name: "hostpath",
        category: Hostpath,
        severity: Blocker,
        penalty: 50,
        summary: "the pod mounts a path of the node through a `hostPath` volume",
        help: "move the data to a service reached over HTTP or a key-value store; node agents that must read the node stay Linux containers",
    }
}

const FILES: &str = "files that live on one node";

/// What a node path most likely gives the pod, for the message.
fn what_it_is(path: &str, kind: Option<&str>) -> &'static str {
    let p = path.trim_end_matches('/');
    if kind == Some("Socket") || p.ends_with(".sock") {
        "a Unix socket, which WASI cannot open"
    } else if p == "/proc" || p.starts_with("/proc/") || p == "/sys" || p.starts_with("/sys/") {
        "a kernel interface, which WASI does not have"
    } else if p == "/dev"
        || p.starts_with("/dev/")
        || kind == Some("CharDevice")
        || kind == Some("BlockDevice")
    {
        "a device, which WASI does not have"
    } else if p == "/" {
        "the node's whole filesystem"
    } else {
        FILES
    }
}

impl Rule for Hostpath {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let holders = holders(cx);
        let wasm = LazyWasm::new(cx.repo, cx.object, cx.doc);
        for v in volumes(cx) {
            let Some(("hostPath", src)) = volume_source(v) else {
                continue;
            };
            let name = v.get("name").and_then(|n| n.as_str()).unwrap_or("");
            let path = src.get("path").and_then(|p| p.as_str()).unwrap_or("");
            let kind = src.get("type").and_then(|t| t.as_str());
            let what = what_it_is(path, kind);
            let hit = sink.report(
                cx.object.file,
                src.entry_span(),
                format!("volume `{name}` mounts host path `{path}` from the node: {what}"),
            );
            if let Some(why) = wasm.get()
                && what == FILES
            {
                hit.severity(Severity::Warning).help(format!(
                    "the workload already runs Wasm ({why}) and the shim preopens the mount for the module; keep the data off one node's disk (a PersistentVolumeClaim or a service) so the pod can move"
                ));
            }
            // Point at each mount so the reader sees who uses the node's files.
            for h in &holders {
                for m in h.get("volumeMounts").into_iter().flat_map(|m| m.items()) {
                    if m.get("name").and_then(|n| n.as_str()) == Some(name) {
                        let at = m.get("mountPath").unwrap_or(m);
                        hit.related(
                            cx.object.file,
                            at.entry_span(),
                            format!("{} mounts it", h.label()),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::what_it_is;

    #[test]
    fn names_what_the_node_path_is() {
        assert!(what_it_is("/var/run/docker.sock", None).contains("Unix socket"));
        assert!(what_it_is("/run/containerd", Some("Socket")).contains("Unix socket"));
        assert!(what_it_is("/sys/fs/bpf", None).contains("kernel"));
        assert!(what_it_is("/dev/fuse", None).contains("device"));
        assert!(what_it_is("/var/log", Some("Directory")).contains("one node"));
        assert!(what_it_is("/procfs-copy", None).contains("one node"));
    }
}
