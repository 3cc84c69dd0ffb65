//! `WM321` broker-image: a container runs a well-known message broker or coordination service image.

use crate::k8s::images::{judge, judge_dockerfile};
use crate::{DockerfileCx, ImageCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a container whose image is a well-known message broker or coordination service
    /// (RabbitMQ, Kafka, Redpanda, ZooKeeper, NATS, MQTT brokers, Pulsar, ActiveMQ) that no
    /// Dockerfile in the repository builds: the `non-http-port` entries of kind `broker` in
    /// `rules/data/images.toml`. The category is `non-http-port`: a broker is a server of a
    /// protocol the Wasm shims do not route (a client of one is `raw-socket`). Init containers
    /// get a warning instead of a blocker, as for `database-image`.
    ///
    /// The same entry judges a Dockerfile: when the base of its runtime stage (the final stage,
    /// or the stage it is built `FROM`) is such an image, the rule reports that `FROM` reference,
    /// and every workload built from the Dockerfile gets the finding. Build stages do not count.
    ///
    /// ## Why it matters for Wasm
    /// Brokers are long-running servers speaking their own protocols (AMQP, the Kafka protocol,
    /// MQTT, NATS) over raw TCP and keeping queues and logs on local disk. The Wasm shims serve
    /// HTTP, `wasi:sockets` has no TLS and no Unix sockets, and these servers (JVM, Erlang or
    /// native) have no WASI builds.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: kafka
    ///     image: bitnami/kafka:3.7
    /// ```
    ///
    /// ## How to fix
    /// Keep the broker as a separate Linux workload or a managed service. Wasm services publish
    /// and subscribe through a sidecar (Dapr pub/sub), an HTTP bridge, or a platform binding
    /// (Spin has MQTT and Redis outbound APIs).
    pub struct BrokerImage {
        code: "WM321",
        name: "broker-image",
        category: NonHttpPort,
        severity: Blocker,
        penalty: 50,
        summary: "a container runs a well-known message broker or coordination service",
        help: "keep the broker as a separate Linux workload or a managed service; publish from Wasm through a sidecar, an HTTP bridge or a platform binding",
    }
}

impl Rule for BrokerImage {
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
