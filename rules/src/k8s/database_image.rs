//! `WM320` database-image: a container runs a well-known database, cache, search or storage server
//! image, a server of a non-HTTP protocol (`non-http-port`).

use crate::k8s::images::{judge, judge_dockerfile};
use crate::{DockerfileCx, ImageCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a container whose image is a well-known database, cache, search or storage server
    /// (PostgreSQL, MySQL, MariaDB, MongoDB, DocumentDB, Redis/Valkey, memcached, Cassandra,
    /// etcd, Elasticsearch/OpenSearch, vector databases, MinIO, ...) that no Dockerfile in the
    /// repository builds. The list is data: the `non-http-port` entries of the image knowledge
    /// base, `rules/data/images.toml`, that are not brokers (those are `broker-image`, WM321).
    ///
    /// The category is `non-http-port`: such a server is judged by what it serves, a protocol
    /// the Wasm shims do not route. `embedded-db` is only for database libraries linked into
    /// the workload's own code (WM210). The state the server keeps is reported beside it:
    /// `persistent-volume` (WM305) for its claims, else `writes-filesystem` (WM315) when the
    /// image keeps data in the container.
    ///
    /// The same entry judges a Dockerfile: when the base of its runtime stage (the final stage,
    /// or the stage it is built `FROM`) is such an image, the rule reports that `FROM` reference,
    /// and every workload built from the Dockerfile gets the finding. Build stages do not count.
    ///
    /// A blocker becomes a warning for an init container (a one-off step such as a schema load),
    /// and a note for a container beside the Wasm one in a pod that already runs Wasm. A
    /// database beside an application container stays a blocker: it is a server of its own, not
    /// a recognized sidecar (`rules/data/pod-sidecars.toml`).
    ///
    /// ## Why it matters for Wasm
    /// These servers are native (or JVM) programs that keep their data in local files and serve a
    /// binary protocol over TCP. WASI offers neither durable local state nor a way to serve such
    /// a protocol through the Wasm shims, which route HTTP. Nobody rebuilds PostgreSQL for WASI:
    /// the database stays a Linux workload and the Wasm services talk to it.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: cache
    ///     image: redis:7.2
    /// ```
    ///
    /// ## How to fix
    /// Keep the server as its own Linux workload (or a managed service) and reach it from the
    /// Wasm service through a platform binding (Spin's Redis, PostgreSQL and MySQL outbound
    /// APIs, its key-value store) or a sidecar such as Dapr.
    pub struct DatabaseImage {
        code: "WM320",
        name: "database-image",
        category: NonHttpPort,
        severity: Blocker,
        penalty: 50,
        summary: "a container runs a well-known database, cache or storage server",
        help: "keep the server as a separate Linux workload or a managed service and reach it through a platform binding or a sidecar",
    }
}

impl Rule for DatabaseImage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_image(&self, cx: &ImageCx<'_>, sink: &mut Sink<'_>) {
        judge(cx, sink, &Self::META);
    }

    fn check_dockerfile(&self, cx: &DockerfileCx<'_>, sink: &mut Sink<'_>) {
        judge_dockerfile(cx, sink, &Self::META);
    }
}
