//! `WM320` database-image: a container runs a well-known database, cache or storage server image.

use crate::k8s::images::{judge, judge_dockerfile};
use crate::{DockerfileCx, ImageCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a container whose image is a well-known database, cache or storage server
    /// (PostgreSQL, MySQL, MariaDB, MongoDB, Redis/Valkey, memcached, Cassandra, Elasticsearch,
    /// etcd, Elasticsearch/OpenSearch, vector databases, Prometheus, Grafana, Loki, MinIO, ...)
    /// that no Dockerfile in the repository builds. The list is data: the `embedded-db` entries
    /// of the image knowledge base, `rules/data/images.toml`.
    ///
    /// The same entry judges a Dockerfile: when the base of its runtime stage (the final stage,
    /// or the stage it is built `FROM`) is such an image, the rule reports that `FROM` reference,
    /// and every workload built from the Dockerfile gets the finding. Build stages do not count.
    ///
    /// A blocker becomes a warning for an init container (a one-off step such as a schema load),
    /// and for a container beside an application container of the same pod, which can stay a
    /// Linux container where the shim runs mixed pods.
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
        category: EmbeddedDb,
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
