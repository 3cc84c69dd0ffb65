//! `WM315` writes-filesystem: a container mounts a writable volume at a well-known data path, a
//! scratch volume, or runs a server image that keeps its data inside the container.

use analyzer::k8s::ContainerRole;
use analyzer::yaml::YRef;

use crate::k8s::common::{
    Holder, claim_templates, container_label, holders, is_spin_app, role_word, volume,
    volume_source, volumes,
};
use crate::k8s::manifest_signals::signals;
use crate::k8s::pod::{LazyWasm, Member, sidecar_relief};
use crate::{ObjectCx, Rule, RuleMeta, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a `volumeMounts` entry (any container, init containers included, or a SpinApp) when
    /// all of these hold:
    /// - the mount is writable (no `readOnly: true`);
    /// - the volume can hold written data: `emptyDir`, `persistentVolumeClaim`, `hostPath`,
    ///   `ephemeral`, `nfs`, or a StatefulSet `volumeClaimTemplates` entry;
    /// - the path is a data path: `/data`, `/var/lib/...`, `/var/log`, `/var/spool`, `/srv`,
    ///   `/var/www`, `/var/opt`, `/storage`, `/uploads` (or below them), or any path whose last
    ///   segment is `data`, `db`, `uploads`, `storage`, `state` or `wal`.
    ///
    /// It also flags, as scratch writes, a writable mount of an application container (not an
    /// init step, not a recognized sidecar) that is an `emptyDir` (any path, `medium: Memory`
    /// included) or a generic ephemeral volume, or any writable volume at `/tmp`, `/var/tmp` or
    /// `/dev/shm`: the program writes temporary files, which a Wasm module can only do in a
    /// directory the runtime preopens for it.
    ///
    /// A mount that holds Unix sockets or mounts, not files, is none of these: a socket
    /// directory of the kubelet, CSI or the runtime (`/var/lib/kubelet/device-plugins`, `/csi`,
    /// `/var/run`...: `socket-dir` in `rules/data/manifest-signals.toml`), a volume named for its
    /// sockets (`socket-dir`), or a mount with `mountPropagation: Bidirectional` or
    /// `HostToContainer`.
    ///
    /// And it flags the `image:` of a container whose image the knowledge base marks as keeping
    /// data in local files (`state = true` in `rules/data/images.toml`: a database, a broker)
    /// when the pod has no PersistentVolumeClaim and no `volumeClaimTemplates` (those are
    /// `persistent-volume`, WM305): the server keeps its state in the container.
    ///
    /// ConfigMap, Secret, projected and downwardAPI volumes are read-only by design and never
    /// fire. In a workload that already runs Wasm (a Wasm `runtimeClassName`, a SpinApp, a
    /// `wasm32-*` node selector, a Wasm image) every finding is a note: the shim preopens the
    /// container root filesystem, mounts included (WASM-FACTS.md §1), so WASI file writes work.
    ///
    /// ## Why it matters for Wasm
    /// The shims preopen the container root filesystem, so a `wasi:cli` module can write into a
    /// mounted directory. But `wasi:http/proxy` components have no filesystem at all, Spin
    /// components see only the files their manifest maps in, and a Wasm service is expected to
    /// be stateless. A writable data directory says the workload keeps files between requests
    /// (uploads, a local database, log files) and that code has to change.
    ///
    /// ## Example
    /// ```yaml
    /// volumeMounts:
    ///   - name: state
    ///     mountPath: /var/lib/app
    /// volumes:
    ///   - name: state
    ///     emptyDir: {}
    /// ```
    ///
    /// ## How to fix
    /// Keep data in a service the module reaches through an API (object storage over HTTP, a
    /// database, Spin key-value or SQLite). Write logs to stdout. If only reads are needed,
    /// mount with `readOnly: true`. For scratch files, have the runtime preopen a directory for
    /// the module (`wasmtime run --dir`, a Spin component's `files`, the shims' rootfs preopen)
    /// and write there.
    pub struct WritesFilesystem {
        code: "WM315",
        name: "writes-filesystem",
        category: WritesFilesystem,
        severity: Warning,
        penalty: 15,
        summary: "a container writes local files: a writable data or scratch mount, or a server image that keeps its data in the container",
        help: "keep data in a service reached through an API (object storage, a database, Spin key-value/SQLite) and log to stdout; mount read-only if only reads are needed",
    }
}

const SCRATCH: &[&str] = &["/tmp", "/var/tmp", "/run", "/var/run", "/dev/shm"];
const DATA_ROOTS: &[&str] = &[
    "/data",
    "/var/lib",
    "/var/log",
    "/var/spool",
    "/srv",
    "/var/www",
    "/var/opt",
    "/storage",
    "/uploads",
];
const DATA_LEAVES: &[&str] = &["data", "db", "uploads", "storage", "state", "wal"];

fn under(path: &str, root: &str) -> bool {
    path == root || path.strip_prefix(root).is_some_and(|r| r.starts_with('/'))
}

/// Whether a mount path is where a program keeps data (see the rule doc for the list).
fn is_data_path(path: &str) -> bool {
    let p = path.trim();
    let p = if p.len() > 1 {
        p.trim_end_matches('/')
    } else {
        p
    };
    if !p.starts_with('/') || SCRATCH.iter().any(|s| under(p, s)) {
        return false;
    }
    // `/var/lib` itself is a system directory; data lives in a directory below it.
    if p == "/var/lib" {
        return false;
    }
    if DATA_ROOTS.iter().any(|r| under(p, r)) {
        return true;
    }
    p.rsplit('/')
        .next()
        .is_some_and(|leaf| DATA_LEAVES.contains(&leaf.to_ascii_lowercase().as_str()))
}

/// A mount that is there for Unix sockets or for mounts, not for files: a socket directory of
/// the kubelet, CSI or the runtime (`socket-dir` in rules/data/manifest-signals.toml), a volume
/// named for its sockets (`socket-dir`, `plugin-sock`), or a mount propagated to or from the
/// host (`mountPropagation: Bidirectional` / `HostToContainer`: a CSI node plugin mounting
/// volumes into pods).
fn is_socket_or_mount_dir(mount: YRef<'_>, name: &str, path: &str) -> bool {
    let p = path.trim().trim_end_matches('/');
    let propagated = mount
        .get("mountPropagation")
        .and_then(|m| m.as_str())
        .is_some_and(|m| m == "Bidirectional" || m == "HostToContainer");
    let lower = name.to_ascii_lowercase();
    propagated
        || lower.contains("socket")
        || lower.split(['-', '_']).any(|w| w == "sock")
        || signals().socket_dir.iter().any(|d| under(p, &d.prefix))
}

/// Paths where a program writes temporary files.
const SCRATCH_WRITES: &[&str] = &["/tmp", "/var/tmp", "/dev/shm"];

fn is_scratch_path(path: &str) -> bool {
    let p = path.trim();
    SCRATCH_WRITES
        .iter()
        .any(|s| under(p.trim_end_matches('/'), s))
}

/// Who a mount belongs to, for the scratch check: only application containers count, not init
/// steps and not recognized sidecars (their scratch space is theirs, DESIGN.md §4).
fn is_application(cx: &ObjectCx<'_>, holder: &Holder<'_>) -> bool {
    if is_spin_app(cx) {
        return true;
    }
    let Some(spec) = cx.pod_spec() else {
        return false;
    };
    let members = Member::of_spec(&spec);
    members
        .iter()
        .find(|m| m.name == holder.name && role_word(m.role) == holder.label_kind)
        .is_some_and(|m| m.role == ContainerRole::Main && sidecar_relief(&members, m).is_none())
}

impl Rule for WritesFilesystem {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let templates = claim_templates(cx);
        let wasm = LazyWasm::new(cx.repo, cx.object, cx.doc);
        let relieve = |hit: &mut crate::Hit| {
            if let Some(why) = wasm.get() {
                hit.severity(Severity::Note).help(format!(
                    "the workload already runs Wasm ({why}): the shim preopens the container root filesystem, mounts included, so the module writes there through WASI (WASM-FACTS.md §1)"
                ));
            }
        };
        let mut flagged: Vec<&str> = Vec::new();
        for h in holders(cx) {
            for m in h.get("volumeMounts").into_iter().flat_map(|m| m.items()) {
                if m.get("readOnly").and_then(|r| r.as_bool()) == Some(true) {
                    continue;
                }
                let (Some(name), Some(path_node)) =
                    (m.get("name").and_then(|n| n.as_str()), m.get("mountPath"))
                else {
                    continue;
                };
                let Some(path) = path_node.as_str() else {
                    continue;
                };
                let (source, node) = match volume(cx, name).and_then(volume_source) {
                    Some((kind, node)) => (kind, Some(node)),
                    None if templates.iter().any(|(t, _)| *t == name) => {
                        ("volumeClaimTemplate", None)
                    }
                    None => continue,
                };
                let writable = matches!(
                    source,
                    "emptyDir"
                        | "persistentVolumeClaim"
                        | "hostPath"
                        | "ephemeral"
                        | "nfs"
                        | "volumeClaimTemplate"
                );
                if !writable || is_socket_or_mount_dir(m, name, path) {
                    continue;
                }
                if is_data_path(path) {
                    let hit = sink.report(
                        cx.object.file,
                        path_node.entry_span(),
                        format!(
                            "{} mounts volume `{name}` ({source}) writable at `{path}`",
                            h.label()
                        ),
                    );
                    relieve(hit);
                    flagged.push(h.name);
                    continue;
                }
                let scratch_volume = matches!(source, "emptyDir" | "ephemeral");
                if !(scratch_volume || is_scratch_path(path)) || !is_application(cx, &h) {
                    continue;
                }
                let memory = node
                    .and_then(|n| n.get("medium"))
                    .and_then(|m| m.as_str())
                    .is_some_and(|m| m.eq_ignore_ascii_case("memory"));
                let what = if memory { "emptyDir in memory" } else { source };
                let hit = sink.report(
                    cx.object.file,
                    path_node.entry_span(),
                    format!(
                        "{} mounts scratch volume `{name}` ({what}) writable at `{path}`: the program writes temporary files",
                        h.label()
                    ),
                );
                hit.help(format!(
                    "a Wasm module writes files only in a directory the runtime preopens for it: map `{path}` as a preopened directory (`wasmtime run --dir`, a Spin component's `files`), or keep the data in memory"
                ));
                relieve(hit);
                flagged.push(h.name);
            }
        }
        stateful_images(cx, &templates, &flagged, sink, &relieve);
    }
}

/// A container whose image keeps its data in local files, in a pod with no claim to keep them
/// on: the state lives in the container's writable layer.
fn stateful_images(
    cx: &ObjectCx<'_>,
    templates: &[(&str, analyzer::yaml::YRef<'_>)],
    flagged: &[&str],
    sink: &mut Sink<'_>,
    relieve: &dyn Fn(&mut crate::Hit),
) {
    let Some(spec) = cx.pod_spec() else { return };
    let claims = volumes(cx).any(|v| {
        matches!(
            volume_source(v),
            Some(("persistentVolumeClaim" | "ephemeral", _))
        )
    });
    if claims || !templates.is_empty() {
        return;
    }
    for c in spec.containers() {
        if c.role != ContainerRole::Main || flagged.contains(&c.name()) {
            continue;
        }
        let Some(node) = c.image() else { continue };
        let Some(image) = node.as_str() else { continue };
        let Some(entry) = analyzer::images::lookup(image).filter(|e| e.state) else {
            continue;
        };
        let hit = sink.report(
            cx.object.file,
            node.entry_span(),
            format!(
                "{} runs {} with no PersistentVolumeClaim: the server keeps its data in the container, lost when the pod restarts",
                container_label(&c),
                entry.name
            ),
        );
        hit.help(format!(
            "keep {} as a Linux workload with a PersistentVolumeClaim, or use a managed service; Wasm services reach it through a binding",
            entry.name
        ));
        relieve(hit);
    }
}

#[cfg(test)]
mod tests {
    use super::is_data_path;

    #[test]
    fn data_paths() {
        for p in [
            "/data",
            "/data/",
            "/var/lib/postgresql/data",
            "/var/lib/app",
            "/var/log/nginx",
            "/srv",
            "/app/uploads",
            "/usr/share/elasticsearch/data",
            "/bitnami/redis/DATA",
        ] {
            assert!(is_data_path(p), "{p}");
        }
        for p in [
            "/tmp",
            "/tmp/data",
            "/var/run/app.sock",
            "/dev/shm",
            "/var/lib",
            "/usr/share/nginx/html",
            "/etc/app",
            "/database-config",
            "data",
            "/",
            "",
            "/datastore",
        ] {
            assert!(!is_data_path(p), "{p}");
        }
    }
}
