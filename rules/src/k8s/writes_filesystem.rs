//! `WM315` writes-filesystem: a container mounts a writable volume at a well-known data path.

use crate::k8s::common::{claim_templates, holders, volume, volume_source};
use crate::{ObjectCx, Rule, RuleMeta, Sink, declare_rule};

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
    /// Scratch paths (`/tmp`, `/var/tmp`, `/run`, `/var/run`, `/dev/shm`) never fire: temporary
    /// files are fine for a module that has a filesystem at all. ConfigMap, Secret, projected and
    /// downwardAPI volumes are read-only by design and never fire.
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
    /// mount with `readOnly: true`.
    pub struct WritesFilesystem {
        code: "WM315",
        name: "writes-filesystem",
        category: WritesFilesystem,
        severity: Warning,
        penalty: 15,
        summary: "a container mounts a writable volume at a data path",
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

impl Rule for WritesFilesystem {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        let templates = claim_templates(cx);
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
                let source = match volume(cx, name).and_then(volume_source) {
                    Some((kind, _)) => kind,
                    None if templates.iter().any(|(t, _)| *t == name) => "volumeClaimTemplate",
                    None => continue,
                };
                if !matches!(
                    source,
                    "emptyDir"
                        | "persistentVolumeClaim"
                        | "hostPath"
                        | "ephemeral"
                        | "nfs"
                        | "volumeClaimTemplate"
                ) || !is_data_path(path)
                {
                    continue;
                }
                sink.report(
                    cx.object.file,
                    path_node.entry_span(),
                    format!(
                        "{} mounts volume `{name}` ({source}) writable at `{path}`",
                        h.label()
                    ),
                );
            }
        }
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
