//! `WM110` declared-volume: the final image declares a `VOLUME` for data it writes.

use crate::{DockerfileCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags every `VOLUME` path of the final image (the last stage and the stages it is built
    /// `FROM`), in JSON or plain form: a `VOLUME` says the program writes data there that should
    /// outlive the container (`/var/lib/postgresql/data`, `/data`, `/uploads`). Scratch paths
    /// (`/tmp`, `/var/tmp`, `/run`, `/var/run`, `/dev/shm`, and below them) do not fire, nor do
    /// `VOLUME`s of build stages.
    ///
    /// ## Why it matters for Wasm
    /// The shims preopen the container root filesystem, so a `wasi:cli` module can write into a
    /// directory. But `wasi:http/proxy` components have no filesystem at all, Spin components
    /// see only the files their manifest maps in, and a Wasm service is expected to be
    /// stateless. A declared volume says the workload keeps files (a database, uploads, logs)
    /// and that code has to change.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// COPY --from=build /app/target/release/store /store
    /// VOLUME ["/var/lib/store"]
    /// ```
    ///
    /// ## How to fix
    /// Keep data in a service the module reaches through an API (object storage over HTTP, a
    /// database, Spin key-value or SQLite) and write logs to stdout, then drop the `VOLUME`.
    pub struct DeclaredVolume {
        code: "WM110",
        name: "declared-volume",
        category: WritesFilesystem,
        severity: Warning,
        penalty: 15,
        summary: "the final image declares a volume for data it writes",
        help: "keep data in a service reached through an API (object storage, a database, Spin key-value/SQLite), log to stdout, and drop the VOLUME",
    }
}

const SCRATCH: &[&str] = &["/tmp", "/var/tmp", "/run", "/var/run", "/dev/shm"];

fn is_scratch(path: &str) -> bool {
    let p = path.trim();
    let p = if p.len() > 1 {
        p.trim_end_matches('/')
    } else {
        p
    };
    SCRATCH
        .iter()
        .any(|s| p == *s || p.strip_prefix(s).is_some_and(|r| r.starts_with('/')))
}

impl Rule for DeclaredVolume {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_dockerfile(&self, cx: &DockerfileCx<'_>, sink: &mut Sink<'_>) {
        for (_, path) in cx.dockerfile.volumes() {
            if path.value.trim().is_empty() || is_scratch(&path.value) {
                continue;
            }
            sink.report(
                cx.file.id,
                path.span,
                format!(
                    "`VOLUME {}` declares a directory the container keeps data in",
                    path.value
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_paths() {
        for p in ["/tmp", "/tmp/", "/var/run/app", "/dev/shm"] {
            assert!(is_scratch(p), "{p}");
        }
        for p in ["/data", "/tmpdata", "/var/lib/x", "/", "/runner"] {
            assert!(!is_scratch(p), "{p}");
        }
    }
}
