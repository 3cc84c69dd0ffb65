//! `WM324` proxy-image: a container runs a prebuilt native server image (nginx, Envoy, an exporter, a cluster component, ...).

use crate::k8s::images::{judge, judge_dockerfile};
use crate::{DockerfileCx, ImageCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a container whose image is a prebuilt native server that no Dockerfile in the
    /// repository builds: a web server or proxy (nginx, OpenResty, Kong, Apache httpd, Envoy,
    /// Istio's and Linkerd's proxies, HAProxy, Traefik, Caddy, Varnish, Squid), an observability
    /// agent or exporter (node-exporter, Fluent Bit, Fluentd, the OpenTelemetry Collector,
    /// Jaeger, ...) or a Kubernetes node or controller component (kube-proxy, CoreDNS,
    /// kube-state-metrics, ingress-nginx, cert-manager, ExternalDNS, CSI sidecars, CNI plugins):
    /// the `native-lib` entries of `rules/data/images.toml`. The category is `native-lib`
    /// because what stands in the way is a prebuilt native program with no Wasm build.
    ///
    /// The same entry judges a Dockerfile: when the base of its runtime stage (the final stage,
    /// or the stage it is built `FROM`) is such an image, the rule reports that `FROM` reference,
    /// and every workload built from the Dockerfile gets the finding. Build stages do not count.
    ///
    /// ## Why it matters for Wasm
    /// These are C, C++ or Go programs built for Linux. They cannot run under a Wasm shim, but
    /// they rarely need to: static files can be served by a Wasm file server component
    /// (spin-fileserver), routing belongs to the cluster's Ingress, and current runwasi and Spin
    /// shims run a Linux container beside a Wasm one in the same pod. Whether a mesh proxy and
    /// its iptables init container work under a Wasm shim has no public confirmation.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: nginx:1.27
    /// ```
    ///
    /// ## How to fix
    /// Serve static files from a Wasm file server component and route with the Ingress, or keep
    /// the proxy as a Linux container (a separate workload, or a sidecar where mixed pods work).
    /// Agents, exporters and cluster components stay Linux workloads: they are part of the
    /// platform, not services to move. Beside an application container the finding is a
    /// warning, as for `database-image`.
    pub struct ProxyImage {
        code: "WM324",
        name: "proxy-image",
        category: NativeLib,
        severity: Blocker,
        penalty: 40,
        summary: "a container runs a prebuilt native server, proxy, agent or cluster component",
        help: "serve static files from a Wasm file server component and route with the Ingress, or keep the proxy as a Linux container",
    }
}

impl Rule for ProxyImage {
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
